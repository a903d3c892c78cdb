package core

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// AuthMode says how strictly simulators check credentials.
type AuthMode string

// The auth modes every provider supports.
const (
	AuthStrict  AuthMode = "strict"  // verify everything the real provider verifies
	AuthLenient AuthMode = "lenient" // credentials must be present, but are not verified
	AuthOff     AuthMode = "off"     // no credentials needed; requests land in the tenant they name, or default
)

// ParseAuthMode reads "strict", "lenient" or "off".
func ParseAuthMode(s string) (AuthMode, error) {
	switch m := AuthMode(strings.ToLower(strings.TrimSpace(s))); m {
	case AuthStrict, AuthLenient, AuthOff:
		return m, nil
	case "":
		return AuthStrict, nil
	}
	return "", fmt.Errorf("auth mode %q: want strict, lenient or off", s)
}

// DefaultMaxBody is the largest request body a simulator reads (1 MiB).
const DefaultMaxBody = 1 << 20

// The webhook outbox's defaults.
const (
	DefaultWebhookTimeout     = 10 * time.Second // per delivery attempt
	DefaultWebhookConcurrency = 64               // deliveries in flight at once
)

// Env is the machinery the simulators share: tenants and their clocks, the
// journal, fault rules and the webhook outbox. One Env serves every provider
// of a Fleet; a provider run on its own gets an Env of its own.
type Env struct {
	Clock    *Clock // the default tenant's business clock
	Tenants  *Tenants
	Journal  *Journal
	Faults   *Faults
	Webhooks *Outbox
	Logger   *slog.Logger
	Auth     AuthMode
	MaxBody  int64 // request body limit in bytes

	// MaxJSONDepth bounds the nesting of request bodies (arrays and
	// objects); deeper bodies get the provider's parameter error.
	MaxJSONDepth int

	// JournalBody is how many bytes of each body the journal keeps; a
	// longer body is cut and ends in a marker saying how long it was.
	JournalBody int

	// WebhookTimeout bounds one webhook delivery attempt: connecting,
	// sending, and reading the receiver's answer. A receiver that does
	// not answer in time fails the attempt, which is retried on the
	// schedule. It never holds up another tenant's deliveries.
	WebhookTimeout time.Duration

	// WebhookConcurrency caps the webhook deliveries in flight at once,
	// across tenants and providers (each tenant × provider has at most
	// one in flight, which keeps its events in order).
	WebhookConcurrency int

	// CheckResponse, when set, validates every response a simulator gives
	// against its contract and returns the violations. serve --validate
	// sets it; core never imports the contracts package itself.
	CheckResponse func(provider, route string, status int, body []byte) []string

	disabled sync.Map // provider name → why it is not served
}

// Disable makes every request to a provider's routes (and unknown paths
// under its prefix) answer a KindUnavailable error carrying reason, in the
// provider's own envelope, journaled like any other request. The Fleet
// disables the providers left out with --providers, so a client pointed at
// the wrong mocksrv reads a clear error instead of a bare 404.
func (e *Env) Disable(provider, reason string) { e.disabled.Store(provider, reason) }

// disabledReason returns why a provider is disabled, if it is.
func (e *Env) disabledReason(provider string) (string, bool) {
	v, ok := e.disabled.Load(provider)
	if !ok {
		return "", false
	}
	return v.(string), true
}

// EnvConfig configures NewEnv. The zero value is usable: seed 1, a clock
// that follows wall time, strict auth, loopback-only allow-list.
type EnvConfig struct {
	Seed        uint64
	Clock       *Clock // the default tenant's clock; nil follows wall time
	Auth        AuthMode
	Allow       AllowList // the default tenant's IP allow-list; zero value is loopback only
	JournalSize int
	Logger      *slog.Logger

	// JournalBytes and JournalTotalBytes bound the journal in bytes, per
	// tenant and in all (0: DefaultJournalTenantBytes,
	// DefaultJournalTotalBytes).
	JournalBytes      int64
	JournalTotalBytes int64

	// WebhookTimeout and WebhookConcurrency set the Env's fields of those
	// names (0: DefaultWebhookTimeout, DefaultWebhookConcurrency).
	WebhookTimeout     time.Duration
	WebhookConcurrency int
}

// NewEnv returns an Env holding the default tenant.
func NewEnv(cfg EnvConfig) *Env {
	if cfg.Clock == nil {
		cfg.Clock = NewClock()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Auth == "" {
		cfg.Auth = AuthStrict
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if cfg.WebhookTimeout <= 0 {
		cfg.WebhookTimeout = DefaultWebhookTimeout
	}
	if cfg.WebhookConcurrency <= 0 {
		cfg.WebhookConcurrency = DefaultWebhookConcurrency
	}
	e := &Env{
		Clock:   cfg.Clock,
		Tenants: NewTenants(),
		Journal: NewBoundedJournal(JournalLimits{Entries: cfg.JournalSize,
			TenantBytes: cfg.JournalBytes, TotalBytes: cfg.JournalTotalBytes}),
		Faults:             NewFaults(),
		Logger:             cfg.Logger,
		Auth:               cfg.Auth,
		MaxBody:            DefaultMaxBody,
		MaxJSONDepth:       DefaultMaxJSONDepth,
		JournalBody:        DefaultJournalBody,
		WebhookTimeout:     cfg.WebhookTimeout,
		WebhookConcurrency: cfg.WebhookConcurrency,
	}
	e.Webhooks = NewOutbox(e)
	_ = e.Tenants.Add(&Tenant{ID: DefaultTenant, Seed: cfg.Seed, Clock: cfg.Clock, Allow: cfg.Allow})
	return e
}

// Default returns the default tenant.
func (e *Env) Default() *Tenant {
	t, _ := e.Tenants.Get(DefaultTenant)
	return t
}

// ClockOf returns the business clock of the named tenant, or the default
// tenant's clock when it is unknown.
func (e *Env) ClockOf(tenant string) *Clock {
	if t, ok := e.Tenants.Get(tenant); ok {
		return t.Clock
	}
	return e.Clock
}

// ClearProvider forgets a provider's journal entries, fault rules and
// webhook deliveries in every tenant: what the provider's Reset clears
// besides its default tenant's state.
func (e *Env) ClearProvider(name string) {
	e.Journal.ClearWhere(func(en Entry) bool { return en.Provider == name })
	e.Faults.ClearWhere(func(f Fault) bool { return f.Provider == name })
	e.Webhooks.DropWhere(func(d Delivery) bool { return d.Provider == name })
}

// EnvOptions are the options every provider reads the same way: its
// WithEnv, WithSeed, WithClock and WithAuth set them. A provider embeds
// them in its options; the With… functions stay its own, since each
// package types its Option.
type EnvOptions struct {
	Env   *Env     // a shared Env (the Fleet's); conflicts with Seed and Clock
	Seed  uint64   // the seed of an Env of the Server's own
	Clock *Clock   // the default-tenant clock of an Env of the Server's own
	Auth  AuthMode // the auth mode of an Env of the Server's own; a shared Env's wins
}

// ResolveEnv returns the Env a provider's New serves from and keeps it in
// o.Env: the shared Env, whose auth mode then replaces o.Auth, or a new one
// made from Seed, Clock and Auth. provider prefixes the error it gives when
// a shared Env comes with a seed or a clock.
func (o *EnvOptions) ResolveEnv(provider string) (*Env, error) {
	if o.Env != nil && (o.Seed != 0 || o.Clock != nil) {
		return nil, fmt.Errorf("%s: WithEnv conflicts with WithSeed and WithClock (configure the shared Env instead)", provider)
	}
	if o.Env == nil {
		o.Env = NewEnv(EnvConfig{Seed: o.Seed, Clock: o.Clock, Auth: o.Auth})
	} else {
		o.Auth = o.Env.Auth
	}
	return o.Env, nil
}

// TestEpoch is where RunT freezes the business clock of a Server with its
// own Env: 2026-01-01T00:00:00Z, so golden files stay stable.
var TestEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
