package sims

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

type config struct {
	seed        uint64
	clock       *core.Clock
	auth        core.AuthMode
	providers   []string
	logger      *slog.Logger
	journalSize int
	limits      core.EnvConfig // journal bytes, webhook timeout and concurrency
	maxTenants  int            // 0: DefaultMaxTenants
	tenantTTL   time.Duration  // 0: tenants never expire
	allow       core.AllowList
	webhookURLs map[string]string
	validate    bool
	adminToken  string
	providerOptions
	scenarios  ScenarioLoader
	runner     ScenarioRunner
	tenantOpts map[string]json.RawMessage // the default tenant's provider objects
}

// Option configures a Fleet.
type Option func(*config) error

// WithSeed seeds the default tenant's fake data (default 1).
func WithSeed(seed uint64) Option { return func(c *config) error { c.seed = seed; return nil } }

// WithClock sets the default tenant's business clock (default: follows wall time).
func WithClock(clock *core.Clock) Option {
	return func(c *config) error { c.clock = clock; return nil }
}

// WithAuth sets how strictly every provider checks credentials.
func WithAuth(m core.AuthMode) Option { return func(c *config) error { c.auth = m; return nil } }

// WithProviders serves only the named providers (default all four).
func WithProviders(names ...string) Option {
	return func(c *config) error {
		for _, n := range names {
			if !known(n) {
				return fmt.Errorf("unknown provider %q (want %s)", n, strings.Join(AllProviders, ", "))
			}
		}
		c.providers = names
		return nil
	}
}

// WithLogger sets the structured logger.
func WithLogger(l *slog.Logger) Option { return func(c *config) error { c.logger = l; return nil } }

// WithJournalSize sets how many journal entries each tenant keeps.
func WithJournalSize(n int) Option { return func(c *config) error { c.journalSize = n; return nil } }

// WithAllowList sets the default tenant's (and new tenants' default) IP
// allow-list for providers that enforce one.
func WithAllowList(a core.AllowList) Option { return func(c *config) error { c.allow = a; return nil } }

// WithWebhookURL sends a provider's webhooks (for every tenant without its
// own URL) to url.
func WithWebhookURL(provider, url string) Option {
	return func(c *config) error {
		if !known(provider) {
			return fmt.Errorf("webhook URL for unknown provider %q", provider)
		}
		c.webhookURLs[provider] = url
		return nil
	}
}

// WithValidate checks every response against its contract and journals
// and logs violations.
func WithValidate(on bool) Option { return func(c *config) error { c.validate = on; return nil } }

// WithAdminToken requires "Authorization: Bearer <token>" on the admin API.
func WithAdminToken(tok string) Option {
	return func(c *config) error { c.adminToken = tok; return nil }
}

// WithTenantOptions gives the default tenant per-provider options, in the
// shape of the provider objects of POST /_mocksrv/tenants (fixed
// credentials, or settings such as {"revoke_tokens":true} for UQPay). Each
// is checked exactly as for a new tenant; options for a provider that is
// not served are refused.
func WithTenantOptions(opts map[string]json.RawMessage) Option {
	return func(c *config) error {
		for name := range opts {
			if !known(name) {
				return fmt.Errorf("tenant options for unknown provider %q (want one of %s)", name, strings.Join(AllProviders, ", "))
			}
		}
		c.tenantOpts = opts
		return nil
	}
}

// WithScenarioLoader enables POST /_mocksrv/scenarios.
func WithScenarioLoader(l ScenarioLoader) Option {
	return func(c *config) error { c.scenarios = l; return nil }
}

// WithScenarioRunner enables GET /_mocksrv/scenarios (the library) and
// POST /_mocksrv/scenarios/run (a scenario's steps, a verdict each).
func WithScenarioRunner(r ScenarioRunner) Option {
	return func(c *config) error { c.runner = r; return nil }
}

func known(name string) bool {
	for _, p := range AllProviders {
		if p == name {
			return true
		}
	}
	return false
}
