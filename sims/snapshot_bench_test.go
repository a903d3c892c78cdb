package sims

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/core"
)

// BenchmarkWriteState saves a Fleet of 8 tenants holding ~80 MB of state
// (UQPay and KeySecure cards, as bench/hostile's item 6 fills it; -cards
// sets the size) with every tenant changed since the last save, so each
// save encodes everything. It reports the file's size, the bytes a save
// allocates, the Go heap's peak above its level before the save
// (peak-heap-MB), and how long a writer waits at most for a world's lock
// while saving (max-lock-ms).
func BenchmarkWriteState(b *testing.B) {
	f, tenants := filledFleet(b, *benchCards)
	var size int64
	for b.Loop() {
		for _, t := range tenants {
			t.Touch()
		}
		var cw countWriter
		var heap heapPeak
		runtime.GC()
		heap.start()
		wait := lockWaits(f, tenants)
		require.NoError(b, f.WriteState(&cw))
		lock := wait()
		b.ReportMetric(float64(heap.stop())/1e6, "peak-heap-MB")
		b.ReportMetric(float64(lock)/1e6, "max-lock-ms")
		size = cw.n
	}
	b.ReportMetric(float64(size)/1e6, "file-MB")
}

var benchCards = flag.Int("snapshot-cards", 133_000, "BenchmarkWriteState: cards in the Fleet (133,000 make ~80 MB)")

// filledFleet returns a Fleet of 8 tenants with cards UQPay and KeySecure
// cards between them, made as the admin API makes them.
func filledFleet(tb testing.TB, cards int) (*Fleet, []*core.Tenant) {
	tb.Helper()
	f, err := NewFleet(WithClock(core.NewFrozenClock(core.TestEpoch)))
	require.NoError(tb, err)
	uq, _ := f.Provider("uqpay")
	ks, _ := f.Provider("keysecure")
	var tenants []*core.Tenant
	holders := map[string][2]string{}
	for i := range 8 {
		info, err := f.CreateTenant(TenantRequest{ID: fmt.Sprintf("fill-%d", i), Seed: uint64(i + 1)})
		require.NoError(tb, err)
		t, _ := f.Tenants.Get(info.ID)
		tenants = append(tenants, t)
		h, err := uq.Create(t.ID, "cardholders", json.RawMessage(`{}`))
		require.NoError(tb, err)
		k, err := ks.Create(t.ID, "cardholders", json.RawMessage(`{"balance":"1000.00"}`))
		require.NoError(tb, err)
		holders[t.ID] = [2]string{idOf(tb, h, "cardholder_id"), idOf(tb, k, "cardholder_no")}
	}
	for i := range cards {
		t := tenants[i%len(tenants)]
		if (i/len(tenants))%2 == 0 {
			_, err = uq.Create(t.ID, "cards", json.RawMessage(`{"cardholder_id":"`+holders[t.ID][0]+`"}`))
		} else {
			_, err = ks.Create(t.ID, "cards", json.RawMessage(`{"cardholder_no":"`+holders[t.ID][1]+`"}`))
		}
		require.NoError(tb, err)
	}
	return f, tenants
}

func idOf(tb testing.TB, v any, field string) string {
	tb.Helper()
	b, err := json.Marshal(v)
	require.NoError(tb, err)
	var m map[string]any
	require.NoError(tb, json.Unmarshal(b, &m))
	id, _ := m[field].(string)
	require.NotEmpty(tb, id, "%s in %s", field, b)
	return id
}

type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countWriter)(nil)

// heapPeak samples the Go heap in use (objects, live or not yet swept,
// and the unused part of their spans: MemStats.HeapInuse) every
// millisecond, without stopping the world as ReadMemStats would.
type heapPeak struct {
	base, peak atomic.Uint64
	done       chan struct{}
	wg         sync.WaitGroup
}

func heapInuse() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64() + s[1].Value.Uint64()
}

func (h *heapPeak) start() {
	h.base.Store(heapInuse())
	h.peak.Store(h.base.Load())
	h.done = make(chan struct{})
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-h.done:
				return
			case <-t.C:
				if v := heapInuse(); v > h.peak.Load() {
					h.peak.Store(v)
				}
			}
		}
	}()
}

func (h *heapPeak) stop() uint64 {
	close(h.done)
	h.wg.Wait()
	return h.peak.Load() - h.base.Load()
}

// lockWaits times, until the returned function is called, how long
// Settle — a call that takes each world's lock as a request does — waits
// at most, round the tenants.
func lockWaits(f *Fleet, tenants []*core.Tenant) func() time.Duration {
	done := make(chan struct{})
	var worst atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			default:
			}
			start := time.Now()
			f.settle(tenants[i%len(tenants)].ID)
			if d := int64(time.Since(start)); d > worst.Load() {
				worst.Store(d)
			}
			time.Sleep(100 * time.Microsecond)
		}
	}()
	return func() time.Duration {
		close(done)
		wg.Wait()
		return time.Duration(worst.Load())
	}
}

// BenchmarkLoadState loads the state file BenchmarkWriteState's Fleet
// saves: "file" streams it with LoadState (as serve does), "bytes" reads
// it whole and restores it with UnmarshalState.
func BenchmarkLoadState(b *testing.B) {
	f, _ := filledFleet(b, *benchCards)
	path := filepath.Join(b.TempDir(), "state.json")
	require.NoError(b, f.SaveState(path))
	f = nil
	b.Run("file", func(b *testing.B) {
		for b.Loop() {
			g, err := NewFleet(WithClock(core.NewFrozenClock(core.TestEpoch)))
			require.NoError(b, err)
			require.NoError(b, g.LoadState(path))
			g.snaps.replace(nil, map[string]map[string]savedWorld{}) // close the kept file
		}
	})
	b.Run("bytes", func(b *testing.B) {
		for b.Loop() {
			data, err := os.ReadFile(path)
			require.NoError(b, err)
			g, err := NewFleet(WithClock(core.NewFrozenClock(core.TestEpoch)))
			require.NoError(b, err)
			require.NoError(b, g.UnmarshalState(data))
		}
	})
}
