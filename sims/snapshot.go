package sims

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

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
