package uqpay_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mocksrv/mocksrv/internal/benchloop"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// benchServer is a Server with a frozen clock behind a loopback listener,
// a keep-alive client and a token: budgets are requests per second over
// HTTP on one machine, as DESIGN.md states them.
type benchServer struct {
	s   *uqpay.Server
	h   http.Handler
	url string
	hc  *http.Client
	tok string
}

func newBench(b *testing.B, cards int, opts ...uqpay.Option) (*benchServer, uqpay.Card) {
	b.Helper()
	s, err := uqpay.New(append([]uqpay.Option{uqpay.WithSeed(1), uqpay.WithClock(core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))),
		uqpay.WithTokenRateLimit(0)}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	holder, err := s.AddCardholder(uqpay.Cardholder{})
	if err != nil {
		b.Fatal(err)
	}
	var last uqpay.Card
	for i := 0; i < cards; i++ {
		if last, err = s.AddCard(uqpay.Card{CardholderID: holder.ID, ProductID: uqpay.ProductShare}); err != nil {
			b.Fatal(err)
		}
	}
	ts := httptest.NewServer(s.Handler())
	b.Cleanup(ts.Close)
	bs := &benchServer{s: s, h: s.Handler(), url: ts.URL, hc: ts.Client()}
	req := httptest.NewRequest(http.MethodPost, "/api/v1/connect/token", nil)
	req.RemoteAddr = "127.0.0.1:40000"
	req.Header.Set("x-client-id", uqpay.DefaultClientID)
	req.Header.Set("x-api-key", uqpay.DefaultAPIKey)
	rec := httptest.NewRecorder()
	bs.h.ServeHTTP(rec, req)
	var tok struct {
		AuthToken string `json:"auth_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil || tok.AuthToken == "" {
		b.Fatalf("token: %d %s", rec.Code, rec.Body)
	}
	bs.tok = tok.AuthToken
	return bs, last
}

func (bs *benchServer) do(b *testing.B, method, path, body string) []byte {
	return get(b, bs.hc, method, bs.url+path, body, bs.tok)
}

func get(b *testing.B, hc *http.Client, method, url, body, tok string) []byte {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-auth-token", "Bearer "+tok)
	if method == http.MethodPost {
		req.Header.Set("x-idempotency-key", uqpay.NewIdempotencyKey())
	}
	resp, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	buf := readBuf.Get().(*bytes.Buffer)
	defer readBuf.Put(buf)
	buf.Reset()
	_, _ = io.Copy(buf, resp.Body)
	if resp.StatusCode != http.StatusOK {
		b.Fatalf("%s %s: %d %s", method, url, resp.StatusCode, buf)
	}
	return append([]byte(nil), buf.Bytes()[:min(buf.Len(), 64)]...)
}

// readBuf keeps the benchmark client's own allocations out of the numbers.
var readBuf = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 64<<10)) }}

// BenchmarkAuthCheck is a cheap authenticated GET: the issuing balances.
func BenchmarkAuthCheck(b *testing.B) {
	bs, _ := newBench(b, 0)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bs.do(b, http.MethodGet, "/api/v1/issuing/balances", "")
	}
}

// BenchmarkCardDetailVsBare is DESIGN.md's budget: Retrieve Card (auth,
// journal, settle, render) in requests per second over loopback from 16
// clients, against a bare net/http server returning the same bytes; sim
// must serve ≥ 0.6× bare.
func BenchmarkCardDetailVsBare(b *testing.B) {
	bs, card := newBench(b, 1000)
	benchloop.VsBare(b, bs.h, func(base string, _ int) *http.Request {
		req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/issuing/cards/"+card.ID, nil)
		req.Header.Set("x-auth-token", "Bearer "+bs.tok)
		return req
	}, func(body []byte) bool { return bytes.HasPrefix(body, []byte(`{"card_id":`)) })
}

// BenchmarkCardList lists the newest page of 10 from 1,000 and from 100,000
// cards; the budget is the second within 1.5× of the first.
func BenchmarkCardList(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		bs, _ := newBench(b, n)
		if n == 100000 {
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			b.Logf("heap in use with %d cards: %.1f MiB", n, float64(m.HeapInuse)/(1<<20))
		}
		b.Run(fmt.Sprintf("cards=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				bs.do(b, http.MethodGet, "/api/v1/issuing/cards?page_size=10&page_number=1", "")
			}
		})
	}
}

// BenchmarkCardUpdate is a write: POST /cards/{id} with a fresh
// idempotency key, an order and a webhook each time.
func BenchmarkCardUpdate(b *testing.B) {
	bs, card := newBench(b, 100)
	path := "/api/v1/issuing/cards/" + card.ID
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bs.do(b, http.MethodPost, path, fmt.Sprintf(`{"metadata":{"n":"%d"},"card_limit":%d}`, i, i%1000))
		if i%256 == 255 { // what the outbox loop does in the binary: no URL, so the deliveries park
			b.StopTimer()
			bs.s.Webhooks.Flush(context.Background())
			b.StartTimer()
		}
	}
}
