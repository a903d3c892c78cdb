package core

import (
	"net/http"
)

// RouteFuncs returns the two ways a provider's routes function registers a
// route below base, each under its route name: public as it is, private
// behind auth. adapt turns the provider's handler type (its apiFunc) into
// an http.Handler — the provider's envelope adapter:
//
//	public, private := core.RouteFuncs(r, BasePath, s.api, s.authenticate)
//	public(http.MethodPost, "/connect/token", "token.create", s.handleTokenCreate)
func RouteFuncs[H any](r *Router, base string, adapt func(H) http.Handler, auth func(http.Handler) http.Handler) (public, private func(method, path, name string, h H)) {
	public = func(method, path, name string, h H) {
		r.Handle(method, base+path, name, adapt(h))
	}
	private = func(method, path, name string, h H) {
		r.Handle(method, base+path, name, auth(adapt(h)))
	}
	return public, private
}
