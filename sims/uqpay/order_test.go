package uqpay_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// orderJSON is the Retrieve Card Order answer with the failure_code the
// SDK mirror does not read.
type orderJSON struct {
	OrderStatus  string `json:"order_status"`
	FailureCode  string `json:"failure_code"`
	CompleteTime string `json:"complete_time"`
}

// balanceRow finds the balance transaction of an order (or other
// reference) in the master account's state.
func balanceRow(t *testing.T, s *uqpay.Server, ref string) uqpay.BalanceTransaction {
	t.Helper()
	rows, err := s.BalanceTransactions("")
	require.NoError(t, err)
	for _, bt := range rows {
		if bt.Ref == ref {
			return bt
		}
	}
	require.Failf(t, "no balance transaction", "none refers to %s", ref)
	return uqpay.BalanceTransaction{}
}

// TestRechargeCompletingOnABlockedCardFails pins issue 13's first UQPay
// bug: a recharge order still PENDING when UQPAY blocks its card used to
// credit the blocked card when it completed. UQPay recharges only ACTIVE
// or FROZEN cards, so the order fails as a refused recharge does
// (card_status_invalid, card.recharge.failed) and the money goes back to
// the issuing balance.
func TestRechargeCompletingOnABlockedCardFails(t *testing.T) {
	t.Parallel()
	for _, action := range []string{"block", "lost", "stolen", "cancel"} {
		t.Run(action, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, uqpay.WithOrderDelay(2*time.Second))
			card := f.card(f.holder("blocked@example.com"), uqpay.ProductSingle, 100)
			f.events()
			o, err := f.sdk.Recharge(f.ctx, card, &CardOrderRequest{Amount: 50})
			require.NoError(t, err)
			require.Equal(t, "PENDING", o.OrderStatus)
			f.s.CheckBalance(t, "USD", "99850")
			_, err = core.ProviderOf(f.s.Host).CardAction(core.DefaultTenant, card, action)
			require.NoError(t, err)

			_, err = f.s.Clock.Advance(2 * time.Second)
			require.NoError(t, err)
			status, b := f.get("/api/v1/issuing/cards/" + o.CardOrderID + "/order")
			require.Equal(t, http.StatusOK, status, "%s", b)
			got := decodeJSON[orderJSON](t, b)
			assert.Equal(t, "FAILED", got.OrderStatus)
			assert.Equal(t, "card_status_invalid", got.FailureCode)
			f.s.CheckBalance(t, "USD", "99900") // the 50 came back
			assert.True(t, f.s.Balance("USD").Frozen.IsZero())
			c, _ := f.s.Card(card)
			assert.Equal(t, "100", c.Balance.String(), "the %s card was not credited", c.Status)
			row := balanceRow(t, f.s, o.CardOrderID)
			assert.Equal(t, "FAILED", row.Status)
			assert.Equal(t, "99900", row.Ending.String(), "the row ends where the returned money left the balance")
			evs := byType(f.events(), "card.recharge.failed")
			require.Len(t, evs, 1)
			d, err := evs[0].ParseCardRechargeData()
			require.NoError(t, err)
			assert.Equal(t, "FAILED", d.OrderStatus)
			assert.Empty(t, byType(f.events(), "card.recharge.succeeded"))
			f.s.CheckLedger(t)
		})
	}
}

// TestWithdrawRowEndsAtTheBalanceAfterCompletion pins issue 13's second
// UQPay bug: a CARD_WITHDRAW balance row kept the ending balance of its
// creation (99850.00) when the money only reached the balance at
// completion (99870.00).
func TestWithdrawRowEndsAtTheBalanceAfterCompletion(t *testing.T) {
	t.Parallel()
	f := newFixture(t, uqpay.WithOrderDelay(2*time.Second))
	card := f.card(f.holder("withdraw@example.com"), uqpay.ProductSingle, 150)
	f.s.CheckBalance(t, "USD", "99850")
	o, err := f.sdk.Withdraw(f.ctx, card, &CardOrderRequest{Amount: 20})
	require.NoError(t, err)
	_, err = f.s.Clock.Advance(2 * time.Second)
	require.NoError(t, err)
	f.s.CheckBalance(t, "USD", "99870")
	rows, err := f.sdk.ListBalanceTransactions(f.ctx, 10, 1, "", "")
	require.NoError(t, err)
	require.NotEmpty(t, rows.Data)
	row := rows.Data[0]
	require.Equal(t, "CARD_WITHDRAW", row.TransactionType)
	assert.Equal(t, "COMPLETED", row.TransactionStatus)
	assert.Equal(t, "99870.00", row.EndingBalance, "the balance after the withdrawal landed")
	assert.Equal(t, "99850", balanceRow(t, f.s, o.CardOrderID).Ending.Sub(balanceRow(t, f.s, o.CardOrderID).Amount).String(),
		"and the balance before it, 20 less")
	f.s.CheckLedger(t)
}
