// Package core holds the provider-neutral machinery every simulator in
// mocksrv is built from: the business clock, tenants, insertion-ordered
// tables, paging windows, the request journal, fault rules, the webhook
// outbox, exact decimal money, seeded fake data and atomic snapshots.
//
// core imports no provider package. Each provider package (bkj, keysecure,
// uqpay, decard) composes these parts and keeps every wire quirk — auth,
// envelope, paging parameters, error codes — in its own auth.go,
// envelope.go and page.go.
//
// # Time
//
// Clock has two readings. Now is business time: card expiry, asynchronous
// state transitions, statements, token lifetimes and webhook retries. Wall
// is transport time, used only for signature and timestamp freshness,
// because clients build those headers from their own real clock. Moving
// business time ninety days forward therefore never breaks authentication.
// Nothing under sims/ reads the system clock outside clock.go; a test
// enforces it.
//
// # Concurrency
//
// Table and Agenda are not safe for concurrent use: the provider world that
// owns them guards them with its own mutex. Clock, Journal, Faults, Outbox,
// Tenants, ReplayGuard and RateLimiter carry their own small locks. The lock
// order is always provider world → env part, and env parts never call back
// into a provider. Among env parts the Outbox takes Tenants' and the
// Journal's locks while holding its own; the Journal's is a leaf. Worlds, a
// provider's registry of tenant worlds, has its own lock too; it is taken
// before a world's, never while one is held.
//
// # A shared server
//
// One mocksrv may serve a whole CI fleet, so nothing one tenant does may
// cost another. The Journal is bounded in entries and in bytes, per tenant
// and in all (JournalLimits: 4 MiB per tenant and 32 MiB in all by
// default); past the total, the tenant holding the most bytes loses its
// oldest entries first. Long header values, paths, queries and errors are
// cut to 2 KiB and bodies to Env.JournalBody (8 KiB), each cut ending in a
// marker naming the full length (Clip). Journal.Walk reads it a batch at a
// time without holding its lock while the caller works, so the admin API
// streams it.
//
// The Outbox queues deliveries per tenant × provider: one attempt in flight
// per queue keeps a receiver's events in order, and the queues never wait
// for each other, so a receiver that accepts and never answers holds up
// only its own queue, for Env.WebhookTimeout per attempt. At most
// Env.WebhookConcurrency attempts are in flight in all. Run starts
// attempts without waiting for them; Flush and FlushTenant start what is
// due and wait for it, so tests deliver deterministically.
package core
