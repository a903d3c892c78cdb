package core

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault is a rule that makes matching requests (or webhook deliveries)
// misbehave. Empty match fields match anything. A rule fires on every
// matching call, or only on the Nth, and at most Times times; each call
// that matches counts, fired or not.
//
// A rule does one thing after its optional Delay: render Error through the
// provider's own envelope (so an injected "card not found" looks exactly
// like a real one), answer a raw Status that bypasses the envelope (a
// gateway's 502), answer the provider's rate-limit error, or drop the
// connection. A rule with only a Delay makes the provider slow.
type Fault struct {
	ID       string `json:"id"`
	Tenant   string `json:"tenant,omitempty"`
	Provider string `json:"provider,omitempty"`
	Route    string `json:"route,omitempty"` // route name; for webhook rules, the event type
	Method   string `json:"method,omitempty"`
	Webhook  bool   `json:"webhook,omitempty"` // match webhook deliveries instead of requests
	Nth      int    `json:"nth,omitempty"`     // fire only on the Nth matching call (1-based)
	Times    int    `json:"times,omitempty"`   // fire at most this many times; 0 = until cleared

	Delay     Duration `json:"delay,omitempty"`
	Error     *Error   `json:"error,omitempty"`
	Status    int      `json:"status,omitempty"`
	Body      string   `json:"body,omitempty"` // body for a raw Status
	RateLimit bool     `json:"rate_limit,omitempty"`
	Drop      bool     `json:"drop,omitempty"`
	Duplicate bool     `json:"duplicate,omitempty"` // webhooks: deliver twice

	Matched int  `json:"matched"` // calls that matched so far
	Fired   int  `json:"fired"`   // calls the rule acted on
	Spent   bool `json:"spent"`   // the rule will not fire again
}

// MaxFaultDelay bounds injected latency.
const MaxFaultDelay = 10 * time.Minute

// Validate checks that the rule is well formed.
func (f *Fault) Validate() error {
	actions := 0
	for _, on := range []bool{f.Error != nil, f.Status != 0, f.RateLimit, f.Drop, f.Duplicate} {
		if on {
			actions++
		}
	}
	switch {
	case actions > 1:
		return errors.New("fault: choose one of error, status, rate_limit, drop, duplicate")
	case actions == 0 && f.Delay <= 0:
		return errors.New("fault: nothing to do: set delay, error, status, rate_limit, drop or duplicate")
	case f.Status != 0 && (f.Status < 100 || f.Status > 599):
		return fmt.Errorf("fault: status %d is not an HTTP status (100-599)", f.Status)
	case f.Delay < 0 || time.Duration(f.Delay) > MaxFaultDelay:
		return fmt.Errorf("fault: delay %s out of range (0 to %s)", time.Duration(f.Delay), MaxFaultDelay)
	case f.Nth < 0 || f.Times < 0:
		return errors.New("fault: nth and times must not be negative")
	case f.Duplicate && !f.Webhook:
		return errors.New("fault: duplicate applies to webhook deliveries only (set webhook: true)")
	}
	return nil
}

// Describe returns a short human description used in the journal and logs.
func (f *Fault) Describe() string {
	var parts []string
	if f.Delay > 0 {
		parts = append(parts, "delay "+time.Duration(f.Delay).String())
	}
	switch {
	case f.Error != nil:
		parts = append(parts, "error "+f.Error.Kind.String())
	case f.Status != 0:
		parts = append(parts, "status "+strconv.Itoa(f.Status))
	case f.RateLimit:
		parts = append(parts, "rate limit")
	case f.Drop:
		parts = append(parts, "drop")
	case f.Duplicate:
		parts = append(parts, "duplicate")
	}
	return f.ID + ": " + strings.Join(parts, ", ")
}

// Faults is the set of active fault rules. It is safe for concurrent use.
type Faults struct {
	mu    sync.Mutex // guards rules and next
	rules []*Fault
	next  int
}

// NewFaults returns an empty rule set.
func NewFaults() *Faults { return &Faults{} }

// Add validates f, assigns it an ID when it has none, and installs it.
func (fs *Faults) Add(f Fault) (Fault, error) {
	if err := f.Validate(); err != nil {
		return Fault{}, err
	}
	f.Matched, f.Fired, f.Spent = 0, 0, false
	if f.Error != nil {
		e := *f.Error // an empty Message renders as the provider's default text for the code
		f.Error = &e
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.next++
	if f.ID == "" {
		f.ID = "f" + strconv.Itoa(fs.next)
	}
	fs.rules = append(fs.rules, &f)
	return f, nil
}

// FailNext makes the next call to route (of any provider and tenant) fail
// with kind, rendered in the provider's envelope.
func (fs *Faults) FailNext(route string, kind Kind) Fault {
	f, _ := fs.Add(Fault{Route: route, Times: 1, Error: &Error{Kind: kind}})
	return f
}

// List returns copies of every rule in the order they were added.
func (fs *Faults) List() []Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make([]Fault, len(fs.rules))
	for i, f := range fs.rules {
		out[i] = *f
	}
	return out
}

// Remove deletes the rule with the given ID and reports whether it existed.
func (fs *Faults) Remove(id string) bool {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, f := range fs.rules {
		if f.ID == id {
			fs.rules = append(fs.rules[:i], fs.rules[i+1:]...)
			return true
		}
	}
	return false
}

// Clear removes every rule.
func (fs *Faults) Clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.rules = nil
}

// ClearWhere removes every rule drop accepts.
func (fs *Faults) ClearWhere(drop func(Fault) bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	kept := fs.rules[:0]
	for _, f := range fs.rules {
		if !drop(*f) {
			kept = append(kept, f)
		}
	}
	fs.rules = kept
}

// Match counts a call against every rule and returns a copy of the first
// rule that fires, or nil.
func (fs *Faults) Match(tenant, provider, route, method string, webhook bool) *Fault {
	return fs.match(tenant, provider, route, method, webhook, func(f *Fault) bool { return f.Tenant == "" || f.Tenant == tenant })
}

// MatchRequest is Match for a request in one of its two phases: with
// tenant "" (before authentication) only the rules for every tenant; with
// the tenant whose credentials verified, only that tenant's own rules. A
// request that names a tenant's key without verifying never matches, or
// spends, that tenant's rules.
func (fs *Faults) MatchRequest(tenant, provider, route, method string) *Fault {
	return fs.match(tenant, provider, route, method, false, func(f *Fault) bool { return f.Tenant == tenant })
}

func (fs *Faults) match(tenant, provider, route, method string, webhook bool, scoped func(*Fault) bool) *Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var hit *Fault
	for _, f := range fs.rules {
		if f.Spent || f.Webhook != webhook || !scoped(f) ||
			(f.Provider != "" && f.Provider != provider) ||
			(f.Route != "" && f.Route != route) ||
			(f.Method != "" && !strings.EqualFold(f.Method, method)) {
			continue
		}
		f.Matched++
		fires := f.Nth == 0 || f.Matched == f.Nth
		if f.Nth > 0 && f.Matched >= f.Nth {
			f.Spent = true
		}
		if !fires || hit != nil {
			continue
		}
		f.Fired++
		if f.Times > 0 && f.Fired >= f.Times {
			f.Spent = true
		}
		c := *f
		hit = &c
	}
	return hit
}

// Duration is a time.Duration that reads and writes JSON as a Go duration
// string ("1.5s", "720h"); a bare JSON number is read as milliseconds.
type Duration time.Duration

// MarshalJSON implements json.Marshaler.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON implements json.Unmarshaler. null leaves d as it is.
func (d *Duration) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var ms float64
		if err := json.Unmarshal(b, &ms); err != nil {
			return fmt.Errorf("duration: want a string like \"1.5s\" or a number of milliseconds, got %s", b)
		}
		*d = Duration(ms * float64(time.Millisecond))
		return nil
	}
	v, err := ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// ParseDuration is time.ParseDuration that also accepts a trailing day unit
// ("30d", "1d12h"), which QA scripts reach for when moving the clock.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, "d"); i > 0 {
		days, err := strconv.ParseFloat(s[:i], 64)
		if err != nil {
			return 0, fmt.Errorf("duration %q: %w", s, err)
		}
		rest := time.Duration(0)
		if s[i+1:] != "" {
			if rest, err = time.ParseDuration(s[i+1:]); err != nil {
				return 0, fmt.Errorf("duration %q: %w", s, err)
			}
		}
		return time.Duration(days*24*float64(time.Hour)) + rest, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("duration %q: want Go syntax like 90s, 15m, 720h or 30d", s)
	}
	return d, nil
}

// writeRaw answers a raw fault status with its body, bypassing the envelope.
func (f *Fault) writeRaw(w http.ResponseWriter) {
	body := f.Body
	if body == "" {
		body = fmt.Sprintf("%d %s\n", f.Status, http.StatusText(f.Status))
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(body))
}
