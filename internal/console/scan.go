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
)

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}

// endString returns the index just past the string starting at b[i] ('"').
func endString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b)
}

// endValue returns the index just past the JSON value starting at b[i].
func endValue(b []byte, i int) int {
	if i >= len(b) {
		return len(b)
	}
	switch b[i] {
	case '"':
		return endString(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				i = endString(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return len(b)
	}
	for ; i < len(b); i++ {
		switch b[i] {
		case ',', '}', ']', ' ', '\n', '\t', '\r':
			return i
		}
	}
	return len(b)
}

// eachField calls fn with each top-level key (raw, without quotes; the
// admin API's keys need no unescaping) and value of the object b, until fn
// returns false.
func eachField(b []byte, fn func(key, value []byte) bool) {
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '{' {
		return
	}
	i++
	for {
		i = skipWS(b, i)
		if i >= len(b) || b[i] == '}' {
			return
		}
		if b[i] == ',' {
			i++
			continue
		}
		if b[i] != '"' {
			return
		}
		ke := endString(b, i)
		key := b[i+1 : max(ke-1, i+1)]
		i = skipWS(b, ke)
		if i >= len(b) || b[i] != ':' {
			return
		}
		i = skipWS(b, i+1)
		ve := endValue(b, i)
		if !fn(key, b[i:ve]) {
			return
		}
		i = ve
	}
}

// fields splits an object into its top-level fields.
func fields(b []byte) map[string][]byte {
	m := map[string][]byte{}
	eachField(b, func(k, v []byte) bool { m[string(k)] = v; return true })
	return m
}

// elements splits an array into its elements.
func elements(b []byte) [][]byte {
	i := skipWS(b, 0)
	if i >= len(b) || b[i] != '[' {
		return nil
	}
	var out [][]byte
	i++
	for {
		i = skipWS(b, i)
		if i >= len(b) || b[i] == ']' {
			return out
		}
		if b[i] == ',' {
			i++
			continue
		}
		e := endValue(b, i)
		if e == i {
			return out
		}
		out = append(out, b[i:e])
		i = e
	}
}

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
