package sims

import (
	"fmt"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// The Fleet's options for a server shared by many tenants: the journal's
// byte bounds and the webhook outbox's timeout and concurrency (serve's
// --journal-bytes, --journal-total-bytes, --webhook-timeout and
// --webhook-concurrency).

// WithJournalBytes bounds the journal in bytes: per tenant and in all (0
// keeps a default: core.DefaultJournalTenantBytes, DefaultJournalTotalBytes).
func WithJournalBytes(perTenant, total int64) Option {
	return func(c *config) error {
		if perTenant < 0 || total < 0 {
			return fmt.Errorf("journal bytes: want sizes of 0 (the default) or more, got %d per tenant and %d in all", perTenant, total)
		}
		c.limits.JournalBytes, c.limits.JournalTotalBytes = perTenant, total
		return nil
	}
}

// WithWebhookTimeout bounds each webhook delivery attempt (0: the default,
// core.DefaultWebhookTimeout).
func WithWebhookTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("webhook timeout: want a duration of 0 (the default) or more, got %s", d)
		}
		c.limits.WebhookTimeout = d
		return nil
	}
}

// WithWebhookConcurrency caps the webhook deliveries in flight at once
// (0: the default, core.DefaultWebhookConcurrency).
func WithWebhookConcurrency(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("webhook concurrency: want 0 (the default) or more, got %d", n)
		}
		c.limits.WebhookConcurrency = n
		return nil
	}
}

// DefaultMaxTenants is how many tenants a Fleet holds at most unless
// WithMaxTenants says otherwise: enough for a large CI fleet, few enough
// that a script creating tenants in a loop is stopped long before memory.
const DefaultMaxTenants = 1000

// WithMaxTenants caps the tenants a Fleet holds, the default tenant
// included (0: DefaultMaxTenants). Creating one more is refused with a
// clear admin error.
func WithMaxTenants(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("max tenants: want 0 (the default) or more, got %d", n)
		}
		c.maxTenants = n
		return nil
	}
}

// WithTenantTTL deletes a tenant (never the default one) that has seen no
// request or admin call for d of wall time, as CI jobs that never clean up
// after themselves leave theirs; 0 keeps tenants until deleted. Each
// expiry is journaled.
func WithTenantTTL(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("tenant TTL: want a duration of 0 (never) or more, got %s", d)
		}
		c.tenantTTL = d
		return nil
	}
}

// expireIdle deletes the tenants idle for the tenant TTL at wall time now,
// journaling each.
func (f *Fleet) expireIdle(now time.Time) {
	if f.cfg.tenantTTL <= 0 {
		return
	}
	for _, t := range f.Tenants.List() {
		if t.ID == core.DefaultTenant || now.Sub(t.LastUsed()) < f.cfg.tenantTTL {
			continue
		}
		idle := now.Sub(t.LastUsed()).Round(time.Second)
		if err := f.DeleteTenant(t.ID); err != nil {
			continue // deleted meanwhile
		}
		f.Journal.Add(core.Entry{Type: "tenant", Route: "tenant.expired", Method: "DELETE", Path: "/_mocksrv/tenants/" + t.ID,
			At: f.Clock.Now(), Wall: now.UTC(),
			Error: fmt.Sprintf("tenant %s expired: no request or admin call for %s (--tenant-ttl %s)", t.ID, idle, f.cfg.tenantTTL)})
	}
}
