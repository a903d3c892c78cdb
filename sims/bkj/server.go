package bkj

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
const Name = "bkj"

// BasePath is where bkj's OpenAPI lives on the host (uat.bkj.com in real
// life).
const BasePath = "/openapi/v1"

var prefixes = []string{"/openapi/"}

// Default credentials of the default tenant.
const (
	DefaultAPIKey    = "mocksrv-bkj-key-default"
	DefaultAPISecret = "mocksrv-bkj-secret-default"
)

// Credentials are a tenant's bkj API credentials.
type Credentials struct {
	APIKey    string `json:"api_key"`
	APISecret string `json:"api_secret"`
}

func newCredentials(tenant string) Credentials {
	if tenant == core.DefaultTenant {
		return Credentials{DefaultAPIKey, DefaultAPISecret}
	}
	return Credentials{"bkj-" + core.RandomHex(12), core.RandomHex(16)}
}

// Delays are the business-clock durations of bkj's asynchronous steps.
// A zero delay makes a step complete at the next request (the response of
// the call that started it still shows the intermediate status).
type Delays struct {
	Open             time.Duration // opening → active (virtual cards)
	Produce          time.Duration // pre_producing → producing (physical)
	Ship             time.Duration // producing → shipping
	Deliver          time.Duration // shipping → processing (delivered, awaiting activation)
	ActivationReview time.Duration // activate_reviewing → active
	Freeze           time.Duration // processing_frozen → frozen
	Unfreeze         time.Duration // processing_unfrozen → active
	Delete           time.Duration // pre_delete → deleted
	KYCReview        time.Duration // KYC pending → approved or rejected
	Withdrawal       time.Duration // withdrawal pending → success or failed
	Clearing         time.Duration // card purchase pending → success
}

// DefaultDelays are the delays of a Server from New: realistic enough for
// a client's polling code, short enough for manual QA.
func DefaultDelays() Delays {
	return Delays{
		Open: 30 * time.Second, Produce: time.Hour, Ship: 24 * time.Hour, Deliver: 72 * time.Hour,
		ActivationReview: time.Minute, Freeze: 5 * time.Second, Unfreeze: 5 * time.Second,
		Delete: 24 * time.Hour, KYCReview: 2 * time.Minute, Withdrawal: 10 * time.Minute, Clearing: 24 * time.Hour,
	}
}

type options struct {
	core.EnvOptions
	delays      Delays
	delaysSet   bool
	tsWindow    time.Duration
	nonceTTL    time.Duration
	showSTS     bool
	signReplies bool
	zone        *time.Location
	idemTTL     time.Duration
	cardYears   int
	kycLinkBase string
	kycTokenTTL time.Duration
	pageDefault int
	pageMax     int
	rateLimit   int
	cards       []Card
	webhookZone *time.Location
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

// WithAuth sets how strictly requests are checked (default strict):
// lenient wants the four signing headers but verifies nothing, off wants
// nothing and serves the tenant of X-Api-Key, or the default one.
func WithAuth(m core.AuthMode) Option { return func(o *options) error { o.Auth = m; return nil } }

// WithDelays sets the business-clock delays of every asynchronous step.
// New uses DefaultDelays; RunT uses zero delays unless this option (or
// WithFreezeDelay) is given.
func WithDelays(d Delays) Option {
	return func(o *options) error {
		for _, v := range []time.Duration{d.Open, d.Produce, d.Ship, d.Deliver, d.ActivationReview, d.Freeze,
			d.Unfreeze, d.Delete, d.KYCReview, d.Withdrawal, d.Clearing} {
			if v < 0 {
				return errors.New("bkj: delays must not be negative")
			}
		}
		o.delays, o.delaysSet = d, true
		return nil
	}
}

// WithFreezeDelay sets how long a freeze stays processing_frozen and an
// unfreeze processing_unfrozen (STYLE.md's knob; WithDelays sets them all).
func WithFreezeDelay(d time.Duration) Option {
	return func(o *options) error {
		if d < 0 {
			return errors.New("bkj: freeze delay must not be negative")
		}
		if !o.delaysSet {
			o.delays, o.delaysSet = o.baseDelays(), true
		}
		o.delays.Freeze, o.delays.Unfreeze = d, d
		return nil
	}
}

// WithTimestampWindow sets how far X-Timestamp may be from wall time,
// either way (default 300 s).
func WithTimestampWindow(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return errors.New("bkj: timestamp window must be positive")
		}
		o.tsWindow = d
		return nil
	}
}

// WithNonceTTL sets how long a nonce stays used per API key (default
// 10 min).
func WithNonceTTL(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return errors.New("bkj: nonce TTL must be positive")
		}
		o.nonceTTL = d
		return nil
	}
}

// WithStringToSign says whether a signature mismatch error shows the
// string-to-sign the server computed, and the debug endpoints the expected
// signature (default true).
func WithStringToSign(show bool) Option {
	return func(o *options) error { o.showSTS = show; return nil }
}

// WithResponseSigning says whether responses carry X-Timestamp, X-Nonce
// and X-Signature (default true).
func WithResponseSigning(on bool) Option {
	return func(o *options) error { o.signReplies = on; return nil }
}

// WithTimezone sets the zone times render in when a request sends no
// Timezone header (default UTC).
func WithTimezone(loc *time.Location) Option {
	return func(o *options) error {
		if loc == nil {
			return errors.New("bkj: nil time zone")
		}
		o.zone = loc
		return nil
	}
}

// WithWebhookTimezone sets the zone webhook payload times render in
// (default UTC).
func WithWebhookTimezone(loc *time.Location) Option {
	return func(o *options) error {
		if loc == nil {
			return errors.New("bkj: nil time zone")
		}
		o.webhookZone = loc
		return nil
	}
}

// WithIdempotencyTTL sets how long, on the business clock, an
// X-Idempotency-Key remembers its first response (default 24 h).
func WithIdempotencyTTL(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return errors.New("bkj: idempotency TTL must be positive")
		}
		o.idemTTL = d
		return nil
	}
}

// WithCardValidity sets how many years a new card is valid (default 3); a
// card expires at the end of its expiry month.
func WithCardValidity(years int) Option {
	return func(o *options) error {
		if years < 1 || years > 10 {
			return errors.New("bkj: card validity must be 1 to 10 years")
		}
		o.cardYears = years
		return nil
	}
}

// WithKYCLink sets the base URL of the KYC H5 links (default
// https://kyc.sandbox.mocksrv.local/h5) and how long tokens and links live
// on the business clock (default 30 min).
func WithKYCLink(base string, ttl time.Duration) Option {
	return func(o *options) error {
		if base == "" || ttl <= 0 {
			return errors.New("bkj: KYC link needs a base URL and a positive TTL")
		}
		o.kycLinkBase, o.kycTokenTTL = base, ttl
		return nil
	}
}

// WithPaging sets the default and largest take of list endpoints (default
// 10 and 100).
func WithPaging(def, max int) Option {
	return func(o *options) error {
		if def < 1 || max < def {
			return errors.New("bkj: paging needs 1 <= default <= max")
		}
		o.pageDefault, o.pageMax = def, max
		return nil
	}
}

// WithRateLimit allows at most n requests per second per API key before
// the rate-limit error (default 0: no limit; faults can still inject it).
func WithRateLimit(n int) Option {
	return func(o *options) error {
		if n < 0 {
			return errors.New("bkj: rate limit must not be negative")
		}
		o.rateLimit = n
		return nil
	}
}

// WithCards adds cards to the default tenant at start, as AddCard does.
func WithCards(cards ...Card) Option {
	return func(o *options) error { o.cards = append(o.cards, cards...); return nil }
}

func (o *options) baseDelays() Delays {
	if o.delaysSet {
		return o.delays
	}
	return DefaultDelays()
}

// Server simulates bkj's OpenAPI for every tenant of its Env.
type Server struct {
	*core.Env
	opts    options
	handler http.Handler
	router  *mux.Router
	ts      core.TestServer
	worlds  *core.Worlds[*world] // by tenant and by X-Api-Key
}

// New returns a Server holding the default tenant. It does not listen; use
// Handler, or RunT for a test server.
func New(opts ...Option) (*Server, error) {
	o := options{
		EnvOptions: core.EnvOptions{Auth: core.AuthStrict}, tsWindow: 300 * time.Second, nonceTTL: 10 * time.Minute, showSTS: true,
		signReplies: true, zone: time.UTC, webhookZone: time.UTC, idemTTL: 24 * time.Hour, cardYears: 3,
		kycLinkBase: "https://kyc.sandbox.mocksrv.local/h5", kycTokenTTL: 30 * time.Minute,
		pageDefault: 10, pageMax: 100,
	}
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	o.delays = o.baseDelays()
	env, err := o.ResolveEnv(Name)
	if err != nil {
		return nil, err
	}
	s := &Server{Env: env, opts: o, worlds: core.NewWorlds[*world](Name, "api_key", nil)}
	s.router = mux.NewRouter()
	s.routes(s.router)
	s.handler = s.router
	s.Webhooks.Register(Name, core.Endpoint{Sign: s.signWebhook})
	if _, err := s.AddTenant(s.Env.Default(), nil); err != nil {
		return nil, err
	}
	for _, c := range o.cards {
		if _, err := s.addCard(core.DefaultTenant, c); err != nil {
			return nil, fmt.Errorf("bkj: WithCards: %w", err)
		}
	}
	return s, nil
}

// RunT starts a test server on loopback with a frozen clock
// (2026-01-01T00:00:00Z), seed 1, strict auth and zero delays (each
// asynchronous step shows in the response that starts it and is done by the
// next request; WithDelays brings them back), closed when the test ends.
func RunT(t core.T, opts ...Option) *Server {
	t.Helper()
	o := options{}
	for _, opt := range opts {
		_ = opt(&o)
	}
	defaults := core.RunTDefaults(o.EnvOptions, WithSeed, WithClock)
	if !o.delaysSet {
		defaults = append(defaults, WithDelays(Delays{}))
	}
	s, err := New(append(defaults, opts...)...)
	if err != nil {
		t.Fatalf("bkj.RunT: %v", err)
		return nil
	}
	s.ts.Start(s.Handler())
	t.Cleanup(s.Close)
	return s
}

// Handler returns the HTTP handler serving bkj's paths.
func (s *Server) Handler() http.Handler { return s.handler }

// URL returns the base URL of a RunT server ("http://127.0.0.1:port"); the
// API paths start with /openapi/v1. It is "" for a Server from New.
func (s *Server) URL() string { return s.ts.URL() }

// Client returns an HTTP client for the RunT server.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Close stops a RunT server.
func (s *Server) Close() { s.ts.Close() }

// APIKey returns the default tenant's X-Api-Key (DefaultAPIKey unless a
// restored state file says otherwise).
func (s *Server) APIKey() string { return s.defaultWorld().creds.APIKey }

// Secret returns the default tenant's api_secret.
func (s *Server) Secret() string { return s.defaultWorld().creds.APISecret }

// Reset clears the default tenant's bkj state, this provider's journal
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

// SetWebhookURL sends the default tenant's bkj webhooks to url.
func (s *Server) SetWebhookURL(url string) { s.Webhooks.SetURL(core.DefaultTenant, Name, url) }

// defaultWorld returns the default tenant's world.
func (s *Server) defaultWorld() *world { return s.worlds.Default() }

// Name returns the provider's name.
func (s *Server) Name() string { return Name }

// Prefixes returns the path prefixes bkj owns on a shared listener.
func (s *Server) Prefixes() []string { return prefixes }
