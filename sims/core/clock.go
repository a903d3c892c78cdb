package core

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// This is the only file under sims/ that reads the system clock; a test
// greps the tree to keep it that way.

// Clock is a tenant's business clock. By default it follows wall time plus
// an offset; Freeze pins it, which is what tests want. Wall is the real
// time, for freshness checks only.
type Clock struct {
	mu     sync.Mutex // guards the fields below
	offset time.Duration
	frozen bool
	at     time.Time // the pinned instant while frozen
	wall   func() time.Time
}

// NewClock returns a clock that follows wall time.
func NewClock() *Clock { return &Clock{wall: time.Now} }

// NewFrozenClock returns a clock pinned at t.
func NewFrozenClock(t time.Time) *Clock {
	return &Clock{wall: time.Now, frozen: true, at: t.UTC()}
}

// Now returns business time, in UTC.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nowLocked()
}

func (c *Clock) nowLocked() time.Time {
	if c.frozen {
		return c.at
	}
	return c.wall().Add(c.offset).UTC()
}

// Wall returns the real time. Use it only for transport freshness
// (timestamps, signatures, nonces, token rate limits).
func (c *Clock) Wall() time.Time {
	c.mu.Lock()
	wall := c.wall
	c.mu.Unlock()
	return wall()
}

// Advance moves business time forward by d and returns the new time.
// Business time never runs backwards through Advance; use Set for that.
func (c *Clock) Advance(d time.Duration) (time.Time, error) {
	if d < 0 {
		return time.Time{}, fmt.Errorf("advance by %s: the clock only moves forward (use set)", d)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		c.at = c.at.Add(d)
	} else {
		c.offset += d
	}
	return c.nowLocked(), nil
}

// Set jumps business time to t, keeping the clock frozen or running.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		c.at = t.UTC()
		return
	}
	c.offset = t.Sub(c.wall())
}

// Freeze pins business time at its current reading.
func (c *Clock) Freeze() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.frozen {
		c.at = c.nowLocked()
		c.frozen = true
	}
}

// FreezeAt pins business time at t.
func (c *Clock) FreezeAt(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.frozen, c.at = true, t.UTC()
}

// Unfreeze lets business time follow wall time again from its current
// reading.
func (c *Clock) Unfreeze() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		c.offset = c.at.Sub(c.wall())
		c.frozen = false
	}
}

// ClockState is a clock's reading and mode, as the admin API and snapshots
// show it.
type ClockState struct {
	Now    time.Time `json:"now"`
	Frozen bool      `json:"frozen"`
	Offset string    `json:"offset"` // business minus wall time, as a Go duration
	Wall   time.Time `json:"wall"`
}

// State returns the clock's reading and mode.
func (c *Clock) State() ClockState {
	c.mu.Lock()
	defer c.mu.Unlock()
	now, wall := c.nowLocked(), c.wall()
	return ClockState{Now: now, Frozen: c.frozen, Offset: now.Sub(wall).Round(time.Millisecond).String(), Wall: wall.UTC()}
}

// Restore sets the clock from a saved state: a frozen clock is pinned where
// it was, a running one keeps its offset from wall time.
func (c *Clock) Restore(s ClockState) error {
	off, err := time.ParseDuration(s.Offset)
	if err != nil && !s.Frozen {
		return fmt.Errorf("clock offset %q: %w", s.Offset, err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.frozen, c.at, c.offset = s.Frozen, s.Now.UTC(), off
	return nil
}

// SetWall replaces the wall-time source. Only tests of freshness windows
// need it.
func (c *Clock) SetWall(f func() time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.wall = f
}

// WallNow is the real time for machinery that has no tenant clock at hand
// (the journal's wall stamps, the outbox loop, durations).
func WallNow() time.Time { return time.Now() }

// Sleep waits d of wall time or until ctx ends, whichever comes first, and
// reports whether the full delay elapsed. Fault latency uses it.
func Sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// Ticker returns a wall-time ticker for background loops.
func Ticker(d time.Duration) *time.Ticker { return time.NewTicker(d) }
