package uqpay_test

import (
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// TestSDKIssuingFlow drives the whole issuing flow through the SDK mirror,
// as a team using the official Go SDK would: every answer decodes into the
// SDK's structs and satisfies its contract, and every webhook passes the
// SDK's verifier and its contract.
func TestSDKIssuingFlow(t *testing.T) {
	t.Parallel()
	f := newFixture(t, uqpay.WithIssueDelay(5*time.Second), uqpay.WithOrderDelay(2*time.Second))
	c, ctx, s := f.sdk, f.ctx, f.s

	// Products: the SDK's integration test picks the first ENABLED SINGLE one.
	products, err := c.ListProducts(ctx, 0, 0) // the SDK sends zeros when the caller sets nothing
	require.NoError(t, err)
	var product CardProduct
	for _, p := range products.Data {
		if p.ProductStatus == "ENABLED" && p.ModeType == "SINGLE" {
			product = p
			break
		}
	}
	require.NotEmpty(t, product.ProductID)
	currency := product.CardCurrency[0]

	// Cardholders.
	holder, err := c.CreateCardholder(ctx, &CreateCardholderRequest{
		Email: "emily.toy@example.com", PhoneNumber: "86683306", FirstName: "Emily", LastName: "Toy", CountryCode: "SG",
		DateOfBirth: ptr("1990-01-01"), Gender: ptr("FEMALE"), Nationality: ptr("SG"),
		ResidentialAddress: &ResidentialAddress{Country: "SG", City: "Singapore", Line1: "9 N Buona Vista Dr", PostalCode: ptr("138666")},
	})
	require.NoError(t, err)
	assert.Equal(t, "SUCCESS", holder.CardholderStatus)
	got, err := c.GetCardholder(ctx, holder.CardholderID)
	require.NoError(t, err)
	assert.Equal(t, "Emily", got.FirstName)
	assert.Equal(t, "2026-01-01 08:00:00", got.CreateTime)
	_, err = c.UpdateCardholder(ctx, holder.CardholderID, &UpdateCardholderRequest{PhoneNumber: ptr("86683307")})
	require.NoError(t, err)
	holders, err := c.ListCardholders(ctx, 10, 1)
	require.NoError(t, err)
	require.Equal(t, 1, holders.TotalItems)
	assert.Equal(t, "86683307", *holders.Data[0].PhoneNumber)

	// A SINGLE card with an opening load of 500, created asynchronously.
	startUSD := s.Balance(currency).Available
	created, err := c.CreateCard(ctx, &CreateCardRequest{
		CardholderID: holder.CardholderID, CardProductID: product.ProductID, CardCurrency: currency, CardLimit: ptr(500.0),
		SpendingControls: []SpendingControl{{Amount: "100", Interval: "PER_TRANSACTION"}},
		RiskControls:     &RiskControls{Allow3DSTransactions: ptr("Y"), BlockedMCC: []string{"6011"}},
		Metadata:         map[string]string{"employee": "E-42"},
	})
	require.NoError(t, err)
	assert.Equal(t, "PENDING", created.CardStatus)
	assert.Equal(t, "PROCESSING", created.OrderStatus)
	card, err := c.GetCard(ctx, created.CardID)
	require.NoError(t, err)
	assert.Equal(t, "PENDING", card.CardStatus)
	_, err = s.Clock.Advance(5 * time.Second)
	require.NoError(t, err)
	card, err = c.GetCard(ctx, created.CardID)
	require.NoError(t, err)
	assert.Equal(t, "ACTIVE", card.CardStatus)
	assert.Equal(t, "500.00", card.AvailableBalance)
	assert.Equal(t, FlexibleString("500"), card.CardLimit)
	assert.Equal(t, "2000USD", card.NoPINPaymentAmount)
	assert.Equal(t, []SpendingControl{{Amount: "100.00", Interval: "PER_TRANSACTION"}}, card.SpendingControls)
	assert.Equal(t, FlexibleStringMap{"employee": "E-42"}, card.Metadata)
	assert.Equal(t, 1, card.Cardholder.NumberOfCards)
	assert.Equal(t, startUSD.Sub(mustDec("500")).String(), s.Balance(currency).Available.String(), "the opening load left the issuing balance")
	order, err := c.GetOrder(ctx, created.CardOrderID)
	require.NoError(t, err)
	assert.Equal(t, CardOrder{CardID: created.CardID, CardOrderID: created.CardOrderID, OrderType: "CARD_CREATE", Amount: 500,
		CardCurrency: currency, CreateTime: "2026-01-01T08:00:00+08:00", UpdateTime: "2026-01-01T08:00:05+08:00",
		CompleteTime: "2026-01-01T08:00:05+08:00", OrderStatus: "SUCCESS"}, *order)

	list, err := c.ListCards(ctx, &ListCardsRequest{PageSize: 10, PageNumber: 1, CardStatus: ptr("ACTIVE"), CardholderID: ptr(holder.CardholderID)})
	require.NoError(t, err)
	require.Equal(t, 1, list.TotalItems)
	assert.Equal(t, created.CardID, list.Data[0].CardID)

	updated, err := c.UpdateCard(ctx, created.CardID, &CardUpdateRequest{NoPINPaymentAmount: ptr(100.0),
		SpendingControls: []SpendingControl{{Amount: "300", Interval: "PER_TRANSACTION"}, {Amount: "1000", Interval: "DAILY"}}})
	require.NoError(t, err)
	assert.Equal(t, "SUCCESS", updated.OrderStatus)

	secure, err := c.GetSecure(ctx, created.CardID)
	require.NoError(t, err)
	assert.Regexp(t, `^40963608\d{8}$`, secure.CardNumber)
	assert.Regexp(t, `^\d{3}$`, secure.CVV)
	assert.Equal(t, "01/29", secure.ExpireDate)

	// Recharge and withdraw move money exactly, through PENDING orders.
	recharge, err := c.Recharge(ctx, created.CardID, &CardOrderRequest{Amount: 100.25})
	require.NoError(t, err)
	assert.Equal(t, "PENDING", recharge.OrderStatus)
	assert.Equal(t, "CARD_RECHARGE", recharge.OrderType)
	assert.InDelta(t, 100.25, recharge.Amount, 0)
	_, err = s.Clock.Advance(2 * time.Second)
	require.NoError(t, err)
	withdraw, err := c.Withdraw(ctx, created.CardID, &CardOrderRequest{Amount: 50})
	require.NoError(t, err)
	_, err = s.Clock.Advance(2 * time.Second)
	require.NoError(t, err)
	order, err = c.GetOrder(ctx, withdraw.CardOrderID)
	require.NoError(t, err)
	assert.Equal(t, "SUCCESS", order.OrderStatus)
	card, err = c.GetCard(ctx, created.CardID)
	require.NoError(t, err)
	assert.Equal(t, "550.25", card.AvailableBalance)
	assert.Equal(t, startUSD.Sub(mustDec("550.25")).String(), s.Balance(currency).Available.String())

	// Authorization, reversal, and a freeze declining the next one.
	auth, err := c.SimulateAuthorization(ctx, &AuthorizationRequest{CardID: created.CardID, TransactionAmount: 10,
		TransactionCurrency: currency, MerchantName: "Test Merchant", MerchantCategoryCode: "5734"})
	require.NoError(t, err)
	assert.Equal(t, "APPROVED", auth.TransactionStatus)
	assert.InDelta(t, 540.25, auth.CardAvailableBalance, 1e-9)
	assert.Len(t, auth.AuthorizationCode, 6)
	txns, err := c.ListTransactions(ctx, &ListTransactionsRequest{PageSize: 10, PageNumber: 1, CardID: created.CardID})
	require.NoError(t, err)
	require.Equal(t, 1, txns.TotalItems)
	assert.Equal(t, "10.00", txns.Data[0].BillingAmount)
	rev, err := c.SimulateReversal(ctx, &ReversalRequest{TransactionID: auth.TransactionID})
	require.NoError(t, err)
	assert.Equal(t, "REVERSAL", rev.TransactionType)
	txn, err := c.GetTransaction(ctx, rev.TransactionID)
	require.NoError(t, err)
	assert.Equal(t, auth.TransactionID, txn.OriginalTransactionID)
	assert.Equal(t, "550.25", txn.CardAvailableBalance)

	st, err := c.UpdateCardStatus(ctx, created.CardID, &UpdateCardStatusRequest{CardStatus: "FROZEN", UpdateReason: ptr("lost wallet")})
	require.NoError(t, err)
	assert.Equal(t, "PENDING", st.OrderStatus)
	_, err = s.Clock.Advance(2 * time.Second)
	require.NoError(t, err)
	declined, err := c.SimulateAuthorization(ctx, &AuthorizationRequest{CardID: created.CardID, TransactionAmount: 1,
		TransactionCurrency: currency, MerchantName: "Test Merchant", MerchantCategoryCode: "5734"})
	require.NoError(t, err)
	assert.Equal(t, "DECLINED", declined.TransactionStatus)
	assert.Equal(t, "1101 - Card Not Active", declined.FailureReason)
	_, err = c.UpdateCardStatus(ctx, created.CardID, &UpdateCardStatusRequest{CardStatus: "ACTIVE"})
	require.NoError(t, err)
	_, err = s.Clock.Advance(2 * time.Second)
	require.NoError(t, err)

	tok, err := c.CreatePANToken(ctx, created.CardID)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(tok.Token, "pan_"))
	assert.Equal(t, 60, tok.ExpiresIn)

	// A simulated deposit tops the issuing balance up once it completes.
	dep, err := c.SimulateDeposit(ctx, &CreateDepositRequest{Amount: 1000, Currency: currency, SenderSwiftCode: "TESTSGSG",
		SenderName: "Acme Treasury"})
	require.NoError(t, err)
	assert.Equal(t, "PENDING", dep.DepositStatus)
	assert.Equal(t, "1000", dep.Amount)
	assert.Equal(t, "Acme Treasury", dep.Sender.SenderName)
	beforeDeposit := startUSD.Sub(mustDec("550.25"))

	// Balances and balance transactions.
	bal, err := c.RetrieveBalance(ctx, currency)
	require.NoError(t, err)
	assert.Equal(t, s.Balance(currency).Available.StringFixed(2), bal.AvailableBalance)
	assert.Equal(t, beforeDeposit.Add(mustDec("1000")).StringFixed(2), bal.AvailableBalance, "the deposit completed (RunT: no delay)")
	bals, err := c.ListBalances(ctx, 10, 1)
	require.NoError(t, err)
	assert.Equal(t, 2, bals.TotalItems)
	btx, err := c.ListBalanceTransactions(ctx, 10, 1, "2026-01-01T00:00:00+08:00", "2026-01-31T00:00:00+08:00")
	require.NoError(t, err)
	assert.Equal(t, 6, btx.TotalItems, "opening deposits (USD, SGD), card load, recharge, withdraw, the simulated deposit")

	// Transfers to a sub-account, which then issues on its own.
	sub, err := s.AddSubAccount("Team Alpha")
	require.NoError(t, err)
	tr, err := c.CreateTransfer(ctx, &CreateTransferRequest{SourceAccountID: s.MasterAccountID(), DestinationAccountID: sub.ID,
		Currency: currency, Amount: 1000, Remark: "seed the team"})
	require.NoError(t, err)
	transfer, err := c.GetTransfer(ctx, tr.TransferID)
	require.NoError(t, err)
	assert.Equal(t, "1000.00", transfer.Amount)
	assert.Equal(t, "completed", transfer.TransferStatus)
	onSub := &RequestOptions{OnBehalfOf: sub.ID}
	subBal, err := c.RetrieveBalance(ctx, currency, onSub)
	require.NoError(t, err)
	assert.Equal(t, "1000.00", subBal.AvailableBalance)
	subHolder, err := c.CreateCardholder(ctx, &CreateCardholderRequest{Email: "emily.toy@example.com", PhoneNumber: "86683306",
		FirstName: "Emily", LastName: "Toy", CountryCode: "SG"}, onSub)
	require.NoError(t, err, "email and phone are unique per account, and the sub-account is another account")
	subHolders, err := c.ListCardholders(ctx, 10, 1, onSub)
	require.NoError(t, err)
	require.Equal(t, 1, subHolders.TotalItems)
	assert.Equal(t, subHolder.CardholderID, subHolders.Data[0].CardholderID)
	_, err = c.GetCardholder(ctx, subHolder.CardholderID)
	assert.Equal(t, "cardholder_not_found", string(apiErr(t, err).Code), "the master does not see the sub-account's cardholders")

	// Reports and merchant brands.
	rep, err := c.CreateReport(ctx, &CreateReportRequest{ReportType: "LEDGER", StartTime: "2026-01-01T00:00:00+08:00", EndTime: "2026-01-02T00:00:00+08:00"})
	require.NoError(t, err)
	raw, err := c.DownloadReport(ctx, rep.ReportID)
	require.NoError(t, err)
	rows, err := csv.NewReader(strings.NewReader(string(raw))).ReadAll()
	require.NoError(t, err)
	assert.Len(t, rows, 1+7, "header and seven balance transactions (the deposit and the transfer included)")
	brands, err := c.ListMerchantBrands(ctx, 1, 10, "net", "")
	require.NoError(t, err)
	require.Equal(t, 1, brands.TotalItems)
	assert.Equal(t, "NETFLIX", brands.Data[0].MerchantCode)

	// Cancel: PRE_CANCEL now, CANCELLED 30 days later with the balance refunded.
	_, err = c.UpdateCardStatus(ctx, created.CardID, &UpdateCardStatusRequest{CardStatus: "CANCELLED"})
	require.NoError(t, err)
	_, err = s.Clock.Advance(2 * time.Second)
	require.NoError(t, err)
	s.CheckCardStatus(t, created.CardID, uqpay.StatusPreCancel)
	before := s.Balance(currency).Available
	_, err = s.Clock.Advance(30 * 24 * time.Hour)
	require.NoError(t, err)
	card, err = c.GetCard(ctx, created.CardID)
	require.NoError(t, err)
	assert.Equal(t, "CANCELLED", card.CardStatus)
	assert.Equal(t, "0.00", card.AvailableBalance)
	assert.Equal(t, before.Add(mustDec("550.25")).String(), s.Balance(currency).Available.String(), "the SINGLE card's balance came back")

	// Webhooks: every one verified by the SDK's verifier and its contract.
	evs := f.events()
	var types []string
	for _, e := range evs {
		types = append(types, e.EventType)
	}
	assert.Equal(t, []string{
		"card.create.succeeded", "card.update.succeeded", "card.recharge.succeeded", "card.withdraw.succeeded",
		"issuing.transaction.authorization", "issuing.transaction.reversal",
		"card.status.update.succeeded", "issuing.transaction.authorization", "card.status.update.succeeded",
		"deposit.pending", "deposit.completed",
		"card.status.update.succeeded", "card.status.update.succeeded",
	}, types)
	cd, err := evs[0].ParseCardData()
	require.NoError(t, err)
	assert.Equal(t, "500", cd.CardAvailableBalance)
	assert.Equal(t, created.CardOrderID, evs[0].SourceID)
	var statuses []string
	for _, e := range byType(evs, "card.status.update.succeeded") {
		d, err := e.ParseCardStatusUpdateData()
		require.NoError(t, err)
		statuses = append(statuses, d.CardStatus)
	}
	assert.Equal(t, []string{"FROZEN", "ACTIVE", "PRE_CANCEL", "CANCELLED"}, statuses)
	rd, err := evs[2].ParseCardRechargeData()
	require.NoError(t, err)
	assert.Equal(t, "100.25", rd.Amount)
	dd, err := byType(evs, "deposit.completed")[0].ParseDepositData()
	require.NoError(t, err)
	assert.Equal(t, dep.DepositID, dd.DepositID)
	assert.Equal(t, "Completed", dd.DepositStatus)

	s.CheckLedger(t)
	assert.Equal(t, 1, c.TokenFetchs, "one token served the whole flow, 30 days of business time included")
}
