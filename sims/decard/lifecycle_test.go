package decard_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/decard"
)

// fiatRow is one row of /card/v1/fiat/transactions.
type fiatRow struct {
	DC              string `json:"debitCreditIndcator"`
	Amount          string `json:"transactionAmount"`
	Currency        string `json:"transactionCurrency"`
	Merchant        string `json:"merchantName"`
	At              string `json:"transactionDateTime"`
	TransferDetails struct {
		Channel   string `json:"channelCode"`
		TxnAmt    string `json:"txnAmt"`
		TxnCcy    string `json:"txnCcy"`
		Sender    string `json:"sender"`
		Receiving string `json:"receiving"`
		TxHash    string `json:"txHash"`
		Network   string `json:"network"`
		Asset     string `json:"asset"`
	} `json:"transferDetails"`
}

// TestDepositsReachTheFiatLedger: a credited on-chain deposit is a C row
// of /card/v1/fiat/transactions (issue 15: deposits never reached it),
// stamped with the business time it was credited; a failed one is not.
func TestDepositsReachTheFiatLedger(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	c := s.NewClient()
	user, _ := userWithCard(t, s, c, "81112222")
	addr := depositAddress(t, c, user)
	post(t, c, "simulation.deposit", "/simulation/v1/deposit", map[string]any{"chain": "TRON", "currency": "USDT", "amount": "12.345", "address": addr}, nil)
	post(t, c, "simulation.deposit", "/simulation/v1/deposit", map[string]any{"chain": "TRON", "currency": "USDT", "amount": "9999.13", "address": addr}, nil)
	var rows []fiatRow
	get(t, c, "card.fiat_transactions", "/card/v1/fiat/transactions", &rows, decard.Q("externalUserId", user)...)
	assert.Empty(t, rows, "nothing is credited before the deposit succeeds")

	advance(t, s, 2*time.Minute)
	get(t, c, "card.fiat_transactions", "/card/v1/fiat/transactions", &rows, decard.Q("externalUserId", user)...)
	require.Len(t, rows, 1, "the credited deposit, not the failed one")
	r := rows[0]
	assert.Equal(t, "C", r.DC)
	assert.Equal(t, "12.35", r.Amount, "its USD value, to the cent")
	assert.Equal(t, "840", r.Currency)
	assert.Equal(t, "T", r.TransferDetails.Channel, "D Token")
	assert.Equal(t, "12.345", r.TransferDetails.TxnAmt, "the units sent")
	assert.Equal(t, "USDT", r.TransferDetails.TxnCcy)
	assert.Equal(t, "USDT", r.TransferDetails.Asset)
	assert.Equal(t, "TRON", r.TransferDetails.Network)
	assert.Equal(t, addr, r.TransferDetails.Receiving)
	assert.NotEmpty(t, r.TransferDetails.TxHash)
	assert.Equal(t, ms(s.Clock.Now()), r.At, "stamped when credited (the second step)")
}
