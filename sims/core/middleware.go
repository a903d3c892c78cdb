package core

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/mux"
)

// Wire is what core's middleware needs from a provider: its name, a cheap
// unverified guess at the request's tenant (so fault rules can match by
// tenant before auth runs), and its envelope's error writer.
type Wire struct {
	Provider   string
	Identify   func(r *http.Request) string
	WriteError func(w http.ResponseWriter, r *http.Request, err error)
}

// Middleware returns the chain every provider route runs through — journal,
// recover, body limit, identify, faults, and (when CheckResponse is set)
// the response contract check — for a handler mounted on a gorilla/mux
// router (the route's name and variables come from mux). A provider's own
// routes go through a Router, which runs the same chain.
func (e *Env) Middleware(wire Wire) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var vars []string
			for k, v := range mux.Vars(r) {
				vars = append(vars, k, v)
			}
			name := ""
			if rt := mux.CurrentRoute(r); rt != nil {
				name = rt.GetName()
			}
			e.serve(wire, name, vars, next, w, r)
		})
	}
}

// NotFound returns a handler that answers in wire's envelope that no route
// matched, journaled like any other request.
func (e *Env) NotFound(wire Wire) http.Handler { return e.Middleware(wire)(e.notFoundHandler(wire)) }

func (e *Env) notFoundHandler(wire Wire) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wire.WriteError(w, r, &Error{Kind: KindNotFound, Status: http.StatusNotFound,
			Message: fmt.Sprintf("no %s endpoint %s %s", wire.Provider, r.Method, r.URL.Path)})
	})
}

// MethodNotAllowed returns a handler for a known path called with the
// wrong method, answered in wire's envelope.
func (e *Env) MethodNotAllowed(wire Wire) http.Handler {
	return e.Middleware(wire)(e.methodNotAllowedHandler(wire))
}

func (e *Env) methodNotAllowedHandler(wire Wire) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wire.WriteError(w, r, &Error{Kind: KindNotFound, Status: http.StatusMethodNotAllowed,
			Message: fmt.Sprintf("method %s is not allowed on %s", r.Method, r.URL.Path)})
	})
}

// serve runs next, the handler of the route named route (path variables
// vars, as name, value pairs), through the middleware chain.
func (e *Env) serve(wire Wire, route string, vars []string, next http.Handler, w http.ResponseWriter, r *http.Request) {
	start := WallNow()
	call := &Call{Provider: wire.Provider, Route: route, vars: vars}
	r = r.WithContext(WithCall(r.Context(), call))
	capture := e.JournalBody
	if e.CheckResponse != nil {
		capture = -1 // keep the whole body for the contract check
	}
	rec := &recorder{ResponseWriter: w, call: call, limit: capture, body: captures.Get().(*bytes.Buffer)}
	var reqBody []byte

	defer func() {
		p := recover()
		if p != nil && p != http.ErrAbortHandler { //nolint:errorlint // sentinel compared by identity, as net/http does
			call.Defect = true
			call.Err = fmt.Sprint(p)
			e.Logger.Error("recovered panic: this is a mocksrv bug", "provider", wire.Provider,
				"route", call.Route, "panic", call.Err, "stack", string(debug.Stack()))
			if !rec.wrote {
				wire.WriteError(rec, r, &Error{Kind: KindInternal, Message: "internal error"})
			}
		}
		if p == http.ErrAbortHandler { //nolint:errorlint
			call.Err = "connection dropped"
		}
		if w, ok := call.world.(World); ok {
			// A verified request may have changed its tenant's state, also
			// under the world's own lock (a token minted): once it is done,
			// a snapshot that copied the world before must encode it again.
			w.base().Tenant.Touch()
		}
		e.record(call, r, rec, reqBody, start)
		rec.release()
		if p == http.ErrAbortHandler { //nolint:errorlint
			panic(p)
		}
	}()

	call.env, call.wire, call.rec = e, wire, rec
	if wire.Identify != nil {
		call.Guess = wire.Identify(r)
	}
	body, err := readBody(r, e.MaxBody)
	if reason, off := e.disabledReason(wire.Provider); off {
		reqBody = body
		call.Err = "provider not served"
		wire.WriteError(rec, r, &Error{Kind: KindUnavailable, Message: reason})
		return
	}
	reqBody = body
	if err == nil && e.MaxJSONDepth > 0 && JSONDepth(body, e.MaxJSONDepth) > e.MaxJSONDepth {
		err = Errorf(KindInvalid, "request body nests arrays and objects deeper than %d levels", e.MaxJSONDepth)
	}
	if err != nil {
		wire.WriteError(rec, r, err)
		return
	}
	// Rules for every tenant fire here; a tenant's own rules only once its
	// credentials verify (Bind), so a request that merely names another
	// tenant's key never spends that tenant's faults.
	if f := e.Faults.MatchRequest("", wire.Provider, call.Route, r.Method); f != nil {
		if err := e.inject(f, call, r); err != nil {
			wire.WriteError(rec, r, err)
			return
		}
	}
	next.ServeHTTP(rec, r)
}

// inject applies a fault rule to a request: it sleeps the rule's delay,
// then drops the connection, answers a raw status, or returns the error the
// provider must answer with (nil: carry on).
func (e *Env) inject(f *Fault, call *Call, r *http.Request) error {
	call.Fault = f.Describe()
	if !Sleep(r.Context(), f.Delay.D()) {
		call.Err = "client went away during injected delay"
		call.rec.seal()
		return errAnswered
	}
	switch {
	case f.Drop:
		panic(http.ErrAbortHandler)
	case f.Status != 0:
		call.Bypass = true
		f.writeRaw(call.rec)
		call.rec.seal()
		return errAnswered
	case f.RateLimit:
		return &Error{Kind: KindRateLimited} // the provider's own text: indistinguishable from a real limit
	case f.Error != nil:
		injected := *f.Error
		return &injected
	}
	return nil
}

// errAnswered is what Bind returns when a fault already answered the
// request (a raw status, or the client left during a delay): the provider
// renders it like any error, into a response that takes no more writes.
var errAnswered = &Error{Kind: KindUnavailable, Message: "answered by an injected fault"}

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

func readBody(r *http.Request, max int64) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	if max <= 0 {
		max = DefaultMaxBody
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, max+1))
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return body, &Error{Kind: KindInvalid, Message: "could not read the request body: " + err.Error()}
	}
	if int64(len(body)) > max {
		return body[:max], &Error{Kind: KindInvalid, Status: http.StatusRequestEntityTooLarge,
			Message: fmt.Sprintf("request body is larger than the %d-byte limit", max)}
	}
	return body, nil
}

func (e *Env) record(call *Call, r *http.Request, rec *recorder, reqBody []byte, start time.Time) {
	wall := WallNow()
	status := rec.status
	if status == 0 && rec.wrote {
		status = http.StatusOK
	}
	if e.CheckResponse != nil && call.Route != "" && rec.wrote && !rec.hijacked && !call.Bypass {
		call.Violations = append(call.Violations, e.CheckResponse(call.Provider, call.Route, status, rec.body.Bytes())...)
		for _, v := range call.Violations {
			e.Logger.Warn("contract violation", "provider", call.Provider, "route", call.Route, "violation", v)
		}
	}
	entry := Entry{
		Type:       "request",
		Tenant:     call.Tenant,
		Guess:      guessed(call),
		Provider:   call.Provider,
		Route:      call.Route,
		Method:     r.Method,
		Path:       r.URL.Path,
		Query:      r.URL.RawQuery,
		Status:     status,
		At:         e.ClockOf(call.Tenant).Now(),
		Wall:       wall.UTC(),
		DurationMS: float64(wall.Sub(start).Microseconds()) / 1000,
		Remote:     r.RemoteAddr,
		Fault:      call.Fault,
		Defect:     call.Defect,
		Error:      call.Err,
		Violations: call.Violations,
		Outcomes:   call.Outcomes,
	}
	var cutHdr, cutReq, cutResp bool
	entry.Headers, cutHdr = headerMap(r.Header, e.Journal.Limits().Value)
	entry.Request, cutReq = ClipBytes(reqBody, e.JournalBody, len(reqBody))
	entry.Response, cutResp = ClipBytes(rec.body.Bytes(), e.JournalBody, rec.total)
	entry.Truncated = cutHdr || cutReq || cutResp
	e.Journal.Add(entry) // cuts long header values, path and query with a marker
}

const maxJournalHeaders = 32

// headerMap flattens headers for the journal, keeping at most
// maxJournalHeaders of them and at most limit bytes of each joined value
// (longer ones end in Clip's marker; the journal cuts names to its limit
// too), and reports whether it left anything out.
func headerMap(h http.Header, limit int) (map[string]string, bool) {
	if len(h) == 0 {
		return nil, false
	}
	m := make(map[string]string, min(len(h), maxJournalHeaders))
	cut := len(h) > maxJournalHeaders
	for k, v := range h {
		if len(m) == maxJournalHeaders {
			break
		}
		var c bool
		if len(v) == 1 {
			m[k], c = Clip(v[0], limit)
		} else {
			m[k], c = Clip(joinClipped(v, limit), limit)
		}
		cut = cut || c
	}
	return m, cut
}

// joinClipped joins a header's values with ", ", building no more than a
// little past limit bytes however many or long the values are; Clip then
// marks the cut (with the length it saw, which is a lower bound).
func joinClipped(vs []string, limit int) string {
	var b strings.Builder
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		if room := limit + 1 - b.Len(); limit >= 0 && len(v) > room {
			b.WriteString(v[:max(room, 0)])
			break
		}
		b.WriteString(v)
	}
	return b.String()
}

// recorder remembers the status and (up to limit) the body a handler
// writes, passing everything through.
type recorder struct {
	http.ResponseWriter
	call     *Call // its Outcomes become OutcomeHeader
	sealed   bool  // a fault answered: later writes are dropped
	status   int
	wrote    bool
	hijacked bool
	limit    int           // bytes of body to keep; negative keeps all
	body     *bytes.Buffer // from captures; the journal copies it out
	total    int           // bytes of body written, kept or not
}

// captures recycles the buffers that capture response bodies: every
// request needs one, and the journal keeps a copy, not the buffer.
var captures = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 1024)) }}

// release returns the capture buffer; rec must not be used after. A buffer
// grown past what the journal keeps (a contract check holds whole bodies)
// is left to the collector.
func (rw *recorder) release() {
	if rw.body.Cap() <= 2*DefaultJournalBody {
		rw.body.Reset()
		captures.Put(rw.body)
	}
	rw.body = nil
}

// seal drops every write after the answer so far.
func (rw *recorder) seal() { rw.sealed = true }

func (rw *recorder) WriteHeader(status int) {
	if rw.wrote || rw.sealed {
		return
	}
	rw.status, rw.wrote = status, true
	if rw.call != nil && len(rw.call.Outcomes) > 0 {
		rw.Header().Set(OutcomeHeader, strings.Join(rw.call.Outcomes, ", "))
	}
	rw.ResponseWriter.WriteHeader(status)
}

func (rw *recorder) Write(b []byte) (int, error) {
	if rw.sealed {
		return len(b), nil
	}
	if !rw.wrote {
		rw.WriteHeader(http.StatusOK)
	}
	keep := b
	if rw.limit >= 0 {
		if room := rw.limit - rw.body.Len(); room < len(b) {
			keep = b[:max(room, 0)]
		}
	}
	rw.total += len(b)
	rw.body.Write(keep)
	return rw.ResponseWriter.Write(b)
}

// Flush implements http.Flusher.
func (rw *recorder) Flush() {
	if f, ok := rw.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack implements http.Hijacker, for WebSocket upgrades.
func (rw *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := rw.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("core: the underlying ResponseWriter cannot be hijacked")
	}
	conn, brw, err := h.Hijack()
	if err == nil {
		rw.hijacked, rw.wrote, rw.status = true, true, http.StatusSwitchingProtocols
	}
	return conn, brw, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (rw *recorder) Unwrap() http.ResponseWriter { return rw.ResponseWriter }

// guessed is the tenant a request named but did not verify, for the
// journal entry of a request that stays unattributed.
func guessed(call *Call) string {
	if call.Tenant == "" {
		return call.Guess
	}
	return ""
}
