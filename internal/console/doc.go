// Package console is mocksrv's QA console: HTML pages served at
// /_mocksrv/ui/ that show and drive what the admin API (/_mocksrv/…)
// offers — tenants and their credentials, each provider's state, the
// business clock, cards, KYC decisions, simulated spend, fault rules, the
// journal as it happens, webhook deliveries and scenario files.
//
// The console holds no state of the simulators and has no way in but the
// admin API: New takes the admin API's handler and every read and every
// action is an in-process request to it, carrying the token the user
// logged in with as "Authorization: Bearer …". Whatever the admin API
// refuses, the console refuses, with the admin API's message.
//
// Pages are rendered on the server with html/template; one small
// hand-written script (static/console.js) copies credentials, refreshes
// live regions and appends journal entries. There is no third-party
// front-end code and no build step: templates, CSS and script are embedded,
// so the console works offline.
//
// Login. When the admin API answers 401 (mocksrv runs with --admin-token),
// the console asks for the token on a login form and keeps it in a cookie
// scoped to the console (Path=/_mocksrv/ui, HttpOnly, SameSite=Strict).
// Without an admin token no login is needed.
//
// CSRF. Every action is a POST form carrying a token derived from the
// session cookie with a per-process key (HMAC-SHA256); a POST without it
// is refused, so the cookie alone is not enough to act.
//
// Live traffic. GET …/traffic/stream is a Server-Sent Events stream: it
// polls the admin journal with "since" every 250 ms and sends what is new
// as one event. Each poll asks for at most a fixed number of entries (the
// newest), so a flood of requests is sampled, not queued; the stream
// writes synchronously, so a slow browser slows only its own polling and
// never grows the server's memory; a write that stalls past a deadline
// ends the stream.
package console
