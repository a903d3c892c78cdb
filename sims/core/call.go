package core

import (
	"context"
	"net/http"

	"github.com/gorilla/mux"
)

// Call is the per-request record the middleware chain fills in as a request
// travels through it and the journal stores at the end. Only the request's
// own goroutine touches it.
type Call struct {
	Provider   string
	Route      string // mux route name, "" for an unmatched path
	Tenant     string // the tenant whose credentials verified (Bind); "" until then
	Guess      string // the tenant the request's credentials name, unverified (Wire.Identify)
	Fault      string // the fault rule that fired, if any
	Bypass     bool   // a fault answered a raw status: no contract applies
	Defect     bool   // a panic was recovered: a bug in mocksrv
	Err        string // what went wrong, for the journal
	Violations []string
	Outcomes   []string // the magic rules that fired (Announce)

	// world is the authenticated tenant's provider world, set by Bind and
	// read, typed, by WorldOf.
	world any
	// env, wire and rec let Bind apply the tenant's fault rules once its
	// credentials verify.
	env  *Env
	wire Wire
	rec  *recorder

	// vars are the matched route's path variables, as name, value pairs.
	vars []string

	// values is per-request provider state beyond the world, one value per
	// type: set by BindValue, read by ValueOf (call_value.go).
	values []any
}

type callKey struct{}

// WithCall returns ctx carrying c.
func WithCall(ctx context.Context, c *Call) context.Context {
	return context.WithValue(ctx, callKey{}, c)
}

// CallOf returns the request's Call. Outside the middleware chain (a
// handler called directly in a unit test) it returns a fresh throwaway
// Call, so callers never check for nil.
func CallOf(r *http.Request) *Call {
	if c, ok := r.Context().Value(callKey{}).(*Call); ok {
		return c
	}
	return &Call{}
}

// RouteName returns the name of the route that matched r, or "".
func RouteName(r *http.Request) string {
	if c := CallOf(r); c.Route != "" {
		return c.Route
	}
	if rt := mux.CurrentRoute(r); rt != nil {
		return rt.GetName()
	}
	return ""
}
