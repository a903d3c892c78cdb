package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"reflect"
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
		return jsonError(err, reflect.TypeOf(v))
	}
	if _, err := dec.Token(); err != io.EOF {
		return &Error{Kind: KindInvalid, Message: "request body has data after the JSON value"}
	}
	return nil
}

func jsonError(err error, into reflect.Type) *Error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return Errorf(KindInvalid, "request body is not valid JSON (at byte %d): %s", se.Offset, se.Error())
	case errors.As(err, &te):
		if te.Field == "" {
			return Errorf(KindInvalid, "request body must be %s, not %s", goTypeName(te.Type.Kind().String()), te.Value)
		}
		return Errorf(KindInvalid, "field %s: want %s, got %s", wireField(into, te.Field), goTypeName(te.Type.Kind().String()), te.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return Errorf(KindInvalid, "request body is not valid JSON: unexpected end of input")
	}
	var de *Error
	if errors.As(err, &de) {
		return de
	}
	return &Error{Kind: KindInvalid, Message: "request body: " + strings.TrimPrefix(err.Error(), "json: "), cause: err}
}

// wireField turns encoding/json's path of a field ("pageParams.size" when
// the field sits in an embedded struct) into the path the client wrote
// ("size"): embedded structs' Go names are dropped, JSON names kept.
func wireField(t reflect.Type, path string) string {
	var out []string
	for _, part := range strings.Split(path, ".") {
		t = deref(t)
		if t == nil || t.Kind() != reflect.Struct {
			out = append(out, part)
			t = nil
			continue
		}
		if f, ok := t.FieldByName(part); ok && f.Anonymous && f.Tag.Get("json") == "" {
			t = f.Type // an embedded struct: its fields are promoted on the wire
			continue
		}
		out = append(out, part)
		t = fieldType(t, part)
	}
	return strings.Join(out, ".")
}

// deref follows pointers, slices, arrays and maps to the element type.
func deref(t reflect.Type) reflect.Type {
	for t != nil {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
			t = t.Elem()
		default:
			return t
		}
	}
	return nil
}

// fieldType returns the type of the field a JSON key names in struct t,
// looking through embedded structs, or nil.
func fieldType(t reflect.Type, key string) reflect.Type {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-":
		case f.Anonymous && name == "":
			if ft := deref(f.Type); ft != nil && ft.Kind() == reflect.Struct {
				if got := fieldType(ft, key); got != nil {
					return got
				}
			}
		case name == key || (name == "" && strings.EqualFold(f.Name, key)):
			return f.Type
		}
	}
	return nil
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
