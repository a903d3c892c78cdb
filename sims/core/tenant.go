package core

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"regexp"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultTenant is the ID of the tenant that exists from the start, with
// fixed, documented credentials for every provider.
const DefaultTenant = "default"

// Tenant is an isolated world: one business clock, one seed, and one state
// per provider (held by the provider packages, keyed by the tenant's ID).
// Tenants share nothing, so fifty CI jobs against one mocksrv never see
// each other's cards.
type Tenant struct {
	ID    string
	Seed  uint64
	Clock *Clock
	Allow AllowList // source addresses that providers with an IP allow-list accept

	changes  atomic.Uint64 // moves whenever a provider world of the tenant may have changed
	lastUsed atomic.Int64  // wall time of its last verified request or admin call, Unix ns
}

// Use records that the tenant was just used (a verified request, an admin
// call): an idle tenant's expiry counts from it.
func (t *Tenant) Use() { t.UseAt(WallNow()) }

// UseAt records that the tenant was used at wall time at.
func (t *Tenant) UseAt(at time.Time) {
	if t != nil {
		t.lastUsed.Store(at.UnixNano())
	}
}

// LastUsed returns when the tenant was last used, or when it was made.
func (t *Tenant) LastUsed() time.Time { return time.Unix(0, t.lastUsed.Load()) }

// Touch records that the tenant's state may have changed: a snapshot must
// encode it again.
func (t *Tenant) Touch() {
	if t != nil {
		t.changes.Add(1)
	}
}

// Changes returns a counter that moves whenever the tenant's state may
// have changed (Touch); a snapshot reuses what it encoded while it stands
// still.
func (t *Tenant) Changes() uint64 { return t.changes.Load() }

// SubSeed derives an independent seed for one part of a tenant (a
// provider's faker, say) so that activity in one provider never shifts the
// fake data of another.
func (t *Tenant) SubSeed(label string) uint64 { return SubSeed(t.Seed, label) }

// SubSeed mixes seed with label into a new non-zero seed.
func SubSeed(seed uint64, label string) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%s", seed, label)
	if v := h.Sum64(); v != 0 {
		return v
	}
	return 1
}

// Tenants is the registry of tenants. It is safe for concurrent use.
type Tenants struct {
	mu   sync.RWMutex // guards byID
	byID map[string]*Tenant
}

// NewTenants returns an empty registry.
func NewTenants() *Tenants { return &Tenants{byID: map[string]*Tenant{}} }

var tenantIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// ValidTenantID reports whether id is usable as a tenant ID: 1–64 letters,
// digits, '_', '.', '-', not starting with punctuation.
func ValidTenantID(id string) bool { return tenantIDPattern.MatchString(id) }

// Add registers t. It fails when the ID is taken or malformed.
func (ts *Tenants) Add(t *Tenant) error {
	if !ValidTenantID(t.ID) {
		return fmt.Errorf("tenant id %q: use 1-64 letters, digits, '_', '.' or '-'", t.ID)
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if _, ok := ts.byID[t.ID]; ok {
		return fmt.Errorf("tenant %q already exists", t.ID)
	}
	t.Use()
	ts.byID[t.ID] = t
	return nil
}

// Len returns how many tenants there are.
func (ts *Tenants) Len() int {
	ts.mu.RLock()
	defer ts.mu.RUnlock()
	return len(ts.byID)
}

// Get returns the tenant with the given ID.
func (ts *Tenants) Get(id string) (*Tenant, bool) {
	ts.mu.RLock()
	defer ts.mu.RUnlock()
	t, ok := ts.byID[id]
	return t, ok
}

// Remove drops the tenant and reports whether it existed.
func (ts *Tenants) Remove(id string) bool {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	_, ok := ts.byID[id]
	delete(ts.byID, id)
	return ok
}

// List returns every tenant, sorted by ID with "default" first.
func (ts *Tenants) List() []*Tenant {
	ts.mu.RLock()
	out := make([]*Tenant, 0, len(ts.byID))
	for _, t := range ts.byID {
		out = append(out, t)
	}
	ts.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool {
		if (out[i].ID == DefaultTenant) != (out[j].ID == DefaultTenant) {
			return out[i].ID == DefaultTenant
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// RandomHex returns n random bytes from crypto/rand as lowercase hex. It
// makes tenant IDs and the credentials of tenants created at run time, which
// must not collide across processes and are not fake data.
func RandomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never fails on supported platforms
	}
	return hex.EncodeToString(b)
}
