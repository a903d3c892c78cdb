package uqpay_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// postPaths are every POST endpoint but the token's; {id} is replaced by a
// real card.
var postPaths = []string{
	"/issuing/cardholders", "/issuing/cardholders/{holder}", "/issuing/cards", "/issuing/cards/{id}",
	"/issuing/cards/{id}/status", "/issuing/cards/{id}/recharge", "/issuing/cards/{id}/withdraw", "/issuing/cards/activate",
	"/issuing/cards/pin", "/issuing/cards/manage/pin", "/issuing/cards/assign", "/issuing/cards/{id}/token",
	"/issuing/cards/{id}/elevate_limit", "/issuing/cards/{id}/risk", "/issuing/cards/arts/default",
	"/issuing/transactions/unsolicited_refund/release", "/issuing/balances", "/issuing/transfers", "/issuing/reports",
	"/simulation/issuing/authorization", "/simulation/issuing/reversal",
}

// checkEnvelope fails unless an answer is UQPay's: below 500, JSON, and for
// errors a type, a code and a message.
func checkEnvelope(t *testing.T, what string, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code >= 500 {
		t.Fatalf("%s: HTTP %d: %s", what, rec.Code, rec.Body)
	}
	if rec.Code < 400 {
		if !json.Valid(rec.Body.Bytes()) && !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
			t.Fatalf("%s: %d with a body that is not JSON: %q", what, rec.Code, rec.Body)
		}
		return
	}
	var e struct {
		Type, Code, Message string
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Type == "" || e.Code == "" || e.Message == "" {
		t.Fatalf("%s: %d is not UQPay's error envelope: %s", what, rec.Code, rec.Body)
	}
}

// FuzzRequestBodies throws arbitrary bodies at every POST endpoint (auth
// off) and requires UQPay's answer back — never a panic or a 5xx. The seed
// corpus runs as a normal test.
func FuzzRequestBodies(f *testing.F) {
	for i, seed := range []string{
		``, `{}`, `null`, `[]`, `"x"`, `{"amount":-1}`, `{"amount":"1e9"}`, `{"amount":"NaN"}`, `{"amount":1.005}`,
		`{"card_limit":{"a":1}}`, `{"metadata":"{}"}`, `{"metadata":[1]}`, `{"spending_controls":[{"amount":null}]}`,
		`{"card_status":"CANCELLED","update_reason":null}`, `{"cardholder_id":"x","card_product_id":"3bd1656b-e691-4aab-a76a-3ead39e7a6f6","card_currency":"USD","card_limit":"99999999999999"}`,
		`{"email":"a@b.co","phone_number":"12345","first_name":"A","last_name":"B","country_code":"SG","document_type":"pdf","document":"===="}`,
		`{"card_id":"x","transaction_amount":1,"transaction_currency":"USD","merchant_name":"m","merchant_category_code":{"x":1}}`,
		`{"source_account_id":"a","destination_account_id":"b","currency":"USD","amount":"0.001"}`,
		"{\"card_number\":\"\xff\xfe\"}", `{"expiry_at":"9999-99-99T99:99:99Z","usage_type":"ONE_TIME","auto_cancel_trigger":"ON_AUTH"}`,
		`{"report_type":"LEDGER","start_time":"2026-01-01","end_time":"2025-01-01"}`, `{"limit_amount":1e400}`,
	} {
		f.Add(uint8(i), []byte(seed))
	}
	s, err := uqpay.New(uqpay.WithAuth(core.AuthOff), uqpay.WithIssueDelay(0), uqpay.WithOrderDelay(0))
	if err != nil {
		f.Fatal(err)
	}
	card, err := s.AddCard(uqpay.Card{Balance: core.MustDecimal("100")})
	if err != nil {
		f.Fatal(err)
	}
	holder := card.CardholderID
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		path := strings.NewReplacer("{id}", card.ID, "{holder}", holder).Replace(postPaths[int(which)%len(postPaths)])
		req := httptest.NewRequest(http.MethodPost, uqpay.BasePath+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("x-idempotency-key", uqpay.NewIdempotencyKey())
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		checkEnvelope(t, path, rec)
		s.Webhooks.Flush(context.Background()) // as the binary's outbox loop does: no URL, so they park
	})
}

// FuzzAuthHeader sends arbitrary x-auth-token and x-on-behalf-of values and
// requires a 401 (or a sub-account error) whose message says what is wrong.
func FuzzAuthHeader(f *testing.F) {
	for _, seed := range []string{"", "Bearer", "Bearer ", "Bearer  x", "bearer x", "BEARER x", "Bearerx", "x.y.z",
		"Bearer a.b.c", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x", "Bearer eyJ9.eyJ9.eyJ9", "Bearer ....", "Bearer \x00", "Bearer \u00e9"} {
		f.Add(seed, "")
		f.Add(seed, "18523f72-f4de-4f9c-bb8e-ec7d1c4f32be")
	}
	s, err := uqpay.New()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, token, onBehalf string) {
		req := httptest.NewRequest(http.MethodGet, uqpay.BasePath+"/issuing/balances", nil)
		req.Header["X-Auth-Token"] = []string{token}
		req.Header["X-On-Behalf-Of"] = []string{onBehalf}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		checkEnvelope(t, "auth", rec)
		if rec.Code != http.StatusUnauthorized {
			t.Fatalf("token %q: HTTP %d, want 401: %s", token, rec.Code, rec.Body)
		}
	})
}

// FuzzListQuery sends arbitrary query strings to the list endpoints.
func FuzzListQuery(f *testing.F) {
	for _, seed := range []string{"", "page_size=0&page_number=0", "page_size=-1", "page_size=1000000000000000000000",
		"page_number=99999999", "start_time=2026-01-01&end_time=2026-01-01", "start_time=%ZZ", "card_status=ACTIVE&card_number=4",
		"start_time=2026-01-01T00:00:00 08:00", "transaction_type=DEPOSIT", "cardholder_status=X", "display_name=%00"} {
		f.Add(uint8(0), seed)
		f.Add(uint8(3), seed)
	}
	lists := []string{"/issuing/cards", "/issuing/cardholders", "/issuing/transactions", "/issuing/balances/transactions",
		"/issuing/products", "/issuing/balances", "/issuing/merchant_brands", "/issuing/cards/arts"}
	s, err := uqpay.New(uqpay.WithAuth(core.AuthOff))
	if err != nil {
		f.Fatal(err)
	}
	if _, err := s.AddCard(uqpay.Card{}); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, which uint8, query string) {
		req := httptest.NewRequest(http.MethodGet, uqpay.BasePath+lists[int(which)%len(lists)], nil)
		req.URL.RawQuery = query
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		checkEnvelope(t, query, rec)
	})
}

// FuzzTokenCreate sends arbitrary x-client-id and x-api-key headers to
// POST /connect/token (strict auth, no rate limit): a token exactly when
// both are the tenant's, and otherwise a 4xx in UQPay's envelope — never
// a panic or a 5xx.
func FuzzTokenCreate(f *testing.F) {
	for _, seed := range [][2]string{{uqpay.DefaultClientID, uqpay.DefaultAPIKey}, {uqpay.DefaultClientID, ""}, {"", uqpay.DefaultAPIKey},
		{uqpay.DefaultClientID, uqpay.DefaultAPIKey + " "}, {" " + uqpay.DefaultClientID, uqpay.DefaultAPIKey}, {"x", "y"},
		{uqpay.DefaultClientID, strings.ToUpper(uqpay.DefaultAPIKey)}, {"\u00e9", "\xff"}} {
		f.Add(seed[0], seed[1])
	}
	s, err := uqpay.New(uqpay.WithTokenRateLimit(0))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, clientID, apiKey string) {
		if strings.ContainsAny(clientID+apiKey, "\r\n\x00") {
			return // not a header value net/http would deliver
		}
		req := httptest.NewRequest(http.MethodPost, uqpay.BasePath+"/connect/token", nil)
		req.RemoteAddr = "127.0.0.1:40000"
		req.Header["X-Client-Id"] = []string{clientID}
		req.Header["X-Api-Key"] = []string{apiKey}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		checkEnvelope(t, "token", rec)
		valid := clientID == uqpay.DefaultClientID && apiKey == uqpay.DefaultAPIKey
		if got := rec.Code == http.StatusOK && strings.Contains(rec.Body.String(), `"auth_token"`); got != valid {
			t.Fatalf("client %q key %q: HTTP %d %s", clientID, apiKey, rec.Code, rec.Body)
		}
	})
}
