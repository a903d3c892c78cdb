package core

import (
	"fmt"
	"sync"
	"testing"

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
