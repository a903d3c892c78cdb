package bkj_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/bkj"
	"github.com/mocksrv/mocksrv/sims/core"
)

// postEvent posts a card event over the admin API, requires 201 and
// decodes the answer, checked against the card-event contract.
func postEvent(t *testing.T, f *sims.Fleet, tenant, card string, ev map[string]any) map[string]any {
	t.Helper()
	status, body := f.Admin(t, http.MethodPost, "/_mocksrv/tenants/"+tenant+"/bkj/cards/"+card+"/events", ev)
	require.Equal(t, http.StatusCreated, status, "%s", body)
	contracts.Validate(t, "bkj/card_event.response.json", body)
	var out map[string]any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // id_no is beyond 2^53
	require.NoError(t, dec.Decode(&out))
	return out
}

// events is a server whose purchases wait for card events (manual
// clearing), with a funded card.
func events(t *testing.T, balance string, opts ...bkj.Option) (*bkj.Server, bkj.Card) {
	t.Helper()
	s := bkj.RunT(t, append([]bkj.Option{bkj.WithManualClearing(true)}, opts...)...)
	card, err := s.AddCard(bkj.Card{Balance: core.MustDecimal(balance)})
	require.NoError(t, err)
	return s, card
}

func event(typ, tx, amount string) core.CardEvent {
	return core.CardEvent{Type: typ, Transaction: tx, Amount: core.AmountText(amount)}
}

func TestCardEventsOverTheAdminAPI(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	rv, hook := newReceiver(t, http.StatusOK)
	status, body := f.Admin(t, http.MethodPost, "/_mocksrv/tenants", map[string]any{
		"id": "events", "webhooks": map[string]string{"bkj": hook},
		"bkj": map[string]any{"manual_clearing": true, "api_key": "events-key", "api_secret": "events-secret"},
	})
	require.Equal(t, http.StatusCreated, status, "%s", body)
	status, body = f.Admin(t, http.MethodPost, "/_mocksrv/tenants/events/bkj/cards", map[string]any{"balance": "100"})
	require.Equal(t, http.StatusCreated, status, "%s", body)
	var card bkj.Card
	require.NoError(t, json.Unmarshal(body, &card))

	auth := postEvent(t, f, "events", card.ID, map[string]any{"type": "authorize", "amount": "40.00",
		"merchant": map[string]any{"name": "Book Shop", "mcc": "5942", "city": "Berlin", "country": "DE"}})
	assert.Equal(t, "purchase", auth["type"])
	assert.Equal(t, "pending", auth["status"])
	assert.Equal(t, "40", auth["amount"])
	assert.Equal(t, "Book Shop", auth["merchant_name"])
	assert.Equal(t, "60", auth["balance_after"])
	id := auth["id"].(string)

	declined := postEvent(t, f, "events", card.ID, map[string]any{"type": "authorize", "amount": "1", "decline": "risk_declined"})
	assert.Equal(t, "declined", declined["status"])
	assert.Equal(t, "risk_declined", declined["decline_code"])
	assert.Equal(t, "declined by risk control", declined["decline_reason"])
	assert.Equal(t, "declined by risk control", declined["remarks"])
	assert.Equal(t, "", declined["auth_code"])

	rev := postEvent(t, f, "events", card.ID, map[string]any{"type": "reverse", "transaction": id, "amount": "10"})
	assert.Equal(t, "reversal", rev["type"])
	assert.Equal(t, id, rev["related_id"])
	assert.Equal(t, "70", rev["balance_after"])
	cleared := postEvent(t, f, "events", card.ID, map[string]any{"type": "clear", "transaction": id, "amount": "35"})
	assert.Equal(t, "success", cleared["status"])
	assert.Equal(t, "45", cleared["amount"], "10 reversed plus 35 cleared")
	assert.Equal(t, "cleared 35.00 of 30.00 authorized", cleared["remarks"])
	assert.Equal(t, "65", cleared["balance_after"], "the 5 above the authorization moved at clearing")
	refund := postEvent(t, f, "events", card.ID, map[string]any{"type": "refund", "transaction": id, "amount": "5"})
	assert.Equal(t, "refund", refund["type"])
	assert.Equal(t, "70", refund["balance_after"])

	// The purchase reads the same through bkj's own API.
	c := bkj.NewClient(f.URL(), "events-key", "events-secret")
	var detail map[string]any
	ok(t, c, "card_transaction.detail", get("/openapi/v1/card/transactions/"+id, nil), &detail)
	assert.Equal(t, cleared, detail)
	var list struct {
		Total int              `json:"total"`
		List  []map[string]any `json:"list"`
	}
	ok(t, c, "card_transaction.list", get("/openapi/v1/card/transactions", url.Values{"card_id": {card.ID}}), &list)
	assert.Equal(t, 4, list.Total, "purchase, declined purchase, reversal, refund")

	for _, tt := range []struct {
		ev     map[string]any
		status int
		want   string
	}{
		{map[string]any{"type": "chargeback", "transaction": id}, http.StatusBadRequest, "chargeback is not published"},
		{map[string]any{"type": "increment", "transaction": id, "amount": "1"}, http.StatusBadRequest, "it takes authorize, reverse, expire, clear, refund"},
		{map[string]any{"type": "authorize", "amount": "1", "approve": "0.5"}, http.StatusBadRequest, "partial approval is not published"},
		{map[string]any{"type": "authorize", "amount": "1", "kind": "atm"}, http.StatusBadRequest, "kind atm is not published"},
		{map[string]any{"type": "authorize", "amount": "1", "decline": "stolen"}, http.StatusBadRequest, "want one of card_inactive, insufficient_balance"},
		{map[string]any{"type": "authorize"}, http.StatusBadRequest, "amount is required"},
		{map[string]any{"type": "authorize", "amount": "1.001"}, http.StatusBadRequest, "at most 2 decimals"},
		{map[string]any{"type": "reverse"}, http.StatusBadRequest, "needs transaction"},
		{map[string]any{"type": "reverse", "transaction": id}, http.StatusConflict, "only pending purchases can be reversed"},
		{map[string]any{"type": "clear", "transaction": id, "currency": "EUR"}, http.StatusBadRequest, "in the card's currency, USD"},
		{map[string]any{"type": "refund", "transaction": id, "amount": "30.01"}, http.StatusBadRequest, "exceeds the 30 left to refund"},
		{map[string]any{"type": "expire", "transaction": id, "amount": "1"}, http.StatusBadRequest, "expire takes no amount"},
		{map[string]any{"type": "refund", "transaction": id, "decline": "risk_declined"}, http.StatusBadRequest, "go with authorize"},
	} {
		status, body := f.Admin(t, http.MethodPost, "/_mocksrv/tenants/events/bkj/cards/"+card.ID+"/events", tt.ev)
		assert.Equal(t, tt.status, status, "%v: %s", tt.ev, body)
		assert.Contains(t, string(body), tt.want, "%v", tt.ev)
	}
	status, body = f.Admin(t, http.MethodPost, "/_mocksrv/tenants/events/bkj/cards/nope/events", map[string]any{"type": "authorize", "amount": "1"})
	assert.Equal(t, http.StatusNotFound, status, "%s", body)

	status, body = f.Admin(t, http.MethodGet, "/_mocksrv/providers/bkj/declines", nil)
	require.Equal(t, http.StatusOK, status)
	var reasons struct {
		Declines []core.Decline `json:"declines"`
	}
	require.NoError(t, json.Unmarshal(body, &reasons))
	assert.Equal(t, bkj.Declines(), reasons.Declines)

	var state struct {
		Money bkj.Money `json:"money"`
	}
	_, body = f.Admin(t, http.MethodGet, "/_mocksrv/tenants/events/bkj/state", nil)
	require.NoError(t, json.Unmarshal(body, &state))
	assert.True(t, state.Money.Balanced, "%+v", state.Money)
	assert.Equal(t, "30", state.Money.Spent.String(), "45 cleared less 10 reversed less 5 refunded")
	assert.Equal(t, "70", state.Money.Held.String())

	// Every event is a card.transaction webhook that meets its contract.
	f.BKJ.FlushWebhooks(t.Context())
	got := rv.deliveries()
	require.Len(t, got, 5, "purchase, declined purchase, reversal, purchase cleared, refund (a new card sends none)")
	befores := []string{}
	for _, d := range got {
		require.NoError(t, bkj.VerifyWebhook("events-secret", d.header, d.body))
		contracts.Validate(t, "bkj/webhooks/card_transaction.json", d.body)
		var b struct {
			Data struct {
				BeforeStatus string `json:"before_status"`
			} `json:"data"`
		}
		require.NoError(t, json.Unmarshal(d.body, &b))
		befores = append(befores, b.Data.BeforeStatus)
	}
	assert.ElementsMatch(t, []string{"", "", "", "pending", ""}, befores, "deliveries run concurrently: any order")
}

func TestDeclineReasons(t *testing.T) {
	t.Parallel()
	for _, d := range bkj.Declines() {
		for _, name := range []string{d.Code, d.Message} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				s, card := events(t, "50")
				tx, err := s.CardEvent(card.ID, core.CardEvent{Type: core.EventAuthorize, Amount: "10", Decline: name})
				require.NoError(t, err)
				assert.Equal(t, bkj.CardTxDeclined, tx.Status)
				assert.Equal(t, d.Code, tx.DeclineCode)
				assert.Equal(t, d.Message, tx.DeclineReason)
				assert.Empty(t, tx.AuthCode)
				s.CheckCardBalance(t, card.ID, "50")
				s.CheckLedger(t)
			})
		}
	}

	// The reasons bkj's own checks reach, without a decline asked for.
	s, card := events(t, "5")
	short, err := s.CardEvent(card.ID, core.CardEvent{Type: core.EventAuthorize, Amount: "5.01"})
	require.NoError(t, err)
	assert.Equal(t, bkj.DeclineInsufficientBalance, short.DeclineCode)
	magic, err := s.CardEvent(card.ID, core.CardEvent{Type: core.EventAuthorize, Amount: "1", Merchant: core.EventMerchant{Name: "mocksrv:decline"}})
	require.NoError(t, err)
	assert.Equal(t, bkj.DeclineIssuer, magic.DeclineCode)
	assert.Equal(t, "declined by issuer (sandbox outcome auth.decline)", magic.DeclineReason)
	require.NoError(t, s.FreezeCard(card.ID))
	frozen, err := s.CardEvent(card.ID, core.CardEvent{Type: core.EventAuthorize, Amount: "1", Decline: "risk_declined"})
	require.NoError(t, err)
	assert.Equal(t, bkj.DeclineCardInactive, frozen.DeclineCode, "the card's own state declines first")
	assert.Equal(t, "card is frozen", frozen.DeclineReason)

	// The admin API's transactions reach the reasons too (scenario givens).
	out, err := core.ProviderOf(s.Host).Create("default", "transactions", []byte(`{"card_id":"`+card.ID+`","amount":"1","decline":"limit_exceeded"}`))
	require.NoError(t, err)
	assert.Equal(t, bkj.DeclineCardInactive, out.(bkj.CardTx).DeclineCode)
	require.NoError(t, s.UnfreezeCard(card.ID))
	out, err = core.ProviderOf(s.Host).Create("default", "transactions", []byte(`{"card_id":"`+card.ID+`","amount":"1","decline":"limit_exceeded"}`))
	require.NoError(t, err)
	assert.Equal(t, bkj.DeclineLimit, out.(bkj.CardTx).DeclineCode)
	_, err = core.ProviderOf(s.Host).Create("default", "transactions", []byte(`{"card_id":"`+card.ID+`","amount":"1","decline":"nope"}`))
	assert.ErrorContains(t, err, `decline "nope": want one of`)
	s.CheckCardBalance(t, card.ID, "5")
	s.CheckLedger(t)
}

func TestClearing(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, clear, wantAmount, wantBalance, wantRemarks string
	}{
		{"for the authorized amount", "", "100", "100", ""},
		{"above it: a tip", "120", "120", "80", "cleared 120.00 of 100.00 authorized"},
		{"below it: an exchange-rate difference", "92.5", "92.5", "107.5", "cleared 92.50 of 100.00 authorized"},
		{"above the card's balance: forced", "230", "230", "-30", "cleared 230.00 of 100.00 authorized"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, card := events(t, "200")
			auth, err := s.CardEvent(card.ID, event(core.EventAuthorize, "", "100"))
			require.NoError(t, err)
			assert.Equal(t, bkj.CardTxPending, auth.Status)
			s.CheckCardBalance(t, card.ID, "100")
			s.CheckLedger(t)

			c, err := s.CardEvent(card.ID, event(core.EventClear, auth.ID, tt.clear))
			require.NoError(t, err)
			assert.Equal(t, auth.ID, c.ID, "clearing answers the purchase")
			assert.Equal(t, bkj.CardTxSuccess, c.Status)
			assert.Equal(t, tt.wantAmount, c.Amount.String())
			assert.Equal(t, tt.wantAmount, c.MerchantAmount.String(), "same currency: the merchant's amount follows")
			assert.Equal(t, tt.wantRemarks, c.Remarks)
			s.CheckCardBalance(t, card.ID, tt.wantBalance)
			assert.Equal(t, tt.wantAmount, s.Ledger().Spent.String(), "the difference moved exactly")
			s.CheckLedger(t)

			_, err = s.CardEvent(card.ID, event(core.EventClear, auth.ID, ""))
			assert.ErrorContains(t, err, "only pending purchases", "it clears once")
		})
	}
}

func TestForeignCurrencyPurchase(t *testing.T) {
	t.Parallel()
	s, card := events(t, "100")
	auth, err := s.CardEvent(card.ID, core.CardEvent{Type: core.EventAuthorize, Amount: "30", Currency: "eur"})
	require.NoError(t, err)
	assert.Equal(t, "EUR", auth.MerchantCurrency)
	assert.Equal(t, "USD", auth.Currency)
	c, err := s.CardEvent(card.ID, event(core.EventClear, auth.ID, "31.2"))
	require.NoError(t, err)
	assert.Equal(t, "31.2", c.Amount.String(), "an exchange-rate difference at clearing")
	assert.Equal(t, "30", c.MerchantAmount.String(), "the merchant's amount stays what it charged")
	s.CheckCardBalance(t, card.ID, "68.8")
	s.CheckLedger(t)
	_, err = s.CardEvent(card.ID, core.CardEvent{Type: core.EventAuthorize, Amount: "1", Currency: "EURO"})
	assert.ErrorContains(t, err, "3-letter code")
}

func TestReversals(t *testing.T) {
	t.Parallel()
	s, card := events(t, "500")
	auth, err := s.CardEvent(card.ID, event(core.EventAuthorize, "", "200"))
	require.NoError(t, err)

	part, err := s.CardEvent(card.ID, event(core.EventReverse, auth.ID, "50"))
	require.NoError(t, err)
	assert.Equal(t, bkj.CardReversal, part.Type)
	assert.Equal(t, auth.ID, part.RelatedID)
	assert.Equal(t, bkj.CardTxSuccess, part.Status)
	assert.Equal(t, "350", part.BalanceAfter.String())
	orig, _ := s.CardTransaction(auth.ID)
	assert.Equal(t, bkj.CardTxPending, orig.Status, "a partial reversal leaves the rest authorized")
	assert.Equal(t, "150", orig.Held().String())
	s.CheckLedger(t)

	_, err = s.CardEvent(card.ID, event(core.EventReverse, auth.ID, "150.01"))
	assert.ErrorContains(t, err, "exceeds the 150 purchase")

	full, err := s.CardEvent(card.ID, event(core.EventReverse, auth.ID, ""))
	require.NoError(t, err)
	assert.Equal(t, "150", full.Amount.String(), "no amount reverses the rest")
	orig, _ = s.CardTransaction(auth.ID)
	assert.Equal(t, bkj.CardTxReversed, orig.Status, "reversed in full")
	s.CheckCardBalance(t, card.ID, "500")
	assert.True(t, s.Ledger().Spent.IsZero())
	s.CheckLedger(t)

	_, err = s.CardEvent(card.ID, event(core.EventRefund, auth.ID, ""))
	assert.ErrorContains(t, err, "only cleared purchases can be refunded")
	_, err = s.CardEvent(card.ID, event(core.EventClear, auth.ID, ""))
	assert.ErrorContains(t, err, "only pending purchases")
}

func TestPartialReversalThenClearing(t *testing.T) {
	t.Parallel()
	s, card := events(t, "300")
	auth, err := s.CardEvent(card.ID, event(core.EventAuthorize, "", "100"))
	require.NoError(t, err)
	_, err = s.CardEvent(card.ID, event(core.EventReverse, auth.ID, "30"))
	require.NoError(t, err)
	c, err := s.CardEvent(card.ID, event(core.EventClear, auth.ID, ""))
	require.NoError(t, err)
	assert.Equal(t, "100", c.Amount.String(), "30 reversed and 70 cleared: amount less its reversals is what was spent")
	assert.Equal(t, "70", c.Held().String())
	assert.Empty(t, c.Remarks)
	s.CheckCardBalance(t, card.ID, "230")
	assert.Equal(t, "70", s.Ledger().Spent.String())
	s.CheckLedger(t)

	_, err = s.CardEvent(card.ID, event(core.EventRefund, auth.ID, "70.01"))
	assert.ErrorContains(t, err, "exceeds the 70 left to refund", "a refund returns at most what was spent")
}

func TestRefundAfterClearing(t *testing.T) {
	t.Parallel()
	s, card := events(t, "100")
	auth, err := s.CardEvent(card.ID, event(core.EventAuthorize, "", "40"))
	require.NoError(t, err)
	_, err = s.CardEvent(card.ID, event(core.EventRefund, auth.ID, "5"))
	assert.ErrorContains(t, err, "only cleared purchases can be refunded")
	_, err = s.CardEvent(card.ID, event(core.EventClear, auth.ID, "44"))
	require.NoError(t, err)

	part, err := s.CardEvent(card.ID, event(core.EventRefund, auth.ID, "14"))
	require.NoError(t, err)
	assert.Equal(t, bkj.CardRefund, part.Type)
	assert.Equal(t, "70", part.BalanceAfter.String())
	rest, err := s.CardEvent(card.ID, event(core.EventRefund, auth.ID, ""))
	require.NoError(t, err)
	assert.Equal(t, "30", rest.Amount.String(), "no amount refunds what is left of the 44 cleared")
	assert.Equal(t, auth.ID, rest.RelatedID)
	s.CheckCardBalance(t, card.ID, "100")
	assert.True(t, s.Ledger().Spent.IsZero())
	s.CheckLedger(t)
	_, err = s.CardEvent(card.ID, event(core.EventRefund, auth.ID, ""))
	assert.ErrorContains(t, err, "nothing left to refund")
}

func TestAuthorizationExpires(t *testing.T) {
	t.Parallel()
	s, card := events(t, "100", bkj.WithAuthExpiry(72*time.Hour))
	auth, err := s.CardEvent(card.ID, event(core.EventAuthorize, "", "40"))
	require.NoError(t, err)
	assert.Equal(t, core.TestEpoch.Add(72*time.Hour), auth.ExpiresAt)
	_, err = s.CardEvent(card.ID, event(core.EventReverse, auth.ID, "10"))
	require.NoError(t, err)

	_, err = s.Clock.Advance(72*time.Hour - time.Second)
	require.NoError(t, err)
	orig, _ := s.CardTransaction(auth.ID)
	assert.Equal(t, bkj.CardTxPending, orig.Status)
	_, err = s.Clock.Advance(time.Second)
	require.NoError(t, err)
	orig, _ = s.CardTransaction(auth.ID)
	assert.Equal(t, bkj.CardTxReversed, orig.Status)
	assert.Equal(t, "authorization expired", orig.Remarks)
	assert.Equal(t, core.TestEpoch.Add(72*time.Hour), orig.UpdatedAt, "stamped at its due time")
	txs := s.CardTransactions(card.ID)
	require.Len(t, txs, 3)
	expiry := txs[2]
	assert.Equal(t, bkj.CardReversal, expiry.Type)
	assert.Equal(t, "30", expiry.Amount.String(), "what was still authorized")
	assert.Equal(t, "authorization expired", expiry.Remarks)
	assert.Equal(t, core.TestEpoch.Add(72*time.Hour), expiry.CreatedAt)
	s.CheckCardBalance(t, card.ID, "100")
	s.CheckLedger(t)

	_, err = s.CardEvent(card.ID, event(core.EventClear, auth.ID, ""))
	assert.ErrorContains(t, err, "is reversed; only pending purchases", "an expired authorization does not clear")

	// The expire event does the same at once.
	now, err := s.CardEvent(card.ID, event(core.EventAuthorize, "", "25"))
	require.NoError(t, err)
	gone, err := s.CardEvent(card.ID, event(core.EventExpire, now.ID, ""))
	require.NoError(t, err)
	assert.Equal(t, "25", gone.Amount.String())
	assert.Equal(t, "authorization expired", gone.Remarks)
	s.CheckCardBalance(t, card.ID, "100")
	s.CheckLedger(t)
}

// One jump of the clock past several expiries ends like many small steps:
// the same transactions, stamps, money and webhooks.
func TestAuthExpiryJumpEqualsSteps(t *testing.T) {
	t.Parallel()
	run := func(steps int) (string, []string) {
		s, card := events(t, "1000", bkj.WithAuthExpiry(48*time.Hour))
		_, hook := newReceiver(t, http.StatusOK)
		s.SetWebhookURL(hook)
		for i := 1; i <= 4; i++ {
			auth, err := s.CardEvent(card.ID, event(core.EventAuthorize, "", fmt.Sprint(10*i)))
			require.NoError(t, err)
			if i == 2 {
				_, err = s.CardEvent(card.ID, event(core.EventClear, auth.ID, "25"))
				require.NoError(t, err)
			}
			_, err = s.Clock.Advance(7 * time.Hour)
			require.NoError(t, err)
		}
		for i := 0; i < steps; i++ {
			_, err := s.Clock.Advance(96 * time.Hour / time.Duration(steps))
			require.NoError(t, err)
		}
		s.CheckLedger(t)
		got, err := json.Marshal(struct {
			Txs  []bkj.CardTx
			Card bkj.Card
			Book bkj.Money
		}{s.CardTransactions(card.ID), must(s.Card(card.ID)), s.Ledger()})
		require.NoError(t, err)
		var hooks []string
		for _, d := range s.Webhooks.Deliveries(func(d core.Delivery) bool { return d.Provider == bkj.Name }) {
			hooks = append(hooks, d.Created.String()+" "+d.Body)
		}
		return string(got), hooks
	}
	jump, jumpHooks := run(1)
	steps, stepHooks := run(96)
	assert.Equal(t, jump, steps)
	assert.Equal(t, jumpHooks, stepHooks)
	assert.Contains(t, jump, `"remarks":"authorization expired"`)
}

func must[T any](v T, ok bool) T {
	if !ok {
		panic("missing")
	}
	return v
}

func TestPurchasesStillClearByThemselves(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t, bkj.WithDelays(bkj.Delays{Clearing: 24 * time.Hour}), bkj.WithAuthExpiry(48*time.Hour))
	card, err := s.AddCard(bkj.Card{Balance: core.MustDecimal("10")})
	require.NoError(t, err)
	auth, err := s.CardEvent(card.ID, event(core.EventAuthorize, "", "4"))
	require.NoError(t, err)
	_, err = s.Clock.Advance(72 * time.Hour)
	require.NoError(t, err)
	orig, _ := s.CardTransaction(auth.ID)
	assert.Equal(t, bkj.CardTxSuccess, orig.Status, "cleared after delays.clearing; the expiry after it finds nothing to do")
	assert.Len(t, s.CardTransactions(card.ID), 1)
	s.CheckCardBalance(t, card.ID, "6")
	s.CheckLedger(t)
}

func TestSandboxPartialReversal(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t, bkj.WithDelays(bkj.Delays{Clearing: time.Hour}))
	c := s.NewClient()
	card, err := s.AddCard(bkj.Card{Balance: core.MustDecimal("50")})
	require.NoError(t, err)
	buy := authorize(t, c, map[string]any{"card_id": card.ID, "amount": "20"})
	rev := authorize(t, c, map[string]any{"card_id": card.ID, "type": "reversal", "related_id": buy.ID, "amount": "5"})
	assert.Equal(t, "5", rev.Amount)
	assert.Equal(t, "35", rev.BalanceAfter)
	_, _ = s.Clock.Advance(time.Hour)
	orig, _ := s.CardTransaction(buy.ID)
	assert.Equal(t, bkj.CardTxSuccess, orig.Status)
	assert.Equal(t, "15", orig.Held().String(), "it cleared what it still held")
	s.CheckCardBalance(t, card.ID, "35")
	s.CheckLedger(t)
}

func TestCardHistory(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t, sims.WithBKJ(bkj.WithDelays(bkj.Delays{Open: 30 * time.Second, Freeze: 5 * time.Second})))
	s := f.BKJ
	c := bkj.NewClient(f.URL(), bkj.DefaultAPIKey, bkj.DefaultAPISecret)
	user := approved(t, c, "history@example.com")
	card := applyCard(t, c, user, "visa-virtual-usd", nil)
	_, err := s.Clock.Advance(30 * time.Second)
	require.NoError(t, err)
	ok(t, c, "card.freeze", post("/openapi/v1/card/freeze", map[string]string{"id": card.ID}), nil)
	_, err = s.Clock.Advance(5 * time.Second)
	require.NoError(t, err)
	require.NoError(t, s.UnfreezeCard(card.ID))

	got, _ := s.Card(card.ID)
	at := core.TestEpoch
	assert.Equal(t, core.CardHistory{
		{At: at, To: "opening", Cause: "card applied"},
		{At: at.Add(30 * time.Second), From: "opening", To: "active", Cause: "card issued"},
		{At: at.Add(30 * time.Second), From: "active", To: "processing_frozen", Cause: "freeze requested"},
		{At: at.Add(35 * time.Second), From: "processing_frozen", To: "frozen", Cause: "freeze completed"},
		{At: at.Add(35 * time.Second), From: "frozen", To: "active", Cause: "unfrozen by platform"},
	}, got.History)

	for i := 0; i < 40; i++ {
		if i%2 == 0 {
			require.NoError(t, s.FreezeCard(card.ID))
		} else {
			require.NoError(t, s.UnfreezeCard(card.ID))
		}
	}
	got, _ = s.Card(card.ID)
	require.Len(t, got.History, core.CardHistoryLimit, "bounded")
	assert.Equal(t, "active", got.History[core.CardHistoryLimit-1].To)
	_, body := f.Admin(t, http.MethodGet, "/_mocksrv/tenants/default/bkj/state", nil)
	assert.Contains(t, string(body), `"history": [`, "the state dump shows it")

	admin, err := s.AddCard(bkj.Card{Status: bkj.StatusFrozen})
	require.NoError(t, err)
	assert.Equal(t, core.CardHistory{{At: at.Add(35 * time.Second), To: "frozen", Cause: "created by admin"}}, admin.History)

	saved, err := f.MarshalState()
	require.NoError(t, err)
	g := sims.RunT(t)
	require.NoError(t, g.UnmarshalState(saved))
	back, _ := g.BKJ.Card(card.ID)
	assert.Equal(t, got.History, back.History, "snapshots keep it")
}

func TestSnapshotKeepsOpenAuthorizations(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t, sims.WithBKJ(bkj.WithManualClearing(true), bkj.WithAuthExpiry(72*time.Hour)))
	card, err := f.BKJ.AddCard(bkj.Card{Balance: core.MustDecimal("100")})
	require.NoError(t, err)
	auth, err := f.BKJ.CardEvent(card.ID, event(core.EventAuthorize, "", "30"))
	require.NoError(t, err)
	_, err = f.BKJ.CardEvent(card.ID, event(core.EventReverse, auth.ID, "10"))
	require.NoError(t, err)
	saved, err := f.MarshalState()
	require.NoError(t, err)

	g := sims.RunT(t)
	require.NoError(t, g.UnmarshalState(saved))
	open, _ := g.BKJ.CardTransaction(auth.ID)
	assert.Equal(t, bkj.CardTxPending, open.Status)
	assert.Equal(t, "20", open.Held().String())
	assert.Equal(t, f.BKJ.Ledger(), g.BKJ.Ledger())
	_, err = g.BKJ.Clock.Advance(72 * time.Hour)
	require.NoError(t, err)
	open, _ = g.BKJ.CardTransaction(auth.ID)
	assert.Equal(t, bkj.CardTxReversed, open.Status, "the restored agenda expires it at its due time")
	assert.Equal(t, core.TestEpoch.Add(72*time.Hour), open.UpdatedAt)
	g.BKJ.CheckCardBalance(t, card.ID, "100")
	g.BKJ.CheckLedger(t)
}

// A clearing above the balance leaves the card negative, and the card and
// its transactions still read as their contracts say; a top-up brings it
// back.
func TestForcedClearingReadsNegative(t *testing.T) {
	t.Parallel()
	s, card := events(t, "10")
	c := s.NewClient()
	auth, err := s.CardEvent(card.ID, event(core.EventAuthorize, "", "10"))
	require.NoError(t, err)
	_, err = s.CardEvent(card.ID, event(core.EventClear, auth.ID, "12.5"))
	require.NoError(t, err)
	got := cardDetail(t, c, card.ID)
	assert.Equal(t, "-2.5", got.ChannelBalance)
	var tx cardTxOut
	ok(t, c, "card_transaction.detail", get("/openapi/v1/card/transactions/"+auth.ID, nil), &tx)
	assert.Equal(t, "-2.5", tx.BalanceAfter)
	declined := authorize(t, c, map[string]any{"card_id": card.ID, "amount": "0.01"})
	assert.Equal(t, "insufficient balance", declined.DeclineReason)
	_, err = s.Deposit(card.AccountID, "USDT", "5")
	require.NoError(t, err)
	x, _ := s.Wallet(card.AccountID, "USDT")
	ok(t, c, "wallet.transfer_to_card", post("/openapi/v1/wallet/transfer-to-card", map[string]any{"wallet_id": x.ID, "card_id": card.ID, "amount": "5"}), nil)
	s.CheckCardBalance(t, card.ID, "2.5")
	s.CheckLedger(t)
}
