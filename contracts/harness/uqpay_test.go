package harness_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts/harness"
	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

func uqpayCreds() map[string]string {
	return map[string]string{"client_id": uqpay.DefaultClientID, "api_key": uqpay.DefaultAPIKey, "webhook_secret": uqpay.DefaultWebhookSecret}
}

// uqpayReceiver is a webhook endpoint that answers 200, so deliveries
// carry attempts with their signature headers.
func uqpayReceiver(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestUQPayConversationAgainstMocksrv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		writes       bool
		wantTouched  int
		wantCodes    []string
		wantWebhooks []string
	}{
		{name: "read only", wantTouched: 16,
			wantCodes: []string{"unauthorized_error", "invalid_request_error", "card_not_found", "sub_account_not_found",
				"idempotency_key_missing", "idempotency_key_invalid", "cardholder_not_found", "transaction_not_found", "transfer_not_found"},
			wantWebhooks: []string{"issuing.transaction.authorization"}},
		{name: "with writes", writes: true, wantTouched: 28,
			wantCodes: []string{"idempotency_key_reused", "cardholder_email_exists", "cardholder_name_immutable", "product_not_found",
				"insufficient_balance", "kyc_insufficient"},
			wantWebhooks: []string{"card.create.succeeded", "card.update.succeeded", "card.recharge.succeeded", "card.withdraw.succeeded",
				"card.status.update.succeeded", "issuing.transaction.authorization", "issuing.transaction.reversal",
				"deposit.pending", "deposit.completed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := sims.RunT(t)
			f.Webhooks.SetURL("default", "uqpay", uqpayReceiver(t))
			var log bytes.Buffer
			rep, err := harness.Test(context.Background(), harness.TestOptions{Provider: "uqpay", BaseURL: f.URL(),
				Credentials: uqpayCreds(), AllowWrites: tt.writes, Log: &log})
			require.NoError(t, err)
			var text bytes.Buffer
			rep.WriteText(&text)
			require.True(t, rep.OK(), "%s\n%s", text.String(), log.String())
			_, _, skipped := rep.Counts()
			assert.Zero(t, skipped, "on a mocksrv every step has what it needs\n%s", log.String())
			assert.GreaterOrEqual(t, rep.Coverage.Touched, tt.wantTouched, text.String())
			for _, code := range tt.wantCodes {
				assert.Contains(t, rep.Coverage.ErrorCodesSeen, code)
			}
			for _, ev := range tt.wantWebhooks {
				assert.Contains(t, rep.Coverage.Webhooks, ev, "webhooks are checked against their event's contract")
			}
			assert.Contains(t, log.String(), "token.create", "the token is fetched the UQPay way")
			if tt.writes {
				f.UQPay.CheckLedger(t)
			}
		})
	}
}

func TestUQPayConversationVerifiesWebhookSignatures(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	f.Webhooks.SetURL("default", "uqpay", uqpayReceiver(t))
	creds := uqpayCreds()
	creds["webhook_secret"] = "not-the-secret"
	rep, err := harness.Test(context.Background(), harness.TestOptions{Provider: "uqpay", BaseURL: f.URL(), Credentials: creds})
	require.NoError(t, err)
	assert.False(t, rep.OK(), "a webhook signed with another secret fails its step")
	found := false
	for _, r := range rep.Results {
		if r.Webhook && strings.Contains(r.Error, "x-wk-signature") {
			found = true
		}
	}
	assert.True(t, found)
}

func TestUQPayConversationReadOnlyWithoutTheAdminAPI(t *testing.T) {
	t.Parallel()
	// A real sandbox has no admin API: hide mocksrv's, so nothing is seeded
	// and a read-only run must create nothing through the provider API.
	f := sims.RunT(t)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/_mocksrv/") {
			http.NotFound(w, r)
			return
		}
		f.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	var log bytes.Buffer
	rep, err := harness.Test(context.Background(), harness.TestOptions{Provider: "uqpay", BaseURL: front.URL, Credentials: uqpayCreds(), Log: &log})
	require.NoError(t, err)
	var text bytes.Buffer
	rep.WriteText(&text)
	assert.True(t, rep.OK(), text.String())
	skipped := map[string]string{}
	for _, r := range rep.Results {
		if r.Skipped != "" {
			skipped[r.Operation] = r.Skipped
		}
	}
	assert.Contains(t, skipped["card.retrieve"], "no card")
	assert.Contains(t, skipped["card_order.retrieve"], "--allow-writes")
	assert.Empty(t, f.UQPay.Cards(), "a read-only run creates nothing")
	assert.NotContains(t, log.String(), "cardholder.create")
}

func TestUQPayConversationStopsOnBadCredentials(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	creds := uqpayCreds()
	creds["api_key"] = "wrong"
	rep, err := harness.Test(context.Background(), harness.TestOptions{Provider: "uqpay", BaseURL: f.URL(), Credentials: creds})
	require.NoError(t, err)
	assert.False(t, rep.OK())
	last := rep.Results[len(rep.Results)-1]
	assert.Contains(t, last.Error, "check the credentials")

	rep, err = harness.Test(context.Background(), harness.TestOptions{Provider: "uqpay", BaseURL: f.URL(), Credentials: map[string]string{"api_key": "k"}})
	require.NoError(t, err)
	assert.False(t, rep.OK())
	assert.Contains(t, rep.Results[len(rep.Results)-1].Error, "client_id and api_key")
}

// uqpayDriftedCardList is a UQPay card list whose one card has four kinds
// of drift: an extra field, a wrong type, a missing required field and an
// undocumented enum value.
const uqpayDriftedCardList = `{"total_pages":1,"total_items":1,"data":[{"card_id":"0c9e2f5a-8d1b-4c77-9f0e-1a2b3c4d5e6f",
"card_bin":"40963608","card_scheme":"VISA","card_number":"************1234","form_factor":"VIRTUAL","mode_type":"SINGLE",
"card_limit":"lots","available_balance":"10.00","card_status":"MELTED","card_currency":"USD",
"card_product_id":"5f0c2d1e-3b4a-4c5d-8e6f-7a8b9c0d1e2f","consumed_amount":"0.00","nickname":"x"}]}`

// wrongUQPay issues tokens, answers the card list with body, and answers
// everything else 200 with an empty list — provoked errors included.
func wrongUQPay(t *testing.T, cardList string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/api/v1/connect/token":
			_, _ = io.WriteString(w, `{"auth_token":"eyJhbGciOiJIUzI1NiJ9.e30.c2ln","expired_at":1757449854}`)
		case r.URL.Path == "/api/v1/issuing/cards" && r.Method == http.MethodGet:
			_, _ = io.WriteString(w, cardList)
		default:
			_, _ = io.WriteString(w, `{"total_pages":0,"total_items":0,"data":[]}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestUQPayConversationFailsAServerThatAnswersWrongly(t *testing.T) {
	t.Parallel()
	rep, err := harness.Test(context.Background(), harness.TestOptions{Provider: "uqpay", BaseURL: wrongUQPay(t, uqpayDriftedCardList).URL,
		Credentials: uqpayCreds()})
	require.NoError(t, err)
	assert.False(t, rep.OK())
	for _, want := range []struct{ pointer, keyword string }{
		{"/data/0/card_limit", "type"}, {"/data/0/card_status", "enum"}, {"/data/0", "required"}, {"/data/0/nickname", "unevaluatedProperties"},
	} {
		assert.True(t, violation(rep, want.pointer, want.keyword), "%s at %s", want.keyword, want.pointer)
	}
	var errs []string
	for _, r := range rep.Results {
		errs = append(errs, r.Error)
	}
	all := strings.Join(errs, "\n")
	for _, code := range []string{"unauthorized_error", "invalid_request_error", "card_not_found", "sub_account_not_found"} {
		assert.Contains(t, all, "expected error "+code, "a provoked %s that comes back as success fails its step", code)
	}
	kinds := map[string]bool{}
	for _, d := range rep.Drift {
		kinds[d.Kind+" "+d.Pointer] = true
	}
	assert.True(t, kinds["unknown-field /data/*/nickname"], "%v", kinds)
	assert.True(t, kinds["type-differs /data/*/card_limit"], "%v", kinds)
	assert.True(t, kinds["undocumented-value /data/*/card_status"], "%v", kinds)
}

// TestProxyChecksAUQPayClient puts the proxy between a client that breaks
// UQPay's rules and an upstream serving a drifted card list: the client's
// parameters, headers and body and the upstream's drift are each caught
// with their pointer and rule, live and again from the HAR recording.
func TestProxyChecksAUQPayClient(t *testing.T) {
	t.Parallel()
	var live bytes.Buffer
	p, err := harness.NewProxy(harness.ProxyOptions{Provider: "uqpay", Upstream: wrongUQPay(t, uqpayDriftedCardList).URL, Live: &live, Record: true})
	require.NoError(t, err)
	front := httptest.NewServer(p)
	t.Cleanup(front.Close)

	list, err := http.NewRequest(http.MethodGet, front.URL+"/api/v1/issuing/cards?page_size=500", nil)
	require.NoError(t, err)
	list.Header.Set("x-auth-token", "eyJhbGciOiJIUzI1NiJ9.e30.c2ln") // no "Bearer "
	create, err := http.NewRequest(http.MethodPost, front.URL+"/api/v1/issuing/cards", strings.NewReader(`{"card_product_id":"p","usage_type":"SOMETIMES"}`))
	require.NoError(t, err)
	create.Header.Set("x-auth-token", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln")
	create.Header.Set("x-idempotency-key", "not-a-uuid")
	for _, req := range []*http.Request{list, create} {
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}

	rep := p.Report()
	assert.False(t, rep.OK())
	for _, want := range []struct{ pointer, keyword string }{
		{"(query) page_size", "parameter"}, {"(header) x-auth-token", "parameter"}, {"(header) x-idempotency-key", "parameter"},
		{"", "required"}, {"/usage_type", "enum"},
		{"/data/0/card_limit", "type"}, {"/data/0/card_status", "enum"}, {"/data/0", "required"}, {"/data/0/nickname", "unevaluatedProperties"},
	} {
		assert.True(t, violation(rep, want.pointer, want.keyword), "%s at %q\n%s", want.keyword, want.pointer, live.String())
	}
	assert.Contains(t, live.String(), "FAIL GET /api/v1/issuing/cards")

	har := filepath.Join(t.TempDir(), "uqpay.har")
	require.NoError(t, harness.WriteHAR(har, p.HAR()))
	raw, err := os.ReadFile(har)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), "eyJhbGciOiJIUzI1NiJ9.e30.c2ln", "tokens are redacted from recordings")
	again, err := harness.CheckFiles(harness.CheckOptions{Provider: "uqpay"}, har)
	require.NoError(t, err)
	assert.False(t, again.OK())
	assert.True(t, violation(again, "/usage_type", "enum"), "the client's body, from the recording")
	assert.True(t, violation(again, "/data/0/card_status", "enum"), "the upstream's drift, from the recording")
}

// TestUQPayUnknownFieldsFailOnlyWhenStrict runs the conversation against a
// mocksrv whose product list carries one field the contract does not
// declare: reported as drift, failing only with Strict.
func TestUQPayUnknownFieldsFailOnlyWhenStrict(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/issuing/products" {
			f.Handler().ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		f.Handler().ServeHTTP(rec, r)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(rec.Code)
		_, _ = io.WriteString(w, strings.Replace(rec.Body.String(), `{"total_pages"`, `{"next_cursor":"abc","total_pages"`, 1))
	}))
	t.Cleanup(front.Close)
	for _, strict := range []bool{false, true} {
		rep, err := harness.Test(context.Background(), harness.TestOptions{Provider: "uqpay", BaseURL: front.URL, Credentials: uqpayCreds(), Strict: strict})
		require.NoError(t, err)
		assert.Equal(t, !strict, rep.OK(), "strict=%v", strict)
		assert.True(t, violation(rep, "/next_cursor", "unevaluatedProperties"))
		found := false
		for _, d := range rep.Drift {
			found = found || d.Kind == "unknown-field" && d.Pointer == "/next_cursor" && d.Schema == "uqpay/product_list.response.json"
		}
		assert.True(t, found, "%+v", rep.Drift)
	}
}

// TestProxyPassesAConformingUQPayClient sends a well-behaved client's
// calls — the UQPay client the SDK's way — through the proxy to a mocksrv:
// nothing about the requests or the answers is flagged.
func TestProxyPassesAConformingUQPayClient(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	p, err := harness.NewProxy(harness.ProxyOptions{Provider: "uqpay", Upstream: f.URL(), Record: true})
	require.NoError(t, err)
	front := httptest.NewServer(p)
	t.Cleanup(front.Close)
	cl := uqpay.NewClient(front.URL, uqpay.DefaultClientID, uqpay.DefaultAPIKey)
	ctx := context.Background()
	do := func(method, path string, body any) map[string]any {
		t.Helper()
		resp, err := cl.Do(ctx, method, path, body)
		require.NoError(t, err)
		require.True(t, resp.OK(), "%s %s: %d %s", method, path, resp.Status, resp.Body)
		var m map[string]any
		require.NoError(t, resp.Decode(&m))
		return m
	}
	do(http.MethodGet, "/v1/issuing/products?page_size=10&page_number=1", nil)
	h := do(http.MethodPost, "/v1/issuing/cardholders", map[string]any{"email": "proxy@example.com", "phone_number": "81234567",
		"first_name": "Proxy", "last_name": "Client", "country_code": "SG"})
	c := do(http.MethodPost, "/v1/issuing/cards", map[string]any{"cardholder_id": h["cardholder_id"], "card_product_id": uqpay.ProductSingle,
		"card_currency": "USD", "card_limit": 10})
	do(http.MethodGet, "/v1/issuing/cards/"+c["card_id"].(string), nil)

	rep := p.Report()
	var text bytes.Buffer
	rep.WriteText(&text)
	assert.True(t, rep.OK(), text.String())
	assert.Equal(t, 5, rep.Coverage.Touched, "token.create, product.list, cardholder.create, card.create, card.retrieve\n%s", text.String())
	passed, failed, _ := rep.Counts()
	assert.Zero(t, failed)
	assert.GreaterOrEqual(t, passed, 7, "two request bodies and five answers")
}
