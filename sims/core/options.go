package core

import (
	"fmt"
	"net/http"
)

// Options are what a provider's New reads: the Env options every provider
// shares, and the provider's own Settings — the one JSON-tagged struct that
// also configures tenants (POST /_mocksrv/tenants, --tenant-options). A
// provider declares
//
//	type Option = core.Option[Settings]
//
// and its With… functions set Settings fields through Set.
type Options[S any] struct {
	EnvOptions
	Settings S

	setup []func(server any) error // run by Setup once the Server exists
}

// Option configures a provider's Server.
type Option[S any] func(*Options[S]) error

// WithEnv shares an Env (clock, tenants, journal, faults, outbox) with other
// providers; the Fleet does this. It conflicts with WithSeed and WithClock,
// which configure an Env of the Server's own.
func WithEnv[S any](e *Env) Option[S] {
	return func(o *Options[S]) error { o.Env = e; return nil }
}

// WithSeed seeds the fake data of a Server with its own Env. RunT rejects 0.
func WithSeed[S any](seed uint64) Option[S] {
	return func(o *Options[S]) error { o.Seed = seed; return nil }
}

// WithClock gives a Server with its own Env this default-tenant clock.
func WithClock[S any](c *Clock) Option[S] {
	return func(o *Options[S]) error { o.Clock = c; return nil }
}

// WithAuth sets how strictly credentials are checked (default strict). A
// shared Env's mode wins.
func WithAuth[S any](m AuthMode) Option[S] {
	return func(o *Options[S]) error { o.Auth = m; return nil }
}

// Set returns an option that changes the provider's settings. New checks
// the settings once every option has run, so a With… function needs no
// checks of its own.
func Set[S any](f func(*S)) Option[S] {
	return func(o *Options[S]) error { f(&o.Settings); return nil }
}

// Setup returns an option that runs f with the new Server once it holds
// its default tenant (a provider's WithCards). f receives the provider's
// *Server.
func Setup[S any](f func(server any) error) Option[S] {
	return func(o *Options[S]) error { o.setup = append(o.setup, f); return nil }
}

// ReadOptions applies opts over the provider's default settings and
// resolves the Env the Server serves from.
func ReadOptions[S any](provider string, defaults S, opts []Option[S]) (Options[S], *Env, error) {
	o := Options[S]{EnvOptions: EnvOptions{Auth: AuthStrict}, Settings: defaults}
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return o, nil, fmt.Errorf("%s: %w", provider, err)
		}
	}
	env, err := o.ResolveEnv(provider)
	return o, env, err
}

// RunSetup runs the Setup options with the new Server.
func (o Options[S]) RunSetup(server any) error {
	for _, f := range o.setup {
		if err := f(server); err != nil {
			return err
		}
	}
	return nil
}

// testServed is a provider's Server: its Host's RunT server.
type testServed interface {
	testServer() *TestServer
	Handler() http.Handler
	Close()
}

// RunT is every provider's RunT: it builds a Server with New and starts it
// on loopback for the test, closed by t.Cleanup. Unless the caller's
// options say otherwise (or share an Env), the Server gets seed 1 and a
// business clock frozen at TestEpoch, so golden files stay stable.
// testDefaults are the provider's own test defaults (no issuing delay, say);
// the caller's options override them.
func RunT[S any, P testServed](t T, provider string, newServer func(...Option[S]) (P, error), opts []Option[S], testDefaults ...Option[S]) P {
	t.Helper()
	var seen Options[S]
	for _, opt := range opts {
		_ = opt(&seen)
	}
	var base []Option[S]
	if seen.Env == nil {
		if seen.Seed == 0 {
			base = append(base, WithSeed[S](1))
		}
		if seen.Clock == nil {
			base = append(base, WithClock[S](NewFrozenClock(TestEpoch)))
		}
	}
	base = append(base, testDefaults...)
	s, err := newServer(append(base, opts...)...)
	if err != nil {
		t.Fatalf("%s.RunT: %v", provider, err)
		var zero P
		return zero
	}
	s.testServer().Start(s.Handler())
	t.Cleanup(s.Close)
	return s
}
