package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
)

// DecodeStrict decodes a body that mocksrv itself defines — an admin API
// body, a scenario given, a tenant's options — into v. Unknown fields are
// refused, so a misspelt setting is not silently ignored, and so is
// anything after the value. An empty, all-whitespace or null body leaves v
// as it is. Failures are KindInvalid.
func DecodeStrict(body []byte, v any) error {
	if b := bytes.TrimSpace(body); len(b) == 0 || string(b) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("one JSON object expected")
	}
	if err != nil {
		return &Error{Kind: KindInvalid, Message: err.Error(), cause: err}
	}
	return nil
}

// DecodeSettings reads one provider's object of a tenant's options (the
// "bkj" object of POST /_mocksrv/tenants, say) over settings, which holds
// the Server's own: a field left out keeps the Server's value. Errors name
// the provider: `bkj options: json: unknown field "nope"`.
func DecodeSettings[S any](provider string, raw []byte, settings *S) error {
	if err := DecodeStrict(raw, settings); err != nil {
		return fmt.Errorf("%s options: %s", provider, AsError(err).Message)
	}
	return nil
}

// JSONWriter writes a provider's JSON answers: compact, HTML characters
// as they are (as the providers' servers send them), no trailing newline,
// under the provider's Content-Type. An answer that cannot be encoded (a
// bug) becomes Fallback with status 500.
type JSONWriter struct {
	ContentType string
	Fallback    string // the provider's system-error body
}

// Write writes v as the response body with status.
func (jw JSONWriter) Write(w http.ResponseWriter, status int, v any) {
	buf := getBuffer()
	defer putBuffer(buf)
	if err := encodeJSON(buf, v); err != nil {
		w.Header().Set("Content-Type", jw.ContentType)
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(jw.Fallback))
		return
	}
	jw.WriteBytes(w, status, buf.Bytes())
}

// WriteBytes writes an already encoded body with status.
func (jw JSONWriter) WriteBytes(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", jw.ContentType)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// Marshal encodes v as JSONWriter does, into a new slice.
func Marshal(v any) ([]byte, error) {
	buf := getBuffer()
	defer putBuffer(buf)
	if err := encodeJSON(buf, v); err != nil {
		return nil, err
	}
	return bytes.Clone(buf.Bytes()), nil
}

// encodeJSON writes v into buf without HTML escaping and without the
// encoder's trailing newline.
func encodeJSON(buf *bytes.Buffer, v any) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1)
	return nil
}

var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuffer() *bytes.Buffer { return buffers.Get().(*bytes.Buffer) }

// putBuffer recycles buf unless a huge answer grew it.
func putBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= 1<<20 {
		buf.Reset()
		buffers.Put(buf)
	}
}
