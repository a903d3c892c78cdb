package uqpay_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/mocksrv/mocksrv/internal/benchloop"
)

// BenchmarkScale is the scale curve: the newest card-list page of 10
// (auth, journal and paging through the whole chain, no network) and the
// heap a tenant holds at 1k, 10k, 100k and 1M cards. DESIGN's budgets: the
// page at 100k within 1.5× of 1k, and 100k cards under 150 MB.
//
//	go test ./sims/uqpay -run XXX -bench Scale -benchtime 2000x
func BenchmarkScale(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000, 1_000_000} {
		var bs *benchServer // built once per size, not once per b.N
		var heap float64
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			if bs == nil {
				runtime.GC()
				var before runtime.MemStats
				runtime.ReadMemStats(&before)
				bs, _ = newBench(b, n)
				runtime.GC()
				var after runtime.MemStats
				runtime.ReadMemStats(&after)
				heap = float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu := benchloop.CPUTime()
			for i := 0; i < b.N; i++ {
				req := httptest.NewRequest(http.MethodGet, "/api/v1/issuing/cards?page_size=10&page_number=1", nil)
				req.RemoteAddr = "127.0.0.1:40000"
				req.Header.Set("x-auth-token", "Bearer "+bs.tok)
				rec := httptest.NewRecorder()
				bs.h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK || !bytes.Contains(rec.Body.Bytes(), []byte(fmt.Sprintf(`"total_items":%d`, n))) {
					b.Fatalf("HTTP %d %.300s", rec.Code, rec.Body)
				}
			}
			b.StopTimer()
			benchloop.ReportCPU(b, benchloop.CPUTime()-cpu)
			if rss := benchloop.RSS(); rss > 0 {
				b.ReportMetric(float64(rss)/(1<<20), "rss-MiB") // the whole process, after the pages were served
			}
			b.ReportMetric(heap, "heap-MiB")
			b.ReportMetric(heap*(1<<20)/float64(n), "B/card")
			runtime.KeepAlive(bs)
		})
	}
}
