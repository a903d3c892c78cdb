package sims

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims/core"
)

// Version is mocksrv's version, set at build time with
// -ldflags "-X github.com/mocksrv/mocksrv/sims.Version=v1.2.3".
var Version = "dev"

// Fleet serves every enabled provider and the admin API on one handler.
type Fleet struct {
	*core.Env

	Servers // the simulators; nil when not enabled

	cfg       config
	providers []core.Provider // enabled, in AllProviders order
	byName    map[string]core.Provider
	root      *prefixMux
	admin     http.Handler
	ts        core.TestServer // RunT's loopback server
	mutations atomic.Uint64   // admin changes, for snapshot dirtiness

	tenantMu sync.Mutex // serializes tenant creation, deletion, reset and restore
	seeds    map[string]uint64
	snaps    *snapshots // what saves reuse between --state files
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
	f := &Fleet{Env: env, cfg: cfg, byName: map[string]core.Provider{}, root: &prefixMux{}, seeds: map[string]uint64{}, snaps: newSnapshots()}
	f.seeds[core.DefaultTenant] = cfg.seed
	var off []core.Provider
	for _, entry := range providerTable {
		name := entry.spec().Name
		enabled := contains(cfg.providers, name)
		p, err := entry.build(f, env, enabled)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if !enabled {
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

// URL returns a RunT Fleet's base URL.
func (f *Fleet) URL() string { return f.ts.URL() }

// Close stops a RunT Fleet.
func (f *Fleet) Close() { f.ts.Close() }

// Providers returns the enabled providers.
func (f *Fleet) Providers() []core.Provider { return append([]core.Provider(nil), f.providers...) }

// Provider returns an enabled provider by name.
func (f *Fleet) Provider(name string) (core.Provider, bool) {
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
			f.expireIdle(core.WallNow())
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

// Admin calls a RunT Fleet's admin API as a test does — with the Fleet's
// admin token, if it has one — and returns the status and body. body is
// sent as JSON unless it is nil, a string or []byte (sent as they are); a
// request that cannot be made or read fails t.
func (f *Fleet) Admin(t core.T, method, path string, body any) (int, []byte) {
	t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			t.Fatalf("sims.Fleet.Admin: %v", err)
			return 0, nil
		}
	}
	req, err := http.NewRequest(method, f.URL()+path, bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("sims.Fleet.Admin: %v", err)
		return 0, nil
	}
	if f.cfg.adminToken != "" {
		req.Header.Set("Authorization", "Bearer "+f.cfg.adminToken)
	}
	resp, err := f.ts.Client().Do(req)
	if err != nil {
		t.Fatalf("sims.Fleet.Admin: %s %s: %v", method, path, err)
		return 0, nil
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("sims.Fleet.Admin: %s %s: %v", method, path, err)
	}
	return resp.StatusCode, out
}
