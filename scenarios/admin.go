package scenarios

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
)

// admin calls a mocksrv's admin API.
type admin struct {
	base  string
	token string
	hc    *http.Client
}

// handlerTransport serves requests straight from a handler, in memory: how
// the server applies a scenario to itself (POST /_mocksrv/scenarios).
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// do sends method path with a JSON body (nil for none) and decodes the
// answer into out (nil to ignore it).
func (a *admin) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	res, err := a.hc.Do(req)
	if err != nil {
		return fmt.Errorf("admin %s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if res.StatusCode >= 300 {
		var e struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(b, &e)
		if e.Message == "" {
			e.Message = strings.TrimSpace(string(b))
		}
		return fmt.Errorf("admin %s %s: %d: %s", method, path, res.StatusCode, e.Message)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("admin %s %s: %w", method, path, err)
		}
	}
	return nil
}

func (a *admin) tenantPath(tenant string, parts ...string) string {
	p := "/_mocksrv/tenants/" + url.PathEscape(tenant)
	for _, s := range parts {
		p += "/" + url.PathEscape(s)
	}
	return p
}
