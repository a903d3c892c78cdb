package core

import (
	"net/http"
	"sync"
	"time"
)

// WorldBase is the part of a tenant's provider state that every provider
// shares. A provider's world embeds it: the mutex that guards the whole
// world, the tenant (and so its business clock), the seeded faker and the
// agenda of scheduled transitions.
//
// One locking idiom serves every provider: a request's world is locked and
// settled by Worlds.Enter, a tenant's by Worlds.Do, and nothing else locks
// a world. Helpers that need the lock held end in Locked.
type WorldBase struct {
	mu sync.Mutex // guards the embedding world: every field of it

	Tenant *Tenant
	Faker  *Faker
	Agenda Agenda

	at time.Time // while RunDue applies a task: its due time, which Now reads
}

// NewWorldBase returns the shared part of a world for tenant t, its faker
// seeded from the tenant's seed and the provider's name, so activity in one
// provider never shifts another's fake data.
func NewWorldBase(t *Tenant, provider string) WorldBase {
	return WorldBase{Tenant: t, Faker: NewFaker(t.SubSeed(provider))}
}

// Lock locks the world.
func (b *WorldBase) Lock() { b.mu.Lock() }

// Unlock unlocks the world.
func (b *WorldBase) Unlock() { b.mu.Unlock() }

// Now returns the tenant's business time — or, while RunDue applies a
// scheduled task, the task's due time, so everything the task stamps and
// schedules starts from when it was due, not from when the clock was read.
func (b *WorldBase) Now() time.Time {
	if !b.at.IsZero() {
		return b.at
	}
	return b.Tenant.Clock.Now()
}

// RunDue applies, one at a time and in due order, every task due by the
// tenant's business time, with Now reading each task's due time while it
// is applied. A task that apply schedules within the span runs too, at its
// own time, so one jump of the clock and many small steps over the same
// span end in the same state. The world's lock must be held.
func (b *WorldBase) RunDue(apply func(Task)) {
	end := b.Tenant.Clock.Now()
	defer func() { b.at = time.Time{} }()
	for {
		t, ok := b.Agenda.Next()
		if !ok || t.At.After(end) {
			return
		}
		b.Agenda.pop()
		b.at = t.At
		apply(t)
	}
}

// TenantID returns the ID of the tenant the world belongs to.
func (b *WorldBase) TenantID() string { return b.Tenant.ID }

func (b *WorldBase) base() *WorldBase { return b }

// World is a provider's per-tenant state. A provider's world type satisfies
// it by embedding WorldBase.
type World interface {
	base() *WorldBase
	Lock()
	Unlock()
}

// Bind attaches the world a request was authenticated for to the request
// and charges the request to its tenant: from here on its journal entry is
// the tenant's, and the tenant's own fault rules apply. A provider's auth
// calls it once the credentials verify. A non-nil error is what a fault
// rule makes the request answer: the provider renders it as it renders any
// error (a fault that answered by itself — a raw status — has sealed the
// response, so that rendering writes nothing) and answers nothing else.
func Bind[W World](r *http.Request, w W) error {
	call := CallOf(r)
	call.Tenant, call.world = w.base().Tenant.ID, w
	w.base().Tenant.Use()
	if call.env == nil {
		return nil // outside the middleware chain (a handler called directly)
	}
	if f := call.env.Faults.MatchRequest(call.Tenant, call.wire.Provider, call.Route, r.Method); f != nil {
		return call.env.inject(f, call, r)
	}
	return nil
}

// WorldOf returns the world Bind attached to r, or the zero W (nil) when
// the request was not authenticated.
func WorldOf[W World](r *http.Request) W {
	w, _ := CallOf(r).world.(W)
	return w
}
