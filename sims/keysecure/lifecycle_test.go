package keysecure_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/keysecure"
)

// creditCard returns a server with a credit-extension card on
// PKG-VIRTUAL-PLUS (1.5% consumption fee, 2% ATM fee) whose cardholder
// holds balance.
func creditCard(t *testing.T, balance string, opts ...keysecure.Option) (*keysecure.Server, keysecure.Card) {
	t.Helper()
	ks := runT(t, opts...)
	h, err := ks.AddCardholder(keysecure.Cardholder{Balance: core.MustDecimal(balance)})
	require.NoError(t, err)
	card, err := ks.AddCard(keysecure.Card{CardholderNo: h.ID, PackageNo: "PKG-VIRTUAL-PLUS"})
	require.NoError(t, err)
	return ks, card
}

func event(typ, tx, amount string) core.CardEvent {
	ev := core.CardEvent{Type: typ, Transaction: tx}
	setText(&ev.Amount, amount)
	return ev
}

func TestAuthorizationHoldsThenClears(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name        string
		clear       string
		wantAmount  string
		wantFee     string
		wantBalance string
		wantRemark  string
	}{
		{"for the authorized amount", "", "100", "1.5", "98.5", ""},
		{"above it: a tip", "120", "120", "1.8", "78.2", "Cleared 120.00 of 100.00 authorized"},
		{"below it", "80", "80", "1.2", "118.8", "Cleared 80.00 of 100.00 authorized"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ks, card := creditCard(t, "200")
			auth, err := ks.CardEvent(card.ID, authorize("100"))
			require.NoError(t, err)
			assert.Equal(t, keysecure.Pending, auth.Status)
			assert.Equal(t, keysecure.FundBalance, auth.Funding)
			assert.Equal(t, "1.5", auth.Fee().String(), "the fee is held with the amount")
			ks.CheckBalance(t, card.CardholderNo, "98.50")
			assert.Equal(t, "101.5", ks.Ledger().Held.String())
			ks.CheckMoney(t)

			c, err := ks.CardEvent(card.ID, event(core.EventClear, auth.ID, tt.clear))
			require.NoError(t, err)
			assert.Equal(t, keysecure.Success, c.Status)
			assert.Equal(t, tt.wantAmount, c.Amount.String())
			assert.Equal(t, tt.wantFee, c.Fee().String(), "the fee is charged on what cleared")
			assert.Equal(t, tt.wantRemark, c.Remark)
			ks.CheckBalance(t, card.CardholderNo, tt.wantBalance)
			m := ks.Ledger()
			assert.True(t, m.Held.IsZero())
			assert.Equal(t, tt.wantAmount, m.Settled.String(), "the difference moved exactly")
			assert.Equal(t, tt.wantFee, m.Fees.String())
			ks.CheckMoney(t)

			_, err = ks.CardEvent(card.ID, event(core.EventClear, auth.ID, ""))
			assert.ErrorContains(t, err, "is not an authorization awaiting clearing", "it clears once")
		})
	}
}

func TestClearingAboveTheBalanceIsForced(t *testing.T) {
	t.Parallel()
	ks, card := creditCard(t, "100")
	auth, err := ks.CardEvent(card.ID, authorize("90"))
	require.NoError(t, err)
	_, err = ks.CardEvent(card.ID, event(core.EventClear, auth.ID, "110"))
	require.NoError(t, err)
	ks.CheckBalance(t, card.CardholderNo, "-11.65")
	ks.CheckMoney(t)
}

func TestReversals(t *testing.T) {
	t.Parallel()
	ks, card := creditCard(t, "500")
	auth, err := ks.CardEvent(card.ID, authorize("200"))
	require.NoError(t, err)

	part, err := ks.CardEvent(card.ID, event(core.EventReverse, auth.ID, "50"))
	require.NoError(t, err)
	assert.Equal(t, keysecure.ConsumeReversal, part.Type)
	assert.Equal(t, auth.ID, part.RelateNo)
	assert.Equal(t, keysecure.Success, part.Status)
	orig, _ := ks.Consumption(auth.ID)
	assert.Equal(t, keysecure.Pending, orig.Status, "a partial reversal leaves the rest authorized")
	assert.Equal(t, "150", orig.Uncleared().String())
	assert.Equal(t, "152.25", orig.Hold.String(), "150 and its 1.5% fee")
	ks.CheckBalance(t, card.CardholderNo, "347.75")
	ks.CheckMoney(t)

	_, err = ks.CardEvent(card.ID, event(core.EventReverse, auth.ID, "150.01"))
	assert.ErrorContains(t, err, "exceeds what is left to return")

	full, err := ks.CardEvent(card.ID, event(core.EventReverse, auth.ID, ""))
	require.NoError(t, err)
	assert.Equal(t, "150", full.Amount.String(), "no amount reverses the rest")
	orig, _ = ks.Consumption(auth.ID)
	assert.Equal(t, keysecure.Success, orig.Status, "reversed in full is final")
	assert.Equal(t, "Reversed in full by "+full.ID, orig.Remark)
	assert.Empty(t, orig.Fees)
	ks.CheckBalance(t, card.CardholderNo, "500")
	ks.CheckMoney(t)

	_, err = ks.CardEvent(card.ID, event(core.EventRefund, auth.ID, ""))
	assert.ErrorContains(t, err, "nothing left to return", "nothing cleared, nothing to refund")
}

func TestPartialReversalThenClearing(t *testing.T) {
	t.Parallel()
	ks, card := creditCard(t, "300")
	auth, err := ks.CardEvent(card.ID, authorize("100"))
	require.NoError(t, err)
	_, err = ks.CardEvent(card.ID, event(core.EventReverse, auth.ID, "30"))
	require.NoError(t, err)
	c, err := ks.CardEvent(card.ID, event(core.EventClear, auth.ID, ""))
	require.NoError(t, err)
	assert.Equal(t, "100", c.Amount.String(), "30 reversed and 70 cleared: the Reversal's 30 nets it to 70")
	assert.Equal(t, "70", c.Cleared.String())
	ks.CheckBalance(t, card.CardholderNo, "228.95")
	ks.CheckMoney(t)
}

func TestAuthorizationExpires(t *testing.T) {
	t.Parallel()
	ks, card := creditCard(t, "100", keysecure.WithAuthExpiry(72*time.Hour))
	auth, err := ks.CardEvent(card.ID, authorize("40"))
	require.NoError(t, err)
	assert.Equal(t, core.TestEpoch.Add(72*time.Hour), auth.ExpiresAt)

	_, err = ks.Clock.Advance(72*time.Hour - time.Second)
	require.NoError(t, err)
	orig, _ := ks.Consumption(auth.ID)
	assert.Equal(t, keysecure.Pending, orig.Status, "not yet")

	_, err = ks.Clock.Advance(time.Second)
	require.NoError(t, err)
	orig, _ = ks.Consumption(auth.ID)
	assert.Equal(t, keysecure.Success, orig.Status)
	all := ks.Consumptions(card.ID)
	require.Len(t, all, 2)
	rev := all[1]
	assert.Equal(t, keysecure.ConsumeReversal, rev.Type)
	assert.Equal(t, "Authorization expired", rev.Remark)
	assert.Equal(t, "40", rev.Amount.String())
	assert.Equal(t, auth.ExpiresAt, rev.CreatedAt, "stamped at its due time")
	ks.CheckBalance(t, card.CardholderNo, "100")
	ks.CheckMoney(t)

	_, err = ks.CardEvent(card.ID, event(core.EventClear, auth.ID, ""))
	assert.ErrorContains(t, err, "not an authorization awaiting clearing", "an expired authorization no longer clears")
}

func TestExpireEventAndClearAfter(t *testing.T) {
	t.Parallel()
	ks, card := creditCard(t, "100", keysecure.WithClearAfter(time.Hour))
	a1, err := ks.CardEvent(card.ID, authorize("10"))
	require.NoError(t, err)
	a2, err := ks.CardEvent(card.ID, authorize("20"))
	require.NoError(t, err)
	rev, err := ks.CardEvent(card.ID, event(core.EventExpire, a2.ID, ""))
	require.NoError(t, err)
	assert.Equal(t, "Authorization expired", rev.Remark)

	_, err = ks.Clock.Advance(time.Hour)
	require.NoError(t, err)
	ks.CheckConsumption(t, a1.ID, keysecure.Success)
	c, _ := ks.Consumption(a1.ID)
	assert.Equal(t, "10", c.Cleared.String(), "cleared by itself after clear_after")
	assert.Equal(t, "10", ks.Ledger().Settled.String(), "the expired one settled nothing")
	ks.CheckMoney(t)
}

func TestRefundAfterClearing(t *testing.T) {
	t.Parallel()
	ks, card := creditCard(t, "100")
	auth, err := ks.CardEvent(card.ID, authorize("60"))
	require.NoError(t, err)
	_, err = ks.CardEvent(card.ID, event(core.EventRefund, auth.ID, "10"))
	assert.ErrorContains(t, err, "not cleared yet")

	_, err = ks.CardEvent(card.ID, event(core.EventClear, auth.ID, ""))
	require.NoError(t, err)
	ks.CheckBalance(t, card.CardholderNo, "39.10")
	r1, err := ks.CardEvent(card.ID, event(core.EventRefund, auth.ID, "25"))
	require.NoError(t, err)
	assert.Equal(t, keysecure.ConsumeRefund, r1.Type)
	assert.Equal(t, keysecure.Success, r1.Status)
	assert.Equal(t, auth.ID, r1.RelateNo)
	ks.CheckBalance(t, card.CardholderNo, "64.10")
	_, err = ks.CardEvent(card.ID, event(core.EventRefund, auth.ID, "35.01"))
	assert.ErrorContains(t, err, "exceeds what is left to return on "+auth.ID+" (35.00)")
	r2, err := ks.CardEvent(card.ID, event(core.EventRefund, auth.ID, ""))
	require.NoError(t, err)
	assert.Equal(t, "35", r2.Amount.String())
	ks.CheckBalance(t, card.CardholderNo, "99.10")
	assert.True(t, ks.Ledger().Settled.IsZero())
	assert.Equal(t, "0.9", ks.Ledger().Fees.String(), "the consumption fee is not refunded")
	ks.CheckMoney(t)
}

func TestRefundOfAMerchantFundedCard(t *testing.T) {
	t.Parallel()
	ks, _, card := authServer(t, nil)
	auth, err := ks.CardEvent(card.ID, authorize("30"))
	require.NoError(t, err)
	_, err = ks.CardEvent(card.ID, event(core.EventClear, auth.ID, "33"))
	require.NoError(t, err)
	assert.Equal(t, "33", ks.Ledger().MerchantFunded.String(), "the tip is the merchant's too")
	_, err = ks.CardEvent(card.ID, event(core.EventRefund, auth.ID, "13"))
	require.NoError(t, err)
	m := ks.Ledger()
	assert.Equal(t, "20", m.MerchantFunded.String(), "a refund goes back to the merchant")
	assert.Equal(t, "20", m.Settled.String())
	ks.CheckMoney(t)
}

func TestATMAuthorization(t *testing.T) {
	t.Parallel()
	ks, card := creditCard(t, "100")
	ev := authorize("50")
	ev.Kind = "atm"
	c, err := ks.CardEvent(card.ID, ev)
	require.NoError(t, err)
	assert.Equal(t, keysecure.ConsumeATM, c.Type)
	require.Len(t, c.Fees, 1)
	assert.Equal(t, keysecure.Fee{Type: "Atm_fee", Amount: core.MustDecimal("1")}, c.Fees[0])
	ks.CheckMoney(t)
}

func TestDeclineReasons(t *testing.T) {
	t.Parallel()
	for _, d := range keysecure.Declines() {
		t.Run(d.Code, func(t *testing.T) {
			t.Parallel()
			ks, card := creditCard(t, "100")
			ev := authorize("10")
			ev.Decline = d.Code
			c, err := ks.CardEvent(card.ID, ev)
			require.NoError(t, err)
			assert.Equal(t, keysecure.Failed, c.Status)
			assert.Equal(t, d.Code, c.DeclineCode)
			assert.Equal(t, d.Message, c.Remark)
			assert.Equal(t, keysecure.ByPlatform, c.Decision.By)
			ks.CheckBalance(t, card.CardholderNo, "100")
		})
	}
	t.Run("by its text", func(t *testing.T) {
		t.Parallel()
		ks, card := creditCard(t, "100")
		ev := authorize("10")
		ev.Decline = "declined by RISK control"
		c, err := ks.CardEvent(card.ID, ev)
		require.NoError(t, err)
		assert.Equal(t, keysecure.DeclineRisk, c.DeclineCode)
	})
	t.Run("insufficient balance on its own", func(t *testing.T) {
		t.Parallel()
		ks, card := creditCard(t, "10")
		c, err := ks.CardEvent(card.ID, authorize("9.90"))
		require.NoError(t, err)
		assert.Equal(t, "Insufficient balance", c.Remark, "9.90 and its 0.15 fee exceed 10")
		assert.Equal(t, keysecure.DeclineInsufficientBalance, c.DeclineCode)
	})
}

func TestEventsTheModelCannotCarry(t *testing.T) {
	t.Parallel()
	ks, card := creditCard(t, "100")
	auth, err := ks.CardEvent(card.ID, authorize("10"))
	require.NoError(t, err)
	takes := "it takes authorize, reverse, expire, clear, refund"
	for _, tt := range []struct {
		name string
		ev   core.CardEvent
		want string
	}{
		{"increment", event(core.EventIncrement, auth.ID, "5"), "increment is not published"},
		{"chargeback", event(core.EventChargeback, auth.ID, ""), "chargeback is not published"},
		{"unknown", event("capture", auth.ID, ""), "capture (unknown) is not a card event; " + takes},
		{"partial approval", core.CardEvent{Type: core.EventAuthorize, Amount: "10", Approve: "5"}, "partial approval is not published"},
		{"transfer out", core.CardEvent{Type: core.EventAuthorize, Amount: "10", Kind: "transfer_out"}, "kind transfer_out is not published"},
		{"unknown decline", core.CardEvent{Type: core.EventAuthorize, Amount: "10", Decline: "stolen"}, `decline "stolen": want one of card_inactive`},
		{"no amount", core.CardEvent{Type: core.EventAuthorize}, "amount is required"},
		{"bad amount", core.CardEvent{Type: core.EventAuthorize, Amount: "1.234"}, "at most 2 decimals"},
		{"no transaction", event(core.EventClear, "", ""), "clear needs transaction"},
		{"unknown transaction", event(core.EventReverse, "E404", ""), `transaction "E404"`},
		{"other currency", core.CardEvent{Type: core.EventClear, Transaction: auth.ID, Currency: "EUR"}, "is in USD"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ks.CardEvent(card.ID, tt.ev)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	_, err = ks.CardEvent(card.ID, event(core.EventIncrement, auth.ID, "5"))
	assert.ErrorContains(t, err, takes, "a refusal names the types the model takes")
	assert.Equal(t, core.KindInvalid, core.KindOf(err))
	ks.CheckMoney(t)
}

func TestTransactionOfAnotherCard(t *testing.T) {
	t.Parallel()
	ks, card := creditCard(t, "100")
	other, err := ks.AddCard(keysecure.Card{CardholderNo: card.CardholderNo})
	require.NoError(t, err)
	auth, err := ks.CardEvent(card.ID, authorize("10"))
	require.NoError(t, err)
	_, err = ks.CardEvent(other.ID, event(core.EventClear, auth.ID, ""))
	assert.ErrorContains(t, err, "is not a consumption of card "+other.ID)
}

func TestCallbacksFollowTheLifecycle(t *testing.T) {
	t.Parallel()
	ks, d, card := authServer(t, nil)
	auth, err := ks.CardEvent(card.ID, authorize("80"))
	require.NoError(t, err)
	_, err = ks.CardEvent(card.ID, event(core.EventReverse, auth.ID, "30"))
	require.NoError(t, err)
	_, err = ks.CardEvent(card.ID, event(core.EventClear, auth.ID, ""))
	require.NoError(t, err)
	_, err = ks.CardEvent(card.ID, event(core.EventRefund, auth.ID, "5"))
	require.NoError(t, err)
	ks.FlushWebhooks(context.Background())
	var got []string
	for _, cb := range d.consumptionCallbacks() {
		got = append(got, fmt.Sprint(cb["type"], " ", cb["status"], " ", cb["amount"]))
	}
	assert.Equal(t, []string{
		"Consumption Pending 80",
		"Reversal Success 30",
		"Consumption Success 80",
		"Refund Success 5",
	}, got)
	ks.CheckMoney(t)
}
