package core

import (
	"sort"
	"time"
)

// Table is an in-memory set of records keyed by ID, kept in creation-time
// order (ties in insertion order) so that pages are stable without sorting
// by random IDs. Secondary indexes on immutable keys (a card's cardholder,
// say) keep their own creation-ordered lists, so a filtered page costs
// O(log n + page) instead of a scan.
//
// Table is not safe for concurrent use; the provider world that owns it
// guards it with its mutex. It stores values, not pointers: Get returns a
// copy, so callers cannot race the table through a shared pointer.
type Table[T any] struct {
	created func(T) time.Time
	rows    map[string]T
	order   []ref // all rows, sorted by (at, seq)
	seq     uint64
	indexes map[string]*index[T]
}

type ref struct {
	at  int64 // creation time, Unix nanoseconds
	seq uint64
	id  string
}

func (a ref) less(b ref) bool { return a.at < b.at || (a.at == b.at && a.seq < b.seq) }

type index[T any] struct {
	key     func(T) string
	buckets map[string][]ref
}

// NewTable returns an empty table whose rows are ordered by created.
func NewTable[T any](created func(T) time.Time) *Table[T] {
	return &Table[T]{created: created, rows: map[string]T{}, indexes: map[string]*index[T]{}}
}

// AddIndex declares a secondary index named name over key. key must read
// only fields that never change after the row is inserted. Declare indexes
// before inserting rows.
func (t *Table[T]) AddIndex(name string, key func(T) string) {
	ix := &index[T]{key: key, buckets: map[string][]ref{}}
	for _, r := range t.order {
		k := key(t.rows[r.id])
		ix.buckets[k] = append(ix.buckets[k], r)
	}
	t.indexes[name] = ix
}

// Len returns the number of rows.
func (t *Table[T]) Len() int { return len(t.rows) }

// Get returns a copy of the row with the given ID.
func (t *Table[T]) Get(id string) (T, bool) {
	v, ok := t.rows[id]
	return v, ok
}

// Has reports whether a row with the given ID exists.
func (t *Table[T]) Has(id string) bool {
	_, ok := t.rows[id]
	return ok
}

// Put inserts v under id, or replaces the row with that ID. A replaced row
// keeps its place in the order and in every index.
func (t *Table[T]) Put(id string, v T) {
	if _, ok := t.rows[id]; ok {
		t.rows[id] = v
		return
	}
	t.seq++
	r := ref{at: t.created(v).UnixNano(), seq: t.seq, id: id}
	t.rows[id] = v
	t.order = insertRef(t.order, r)
	for _, ix := range t.indexes {
		k := ix.key(v)
		ix.buckets[k] = insertRef(ix.buckets[k], r)
	}
}

// insertRef adds r to a sorted slice: an append in the common case where
// rows arrive in time order, a binary-search insert otherwise.
func insertRef(s []ref, r ref) []ref {
	if n := len(s); n == 0 || !r.less(s[n-1]) {
		return append(s, r)
	}
	i := sort.Search(len(s), func(i int) bool { return r.less(s[i]) })
	s = append(s, ref{})
	copy(s[i+1:], s[i:])
	s[i] = r
	return s
}

// Update applies f to the row with the given ID and reports whether it
// existed. f must not change indexed keys or the creation time.
func (t *Table[T]) Update(id string, f func(*T)) bool {
	v, ok := t.rows[id]
	if !ok {
		return false
	}
	f(&v)
	t.rows[id] = v
	return true
}

// Delete removes the row with the given ID and reports whether it existed.
func (t *Table[T]) Delete(id string) bool {
	v, ok := t.rows[id]
	if !ok {
		return false
	}
	delete(t.rows, id)
	t.order = removeRef(t.order, id, t.created(v).UnixNano())
	for _, ix := range t.indexes {
		k := ix.key(v)
		if b := removeRef(ix.buckets[k], id, t.created(v).UnixNano()); len(b) > 0 {
			ix.buckets[k] = b
		} else {
			delete(ix.buckets, k)
		}
	}
	return true
}

func removeRef(s []ref, id string, at int64) []ref {
	i := sort.Search(len(s), func(i int) bool { return s[i].at >= at })
	for ; i < len(s) && s[i].at == at; i++ {
		if s[i].id == id {
			return append(s[:i], s[i+1:]...)
		}
	}
	return s
}

// All returns copies of every row in creation order.
func (t *Table[T]) All() []T {
	out := make([]T, 0, len(t.order))
	for _, r := range t.order {
		out = append(out, t.rows[r.id])
	}
	return out
}

// Each calls f for every row in creation order until f returns false.
func (t *Table[T]) Each(f func(T) bool) {
	for _, r := range t.order {
		if !f(t.rows[r.id]) {
			return
		}
	}
}

// First returns the first row (in creation order) keep accepts.
func (t *Table[T]) First(keep func(T) bool) (T, bool) {
	for _, r := range t.order {
		if v := t.rows[r.id]; keep(v) {
			return v, true
		}
	}
	var zero T
	return zero, false
}

// Query selects rows for a list page. The zero Query selects every row,
// oldest first.
type Query[T any] struct {
	Index, Value string       // restrict to one bucket of a secondary index
	From, To     time.Time    // creation-time window, both inclusive; zero is open
	Desc         bool         // newest first
	Keep         func(T) bool // further filter; nil keeps all
	Window       Window       // the page; a zero Limit returns no items
	Count        bool         // also count every match (a scan when Keep is set)
}

// Result is a page of rows and, when the query asked, the total number of
// rows that matched.
type Result[T any] struct {
	Items []T
	Total int
}

// Query returns the page q selects. With no Keep filter the cost is
// O(log n + offset + limit); a Keep filter adds the rows it skips.
func (t *Table[T]) Query(q Query[T]) Result[T] {
	refs := t.order
	if q.Index != "" {
		ix, ok := t.indexes[q.Index]
		if !ok {
			panic("core: table has no index " + q.Index) // a programming error, caught by tests
		}
		refs = ix.buckets[q.Value]
	}
	lo, hi := 0, len(refs)
	if !q.From.IsZero() {
		from := q.From.UnixNano()
		lo = sort.Search(len(refs), func(i int) bool { return refs[i].at >= from })
	}
	if !q.To.IsZero() {
		to := q.To.UnixNano()
		hi = sort.Search(len(refs), func(i int) bool { return refs[i].at > to })
	}
	if hi < lo {
		hi = lo
	}
	span := refs[lo:hi]
	var res Result[T]
	if q.Keep == nil && q.Count {
		res.Total = len(span)
	}
	skip, want := q.Window.Offset, q.Window.Limit
	if n := min(want, len(span)-min(skip, len(span))); n > 0 {
		res.Items = make([]T, 0, n) // one allocation per page: rows are large values
	}
	countAll := q.Keep != nil && q.Count
	for i := range span {
		if len(res.Items) >= want && !countAll {
			break // the page is full: touch nothing more
		}
		r := span[i]
		if q.Desc {
			r = span[len(span)-1-i]
		}
		v := t.rows[r.id]
		if q.Keep != nil && !q.Keep(v) {
			continue
		}
		if countAll {
			res.Total++
		}
		if skip > 0 {
			skip--
			continue
		}
		if len(res.Items) < want {
			res.Items = append(res.Items, v)
		}
	}
	return res
}
