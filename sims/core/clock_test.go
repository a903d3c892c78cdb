package core

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func TestClock(t *testing.T) {
	t.Parallel()
	wall := t0.Add(100 * time.Hour)
	fake := func() time.Time { return wall }

	t.Run("frozen clock moves only when told", func(t *testing.T) {
		t.Parallel()
		c := NewFrozenClock(t0)
		c.SetWall(fake)
		assert.Equal(t, t0, c.Now())
		now, err := c.Advance(90 * 24 * time.Hour)
		require.NoError(t, err)
		assert.Equal(t, t0.AddDate(0, 0, 90), now)
		assert.Equal(t, wall, c.Wall(), "business time never moves the wall reading")
	})
	t.Run("advance refuses to go backwards", func(t *testing.T) {
		t.Parallel()
		c := NewFrozenClock(t0)
		_, err := c.Advance(-time.Second)
		assert.ErrorContains(t, err, "only moves forward")
	})
	t.Run("running clock follows wall time plus offset", func(t *testing.T) {
		t.Parallel()
		c := NewClock()
		w := t0
		c.SetWall(func() time.Time { return w })
		_, _ = c.Advance(time.Hour)
		w = w.Add(time.Minute)
		assert.Equal(t, t0.Add(time.Hour+time.Minute), c.Now())
		c.Set(t0.AddDate(1, 0, 0))
		assert.Equal(t, t0.AddDate(1, 0, 0), c.Now())
	})
	t.Run("freeze and unfreeze keep the reading", func(t *testing.T) {
		t.Parallel()
		c := NewClock()
		w := t0
		c.SetWall(func() time.Time { return w })
		c.Freeze()
		w = w.Add(time.Hour)
		assert.Equal(t, t0, c.Now())
		c.Unfreeze()
		w = w.Add(time.Minute)
		assert.Equal(t, t0.Add(time.Minute), c.Now())
	})
	t.Run("state round-trips", func(t *testing.T) {
		t.Parallel()
		c := NewFrozenClock(t0)
		d := NewClock()
		require.NoError(t, d.Restore(c.State()))
		assert.Equal(t, t0, d.Now())
	})
}

func TestSleepStopsWithContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.False(t, Sleep(ctx, time.Hour))
	assert.True(t, Sleep(context.Background(), 0))
}

func TestParseDuration(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]time.Duration{"90s": 90 * time.Second, "720h": 720 * time.Hour, "30d": 720 * time.Hour, "1d12h": 36 * time.Hour} {
		got, err := ParseDuration(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := ParseDuration("soon")
	assert.ErrorContains(t, err, "want Go syntax")
}

// TestNoSystemClockUnderSims keeps every reading of the system clock in
// clock.go, so business time stays controllable.
func TestNoSystemClockUnderSims(t *testing.T) {
	t.Parallel()
	// Method values count too (f := time.Now), so no "(" is required.
	banned := regexp.MustCompile(`\btime\.(Now|Since|Until|Sleep|After|AfterFunc|Tick|NewTimer|NewTicker)\b`)
	root := filepath.Join("..")
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		if filepath.Base(p) == "clock.go" && filepath.Base(filepath.Dir(p)) == "core" {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(b), "\n") {
			if banned.MatchString(line) && !strings.HasPrefix(strings.TrimSpace(line), "//") {
				t.Errorf("%s:%d reads the system clock: %s (use the tenant clock, WallNow or Sleep)", p, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	require.NoError(t, err)
}
