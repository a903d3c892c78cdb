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

	cut bool // Response was cut to the Env's JournalBody
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
// journaling every attempt. Deliveries queue per tenant × provider: one
// attempt in flight per queue (receivers see a tenant's events in order),
// queues independent of each other (a receiver that never answers delays
// only its own queue, for at most the Env's WebhookTimeout per attempt),
// and at most the Env's WebhookConcurrency attempts in flight in all. It
// is safe for concurrent use.
type Outbox struct {
	env *Env
	// Client sends the attempts. Each is bounded by the Env's
	// WebhookTimeout, and by Client's own Timeout too if one is set.
	Client  *http.Client
	Backoff []time.Duration // the retry schedule (DefaultBackoff)
	Keep    int             // deliveries kept per tenant; older finished ones go first

	mu         sync.Mutex // guards the fields below
	endpoints  map[string]Endpoint
	urls       map[string]string // provider → URL for every tenant
	tenantURLs map[string]string // tenant + "/" + provider → URL
	byID       map[string]*Delivery
	pending    map[string]*Delivery   // state pending: what a flush looks at
	tenants    map[string][]*Delivery // per tenant, in creation order, for retention
	seq        int
	sending    map[queue]bool // queues with an attempt in flight
	inflight   int            // attempts in flight
	kick       chan struct{}
	settled    chan struct{} // closed and replaced whenever an attempt finishes
}

// NewOutbox returns an outbox journaling into env.
func NewOutbox(env *Env) *Outbox {
	return &Outbox{
		env:        env,
		Client:     &http.Client{}, // each attempt is bounded by the Env's WebhookTimeout
		Backoff:    DefaultBackoff,
		Keep:       1000,
		endpoints:  map[string]Endpoint{},
		urls:       map[string]string{},
		tenantURLs: map[string]string{},
		byID:       map[string]*Delivery{},
		pending:    map[string]*Delivery{},
		tenants:    map[string][]*Delivery{},
		sending:    map[queue]bool{},
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
	return o.EnqueueAt(tenant, provider, event, o.env.ClockOf(tenant).Now(), body)
}

// EnqueueAt queues an event that happened at business time now — a
// provider world's Now, which inside RunDue is the due time of the task
// that made the event, so a clock jump queues its webhooks stamped and
// ordered by when they were due — and returns its delivery ID.
func (o *Outbox) EnqueueAt(tenant, provider, event string, now time.Time, body []byte) string {
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

// Run starts due deliveries until ctx ends: at once when kicked (an event
// enqueued, an attempt finished, a clock moved), and on a short wall-time
// tick so retries fire when a running business clock reaches them. It
// never waits for a receiver: each attempt runs on a goroutine of its own,
// so a receiver that accepts and never answers holds up nothing but its
// own tenant's queue for that provider, for at most the Env's
// WebhookTimeout.
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
		o.mu.Lock()
		o.startDueLocked("")
		o.mu.Unlock()
	}
}

// Flush starts every delivery that is due now and returns once each has
// its attempt recorded, including those the background loop (Run) or
// another Flush had in flight already; then it does the same for
// deliveries that came due meanwhile (a retry with no backoff), for at
// most maxFlushRounds rounds. It returns how many attempts it started
// itself. Each tenant's deliveries of one provider go one at a time in
// the order the events happened (receivers see them in order); different
// tenants and providers go in parallel, at most the Env's
// WebhookConcurrency at once. Tests call it to deliver deterministically.
func (o *Outbox) Flush(ctx context.Context) int { return o.flush(ctx, "") }

// FlushTenant is Flush for one tenant's deliveries: it neither starts nor
// waits for another tenant's, so a neighbour's unresponsive receiver never
// holds it up. The admin API's flush of one tenant uses it.
func (o *Outbox) FlushTenant(ctx context.Context, tenant string) int {
	if tenant == "" {
		return 0
	}
	return o.flush(ctx, tenant)
}

// maxFlushRounds bounds Flush's rounds, so receivers that keep failing
// with a zero backoff cannot hold it long.
const maxFlushRounds = 16

func (o *Outbox) flush(ctx context.Context, tenant string) int {
	n := 0
	for round := 0; round < maxFlushRounds; round++ {
		o.mu.Lock()
		watch := map[*Delivery]int{} // delivery → attempts it had when watched
		for _, d := range o.pending {
			if (tenant == "" || d.Tenant == tenant) && (d.inflight || o.timeDueLocked(d)) {
				watch[d] = len(d.Attempts)
			}
		}
		o.mu.Unlock()
		if len(watch) == 0 {
			break
		}
		n += o.await(ctx, tenant, watch)
		if ctx.Err() != nil {
			break
		}
	}
	return n
}

// await starts what may start (again each time an attempt finishes) until
// every delivery in watch, and every one it started, has a new attempt
// recorded or is no longer due. It returns how many attempts it started.
func (o *Outbox) await(ctx context.Context, tenant string, watch map[*Delivery]int) int {
	n := 0
	for {
		o.mu.Lock()
		for _, d := range o.startDueLocked(tenant) {
			n++
			if _, ok := watch[d]; !ok {
				watch[d] = len(d.Attempts)
			}
		}
		waiting := false
		for d, before := range watch {
			if d.inflight || (len(d.Attempts) == before && o.byID[d.ID] == d && d.State == DeliveryPending && o.dueLocked(d)) {
				waiting = true
				break
			}
		}
		settled := o.settled
		o.mu.Unlock()
		if !waiting {
			return n
		}
		select {
		case <-settled:
		case <-ctx.Done():
			return n
		}
	}
}

// queue names a tenant's deliveries of one provider: they go one at a
// time, in event order.
type queue struct{ tenant, provider string }

func queueOf(d *Delivery) queue { return queue{d.Tenant, d.Provider} }

// dueLocked reports whether a pending delivery may be attempted now: its
// tenant exists, its time has come on the tenant's clock, and it has a
// receiver.
func (o *Outbox) dueLocked(d *Delivery) bool {
	t, ok := o.env.Tenants.Get(d.Tenant)
	return ok && !t.Clock.Now().Before(d.NextAt) && o.urlLocked(d.Tenant, d.Provider) != ""
}

// timeDueLocked reports whether a pending delivery needs looking at now:
// its time has come, or its tenant is gone (startDueLocked settles both).
func (o *Outbox) timeDueLocked(d *Delivery) bool {
	t, ok := o.env.Tenants.Get(d.Tenant)
	return !ok || !t.Clock.Now().Before(d.NextAt)
}

type claim struct {
	d   *Delivery // read only its immutable fields outside o.mu
	url string
	ep  Endpoint
	n   int
}

// startDueLocked starts an attempt, each on a goroutine of its own, at
// every pending delivery (of tenant, or of all when tenant is "") that is
// due now and may go: nothing of its queue is in flight (so a receiver
// sees one tenant's events of one provider in order), and fewer than the
// Env's WebhookConcurrency attempts are. Oldest events start first. It
// returns the deliveries it started. On the way, deliveries whose tenant
// is gone fail, and due ones without a receiver wait as no_endpoint.
func (o *Outbox) startDueLocked(tenant string) []*Delivery {
	limit := max(o.env.WebhookConcurrency, 1)
	if o.inflight >= limit {
		return nil
	}
	var due []*Delivery
	for id, d := range o.pending {
		if d.inflight || (tenant != "" && d.Tenant != tenant) || o.sending[queueOf(d)] {
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
		if o.urlLocked(d.Tenant, d.Provider) == "" {
			d.State = DeliveryNoEndpoint
			delete(o.pending, id)
			continue
		}
		due = append(due, d)
	}
	sort.Slice(due, func(i, j int) bool { return due[i].Seq < due[j].Seq })
	var started []*Delivery
	for _, d := range due {
		q := queueOf(d)
		if o.sending[q] {
			continue // an older event of its queue just started
		}
		if o.inflight >= limit {
			break
		}
		o.sending[q], d.inflight = true, true
		o.inflight++
		c := claim{d: d, url: o.urlLocked(d.Tenant, d.Provider), ep: o.endpoints[d.Provider], n: len(d.Attempts) + 1}
		go o.attempt(c)
		started = append(started, d)
	}
	return started
}

func (o *Outbox) attempt(c claim) {
	d := c.d
	clock := o.env.ClockOf(d.Tenant)
	start := WallNow()
	a := Attempt{N: c.n, At: clock.Now(), Wall: start.UTC(), URL: c.url}
	copies := 1
	if f := o.env.Faults.Match(d.Tenant, d.Provider, d.Event, http.MethodPost, true); f != nil {
		a.Fault = f.Describe()
		Sleep(context.Background(), f.Delay.D())
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
			accepted = o.send(c, &a) || accepted
		}
	}
	a.DurationMS = float64(WallNow().Sub(start).Microseconds()) / 1000
	o.finish(c, a, accepted)
}

// maxResponse is how much of a receiver's answer an attempt reads.
const maxResponse = 64 << 10

// send makes one HTTP POST, within the Env's WebhookTimeout, and fills a
// with what happened.
func (o *Outbox) send(c claim, a *Attempt) bool {
	timeout := o.env.WebhookTimeout
	if timeout <= 0 {
		timeout = DefaultWebhookTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
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
	a.Headers, _ = headerMap(req.Header, -1)
	resp, err := o.Client.Do(req)
	if err != nil {
		a.Error = err.Error()
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			a.Error = fmt.Sprintf("the receiver did not answer within %s (the webhook timeout): %v", timeout, err)
		}
		return false
	}
	defer resp.Body.Close()
	rb, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	a.Status = resp.StatusCode
	a.Response, a.cut = ClipBytes(rb, o.env.JournalBody, len(rb))
	ok := resp.StatusCode >= 200 && resp.StatusCode < 300 && err == nil
	if ok && c.ep.Accept != nil {
		ok = c.ep.Accept(resp.StatusCode, rb)
	}
	switch {
	case err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		a.Error = fmt.Sprintf("the receiver did not finish its answer within %s (the webhook timeout)", timeout)
	case err != nil:
		a.Error = "reading the receiver's answer: " + err.Error()
	case !ok && a.Error == "":
		a.Error = "receiver did not accept the delivery"
	}
	return ok
}

func (o *Outbox) finish(c claim, a Attempt, accepted bool) {
	d := c.d
	o.mu.Lock()
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
	if o.byID[d.ID] == d { // not dropped with its tenant while in flight
		o.journal(d, a, accepted) // before the attempt counts as settled: a Flush that returns has it journaled
	}
	d.inflight = false
	delete(o.sending, queueOf(d))
	o.inflight--
	close(o.settled)
	o.settled = make(chan struct{})
	o.mu.Unlock()
	o.Kick() // its queue may send its next event now
}

// journal records an attempt. The journal never calls back into the
// outbox, so it may be called with o.mu held.
func (o *Outbox) journal(d *Delivery, a Attempt, accepted bool) {
	if accepted {
		a.Error = ""
	}
	req, cut := Clip(d.Body, o.env.JournalBody)
	o.env.Journal.Add(Entry{
		Type: "webhook", Tenant: d.Tenant, Provider: d.Provider, Route: d.Event,
		Method: http.MethodPost, Path: a.URL, Status: a.Status, At: a.At, Wall: a.Wall,
		DurationMS: a.DurationMS, Headers: a.Headers, Request: req, Response: a.Response,
		Truncated: cut || a.cut, Fault: a.Fault, Error: a.Error,
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
