package core

import "net/http"

// BindValue attaches v to the request, typed, for the rest of its handling:
// per-request state a provider's auth middleware resolves beyond the world
// Bind attaches (UQPay's account, chosen by x-on-behalf-of). There is one
// value per type T; binding another T replaces it. Outside the middleware
// chain (a handler called directly in a unit test) the value is dropped,
// as Bind's world is.
func BindValue[T any](r *http.Request, v T) {
	call := CallOf(r)
	for i, old := range call.values {
		if _, ok := old.(T); ok {
			call.values[i] = v
			return
		}
	}
	call.values = append(call.values, v)
}

// ValueOf returns the value of type T that BindValue attached to r, or the
// zero T when there is none.
func ValueOf[T any](r *http.Request) T {
	for _, v := range CallOf(r).values {
		if t, ok := v.(T); ok {
			return t
		}
	}
	var zero T
	return zero
}
