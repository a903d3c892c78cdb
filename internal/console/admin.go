package console

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// adminError is an answer of the admin API with a 4xx or 5xx status.
type adminError struct {
	Status  int
	Kind    string
	Message string
}

func (e *adminError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("admin API: %d %s", e.Status, http.StatusText(e.Status))
	}
	return e.Message
}

// rawBody is a request body sent as is (a scenario file), not as JSON.
type rawBody []byte

// adminCall makes one in-process request to the admin API: path is under
// the admin prefix ("/tenants"), body is JSON-encoded (or sent as is when
// it is a rawBody), and a 2xx answer is decoded into out (nil ignores it;
// a *[]byte takes the bytes). The user's token, if any, goes along as
// Authorization: Bearer.
func (c *Console) adminCall(r *http.Request, method, path string, body, out any) error {
	return c.call(r, token(r), method, path, body, out)
}

func (c *Console) call(r *http.Request, tok, method, path string, body, out any) error {
	var rd io.Reader = http.NoBody
	contentType := "application/json"
	switch b := body.(type) {
	case nil:
	case rawBody:
		rd = bytes.NewReader(b)
		contentType = "application/yaml"
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequestWithContext(r.Context(), method, "http://mocksrv.local"+c.opts.AdminPrefix+path, rd)
	if err != nil {
		return err
	}
	req.Host = r.Host
	req.RemoteAddr = r.RemoteAddr
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "mocksrv-console")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	rec := &buffer{header: http.Header{}}
	c.admin.ServeHTTP(rec, req)
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	if status >= 400 {
		var e struct {
			Error   string `json:"error"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(rec.body.Bytes(), &e)
		if e.Message == "" {
			e.Message = strings.TrimSpace(rec.body.String())
		}
		return &adminError{Status: status, Kind: e.Error, Message: e.Message}
	}
	switch o := out.(type) {
	case nil:
		return nil
	case *[]byte:
		*o = rec.body.Bytes()
		return nil
	default:
		dec := json.NewDecoder(&rec.body)
		dec.UseNumber()
		if err := dec.Decode(out); err != nil {
			return fmt.Errorf("admin API %s %s: reading the answer: %w", method, path, err)
		}
		return nil
	}
}

// buffer is the http.ResponseWriter of an in-process admin call.
type buffer struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *buffer) Header() http.Header { return b.header }

func (b *buffer) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *buffer) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}
