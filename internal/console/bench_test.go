package console_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/internal/benchloop"
	"github.com/mocksrv/mocksrv/sims"
)

// benchFleet makes a Fleet whose default tenant holds n cards of provider.
func benchFleet(b *testing.B, provider string, n int) *sims.Fleet {
	b.Helper()
	f := sims.RunT(b)
	p, ok := f.Provider(provider)
	require.True(b, ok)
	for i := 0; i < n; i++ {
		var body []byte
		if provider == "uqpay" {
			// UQPay's made-up cardholder phone numbers (8 digits) collide
			// within 10,000; give each card a cardholder of its own number.
			h, err := p.Create("default", "cardholders", []byte(fmt.Sprintf(`{"phone_number":"9%07d"}`, i)))
			require.NoError(b, err)
			raw, err := json.Marshal(h)
			require.NoError(b, err)
			var holder struct {
				ID string `json:"cardholder_id"`
			}
			require.NoError(b, json.Unmarshal(raw, &holder))
			body = []byte(fmt.Sprintf(`{"cardholder_id":%q}`, holder.ID))
		}
		_, err := p.Create("default", "cards", body)
		require.NoError(b, err)
	}
	return f
}

// BenchmarkTenantPage renders the first page of a 10,000-card tenant's
// cards, as a browser asks for it: the section read through the admin API
// in-process (GET …/state?section=…), filtered, paged and rendered; a text
// filter encodes every card to search it. The budget is 200 ms.
func BenchmarkTenantPage(b *testing.B) {
	for _, p := range sims.AllProviders {
		for _, q := range []string{"", "&status=Frozen", "&page=100", "&q=no-such-text"} {
			b.Run(fmt.Sprintf("%s/10000cards%s", p, strings.ReplaceAll(q, "&", "/")), func(b *testing.B) {
				f := benchFleet(b, p, 10000)
				h := f.Handler()
				url := ui + "/tenants/default/" + p + "?section=cards" + q
				b.ResetTimer()
				cpu := benchloop.CPUTime()
				for i := 0; i < b.N; i++ {
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url, nil))
					if rec.Code != http.StatusOK {
						b.Fatalf("%s: %d %s", url, rec.Code, rec.Body.String())
					}
				}
				reportPage(b, benchloop.CPUTime()-cpu)
			})
		}
	}
}

// BenchmarkCardPage renders one card of a 10,000-card tenant: two
// section reads (the card, its scheduled transitions), the journal and the
// deliveries for its timeline.
func BenchmarkCardPage(b *testing.B) {
	f := benchFleet(b, "keysecure", 10000)
	cards := f.KeySecure.Cards()
	url := ui + "/tenants/default/keysecure/cards/" + cards[len(cards)/2].ID
	h := f.Handler()
	b.ResetTimer()
	cpu := benchloop.CPUTime()
	for i := 0; i < b.N; i++ {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("%d %s", rec.Code, rec.Body.String())
		}
	}
	reportPage(b, benchloop.CPUTime()-cpu)
}

// reportPage reports wall and CPU milliseconds per page: on a shared
// machine the CPU time is the steadier figure.
func reportPage(b *testing.B, cpu time.Duration) {
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1e3/float64(b.N), "ms/page")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/1e3/float64(b.N), "cpu-ms/page")
	}
}

// BenchmarkStateDump is the admin API's share of a tenant page: the state
// dump of 10,000 cards, encoded.
func BenchmarkStateDump(b *testing.B) {
	f := benchFleet(b, "keysecure", 10000)
	h := f.Handler()
	for _, q := range []string{"", "?compact=1"} {
		b.Run("indent="+fmt.Sprint(q == ""), func(b *testing.B) {
			var size int
			cpu := benchloop.CPUTime()
			for i := 0; i < b.N; i++ {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/_mocksrv/tenants/default/keysecure/state"+q, nil))
				if rec.Code != http.StatusOK {
					b.Fatal(rec.Code)
				}
				size = rec.Body.Len()
			}
			reportPage(b, benchloop.CPUTime()-cpu)
			b.ReportMetric(float64(size)/(1<<20), "MiB/dump")
		})
	}
}

// BenchmarkStreamUnderLoad floods the Fleet with requests from 16 clients
// (KeySecure card/list without credentials: journaled, answered with code
// 1002) and compares requests per second with no console attached, with
// one live traffic stream being read, and with that stream plus one whose
// browser never reads. It reports what the reading stream received and
// the heap in use at the end.
func BenchmarkStreamUnderLoad(b *testing.B) {
	next := func(base string, _ int) *http.Request {
		r, _ := http.NewRequest(http.MethodPost, base+"/open-api/v1/card/list", strings.NewReader(`{"start_time":"2026-01-01","end_time":"2026-01-01"}`))
		r.Header.Set("Content-Type", "application/json")
		return r
	}
	ok := func([]byte) bool { return true }
	for _, mode := range []string{"no-stream", "one-stream", "one-stream+stalled"} {
		b.Run(mode, func(b *testing.B) {
			f := sims.RunT(b)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var entries, events, sampled atomic.Int64
			if mode != "no-stream" {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, f.URL()+ui+"/traffic/stream?since=now", nil)
				resp, err := http.DefaultClient.Do(req)
				require.NoError(b, err)
				go func() {
					defer resp.Body.Close()
					sc := bufio.NewScanner(resp.Body)
					sc.Buffer(make([]byte, 1<<20), 8<<20)
					for sc.Scan() {
						data, found := strings.CutPrefix(sc.Text(), "data: ")
						if !found {
							continue
						}
						var batch struct {
							Entries []json.RawMessage `json:"entries"`
							Sampled bool              `json:"sampled"`
						}
						if json.Unmarshal([]byte(data), &batch) == nil {
							events.Add(1)
							entries.Add(int64(len(batch.Entries)))
							if batch.Sampled {
								sampled.Add(1)
							}
						}
					}
				}()
			}
			if mode == "one-stream+stalled" {
				conn, err := net.Dial("tcp", strings.TrimPrefix(f.URL(), "http://"))
				require.NoError(b, err)
				defer conn.Close()
				_, err = fmt.Fprintf(conn, "GET %s/traffic/stream?since=now HTTP/1.1\r\nHost: x\r\n\r\n", ui)
				require.NoError(b, err)
				// … and never read from conn.
			}
			start := time.Now()
			benchloop.Hammer(b, f.URL(), next, ok)
			elapsed := time.Since(start)
			time.Sleep(400 * time.Millisecond) // the stream's last poll
			if mode != "no-stream" {
				b.ReportMetric(float64(entries.Load())/elapsed.Seconds(), "streamed-entries/s")
				b.ReportMetric(float64(events.Load())/elapsed.Seconds(), "events/s")
				b.ReportMetric(float64(sampled.Load()), "sampled-events")
			}
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MiB")
		})
	}
}
