package uqpay_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// TestIdempotencyKeysFollowTheOneRule pins issue 13's idempotency rule on
// UQPay's x-idempotency-key, route by route: the same request again —
// compared as JSON values, so re-indented, with its keys reordered or a
// number spelt otherwise — answers the first answer byte for byte and
// creates nothing; a different request under the same key is 400
// idempotency_error idempotency_key_reused naming the key and the first
// field that differs.
func TestIdempotencyKeysFollowTheOneRule(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	holder := f.holder("idem@example.com")
	single := f.card(holder, uqpay.ProductSingle, 100)
	share := f.card(holder, uqpay.ProductShare, 0)

	tests := []struct {
		name, path         string
		first, same, other string
		differs            string
	}{
		{"cardholder create", "/api/v1/issuing/cardholders",
			`{"email":"ann@example.com","phone_number":"81112222","first_name":"Ann","last_name":"Lee","country_code":"SG"}`,
			"{\n  \"country_code\": \"SG\",\n  \"last_name\": \"Lee\",\n  \"first_name\": \"Ann\",\n  \"phone_number\": \"81112222\",\n  \"email\": \"ann@example.com\"\n}",
			`{"email":"ann@example.com","phone_number":"81112222","first_name":"Anne","last_name":"Lee","country_code":"SG"}`,
			"first_name"},
		{"card create", "/api/v1/issuing/cards",
			`{"cardholder_id":"` + holder + `","card_product_id":"` + uqpay.ProductSingle + `","card_currency":"USD","card_limit":25.5}`,
			`{ "card_limit": 25.50, "card_currency": "USD", "card_product_id": "` + uqpay.ProductSingle + `", "cardholder_id": "` + holder + `" }`,
			`{"cardholder_id":"` + holder + `","card_product_id":"` + uqpay.ProductSingle + `","card_currency":"USD","card_limit":26}`,
			"card_limit"},
		{"card recharge", "/api/v1/issuing/cards/" + single + "/recharge",
			`{"amount":10}`, "{\n\t\"amount\": 1e1\n}", `{"amount":11}`, "amount"},
		{"card status", "/api/v1/issuing/cards/" + share + "/status",
			`{"card_status":"FROZEN","update_reason":"travel"}`, `{"update_reason":"travel","card_status":"FROZEN"}`,
			`{"card_status":"FROZEN","update_reason":"lost wallet"}`, "update_reason"},
		{"simulated authorization", "/api/v1/simulation/issuing/authorization",
			`{"card_id":"` + single + `","transaction_amount":3,"transaction_currency":"USD","merchant_name":"Coffee Lab","merchant_category_code":"5734"}`,
			`{"merchant_category_code":"5734","merchant_name":"Coffee Lab","transaction_currency":"USD","transaction_amount":3.00,"card_id":"` + single + `"}`,
			`{"card_id":"` + single + `","transaction_amount":3,"transaction_currency":"SGD","merchant_name":"Coffee Lab","merchant_category_code":"5734"}`,
			"transaction_currency"},
		{"simulated deposit", "/api/v1/simulation/deposit",
			`{"amount":"500","currency":"USD","sender_swift_code":"DBSSSGSG","sender_name":"Acme"}`,
			`{"sender_name":"Acme","sender_swift_code":"DBSSSGSG","currency":"USD","amount":"500"}`,
			`{"amount":"500","currency":"USD","sender_swift_code":"DBSSSGSG","sender_name":"Acme Ltd"}`,
			"sender_name"},
	}
	for _, tt := range tests {
		h := f.authed()
		key := h.Get("x-idempotency-key")
		s1, b1 := f.raw(http.MethodPost, tt.path, tt.first, h)
		require.Equal(t, http.StatusOK, s1, "%s: %s", tt.name, b1)
		s2, b2 := f.raw(http.MethodPost, tt.path, tt.same, h)
		assert.Equal(t, s1, s2, tt.name)
		assert.Equal(t, string(b1), string(b2), "%s: the first answer, byte for byte", tt.name)
		s3, b3 := f.raw(http.MethodPost, tt.path, tt.other, h)
		require.Equal(t, http.StatusBadRequest, s3, "%s: %s", tt.name, b3)
		e := errBody(t, b3)
		assert.Equal(t, "idempotency_error", e.Type, tt.name)
		assert.Equal(t, "idempotency_key_reused", e.Code, tt.name)
		assert.Contains(t, e.Message, `x-idempotency-key "`+key+`"`, tt.name)
		assert.Contains(t, e.Message, "("+tt.differs+" differs)", tt.name)
		contracts.Validate(t, "uqpay/error.json", b3)
	}

	list, err := f.sdk.ListCardholders(f.ctx, 10, 1)
	require.NoError(t, err)
	assert.Equal(t, 2, list.TotalItems, "one cardholder made, not two")
	cards, err := f.sdk.ListCards(f.ctx, &ListCardsRequest{PageSize: 10, PageNumber: 1})
	require.NoError(t, err)
	assert.Equal(t, 3, cards.TotalItems, "one card made, not two")
	txns, err := f.sdk.ListTransactions(f.ctx, &ListTransactionsRequest{PageSize: 10, PageNumber: 1, CardID: single})
	require.NoError(t, err)
	assert.Equal(t, 1, txns.TotalItems, "one authorization")
	f.flush()
	f.s.CheckCardAvailable(t, single, "107") // 100 + 10 recharged once − 3 authorized once
	f.s.CheckLedger(t)
}
