package sims

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/mocksrv/mocksrv/sims/core"
)

// ProviderHandler serves one provider's paths (and the admin API), for an
// extra per-provider listener.
func (f *Fleet) ProviderHandler(name string) (http.Handler, error) {
	p, ok := f.byName[name]
	if !ok {
		return nil, fmt.Errorf("provider %q is not enabled", name)
	}
	mux := &prefixMux{}
	mux.Handle("/_mocksrv/", f.admin)
	mux.Handle("/", p.Handler())
	return mux, nil
}

// prefixMux sends a request to the handler of the longest path prefix it
// starts with, the path exactly as sent. Unlike http.ServeMux it never
// cleans a path or redirects: "/api/v1/issuing/cards/.." reaches UQPay and
// is answered in UQPay's envelope, not with a 307 to "/api/v1/issuing".
type prefixMux struct {
	routes []prefixRoute // longest prefix first
}

type prefixRoute struct {
	prefix string
	h      http.Handler
}

// Handle serves every path that starts with prefix (which ends in "/") by h.
func (m *prefixMux) Handle(prefix string, h http.Handler) {
	i := sort.Search(len(m.routes), func(i int) bool { return len(m.routes[i].prefix) < len(prefix) })
	m.routes = append(m.routes, prefixRoute{})
	copy(m.routes[i+1:], m.routes[i:])
	m.routes[i] = prefixRoute{prefix, h}
}

func (m *prefixMux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for _, rt := range m.routes {
		if strings.HasPrefix(r.URL.Path, rt.prefix) {
			rt.h.ServeHTTP(w, r)
			return
		}
	}
	http.NotFound(w, r)
}

// notServed answers paths no provider owns.
func (f *Fleet) notServed(w http.ResponseWriter, r *http.Request) {
	f.Journal.Add(core.Entry{Type: "request", Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
		Status: http.StatusNotFound, At: f.Clock.Now(), Wall: core.WallNow().UTC(), Remote: r.RemoteAddr})
	writeAdminError(w, http.StatusNotFound, "not_found", fmt.Sprintf(
		"no provider serves %s: bkj is under /openapi/v1, KeySecure /open-api/v1, UQPay /api/v1, DeCard /card/v1 and friends; the admin API is /_mocksrv/", r.URL.Path))
}
