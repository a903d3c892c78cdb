package uqpay_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/uqpay"
)

func TestCardCreateValidation(t *testing.T) {
	t.Parallel()
	big := map[string]string{}
	for i := 0; i < 200; i++ {
		big[strings.Repeat("k", 3)+string(rune('a'+i%26))+strings.Repeat("x", i%7)+string(rune('A'+i/26))] = strings.Repeat("v", 12)
	}
	tests := []struct {
		name     string
		change   map[string]any
		wantType string
		wantCode string
		wantMsg  string
	}{
		{name: "no product", change: map[string]any{"card_product_id": ""}, wantMsg: "card_product_id is required"},
		{name: "unknown product", change: map[string]any{"card_product_id": "00000000-0000-4000-8000-000000000000"},
			wantType: "card_error", wantCode: "product_not_found", wantMsg: "not an enabled card product"},
		{name: "no currency", change: map[string]any{"card_currency": ""}, wantMsg: "card_currency is required"},
		{name: "currency the product lacks", change: map[string]any{"card_currency": "XUSD"}, wantMsg: "not offered by product"},
		{name: "bin 527735 without a card limit", change: map[string]any{"card_product_id": uqpay.ProductMastercard, "card_limit": nil},
			wantMsg: "card_limit is required and must be at least 0.01 for cards of BIN 527735"},
		{name: "bin 527735 with a zero limit", change: map[string]any{"card_product_id": uqpay.ProductMastercard, "card_limit": 0},
			wantMsg: "at least 0.01"},
		{name: "negative card limit", change: map[string]any{"card_limit": -1}, wantMsg: "card_limit must not be negative"},
		{name: "card limit with three decimals", change: map[string]any{"card_limit": 1.005}, wantMsg: "at most 2 decimal places"},
		{name: "card limit not a number", change: map[string]any{"card_limit": "lots"}, wantMsg: "card_limit must be a number"},
		{name: "metadata over 3200 bytes", change: map[string]any{"metadata": big}, wantMsg: "the maximum is 3200 bytes"},
		{name: "metadata not an object", change: map[string]any{"metadata": []string{"a"}}, wantMsg: "metadata must be a JSON object"},
		{name: "both mcc lists", change: map[string]any{"risk_controls": map[string]any{"allowed_mcc": []string{"5734"}, "blocked_mcc": []string{"6011"}}},
			wantMsg: "mutually exclusive"},
		{name: "bad mcc", change: map[string]any{"risk_controls": map[string]any{"blocked_mcc": []string{"60111"}}}, wantMsg: "four-digit MCC"},
		{name: "bad 3ds flag", change: map[string]any{"risk_controls": map[string]any{"allow_3ds_transactions": "yes"}}, wantMsg: "must be Y or N"},
		{name: "bad interval", change: map[string]any{"spending_controls": []map[string]any{{"amount": "10", "interval": "HOURLY"}}}, wantMsg: "interval must be one of"},
		{name: "interval twice", change: map[string]any{"spending_controls": []map[string]any{{"amount": "10", "interval": "DAILY"}, {"amount": 20, "interval": "DAILY"}}},
			wantMsg: "interval DAILY twice"},
		{name: "zero spending control", change: map[string]any{"spending_controls": []map[string]any{{"amount": "0", "interval": "DAILY"}}}, wantMsg: "greater than 0"},
		{name: "one-time without trigger", change: map[string]any{"usage_type": "ONE_TIME"}, wantMsg: "auto_cancel_trigger (ON_AUTH or ON_CAPTURE) is required"},
		{name: "trigger without one-time", change: map[string]any{"auto_cancel_trigger": "ON_AUTH"}, wantMsg: "ONE_TIME only"},
		{name: "bad trigger", change: map[string]any{"usage_type": "ONE_TIME", "auto_cancel_trigger": "ON_USE"}, wantMsg: "ON_AUTH or ON_CAPTURE"},
		{name: "one-time on a bin without it", change: map[string]any{"card_product_id": uqpay.ProductSingleVisa, "usage_type": "ONE_TIME", "auto_cancel_trigger": "ON_AUTH"},
			wantMsg: "not enabled for BIN 49372418"},
		{name: "expiry in the past", change: map[string]any{"usage_type": "ONE_TIME", "auto_cancel_trigger": "ON_AUTH", "expiry_at": "2025-12-31T00:00:00+08:00"},
			wantMsg: "not in the future"},
		{name: "expiry without zone", change: map[string]any{"usage_type": "ONE_TIME", "auto_cancel_trigger": "ON_AUTH", "expiry_at": "2026-02-01 00:00:00"},
			wantMsg: "zone offset"},
		{name: "no cardholder", change: map[string]any{"cardholder_id": ""}, wantMsg: "cardholder_id is required"},
		{name: "unknown cardholder", change: map[string]any{"cardholder_id": "7c4ff2cd-1bf6-4aaa-bf16-266771425011"},
			wantType: "cardholder_error", wantCode: "cardholder_not_found", wantMsg: "not found"},
		{name: "opening load beyond the issuing balance", change: map[string]any{"card_limit": 100000.01},
			wantType: "account_error", wantCode: "insufficient_balance", wantMsg: "cannot fund a card_limit of 100000.01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			body := map[string]any{"cardholder_id": f.holder("v@example.com"), "card_product_id": uqpay.ProductSingle,
				"card_currency": "USD", "card_limit": 10}
			for k, v := range tt.change {
				if v == nil {
					delete(body, k)
					continue
				}
				body[k] = v
			}
			status, b := f.post("/api/v1/issuing/cards", body)
			typ, code := tt.wantType, tt.wantCode
			if typ == "" {
				typ, code = "invalid_request_error", "invalid_request_error"
			}
			wantError(t, status, b, http.StatusBadRequest, typ, code, tt.wantMsg)
			f.s.CheckLedger(t)
		})
	}
}

func TestCardCreateBINRuleAccepts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r, err := f.sdk.CreateCard(f.ctx, &CreateCardRequest{CardholderID: f.holder("m@example.com"), CardProductID: uqpay.ProductMastercard,
		CardCurrency: "USD", CardLimit: ptr(0.01)})
	require.NoError(t, err)
	f.flush()
	f.s.CheckCardStatus(t, r.CardID, uqpay.StatusActive)
}

func TestCardCreateIsAsynchronous(t *testing.T) {
	t.Parallel()
	f := newFixture(t, uqpay.WithIssueDelay(5*time.Second))
	r, err := f.sdk.CreateCard(f.ctx, &CreateCardRequest{CardholderID: f.holder("a@example.com"), CardProductID: uqpay.ProductShare,
		CardCurrency: "SGD"})
	require.NoError(t, err)
	assert.Equal(t, "PENDING", r.CardStatus)
	assert.Equal(t, "PROCESSING", r.OrderStatus)
	_, err = f.s.Clock.Advance(4 * time.Second)
	require.NoError(t, err)
	f.s.CheckCardStatus(t, r.CardID, uqpay.StatusPending)
	o, err := f.sdk.GetOrder(f.ctx, r.CardOrderID)
	require.NoError(t, err)
	assert.Equal(t, "PROCESSING", o.OrderStatus)
	assert.Empty(t, o.CompleteTime)
	assert.Empty(t, f.events(), "no webhook before the card is made")
	_, err = f.s.Clock.Advance(time.Second)
	require.NoError(t, err)
	f.s.CheckCardStatus(t, r.CardID, uqpay.StatusActive)
	evs := f.events()
	require.Len(t, evs, 1)
	assert.Equal(t, "card.create.succeeded", evs[0].EventType)
	assert.Equal(t, r.CardOrderID, evs[0].SourceID)
}

func TestCardCreateFailures(t *testing.T) {
	t.Parallel()
	t.Run("cardholder failed kyc", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, uqpay.WithIssueDelay(time.Second))
		h, err := f.sdk.CreateCardholder(f.ctx, &CreateCardholderRequest{Email: "kyc.fail+x@mocksrv.test", PhoneNumber: "80000001",
			FirstName: "Kyc", LastName: "Fail", CountryCode: "SG"})
		require.NoError(t, err)
		r, err := f.sdk.CreateCard(f.ctx, &CreateCardRequest{CardholderID: h.CardholderID, CardProductID: uqpay.ProductSingle,
			CardCurrency: "USD", CardLimit: ptr(100.0)})
		require.NoError(t, err)
		assert.Equal(t, "FAILED", *r.CardholderStatus)
		assert.Contains(t, *r.Message, "cannot be issued")
		before := f.s.Balance("USD").Frozen
		assert.Equal(t, "100", before.String(), "the opening load is held")
		_, err = f.s.Clock.Advance(time.Second)
		require.NoError(t, err)
		f.s.CheckCardStatus(t, r.CardID, uqpay.StatusFailed)
		assert.True(t, f.s.Balance("USD").Frozen.IsZero(), "and released")
		o, err := f.sdk.GetOrder(f.ctx, r.CardOrderID)
		require.NoError(t, err)
		assert.Equal(t, "FAILED", o.OrderStatus)
		evs := f.events()
		require.Len(t, evs, 1)
		assert.Equal(t, "card.create.failed", evs[0].EventType)
		d, err := evs[0].ParseCardData()
		require.NoError(t, err)
		assert.Equal(t, "FAILED", d.CardStatus)
		assert.Contains(t, d.Cardholder.Reason, "kyc.fail")
		f.s.CheckLedger(t)
	})
	t.Run("card waits for a pending kyc", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		h, err := f.sdk.CreateCardholder(f.ctx, &CreateCardholderRequest{Email: "kyc.pending+x@mocksrv.test", PhoneNumber: "80000001",
			FirstName: "Kyc", LastName: "Wait", CountryCode: "SG"})
		require.NoError(t, err)
		r, err := f.sdk.CreateCard(f.ctx, &CreateCardRequest{CardholderID: h.CardholderID, CardProductID: uqpay.ProductShare, CardCurrency: "USD"})
		require.NoError(t, err)
		assert.Equal(t, "PENDING", *r.CardholderStatus)
		f.flush()
		f.s.CheckCardStatus(t, r.CardID, uqpay.StatusPending)
		_, err = f.s.Clock.Advance(2 * time.Minute)
		require.NoError(t, err)
		f.s.CheckCardStatus(t, r.CardID, uqpay.StatusActive)
	})
	t.Run("insufficient sub bin", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, uqpay.WithCardQuota(1))
		h := f.holder("q@example.com")
		first := f.card(h, uqpay.ProductSingle, 10)
		f.s.CheckCardStatus(t, first, uqpay.StatusActive)
		r, err := f.sdk.CreateCard(f.ctx, &CreateCardRequest{CardholderID: h, CardProductID: uqpay.ProductSingle, CardCurrency: "USD", CardLimit: ptr(10.0)})
		require.NoError(t, err)
		f.flush()
		f.s.CheckCardStatus(t, r.CardID, uqpay.StatusFailed)
		c, _ := f.s.Card(r.CardID)
		assert.Equal(t, "insufficient_sub_bin", c.FailureCode)
		status, b := f.get("/api/v1/issuing/cards/" + r.CardOrderID + "/order")
		require.Equal(t, http.StatusOK, status)
		assert.Equal(t, "insufficient_sub_bin", decodeJSON[map[string]any](t, b)["failure_code"])
		f.s.CheckLedger(t)
	})
}

func TestOneStepIssuance(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	status, b := f.post("/api/v1/issuing/cards", map[string]any{"card_product_id": uqpay.ProductShare, "card_currency": "USD",
		"cardholder_required_fields": map[string]any{"email": "one@example.com", "first_name": "One", "last_name": "Step",
			"country_code": "SG", "phone_number": "81234567", "gender": "MALE"}})
	require.Equal(t, http.StatusOK, status, "%s", b)
	r := decodeJSON[map[string]any](t, b)
	assert.Equal(t, true, r["cardholder_created"])
	h, err := f.sdk.GetCardholder(f.ctx, r["cardholder_id"].(string))
	require.NoError(t, err)
	assert.Equal(t, "one@example.com", h.Email)
	status, b = f.post("/api/v1/issuing/cards", map[string]any{"card_product_id": uqpay.ProductShare, "card_currency": "USD",
		"cardholder_required_fields": map[string]any{"email": "bad"}})
	wantError(t, status, b, http.StatusBadRequest, "invalid_request_error", "invalid_request_error", "cardholder_required_fields: email")
}

func TestCardStatusOrders(t *testing.T) {
	t.Parallel()
	f := newFixture(t, uqpay.WithOrderDelay(2*time.Second))
	h := f.holder("s@example.com")
	id := f.card(h, uqpay.ProductSingle, 40)

	r, err := f.sdk.UpdateCardStatus(f.ctx, id, &UpdateCardStatusRequest{CardStatus: "FROZEN", UpdateReason: ptr("suspicious")})
	require.NoError(t, err)
	assert.Equal(t, "PENDING", r.OrderStatus)
	assert.Equal(t, "suspicious", *r.UpdateReason)
	f.s.CheckCardStatus(t, id, uqpay.StatusActive)
	_, err = f.sdk.UpdateCardStatus(f.ctx, id, &UpdateCardStatusRequest{CardStatus: "CANCELLED"})
	e := apiErr(t, err)
	assert.Equal(t, FlexibleCode("card_order_in_progress"), e.Code)
	_, err = f.s.Clock.Advance(2 * time.Second)
	require.NoError(t, err)
	f.s.CheckCardStatus(t, id, uqpay.StatusFrozen)
	o, err := f.sdk.GetOrder(f.ctx, r.CardOrderID)
	require.NoError(t, err)
	assert.Equal(t, "SUCCESS", o.OrderStatus)
	assert.Equal(t, "CARD_UPDATE", o.OrderType)

	_, err = f.sdk.UpdateCardStatus(f.ctx, id, &UpdateCardStatusRequest{CardStatus: "FROZEN"})
	assert.Contains(t, apiErr(t, err).Message, "already FROZEN")
	_, err = f.sdk.UpdateCardStatus(f.ctx, id, &UpdateCardStatusRequest{CardStatus: "BLOCKED"})
	assert.Equal(t, FlexibleCode("invalid_request_error"), apiErr(t, err).Code)
	status, b := f.post("/api/v1/issuing/cards/"+id+"/status", map[string]any{"card_status": "ACTIVE", "update_reason": strings.Repeat("r", 101)})
	wantError(t, status, b, http.StatusBadRequest, "invalid_request_error", "invalid_request_error", "update_reason is longer than 100")

	cancel, err := f.sdk.UpdateCardStatus(f.ctx, id, &UpdateCardStatusRequest{CardStatus: "CANCELLED", UpdateReason: ptr("closing")})
	require.NoError(t, err)
	_, err = f.s.Clock.Advance(2 * time.Second)
	require.NoError(t, err)
	f.s.CheckCardStatus(t, id, uqpay.StatusPreCancel)
	_, err = f.sdk.UpdateCardStatus(f.ctx, id, &UpdateCardStatusRequest{CardStatus: "ACTIVE"})
	assert.Contains(t, apiErr(t, err).Message, "cannot be reactivated")
	usd := f.s.Balance("USD").Available
	_, err = f.s.Clock.Advance(30*24*time.Hour - time.Second)
	require.NoError(t, err)
	f.s.CheckCardStatus(t, id, uqpay.StatusPreCancel)
	_, err = f.s.Clock.Advance(time.Second)
	require.NoError(t, err)
	f.s.CheckCardStatus(t, id, uqpay.StatusCancelled)
	assert.Equal(t, usd.Add(mustDec("40")).String(), f.s.Balance("USD").Available.String(), "the 40 on the card was refunded")
	f.s.CheckCardAvailable(t, id, "0")

	var seen []string
	for _, e := range byType(f.events(), "card.status.update.succeeded") {
		d, err := e.ParseCardStatusUpdateData()
		require.NoError(t, err)
		seen = append(seen, d.CardStatus+"/"+d.UpdateReason)
		if d.CardStatus == "PRE_CANCEL" {
			assert.Equal(t, cancel.CardOrderID, e.SourceID)
		}
	}
	assert.Equal(t, []string{"FROZEN/suspicious", "PRE_CANCEL/closing", "CANCELLED/closing"}, seen)
	f.s.CheckLedger(t)
}

func TestRechargeAndWithdraw(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	h := f.holder("r@example.com")
	single := f.card(h, uqpay.ProductSingle, 25)
	share := f.card(h, uqpay.ProductShare, 100)
	oneTime, err := f.sdk.CreateCard(f.ctx, &CreateCardRequest{CardholderID: h, CardProductID: uqpay.ProductSingle, CardCurrency: "USD",
		CardLimit: ptr(5.0), UsageType: ptr("ONE_TIME"), AutoCancelTrigger: ptr("ON_AUTH")})
	require.NoError(t, err)
	f.flush()

	tests := []struct {
		name     string
		card     string
		op       string
		amount   any
		wantType string
		wantCode string
		wantMsg  string
	}{
		{name: "share cards cannot be recharged", card: share, op: "recharge", amount: 1, wantType: "card_error", wantCode: "card_operation_not_supported", wantMsg: "SINGLE"},
		{name: "one-time cards are locked", card: oneTime.CardID, op: "recharge", amount: 1, wantType: "card_error", wantCode: "card_operation_not_supported", wantMsg: "ONE_TIME"},
		{name: "zero", card: single, op: "recharge", amount: 0, wantType: "invalid_request_error", wantCode: "invalid_request_error", wantMsg: "amount must be greater than 0"},
		{name: "negative", card: single, op: "withdraw", amount: -5, wantType: "invalid_request_error", wantCode: "invalid_request_error", wantMsg: "greater than 0"},
		{name: "three decimals", card: single, op: "recharge", amount: 1.001, wantType: "invalid_request_error", wantCode: "invalid_request_error", wantMsg: "2 decimal places"},
		{name: "too many integer digits", card: single, op: "recharge", amount: "99999999999", wantType: "invalid_request_error", wantCode: "invalid_request_error", wantMsg: "amount is out of range (at most 10 integer digits)"},
		{name: "beyond the issuing balance", card: single, op: "recharge", amount: 100000, wantType: "account_error", wantCode: "insufficient_balance", wantMsg: "issuing balance"},
		{name: "beyond the card balance", card: single, op: "withdraw", amount: 25.01, wantType: "account_error", wantCode: "insufficient_balance", wantMsg: "holds 25.00 USD"},
		{name: "unknown card", card: "00000000-0000-4000-8000-000000000000", op: "recharge", amount: 1, wantType: "card_error", wantCode: "card_not_found", wantMsg: "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, b := f.post("/api/v1/issuing/cards/"+tt.card+"/"+tt.op, map[string]any{"amount": tt.amount})
			wantError(t, status, b, http.StatusBadRequest, tt.wantType, tt.wantCode, tt.wantMsg)
		})
	}

	t.Run("money moves exactly", func(t *testing.T) {
		start := f.s.Balance("USD").Available
		o, err := f.sdk.Recharge(f.ctx, single, &CardOrderRequest{Amount: 0.1})
		require.NoError(t, err)
		assert.Equal(t, "PENDING", o.OrderStatus)
		_, err = f.sdk.Recharge(f.ctx, single, &CardOrderRequest{Amount: 0.2})
		require.NoError(t, err)
		_, err = f.sdk.Withdraw(f.ctx, single, &CardOrderRequest{Amount: 0.3})
		require.NoError(t, err)
		f.flush()
		f.s.CheckCardAvailable(t, single, "25.00")
		assert.Equal(t, start.String(), f.s.Balance("USD").Available.String(), "0.1 + 0.2 - 0.3 is exactly 0")
		assert.True(t, f.s.Balance("USD").Frozen.IsZero())
		var rech []string
		for _, e := range byType(f.events(), "card.recharge.succeeded") {
			d, err := e.ParseCardRechargeData()
			require.NoError(t, err)
			rech = append(rech, d.Amount+"→"+d.CardAvailableBalance)
		}
		assert.Equal(t, []string{"0.1→25.1", "0.2→25.3"}, rech)
		f.s.CheckLedger(t)
	})
	t.Run("frozen cards can be topped up", func(t *testing.T) {
		require.NoError(t, f.s.FreezeCard(single))
		_, err := f.sdk.Recharge(f.ctx, single, &CardOrderRequest{Amount: 5})
		require.NoError(t, err)
		f.flush()
		f.s.CheckCardAvailable(t, single, "30")
	})
}

func TestSecureDataAndPANToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t, uqpay.WithIssueDelay(time.Minute))
	h := f.holder("p@example.com")
	pending, err := f.sdk.CreateCard(f.ctx, &CreateCardRequest{CardholderID: h, CardProductID: uqpay.ProductShare, CardCurrency: "USD"})
	require.NoError(t, err)
	_, err = f.sdk.GetSecure(f.ctx, pending.CardID)
	assert.Contains(t, apiErr(t, err).Message, "PENDING")
	_, err = f.sdk.CreatePANToken(f.ctx, pending.CardID)
	assert.Equal(t, FlexibleCode("card_status_invalid"), apiErr(t, err).Code)
	_, err = f.s.Clock.Advance(time.Minute)
	require.NoError(t, err)

	sec, err := f.sdk.GetSecure(f.ctx, pending.CardID)
	require.NoError(t, err)
	card, _ := f.s.Card(pending.CardID)
	assert.Equal(t, card.PAN, sec.CardNumber)

	wall := &fakeWall{at: f.s.Clock.Wall()}
	f.s.Clock.SetWall(wall.now)
	tok, err := f.sdk.CreatePANToken(f.ctx, pending.CardID)
	require.NoError(t, err)
	assert.Equal(t, wall.at.Add(60*time.Second).UTC().Format("2006-01-02T15:04:05Z"), tok.ExpiresAt)
	status, b := f.raw(http.MethodGet, "/api/v1/mocksrv/pan_tokens/"+tok.Token, nil, nil)
	require.Equal(t, http.StatusOK, status, "%s", b)
	view := decodeJSON[map[string]string](t, b)
	assert.Equal(t, sec.CardNumber, view["card_number"])
	assert.Equal(t, sec.CVV, view["cvv"])
	assert.Equal(t, "Emily Toy", view["name_on_card"])
	status, b = f.raw(http.MethodGet, "/api/v1/mocksrv/pan_tokens/"+tok.Token, nil, nil)
	wantError(t, status, b, http.StatusUnauthorized, "unauthorized_error", "unauthorized_error", "already used")

	late, err := f.sdk.CreatePANToken(f.ctx, pending.CardID)
	require.NoError(t, err)
	wall.at = wall.at.Add(61 * time.Second)
	status, b = f.raw(http.MethodGet, "/api/v1/mocksrv/pan_tokens/"+late.Token, nil, nil)
	wantError(t, status, b, http.StatusUnauthorized, "unauthorized_error", "unauthorized_error", "expired")
	status, b = f.raw(http.MethodGet, "/api/v1/mocksrv/pan_tokens/pan_garbage", nil, nil)
	wantError(t, status, b, http.StatusUnauthorized, "unauthorized_error", "unauthorized_error", "invalid")
}

func TestPhysicalCards(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	h := f.holder("phy@example.com")
	const pan = "4096360800133951"
	a, err := f.sdk.AssignCard(f.ctx, &AssignCardRequest{CardholderID: h, CardNumber: pan, CardCurrency: "USD", CardMode: "SINGLE"})
	require.NoError(t, err)
	assert.Equal(t, "PENDING", a.CardStatus)
	_, err = f.sdk.AssignCard(f.ctx, &AssignCardRequest{CardholderID: h, CardNumber: pan, CardCurrency: "USD", CardMode: "SINGLE"})
	assert.Contains(t, apiErr(t, err).Message, "already assigned")
	_, err = f.sdk.AssignCard(f.ctx, &AssignCardRequest{CardholderID: h, CardNumber: "40963608-0013", CardCurrency: "USD", CardMode: "SINGLE"})
	assert.Equal(t, FlexibleCode("invalid_request_error"), apiErr(t, err).Code, "not a card number")
	_, err = f.sdk.AssignCard(f.ctx, &AssignCardRequest{CardholderID: h, CardNumber: "5555555555554444", CardCurrency: "USD", CardMode: "SINGLE"})
	assert.Equal(t, FlexibleCode("card_not_found"), apiErr(t, err).Code, "not a provisioned BIN")

	evs := f.events()
	require.Len(t, evs, 1)
	code, err := evs[0].ParseCardActivationCodeData()
	require.NoError(t, err)
	assert.Equal(t, a.CardID, code.CardID)
	assert.Equal(t, "40963608****3951", code.CardNumber)
	require.Len(t, code.ActivationCode, 8)

	_, err = f.sdk.ResetPIN(f.ctx, &SetPINRequest{CardID: a.CardID, PIN: "024680"})
	assert.Contains(t, apiErr(t, err).Message, "PENDING")
	_, err = f.sdk.ActivateCard(f.ctx, &ActivateCardRequest{CardID: a.CardID, ActivationCode: "00000000", PIN: "024680"})
	assert.Equal(t, FlexibleCode("invalid_activation_code"), apiErr(t, err).Code)
	_, err = f.sdk.ActivateCard(f.ctx, &ActivateCardRequest{CardID: a.CardID, ActivationCode: code.ActivationCode, PIN: "111111"})
	assert.Equal(t, FlexibleCode("invalid_pin"), apiErr(t, err).Code)
	act, err := f.sdk.ActivateCard(f.ctx, &ActivateCardRequest{CardID: a.CardID, ActivationCode: code.ActivationCode, PIN: "024680", NoPINPaymentAmount: ptr(300.0)})
	require.NoError(t, err)
	assert.Equal(t, "SUCCESS", act.RequestStatus)
	f.s.CheckCardStatus(t, a.CardID, uqpay.StatusActive)
	card, err := f.sdk.GetCard(f.ctx, a.CardID)
	require.NoError(t, err)
	assert.Equal(t, "PHYSICAL", card.FormFactor)
	assert.Equal(t, "300USD", card.NoPINPaymentAmount)

	_, err = f.sdk.ManagePIN(f.ctx, &ManageCardPINRequest{CardID: a.CardID, Type: "SET", PIN: "135790"})
	assert.Contains(t, apiErr(t, err).Message, "already has a PIN")
	_, err = f.sdk.ManagePIN(f.ctx, &ManageCardPINRequest{CardID: a.CardID, Type: "UPDATE", PIN: "135790", OldPIN: "999999"})
	assert.Contains(t, apiErr(t, err).Message, "old_pin does not match")
	m, err := f.sdk.ManagePIN(f.ctx, &ManageCardPINRequest{CardID: a.CardID, Type: "UPDATE", PIN: "135790", OldPIN: "024680"})
	require.NoError(t, err)
	o, err := f.sdk.GetOrder(f.ctx, m.CardOrderID)
	require.NoError(t, err)
	assert.Equal(t, "PIN_MANAGEMENT", o.OrderType)
	r, err := f.sdk.ResetPIN(f.ctx, &SetPINRequest{CardID: a.CardID, PIN: "246813"})
	require.NoError(t, err)
	assert.Equal(t, "SUCCESS", r.RequestStatus)
	c, _ := f.s.Card(a.CardID)
	assert.Equal(t, "246813", c.PIN)

	virtual := f.card(h, uqpay.ProductShare, 0)
	_, err = f.sdk.ResetPIN(f.ctx, &SetPINRequest{CardID: virtual, PIN: "246813"})
	assert.Equal(t, FlexibleCode("card_operation_not_supported"), apiErr(t, err).Code)
	_, err = f.sdk.ActivateCard(f.ctx, &ActivateCardRequest{CardID: virtual, ActivationCode: "1", PIN: "246813"})
	assert.Equal(t, FlexibleCode("card_operation_not_supported"), apiErr(t, err).Code)

	act2 := byType(f.events(), "card.activation.status")
	require.Len(t, act2, 1)
	assert.Equal(t, a.CardID, act2[0].SourceID)

	bulk, err := f.sdk.AssignCard(f.ctx, &AssignCardRequest{CardholderID: h, CardNumber: "4937241800000004", CardCurrency: "USD", CardMode: "SINGLE"})
	require.NoError(t, err)
	assert.Equal(t, "ACTIVE", bulk.CardStatus, "a bulk virtual card of a product without PHY is active at once")
}

func TestCardUpdate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	h := f.holder("u@example.com")
	share := f.card(h, uqpay.ProductShare, 100)
	r, err := f.sdk.UpdateCard(f.ctx, share, &CardUpdateRequest{CardLimit: ptr(2100.02), NoPINPaymentAmount: ptr(0.0),
		RiskControls: &RiskControls{AllowedMCC: []string{"5734", "5999"}}, Metadata: map[string]string{"team": "ops"}})
	require.NoError(t, err)
	assert.Equal(t, "SUCCESS", r.OrderStatus)
	c, err := f.sdk.GetCard(f.ctx, share)
	require.NoError(t, err)
	assert.Equal(t, FlexibleString("2100.02"), c.CardLimit)
	assert.Equal(t, "0USD", c.NoPINPaymentAmount)
	assert.Equal(t, []string{"5734", "5999"}, c.RiskControls.AllowedMCC)
	assert.Equal(t, FlexibleStringMap{"team": "ops"}, c.Metadata)
	_, err = f.sdk.UpdateCard(f.ctx, share, &CardUpdateRequest{RiskControls: &RiskControls{BlockedMCC: []string{"6011"}}})
	require.NoError(t, err, "a new blocked list replaces the allowed one")
	status, b := f.post("/api/v1/issuing/cards/"+share, map[string]any{"name_on_card": strings.Repeat("N", 27)})
	wantError(t, status, b, http.StatusBadRequest, "invalid_request_error", "invalid_request_error", "name_on_card")

	oneTime, err := f.sdk.CreateCard(f.ctx, &CreateCardRequest{CardholderID: h, CardProductID: uqpay.ProductShare, CardCurrency: "USD",
		CardLimit: ptr(50.0), UsageType: ptr("ONE_TIME"), AutoCancelTrigger: ptr("ON_CAPTURE")})
	require.NoError(t, err)
	f.flush()
	_, err = f.sdk.UpdateCard(f.ctx, oneTime.CardID, &CardUpdateRequest{CardLimit: ptr(60.0)})
	assert.Contains(t, apiErr(t, err).Message, "locked at creation")

	evs := byType(f.events(), "card.update.succeeded")
	require.Len(t, evs, 2)
	d, err := evs[0].ParseCardData()
	require.NoError(t, err)
	assert.Equal(t, "success", d.OrderStatus)
	assert.Equal(t, "2100.02", d.CardLimit)
	assert.Equal(t, map[string]string{"team": "ops"}, d.Metadata)
}

func TestCardArtsLimitsAndProtection(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	h := f.holder("art@example.com")
	share := f.card(h, uqpay.ProductShare, 100)
	single := f.card(h, uqpay.ProductSingle, 10)

	arts, err := f.sdk.ListArts(f.ctx, uqpay.ProductShare)
	require.NoError(t, err)
	require.Len(t, arts.CardArts, 2)
	assert.Equal(t, arts.CardArts[0]["card_art_id"], arts.DefaultCardArtID)
	second := arts.CardArts[1]["card_art_id"].(string)
	set, err := f.sdk.SetDefaultArt(f.ctx, &SetDefaultCardArtRequest{CardArtID: second})
	require.NoError(t, err)
	assert.Equal(t, second, set.DefaultCardArtID)
	arts, err = f.sdk.ListArts(f.ctx, uqpay.ProductShare)
	require.NoError(t, err)
	assert.Equal(t, second, arts.DefaultCardArtID)
	all, err := f.sdk.ListArts(f.ctx, "")
	require.NoError(t, err)
	assert.Len(t, all.CardArts, 10, "two arts for each of the five products")
	_, err = f.sdk.SetDefaultArt(f.ctx, &SetDefaultCardArtRequest{CardArtID: "nope"})
	assert.Equal(t, FlexibleCode("card_art_not_found"), apiErr(t, err).Code)
	_, err = f.sdk.ListArts(f.ctx, "nope")
	assert.Equal(t, FlexibleCode("product_not_found"), apiErr(t, err).Code)

	el, err := f.sdk.ElevateLimit(f.ctx, share, &ElevateLimitRequest{LimitAmount: 500, DurationInDays: 2})
	require.NoError(t, err)
	assert.Equal(t, "SUCCESS", el.OrderStatus)
	f.s.CheckCardAvailable(t, share, "500")
	_, err = f.sdk.ElevateLimit(f.ctx, share, &ElevateLimitRequest{LimitAmount: 400})
	assert.Contains(t, apiErr(t, err).Message, "above the current card_limit")
	_, err = f.sdk.ElevateLimit(f.ctx, single, &ElevateLimitRequest{LimitAmount: 400})
	assert.Equal(t, FlexibleCode("card_operation_not_supported"), apiErr(t, err).Code)
	_, err = f.sdk.ElevateLimit(f.ctx, share, &ElevateLimitRequest{LimitAmount: 600, DurationInDays: 31})
	assert.Contains(t, apiErr(t, err).Message, "duration_in_days")
	_, err = f.s.Clock.Advance(48 * time.Hour)
	require.NoError(t, err)
	f.s.CheckCardAvailable(t, share, "100")

	p, err := f.sdk.EnrollNetworkProtection(f.ctx, share, &EnrollNetworkProtectionRequest{RiskControl: "VISA_VPP", ActionCode: "BLOCK"})
	require.NoError(t, err)
	assert.True(t, p.Enabled)
	assert.Equal(t, "ENROLLED", p.Status)
	_, err = f.sdk.RemoveNetworkProtection(f.ctx, share, &RemoveNetworkProtectionRequest{RiskControl: "OTHER"})
	assert.Contains(t, apiErr(t, err).Message, "not enrolled in OTHER")
	p, err = f.sdk.RemoveNetworkProtection(f.ctx, share, &RemoveNetworkProtectionRequest{RiskControl: "VISA_VPP"})
	require.NoError(t, err)
	assert.False(t, p.Enabled)
	status, b := f.post("/api/v1/issuing/cards/"+share+"/risk", map[string]any{"risk_control": "VISA_VPP"})
	wantError(t, status, b, http.StatusBadRequest, "invalid_request_error", "invalid_request_error", "action_code is required")
}

func TestCardListAndPaging(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	h1, h2 := f.holder("l1@example.com"), f.holder("l2@example.com")
	var ids []string
	for i := 0; i < 12; i++ {
		h := h1
		if i%3 == 0 {
			h = h2
		}
		ids = append(ids, f.card(h, uqpay.ProductShare, 0))
		_, err := f.s.Clock.Advance(time.Second)
		require.NoError(t, err)
	}
	require.NoError(t, f.s.FreezeCard(ids[5]))

	page1, err := f.sdk.ListCards(f.ctx, &ListCardsRequest{PageSize: 10, PageNumber: 1})
	require.NoError(t, err)
	assert.Equal(t, 12, page1.TotalItems)
	assert.Equal(t, 2, page1.TotalPages)
	assert.Equal(t, ids[11], page1.Data[0].CardID, "newest first")
	page2, err := f.sdk.ListCards(f.ctx, &ListCardsRequest{PageSize: 10, PageNumber: 2})
	require.NoError(t, err)
	require.Len(t, page2.Data, 2)
	assert.Equal(t, ids[0], page2.Data[1].CardID)
	beyond, err := f.sdk.ListCards(f.ctx, &ListCardsRequest{PageSize: 10, PageNumber: 3})
	require.NoError(t, err)
	assert.Empty(t, beyond.Data)
	assert.Equal(t, 12, beyond.TotalItems)

	byHolder, err := f.sdk.ListCards(f.ctx, &ListCardsRequest{PageSize: 10, PageNumber: 1, CardholderID: ptr(h2)})
	require.NoError(t, err)
	assert.Equal(t, 4, byHolder.TotalItems)
	frozen, err := f.sdk.ListCards(f.ctx, &ListCardsRequest{PageSize: 10, PageNumber: 1, CardStatus: ptr("FROZEN")})
	require.NoError(t, err)
	require.Equal(t, 1, frozen.TotalItems)
	assert.Equal(t, ids[5], frozen.Data[0].CardID)
	c, _ := f.s.Card(ids[7])
	byPAN, err := f.sdk.ListCards(f.ctx, &ListCardsRequest{PageSize: 10, PageNumber: 1, CardNumber: ptr(c.PAN)})
	require.NoError(t, err)
	require.Equal(t, 1, byPAN.TotalItems)
	assert.Equal(t, ids[7], byPAN.Data[0].CardID)
	_, err = f.sdk.ListCards(f.ctx, &ListCardsRequest{PageSize: 10, PageNumber: 1, CardStatus: ptr("GONE")})
	assert.Contains(t, apiErr(t, err).Message, "card_status must be one of")

	tests := []struct {
		name    string
		query   string
		wantMsg string
	}{
		{name: "page size under 10", query: "page_size=5", wantMsg: "page_size must be between 10 and 100, got 5"},
		{name: "page size over 100", query: "page_size=101", wantMsg: "page_size must be between 10 and 100, got 101"},
		{name: "page size not a number", query: "page_size=ten", wantMsg: `page_size must be an integer`},
		{name: "negative page", query: "page_number=-1", wantMsg: "page_number must be 1 or more"},
		{name: "page not a number", query: "page_number=x", wantMsg: "page_number must be an integer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, b := f.get("/api/v1/issuing/cards?" + tt.query)
			wantError(t, status, b, http.StatusBadRequest, "invalid_request_error", "invalid_request_error", tt.wantMsg)
		})
	}
}

// TestPageNumbersPastTheEnd: issue 13's paging rule on every list. A
// page_number past the last page, however large — past the end of an int
// too — is an empty page with the list's totals (core.PageWindow once
// wrapped 1000000000000000000 around to page 1); a negative one is the
// range error naming page_number; 0 is the default page (the SDK's unset
// parameter).
func TestPageNumbersPastTheEnd(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	h := f.holder("pages@example.com")
	card := f.card(h, uqpay.ProductShare, 0)
	_, err := f.sdk.SimulateAuthorization(f.ctx, auth(card, 3, "Shop"))
	require.NoError(t, err)
	type page struct {
		TotalPages int               `json:"total_pages"`
		TotalItems int               `json:"total_items"`
		Data       []json.RawMessage `json:"data"`
	}
	lists := []string{"/api/v1/issuing/cards", "/api/v1/issuing/cardholders", "/api/v1/issuing/transactions",
		"/api/v1/issuing/balances", "/api/v1/issuing/balances/transactions", "/api/v1/issuing/products",
		"/api/v1/issuing/merchant_brands"}
	for _, list := range lists {
		status, b := f.get(list + "?page_size=100&page_number=1")
		require.Equal(t, http.StatusOK, status, "%s: %s", list, b)
		first := decodeJSON[page](t, b)
		require.NotEmpty(t, first.Data, list)
		for _, n := range []string{"2", "1000000000000000000", "9223372036854775807", "9223372036854775808",
			"99999999999999999999999999999999"} {
			status, b := f.get(list + "?page_size=100&page_number=" + n)
			require.Equal(t, http.StatusOK, status, "%s page %s: %s", list, n, b)
			got := decodeJSON[page](t, b)
			assert.Empty(t, got.Data, "%s page %s is past the end", list, n)
			assert.Equal(t, first.TotalItems, got.TotalItems, "%s page %s", list, n)
			assert.Equal(t, first.TotalPages, got.TotalPages, "%s page %s", list, n)
		}
		for _, n := range []string{"-1", "-9223372036854775808", "-99999999999999999999999999999999"} {
			status, b := f.get(list + "?page_size=100&page_number=" + n)
			wantError(t, status, b, http.StatusBadRequest, "invalid_request_error", "invalid_request_error", "page_number must be 1 or more")
		}
		status, b = f.get(list + "?page_size=100&page_number=0")
		require.Equal(t, http.StatusOK, status, "%s: %s", list, b)
		assert.Equal(t, len(first.Data), len(decodeJSON[page](t, b).Data), "%s: page 0 is the default page 1", list)
	}
	status, b := f.get("/api/v1/issuing/cards?page_size=99999999999999999999999")
	wantError(t, status, b, http.StatusBadRequest, "invalid_request_error", "invalid_request_error", "page_size must be between 10 and 100")
}

func TestStrictPaging(t *testing.T) {
	t.Parallel()
	f := newFixture(t, uqpay.WithStrictPaging(true))
	status, b := f.get("/api/v1/issuing/products?page_size=0&page_number=1")
	wantError(t, status, b, http.StatusBadRequest, "invalid_request_error", "invalid_request_error", "page_size")
	status, b = f.get("/api/v1/issuing/products?page_size=10&page_number=0")
	wantError(t, status, b, http.StatusBadRequest, "invalid_request_error", "invalid_request_error", "page_number must be 1 or more")
}

func TestCardOrderRetrieveTakesTheOrderID(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.card(f.holder("o@example.com"), uqpay.ProductShare, 0)
	status, b := f.get("/api/v1/issuing/cards/" + id + "/order")
	wantError(t, status, b, http.StatusBadRequest, "card_error", "card_order_not_found", "is a card_id")
}

func TestRetrieveCardUnknown(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, err := f.sdk.GetCard(f.ctx, "c0cef051-29c5-4796-b86a-cd5b684bfad7")
	e := apiErr(t, err)
	assert.Equal(t, http.StatusBadRequest, e.StatusCode)
	assert.Equal(t, FlexibleCode("card_not_found"), e.Code)
	var raw map[string]any
	_, b := f.get("/api/v1/issuing/cards/c0cef051-29c5-4796-b86a-cd5b684bfad7")
	require.NoError(t, json.Unmarshal(b, &raw))
	assert.Equal(t, "card_error", raw["type"])
}
