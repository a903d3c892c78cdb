package keysecure

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gorilla/mux"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Name is the provider's name in the journal, fault rules and admin API.
const Name = "keysecure"

// BasePath is where KeySecure's API lives on the host.
const BasePath = "/open-api/v1"

// Mode is a merchant's integration mode (docs "Access guide").
type Mode string

// Integration modes. Both is mocksrv's default so that one tenant can try
// every endpoint; the real platform configures one per merchant.
const (
	ModeCredit        Mode = "CREDIT_EXTENSION"
	ModeAuthorization Mode = "AUTHORIZATION"
	ModeBoth          Mode = "BOTH"
)

// Default credentials of the default tenant. The secret is 32 bytes so that
// it is directly an AES-256 key (see doc.go, "Encryption").
const (
	DefaultAPIKey    = "mocksrv-keysecure-key-default"
	DefaultAPISecret = "mocksrv-keysecure-secret-default"
)

// Credentials are a tenant's KeySecure API credentials.
type Credentials struct {
	APIKey    string `json:"api_key"`
	APISecret string `json:"api_secret"`
}

type options struct {
	core.EnvOptions
	tokenTTL      time.Duration
	tsWindow      time.Duration
	kycStart      time.Duration
	kycDelay      time.Duration
	issueDelay    time.Duration
	mode          Mode
	revokeTokens  bool
	tokenLimit    int
	reserve       core.Decimal
	aesKey        string
	zone          *time.Location
	cardValidity  int // years
	clientTokenTT time.Duration
	cards         []Card
}

// Option configures a Server.
type Option func(*options) error

// WithEnv shares an Env (clock, tenants, journal, faults, outbox) with
// other providers; the Fleet does this. It conflicts with WithSeed and
// WithClock, which configure an Env of the Server's own.
func WithEnv(e *core.Env) Option { return func(o *options) error { o.Env = e; return nil } }

// WithSeed seeds the fake data of a Server with its own Env. RunT rejects 0.
func WithSeed(seed uint64) Option { return func(o *options) error { o.Seed = seed; return nil } }

// WithClock gives a Server with its own Env this default-tenant clock.
func WithClock(c *core.Clock) Option { return func(o *options) error { o.Clock = c; return nil } }

// WithAuth sets how strictly credentials are checked (default strict).
func WithAuth(m core.AuthMode) Option { return func(o *options) error { o.Auth = m; return nil } }

// WithTokenTTL sets the Access-Token lifetime on the business clock
// (default 2h; the docs do not publish one).
func WithTokenTTL(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return errors.New("keysecure: token TTL must be positive")
		}
		o.tokenTTL = d
		return nil
	}
}

// WithTimestampWindow sets how old a Timestamp header may be (default 60 s,
// as published).
func WithTimestampWindow(d time.Duration) Option {
	return func(o *options) error { o.tsWindow = d; return nil }
}

// WithKYCDelay sets how long, on the business clock, a cardholder waits in
// Pending before review starts and before the decision (defaults 30 s and
// 2 min).
func WithKYCDelay(start, decide time.Duration) Option {
	return func(o *options) error {
		if start < 0 || decide < start {
			return errors.New("keysecure: KYC delays must satisfy 0 <= start <= decide")
		}
		o.kycStart, o.kycDelay = start, decide
		return nil
	}
}

// WithIssueDelay sets how long a new card stays Pending (default 1 min).
func WithIssueDelay(d time.Duration) Option {
	return func(o *options) error { o.issueDelay = d; return nil }
}

// WithMode sets the default tenant's integration mode (default BOTH).
func WithMode(m Mode) Option {
	return func(o *options) error {
		switch m {
		case ModeCredit, ModeAuthorization, ModeBoth:
			o.mode = m
			return nil
		}
		return fmt.Errorf("keysecure: unknown mode %q", m)
	}
}

// WithTokenRevocation makes a new Access-Token revoke the older ones of
// the same Api-Key. By default tokens coexist (the docs do not say).
func WithTokenRevocation(on bool) Option {
	return func(o *options) error { o.revokeTokens = on; return nil }
}

// WithTokenRateLimit sets how many tokens one Api-Key may fetch per minute
// before 1009 (default 60; 0 turns the limit off).
func WithTokenRateLimit(n int) Option { return func(o *options) error { o.tokenLimit = n; return nil } }

// WithAESKey chooses how the AES key is derived from the api secret:
// "raw" (the secret's UTF-8 bytes, which must be 16, 24 or 32 long; the
// default), "sha256" (the secret's SHA-256) or "base64" (the secret
// Base64-decoded).
func WithAESKey(derivation string) Option {
	return func(o *options) error {
		switch derivation {
		case "raw", "sha256", "base64":
			o.aesKey = derivation
			return nil
		}
		return fmt.Errorf("keysecure: AES key derivation %q: want raw, sha256 or base64", derivation)
	}
}

// WithCards starts the default tenant with these cards, added as AddCard
// adds them: zero fields filled from the seeded faker, an approved
// cardholder made when none is named, status Activated unless set.
func WithCards(cards ...Card) Option {
	return func(o *options) error { o.cards = append(o.cards, cards...); return nil }
}

// Server simulates KeySecure for every tenant of its Env.
type Server struct {
	*core.Env
	opts    options
	handler http.Handler
	router  *mux.Router
	ts      core.TestServer
	worlds  *core.Worlds[*world] // by tenant and by Api-Key

	tokenLimiter *core.RateLimiter
}

// New returns a Server holding the default tenant. It does not listen; use
// Handler, or RunT for a test server.
func New(opts ...Option) (*Server, error) {
	o := options{
		EnvOptions: core.EnvOptions{Auth: core.AuthStrict}, tokenTTL: 2 * time.Hour, tsWindow: 60 * time.Second,
		kycStart: 30 * time.Second, kycDelay: 2 * time.Minute, issueDelay: time.Minute,
		mode: ModeBoth, tokenLimit: 60, reserve: core.MustDecimal("1000000.00"), aesKey: "raw",
		zone: time.FixedZone("UTC+8", 8*3600), cardValidity: 3, clientTokenTT: 5 * time.Minute,
	}
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	env, err := o.ResolveEnv(Name)
	if err != nil {
		return nil, err
	}
	s := &Server{
		Env: env, opts: o, worlds: core.NewWorlds[*world](Name, "api_key"),
		tokenLimiter: core.NewRateLimiter(o.tokenLimit, time.Minute),
	}
	s.router = mux.NewRouter()
	s.routes(s.router)
	s.handler = s.router
	s.Webhooks.Register(Name, core.Endpoint{Sign: s.signCallback, Accept: acceptCallback})
	if _, err := s.AddTenant(s.Env.Default(), nil); err != nil {
		return nil, err
	}
	for _, c := range o.cards {
		if err := s.do(func(w *world) error { _, err := s.addCardLocked(w, c); return err }); err != nil {
			return nil, fmt.Errorf("keysecure: WithCards: %w", err)
		}
	}
	return s, nil
}

// RunT starts a test server on loopback with a frozen clock
// (2026-01-01T00:00:00Z), seed 1 and strict auth, closed when the test
// ends.
func RunT(t core.T, opts ...Option) *Server {
	t.Helper()
	o := options{}
	for _, opt := range opts {
		_ = opt(&o)
	}
	s, err := New(append(core.RunTDefaults(o.EnvOptions, WithSeed, WithClock), opts...)...)
	if err != nil {
		t.Fatalf("keysecure.RunT: %v", err)
		return nil
	}
	s.ts.Start(s.Handler())
	t.Cleanup(s.Close)
	return s
}

// Handler returns the HTTP handler serving KeySecure's paths.
func (s *Server) Handler() http.Handler { return s.handler }

// URL returns the base URL of a RunT server ("http://127.0.0.1:port"); the
// API paths start with /open-api/v1. It is "" for a Server from New.
func (s *Server) URL() string { return s.ts.URL() }

// Client returns an HTTP client for the RunT server.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Close stops a RunT server.
func (s *Server) Close() { s.ts.Close() }

// APIKey returns the default tenant's Api-Key.
func (s *Server) APIKey() string { return DefaultAPIKey }

// Secret returns the default tenant's api secret.
func (s *Server) Secret() string { return DefaultAPISecret }

// Reset clears the default tenant's KeySecure state, this provider's
// journal entries, fault rules and webhook deliveries.
func (s *Server) Reset() {
	_ = s.ResetTenant(core.DefaultTenant)
	s.ClearProvider(Name)
}

// FlushWebhooks settles every tenant and delivers the callbacks that are
// due now, synchronously. Tests call it instead of waiting.
func (s *Server) FlushWebhooks(ctx context.Context) int {
	for _, id := range s.worlds.IDs() {
		s.Settle(id)
	}
	return s.Webhooks.Flush(ctx)
}

// defaultWorld returns the default tenant's world.
func (s *Server) defaultWorld() *world { return s.worlds.Default() }
