// Package jsonscan walks JSON without decoding it: an object's top-level
// fields and an array's elements as raw bytes. A state dump of a large
// tenant runs to megabytes and a page shows fifty records of it, so the
// admin API's sections and the console decode only what they show. The
// input is encoding/json's output, so it is valid; on anything else these
// stop early, return what they have and never read out of bounds.
package jsonscan

import (
	"bytes"
	"encoding/json"
)

// SkipSpace returns the index of the first byte at or after i that is not
// JSON whitespace.
func SkipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}

// EndOfString returns the index just past the string that starts at b[i]
// (a '"').
func EndOfString(b []byte, i int) int {
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

// EndOfValue returns the index just past the value that starts at b[i].
func EndOfValue(b []byte, i int) int {
	if i >= len(b) {
		return len(b)
	}
	switch b[i] {
	case '"':
		return EndOfString(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				i = EndOfString(b, i) - 1
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

// Fields calls fn with each key (quoted, raw) and value of the object
// b until fn returns false.
func Fields(b []byte, fn func(key, value []byte) bool) {
	i := SkipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return
	}
	i++
	for {
		i = SkipSpace(b, i)
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
		ke := EndOfString(b, i)
		key := b[i:ke]
		i = SkipSpace(b, ke)
		if i >= len(b) || b[i] != ':' {
			return
		}
		i = SkipSpace(b, i+1)
		ve := EndOfValue(b, i)
		if ve == i || !fn(key, b[i:ve]) {
			return
		}
		i = ve
	}
}

// Unquote returns a key as Fields gives it (quoted, raw) as a string.
func Unquote(quoted []byte) string {
	var s string
	if json.Unmarshal(quoted, &s) == nil {
		return s
	}
	return string(bytes.Trim(quoted, `"`))
}

// Elements returns the raw elements of the array b.
func Elements(b []byte) [][]byte {
	i := SkipSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return nil
	}
	var out [][]byte
	i++
	for {
		i = SkipSpace(b, i)
		if i >= len(b) || b[i] == ']' {
			return out
		}
		if b[i] == ',' {
			i++
			continue
		}
		e := EndOfValue(b, i)
		if e == i {
			return out
		}
		out = append(out, b[i:e])
		i = e
	}
}
