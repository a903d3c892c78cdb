package decard_test

import (
	"net/http"
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

// TestStatementListsTakeATimeWindow: statements, statements/detail and
// fiat/transactions honour startTime and endTime (issue 15: they ignored
// them) in the forms the transaction lists take; a malformed one is
// ACCOUNT_INVALID_PARAMETER naming it.
func TestStatementListsTakeATimeWindow(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	c := s.NewClient()
	advance(t, s, 2*24*time.Hour) // 2026-01-03: cycle Jan 2 – Feb 1
	user, card := userWithCard(t, s, c, "81234599")
	credit(t, c, user, "USD", "1000", "credit-win-1")
	spend := func(amount string) {
		post(t, c, "simulation.fund_auth", "/simulation/v1/fund-auth", map[string]any{"externalUserId": user, "cardMantissa": card.mantissa(),
			"authType": "EXPEND", "amount": amount, "currency": "USD"}, nil)
	}
	spend("1")
	advance(t, s, 5*24*time.Hour) // Jan 8
	spend("2")
	advance(t, s, 30*24*time.Hour) // Feb 7: January's statement is POSTED
	spend("3")
	credit(t, c, user, "SGD", "7", "credit-win-2")

	statements := func(kv ...string) []statement {
		var list []statement
		get(t, c, "card.statements", "/card/v1/statements", &list, decard.Q(append([]string{"externalUserId", user}, kv...)...)...)
		return list
	}
	require.Len(t, statements(), 2)
	got := statements("startTime", "2026-01-05", "endTime", "2026-01-20")
	require.Len(t, got, 1, "only January's cycle meets mid-January")
	assert.Equal(t, "POSTED", got[0].Type)
	got = statements("startTime", "2026-02-03")
	require.Len(t, got, 1)
	assert.Equal(t, "NOT_POSTED", got[0].Type)
	assert.Len(t, statements("endTime", "2026-02-01"), 1, "an end on the statement date holds its cycle")
	assert.Len(t, statements("endTime", "2026-02-02"), 2, "the next cycle starts on the 2nd")
	assert.Empty(t, statements("endTime", "2025-12-01"))
	assert.Len(t, statements("startTime", "2026-01-01", "rows", "1", "page", "2"), 1, "paging applies after the window")

	posted := statements()[1].StatementID
	detail := func(kv ...string) []struct {
		Amount string `json:"transactionAmount"`
	} {
		var rows []struct {
			Amount string `json:"transactionAmount"`
		}
		get(t, c, "card.statement_detail", "/card/v1/statements/detail", &rows, decard.Q(append([]string{"externalUserId", user, "statementId", posted}, kv...)...)...)
		return rows
	}
	require.Len(t, detail(), 2)
	rows := detail("startTime", "2026-01-05")
	require.Len(t, rows, 1)
	assert.Equal(t, "2", rows[0].Amount)
	jan8 := time.Date(2026, 1, 8, 0, 0, 0, 0, time.UTC)
	rows = detail("endTime", jan8.Add(-time.Millisecond).Format("2006-01-02 15:04:05"))
	require.Len(t, rows, 1)
	assert.Equal(t, "1", rows[0].Amount)

	var fiat []fiatRow
	get(t, c, "card.fiat_transactions", "/card/v1/fiat/transactions", &fiat, decard.Q("externalUserId", user)...)
	require.Len(t, fiat, 2)
	get(t, c, "card.fiat_transactions", "/card/v1/fiat/transactions", &fiat, decard.Q("externalUserId", user, "startTime", "2026-02-01")...)
	require.Len(t, fiat, 1)
	assert.Equal(t, "702", fiat[0].Currency)

	for _, path := range []struct{ route, path string }{{"card.statements", "/card/v1/statements"}, {"card.fiat_transactions", "/card/v1/fiat/transactions"}} {
		resp := mustCode(t, c, path.route, http.MethodGet, path.path, decard.Q("externalUserId", user, "endTime", "yesterday"), nil, "ACCOUNT_INVALID_PARAMETER")
		assert.Contains(t, resp.Message, "endTime")
	}
}
