package uqpay_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/uqpay"
)

func TestBalances(t *testing.T) {
	t.Parallel()
	f := newFixture(t, uqpay.WithInitialBalance("SGD", "250.50"))
	b, err := f.sdk.RetrieveBalance(f.ctx, "SGD")
	require.NoError(t, err)
	assert.Equal(t, "250.50", b.AvailableBalance)
	assert.Equal(t, "0.00", b.FrozenBalance)
	assert.Equal(t, "ACTIVE", b.BalanceStatus)
	_, err = f.sdk.RetrieveBalance(f.ctx, "EUR")
	assert.Contains(t, apiErr(t, err).Message, `currency "EUR" has no issuing balance`)
	status, body := f.post("/api/v1/issuing/balances", map[string]any{})
	wantError(t, status, body, http.StatusBadRequest, "invalid_request_error", "invalid_request_error", "currency is required")
	require.NoError(t, f.s.Deposit("SGD", "49.50"))
	f.s.CheckBalance(t, "SGD", "300")
	list, err := f.sdk.ListBalances(f.ctx, 0, 0)
	require.NoError(t, err)
	require.Equal(t, 2, list.TotalItems)
	assert.Equal(t, "SGD", list.Data[0].Currency)
	assert.Equal(t, "300.00", list.Data[0].AvailableBalance)
}

func TestBalanceTransactions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	card := f.card(f.holder("bt@example.com"), uqpay.ProductShare, 0)
	_, err := f.sdk.SimulateAuthorization(f.ctx, auth(card, 12.34, "Shop"))
	require.NoError(t, err)
	list, err := f.sdk.ListBalanceTransactions(f.ctx, 10, 1, "", "")
	require.NoError(t, err)
	require.Equal(t, 3, list.TotalItems)
	top := list.Data[0]
	assert.Equal(t, "ISSUING_AUTHORIZATION", top.TransactionType)
	assert.Equal(t, "-12.34", top.Amount)
	assert.Equal(t, "PENDING", top.TransactionStatus)
	assert.Equal(t, "99987.66", top.EndingBalance)
	_, err = f.s.Clock.Advance(24 * time.Hour)
	require.NoError(t, err)
	status, body := f.get("/api/v1/issuing/balances/transactions?transaction_type=ISSUING_AUTHORIZATION")
	require.Equal(t, http.StatusOK, status)
	one := decodeJSON[ListBalanceTransactionsResponse](t, body)
	require.Equal(t, 1, one.TotalItems)
	assert.Equal(t, "COMPLETED", one.Data[0].TransactionStatus)

	tests := []struct {
		name    string
		query   string
		wantMsg string
	}{
		{name: "window over 90 days", query: "start_time=2026-01-01T00:00:00%2B08:00&end_time=2026-04-01T00:00:01%2B08:00", wantMsg: "the maximum interval is 90 days"},
		{name: "end before start", query: "start_time=2026-02-01T00:00:00%2B08:00&end_time=2026-01-01T00:00:00%2B08:00", wantMsg: "is before start_time"},
		{name: "not a time", query: "start_time=soon", wantMsg: "start_time \"soon\" is not a time"},
		{name: "unknown type", query: "transaction_type=PAYDAY", wantMsg: "not a balance transaction type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := f.get("/api/v1/issuing/balances/transactions?" + tt.query)
			wantError(t, status, body, http.StatusBadRequest, "invalid_request_error", "invalid_request_error", tt.wantMsg)
		})
	}
	t.Run("exactly 90 days is fine, and an unescaped offset too", func(t *testing.T) {
		status, _ := f.get("/api/v1/issuing/balances/transactions?start_time=2026-01-01T00:00:00+08:00&end_time=2026-04-01T00:00:00+08:00")
		assert.Equal(t, http.StatusOK, status)
	})
}

func TestTransfers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	master := f.s.MasterAccountID()
	a, err := f.s.AddSubAccount("Alpha")
	require.NoError(t, err)
	b, err := f.s.AddSubAccount("Beta")
	require.NoError(t, err)
	tr := func(src, dst string, amount float64, onBehalf string) (*CreateTransferResponse, error) {
		var o []*RequestOptions
		if onBehalf != "" {
			o = append(o, &RequestOptions{OnBehalfOf: onBehalf})
		}
		return f.sdk.CreateTransfer(f.ctx, &CreateTransferRequest{SourceAccountID: src, DestinationAccountID: dst, Currency: "USD", Amount: amount}, o...)
	}
	_, err = tr(master, a.ID, 300.5, "")
	require.NoError(t, err)
	back, err := tr(a.ID, master, 0.5, a.ID)
	require.NoError(t, err, "a sub-account may send to the master")
	got, err := f.sdk.GetTransfer(f.ctx, back.TransferID, &RequestOptions{OnBehalfOf: a.ID})
	require.NoError(t, err)
	assert.Equal(t, a.ID, got.CreatorID)
	_, err = f.sdk.GetTransfer(f.ctx, back.TransferID, &RequestOptions{OnBehalfOf: b.ID})
	assert.Equal(t, FlexibleCode("transfer_not_found"), apiErr(t, err).Code, "other sub-accounts do not see it")

	tests := []struct {
		name     string
		src, dst string
		amount   float64
		onBehalf string
		wantCode string
		wantMsg  string
	}{
		{name: "between two sub-accounts", src: a.ID, dst: b.ID, amount: 1, wantCode: "transfer_not_allowed", wantMsg: "not between two sub-accounts"},
		{name: "a sub-account moving the master's money", src: master, dst: b.ID, amount: 1, onBehalf: a.ID, wantCode: "transfer_not_allowed", wantMsg: "to or from itself"},
		{name: "more than the source holds", src: a.ID, dst: master, amount: 300.01, wantCode: "insufficient_balance", wantMsg: "less than 300.01"},
		{name: "unknown destination", src: master, dst: "18523f72-f4de-4f9c-bb8e-ec7d1c4f32be", amount: 1, wantCode: "account_not_found", wantMsg: "destination_account_id"},
		{name: "same account", src: master, dst: master, amount: 1, wantCode: "invalid_request_error", wantMsg: "the same account"},
		{name: "three decimals", src: master, dst: a.ID, amount: 1.005, wantCode: "invalid_request_error", wantMsg: "2 decimal places"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tr(tt.src, tt.dst, tt.amount, tt.onBehalf)
			e := apiErr(t, err)
			assert.Equal(t, FlexibleCode(tt.wantCode), e.Code)
			assert.Contains(t, e.Message, tt.wantMsg)
		})
	}
	sub, err := f.sdk.RetrieveBalance(f.ctx, "USD", &RequestOptions{OnBehalfOf: a.ID})
	require.NoError(t, err)
	assert.Equal(t, "300.00", sub.AvailableBalance)
	f.s.CheckBalance(t, "USD", "99700")
	f.s.CheckLedger(t)
	txns, err := f.sdk.ListBalanceTransactions(f.ctx, 10, 1, "", "", &RequestOptions{OnBehalfOf: a.ID})
	require.NoError(t, err)
	require.Equal(t, 2, txns.TotalItems)
	assert.Equal(t, "TRANSFER_OUT", txns.Data[0].TransactionType)
	assert.Equal(t, "TRANSFER_IN", txns.Data[1].TransactionType)
}

func TestSubAccountsIssueOnTheirOwn(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sub, err := f.s.AddSubAccount("Gamma")
	require.NoError(t, err)
	o := &RequestOptions{OnBehalfOf: sub.ID}
	h, err := f.sdk.CreateCardholder(f.ctx, &CreateCardholderRequest{Email: "g@example.com", PhoneNumber: "80000000", FirstName: "G",
		LastName: "M", CountryCode: "SG"}, o)
	require.NoError(t, err)
	_, err = f.sdk.CreateCard(f.ctx, &CreateCardRequest{CardholderID: h.CardholderID, CardProductID: uqpay.ProductSingle, CardCurrency: "USD",
		CardLimit: ptr(1.0)}, o)
	assert.Equal(t, FlexibleCode("insufficient_balance"), apiErr(t, err).Code, "a new sub-account has no money")
	_, err = f.sdk.CreateTransfer(f.ctx, &CreateTransferRequest{SourceAccountID: f.s.MasterAccountID(), DestinationAccountID: sub.ID,
		Currency: "USD", Amount: 50})
	require.NoError(t, err)
	cr, err := f.sdk.CreateCard(f.ctx, &CreateCardRequest{CardholderID: h.CardholderID, CardProductID: uqpay.ProductSingle, CardCurrency: "USD",
		CardLimit: ptr(20.0)}, o)
	require.NoError(t, err)
	f.flush()
	c, err := f.sdk.GetCard(f.ctx, cr.CardID, o)
	require.NoError(t, err)
	assert.Equal(t, "ACTIVE", c.CardStatus)
	_, err = f.sdk.GetCard(f.ctx, cr.CardID)
	assert.Equal(t, FlexibleCode("card_not_found"), apiErr(t, err).Code, "the master does not see the sub-account's cards")
	r, err := f.sdk.SimulateAuthorization(f.ctx, auth(cr.CardID, 5, "Shop"), o)
	require.NoError(t, err)
	assert.Equal(t, "APPROVED", r.TransactionStatus)
	subs := f.s.SubAccounts()
	require.Len(t, subs, 1)
	assert.Equal(t, "Gamma", subs[0].Name)
	f.s.CheckLedger(t)
}

func TestReports(t *testing.T) {
	t.Parallel()
	f := newFixture(t, uqpay.WithReportDelay(10*time.Second))
	card := f.card(f.holder("rep@example.com"), uqpay.ProductShare, 0)
	_, err := f.sdk.SimulateAuthorization(f.ctx, auth(card, 3, "Settled Shop"))
	require.NoError(t, err)
	_, err = f.s.Clock.Advance(24 * time.Hour)
	require.NoError(t, err)
	rep, err := f.sdk.CreateReport(f.ctx, &CreateReportRequest{ReportType: "SETTLEMENT", StartTime: "2026-01-01", EndTime: "2026-01-02"})
	require.NoError(t, err)
	_, err = f.sdk.DownloadReport(f.ctx, rep.ReportID)
	assert.Equal(t, FlexibleCode("report_not_ready"), apiErr(t, err).Code)
	_, err = f.s.Clock.Advance(10 * time.Second)
	require.NoError(t, err)
	raw, err := f.sdk.DownloadReport(f.ctx, rep.ReportID)
	require.NoError(t, err)
	assert.Contains(t, string(raw), "Settled Shop")
	_, err = f.sdk.CreateReport(f.ctx, &CreateReportRequest{ReportType: "PNL", StartTime: "2026-01-01", EndTime: "2026-01-02"})
	assert.Contains(t, apiErr(t, err).Message, "SETTLEMENT or LEDGER")
	_, err = f.sdk.CreateReport(f.ctx, &CreateReportRequest{ReportType: "LEDGER", StartTime: "2026-01-01", EndTime: "2026-06-01"})
	assert.Contains(t, apiErr(t, err).Message, "more than 90 days")
	_, err = f.sdk.DownloadReport(f.ctx, "nope")
	assert.Equal(t, FlexibleCode("report_not_found"), apiErr(t, err).Code)
}

func TestMerchantBrands(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	all, err := f.sdk.ListMerchantBrands(f.ctx, 0, 0, "", "")
	require.NoError(t, err)
	assert.Equal(t, 14, all.TotalItems)
	assert.Equal(t, 2, all.TotalPages)
	assert.Len(t, all.Data, 10)
	one, err := f.sdk.ListMerchantBrands(f.ctx, 1, 10, "", "GRAB")
	require.NoError(t, err)
	require.Len(t, one.Data, 1)
	assert.Equal(t, "Grab", one.Data[0].DisplayName)
}
