package keysecure

import (
	"errors"
	"fmt"
	"net/http"
	"time"

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

// Settings are every choice a KeySecure tenant is simulated with, where the
// docs are silent or a test wants another value (doc.go, "Deviations"). The
// Server's come from New's options over DefaultSettings; a tenant's object
// of POST /_mocksrv/tenants (or serve --tenant-options) sets any of them
// for that tenant, a field left out keeping the Server's.
type Settings struct {
	// APIKey and APISecret fix a tenant's credentials (both or neither).
	// The default tenant has the documented DefaultAPIKey and
	// DefaultAPISecret; others random ones.
	APIKey    string `json:"api_key,omitempty"`
	APISecret string `json:"api_secret,omitempty"`

	Mode            Mode          `json:"mode"`             // CREDIT_EXTENSION, AUTHORIZATION or BOTH
	PCI             bool          `json:"pci"`              // PCI card display enabled
	TokenTTL        core.Duration `json:"token_ttl"`        // Access-Token lifetime on the business clock
	TimestampWindow core.Duration `json:"timestamp_window"` // how old a Timestamp header may be (wall clock)
	TokenRateLimit  int           `json:"token_rate_limit"` // tokens per Api-Key per minute before 1009; 0 is none
	RevokeTokens    bool          `json:"revoke_tokens"`    // a new Access-Token revokes the older ones
	KYCStart        core.Duration `json:"kyc_start"`        // Pending → InProgress
	KYCDecide       core.Duration `json:"kyc_decide"`       // Pending → Approved or Rejected
	IssueDelay      core.Duration `json:"issue_delay"`      // how long a new card stays Pending
	CardValidity    int           `json:"card_validity"`    // years
	ClientTokenTTL  core.Duration `json:"client_token_ttl"` // one-time PCI client token lifetime
	AESKey          string        `json:"aes_key"`          // raw, sha256 or base64: how the api secret keys AES
	Reserve         core.Decimal  `json:"reserve"`          // the merchant's opening TUSDT reserve

	// Authorization mode (doc.go, "Card transactions"). AuthWindow is how
	// long an authorization waits for the merchant's answer to the Auth
	// callback (published: 800 ms). AuthOnRefusal is what a non-zero code
	// does and AuthFallback what no answer, a timeout or an answer that is
	// not {code, message} does — KeySecure's unpublished "authorization
	// orchestration strategy": "decline" or "approve".
	AuthWindow    core.Duration `json:"auth_window"`
	AuthOnRefusal string        `json:"auth_on_refusal"`
	AuthFallback  string        `json:"auth_fallback"`
	// AuthExpiry is how long an approved authorization waits for clearing
	// before it expires (reversed in full); ClearAfter, when positive,
	// clears an authorization by itself that long after it was approved.
	AuthExpiry core.Duration `json:"auth_expiry"`
	ClearAfter core.Duration `json:"clear_after"`
}

// DefaultSettings returns the settings a Server has when no option changes
// them.
func DefaultSettings() Settings {
	return Settings{
		Mode: ModeBoth, PCI: true,
		TokenTTL: core.Duration(2 * time.Hour), TimestampWindow: core.Duration(60 * time.Second), TokenRateLimit: 60,
		KYCStart: core.Duration(30 * time.Second), KYCDecide: core.Duration(2 * time.Minute),
		IssueDelay: core.Duration(time.Minute), CardValidity: 3, ClientTokenTTL: core.Duration(5 * time.Minute),
		AESKey: "raw", Reserve: core.MustDecimal("1000000.00"),
		AuthWindow: core.Duration(800 * time.Millisecond), AuthOnRefusal: AuthDecline, AuthFallback: AuthDecline,
		AuthExpiry: core.Duration(7 * 24 * time.Hour),
	}
}

// check reports the first setting that is out of range, naming it.
func (st Settings) check() error {
	switch {
	case (st.APIKey == "") != (st.APISecret == ""):
		return errors.New("give both api_key and api_secret, or neither")
	case st.Mode != ModeCredit && st.Mode != ModeAuthorization && st.Mode != ModeBoth:
		return fmt.Errorf("mode %q: want CREDIT_EXTENSION, AUTHORIZATION or BOTH", st.Mode)
	case st.TokenTTL <= 0:
		return fmt.Errorf("token_ttl %s must be positive", st.TokenTTL.D())
	case st.TimestampWindow < 0, st.KYCStart < 0, st.IssueDelay < 0, st.ClientTokenTTL < 0:
		return errors.New("timestamp_window, kyc_start, issue_delay and client_token_ttl must not be negative")
	case st.KYCDecide < st.KYCStart:
		return fmt.Errorf("kyc_decide %s must not be before kyc_start %s", st.KYCDecide.D(), st.KYCStart.D())
	case st.TokenRateLimit < 0:
		return fmt.Errorf("token_rate_limit %d must not be negative", st.TokenRateLimit)
	case st.CardValidity < 1:
		return fmt.Errorf("card_validity %d: want at least 1 year", st.CardValidity)
	case st.Reserve.Sign() < 0:
		return fmt.Errorf("reserve %s must not be negative", st.Reserve)
	case st.AuthWindow <= 0 || st.AuthWindow.D() > MaxAuthWindow:
		return fmt.Errorf("auth_window %s: want more than 0 and at most %s", st.AuthWindow.D(), MaxAuthWindow)
	case st.AuthOnRefusal != AuthDecline && st.AuthOnRefusal != AuthApprove:
		return fmt.Errorf("auth_on_refusal %q: want decline or approve", st.AuthOnRefusal)
	case st.AuthFallback != AuthDecline && st.AuthFallback != AuthApprove:
		return fmt.Errorf("auth_fallback %q: want decline or approve", st.AuthFallback)
	case st.AuthExpiry <= 0:
		return fmt.Errorf("auth_expiry %s must be positive", st.AuthExpiry.D())
	case st.ClearAfter < 0:
		return fmt.Errorf("clear_after %s must not be negative (0 waits for a clear event)", st.ClearAfter.D())
	}
	switch st.AESKey {
	case "raw", "sha256", "base64":
	default:
		return fmt.Errorf("AES key derivation %q: want raw, sha256 or base64", st.AESKey)
	}
	if st.APISecret != "" {
		if _, err := aesKey(st.APISecret, st.AESKey); err != nil {
			return fmt.Errorf("api_secret cannot key AES (%s derivation): %w", st.AESKey, err)
		}
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
	// WithSeed seeds the fake data of a Server with its own Env.
	WithSeed = core.WithSeed[Settings]
	// WithClock gives a Server with its own Env this default-tenant clock.
	WithClock = core.WithClock[Settings]
	// WithAuth sets how strictly credentials are checked (default strict).
	WithAuth = core.WithAuth[Settings]
)

// What the merchant's answer, or its absence, makes of an authorization
// (Settings.AuthOnRefusal, Settings.AuthFallback).
const (
	AuthDecline = "decline"
	AuthApprove = "approve"
)

// MaxAuthWindow bounds Settings.AuthWindow, so no tenant keeps an
// authorization waiting longer.
const MaxAuthWindow = 30 * time.Second

// WithAuthWindow sets how long an authorization waits for the merchant's
// answer to the Auth callback (default 800 ms, as published).
func WithAuthWindow(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.AuthWindow = core.Duration(d) })
}

// WithAuthStrategy sets what a non-zero code in the merchant's answer
// (onRefusal) and no usable answer (fallback) make of an authorization:
// AuthDecline or AuthApprove (defaults: both decline).
func WithAuthStrategy(onRefusal, fallback string) Option {
	return core.Set(func(s *Settings) { s.AuthOnRefusal, s.AuthFallback = onRefusal, fallback })
}

// WithAuthExpiry sets how long an approved authorization waits for
// clearing before it expires (default 7 days).
func WithAuthExpiry(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.AuthExpiry = core.Duration(d) })
}

// WithClearAfter makes approved authorizations clear by themselves d after
// approval (default 0: they wait for a clear event, or expire).
func WithClearAfter(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.ClearAfter = core.Duration(d) })
}

// WithSettings replaces the Server's settings: every tenant's, unless its
// options say otherwise.
func WithSettings(st Settings) Option { return core.Set(func(s *Settings) { *s = st }) }

// WithTokenTTL sets the Access-Token lifetime on the business clock
// (default 2h; the docs do not publish one).
func WithTokenTTL(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.TokenTTL = core.Duration(d) })
}

// WithTimestampWindow sets how old a Timestamp header may be (default 60 s,
// as published).
func WithTimestampWindow(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.TimestampWindow = core.Duration(d) })
}

// WithKYCDelay sets how long, on the business clock, a cardholder waits in
// Pending before review starts and before the decision (defaults 30 s and
// 2 min).
func WithKYCDelay(start, decide time.Duration) Option {
	return core.Set(func(s *Settings) { s.KYCStart, s.KYCDecide = core.Duration(start), core.Duration(decide) })
}

// WithIssueDelay sets how long a new card stays Pending (default 1 min).
func WithIssueDelay(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.IssueDelay = core.Duration(d) })
}

// WithMode sets the integration mode (default BOTH).
func WithMode(m Mode) Option { return core.Set(func(s *Settings) { s.Mode = m }) }

// WithTokenRevocation makes a new Access-Token revoke the older ones of
// the same Api-Key. By default tokens coexist (the docs do not say).
func WithTokenRevocation(on bool) Option { return core.Set(func(s *Settings) { s.RevokeTokens = on }) }

// WithTokenRateLimit sets how many tokens one Api-Key may fetch per minute
// before 1009 (default 60; 0 turns the limit off).
func WithTokenRateLimit(n int) Option { return core.Set(func(s *Settings) { s.TokenRateLimit = n }) }

// WithAESKey chooses how the AES key is derived from the api secret:
// "raw" (the secret's UTF-8 bytes, which must be 16, 24 or 32 long; the
// default), "sha256" (the secret's SHA-256) or "base64" (the secret
// Base64-decoded).
func WithAESKey(derivation string) Option {
	return core.Set(func(s *Settings) { s.AESKey = derivation })
}

// WithCards starts the default tenant with these cards, added as AddCard
// adds them: zero fields filled from the seeded faker, an approved
// cardholder made when none is named, status Activated unless set.
func WithCards(cards ...Card) Option {
	return core.Setup[Settings](func(server any) error {
		s := server.(*Server)
		for _, c := range cards {
			if _, err := s.AddCard(c); err != nil {
				return fmt.Errorf("keysecure: WithCards: %w", err)
			}
		}
		return nil
	})
}

// Server simulates KeySecure for every tenant of its Env.
type Server struct {
	*core.Host[*world] // Handler, URL, Client, Close, Reset, FlushWebhooks; Clock, Journal, Faults

	worlds     *core.Worlds[*world] // by tenant and by Api-Key
	set        Settings             // the Server's settings, every tenant's starting point
	authClient *http.Client         // asks merchants for authorization decisions (authorize.go)
}

// New returns a Server holding the default tenant. It does not listen; use
// Handler, or RunT for a test server.
func New(opts ...Option) (*Server, error) {
	o, env, err := core.ReadOptions(Name, DefaultSettings(), opts)
	if err != nil {
		return nil, err
	}
	if err := o.Settings.check(); err != nil {
		return nil, fmt.Errorf("keysecure: %w", err)
	}
	s := &Server{set: o.Settings, authClient: newAuthClient()}
	s.worlds = core.NewWorlds(Name, "api_key", s.settleLocked)
	s.Host = core.NewHost(env, core.HostConfig[*world]{
		Name: Name, Prefixes: Spec().Prefixes, Worlds: s.worlds, Routes: s.routes,
		Wire:    core.Wire{Provider: Name, Identify: s.identify, WriteError: s.writeError},
		Webhook: core.Endpoint{Sign: s.signCallback, Accept: acceptCallback},
		Hooks:   s.hooks(),
	})
	if err := core.AddDefaultTenant(s.Host); err != nil {
		return nil, err
	}
	return s, o.RunSetup(s)
}

// RunT starts a test server on loopback with a frozen clock
// (2026-01-01T00:00:00Z), seed 1 and strict auth, closed when the test
// ends.
func RunT(t core.T, opts ...Option) *Server { t.Helper(); return core.RunT(t, Name, New, opts) }

// APIKey returns the default tenant's Api-Key.
func (s *Server) APIKey() string { return s.creds().APIKey }

// Secret returns the default tenant's api secret.
func (s *Server) Secret() string { return s.creds().APISecret }

func (s *Server) creds() Credentials {
	if w, ok := s.worlds.Get(core.DefaultTenant); ok {
		return w.creds
	}
	return Credentials{}
}
