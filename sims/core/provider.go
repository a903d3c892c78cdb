package core

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// Provider is a simulator as a Fleet drives it: its paths, its tenants, the
// admin API's view of their state, and snapshots. A Server does not offer
// these itself; the Fleet gets them with ProviderOf(server.Host), so a
// provider's own API is only what a test author needs.
type Provider interface {
	Name() string
	Prefixes() []string // path prefixes it owns on a shared listener
	Handler() http.Handler
	Routes() []RouteInfo // the named routes, for the contract surface check
	RouteNames() []string

	AddTenant(t *Tenant, opts json.RawMessage) (credentials any, err error)
	RemoveTenant(id string)
	ResetTenant(id string) error
	Credentials(id string) (any, bool)

	State(tenant string) (any, error)
	CardAction(tenant, card, action string) (any, error)
	Create(tenant, kind string, body json.RawMessage) (any, error)
	CardEvent(tenant, card string, ev CardEvent) (any, error)
	Declines() []Decline
	Settle(tenant string)

	Snapshot(tenant string) (json.RawMessage, error)
	SnapshotTo(tenant string, w io.Writer) error // Snapshot written to w, with no copy of the encoding
	Restore(t *Tenant, state json.RawMessage) error
}

// ProviderOf returns the Fleet's view of a provider's Host.
func ProviderOf[W World](h *Host[W]) Provider { return hostProvider[W]{h} }

// hostProvider implements Provider on a Host.
type hostProvider[W World] struct{ h *Host[W] }

func (p hostProvider[W]) Name() string          { return p.h.name }
func (p hostProvider[W]) Prefixes() []string    { return append([]string(nil), p.h.prefixes...) }
func (p hostProvider[W]) Handler() http.Handler { return p.h.router }
func (p hostProvider[W]) Routes() []RouteInfo   { return p.h.router.Routes() }

func (p hostProvider[W]) RouteNames() []string {
	var names []string
	for _, rt := range p.h.router.Routes() {
		names = append(names, rt.Name)
	}
	return names
}

func (p hostProvider[W]) AddTenant(t *Tenant, opts json.RawMessage) (any, error) {
	return p.h.addTenant(t, opts)
}

func (p hostProvider[W]) RemoveTenant(id string) {
	if w, ok := p.h.worlds.Remove(id); ok {
		p.h.release(w)
	}
}

func (p hostProvider[W]) ResetTenant(id string) error { return p.h.resetTenant(id) }

func (p hostProvider[W]) Credentials(id string) (any, bool) {
	w, ok := p.h.worlds.Get(id)
	if !ok {
		return nil, false
	}
	return p.h.hooks.Credentials(w), true
}

func (p hostProvider[W]) State(tenant string) (v any, err error) {
	err = p.h.worlds.Do(tenant, func(w W) error { v = p.h.hooks.Dump(w); return nil })
	return v, err
}

func (p hostProvider[W]) CardAction(tenant, card, action string) (v any, err error) {
	err = p.h.worlds.Do(tenant, func(w W) (err error) { v, err = p.h.hooks.Act(w, card, action); return err })
	return v, err
}

func (p hostProvider[W]) Create(tenant, kind string, body json.RawMessage) (v any, err error) {
	err = p.h.worlds.Do(tenant, func(w W) (err error) { v, err = p.h.hooks.Create(w, kind, body); return err })
	return v, err
}

func (p hostProvider[W]) CardEvent(tenant, card string, ev CardEvent) (v any, err error) {
	if p.h.hooks.CardEvent == nil {
		return nil, Errorf(KindInvalid, "%s does not simulate card events yet", p.h.name)
	}
	err = p.h.worlds.Do(tenant, func(w W) (err error) { v, err = p.h.hooks.CardEvent(w, card, ev); return err })
	return v, err
}

func (p hostProvider[W]) Declines() []Decline { return append([]Decline(nil), p.h.hooks.Declines...) }

func (p hostProvider[W]) Settle(tenant string) { p.h.worlds.Settle(tenant) }

// Snapshot copies the world under its lock and encodes the copy outside
// it, so a large save holds no lock while it writes JSON.
func (p hostProvider[W]) Snapshot(tenant string) (json.RawMessage, error) {
	v, err := p.saved(tenant)
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

// SnapshotTo is Snapshot encoding straight into w (one Write, ending in a
// newline), so a save never holds a copy of the encoding.
func (p hostProvider[W]) SnapshotTo(tenant string, w io.Writer) error {
	v, err := p.saved(tenant)
	if err != nil {
		return err
	}
	return json.NewEncoder(w).Encode(v)
}

// saved copies a tenant's world into its saved form under the world's lock.
func (p hostProvider[W]) saved(tenant string) (any, error) {
	w, ok := p.h.worlds.Get(tenant)
	if !ok {
		return nil, fmt.Errorf("%s: no tenant %q", p.h.name, tenant)
	}
	w.Lock()
	defer w.Unlock()
	return p.h.hooks.Snapshot(w), nil
}

func (p hostProvider[W]) Restore(t *Tenant, state json.RawMessage) error {
	w, err := p.h.hooks.Restore(t, state)
	if err != nil {
		return fmt.Errorf("%s: restore %s: %w", p.h.name, t.ID, err)
	}
	old, replaced, err := p.h.worlds.Restore(t.ID, p.h.hooks.Key(w), w)
	if err != nil {
		p.h.release(w) // never placed: free what restoring it registered
		return err
	}
	if replaced {
		p.h.release(old)
	}
	return nil
}
