package keysecure_test

import (
	"fmt"
	"net/http"
	"runtime"
	"testing"

	"github.com/mocksrv/mocksrv/internal/benchloop"
	"github.com/mocksrv/mocksrv/sims/keysecure"
)

// BenchmarkScale is the scale curve: the first card-list page of 10 and
// the heap a tenant holds at 1k, 10k, 100k and 1M cards. DESIGN's budgets:
// the page at 100k within 1.5x of 1k, and 100k cards under 150 MB.
//
//	go test ./sims/keysecure -run XXX -bench Scale -benchtime 2000x
func BenchmarkScale(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000, 1_000_000} {
		var ks *keysecure.Server // built once per size, not once per b.N
		var hdr http.Header
		var heap float64
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			if ks == nil {
				runtime.GC()
				var before runtime.MemStats
				runtime.ReadMemStats(&before)
				ks, hdr, _ = benchServer(b, n)
				runtime.GC()
				var after runtime.MemStats
				runtime.ReadMemStats(&after)
				heap = float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
			}
			body := `{"start_time":"2026-01-01","end_time":"2026-03-31","size":10}`
			b.ReportAllocs()
			b.ResetTimer()
			cpu := benchloop.CPUTime()
			for i := 0; i < b.N; i++ {
				do(b, ks, hdr, http.MethodPost, "/open-api/v1/card/list", body)
			}
			b.StopTimer()
			benchloop.ReportCPU(b, benchloop.CPUTime()-cpu)
			if rss := benchloop.RSS(); rss > 0 {
				b.ReportMetric(float64(rss)/(1<<20), "rss-MiB") // the whole process, after the pages were served
			}
			b.ReportMetric(heap, "heap-MiB")
			b.ReportMetric(heap*(1<<20)/float64(n), "B/card")
			runtime.KeepAlive(ks)
		})
	}
}
