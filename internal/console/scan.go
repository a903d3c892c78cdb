package console

// A state dump of a large tenant runs to megabytes of JSON, and a page
// shows fifty records of it. These helpers walk the admin API's JSON
// without decoding it: split an object into its top-level fields, an array
// into its elements, and read one top-level string of a record. Only the
// records on the page are decoded. They expect valid JSON (the admin API
// writes it with encoding/json); on anything else they stop early and
// return what they have, never reading out of bounds.

import (
	"bytes"
	"encoding/json"

	"github.com/mocksrv/mocksrv/internal/jsonscan"
)

// topValue returns the raw value of a top-level field of the object b.
func topValue(b []byte, key string) []byte {
	var out []byte
	eachField(b, func(k, v []byte) bool {
		if string(k) == key {
			out = v
			return false
		}
		return true
	})
	return out
}

// topString returns a top-level field of the object b as text: a string's
// value, or any other scalar as written.
func topString(b []byte, key string) string {
	v := topValue(b, key)
	if len(v) == 0 {
		return ""
	}
	if v[0] == '"' {
		if len(v) >= 2 && v[len(v)-1] == '"' && !bytes.ContainsRune(v[1:len(v)-1], '\\') {
			return string(v[1 : len(v)-1])
		}
		var s string
		if json.Unmarshal(v, &s) == nil {
			return s
		}
		return ""
	}
	if v[0] == '{' || v[0] == '[' {
		return ""
	}
	return string(v)
}

// eachField calls fn with each top-level key (without its quotes; the
// admin API's keys need no unescaping) and value of the object b, until fn
// returns false.
func eachField(b []byte, fn func(key, value []byte) bool) {
	jsonscan.Fields(b, func(k, v []byte) bool { return fn(k[1:max(len(k)-1, 1)], v) })
}
