package uqpay_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// TestQuirks pins every "Quirk:" comment of the package: the oddities
// clients depend on.
func TestQuirks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	h := f.holder("quirk@example.com")
	card := f.card(h, uqpay.ProductSingle, 25)
	share := f.card(h, uqpay.ProductShare, 0)
	_, err := f.sdk.UpdateCard(f.ctx, card, &CardUpdateRequest{SpendingControls: []SpendingControl{{Amount: "20", Interval: "DAILY"}}})
	require.NoError(t, err)
	a, err := f.sdk.SimulateAuthorization(f.ctx, auth(card, 7.5, "Quirk Shop"))
	require.NoError(t, err)
	evs := f.events()
	raw := func(path string) map[string]any {
		t.Helper()
		status, b := f.get(path)
		require.Equal(t, http.StatusOK, status, "%s", b)
		return decodeJSON[map[string]any](t, b)
	}
	data := func(e *Event) map[string]any {
		var d map[string]any
		require.NoError(t, json.Unmarshal(e.Data, &d))
		return d
	}

	t.Run("bearer prefix with one space in x-auth-token", func(t *testing.T) {
		tok, err := f.sdk.GetToken(f.ctx)
		require.NoError(t, err)
		for _, h := range []http.Header{{"Authorization": {"Bearer " + tok}}, {"X-Auth-Token": {tok}}, {"X-Auth-Token": {"Bearer" + tok}}} {
			status, _ := f.raw(http.MethodGet, "/api/v1/issuing/balances", nil, h)
			assert.Equal(t, http.StatusUnauthorized, status)
		}
		status, _ := f.raw(http.MethodGet, "/api/v1/issuing/balances", nil, http.Header{"X-Auth-Token": {"Bearer " + tok}})
		assert.Equal(t, http.StatusOK, status)
	})
	t.Run("expired_at is unix seconds", func(t *testing.T) {
		status, b := f.raw(http.MethodPost, "/api/v1/connect/token", nil,
			http.Header{"X-Client-Id": {uqpay.DefaultClientID}, "X-Api-Key": {uqpay.DefaultAPIKey}})
		require.Equal(t, http.StatusOK, status)
		assert.Regexp(t, `"expired_at":1[0-9]{9}}$`, string(b), "ten digits: seconds")
	})
	t.Run("unknown client id is a 400, a wrong key a 401", func(t *testing.T) {
		status, _ := f.raw(http.MethodPost, "/api/v1/connect/token", nil, http.Header{"X-Client-Id": {"nobody"}, "X-Api-Key": {"x"}})
		assert.Equal(t, http.StatusBadRequest, status)
		status, _ = f.raw(http.MethodPost, "/api/v1/connect/token", nil, http.Header{"X-Client-Id": {uqpay.DefaultClientID}, "X-Api-Key": {"x"}})
		assert.Equal(t, http.StatusUnauthorized, status)
	})
	t.Run("transfer status is lowercase", func(t *testing.T) {
		sub, err := f.s.AddSubAccount("Quirk")
		require.NoError(t, err)
		tr, err := f.sdk.CreateTransfer(f.ctx, &CreateTransferRequest{SourceAccountID: f.s.MasterAccountID(), DestinationAccountID: sub.ID,
			Currency: "USD", Amount: 1})
		require.NoError(t, err)
		assert.Equal(t, "completed", raw("/api/v1/issuing/transfers/" + tr.TransferID)["transfer_status"])
	})
	t.Run("balance amounts are strings", func(t *testing.T) {
		b := raw("/api/v1/issuing/balances")["data"].([]any)[0].(map[string]any)
		assert.IsType(t, "", b["available_balance"])
		assert.IsType(t, "", b["frozen_balance"])
		assert.IsType(t, "", b["margin_balance"])
	})
	t.Run("rest masks the bin, webhooks keep it", func(t *testing.T) {
		c, _ := f.s.Card(card)
		assert.Equal(t, "************"+c.PAN[12:], raw("/api/v1/issuing/cards/" + card)["card_number"])
		d := data(byType(evs, "card.create.succeeded")[0])
		assert.Regexp(t, `^\d{8}\*{4}\d{4}$`, d["card_number"])
	})
	t.Run("card amounts are strings but card_limit is a number", func(t *testing.T) {
		c := raw("/api/v1/issuing/cards/" + card)
		assert.IsType(t, json.Number(""), jsonNumberOf(t, f, "/api/v1/issuing/cards/"+card, "card_limit"))
		assert.Equal(t, "17.50", c["available_balance"])
		assert.Equal(t, "7.50", c["consumed_amount"])
		assert.Equal(t, "20.00", c["spending_controls"].([]any)[0].(map[string]any)["amount"])
		assert.Equal(t, "2000USD", c["no_pin_payment_amount"], "the currency rides along in answers")
	})
	t.Run("order retrieval takes the order id", func(t *testing.T) {
		c, _ := f.s.Card(card)
		assert.Equal(t, "CARD_CREATE", raw("/api/v1/issuing/cards/" + c.OrderID + "/order")["order_type"])
		status, _ := f.get("/api/v1/issuing/cards/" + card + "/order")
		assert.Equal(t, http.StatusBadRequest, status)
	})
	t.Run("cardholder create_time has a space in rest and a zone in webhooks", func(t *testing.T) {
		assert.Equal(t, "2026-01-01 08:00:00", raw("/api/v1/issuing/cardholders/" + h)["create_time"])
		d := data(byType(evs, "card.create.succeeded")[0])
		assert.Equal(t, "2026-01-01T08:00:00+08:00", d["cardholder"].(map[string]any)["create_time"])
	})
	t.Run("errors are a status and type code message, and not found is 400", func(t *testing.T) {
		status, b := f.get("/api/v1/issuing/cards/c0cef051-29c5-4796-b86a-cd5b684bfad7")
		assert.Equal(t, http.StatusBadRequest, status)
		assert.JSONEq(t, `{"type":"card_error","code":"card_not_found","message":"card c0cef051-29c5-4796-b86a-cd5b684bfad7 not found or deactivated"}`, string(b))
	})
	t.Run("pages are one-based, 10 to 100, and zero means the default", func(t *testing.T) {
		assert.Equal(t, float64(1), raw("/api/v1/issuing/cards?page_size=0&page_number=0")["total_pages"])
		status, _ := f.get("/api/v1/issuing/cards?page_size=9")
		assert.Equal(t, http.StatusBadRequest, status)
		first := raw("/api/v1/issuing/cards?page_size=10&page_number=1")["data"].([]any)
		assert.Len(t, first, 2, "page 1 is the first page")
	})
	t.Run("card does not exists", func(t *testing.T) {
		status, b := f.post("/api/v1/simulation/issuing/authorization", map[string]any{"card_id": "nope", "transaction_amount": 1,
			"transaction_currency": "USD", "merchant_name": "x", "merchant_category_code": "5734"})
		require.Equal(t, http.StatusBadRequest, status)
		assert.Equal(t, "Card does not exists", errBody(t, b).Message)
	})
	t.Run("transaction amounts and authorization code are strings", func(t *testing.T) {
		x := raw("/api/v1/issuing/transactions/" + a.TransactionID)
		for _, k := range []string{"transaction_amount", "billing_amount", "transaction_fee", "card_available_balance", "authorization_code"} {
			assert.IsType(t, "", x[k], k)
		}
		assert.IsType(t, map[string]any{}, x["merchant_data"], "an object in REST")
	})
	t.Run("simulator amounts are numbers", func(t *testing.T) {
		status, b := f.post("/api/v1/simulation/issuing/authorization", map[string]any{"card_id": share, "transaction_amount": 1,
			"transaction_currency": "USD", "merchant_name": "x", "merchant_category_code": "5734"})
		require.Equal(t, http.StatusOK, status)
		assert.Regexp(t, regexp.MustCompile(`"transaction_amount":1[,}]`), string(b))
		assert.Regexp(t, regexp.MustCompile(`"billing_amount":1[,}]`), string(b))
		assert.Regexp(t, regexp.MustCompile(`"authorization_code":"\d{6}"`), string(b))
	})
	t.Run("webhook risk_control is singular", func(t *testing.T) {
		d := data(byType(evs, "card.create.succeeded")[0])
		assert.Contains(t, d, "risk_control")
		assert.NotContains(t, d, "risk_controls")
	})
	t.Run("create webhook says spending_limits and update says spending_controls", func(t *testing.T) {
		assert.Contains(t, data(byType(evs, "card.create.succeeded")[0]), "spending_limits")
		assert.Contains(t, data(byType(evs, "card.update.succeeded")[0]), "spending_controls")
	})
	t.Run("card update webhook order_status is lowercase", func(t *testing.T) {
		assert.Equal(t, "success", data(byType(evs, "card.update.succeeded")[0])["order_status"])
	})
	t.Run("webhook merchant_data is an array", func(t *testing.T) {
		d := data(byType(evs, "issuing.transaction.authorization")[0])
		md := d["merchant_data"].([]any)
		assert.Equal(t, "Quirk Shop", md[0].(map[string]any)["name"])
		assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$`, d["posted_time"], "with milliseconds")
	})
}

// jsonNumberOf returns one top-level field as decoded with UseNumber.
func jsonNumberOf(t *testing.T, f *fixture, path, field string) any {
	t.Helper()
	status, b := f.get(path)
	require.Equal(t, http.StatusOK, status)
	dec := json.NewDecoder(bytesReader(b))
	dec.UseNumber()
	var m map[string]any
	require.NoError(t, dec.Decode(&m))
	return m[field]
}
