package bkj_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/bkj"
	"github.com/mocksrv/mocksrv/sims/core"
)

type cardTxOut struct {
	ID            string  `json:"id"`
	Type          string  `json:"type"`
	Status        string  `json:"status"`
	Amount        string  `json:"amount"`
	BalanceAfter  string  `json:"balance_after"`
	DeclineReason string  `json:"decline_reason"`
	Remarks       *string `json:"remarks"`
	AuthCode      string  `json:"auth_code"`
	RelatedID     string  `json:"related_id"`
	MerchantName  string  `json:"merchant_name"`
}

func authorize(t *testing.T, c *bkj.Client, body map[string]any) cardTxOut {
	t.Helper()
	var tx cardTxOut
	ok(t, c, "sandbox.authorize", post("/openapi/v1/sandbox/card/authorize", body), &tx)
	return tx
}

func TestCardTransactions(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t, bkj.WithDelays(bkj.Delays{Clearing: 24 * time.Hour}))
	c := s.NewClient()
	card, err := s.AddCard(bkj.Card{Balance: core.MustDecimal("100")})
	require.NoError(t, err)

	buy := authorize(t, c, map[string]any{"card_id": card.ID, "amount": "12.34", "merchant_name": "Coffee Lab", "mcc": "5814", "country": "SG"})
	assert.Equal(t, "purchase", buy.Type)
	assert.Equal(t, "pending", buy.Status)
	assert.Equal(t, "87.66", buy.BalanceAfter)
	assert.Len(t, buy.AuthCode, 6)
	s.CheckCardBalance(t, card.ID, "87.66")

	declined := authorize(t, c, map[string]any{"card_id": card.ID, "amount": "1", "merchant_name": "mocksrv:decline"})
	assert.Equal(t, "declined", declined.Status)
	assert.Contains(t, declined.DeclineReason, "declined by issuer")
	require.NotNil(t, declined.Remarks)
	short := authorize(t, c, map[string]any{"card_id": card.ID, "amount": "87.67"})
	assert.Equal(t, "declined", short.Status)
	assert.Equal(t, "insufficient balance", short.DeclineReason, "a card never goes below zero")
	s.CheckCardBalance(t, card.ID, "87.66")

	rev := authorize(t, c, map[string]any{"card_id": card.ID, "type": "reversal", "related_id": buy.ID})
	assert.Equal(t, "reversal", rev.Type)
	assert.Equal(t, "12.34", rev.Amount)
	assert.Equal(t, "Coffee Lab", rev.MerchantName)
	s.CheckCardBalance(t, card.ID, "100")
	var orig cardTxOut
	ok(t, c, "card_transaction.detail", get("/openapi/v1/card/transactions/"+buy.ID, nil), &orig)
	assert.Equal(t, "reversed", orig.Status)

	buy2 := authorize(t, c, map[string]any{"card_id": card.ID, "amount": 40})
	code(t, c, "sandbox.authorize", post("/openapi/v1/sandbox/card/authorize", map[string]any{"card_id": card.ID, "type": "refund", "amount": "1", "related_id": buy2.ID}),
		40900, "only cleared purchases can be refunded")
	_, _ = s.Clock.Advance(24 * time.Hour)
	ok(t, c, "card_transaction.detail", get("/openapi/v1/card/transactions/"+buy2.ID, nil), &orig)
	assert.Equal(t, "success", orig.Status, "cleared after Delays.Clearing")
	code(t, c, "sandbox.authorize", post("/openapi/v1/sandbox/card/authorize", map[string]any{"card_id": card.ID, "type": "reversal", "related_id": buy2.ID}),
		40900, "only pending purchases can be reversed")
	authorize(t, c, map[string]any{"card_id": card.ID, "type": "refund", "amount": "15", "related_id": buy2.ID})
	code(t, c, "sandbox.authorize", post("/openapi/v1/sandbox/card/authorize", map[string]any{"card_id": card.ID, "type": "refund", "amount": "25.01", "related_id": buy2.ID}),
		40000, "exceeds the 25 left to refund")
	s.CheckCardBalance(t, card.ID, "75")

	require.NoError(t, s.FreezeCard(card.ID))
	frozen := authorize(t, c, map[string]any{"card_id": card.ID, "amount": "1"})
	assert.Equal(t, "card is frozen", frozen.DeclineReason)

	var list struct {
		Total int
		List  []cardTxOut
	}
	ok(t, c, "card_transaction.list", get("/openapi/v1/card/transactions", url.Values{"card_id": {card.ID}}), &list)
	assert.Equal(t, 7, list.Total)
	ok(t, c, "card_transaction.list", get("/openapi/v1/card/transactions", url.Values{"card_id": {card.ID}, "status": {"declined"}}), &list)
	assert.Equal(t, 3, list.Total)
	ok(t, c, "card_transaction.list", get("/openapi/v1/card/transactions", url.Values{"account_id": {card.AccountID}, "type": {"refund"}}), &list)
	assert.Equal(t, 1, list.Total)
	code(t, c, "card_transaction.list", get("/openapi/v1/card/transactions", url.Values{"type": {"atm"}}), 40000, "type must be")
	code(t, c, "card_transaction.detail", get("/openapi/v1/card/transactions/nope", nil), 40400, "card transaction")

	tests := []struct {
		name string
		body map[string]any
		code int
		want string
	}{
		{name: "no card", body: map[string]any{"amount": "1"}, code: 40000, want: "card_id is required"},
		{name: "unknown card", body: map[string]any{"card_id": "nope", "amount": "1"}, code: 40400, want: `card "nope"`},
		{name: "zero amount", body: map[string]any{"card_id": card.ID, "amount": "0"}, code: 40000, want: "positive amount"},
		{name: "three decimals", body: map[string]any{"card_id": card.ID, "amount": "1.001"}, code: 40000, want: "at most 2 decimals"},
		{name: "unknown type", body: map[string]any{"card_id": card.ID, "amount": "1", "type": "atm"}, code: 40000, want: "type must be purchase, refund or reversal"},
		{name: "refund without purchase", body: map[string]any{"card_id": card.ID, "amount": "1", "type": "refund"}, code: 40000, want: "needs the purchase it returns"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code(t, c, "sandbox.authorize", post("/openapi/v1/sandbox/card/authorize", tt.body), tt.code, tt.want)
		})
	}
	s.CheckLedger(t)
	m := s.Ledger()
	assert.Equal(t, "25", m.Spent.String())
	assert.Equal(t, "100", m.Deposited.String())
}

func TestAdminCardTransactions(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	card, err := s.AddCard(bkj.Card{Balance: core.MustDecimal("10")})
	require.NoError(t, err)
	out, err := core.ProviderOf(s.Host).Create("default", "transactions", []byte(`{"card_id":"`+card.ID+`","amount":"2.5","merchant_name":"Admin"}`))
	require.NoError(t, err)
	assert.Equal(t, bkj.CardTxPending, out.(bkj.CardTx).Status)
	tx, err := s.Authorize(bkj.Authorization{CardID: card.ID, Amount: core.MustDecimal("1")})
	require.NoError(t, err)
	assert.Equal(t, "6.5", tx.BalanceAfter.String())
	assert.Len(t, s.CardTransactions(card.ID), 2)
	s.CheckCardBalance(t, card.ID, "6.5")
	s.CheckLedger(t)
}
