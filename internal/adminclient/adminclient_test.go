package adminclient_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/internal/adminclient"
)

func TestDo(t *testing.T) {
	t.Parallel()
	var got struct{ method, path, auth, ctype, body string }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.method, got.path, got.auth, got.ctype, got.body = r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), string(b)
		if r.URL.Path == "/_mocksrv/tenants/nope" {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"error":"not_found","message":"no tenant \"nope\""}`)
			return
		}
		_, _ = io.WriteString(w, `{"id":"t-1"}`)
	}))
	t.Cleanup(srv.Close)
	c := adminclient.New(srv.URL+"/", "tok", nil)
	ctx := context.Background()

	var out struct {
		ID string `json:"id"`
	}
	require.NoError(t, c.Do(ctx, http.MethodPost, "/_mocksrv/tenants", map[string]any{"seed": 7}, &out))
	assert.Equal(t, "t-1", out.ID)
	assert.Equal(t, "POST /_mocksrv/tenants", got.method+" "+got.path, "the base's trailing slash is dropped")
	assert.Equal(t, "Bearer tok", got.auth)
	assert.Equal(t, "application/json", got.ctype)
	assert.JSONEq(t, `{"seed":7}`, got.body)

	err := c.Do(ctx, http.MethodGet, "/_mocksrv/tenants/nope", nil, nil)
	require.Error(t, err)
	assert.Equal(t, `admin GET /_mocksrv/tenants/nope: 404: no tenant "nope"`, err.Error(), "the admin API's message, not its raw body")
	assert.Empty(t, got.ctype, "no body, no Content-Type")

	assert.ErrorContains(t, c.Do(ctx, http.MethodPost, "/x", map[string]any{"bad": func() {}}, nil), "admin POST /x: json: unsupported type")
}
