package core

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDirectHelpers(t *testing.T) {
	t.Parallel()
	settled := 0
	ws := NewWorlds("acme", "api_key", func(w *testWorld) { settled++; w.n++ })
	require.NoError(t, ws.Add(DefaultTenant, "k-default", &testWorld{name: "default"}))

	assert.Equal(t, 1, Read(ws, func(w *testWorld) int { return w.n }), "settled before f runs")
	name, ok := Find(ws, func(w *testWorld) (string, bool) { return w.name, w.n > 0 })
	assert.True(t, ok)
	assert.Equal(t, "default", name)
	n, err := Change(ws, func(w *testWorld) (int, error) { w.n += 10; return w.n, nil })
	require.NoError(t, err)
	assert.Equal(t, 13, n)
	_, err = Change(ws, func(w *testWorld) (int, error) { return 0, errors.New("refused") })
	assert.EqualError(t, err, "refused")
	assert.Equal(t, 4, settled)

	empty := NewWorlds[*testWorld]("acme", "api_key", nil)
	assert.Zero(t, Read(empty, func(w *testWorld) int { return 1 }))
	_, ok = Find(empty, func(w *testWorld) (int, bool) { return 1, true })
	assert.False(t, ok)
	_, err = Change(empty, func(w *testWorld) (int, error) { return 1, nil })
	assert.EqualError(t, err, `acme: no tenant "default"`)
}
