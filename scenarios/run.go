package scenarios

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/internal/adminclient"
	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/core"
)

// Options configures a run.
type Options struct {
	Target     string       // a running mocksrv's base URL; "" runs in-process on a fresh Fleet
	AdminToken string       // for a target started with --admin-token
	HTTP       *http.Client // for provider and admin calls (default: 10 s timeout)
	Keep       bool         // keep the tenant a target run created
	Log        io.Writer    // one line per step (nil: quiet)
}

// Result is a scenario's outcome.
type Result struct {
	Scenario string        `json:"scenario"`
	File     string        `json:"file"`
	Tenant   string        `json:"tenant"`
	Passed   bool          `json:"passed"`
	Steps    []StepResult  `json:"steps"`
	Error    string        `json:"error,omitempty"` // the run could not start or finish
	Started  time.Time     `json:"started"`
	Duration time.Duration `json:"duration_ns"`
}

// StepResult is one step's outcome. Failures say which expectation,
// expected and got.
type StepResult struct {
	Step     string        `json:"step"`
	OK       bool          `json:"ok"`
	Failures []string      `json:"failures,omitempty"`
	Detail   string        `json:"detail,omitempty"`
	Duration time.Duration `json:"duration_ns"`
}

// RunFile parses and runs one scenario file.
func RunFile(ctx context.Context, path string, opts Options) (*Result, error) {
	sc, err := LoadFile(path)
	if err != nil {
		return nil, err
	}
	return RunScenario(ctx, sc, opts), nil
}

// RunScenario runs a parsed scenario in a tenant of its own.
func RunScenario(ctx context.Context, sc *Scenario, opts Options) *Result {
	start := core.WallNow()
	res := &Result{Scenario: sc.Name, File: sc.File, Started: start}
	r, cleanup, err := newRunner(ctx, sc, opts)
	if err == nil {
		res.Tenant = r.tenant
		err = r.setup(ctx)
		if err == nil {
			r.steps(ctx, res)
		}
		cleanup()
	}
	if err != nil {
		res.Error = err.Error()
	}
	res.Passed = res.Error == ""
	for _, s := range res.Steps {
		res.Passed = res.Passed && s.OK
	}
	res.Duration = core.WallNow().Sub(start)
	return res
}

type runner struct {
	sc      *Scenario
	opts    Options
	admin   *admin
	base    string
	tenant  string
	creds   map[string]map[string]string
	vars    map[string]any
	callers map[string]core.Caller
	recv    *receiver
	last    *lastCall
}

type lastCall struct {
	method, url string
	header      http.Header
	body        []byte
}

func newRunner(ctx context.Context, sc *Scenario, opts Options) (*runner, func(), error) {
	if opts.HTTP == nil {
		opts.HTTP = &http.Client{Timeout: 10 * time.Second}
	}
	r := &runner{sc: sc, opts: opts, vars: map[string]any{}, callers: map[string]core.Caller{}}
	var closers []func()
	base := strings.TrimRight(opts.Target, "/")
	if base == "" {
		f, err := sims.NewFleet(sims.WithSeed(sc.Seed), sims.WithClock(core.NewFrozenClock(defaultStart)))
		if err != nil {
			return nil, nil, err
		}
		srv := httptest.NewServer(f.Handler())
		closers = append(closers, srv.Close)
		base = srv.URL
	}
	r.base = base
	r.admin = &admin{adminclient.New(base, opts.AdminToken, opts.HTTP)}
	r.tenant = sc.Tenant
	if r.tenant == "" {
		r.tenant = "scn-" + sc.Name + "-" + core.RandomHex(3)
	}
	if len(sc.Webhooks) > 0 {
		r.recv = newReceiver(sc.Webhooks)
		closers = append(closers, r.recv.srv.Close)
	}
	cleanup := func() {
		if opts.Target != "" && !opts.Keep {
			_ = r.admin.do(context.Background(), http.MethodDelete, r.admin.tenantPath(r.tenant), nil, nil)
		}
		_ = r.admin.do(context.Background(), http.MethodDelete, "/_mocksrv/faults?tenant="+url.QueryEscape(r.tenant), nil, nil)
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	return r, cleanup, nil
}

// defaultStart is where scenario clocks start unless they say otherwise.
var defaultStart = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// setup creates the tenant, points webhooks at the receiver and applies
// the given section.
func (r *runner) setup(ctx context.Context) error {
	clock := map[string]any{"set": defaultStart.Format(time.RFC3339), "freeze": true}
	if c := r.sc.Clock; c != nil {
		if c.Set != "" {
			clock["set"] = c.Set
		}
		if c.Freeze != nil {
			clock["freeze"] = *c.Freeze
		}
	}
	var info map[string]json.RawMessage
	if err := r.admin.do(ctx, http.MethodPost, "/_mocksrv/tenants", tenantRequest(r.sc, r.tenant, clock), &info); err != nil {
		return optionsError(r.sc, err)
	}
	r.creds = credsOf(info)
	r.vars["tenant"] = r.tenant
	creds := map[string]any{}
	for p, c := range r.creds {
		m := map[string]any{}
		for k, v := range c {
			m[k] = v
		}
		creds[p] = m
	}
	r.vars["creds"] = creds
	if r.sc.Clock != nil && r.sc.Clock.Advance != "" {
		if err := r.admin.do(ctx, http.MethodPost, r.admin.tenantPath(r.tenant, "clock"), map[string]any{"advance": r.sc.Clock.Advance}, nil); err != nil {
			return err
		}
	}
	if r.recv != nil {
		urls := map[string]string{}
		for p := range r.sc.Webhooks {
			urls[p] = r.recv.srv.URL + "/" + p
		}
		if err := r.admin.do(ctx, http.MethodPost, r.admin.tenantPath(r.tenant, "webhooks"), urls, nil); err != nil {
			return err
		}
	}
	return applyGiven(ctx, r.admin, r.tenant, r.sc, r.vars)
}

// tenantRequest is the body of POST /_mocksrv/tenants for a scenario: its
// id, seed, clock (nil: none) and each provider's options.
func tenantRequest(sc *Scenario, tenant string, clock map[string]any) map[string]any {
	req := map[string]any{"id": tenant, "seed": sc.Seed}
	if clock != nil {
		req["clock"] = clock
	}
	for p, o := range sc.Options {
		req[p] = o
	}
	return req
}

// optionsError places a tenant the server would not create at the
// scenario's options, the likely culprit (a misspelt or out-of-range
// option), when it has any.
func optionsError(sc *Scenario, err error) error {
	if len(sc.Options) == 0 {
		return err
	}
	return &FileError{File: sc.File, Line: sc.OptionsLine, Field: "options", Msg: err.Error()}
}

func credsOf(info map[string]json.RawMessage) map[string]map[string]string {
	out := map[string]map[string]string{}
	for k, v := range info {
		var m map[string]string
		if json.Unmarshal(v, &m) == nil {
			out[k] = m
		}
	}
	return out
}

// applyGiven creates the given section's objects in order, naming them for
// templates.
func applyGiven(ctx context.Context, a *admin, tenant string, sc *Scenario, vars map[string]any) error {
	for _, g := range sc.Given {
		for _, it := range g.Items {
			body := expand(it.Body, vars)
			var out any
			if err := a.do(ctx, http.MethodPost, a.tenantPath(tenant, g.Provider, it.Kind), body, &out); err != nil {
				return &FileError{File: sc.File, Line: it.Line, Field: "given." + g.Provider + "." + it.Kind, Msg: err.Error()}
			}
			if it.As != "" {
				vars[it.As] = out
			}
		}
	}
	return nil
}

func (r *runner) logf(format string, args ...any) {
	if r.opts.Log != nil {
		fmt.Fprintf(r.opts.Log, format+"\n", args...)
	}
}

func (r *runner) steps(ctx context.Context, res *Result) {
	for i, st := range r.sc.Steps {
		sr := StepResult{Step: st.Label(i)}
		start := core.WallNow()
		fails, detail, err := r.step(ctx, st)
		sr.Duration = core.WallNow().Sub(start)
		if err != nil {
			fails = append(fails, err.Error())
		}
		sr.OK, sr.Failures, sr.Detail = len(fails) == 0, fails, detail
		verdict := "ok  "
		if !sr.OK {
			verdict = "FAIL"
		}
		r.logf("%s %s %s", verdict, sr.Step, detail)
		for _, f := range fails {
			r.logf("       %s", f)
		}
		res.Steps = append(res.Steps, sr)
	}
}

// step runs one step and returns its failed expectations.
func (r *runner) step(ctx context.Context, st Step) ([]string, string, error) {
	switch {
	case st.Call != nil:
		return r.call(ctx, st)
	case st.Advance != "":
		return nil, "advance " + st.Advance, r.admin.do(ctx, http.MethodPost, r.admin.tenantPath(r.tenant, "clock"), map[string]any{"advance": st.Advance}, nil)
	case st.Clock != nil:
		body := map[string]any{}
		if st.Clock.Set != "" {
			body["set"] = st.Clock.Set
		}
		if st.Clock.Freeze != nil {
			body["freeze"] = *st.Clock.Freeze
		}
		if st.Clock.Advance != "" {
			body["advance"] = st.Clock.Advance
		}
		return nil, "clock", r.admin.do(ctx, http.MethodPost, r.admin.tenantPath(r.tenant, "clock"), body, nil)
	case st.Card != nil:
		p := st.Card.Provider
		card := expandString(st.Card.Card, r.vars)
		if p == "" {
			return nil, "", errors.New("card: say which provider")
		}
		return nil, fmt.Sprintf("%s card %s %s", p, card, st.Card.Action),
			r.admin.do(ctx, http.MethodPost, r.admin.tenantPath(r.tenant, p, "cards", card, st.Card.Action), nil, nil)
	case st.CardEvent != nil:
		ce := st.CardEvent
		if ce.Provider == "" {
			return nil, "", errors.New("card_event: say which provider")
		}
		var ev core.CardEvent
		var fields map[string]any // expand reads maps, not structs
		b, _ := json.Marshal(ce.CardEvent)
		_ = json.Unmarshal(b, &fields)
		b, _ = json.Marshal(expand(fields, r.vars))
		if err := json.Unmarshal(b, &ev); err != nil {
			return nil, "", fmt.Errorf("card_event: %w", err)
		}
		card := expandString(ce.Card, r.vars)
		var out any
		err := r.admin.do(ctx, http.MethodPost, r.admin.tenantPath(r.tenant, ce.Provider, "cards", card, "events"), ev, &out)
		if err == nil && ce.As != "" {
			r.vars[ce.As] = out
		}
		return nil, fmt.Sprintf("%s card %s %s", ce.Provider, card, ev.Type), err
	case st.Create != nil:
		var out any
		err := r.admin.do(ctx, http.MethodPost, r.admin.tenantPath(r.tenant, st.Create.Provider, st.Create.Kind), expand(st.Create.With, r.vars), &out)
		if err == nil && st.Create.As != "" {
			r.vars[st.Create.As] = out
		}
		return nil, "create " + st.Create.Provider + " " + st.Create.Kind, err
	case len(st.Fault) > 0:
		var f map[string]any
		if err := json.Unmarshal(st.Fault, &f); err != nil {
			return nil, "", err
		}
		if _, ok := f["tenant"]; !ok {
			f["tenant"] = r.tenant
		}
		return nil, "fault", r.admin.do(ctx, http.MethodPost, "/_mocksrv/faults", expand(f, r.vars), nil)
	case st.ClearFaults:
		return nil, "clear faults", r.admin.do(ctx, http.MethodDelete, "/_mocksrv/faults?tenant="+url.QueryEscape(r.tenant), nil, nil)
	case st.Flush:
		return nil, "flush", r.flush(ctx)
	case st.ExpectWebhooks != nil:
		return r.expectWebhooks(ctx, *st.ExpectWebhooks)
	case st.ExpectJournal != nil:
		return r.expectJournal(ctx, *st.ExpectJournal)
	case st.ExpectDeliveries != nil:
		return r.expectDeliveries(ctx, *st.ExpectDeliveries)
	case st.ExpectState != nil:
		var state any
		if err := r.admin.do(ctx, http.MethodGet, r.admin.tenantPath(r.tenant, st.ExpectState.Provider, "state"), nil, &state); err != nil {
			return nil, "", err
		}
		return matchAll("state", st.ExpectState.JSON, state, r.vars), st.ExpectState.Provider + " state", nil
	}
	return nil, "", errors.New("empty step")
}

// flushWait bounds how long flush waits for deliveries another goroutine
// of the server is making.
const flushWait = 10 * time.Second

// flush settles due transitions and delivers due webhooks. A running
// mocksrv also delivers from a background loop, and the server's flush
// skips the deliveries that loop is making; so flush returns only when
// none of the tenant's deliveries is due any more, each having been
// attempted (delivered, or rescheduled after a failure).
func (r *runner) flush(ctx context.Context) error {
	deadline := core.WallNow().Add(flushWait)
	for {
		if err := r.admin.do(ctx, http.MethodPost, "/_mocksrv/flush?tenant="+url.QueryEscape(r.tenant), nil, nil); err != nil {
			return err
		}
		due, err := r.dueDeliveries(ctx)
		if err != nil || due == 0 {
			return err
		}
		if core.WallNow().After(deadline) {
			return fmt.Errorf("flush: %d webhook deliveries still due after %s", due, flushWait)
		}
		core.Sleep(ctx, 5*time.Millisecond)
	}
}

// dueDeliveries counts the tenant's pending deliveries whose next attempt
// is not in the future: ones being attempted right now.
func (r *runner) dueDeliveries(ctx context.Context) (int, error) {
	var clock core.ClockState
	if err := r.admin.do(ctx, http.MethodGet, r.admin.tenantPath(r.tenant, "clock"), nil, &clock); err != nil {
		return 0, err
	}
	var out struct {
		Deliveries []core.Delivery `json:"deliveries"`
	}
	q := url.Values{"tenant": {r.tenant}, "state": {core.DeliveryPending}}
	if err := r.admin.do(ctx, http.MethodGet, "/_mocksrv/webhooks?"+q.Encode(), nil, &out); err != nil {
		return 0, err
	}
	due := 0
	for _, d := range out.Deliveries {
		if !d.NextAt.After(clock.Now) {
			due++
		}
	}
	return due, nil
}

// send makes a provider call and returns the status, headers and body.
func (r *runner) send(ctx context.Context, provider string, c *Call, offset time.Duration, timeout *time.Duration) (int, http.Header, []byte, error) {
	ad, err := r.caller(provider)
	if err != nil {
		return 0, nil, nil, err
	}
	var req *http.Request
	if c.Replay && r.last != nil {
		req, err = http.NewRequestWithContext(ctx, r.last.method, r.last.url, bytes.NewReader(r.last.body))
		if err != nil {
			return 0, nil, nil, err
		}
		req.Header = r.last.header.Clone()
	} else {
		body := []byte(nil)
		if len(c.Body) > 0 {
			var v any
			_ = json.Unmarshal(c.Body, &v)
			v = expand(v, r.vars)
			if s, isString := v.(string); isString {
				body = []byte(s)
			} else {
				body, _ = json.Marshal(v)
			}
		}
		u := r.base + expandString(c.Path, r.vars)
		if len(c.Query) > 0 {
			q := url.Values{}
			keys := make([]string, 0, len(c.Query))
			for k := range c.Query {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				q.Set(k, fmt.Sprint(expand(c.Query[k], r.vars)))
			}
			u += "?" + q.Encode()
		}
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		req, err = http.NewRequestWithContext(ctx, c.Method, u, rd)
		if err != nil {
			return 0, nil, nil, err
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if c.Auth == nil || *c.Auth {
			if err := ad.Authorize(ctx, req, body, core.WallNow().Add(offset)); err != nil {
				return 0, nil, nil, err
			}
		}
		for k, v := range c.Headers {
			req.Header.Set(k, expandString(v, r.vars))
		}
		r.last = &lastCall{method: req.Method, url: req.URL.String(), header: req.Header.Clone(), body: body}
	}
	hc := r.opts.HTTP
	if timeout != nil {
		cp := *hc
		cp.Timeout = *timeout
		hc = &cp
	}
	res, err := hc.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return 0, nil, nil, err
	}
	ad.Observe(req.URL.Path, b)
	return res.StatusCode, res.Header, b, nil
}

// call runs a call step and checks its expectations.
func (r *runner) call(ctx context.Context, st Step) ([]string, string, error) {
	c := st.Call
	provider, err := providerOf(c)
	if err != nil {
		return nil, "", err
	}
	var offset time.Duration
	if c.TimestampOffset != "" {
		d, err := time.ParseDuration(c.TimestampOffset)
		if err != nil {
			return nil, "", err
		}
		offset = d
	}
	var timeout *time.Duration
	if c.Timeout != "" {
		d, err := parseDuration(c.Timeout)
		if err != nil {
			return nil, "", err
		}
		timeout = &d
	}
	exp := st.Expect
	if exp == nil {
		exp = &Expect{}
	}
	status, header, body, err := r.send(ctx, provider, c, offset, timeout)
	if err == nil && !c.Replay && (c.Auth == nil || *c.Auth) {
		// Like a real client: a token the server no longer accepts is
		// replaced and the call retried once — unless the step is about
		// that very error.
		ad, _ := r.caller(provider)
		if code, stale := ad.Expired(status, body); stale && strings.Trim(string(exp.Code), `"`) != code {
			status, header, body, err = r.send(ctx, provider, c, offset, timeout)
		}
	}
	detail := fmt.Sprintf("%s %s → %d", c.Method, expandString(c.Path, r.vars), status)
	if err != nil {
		if exp.Error != "" && (exp.Error == "any" || strings.Contains(err.Error(), exp.Error)) {
			return nil, detail + " (failed as expected: " + err.Error() + ")", nil
		}
		return []string{"call: " + err.Error()}, detail, nil
	}
	if exp.Error != "" {
		return []string{fmt.Sprintf("expect.error: expected the call to fail (%s), got HTTP %d", exp.Error, status)}, detail, nil
	}
	var fails []string
	if exp.Status != 0 && exp.Status != status {
		fails = append(fails, fmt.Sprintf("expect.status: expected %d, got %d (body: %s)", exp.Status, status, clip(body)))
	}
	doc, _ := contracts.Document(provider)
	inst, jsonErr := contracts.Decode(body)
	if len(exp.Code) > 0 {
		var want any
		_ = json.Unmarshal(exp.Code, &want)
		got := ""
		if doc != nil && jsonErr == nil {
			if v, found := lookup(inst, codePointer(doc)); found {
				got = fmt.Sprint(v)
			}
		}
		if fmt.Sprint(want) != got {
			fails = append(fails, fmt.Sprintf("expect.code: expected %v, got %s (body: %s)", want, orNothing(got), clip(body)))
		}
	}
	if len(exp.JSON) > 0 {
		if jsonErr != nil {
			fails = append(fails, "expect.json: the answer is not JSON: "+clip(body))
		} else {
			fails = append(fails, matchAll("expect.json", exp.JSON, inst, r.vars)...)
		}
	}
	for k, m := range exp.Headers {
		if f := match("expect.headers."+k, m, header.Get(k), header.Get(k) != "", r.vars); f != "" {
			fails = append(fails, f)
		}
	}
	if (exp.Contract == nil || *exp.Contract) && doc != nil && status < 500 && jsonErr == nil {
		if op, _, ok := doc.Find(c.Method, expandString(c.Path, r.vars)); ok {
			if id := op.Response(status); id != "" {
				vs, _ := contracts.Violations(id, body, contracts.Strict)
				for _, v := range vs {
					fails = append(fails, "contract "+id+": "+v.String())
				}
			}
		}
	}
	for name, ptr := range st.Save {
		if jsonErr == nil {
			r.vars[name] = pointer(inst, ptr)
		}
	}
	return fails, detail, nil
}

// codePointer is where a provider's answers carry their code: the
// envelope's code field, or for UQPay (no envelope; errors are {type,
// code, message}) /code, absent from a successful answer.
func codePointer(doc *contracts.Doc) string {
	if doc.Envelope.Code != "" {
		return doc.Envelope.Code
	}
	return "/code"
}

func orNothing(s string) string {
	if s == "" || s == "<nil>" {
		return "nothing"
	}
	return s
}

func clip(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

func (r *runner) expectWebhooks(ctx context.Context, e ExpectWebhooks) ([]string, string, error) {
	if r.recv == nil || r.sc.Webhooks[e.Provider] == (ReceiverSpec{}) && !r.hasReceiver(e.Provider) {
		return nil, "", fmt.Errorf("expect_webhooks: add %s under webhooks: so the runner receives its deliveries", e.Provider)
	}
	if err := r.flush(ctx); err != nil {
		return nil, "", err
	}
	got := r.recv.deliveries(e.Provider)
	var fails []string
	var events []string
	seen := map[string]bool{}
	for _, d := range got {
		if d.accepted && !seen[d.id] {
			seen[d.id] = true
			events = append(events, d.event)
		}
	}
	if e.Events != nil && !equalStrings(e.Events, events) {
		fails = append(fails, fmt.Sprintf("expect_webhooks.events: expected %v, got %v", e.Events, events))
	}
	if e.Count != nil && *e.Count != len(got) {
		fails = append(fails, fmt.Sprintf("expect_webhooks.count: expected %d deliveries, got %d", *e.Count, len(got)))
	}
	doc, _ := contracts.Document(e.Provider)
	for i, d := range got {
		if e.Signature == "valid" {
			if err := verifyWebhook(e.Provider, d, r.creds[e.Provider]); err != nil {
				fails = append(fails, fmt.Sprintf("expect_webhooks.signature: delivery %d (%s): %v", i+1, d.event, err))
			}
		}
		if (e.Contract == nil || *e.Contract) && doc != nil {
			if id := doc.Webhooks[d.event]; id != "" {
				vs, _ := contracts.Violations(id, d.body, contracts.Strict)
				for _, v := range vs {
					fails = append(fails, fmt.Sprintf("contract %s (delivery %d): %s", id, i+1, v))
				}
			}
		}
	}
	if len(e.JSON) > 0 {
		var last *delivery
		want := ""
		if len(e.Events) > 0 {
			want = e.Events[len(e.Events)-1]
		}
		for i := range got {
			if want == "" || got[i].event == want {
				last = &got[i]
			}
		}
		if last == nil {
			fails = append(fails, "expect_webhooks.json: no delivery to match")
		} else {
			inst, _ := contracts.Decode(last.body)
			fails = append(fails, matchAll("expect_webhooks.json", e.JSON, inst, r.vars)...)
		}
	}
	return fails, fmt.Sprintf("%s webhooks: %v", e.Provider, events), nil
}

func (r *runner) hasReceiver(p string) bool {
	_, ok := r.sc.Webhooks[p]
	return ok
}

func (r *runner) expectJournal(ctx context.Context, e ExpectJournal) ([]string, string, error) {
	q := url.Values{"tenant": {r.tenant}}
	for k, v := range map[string]string{"provider": e.Provider, "route": e.Route, "type": e.Type} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if e.Status != 0 {
		q.Set("status", fmt.Sprint(e.Status))
	}
	var j struct {
		Count int `json:"count"`
	}
	if err := r.admin.do(ctx, http.MethodGet, "/_mocksrv/journal?"+q.Encode(), nil, &j); err != nil {
		return nil, "", err
	}
	var fails []string
	if e.Count != nil && *e.Count != j.Count {
		fails = append(fails, fmt.Sprintf("expect_journal: expected %d entries matching %s, got %d", *e.Count, q.Encode(), j.Count))
	}
	if e.Min != nil && j.Count < *e.Min {
		fails = append(fails, fmt.Sprintf("expect_journal: expected at least %d entries matching %s, got %d", *e.Min, q.Encode(), j.Count))
	}
	return fails, fmt.Sprintf("journal %s: %d", q.Encode(), j.Count), nil
}

func (r *runner) expectDeliveries(ctx context.Context, e ExpectDeliveries) ([]string, string, error) {
	if err := r.flush(ctx); err != nil {
		return nil, "", err
	}
	q := url.Values{"tenant": {r.tenant}, "provider": {e.Provider}}
	if e.Event != "" {
		q.Set("event", e.Event)
	}
	var out struct {
		Deliveries []core.Delivery `json:"deliveries"`
	}
	if err := r.admin.do(ctx, http.MethodGet, "/_mocksrv/webhooks?"+q.Encode(), nil, &out); err != nil {
		return nil, "", err
	}
	if len(out.Deliveries) == 0 {
		return []string{"expect_deliveries: no delivery matches " + q.Encode()}, "", nil
	}
	d := out.Deliveries[len(out.Deliveries)-1]
	var fails []string
	if e.State != "" && d.State != e.State {
		fails = append(fails, fmt.Sprintf("expect_deliveries.state: expected %s, got %s", e.State, d.State))
	}
	if e.Attempts != nil && len(d.Attempts) != *e.Attempts {
		fails = append(fails, fmt.Sprintf("expect_deliveries.attempts: expected %d, got %d", *e.Attempts, len(d.Attempts)))
	}
	return fails, fmt.Sprintf("%s %s: %s after %d attempt(s)", d.Provider, d.Event, d.State, len(d.Attempts)), nil
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// receiver is the runner's webhook endpoint.
type receiver struct {
	srv  *httptest.Server
	spec map[string]ReceiverSpec

	mu  sync.Mutex // guards got
	got map[string][]delivery
}

type delivery struct {
	id       string
	event    string
	header   http.Header
	body     []byte
	accepted bool
}

func newReceiver(spec map[string]ReceiverSpec) *receiver {
	rv := &receiver{spec: spec, got: map[string][]delivery{}}
	rv.srv = httptest.NewServer(http.HandlerFunc(rv.serve))
	return rv
}

func (rv *receiver) serve(w http.ResponseWriter, r *http.Request) {
	provider := strings.Trim(r.URL.Path, "/")
	body, _ := io.ReadAll(r.Body)
	rv.mu.Lock()
	defer rv.mu.Unlock()
	spec := rv.spec[provider]
	d := delivery{event: eventOf(provider, body), header: r.Header.Clone(), body: body, id: string(body)}
	if len(rv.got[provider]) < spec.FailFirst {
		rv.got[provider] = append(rv.got[provider], d)
		http.Error(w, "receiver is failing on purpose (fail_first)", http.StatusInternalServerError)
		return
	}
	d.accepted = true
	rv.got[provider] = append(rv.got[provider], d)
	reply := spec.Reply
	if reply == "" {
		if spec, ok := sims.SpecOf(provider, ""); ok {
			reply = spec.WebhookReply
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, reply)
}

func (rv *receiver) deliveries(provider string) []delivery {
	rv.mu.Lock()
	defer rv.mu.Unlock()
	return append([]delivery(nil), rv.got[provider]...)
}

// eventOf reads a delivery's event type where each provider puts it.
func eventOf(provider string, body []byte) string {
	var m map[string]any
	_ = json.Unmarshal(body, &m)
	for _, k := range []string{"action", "event_type", "type", "event"} {
		if s, ok := m[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// verifyWebhook checks a delivery's signature as the provider's receivers
// do.
func verifyWebhook(provider string, d delivery, creds map[string]string) error {
	spec, ok := sims.SpecOf(provider, "")
	if !ok {
		return fmt.Errorf("unknown provider %q", provider)
	}
	return spec.VerifyWebhook(creds, d.header, d.body)
}
