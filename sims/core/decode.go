package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
)

// DecodeJSON decodes a JSON request body into v. Failures come back as a
// KindInvalid *Error whose message names the problem — the field and the
// type it wants, or where the syntax broke — ready for a provider envelope.
// Unknown fields are ignored, as the providers ignore them; numbers keep
// their literal text when v holds json.Number or Decimal fields.
func DecodeJSON(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return &Error{Kind: KindInvalid, Message: "request body is required (a JSON object)"}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return &Error{Kind: KindInvalid, Message: "request body has data after the JSON value"}
	}
	return nil
}

func jsonError(err error) *Error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return Errorf(KindInvalid, "request body is not valid JSON (at byte %d): %s", se.Offset, se.Error())
	case errors.As(err, &te):
		if te.Field == "" {
			return Errorf(KindInvalid, "request body must be %s, not %s", goTypeName(te.Type.Kind().String()), te.Value)
		}
		return Errorf(KindInvalid, "field %s: want %s, got %s", te.Field, goTypeName(te.Type.Kind().String()), te.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return Errorf(KindInvalid, "request body is not valid JSON: unexpected end of input")
	}
	var de *Error
	if errors.As(err, &de) {
		return de
	}
	return Errorf(KindInvalid, "request body: %s", strings.TrimPrefix(err.Error(), "json: "))
}

func goTypeName(kind string) string {
	switch kind {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
		return "a number"
	case "string":
		return "a string"
	case "bool":
		return "a boolean (true or false)"
	case "slice", "array":
		return "an array"
	case "map", "struct":
		return "an object"
	}
	return kind
}

// IsJSONContentType reports whether a request's Content-Type is absent or
// names JSON (application/json, application/*+json, with any charset).
func IsJSONContentType(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || (strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// ContentTypeError is the KindInvalid error for a body that is not JSON.
func ContentTypeError(r *http.Request) *Error {
	return Errorf(KindInvalid, "Content-Type %q is not supported: send application/json", r.Header.Get("Content-Type"))
}

// Body returns the request body the middleware chain already read.
func Body(r *http.Request) []byte {
	if r.Body == nil {
		return nil
	}
	b, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b
}

// DefaultMaxJSONDepth is how deeply a request body may nest arrays and
// objects. Real provider bodies nest a handful of levels; a body nested
// thousands deep only burns CPU in recursive decoders and normalizers.
const DefaultMaxJSONDepth = 64

// JSONDepth returns the deepest nesting of arrays and objects in b,
// skipping string contents. It stops counting past limit.
func JSONDepth(b []byte, limit int) int {
	depth, deepest := 0, 0
	inString, escaped := false, false
	for _, c := range b {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			if depth > deepest {
				deepest = depth
				if deepest > limit {
					return deepest
				}
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return deepest
}
