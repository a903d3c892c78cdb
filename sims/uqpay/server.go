package uqpay

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"sync"
	"time"

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

// Settings are every choice a UQPay tenant is simulated with, where the
// docs are silent or disagree, or a test wants another value (doc.go,
// "Deviations"). The Server's come from New's options over
// DefaultSettings; a tenant's "uqpay" object of POST /_mocksrv/tenants (or
// serve --tenant-options) sets any of them for that tenant, a field left
// out keeping the Server's.
type Settings struct {
	// ClientID and APIKey fix a tenant's credentials (both or neither),
	// WebhookSecret its webhook signing secret. The default tenant has
	// the documented DefaultClientID, DefaultAPIKey and
	// DefaultWebhookSecret; others random ones.
	ClientID      string `json:"client_id,omitempty"`
	APIKey        string `json:"api_key,omitempty"`
	WebhookSecret string `json:"webhook_secret,omitempty"`

	TokenTTL            core.Duration `json:"token_ttl"`             // auth_token lifetime
	TokenRateLimit      int           `json:"token_rate_limit"`      // tokens per client id per wall minute before 429; 0 is off
	RevokeTokens        bool          `json:"revoke_tokens"`         // a new auth_token revokes the client's older ones
	TokenBusinessExpiry bool          `json:"token_business_expiry"` // auth_tokens expire on the business clock, not the wall clock
	IssueDelay          core.Duration `json:"issue_delay"`           // a new card's PENDING time
	OrderDelay          core.Duration `json:"order_delay"`           // a status, recharge, withdraw or update order's PENDING time
	CancelWait          core.Duration `json:"cancel_wait"`           // PRE_CANCEL → CANCELLED
	KYCDelay            core.Duration `json:"kyc_delay"`             // a PENDING cardholder's wait for its KYC decision
	SettlementDelay     core.Duration `json:"settlement_delay"`      // an approved authorization's wait to settle
	ReportDelay         core.Duration `json:"report_delay"`          // until a report is downloadable
	DepositDelay        core.Duration `json:"deposit_delay"`         // a simulated deposit's PENDING time
	DepositReview       bool          `json:"deposit_review"`        // simulated deposits wait for the admin API's decision
	CardQuota           int           `json:"card_quota"`            // max_card_quota: cards per account and product; 0 is no limit

	// InitialBalances are the master account's opening issuing balances:
	// currency → decimal amount ({"USD":"500"}). A tenant's map is laid
	// over the Server's, currency by currency.
	InitialBalances map[string]string `json:"initial_balances"`

	IdempotencyTTL         core.Duration `json:"idempotency_ttl"`          // how long an x-idempotency-key is remembered (business clock)
	LenientIdempotencyKeys bool          `json:"lenient_idempotency_keys"` // any key up to 64 characters, not only a UUID
	IdempotentErrors       bool          `json:"idempotent_errors"`        // 4xx answers are replayed for a repeated key, like 2xx
	StrictPaging           bool          `json:"strict_paging"`            // page_size=0 and page_number=0 are refused
	WebhookMillis          bool          `json:"webhook_millis"`           // x-wk-timestamp in Unix milliseconds
	StringSimulatorAmounts bool          `json:"string_simulator_amounts"` // simulators' amounts as strings (SDK v3)

	// ManualClearing leaves approved authorizations uncleared until a card
	// event clears them (or they expire), instead of clearing them for
	// what they hold after SettlementDelay.
	ManualClearing bool          `json:"manual_clearing"`
	AuthExpiry     core.Duration `json:"auth_expiry"` // an uncleared authorization's life before it reverses; 0 is never

	// CardFees are monthly maintenance fees by form factor, in the card's
	// currency ({"VIRTUAL":"1","PHYSICAL":"5"}, the published examples'
	// amounts); none by default.
	CardFees map[string]string `json:"card_fees"`

	// Authorization Decision: the client's endpoint and armored PGP public
	// key (both or neither), the window (1–5 s), the action when no valid
	// answer comes in it (approve or decline), whether amounts go as JSON
	// numbers (the guide's float) rather than strings (what the Go SDK
	// reads as current), and mocksrv's own armored private key (generated
	// on first need when empty).
	DecisionURL           string        `json:"decision_url,omitempty"`
	DecisionPublicKey     string        `json:"decision_public_key,omitempty"`
	DecisionTimeout       core.Duration `json:"decision_timeout"`
	DecisionDefault       string        `json:"decision_default"`
	DecisionNumberAmounts bool          `json:"decision_number_amounts"`
	DecisionPrivateKey    string        `json:"decision_private_key,omitempty"`

	// Zone is the zone times render in: "UTC+8" (UQPay's, the default),
	// another fixed offset ("UTC-5", "UTC+5:30") or an IANA name
	// ("Asia/Singapore").
	Zone string `json:"zone"`
}

// DefaultSettings returns the settings a Server has when no option changes
// them.
func DefaultSettings() Settings {
	return Settings{
		TokenTTL: core.Duration(30 * time.Minute), TokenRateLimit: 50,
		IssueDelay: core.Duration(5 * time.Second), OrderDelay: core.Duration(2 * time.Second),
		CancelWait: core.Duration(30 * 24 * time.Hour), KYCDelay: core.Duration(2 * time.Minute),
		SettlementDelay: core.Duration(24 * time.Hour), ReportDelay: core.Duration(10 * time.Second),
		DepositDelay: core.Duration(time.Minute), CardQuota: 1000,
		InitialBalances: map[string]string{"USD": "100000", "SGD": "100000"},
		IdempotencyTTL:  core.Duration(24 * time.Hour), IdempotentErrors: true,
		AuthExpiry:      core.Duration(7 * 24 * time.Hour),
		DecisionTimeout: core.Duration(defaultDecisionTimeout), DecisionDefault: DecisionDecline,
		Zone: zoneSG.String(),
	}
}

// check reports the first setting that is out of range, naming it.
func (st Settings) check() error {
	switch {
	case (st.ClientID == "") != (st.APIKey == ""):
		return errors.New("give both client_id and api_key, or neither")
	case st.TokenTTL <= 0:
		return fmt.Errorf("token_ttl must be a positive duration, got %s", st.TokenTTL.D())
	case st.TokenRateLimit < 0:
		return fmt.Errorf("token_rate_limit must be 0 (off) or more, got %d", st.TokenRateLimit)
	case st.CardQuota < 0:
		return fmt.Errorf("card_quota must be 0 (no limit) or more, got %d", st.CardQuota)
	case st.IdempotencyTTL < 0:
		return fmt.Errorf("idempotency_ttl must not be negative, got %s", st.IdempotencyTTL.D())
	}
	for _, d := range []struct {
		name string
		v    core.Duration
	}{
		{"issue_delay", st.IssueDelay}, {"order_delay", st.OrderDelay}, {"cancel_wait", st.CancelWait},
		{"kyc_delay", st.KYCDelay}, {"settlement_delay", st.SettlementDelay}, {"report_delay", st.ReportDelay},
		{"deposit_delay", st.DepositDelay}, {"auth_expiry", st.AuthExpiry},
	} {
		if d.v < 0 {
			return fmt.Errorf("%s must not be negative, got %s", d.name, d.v.D())
		}
	}
	for _, cur := range sortedKeys(st.InitialBalances) {
		amt := st.InitialBalances[cur]
		if !knownCurrency(cur) {
			return fmt.Errorf("initial_balances: currency %q: want one of %v", cur, currencies)
		}
		if d, err := core.ParseDecimal(amt); err != nil || d.Sign() < 0 {
			return fmt.Errorf("initial_balances: %s %q: want a non-negative decimal", cur, amt)
		}
	}
	for _, form := range sortedKeys(st.CardFees) {
		if form != string(Virtual) && form != string(Physical) {
			return fmt.Errorf("card_fees: form factor %q: want VIRTUAL or PHYSICAL", form)
		}
		if d, err := core.ParseDecimal(st.CardFees[form]); err != nil || d.Sign() < 0 || d.Places() > 2 {
			return fmt.Errorf("card_fees: %s %q: want a non-negative amount with at most two decimals", form, st.CardFees[form])
		}
	}
	if err := checkDecision(st.DecisionURL, st.DecisionPublicKey, st.DecisionTimeout.D(), st.DecisionDefault); err != nil {
		return err
	}
	if _, err := decisionFromSettings(st); err != nil {
		return err
	}
	if _, err := parseZone(st.Zone); err != nil {
		return err
	}
	return nil
}

// Option configures a Server.
type Option = core.Option[Settings]

// The options every provider has.
var (
	// WithEnv shares an Env (clock, tenants, journal, faults, outbox) with
	// other providers; the Fleet does this. It conflicts with WithSeed and
	// WithClock, which configure an Env of the Server's own.
	WithEnv = core.WithEnv[Settings]
	// WithSeed seeds the fake data of a Server with its own Env. RunT
	// rejects 0.
	WithSeed = core.WithSeed[Settings]
	// WithClock gives a Server with its own Env this default-tenant clock.
	WithClock = core.WithClock[Settings]
	// WithAuth sets how strictly credentials are checked (default strict).
	WithAuth = core.WithAuth[Settings]
)

// WithSettings replaces the Server's settings: every tenant's, unless its
// options say otherwise.
func WithSettings(st Settings) Option { return core.Set(func(s *Settings) { *s = st }) }

// WithTokenTTL sets the lifetime of an auth_token (default 30 minutes, as
// published).
func WithTokenTTL(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.TokenTTL = core.Duration(d) })
}

// WithTokenRateLimit sets how many tokens one client id may fetch per
// minute of wall time before 429 (default 50, as published; 0 turns the
// limit off).
func WithTokenRateLimit(n int) Option { return core.Set(func(s *Settings) { s.TokenRateLimit = n }) }

// WithTokenRevocation makes a new auth_token revoke the client's older
// ones. The docs disagree (the Card Issuance FAQ says one token at a time,
// the Access Token reference says Card Issuance tokens coexist); by default
// tokens coexist.
func WithTokenRevocation(on bool) Option { return core.Set(func(s *Settings) { s.RevokeTokens = on }) }

// WithTokenBusinessExpiry makes auth_tokens expire on the tenant's business
// clock instead of the wall clock. Off by default: the official SDK decides
// when to refresh from its own wall clock and never retries a 401, so
// moving business time would otherwise lock it out.
func WithTokenBusinessExpiry(on bool) Option {
	return core.Set(func(s *Settings) { s.TokenBusinessExpiry = on })
}

// WithIssueDelay sets how long, on the business clock, a new card stays
// PENDING before it turns ACTIVE or FAILED (default 5 s; RunT 0, so the
// next request sees the outcome). A negative delay is 0.
func WithIssueDelay(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.IssueDelay = core.Duration(max(d, 0)) })
}

// WithOrderDelay sets how long status, recharge, withdraw and update
// orders stay PENDING before they complete (default 2 s; RunT 0). A
// negative delay is 0.
func WithOrderDelay(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.OrderDelay = core.Duration(max(d, 0)) })
}

// WithCancelWait sets how long a cancelled card stays PRE_CANCEL before it
// becomes CANCELLED and its balance is refunded (default 30 days). A
// negative wait is 0.
func WithCancelWait(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.CancelWait = core.Duration(max(d, 0)) })
}

// WithKYCDelay sets how long a PENDING cardholder waits for its KYC
// decision (default 2 minutes). A negative delay is 0.
func WithKYCDelay(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.KYCDelay = core.Duration(max(d, 0)) })
}

// WithSettlementDelay sets how long an approved authorization waits before
// it settles (default 24 hours). A negative delay is 0.
func WithSettlementDelay(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.SettlementDelay = core.Duration(max(d, 0)) })
}

// WithReportDelay sets how long a report takes to become downloadable
// (default 10 s; RunT 0). A negative delay is 0.
func WithReportDelay(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.ReportDelay = core.Duration(max(d, 0)) })
}

// WithDepositDelay sets how long a simulated deposit stays PENDING before
// it is approved and credited (default 1 minute; RunT 0, so the next
// request sees it COMPLETED). A negative delay is 0.
func WithDepositDelay(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.DepositDelay = core.Duration(max(d, 0)) })
}

// WithDepositReview leaves simulated deposits PENDING until the admin API
// decides them (POST …/uqpay/deposit_decisions), as the real sandbox's
// manual approval does. Off by default: they complete after the deposit
// delay.
func WithDepositReview(on bool) Option { return core.Set(func(s *Settings) { s.DepositReview = on }) }

// WithCardQuota sets max_card_quota: how many cards each account may issue
// per product before new cards fail with insufficient_sub_bin (default
// 1000).
func WithCardQuota(n int) Option { return core.Set(func(s *Settings) { s.CardQuota = n }) }

// WithInitialBalance sets the master account's opening issuing balance in a
// currency (defaults: 100000 USD and 100000 SGD).
func WithInitialBalance(currency, amount string) Option {
	return core.Set(func(s *Settings) {
		m := maps.Clone(s.InitialBalances) // never write a map another Settings shares
		if m == nil {
			m = map[string]string{}
		}
		m[currency] = amount
		s.InitialBalances = m
	})
}

// WithIdempotencyTTL sets how long an x-idempotency-key is remembered on
// the business clock (default 24 hours, as published).
func WithIdempotencyTTL(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.IdempotencyTTL = core.Duration(d) })
}

// WithLenientIdempotencyKeys accepts any x-idempotency-key up to 64
// characters instead of requiring a UUID.
func WithLenientIdempotencyKeys(on bool) Option {
	return core.Set(func(s *Settings) { s.LenientIdempotencyKeys = on })
}

// WithIdempotentErrors says whether a 4xx answer is replayed for a repeated
// key like a success is (default true); off, only 2xx answers are kept.
func WithIdempotentErrors(on bool) Option {
	return core.Set(func(s *Settings) { s.IdempotentErrors = on })
}

// WithStrictPaging refuses page_size=0 and page_number=0. By default they
// mean "use the default", because the official SDK always sends both
// parameters and sends 0 when the caller left them unset.
func WithStrictPaging(on bool) Option { return core.Set(func(s *Settings) { s.StrictPaging = on }) }

// WithWebhookMillis sends x-wk-timestamp in Unix milliseconds (as the
// Webhook Hub now does) instead of seconds (the default, which every SDK
// verifier accepts).
func WithWebhookMillis(on bool) Option { return core.Set(func(s *Settings) { s.WebhookMillis = on }) }

// WithStringSimulatorAmounts renders the simulation endpoints' amounts as
// decimal strings (SDK v3) instead of numbers (SDK v2, the default).
func WithStringSimulatorAmounts(on bool) Option {
	return core.Set(func(s *Settings) { s.StringSimulatorAmounts = on })
}

// WithManualClearing leaves approved authorizations uncleared until a
// card event (or Clear) clears them, or they expire, instead of clearing
// them after the settlement delay.
func WithManualClearing(on bool) Option { return core.Set(func(s *Settings) { s.ManualClearing = on }) }

// WithAuthExpiry sets how long an authorization that never clears holds
// its money before it reverses (default 7 days; 0 never).
func WithAuthExpiry(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.AuthExpiry = core.Duration(max(d, 0)) })
}

// WithCardFee charges cards of a form factor (Virtual, Physical) a
// monthly maintenance fee in their currency ("1"), first when they turn
// ACTIVE (issuing.fee.card).
func WithCardFee(form FormFactor, amount string) Option {
	return core.Set(func(s *Settings) {
		m := maps.Clone(s.CardFees)
		if m == nil {
			m = map[string]string{}
		}
		m[string(form)] = amount
		s.CardFees = m
	})
}

// WithDecisionEndpoint registers the default tenant's Authorization
// Decision endpoint and the armored PGP public key its requests are
// encrypted to.
func WithDecisionEndpoint(url, publicKey string) Option {
	return core.Set(func(s *Settings) { s.DecisionURL, s.DecisionPublicKey = url, publicKey })
}

// WithDecisionTimeout sets the decision window (1–5 s; default 2 s).
func WithDecisionTimeout(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.DecisionTimeout = core.Duration(d) })
}

// WithDecisionDefault sets what happens when no valid decision comes in
// the window: DecisionApprove or DecisionDecline (the default).
func WithDecisionDefault(action string) Option {
	return core.Set(func(s *Settings) { s.DecisionDefault = action })
}

// WithDecisionKey fixes mocksrv's own PGP key (armored, unprotected
// private key) instead of generating one per tenant on first need: tests
// sharing one key skip RSA generation.
func WithDecisionKey(privateKey string) Option {
	return core.Set(func(s *Settings) { s.DecisionPrivateKey = privateKey })
}

// WithZone sets the zone times are rendered in (default UTC+8, UQPay's).
// A zone neither fixed nor named in the IANA database is kept as its
// offset.
func WithZone(loc *time.Location) Option {
	return core.Set(func(s *Settings) { s.Zone = zoneName(loc) })
}

// Server simulates UQPay Card Issuance for every tenant of its Env.
type Server struct {
	*core.Host[*world] // Handler, URL, Client, Close, Reset, FlushWebhooks; Clock, Journal, Faults

	worlds *core.Worlds[*world] // by tenant and by client id
	set    Settings             // the Server's settings, every tenant's starting point

	// tokMu guards tokenRecs and every world's tokenOrder. It may be taken
	// while a world's lock is held, never the other way round, and never
	// with the registry's lock: under it only the token maps and the
	// tenants' clocks and settings are read.
	tokMu     sync.RWMutex
	tokenRecs map[string]tokenRec // minted auth_tokens, until they expire

	decisionClient *http.Client // decision requests; safe for concurrent use
}

// New returns a Server holding the default tenant. It does not listen; use
// Handler, or RunT for a test server.
func New(opts ...Option) (*Server, error) {
	o, env, err := core.ReadOptions(Name, DefaultSettings(), opts)
	if err != nil {
		return nil, err
	}
	if err := o.Settings.check(); err != nil {
		return nil, fmt.Errorf("uqpay: %w", err)
	}
	o.Settings.InitialBalances = maps.Clone(o.Settings.InitialBalances) // the caller's maps stay the caller's
	o.Settings.CardFees = maps.Clone(o.Settings.CardFees)
	s := &Server{set: o.Settings, tokenRecs: map[string]tokenRec{}, decisionClient: newDecisionClient()}
	s.worlds = core.NewWorlds(Name, "client_id", s.settleLocked)
	s.Host = core.NewHost(env, core.HostConfig[*world]{
		Name: Name, Prefixes: Spec().Prefixes, Worlds: s.worlds, Routes: s.routes,
		Wire:    core.Wire{Provider: Name, Identify: s.identify, WriteError: s.writeError},
		Webhook: core.Endpoint{Sign: s.signWebhook},
		Hooks:   s.hooks(),
	})
	if err := core.AddDefaultTenant(s.Host); err != nil {
		return nil, err
	}
	return s, o.RunSetup(s)
}

// RunT starts a test server on loopback with a frozen clock
// (2026-01-01T00:00:00Z), seed 1, strict auth and no issuing, order,
// report or deposit delay, closed when the test ends. Options override the
// defaults.
func RunT(t core.T, opts ...Option) *Server {
	t.Helper()
	return core.RunT(t, Name, New, opts, WithIssueDelay(0), WithOrderDelay(0), WithReportDelay(0), WithDepositDelay(0))
}

// ClientID returns the default tenant's x-client-id.
func (s *Server) ClientID() string { return s.creds(core.DefaultTenant).ClientID }

// APIKey returns the default tenant's x-api-key.
func (s *Server) APIKey() string { return s.creds(core.DefaultTenant).APIKey }

// WebhookSecret returns the default tenant's webhook signing secret.
func (s *Server) WebhookSecret() string { return s.creds(core.DefaultTenant).WebhookSecret }

func (s *Server) creds(tenant string) Credentials {
	if w, ok := s.worlds.Get(tenant); ok {
		return w.creds
	}
	return Credentials{}
}

// SetWebhookURL sends the default tenant's UQPay webhooks to url.
func (s *Server) SetWebhookURL(url string) { s.Webhooks.SetURL(core.DefaultTenant, Name, url) }

// byToken returns the world that minted a live auth_token.
func (s *Server) byToken(tok string) (*world, bool) {
	s.tokMu.RLock()
	defer s.tokMu.RUnlock()
	rec, ok := s.tokenRecs[tok]
	return rec.world, ok
}
