package core

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type row struct {
	ID    string
	Owner string
	At    time.Time
	N     int
}

func newRows(n int) *Table[row] {
	tb := NewTable(func(r row) time.Time { return r.At })
	tb.AddIndex("owner", func(r row) string { return r.Owner })
	for i := 0; i < n; i++ {
		tb.Put(fmt.Sprint(i), row{ID: fmt.Sprint(i), Owner: fmt.Sprint("o", i%3), At: t0.Add(time.Duration(i) * time.Minute), N: i})
	}
	return tb
}

func ids(rs []row) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func TestTableQuery(t *testing.T) {
	t.Parallel()
	tb := newRows(10)
	tests := []struct {
		name      string
		q         Query[row]
		want      []string
		wantTotal int
	}{
		{name: "first page oldest first", q: Query[row]{Window: Window{0, 3}, Count: true}, want: []string{"0", "1", "2"}, wantTotal: 10},
		{name: "second page newest first", q: Query[row]{Desc: true, Window: Window{3, 3}}, want: []string{"6", "5", "4"}},
		{name: "time window is inclusive", q: Query[row]{From: t0.Add(2 * time.Minute), To: t0.Add(4 * time.Minute), Window: Window{0, 10}, Count: true},
			want: []string{"2", "3", "4"}, wantTotal: 3},
		{name: "index bucket", q: Query[row]{Index: "owner", Value: "o1", Window: Window{0, 10}, Count: true}, want: []string{"1", "4", "7"}, wantTotal: 3},
		{name: "filter counts every match", q: Query[row]{Keep: func(r row) bool { return r.N%2 == 0 }, Window: Window{1, 2}, Count: true},
			want: []string{"2", "4"}, wantTotal: 5},
		{name: "page beyond end is empty", q: Query[row]{Window: Window{20, 5}}, want: []string{}},
		{name: "window before all rows is empty", q: Query[row]{To: t0.Add(-time.Hour), Window: Window{0, 5}, Count: true}, want: []string{}, wantTotal: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := tb.Query(tt.q)
			assert.Equal(t, tt.want, append([]string{}, ids(res.Items)...))
			if tt.q.Count {
				assert.Equal(t, tt.wantTotal, res.Total)
			}
		})
	}
}

func TestTableOrderAndMutation(t *testing.T) {
	t.Parallel()
	tb := newRows(3)
	tb.Put("late", row{ID: "late", Owner: "o0", At: t0.Add(-time.Hour)}) // out of order: goes first
	assert.Equal(t, []string{"late", "0", "1", "2"}, ids(tb.All()))
	require.True(t, tb.Update("1", func(r *row) { r.N = 99 }))
	r, _ := tb.Get("1")
	assert.Equal(t, 99, r.N)
	tb.Put("1", row{ID: "1", Owner: "o1", At: t0.Add(time.Minute), N: 7}) // replace keeps the place
	assert.Equal(t, []string{"late", "0", "1", "2"}, ids(tb.All()))
	require.True(t, tb.Delete("0"))
	assert.False(t, tb.Delete("0"))
	assert.Equal(t, []string{"late", "1", "2"}, ids(tb.All()))
	assert.Equal(t, []string{"late"}, ids(tb.Query(Query[row]{Index: "owner", Value: "o0", Window: Window{0, 9}}).Items))
	assert.Equal(t, 3, tb.Len())
}

func TestPaginate(t *testing.T) {
	t.Parallel()
	items := []int{1, 2, 3, 4, 5}
	assert.Equal(t, []int{3, 4}, Paginate(items, PageWindow(1, 2)))
	assert.Equal(t, []int{5}, Paginate(items, PageWindow(2, 2)))
	assert.Empty(t, Paginate(items, PageWindow(3, 2)))
	assert.Equal(t, 3, Pages(5, 2))
	assert.Equal(t, 0, Pages(0, 10))
}

func TestAgenda(t *testing.T) {
	t.Parallel()
	var a Agenda
	a.Schedule(t0.Add(2*time.Minute), "b", "2")
	a.Schedule(t0.Add(time.Minute), "a", "1")
	a.Schedule(t0.Add(time.Minute), "a", "1bis")
	assert.Empty(t, a.Due(t0))
	due := a.Due(t0.Add(time.Minute))
	require.Len(t, due, 2)
	assert.Equal(t, "1", due[0].Key, "ties keep scheduling order")
	assert.Equal(t, "1bis", due[1].Key)
	var b Agenda
	b.Restore(a.Tasks())
	assert.Equal(t, "2", b.Due(t0.Add(time.Hour))[0].Key)
}

// BenchmarkTableQueryPage measures a first page of 10 at several sizes:
// the cost should stay flat (O(log n + page)).
func BenchmarkTableQueryPage(b *testing.B) {
	for _, n := range []int{1_000, 100_000, 1_000_000} {
		tb := newRows(n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				_ = tb.Query(Query[row]{Desc: true, From: t0, To: t0.Add(time.Duration(n) * time.Minute), Window: Window{0, 10}})
			}
		})
	}
}

// TestTableQueryTouchesOnlyThePage pins the cost model: a page reads the
// rows before it in the window and the page itself, never the table.
func TestTableQueryTouchesOnlyThePage(t *testing.T) {
	t.Parallel()
	tb := newRows(100_000)
	touched := 0
	count := func(row) bool { touched++; return true }
	res := tb.Query(Query[row]{From: t0.Add(50_000 * time.Minute), To: t0.Add(50_999 * time.Minute), Desc: true,
		Window: Window{Offset: 20, Limit: 10}, Keep: count})
	assert.Equal(t, []string{"50979", "50978", "50977", "50976", "50975", "50974", "50973", "50972", "50971", "50970"}, ids(res.Items))
	assert.Equal(t, 30, touched, "offset + limit rows of 100,000")

	touched = 0
	res = tb.Query(Query[row]{Index: "owner", Value: "o2", Window: Window{Limit: 10}, Keep: count})
	assert.Len(t, res.Items, 10)
	assert.Equal(t, 10, touched, "an index bucket pages the same way")
}

// TestTableQueryAllocatesOnePage pins the page's memory: one slice sized
// for the page (rows are large values; growing it by appends would
// allocate about three pages' worth on every list call).
func TestTableQueryAllocatesOnePage(t *testing.T) {
	t.Parallel()
	tb := newRows(1_000)
	res := tb.Query(Query[row]{Desc: true, Window: Window{Offset: 20, Limit: 10}})
	assert.Len(t, res.Items, 10)
	assert.Equal(t, 10, cap(res.Items))
	res = tb.Query(Query[row]{Window: Window{Offset: 995, Limit: 10}})
	assert.Len(t, res.Items, 5)
	assert.Equal(t, 5, cap(res.Items), "a last, short page")
	assert.Empty(t, tb.Query(Query[row]{Window: Window{Offset: 5_000, Limit: 10}}).Items, "past the end: no page")
}

func TestPageWindowNeverWrapsAround(t *testing.T) {
	t.Parallel()
	items := []int{1, 2, 3}
	for _, page := range []int{1_000_000_000_000_000_000, math.MaxInt, math.MaxInt / 10, -1} {
		assert.Empty(t, Paginate(items, PageWindow(page, 10)), "page %d", page)
	}
	assert.Equal(t, []int{3}, Paginate(items, PageWindow(1, 2)))
}
