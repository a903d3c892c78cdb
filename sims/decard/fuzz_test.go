package decard_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/decard"
)

// checkEnvelope fails unless body is DeCard's envelope with a code, and no
// system error.
func checkEnvelope(t *testing.T, what string, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: HTTP %d: %s", what, rec.Code, rec.Body)
	}
	var env struct {
		Code    *string `json:"code"`
		Success *bool   `json:"success"`
		Message *string `json:"message"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || env.Code == nil || env.Success == nil {
		t.Fatalf("%s: not an envelope: %s", what, rec.Body)
	}
	if !*env.Success && (env.Message == nil || *env.Message == "") {
		t.Fatalf("%s: a failure without a message: %s", what, rec.Body)
	}
	if *env.Code == "DAPI_SYSTEM_ERROR" {
		t.Fatalf("%s: system error: %s", what, rec.Body)
	}
}

// FuzzRequestBodies throws arbitrary bodies at every POST endpoint (auth
// off) and requires DeCard's envelope back: HTTP 200, a code, a message —
// never a panic or a system error. The seed corpus runs as a normal test.
func FuzzRequestBodies(f *testing.F) {
	for _, seed := range []string{
		``, `{}`, `null`, `[]`, `"x"`, `{"page":-1}`, `{"size":"ten"}`, `{"page":"1","size":"100"}`,
		`{"externalUserId":"u","block":true}`, `{"externalUserId":"u","block":"yes"}`, `{"amount":"1e9"}`, `{"amount":1e400}`,
		`{"mobileCode":"SG","mobile":"88998878","behavioral":"REGISTER"}`, `{"mobile":"` + strings.Repeat("9", 500) + `"}`,
		`{"kycInfo":{"poaDocUrlList":null,"poaDocDate":"2025-02-30"}}`, `{"ids":[1,"2",null,{}]}`, "{\"applyRef\":\"\xff\xfe\"}",
		`{"categoryId":1.5,"applyRef":true}`, `{"externalTranId":12345678901,"asset":"USD","amount":"0.00000001"}`,
		`{"eddSowSalary":{"docUrls":[{}]}}`, `{"authType":"EXPEND","amount":"99999999999.99","currency":"usd"}`,
		`{"externalUserId":"u","qrCodeValue":"000201010212","clientIP":"127.0.0.1","amount":1}`, `{"qrCodeValue":"https://","clientIP":"::"}`,
		`{"externalUserId":"u","applePublicCertificates":[null,1],"appleNonce":"=","cardMantissa":"1234"}`,
		`{"externalUserId":"u","clientCustomerId":"c","deviceId":"d","cardId":1}`, `{"userRef":"r","mobilePhone":"1","mobileAreaCode":"CN","email":"a@b"}`,
		`{"externalTranId":"t","externalUserId":"u","amount":0.2,"currency":"USD","payeeBankSwiftBic":"AAAAAA"}`,
		`{"externalUserId":"u","pageSize":"x","vaNumber":"1","cursor":7}`, `{"kybInfo":"acme","categoryId":[]}`,
	} {
		f.Add(0, []byte(seed))
	}
	s, err := decard.New(decard.WithAuth(core.AuthOff))
	if err != nil {
		f.Fatal(err)
	}
	u, err := s.AddUser(decard.NewUser{Balances: map[string]string{"USD": "100"}})
	if err != nil {
		f.Fatal(err)
	}
	if _, err := s.AddCard(decard.NewCard{UserID: u.ID, Mantissa: "1234"}); err != nil {
		f.Fatal(err)
	}
	paths := []string{"/captcha/v1/send-mobile-code", "/account/v1/register", "/account/v1/bind-invite-relationship",
		"/account/v1/update-travel-rule", "/account/v1/generate-file-upload-prepare", "/account/v1/upload-edd-file",
		"/account/v1/update-extra-info", "/redirect/v1/guidance-link", "/redirect/v2/guidance-link", "/card/v1/block", "/card/v2/block",
		"/card/v1/transactions", "/card/v1/transaction/id/resolve", "/card/v1/virtual-card/apply", "/user-asset/v1/transactions",
		"/user-asset/v1/transaction-detail", "/user-asset/v1/credit", "/user-asset/v1/debit", "/crypto/v1/withdraw-apply",
		"/crypto/v1/bank-address", "/simulation/v1/fund-auth", "/simulation/v2/fund-auth", "/simulation/v1/deposit",
		"/simulation/v1/generate-kyc-token", "/card/v1/apple-bind-wallet", "/card/v2/apple-bind-wallet", "/card/v1/google-bind-wallet",
		"/card/v2/google-bind-wallet", "/qrpay/v1/decode", "/qrpay/v1/create", "/qrpay/v1/confirm",
		"/financial-connection/v1/create-user", "/financial-connection/v1/virtual-card/apply", "/financial-connection/v1/payment",
		"/financial-connection/v1/transfer-to-spending", "/financial-connection/v1/withdraw", "/financial-connection/v1/query-tran-list"}
	var calls atomic.Int64
	f.Fuzz(func(t *testing.T, pick int, body []byte) {
		if calls.Add(1)%512 == 0 {
			s.Webhooks.Flush(context.Background()) // no URL: deliveries settle as no_endpoint, keeping the outbox small
		}
		// Half the time, aim the body at the real user so handlers get past the lookup.
		if pick%2 == 0 {
			body = bytes.ReplaceAll(body, []byte(`"u"`), []byte(`"`+u.ID+`"`))
		}
		p := paths[(pick%len(paths)+len(paths))%len(paths)]
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, p, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		s.Handler().ServeHTTP(rec, req)
		checkEnvelope(t, p, rec)
	})
}

// FuzzSignature throws arbitrary X-DAPI headers, queries and bodies at the
// strict signature check: always a DeCard envelope, and a request never
// passes with a signature that is not the documented one (or the decoded
// query's).
func FuzzSignature(f *testing.F) {
	f.Add("mocksrv-decard-key-default", "1767225600000", "12345", "5265ff8ec2ba995434439019f3bf5013d5f75df7e7877fee1f718b27d6b3bec1", "externalUserId=x", "")
	f.Add("", "", "", "", "", "")
	f.Add("k", "-1", "+12345", "ZZ", "a=%zz&b", "{}")
	f.Add("mocksrv-decard-key-default", "99999999999999999999", "00000", strings.Repeat("a", 64), "a=1&a=2&=&&", "")
	f.Add("mocksrv-decard-key-default", "1e12", "1e4", "", "%", "null")
	s, err := decard.New()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, key, ts, nonce, sign, query, body string) {
		method := http.MethodGet
		if body != "" {
			method = http.MethodPost
		}
		target := "/card/v1/detail"
		if method == http.MethodPost {
			target = "/card/v1/block"
		}
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		req.URL.RawQuery = query
		req.RemoteAddr = "127.0.0.1:1234"
		for _, h := range [][2]string{{decard.HeaderAPIKey, key}, {decard.HeaderTimestamp, ts}, {decard.HeaderNonce, nonce}, {decard.HeaderSign, sign}} {
			if strings.ContainsAny(h[1], "\r\n\x00") {
				return // not a valid header value
			}
			req.Header.Set(h[0], h[1])
		}
		s.Handler().ServeHTTP(rec, req)
		checkEnvelope(t, "signature", rec)
		if strings.Contains(rec.Body.String(), `"success":true`) {
			t.Fatalf("a fuzzed signature passed: %q %q %q %q %q %q", key, ts, nonce, sign, query, body)
		}
		payloads := decard.SignedPayloads(method, query, []byte(body))
		if len(payloads) == 0 || (method == http.MethodGet && payloads[0] != query) {
			t.Fatalf("SignedPayloads(%q) = %q", query, payloads)
		}
	})
}

// FuzzQueryDecoding throws arbitrary query strings at every GET endpoint
// (auth off) — paging, dates, ids, repeated and malformed parameters —
// and requires DeCard's envelope back, never a panic or a system error.
func FuzzQueryDecoding(f *testing.F) {
	for _, seed := range []string{
		"", "externalUserId=u", "externalUserId=u&cardMantissa=1234", "externalUserId=u&page=-1&rows=0",
		"externalUserId=u&page=1&rows=100000000000000000000", "externalUserId=u&statementId=NO_POSTED&page=2&rows=10",
		"externalUserId=u&startTime=2026-02-30&endTime=1999-01-01", "externalUserId=u&startTime=%zz", "externalUserId=u&externalUserId=v",
		"externalTranIds=a,b,,c&page=0", "version=-1", "version=99999999999999999999", "chain=TRON&currency=USDT&externalUserId=u",
		"externalUserId=u&applyRef=%00", "externalUserId=u&cardId=1e9", "externalUserId=%E4%B8%AD",
		"externalUserId=u&cursorOrderId=x&limit=0", "userRef=&externalUserId=u", "externalTranId=a&internalTranId=b", "orderId=%ff",
	} {
		for pick := 0; pick < 32; pick += 5 { // each seed on several endpoints
			f.Add(pick+len(seed)%2, seed)
		}
	}
	s, err := decard.New(decard.WithAuth(core.AuthOff))
	if err != nil {
		f.Fatal(err)
	}
	u, err := s.AddUser(decard.NewUser{Balances: map[string]string{"USD": "100"}})
	if err != nil {
		f.Fatal(err)
	}
	if _, err := s.AddCard(decard.NewCard{UserID: u.ID, Mantissa: "1234"}); err != nil {
		f.Fatal(err)
	}
	paths := []string{"/account/v1/kyc-status", "/account/v2/kyc-status", "/account/v1/user-status", "/account/v1/query-travel-rule",
		"/account/v2/query-travel-rule", "/card/v1/list", "/card/v1/detail", "/card/v2/detail", "/card/v1/statements", "/card/v2/statements",
		"/card/v1/statements/detail", "/card/v2/statements/detail", "/card/v1/fiat/transactions", "/card/v1/virtual-card/detail",
		"/card/v1/apply-list", "/card/v1/physical-shipping-info", "/card/v2/physical-shipping-info", "/user-asset/v1/balance",
		"/user-asset/v1/transfer-query", "/crypto/v1/network-coin", "/crypto/v1/deposit-address", "/crypto/v2/deposit-address",
		"/websocket/v1/get-channel", "/websocket/v1/search", "/kyc/v1/detail", "/qrpay/v1/order-list", "/qrpay/v1/order-detail",
		"/financial-connection/v1/query-user-info", "/financial-connection/v1/virtual-card/detail", "/financial-connection/v1/query-payment-info",
		"/financial-connection/v1/query-transfer-info", "/financial-connection/v1/query-withdrawal-info"}
	f.Fuzz(func(t *testing.T, pick int, query string) {
		if pick%2 == 0 { // half the time, name the real user so handlers get past the lookup
			query = strings.ReplaceAll(query, "=u", "="+u.ID)
		}
		p := paths[(pick%len(paths)+len(paths))%len(paths)]
		req := httptest.NewRequest(http.MethodGet, p, nil)
		req.URL.RawQuery = query
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		checkEnvelope(t, p+"?"+query, rec)
	})
}
