package uqpay_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// event sends a card event the way the admin API does and returns what it
// answers (the transaction in REST's shape, checked against its contract).
func (f *fixture) event(card string, ev core.CardEvent) map[string]any {
	f.t.Helper()
	out, err := core.ProviderOf(f.s.Host).CardEvent("default", card, ev)
	require.NoError(f.t, err)
	b, err := json.Marshal(out)
	require.NoError(f.t, err)
	contracts.Validate(f.t, "uqpay/transaction_retrieve.response.json", b)
	return decodeJSON[map[string]any](f.t, b)
}

func (f *fixture) eventErr(card string, ev core.CardEvent) error {
	f.t.Helper()
	_, err := core.ProviderOf(f.s.Host).CardEvent("default", card, ev)
	return err
}

// lifecycleFixture is a fixture whose authorizations wait for card events
// to clear them (manual clearing), with a SINGLE card holding 100 USD.
func lifecycleFixture(t *testing.T, opts ...uqpay.Option) (*fixture, string) {
	t.Helper()
	f := newFixture(t, append([]uqpay.Option{uqpay.WithManualClearing(true)}, opts...)...)
	return f, f.card(f.holder("life@example.com"), uqpay.ProductSingle, 100)
}

func TestCardEventClearAboveAndBelow(t *testing.T) {
	t.Parallel()
	f, card := lifecycleFixture(t)
	a := f.event(card, core.CardEvent{Type: core.EventAuthorize, Amount: "40", Merchant: core.EventMerchant{Name: "Bistro", MCC: "5812"}})
	assert.Equal(t, "APPROVED", a["transaction_status"])
	assert.Equal(t, "UNSETTLED", a["settlement_status"])
	f.s.CheckCardAvailable(t, card, "60")

	st := f.event(card, core.CardEvent{Type: core.EventClear, Transaction: a["transaction_id"].(string), Amount: "46.5"})
	assert.Equal(t, "SETTLEMENT_DEBIT", st["transaction_type"], "a tip: the difference is debited")
	assert.Equal(t, "6.50", st["billing_amount"])
	assert.Equal(t, a["transaction_id"], st["original_transaction_id"])
	assert.Equal(t, "SETTLED", st["settlement_status"])
	f.s.CheckCardAvailable(t, card, "53.5")
	got, _ := f.sdk.GetTransaction(f.ctx, a["transaction_id"].(string))
	assert.Equal(t, "APPROVED", got.TransactionStatus)

	b := f.event(card, core.CardEvent{Type: core.EventAuthorize, Amount: "20", Currency: "USD"})
	cr := f.event(card, core.CardEvent{Type: core.EventClear, Transaction: b["transaction_id"].(string), Amount: "27", Currency: "SGD"})
	assert.Equal(t, "AUTHORIZATION", cr["transaction_type"], "27 SGD is 20 USD at 1.35: no difference, the authorization settles")
	assert.Equal(t, "SETTLED", cr["settlement_status"])
	f.s.CheckCardAvailable(t, card, "33.5")

	evs := f.events()
	assert.Len(t, byType(evs, "issuing.transaction.settlement.debit"), 1)
	f.s.CheckLedger(t)
	assert.ErrorContains(t, f.eventErr(card, core.CardEvent{Type: core.EventClear, Transaction: a["transaction_id"].(string)}),
		"has settled")
}

func TestCardEventClearCredit(t *testing.T) {
	t.Parallel()
	f, card := lifecycleFixture(t)
	a := f.event(card, core.CardEvent{Type: core.EventAuthorize, Amount: "50"})
	cr := f.event(card, core.CardEvent{Type: core.EventClear, Transaction: a["transaction_id"].(string), Amount: "45.25"})
	assert.Equal(t, "SETTLEMENT_CREDIT", cr["transaction_type"])
	assert.Equal(t, "4.75", cr["billing_amount"])
	f.s.CheckCardAvailable(t, card, "54.75")
	assert.Len(t, byType(f.events(), "issuing.transaction.settlement.credit"), 1)
	f.s.CheckLedger(t)
}

func TestCardEventReversals(t *testing.T) {
	t.Parallel()
	f, card := lifecycleFixture(t)
	a := f.event(card, core.CardEvent{Type: core.EventAuthorize, Amount: "30"})
	id := a["transaction_id"].(string)
	r := f.event(card, core.CardEvent{Type: core.EventReverse, Transaction: id, Amount: "10"})
	assert.Equal(t, "REVERSAL", r["transaction_type"])
	assert.Equal(t, "10.00", r["billing_amount"])
	f.s.CheckCardAvailable(t, card, "80")
	partly, _ := f.sdk.GetTransaction(f.ctx, id)
	assert.Equal(t, "APPROVED", partly.TransactionStatus, "a partial reversal leaves the rest authorized")

	assert.ErrorContains(t, f.eventErr(card, core.CardEvent{Type: core.EventReverse, Transaction: id, Amount: "25"}), "holds 20")
	f.event(card, core.CardEvent{Type: core.EventReverse, Transaction: id})
	whole, _ := f.sdk.GetTransaction(f.ctx, id)
	assert.Equal(t, "REVERSED", whole.TransactionStatus)
	f.s.CheckCardAvailable(t, card, "100")
	assert.Len(t, byType(f.events(), "issuing.transaction.reversal"), 2)
	f.s.CheckLedger(t)
}

// TestCardEventExpiry: an authorization never cleared reverses when its
// window ends, on the business clock, and reads REVERSED.
func TestCardEventExpiry(t *testing.T) {
	t.Parallel()
	f, card := lifecycleFixture(t, uqpay.WithAuthExpiry(72*time.Hour))
	a := f.event(card, core.CardEvent{Type: core.EventAuthorize, Amount: "25"})
	id := a["transaction_id"].(string)
	_, err := f.s.Clock.Advance(71 * time.Hour)
	require.NoError(t, err)
	f.s.CheckCardAvailable(t, card, "75")
	_, err = f.s.Clock.Advance(2 * time.Hour)
	require.NoError(t, err)
	f.s.CheckCardAvailable(t, card, "100")
	got, err := f.sdk.GetTransaction(f.ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "REVERSED", got.TransactionStatus)
	list, err := f.sdk.ListTransactions(f.ctx, &ListTransactionsRequest{PageSize: 10, PageNumber: 1, CardID: card})
	require.NoError(t, err)
	require.Len(t, list.Data, 2)
	assert.Equal(t, "REVERSAL", list.Data[0].TransactionType)
	assert.Equal(t, "Authorization expired", list.Data[0].Description)
	assert.Equal(t, "2026-01-04T08:00:00+08:00", list.Data[0].TransactionTime, "stamped when the window ended")
	_, raw := f.get("/api/v1/issuing/transactions?page_size=10&page_number=1&card_id=" + card)
	assert.Contains(t, string(raw), `"settlement_status":"NOT_APPLICABLE"`, "lists carry settlement_status too")

	b := f.event(card, core.CardEvent{Type: core.EventAuthorize, Amount: "5"})
	e := f.event(card, core.CardEvent{Type: core.EventExpire, Transaction: b["transaction_id"].(string)})
	assert.Equal(t, "Authorization expired", e["description"])
	f.s.CheckLedger(t)
}

func TestCardEventRefundAndChargeback(t *testing.T) {
	t.Parallel()
	f, card := lifecycleFixture(t)
	a := f.event(card, core.CardEvent{Type: core.EventAuthorize, Amount: "60"})
	id := a["transaction_id"].(string)
	assert.ErrorContains(t, f.eventErr(card, core.CardEvent{Type: core.EventRefund, Transaction: id}), "not a cleared authorization")
	f.event(card, core.CardEvent{Type: core.EventClear, Transaction: id})
	f.s.CheckCardAvailable(t, card, "40")

	r := f.event(card, core.CardEvent{Type: core.EventRefund, Transaction: id, Amount: "15"})
	assert.Equal(t, "REFUND", r["transaction_type"])
	assert.Equal(t, "APPROVED", r["transaction_status"])
	f.s.CheckCardAvailable(t, card, "55")

	cb := f.event(card, core.CardEvent{Type: core.EventChargeback, Transaction: id})
	assert.Equal(t, "CHARGEBACK_CREDIT", cb["transaction_type"])
	assert.Equal(t, "45.00", cb["billing_amount"], "what the refund left")
	f.s.CheckCardAvailable(t, card, "100")
	assert.ErrorContains(t, f.eventErr(card, core.CardEvent{Type: core.EventRefund, Transaction: id}), "nothing of")

	rep := f.event(card, core.CardEvent{Type: core.EventChargeback, Transaction: cb["transaction_id"].(string), Amount: "20"})
	assert.Equal(t, "CHARGEBACK_DEBIT", rep["transaction_type"], "the merchant re-presented part of it")
	f.s.CheckCardAvailable(t, card, "80")

	evs := f.events()
	assert.Len(t, byType(evs, "issuing.transaction.refund"), 1)
	assert.Len(t, byType(evs, "issuing.transaction.chargeback.credit"), 1)
	assert.Len(t, byType(evs, "issuing.transaction.chargeback.debit"), 1)
	f.s.CheckLedger(t)
}

func TestCardEventIncrementAndPartialApproval(t *testing.T) {
	t.Parallel()
	f, card := lifecycleFixture(t)
	a := f.event(card, core.CardEvent{Type: core.EventAuthorize, Amount: "80", Approve: "50"})
	assert.Equal(t, "APPROVED", a["transaction_status"])
	assert.Equal(t, "50.00", a["transaction_amount"], "approved for what was approved")
	assert.Contains(t, a["description"], "partial approval: 80 USD requested")
	id := a["transaction_id"].(string)
	inc := f.event(card, core.CardEvent{Type: core.EventIncrement, Transaction: id, Amount: "10"})
	assert.Equal(t, "AUTHORIZATION", inc["transaction_type"])
	assert.Equal(t, id, inc["original_transaction_id"])
	assert.Equal(t, "Incremental authorization", inc["description"])
	f.s.CheckCardAvailable(t, card, "40")
	f.event(card, core.CardEvent{Type: core.EventClear, Transaction: id})
	got, _ := f.sdk.GetTransaction(f.ctx, inc["transaction_id"].(string))
	require.NotNil(t, got)
	f.s.CheckCardAvailable(t, card, "40")
	tx, _ := f.s.Transaction(id)
	assert.Equal(t, "60", tx.Cleared.String(), "the authorization cleared with its increment")
	f.s.CheckLedger(t)
}

func TestCardEventDeclines(t *testing.T) {
	t.Parallel()
	f, card := lifecycleFixture(t)
	for _, name := range []string{"1159", "1154 - Expired Card", "Invalid CVV2", "auth.decline.limit"} {
		d := f.event(card, core.CardEvent{Type: core.EventAuthorize, Amount: "5", Decline: name})
		assert.Equal(t, "DECLINED", d["transaction_status"], name)
	}
	f.s.CheckCardAvailable(t, card, "100")
	assert.ErrorContains(t, f.eventErr(card, core.CardEvent{Type: core.EventAuthorize, Amount: "5", Decline: "9999"}),
		"is not one of UQPay's reasons")
	assert.ErrorContains(t, f.eventErr(card, core.CardEvent{Type: "teleport"}), "want one of authorize, increment")
	assert.ErrorContains(t, f.eventErr(card, core.CardEvent{Type: core.EventClear}), "needs transaction")
	assert.ErrorContains(t, f.eventErr(card, core.CardEvent{Type: core.EventAuthorize, Amount: "-1"}), "positive decimal")
	assert.ErrorContains(t, f.eventErr(card, core.CardEvent{Type: core.EventAuthorize, Amount: "1", Kind: "lottery"}), "kind")
	assert.Len(t, core.ProviderOf(f.s.Host).Declines(), 7)
}

func TestCardEventKinds(t *testing.T) {
	t.Parallel()
	f, d := decisionFixture(t, uqpay.WithManualClearing(true))
	card := f.card(f.holder("kinds@example.com"), uqpay.ProductSingle, 100)
	for _, kind := range []string{"purchase", "atm", "transfer_out", "refund"} {
		f.event(card, core.CardEvent{Type: core.EventAuthorize, Amount: "5", Kind: kind})
	}
	reqs, _ := d.got()
	require.Len(t, reqs, 4)
	var types []string
	for _, r := range reqs {
		types = append(types, string(r["transaction_type"].(json.Number)))
	}
	assert.Equal(t, []string{"1000", "1200", "1100", "2000"}, types)
	f.s.CheckCardAvailable(t, card, "90") // three debits of 5 and a refund of 5

	first, _ := f.s.Transactions(card), 0
	inc := f.event(card, core.CardEvent{Type: core.EventIncrement, Transaction: first[0].ID, Amount: "2"})
	reqs, _ = d.got()
	assert.Equal(t, "5", reqs[4]["auth_amount"], "an increment names what was authorized before it")
	assert.Equal(t, "APPROVED", inc["transaction_status"])
	f.s.CheckLedger(t)
}

func TestCardFees(t *testing.T) {
	t.Parallel()
	f := newFixture(t, uqpay.WithCardFee(uqpay.Virtual, "1"))
	card := f.card(f.holder("fee@example.com"), uqpay.ProductSingle, 1.5)
	f.s.CheckCardAvailable(t, card, "0.5")
	_, err := f.s.Clock.Advance(31 * 24 * time.Hour)
	require.NoError(t, err)
	f.s.CheckCardAvailable(t, card, "0.5")
	fees := byType(f.events(), "issuing.fee.card")
	require.Len(t, fees, 2)
	assert.Contains(t, string(fees[0].Data), `"remark":"deduct virtual card [`)
	assert.Contains(t, string(fees[0].Data), `"transaction_status":"APPROVED"`)
	assert.Contains(t, string(fees[1].Data), `"transaction_status":"DECLINED"`, "0.50 cannot pay the second month")
	list, err := f.sdk.ListTransactions(f.ctx, &ListTransactionsRequest{PageSize: 10, PageNumber: 1, CardID: card})
	require.NoError(t, err)
	assert.Equal(t, "FEE", list.Data[0].TransactionType)
	f.s.CheckLedger(t)
}

func TestWalletTypeAndCardHistory(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	card := f.card(f.holder("wallet@example.com"), uqpay.ProductShare, 0)
	out, err := core.ProviderOf(f.s.Host).Create("default", "transactions", json.RawMessage(`{"card_id":"`+card+`","amount":"3","wallet_type":"ApplePay"}`))
	require.NoError(t, err)
	got, err := f.sdk.GetTransaction(f.ctx, out.(uqpay.Transaction).ID)
	require.NoError(t, err)
	require.NotNil(t, got.WalletType)
	assert.Equal(t, "ApplePay", *got.WalletType)
	evs := byType(f.events(), "issuing.transaction.authorization")
	require.Len(t, evs, 1)
	assert.Contains(t, string(evs[0].Data), `"wallet_type":"ApplePay"`)

	require.NoError(t, f.s.FreezeCard(card))
	require.NoError(t, f.s.UnfreezeCard(card))
	c, _ := f.s.Card(card)
	var statuses []uqpay.CardStatus
	for _, h := range c.History {
		statuses = append(statuses, uqpay.CardStatus(h.To))
		assert.NotEmpty(t, h.Cause)
	}
	assert.Equal(t, []uqpay.CardStatus{uqpay.StatusPending, uqpay.StatusActive, uqpay.StatusFrozen, uqpay.StatusActive}, statuses)
}

// TestSpendingControlCountsWhatIsHeld: a spending control counts what an
// authorization still holds (a partial reversal gives room back), and an
// increment counts once, with its authorization.
func TestSpendingControlCountsWhatIsHeld(t *testing.T) {
	t.Parallel()
	f := newFixture(t, uqpay.WithManualClearing(true))
	c, err := f.s.AddCard(uqpay.Card{Balance: mustDec("500"), SpendingControls: []uqpay.SpendingControl{{Amount: mustDec("50"), Interval: "DAILY"}}})
	require.NoError(t, err)
	a := f.event(c.ID, core.CardEvent{Type: core.EventAuthorize, Amount: "40"})
	f.event(c.ID, core.CardEvent{Type: core.EventReverse, Transaction: a["transaction_id"].(string), Amount: "30"})
	f.event(c.ID, core.CardEvent{Type: core.EventIncrement, Transaction: a["transaction_id"].(string), Amount: "5"})
	ok := f.event(c.ID, core.CardEvent{Type: core.EventAuthorize, Amount: "35"})
	assert.Equal(t, "APPROVED", ok["transaction_status"], "10 held + 5 increment + 35 = 50")
	no := f.event(c.ID, core.CardEvent{Type: core.EventAuthorize, Amount: "0.01"})
	assert.Equal(t, "1121 - Exceeds Spending Limit", no["description"])
	f.s.CheckLedger(t)
}

// TestCardEventsSurviveASnapshot: an open authorization, its increment,
// its expiry on the agenda and a card's history come back from a
// snapshot, and the restored tenant carries on.
func TestCardEventsSurviveASnapshot(t *testing.T) {
	t.Parallel()
	f, card := lifecycleFixture(t, uqpay.WithAuthExpiry(48*time.Hour))
	a := f.event(card, core.CardEvent{Type: core.EventAuthorize, Amount: "30"})
	id := a["transaction_id"].(string)
	f.event(card, core.CardEvent{Type: core.EventIncrement, Transaction: id, Amount: "5"})
	p := core.ProviderOf(f.s.Host)
	snap, err := p.Snapshot("default")
	require.NoError(t, err)

	s2 := uqpay.RunT(t, uqpay.WithManualClearing(true))
	require.NoError(t, core.ProviderOf(s2.Host).Restore(&core.Tenant{ID: "default", Seed: 1, Clock: s2.Clock}, snap))
	c, ok := s2.Card(card)
	require.True(t, ok)
	assert.NotEmpty(t, c.History)
	s2.CheckCardAvailable(t, card, "65")
	_, err = s2.Clock.Advance(49 * time.Hour)
	require.NoError(t, err)
	s2.CheckCardAvailable(t, card, "100") // the expiry came back with the agenda
	tx, ok := s2.Transaction(id)
	require.True(t, ok)
	assert.Equal(t, uqpay.TxnReversed, tx.Status)
	s2.CheckLedger(t)
}
