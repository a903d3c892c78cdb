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
// Any provider. The console knows no provider list of its own: it shows
// the providers the admin API's /health names, each from its state dump,
// read a section at a time (GET …/{provider}/state?section=…; the outline,
// ?outline=1, names the dump's lists). A provider without a tailored view
// (providers.go) gets a generic one (generic.go): every list of its dump a
// section, ID and status columns guessed from common field names, every
// record's JSON; a tailored view adds forms, columns, card pages, card
// actions and a client snippet, and still shows the dump's lists it does
// not name.
//
// Scenarios. The Scenarios page lists the library (GET
// /_mocksrv/scenarios) and runs a scenario or an uploaded file (POST
// /_mocksrv/scenarios/run), showing each step's verdict and what differed;
// it also applies a file's given section alone (POST /_mocksrv/scenarios).
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
