package uqpay_test

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// TestEveryWebhook makes the simulator send every event type it knows and
// checks each against its contract and the SDK's verifier.
func TestEveryWebhook(t *testing.T) {
	t.Parallel()
	f := newFixture(t, uqpay.WithOrderDelay(time.Second), uqpay.WithDepositDelay(time.Second), uqpay.WithCardFee(uqpay.Virtual, "1"))
	h := f.holder("wh@example.com")
	card := f.card(h, uqpay.ProductSingle, 20)
	_, err := f.sdk.UpdateCard(f.ctx, card, &CardUpdateRequest{Metadata: map[string]string{"a": "b"}})
	require.NoError(t, err)
	_, err = f.sdk.Recharge(f.ctx, card, &CardOrderRequest{Amount: 5})
	require.NoError(t, err)
	_, err = f.sdk.Withdraw(f.ctx, card, &CardOrderRequest{Amount: 5})
	require.NoError(t, err)
	_, err = f.s.Clock.Advance(time.Second)
	require.NoError(t, err)
	a, err := f.sdk.SimulateAuthorization(f.ctx, auth(card, 2, "Shop"))
	require.NoError(t, err)
	_, err = f.sdk.SimulateReversal(f.ctx, &ReversalRequest{TransactionID: a.TransactionID})
	require.NoError(t, err)
	refund, err := core.ProviderOf(f.s.Host).Create("default", "transactions", json.RawMessage(`{"card_id":"`+card+`","transaction_type":"REFUND","amount":"1"}`))
	require.NoError(t, err)
	require.Equal(t, "APPROVED", refund.(uqpay.Transaction).Status)
	lifecycle := func(ev core.CardEvent) uqpay.Transaction {
		t.Helper()
		x, err := f.s.CardEvent(card, ev)
		require.NoError(t, err)
		return x
	}
	tip := lifecycle(core.CardEvent{Type: core.EventAuthorize, Amount: "3"})
	debit := lifecycle(core.CardEvent{Type: core.EventClear, Transaction: tip.ID, Amount: "3.5"})
	require.Equal(t, uqpay.TxnSettlementDebit, debit.Type)
	fx := lifecycle(core.CardEvent{Type: core.EventAuthorize, Amount: "2"})
	require.Equal(t, uqpay.TxnSettlementCredit, lifecycle(core.CardEvent{Type: core.EventClear, Transaction: fx.ID, Amount: "1.5"}).Type)
	cb := lifecycle(core.CardEvent{Type: core.EventChargeback, Transaction: tip.ID, Amount: "1"})
	require.Equal(t, uqpay.TxnChargebackDebit, lifecycle(core.CardEvent{Type: core.EventChargeback, Transaction: cb.ID}).Type)
	require.Equal(t, uqpay.TxnSettlementReversal, lifecycle(core.CardEvent{Type: core.EventReverse, Transaction: fx.ID, Amount: "0.5"}).Type)

	_, err = f.sdk.UpdateCardStatus(f.ctx, card, &UpdateCardStatusRequest{CardStatus: "FROZEN"})
	require.NoError(t, err)
	require.NoError(t, f.s.BlockCard(card)) // UQPAY blocks it while the merchant's order is pending
	_, err = f.s.Clock.Advance(time.Second)
	require.NoError(t, err)
	f.s.CheckCardStatus(t, card, uqpay.StatusBlocked)

	second := f.card(h, uqpay.ProductSingle, 0)
	_, err = f.sdk.Recharge(f.ctx, second, &CardOrderRequest{Amount: 5})
	require.NoError(t, err)
	require.NoError(t, f.s.ExpireCard(second)) // cancelled before the recharge lands
	_, err = f.s.Clock.Advance(time.Second)
	require.NoError(t, err)

	failer, err := f.sdk.CreateCardholder(f.ctx, &CreateCardholderRequest{Email: "kyc.fail+x@mocksrv.test", PhoneNumber: "80000009",
		FirstName: "No", LastName: "Go", CountryCode: "SG"})
	require.NoError(t, err)
	_, err = f.sdk.CreateCard(f.ctx, &CreateCardRequest{CardholderID: failer.CardholderID, CardProductID: uqpay.ProductShare, CardCurrency: "USD"})
	require.NoError(t, err)
	_, err = f.sdk.SimulateDeposit(f.ctx, &CreateDepositRequest{Amount: 10, Currency: "USD", SenderSwiftCode: "WELGBE22"})
	require.NoError(t, err) // deposit.pending, and deposit.completed a second later
	rejected, err := f.sdk.SimulateDeposit(f.ctx, &CreateDepositRequest{Amount: 20, Currency: "USD", SenderSwiftCode: "WELGBE22"})
	require.NoError(t, err)
	require.NoError(t, f.s.DecideDeposit(rejected.DepositID, false)) // deposit.compliance.rejected
	_, err = f.s.Clock.Advance(time.Second)
	require.NoError(t, err)
	phy, err := f.sdk.AssignCard(f.ctx, &AssignCardRequest{CardholderID: h, CardNumber: "4096360800133951", CardCurrency: "USD", CardMode: "SHARE"})
	require.NoError(t, err)
	c, _ := f.s.Card(phy.CardID)
	_, err = f.sdk.ActivateCard(f.ctx, &ActivateCardRequest{CardID: phy.CardID, ActivationCode: c.ActivationCode, PIN: "864213"})
	require.NoError(t, err)

	seen := map[string]bool{}
	for _, e := range f.events() {
		seen[e.EventType] = true
		assert.Equal(t, "V1.6.0", e.Version)
		wantName := "ISSUING"
		if strings.HasPrefix(e.EventType, "deposit.") {
			wantName = "DEPOSIT"
		}
		assert.Equal(t, wantName, e.EventName, e.EventType)
		assert.Regexp(t, `^[0-9a-f-]{36}$`, e.EventID)
	}
	var got []string
	for k := range seen {
		got = append(got, k)
	}
	sort.Strings(got)
	want := append([]string(nil), uqpay.EventTypes...)
	sort.Strings(want)
	assert.Equal(t, want, got)
	f.s.CheckLedger(t)
}

func TestWebhookSignature(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.card(f.holder("sig@example.com"), uqpay.ProductShare, 0)
	f.flush()
	ds := f.rc.deliveries()
	require.Len(t, ds, 1)
	d := ds[0]
	ts, sig := d.Header.Get("x-wk-timestamp"), d.Header.Get("x-wk-signature")
	n, err := strconv.ParseInt(ts, 10, 64)
	require.NoError(t, err)
	assert.Less(t, n, int64(1_000_000_000_000), "seconds by default")
	assert.Equal(t, uqpay.WebhookSignature(f.s.WebhookSecret(), d.Body, ts), sig)
	assert.Len(t, sig, 128, "hex of a SHA-512")

	v := NewVerifier(f.s.WebhookSecret())
	_, err = v.ConstructEvent(d.Body, sig, ts)
	require.NoError(t, err)
	_, err = v.ConstructEvent(append(d.Body, ' '), sig, ts)
	assert.ErrorContains(t, err, "verification failed", "one trailing space breaks it")
	_, err = NewVerifier("another secret").ConstructEvent(d.Body, sig, ts)
	assert.ErrorContains(t, err, "verification failed")
	_, err = uqpay.VerifyWebhook(f.s.WebhookSecret(), d.Body, sig, ts, core.WallNow().Add(6*time.Minute), 5*time.Minute)
	assert.ErrorContains(t, err, "tolerance")
	_, err = uqpay.VerifyWebhook(f.s.WebhookSecret(), d.Body, "", ts, core.WallNow(), 5*time.Minute)
	assert.ErrorContains(t, err, "x-wk-signature")
	ev, err := uqpay.VerifyWebhook(f.s.WebhookSecret(), d.Body, sig, ts, core.WallNow(), 5*time.Minute)
	require.NoError(t, err)
	assert.Equal(t, "card.create.succeeded", ev.EventType)
}

func TestWebhookMillis(t *testing.T) {
	t.Parallel()
	f := newFixture(t, uqpay.WithWebhookMillis(true))
	f.card(f.holder("ms@example.com"), uqpay.ProductShare, 0)
	f.flush()
	ds := f.rc.deliveries()
	require.Len(t, ds, 1)
	ts, sig := ds[0].Header.Get("x-wk-timestamp"), ds[0].Header.Get("x-wk-signature")
	n, err := strconv.ParseInt(ts, 10, 64)
	require.NoError(t, err)
	assert.Greater(t, n, int64(1_000_000_000_000))
	_, err = uqpay.VerifyWebhook(f.s.WebhookSecret(), ds[0].Body, sig, ts, core.WallNow(), 5*time.Minute)
	require.NoError(t, err, "a millisecond-aware verifier accepts it")
	_, err = NewVerifier(f.s.WebhookSecret()).ConstructEvent(ds[0].Body, sig, ts)
	assert.ErrorContains(t, err, "tolerance", "the seconds-only SDK verifier does not: why seconds are the default")
}

func TestWebhookRetries(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.rc.mu.Lock()
	f.rc.code = http.StatusInternalServerError
	f.rc.mu.Unlock()
	f.card(f.holder("retry@example.com"), uqpay.ProductShare, 0)
	f.flush()
	require.Len(t, f.rc.deliveries(), 1)
	d := f.s.Deliveries()
	require.Len(t, d, 1)
	assert.Equal(t, core.DeliveryPending, d[0].State)
	f.rc.mu.Lock()
	f.rc.code = http.StatusOK
	f.rc.mu.Unlock()
	_, err := f.s.Clock.Advance(10 * time.Second)
	require.NoError(t, err)
	f.flush()
	assert.Len(t, f.rc.deliveries(), 2)
	assert.Equal(t, core.DeliveryDelivered, f.s.Deliveries()[0].State)
	f.s.CheckWebhook(t, "card.create.succeeded", "")
}
