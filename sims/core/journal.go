package core

import (
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultJournalSize is how many entries the journal keeps per tenant.
const DefaultJournalSize = 1000

// DefaultJournalBody is how many bytes of each request and response body
// an entry keeps.
const DefaultJournalBody = 8 << 10

// Entry is one journaled exchange: a request a client sent to a simulator,
// or one webhook delivery attempt the outbox made.
type Entry struct {
	Seq        uint64            `json:"seq"`
	Type       string            `json:"type"` // "request" or "webhook"
	Tenant     string            `json:"tenant"`
	Provider   string            `json:"provider"`
	Route      string            `json:"route"` // route name, or the webhook's event type
	Method     string            `json:"method"`
	Path       string            `json:"path"` // request path, or the webhook URL
	Query      string            `json:"query,omitempty"`
	Status     int               `json:"status"`
	At         time.Time         `json:"at"`   // business time
	Wall       time.Time         `json:"wall"` // real time
	DurationMS float64           `json:"duration_ms"`
	Remote     string            `json:"remote,omitempty"`
	Headers    map[string]string `json:"headers,omitempty"`
	Request    string            `json:"request,omitempty"`
	Response   string            `json:"response,omitempty"`
	Truncated  bool              `json:"truncated,omitempty"`
	Fault      string            `json:"fault,omitempty"`
	Defect     bool              `json:"defect,omitempty"`
	Error      string            `json:"error,omitempty"`
	Violations []string          `json:"violations,omitempty"`
	Outcomes   []string          `json:"outcomes,omitempty"` // magic rules that fired (core/magic.go)
}

// Journal is a bounded record of requests and webhook attempts, kept per
// tenant so that one busy tenant never evicts another's history. It is safe
// for concurrent use.
type Journal struct {
	seq atomic.Uint64

	mu    sync.Mutex // guards rings and size
	rings map[string]*ring
	size  int
}

// ring keeps the newest size entries. Its buffer grows with use up to size,
// so a tenant that sends ten requests costs ten entries, not size.
type ring struct {
	buf   []Entry
	size  int
	start int // index of the oldest entry
	n     int
}

func (r *ring) push(e Entry) {
	if r.n < r.size {
		if r.n == len(r.buf) { // still growing: the entries are buf[0:n] in order
			r.buf = append(r.buf, e)
		} else {
			r.buf[(r.start+r.n)%len(r.buf)] = e
		}
		r.n++
		return
	}
	r.buf[r.start] = e
	r.start = (r.start + 1) % len(r.buf)
}

// NewJournal returns a journal keeping size entries per tenant (entries of
// requests whose tenant is unknown share one more ring of the same size).
func NewJournal(size int) *Journal {
	if size <= 0 {
		size = DefaultJournalSize
	}
	return &Journal{rings: map[string]*ring{}, size: size}
}

// Add records e, assigning its sequence number, and returns it.
func (j *Journal) Add(e Entry) Entry {
	e.Seq = j.seq.Add(1)
	j.mu.Lock()
	defer j.mu.Unlock()
	r, ok := j.rings[e.Tenant]
	if !ok {
		r = &ring{size: j.size}
		j.rings[e.Tenant] = r
	}
	r.push(e)
	return e
}

// Entries returns copies of the entries every filter accepts, oldest first.
func (j *Journal) Entries(filters ...func(Entry) bool) []Entry {
	j.mu.Lock()
	var out []Entry
	for _, r := range j.rings {
	next:
		for i := 0; i < r.n; i++ {
			e := r.buf[(r.start+i)%len(r.buf)]
			for _, f := range filters {
				if !f(e) {
					continue next
				}
			}
			out = append(out, e)
		}
	}
	j.mu.Unlock()
	sort.Slice(out, func(a, b int) bool { return out[a].Seq < out[b].Seq })
	for i := range out {
		out[i].Violations = append([]string(nil), out[i].Violations...)
	}
	return out
}

// Clear forgets every entry.
func (j *Journal) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.rings = map[string]*ring{}
}

// ClearTenant forgets the entries of one tenant.
func (j *Journal) ClearTenant(id string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	delete(j.rings, id)
}

// ClearWhere forgets every entry drop accepts. A provider's Reset uses it
// to forget its own entries.
func (j *Journal) ClearWhere(drop func(Entry) bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, r := range j.rings {
		kept := make([]Entry, 0, r.n)
		for i := 0; i < r.n; i++ {
			if e := r.buf[(r.start+i)%len(r.buf)]; !drop(e) {
				kept = append(kept, e)
			}
		}
		clear(r.buf)
		r.buf = append(r.buf[:0], kept...)
		r.start, r.n = 0, len(kept)
	}
}

// ByTenant matches entries of one tenant.
func ByTenant(id string) func(Entry) bool { return func(e Entry) bool { return e.Tenant == id } }

// ByProvider matches entries of one provider.
func ByProvider(p string) func(Entry) bool { return func(e Entry) bool { return e.Provider == p } }

// ByRoute matches entries of one route name (or webhook event type).
func ByRoute(name string) func(Entry) bool { return func(e Entry) bool { return e.Route == name } }

// ByStatus matches entries with the given HTTP status.
func ByStatus(status int) func(Entry) bool { return func(e Entry) bool { return e.Status == status } }

// ByType matches "request" or "webhook" entries.
func ByType(t string) func(Entry) bool { return func(e Entry) bool { return e.Type == t } }

// SinceSeq matches entries recorded after sequence number seq.
func SinceSeq(seq uint64) func(Entry) bool { return func(e Entry) bool { return e.Seq > seq } }

// SinceWall matches entries recorded at or after the wall time t.
func SinceWall(t time.Time) func(Entry) bool {
	return func(e Entry) bool { return !e.Wall.Before(t) }
}

// LastSeq returns the sequence number of the newest entry ever recorded.
func (j *Journal) LastSeq() uint64 { return j.seq.Load() }
