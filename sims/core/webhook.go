package core

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"
)

// DefaultBackoff is the retry schedule of a webhook delivery on the
// tenant's business clock: the first attempt is immediate, each later one
// waits the next step after the previous failure.
var DefaultBackoff = []time.Duration{0, 10 * time.Second, time.Minute, 5 * time.Minute,
	30 * time.Minute, 2 * time.Hour, 8 * time.Hour, 24 * time.Hour}

// Delivery states.
const (
	DeliveryPending    = "pending"     // waiting for its next attempt
	DeliveryDelivered  = "delivered"   // the receiver accepted it
	DeliveryFailed     = "failed"      // every attempt of the schedule failed
	DeliveryNoEndpoint = "no_endpoint" // no URL is configured; set one and it is retried
)

// Endpoint is what a provider supplies to the outbox: how to sign a body
// for one tenant, and whether a receiver's answer counts as accepted (most
// want a 2xx; KeySecure also wants {"code":0} in the body).
type Endpoint struct {
	Sign   func(tenant string, body []byte, wall time.Time) (http.Header, error)
	Accept func(status int, body []byte) bool
}

// Attempt is one try at delivering a webhook.
type Attempt struct {
	N          int               `json:"n"`
	At         time.Time         `json:"at"`   // business time
	Wall       time.Time         `json:"wall"` // real time
	URL        string            `json:"url"`
	Headers    map[string]string `json:"headers,omitempty"`
	Status     int               `json:"status,omitempty"`
	Response   string            `json:"response,omitempty"`
	Error      string            `json:"error,omitempty"`
	Fault      string            `json:"fault,omitempty"`
	DurationMS float64           `json:"duration_ms"`
}

// Delivery is one webhook event on its way to a receiver.
type Delivery struct {
	ID       string    `json:"id"`
	Tenant   string    `json:"tenant"`
	Provider string    `json:"provider"`
	Event    string    `json:"event"`
	Body     string    `json:"body"` // the exact bytes sent and signed
	State    string    `json:"state"`
	Created  time.Time `json:"created"` // business time
	NextAt   time.Time `json:"next_at"` // business time of the next attempt, while pending
	Attempts []Attempt `json:"attempts"`

	// RoundStart is the index in Attempts where the current retry schedule
	// began; Redeliver starts a new round.
	RoundStart int `json:"round_start,omitempty"`
	Seq        int `json:"seq"` // creation order

	inflight bool
}

// Outbox delivers provider events to the configured receivers at least
// once, retrying with backoff on each tenant's business clock and
// journaling every attempt. It is safe for concurrent use.
type Outbox struct {
	env     *Env
	Client  *http.Client
	Backoff []time.Duration
	Keep    int // deliveries kept per tenant; older finished ones go first

	mu         sync.Mutex // guards the fields below
	endpoints  map[string]Endpoint
	urls       map[string]string // provider → URL for every tenant
	tenantURLs map[string]string // tenant + "/" + provider → URL
	byID       map[string]*Delivery
	pending    map[string]*Delivery   // state pending: what a flush looks at
	tenants    map[string][]*Delivery // per tenant, in creation order, for retention
	seq        int
	kick       chan struct{}
	settled    chan struct{} // closed and replaced whenever an attempt finishes
}

// NewOutbox returns an outbox journaling into env.
func NewOutbox(env *Env) *Outbox {
	return &Outbox{
		env:        env,
		Client:     &http.Client{Timeout: 10 * time.Second},
		Backoff:    DefaultBackoff,
		Keep:       1000,
		endpoints:  map[string]Endpoint{},
		urls:       map[string]string{},
		tenantURLs: map[string]string{},
		byID:       map[string]*Delivery{},
		pending:    map[string]*Delivery{},
		tenants:    map[string][]*Delivery{},
		kick:       make(chan struct{}, 1),
		settled:    make(chan struct{}),
	}
}

// Register installs a provider's signer and acceptance rule.
func (o *Outbox) Register(provider string, ep Endpoint) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.endpoints[provider] = ep
}

// SetURL sets where a provider's webhooks go: for one tenant, or for every
// tenant without a URL of its own when tenant is "". Deliveries waiting for
// an endpoint are retried at once.
func (o *Outbox) SetURL(tenant, provider, url string) {
	o.mu.Lock()
	if tenant == "" {
		o.urls[provider] = url
	} else {
		o.tenantURLs[tenant+"/"+provider] = url
	}
	for tid, list := range o.tenants {
		if tenant != "" && tid != tenant {
			continue
		}
		for _, d := range list {
			if d.State == DeliveryNoEndpoint && d.Provider == provider {
				d.State, d.NextAt = DeliveryPending, o.env.ClockOf(d.Tenant).Now()
				o.pending[d.ID] = d
			}
		}
	}
	o.mu.Unlock()
	o.Kick()
}

// URL returns where a provider's webhooks for a tenant go, or "".
func (o *Outbox) URL(tenant, provider string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.urlLocked(tenant, provider)
}

func (o *Outbox) urlLocked(tenant, provider string) string {
	if u, ok := o.tenantURLs[tenant+"/"+provider]; ok {
		return u
	}
	return o.urls[provider]
}

// Enqueue queues an event for delivery now (in business time) and returns
// its delivery ID.
func (o *Outbox) Enqueue(tenant, provider, event string, body []byte) string {
	now := o.env.ClockOf(tenant).Now()
	o.mu.Lock()
	o.seq++
	d := &Delivery{
		ID: "wh_" + strconv.Itoa(o.seq), Seq: o.seq, Tenant: tenant, Provider: provider, Event: event,
		Body: string(body), State: DeliveryPending, Created: now, NextAt: now,
	}
	o.addLocked(d)
	o.mu.Unlock()
	o.Kick()
	return d.ID
}

func (o *Outbox) addLocked(d *Delivery) {
	o.byID[d.ID] = d
	if d.State == DeliveryPending {
		o.pending[d.ID] = d
	}
	o.tenants[d.Tenant] = append(o.tenants[d.Tenant], d)
	if n := len(o.tenants[d.Tenant]); n > o.Keep+o.Keep/2 {
		o.trimLocked(d.Tenant)
	}
}

// trimLocked cuts a tenant's deliveries back to Keep: the oldest finished
// ones first, then — when a tenant piles up more than Keep that are never
// delivered (no receiver, nobody flushing) — the oldest of those, so the
// outbox never grows without bound. It runs once per Keep/2 additions.
func (o *Outbox) trimLocked(tenant string) {
	list := o.tenants[tenant]
	excess := len(list) - o.Keep
	for pass := 0; pass < 2 && excess > 0; pass++ {
		kept := list[:0]
		for _, d := range list {
			finished := d.State != DeliveryPending
			if excess > 0 && !d.inflight && (finished || pass == 1) {
				excess--
				delete(o.byID, d.ID)
				delete(o.pending, d.ID)
				continue
			}
			kept = append(kept, d)
		}
		clear(list[len(kept):])
		list = kept
	}
	o.tenants[tenant] = list
}

// Kick wakes the delivery loop.
func (o *Outbox) Kick() {
	select {
	case o.kick <- struct{}{}:
	default:
	}
}

// Run delivers due webhooks until ctx ends: at once when kicked, and on a
// short wall-time tick so retries fire when a running business clock
// reaches them.
func (o *Outbox) Run(ctx context.Context, tick time.Duration) {
	t := Ticker(tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-o.kick:
		}
		o.Flush(ctx)
	}
}

// Flush attempts every delivery that is due now and returns how many
// attempts it made. Each tenant's deliveries for one provider go out one
// at a time in the order the events happened (receivers see them in
// order); different tenants and providers are delivered in parallel.
// A receiver sees one tenant's deliveries of one provider in order even
// when several flushes run at once (the background loop and a test's or
// the admin API's flush): while one of them is in flight, the later ones
// wait for it. Flush returns once every delivery that was due has its
// attempt recorded, including those another flush was sending. Tests call
// it to deliver deterministically.
func (o *Outbox) Flush(ctx context.Context) int {
	n := 0
	for round := 0; round < maxFlushRounds; round++ {
		due, busy := o.claimDue()
		if len(due) == 0 && len(busy) == 0 {
			break
		}
		n += o.sendQueues(ctx, due)
		o.awaitSettled(ctx, busy)
		if ctx.Err() != nil {
			break
		}
	}
	return n
}

// maxFlushRounds bounds Flush's claim-send-wait rounds, so receivers that
// keep failing with a zero backoff cannot hold it forever.
const maxFlushRounds = 16

// sendQueues attempts the claimed deliveries: one queue per tenant and
// provider, each in event order, the queues in parallel.
func (o *Outbox) sendQueues(ctx context.Context, due []claim) int {
	queues := map[string][]claim{}
	var order []string
	for _, c := range due {
		k := c.d.Tenant + "/" + c.d.Provider
		if _, ok := queues[k]; !ok {
			order = append(order, k)
		}
		queues[k] = append(queues[k], c)
	}
	var wg sync.WaitGroup
	for _, k := range order {
		wg.Add(1)
		go func(q []claim) {
			defer wg.Done()
			for _, c := range q {
				o.attempt(ctx, c)
			}
		}(queues[k])
	}
	wg.Wait()
	return len(due)
}

type claim struct {
	d   *Delivery // read only its immutable fields outside o.mu
	url string
	ep  Endpoint
	n   int
}

// claimDue marks the deliveries due now as in flight and returns them,
// with those that another flush has in flight already. A tenant's
// deliveries of a provider that has one in flight are left for a later
// round, so they cannot overtake it.
func (o *Outbox) claimDue() (due []claim, busy []*Delivery) {
	o.mu.Lock()
	defer o.mu.Unlock()
	sending := map[string]bool{} // tenant/provider with a delivery in flight
	for _, d := range o.pending {
		if d.inflight {
			busy = append(busy, d)
			sending[d.Tenant+"/"+d.Provider] = true
		}
	}
	for id, d := range o.pending {
		if d.inflight || sending[d.Tenant+"/"+d.Provider] {
			continue
		}
		t, ok := o.env.Tenants.Get(d.Tenant)
		if !ok {
			d.State = DeliveryFailed
			delete(o.pending, id)
			continue
		}
		if t.Clock.Now().Before(d.NextAt) {
			continue
		}
		url := o.urlLocked(d.Tenant, d.Provider)
		if url == "" {
			d.State = DeliveryNoEndpoint
			delete(o.pending, id)
			continue
		}
		d.inflight = true
		due = append(due, claim{d: d, url: url, ep: o.endpoints[d.Provider], n: len(d.Attempts) + 1})
	}
	sort.Slice(due, func(i, j int) bool { return due[i].d.Seq < due[j].d.Seq })
	return due, busy
}

// awaitSettled waits until none of busy is in flight, or ctx ends.
func (o *Outbox) awaitSettled(ctx context.Context, busy []*Delivery) {
	for {
		o.mu.Lock()
		waiting := false
		for _, d := range busy {
			waiting = waiting || d.inflight
		}
		ch := o.settled
		o.mu.Unlock()
		if !waiting {
			return
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return
		}
	}
}

func (o *Outbox) attempt(ctx context.Context, c claim) {
	d := c.d
	clock := o.env.ClockOf(d.Tenant)
	start := WallNow()
	a := Attempt{N: c.n, At: clock.Now(), Wall: start.UTC(), URL: c.url}
	copies := 1
	if f := o.env.Faults.Match(d.Tenant, d.Provider, d.Event, http.MethodPost, true); f != nil {
		a.Fault = f.Describe()
		Sleep(ctx, f.Delay.D())
		switch {
		case f.Drop:
			a.Error = "dropped by fault rule"
		case f.Status != 0:
			a.Status, a.Error = f.Status, "receiver answer replaced by fault rule"
		case f.Duplicate:
			copies = 2
		}
	}
	accepted := false
	if a.Error == "" {
		for i := 0; i < copies; i++ {
			accepted = o.send(ctx, c, &a) || accepted
		}
	}
	a.DurationMS = float64(WallNow().Sub(start).Microseconds()) / 1000
	o.finish(d, a, accepted)
}

// send makes one HTTP POST and fills a with what happened.
func (o *Outbox) send(ctx context.Context, c claim, a *Attempt) bool {
	body := []byte(c.d.Body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		a.Error = err.Error()
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "mocksrv-webhooks/1")
	if c.ep.Sign != nil {
		h, err := c.ep.Sign(c.d.Tenant, body, WallNow())
		if err != nil {
			a.Error = "signing: " + err.Error()
			return false
		}
		for k, v := range h {
			req.Header[k] = v
		}
	}
	a.Headers = headerMap(req.Header)
	resp, err := o.Client.Do(req)
	if err != nil {
		a.Error = err.Error()
		return false
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	a.Status, a.Response = resp.StatusCode, string(rb)
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300
	if ok && c.ep.Accept != nil {
		ok = c.ep.Accept(resp.StatusCode, rb)
	}
	if !ok && a.Error == "" {
		a.Error = "receiver did not accept the delivery"
	}
	return ok
}

func (o *Outbox) finish(d *Delivery, a Attempt, accepted bool) {
	o.mu.Lock()
	d.inflight = false
	close(o.settled)
	o.settled = make(chan struct{})
	d.Attempts = append(d.Attempts, a)
	switch {
	case accepted:
		d.State, d.NextAt = DeliveryDelivered, time.Time{}
		delete(o.pending, d.ID)
	case len(d.Attempts)-d.RoundStart >= len(o.Backoff):
		d.State, d.NextAt = DeliveryFailed, time.Time{}
		delete(o.pending, d.ID)
	default:
		d.NextAt = a.At.Add(o.Backoff[len(d.Attempts)-d.RoundStart])
	}
	o.mu.Unlock()

	if accepted {
		a.Error = ""
	}
	o.env.Journal.Add(Entry{
		Type: "webhook", Tenant: d.Tenant, Provider: d.Provider, Route: d.Event,
		Method: http.MethodPost, Path: a.URL, Status: a.Status, At: a.At, Wall: a.Wall,
		DurationMS: a.DurationMS, Headers: a.Headers, Request: d.Body, Response: a.Response,
		Fault: a.Fault, Error: a.Error,
	})
}

// Deliveries returns copies of the deliveries every filter accepts, oldest
// first.
func (o *Outbox) Deliveries(filters ...func(Delivery) bool) []Delivery {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []Delivery
next:
	for _, d := range o.byID {
		c := *d
		c.Attempts = append([]Attempt(nil), d.Attempts...)
		for _, f := range filters {
			if !f(c) {
				continue next
			}
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

// Delivery returns a copy of one delivery.
func (o *Outbox) Delivery(id string) (Delivery, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	d, ok := o.byID[id]
	if !ok {
		return Delivery{}, false
	}
	c := *d
	c.Attempts = append([]Attempt(nil), d.Attempts...)
	return c, true
}

// ErrNoDelivery is returned for an unknown delivery ID.
var ErrNoDelivery = errors.New("no such webhook delivery")

// Redeliver makes a delivery due again now, whatever its state, with a
// fresh retry schedule.
func (o *Outbox) Redeliver(id string) error {
	o.mu.Lock()
	d, ok := o.byID[id]
	if !ok {
		o.mu.Unlock()
		return fmt.Errorf("%w: %q", ErrNoDelivery, id)
	}
	d.State, d.NextAt = DeliveryPending, o.env.ClockOf(d.Tenant).Now()
	d.RoundStart = len(d.Attempts)
	o.pending[d.ID] = d
	o.mu.Unlock()
	o.Kick()
	return nil
}

// DropTenant forgets a tenant's deliveries and URLs.
func (o *Outbox) DropTenant(tenant string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, d := range o.tenants[tenant] {
		delete(o.byID, d.ID)
		delete(o.pending, d.ID)
	}
	delete(o.tenants, tenant)
	for k := range o.tenantURLs {
		if len(k) > len(tenant) && k[:len(tenant)+1] == tenant+"/" {
			delete(o.tenantURLs, k)
		}
	}
}

// DropWhere forgets every delivery drop accepts (a provider's Reset).
func (o *Outbox) DropWhere(drop func(Delivery) bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for tid, list := range o.tenants {
		kept := list[:0]
		for _, d := range list {
			if !d.inflight && drop(*d) {
				delete(o.byID, d.ID)
				delete(o.pending, d.ID)
				continue
			}
			kept = append(kept, d)
		}
		clear(list[len(kept):])
		o.tenants[tid] = kept
	}
}

// OutboxState is the outbox's saved form.
type OutboxState struct {
	Seq        int               `json:"seq"`
	URLs       map[string]string `json:"urls,omitempty"`
	TenantURLs map[string]string `json:"tenant_urls,omitempty"`
	Deliveries []Delivery        `json:"deliveries,omitempty"`
}

// State returns the outbox's saved form.
func (o *Outbox) State() OutboxState {
	ds := o.Deliveries()
	o.mu.Lock()
	defer o.mu.Unlock()
	s := OutboxState{Seq: o.seq, URLs: map[string]string{}, TenantURLs: map[string]string{}, Deliveries: ds}
	for k, v := range o.urls {
		s.URLs[k] = v
	}
	for k, v := range o.tenantURLs {
		s.TenantURLs[k] = v
	}
	return s
}

// Restore replaces the outbox's deliveries and tenant URLs with a saved
// form. Provider-wide URLs from the saved form fill in only where the
// command line gave none.
func (o *Outbox) Restore(s OutboxState) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.seq = max(o.seq, s.Seq)
	for k, v := range s.URLs {
		if _, ok := o.urls[k]; !ok {
			o.urls[k] = v
		}
	}
	for k, v := range s.TenantURLs {
		o.tenantURLs[k] = v
	}
	o.byID, o.pending, o.tenants = map[string]*Delivery{}, map[string]*Delivery{}, map[string][]*Delivery{}
	for i := range s.Deliveries {
		d := s.Deliveries[i]
		o.addLocked(&d)
	}
}
