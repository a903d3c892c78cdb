package decard_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/decard"
)

// eventRow is a statement row as a card event's answer shows it.
type eventRow struct {
	PostIndicator          int     `json:"postIndicator"`
	PostingAmountInUsd     string  `json:"postingAmountInUsd"`
	TransactionAmount      string  `json:"transactionAmount"`
	TransactionCurrency    string  `json:"transactionCurrency"`
	DebitCreditIndcator    string  `json:"debitCreditIndcator"`
	ExternalTranID         string  `json:"externalTranId"`
	PostedTransactionID    string  `json:"postedTransactionId"`
	TransactionDescription *string `json:"transactionDescription"`
	PostingDate            *string `json:"postingDate"`
	MerchantName           string  `json:"merchantName"`
	AssetMovements         []struct {
		Asset        string `json:"asset"`
		Amount       string `json:"amount"`
		MovementType string `json:"movementType"`
	} `json:"assetMovements"`
}

// eventAnswer is a card event's answer (contracts/decard/card_event.response.json).
type eventAnswer struct {
	Approved        bool      `json:"approved"`
	ErrorCode       *string   `json:"errorCode"`
	Transaction     *eventRow `json:"transaction"`
	Authorization   *eventRow `json:"authorization"`
	CardTransaction *struct {
		Response           string `json:"response"`
		Direction          string `json:"direction"`
		TransactionAmount  string `json:"transactionAmount"`
		RequestAmountInUsd string `json:"requestAmountInUsd"`
	} `json:"cardTransaction"`
}

// applyEvent applies a card event to a default-tenant card as the admin
// API does and checks the answer against its contract.
func applyEvent(t *testing.T, s *decard.Server, card string, ev core.CardEvent) eventAnswer {
	t.Helper()
	v, err := core.ProviderOf(s.Host).CardEvent(core.DefaultTenant, card, ev)
	require.NoError(t, err, "%+v", ev)
	b, err := json.Marshal(v)
	require.NoError(t, err)
	contracts.Validate(t, "decard/card_event.response.json", b)
	var out eventAnswer
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}

func eventErr(t *testing.T, s *decard.Server, card string, ev core.CardEvent) string {
	t.Helper()
	_, err := core.ProviderOf(s.Host).CardEvent(core.DefaultTenant, card, ev)
	require.Error(t, err, "%+v", ev)
	return err.Error()
}

// waiting is a server whose spends wait for clearing: posting_delay is not
// shorter than auth_expiry (3 days).
func waiting(t *testing.T) *decard.Server {
	return decard.RunT(t, decard.WithPostingDelay(30*24*time.Hour), decard.WithAuthExpiry(72*time.Hour))
}

func cardWith(t *testing.T, s *decard.Server, balances map[string]string) (decard.User, decard.Card) {
	t.Helper()
	u, err := s.AddUser(decard.NewUser{Balances: balances})
	require.NoError(t, err)
	c, err := s.AddCard(decard.NewCard{UserID: u.ID})
	require.NoError(t, err)
	return u, c
}

func authorize(amount string) core.CardEvent {
	return core.CardEvent{Type: core.EventAuthorize, Amount: core.AmountText(amount), Currency: "USD", Merchant: core.EventMerchant{Name: "Kopi Place"}}
}

// TestCardEventLifecycle walks an authorisation through a partial
// reversal, clearing above what is left (a tip), partial and full refunds,
// and another cleared below its authorisation; every step moves the
// wallet exactly and keeps the books.
func TestCardEventLifecycle(t *testing.T) {
	t.Parallel()
	s := waiting(t)
	hooks := sinkWebhooks(t, s)
	u, card := cardWith(t, s, map[string]string{"USD": "100"})

	auth := applyEvent(t, s, card.ID, authorize("20"))
	require.True(t, auth.Approved)
	assert.Nil(t, auth.ErrorCode)
	require.NotNil(t, auth.Transaction)
	assert.Equal(t, 0, auth.Transaction.PostIndicator)
	assert.Equal(t, "D", auth.Transaction.DebitCreditIndcator)
	assert.Contains(t, auth.Transaction.MerchantName, "KOPI PLACE")
	assert.Equal(t, "A", auth.CardTransaction.Response)
	assert.Equal(t, "DEBIT", auth.CardTransaction.Direction)
	s.CheckBalance(t, u.ID, "USD", "80")
	id := auth.Transaction.PostedTransactionID

	rev := applyEvent(t, s, card.ID, core.CardEvent{Type: core.EventReverse, Transaction: id, Amount: "5"})
	assert.Equal(t, "C", rev.Transaction.DebitCreditIndcator)
	assert.Equal(t, "5", rev.Transaction.PostingAmountInUsd)
	assert.Equal(t, "Reversal", *rev.Transaction.TransactionDescription)
	assert.Equal(t, 0, rev.Transaction.PostIndicator, "a partial reversal posts with its authorisation")
	assert.Equal(t, "CARD_TRANSACTION_REFUND", rev.Transaction.AssetMovements[0].MovementType)
	assert.Equal(t, "CREDIT", rev.CardTransaction.Direction)
	assert.Equal(t, 0, rev.Authorization.PostIndicator)
	s.CheckBalance(t, u.ID, "USD", "85")
	assert.Contains(t, eventErr(t, s, card.ID, core.CardEvent{Type: core.EventReverse, Transaction: id, Amount: "15.01"}), "more than the 15 USD still authorized")
	assert.Contains(t, eventErr(t, s, card.ID, core.CardEvent{Type: core.EventRefund, Transaction: id}), "has not posted")

	clr := applyEvent(t, s, card.ID, core.CardEvent{Type: core.EventClear, Transaction: auth.Transaction.ExternalTranID, Amount: "18"})
	assert.Equal(t, 1, clr.Transaction.PostIndicator)
	assert.Equal(t, "23", clr.Transaction.TransactionAmount, "20 authorized, 5 reversed, 18 cleared: the row holds 23 against the 5 credit")
	assert.Equal(t, "23", clr.Transaction.PostingAmountInUsd)
	assert.Nil(t, clr.CardTransaction)
	s.CheckBalance(t, u.ID, "USD", "82")
	assert.Contains(t, eventErr(t, s, card.ID, core.CardEvent{Type: core.EventClear, Transaction: id}), "clears once")

	settled := hooks.of(t, s, "CARD_TRANSACTION_SETTLEMENT")
	require.Len(t, settled, 2, "the authorisation and its reversal post together")

	ref := applyEvent(t, s, card.ID, core.CardEvent{Type: core.EventRefund, Transaction: id, Amount: "8"})
	assert.Equal(t, "C", ref.Transaction.DebitCreditIndcator)
	assert.Equal(t, 1, ref.Transaction.PostIndicator, "a refund comes through clearing: posted at once")
	assert.Equal(t, "Refund", *ref.Transaction.TransactionDescription)
	s.CheckBalance(t, u.ID, "USD", "90")
	assert.Contains(t, eventErr(t, s, card.ID, core.CardEvent{Type: core.EventRefund, Transaction: id, Amount: "10.01"}), "more than the 10 USD not yet refunded")
	applyEvent(t, s, card.ID, core.CardEvent{Type: core.EventRefund, Transaction: id})
	s.CheckBalance(t, u.ID, "USD", "100")
	assert.Contains(t, eventErr(t, s, card.ID, core.CardEvent{Type: core.EventRefund, Transaction: id}), "refunded in full")
	assert.Contains(t, eventErr(t, s, card.ID, core.CardEvent{Type: core.EventRefund, Transaction: ref.Transaction.PostedTransactionID}), "follows a spend")

	below := applyEvent(t, s, card.ID, authorize("30"))
	s.CheckBalance(t, u.ID, "USD", "70")
	clr = applyEvent(t, s, card.ID, core.CardEvent{Type: core.EventClear, Transaction: below.Transaction.PostedTransactionID, Amount: "25.5"})
	assert.Equal(t, "25.5", clr.Transaction.PostingAmountInUsd)
	s.CheckBalance(t, u.ID, "USD", "74.5")
	s.CheckMoney(t)
	assert.Len(t, hooks.of(t, s, "CARD_TRANSACTION"), 5, "authorize, reverse, two refunds, authorize (clearing sends none)")
}

// TestCardEventClearInAnotherCurrency: clearing an SGD authorisation for
// more SGD moves the USD difference exactly, from stablecoins when USD
// runs out; a clearing the wallet cannot pay is refused.
func TestCardEventClearInAnotherCurrency(t *testing.T) {
	t.Parallel()
	s := waiting(t)
	u, card := cardWith(t, s, map[string]string{"USDT": "30"})
	auth := applyEvent(t, s, card.ID, core.CardEvent{Type: core.EventAuthorize, Amount: "13.50", Currency: "SGD"})
	assert.Equal(t, "10", auth.Transaction.PostingAmountInUsd, "13.50 SGD at 1.35")
	s.CheckBalance(t, u.ID, "USDT", "20")
	clr := applyEvent(t, s, card.ID, core.CardEvent{Type: core.EventClear, Transaction: auth.Transaction.PostedTransactionID, Amount: "14.85", Currency: "SGD"})
	assert.Equal(t, "11", clr.Transaction.PostingAmountInUsd)
	assert.Equal(t, "14.85", clr.Transaction.TransactionAmount)
	s.CheckBalance(t, u.ID, "USDT", "19")
	last := clr.Transaction.AssetMovements[len(clr.Transaction.AssetMovements)-1]
	assert.Equal(t, "-1", last.Amount, "the difference's movements follow the authorisation's")

	big := applyEvent(t, s, card.ID, core.CardEvent{Type: core.EventAuthorize, Amount: "10", Currency: "USD"})
	msg := eventErr(t, s, card.ID, core.CardEvent{Type: core.EventClear, Transaction: big.Transaction.PostedTransactionID, Amount: "30"})
	assert.Contains(t, msg, "CARD_WALLET_BALANCE_LOW")
	assert.Contains(t, msg, "20 USD more than authorized")
	assert.Contains(t, eventErr(t, s, card.ID, core.CardEvent{Type: core.EventClear, Transaction: big.Transaction.PostedTransactionID, Currency: "EUR"}), "is in USD")
	s.CheckMoney(t)
}

// TestCardEventDeclines: every documented reason is reachable by the
// event's decline field (code or text), answers fund-auth's errorCode,
// pushes CARD_TRANSACTION with response D and moves nothing; the state
// declines and the magic amount decline as fund-auth does.
func TestCardEventDeclines(t *testing.T) {
	t.Parallel()
	s := waiting(t)
	u, card := cardWith(t, s, map[string]string{"USD": "50"})
	require.Len(t, decard.Declines(), 6)
	for _, d := range decard.Declines() {
		for _, name := range []string{d.Code, d.Message} {
			ev := authorize("5")
			ev.Decline = name
			got := applyEvent(t, s, card.ID, ev)
			assert.False(t, got.Approved, name)
			require.NotNil(t, got.ErrorCode, name)
			assert.Equal(t, d.Code, *got.ErrorCode)
			assert.Nil(t, got.Transaction)
			assert.Equal(t, "D", got.CardTransaction.Response)
		}
	}
	s.CheckBalance(t, u.ID, "USD", "50")
	got := applyEvent(t, s, card.ID, authorize("50.01"))
	assert.Equal(t, "CARD_WALLET_BALANCE_LOW", *got.ErrorCode)
	got = applyEvent(t, s, card.ID, authorize("9999.01"))
	assert.Equal(t, "CARD_TRANSACTION_DEDUCT_FUNDS_FAIL", *got.ErrorCode, "the magic amount, as fund-auth")
	require.NoError(t, s.FreezeCard(card.ID))
	got = applyEvent(t, s, card.ID, authorize("1"))
	assert.Equal(t, "CARD_FROZEN_STATUS_UNSUPPORTED", *got.ErrorCode)
	ev := authorize("1")
	ev.Decline = "stolen_card"
	assert.Contains(t, eventErr(t, s, card.ID, ev), "want one of CARD_WALLET_BALANCE_LOW")
	s.CheckBalance(t, u.ID, "USD", "50")
	s.CheckMoney(t)
}

// TestCardEventRefusesWhatDeCardCannotExpress names the types it takes.
func TestCardEventRefusesWhatDeCardCannotExpress(t *testing.T) {
	t.Parallel()
	s := waiting(t)
	_, card := cardWith(t, s, map[string]string{"USD": "50"})
	auth := applyEvent(t, s, card.ID, authorize("5"))
	id := auth.Transaction.PostedTransactionID
	for _, tc := range []struct {
		ev   core.CardEvent
		want string
	}{
		{core.CardEvent{Type: core.EventIncrement, Transaction: id, Amount: "1"}, "increment is not published"},
		{core.CardEvent{Type: core.EventChargeback, Transaction: id}, "chargeback is not published"},
		{core.CardEvent{Type: "capture"}, "capture (unknown) is not a card event; it takes authorize, reverse, expire, clear, refund"},
		{core.CardEvent{Type: core.EventAuthorize, Amount: "5", Approve: "3"}, "partial approval is not published"},
		{core.CardEvent{Type: core.EventAuthorize, Amount: "5", Kind: "atm"}, "kind atm is not published"},
		{core.CardEvent{Type: core.EventAuthorize}, "amount is required"},
		{core.CardEvent{Type: core.EventAuthorize, Amount: "1.001"}, "at most 2 decimals"},
		{core.CardEvent{Type: core.EventAuthorize, Amount: "1", Currency: "XAU"}, `currency "XAU"`},
		{core.CardEvent{Type: core.EventReverse}, "reverse needs transaction"},
		{core.CardEvent{Type: core.EventReverse, Transaction: "nope"}, "no transaction nope"},
		{core.CardEvent{Type: core.EventExpire, Transaction: id, Amount: "1"}, "expire takes no amount"},
		{core.CardEvent{Type: core.EventReverse, Transaction: id, Decline: "CARD_WALLET_BALANCE_LOW"}, "go with authorize"},
	} {
		assert.Contains(t, eventErr(t, s, card.ID, tc.ev), tc.want, "%+v", tc.ev)
	}
	_, err := core.ProviderOf(s.Host).CardEvent(core.DefaultTenant, "123", authorize("1"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cardId 123")
}

// TestAuthExpiryOnTheClock: a spend that waits for clearing is released
// after auth_expiry (an EXPIRY row; the wallet whole again), at its own
// due time whether the clock jumps or steps; the expire event does the
// same at once; with the default settings a spend posts by itself first.
func TestAuthExpiryOnTheClock(t *testing.T) {
	t.Parallel()
	run := func(steps int) (string, *decard.Server) {
		s := waiting(t)
		hooks := sinkWebhooks(t, s)
		u, card := cardWith(t, s, map[string]string{"USD": "40"})
		auth := applyEvent(t, s, card.ID, authorize("12.5"))
		applyEvent(t, s, card.ID, core.CardEvent{Type: core.EventReverse, Transaction: auth.Transaction.PostedTransactionID, Amount: "2.5"})
		advance(t, s, 71*time.Hour)
		s.CheckBalance(t, u.ID, "USD", "30")
		for range steps {
			advance(t, s, 2*time.Hour/time.Duration(steps))
		}
		s.CheckBalance(t, u.ID, "USD", "40")
		s.CheckMoney(t)
		c := s.NewClient()
		var rows []eventRow
		get(t, c, "card.statement_detail", "/card/v1/statements/detail", &rows, decard.Q("externalUserId", u.ID, "statementId", "NO_POSTED")...)
		require.Len(t, rows, 3)
		assert.Equal(t, "Authorization expired", *rows[0].TransactionDescription)
		assert.Equal(t, "10", rows[0].PostingAmountInUsd)
		for _, r := range rows {
			assert.Equal(t, 1, r.PostIndicator)
			assert.Equal(t, ms(core.TestEpoch.Add(72*time.Hour)), *r.PostingDate, "posted when it expired, not when the clock was read")
		}
		settled := hooks.of(t, s, "CARD_TRANSACTION_SETTLEMENT")
		require.Len(t, settled, 3)
		return jsonOf(t, rows) + string(settled[0].Data) + string(settled[2].Data), s
	}
	jump, _ := run(1)
	steps, _ := run(8)
	assert.Equal(t, jump, steps, "one jump and eight steps end alike")

	s := waiting(t)
	u, card := cardWith(t, s, map[string]string{"USD": "40"})
	auth := applyEvent(t, s, card.ID, authorize("12.5"))
	exp := applyEvent(t, s, card.ID, core.CardEvent{Type: core.EventExpire, Transaction: auth.Transaction.PostedTransactionID})
	assert.Equal(t, "Authorization expired", *exp.Transaction.TransactionDescription)
	assert.Equal(t, 1, exp.Authorization.PostIndicator)
	s.CheckBalance(t, u.ID, "USD", "40")
	assert.Contains(t, eventErr(t, s, card.ID, core.CardEvent{Type: core.EventExpire, Transaction: auth.Transaction.PostedTransactionID}), "a posted spend is refunded, not expired")
	advance(t, s, 100*time.Hour)
	s.CheckBalance(t, u.ID, "USD", "40")
	s.CheckMoney(t)

	auto := decard.RunT(t)
	u, card = cardWith(t, auto, map[string]string{"USD": "40"})
	auth = applyEvent(t, auto, card.ID, authorize("12.5"))
	advance(t, auto, 24*time.Hour)
	assert.Contains(t, eventErr(t, auto, card.ID, core.CardEvent{Type: core.EventClear, Transaction: auth.Transaction.PostedTransactionID}), "clears once")
	advance(t, auto, 30*24*time.Hour)
	auto.CheckBalance(t, u.ID, "USD", "27.5")
}

// TestOpenAuthorisationsCarryOverTheStatementDate: a spend waiting for
// clearing when its cycle closes is not posted on the statement date but
// carried into the next cycle, where it later expires; the closed
// statement holds only what posted.
func TestOpenAuthorisationsCarryOverTheStatementDate(t *testing.T) {
	t.Parallel()
	s := waiting(t)
	advance(t, s, 30*24*time.Hour) // 2026-01-31
	u, card := cardWith(t, s, map[string]string{"USD": "100"})
	posted := applyEvent(t, s, card.ID, authorize("7"))
	applyEvent(t, s, card.ID, core.CardEvent{Type: core.EventClear, Transaction: posted.Transaction.PostedTransactionID})
	applyEvent(t, s, card.ID, authorize("11"))
	advance(t, s, 2*24*time.Hour) // 2026-02-02: January closed
	c := s.NewClient()
	var list []statement
	get(t, c, "card.statements", "/card/v1/statements", &list, decard.Q("externalUserId", u.ID)...)
	require.Len(t, list, 2)
	assert.Equal(t, "7", list[1].PaymentAmountInUsd, "January holds what posted")
	assert.Equal(t, "11", *list[0].NonPostedAmountInUsd, "the open spend moved into February")
	advance(t, s, 2*24*time.Hour) // expired Feb 3
	get(t, c, "card.statements", "/card/v1/statements", &list, decard.Q("externalUserId", u.ID)...)
	assert.Equal(t, "0", *list[0].NonPostedAmountInUsd)
	assert.Equal(t, "0", list[0].PaymentAmountInUsd, "11 spent, 11 released")
	s.CheckBalance(t, u.ID, "USD", "93")
	s.CheckMoney(t)
}

// TestCardEventsKeepTheBooks runs many random lifecycles and checks the
// books after each.
func TestCardEventsKeepTheBooks(t *testing.T) {
	t.Parallel()
	s := waiting(t)
	_, card := cardWith(t, s, map[string]string{"USD": "500", "USDT": "300", "SGD": "400"})
	var open, cleared []string
	for i := range 120 {
		switch i % 6 {
		case 0, 1:
			cur := []string{"USD", "SGD", "EUR"}[i%3]
			a := applyEvent(t, s, card.ID, core.CardEvent{Type: core.EventAuthorize, Amount: core.AmountText(fmt.Sprintf("%d.%02d", 1+i%17, i%100)), Currency: cur})
			if a.Approved {
				open = append(open, a.Transaction.PostedTransactionID)
			}
		case 2:
			if len(open) > 0 {
				if _, err := core.ProviderOf(s.Host).CardEvent(core.DefaultTenant, card.ID, core.CardEvent{Type: core.EventReverse, Transaction: open[0], Amount: "0.37"}); err != nil {
					assert.Contains(t, err.Error(), "posted", "only an expired authorisation refuses a reversal")
					open = open[1:]
				}
			}
		case 3:
			if len(open) > 0 {
				amt := []string{"", "0.5", "19.99"}[i%3]
				if _, err := core.ProviderOf(s.Host).CardEvent(core.DefaultTenant, card.ID, core.CardEvent{Type: core.EventClear, Transaction: open[0], Amount: core.AmountText(amt)}); err == nil {
					cleared = append(cleared, open[0])
					open = open[1:]
				}
			}
		case 4:
			if len(cleared) > 0 {
				_, _ = core.ProviderOf(s.Host).CardEvent(core.DefaultTenant, card.ID, core.CardEvent{Type: core.EventRefund, Transaction: cleared[0], Amount: "0.11"})
			}
		case 5:
			advance(t, s, 13*time.Hour)
		}
		s.CheckMoney(t)
	}
	advance(t, s, 40*24*time.Hour)
	s.CheckMoney(t)
}

// TestCardEventLargeAmounts: shares of large amounts are exact (no
// overflow) and a spend reversed in full has nothing to refund.
func TestCardEventLargeAmounts(t *testing.T) {
	t.Parallel()
	s := waiting(t)
	u, card := cardWith(t, s, map[string]string{"USD": "500000"})
	auth := applyEvent(t, s, card.ID, core.CardEvent{Type: core.EventAuthorize, Amount: "999999.99", Currency: "JPY"})
	assert.Equal(t, "6666.67", auth.Transaction.PostingAmountInUsd, "999,999.99 JPY at 150")
	rev := applyEvent(t, s, card.ID, core.CardEvent{Type: core.EventReverse, Transaction: auth.Transaction.PostedTransactionID, Amount: "333333.33"})
	assert.Equal(t, "2222.22", rev.Transaction.PostingAmountInUsd)
	clr := applyEvent(t, s, card.ID, core.CardEvent{Type: core.EventClear, Transaction: auth.Transaction.PostedTransactionID, Amount: "1000000"})
	assert.Equal(t, "8888.89", clr.Transaction.PostingAmountInUsd, "2222.22 reversed + 6666.67 cleared")
	s.CheckMoney(t)

	full := applyEvent(t, s, card.ID, authorize("3"))
	applyEvent(t, s, card.ID, core.CardEvent{Type: core.EventReverse, Transaction: full.Transaction.PostedTransactionID})
	assert.Contains(t, eventErr(t, s, card.ID, core.CardEvent{Type: core.EventRefund, Transaction: full.Transaction.PostedTransactionID}), "reversed in full")
	s.CheckBalance(t, u.ID, "USD", "493333.33")
}
