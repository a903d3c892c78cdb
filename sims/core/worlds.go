package core

import (
	"fmt"
	"net/http"
	"sort"
	"sync"
)

// Worlds is a provider's registry of tenant state: each tenant's world,
// indexed by tenant ID and by the credential the tenant's requests name (an
// API key, a client id). It is safe for concurrent use.
//
// Worlds is also the one way to lock a world: Enter (a request's world) and
// Do (a tenant's) lock it and apply its due transitions with the
// provider's settle function before the caller reads or changes it.
//
// Only Reset calls out while holding the registry's lock: its fresh
// function may lock the old world. The lock order is therefore registry →
// world, and code holding a world's lock must not call into the registry.
type Worlds[W World] struct {
	provider string  // prefixes errors: "bkj: tenant \"x\" already exists"
	keyName  string  // names the credential in errors: "api_key", "client_id"
	settle   func(W) // applies a world's due transitions; its lock is held

	mu       sync.RWMutex // guards byTenant and byKey
	byTenant map[string]*worldSlot[W]
	byKey    map[string]*worldSlot[W] // the same slots, by credential
}

// worldSlot is one tenant's entry, shared by both indexes so that Reset
// swaps the world in one place.
type worldSlot[W any] struct {
	tenant string
	key    string
	world  W
}

// NewWorlds returns an empty registry. provider and keyName only word its
// errors: NewWorlds[*world]("uqpay", "client_id", s.settleLocked). settle
// applies a world's due transitions with its lock held; nil settles
// nothing.
func NewWorlds[W World](provider, keyName string, settle func(W)) *Worlds[W] {
	if settle == nil {
		settle = func(W) {}
	}
	return &Worlds[W]{provider: provider, keyName: keyName, settle: settle,
		byTenant: map[string]*worldSlot[W]{}, byKey: map[string]*worldSlot[W]{}}
}

// Enter locks the world Bind attached to r and applies its due
// transitions; the caller defers its Unlock. It panics when no world is
// bound, which the provider's auth middleware guarantees for private
// routes (the recover middleware turns a missing bind into a defect).
func (ws *Worlds[W]) Enter(r *http.Request) W {
	w, ok := CallOf(r).world.(W)
	if !ok {
		panic(fmt.Sprintf("%s: %s %s reached a handler without an authenticated world", ws.provider, r.Method, r.URL.Path))
	}
	return ws.Lock(w)
}

// Lock locks w and applies its due transitions; the caller defers its
// Unlock. The world's tenant is marked as changed (Tenant.Touch): whoever
// holds a world's lock may change it.
func (ws *Worlds[W]) Lock(w W) W {
	w.Lock()
	w.base().Tenant.Touch()
	ws.settle(w)
	return w
}

// Do runs f on a tenant's world, locked and settled.
func (ws *Worlds[W]) Do(tenant string, f func(w W) error) error {
	w, ok := ws.Get(tenant)
	if !ok {
		return fmt.Errorf("%s: no tenant %q", ws.provider, tenant)
	}
	ws.Lock(w)
	defer w.Unlock()
	return f(w)
}

// Settle applies a tenant's due transitions. A world with nothing due is
// left as it is, so the background settling of idle tenants never makes
// them look changed.
func (ws *Worlds[W]) Settle(tenant string) {
	w, ok := ws.Get(tenant)
	if !ok {
		return
	}
	w.Lock()
	defer w.Unlock()
	b := w.base()
	if next, ok := b.Agenda.Next(); ok && !next.At.After(b.Tenant.Clock.Now()) {
		b.Tenant.Touch()
		ws.settle(w)
	}
}

// Get returns a tenant's world.
func (ws *Worlds[W]) Get(tenant string) (W, bool) { return ws.lookup(ws.byTenant, tenant) }

// ByKey returns the world a credential belongs to.
func (ws *Worlds[W]) ByKey(key string) (W, bool) { return ws.lookup(ws.byKey, key) }

// lookup reads one of the two indexes (whose maps are never replaced)
// under the read lock.
func (ws *Worlds[W]) lookup(index map[string]*worldSlot[W], k string) (W, bool) {
	ws.mu.RLock()
	defer ws.mu.RUnlock()
	if s, ok := index[k]; ok {
		return s.world, true
	}
	var zero W
	return zero, false
}

// Default returns the default tenant's world, or the zero W if there is
// none yet.
func (ws *Worlds[W]) Default() W {
	w, _ := ws.Get(DefaultTenant)
	return w
}

// IDs returns the tenant IDs that have a world, sorted.
func (ws *Worlds[W]) IDs() []string {
	ws.mu.RLock()
	defer ws.mu.RUnlock()
	ids := make([]string, 0, len(ws.byTenant))
	for id := range ws.byTenant {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Add registers a new tenant's world under its credential. It fails, and
// changes nothing, when another tenant already uses key or the tenant
// already has a world.
func (ws *Worlds[W]) Add(tenant, key string, w W) error {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if _, taken := ws.byKey[key]; taken {
		return fmt.Errorf("%s: %s %q is already used by another tenant", ws.provider, ws.keyName, key)
	}
	if _, exists := ws.byTenant[tenant]; exists {
		return fmt.Errorf("%s: tenant %q already exists", ws.provider, tenant)
	}
	s := &worldSlot[W]{tenant: tenant, key: key, world: w}
	ws.byTenant[tenant], ws.byKey[key] = s, s
	return nil
}

// Remove drops a tenant's world and its credential, and returns the world
// so the caller can release what it holds (streams, tokens).
func (ws *Worlds[W]) Remove(tenant string) (W, bool) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	s, ok := ws.byTenant[tenant]
	if !ok {
		var zero W
		return zero, false
	}
	delete(ws.byKey, s.key)
	delete(ws.byTenant, tenant)
	return s.world, true
}

// Reset replaces a tenant's world with fresh(old), keeping its credential,
// and returns the old world. fresh runs under the registry's lock, so no
// request can find the old world once Reset returns; it may lock old, and
// must not call back into the registry.
func (ws *Worlds[W]) Reset(tenant string, fresh func(old W) W) (W, error) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	s, ok := ws.byTenant[tenant]
	if !ok {
		var zero W
		return zero, fmt.Errorf("%s: no tenant %q", ws.provider, tenant)
	}
	old := s.world
	s.world = fresh(old)
	return old, nil
}

// Restore puts a restored world in place of whatever the tenant had, under
// the credential it was saved with, and returns the world it replaced. It
// fails, and changes nothing, when another tenant uses key.
func (ws *Worlds[W]) Restore(tenant, key string, w W) (old W, replaced bool, err error) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if other, taken := ws.byKey[key]; taken && other.tenant != tenant {
		return old, false, fmt.Errorf("%s: restore %s: %s already used by tenant %s", ws.provider, tenant, ws.keyName, other.tenant)
	}
	if s, ok := ws.byTenant[tenant]; ok {
		delete(ws.byKey, s.key)
		old, replaced = s.world, true
	}
	s := &worldSlot[W]{tenant: tenant, key: key, world: w}
	ws.byTenant[tenant], ws.byKey[key] = s, s
	return old, replaced, nil
}
