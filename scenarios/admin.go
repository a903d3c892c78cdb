package scenarios

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"

	"github.com/mocksrv/mocksrv/internal/adminclient"
)

// admin calls a mocksrv's admin API.
type admin struct{ *adminclient.Client }

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
	return a.Do(ctx, method, path, body, out)
}

func (a *admin) tenantPath(tenant string, parts ...string) string {
	p := "/_mocksrv/tenants/" + url.PathEscape(tenant)
	for _, s := range parts {
		p += "/" + url.PathEscape(s)
	}
	return p
}
