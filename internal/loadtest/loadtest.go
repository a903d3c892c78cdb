package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"math/rand/v2"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mocksrv/mocksrv/internal/adminclient"
	"github.com/mocksrv/mocksrv/sims/core"
)

// Options sizes a run.
type Options struct {
	Target   string        // mocksrv base URL
	Tenants  int           // tenants created for the run
	Workers  int           // concurrent clients per tenant
	Duration time.Duration // how long the clients run
	Seed     uint64        // for the operation mix
	HTTP     *http.Client
	// AdminToken is the server's --admin-token, if it has one.
	AdminToken string
}

// Report is a run's outcome.
type Report struct {
	Requests   int64            `json:"requests"`
	Errors     []string         `json:"errors"` // 5xx, dropped requests, broken invariants
	ByRoute    map[string]int64 `json:"by_route"`
	Refused    map[string]int64 `json:"refused"` // answered with the provider's error (insufficient balance, wrong status…)
	Duration   time.Duration    `json:"duration_ns"`
	Throughput float64          `json:"requests_per_second"`
}

// OK reports whether the run kept every invariant.
func (r *Report) OK() bool { return len(r.Errors) == 0 }

// workload is one provider's operations.
type workload interface {
	name() string
	// setup prepares a tenant (its credentials are in creds).
	setup(ctx context.Context, a *client, tenant string, creds map[string]string) (tenantState, error)
}

// tenantOptioner is a workload that creates its tenants with provider
// options (the provider's object of POST /_mocksrv/tenants).
type tenantOptioner interface {
	tenantOptions() any
}

// tenantState is one tenant's workload: step runs one random operation;
// verify checks the invariants after the run, given every tenant's state.
type tenantState interface {
	step(ctx context.Context, rng *rand.Rand) error
	verify(ctx context.Context, others []tenantState) []string
}

// workloads are the providers' workloads, one file each.
var workloads = []workload{bkjLoad{}, keysecureLoad{}, uqpayLoad{}, decardLoad{}}

// Run creates the tenants, runs the workers and checks the invariants.
func Run(ctx context.Context, o Options) (*Report, error) {
	if o.HTTP == nil {
		o.HTTP = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	}
	rep := &Report{ByRoute: map[string]int64{}, Refused: map[string]int64{}}
	var mu sync.Mutex
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(rep.Errors) < 50 {
			rep.Errors = append(rep.Errors, fmt.Sprintf(format, args...))
		}
	}
	var reqs atomic.Int64
	c := &client{base: strings.TrimRight(o.Target, "/"), hc: o.HTTP, adm: adminclient.New(o.Target, o.AdminToken, o.HTTP), count: func(route string, status int, err error) {
		reqs.Add(1)
		mu.Lock()
		rep.ByRoute[route]++
		mu.Unlock()
		switch {
		case err != nil:
			fail("%s: request dropped: %v", route, err)
		case status >= 500:
			fail("%s: HTTP %d", route, status)
		}
	}, refuse: func(route string) {
		mu.Lock()
		rep.Refused[route]++
		mu.Unlock()
	}}

	active, err := enabled(ctx, c)
	if err != nil {
		return nil, err
	}
	type slot struct {
		tenant string
		states []tenantState
	}
	var slots []slot
	for i := 0; i < o.Tenants; i++ {
		body := map[string]any{"id": fmt.Sprintf("load-%d-%d", o.Seed, i), "allow_ips": "any"}
		for _, w := range active {
			if to, ok := w.(tenantOptioner); ok {
				body[w.name()] = to.tenantOptions()
			}
		}
		var info map[string]json.RawMessage
		if err := c.admin(ctx, http.MethodPost, "/_mocksrv/tenants", body, &info); err != nil {
			return nil, err
		}
		var id string
		_ = json.Unmarshal(info["id"], &id)
		s := slot{tenant: id}
		for _, w := range active {
			var creds map[string]string
			_ = json.Unmarshal(info[w.name()], &creds)
			st, err := w.setup(ctx, c, id, creds)
			if err != nil {
				return nil, fmt.Errorf("%s setup: %w", w.name(), err)
			}
			s.states = append(s.states, st)
		}
		slots = append(slots, s)
	}

	start := time.Now()
	runCtx, cancel := context.WithTimeout(ctx, o.Duration)
	defer cancel()
	var wg sync.WaitGroup
	for ti, s := range slots {
		for w := 0; w < o.Workers; w++ {
			wg.Add(1)
			go func(ti, w int, s slot) {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(o.Seed, uint64(ti*1000+w)))
				// Workers stop between operations; an operation in flight at
				// the deadline completes, so the clients know all they did.
				opCtx := context.WithoutCancel(runCtx)
				for runCtx.Err() == nil {
					st := s.states[rng.IntN(len(s.states))]
					if err := st.step(opCtx, rng); err != nil {
						fail("tenant %s: %v", s.tenant, err)
					}
				}
			}(ti, w, s)
		}
	}
	wg.Wait()
	rep.Duration = time.Since(start)
	rep.Requests = reqs.Load()
	rep.Throughput = float64(rep.Requests) / rep.Duration.Seconds()

	// Asynchronous steps (UQPay issuing and card orders, DeCard KYC and
	// issuing, bkj card opening) finish on the business clock: move each
	// tenant's clock past them, so the invariants see settled state.
	for _, s := range slots {
		if err := c.admin(ctx, http.MethodPost, "/_mocksrv/tenants/"+s.tenant+"/clock", map[string]any{"advance": settleAdvance.String()}, nil); err != nil {
			fail("tenant %s: %v", s.tenant, err)
		}
	}
	for wi := range active {
		var all []tenantState
		for _, s := range slots {
			all = append(all, s.states[wi])
		}
		for si, s := range slots {
			var others []tenantState
			for oj, o := range all {
				if oj != si {
					others = append(others, o)
				}
			}
			for _, e := range s.states[wi].verify(ctx, others) {
				fail("%s tenant %s: %s", active[wi].name(), s.tenant, e)
			}
		}
	}
	for _, s := range slots {
		_ = c.admin(ctx, http.MethodDelete, "/_mocksrv/tenants/"+s.tenant, nil, nil)
	}
	sort.Strings(rep.Errors)
	return rep, nil
}

// settleAdvance is how far Run moves each tenant's business clock before
// the invariants are checked: past every asynchronous step the workloads
// start (DeCard's KYC review and issuing take five minutes).
const settleAdvance = 10 * time.Minute

// enabled returns the workloads of the providers the target serves, in
// name order.
func enabled(ctx context.Context, c *client) ([]workload, error) {
	var health struct {
		Providers []string `json:"providers"`
	}
	if err := c.admin(ctx, http.MethodGet, "/_mocksrv/health", nil, &health); err != nil {
		return nil, err
	}
	var out []workload
	for _, w := range workloads {
		for _, p := range health.Providers {
			if p == w.name() {
				out = append(out, w)
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the target serves %v: no provider with a workload", health.Providers)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name() < out[j].name() })
	return out, nil
}

// client is a counting HTTP client.
type client struct {
	base  string
	hc    *http.Client
	adm   *adminclient.Client
	count func(route string, status int, err error)
	// refuse counts an answer that is the provider's error: expected in
	// a random mix (a withdrawal larger than the card holds), but a run
	// where most writes are refused tests little.
	refuse func(route string)
}

// exchange sends one provider request with headers h, authorized by the
// provider's own client — its signature, or its token, fetched when it
// holds none — and counts it under route. An answer that says the token went stale is
// cured as the provider's clients cure it: a new token, one retry.
func (c *client) exchange(ctx context.Context, route string, caller core.Caller, method, path string, h http.Header, body []byte) (int, http.Header, []byte, error) {
	for attempt := 0; ; attempt++ {
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
		if err != nil {
			return 0, nil, nil, err
		}
		for k, v := range h {
			req.Header[k] = v
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if err := caller.Authorize(ctx, req, body, time.Now()); err != nil {
			return 0, nil, nil, fmt.Errorf("%s: %w", route, err)
		}
		status, h, b, err := c.send(ctx, route, req)
		if err != nil {
			return 0, nil, nil, err
		}
		caller.Observe(req.URL.Path, b)
		if _, stale := caller.Expired(status, b); stale && attempt == 0 {
			continue
		}
		return status, h, b, nil
	}
}

// send sends a built request, counts it under route, and returns status,
// headers and body.
func (c *client) send(ctx context.Context, route string, req *http.Request) (int, http.Header, []byte, error) {
	res, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, nil, nil, ctx.Err() // the run ended mid-request: not a drop
		}
		c.count(route, 0, err)
		return 0, nil, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil && ctx.Err() == nil {
		c.count(route, 0, err)
		return 0, nil, nil, err
	}
	c.count(route, res.StatusCode, nil)
	return res.StatusCode, res.Header, b, nil
}

// admin calls the admin API (not counted).
func (c *client) admin(ctx context.Context, method, path string, body, out any) error {
	return c.adm.Do(ctx, method, path, body, out)
}

// decimal reads an exact decimal (a JSON string or number) as a rational.
func decimal(n json.Number) (*big.Rat, error) {
	if n == "" {
		return new(big.Rat), nil
	}
	r, ok := new(big.Rat).SetString(string(n))
	if !ok {
		return nil, fmt.Errorf("%q is not a decimal", n)
	}
	return r, nil
}

// total adds exact decimals.
func total(ns ...json.Number) (*big.Rat, error) {
	sum := new(big.Rat)
	for _, n := range ns {
		r, err := decimal(n)
		if err != nil {
			return nil, err
		}
		sum.Add(sum, r)
	}
	return sum, nil
}

// cents renders an amount of cents as a decimal string.
func cents(n int) string { return fmt.Sprintf("%d.%02d", n/100, n%100) }

// uuid4 returns a random version-4 UUID from rng.
func uuid4(rng *rand.Rand) string {
	hi, lo := rng.Uint64(), rng.Uint64()
	hi = hi&^0xf000 | 0x4000
	lo = lo&^(0xc<<60) | 0x8<<60
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", hi>>32, hi>>16&0xffff, hi&0xffff, lo>>48, lo&0xffffffffffff)
}
