package core

import (
	"context"
	"encoding/json"
	"net/http"
)

// Host is the plumbing every provider's Server embeds, written once: the
// shared Env (Clock, Journal, Faults, Webhooks), the router with core's
// middleware mounted, the registry of tenant worlds, and RunT's loopback
// server. Its exported methods are the part of a Server's API that is the
// same for every provider; what a Fleet needs besides (tenants, state,
// snapshots) is reached through ProviderOf, so it never shows in a
// provider's API.
type Host[W World] struct {
	*Env

	name     string
	prefixes []string
	router   *Router
	worlds   *Worlds[W]
	hooks    Hooks[W]
	ts       TestServer
}

// Hooks are what a provider tells its Host about its worlds: how to make,
// reset, show, drive, save and restore one. Every function but NewWorld,
// Restore and Release runs with the world locked and settled.
type Hooks[W World] struct {
	// NewWorld makes a tenant's world from the provider's object of the
	// tenant's options (nil when there is none): its settings and, when
	// given, fixed credentials.
	NewWorld func(t *Tenant, opts json.RawMessage) (W, error)
	// Key returns the credential requests find the world by (an API key, a
	// client id). It must not change for the world's life.
	Key func(w W) string
	// Credentials returns what the admin API shows as the tenant's
	// credentials.
	Credentials func(w W) any
	// Fresh returns an empty world for the same tenant, credentials and
	// settings: a reset. old is locked.
	Fresh func(old W) W
	// Release frees what a dropped or replaced world — or a restored one
	// that could not be placed — holds outside itself (stream subscribers,
	// token indexes). It may lock w; it is optional.
	Release func(w W)

	// Dump returns the world's state for GET /_mocksrv/tenants/{id}/{p}/state.
	Dump func(w W) any
	// Act drives a card: freeze, unfreeze, expire, block, cancel, activate,
	// in the provider's vocabulary.
	Act func(w W, card, action string) (any, error)
	// Create adds state directly, for the admin API and scenario givens.
	Create func(w W, kind string, body []byte) (any, error)
	// CardEvent applies a card-network event to a card (optional: without
	// it the provider refuses card events).
	CardEvent func(w W, card string, ev CardEvent) (any, error)
	// Declines lists the provider's documented decline reasons (optional).
	Declines Declines
	// Snapshot returns the world in its saved form. The value must share no
	// mutable memory with the world: the Host encodes it after unlocking.
	Snapshot func(w W) any
	// Restore rebuilds a world from its saved form.
	Restore func(t *Tenant, state json.RawMessage) (W, error)
}

// HostConfig is what NewHost needs besides the Env.
type HostConfig[W World] struct {
	Name     string     // the provider's name: "keysecure"
	Prefixes []string   // the path prefixes it owns on a shared listener: "/open-api/"
	Wire     Wire       // its tenant guess and error envelope, for core's middleware
	Worlds   *Worlds[W] // its registry of tenant worlds
	Hooks    Hooks[W]

	// Routes registers every route on r; each runs through core's
	// middleware. Auth wraps each private route's handler.
	Routes func(r *Router)
	// Webhook signs the provider's webhooks and judges receivers' answers.
	Webhook Endpoint
}

// NewHost returns a Host serving the provider's routes through core's
// middleware. The provider's New calls AddDefaultTenant next.
func NewHost[W World](env *Env, cfg HostConfig[W]) *Host[W] {
	h := &Host[W]{Env: env, name: cfg.Name, prefixes: cfg.Prefixes, worlds: cfg.Worlds, hooks: cfg.Hooks}
	r := newRouter(env, cfg.Wire)
	cfg.Routes(r)
	h.router = r
	env.Webhooks.Register(cfg.Name, cfg.Webhook)
	return h
}

// AddDefaultTenant gives the Env's default tenant its world in h's
// provider, with the provider's settings.
func AddDefaultTenant[W World](h *Host[W]) error {
	_, err := h.addTenant(h.Env.Default(), nil)
	return err
}

// Handler returns the HTTP handler serving the provider's paths.
func (h *Host[W]) Handler() http.Handler { return h.router }

// URL returns the base URL of a RunT server ("http://127.0.0.1:port"); the
// provider's paths follow it as the real host's do. It is "" for a Server
// from New, which does not listen.
func (h *Host[W]) URL() string { return h.ts.URL() }

// Client returns an HTTP client for the RunT server.
func (h *Host[W]) Client() *http.Client { return h.ts.Client() }

// Close stops a RunT server; it is a no-op for a Server from New.
func (h *Host[W]) Close() { h.ts.Close() }

// Reset clears the default tenant's state in this provider, and the
// provider's journal entries, fault rules and webhook deliveries.
func (h *Host[W]) Reset() {
	_ = h.resetTenant(DefaultTenant)
	h.ClearProvider(h.name)
}

// FlushWebhooks applies every tenant's due transitions and delivers the
// webhooks that are due now, synchronously. Tests call it instead of
// waiting.
func (h *Host[W]) FlushWebhooks(ctx context.Context) int {
	for _, id := range h.worlds.IDs() {
		h.worlds.Settle(id)
	}
	return h.Webhooks.Flush(ctx)
}

func (h *Host[W]) testServer() *TestServer { return &h.ts }

func (h *Host[W]) addTenant(t *Tenant, opts json.RawMessage) (any, error) {
	w, err := h.hooks.NewWorld(t, opts)
	if err != nil {
		return nil, err
	}
	if err := h.worlds.Add(t.ID, h.hooks.Key(w), w); err != nil {
		return nil, err
	}
	return h.hooks.Credentials(w), nil
}

func (h *Host[W]) resetTenant(id string) error {
	old, err := h.worlds.Reset(id, func(old W) W {
		old.Lock()
		defer old.Unlock()
		return h.hooks.Fresh(old)
	})
	if err == nil {
		h.release(old)
	}
	return err
}

func (h *Host[W]) release(w W) {
	if h.hooks.Release != nil {
		h.hooks.Release(w)
	}
}
