package core

import (
	"sync"
	"time"
)

// ReplayGuard remembers nonces for a time-to-live so each can be used only
// once. It is bounded: past Max entries the oldest are forgotten early.
// It is safe for concurrent use.
type ReplayGuard struct {
	TTL time.Duration
	Max int

	mu   sync.Mutex // guards seen and fifo
	seen map[string]time.Time
	fifo []nonceAt
}

type nonceAt struct {
	key string
	at  time.Time
}

// NewReplayGuard returns a guard that refuses a nonce seen within ttl.
func NewReplayGuard(ttl time.Duration, max int) *ReplayGuard {
	if max <= 0 {
		max = 1 << 20
	}
	return &ReplayGuard{TTL: ttl, Max: max, seen: map[string]time.Time{}}
}

// Use records key at wall time now and reports whether it was fresh; a
// false result means the nonce was replayed within the TTL.
func (g *ReplayGuard) Use(key string, now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for len(g.fifo) > 0 && (now.Sub(g.fifo[0].at) > g.TTL || len(g.fifo) >= g.Max) {
		old := g.fifo[0]
		if at, ok := g.seen[old.key]; ok && at.Equal(old.at) {
			delete(g.seen, old.key)
		}
		g.fifo = g.fifo[1:]
	}
	if at, ok := g.seen[key]; ok && now.Sub(at) <= g.TTL {
		return false
	}
	g.seen[key] = now
	g.fifo = append(g.fifo, nonceAt{key, now})
	return true
}

// RateLimiter allows at most Limit events per key within any sliding
// Window of wall time. It is safe for concurrent use.
type RateLimiter struct {
	Limit  int
	Window time.Duration

	mu   sync.Mutex // guards logs
	logs map[string][]time.Time
}

// NewRateLimiter returns a limiter of limit events per window.
func NewRateLimiter(limit int, window time.Duration) *RateLimiter {
	return &RateLimiter{Limit: limit, Window: window, logs: map[string][]time.Time{}}
}

// Allow records an event for key at now if the limit permits and reports
// whether it did; when it did not, retry says how long until it would.
func (l *RateLimiter) Allow(key string, now time.Time) (ok bool, retry time.Duration) {
	if l.Limit <= 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	log := l.logs[key]
	i := 0
	for i < len(log) && now.Sub(log[i]) >= l.Window {
		i++
	}
	log = log[i:]
	if len(log) >= l.Limit {
		l.logs[key] = log
		return false, l.Window - now.Sub(log[0])
	}
	l.logs[key] = append(log, now)
	if len(l.logs) > 4096 {
		for k, v := range l.logs {
			if len(v) == 0 || now.Sub(v[len(v)-1]) >= l.Window {
				delete(l.logs, k)
			}
		}
	}
	return true, 0
}

// Reset forgets every recorded event.
func (l *RateLimiter) Reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.logs = map[string][]time.Time{}
}
