package bkj_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mocksrv/mocksrv/internal/benchloop"
	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/bkj"
	"github.com/mocksrv/mocksrv/sims/core"
)

// benchServer returns a server (strict auth, journal on) holding n cards
// of one user, and the last card.
func benchServer(b *testing.B, n int) (*bkj.Server, bkj.Card) {
	b.Helper()
	s, err := bkj.New(bkj.WithSeed(1))
	if err != nil {
		b.Fatal(err)
	}
	u, err := s.AddUser(bkj.User{})
	if err != nil {
		b.Fatal(err)
	}
	var last bkj.Card
	for i := 0; i < n; i++ {
		if last, err = s.AddCard(bkj.Card{AccountID: u.ID}); err != nil {
			b.Fatal(err)
		}
	}
	return s, last
}

// signer makes signed requests in batches outside the timer, so the
// measurement is the server's work (verification included), not the
// client's.
type signer struct {
	b      *testing.B
	method string
	target string
	body   []byte
	batch  []*http.Request
	seq    int
	start  int64
}

func (sg *signer) next() *http.Request {
	if len(sg.batch) == 0 {
		sg.b.StopTimer()
		if sg.start == 0 { // nonces stay unique when one server serves several signers
			sg.start = time.Now().UnixNano()
		}
		now := strconv.FormatInt(core.WallNow().Unix(), 10)
		for i := 0; i < 4096; i++ {
			sg.seq++
			var body []byte
			if sg.body != nil {
				body = bytes.ReplaceAll(sg.body, []byte("{n}"), []byte(strconv.Itoa(sg.seq)))
			}
			req := httptest.NewRequest(sg.method, sg.target, bytes.NewReader(body))
			nonce := "bench-" + strconv.FormatInt(sg.start, 36) + "-" + strconv.Itoa(sg.seq)
			sts, _ := bkj.StringToSign(sg.method, req.URL.Path, req.URL.RawQuery, now, nonce, body)
			req.Header.Set("X-Api-Key", bkj.DefaultAPIKey)
			req.Header.Set("X-Timestamp", now)
			req.Header.Set("X-Nonce", nonce)
			req.Header.Set("X-Signature", bkj.Sign(bkj.DefaultAPISecret, sts))
			if body != nil {
				req.Header.Set("Content-Type", "application/json")
			}
			sg.batch = append(sg.batch, req)
		}
		sg.b.StartTimer()
	}
	r := sg.batch[len(sg.batch)-1]
	sg.batch = sg.batch[:len(sg.batch)-1]
	return r
}

func serveBench(b *testing.B, s *bkj.Server, sg *signer) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, sg.next())
		if rec.Code != http.StatusOK || !bytes.HasPrefix(rec.Body.Bytes(), []byte(`{"code":0,`)) {
			b.Fatalf("HTTP %d %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkSignatureCheck is the server's verification of one signed POST:
// body normalization, SHA-256, canonical query, HMAC-SHA256.
func BenchmarkSignatureCheck(b *testing.B) {
	body := []byte(`{"account_id":"03950576-c893-4268-9922-0d0655ccb59e","wallet_id":"381bda54-aed0-4f34-8ec7-0b497a7877f0","chain":"TRON","amount":"100.00","address":"TN3W4H6rK2ce4vX9YnFQHwKENnHjoxb3m9","memo":"rent"}`)
	want := bkj.Sign(bkj.DefaultAPISecret, mustSTS(b, body))
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if bkj.Sign(bkj.DefaultAPISecret, mustSTS(b, body)) != want {
			b.Fatal("mismatch")
		}
	}
}

func mustSTS(b *testing.B, body []byte) string {
	sts, err := bkj.StringToSign(http.MethodPost, "/openapi/v1/wallet/withdraw", "b=2&a=1", "1767225600", "550e8400e29b41d4a716446655440000", body)
	if err != nil {
		b.Fatal(err)
	}
	return sts
}

// BenchmarkCardDetail is GET /card/detail through the whole chain: journal,
// faults, strict signature and nonce checks, envelope, response signing.
func BenchmarkCardDetail(b *testing.B) {
	s, card := benchServer(b, 1)
	serveBench(b, s, &signer{b: b, method: http.MethodGet, target: "/openapi/v1/card/detail?id=" + card.ID})
}

// BenchmarkBareHandler is a bare net/http handler writing the bytes of a
// card detail answer: the yardstick of DESIGN.md's "≥ 0.6×" budget.
func BenchmarkBareHandler(b *testing.B) {
	s, card := benchServer(b, 1)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, (&signer{b: b, method: http.MethodGet, target: "/openapi/v1/card/detail?id=" + card.ID}).next())
	body := rec.Body.Bytes()
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(body)
	})
	req := httptest.NewRequest(http.MethodGet, "/openapi/v1/card/detail?id="+card.ID, nil)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
}

// BenchmarkAuthCheck is the cheapest signed request through the whole
// chain: GET /debug/get, whose work is the signature and nonce checks.
func BenchmarkAuthCheck(b *testing.B) {
	s, _ := benchServer(b, 0)
	serveBench(b, s, &signer{b: b, method: http.MethodGet, target: "/openapi/v1/debug/get?a=1&b=2"})
}

// BenchmarkCardDetailVsBare is DESIGN.md's budget: card detail (strict
// signature, nonce, journal, response signing) in requests per second over
// loopback from 16 clients, against a bare net/http server returning the
// same bytes; sim must serve ≥ 0.6× bare.
func BenchmarkCardDetailVsBare(b *testing.B) {
	s, card := benchServer(b, 1000)
	var seq atomic.Int64
	now := strconv.FormatInt(core.WallNow().Unix(), 10)
	benchloop.VsBare(b, s.Handler(), func(base string, _ int) *http.Request {
		req, _ := http.NewRequest(http.MethodGet, base+"/openapi/v1/card/detail?id="+card.ID, nil)
		nonce := "loop-" + strconv.FormatInt(seq.Add(1), 10)
		sts, _ := bkj.StringToSign(http.MethodGet, req.URL.Path, req.URL.RawQuery, now, nonce, nil)
		req.Header.Set("X-Api-Key", bkj.DefaultAPIKey)
		req.Header.Set("X-Timestamp", now)
		req.Header.Set("X-Nonce", nonce)
		req.Header.Set("X-Signature", bkj.Sign(bkj.DefaultAPISecret, sts))
		return req
	}, func(body []byte) bool { return bytes.HasPrefix(body, []byte(`{"code":0,`)) })
}

// BenchmarkCardList is one page of 10 of the card list, newest first, with
// the total, from a tenant of n cards (DESIGN.md: 100k within 1.5× of 1k).
func BenchmarkCardList(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		s, _ := benchServer(b, n)
		b.Run(fmt.Sprintf("cards=%d", n), func(b *testing.B) {
			serveBench(b, s, &signer{b: b, method: http.MethodGet, target: "/openapi/v1/card/list?page=3&take=10"})
		})
	}
}

// BenchmarkUserRegister is a write: POST /users (a user and its two
// wallets).
func BenchmarkUserRegister(b *testing.B) {
	s, _ := benchServer(b, 0)
	serveBench(b, s, &signer{b: b, method: http.MethodPost, target: "/openapi/v1/users",
		body: []byte(`{"email":"user{n}@example.com","first_name":"Bench","last_name":"Mark"}`)})
}

// BenchmarkCardEventAuthorizeClear measures one purchase's lifecycle by
// card events through the direct helper: authorize, then clear for
// another amount (bkj publishes no real-time decision, so no endpoint is
// asked). It reports purchases per second.
func BenchmarkCardEventAuthorizeClear(b *testing.B) {
	s, err := bkj.New(bkj.WithSeed(1), bkj.WithManualClearing(true))
	if err != nil {
		b.Fatal(err)
	}
	card, err := s.AddCard(bkj.Card{Balance: core.MustDecimal("100000000")})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		auth, err := s.CardEvent(card.ID, core.CardEvent{Type: core.EventAuthorize, Amount: "10"})
		if err != nil || auth.Status != bkj.CardTxPending {
			b.Fatal(err, auth.Status)
		}
		if _, err := s.CardEvent(card.ID, core.CardEvent{Type: core.EventClear, Transaction: auth.ID, Amount: "10.50"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "purchases/s")
}

// BenchmarkCardEventAdminRoute measures an authorize card event over the
// admin API on loopback (POST /_mocksrv/tenants/default/bkj/cards/{card}/events),
// the way scenarios and QA send them. It reports authorizations per second.
func BenchmarkCardEventAdminRoute(b *testing.B) {
	f := sims.RunT(b, sims.WithBKJ(bkj.WithManualClearing(true)))
	card, err := f.BKJ.AddCard(bkj.Card{Balance: core.MustDecimal("100000000")})
	if err != nil {
		b.Fatal(err)
	}
	url := f.URL() + "/_mocksrv/tenants/default/bkj/cards/" + card.ID + "/events"
	body := []byte(`{"type":"authorize","amount":"1.25","merchant":{"name":"Bench Cafe"}}`)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		resp, err := http.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			b.Fatal(resp.Status)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "authorizations/s")
}
