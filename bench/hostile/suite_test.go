package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestShortForm is issue 14's robustness suite in its short form, as CI
// runs it: it builds mocksrv once (with the race detector when the test
// has it, so the build reuses what go test -race compiled) and runs the
// eight attacks at small sizes against it, each of which must meet its
// target. It takes 15–40 s alone
// and more in a loaded go test -race ./..., so -short leaves it out.
func TestShortForm(t *testing.T) {
	if testing.Short() {
		t.Skip("builds mocksrv and runs eight attacks against it: 15-100 s")
	}
	t.Parallel()
	dir := t.TempDir()
	bin, err := build(dir, raceBuild)
	require.NoError(t, err)
	out := &testLog{t: t}
	results, err := Run(context.Background(), Options{Binary: bin, Dir: dir, Short: true, Out: out, Seed: 1, Race: raceBuild})
	out.flush()
	require.NoError(t, err)
	require.Len(t, results, len(attacks))
	for _, r := range results {
		t.Run(strings.ReplaceAll(r.Attack, " ", "_"), func(t *testing.T) {
			assert.Equal(t, Pass, r.Status, "%d. %s: %s (%s)", r.Item, r.Attack, r.Why, strings.Join(r.Figure, "; "))
			assert.NotEmpty(t, r.Figure, "every attack prints its figure")
		})
	}
}

// testLog hands what the suite prints to t.Log a line at a time.
type testLog struct {
	t   *testing.T
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *testLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	for {
		line, err := l.buf.ReadString('\n')
		if err != nil {
			l.buf.WriteString(line)
			return len(p), nil
		}
		l.t.Log(strings.TrimRight(line, "\n"))
	}
}

func (l *testLog) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buf.Len() > 0 {
		l.t.Log(l.buf.String())
		l.buf.Reset()
	}
}

func TestQuantile(t *testing.T) {
	t.Parallel()
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	assert.Equal(t, 50*time.Millisecond, quantile(ds, 0.5))
	assert.Equal(t, 99*time.Millisecond, quantile(ds, 0.99))
	assert.Equal(t, 100*time.Millisecond, quantile(ds, 1))
	assert.Equal(t, 100*time.Millisecond, ds[0], "the input is left in its order")
	assert.Zero(t, quantile(nil, 0.99))
}

func TestEachString(t *testing.T) {
	t.Parallel()
	var got []string
	in := `{"card_id":"c-1","n":3,"esc":"a\"b","list":["x",{"k":"` + strings.Repeat("y", 70) + `"}],"last":"z"}`
	require.NoError(t, eachString(bufio.NewReader(strings.NewReader(in)), func(s string) { got = append(got, s) }))
	assert.Equal(t, []string{"card_id", "c-1", "n", "esc", "list", "x", "k", "last", "z"}, got, "escaped and long strings are left out")
}

// TestSaveWatch: renames over the state file are saves; each starts at the
// save timer's tick before its temporary file appeared, or at the end of
// the save before it.
func TestSaveWatch(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	ready := time.Now()
	w := watchSaves(path, ready, 50*time.Millisecond)
	defer w.stop()
	for i := range 3 {
		tmp := filepath.Join(dir, ".state.json.tmp-1")
		require.NoError(t, os.WriteFile(tmp, []byte(strings.Repeat("x", 10+i)), 0o644))
		time.Sleep(20 * time.Millisecond)
		require.NoError(t, os.Rename(tmp, path))
		time.Sleep(20 * time.Millisecond)
	}
	require.Eventually(t, func() bool { return len(w.between(ready, time.Now())) == 3 }, 5*time.Second, 5*time.Millisecond)
	saves := w.between(ready, time.Now())
	for i, s := range saves {
		assert.Equal(t, int64(10+i), s.Size)
		assert.False(t, s.Start.After(s.End))
		atTick := s.Start.Sub(ready)%(50*time.Millisecond) == 0
		if i > 0 {
			assert.False(t, s.Start.Before(saves[i-1].End), "save %d starts after the one before ends", i)
			atTick = atTick || s.Start.Equal(saves[i-1].End)
		}
		assert.True(t, atTick, "save %d starts at a tick or where the one before ended", i)
	}
	first, err := w.next(ready.Add(-time.Nanosecond), time.Second)
	require.NoError(t, err)
	assert.Equal(t, saves[0], first)
	_, ok := w.lastBefore(ready)
	assert.False(t, ok)
}
