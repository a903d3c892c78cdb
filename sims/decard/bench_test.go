package decard_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mocksrv/mocksrv/internal/benchloop"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/decard"
)

// benchServer is a server with one user and card, and a wide timestamp
// window so pre-signed requests stay fresh however long the run.
func benchServer(b *testing.B) (*decard.Server, decard.User, decard.Card) {
	b.Helper()
	s, err := decard.New(decard.WithSeed(1), decard.WithTimestampWindow(time.Hour), decard.WithFundPool("1000000000"),
		decard.WithClock(core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))))
	if err != nil {
		b.Fatal(err)
	}
	u, err := s.AddUser(decard.NewUser{Balances: map[string]string{"USD": "100000000"}})
	if err != nil {
		b.Fatal(err)
	}
	c, err := s.AddCard(decard.NewCard{UserID: u.ID, Mantissa: "1234"})
	if err != nil {
		b.Fatal(err)
	}
	return s, u, c
}

// signed pre-signs n requests with distinct nonces.
func signed(b *testing.B, s *decard.Server, n int, method, path string, params []decard.Param, body []byte) []*http.Request {
	b.Helper()
	c := decard.NewClient("", s.APIKey(), s.Secret())
	seq := 0
	c.Nonce = func() int { seq++; return 10000 + seq%90000 }
	reqs := make([]*http.Request, n)
	for i := range reqs {
		q, h := c.Sign(method, params, body)
		target := path
		if q != "" {
			target += "?" + q
		}
		r := httptest.NewRequest(method, target, bytes.NewReader(body))
		r.Header = h
		r.RemoteAddr = "127.0.0.1:40000"
		reqs[i] = r
	}
	return reqs
}

func serve(b *testing.B, h http.Handler, r *http.Request) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Code != http.StatusOK || !bytes.Contains(rec.Body.Bytes(), []byte(`"success":true`)) {
		b.Fatalf("%s: %d %s", r.URL, rec.Code, rec.Body)
	}
}

// BenchmarkSign is the HMAC of X-DAPI-SIGN alone.
func BenchmarkSign(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = decard.Sign(decard.DefaultAPIKey, decard.DefaultAPISecret, "1767225600000", "12345", "externalUserId=298fe06f-0066-4565-ae20-3697cd9d664e")
	}
}

// BenchmarkSignatureCheck is a signed request through the whole chain
// (journal, faults, auth) to the cheapest endpoint.
func BenchmarkSignatureCheck(b *testing.B) {
	s, _, _ := benchServer(b)
	reqs := signed(b, s, b.N, http.MethodGet, "/card/v1/list", nil, nil)
	h := s.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		serve(b, h, reqs[i])
	}
}

// BenchmarkCardDetail is GET /card/v1/detail with auth and journal on.
func BenchmarkCardDetail(b *testing.B) {
	s, u, _ := benchServer(b)
	reqs := signed(b, s, b.N, http.MethodGet, "/card/v1/detail", decard.Q("externalUserId", u.ID, "cardMantissa", "1234"), nil)
	h := s.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		serve(b, h, reqs[i])
	}
}

// BenchmarkBareHandler is the DESIGN.md baseline: a bare net/http handler
// returning the same bytes as card detail.
func BenchmarkBareHandler(b *testing.B) {
	s, u, _ := benchServer(b)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, signed(b, s, 1, http.MethodGet, "/card/v1/detail", decard.Q("externalUserId", u.ID), nil)[0])
	body := rec.Body.Bytes()
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	reqs := signed(b, s, b.N, http.MethodGet, "/card/v1/detail", decard.Q("externalUserId", u.ID), nil)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		serve(b, h, reqs[i])
	}
}

// BenchmarkCardDetailVsBare is DESIGN.md's budget: card detail (strict
// X-DAPI signature, nonce, journal) in requests per second over loopback
// from 16 clients, against a bare net/http server returning the same
// bytes; sim must serve ≥ 0.6× bare.
func BenchmarkCardDetailVsBare(b *testing.B) {
	s, u, _ := benchServer(b)
	var seq atomic.Int64
	query := "externalUserId=" + u.ID + "&cardMantissa=1234"
	benchloop.VsBare(b, s.Handler(), func(base string, _ int) *http.Request {
		req, _ := http.NewRequest(http.MethodGet, base+"/card/v1/detail?"+query, nil)
		decard.SignRequest(req, nil, s.APIKey(), s.Secret(), core.WallNow(), 10000+int(seq.Add(1)%90000))
		return req
	}, func(body []byte) bool { return bytes.Contains(body, []byte(`"success":true`)) })
}

// BenchmarkStatementPage lists the first page of 10 statement rows of a
// card with 1,000 and 100,000 transactions in the open cycle.
func BenchmarkStatementPage(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			s, u, c := benchServer(b)
			if err := s.SeedTransactions(c.ID, n); err != nil {
				b.Fatal(err)
			}
			reqs := signed(b, s, b.N, http.MethodGet, "/card/v1/statements/detail",
				decard.Q("externalUserId", u.ID, "statementId", "NO_POSTED", "cardMantissa", "1234", "page", "2", "rows", "10"), nil)
			h := s.Handler()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				serve(b, h, reqs[i])
			}
		})
	}
}

// BenchmarkFundAuth is a write: a simulated authorisation that moves the
// wallet, records a statement row and queues pushes.
func BenchmarkFundAuth(b *testing.B) {
	s, u, _ := benchServer(b)
	c := decard.NewClient("", s.APIKey(), s.Secret())
	body, err := c.Body(map[string]any{"externalUserId": u.ID, "cardMantissa": "1234", "authType": "EXPEND", "amount": "1.23", "currency": "USD"})
	if err != nil {
		b.Fatal(err)
	}
	reqs := signed(b, s, b.N, http.MethodPost, "/simulation/v1/fund-auth", nil, body)
	h := s.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%1024 == 1023 {
			b.StopTimer()
			s.Webhooks.Flush(context.Background()) // no URL: keeps the outbox from growing
			b.StartTimer()
		}
		serve(b, h, reqs[i])
	}
}

// BenchmarkCardEvent measures simulated authorisations through the card
// event hook (the admin route's work, without HTTP): authorize alone, and
// the full life of one spend (authorize, partial reversal, clear above,
// refund). DeCard publishes no real-time decision, so there is no decision
// round trip to measure.
func BenchmarkCardEvent(b *testing.B) {
	b.Run("authorize", func(b *testing.B) {
		s, _, c := benchServer(b)
		p := core.ProviderOf(s.Host)
		ev := core.CardEvent{Type: core.EventAuthorize, Amount: "1.25", Currency: "USD", Merchant: core.EventMerchant{Name: "Bench"}}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := p.CardEvent(core.DefaultTenant, c.ID, ev); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "auths/s")
	})
	b.Run("lifecycle", func(b *testing.B) {
		s, _, c := benchServer(b)
		p := core.ProviderOf(s.Host)
		b.ReportAllocs()
		for b.Loop() {
			v, err := p.CardEvent(core.DefaultTenant, c.ID, core.CardEvent{Type: core.EventAuthorize, Amount: "10", Currency: "SGD"})
			if err != nil {
				b.Fatal(err)
			}
			raw, _ := json.Marshal(v)
			var a eventAnswer
			if err := json.Unmarshal(raw, &a); err != nil || a.Transaction == nil {
				b.Fatalf("%s", raw)
			}
			id := a.Transaction.PostedTransactionID
			for _, ev := range []core.CardEvent{{Type: core.EventReverse, Transaction: id, Amount: "2"}, {Type: core.EventClear, Transaction: id, Amount: "9"},
				{Type: core.EventRefund, Transaction: id, Amount: "3"}} {
				if _, err := p.CardEvent(core.DefaultTenant, c.ID, ev); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lifecycles/s")
	})
}
