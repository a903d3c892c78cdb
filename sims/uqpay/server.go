package uqpay

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/mux"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Name is the provider's name in the journal, fault rules and admin API.
const Name = "uqpay"

// BasePath is where UQPay's API lives on the host. The official SDK's
// Environment.BaseURL ends in /api and every SDK path starts with /v1.
const BasePath = "/api/v1"

// Default credentials of the default tenant.
const (
	DefaultClientID      = "mocksrv-uqpay-client-default"
	DefaultAPIKey        = "mocksrv-uqpay-apikey-default"
	DefaultWebhookSecret = "mocksrv-uqpay-whsec-default"
)

// Credentials are a tenant's UQPay API credentials.
type Credentials struct {
	ClientID      string `json:"client_id"`
	APIKey        string `json:"api_key"`
	WebhookSecret string `json:"webhook_secret"`
}

type options struct {
	core.EnvOptions

	tokenTTL         time.Duration
	tokenLimit       int
	revokeTokens     bool
	businessTokens   bool
	issueDelay       time.Duration
	orderDelay       time.Duration
	cancelWait       time.Duration
	kycDelay         time.Duration
	settleDelay      time.Duration
	reportDelay      time.Duration
	depositDelay     time.Duration
	depositReview    bool
	panTokenTTL      time.Duration
	cardQuota        int
	cardValidity     int // years
	initial          map[string]core.Decimal
	idemTTL          time.Duration
	lenientIdemKeys  bool
	idemErrors       bool
	strictPaging     bool
	webhookMillis    bool
	stringSimAmounts bool
	zone             *time.Location
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

// WithTokenTTL sets the lifetime of an auth_token (default 30 minutes, as
// published).
func WithTokenTTL(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return errors.New("uqpay: token TTL must be positive")
		}
		o.tokenTTL = d
		return nil
	}
}

// WithTokenRateLimit sets how many tokens one client id may fetch per
// minute of wall time before 429 (default 50, as published; 0 turns the
// limit off).
func WithTokenRateLimit(n int) Option { return func(o *options) error { o.tokenLimit = n; return nil } }

// WithTokenRevocation makes a new auth_token revoke the client's older
// ones. The docs disagree (the Card Issuance FAQ says one token at a time,
// the Access Token reference says Card Issuance tokens coexist); by default
// tokens coexist.
func WithTokenRevocation(on bool) Option {
	return func(o *options) error { o.revokeTokens = on; return nil }
}

// WithTokenBusinessExpiry makes auth_tokens expire on the tenant's business
// clock instead of the wall clock. Off by default: the official SDK decides
// when to refresh from its own wall clock and never retries a 401, so
// moving business time would otherwise lock it out.
func WithTokenBusinessExpiry(on bool) Option {
	return func(o *options) error { o.businessTokens = on; return nil }
}

// WithIssueDelay sets how long, on the business clock, a new card stays
// PENDING before it turns ACTIVE or FAILED (default 5 s; RunT 0, so the
// next request sees the outcome).
func WithIssueDelay(d time.Duration) Option {
	return func(o *options) error { o.issueDelay = max(d, 0); return nil }
}

// WithOrderDelay sets how long status, recharge, withdraw and update
// orders stay PENDING before they complete (default 2 s; RunT 0).
func WithOrderDelay(d time.Duration) Option {
	return func(o *options) error { o.orderDelay = max(d, 0); return nil }
}

// WithCancelWait sets how long a cancelled card stays PRE_CANCEL before it
// becomes CANCELLED and its balance is refunded (default 30 days).
func WithCancelWait(d time.Duration) Option {
	return func(o *options) error { o.cancelWait = max(d, 0); return nil }
}

// WithKYCDelay sets how long a PENDING cardholder waits for its KYC
// decision (default 2 minutes).
func WithKYCDelay(d time.Duration) Option {
	return func(o *options) error { o.kycDelay = max(d, 0); return nil }
}

// WithSettlementDelay sets how long an approved authorization waits before
// it settles (default 24 hours).
func WithSettlementDelay(d time.Duration) Option {
	return func(o *options) error { o.settleDelay = max(d, 0); return nil }
}

// WithReportDelay sets how long a report takes to become downloadable
// (default 10 s; RunT 0).
func WithReportDelay(d time.Duration) Option {
	return func(o *options) error { o.reportDelay = max(d, 0); return nil }
}

// WithDepositDelay sets how long a simulated deposit stays PENDING before
// it is approved and credited (default 1 minute; RunT 0, so the next
// request sees it COMPLETED).
func WithDepositDelay(d time.Duration) Option {
	return func(o *options) error { o.depositDelay = max(d, 0); return nil }
}

// WithDepositReview leaves simulated deposits PENDING until the admin API
// decides them (POST …/uqpay/deposit_decisions), as the real sandbox's
// manual approval does. Off by default: they complete after the deposit
// delay.
func WithDepositReview(on bool) Option {
	return func(o *options) error { o.depositReview = on; return nil }
}

// WithCardQuota sets max_card_quota: how many cards each account may issue
// per product before new cards fail with insufficient_sub_bin (default
// 1000).
func WithCardQuota(n int) Option {
	return func(o *options) error {
		if n < 0 {
			return errors.New("uqpay: card quota must not be negative")
		}
		o.cardQuota = n
		return nil
	}
}

// WithInitialBalance sets the master account's opening issuing balance in a
// currency (defaults: 100000 USD and 100000 SGD).
func WithInitialBalance(currency, amount string) Option {
	return func(o *options) error {
		d, err := core.ParseDecimal(amount)
		if err != nil || d.Sign() < 0 {
			return fmt.Errorf("uqpay: initial balance %q: want a non-negative decimal", amount)
		}
		if !knownCurrency(currency) {
			return fmt.Errorf("uqpay: currency %q: want one of %v", currency, currencies)
		}
		o.initial[currency] = d
		return nil
	}
}

// WithIdempotencyTTL sets how long an x-idempotency-key is remembered on
// the business clock (default 24 hours, as published).
func WithIdempotencyTTL(d time.Duration) Option {
	return func(o *options) error { o.idemTTL = d; return nil }
}

// WithLenientIdempotencyKeys accepts any x-idempotency-key up to 64
// characters instead of requiring a UUID.
func WithLenientIdempotencyKeys(on bool) Option {
	return func(o *options) error { o.lenientIdemKeys = on; return nil }
}

// WithIdempotentErrors says whether a 4xx answer is replayed for a repeated
// key like a success is (default true); off, only 2xx answers are kept.
func WithIdempotentErrors(on bool) Option {
	return func(o *options) error { o.idemErrors = on; return nil }
}

// WithStrictPaging refuses page_size=0 and page_number=0. By default they
// mean "use the default", because the official SDK always sends both
// parameters and sends 0 when the caller left them unset.
func WithStrictPaging(on bool) Option {
	return func(o *options) error { o.strictPaging = on; return nil }
}

// WithWebhookMillis sends x-wk-timestamp in Unix milliseconds (as the
// Webhook Hub now does) instead of seconds (the default, which every SDK
// verifier accepts).
func WithWebhookMillis(on bool) Option {
	return func(o *options) error { o.webhookMillis = on; return nil }
}

// WithStringSimulatorAmounts renders the simulation endpoints' amounts as
// decimal strings (SDK v3) instead of numbers (SDK v2, the default).
func WithStringSimulatorAmounts(on bool) Option {
	return func(o *options) error { o.stringSimAmounts = on; return nil }
}

// WithZone sets the zone times are rendered in (default UTC+8, UQPay's).
func WithZone(loc *time.Location) Option {
	return func(o *options) error {
		if loc == nil {
			return errors.New("uqpay: nil zone")
		}
		o.zone = loc
		return nil
	}
}

// Server simulates UQPay Card Issuance for every tenant of its Env.
type Server struct {
	*core.Env
	opts    options
	handler http.Handler
	router  *mux.Router
	ts      core.TestServer
	worlds  *core.Worlds[*world] // by tenant and by client id

	// tokMu guards tokenRecs and every world's tokenOrder. It is never
	// held together with the registry's lock or a world's: under it only
	// the token maps and the tenants' clocks are read.
	tokMu     sync.RWMutex
	tokenRecs map[string]tokenRec // minted auth_tokens, until they expire
}

func defaultOptions() options {
	return options{
		EnvOptions: core.EnvOptions{Auth: core.AuthStrict}, tokenTTL: 30 * time.Minute, tokenLimit: 50,
		issueDelay: 5 * time.Second, orderDelay: 2 * time.Second, cancelWait: 30 * 24 * time.Hour,
		kycDelay: 2 * time.Minute, settleDelay: 24 * time.Hour, reportDelay: 10 * time.Second, depositDelay: time.Minute,
		panTokenTTL: 60 * time.Second, cardQuota: 1000, cardValidity: 3,
		initial: map[string]core.Decimal{"USD": core.MustDecimal("100000"), "SGD": core.MustDecimal("100000")},
		idemTTL: 24 * time.Hour, idemErrors: true,
		zone: zoneSG,
	}
}

// New returns a Server holding the default tenant. It does not listen; use
// Handler, or RunT for a test server.
func New(opts ...Option) (*Server, error) {
	o := defaultOptions()
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
		Env: env, opts: o,
		worlds: core.NewWorlds[*world](Name, "client_id", nil), tokenRecs: map[string]tokenRec{},
	}
	s.router = mux.NewRouter()
	s.routes(s.router)
	s.handler = s.router
	s.Webhooks.Register(Name, core.Endpoint{Sign: s.signWebhook})
	if _, err := s.AddTenant(s.Env.Default(), nil); err != nil {
		return nil, err
	}
	return s, nil
}

// RunT starts a test server on loopback with a frozen clock
// (2026-01-01T00:00:00Z), seed 1, strict auth and no issuing, order,
// report or deposit delay, closed when the test ends. Options override the
// defaults.
func RunT(t core.T, opts ...Option) *Server {
	t.Helper()
	o := options{initial: map[string]core.Decimal{}}
	for _, opt := range opts {
		_ = opt(&o)
	}
	base := append([]Option{WithIssueDelay(0), WithOrderDelay(0), WithReportDelay(0), WithDepositDelay(0)},
		core.RunTDefaults(o.EnvOptions, WithSeed, WithClock)...)
	s, err := New(append(base, opts...)...)
	if err != nil {
		t.Fatalf("uqpay.RunT: %v", err)
		return nil
	}
	s.ts.Start(s.Handler())
	t.Cleanup(s.Close)
	return s
}

// Handler returns the HTTP handler serving UQPay's paths.
func (s *Server) Handler() http.Handler { return s.handler }

// URL returns the base URL of a RunT server ("http://127.0.0.1:port"); the
// API paths start with /api/v1, so the SDK's BaseURL is URL()+"/api". It is
// "" for a Server from New.
func (s *Server) URL() string { return s.ts.URL() }

// BaseURL returns what the official SDK's Environment.BaseURL should be
// for a RunT server: URL() + "/api".
func (s *Server) BaseURL() string { return s.URL() + "/api" }

// Client returns an HTTP client for the RunT server.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Close stops a RunT server.
func (s *Server) Close() { s.ts.Close() }

// ClientID returns the default tenant's x-client-id.
func (s *Server) ClientID() string { return s.creds(core.DefaultTenant).ClientID }

// APIKey returns the default tenant's x-api-key.
func (s *Server) APIKey() string { return s.creds(core.DefaultTenant).APIKey }

// WebhookSecret returns the default tenant's webhook signing secret.
func (s *Server) WebhookSecret() string { return s.creds(core.DefaultTenant).WebhookSecret }

func (s *Server) creds(tenant string) Credentials {
	c, _ := s.Credentials(tenant)
	cr, _ := c.(Credentials)
	return cr
}

// SetWebhookURL sends the default tenant's UQPay webhooks to url.
func (s *Server) SetWebhookURL(url string) { s.Webhooks.SetURL(core.DefaultTenant, Name, url) }

// Reset clears the default tenant's UQPay state, this provider's journal
// entries, fault rules and webhook deliveries.
func (s *Server) Reset() {
	_ = s.ResetTenant(core.DefaultTenant)
	s.ClearProvider(Name)
}

// FlushWebhooks settles every tenant and delivers the webhooks that are
// due now, synchronously. Tests call it instead of waiting.
func (s *Server) FlushWebhooks(ctx context.Context) int {
	for _, id := range s.worlds.IDs() {
		s.Settle(id)
	}
	return s.Webhooks.Flush(ctx)
}

// byToken returns the world that minted a live auth_token.
func (s *Server) byToken(tok string) (*world, bool) {
	s.tokMu.RLock()
	defer s.tokMu.RUnlock()
	rec, ok := s.tokenRecs[tok]
	return rec.world, ok
}

// defaultWorld returns the default tenant's world.
func (s *Server) defaultWorld() *world { return s.worlds.Default() }

// Name returns the provider's name.
func (s *Server) Name() string { return Name }

// Prefixes returns the path prefixes UQPay owns on a shared listener.
func (s *Server) Prefixes() []string { return []string{"/api/"} }
