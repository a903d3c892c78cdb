package sims_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/mux"
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
	f := sims.RunT(t, sims.WithAuth(core.AuthOff), sims.WithJournalSize(100_000))
	for _, p := range f.Providers() {
		type route struct{ name, method, tpl string }
		var routes []route
		_ = p.Router().Walk(func(rt *mux.Route, _ *mux.Router, _ []*mux.Route) error {
			tpl, err1 := rt.GetPathTemplate()
			ms, err2 := rt.GetMethods()
			if rt.GetName() != "" && err1 == nil && err2 == nil {
				routes = append(routes, route{rt.GetName(), ms[0], tpl})
			}
			return nil
		})
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

func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}
