package core

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestJournalIsBoundedPerTenant(t *testing.T) {
	t.Parallel()
	j := NewJournal(3)
	for i := 0; i < 5; i++ {
		j.Add(Entry{Tenant: "a", Route: fmt.Sprint("a", i)})
	}
	j.Add(Entry{Tenant: "b", Route: "b0"})
	a := j.Entries(ByTenant("a"))
	require.Len(t, a, 3, "a busy tenant keeps only its last entries")
	assert.Equal(t, []string{"a2", "a3", "a4"}, []string{a[0].Route, a[1].Route, a[2].Route})
	assert.Len(t, j.Entries(ByTenant("b")), 1, "and never evicts another tenant's")
	all := j.Entries()
	assert.Len(t, all, 4)
	assert.Less(t, all[0].Seq, all[3].Seq)
	assert.Len(t, j.Entries(SinceSeq(all[2].Seq)), 1)
	j.ClearWhere(func(e Entry) bool { return e.Route == "a3" })
	assert.Len(t, j.Entries(ByTenant("a")), 2)
	j.ClearTenant("b")
	assert.Empty(t, j.Entries(ByTenant("b")))
}

func TestJournalConcurrent(t *testing.T) {
	t.Parallel()
	j := NewJournal(100)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				j.Add(Entry{Tenant: fmt.Sprint(g % 2)})
				_ = j.Entries()
			}
		}()
	}
	wg.Wait()
	assert.Len(t, j.Entries(), 200)
	assert.EqualValues(t, 400, j.LastSeq())
}

// TestJournalGrowsWithUse pins that a tenant's ring costs what it holds,
// not the configured bound, and stays ordered across wrap and clear.
func TestJournalGrowsWithUse(t *testing.T) {
	t.Parallel()
	j := NewJournal(1000)
	for i := 0; i < 10; i++ {
		j.Add(Entry{Tenant: "small"})
	}
	j.mu.Lock()
	capacity := cap(j.rings["small"].buf)
	j.mu.Unlock()
	assert.Less(t, capacity, 100, "ten entries do not allocate a thousand")

	k := NewJournal(4)
	for i := 0; i < 6; i++ { // wraps: keeps 2..5
		k.Add(Entry{Tenant: "t", Route: fmt.Sprint(i)})
	}
	k.ClearWhere(func(e Entry) bool { return e.Route == "3" })
	for i := 6; i < 9; i++ { // 2,4,5 then 6 fills, 7 and 8 evict 2 and 4
		k.Add(Entry{Tenant: "t", Route: fmt.Sprint(i)})
	}
	var got []string
	for _, e := range k.Entries() {
		got = append(got, e.Route)
	}
	assert.Equal(t, []string{"5", "6", "7", "8"}, got)
}

// TestJournalIsBoundedInBytesPerTenant: a tenant's entries are capped in
// bytes as well as in number; its oldest go first, nobody else's do.
func TestJournalIsBoundedInBytesPerTenant(t *testing.T) {
	t.Parallel()
	j := NewBoundedJournal(JournalLimits{TenantBytes: 64 << 10, TotalBytes: 1 << 30})
	j.Add(Entry{Tenant: "quiet", Route: "q0"})
	body := strings.Repeat("b", 4<<10)
	for i := 0; i < 100; i++ {
		j.Add(Entry{Tenant: "busy", Route: fmt.Sprint("b", i), Request: body})
	}
	busy := j.Entries(ByTenant("busy"))
	require.NotEmpty(t, busy)
	assert.Less(t, len(busy), 100, "the byte bound, not the entry bound, cut it")
	assert.Equal(t, "b99", busy[len(busy)-1].Route, "the newest stays")
	assert.Equal(t, fmt.Sprint("b", 100-len(busy)), busy[0].Route, "the oldest went first")
	var held int64
	for _, e := range busy {
		held += entrySize(&e)
	}
	assert.LessOrEqual(t, held, int64(64<<10))
	assert.Greater(t, held, int64(64<<10)-entrySize(&busy[0]), "it keeps what fits")
	assert.Len(t, j.Entries(ByTenant("quiet")), 1)
	assert.Equal(t, held+entrySize(&Entry{Tenant: "quiet", Route: "q0"}), j.Bytes(), "Bytes counts what is held")

	j.ClearTenant("busy")
	assert.Equal(t, entrySize(&Entry{Tenant: "quiet", Route: "q0"}), j.Bytes())
	j.Clear()
	assert.Zero(t, j.Bytes())
}

// TestJournalIsBoundedInTotal: past the total bound the tenant holding the
// most bytes loses its oldest entries; quiet tenants keep their history.
func TestJournalIsBoundedInTotal(t *testing.T) {
	t.Parallel()
	const total = 256 << 10
	j := NewBoundedJournal(JournalLimits{TenantBytes: 128 << 10, TotalBytes: total})
	body := strings.Repeat("b", 2<<10)
	for _, q := range []string{"q1", "q2", "q3"} {
		for i := 0; i < 5; i++ {
			j.Add(Entry{Tenant: q, Request: body})
		}
	}
	for i := 0; i < 2000; i++ {
		j.Add(Entry{Tenant: fmt.Sprint("flood", i%4), Route: fmt.Sprint(i), Request: body})
		require.LessOrEqual(t, j.Bytes(), int64(total), "after entry %d", i)
	}
	for _, q := range []string{"q1", "q2", "q3"} {
		assert.Len(t, j.Entries(ByTenant(q)), 5, "%s keeps all it had", q)
	}
	for i := 0; i < 4; i++ {
		es := j.Entries(ByTenant(fmt.Sprint("flood", i)))
		require.NotEmpty(t, es, "every flooding tenant keeps its newest")
		assert.Equal(t, fmt.Sprint(1996+i), es[len(es)-1].Route)
	}
	var sum int64
	for _, e := range j.Entries() {
		sum += entrySize(&e)
	}
	assert.Equal(t, sum, j.Bytes(), "the count matches what is held")
	assert.Greater(t, sum, int64(total)*9/10, "and eviction stops near the bound")
}

// TestJournalCutsLongValuesWithAMarker: header names and values, paths,
// queries and errors over the Value bound are cut to it, marker included,
// and the entry says it was truncated; short ones are kept as they are.
func TestJournalCutsLongValuesWithAMarker(t *testing.T) {
	t.Parallel()
	j := NewBoundedJournal(JournalLimits{Value: 100})
	long := strings.Repeat("h", 60<<10)
	hdrs := map[string]string{"X-Junk": long, "Api-Key": "k1"}
	j.Add(Entry{Tenant: "t", Path: "/p/" + long, Query: "q=" + long, Error: long, Headers: hdrs})
	j.Add(Entry{Tenant: "t", Path: "/short", Headers: map[string]string{"Api-Key": "k1"}})
	es := j.Entries()
	require.Len(t, es, 2)
	e := es[0]
	assert.True(t, e.Truncated)
	for name, v := range map[string]string{"header": e.Headers["X-Junk"], "path": e.Path, "query": e.Query, "error": e.Error} {
		assert.Len(t, v, 100, "%s is cut to the bound, marker included", name)
		assert.Regexp(t, `…\[truncated by mocksrv: \d+ bytes in all\]$`, v, name)
	}
	assert.True(t, strings.HasSuffix(e.Headers["X-Junk"], "[truncated by mocksrv: 61440 bytes in all]"), "the marker names the full length")
	assert.Equal(t, "k1", e.Headers["Api-Key"])
	assert.Equal(t, long, hdrs["X-Junk"], "the caller's map is not changed")
	assert.False(t, es[1].Truncated)
	assert.Equal(t, "/short", es[1].Path)
	assert.Less(t, j.Bytes(), int64(2<<10), "what is kept is what is counted")
}

func TestClip(t *testing.T) {
	t.Parallel()
	s, cut := Clip("short", 10)
	assert.Equal(t, "short", s)
	assert.False(t, cut)
	s, cut = Clip(strings.Repeat("é", 100), 50) // 200 bytes of two-byte runes
	assert.True(t, cut)
	assert.LessOrEqual(t, len(s), 50)
	assert.True(t, utf8.ValidString(s), "a rune is never cut in half: %q", s)
	assert.True(t, strings.HasSuffix(s, "…[truncated by mocksrv: 200 bytes in all]"))
	s, cut = ClipBytes([]byte("0123456789"), 100, 5000)
	assert.True(t, cut, "a recorder that kept only part of a body still marks it")
	assert.Equal(t, "0123456789…[truncated by mocksrv: 5000 bytes in all]", s)
}

// TestJournalWalk: Walk passes entries oldest first across tenants, in
// batches, and with a limit only the newest of those the filters accept.
func TestJournalWalk(t *testing.T) {
	t.Parallel()
	j := NewJournal(1000)
	for i := 0; i < 300; i++ { // more than a batch, interleaved over three rings
		j.Add(Entry{Tenant: fmt.Sprint("t", i%3), Route: fmt.Sprint(i), Status: 200 + i%2})
	}
	var seqs []uint64
	n, err := j.Walk(-1, func(e Entry) error { seqs = append(seqs, e.Seq); return nil })
	require.NoError(t, err)
	assert.Equal(t, 300, n)
	for i := range seqs {
		require.Equal(t, uint64(i+1), seqs[i], "oldest first, none missed")
	}

	var routes []string
	n, err = j.Walk(4, func(e Entry) error { routes = append(routes, e.Route); return nil }, ByStatus(201))
	require.NoError(t, err)
	assert.Equal(t, 4, n)
	assert.Equal(t, []string{"293", "295", "297", "299"}, routes, "the newest four that match, oldest first")

	routes = nil
	_, err = j.Walk(2, func(e Entry) error { routes = append(routes, e.Route); return nil }, ByTenant("t2"))
	require.NoError(t, err)
	assert.Equal(t, []string{"296", "299"}, routes, "one ring holding exactly the newest two")

	n, err = j.Walk(0, func(Entry) error { t.Fatal("limit 0 passes nothing"); return nil })
	assert.NoError(t, err)
	assert.Zero(t, n)

	stop := errors.New("client went away")
	n, err = j.Walk(-1, func(e Entry) error {
		if e.Seq == 100 {
			return stop
		}
		return nil
	})
	assert.ErrorIs(t, err, stop)
	assert.Equal(t, 99, n)

	// Entries recorded while a walk runs are not part of it.
	n, err = j.Walk(-1, func(Entry) error { j.Add(Entry{Tenant: "t0"}); return nil }, ByTenant("t1"))
	require.NoError(t, err)
	assert.Equal(t, 100, n)
}

func TestJournalMatchesHeadersAndBodyPaths(t *testing.T) {
	t.Parallel()
	j := NewJournal(100)
	j.Add(Entry{Type: "request", Headers: map[string]string{"X-Idempotency-Key": "k1"}, Request: `{"card_id":"c1","reason":"lost","amount":12.50,"items":[{"id":"a"}],"kyc":{"email":"x@y.z"}}`})
	j.Add(Entry{Type: "request", Headers: map[string]string{"X-Idempotency-Key": "k2"}, Request: `{"card_id":"c2"}`})
	j.Add(Entry{Type: "request", Request: `not json`})
	tests := []struct {
		name   string
		filter func(Entry) bool
		want   int
	}{
		{"a header, any case", ByHeader("x-idempotency-key", "k1"), 1},
		{"a header value that differs", ByHeader("X-Idempotency-Key", "k3"), 0},
		{"a top-level field", ByBody("card_id", "c2"), 1},
		{"two fields together", func(e Entry) bool { return ByBody("card_id", "c1")(e) && ByBody("reason", "lost")(e) }, 1},
		{"a number by its JSON text", ByBody("amount", "12.50"), 1},
		{"a nested field", ByBody("kyc.email", "x@y.z"), 1},
		{"an array element", ByBody("items.0.id", "a"), 1},
		{"a path that is not there", ByBody("items.3.id", "a"), 0},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, j.Count(tt.filter), tt.name)
	}
}
