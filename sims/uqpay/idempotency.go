package uqpay

// x-idempotency-key — UQPay Card Issuance integration FAQ ("How does
// x-idempotency-key work?"): required on POST, a UUID; a repeat within 24
// hours returns the original answer and creates nothing.

import (
	"errors"
	"net/http"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Messages of the idempotency errors.
const (
	msgIdemMissing  = "x-idempotency-key header is required on POST requests (a UUID, new for each operation)"
	msgIdemNotUUID  = "x-idempotency-key %q is not a UUID"
	msgIdemTooLong  = "x-idempotency-key is longer than 64 characters"
	msgIdemMismatch = "x-idempotency-key %q was already used within the last %s for a different request (%s differs); use a new key for a new operation"
	msgIdemInFlight = "a request with x-idempotency-key %q is still being processed"
)

// idempotent runs a POST handler under its x-idempotency-key: the first
// answer for a key (per account) is kept for the TTL on the business clock
// and replayed, byte for byte, for a repeat of the same request — the same
// method, path and body as a JSON value (key order, whitespace and the
// spelling of a number do not count). It runs before the world is locked,
// so it reads the tenant's clock, not the world's Now.
func (s *Server) idempotent(rw http.ResponseWriter, r *http.Request, h apiFunc) {
	w, a := core.WorldOf[*world](r), accountOf(r)
	key := r.Header.Get("x-idempotency-key")
	switch {
	case key == "":
		s.writeError(rw, r, fail("idempotency_key_missing", msgIdemMissing))
		return
	case w.set.LenientIdempotencyKeys && len(key) > 64:
		s.writeError(rw, r, fail("idempotency_key_invalid", msgIdemTooLong))
		return
	case !w.set.LenientIdempotencyKeys && !uuidPattern.MatchString(key):
		s.writeError(rw, r, fail("idempotency_key_invalid", msgIdemNotUUID, key))
		return
	}
	store := a.ID + "\x00" + key
	prev, err := w.idem.Claim(store, core.IdemRequest{Method: r.Method, Path: r.URL.Path, Body: core.Body(r)}, w.Tenant.Clock.Now())
	var conflict *core.IdemConflict
	switch {
	case errors.As(err, &conflict):
		s.writeError(rw, r, fail("idempotency_key_reused", msgIdemMismatch, key, w.set.IdempotencyTTL.D(), conflict.Field))
		return
	case errors.Is(err, core.ErrIdemInFlight):
		s.writeError(rw, r, fail("idempotency_key_in_use", msgIdemInFlight, key))
		return
	case prev != nil:
		writeResponse(rw, *prev)
		return
	}
	finished := false
	defer func() {
		if !finished { // the handler panicked: free the key for a retry
			w.idem.Abort(store)
		}
	}()
	resp := s.render(r, h)
	finished = true
	if resp.Status >= 500 || (resp.Status >= 400 && !w.set.IdempotentErrors) {
		w.idem.Abort(store)
	} else {
		w.idem.Finish(store, resp)
	}
	writeResponse(rw, resp)
}
