package core

import (
	"context"
	"fmt"
	"io"
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
