package core

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type testWorld struct {
	WorldBase // guards n
	name      string
	n         int
}

func newTestWorlds(t *testing.T) *Worlds[*testWorld] {
	t.Helper()
	ws := NewWorlds[*testWorld]("acme", "api_key", nil)
	require.NoError(t, ws.Add(DefaultTenant, "k-default", &testWorld{name: "default"}))
	require.NoError(t, ws.Add("t2", "k-2", &testWorld{name: "t2"}))
	return ws
}

func TestWorldsLookups(t *testing.T) {
	t.Parallel()
	ws := newTestWorlds(t)

	w, ok := ws.Get("t2")
	require.True(t, ok)
	assert.Equal(t, "t2", w.name)
	w, ok = ws.ByKey("k-default")
	require.True(t, ok)
	assert.Equal(t, "default", w.name)
	assert.Equal(t, "default", ws.Default().name)
	assert.Equal(t, []string{"default", "t2"}, ws.IDs())

	_, ok = ws.Get("nobody")
	assert.False(t, ok)
	_, ok = ws.ByKey("t2") // a tenant ID is not a credential
	assert.False(t, ok)
	assert.Nil(t, NewWorlds[*testWorld]("acme", "api_key", nil).Default(), "no default tenant yet")
	assert.Empty(t, NewWorlds[*testWorld]("acme", "api_key", nil).IDs())
}

func TestWorldsAddRefusesTakenKeyOrTenant(t *testing.T) {
	t.Parallel()
	ws := newTestWorlds(t)

	err := ws.Add("t3", "k-2", &testWorld{name: "t3"})
	assert.EqualError(t, err, `acme: api_key "k-2" is already used by another tenant`)
	err = ws.Add("t2", "k-other", &testWorld{name: "t2 again"})
	assert.EqualError(t, err, `acme: tenant "t2" already exists`)

	assert.Equal(t, []string{"default", "t2"}, ws.IDs(), "a refused Add changes nothing")
	_, ok := ws.ByKey("k-other")
	assert.False(t, ok)
	w, _ := ws.Get("t2")
	assert.Equal(t, "t2", w.name)
}

func TestWorldsRemove(t *testing.T) {
	t.Parallel()
	ws := newTestWorlds(t)

	w, ok := ws.Remove("t2")
	require.True(t, ok)
	assert.Equal(t, "t2", w.name, "Remove hands back the world it dropped")
	_, ok = ws.Get("t2")
	assert.False(t, ok)
	_, ok = ws.ByKey("k-2")
	assert.False(t, ok, "the credential goes with the world")
	_, ok = ws.Remove("t2")
	assert.False(t, ok)

	require.NoError(t, ws.Add("t3", "k-2", &testWorld{name: "t3"}), "a freed credential can be reused")
}

func TestWorldsReset(t *testing.T) {
	t.Parallel()
	ws := newTestWorlds(t)
	before, _ := ws.Get("t2")

	old, err := ws.Reset("t2", func(old *testWorld) *testWorld {
		old.Lock() // the registry → world lock order Reset allows
		defer old.Unlock()
		return &testWorld{name: old.name + " (fresh)"}
	})
	require.NoError(t, err)
	assert.Same(t, before, old)
	byID, _ := ws.Get("t2")
	byKey, _ := ws.ByKey("k-2")
	assert.Equal(t, "t2 (fresh)", byID.name)
	assert.Same(t, byID, byKey, "both indexes see the fresh world")

	_, err = ws.Reset("nobody", func(*testWorld) *testWorld { t.Fatal("fresh called for a missing tenant"); return nil })
	assert.EqualError(t, err, `acme: no tenant "nobody"`)
}

func TestWorldsRestore(t *testing.T) {
	t.Parallel()
	ws := newTestWorlds(t)
	before, _ := ws.Get("t2")

	old, replaced, err := ws.Restore("t2", "k-2b", &testWorld{name: "t2 restored"})
	require.NoError(t, err)
	assert.True(t, replaced)
	assert.Same(t, before, old)
	w, _ := ws.ByKey("k-2b")
	assert.Equal(t, "t2 restored", w.name)
	_, ok := ws.ByKey("k-2")
	assert.False(t, ok, "the replaced world's credential is dropped")

	_, replaced, err = ws.Restore("t3", "k-3", &testWorld{name: "t3"})
	require.NoError(t, err)
	assert.False(t, replaced, "a tenant without a world gets one")
	assert.Equal(t, []string{"default", "t2", "t3"}, ws.IDs())

	_, _, err = ws.Restore("t3", "k-default", &testWorld{name: "thief"})
	assert.EqualError(t, err, "acme: restore t3: api_key already used by tenant default")
	w, _ = ws.Get("t3")
	assert.Equal(t, "t3", w.name, "a refused Restore changes nothing")
	w, _ = ws.ByKey("k-3")
	assert.Equal(t, "t3", w.name)
}

// TestWorldsConcurrentUse exercises every method at once; run with -race.
func TestWorldsConcurrentUse(t *testing.T) {
	t.Parallel()
	ws := newTestWorlds(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id, key := fmt.Sprint("c", i), fmt.Sprint("k-c", i)
			for range 50 {
				assert.NoError(t, ws.Add(id, key, &testWorld{name: id}))
				if w, ok := ws.ByKey(key); assert.True(t, ok) {
					w.Lock()
					w.n++
					w.Unlock()
				}
				_, err := ws.Reset(id, func(old *testWorld) *testWorld { return &testWorld{name: old.name} })
				assert.NoError(t, err)
				_, _, err = ws.Restore(id, key, &testWorld{name: id})
				assert.NoError(t, err)
				_ = ws.IDs()
				_ = ws.Default()
				_, ok := ws.Remove(id)
				assert.True(t, ok)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, []string{"default", "t2"}, ws.IDs())
}
