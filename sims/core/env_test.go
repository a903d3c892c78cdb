package core

import (
	"encoding/json"
	"testing"

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

// testServer is the smallest provider: a Host with no routes and worlds of
// nothing, for RunT's defaults.
type testServer struct{ *Host[*testWorld] }

func newTestServer(opts ...Option[struct{}]) (*testServer, error) {
	o, env, err := ReadOptions("acme", struct{}{}, opts)
	if err != nil {
		return nil, err
	}
	ws := NewWorlds[*testWorld]("acme", "api_key", nil)
	s := &testServer{}
	s.Host = NewHost(env, HostConfig[*testWorld]{Name: "acme", Worlds: ws, Routes: func(*Router) {},
		Hooks: Hooks[*testWorld]{
			NewWorld: func(t *Tenant, _ json.RawMessage) (*testWorld, error) {
				return &testWorld{WorldBase: NewWorldBase(t, "acme")}, nil
			},
			Key:         func(w *testWorld) string { return "k-" + w.Tenant.ID },
			Credentials: func(*testWorld) any { return nil },
		}})
	if err := AddDefaultTenant(s.Host); err != nil {
		return nil, err
	}
	return s, o.RunSetup(s)
}

func TestRunTDefaults(t *testing.T) {
	t.Parallel()
	s := RunT(t, "acme", newTestServer, nil)
	assert.Equal(t, TestEpoch, s.Clock.Now(), "the business clock is frozen at TestEpoch")
	assert.Equal(t, uint64(1), s.Default().Seed, "seed 1")
	assert.NotEmpty(t, s.URL(), "RunT listens")

	mine := NewFrozenClock(TestEpoch.AddDate(1, 0, 0))
	s = RunT(t, "acme", newTestServer, []Option[struct{}]{WithSeed[struct{}](9), WithClock[struct{}](mine)})
	assert.Same(t, mine, s.Clock, "the caller's clock wins")
	assert.Equal(t, uint64(9), s.Default().Seed, "the caller's seed wins")

	env := NewEnv(EnvConfig{Seed: 5})
	s = RunT(t, "acme", newTestServer, []Option[struct{}]{WithEnv[struct{}](env)})
	assert.Same(t, env, s.Env, "a shared Env brings its own seed and clock")
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
