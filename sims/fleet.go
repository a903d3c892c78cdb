package sims

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims/bkj"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/decard"
	"github.com/mocksrv/mocksrv/sims/keysecure"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// Version is mocksrv's version, set at build time with
// -ldflags "-X github.com/mocksrv/mocksrv/sims.Version=v1.2.3".
var Version = "dev"

// Provider is what the Fleet needs from a simulator. The provider packages
// satisfy it without importing this package.
type Provider interface {
	Name() string
	Prefixes() []string // path prefixes it owns on the shared listener
	Handler() http.Handler
	RouteNames() []string

	AddTenant(t *core.Tenant, opts json.RawMessage) (credentials any, err error)
	RemoveTenant(id string)
	ResetTenant(id string) error
	Credentials(id string) (any, bool)

	State(tenant string) (any, error)
	CardAction(tenant, card, action string) (any, error)
	Create(tenant, kind string, body json.RawMessage) (any, error)
	Settle(tenant string)

	Snapshot(tenant string) (json.RawMessage, error)
	Restore(t *core.Tenant, state json.RawMessage) error

	// Router exposes the named routes, for the contract surface check.
	Router() *mux.Router
}

// AllProviders lists every provider mocksrv simulates, in a stable order.
var AllProviders = []string{"bkj", "keysecure", "uqpay", "decard"}

type config struct {
	seed        uint64
	clock       *core.Clock
	auth        core.AuthMode
	providers   []string
	logger      *slog.Logger
	journalSize int
	limits      core.EnvConfig // journal bytes, webhook timeout and concurrency
	allow       core.AllowList
	webhookURLs map[string]string
	validate    bool
	adminToken  string
	ks          []keysecure.Option
	bkj         []bkj.Option
	uqpay       []uqpay.Option
	decard      []decard.Option
	scenarios   ScenarioLoader
	tenantOpts  map[string]json.RawMessage // the default tenant's provider objects
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

// WithKeySecure passes options to the KeySecure simulator.
func WithKeySecure(opts ...keysecure.Option) Option {
	return func(c *config) error { c.ks = append(c.ks, opts...); return nil }
}

// WithBKJ passes options to the bkj simulator.
func WithBKJ(opts ...bkj.Option) Option {
	return func(c *config) error { c.bkj = append(c.bkj, opts...); return nil }
}

// WithUQPay passes options to the UQPay simulator.
func WithUQPay(opts ...uqpay.Option) Option {
	return func(c *config) error { c.uqpay = append(c.uqpay, opts...); return nil }
}

// WithDeCard passes options to the DeCard simulator.
func WithDeCard(opts ...decard.Option) Option {
	return func(c *config) error { c.decard = append(c.decard, opts...); return nil }
}

func known(name string) bool {
	for _, p := range AllProviders {
		if p == name {
			return true
		}
	}
	return false
}

// Fleet serves every enabled provider and the admin API on one handler.
type Fleet struct {
	*core.Env

	// The simulators; nil when not enabled.
	BKJ       *bkj.Server
	KeySecure *keysecure.Server
	UQPay     *uqpay.Server
	DeCard    *decard.Server

	cfg       config
	providers []Provider // enabled, in AllProviders order
	byName    map[string]Provider
	root      *prefixMux
	admin     http.Handler
	ts        core.TestServer // RunT's loopback server
	mutations atomic.Uint64   // admin changes, for snapshot dirtiness

	tenantMu sync.Mutex // serializes tenant creation, deletion, reset and restore
	seeds    map[string]uint64
}

// NewFleet builds a Fleet holding the default tenant.
func NewFleet(opts ...Option) (*Fleet, error) {
	cfg := config{seed: 1, auth: core.AuthStrict, providers: AllProviders, webhookURLs: map[string]string{}}
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	env := core.NewEnv(core.EnvConfig{Seed: cfg.seed, Clock: cfg.clock, Auth: cfg.auth, Allow: cfg.allow,
		JournalSize: cfg.journalSize, Logger: cfg.logger,
		JournalBytes: cfg.limits.JournalBytes, JournalTotalBytes: cfg.limits.JournalTotalBytes,
		WebhookTimeout: cfg.limits.WebhookTimeout, WebhookConcurrency: cfg.limits.WebhookConcurrency})
	if cfg.validate {
		env.CheckResponse = contracts.CheckResponse
	}
	f := &Fleet{Env: env, cfg: cfg, byName: map[string]Provider{}, root: &prefixMux{}, seeds: map[string]uint64{}}
	f.seeds[core.DefaultTenant] = cfg.seed
	var off []Provider
	for _, name := range AllProviders {
		p, err := f.build(name, env)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if !contains(cfg.providers, name) {
			// A provider left out still owns its paths, so a client pointed
			// at this mocksrv by mistake reads a clear error in the envelope
			// it expects, journaled, rather than a bare 404.
			env.Disable(name, fmt.Sprintf("%s is not served by this mocksrv: it was started with --providers %s (add %s to serve it)",
				name, strings.Join(cfg.providers, ","), name))
			off = append(off, p)
			continue
		}
		f.providers = append(f.providers, p)
		f.byName[name] = p
	}
	if err := f.configureDefault(cfg.tenantOpts); err != nil {
		return nil, err
	}
	for p, u := range cfg.webhookURLs {
		env.Webhooks.SetURL("", p, u)
	}
	f.admin = f.adminHandler()
	f.root.Handle("/_mocksrv/", f.admin)
	f.root.Handle("/", http.HandlerFunc(f.notServed))
	for _, p := range append(f.Providers(), off...) {
		for _, prefix := range p.Prefixes() {
			f.root.Handle(prefix, p.Handler())
		}
	}
	return f, nil
}

// configureDefault remakes the default tenant's world in each provider
// given options, as CreateTenant would have made it with them.
func (f *Fleet) configureDefault(opts map[string]json.RawMessage) error {
	t, _ := f.Tenants.Get(core.DefaultTenant)
	for _, name := range AllProviders {
		raw, ok := opts[name]
		if !ok {
			continue
		}
		p, on := f.byName[name]
		if !on {
			return fmt.Errorf("tenant options for provider %q, which is not served (--providers)", name)
		}
		p.RemoveTenant(core.DefaultTenant)
		if _, err := p.AddTenant(t, raw); err != nil {
			return fmt.Errorf("default tenant: %w", err)
		}
	}
	return nil
}

// build makes one provider on the Fleet's Env; an enabled one also fills
// its field (f.KeySecure, …).
func (f *Fleet) build(name string, env *core.Env) (Provider, error) {
	on := contains(f.cfg.providers, name)
	switch name {
	case "bkj":
		s, err := bkj.New(append([]bkj.Option{bkj.WithEnv(env)}, f.cfg.bkj...)...)
		if on {
			f.BKJ = s
		}
		return s, err
	case "keysecure":
		s, err := keysecure.New(append([]keysecure.Option{keysecure.WithEnv(env)}, f.cfg.ks...)...)
		if on {
			f.KeySecure = s
		}
		return s, err
	case "uqpay":
		s, err := uqpay.New(append([]uqpay.Option{uqpay.WithEnv(env)}, f.cfg.uqpay...)...)
		if on {
			f.UQPay = s
		}
		return s, err
	case "decard":
		s, err := decard.New(append([]decard.Option{decard.WithEnv(env)}, f.cfg.decard...)...)
		if on {
			f.DeCard = s
		}
		return s, err
	}
	return nil, fmt.Errorf("unknown provider %q", name)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// RunT starts a Fleet on loopback for a test, with a frozen clock
// (2026-01-01T00:00:00Z) and seed 1 unless options say otherwise. It is
// closed when the test ends.
func RunT(t core.T, opts ...Option) *Fleet {
	t.Helper()
	base := []Option{WithClock(core.NewFrozenClock(core.TestEpoch))}
	f, err := NewFleet(append(base, opts...)...)
	if err != nil {
		t.Fatalf("sims.RunT: %v", err)
		return nil
	}
	f.ts.Start(f.Handler())
	t.Cleanup(f.Close)
	return f
}

// Handler serves every enabled provider at its real paths and the admin
// API under /_mocksrv/.
func (f *Fleet) Handler() http.Handler { return f.root }

// ProviderHandler serves one provider's paths (and the admin API), for an
// extra per-provider listener.
func (f *Fleet) ProviderHandler(name string) (http.Handler, error) {
	p, ok := f.byName[name]
	if !ok {
		return nil, fmt.Errorf("provider %q is not enabled", name)
	}
	mux := &prefixMux{}
	mux.Handle("/_mocksrv/", f.admin)
	mux.Handle("/", p.Handler())
	return mux, nil
}

// prefixMux sends a request to the handler of the longest path prefix it
// starts with, the path exactly as sent. Unlike http.ServeMux it never
// cleans a path or redirects: "/api/v1/issuing/cards/.." reaches UQPay and
// is answered in UQPay's envelope, not with a 307 to "/api/v1/issuing".
type prefixMux struct {
	routes []prefixRoute // longest prefix first
}

type prefixRoute struct {
	prefix string
	h      http.Handler
}

// Handle serves every path that starts with prefix (which ends in "/") by h.
func (m *prefixMux) Handle(prefix string, h http.Handler) {
	i := sort.Search(len(m.routes), func(i int) bool { return len(m.routes[i].prefix) < len(prefix) })
	m.routes = append(m.routes, prefixRoute{})
	copy(m.routes[i+1:], m.routes[i:])
	m.routes[i] = prefixRoute{prefix, h}
}

func (m *prefixMux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for _, rt := range m.routes {
		if strings.HasPrefix(r.URL.Path, rt.prefix) {
			rt.h.ServeHTTP(w, r)
			return
		}
	}
	http.NotFound(w, r)
}

// URL returns a RunT Fleet's base URL.
func (f *Fleet) URL() string { return f.ts.URL() }

// Close stops a RunT Fleet.
func (f *Fleet) Close() { f.ts.Close() }

// Providers returns the enabled providers.
func (f *Fleet) Providers() []Provider { return append([]Provider(nil), f.providers...) }

// Provider returns an enabled provider by name.
func (f *Fleet) Provider(name string) (Provider, bool) {
	p, ok := f.byName[name]
	return p, ok
}

// Run delivers webhooks and settles every tenant's due transitions in the
// background until ctx ends, so time-driven events (a card turning active,
// a retry coming due) fire without a request to trigger them.
func (f *Fleet) Run(ctx context.Context) {
	go f.Webhooks.Run(ctx, 100*time.Millisecond)
	t := core.Ticker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			f.SettleAll()
			f.Webhooks.Kick()
		}
	}
}

// SettleAll applies due transitions for every tenant and provider.
func (f *Fleet) SettleAll() {
	for _, t := range f.Tenants.List() {
		f.settle(t.ID)
	}
}

func (f *Fleet) settle(tenant string) {
	for _, p := range f.providers {
		p.Settle(tenant)
	}
}

// Flush settles every tenant and delivers the webhooks due now,
// synchronously; tests call it instead of waiting.
func (f *Fleet) Flush(ctx context.Context) int {
	f.SettleAll()
	return f.Webhooks.Flush(ctx)
}

// notServed answers paths no provider owns.
func (f *Fleet) notServed(w http.ResponseWriter, r *http.Request) {
	f.Journal.Add(core.Entry{Type: "request", Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
		Status: http.StatusNotFound, At: f.Clock.Now(), Wall: core.WallNow().UTC(), Remote: r.RemoteAddr})
	writeAdminError(w, http.StatusNotFound, "not_found", fmt.Sprintf(
		"no provider serves %s: bkj is under /openapi/v1, KeySecure /open-api/v1, UQPay /api/v1, DeCard /card/v1 and friends; the admin API is /_mocksrv/", r.URL.Path))
}

// TenantRequest is the body of POST /_mocksrv/tenants. Every field is
// optional. Provider objects ("keysecure": {...}) pass options to that
// provider, such as fixed credentials.
type TenantRequest struct {
	ID       string            `json:"id,omitempty"`
	Seed     uint64            `json:"seed,omitempty"`
	AllowIPs string            `json:"allow_ips,omitempty"`
	Clock    *ClockRequest     `json:"clock,omitempty"`
	Webhooks map[string]string `json:"webhooks,omitempty"`
	Options  map[string]json.RawMessage
}

// UnmarshalJSON splits provider objects from the common fields, refusing
// unknown keys.
func (tr *TenantRequest) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	tr.Options = map[string]json.RawMessage{}
	for k, v := range raw {
		var err error
		switch k {
		case "id":
			err = json.Unmarshal(v, &tr.ID)
		case "seed":
			err = json.Unmarshal(v, &tr.Seed)
		case "allow_ips":
			err = json.Unmarshal(v, &tr.AllowIPs)
		case "clock":
			err = json.Unmarshal(v, &tr.Clock)
		case "webhooks":
			err = json.Unmarshal(v, &tr.Webhooks)
		default:
			if !known(k) {
				return fmt.Errorf("unknown field %q (want id, seed, allow_ips, clock, webhooks or a provider name)", k)
			}
			tr.Options[k] = v
		}
		if err != nil {
			return fmt.Errorf("field %q: %w", k, err)
		}
	}
	return nil
}

// TenantInfo is a tenant's ID, seed and credentials per provider, as the
// admin API returns them.
type TenantInfo struct {
	ID          string
	Seed        uint64
	Credentials map[string]any
}

// MarshalJSON renders {"id", "seed", "<provider>": {credentials}, …}.
func (ti TenantInfo) MarshalJSON() ([]byte, error) {
	m := map[string]any{"id": ti.ID, "seed": ti.Seed}
	for k, v := range ti.Credentials {
		m[k] = v
	}
	return json.Marshal(m)
}

// CreateTenant makes a new isolated tenant with its own seed, clock and
// credentials for every enabled provider.
func (f *Fleet) CreateTenant(req TenantRequest) (TenantInfo, error) {
	f.tenantMu.Lock()
	defer f.tenantMu.Unlock()
	if req.ID == "" {
		req.ID = "t-" + core.RandomHex(6)
	}
	if _, exists := f.Tenants.Get(req.ID); exists {
		return TenantInfo{}, fmt.Errorf("%w: tenant %q already exists", errConflict, req.ID)
	}
	for name := range req.Options {
		if _, on := f.byName[name]; !on {
			return TenantInfo{}, fmt.Errorf("options for provider %q, which is not enabled", name)
		}
	}
	if req.Seed == 0 {
		req.Seed = core.SubSeed(f.cfg.seed, "tenant/"+req.ID)
	}
	allow := f.Default().Allow
	if req.AllowIPs != "" {
		a, err := core.ParseAllowList(req.AllowIPs)
		if err != nil {
			return TenantInfo{}, err
		}
		allow = a
	}
	clock := core.NewClock()
	if err := clock.Restore(f.Clock.State()); err != nil {
		return TenantInfo{}, err
	}
	if req.Clock != nil {
		if _, err := req.Clock.apply(clock); err != nil {
			return TenantInfo{}, err
		}
	}
	t := &core.Tenant{ID: req.ID, Seed: req.Seed, Clock: clock, Allow: allow}
	if err := f.Tenants.Add(t); err != nil {
		return TenantInfo{}, err
	}
	info := TenantInfo{ID: t.ID, Seed: t.Seed, Credentials: map[string]any{}}
	for _, p := range f.providers {
		creds, err := p.AddTenant(t, req.Options[p.Name()])
		if err != nil {
			f.dropTenantLocked(t.ID)
			return TenantInfo{}, err
		}
		info.Credentials[p.Name()] = creds
	}
	for p, u := range req.Webhooks {
		if _, on := f.byName[p]; !on {
			f.dropTenantLocked(t.ID)
			return TenantInfo{}, fmt.Errorf("webhook URL for provider %q, which is not enabled", p)
		}
		f.Webhooks.SetURL(t.ID, p, u)
	}
	f.seeds[t.ID] = t.Seed
	f.mutations.Add(1)
	return info, nil
}

// TenantInfo returns a tenant's credentials.
func (f *Fleet) TenantInfo(id string) (TenantInfo, bool) {
	t, ok := f.Tenants.Get(id)
	if !ok {
		return TenantInfo{}, false
	}
	info := TenantInfo{ID: t.ID, Seed: t.Seed, Credentials: map[string]any{}}
	for _, p := range f.providers {
		if c, ok := p.Credentials(id); ok {
			info.Credentials[p.Name()] = c
		}
	}
	return info, true
}

var (
	errNotFound = errors.New("not found")
	errConflict = errors.New("conflict")
)

// DeleteTenant drops a tenant and everything it owns. The default tenant
// can be reset but not deleted.
func (f *Fleet) DeleteTenant(id string) error {
	if id == core.DefaultTenant {
		return fmt.Errorf("%w: the default tenant cannot be deleted; reset it instead", errConflict)
	}
	f.tenantMu.Lock()
	defer f.tenantMu.Unlock()
	if _, ok := f.Tenants.Get(id); !ok {
		return fmt.Errorf("%w: tenant %q", errNotFound, id)
	}
	f.dropTenantLocked(id)
	f.mutations.Add(1)
	return nil
}

func (f *Fleet) dropTenantLocked(id string) {
	for _, p := range f.providers {
		p.RemoveTenant(id)
	}
	f.Tenants.Remove(id)
	f.Journal.ClearTenant(id)
	f.Webhooks.DropTenant(id)
	f.Faults.ClearWhere(func(fl core.Fault) bool { return fl.Tenant == id })
	delete(f.seeds, id)
}

// ResetTenant empties a tenant's state in every provider and its journal
// and deliveries, keeping its ID, credentials and clock.
func (f *Fleet) ResetTenant(id string) error {
	f.tenantMu.Lock()
	defer f.tenantMu.Unlock()
	if _, ok := f.Tenants.Get(id); !ok {
		return fmt.Errorf("%w: tenant %q", errNotFound, id)
	}
	for _, p := range f.providers {
		if err := p.ResetTenant(id); err != nil {
			return err
		}
	}
	f.Journal.ClearTenant(id)
	f.Webhooks.DropWhere(func(d core.Delivery) bool { return d.Tenant == id })
	f.mutations.Add(1)
	return nil
}

// TenantIDs returns every tenant's ID, default first.
func (f *Fleet) TenantIDs() []string {
	var ids []string
	for _, t := range f.Tenants.List() {
		ids = append(ids, t.ID)
	}
	return ids
}

// ClockRequest changes a tenant's business clock; fields combine in the
// order set, freeze, advance.
type ClockRequest struct {
	Advance string     `json:"advance,omitempty"` // Go duration or days: "720h", "30d"
	Set     *time.Time `json:"set,omitempty"`
	Freeze  *bool      `json:"freeze,omitempty"`
}

func (cr ClockRequest) apply(c *core.Clock) (core.ClockState, error) {
	if cr.Set != nil {
		c.Set(*cr.Set)
	}
	if cr.Freeze != nil {
		if *cr.Freeze {
			c.Freeze()
		} else {
			c.Unfreeze()
		}
	}
	if cr.Advance != "" {
		d, err := core.ParseDuration(cr.Advance)
		if err != nil {
			return core.ClockState{}, err
		}
		if _, err := c.Advance(d); err != nil {
			return core.ClockState{}, err
		}
	}
	return c.State(), nil
}

// MoveClock changes a tenant's clock, then settles its providers so the
// transitions and webhooks the move makes due happen at once.
func (f *Fleet) MoveClock(tenant string, cr ClockRequest) (core.ClockState, error) {
	t, ok := f.Tenants.Get(tenant)
	if !ok {
		return core.ClockState{}, fmt.Errorf("%w: tenant %q", errNotFound, tenant)
	}
	st, err := cr.apply(t.Clock)
	if err != nil {
		return st, err
	}
	f.settle(tenant)
	f.Webhooks.Kick()
	f.mutations.Add(1)
	return st, nil
}

// snapshotFile is the --state file format.
type snapshotFile struct {
	Version  int              `json:"version"`
	SavedAt  time.Time        `json:"saved_at"`
	Tenants  []tenantSnapshot `json:"tenants"`
	Webhooks core.OutboxState `json:"webhooks"`
}

type tenantSnapshot struct {
	ID        string                     `json:"id"`
	Seed      uint64                     `json:"seed"`
	Clock     core.ClockState            `json:"clock"`
	Allow     core.AllowList             `json:"allow_ips"`
	Providers map[string]json.RawMessage `json:"providers"`
}

// MarshalState serializes every tenant (state, clock, credentials) and the
// webhook outbox.
func (f *Fleet) MarshalState() ([]byte, error) {
	f.tenantMu.Lock()
	defer f.tenantMu.Unlock()
	snap := snapshotFile{Version: 1, SavedAt: core.WallNow().UTC(), Webhooks: f.Webhooks.State()}
	for _, t := range f.Tenants.List() {
		ts := tenantSnapshot{ID: t.ID, Seed: t.Seed, Clock: t.Clock.State(), Allow: t.Allow, Providers: map[string]json.RawMessage{}}
		for _, p := range f.providers {
			raw, err := p.Snapshot(t.ID)
			if err != nil {
				return nil, err
			}
			ts.Providers[p.Name()] = raw
		}
		snap.Tenants = append(snap.Tenants, ts)
	}
	return json.Marshal(snap)
}

// UnmarshalState replaces the Fleet's tenants with saved ones.
func (f *Fleet) UnmarshalState(b []byte) error {
	var snap snapshotFile
	if err := json.Unmarshal(b, &snap); err != nil {
		return fmt.Errorf("state file: %w", err)
	}
	if snap.Version != 1 {
		return fmt.Errorf("state file: version %d is not supported (want 1)", snap.Version)
	}
	f.tenantMu.Lock()
	defer f.tenantMu.Unlock()
	for _, ts := range snap.Tenants {
		t, ok := f.Tenants.Get(ts.ID)
		if !ok {
			t = &core.Tenant{ID: ts.ID, Seed: ts.Seed, Clock: core.NewClock(), Allow: ts.Allow}
			if err := f.Tenants.Add(t); err != nil {
				return err
			}
		}
		if ts.ID != core.DefaultTenant {
			// The default tenant's allow-list is configuration (--allow-ips),
			// not state: the command line of this run wins over the file.
			t.Allow = ts.Allow
		}
		if err := t.Clock.Restore(ts.Clock); err != nil {
			return err
		}
		for _, p := range f.providers {
			raw, ok := ts.Providers[p.Name()]
			if !ok {
				if _, err := p.AddTenant(t, nil); err != nil && ts.ID != core.DefaultTenant {
					return err
				}
				continue
			}
			if err := p.Restore(t, raw); err != nil {
				return err
			}
		}
		f.seeds[t.ID] = ts.Seed
	}
	f.Webhooks.Restore(snap.Webhooks)
	return nil
}

// Changes returns a counter that moves whenever state may have changed
// (requests, webhook attempts, admin calls); the snapshot timer skips a
// save when it has not moved.
func (f *Fleet) Changes() uint64 {
	return f.Journal.LastSeq() + f.mutations.Load()<<32
}
