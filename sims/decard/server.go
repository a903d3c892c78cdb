package decard

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/mux"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Name is the provider's name in the journal, fault rules and admin API.
const Name = "decard"

// prefixes are the path prefixes DeCard owns on a shared listener: every
// API group of the host root, and /ws/ for the WebSocket stream (which the
// real service serves on its own stream host).
var prefixes = []string{"/card/", "/account/", "/captcha/", "/user-asset/", "/crypto/", "/redirect/", "/websocket/", "/simulation/",
	"/qrpay/", "/financial-connection/", "/kyc/", "/ws/"}

// Default credentials of the default tenant. The secret is the Base64 of
// 32 bytes, as DeCard's are: HMAC signing uses its UTF-8 text, and the
// optional AES encryption of mobile numbers uses its Base64-decoded bytes
// as an AES-256 key (see doc.go, "Auth").
const (
	DefaultAPIKey    = "mocksrv-decard-key-default"
	DefaultAPISecret = "e8uMRJCOfeSOZpNrdr7hh4nilIDY/Erayt0KxsEHmzM="
)

// DefaultSMSCode is the sandbox SMS verification code (the Postman
// collection's samples all send 111111).
const DefaultSMSCode = "111111"

// Credentials are a tenant's DeCard API credentials.
type Credentials struct {
	APIKey    string `json:"api_key"`
	APISecret string `json:"api_secret"`
}

type options struct {
	core.EnvOptions
	tsWindow   time.Duration
	anyNonce   bool
	nonceOnly  bool
	smsCode    string
	smsTTL     time.Duration
	smsGap     time.Duration
	smsTries   int
	kycSubmit  time.Duration
	kycReview  time.Duration
	issueDelay time.Duration
	postDelay  time.Duration
	stmtDay    int
	channelTTL time.Duration
	msgLog     int
	lenientKYC bool
	poaMaxAge  time.Duration
	pool       core.Decimal
	linkBase   string
	depDelay   time.Duration
	rates      map[string]core.Decimal
	strictGET  bool
	qrTTL      time.Duration
	fcSettle   time.Duration
	fcFee      core.Decimal
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

// WithTimestampWindow sets how far X-DAPI-TIMESTAMP may be from the wall
// clock, either way (default 5 s, as published).
func WithTimestampWindow(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return errors.New("decard: timestamp window must be positive")
		}
		o.tsWindow = d
		return nil
	}
}

// WithAnyNonce accepts any non-empty X-DAPI-NONCE of up to 64 characters
// instead of only integers 10000–99999 (what every published client sends).
func WithAnyNonce(on bool) Option { return func(o *options) error { o.anyNonce = on; return nil } }

// WithNonceOnlyReplay refuses a nonce used by the same API key within the
// timestamp window whatever its timestamp. By default a replay is the same
// (API key, timestamp, nonce), so two requests that happen to draw the same
// random nonce in different milliseconds both pass.
func WithNonceOnlyReplay(on bool) Option {
	return func(o *options) error { o.nonceOnly = on; return nil }
}

// WithSMSCode sets the sandbox SMS code every send-mobile-code "sends"
// (default 111111).
func WithSMSCode(code string) Option {
	return func(o *options) error {
		if code == "" {
			return errors.New("decard: the SMS code must not be empty")
		}
		o.smsCode = code
		return nil
	}
}

// WithSMSValidity sets how long an SMS code stays valid on the business
// clock (default 5 minutes, as published).
func WithSMSValidity(d time.Duration) Option {
	return func(o *options) error { o.smsTTL = d; return nil }
}

// WithSMSInterval sets the shortest business-time gap between two codes
// for the same phone and purpose; a faster send is RISK_FAILED (default
// 60 s; 0 turns the limit off).
func WithSMSInterval(d time.Duration) Option {
	return func(o *options) error { o.smsGap = d; return nil }
}

// WithSMSAttempts sets how many wrong codes a phone may try before
// MFA_FAILED_FREEZE (default 5).
func WithSMSAttempts(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return errors.New("decard: SMS attempts must be at least 1")
		}
		o.smsTries = n
		return nil
	}
}

// WithKYCDelays sets the business-time steps of a KYC review: INIT to
// PENDING (submit, default 1 min) and PENDING to PASS or REFUSE (review,
// default 3 min, DeCard's published auto-review time).
func WithKYCDelays(submit, review time.Duration) Option {
	return func(o *options) error {
		if submit < 0 || review < 0 {
			return errors.New("decard: KYC delays must not be negative")
		}
		o.kycSubmit, o.kycReview = submit, review
		return nil
	}
}

// WithIssueDelay sets how long after the KYC passes a virtual card is
// issued and its application turns SUCCESS (default 1 min).
func WithIssueDelay(d time.Duration) Option {
	return func(o *options) error { o.issueDelay = d; return nil }
}

// WithPostingDelay sets how long an approved authorisation stays
// unposted (postIndicator 0) before it posts (default 24 h).
func WithPostingDelay(d time.Duration) Option {
	return func(o *options) error { o.postDelay = d; return nil }
}

// WithStatementDay sets the day of the month (1–28) statements close on,
// at 00:00 UTC; the next cycle starts the day after (default 1, as the
// published example dates show).
func WithStatementDay(day int) Option {
	return func(o *options) error {
		if day < 1 || day > 28 {
			return fmt.Errorf("decard: statement day %d: want 1-28", day)
		}
		o.stmtDay = day
		return nil
	}
}

// WithChannelTTL sets a WebSocket channel's lifetime on the business clock
// (default 24 h, as published; 0 never expires).
func WithChannelTTL(d time.Duration) Option {
	return func(o *options) error { o.channelTTL = d; return nil }
}

// WithMessageLog sets how many pushed messages a tenant keeps for
// /websocket/v1/search (default 10,000).
func WithMessageLog(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return errors.New("decard: the message log must hold at least one message")
		}
		o.msgLog = n
		return nil
	}
}

// WithLenientKYCInfo accepts virtual-card applications the way the Java
// connector sends them: email, jobSeniority and sourceOfFundsCountry may be
// missing and dictionary values are not checked. By default every kycInfo
// field is required and checked against the published dictionaries.
func WithLenientKYCInfo(on bool) Option {
	return func(o *options) error { o.lenientKYC = on; return nil }
}

// WithPOAMaxAge sets how old a dated proof-of-address document may be
// (default 90 days, 75 for France, per the poaDocType dictionary; 0 turns
// the age check off).
func WithPOAMaxAge(d time.Duration) Option {
	return func(o *options) error { o.poaMaxAge = d; return nil }
}

// WithFundPool sets how much of each asset a tenant's fund pool holds for
// /user-asset/v1/credit (default 1,000,000).
func WithFundPool(amount string) Option {
	return func(o *options) error {
		d, err := core.ParseDecimal(amount)
		if err != nil || d.Sign() < 0 {
			return fmt.Errorf("decard: fund pool %q: want a non-negative decimal", amount)
		}
		o.pool = d
		return nil
	}
}

// WithLinkBase sets the host of the one-time links guidance-link returns
// (default https://h5.decard.mocksrv.local).
func WithLinkBase(base string) Option {
	return func(o *options) error { o.linkBase = strings.TrimRight(base, "/"); return nil }
}

// WithDepositDelay sets each business-time step of a simulated deposit
// order (PENDING_NORMAL → PENDING_CREDIT → SUCCESS; default 1 min).
func WithDepositDelay(d time.Duration) Option {
	return func(o *options) error { o.depDelay = d; return nil }
}

// WithRate sets how many units of a currency or asset one USD buys
// ("SGD", "1.35"), for fund-auth conversions and SGD statement amounts.
func WithRate(code, unitsPerUSD string) Option {
	return func(o *options) error {
		d, err := core.ParseDecimal(unitsPerUSD)
		if err != nil || d.Sign() <= 0 {
			return fmt.Errorf("decard: rate %s %q: want a positive decimal", code, unitsPerUSD)
		}
		o.rates[strings.ToUpper(code)] = d
		return nil
	}
}

// WithStrictQuerySignature refuses a GET whose X-DAPI-SIGN covers the query
// decoded (what the Java connector signs) rather than the query exactly as
// sent (what DeCard's docs and Postman collection sign). By default both
// pass and the decoded form is journaled with a warning.
func WithStrictQuerySignature(on bool) Option {
	return func(o *options) error { o.strictGET = on; return nil }
}

// WithQROrderTTL sets how long a created QR-pay order waits for its
// confirm before it is CLOSED (business time, default 15 minutes).
func WithQROrderTTL(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return errors.New("decard: the QR order lifetime must be positive")
		}
		o.qrTTL = d
		return nil
	}
}

// WithFCSettleDelay sets how long a financial-connection payment takes to
// settle into the partner's fund pool and a withdrawal to reach the payee's
// bank (business time, default 10 minutes).
func WithFCSettleDelay(d time.Duration) Option {
	return func(o *options) error { o.fcSettle = d; return nil }
}

// WithFCWithdrawFee sets the flat fee a financial-connection withdrawal
// pays, in the withdrawal's currency, into the partner's fund pool
// (default 0: settleAmount equals amount).
func WithFCWithdrawFee(amount string) Option {
	return func(o *options) error {
		d, err := core.ParseDecimal(amount)
		if err != nil || d.Sign() < 0 {
			return fmt.Errorf("decard: withdrawal fee %q: want a non-negative decimal", amount)
		}
		o.fcFee = d
		return nil
	}
}

// Server simulates DeCard for every tenant of its Env.
type Server struct {
	*core.Env
	opts    options
	handler http.Handler
	router  *mux.Router
	ts      core.TestServer
	worlds  *core.Worlds[*world] // by tenant and by API key

	chMu     sync.Mutex        // guards channels; never held while taking a world's lock
	channels map[string]string // WebSocket channel → tenant ID
}

// New returns a Server holding the default tenant. It does not listen; use
// Handler, or RunT for a test server.
func New(opts ...Option) (*Server, error) {
	o := options{
		EnvOptions: core.EnvOptions{Auth: core.AuthStrict}, tsWindow: 5 * time.Second, smsCode: DefaultSMSCode, smsTTL: 5 * time.Minute,
		smsGap: time.Minute, smsTries: 5, kycSubmit: time.Minute, kycReview: 3 * time.Minute,
		issueDelay: time.Minute, postDelay: 24 * time.Hour, stmtDay: 1, channelTTL: 24 * time.Hour,
		msgLog: 10_000, poaMaxAge: 90 * 24 * time.Hour, pool: core.MustDecimal("1000000"),
		linkBase: "https://h5.decard.mocksrv.local", depDelay: time.Minute, rates: defaultRates(),
		qrTTL: 15 * time.Minute, fcSettle: 10 * time.Minute,
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
		Env: env, opts: o, worlds: core.NewWorlds[*world](Name, "api_key", nil),
		channels: map[string]string{},
	}
	s.router = mux.NewRouter()
	s.routes(s.router)
	s.handler = s.router
	s.Webhooks.Register(Name, core.Endpoint{Sign: s.signWebhook, Accept: acceptWebhook})
	if _, err := s.AddTenant(s.Env.Default(), nil); err != nil {
		return nil, err
	}
	return s, nil
}

// RunT starts a test server on loopback with a frozen clock
// (2026-01-01T00:00:00Z), seed 1 and strict auth, closed when the test
// ends.
func RunT(t core.T, opts ...Option) *Server {
	t.Helper()
	o := options{rates: map[string]core.Decimal{}}
	for _, opt := range opts {
		_ = opt(&o)
	}
	s, err := New(append(core.RunTDefaults(o.EnvOptions, WithSeed, WithClock), opts...)...)
	if err != nil {
		t.Fatalf("decard.RunT: %v", err)
		return nil
	}
	s.ts.Start(s.Handler())
	t.Cleanup(s.Close)
	return s
}

// Handler returns the HTTP handler serving DeCard's paths.
func (s *Server) Handler() http.Handler { return s.handler }

// URL returns the base URL of a RunT server ("http://127.0.0.1:port"); the
// API paths start at the root (/card/v1/...). It is "" for a Server from
// New.
func (s *Server) URL() string { return s.ts.URL() }

// StreamURL returns the WebSocket URL of a channel on a RunT server
// ("ws://127.0.0.1:port/ws/{channel}").
func (s *Server) StreamURL(channel string) string {
	return "ws" + strings.TrimPrefix(s.URL(), "http") + "/ws/" + channel
}

// Client returns an HTTP client for the RunT server.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Close stops a RunT server and ends its WebSocket streams.
func (s *Server) Close() {
	for _, id := range s.worlds.IDs() {
		if w, ok := s.worlds.Get(id); ok {
			w.mu.Lock()
			w.dropSubscribersLocked()
			w.mu.Unlock()
		}
	}
	s.ts.CloseClientConnections()
	s.ts.Close()
}

// APIKey returns the default tenant's API key.
func (s *Server) APIKey() string { return s.defaultWorld().creds.APIKey }

// Secret returns the default tenant's API secret.
func (s *Server) Secret() string { return s.defaultWorld().creds.APISecret }

// Reset clears the default tenant's DeCard state, this provider's journal
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

// defaultWorld returns the default tenant's world.
func (s *Server) defaultWorld() *world { return s.worlds.Default() }

// byChannel returns the world a WebSocket channel belongs to.
func (s *Server) byChannel(channel string) (*world, bool) {
	s.chMu.Lock()
	tenant, ok := s.channels[channel]
	s.chMu.Unlock()
	if !ok {
		return nil, false
	}
	return s.worlds.Get(tenant)
}

func (s *Server) registerChannel(channel, tenant, retired string) {
	s.chMu.Lock()
	defer s.chMu.Unlock()
	if retired != "" {
		delete(s.channels, retired)
	}
	if channel != "" {
		s.channels[channel] = tenant
	}
}
