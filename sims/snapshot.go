package sims

// The --state file: every tenant (its clock, seed, allow-list and each
// provider's saved world) and the webhook outbox. Saving streams the file a
// tenant at a time, reusing what it encoded for tenants that have not
// changed since; each provider's world is copied under its lock and
// encoded outside it. What a save cannot interpret — the worlds of
// providers this run does not serve — is written back as it was found.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sync"
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

// snapshots is what a Fleet keeps between saves: each tenant's encoded
// worlds with the change count they were encoded at, and the worlds the
// state file held for providers this run does not serve.
type snapshots struct {
	mu      sync.Mutex                            // guards the maps
	encoded map[string]map[string]encodedWorld    // tenant → provider → last encoding
	foreign map[string]map[string]json.RawMessage // tenant → unserved provider → as loaded
}

type encodedWorld struct {
	changes uint64 // the tenant's Changes when it was encoded
	raw     json.RawMessage
}

func newSnapshots() *snapshots {
	return &snapshots{encoded: map[string]map[string]encodedWorld{}, foreign: map[string]map[string]json.RawMessage{}}
}

// forget drops what is kept for a tenant that is gone.
func (s *snapshots) forget(tenant string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.encoded, tenant)
	delete(s.foreign, tenant)
}

// world returns p's saved form of tenant t: the last encoding when the
// tenant has not changed since, else a new one.
func (s *snapshots) world(p core.Provider, t *core.Tenant) (json.RawMessage, error) {
	changes := t.Changes() // read before the copy: a change during it is caught next time
	s.mu.Lock()
	prev, ok := s.encoded[t.ID][p.Name()]
	s.mu.Unlock()
	if ok && prev.changes == changes {
		return prev.raw, nil
	}
	raw, err := p.Snapshot(t.ID)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.encoded[t.ID] == nil {
		s.encoded[t.ID] = map[string]encodedWorld{}
	}
	s.encoded[t.ID][p.Name()] = encodedWorld{changes: changes, raw: raw}
	return raw, nil
}

// WriteState writes the --state file to w: every tenant (state, clock,
// credentials) and the webhook outbox, a tenant at a time. It holds no
// lock across tenants: tenants can be created and deleted meanwhile, and
// each provider world is locked only while it is copied.
func (f *Fleet) WriteState(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	head, _ := json.Marshal(core.WallNow().UTC())
	if _, err := fmt.Fprintf(bw, `{"version":1,"saved_at":%s,"tenants":[`, head); err != nil {
		return err
	}
	first := true
	for _, t := range f.Tenants.List() {
		ts := tenantSnapshot{ID: t.ID, Seed: t.Seed, Clock: t.Clock.State(), Allow: t.Allow, Providers: map[string]json.RawMessage{}}
		gone := false
		for _, p := range f.providers {
			raw, err := f.snaps.world(p, t)
			if _, still := f.Tenants.Get(t.ID); !still {
				gone = true // deleted while the save ran
				break
			}
			if err != nil {
				return err
			}
			ts.Providers[p.Name()] = raw
		}
		if gone {
			continue
		}
		f.snaps.mu.Lock()
		for name, raw := range f.snaps.foreign[t.ID] {
			ts.Providers[name] = raw
		}
		b, err := json.Marshal(ts)
		f.snaps.mu.Unlock()
		if err != nil {
			return err
		}
		if !first {
			if err := bw.WriteByte(','); err != nil {
				return err
			}
		}
		first = false
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	hooks, err := json.Marshal(f.Webhooks.State())
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(bw, `],"webhooks":%s}`, hooks); err != nil {
		return err
	}
	return bw.Flush()
}

// MarshalState returns the --state file in memory (WriteState streams it).
func (f *Fleet) MarshalState() ([]byte, error) {
	var buf bytesBuffer
	err := f.WriteState(&buf)
	return buf.b, err
}

type bytesBuffer struct{ b []byte }

func (w *bytesBuffer) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }

// UnmarshalState replaces the Fleet's tenants with saved ones. The worlds
// of providers this run does not serve are kept as they are and written
// back by every save, so a server started with --providers never drops
// the others' state.
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
		foreign := map[string]json.RawMessage{}
		for name, raw := range ts.Providers {
			if _, served := f.byName[name]; !served {
				foreign[name] = raw
			}
		}
		f.snaps.mu.Lock()
		delete(f.snaps.encoded, t.ID)
		if len(foreign) > 0 {
			f.snaps.foreign[t.ID] = foreign
		} else {
			delete(f.snaps.foreign, t.ID)
		}
		f.snaps.mu.Unlock()
		t.Touch()
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
