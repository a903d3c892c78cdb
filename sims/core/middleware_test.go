package core

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/mux"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testWire renders errors as {"err":"<kind>","msg":...} with status 418 so
// tests can tell the provider envelope apart from core's own output.
func testWire() Wire {
	return Wire{
		Provider: "p",
		Identify: func(r *http.Request) string { return r.Header.Get("X-Tenant") },
		WriteError: func(w http.ResponseWriter, r *http.Request, err error) {
			e := AsError(err)
			w.WriteHeader(http.StatusTeapot)
			fmt.Fprintf(w, `{"err":%q,"msg":%q}`, e.Kind, e.Message)
		},
	}
}

func newTestRouter(env *Env, h http.HandlerFunc) *mux.Router {
	r := mux.NewRouter()
	r.Use(env.Middleware(testWire()))
	r.Handle("/x", h).Name("x.do")
	r.NotFoundHandler = env.NotFound(testWire())
	return r
}

func TestMiddlewareJournalsAndInjectsFaults(t *testing.T) {
	t.Parallel()
	env := NewEnv(EnvConfig{Clock: NewFrozenClock(t0)})
	r := newTestRouter(env, func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(append([]byte("echo:"), Body(r)...))
	})

	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/x", strings.NewReader("hi"))
	req.Header.Set("X-Tenant", "t1")
	r.ServeHTTP(rec, req)
	assert.Equal(t, "echo:hi", rec.Body.String())
	es := env.Journal.Entries()
	require.Len(t, es, 1)
	assert.Equal(t, Entry{Type: "request", Tenant: "t1", Provider: "p", Route: "x.do", Method: "POST", Path: "/x", Status: 200,
		Request: "hi", Response: "echo:hi"}, Entry{Type: es[0].Type, Tenant: es[0].Tenant, Provider: es[0].Provider, Route: es[0].Route,
		Method: es[0].Method, Path: es[0].Path, Status: es[0].Status, Request: es[0].Request, Response: es[0].Response})
	assert.Equal(t, t0, es[0].At, "journal entries carry business time")

	_, _ = env.Faults.Add(Fault{Tenant: "t2", Route: "x.do", Error: &Error{Kind: KindNotFound}})
	_, _ = env.Faults.Add(Fault{Tenant: "t3", Route: "x.do", Status: 502})
	for tenant, want := range map[string]string{"t1": "echo:", "t2": `{"err":"not_found","msg":""}`, "t3": "502 Bad Gateway\n"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "/x", nil)
		req.Header.Set("X-Tenant", tenant)
		r.ServeHTTP(rec, req)
		assert.Equal(t, want, rec.Body.String(), tenant)
	}
}

func TestMiddlewareRecoversPanicsIntoTheEnvelope(t *testing.T) {
	t.Parallel()
	env := NewEnv(EnvConfig{})
	r := newTestRouter(env, func(http.ResponseWriter, *http.Request) { panic("boom") })
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
	assert.Equal(t, http.StatusTeapot, rec.Code)
	assert.Contains(t, rec.Body.String(), `"err":"internal"`)
	e := env.Journal.Entries()[0]
	assert.True(t, e.Defect)
	assert.Equal(t, "boom", e.Error)
}

func TestMiddlewareLimitsBodies(t *testing.T) {
	t.Parallel()
	env := NewEnv(EnvConfig{})
	env.MaxBody = 8
	r := newTestRouter(env, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) })
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest("POST", "/x", bytes.NewReader(make([]byte, 9))))
	assert.Contains(t, rec.Body.String(), "larger than the 8-byte limit")
}

func TestMiddlewareUnmatchedPathsAreJournaled(t *testing.T) {
	t.Parallel()
	env := NewEnv(EnvConfig{})
	r := newTestRouter(env, nil)
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest("GET", "/nope", nil))
	assert.Contains(t, rec.Body.String(), "no p endpoint GET /nope")
	assert.Equal(t, "", env.Journal.Entries()[0].Route)
}

func TestMiddlewareDelay(t *testing.T) {
	t.Parallel()
	env := NewEnv(EnvConfig{})
	_, _ = env.Faults.Add(Fault{Route: "x.do", Delay: Duration(30 * time.Millisecond)})
	r := newTestRouter(env, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("late")) })
	srv := httptest.NewServer(r)
	defer srv.Close()
	res, err := http.Get(srv.URL + "/x")
	require.NoError(t, err)
	res.Body.Close()
	e := env.Journal.Entries()[0]
	assert.GreaterOrEqual(t, e.DurationMS, 30.0, "the delay is spent before answering")
	assert.Contains(t, e.Fault, "delay 30ms")
}

func TestMiddlewareDrop(t *testing.T) {
	t.Parallel()
	env := NewEnv(EnvConfig{})
	_, _ = env.Faults.Add(Fault{Route: "x.do", Drop: true})
	r := newTestRouter(env, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("never")) })
	srv := httptest.NewServer(r)
	defer srv.Close()
	_, err := http.Get(srv.URL + "/x")
	require.Error(t, err, "the connection is dropped without an answer")
	assert.Equal(t, "connection dropped", env.Journal.Entries()[0].Error)
}

func TestMiddlewareChecksResponses(t *testing.T) {
	t.Parallel()
	env := NewEnv(EnvConfig{})
	env.CheckResponse = func(p, route string, status int, body []byte) []string {
		if bytes.Contains(body, []byte("bad")) {
			return []string{"/: bad body"}
		}
		return nil
	}
	r := newTestRouter(env, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("bad")) })
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/x", nil))
	assert.Equal(t, []string{"/: bad body"}, env.Journal.Entries()[0].Violations)

	// A raw-status fault is a gateway's answer, not the provider's: no
	// contract applies, so it is not reported as a violation.
	_, err := env.Faults.Add(Fault{Route: "x.do", Status: http.StatusBadGateway, Body: "bad gateway", Times: 1})
	require.NoError(t, err)
	env.Journal.Clear()
	r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/x", nil))
	require.Len(t, env.Journal.Entries(), 1)
	assert.Empty(t, env.Journal.Entries()[0].Violations)
	assert.Equal(t, http.StatusBadGateway, env.Journal.Entries()[0].Status)
}

func TestDecodeJSONNamesTheProblem(t *testing.T) {
	t.Parallel()
	var v struct {
		Page int `json:"page"`
		Addr struct {
			Zip string `json:"zip"`
		} `json:"addr"`
	}
	for body, want := range map[string]string{
		``:                        "request body is required",
		`{`:                       "not valid JSON",
		`{"page":"x"}`:            "field page: want a number",
		`{"addr":{"zip":5}}`:      "field addr.zip: want a string",
		`[1]`:                     "must be an object, not array",
		`{"page":1} {"page":2}`:   "data after the JSON value",
		`{"page":1e999999999999}`: "field page",
	} {
		err := DecodeJSON([]byte(body), &v)
		require.Error(t, err, body)
		assert.Equal(t, KindInvalid, KindOf(err), body)
		assert.Contains(t, err.Error(), want, body)
	}
	require.NoError(t, DecodeJSON([]byte(`{"page":2,"extra":true}`), &v), "unknown fields are ignored")
}

type paging struct {
	Size *int `json:"size"`
}

type listReq struct {
	Filter struct {
		paging
		Items []struct {
			Amount int `json:"amount"`
		} `json:"items"`
	} `json:"filter"`
	paging
}

// TestDecodeJSONNamesWireFields pins that a field promoted from an embedded
// struct is named as the client wrote it, never by the Go struct's name.
func TestDecodeJSONNamesWireFields(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]string{
		`{"size":"10"}`:                          "field size: want a number",
		`{"filter":{"size":"10"}}`:               "field filter.size: want a number",
		`{"filter":{"items":[{"amount":"1"}]}}`:  "field filter.items.amount: want a number",
		`{"filter":{"items":[{"amount":true}]}}`: "field filter.items.amount",
	} {
		var v listReq
		err := DecodeJSON([]byte(body), &v)
		require.Error(t, err, body)
		assert.Contains(t, err.Error(), want, body)
		assert.NotContains(t, err.Error(), "paging", body)
	}
}

func TestDeepBodiesAreRefusedBeforeDecoding(t *testing.T) {
	t.Parallel()
	env := NewEnv(EnvConfig{})
	called := false
	r := newTestRouter(env, func(w http.ResponseWriter, r *http.Request) { called = true })
	rec := httptest.NewRecorder()
	deep := strings.Repeat(`{"a":`, 65) + "1" + strings.Repeat("}", 65)
	r.ServeHTTP(rec, httptest.NewRequest("POST", "/x", strings.NewReader(deep)))
	assert.False(t, called)
	assert.Contains(t, rec.Body.String(), "deeper than 64 levels")
	assert.Equal(t, 3, JSONDepth([]byte(`{"a":[{"b":"[[[[{{"}]}`), 64), "brackets inside strings do not count")
	assert.Equal(t, 1, JSONDepth([]byte(`{"a":"\"[["}`), 64))
}

// TestDisabledProviderAnswersInItsEnvelope pins that a provider left out of
// a Fleet answers every path, known or not, with its own error envelope and
// a reason, and that the request is journaled.
func TestDisabledProviderAnswersInItsEnvelope(t *testing.T) {
	t.Parallel()
	env := NewEnv(EnvConfig{})
	called := false
	r := newTestRouter(env, func(w http.ResponseWriter, r *http.Request) { called = true })
	env.Disable("p", "p is not served here")
	for _, path := range []string{"/x", "/nowhere"} {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		assert.Equal(t, http.StatusTeapot, rec.Code, path)
		assert.JSONEq(t, `{"err":"unavailable","msg":"p is not served here"}`, rec.Body.String(), path)
	}
	assert.False(t, called)
	es := env.Journal.Entries(ByProvider("p"))
	require.Len(t, es, 2)
	assert.Equal(t, "x.do", es[0].Route)
	assert.Equal(t, "provider not served", es[0].Error)
}

// TestMiddlewareCaptureBuffersAreNotShared: response capture buffers are
// recycled across requests, so concurrent answers of different lengths
// must each be journaled exactly, with nothing left over from another.
func TestMiddlewareCaptureBuffersAreNotShared(t *testing.T) {
	t.Parallel()
	env := NewEnv(EnvConfig{JournalSize: 10_000})
	r := newTestRouter(env, func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(bytes.Repeat([]byte(r.Header.Get("X-Tenant")), len(Body(r))))
	})
	done := make(chan struct{})
	for g := 0; g < 4; g++ {
		go func(g int) {
			defer func() { done <- struct{}{} }()
			for i := 0; i < 200; i++ {
				req := httptest.NewRequest("POST", "/x", strings.NewReader(strings.Repeat("x", (i*37+g)%3000)))
				req.Header.Set("X-Tenant", string(rune('a'+g)))
				r.ServeHTTP(httptest.NewRecorder(), req)
			}
		}(g)
	}
	for g := 0; g < 4; g++ {
		<-done
	}
	es := env.Journal.Entries()
	require.NotEmpty(t, es)
	for _, e := range es {
		assert.Equal(t, strings.Repeat(e.Tenant, len(e.Request)), e.Response)
	}
}

// TestRateLimitFaultUsesTheProviderText pins that an injected rate limit
// carries no text of core's own: the provider renders its real message.
func TestRateLimitFaultUsesTheProviderText(t *testing.T) {
	t.Parallel()
	env := NewEnv(EnvConfig{})
	r := newTestRouter(env, func(w http.ResponseWriter, r *http.Request) {})
	_, err := env.Faults.Add(Fault{RateLimit: true})
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
	assert.JSONEq(t, `{"err":"rate_limited","msg":""}`, rec.Body.String())
	assert.Contains(t, env.Journal.Entries()[0].Fault, "rate limit", "the journal still says a fault fired")
}

// TestMiddlewareJournalCutsLargeRequests: a request with a huge header and
// a large body, answered with a large body, is journaled with each cut to
// its bound and a marker naming its full length.
func TestMiddlewareJournalCutsLargeRequests(t *testing.T) {
	t.Parallel()
	env := NewEnv(EnvConfig{})
	r := newTestRouter(env, func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i < 5; i++ { // 20 KiB in five writes
			_, _ = w.Write(bytes.Repeat([]byte("r"), 4<<10))
		}
	})
	req := httptest.NewRequest("POST", "/x?"+strings.Repeat("q", 10<<10), strings.NewReader(strings.Repeat("b", 20<<10)))
	req.Header.Set("X-Junk", strings.Repeat("j", 60<<10))
	req.Header["X-Many"] = []string{strings.Repeat("m", 3<<10), strings.Repeat("n", 3<<10)}
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	assert.Equal(t, 20<<10, rec.Body.Len(), "the client gets the whole answer")

	es := env.Journal.Entries()
	require.Len(t, es, 1)
	e := es[0]
	assert.True(t, e.Truncated)
	assert.Len(t, e.Headers["X-Junk"], DefaultJournalValue)
	assert.True(t, strings.HasSuffix(e.Headers["X-Junk"], "…[truncated by mocksrv: 61440 bytes in all]"), e.Headers["X-Junk"][DefaultJournalValue-60:])
	assert.Len(t, e.Headers["X-Many"], DefaultJournalValue, "several values are joined, then cut")
	assert.Contains(t, e.Headers["X-Many"], "…[truncated by mocksrv: ")
	assert.Len(t, e.Query, DefaultJournalValue)
	assert.Len(t, e.Request, DefaultJournalBody)
	assert.True(t, strings.HasSuffix(e.Request, "…[truncated by mocksrv: 20480 bytes in all]"))
	assert.Len(t, e.Response, DefaultJournalBody)
	assert.True(t, strings.HasSuffix(e.Response, "…[truncated by mocksrv: 20480 bytes in all]"), "the recorder counts what it did not keep")
}
