package core

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestRouterMatchesSegmentBySegment pins the provider router's matching:
// literals exactly, a variable any non-empty segment (or its pattern), no
// cleaning of the path, the method after the path (a known path with
// another method is 405, an unknown one 404), and path variables and the
// route name on the request's Call.
func TestRouterMatchesSegmentBySegment(t *testing.T) {
	t.Parallel()
	env := NewEnv(EnvConfig{})
	r := newRouter(env, testWire())
	echo := func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(RouteName(r) + " id=" + PathVar(r, "id") + " seq=" + PathVar(r, "seq")))
	}
	r.HandleFunc(http.MethodGet, "/v1/cards/{id}", "card.get", echo)
	r.HandleFunc(http.MethodPost, "/v1/cards/{id}", "card.update", echo)
	r.HandleFunc(http.MethodGet, "/v1/cards/{id}/detail", "card.detail", echo)
	r.HandleFunc(http.MethodGet, "/v1/cards/list", "card.list", echo) // after {id}: {id} wins, as registered first
	r.HandleFunc(http.MethodGet, "/v1/journal/{seq:[0-9]+}", "journal.entry", echo)
	tests := []struct {
		method, path, want string
	}{
		{"GET", "/v1/cards/c1", "card.get id=c1 seq="},
		{"POST", "/v1/cards/c1", "card.update id=c1 seq="},
		{"GET", "/v1/cards/c1/detail", "card.detail id=c1 seq="},
		{"GET", "/v1/cards/list", "card.get id=list seq="},
		{"GET", "/v1/journal/42", "journal.entry id= seq=42"},
		{"GET", "/v1/journal/x42", `{"err":"not_found","msg":"no p endpoint GET /v1/journal/x42; nearest: GET /v1/journal/{seq:[0-9]+} (journal.entry)"}`},
		{"DELETE", "/v1/cards/c1", `{"err":"not_found","msg":"method DELETE is not allowed on /v1/cards/c1"}`},
		{"GET", "/v1/cards/", `{"err":"not_found","msg":"no p endpoint GET /v1/cards/; nearest: GET /v1/cards/{id} (card.get), POST /v1/cards/{id} (card.update)"}`},
		{"GET", "/v1/cards/c1/", `{"err":"not_found","msg":"no p endpoint GET /v1/cards/c1/; nearest: GET /v1/cards/{id} (card.get), POST /v1/cards/{id} (card.update), GET /v1/cards/list (card.list)"}`},
		{"GET", "/v1/crads/c1/detial", `{"err":"not_found","msg":"no p endpoint GET /v1/crads/c1/detial; nearest: GET /v1/cards/{id}/detail (card.detail)"}`},
		{"GET", "/v1//cards/c1", `{"err":"not_found","msg":"no p endpoint GET /v1//cards/c1"}`},
		{"GET", "/v1/cards/../cards/c1", `{"err":"not_found","msg":"no p endpoint GET /v1/cards/../cards/c1"}`},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
		assert.Equal(t, tt.want, rec.Body.String(), "%s %s", tt.method, tt.path)
	}
	assert.Len(t, env.Journal.Entries(), len(tests), "every request is journaled, matched or not")
	assert.Equal(t, "card.detail", env.Journal.Entries(ByRoute("card.detail"))[0].Route)
	misspelt := env.Journal.Entries(func(e Entry) bool { return e.Path == "/v1/crads/c1/detial" })
	assert.Equal(t, "unknown path; nearest: GET /v1/cards/{id}/detail (card.detail)", misspelt[0].Error, "the journal says so too")
	assert.Panics(t, func() { r.HandleFunc("GET", "no-slash", "x", echo) })
}

// BenchmarkRouterMatch matches the last of a hundred routes.
func BenchmarkRouterMatch(b *testing.B) {
	r := newRouter(NewEnv(EnvConfig{}), testWire())
	for i := 0; i < 100; i++ {
		r.HandleFunc(http.MethodGet, "/v1/res"+string(rune('a'+i%26))+string(rune('a'+i/26))+"/{id}/detail", "r", func(http.ResponseWriter, *http.Request) {})
	}
	req := httptest.NewRequest(http.MethodGet, "/v1/resvd/c1/detail", nil)
	var vars []string
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		for _, cand := range r.bySegs[3] {
			vars = vars[:0]
			if cand.match(req.URL.Path[1:], &vars) {
				break
			}
		}
	}
}
