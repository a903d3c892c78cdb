package uqpay_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// TestSimulateDeposit runs the SDKs' simulator deposit through the Go SDK
// mirror: PENDING with deposit.pending, then COMPLETED after the deposit
// delay with the money in the issuing balance, a DEPOSIT balance
// transaction and deposit.completed, the ledger still balanced.
func TestSimulateDeposit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, uqpay.WithDepositDelay(time.Minute))
	before := f.s.Balance("SGD").Available

	d, err := f.sdk.SimulateDeposit(f.ctx, &CreateDepositRequest{Amount: 1106.15, Currency: "SGD", SenderSwiftCode: "WELGBE22",
		SenderAccountNumber: "GB41TCCL12345634178496", SenderCountry: "US", SenderName: "UQPAY SG"})
	require.NoError(t, err)
	assert.Regexp(t, `^[0-9a-f-]{36}$`, d.DepositID)
	assert.Regexp(t, `^P260101-[0-9A-Z]{12}$`, d.ShortReferenceID)
	assert.Equal(t, "1106.15", d.Amount)
	assert.Equal(t, "SGD", d.Currency)
	assert.Equal(t, "PENDING", d.DepositStatus)
	assert.Equal(t, "2026-01-01T08:00:00+08:00", d.CreateTime)
	assert.Equal(t, "", d.CompleteTime)
	assert.Regexp(t, `^\d{12}$`, d.ReceiverAccountNumber, "the account's own receiving number when the sender names none")
	assert.Equal(t, DepositSender{SenderName: "UQPAY SG", SenderCountry: "US", SenderAccountNumber: "GB41TCCL12345634178496",
		SenderSwiftCode: "WELGBE22"}, d.Sender)
	f.s.CheckBalance(t, "SGD", before.StringFixed(2))

	_, err = f.s.Clock.Advance(59 * time.Second)
	require.NoError(t, err)
	got, ok := f.s.SimulatedDeposit(d.DepositID)
	require.True(t, ok)
	assert.Equal(t, uqpay.DepositPending, got.Status, "still under review before the delay")
	_, err = f.s.Clock.Advance(time.Second)
	require.NoError(t, err)
	got, _ = f.s.SimulatedDeposit(d.DepositID)
	assert.Equal(t, uqpay.DepositCompleted, got.Status)
	f.s.CheckBalance(t, "SGD", before.Add(mustDec("1106.15")).StringFixed(2))

	btx, err := f.sdk.ListBalanceTransactions(f.ctx, 10, 1, "2026-01-01", "2026-01-02")
	require.NoError(t, err)
	require.NotEmpty(t, btx.Data)
	assert.Equal(t, "DEPOSIT", btx.Data[0].TransactionType)
	assert.Equal(t, "COMPLETED", btx.Data[0].TransactionStatus)
	assert.Equal(t, "1106.15", btx.Data[0].Amount)
	assert.Equal(t, "Deposit "+d.ShortReferenceID+" from UQPAY SG", btx.Data[0].Description)

	evs := f.events()
	require.Len(t, evs, 2)
	assert.Equal(t, []string{"deposit.pending", "deposit.completed"}, []string{evs[0].EventType, evs[1].EventType})
	for i, e := range evs {
		assert.Equal(t, "DEPOSIT", e.EventName)
		assert.Equal(t, d.DepositID, e.SourceID)
		dd, err := e.ParseDepositData()
		require.NoError(t, err)
		assert.Equal(t, "0", dd.DirectID, "the master account")
		assert.Equal(t, f.s.MasterAccountID(), dd.AccountID)
		assert.Equal(t, d.DepositID, dd.DepositID)
		assert.Equal(t, d.ShortReferenceID, dd.ShortReferenceID)
		assert.Equal(t, "1106.15", dd.DepositAmount)
		assert.Equal(t, "SGD", dd.DepositCurrency)
		assert.Equal(t, "0", dd.DepositFee)
		assert.Equal(t, []string{"Pending", "Completed"}[i], dd.DepositStatus)
		assert.Equal(t, []string{"", "2026-01-01T08:01:00+08:00"}[i], dd.CompleteTime)
	}
	var raw map[string]any
	require.NoError(t, json.Unmarshal(evs[0].Data, &raw))
	assert.Contains(t, raw, "complete_time")
	assert.Nil(t, raw["complete_time"], "null while pending, as published")
	f.s.CheckLedger(t)
}

// TestSimulateDepositIsIdempotent replays a deposit with the same
// x-idempotency-key: the same answer, one deposit, one credit.
func TestSimulateDepositIsIdempotent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	before := f.s.Balance("USD").Available
	key := uqpay.NewIdempotencyKey()
	req := &CreateDepositRequest{Amount: 250, Currency: "USD", SenderSwiftCode: "DBSSSGSG"}
	first, err := f.sdk.SimulateDeposit(f.ctx, req, &RequestOptions{IdempotencyKey: key})
	require.NoError(t, err)
	again, err := f.sdk.SimulateDeposit(f.ctx, req, &RequestOptions{IdempotencyKey: key})
	require.NoError(t, err)
	assert.Equal(t, first, again)
	f.flush()
	f.s.CheckBalance(t, "USD", before.Add(mustDec("250")).StringFixed(2))
	assert.Equal(t, 1, f.s.CheckWebhook(t, "deposit.completed", ""))
	f.s.CheckLedger(t)
}

// TestSimulateDepositToSubAccount deposits on behalf of a sub-account: its
// balance grows, the master's does not, and the webhook names both.
func TestSimulateDepositToSubAccount(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sub, err := f.s.AddSubAccount("Team B")
	require.NoError(t, err)
	master := f.s.Balance("USD").Available
	d, err := f.sdk.SimulateDeposit(f.ctx, &CreateDepositRequest{Amount: 40, Currency: "USD", SenderSwiftCode: "TESTSGSG",
		ReceiverAccountNumber: "SG123456789012345678"}, &RequestOptions{OnBehalfOf: sub.ID})
	require.NoError(t, err)
	assert.Equal(t, "SG123456789012345678", d.ReceiverAccountNumber)
	bal, err := f.sdk.RetrieveBalance(f.ctx, "USD", &RequestOptions{OnBehalfOf: sub.ID})
	require.NoError(t, err)
	assert.Equal(t, "40.00", bal.AvailableBalance)
	f.s.CheckBalance(t, "USD", master.StringFixed(2))

	evs := byType(f.events(), "deposit.completed")
	require.Len(t, evs, 1)
	dd, err := evs[0].ParseDepositData()
	require.NoError(t, err)
	assert.Equal(t, sub.ID, dd.AccountID)
	assert.Equal(t, f.s.MasterAccountID(), dd.DirectID, "a sub-account's deposit names its master")
	assert.Equal(t, "Team B", dd.AccountName)
	f.s.CheckLedger(t)
}

// TestSimulateDepositErrors sends the bad requests: each is 400
// invalid_request_error naming the field, and nothing is deposited.
func TestSimulateDepositErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	before := f.s.Balance("USD").Available
	const path = "/api/v1/simulation/deposit"
	ok := map[string]any{"amount": 10, "currency": "USD", "sender_swift_code": "WELGBE22"}
	with := func(k string, v any) map[string]any {
		out := map[string]any{}
		for kk, vv := range ok {
			out[kk] = vv
		}
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
		return out
	}
	tests := []struct {
		name string
		body any
		msg  string
	}{
		{"no amount", with("amount", nil), "amount is required"},
		{"zero amount", with("amount", 0), "amount must be greater than 0"},
		{"negative amount", with("amount", -5), "amount must be greater than 0"},
		{"three decimals", with("amount", 1.005), "amount must have at most 2 decimal places"},
		{"amount not a number", with("amount", "ten"), "amount must be a number"},
		{"no currency", with("currency", nil), "currency is required"},
		{"currency without a balance", with("currency", "EUR"), `currency "EUR" cannot be deposited`},
		{"no swift code", with("sender_swift_code", nil), "sender_swift_code is required"},
		{"bad swift code", with("sender_swift_code", "WELG-22"), "sender_swift_code"},
		{"bad receiver account", with("receiver_account_number", "SG12 3456"), "receiver_account_number"},
		{"bad sender country", with("sender_country", "USA"), "sender_country"},
		{"not JSON", "{", "JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, b := f.post(path, tt.body)
			wantError(t, status, b, http.StatusBadRequest, "invalid_request_error", "invalid_request_error", tt.msg)
		})
	}

	h := f.authed()
	h.Del("x-idempotency-key")
	status, b := f.raw(http.MethodPost, path, ok, h)
	wantError(t, status, b, http.StatusBadRequest, "idempotency_error", "idempotency_key_missing", "x-idempotency-key")
	status, b = f.raw(http.MethodPost, path, ok, http.Header{"Content-Type": {"application/json"}})
	wantError(t, status, b, http.StatusUnauthorized, "unauthorized_error", "unauthorized_error", "x-auth-token")
	h = f.authed()
	h.Set("x-on-behalf-of", "00000000-0000-4000-8000-000000000000")
	status, b = f.raw(http.MethodPost, path, ok, h)
	wantError(t, status, b, http.StatusBadRequest, "account_error", "sub_account_not_found", "")
	status, b = f.get(path)
	wantError(t, status, b, http.StatusMethodNotAllowed, "invalid_request_error", "method_not_allowed", "")

	f.flush()
	f.s.CheckBalance(t, "USD", before.StringFixed(2))
	assert.Empty(t, f.rc.deliveries(), "no deposit, no webhook")
}

// TestDepositReview holds deposits for the admin API's decision (the real
// sandbox's manual approval): a rejection moves nothing and sends
// deposit.compliance.rejected; an approval credits the balance.
func TestDepositReview(t *testing.T) {
	t.Parallel()
	f := newFixture(t, uqpay.WithDepositReview(true))
	before := f.s.Balance("USD").Available
	rejected, err := f.sdk.SimulateDeposit(f.ctx, &CreateDepositRequest{Amount: 70, Currency: "USD", SenderSwiftCode: "WELGBE22"})
	require.NoError(t, err)
	approved, err := f.sdk.SimulateDeposit(f.ctx, &CreateDepositRequest{Amount: 30, Currency: "USD", SenderSwiftCode: "WELGBE22"})
	require.NoError(t, err)
	_, err = f.s.Clock.Advance(30 * 24 * time.Hour)
	require.NoError(t, err)
	d, _ := f.s.SimulatedDeposit(rejected.DepositID)
	require.Equal(t, uqpay.DepositPending, d.Status, "under review until someone decides")

	out, err := core.ProviderOf(f.s.Host).Create("default", "deposit_decisions", json.RawMessage(`{"deposit_id":"`+rejected.DepositID+`","decision":"reject","reason":"Sender not verified"}`))
	require.NoError(t, err)
	assert.Equal(t, uqpay.DepositFailed, out.(uqpay.Deposit).Status)
	assert.Equal(t, "Sender not verified", out.(uqpay.Deposit).Reason)
	require.NoError(t, f.s.DecideDeposit(approved.DepositID, true))
	f.s.CheckBalance(t, "USD", before.Add(mustDec("30")).StringFixed(2))

	_, err = core.ProviderOf(f.s.Host).Create("default", "deposit_decisions", json.RawMessage(`{"deposit_id":"`+rejected.DepositID+`","decision":"approve"}`))
	assert.ErrorContains(t, err, "is not PENDING")
	_, err = core.ProviderOf(f.s.Host).Create("default", "deposit_decisions", json.RawMessage(`{"deposit_id":"`+approved.DepositID+`","decision":"maybe"}`))
	assert.ErrorContains(t, err, `"approve" or "reject"`)
	assert.Error(t, f.s.DecideDeposit("nope", true))

	var types []string
	for _, e := range f.events() {
		types = append(types, e.EventType)
		if e.EventType == "deposit.compliance.rejected" {
			dd, err := e.ParseDepositData()
			require.NoError(t, err)
			assert.Equal(t, "Failed", dd.DepositStatus)
			assert.Equal(t, "", dd.CompleteTime)
		}
	}
	assert.Equal(t, []string{"deposit.pending", "deposit.pending", "deposit.compliance.rejected", "deposit.completed"}, types)
	f.s.CheckLedger(t)
}

// TestDepositAnswersTheNodeSDK decodes the answer as the Node SDK's
// SimulateDepositResponse declares it.
func TestDepositAnswersTheNodeSDK(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	status, b := f.post("/api/v1/simulation/deposit", map[string]any{"amount": "100", "currency": "SGD", "sender_swift_code": "DBSSSGSG"})
	require.Equal(t, http.StatusOK, status, "%s", b)
	var d NodeDepositResponse
	require.NoError(t, json.Unmarshal(b, &d))
	assert.Equal(t, "100", d.Amount)
	assert.Contains(t, []string{"PENDING", "COMPLETED", "FAILED"}, d.DepositStatus)
	require.NotNil(t, d.Sender)
	assert.Equal(t, "DBSSSGSG", *d.Sender.SenderSwiftCode)
}

// TestDepositSwitchesOverTheAdminAPI makes a tenant of the binary with
// deposit_review on, deposits through the API and rejects the deposit
// with the admin API's deposit_decisions; a tenant's deposit_delay is
// checked too, and bad values are refused.
func TestDepositSwitchesOverTheAdminAPI(t *testing.T) {
	t.Parallel()
	fl := sims.RunT(t)
	admin := func(method, path, body string) (int, []byte) {
		req, err := http.NewRequest(method, fl.URL()+path, strings.NewReader(body))
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	client := func(tenantBody string) *uqpay.Client {
		status, b := admin(http.MethodPost, "/_mocksrv/tenants", tenantBody)
		require.Equal(t, http.StatusCreated, status, "%s", b)
		var info map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(b, &info))
		var creds uqpay.Credentials
		require.NoError(t, json.Unmarshal(info["uqpay"], &creds))
		c := uqpay.NewClient(fl.URL(), creds.ClientID, creds.APIKey)
		c.HTTP = &http.Client{Transport: contractTransport{t: t, base: http.DefaultTransport}}
		return c
	}
	deposit := func(c *uqpay.Client) string {
		resp, err := c.Do(context.Background(), http.MethodPost, "/v1/simulation/deposit",
			map[string]any{"amount": 75, "currency": "USD", "sender_swift_code": "WELGBE22"})
		require.NoError(t, err)
		require.True(t, resp.OK(), "%s", resp.Body)
		var d struct {
			ID     string `json:"deposit_id"`
			Status string `json:"deposit_status"`
		}
		require.NoError(t, resp.Decode(&d))
		require.Equal(t, "PENDING", d.Status)
		return d.ID
	}
	balance := func(c *uqpay.Client) string {
		resp, err := c.Do(context.Background(), http.MethodPost, "/v1/issuing/balances", map[string]any{"currency": "USD"})
		require.NoError(t, err)
		var b struct {
			Available string `json:"available_balance"`
		}
		require.NoError(t, resp.Decode(&b))
		return b.Available
	}

	review := client(`{"id":"uq-review","uqpay":{"deposit_review":true,"initial_balances":{"USD":"0"}}}`)
	id := deposit(review)
	status, b := admin(http.MethodPost, "/_mocksrv/tenants/uq-review/clock", `{"advance":"720h"}`)
	require.Equal(t, http.StatusOK, status, "%s", b)
	assert.Equal(t, "0.00", balance(review), "under review, however long it waits")
	status, b = admin(http.MethodPost, "/_mocksrv/tenants/uq-review/uqpay/deposit_decisions",
		`{"deposit_id":"`+id+`","decision":"reject","reason":"Sender not verified"}`)
	require.Less(t, status, 300, "%s", b)
	var decided uqpay.Deposit
	require.NoError(t, json.Unmarshal(b, &decided))
	assert.Equal(t, uqpay.DepositFailed, decided.Status)
	assert.Equal(t, "Sender not verified", decided.Reason)
	assert.Equal(t, "0.00", balance(review))
	status, b = admin(http.MethodPost, "/_mocksrv/tenants/uq-review/uqpay/deposit_decisions", `{"deposit_id":"`+id+`","decision":"approve"}`)
	assert.GreaterOrEqual(t, status, 400, "%s", b)
	assert.Contains(t, string(b), "not PENDING")
	status, b = admin(http.MethodPost, "/_mocksrv/tenants/uq-review/uqpay/deposit_decisions", `{"deposit":"`+id+`"}`)
	assert.GreaterOrEqual(t, status, 400, "%s", b)

	slow := client(`{"id":"uq-slow","uqpay":{"deposit_delay":"10m","initial_balances":{"USD":"0"}}}`)
	deposit(slow)
	_, _ = admin(http.MethodPost, "/_mocksrv/tenants/uq-slow/clock", `{"advance":"9m59s"}`)
	assert.Equal(t, "0.00", balance(slow))
	_, _ = admin(http.MethodPost, "/_mocksrv/tenants/uq-slow/clock", `{"advance":"1s"}`)
	assert.Equal(t, "75.00", balance(slow))

	status, b = admin(http.MethodPost, "/_mocksrv/tenants", `{"id":"uq-bad","uqpay":{"deposit_delay":"-1s"}}`)
	assert.GreaterOrEqual(t, status, 400)
	assert.Contains(t, string(b), "deposit_delay")
}
