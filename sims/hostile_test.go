package sims_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/core"
)

// hostile is one kind of bad input.
type hostile struct {
	name        string
	body        func() []byte
	contentType string
	pathVar     string // replaces every {var} in the path
	query       string
}

var hostileInputs = []hostile{
	{name: "oversized body", body: func() []byte { return bytes.Repeat([]byte("a"), 2<<20) }, contentType: "application/json"},
	{name: "deep json", body: func() []byte {
		return []byte(strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20000))
	}, contentType: "application/json"},
	{name: "deep array", body: func() []byte { return []byte(strings.Repeat("[", 100000)) }, contentType: "application/json"},
	{name: "invalid utf-8", body: func() []byte { return []byte("{\"card_no\":\"\xff\xfe\xfd\",\"x\":\"\xc3\x28\"}") }, contentType: "application/json"},
	{name: "wrong content type", body: func() []byte { return []byte("card_no=1&size=10") }, contentType: "application/x-www-form-urlencoded"},
	{name: "xml", body: func() []byte { return []byte("<card><no>1</no></card>") }, contentType: "text/xml"},
	{name: "path traversal in ids", pathVar: "..%2F..%2Fetc%2Fpasswd"},
	{name: "dot-dot id", pathVar: ".."},
	{name: "huge page sizes", query: "page=99999999999999999999&size=1000000000&take=1000000000&rows=1000000000&page_size=1000000000&page_number=-5"},
	{name: "null bytes", pathVar: "abc%00def", query: "cardId=%00&externalUserId=%00"},
}

// TestHostileInput throws bad input at every route of every provider with
// credentials checks off (so the bad input reaches the handlers) and
// requires the provider's own error envelope back: a response that
// validates against the route's contract, no 5xx, no recovered panic.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t, sims.WithAuth(core.AuthOff), sims.WithJournalSize(100_000), sims.WithJournalBytes(1<<30, 1<<30)) // keep every entry for the defect check below
	for _, p := range f.Providers() {
		type route struct{ name, method, tpl string }
		var routes []route
		for _, rt := range p.Routes() {
			routes = append(routes, route{rt.Name, rt.Method, rt.Path})
		}
		for _, h := range hostileInputs {
			for _, rt := range routes {
				if rt.tpl == "/ws/{channel}" {
					continue // a WebSocket upgrade, not JSON
				}
				if h.body != nil && rt.method == http.MethodGet {
					continue
				}
				if h.pathVar != "" && !strings.Contains(rt.tpl, "{") {
					continue
				}
				path := rt.tpl
				for strings.Contains(path, "{") {
					i, j := strings.Index(path, "{"), strings.Index(path, "}")
					v := "x1"
					if h.pathVar != "" {
						v = h.pathVar
					}
					path = path[:i] + v + path[j+1:]
				}
				if h.query != "" {
					path += "?" + h.query
				}
				var body []byte
				if h.body != nil {
					body = h.body()
				}
				t.Run(fmt.Sprintf("%s/%s/%s", p.Name(), rt.name, h.name), func(t *testing.T) {
					req := httptest.NewRequest(rt.method, path, bytes.NewReader(body))
					req.RemoteAddr = "127.0.0.1:9999"
					if h.contentType != "" {
						req.Header.Set("Content-Type", h.contentType)
					}
					rec := httptest.NewRecorder()
					f.Handler().ServeHTTP(rec, req)
					require.Less(t, rec.Code, 500, "%s %s: %s", rt.method, path, clip(rec.Body.String()))
					assert.NoError(t, inEnvelope(p.Name(), rec.Code, rec.Body.Bytes()), "%s %s: HTTP %d %s", rt.method, path, rec.Code, clip(rec.Body.String()))
					if h.name == "oversized body" {
						assert.Contains(t, rec.Body.String(), "1048576-byte limit", "the limit is named")
					}
					if id := contracts.ResponseSchema(p.Name(), rt.name, rec.Code); id != "" && rec.Code != http.StatusNotFound {
						assert.NoError(t, contracts.CheckMode(id, rec.Body.Bytes(), contracts.Exact), "%s %s", rt.method, path)
					}
				})
			}
		}
	}
	for _, e := range f.Journal.Entries(func(e core.Entry) bool { return e.Defect }) {
		t.Errorf("recovered panic on %s %s %s: %s", e.Provider, e.Method, e.Path, e.Error)
	}
}

// inEnvelope checks an answer is in the provider's own shape: bkj's
// {code, data, message, timestamp}, KeySecure's {code, msg, data} and
// DeCard's {code, success, message} (HTTP 200, or 404/405 for a path or
// method they do not have), and UQPay's JSON for 2xx or {type, code,
// message} for 4xx.
func inEnvelope(provider string, status int, body []byte) error {
	var env map[string]json.RawMessage
	if err := json.Unmarshal(body, &env); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	has := func(keys ...string) error {
		for _, k := range keys {
			if _, ok := env[k]; !ok {
				return fmt.Errorf("no %q in the %s envelope", k, provider)
			}
		}
		return nil
	}
	switch provider {
	case "bkj", "keysecure", "decard":
		if status != http.StatusOK && status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
			return fmt.Errorf("%s answers HTTP 200 (404 or 405 for an unknown path or method), got %d", provider, status)
		}
		return has(map[string][]string{"bkj": {"code", "data", "message", "timestamp"}, "keysecure": {"code", "msg", "data"},
			"decard": {"code", "success", "message"}}[provider]...)
	case "uqpay":
		if status < 400 {
			return nil
		}
		var e struct{ Type, Code, Message string }
		if json.Unmarshal(body, &e) != nil || e.Type == "" || e.Code == "" || e.Message == "" {
			return errors.New("not UQPay's {type, code, message}")
		}
		return nil
	}
	return fmt.Errorf("no envelope known for %s", provider)
}

func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// TestUncleanPathsStayWithTheProvider: a path with "..", "." or "//" is
// answered by the provider whose prefix it starts with, in its envelope —
// never redirected (http.ServeMux would answer 307 with HTML) and never
// climbing into another provider or the admin API.
func TestUncleanPathsStayWithTheProvider(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	for _, tt := range []struct{ provider, path string }{
		{"bkj", "/openapi/v1/../../_mocksrv/tenants"},
		{"bkj", "/openapi/v1/card/./detail"},
		{"keysecure", "/open-api/v1/card/../../../api/v1/issuing/cards"},
		{"keysecure", "/open-api//v1/card/C1/detail"},
		{"uqpay", "/api/v1/issuing/cards/.."},
		{"uqpay", "/api/v1/../../_mocksrv/health"},
		{"decard", "/card/v1/../../_mocksrv/tenants/default"},
		{"decard", "/card//v1/list"},
	} {
		t.Run(tt.provider+tt.path, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(http.MethodGet, tt.path, nil)
			req.RemoteAddr = "127.0.0.1:9999"
			rec := httptest.NewRecorder()
			f.Handler().ServeHTTP(rec, req)
			assert.NotContains(t, []int{301, 302, 307, 308}, rec.Code, "no redirect")
			assert.NoError(t, inEnvelope(tt.provider, rec.Code, rec.Body.Bytes()), "HTTP %d %s", rec.Code, clip(rec.Body.String()))
			assert.NotContains(t, rec.Body.String(), `"tenants"`, "the admin API is not reached")
		})
	}
}
