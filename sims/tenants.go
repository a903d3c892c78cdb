package sims

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

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
	if max := f.maxTenants(); f.Tenants.Len() >= max {
		return TenantInfo{}, fmt.Errorf("%w: this mocksrv holds its limit of %d tenants (--max-tenants, MOCKSRV_MAX_TENANTS); delete tenants you are done with (DELETE /_mocksrv/tenants/{id}), let idle ones expire (--tenant-ttl), or raise the limit",
			errTooMany, max)
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
	errTooMany  = errors.New("too many")
)

// maxTenants returns the tenant cap.
func (f *Fleet) maxTenants() int {
	if f.cfg.maxTenants > 0 {
		return f.cfg.maxTenants
	}
	return DefaultMaxTenants
}

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
	f.snaps.forget(id)
}

// ResetTenant empties a tenant's state in every provider and its journal
// and deliveries, keeping its ID, credentials and clock.
func (f *Fleet) ResetTenant(id string) error {
	f.tenantMu.Lock()
	defer f.tenantMu.Unlock()
	t, ok := f.Tenants.Get(id)
	if !ok {
		return fmt.Errorf("%w: tenant %q", errNotFound, id)
	}
	for _, p := range f.providers {
		if err := p.ResetTenant(id); err != nil {
			return err
		}
	}
	t.Touch() // the worlds were replaced, not changed under Worlds.Lock
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
