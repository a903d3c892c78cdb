// Package benchloop measures DESIGN.md's speed budget in Go benchmarks:
// a simulator's card detail (auth, journal and faults on) in requests per
// second over loopback HTTP, against a bare net/http server returning the
// same bytes, in the same run. It is for the providers' bench_test.go
// files, not for users.
package benchloop

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Budget is the least share of the bare server's requests per second the
// simulator must serve (DESIGN.md, "Performance budgets").
const Budget = 0.6

// Concurrency is how many clients send at once, as bench/peers drives
// every server with wrk -c16.
const Concurrency = 16

// NewRequest builds the i-th request to base. Requests that carry a nonce
// must differ in it; each is sent once.
type NewRequest func(base string, i int) *http.Request

// VsBare runs two sub-benchmarks, "sim" (h) and "bare" (a net/http handler
// writing the bytes h answered to the first request, with its
// Content-Type), each serving b.N requests from Concurrency keep-alive
// clients over loopback. Both get the same pre-built requests, so signing
// is paid before the timer and the servers alone differ. ok must accept
// every answer of h (a provider that answers errors with HTTP 200 needs
// the body checked). It logs sim's share of bare's requests per second.
func VsBare(b *testing.B, h http.Handler, next NewRequest, ok func(body []byte) bool) {
	b.Helper()
	sim := httptest.NewServer(h)
	b.Cleanup(sim.Close)
	res, err := sim.Client().Do(next(sim.URL, -1))
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !ok(body) {
		b.Fatalf("first answer: HTTP %d %s", res.StatusCode, body)
	}
	ct := res.Header.Get("Content-Type")
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", ct)
		_, _ = w.Write(body)
	}))
	b.Cleanup(bare.Close)
	var rate, cpu [2]float64
	for i, s := range []struct {
		name string
		url  string
	}{{"sim", sim.URL}, {"bare", bare.URL}} {
		b.Run(s.name, func(b *testing.B) { rate[i], cpu[i] = Hammer(b, s.url, next, ok) })
	}
	if rate[0] > 0 && rate[1] > 0 {
		b.Logf("card detail over loopback: sim %.0f req/s, bare %.0f req/s: %.2f× (budget ≥ %.2f×)", rate[0], rate[1], rate[0]/rate[1], Budget)
	}
	if cpu[0] > 0 && cpu[1] > 0 {
		b.Logf("CPU per request, client included: sim %.1f µs, bare %.1f µs: sim serves %.2f× bare's requests per CPU-second", cpu[0]/1e3, cpu[1]/1e3, cpu[1]/cpu[0])
	}
}

// Hammer sends b.N pre-built requests to base from Concurrency clients,
// requires HTTP 200 and ok(body) for each, reports requests per second and
// CPU time per request, and returns both.
func Hammer(b *testing.B, base string, next NewRequest, ok func([]byte) bool) (rate, cpuPerOp float64) {
	b.Helper()
	reqs := make([]*http.Request, b.N)
	for i := range reqs {
		reqs[i] = next(base, i)
	}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: Concurrency, MaxConnsPerHost: Concurrency}}
	defer hc.CloseIdleConnections()
	bufs := sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 16<<10)) }}
	var n atomic.Int64
	b.ReportAllocs()
	b.SetParallelism((Concurrency + 1) / 2) // × GOMAXPROCS goroutines; Concurrency on 2 cores
	b.ResetTimer()
	start, cpu := time.Now(), CPUTime()
	b.RunParallel(func(pb *testing.PB) {
		buf := bufs.Get().(*bytes.Buffer)
		defer bufs.Put(buf)
		for pb.Next() {
			req := reqs[n.Add(1)-1]
			res, err := hc.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			buf.Reset()
			_, _ = buf.ReadFrom(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK || !ok(buf.Bytes()) {
				b.Errorf("%s %s: HTTP %d %.300s", req.Method, req.URL.Path, res.StatusCode, buf.Bytes())
				return
			}
		}
	})
	elapsed, used := time.Since(start), CPUTime()-cpu
	b.StopTimer()
	rate = float64(b.N) / elapsed.Seconds()
	b.ReportMetric(rate, "req/s")
	ReportCPU(b, used)
	return rate, float64(used.Nanoseconds()) / float64(b.N)
}

// ReportCPU reports CPU time per operation (client and server alike when
// both run in the benchmark's process) as cpu-ns/op, unless the platform
// does not measure it.
func ReportCPU(b *testing.B, used time.Duration) {
	if used > 0 && b.N > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}
