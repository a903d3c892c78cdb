package core

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// receiver answers with the statuses in order, then 200, and records what
// it received.
type receiver struct {
	mu       sync.Mutex
	statuses []int
	bodies   []string
	headers  []http.Header
}

func (rv *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rv.mu.Lock()
	defer rv.mu.Unlock()
	rv.bodies = append(rv.bodies, string(b))
	rv.headers = append(rv.headers, r.Header.Clone())
	status := http.StatusOK
	if len(rv.statuses) > 0 {
		status, rv.statuses = rv.statuses[0], rv.statuses[1:]
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(`{"code":0}`))
}

func newOutboxEnv(t *testing.T) (*Env, *receiver, *httptest.Server) {
	env := NewEnv(EnvConfig{Clock: NewFrozenClock(t0)})
	rv := &receiver{}
	srv := httptest.NewServer(rv)
	t.Cleanup(srv.Close)
	env.Webhooks.Register("p", Endpoint{
		Sign: func(tenant string, body []byte, _ time.Time) (http.Header, error) {
			return http.Header{"X-Sig": {tenant + ":" + string(body)}}, nil
		},
	})
	return env, rv, srv
}

func TestOutboxRetriesOnTheBusinessClock(t *testing.T) {
	t.Parallel()
	env, rv, srv := newOutboxEnv(t)
	rv.statuses = []int{500, 503}
	env.Webhooks.SetURL("", "p", srv.URL)
	id := env.Webhooks.Enqueue(DefaultTenant, "p", "card.created", []byte(`{"n":1}`))
	ctx := context.Background()

	assert.Equal(t, 1, env.Webhooks.Flush(ctx), "first attempt is immediate")
	assert.Equal(t, 0, env.Webhooks.Flush(ctx), "the retry waits for business time")
	_, _ = env.Clock.Advance(10 * time.Second)
	assert.Equal(t, 1, env.Webhooks.Flush(ctx))
	_, _ = env.Clock.Advance(time.Minute)
	assert.Equal(t, 1, env.Webhooks.Flush(ctx))

	d, ok := env.Webhooks.Delivery(id)
	require.True(t, ok)
	assert.Equal(t, DeliveryDelivered, d.State)
	require.Len(t, d.Attempts, 3)
	assert.Equal(t, []int{500, 503, 200}, []int{d.Attempts[0].Status, d.Attempts[1].Status, d.Attempts[2].Status})
	assert.Equal(t, "default:{\"n\":1}", rv.headers[2].Get("X-Sig"), "the provider's signer signs every attempt")
	assert.Len(t, env.Journal.Entries(ByType("webhook")), 3, "every attempt is journaled")
}

func TestOutboxGivesUpAfterTheSchedule(t *testing.T) {
	t.Parallel()
	env, rv, srv := newOutboxEnv(t)
	env.Webhooks.Backoff = []time.Duration{0, time.Second}
	rv.statuses = []int{500, 500, 500}
	env.Webhooks.SetURL(DefaultTenant, "p", srv.URL)
	id := env.Webhooks.Enqueue(DefaultTenant, "p", "e", []byte(`{}`))
	env.Webhooks.Flush(context.Background())
	_, _ = env.Clock.Advance(time.Second)
	env.Webhooks.Flush(context.Background())
	d, _ := env.Webhooks.Delivery(id)
	assert.Equal(t, DeliveryFailed, d.State)

	require.NoError(t, env.Webhooks.Redeliver(id))
	env.Webhooks.Flush(context.Background())
	d, _ = env.Webhooks.Delivery(id)
	assert.Equal(t, DeliveryPending, d.State, "redelivery starts a fresh schedule")
	assert.Len(t, d.Attempts, 3)
	assert.ErrorIs(t, env.Webhooks.Redeliver("nope"), ErrNoDelivery)
}

func TestOutboxHoldsDeliveriesWithoutAnEndpoint(t *testing.T) {
	t.Parallel()
	env, rv, srv := newOutboxEnv(t)
	id := env.Webhooks.Enqueue(DefaultTenant, "p", "e", []byte(`{}`))
	env.Webhooks.Flush(context.Background())
	d, _ := env.Webhooks.Delivery(id)
	assert.Equal(t, DeliveryNoEndpoint, d.State)
	env.Webhooks.SetURL(DefaultTenant, "p", srv.URL)
	env.Webhooks.Flush(context.Background())
	d, _ = env.Webhooks.Delivery(id)
	assert.Equal(t, DeliveryDelivered, d.State)
	assert.Len(t, rv.bodies, 1)
}

func TestOutboxFaults(t *testing.T) {
	t.Parallel()
	env, rv, srv := newOutboxEnv(t)
	env.Webhooks.SetURL("", "p", srv.URL)
	_, err := env.Faults.Add(Fault{Webhook: true, Route: "e", Times: 1, Drop: true})
	require.NoError(t, err)
	_, err = env.Faults.Add(Fault{Webhook: true, Route: "dup", Duplicate: true})
	require.NoError(t, err)
	dropped := env.Webhooks.Enqueue(DefaultTenant, "p", "e", []byte(`{}`))
	env.Webhooks.Enqueue(DefaultTenant, "p", "dup", []byte(`{"d":1}`))
	env.Webhooks.Flush(context.Background())
	d, _ := env.Webhooks.Delivery(dropped)
	assert.Equal(t, DeliveryPending, d.State)
	assert.Equal(t, "dropped by fault rule", d.Attempts[0].Error)
	assert.Equal(t, []string{`{"d":1}`, `{"d":1}`}, rv.bodies, "duplicate delivers twice")
}

// TestOutboxIsBounded: a tenant whose deliveries are never flushed does
// not grow the outbox without bound, and enqueueing stays cheap.
func TestOutboxIsBounded(t *testing.T) {
	t.Parallel()
	env := NewEnv(EnvConfig{Clock: NewFrozenClock(t0)})
	env.Webhooks.Keep = 100
	for i := 0; i < 10_000; i++ {
		env.Webhooks.Enqueue(DefaultTenant, "p", "e", []byte(`{}`))
	}
	n := len(env.Webhooks.Deliveries())
	assert.LessOrEqual(t, n, 150)
	assert.GreaterOrEqual(t, n, 100)
}

// A Flush that finds a delivery already being sent by another Flush (the
// background loop) waits for that attempt instead of returning before it
// is recorded.
func TestOutboxFlushWaitsForDeliveriesInFlight(t *testing.T) {
	t.Parallel()
	env := NewEnv(EnvConfig{Clock: NewFrozenClock(t0)})
	arrived, release := make(chan struct{}), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-release
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	env.Webhooks.Register("p", Endpoint{})
	env.Webhooks.SetURL("", "p", srv.URL)
	id := env.Webhooks.Enqueue(DefaultTenant, "p", "card.created", []byte(`{}`))
	ctx := context.Background()

	first := make(chan int)
	go func() { first <- env.Webhooks.Flush(ctx) }()
	<-arrived // the first flush is sending it now
	go func() {
		time.Sleep(20 * time.Millisecond) // let the second flush find it in flight
		close(release)
	}()
	assert.Equal(t, 0, env.Webhooks.Flush(ctx), "the second flush sends nothing itself")
	d, ok := env.Webhooks.Delivery(id)
	require.True(t, ok)
	assert.Len(t, d.Attempts, 1, "but returns only once the attempt in flight is recorded")
	assert.Equal(t, DeliveryDelivered, d.State)
	assert.Equal(t, 1, <-first)
}

// A later delivery of the same tenant and provider never overtakes one
// another flush has in flight: the receiver sees them in event order.
func TestOutboxKeepsOrderAcrossConcurrentFlushes(t *testing.T) {
	t.Parallel()
	env := NewEnv(EnvConfig{Clock: NewFrozenClock(t0)})
	arrived, release := make(chan struct{}), make(chan struct{})
	var mu sync.Mutex
	var seen []string
	released := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, fmt.Sprintf("%s released=%v", b, released))
		mu.Unlock()
		if string(b) == `"a"` {
			close(arrived)
			<-release
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	env.Webhooks.Register("p", Endpoint{})
	env.Webhooks.SetURL("", "p", srv.URL)
	env.Webhooks.Enqueue(DefaultTenant, "p", "e", []byte(`"a"`))
	ctx := context.Background()

	first := make(chan int)
	go func() { first <- env.Webhooks.Flush(ctx) }()
	<-arrived // "a" is in flight
	env.Webhooks.Enqueue(DefaultTenant, "p", "e", []byte(`"b"`))
	go func() {
		time.Sleep(20 * time.Millisecond) // let the second flush find "a" in flight
		mu.Lock()
		released = true
		mu.Unlock()
		close(release)
	}()
	second := env.Webhooks.Flush(ctx)
	assert.Equal(t, 2, second+<-first, "a and b are sent once each, by whichever flush claims them")
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{`"a" released=false`, `"b" released=true`}, seen)
}

// blackHole is a webhook receiver that accepts connections and never
// answers. Each accepted connection is announced on the channel; the end of
// the test closes them all, ending any attempt still waiting.
func blackHole(t *testing.T) (string, <-chan struct{}) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	accepted := make(chan struct{}, 64)
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			select {
			case accepted <- struct{}{}:
			default:
			}
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String(), accepted
}

// arrivals is a receiver that answers at once and announces each body.
func arrivals(t *testing.T) (string, <-chan string) {
	t.Helper()
	ch := make(chan string, 100)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		ch <- string(b)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, ch
}

func addTenants(t *testing.T, env *Env, ids ...string) {
	t.Helper()
	for _, id := range ids {
		require.NoError(t, env.Tenants.Add(&Tenant{ID: id, Seed: 1, Clock: NewFrozenClock(t0)}))
	}
}

func receive(t *testing.T, ch <-chan string) string {
	t.Helper()
	select {
	case b := <-ch:
		return b
	case <-time.After(5 * time.Second):
		t.Fatal("no delivery arrived within 5 s")
		return ""
	}
}

// TestOutboxBlackHoledReceiverDelaysNoOtherTenant pins that tenants' (and
// providers') deliveries are independent: while tenant a's receiver holds
// a's attempt open, b's deliveries and a's deliveries of another provider
// arrive at once, and a's attempt is still waiting when they have.
func TestOutboxBlackHoledReceiverDelaysNoOtherTenant(t *testing.T) {
	t.Parallel()
	// A short timeout keeps the test quick should it fail; the assertions
	// below show b never waits for a at all, not merely for the timeout.
	env := NewEnv(EnvConfig{Clock: NewFrozenClock(t0), WebhookTimeout: 3 * time.Second})
	addTenants(t, env, "a", "b")
	env.Webhooks.Register("p", Endpoint{})
	env.Webhooks.Register("q", Endpoint{})
	hole, accepted := blackHole(t)
	bURL, bGot := arrivals(t)
	qURL, qGot := arrivals(t)
	env.Webhooks.SetURL("a", "p", hole)
	env.Webhooks.SetURL("a", "q", qURL)
	env.Webhooks.SetURL("b", "p", bURL)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go env.Webhooks.Run(ctx, 10*time.Millisecond)

	stuck := env.Webhooks.Enqueue("a", "p", "e", []byte(`"a1"`))
	env.Webhooks.Enqueue("a", "p", "e", []byte(`"a2"`)) // queued behind a1: a's order is kept
	select {
	case <-accepted:
	case <-time.After(5 * time.Second):
		t.Fatal("a's receiver was never called")
	}
	var worst time.Duration
	for i := 0; i < 5; i++ {
		sent := WallNow()
		env.Webhooks.Enqueue("b", "p", "e", []byte(fmt.Sprintf(`"b%d"`, i)))
		assert.Equal(t, fmt.Sprintf(`"b%d"`, i), receive(t, bGot))
		worst = max(worst, WallNow().Sub(sent))
	}
	env.Webhooks.Enqueue("a", "q", "e", []byte(`"q1"`))
	assert.Equal(t, `"q1"`, receive(t, qGot), "a's other provider is not held up either")

	d, ok := env.Webhooks.Delivery(stuck)
	require.True(t, ok)
	assert.Empty(t, d.Attempts, "a's attempt is still waiting for its receiver: b never waited for it")
	assert.Less(t, worst, time.Second, "b's slowest delivery (DESIGN.md: under 1 s)")
	env.Webhooks.FlushTenant(ctx, "b") // b's last attempt recorded; a's is not waited for
	for _, d := range env.Webhooks.Deliveries(func(d Delivery) bool { return d.Tenant == "b" }) {
		assert.Equal(t, DeliveryDelivered, d.State)
	}
	a2 := env.Webhooks.Deliveries(func(d Delivery) bool { return d.Body == `"a2"` })
	require.Len(t, a2, 1)
	assert.Empty(t, a2[0].Attempts, "a2 waits behind a1")
}

// TestOutboxAttemptTimeout: a receiver that never answers fails the
// attempt after the Env's WebhookTimeout, saying so, and the delivery is
// retried on its schedule.
func TestOutboxAttemptTimeout(t *testing.T) {
	t.Parallel()
	env := NewEnv(EnvConfig{Clock: NewFrozenClock(t0), WebhookTimeout: 150 * time.Millisecond})
	env.Webhooks.Register("p", Endpoint{})
	hole, _ := blackHole(t)
	env.Webhooks.SetURL("", "p", hole)
	id := env.Webhooks.Enqueue(DefaultTenant, "p", "e", []byte(`{}`))
	assert.Equal(t, 1, env.Webhooks.Flush(context.Background()))
	d, ok := env.Webhooks.Delivery(id)
	require.True(t, ok)
	require.Len(t, d.Attempts, 1)
	assert.Contains(t, d.Attempts[0].Error, "did not answer within 150ms")
	assert.GreaterOrEqual(t, d.Attempts[0].DurationMS, 150.0)
	assert.Equal(t, DeliveryPending, d.State)
	assert.Equal(t, t0.Add(10*time.Second), d.NextAt, "retried on the schedule")
	es := env.Journal.Entries(ByType("webhook"))
	require.Len(t, es, 1)
	assert.Contains(t, es[0].Error, "did not answer within 150ms")
}

// TestOutboxFlushTenantIgnoresOtherTenants: flushing one tenant neither
// starts nor waits for another's deliveries, even one in flight to a
// receiver that never answers.
func TestOutboxFlushTenantIgnoresOtherTenants(t *testing.T) {
	t.Parallel()
	env := NewEnv(EnvConfig{Clock: NewFrozenClock(t0), WebhookTimeout: time.Minute})
	addTenants(t, env, "a", "b")
	env.Webhooks.Register("p", Endpoint{})
	hole, accepted := blackHole(t)
	bURL, bGot := arrivals(t)
	env.Webhooks.SetURL("a", "p", hole)
	env.Webhooks.SetURL("b", "p", bURL)
	stuck := env.Webhooks.Enqueue("a", "p", "e", []byte(`"a"`))
	env.Webhooks.Enqueue("a", "p", "e", []byte(`"a2"`))

	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	all := make(chan int, 1)
	go func() { all <- env.Webhooks.Flush(ctx) }() // waits for a's receiver
	<-accepted

	env.Webhooks.Enqueue("b", "p", "e", []byte(`"b"`))
	assert.Equal(t, 1, env.Webhooks.FlushTenant(context.Background(), "b"), "b's event, sent by b's flush")
	assert.Equal(t, `"b"`, receive(t, bGot))
	d, _ := env.Webhooks.Delivery(stuck)
	assert.Empty(t, d.Attempts, "a's attempt is still in flight")
	assert.Zero(t, env.Webhooks.FlushTenant(context.Background(), "nobody"))

	cancel()
	assert.Equal(t, 1, <-all, "the whole flush started a1 and stopped waiting when its context ended")
}

// TestOutboxConcurrencyCap: no more than the Env's WebhookConcurrency
// attempts are in flight at once; the others start, oldest first, as
// those finish, and Flush still delivers them all.
func TestOutboxConcurrencyCap(t *testing.T) {
	t.Parallel()
	env := NewEnv(EnvConfig{Clock: NewFrozenClock(t0), WebhookConcurrency: 2})
	arrived, release := make(chan string, 10), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		arrived <- string(b)
		<-release
	}))
	t.Cleanup(srv.Close)
	env.Webhooks.Register("p", Endpoint{})
	env.Webhooks.SetURL("", "p", srv.URL)
	ids := []string{"t1", "t2", "t3", "t4", "t5"}
	addTenants(t, env, ids...)
	for _, id := range ids {
		env.Webhooks.Enqueue(id, "p", "e", []byte(`"`+id+`"`))
	}
	done := make(chan int, 1)
	go func() { done <- env.Webhooks.Flush(context.Background()) }()
	first := []string{receive(t, arrived), receive(t, arrived)}
	assert.ElementsMatch(t, []string{`"t1"`, `"t2"`}, first, "the oldest start first")
	env.Webhooks.mu.Lock()
	inflight := 0
	for _, d := range env.Webhooks.byID {
		if d.inflight {
			inflight++
		}
	}
	env.Webhooks.mu.Unlock()
	assert.Equal(t, 2, inflight, "the cap holds the other three back")
	close(release)
	assert.Equal(t, 5, <-done)
	for _, d := range env.Webhooks.Deliveries() {
		assert.Equal(t, DeliveryDelivered, d.State)
	}
}

// TestOutboxKeepsEachTenantsOrder: with the background loop delivering,
// each tenant's receiver sees its events in the order they happened, one
// at a time, while tenants interleave.
func TestOutboxKeepsEachTenantsOrder(t *testing.T) {
	t.Parallel()
	env := NewEnv(EnvConfig{Clock: NewFrozenClock(t0)})
	addTenants(t, env, "a", "b")
	var mu sync.Mutex
	seen := map[string][]string{}
	busy := map[string]bool{}
	overlap := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		tenant := r.URL.Query().Get("t")
		mu.Lock()
		overlap = overlap || busy[tenant]
		busy[tenant] = true
		seen[tenant] = append(seen[tenant], string(b))
		mu.Unlock()
		time.Sleep(time.Millisecond)
		mu.Lock()
		busy[tenant] = false
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	env.Webhooks.Register("p", Endpoint{})
	env.Webhooks.SetURL("a", "p", srv.URL+"?t=a")
	env.Webhooks.SetURL("b", "p", srv.URL+"?t=b")
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go env.Webhooks.Run(ctx, 10*time.Millisecond)
	var want []string
	for i := 0; i < 30; i++ {
		want = append(want, fmt.Sprint(i))
		env.Webhooks.Enqueue("a", "p", "e", []byte(fmt.Sprint(i)))
		env.Webhooks.Enqueue("b", "p", "e", []byte(fmt.Sprint(i)))
	}
	env.Webhooks.Flush(ctx) // whatever the loop has not sent yet
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, want, seen["a"])
	assert.Equal(t, want, seen["b"])
	assert.False(t, overlap, "one attempt at a time per tenant and provider")
}
