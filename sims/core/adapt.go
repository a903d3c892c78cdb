package core

import "net/http"

// APIFunc is a provider's handler: it returns the data of a success
// answer, or an error for the provider's error envelope.
type APIFunc func(r *http.Request) (any, error)

// Adapt returns h as an http.Handler: h's data is written by jw with status
// 200, wrapped by success in the provider's success envelope; an error is
// written by fail, the provider's error writer (its Wire.WriteError).
func Adapt(h APIFunc, jw JSONWriter, success func(r *http.Request, data any) any, fail func(http.ResponseWriter, *http.Request, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, err := h(r)
		if err != nil {
			fail(w, r, err)
			return
		}
		jw.Write(w, http.StatusOK, success(r, data))
	})
}
