package sims

// The admin API under /_mocksrv/: mocksrv's own JSON, never a provider
// envelope. Errors are {"error": "<kind>", "message": "<what went wrong>"}.

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/mux"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/internal/console"
	"github.com/mocksrv/mocksrv/sims/core"
)

type adminFunc func(r *http.Request) (status int, body any, err error)

func (f *Fleet) adminHandler() http.Handler {
	r := mux.NewRouter()
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeAdminError(w, http.StatusNotFound, "not_found", fmt.Sprintf("no admin endpoint %s %s (see docs/admin-api.md)", r.Method, r.URL.Path))
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeAdminError(w, http.StatusMethodNotAllowed, "method_not_allowed", fmt.Sprintf("%s is not allowed on %s", r.Method, r.URL.Path))
	})
	r.Use(f.adminAuth)
	a := &prefixed{r: r, prefix: "/_mocksrv"} // flat routes: mux loses 405 answers through subrouters
	h := func(fn adminFunc) http.Handler { return f.adminJSON(fn) }
	a.Handle("/health", h(f.handleHealth)).Methods(http.MethodGet)
	a.Handle("/tenants", h(f.handleTenantCreate)).Methods(http.MethodPost)
	a.Handle("/tenants", h(f.handleTenantList)).Methods(http.MethodGet)
	a.Handle("/tenants/{id}", h(f.handleTenantGet)).Methods(http.MethodGet)
	a.Handle("/tenants/{id}", h(f.handleTenantDelete)).Methods(http.MethodDelete)
	a.Handle("/tenants/{id}/reset", h(f.handleTenantReset)).Methods(http.MethodPost)
	a.Handle("/tenants/{id}/clock", h(f.handleClock)).Methods(http.MethodGet, http.MethodPost)
	a.Handle("/tenants/{id}/webhooks", h(f.handleTenantWebhooks)).Methods(http.MethodGet, http.MethodPost)
	a.Handle("/tenants/{id}/{provider}/state", h(f.handleState)).Methods(http.MethodGet)
	a.Handle("/tenants/{id}/{provider}/cards/{card}/events", h(f.handleCardEvent)).Methods(http.MethodPost)
	a.Handle("/tenants/{id}/{provider}/cards/{card}/{action}", h(f.handleCardAction)).Methods(http.MethodPost)
	a.Handle("/providers/{provider}/declines", h(f.handleDeclines)).Methods(http.MethodGet)
	a.Handle("/tenants/{id}/{provider}/{kind}", h(f.handleCreate)).Methods(http.MethodPost)
	a.Handle("/faults", h(f.handleFaultList)).Methods(http.MethodGet)
	a.Handle("/faults", h(f.handleFaultAdd)).Methods(http.MethodPost)
	a.Handle("/faults", h(f.handleFaultClear)).Methods(http.MethodDelete)
	a.Handle("/faults/{id}", h(f.handleFaultDelete)).Methods(http.MethodDelete)
	a.Handle("/journal", http.HandlerFunc(f.handleJournal)).Methods(http.MethodGet) // streamed
	a.Handle("/journal/count", h(f.handleJournalCount)).Methods(http.MethodGet)
	a.Handle("/journal/{seq:[0-9]+}", h(f.handleJournalEntry)).Methods(http.MethodGet)
	a.Handle("/journal", h(f.handleJournalClear)).Methods(http.MethodDelete)
	a.Handle("/webhooks", h(f.handleWebhookList)).Methods(http.MethodGet)
	a.Handle("/webhooks/{id}", h(f.handleWebhookGet)).Methods(http.MethodGet)
	a.Handle("/webhooks/{id}/redeliver", h(f.handleRedeliver)).Methods(http.MethodPost)
	a.Handle("/contracts/{provider}/openapi.yaml", http.HandlerFunc(f.handleOpenAPI)).Methods(http.MethodGet)
	a.Handle("/flush", h(f.handleFlush)).Methods(http.MethodPost)
	a.Handle("/scenarios", h(f.handleScenarioLoad)).Methods(http.MethodPost)
	a.Handle("/scenarios", h(f.handleScenarioLibrary)).Methods(http.MethodGet)
	a.Handle("/scenarios/run", h(f.handleScenarioRun)).Methods(http.MethodPost)
	// The QA console (internal/console) at /_mocksrv/ui/ reads and acts
	// only through the routes above, called in-process.
	ui := console.New(r, console.Options{Prefix: "/_mocksrv/ui", AdminPrefix: "/_mocksrv"})
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path == "/_mocksrv/ui" || strings.HasPrefix(req.URL.Path, "/_mocksrv/ui/") {
			ui.ServeHTTP(w, req)
			return
		}
		r.ServeHTTP(w, req)
	})
}

// prefixed registers routes under a path prefix on a flat router.
type prefixed struct {
	r      *mux.Router
	prefix string
}

func (p *prefixed) Handle(path string, h http.Handler) *mux.Route {
	return p.r.Handle(p.prefix+path, h)
}

// adminAuth enforces --admin-token when one is set. /health stays open:
// without the token it says only that the server is up.
func (f *Fleet) adminAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/_mocksrv/health" && !f.adminAuthorized(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="mocksrv admin"`)
			writeAdminError(w, http.StatusUnauthorized, "unauthorized", "the admin API needs Authorization: Bearer <admin token>")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// adminAuthorized reports whether r may use the admin API: no token is
// set, or r carries "Authorization: Bearer <token>". The scheme is
// case-insensitive (RFC 7235), nothing else is (a bare token, another
// scheme, a token with anything around it), and the token is compared in
// constant time: both sides are hashed first, so not even its length
// leaks.
func (f *Fleet) adminAuthorized(r *http.Request) bool {
	tok := f.cfg.adminToken
	if tok == "" {
		return true
	}
	scheme, cred, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	cred = strings.TrimLeft(cred, " ")
	got, want := sha256.Sum256([]byte(cred)), sha256.Sum256([]byte(tok))
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

func (f *Fleet) adminJSON(fn adminFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				f.Logger.Error("admin panic: this is a mocksrv bug", "path", r.URL.Path, "panic", fmt.Sprint(p))
				writeAdminError(w, http.StatusInternalServerError, "internal", fmt.Sprint(p))
			}
		}()
		status, body, err := fn(r)
		if err != nil {
			status, kind := adminStatus(err)
			writeAdminError(w, status, kind, err.Error())
			return
		}
		if r.Method != http.MethodGet {
			f.mutations.Add(1)
		}
		writeAdminJSON(w, status, body, r.URL.Query().Get("compact") == "")
	})
}

// adminStatus maps an error to an HTTP status and a kind word.
func adminStatus(err error) (int, string) {
	var ce *core.Error
	switch {
	case errors.Is(err, errNotFound), errors.Is(err, core.ErrNoDelivery):
		return http.StatusNotFound, "not_found"
	case errors.Is(err, errConflict):
		return http.StatusConflict, "conflict"
	case errors.Is(err, errTooMany):
		return http.StatusTooManyRequests, "limit"
	case errors.As(err, &ce):
		switch ce.Kind {
		case core.KindNotFound:
			return http.StatusNotFound, "not_found"
		case core.KindConflict:
			return http.StatusConflict, "conflict"
		case core.KindInternal:
			return http.StatusInternalServerError, "internal"
		}
	}
	return http.StatusBadRequest, "invalid"
}

// writeAdminJSON encodes body straight to w. A state dump can run to
// megabytes; encoding it into the response, rather than marshalling,
// indenting and copying it, holds one copy of it instead of three.
// json.Encoder marshals the whole value before its first Write, so an
// encoding error still becomes a clean 500. Answers are indented for
// people; ?compact=1 (what the console asks) skips that, two thirds of
// the cost of a large state dump.
func writeAdminJSON(w http.ResponseWriter, status int, body any, indent bool) {
	w.Header().Set("Content-Type", "application/json")
	out := &statusOnWrite{w: w, status: status}
	enc := json.NewEncoder(out)
	if indent {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(body); err != nil && !out.sent {
		writeAdminError(w, http.StatusInternalServerError, "internal", err.Error())
	}
}

// statusOnWrite sends its status with the first Write.
type statusOnWrite struct {
	w      http.ResponseWriter
	status int
	sent   bool
}

func (s *statusOnWrite) Write(b []byte) (int, error) {
	if !s.sent {
		s.sent = true
		s.w.WriteHeader(s.status)
	}
	return s.w.Write(b)
}

func writeAdminError(w http.ResponseWriter, status int, kind, msg string) {
	b, _ := json.Marshal(map[string]string{"error": kind, "message": msg})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// readJSON decodes an optional JSON body, refusing unknown fields.
func readJSON(r *http.Request, v any) error {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return err
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("request body: %w", err)
	}
	return nil
}

// handleHealth says the server is up; with the admin token (or on a
// server without one) it also names the version, providers and tenant
// count, which are nobody else's business on a shared server.
func (f *Fleet) handleHealth(r *http.Request) (int, any, error) {
	if !f.adminAuthorized(r) {
		return http.StatusOK, map[string]any{"status": "ok"}, nil
	}
	names := make([]string, 0, len(f.providers))
	for _, p := range f.providers {
		names = append(names, p.Name())
	}
	return http.StatusOK, map[string]any{"status": "ok", "version": Version, "providers": names, "tenants": len(f.Tenants.List())}, nil
}

func (f *Fleet) handleTenantCreate(r *http.Request) (int, any, error) {
	var req TenantRequest
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return 0, nil, err
	}
	if len(strings.TrimSpace(string(b))) > 0 {
		if err := json.Unmarshal(b, &req); err != nil {
			return 0, nil, fmt.Errorf("request body: %w", err)
		}
	}
	info, err := f.CreateTenant(req)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, info, nil
}

func (f *Fleet) handleTenantList(*http.Request) (int, any, error) {
	var out []TenantInfo
	for _, id := range f.TenantIDs() {
		if info, ok := f.TenantInfo(id); ok {
			out = append(out, info)
		}
	}
	return http.StatusOK, map[string]any{"tenants": out}, nil
}

func (f *Fleet) tenantOf(r *http.Request) (*core.Tenant, error) {
	id := mux.Vars(r)["id"]
	t, ok := f.Tenants.Get(id)
	if !ok {
		return nil, fmt.Errorf("%w: tenant %q does not exist", errNotFound, id)
	}
	t.Use() // an admin call keeps an idle tenant alive (--tenant-ttl)
	return t, nil
}

func (f *Fleet) handleTenantGet(r *http.Request) (int, any, error) {
	t, err := f.tenantOf(r)
	if err != nil {
		return 0, nil, err
	}
	info, _ := f.TenantInfo(t.ID)
	return http.StatusOK, info, nil
}

func (f *Fleet) handleTenantDelete(r *http.Request) (int, any, error) {
	if err := f.DeleteTenant(mux.Vars(r)["id"]); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"deleted": mux.Vars(r)["id"]}, nil
}

func (f *Fleet) handleTenantReset(r *http.Request) (int, any, error) {
	if err := f.ResetTenant(mux.Vars(r)["id"]); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"reset": mux.Vars(r)["id"]}, nil
}

func (f *Fleet) handleClock(r *http.Request) (int, any, error) {
	t, err := f.tenantOf(r)
	if err != nil {
		return 0, nil, err
	}
	if r.Method == http.MethodGet {
		return http.StatusOK, t.Clock.State(), nil
	}
	var req ClockRequest
	if err := readJSON(r, &req); err != nil {
		return 0, nil, err
	}
	if req.Advance == "" && req.Set == nil && req.Freeze == nil {
		return 0, nil, errors.New(`clock: say what to do: {"advance":"720h"}, {"set":"2027-01-01T00:00:00Z"} or {"freeze":true}`)
	}
	st, err := f.MoveClock(t.ID, req)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, st, nil
}

func (f *Fleet) handleTenantWebhooks(r *http.Request) (int, any, error) {
	t, err := f.tenantOf(r)
	if err != nil {
		return 0, nil, err
	}
	if r.Method == http.MethodPost {
		var urls map[string]string
		if err := readJSON(r, &urls); err != nil {
			return 0, nil, err
		}
		for p, u := range urls {
			if _, on := f.byName[p]; !on {
				return 0, nil, fmt.Errorf("provider %q is not enabled", p)
			}
			f.Webhooks.SetURL(t.ID, p, u)
		}
	}
	out := map[string]string{}
	for _, p := range f.providers {
		out[p.Name()] = f.Webhooks.URL(t.ID, p.Name())
	}
	return http.StatusOK, out, nil
}

// tenantProviderOf reads the tenant and the provider a
// /_mocksrv/tenants/{id}/{provider}/… path names.
func (f *Fleet) tenantProviderOf(r *http.Request) (*core.Tenant, core.Provider, error) {
	t, err := f.tenantOf(r)
	if err != nil {
		return nil, nil, err
	}
	p, err := f.providerOf(r)
	if err != nil {
		return nil, nil, err
	}
	return t, p, nil
}

func (f *Fleet) providerOf(r *http.Request) (core.Provider, error) {
	name := mux.Vars(r)["provider"]
	p, ok := f.byName[name]
	if !ok {
		return nil, fmt.Errorf("%w: provider %q is not enabled (enabled: %s)", errNotFound, name, strings.Join(f.cfg.providers, ", "))
	}
	return p, nil
}

// handleState handles GET /_mocksrv/tenants/{id}/{provider}/state: the
// provider's whole state dump, or with section (or outline) one list of it
// a page at a time (statesection.go).
func (f *Fleet) handleState(r *http.Request) (int, any, error) {
	t, p, err := f.tenantProviderOf(r)
	if err != nil {
		return 0, nil, err
	}
	q := r.URL.Query()
	var req stateRequest
	if sectioned(q) {
		if req, err = parseStateRequest(q); err != nil {
			return 0, nil, err
		}
	} else if err := wholeDumpParams(q); err != nil {
		return 0, nil, err
	}
	st, err := p.State(t.ID)
	if err != nil {
		return 0, nil, err
	}
	if sectioned(q) {
		out, err := readSection(st, req)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusOK, out, nil
	}
	return http.StatusOK, st, nil
}

func (f *Fleet) handleCardAction(r *http.Request) (int, any, error) {
	t, p, err := f.tenantProviderOf(r)
	if err != nil {
		return 0, nil, err
	}
	v := mux.Vars(r)
	out, err := p.CardAction(t.ID, v["card"], v["action"])
	if err != nil {
		return 0, nil, err
	}
	f.Webhooks.Kick()
	return http.StatusOK, out, nil
}

// handleCardEvent applies a card-network event (core.CardEvent) to a card:
// POST /_mocksrv/tenants/{id}/{provider}/cards/{card}/events.
func (f *Fleet) handleCardEvent(r *http.Request) (int, any, error) {
	t, p, err := f.tenantProviderOf(r)
	if err != nil {
		return 0, nil, err
	}
	var ev core.CardEvent
	if err := core.DecodeStrict(core.Body(r), &ev); err != nil {
		return 0, nil, err
	}
	out, err := p.CardEvent(t.ID, mux.Vars(r)["card"], ev)
	if err != nil {
		return 0, nil, err
	}
	f.Webhooks.Kick()
	return http.StatusCreated, out, nil
}

// handleDeclines lists a provider's documented decline reasons: GET
// /_mocksrv/providers/{provider}/declines.
func (f *Fleet) handleDeclines(r *http.Request) (int, any, error) {
	p, err := f.providerOf(r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"provider": p.Name(), "declines": p.Declines()}, nil
}

func (f *Fleet) handleCreate(r *http.Request) (int, any, error) {
	t, p, err := f.tenantProviderOf(r)
	if err != nil {
		return 0, nil, err
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return 0, nil, err
	}
	out, err := p.Create(t.ID, mux.Vars(r)["kind"], b)
	if err != nil {
		return 0, nil, err
	}
	f.Webhooks.Kick()
	return http.StatusCreated, out, nil
}

func (f *Fleet) handleFaultList(*http.Request) (int, any, error) {
	return http.StatusOK, map[string]any{"faults": f.Faults.List()}, nil
}

// AddFault validates a rule against the enabled providers and their route
// names, then installs it.
func (f *Fleet) AddFault(fl core.Fault) (core.Fault, error) {
	if fl.Tenant != "" {
		if _, ok := f.Tenants.Get(fl.Tenant); !ok {
			return fl, fmt.Errorf("fault: tenant %q does not exist", fl.Tenant)
		}
	}
	if fl.Provider != "" {
		p, ok := f.byName[fl.Provider]
		if !ok {
			return fl, fmt.Errorf("fault: provider %q is not enabled", fl.Provider)
		}
		if fl.Route != "" && !fl.Webhook && !contains(p.RouteNames(), fl.Route) {
			return fl, fmt.Errorf("fault: %s has no route %q (routes: %s)", fl.Provider, fl.Route, strings.Join(p.RouteNames(), ", "))
		}
	}
	return f.Faults.Add(fl)
}

func (f *Fleet) handleFaultAdd(r *http.Request) (int, any, error) {
	var fl core.Fault
	if err := readJSON(r, &fl); err != nil {
		return 0, nil, err
	}
	out, err := f.AddFault(fl)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, out, nil
}

func (f *Fleet) handleFaultClear(r *http.Request) (int, any, error) {
	q := r.URL.Query()
	tenant, provider := q.Get("tenant"), q.Get("provider")
	f.Faults.ClearWhere(func(fl core.Fault) bool {
		return (tenant == "" || fl.Tenant == tenant) && (provider == "" || fl.Provider == provider)
	})
	return http.StatusOK, map[string]any{"faults": f.Faults.List()}, nil
}

func (f *Fleet) handleFaultDelete(r *http.Request) (int, any, error) {
	id := mux.Vars(r)["id"]
	if !f.Faults.Remove(id) {
		return 0, nil, fmt.Errorf("%w: fault %q", errNotFound, id)
	}
	return http.StatusOK, map[string]any{"deleted": id}, nil
}

// journalParams are the query parameters GET /_mocksrv/journal takes;
// DELETE takes tenant only.
var journalParams = []string{"tenant", "provider", "route", "status", "type", "since", "limit"}

// unknownParams refuses query parameters outside known, naming them, so a
// misspelt filter ("tennant") is an error rather than the whole journal.
func unknownParams(what string, q map[string][]string, known ...string) error {
	var bad []string
	for k := range q {
		if !contains(known, k) {
			bad = append(bad, strconv.Quote(k))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Strings(bad)
	noun := "parameter"
	if len(bad) > 1 {
		noun = "parameters"
	}
	return fmt.Errorf("%s: unknown filter %s %s (known: %s)", what, noun, strings.Join(bad, ", "), strings.Join(known, ", "))
}

// journalFilters reads tenant, provider, route, status, type and since
// (a sequence number or an RFC 3339 time), refusing any other parameter
// but limit.
func journalFilters(q map[string][]string) ([]func(core.Entry) bool, error) {
	var fs []func(core.Entry) bool
	plain := map[string][]string{}
	for k, v := range q {
		// header.NAME=VALUE and body.PATH=VALUE match what the request
		// carried ("did my app send a freeze for card X with reason Y").
		switch name, rest, ok := strings.Cut(k, "."); {
		case ok && name == "header" && rest != "":
			fs = append(fs, core.ByHeader(rest, v[0]))
		case ok && name == "body" && rest != "":
			fs = append(fs, core.ByBody(rest, v[0]))
		default:
			plain[k] = v
		}
	}
	q = plain
	if err := unknownParams("journal", q, append(journalParams, "header.NAME", "body.PATH")...); err != nil {
		return nil, err
	}
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	if v := get("tenant"); v != "" {
		fs = append(fs, core.ByTenant(v))
	}
	if v := get("provider"); v != "" {
		fs = append(fs, core.ByProvider(v))
	}
	if v := get("route"); v != "" {
		fs = append(fs, core.ByRoute(v))
	}
	if v := get("type"); v != "" {
		fs = append(fs, core.ByType(v))
	}
	if v := get("status"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, fmt.Errorf("journal: status %q is not a number", v)
		}
		fs = append(fs, core.ByStatus(n))
	}
	if v := get("since"); v != "" {
		if n, err := strconv.ParseUint(v, 10, 64); err == nil {
			fs = append(fs, core.SinceSeq(n))
		} else if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			fs = append(fs, core.SinceWall(t))
		} else {
			return nil, fmt.Errorf("journal: since %q is neither a sequence number nor an RFC 3339 time", v)
		}
	}
	return fs, nil
}

// handleJournal handles GET /_mocksrv/journal: {"entries":[…],"count":n},
// oldest first, the newest limit of them when limit is given. It streams:
// each entry is encoded and written on its own, straight from the journal
// a few at a time, so reading a full journal never builds it in memory.
func (f *Fleet) handleJournal(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	fs, err := journalFilters(q)
	if err != nil {
		writeAdminError(w, http.StatusBadRequest, "invalid", err.Error())
		return
	}
	limit := -1
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 0 {
			writeAdminError(w, http.StatusBadRequest, "invalid", fmt.Sprintf("journal: limit %q is not a non-negative number", v))
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, "{\"entries\":[")
	enc := json.NewEncoder(w)
	sep := "\n"
	n, err := f.Journal.Walk(limit, func(e core.Entry) error {
		if _, err := io.WriteString(w, sep); err != nil {
			return err
		}
		sep = ","
		return enc.Encode(e) // one entry, then a newline
	}, fs...)
	if err != nil {
		return // the client went away; the answer is cut off, as it must be
	}
	_, _ = fmt.Fprintf(w, "],\"count\":%d}\n", n)
}

// handleJournalCount answers how many journal entries match the filters
// (the journal's own): GET /_mocksrv/journal/count → {"count":n}.
func (f *Fleet) handleJournalCount(r *http.Request) (int, any, error) {
	q := r.URL.Query()
	delete(q, "limit")
	fs, err := journalFilters(q)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]int{"count": f.Journal.Count(fs...)}, nil
}

// handleJournalEntry answers one journal entry by its sequence number.
func (f *Fleet) handleJournalEntry(r *http.Request) (int, any, error) {
	seq, err := strconv.ParseUint(mux.Vars(r)["seq"], 10, 64)
	if err != nil || seq == 0 {
		return 0, nil, fmt.Errorf("journal: entry %q is not a sequence number", mux.Vars(r)["seq"])
	}
	es := f.Journal.Entries(core.SinceSeq(seq-1), func(e core.Entry) bool { return e.Seq == seq })
	if len(es) == 0 {
		return 0, nil, fmt.Errorf("%w: journal entry %d (gone, or never recorded)", errNotFound, seq)
	}
	return http.StatusOK, es[0], nil
}

func (f *Fleet) handleJournalClear(r *http.Request) (int, any, error) {
	if err := unknownParams("journal", r.URL.Query(), "tenant"); err != nil {
		return 0, nil, err
	}
	if t := r.URL.Query().Get("tenant"); t != "" {
		f.Journal.ClearTenant(t)
	} else {
		f.Journal.Clear()
	}
	return http.StatusOK, map[string]any{"cleared": true}, nil
}

func (f *Fleet) handleWebhookList(r *http.Request) (int, any, error) {
	q := r.URL.Query()
	tenant, provider, event, state := q.Get("tenant"), q.Get("provider"), q.Get("event"), q.Get("state")
	ds := f.Webhooks.Deliveries(func(d core.Delivery) bool {
		return (tenant == "" || d.Tenant == tenant) && (provider == "" || d.Provider == provider) &&
			(event == "" || d.Event == event) && (state == "" || d.State == state)
	})
	if ds == nil {
		ds = []core.Delivery{}
	}
	return http.StatusOK, map[string]any{"deliveries": ds, "count": len(ds)}, nil
}

func (f *Fleet) handleWebhookGet(r *http.Request) (int, any, error) {
	d, ok := f.Webhooks.Delivery(mux.Vars(r)["id"])
	if !ok {
		return 0, nil, fmt.Errorf("%w: delivery %q", errNotFound, mux.Vars(r)["id"])
	}
	return http.StatusOK, d, nil
}

func (f *Fleet) handleRedeliver(r *http.Request) (int, any, error) {
	id := mux.Vars(r)["id"]
	if err := f.Webhooks.Redeliver(id); err != nil {
		return 0, nil, err
	}
	d, _ := f.Webhooks.Delivery(id)
	return http.StatusAccepted, d, nil
}

func (f *Fleet) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	d, err := contracts.Document(mux.Vars(r)["provider"])
	if err != nil {
		writeAdminError(w, http.StatusNotFound, "not_found", err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/yaml")
	_, _ = w.Write(d.Raw)
}

// handleFlush settles due transitions (of one tenant, or all) and
// delivers every webhook due now, before answering: scenarios and tests
// use it instead of waiting.
func (f *Fleet) handleFlush(r *http.Request) (int, any, error) {
	if id := r.URL.Query().Get("tenant"); id != "" {
		if _, ok := f.Tenants.Get(id); !ok {
			return 0, nil, fmt.Errorf("%w: tenant %q", errNotFound, id)
		}
		f.settle(id)
		// Only this tenant's deliveries: a neighbour's receiver that never
		// answers must not hold up this tenant's flush.
		n := f.Webhooks.FlushTenant(r.Context(), id)
		return http.StatusOK, map[string]any{"attempts": n}, nil
	}
	f.SettleAll()
	n := f.Webhooks.Flush(r.Context())
	return http.StatusOK, map[string]any{"attempts": n}, nil
}

// ScenarioLoader applies a scenario file's given section to a tenant of
// the Fleet whose handler it is given. The scenarios package provides it;
// the binary wires it in with WithScenarioLoader.
type ScenarioLoader func(ctx context.Context, h http.Handler, src []byte, tenant string) (any, error)

// handleScenarioLoad handles POST /_mocksrv/scenarios?tenant=ID: the body
// is a scenario file (YAML or JSON); only its given section is applied.
func (f *Fleet) handleScenarioLoad(r *http.Request) (int, any, error) {
	if f.cfg.scenarios == nil {
		return 0, nil, &core.Error{Kind: core.KindNotFound, Message: "this mocksrv was built without the scenario loader"}
	}
	src, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if err != nil {
		return 0, nil, err
	}
	// The loader calls the admin API in-process; those calls carry the
	// caller's (already checked) Authorization, or --admin-token refuses them.
	h := f.Handler()
	if auth := r.Header.Get("Authorization"); auth != "" {
		inner := h
		h = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if req.Header.Get("Authorization") == "" {
				req.Header.Set("Authorization", auth)
			}
			inner.ServeHTTP(w, req)
		})
	}
	out, err := f.cfg.scenarios(r.Context(), h, src, r.URL.Query().Get("tenant"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, out, nil
}

// ScenarioRunner runs scenario files, a verdict per step, in tenants of the
// Fleet whose handler it is given. The scenarios package provides it
// (scenarios.Runner) — sims cannot import scenarios, which imports sims —
// and the binary wires it in with WithScenarioRunner.
type ScenarioRunner struct {
	// Library lists the scenarios Run finds by name.
	Library func() (any, error)
	// Run runs the library scenario name, or the scenario file src when
	// name is "", in a new tenant called tenant (a fresh name when ""),
	// kept after the run; it answers the run's result, one verdict per
	// step with what failed. Its admin calls carry adminToken, the
	// caller's.
	Run func(ctx context.Context, h http.Handler, name string, src []byte, tenant, adminToken string) (any, error)
}

func (f *Fleet) scenarioRunner() (ScenarioRunner, error) {
	if f.cfg.runner.Run == nil || f.cfg.runner.Library == nil {
		return ScenarioRunner{}, &core.Error{Kind: core.KindNotFound, Message: "this mocksrv was built without the scenario runner"}
	}
	return f.cfg.runner, nil
}

// handleScenarioLibrary handles GET /_mocksrv/scenarios: the library
// POST /_mocksrv/scenarios/run runs by name.
func (f *Fleet) handleScenarioLibrary(*http.Request) (int, any, error) {
	run, err := f.scenarioRunner()
	if err != nil {
		return 0, nil, err
	}
	lib, err := run.Library()
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"scenarios": lib}, nil
}

// handleScenarioRun handles POST /_mocksrv/scenarios/run?name=N&tenant=T:
// runs the library scenario N, or the scenario file in the body, in a new
// tenant T (kept, to look at afterwards), and answers its result — 200
// whether the scenario passed or not; a file that does not parse, or a
// tenant that exists, is refused.
func (f *Fleet) handleScenarioRun(r *http.Request) (int, any, error) {
	run, err := f.scenarioRunner()
	if err != nil {
		return 0, nil, err
	}
	q := r.URL.Query()
	if err := unknownParams("scenarios/run", q, "name", "tenant", "compact"); err != nil {
		return 0, nil, err
	}
	name, tenant := strings.TrimSpace(q.Get("name")), strings.TrimSpace(q.Get("tenant"))
	src, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if err != nil {
		return 0, nil, err
	}
	if name == "" && len(strings.TrimSpace(string(src))) == 0 {
		return 0, nil, errors.New("scenarios/run: name a library scenario (?name=…) or send a scenario file as the body")
	}
	if name != "" && len(strings.TrimSpace(string(src))) > 0 {
		return 0, nil, errors.New("scenarios/run: either a library scenario (?name=…) or a file in the body, not both")
	}
	if tenant != "" {
		if _, exists := f.Tenants.Get(tenant); exists {
			return 0, nil, fmt.Errorf("%w: scenarios/run: tenant %q exists; a run makes its own tenant — pick another name, or delete that one", errConflict, tenant)
		}
	}
	// The runner talks to this Fleet over HTTP like any client, its admin
	// calls with the caller's (already checked) token; the handler it
	// serves stays guarded like this one.
	_, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	out, err := run.Run(r.Context(), f.Handler(), name, src, tenant, strings.TrimLeft(tok, " "))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, out, nil
}
