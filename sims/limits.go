package sims

import (
	"fmt"
	"time"
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
