package core

import (
	"container/heap"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
	"unsafe"
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
	// Guess is the tenant an unverified request named (its API key, say):
	// the entry is kept with the requests of no tenant, never charged to
	// the tenant it names.
	Guess string `json:"guessed_tenant,omitempty"`

	size int64 // what the entry costs the journal, while it holds it
}

// Journal is a bounded record of requests and webhook attempts, kept per
// tenant so that one busy tenant never evicts another's history. It is
// bounded three ways (JournalLimits): entries per tenant, bytes per
// tenant, and bytes in all; long values are cut with a visible marker
// before they are kept. It is safe for concurrent use.
type Journal struct {
	seq atomic.Uint64 // advanced under mu, so each ring is in Seq order

	lim   JournalLimits // fixed at construction
	mu    sync.Mutex    // guards rings and total
	rings map[string]*ring
	total int64 // bytes held by every ring
}

// JournalLimits bound a Journal. A zero field takes its default.
type JournalLimits struct {
	// Entries is how many entries each tenant keeps (DefaultJournalSize).
	Entries int
	// TenantBytes is how many bytes of entries each tenant keeps
	// (DefaultJournalTenantBytes); its oldest entries go first.
	TenantBytes int64
	// TotalBytes is how many bytes of entries the journal keeps across
	// tenants (DefaultJournalTotalBytes). Past it, the tenant holding the
	// most bytes loses its oldest entries first, so a flood from one
	// tenant never evicts a quiet tenant's history.
	TotalBytes int64
	// Value is how many bytes of each header name and value, path, query,
	// remote address, error and violation an entry keeps
	// (DefaultJournalValue); longer ones are cut to that many bytes, marker
	// included (see Clip). Bodies are cut by whoever records them
	// (Env.JournalBody).
	Value int
}

// The journal's default bounds.
const (
	DefaultJournalTenantBytes = 4 << 20  // 4 MiB per tenant
	DefaultJournalTotalBytes  = 32 << 20 // 32 MiB in all
	DefaultJournalValue       = 2 << 10  // 2 KiB per header value, path, query, error
)

func (l JournalLimits) withDefaults() JournalLimits {
	if l.Entries <= 0 {
		l.Entries = DefaultJournalSize
	}
	if l.TenantBytes <= 0 {
		l.TenantBytes = DefaultJournalTenantBytes
	}
	if l.TotalBytes <= 0 {
		l.TotalBytes = DefaultJournalTotalBytes
	}
	if l.Value <= 0 {
		l.Value = DefaultJournalValue
	}
	return l
}

// ring keeps the newest entries of one tenant, at most size of them. Its
// buffer grows with use up to size, so a tenant that sends ten requests
// costs ten entries, not size.
type ring struct {
	buf   []Entry
	size  int
	start int // index of the oldest entry
	n     int
	bytes int64 // sum of the entries' sizes
}

// at returns the i-th oldest entry.
func (r *ring) at(i int) *Entry { return &r.buf[(r.start+i)%len(r.buf)] }

// push appends e, dropping the oldest entry when the ring is full, and
// returns the bytes the ring grew by (negative when it shrank).
func (r *ring) push(e Entry) int64 {
	grew := e.size
	if r.n < r.size {
		if r.n == len(r.buf) { // still growing: the entries are buf[0:n] in order
			r.buf = append(r.buf, e)
		} else {
			r.buf[(r.start+r.n)%len(r.buf)] = e
		}
		r.n++
	} else {
		grew -= r.buf[r.start].size
		r.buf[r.start] = e
		r.start = (r.start + 1) % len(r.buf)
	}
	r.bytes += grew
	return grew
}

// pop drops the oldest entry and returns its size.
func (r *ring) pop() int64 {
	old := r.at(0)
	freed := old.size
	*old = Entry{}
	r.start = (r.start + 1) % len(r.buf)
	r.n--
	r.bytes -= freed
	return freed
}

// after returns the index of the oldest entry with Seq > seq (n if none).
func (r *ring) after(seq uint64) int {
	return sort.Search(r.n, func(i int) bool { return r.at(i).Seq > seq })
}

// NewJournal returns a journal keeping size entries per tenant (entries of
// requests whose tenant is unknown share one more ring of the same size),
// with the default byte bounds.
func NewJournal(size int) *Journal { return NewBoundedJournal(JournalLimits{Entries: size}) }

// NewBoundedJournal returns a journal bounded by l.
func NewBoundedJournal(l JournalLimits) *Journal {
	return &Journal{rings: map[string]*ring{}, lim: l.withDefaults()}
}

// Limits returns the journal's bounds.
func (j *Journal) Limits() JournalLimits { return j.lim }

// Bytes returns how many bytes the journal's entries hold, as it counts
// them against its limits.
func (j *Journal) Bytes() int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.total
}

// Add records e, assigning its sequence number, and returns it. Values
// longer than the journal's Value limit are cut first (Truncated is then
// set); the oldest entries make room when a byte or entry bound is passed.
func (j *Journal) Add(e Entry) Entry {
	j.clip(&e)
	e.size = entrySize(&e)
	j.mu.Lock()
	defer j.mu.Unlock()
	e.Seq = j.seq.Add(1)
	r, ok := j.rings[e.Tenant]
	if !ok {
		r = &ring{size: j.lim.Entries}
		j.rings[e.Tenant] = r
	}
	j.total += r.push(e)
	for r.bytes > j.lim.TenantBytes && r.n > 1 {
		j.total -= r.pop()
	}
	if j.total > j.lim.TotalBytes {
		j.shrinkLocked(r)
	}
	e.size = 0
	return e
}

// shrinkLocked evicts oldest entries, from whichever tenant holds the most
// bytes, until the journal is a little under its total: a little, so that
// the scan of tenants runs once per many additions, not on each. The
// newest entry (in added, the ring just added to) always stays.
func (j *Journal) shrinkLocked(added *ring) {
	low := j.lim.TotalBytes - j.lim.TotalBytes/64
	for j.total > low {
		var big *ring
		var second int64
		for _, r := range j.rings {
			if r.n == 0 || (r == added && r.n == 1) {
				continue
			}
			if big == nil || r.bytes > big.bytes {
				if big != nil {
					second = big.bytes
				}
				big = r
			} else if r.bytes > second {
				second = r.bytes
			}
		}
		if big == nil {
			return
		}
		keep := 0
		if big == added {
			keep = 1
		}
		for j.total > low && big.n > keep && big.bytes >= second {
			j.total -= big.pop()
		}
	}
	for id, r := range j.rings {
		if r.n == 0 && r != added {
			delete(j.rings, id)
		}
	}
}

// clip cuts e's values (not its bodies) to the journal's Value limit.
func (j *Journal) clip(e *Entry) {
	n, cut := j.lim.Value, false
	for _, s := range []*string{&e.Path, &e.Query, &e.Remote, &e.Error, &e.Fault, &e.Route, &e.Tenant} {
		var c bool
		*s, c = Clip(*s, n)
		cut = cut || c
	}
	for _, v := range e.Violations {
		if len(v) > n {
			vs := make([]string, len(e.Violations))
			for i, v := range e.Violations {
				vs[i], _ = Clip(v, n)
			}
			e.Violations, cut = vs, true
			break
		}
	}
	for k, v := range e.Headers {
		if len(k) > n || len(v) > n {
			e.Headers = clipHeaders(e.Headers, n)
			cut = true
			break
		}
	}
	e.Truncated = e.Truncated || cut
}

// clipHeaders returns a copy of h with every name and value cut to n
// bytes; the caller's map (a webhook attempt's, say) is left alone.
func clipHeaders(h map[string]string, n int) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		k, _ = Clip(k, n)
		out[k], _ = Clip(v, n)
	}
	return out
}

// truncMark ends a value the journal cut; it says how long it was.
const truncMark = "…[truncated by mocksrv: %d bytes in all]"

// Clip returns s cut to n bytes in all: its first part (ending at a UTF-8
// boundary) and a marker saying how long s was, and whether it cut. A cut
// value is a copy, so the journal never pins a large original in memory.
func Clip(s string, n int) (string, bool) {
	if n < 0 || len(s) <= n {
		return s, false
	}
	return clipTo(s, n, len(s)), true
}

// ClipBytes is Clip for bytes whose length in all was total (a recorder
// may have kept only the first part of a body).
func ClipBytes(b []byte, n, total int) (string, bool) {
	total = max(total, len(b))
	if n < 0 || total <= n {
		return string(b), false
	}
	return clipTo(string(b[:min(n, len(b))]), n, total), true
}

// clipTo keeps what of s fits in n bytes with the marker for total.
func clipTo(s string, n, total int) string {
	mark := fmt.Sprintf(truncMark, total)
	head := s[:min(max(n-len(mark), 0), len(s))]
	// Drop a character cut in half, so the kept part stays valid UTF-8.
	for i := len(head) - 1; i >= 0 && i >= len(head)-utf8.UTFMax; i-- {
		if utf8.RuneStart(head[i]) {
			if !utf8.FullRuneInString(head[i:]) {
				head = head[:i]
			}
			break
		}
	}
	return head + mark
}

// entryOverhead is what an Entry costs beyond its strings: the struct in
// a ring's buffer, string and map headers.
const entryOverhead = int64(unsafe.Sizeof(Entry{})) + 64

// entrySize is what e costs the journal, in bytes, as it counts them.
func entrySize(e *Entry) int64 {
	n := entryOverhead + int64(len(e.Type)+len(e.Tenant)+len(e.Provider)+len(e.Route)+len(e.Method)+
		len(e.Path)+len(e.Query)+len(e.Remote)+len(e.Request)+len(e.Response)+len(e.Fault)+len(e.Error))
	for k, v := range e.Headers {
		n += int64(len(k)+len(v)) + 48 // a map slot and two string headers
	}
	for _, v := range e.Violations {
		n += int64(len(v)) + 16
	}
	return n
}

// Entries returns copies of the entries every filter accepts, oldest first.
func (j *Journal) Entries(filters ...func(Entry) bool) []Entry {
	var out []Entry
	_, _ = j.Walk(-1, func(e Entry) error {
		out = append(out, e)
		return nil
	}, filters...)
	return out
}

// walkBatch is how many entries Walk copies out per turn of the lock, and
// walkScan how many it looks at at most.
const (
	walkBatch = 64
	walkScan  = 4096
)

// Walk calls fn with a copy of each entry every filter accepts, oldest
// first, among those recorded before Walk began; with limit >= 0, only
// the newest limit of them. It copies entries out a small batch at a time
// and calls fn without the journal's lock held, so a slow fn (a slow HTTP
// client reading the journal) never stalls journaling and memory stays
// flat however large the journal is. Entries evicted while Walk runs are
// skipped. Walk stops at the first error fn returns, and returns how many
// entries it passed to fn.
func (j *Journal) Walk(limit int, fn func(Entry) error, filters ...func(Entry) bool) (int, error) {
	j.mu.Lock()
	until := j.seq.Load()
	var from uint64 // entries with Seq > from
	if limit == 0 {
		j.mu.Unlock()
		return 0, nil
	}
	if limit > 0 {
		from = j.tailLocked(limit, until, filters)
	}
	j.mu.Unlock()

	n := 0
	batch := make([]Entry, 0, walkBatch)
	for done := false; !done; {
		batch, from, done = j.batch(batch[:0], from, until, filters)
		for i := range batch {
			if limit >= 0 && n >= limit {
				return n, nil
			}
			if err := fn(batch[i]); err != nil {
				return n, err
			}
			n++
		}
		clear(batch)
	}
	return n, nil
}

// tailLocked returns the Seq just before the limit-th newest entry the
// filters accept among those with Seq <= until (0 when there are fewer).
func (j *Journal) tailLocked(limit int, until uint64, filters []func(Entry) bool) uint64 {
	var seqs []uint64
	for _, r := range j.rings {
		found := 0
		for i := r.n - 1; i >= 0 && found < limit; i-- {
			e := r.at(i)
			if e.Seq <= until && accepts(*e, filters) {
				seqs = append(seqs, e.Seq)
				found++
			}
		}
	}
	if len(seqs) < limit {
		return 0 // fewer than limit: all of them
	}
	sort.Slice(seqs, func(a, b int) bool { return seqs[a] > seqs[b] })
	return seqs[limit-1] - 1
}

// batch appends to out copies of the next entries the filters accept with
// from < Seq <= until, oldest first across tenants, and returns them with
// the Seq to continue after and whether none are left.
func (j *Journal) batch(out []Entry, from, until uint64, filters []func(Entry) bool) ([]Entry, uint64, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	h := heads{}
	for _, r := range j.rings {
		if i := r.after(from); i < r.n && r.at(i).Seq <= until {
			h = append(h, head{r, i})
		}
	}
	heap.Init(&h)
	for scanned := 0; len(h) > 0 && len(out) < walkBatch && scanned < walkScan; scanned++ {
		top := &h[0]
		e := top.r.at(top.i)
		from = e.Seq
		if accepts(*e, filters) {
			c := *e
			c.size = 0
			c.Violations = append([]string(nil), e.Violations...)
			out = append(out, c)
		}
		if top.i++; top.i < top.r.n && top.r.at(top.i).Seq <= until {
			heap.Fix(&h, 0)
		} else {
			heap.Pop(&h)
		}
	}
	return out, from, len(h) == 0
}

func accepts(e Entry, filters []func(Entry) bool) bool {
	for _, f := range filters {
		if !f(e) {
			return false
		}
	}
	return true
}

// head is a ring's next entry in a Walk; heads orders them by Seq.
type head struct {
	r *ring
	i int
}

type heads []head

func (h heads) Len() int           { return len(h) }
func (h heads) Less(a, b int) bool { return h[a].r.at(h[a].i).Seq < h[b].r.at(h[b].i).Seq }
func (h heads) Swap(a, b int)      { h[a], h[b] = h[b], h[a] }
func (h *heads) Push(x any)        { *h = append(*h, x.(head)) }
func (h *heads) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Clear forgets every entry.
func (j *Journal) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.rings = map[string]*ring{}
	j.total = 0
}

// ClearTenant forgets the entries of one tenant.
func (j *Journal) ClearTenant(id string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if r, ok := j.rings[id]; ok {
		j.total -= r.bytes
		delete(j.rings, id)
	}
}

// ClearWhere forgets every entry drop accepts. A provider's Reset uses it
// to forget its own entries.
func (j *Journal) ClearWhere(drop func(Entry) bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, r := range j.rings {
		kept := make([]Entry, 0, r.n)
		var bytes int64
		for i := 0; i < r.n; i++ {
			if e := r.at(i); !drop(*e) {
				kept = append(kept, *e)
				bytes += e.size
			}
		}
		clear(r.buf)
		r.buf = append(r.buf[:0], kept...)
		j.total += bytes - r.bytes
		r.start, r.n, r.bytes = 0, len(kept), bytes
	}
}

// ByTenant matches the entries charged to a tenant, and the unverified
// requests that named it (guessed_tenant): those are kept with the
// requests of no tenant, so they never take the tenant's journal budget,
// but the tenant's view still shows what its client sent with, say, an
// expired token.
func ByTenant(id string) func(Entry) bool {
	return func(e Entry) bool { return e.Tenant == id || e.Tenant == "" && e.Guess == id }
}

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

// UntilSeq matches entries recorded at or before sequence number seq.
func UntilSeq(seq uint64) func(Entry) bool { return func(e Entry) bool { return e.Seq <= seq } }

// SinceWall matches entries recorded at or after the wall time t.
func SinceWall(t time.Time) func(Entry) bool {
	return func(e Entry) bool { return !e.Wall.Before(t) }
}

// LastSeq returns the sequence number of the newest entry ever recorded.
func (j *Journal) LastSeq() uint64 { return j.seq.Load() }

// ByHeader matches requests that carried header name (any case) with the
// value want.
func ByHeader(name, want string) func(Entry) bool {
	canon := http.CanonicalHeaderKey(name)
	return func(e Entry) bool {
		for k, v := range e.Headers {
			if k == canon || strings.EqualFold(k, name) {
				return v == want
			}
		}
		return false
	}
}

// ByBody matches requests whose JSON body holds want at path, a dotted
// path into objects and arrays ("card_id", "kycInfo.email", "items.0.id").
// A string compares as it is, anything else as its JSON text (12.5, true,
// null). A body the journal cut short, or not JSON, never matches.
func ByBody(path, want string) func(Entry) bool {
	keys := strings.Split(path, ".")
	return func(e Entry) bool {
		if e.Request == "" {
			return false
		}
		dec := json.NewDecoder(strings.NewReader(e.Request))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) != nil {
			return false
		}
		for _, k := range keys {
			switch x := v.(type) {
			case map[string]any:
				var ok bool
				if v, ok = x[k]; !ok {
					return false
				}
			case []any:
				i, err := strconv.Atoi(k)
				if err != nil || i < 0 || i >= len(x) {
					return false
				}
				v = x[i]
			default:
				return false
			}
		}
		if s, ok := v.(string); ok {
			return s == want
		}
		b, _ := json.Marshal(v)
		return string(b) == want
	}
}

// Count returns how many entries every filter accepts, without copying
// them out.
func (j *Journal) Count(filters ...func(Entry) bool) int {
	n, _ := j.Walk(-1, func(Entry) error { return nil }, filters...)
	return n
}
