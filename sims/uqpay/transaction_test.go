package uqpay_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

func auth(cardID string, amount float64, merchant string) *AuthorizationRequest {
	return &AuthorizationRequest{CardID: cardID, TransactionAmount: amount, TransactionCurrency: "USD", MerchantName: merchant,
		MerchantCategoryCode: "5734"}
}

func TestSimulationRules(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	h := f.holder("sim@example.com")
	card := f.card(h, uqpay.ProductSingle, 50)
	other := f.card(h, uqpay.ProductSingleVisa, 50)
	cancelled := f.card(h, uqpay.ProductSingle, 0)
	require.NoError(t, f.s.ExpireCard(cancelled))

	tests := []struct {
		name     string
		body     map[string]any
		wantType string
		wantCode string
		wantMsg  string
	}{
		{name: "a bin other than 40963608", body: map[string]any{"card_id": other}, wantType: "card_error", wantCode: "card_not_found", wantMsg: "Card does not exists"},
		{name: "an unknown card", body: map[string]any{"card_id": "c0cef051-29c5-4796-b86a-cd5b684bfad7"}, wantType: "card_error", wantCode: "card_not_found", wantMsg: "Card does not exists"},
		{name: "a cancelled card", body: map[string]any{"card_id": cancelled}, wantType: "card_error", wantCode: "card_not_found", wantMsg: "Card does not exists"},
		{name: "an mcc other than 5734", body: map[string]any{"merchant_category_code": "6011"}, wantType: "invalid_request_error", wantCode: "invalid_request_error", wantMsg: "merchant_category_code can only be 5734"},
		{name: "no amount", body: map[string]any{"transaction_amount": nil}, wantType: "invalid_request_error", wantCode: "invalid_request_error", wantMsg: "transaction_amount is required"},
		{name: "zero amount", body: map[string]any{"transaction_amount": 0}, wantType: "invalid_request_error", wantCode: "invalid_request_error", wantMsg: "greater than 0"},
		{name: "no merchant", body: map[string]any{"merchant_name": ""}, wantType: "invalid_request_error", wantCode: "invalid_request_error", wantMsg: "merchant_name is required"},
		{name: "unknown currency", body: map[string]any{"transaction_currency": "XYZ"}, wantType: "invalid_request_error", wantCode: "invalid_request_error", wantMsg: "transaction_currency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := map[string]any{"card_id": card, "transaction_amount": 1, "transaction_currency": "USD", "merchant_name": "Shop", "merchant_category_code": "5734"}
			for k, v := range tt.body {
				if v == nil {
					delete(body, k)
					continue
				}
				body[k] = v
			}
			status, b := f.post("/api/v1/simulation/issuing/authorization", body)
			wantError(t, status, b, http.StatusBadRequest, tt.wantType, tt.wantCode, tt.wantMsg)
		})
	}
	t.Run("the api reference's numeric mcc is accepted", func(t *testing.T) {
		status, b := f.post("/api/v1/simulation/issuing/authorization", map[string]any{"card_id": card, "transaction_amount": 10,
			"transaction_currency": "USD", "merchant_name": "Orchard Central", "merchant_category_code": 5734})
		require.Equal(t, http.StatusOK, status, "%s", b)
	})
}

func TestAuthorizationDeclines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		setup    func(f *fixture, card string)
		card     *CreateCardRequest
		amount   float64
		merchant string
		wantDesc string
	}{
		{name: "frozen card", setup: func(f *fixture, card string) { require.NoError(f.t, f.s.FreezeCard(card)) }, amount: 1, wantDesc: "1101 - Card Not Active"},
		{name: "blocked card", setup: func(f *fixture, card string) { require.NoError(f.t, f.s.BlockCard(card)) }, amount: 1, wantDesc: "1101 - Card Not Active"},
		{name: "more than the card holds", amount: 50.01, wantDesc: "1116 - Insufficient Funds"},
		{name: "per-transaction control", card: &CreateCardRequest{SpendingControls: []SpendingControl{{Amount: "20", Interval: "PER_TRANSACTION"}}},
			amount: 20.01, wantDesc: "1121 - Exceeds Spending Limit"},
		{name: "daily control counts earlier spending", card: &CreateCardRequest{SpendingControls: []SpendingControl{{Amount: "30", Interval: "DAILY"}}},
			setup: func(f *fixture, card string) {
				r, err := f.sdk.SimulateAuthorization(f.ctx, auth(card, 25, "Earlier"))
				require.NoError(f.t, err)
				require.Equal(f.t, "APPROVED", r.TransactionStatus)
			}, amount: 5.01, wantDesc: "1121 - Exceeds Spending Limit"},
		{name: "blocked mcc", card: &CreateCardRequest{RiskControls: &RiskControls{BlockedMCC: []string{"5734"}}}, amount: 1, wantDesc: "1124 - Transaction Not Permitted"},
		{name: "mcc not allowed", card: &CreateCardRequest{RiskControls: &RiskControls{AllowedMCC: []string{"5411"}}}, amount: 1, wantDesc: "1124 - Transaction Not Permitted"},
		{name: "magic cvv", amount: 1, merchant: "mocksrv:decline-cvv", wantDesc: "1107 - Invalid CVV2"},
		{name: "magic funds", amount: 1, merchant: "mocksrv:decline-funds:order-7", wantDesc: "1116 - Insufficient Funds"},
		{name: "magic fraud", amount: 1, merchant: "mocksrv:decline-fraud", wantDesc: "1159 - Suspected Fraud"},
		{name: "magic expired", amount: 1, merchant: "mocksrv:decline-expired", wantDesc: "1154 - Expired Card"},
		{name: "magic limit", amount: 1, merchant: "mocksrv:decline-limit", wantDesc: "1121 - Exceeds Spending Limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			req := tt.card
			if req == nil {
				req = &CreateCardRequest{}
			}
			req.CardholderID, req.CardProductID, req.CardCurrency, req.CardLimit = f.holder("d@example.com"), uqpay.ProductSingle, "USD", ptr(50.0)
			cr, err := f.sdk.CreateCard(f.ctx, req)
			require.NoError(t, err)
			f.flush()
			if tt.setup != nil {
				tt.setup(f, cr.CardID)
			}
			merchant := tt.merchant
			if merchant == "" {
				merchant = "Shop"
			}
			before, _ := f.s.CardAvailable(cr.CardID)
			r, err := f.sdk.SimulateAuthorization(f.ctx, auth(cr.CardID, tt.amount, merchant))
			require.NoError(t, err, "a decline is an answer, not an error")
			assert.Equal(t, "DECLINED", r.TransactionStatus)
			assert.Equal(t, tt.wantDesc, r.FailureReason)
			after, _ := f.s.CardAvailable(cr.CardID)
			assert.Equal(t, before.String(), after.String(), "a decline moves no money")
			txn, err := f.sdk.GetTransaction(f.ctx, r.TransactionID)
			require.NoError(t, err)
			assert.Equal(t, "DECLINED", txn.TransactionStatus)
			assert.Equal(t, tt.wantDesc, txn.Description)
			evs := byType(f.events(), "issuing.transaction.authorization")
			require.NotEmpty(t, evs)
			var data map[string]any
			require.NoError(t, json.Unmarshal(evs[len(evs)-1].Data, &data))
			assert.Equal(t, "DECLINED", data["transaction_status"])
			f.s.CheckLedger(t)
		})
	}
}

func TestShareCardAuthorizationAndSettlement(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	card := f.card(f.holder("share@example.com"), uqpay.ProductShare, 100)
	start := f.s.Balance("USD")
	r, err := f.sdk.SimulateAuthorization(f.ctx, auth(card, 60, "Shop"))
	require.NoError(t, err)
	require.Equal(t, "APPROVED", r.TransactionStatus)
	assert.InDelta(t, 40, r.CardAvailableBalance, 0)
	held := f.s.Balance("USD")
	assert.Equal(t, start.Available.Sub(mustDec("60")).String(), held.Available.String())
	assert.Equal(t, "60", held.Frozen.String())
	r2, err := f.sdk.SimulateAuthorization(f.ctx, auth(card, 40.01, "Shop"))
	require.NoError(t, err)
	assert.Equal(t, "1116 - Insufficient Funds", r2.FailureReason, "the card_limit caps a SHARE card")
	status, b := f.get("/api/v1/issuing/transactions/" + r.TransactionID)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, "UNSETTLED", decodeJSON[map[string]any](t, b)["settlement_status"])

	_, err = f.s.Clock.Advance(24 * time.Hour)
	require.NoError(t, err)
	settled := f.s.Balance("USD")
	assert.True(t, settled.Frozen.IsZero())
	assert.Equal(t, held.Available.String(), settled.Available.String())
	status, b = f.get("/api/v1/issuing/transactions/" + r.TransactionID)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, "SETTLED", decodeJSON[map[string]any](t, b)["settlement_status"])
	_, err = f.sdk.SimulateReversal(f.ctx, &ReversalRequest{TransactionID: r.TransactionID})
	assert.Contains(t, apiErr(t, err).Message, "has settled")
	card2, err := f.sdk.GetCard(f.ctx, card)
	require.NoError(t, err)
	assert.Equal(t, "60.00", *card2.ConsumedAmount)
	l := f.s.Ledger()
	require.Len(t, l, 2)
	assert.Equal(t, "60", l[1].Spent.String())
	f.s.CheckLedger(t)
}

func TestReversalRules(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	card := f.card(f.holder("rev@example.com"), uqpay.ProductSingle, 20)
	ok, err := f.sdk.SimulateAuthorization(f.ctx, auth(card, 5, "Shop"))
	require.NoError(t, err)
	declined, err := f.sdk.SimulateAuthorization(f.ctx, auth(card, 50, "Shop"))
	require.NoError(t, err)
	rev, err := f.sdk.SimulateReversal(f.ctx, &ReversalRequest{TransactionID: ok.TransactionID})
	require.NoError(t, err)
	assert.Equal(t, "REVERSAL", rev.TransactionType)
	assert.Equal(t, "APPROVED", rev.TransactionStatus)
	assert.InDelta(t, 20, rev.CardAvailableBalance, 0)
	tests := []struct {
		name    string
		id      string
		wantMsg string
	}{
		{name: "twice", id: ok.TransactionID, wantMsg: "already reversed"},
		{name: "a decline", id: declined.TransactionID, wantMsg: "only approved authorizations"},
		{name: "a reversal", id: rev.TransactionID, wantMsg: "only approved authorizations"},
		{name: "unknown", id: "5135e6cc-28b6-4889-81dc-3b86a09e1395", wantMsg: "not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.sdk.SimulateReversal(f.ctx, &ReversalRequest{TransactionID: tt.id})
			e := apiErr(t, err)
			assert.Equal(t, http.StatusBadRequest, e.StatusCode)
			assert.Contains(t, e.Message, tt.wantMsg)
		})
	}
	list, err := f.sdk.ListTransactions(f.ctx, &ListTransactionsRequest{PageSize: 10, PageNumber: 1, CardID: card})
	require.NoError(t, err)
	assert.Equal(t, 3, list.TotalItems, "authorization, decline, reversal")
	f.s.CheckLedger(t)
}

func TestOneTimeCards(t *testing.T) {
	t.Parallel()
	t.Run("on auth", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		start := f.s.Balance("USD").Available
		cr, err := f.sdk.CreateCard(f.ctx, &CreateCardRequest{CardholderID: f.holder("ot@example.com"), CardProductID: uqpay.ProductSingle,
			CardCurrency: "USD", CardLimit: ptr(30.0), UsageType: ptr("ONE_TIME"), AutoCancelTrigger: ptr("ON_AUTH")})
		require.NoError(t, err)
		f.flush()
		r, err := f.sdk.SimulateAuthorization(f.ctx, auth(cr.CardID, 12, "Shop"))
		require.NoError(t, err)
		require.Equal(t, "APPROVED", r.TransactionStatus)
		f.s.CheckCardStatus(t, cr.CardID, uqpay.StatusCancelled)
		assert.Equal(t, start.Sub(mustDec("12")).String(), f.s.Balance("USD").Available.String(), "the unused 18 was released")
		_, err = f.sdk.SimulateAuthorization(f.ctx, auth(cr.CardID, 1, "Shop"))
		assert.Contains(t, apiErr(t, err).Message, "Card does not exists")
		_, err = f.s.Clock.Advance(24 * time.Hour)
		require.NoError(t, err)
		f.s.CheckLedger(t)
	})
	t.Run("on capture", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		cr, err := f.sdk.CreateCard(f.ctx, &CreateCardRequest{CardholderID: f.holder("oc@example.com"), CardProductID: uqpay.ProductShare,
			CardCurrency: "USD", CardLimit: ptr(30.0), UsageType: ptr("ONE_TIME"), AutoCancelTrigger: ptr("ON_CAPTURE")})
		require.NoError(t, err)
		f.flush()
		_, err = f.sdk.SimulateAuthorization(f.ctx, auth(cr.CardID, 12, "Shop"))
		require.NoError(t, err)
		f.s.CheckCardStatus(t, cr.CardID, uqpay.StatusActive)
		_, err = f.s.Clock.Advance(24 * time.Hour)
		require.NoError(t, err)
		f.s.CheckCardStatus(t, cr.CardID, uqpay.StatusCancelled)
		f.s.CheckLedger(t)
	})
	t.Run("at expiry_at", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		cr, err := f.sdk.CreateCard(f.ctx, &CreateCardRequest{CardholderID: f.holder("oe@example.com"), CardProductID: uqpay.ProductSingle,
			CardCurrency: "USD", CardLimit: ptr(30.0), UsageType: ptr("ONE_TIME"), AutoCancelTrigger: ptr("ON_AUTH"),
			ExpiryAt: ptr("2026-01-02T08:00:00+08:00")})
		require.NoError(t, err)
		f.flush()
		_, err = f.s.Clock.Advance(24*time.Hour - time.Second)
		require.NoError(t, err)
		f.s.CheckCardStatus(t, cr.CardID, uqpay.StatusActive)
		_, err = f.s.Clock.Advance(time.Second)
		require.NoError(t, err)
		f.s.CheckCardStatus(t, cr.CardID, uqpay.StatusCancelled)
		f.s.CheckBalance(t, "USD", "100000")
	})
}

func TestUnsolicitedRefund(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	card := f.card(f.holder("ur@example.com"), uqpay.ProductSingle, 10)
	raw, err := core.ProviderOf(f.s.Host).Create("default", "transactions", json.RawMessage(`{"card_id":"`+card+`","transaction_type":"REFUND","amount":"7.5","unsolicited":true}`))
	require.NoError(t, err)
	refund := raw.(uqpay.Transaction)
	assert.Equal(t, "PENDING", refund.Status)
	f.s.CheckCardAvailable(t, card, "10")
	r, err := f.sdk.ClaimUnsolicitedRefund(f.ctx, &ClaimUnsolicitedRefundRequest{RelatedTransactionID: refund.ID, Remark: "ours"})
	require.NoError(t, err)
	assert.Equal(t, "SUCCESS", r.RequestStatus)
	f.s.CheckCardAvailable(t, card, "17.5")
	_, err = f.sdk.ClaimUnsolicitedRefund(f.ctx, &ClaimUnsolicitedRefundRequest{RelatedTransactionID: refund.ID})
	assert.Contains(t, apiErr(t, err).Message, "already claimed")
	_, err = f.sdk.ClaimUnsolicitedRefund(f.ctx, &ClaimUnsolicitedRefundRequest{RelatedTransactionID: "nope"})
	assert.Equal(t, FlexibleCode("transaction_not_found"), apiErr(t, err).Code)
	evs := byType(f.events(), "issuing.transaction.refund")
	require.Len(t, evs, 1)
	assert.Equal(t, refund.ID, evs[0].SourceID)
	f.s.CheckLedger(t)
}

func TestTransactionListWindow(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	card := f.card(f.holder("w@example.com"), uqpay.ProductSingle, 100)
	for i := 0; i < 3; i++ {
		_, err := f.sdk.SimulateAuthorization(f.ctx, auth(card, 1, "Shop"))
		require.NoError(t, err)
		_, err = f.s.Clock.Advance(24 * time.Hour)
		require.NoError(t, err)
	}
	list, err := f.sdk.ListTransactions(f.ctx, &ListTransactionsRequest{PageSize: 10, PageNumber: 1,
		StartTime: "2026-01-02T00:00:00+08:00", EndTime: "2026-01-02T23:59:59+08:00"})
	require.NoError(t, err)
	assert.Equal(t, 1, list.TotalItems)
	_, err = f.sdk.ListTransactions(f.ctx, &ListTransactionsRequest{PageSize: 10, PageNumber: 1, StartTime: "yesterday"})
	assert.Contains(t, apiErr(t, err).Message, "start_time")
	_, err = f.sdk.ListTransactions(f.ctx, &ListTransactionsRequest{PageSize: 10, PageNumber: 1,
		StartTime: "2026-01-03T00:00:00+08:00", EndTime: "2026-01-02T00:00:00+08:00"})
	assert.Contains(t, apiErr(t, err).Message, "before start_time")
}

func TestForeignCurrencyAuthorization(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	cr, err := f.sdk.CreateCard(f.ctx, &CreateCardRequest{CardholderID: f.holder("fx@example.com"), CardProductID: uqpay.ProductSingle,
		CardCurrency: "SGD", CardLimit: ptr(100.0)})
	require.NoError(t, err)
	f.flush()
	r, err := f.sdk.SimulateAuthorization(f.ctx, auth(cr.CardID, 10, "Shop"))
	require.NoError(t, err)
	assert.Equal(t, "SGD", r.BillingCurrency)
	assert.InDelta(t, 13.5, r.BillingAmount, 0)
	assert.InDelta(t, 10, r.TransactionAmount, 0)
	assert.Equal(t, "USD", r.TransactionCurrency)
}

// TestReversedAuthorizationReadsReversed pins issue 13's third UQPay bug:
// a reversed authorization still read APPROVED and UNSETTLED a month
// later. It reads REVERSED (the SDK's TransactionStatusReversed), never
// settles, and its settlement_status is NOT_APPLICABLE; the REVERSAL that
// undid it is APPROVED.
func TestReversedAuthorizationReadsReversed(t *testing.T) {
	t.Parallel()
	f := newFixture(t, uqpay.WithSettlementDelay(24*time.Hour))
	card := f.card(f.holder("reversed@example.com"), uqpay.ProductShare, 0)
	a, err := f.sdk.SimulateAuthorization(f.ctx, auth(card, 30, "Coffee Lab"))
	require.NoError(t, err)
	require.Equal(t, "APPROVED", a.TransactionStatus)
	rev, err := f.sdk.SimulateReversal(f.ctx, &ReversalRequest{TransactionID: a.TransactionID})
	require.NoError(t, err)
	_, err = f.s.Clock.Advance(30 * 24 * time.Hour)
	require.NoError(t, err)

	status, b := f.get("/api/v1/issuing/transactions/" + a.TransactionID)
	require.Equal(t, http.StatusOK, status, "%s", b)
	var got struct {
		Status     string `json:"transaction_status"`
		Settlement string `json:"settlement_status"`
	}
	require.NoError(t, json.Unmarshal(b, &got))
	assert.Equal(t, "REVERSED", got.Status)
	assert.Equal(t, "NOT_APPLICABLE", got.Settlement)
	r, err := f.sdk.GetTransaction(f.ctx, rev.TransactionID)
	require.NoError(t, err)
	assert.Equal(t, "REVERSAL", r.TransactionType)
	assert.Equal(t, "APPROVED", r.TransactionStatus)
	list, err := f.sdk.ListTransactions(f.ctx, &ListTransactionsRequest{PageSize: 10, PageNumber: 1, CardID: card})
	require.NoError(t, err)
	require.Len(t, list.Data, 2)
	assert.Equal(t, "REVERSED", list.Data[1].TransactionStatus, "the list says so too")
	_, err = f.sdk.SimulateReversal(f.ctx, &ReversalRequest{TransactionID: a.TransactionID})
	assert.Contains(t, apiErr(t, err).Message, "was already reversed")
	f.s.CheckBalance(t, "USD", "100000")
	f.s.CheckLedger(t)
}

// TestTimeWindowsCompareAtTheDisplayedSecond: records keep the clock's
// sub-seconds while every answer shows their times to the second, so a
// start_time or end_time equal to a record's displayed time includes it
// (issue 13), and a window a second before it does not.
func TestTimeWindowsCompareAtTheDisplayedSecond(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	card := f.card(f.holder("window@example.com"), uqpay.ProductShare, 0)
	_, err := f.s.Clock.Advance(90*time.Minute + 1500*time.Millisecond) // a time with half a second
	require.NoError(t, err)
	a, err := f.sdk.SimulateAuthorization(f.ctx, auth(card, 7, "Coffee Lab"))
	require.NoError(t, err)
	shown := a.TransactionTime // "2026-01-01T09:30:01+08:00"
	at, err := time.Parse(time.RFC3339, shown)
	require.NoError(t, err)
	require.Equal(t, 0, at.Nanosecond())
	before := at.Add(-time.Second).Format(time.RFC3339)

	tests := []struct {
		name       string
		start, end string
		want       int
	}{
		{name: "end_time equal to the displayed time", end: shown, want: 1},
		{name: "start_time and end_time both equal to it", start: shown, end: shown, want: 1},
		{name: "start_time equal to it", start: shown, want: 1},
		{name: "in the spaced layout", start: at.In(time.FixedZone("", 8*3600)).Format("2006-01-02 15:04:05"), end: shown, want: 1},
		{name: "end_time a second earlier", end: before, want: 0},
		{name: "start_time a second later", start: at.Add(time.Second).Format(time.RFC3339), want: 0},
		{name: "an end_time centuries away", end: "2999-12-31T23:59:59+08:00", want: 1},
	}
	for _, tt := range tests {
		list, err := f.sdk.ListTransactions(f.ctx, &ListTransactionsRequest{PageSize: 10, PageNumber: 1, CardID: card,
			StartTime: tt.start, EndTime: tt.end})
		require.NoError(t, err, tt.name)
		assert.Len(t, list.Data, tt.want, "transactions: %s", tt.name)
		rows, err := f.sdk.ListBalanceTransactions(f.ctx, 10, 1, tt.start, tt.end)
		require.NoError(t, err, tt.name)
		holds := 0
		for _, r := range rows.Data {
			if r.TransactionType == "ISSUING_AUTHORIZATION" {
				holds++
			}
		}
		assert.Equal(t, tt.want, holds, "balance transactions: %s", tt.name)
	}
	_, err = f.s.Clock.Advance(25 * time.Hour) // settled
	require.NoError(t, err)
	rep, err := f.s.CreateReport("", uqpay.ReportSettlement, at, at)
	require.NoError(t, err)
	_, err = f.s.Clock.Advance(time.Minute)
	require.NoError(t, err)
	csv, err := f.sdk.DownloadReport(f.ctx, rep.ID)
	require.NoError(t, err)
	assert.Contains(t, string(csv), a.TransactionID, "a report whose window is the displayed second holds it")
}
