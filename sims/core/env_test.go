package core

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestResolveEnv(t *testing.T) {
	t.Parallel()

	own := EnvOptions{Seed: 7, Clock: NewFrozenClock(TestEpoch), Auth: AuthLenient}
	e, err := own.ResolveEnv("acme")
	require.NoError(t, err)
	assert.Same(t, e, own.Env, "the Env is kept in the options")
	assert.Same(t, own.Clock, e.Clock)
	assert.Equal(t, uint64(7), e.Default().Seed)
	assert.Equal(t, AuthLenient, e.Auth)

	shared := EnvOptions{Env: NewEnv(EnvConfig{Auth: AuthOff}), Auth: AuthStrict}
	e, err = shared.ResolveEnv("acme")
	require.NoError(t, err)
	assert.Same(t, shared.Env, e)
	assert.Equal(t, AuthOff, shared.Auth, "a shared Env's auth mode wins")

	for _, o := range []EnvOptions{{Env: e, Seed: 2}, {Env: e, Clock: NewClock()}} {
		_, err = o.ResolveEnv("acme")
		assert.EqualError(t, err, "acme: WithEnv conflicts with WithSeed and WithClock (configure the shared Env instead)")
	}
}

func TestRunTDefaults(t *testing.T) {
	t.Parallel()
	type opt = func(*EnvOptions)
	withSeed := func(s uint64) opt { return func(o *EnvOptions) { o.Seed = s } }
	withClock := func(c *Clock) opt { return func(o *EnvOptions) { o.Clock = c } }
	apply := func(opts []opt) EnvOptions {
		var o EnvOptions
		for _, f := range opts {
			f(&o)
		}
		return o
	}

	got := apply(RunTDefaults(EnvOptions{}, withSeed, withClock))
	assert.Equal(t, uint64(1), got.Seed)
	require.NotNil(t, got.Clock)
	assert.Equal(t, TestEpoch, got.Clock.Now())
	assert.Equal(t, time.UTC, got.Clock.Now().Location())

	mine := NewClock()
	got = apply(RunTDefaults(EnvOptions{Seed: 9, Clock: mine}, withSeed, withClock))
	assert.Equal(t, EnvOptions{}, got, "the caller's seed and clock need no default")

	assert.Empty(t, RunTDefaults(EnvOptions{Env: NewEnv(EnvConfig{})}, withSeed, withClock), "a shared Env has both")
}

func TestClearProvider(t *testing.T) {
	t.Parallel()
	e := NewEnv(EnvConfig{Clock: NewFrozenClock(TestEpoch)})
	for _, p := range []string{"acme", "other"} {
		e.Journal.Add(Entry{Provider: p, Tenant: DefaultTenant, Route: "card.list"})
		_, err := e.Faults.Add(Fault{Provider: p, Route: "card.list", Status: 500})
		require.NoError(t, err)
		e.Webhooks.Register(p, Endpoint{})
		e.Webhooks.Enqueue(DefaultTenant, p, "card.updated", []byte(`{}`))
	}

	e.ClearProvider("acme")

	providers := func() (journal, faults, deliveries []string) {
		for _, en := range e.Journal.Entries() {
			journal = append(journal, en.Provider)
		}
		for _, f := range e.Faults.List() {
			faults = append(faults, f.Provider)
		}
		for _, d := range e.Webhooks.Deliveries() {
			deliveries = append(deliveries, d.Provider)
		}
		return
	}
	journal, faults, deliveries := providers()
	assert.Equal(t, []string{"other"}, journal)
	assert.Equal(t, []string{"other"}, faults)
	assert.Equal(t, []string{"other"}, deliveries)
}
