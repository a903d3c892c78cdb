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
// into a provider. Worlds, a provider's registry of tenant worlds, has its
// own lock too; it is taken before a world's, never while one is held.
package core
