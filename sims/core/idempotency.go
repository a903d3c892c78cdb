package core

// Idempotency — one rule for every provider: a key used again with the
// same request gets the first answer, byte for byte; with a different
// request, the provider's conflict error, naming the key and the first
// field that differs. Requests are compared as JSON values, so key order,
// whitespace and the spelling of a number (1.5, 1.50, 15e-1) do not make
// two requests different.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"
)

// Errors from IdemStore.
var (
	// ErrIdemMismatch is what an *IdemConflict matches with errors.Is.
	ErrIdemMismatch = errors.New("idempotency key reused with a different request")
	ErrIdemInFlight = errors.New("a request with this idempotency key is still being processed")
)

// IdemConflict is the error of a key used again with a different request.
// Field is the first difference, as a path into the request: "amount",
// "address_info.city", "items[2]"; "method" or "path" when the request
// went elsewhere, "body" when a body is not JSON.
type IdemConflict struct {
	Key   string
	Field string
}

func (e *IdemConflict) Error() string {
	return fmt.Sprintf("key %q was first used with a different request (%s differs)", e.Key, e.Field)
}

// Is makes errors.Is(err, ErrIdemMismatch) true.
func (e *IdemConflict) Is(target error) bool { return target == ErrIdemMismatch }

// IdemRequest is what makes two requests the same for idempotency.
type IdemRequest struct {
	Method, Path string
	Body         []byte
}

// IdemResponse is a response kept for replay under an idempotency key.
type IdemResponse struct {
	Status int         `json:"status"`
	Header http.Header `json:"header,omitempty"`
	Body   []byte      `json:"body"`
}

// DefaultIdemBytes bounds what one IdemStore keeps (requests and answers):
// 4 MiB, after which the oldest keys are forgotten early.
const DefaultIdemBytes = 4 << 20

// IdemStore keeps the first request and answer for each key for a
// time-to-live on the business clock, within a byte budget. It is safe for
// concurrent use.
type IdemStore struct {
	TTL      time.Duration
	MaxBytes int // 0 is DefaultIdemBytes

	mu    sync.Mutex // guards the fields below
	m     map[string]*idemEntry
	order []string // keys in claiming order, for eviction
	bytes int
}

type idemEntry struct {
	sum  string      // hash of the canonical request
	req  IdemRequest // as first sent, for naming a difference
	at   time.Time
	resp *IdemResponse // nil while in flight
}

func (e *idemEntry) size() int {
	n := len(e.req.Method) + len(e.req.Path) + len(e.req.Body) + 128
	if e.resp != nil {
		n += len(e.resp.Body)
	}
	return n
}

// NewIdemStore returns a store keeping requests and answers for ttl.
func NewIdemStore(ttl time.Duration) *IdemStore {
	return &IdemStore{TTL: ttl, m: map[string]*idemEntry{}}
}

// Claim claims key for req at business time now. It returns the answer
// kept for the key when it was used before with the same request; an
// *IdemConflict when it was used with a different one; ErrIdemInFlight
// while the first request is still being answered. With (nil, nil) the
// caller owns the key and must call Finish or Abort.
func (s *IdemStore) Claim(key string, req IdemRequest, now time.Time) (*IdemResponse, error) {
	sum := canonicalSum(req)
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.m[key]; ok && now.Sub(e.at) < s.TTL {
		switch {
		case e.sum != sum:
			return nil, &IdemConflict{Key: key, Field: FirstDifference(e.req, req)}
		case e.resp == nil:
			return nil, ErrIdemInFlight
		}
		r := *e.resp
		return &r, nil
	}
	s.removeLocked(key)
	e := &idemEntry{sum: sum, req: IdemRequest{req.Method, req.Path, bytes.Clone(req.Body)}, at: now}
	s.m[key] = e
	s.order = append(s.order, key)
	s.bytes += e.size()
	s.evictLocked(now)
	return nil, nil
}

// Finish keeps the answer for a key claimed with Claim.
func (s *IdemStore) Finish(key string, resp IdemResponse) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.m[key]; ok && e.resp == nil {
		s.bytes -= e.size()
		e.resp = &resp
		s.bytes += e.size()
		s.evictLocked(e.at)
	}
}

// Abort releases a key claimed with Claim without keeping an answer, so
// the request may be retried (used when the first attempt failed).
func (s *IdemStore) Abort(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.removeLocked(key)
}

// Reset forgets every key.
func (s *IdemStore) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m, s.order, s.bytes = map[string]*idemEntry{}, nil, 0
}

func (s *IdemStore) removeLocked(key string) {
	if e, ok := s.m[key]; ok {
		s.bytes -= e.size()
		delete(s.m, key)
	}
}

// evictLocked forgets expired keys and, past the byte budget, the oldest
// ones, in claiming order; the order slice drops keys already removed.
func (s *IdemStore) evictLocked(now time.Time) {
	max := s.MaxBytes
	if max <= 0 {
		max = DefaultIdemBytes
	}
	i := 0
	for ; i < len(s.order); i++ {
		k := s.order[i]
		e, ok := s.m[k]
		switch {
		case !ok:
			continue // removed earlier (Abort, or claimed again later)
		case now.Sub(e.at) >= s.TTL || s.bytes > max:
			s.removeLocked(k)
			continue
		}
		break
	}
	s.order = s.order[i:]
	if len(s.order) > 2*len(s.m)+64 { // keys claimed again linger in order: compact
		live := s.order[:0]
		seen := make(map[string]bool, len(s.m))
		for _, k := range s.order {
			if _, ok := s.m[k]; ok && !seen[k] {
				seen[k] = true
				live = append(live, k)
			}
		}
		s.order = live
	}
}

// canonicalSum hashes a request's canonical form: method, path, and the
// body as a JSON value (object keys sorted, numbers by value), or the body
// as it is, trimmed, when it is not JSON.
func canonicalSum(req IdemRequest) string {
	h := sha256.New()
	h.Write([]byte(req.Method))
	h.Write([]byte{0})
	h.Write([]byte(req.Path))
	h.Write([]byte{0})
	if v, ok := parseJSONValue(req.Body); ok {
		writeCanonical(h, v)
	} else {
		h.Write([]byte{1})
		h.Write(bytes.TrimSpace(req.Body))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func parseJSONValue(b []byte) (any, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil, true
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil || dec.More() {
		return nil, false
	}
	return v, true
}

// writeCanonical writes v so that two JSON values are written alike exactly
// when they are equal as values.
func writeCanonical(w interface{ Write([]byte) (int, error) }, v any) {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		_, _ = w.Write([]byte{'{'})
		for _, k := range keys {
			_, _ = w.Write([]byte(strconv.Quote(k)))
			_, _ = w.Write([]byte{':'})
			writeCanonical(w, x[k])
			_, _ = w.Write([]byte{','})
		}
		_, _ = w.Write([]byte{'}'})
	case []any:
		_, _ = w.Write([]byte{'['})
		for _, e := range x {
			writeCanonical(w, e)
			_, _ = w.Write([]byte{','})
		}
		_, _ = w.Write([]byte{']'})
	case json.Number:
		_, _ = w.Write([]byte("n" + numberKey(x)))
	case string:
		_, _ = w.Write([]byte(strconv.Quote(x)))
	case bool:
		_, _ = w.Write([]byte(strconv.FormatBool(x)))
	case nil:
		_, _ = w.Write([]byte("null"))
	}
}

// numberKey returns a number's value as an exact fraction ("3/2"), so 1.5,
// 1.50 and 15e-1 are one number.
func numberKey(n json.Number) string {
	if r, ok := new(big.Rat).SetString(string(n)); ok {
		return r.RatString()
	}
	return string(n)
}

// FirstDifference names the first place where two requests differ:
// "method", "path", a JSON path into the bodies ("amount",
// "address_info.city", "items[2]"), or "body" when a body is not JSON. It
// returns "" for requests that are the same.
func FirstDifference(a, b IdemRequest) string {
	switch {
	case a.Method != b.Method:
		return "method"
	case a.Path != b.Path:
		return "path"
	}
	va, oka := parseJSONValue(a.Body)
	vb, okb := parseJSONValue(b.Body)
	if !oka || !okb {
		if bytes.Equal(bytes.TrimSpace(a.Body), bytes.TrimSpace(b.Body)) {
			return ""
		}
		return "body"
	}
	return diffValues("", va, vb)
}

func diffValues(at string, a, b any) string {
	name := func() string {
		if at == "" {
			return "body"
		}
		return at
	}
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return name()
		}
		keys := make([]string, 0, len(x)+len(y))
		for k := range x {
			keys = append(keys, k)
		}
		for k := range y {
			if _, dup := x[k]; !dup {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			path := k
			if at != "" {
				path = at + "." + k
			}
			va, ina := x[k]
			vb, inb := y[k]
			if ina != inb {
				return path
			}
			if d := diffValues(path, va, vb); d != "" {
				return d
			}
		}
		return ""
	case []any:
		y, ok := b.([]any)
		if !ok {
			return name()
		}
		for i := 0; i < max(len(x), len(y)); i++ {
			path := fmt.Sprintf("%s[%d]", at, i)
			if i >= len(x) || i >= len(y) {
				return path
			}
			if d := diffValues(path, x[i], y[i]); d != "" {
				return d
			}
		}
		return ""
	case json.Number:
		y, ok := b.(json.Number)
		if !ok || numberKey(x) != numberKey(y) {
			return name()
		}
		return ""
	}
	if a != b {
		return name()
	}
	return ""
}

// Do answers r under key with the one idempotency rule: the first answer
// again for the same request; an *IdemConflict or ErrIdemInFlight, for the
// provider to render in its envelope, for a different request or one still
// running; otherwise render's answer, kept for the key when render says so
// (a provider keeps successes; UQPay also its 4xx answers). A key of ""
// opts out: render runs and nothing is kept.
func (s *IdemStore) Do(key string, r *http.Request, now time.Time, render func() (resp IdemResponse, keep bool)) (IdemResponse, error) {
	if key == "" {
		resp, _ := render()
		return resp, nil
	}
	prev, err := s.Claim(key, IdemRequest{Method: r.Method, Path: r.URL.Path, Body: Body(r)}, now)
	if err != nil {
		return IdemResponse{}, err
	}
	if prev != nil {
		return *prev, nil
	}
	finished := false
	defer func() {
		if !finished { // render panicked: free the key for a retry
			s.Abort(key)
		}
	}()
	resp, keep := render()
	finished = true
	if keep {
		s.Finish(key, resp)
	} else {
		s.Abort(key)
	}
	return resp, nil
}

// DoBody is Do for an answer that is a 200 with the body run makes: the
// body is kept and replayed for the key; an error run returns comes back
// as failed, for the caller to answer, and is never kept (the key is free
// for a retry). err is Claim's: another request with the key, or the
// first one still being answered.
func (s *IdemStore) DoBody(key string, r *http.Request, now time.Time, run func() ([]byte, error)) (resp IdemResponse, failed, err error) {
	resp, err = s.Do(key, r, now, func() (IdemResponse, bool) {
		body, e := run()
		if e != nil {
			failed = e
			return IdemResponse{}, false
		}
		return IdemResponse{Status: http.StatusOK, Body: body}, true
	})
	return resp, failed, err
}

// BodyField returns a top-level string field of a JSON request body, or
// "" when the body is not a JSON object or the field is not a string: the
// business unique number a request is idempotent under.
func BodyField(r *http.Request, name string) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(Body(r), &m) != nil {
		return ""
	}
	var v string
	if json.Unmarshal(m[name], &v) != nil {
		return ""
	}
	return v
}
