package keysecure_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mocksrv/mocksrv/internal/benchloop"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/keysecure"
)

// benchServer returns a server with n cards and valid auth headers.
func benchServer(b *testing.B, n int) (*keysecure.Server, http.Header, string) {
	b.Helper()
	// The clock is frozen inside the lists' 2026-01-01..03-31 window, so
	// BenchmarkCardList pages real cards rather than an empty window.
	ks, err := keysecure.New(keysecure.WithSeed(1), keysecure.WithTokenRateLimit(0),
		keysecure.WithClock(core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))))
	if err != nil {
		b.Fatal(err)
	}
	var last keysecure.Card
	h, err := ks.AddCardholder(keysecure.Cardholder{})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if last, err = ks.AddCard(keysecure.Card{CardholderNo: h.ID}); err != nil {
			b.Fatal(err)
		}
	}
	hdr := http.Header{"Api-Key": {keysecure.DefaultAPIKey}}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/open-api/v1/merchant/token", nil)
	req.RemoteAddr = "127.0.0.1:1"
	req.Header = hdr.Clone()
	req.Header.Set("Timestamp", strconv.FormatInt(core.WallNow().UnixMilli(), 10))
	ks.Handler().ServeHTTP(rec, req)
	tok := rec.Body.String()
	tok = tok[strings.Index(tok, `"access_token":"`)+16:]
	hdr.Set("Access-Token", tok[:strings.Index(tok, `"`)])
	return ks, hdr, last.ID
}

func do(b *testing.B, ks *keysecure.Server, hdr http.Header, method, path, body string) {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.RemoteAddr = "127.0.0.1:1"
	req.Header = hdr.Clone()
	req.Header.Set("Timestamp", strconv.FormatInt(core.WallNow().UnixMilli(), 10))
	ks.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"code":0`) || strings.Contains(rec.Body.String(), `"list":[]`) {
		b.Fatalf("%s %s: %s", method, path, rec.Body)
	}
}

func BenchmarkToken(b *testing.B) {
	ks, hdr, _ := benchServer(b, 0)
	hdr.Del("Access-Token")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		do(b, ks, hdr, http.MethodGet, "/open-api/v1/merchant/token", "")
	}
}

// BenchmarkAuthCheck is the cheapest authenticated request through the
// whole chain (Api-Key, Timestamp and Access-Token checks, journal): the
// static card package list.
func BenchmarkAuthCheck(b *testing.B) {
	ks, hdr, _ := benchServer(b, 0)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		do(b, ks, hdr, http.MethodPost, "/open-api/v1/card/package/list", `{}`)
	}
}

// BenchmarkCardDetailVsBare is DESIGN.md's budget: card detail in
// requests per second over loopback from 16 clients, against a bare
// net/http server returning the same bytes; sim must serve ≥ 0.6× bare.
func BenchmarkCardDetailVsBare(b *testing.B) {
	ks, hdr, no := benchServer(b, 1000)
	ts := strconv.FormatInt(core.WallNow().UnixMilli(), 10)
	benchloop.VsBare(b, ks.Handler(), func(base string, _ int) *http.Request {
		req, _ := http.NewRequest(http.MethodGet, base+"/open-api/v1/card/"+no+"/detail", nil)
		req.Header = hdr.Clone()
		req.Header.Set("Timestamp", ts)
		return req
	}, func(body []byte) bool { return bytes.Contains(body, []byte(`"code":0`)) })
}

func BenchmarkCardDetail(b *testing.B) {
	ks, hdr, no := benchServer(b, 1000)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		do(b, ks, hdr, http.MethodGet, "/open-api/v1/card/"+no+"/detail", "")
	}
}

// BenchmarkCardList pages 10 cards out of n: the cost should not grow
// with n (DESIGN: 100k within 1.5x of 1k).
func BenchmarkCardList(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		ks, hdr, _ := benchServer(b, n)
		body := `{"start_time":"2026-01-01","end_time":"2026-03-31","size":10}`
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				do(b, ks, hdr, http.MethodPost, "/open-api/v1/card/list", body)
			}
		})
	}
}

func BenchmarkCardStatusUpdate(b *testing.B) {
	ks, hdr, no := benchServer(b, 1)
	statuses := []string{"Frozen", "Activated"}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		do(b, ks, hdr, http.MethodPost, "/open-api/v1/card/status/update", `{"card_no":"`+no+`","status":"`+statuses[i%2]+`"}`)
	}
}

// authBench is a server in AUTHORIZATION mode whose Auth callbacks go to a
// local merchant endpoint that approves at once, with a card to authorize
// on. The window is 10 s rather than 800 ms so that a loaded machine
// measures slowly instead of falling back to declines.
func authBench(b *testing.B) (*keysecure.Server, string) {
	b.Helper()
	ks, err := keysecure.New(keysecure.WithSeed(1), keysecure.WithMode(keysecure.ModeAuthorization),
		keysecure.WithClock(core.NewFrozenClock(core.TestEpoch)), keysecure.WithAuthWindow(10*time.Second))
	if err != nil {
		b.Fatal(err)
	}
	merchant := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = w.Write([]byte(`{"code":0,"message":""}`))
	}))
	b.Cleanup(merchant.Close)
	ks.Webhooks.SetURL("", keysecure.Name, merchant.URL)
	card, err := ks.AddCard(keysecure.Card{BinNo: "BIN-48655511"})
	if err != nil {
		b.Fatal(err)
	}
	return ks, card.ID
}

// authRoundTrip reports the mean Auth round trip the journal measured
// (mocksrv → merchant → mocksrv), in ms.
func authRoundTrip(b *testing.B, ks *keysecure.Server) {
	b.Helper()
	var sum float64
	es := ks.Journal.Entries(core.ByRoute("Auth"))
	for _, e := range es {
		sum += e.DurationMS
	}
	if len(es) > 0 {
		b.ReportMetric(sum/float64(len(es)), "auth-rtt-ms")
	}
}

// BenchmarkAuthDecision is one authorization of an authorization-mode
// card at a time, the merchant deciding through the Auth callback on
// loopback: ns/op is the whole authorization (decide, call, lock, apply),
// auth-rtt-ms the HTTP round trip alone.
func BenchmarkAuthDecision(b *testing.B) {
	ks, card := authBench(b)
	ev := core.CardEvent{Type: core.EventAuthorize, Amount: "1.00"}
	b.ReportAllocs()
	b.ResetTimer()
	start := core.WallNow()
	for i := 0; i < b.N; i++ {
		c, err := ks.CardEvent(card, ev)
		if err != nil || c.Status != keysecure.Pending {
			b.Fatalf("authorization %d: %v %s %s", i, err, c.Status, c.Remark)
		}
	}
	b.ReportMetric(float64(b.N)/core.WallNow().Sub(start).Seconds(), "auths/s")
	authRoundTrip(b, ks)
}

// BenchmarkAuthDecisionParallel is authorizations from many goroutines on
// one tenant at once: none holds the tenant's lock while its merchant
// answers, so they overlap.
func BenchmarkAuthDecisionParallel(b *testing.B) {
	ks, card := authBench(b)
	ev := core.CardEvent{Type: core.EventAuthorize, Amount: "1.00"}
	b.ReportAllocs()
	b.SetParallelism(4)
	b.ResetTimer()
	start := core.WallNow()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if c, err := ks.CardEvent(card, ev); err != nil || c.Status != keysecure.Pending {
				b.Errorf("authorization: %v %s %s", err, c.Status, c.Remark)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/core.WallNow().Sub(start).Seconds(), "auths/s")
	authRoundTrip(b, ks)
}
