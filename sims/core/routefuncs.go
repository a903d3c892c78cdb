package core

import (
	"net/http"

	"github.com/gorilla/mux"
)

// RouteFuncs returns the two ways a provider's routes function registers a
// route below base, each under its route name: public as it is, private
// behind auth. adapt turns the provider's handler type (its apiFunc) into
// an http.Handler — the provider's envelope adapter:
//
//	public, private := core.RouteFuncs(r, BasePath, s.api, s.authenticate)
//	public(http.MethodPost, "/connect/token", "token.create", s.handleTokenCreate)
//
// Routes stay flat (no subrouters), as Host's routes must.
func RouteFuncs[H any](r *mux.Router, base string, adapt func(H) http.Handler, auth func(http.Handler) http.Handler) (public, private func(method, path, name string, h H)) {
	public = func(method, path, name string, h H) {
		r.Handle(base+path, adapt(h)).Methods(method).Name(name)
	}
	private = func(method, path, name string, h H) {
		r.Handle(base+path, auth(adapt(h))).Methods(method).Name(name)
	}
	return public, private
}
