package core

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestRouteFuncs: a public route answers as its handler does, a private
// one goes through auth first; both are named, below base, for their
// method only.
func TestRouteFuncs(t *testing.T) {
	t.Parallel()
	r := newRouter(NewEnv(EnvConfig{}), testWire())
	adapt := func(text string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, text) })
	}
	auth := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Key") != "ok" {
				http.Error(w, "denied", http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	public, private := RouteFuncs(r, "/api/v1", adapt, auth)
	public(http.MethodPost, "/token", "token.create", "token")
	private(http.MethodGet, "/cards", "card.list", "cards")

	serve := func(method, path, key string) (int, string) {
		req := httptest.NewRequest(method, path, nil)
		req.Header.Set("Key", key)
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	code, body := serve(http.MethodPost, "/api/v1/token", "")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "token", body)
	code, _ = serve(http.MethodGet, "/api/v1/cards", "")
	assert.Equal(t, http.StatusUnauthorized, code, "private routes pass auth first")
	code, body = serve(http.MethodGet, "/api/v1/cards", "ok")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "cards", body)
	_, body = serve(http.MethodPost, "/api/v1/cards", "ok")
	assert.Contains(t, body, "method POST is not allowed on /api/v1/cards", "answered in the provider's envelope")
	_, body = serve(http.MethodGet, "/api/v1/nope", "ok")
	assert.Contains(t, body, "no p endpoint GET /api/v1/nope")

	assert.Equal(t, []RouteInfo{{"token.create", http.MethodPost, "/api/v1/token"}, {"card.list", http.MethodGet, "/api/v1/cards"}}, r.Routes())
}
