package uqpay_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// BenchmarkGenerateDecisionKey is what one RSA 2048 key pair with its
// encryption subkey costs: why a tenant's key is made on first need, not
// with every tenant.
func BenchmarkGenerateDecisionKey(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, _, err := uqpay.GenerateDecisionKey("bench", "bench@mocksrv.test"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecisionRoundTrip authorizes through the simulator over
// loopback, without a decision endpoint and with a local one (the
// package's decider: decrypt, decide 00, encrypt): the difference is the
// decision round trip — encrypt, POST, the endpoint's decrypt and
// encrypt, decrypt the answer.
func BenchmarkDecisionRoundTrip(b *testing.B) {
	k := keys()
	for _, withEndpoint := range []bool{false, true} {
		name := "no-endpoint"
		var opts []uqpay.Option
		if withEndpoint {
			name = "local-endpoint"
			d := newDecider(b, k.ownPub)
			opts = []uqpay.Option{uqpay.WithDecisionKey(k.ownPriv), uqpay.WithDecisionEndpoint(d.srv.URL, k.clientPub)}
		}
		b.Run(name, func(b *testing.B) {
			bs, card := newBench(b, 1, opts...)
			body := fmt.Sprintf(`{"card_id":%q,"transaction_amount":0.01,"transaction_currency":"USD","merchant_name":"Bench","merchant_category_code":"5734"}`, card.ID)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				bs.do(b, http.MethodPost, "/api/v1/simulation/issuing/authorization", body)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/auth")
		})
	}
}

// BenchmarkDecisionThroughput is simulated authorizations per second with
// a local decision endpoint, from parallel clients on one card.
func BenchmarkDecisionThroughput(b *testing.B) {
	k := keys()
	d := newDecider(b, k.ownPub)
	bs, card := newBench(b, 1, uqpay.WithDecisionKey(k.ownPriv), uqpay.WithDecisionEndpoint(d.srv.URL, k.clientPub))
	tr := bs.hc.Transport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64 // one kept-alive connection per client
	bs.hc = &http.Client{Transport: tr}
	body := fmt.Sprintf(`{"card_id":%q,"transaction_amount":0.01,"transaction_currency":"USD","merchant_name":"Bench","merchant_category_code":"5734"}`, card.ID)
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			bs.do(b, http.MethodPost, "/api/v1/simulation/issuing/authorization", body)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "auths/s")
}
