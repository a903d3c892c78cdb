package core

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAdapt(t *testing.T) {
	t.Parallel()
	jw := JSONWriter{ContentType: "application/json;charset=UTF-8", Fallback: `{"ok":false}`}
	wrap := func(r *http.Request, data any) any {
		return map[string]any{"ok": true, "data": data, "path": r.URL.Path}
	}
	fail := func(w http.ResponseWriter, _ *http.Request, err error) { http.Error(w, err.Error(), http.StatusTeapot) }

	rec := httptest.NewRecorder()
	Adapt(func(*http.Request) (any, error) { return []string{"<a>"}, nil }, jw, wrap, fail).
		ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/x", nil))
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, "application/json;charset=UTF-8", rec.Header().Get("Content-Type"))
	assert.Equal(t, `{"data":["<a>"],"ok":true,"path":"/x"}`, rec.Body.String(), "wrapped, compact, HTML as it is")

	rec = httptest.NewRecorder()
	Adapt(func(*http.Request) (any, error) { return nil, errors.New("refused") }, jw, wrap, fail).
		ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/x", nil))
	assert.Equal(t, http.StatusTeapot, rec.Code)
	assert.Equal(t, "refused\n", rec.Body.String(), "the provider's error writer")
}
