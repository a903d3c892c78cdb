package console

import (
	"maps"
	"net/http"
)

// NewWithout is New with the tailored views of the named providers left
// out: tests see those providers as the console sees any provider it has
// no tailored view of.
func NewWithout(admin http.Handler, opts Options, generic ...string) http.Handler {
	c := newConsole(admin, opts)
	c.views = maps.Clone(c.views)
	for _, n := range generic {
		delete(c.views, n)
	}
	return c
}

// TailoredViews are the providers' tailored views, for tests.
var TailoredViews = tailoredViews
