package decard_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/decard"
)

type fcUser struct {
	UserRef        string `json:"userRef"`
	ExternalUserID string `json:"externalUserId"`
	VAInfoList     []struct {
		VAType             string `json:"vaType"`
		VANumber           string `json:"vaNumber"`
		Currency           string `json:"currency"`
		ChannelSwiftCode   string `json:"channelSwiftCode"`
		AccountBalanceList []struct {
			Asset, Free, Freeze string
		} `json:"accountBalanceList"`
	} `json:"vaInfoList"`
}

// va returns the user's account of a currency: its number and free and
// frozen balances.
func (u fcUser) va(currency string) (number, free, freeze string) {
	for _, v := range u.VAInfoList {
		if v.Currency == currency {
			return v.VANumber, v.AccountBalanceList[0].Free, v.AccountBalanceList[0].Freeze
		}
	}
	return "", "", ""
}

func fcQuery(t *testing.T, c *decard.Client, user string) fcUser {
	t.Helper()
	var u fcUser
	get(t, c, "financial_connection.query_user_info", "/financial-connection/v1/query-user-info", &u, decard.Q("externalUserId", user)...)
	return u
}

type fcTxn struct {
	ExternalTranID string  `json:"externalTranId"`
	InternalTranID string  `json:"internalTranId"`
	Amount         string  `json:"amount"`
	FeeAmount      string  `json:"feeAmount"`
	SettleAmount   string  `json:"settleAmount"`
	PaymentStatus  string  `json:"paymentStatus"`
	TransferStatus string  `json:"transferStatus"`
	WithdrawStatus string  `json:"withdrawStatus"`
	SettleStatus   *string `json:"settleStatus"`
	ErrorCode      *string `json:"errorCode"`
}

func money(ext, user, amount, currency string) map[string]any {
	return map[string]any{"externalTranId": ext, "externalUserId": user, "amount": json.Number(amount), "currency": currency, "remark": "test"}
}

func withdrawal(ext, user, amount string) map[string]any {
	w := money(ext, user, amount, "USD")
	for k, v := range map[string]any{"payeeName": "DCS CARD CENTRE PTE. LTD", "payeeAddress": "1 Raffles Place", "payeeBankAccountNo": "0106561073",
		"payeeBankSwiftBic": "SCBLSG22XXX", "payeeBankCountryCode": "SG", "purposeOfPayment": "OTHR"} {
		w[k] = v
	}
	return w
}

// TestFCUsers creates financial-connection users and looks them up, with
// every refusal.
func TestFCUsers(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	c := s.NewClient()
	body := map[string]any{"userRef": "user001", "mobilePhone": "18611110001", "mobileAreaCode": "CN", "email": "18611110001@qq.com"}
	var u fcUser
	post(t, c, "financial_connection.create_user", "/financial-connection/v1/create-user", body, &u)
	assert.Equal(t, "user001", u.UserRef)
	assert.Len(t, u.ExternalUserID, 36)
	require.Len(t, u.VAInfoList, 2)
	usd, free, freeze := u.va("USD")
	assert.Regexp(t, `^885[0-9]{14}$`, usd)
	assert.Equal(t, "0", free)
	assert.Equal(t, "0", freeze)
	assert.Equal(t, "DBSSSGSG", u.VAInfoList[0].ChannelSwiftCode)

	var again fcUser
	post(t, c, "financial_connection.create_user", "/financial-connection/v1/create-user", body, &again)
	assert.Equal(t, u.ExternalUserID, again.ExternalUserID, "the same userRef and details answer the same user")
	var byRef fcUser
	get(t, c, "financial_connection.query_user_info", "/financial-connection/v1/query-user-info", &byRef, decard.Q("userRef", "user001")...)
	assert.Equal(t, u.ExternalUserID, byRef.ExternalUserID)
	get(t, c, "financial_connection.query_user_info", "/financial-connection/v1/query-user-info", &byRef,
		decard.Q("userRef", "user001", "externalUserId", u.ExternalUserID)...)

	enc, err := decard.Encrypt(s.Secret(), "18611110002")
	require.NoError(t, err)
	var other fcUser
	post(t, c, "financial_connection.create_user", "/financial-connection/v1/create-user",
		map[string]any{"userRef": "user002", "mobilePhone": enc, "mobileAreaCode": "CN", "email": "two@example.com"}, &other)
	plain, ok := s.User(other.ExternalUserID)
	require.True(t, ok)
	assert.Equal(t, "18611110002", plain.Mobile, "an AES-encrypted mobile, as register takes")

	regular, err := s.AddUser(decard.NewUser{Mobile: "81234567"})
	require.NoError(t, err)
	for _, tt := range []struct {
		name string
		edit map[string]any
		code string
		msg  string
	}{
		{"same userRef, another email", map[string]any{"email": "x@example.com"}, "ACCOUNT_UNSUPPORTED_OPERATE", "userRef user001 belongs to user"},
		{"a mobile in use", map[string]any{"userRef": "user003", "mobileAreaCode": "SG", "mobilePhone": "81234567"}, "ACCOUNT_USER_MOBILE_ALREADY_USED", "SG 81234567"},
		{"an email in use", map[string]any{"userRef": "user003", "mobilePhone": "18611110003", "email": "two@example.com"}, "ACCOUNT_EMAIL_ALREADY_EXIST", "two@example.com"},
		{"no userRef", map[string]any{"userRef": ""}, "ACCOUNT_INVALID_PARAMETER", "userRef must be 1-64 characters"},
		{"bad email", map[string]any{"userRef": "user003", "email": "not mail"}, "ACCOUNT_INVALID_PARAMETER", "is not an e-mail address"},
		{"no email", map[string]any{"userRef": "user003", "email": ""}, "ACCOUNT_INVALID_PARAMETER", "email is required"},
		{"bad area code", map[string]any{"userRef": "user003", "mobileAreaCode": "+86"}, "ACCOUNT_INVALID_PARAMETER", "mobileCode must be an ISO"},
		{"no mobile", map[string]any{"userRef": "user003", "mobilePhone": ""}, "ACCOUNT_INVALID_PARAMETER", "mobileAreaCode and mobilePhone are required"},
	} {
		b := map[string]any{}
		for k, v := range body {
			b[k] = v
		}
		for k, v := range tt.edit {
			b[k] = v
		}
		resp := mustCode(t, c, "financial_connection.create_user", http.MethodPost, "/financial-connection/v1/create-user", nil, b, tt.code)
		assert.Contains(t, resp.Message, tt.msg, tt.name)
	}
	for _, tt := range []struct {
		name   string
		params []decard.Param
		code   string
	}{
		{"neither key", nil, "ACCOUNT_INVALID_PARAMETER"},
		{"unknown userRef", decard.Q("userRef", "nobody"), "ACCOUNT_USER_NOT_EXIST"},
		{"keys of two users", decard.Q("userRef", "user001", "externalUserId", other.ExternalUserID), "ACCOUNT_USER_NOT_EXIST"},
		{"not a financial-connection user", decard.Q("externalUserId", regular.ID), "ACCOUNT_USER_NOT_EXIST"},
	} {
		mustCode(t, c, "financial_connection.query_user_info", http.MethodGet, "/financial-connection/v1/query-user-info", tt.params, nil, tt.code)
	}
}

// TestFCMoney moves money into a virtual account by bank transfer and out
// by payment, transfer to spending and withdrawal, checking balances,
// statuses, the statement, webhooks and the books after each step.
func TestFCMoney(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t, decard.WithFCWithdrawFee("1.5"))
	hooks := sinkWebhooks(t, s)
	c := s.NewClient()
	created, err := core.ProviderOf(s.Host).Create(core.DefaultTenant, "fc_users", json.RawMessage(`{"userRef":"acme-1","balances":{"USD":"500"}}`))
	require.NoError(t, err)
	user := created.(decard.User).ID
	va, free, _ := fcQuery(t, c, user).va("USD")
	assert.Equal(t, "500", free)
	poolUSD := s.Ledger()["USD"].FundPool
	s.CheckMoney(t)

	// A payment: at once from the account, into the partner's pool when it settles.
	var p fcTxn
	post(t, c, "financial_connection.payment", "/financial-connection/v1/payment", money("pay-0001", user, "20", "USD"), &p)
	assert.Equal(t, "SUCCESS", p.PaymentStatus)
	require.NotNil(t, p.SettleStatus)
	assert.Equal(t, "PENDING", *p.SettleStatus)
	assert.Equal(t, "20", s.Ledger()["USD"].InTransit.String())
	s.CheckMoney(t)
	var info fcTxn
	get(t, c, "financial_connection.query_payment_info", "/financial-connection/v1/query-payment-info", &info, decard.Q("externalTranId", "pay-0001")...)
	assert.Equal(t, p.InternalTranID, info.InternalTranID)
	advance(t, s, 10*time.Minute)
	get(t, c, "financial_connection.query_payment_info", "/financial-connection/v1/query-payment-info", &info, decard.Q("internalTranId", p.InternalTranID)...)
	assert.Equal(t, "SETTLED", *info.SettleStatus)
	assert.Equal(t, poolUSD.Add(core.MustDecimal("20")), s.Ledger()["USD"].FundPool, "settled into the fund pool")
	s.CheckMoney(t)

	// A transfer to spending lands in the wallet.
	var tr fcTxn
	post(t, c, "financial_connection.transfer_to_spending", "/financial-connection/v1/transfer-to-spending", money("spend-0001", user, "30.25", "USD"), &tr)
	assert.Equal(t, "SUCCESS", tr.TransferStatus)
	s.CheckBalance(t, user, "USD", "30.25")
	get(t, c, "financial_connection.query_transfer_info", "/financial-connection/v1/query-transfer-info", &info, decard.Q("externalTranId", "spend-0001")...)
	assert.Equal(t, "30.25", info.Amount)
	s.CheckMoney(t)

	// A withdrawal freezes, then reaches the payee less the fee.
	var wd fcTxn
	post(t, c, "financial_connection.withdraw", "/financial-connection/v1/withdraw", withdrawal("wd-0001", user, "100"), &wd)
	assert.Equal(t, "PROCESSING", wd.WithdrawStatus)
	assert.Equal(t, "1.5", wd.FeeAmount)
	assert.Equal(t, "98.5", wd.SettleAmount)
	_, free, freeze := fcQuery(t, c, user).va("USD")
	assert.Equal(t, "349.75", free)
	assert.Equal(t, "100", freeze)
	s.CheckMoney(t)
	advance(t, s, 10*time.Minute)
	get(t, c, "financial_connection.query_withdrawal_info", "/financial-connection/v1/query-withdrawal-info", &info, decard.Q("externalTranId", "wd-0001")...)
	assert.Equal(t, "SUCCESS", info.WithdrawStatus)
	assert.Equal(t, "SETTLED", *info.SettleStatus)
	_, _, freeze = fcQuery(t, c, user).va("USD")
	assert.Equal(t, "0", freeze)
	assert.Equal(t, "401.5", s.Ledger()["USD"].NetInflow.String(), "500 came in by transfer, 98.50 left for the payee")
	s.CheckMoney(t)

	// The bank refuses a withdrawal the admin API steered: the amount returns.
	post(t, c, "financial_connection.withdraw", "/financial-connection/v1/withdraw", withdrawal("wd-0002", user, "50"), &wd)
	_, err = core.ProviderOf(s.Host).Create(core.DefaultTenant, "outcomes", json.RawMessage(`{"externalUserId":"`+user+`","route":"financial_connection.withdraw","id":"wd-0002","errorMsg":"payee account closed"}`))
	require.NoError(t, err)
	advance(t, s, 10*time.Minute)
	get(t, c, "financial_connection.query_withdrawal_info", "/financial-connection/v1/query-withdrawal-info", &info, decard.Q("externalTranId", "wd-0002")...)
	assert.Equal(t, "FAILED", info.WithdrawStatus)
	assert.Equal(t, "CARD_TXN_SERVICE_ERROR", *info.ErrorCode)
	assert.Nil(t, info.SettleStatus)
	_, free, freeze = fcQuery(t, c, user).va("USD")
	assert.Equal(t, "349.75", free)
	assert.Equal(t, "0", freeze)
	s.CheckMoney(t)

	// A payment and a transfer the admin API fails move nothing.
	require.NoError(t, s.SetOutcome(decard.NewOutcome{UserID: user, Route: "financial_connection.payment", Count: 1}))
	require.NoError(t, s.SetOutcome(decard.NewOutcome{UserID: user, Route: "financial_connection.transfer_to_spending", ErrorCode: "CARD_TXN_1122020015"}))
	post(t, c, "financial_connection.payment", "/financial-connection/v1/payment", money("pay-0002", user, "5", "USD"), &p)
	assert.Equal(t, "FAILED", p.PaymentStatus)
	assert.Equal(t, "CARD_TRANSACTION_DEDUCT_FUNDS_FAIL", *p.ErrorCode)
	post(t, c, "financial_connection.transfer_to_spending", "/financial-connection/v1/transfer-to-spending", money("spend-0002", user, "5", "USD"), &tr)
	assert.Equal(t, "FAILED", tr.TransferStatus)
	assert.Equal(t, "CARD_TXN_1122020015", *tr.ErrorCode)
	_, free, _ = fcQuery(t, c, user).va("USD")
	assert.Equal(t, "349.75", free)
	s.CheckMoney(t)

	t.Run("the statement pages by cursor, newest first", func(t *testing.T) {
		type row struct {
			TransType, Amount, DebitCreditIndicator, InternalTranID string
		}
		var page struct {
			Cursor   string `json:"cursor"`
			TranList []row  `json:"tranList"`
		}
		var rows []row
		req := map[string]any{"externalUserId": user, "vaNumber": va, "pageSize": 2, "cursor": ""}
		for i := 0; i < 5; i++ {
			post(t, c, "financial_connection.query_tran_list", "/financial-connection/v1/query-tran-list", req, &page)
			rows = append(rows, page.TranList...)
			if page.Cursor == "" {
				break
			}
			req["cursor"] = page.Cursor
		}
		var types []string
		for _, r := range rows {
			types = append(types, r.TransType+" "+r.DebitCreditIndicator+" "+r.Amount)
		}
		assert.Equal(t, []string{"WITHDRAW_REFUND C 50", "WITHDRAW D 50", "WITHDRAW D 100", "TRANSFER_TO_SPENDING D 30.25", "PAYMENT D 20", "BANK_TRANSFER C 500"}, types)
		for _, tt := range []struct {
			name string
			body map[string]any
			code string
			msg  string
		}{
			{"page size 0", map[string]any{"externalUserId": user, "vaNumber": va, "pageSize": 0}, "ACCOUNT_INVALID_PARAMETER", "pageSize must be between 1 and 100"},
			{"page size 101", map[string]any{"externalUserId": user, "vaNumber": va, "pageSize": "101"}, "ACCOUNT_INVALID_PARAMETER", "pageSize"},
			{"no account", map[string]any{"externalUserId": user}, "ACCOUNT_INVALID_PARAMETER", "vaNumber is required"},
			{"another account", map[string]any{"externalUserId": user, "vaNumber": "88500000000000000"}, "ACCOUNT_INVALID_PARAMETER", "is not a virtual account of user"},
			{"a made-up cursor", map[string]any{"externalUserId": user, "vaNumber": va, "cursor": "x"}, "ACCOUNT_INVALID_PARAMETER", "cursor \"x\""},
			{"unknown user", map[string]any{"externalUserId": "nobody", "vaNumber": va}, "ACCOUNT_USER_NOT_EXIST", "nobody"},
		} {
			resp := mustCode(t, c, "financial_connection.query_tran_list", http.MethodPost, "/financial-connection/v1/query-tran-list", nil, tt.body, tt.code)
			assert.Contains(t, resp.Message, tt.msg, tt.name)
		}
	})

	t.Run("refusals", func(t *testing.T) {
		regular, err := s.AddUser(decard.NewUser{Balances: map[string]string{"USD": "10"}})
		require.NoError(t, err)
		bad := withdrawal("wd-bad", user, "10")
		edit := func(k string, v any) map[string]any {
			b := map[string]any{}
			for key, val := range bad {
				b[key] = val
			}
			b[k] = v
			return b
		}
		for _, tt := range []struct {
			name, route, path string
			body              map[string]any
			code, msg         string
		}{
			{"a used externalTranId", "financial_connection.payment", "/financial-connection/v1/payment", money("pay-0001", user, "1", "USD"), "CARD_TRANSACTION_REPEAT_REQUEST", "pay-0001"},
			{"more than the account", "financial_connection.payment", "/financial-connection/v1/payment", money("pay-big", user, "100000", "USD"), "CARD_WALLET_BALANCE_LOW", "holds 349.75 USD"},
			{"no euro account", "financial_connection.payment", "/financial-connection/v1/payment", money("pay-eur", user, "1", "EUR"), "CARD_TRANSACTION_UNSUPPORTED_CURRENCY", "EUR"},
			{"zero", "financial_connection.payment", "/financial-connection/v1/payment", money("pay-zero", user, "0", "USD"), "CARD_TRANSACTION_UNREASONABLE_AMOUNT", "more than 0"},
			{"no externalTranId", "financial_connection.payment", "/financial-connection/v1/payment", money("", user, "1", "USD"), "ACCOUNT_INVALID_PARAMETER", "externalTranId"},
			{"not a financial-connection user", "financial_connection.payment", "/financial-connection/v1/payment", money("pay-reg", regular.ID, "1", "USD"), "ACCOUNT_USER_NOT_EXIST", "is not a financial-connection user"},
			{"a used transfer id", "financial_connection.transfer_to_spending", "/financial-connection/v1/transfer-to-spending", money("spend-0001", user, "1", "USD"), "CARD_TRANSACTION_REPEAT_REQUEST", "spend-0001"},
			{"no currency", "financial_connection.transfer_to_spending", "/financial-connection/v1/transfer-to-spending", money("spend-x", user, "1", ""), "ACCOUNT_INVALID_PARAMETER", "currency is required"},
			{"a bad swift code", "financial_connection.withdraw", "/financial-connection/v1/withdraw", edit("payeeBankSwiftBic", "SCB"), "ACCOUNT_INVALID_PARAMETER", "payeeBankSwiftBic \"SCB\""},
			{"a country the BIC disagrees with", "financial_connection.withdraw", "/financial-connection/v1/withdraw", edit("payeeBankCountryCode", "HK"), "ACCOUNT_INVALID_PARAMETER", "differs from the country of payeeBankSwiftBic"},
			{"an unknown country", "financial_connection.withdraw", "/financial-connection/v1/withdraw", edit("payeeBankCountryCode", "XX"), "CARD_COUNTRY_NOT_EXISTED", "XX"},
			{"a bad purpose", "financial_connection.withdraw", "/financial-connection/v1/withdraw", edit("purposeOfPayment", "other"), "ACCOUNT_INVALID_PARAMETER", "purposeOfPayment"},
			{"no payee", "financial_connection.withdraw", "/financial-connection/v1/withdraw", edit("payeeName", ""), "ACCOUNT_INVALID_PARAMETER", "payeeName"},
			{"no account number", "financial_connection.withdraw", "/financial-connection/v1/withdraw", edit("payeeBankAccountNo", "1"), "ACCOUNT_INVALID_PARAMETER", "payeeBankAccountNo"},
			{"less than the fee", "financial_connection.withdraw", "/financial-connection/v1/withdraw", edit("amount", json.Number("1.5")), "CARD_TRANSACTION_UNREASONABLE_AMOUNT", "does not cover the 1.5 USD fee"},
		} {
			resp := mustCode(t, c, tt.route, http.MethodPost, tt.path, nil, tt.body, tt.code)
			assert.Contains(t, resp.Message, tt.msg, tt.name)
		}
		_, err = core.ProviderOf(s.Host).Create(core.DefaultTenant, "user_status", json.RawMessage(`{"externalUserId":"`+user+`","forbidWithdraw":true}`))
		require.NoError(t, err)
		resp := mustCode(t, c, "financial_connection.withdraw", http.MethodPost, "/financial-connection/v1/withdraw", nil, bad, "ACCOUNT_UNSUPPORTED_OPERATE")
		assert.Contains(t, resp.Message, "withdrawals are forbidden")
		var ok fcTxn
		post(t, c, "financial_connection.transfer_to_spending", "/financial-connection/v1/transfer-to-spending", money("spend-0003", user, "1", "USD"), &ok)
		assert.Equal(t, "SUCCESS", ok.TransferStatus, "a transfer to the user's own wallet is not a withdrawal")
		for _, tt := range []struct {
			route, path string
			params      []decard.Param
			code        string
		}{
			{"financial_connection.query_payment_info", "/financial-connection/v1/query-payment-info", nil, "ACCOUNT_INVALID_PARAMETER"},
			{"financial_connection.query_payment_info", "/financial-connection/v1/query-payment-info", decard.Q("externalTranId", "spend-0001"), "CARD_TRANSACTION_NO_SUCH_TRANSACTION"},
			{"financial_connection.query_transfer_info", "/financial-connection/v1/query-transfer-info", decard.Q("externalTranId", "nope"), "CARD_TRANSACTION_NO_SUCH_TRANSACTION"},
			{"financial_connection.query_withdrawal_info", "/financial-connection/v1/query-withdrawal-info", decard.Q("internalTranId", p.InternalTranID), "CARD_TRANSACTION_NO_SUCH_TRANSACTION"},
			{"financial_connection.query_withdrawal_info", "/financial-connection/v1/query-withdrawal-info", decard.Q("externalTranId", "wd-0001", "internalTranId", "1"), "CARD_TRANSACTION_NO_SUCH_TRANSACTION"},
		} {
			mustCode(t, c, tt.route, http.MethodGet, tt.path, tt.params, nil, tt.code)
		}
		s.CheckMoney(t)
	})

	// Every transaction told the partner: BANK_TRANSFER_INFO and FC_*_INFO.
	assert.Len(t, hooks.of(t, s, "BANK_TRANSFER_INFO"), 1)
	assert.Len(t, hooks.of(t, s, "FC_PAYMENT_INFO"), 3, "made, settled, and the failed one")
	assert.Len(t, hooks.of(t, s, "FC_TRANSFER_INFO"), 3)
	assert.Len(t, hooks.of(t, s, "FC_WITHDRAW_INFO"), 4, "each made and ended")
	st, err := core.ProviderOf(s.Host).State(core.DefaultTenant)
	require.NoError(t, err)
	dump := st.(decard.StateDump)
	assert.Len(t, dump.FCAccounts, 2)
	assert.True(t, dump.Money["USD"].Conserved)
}

// TestFCVirtualCard applies for a financial-connection card with kybInfo:
// the user's review runs, then the card is issued in the category.
func TestFCVirtualCard(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	c := s.NewClient()
	u, err := s.AddFCUser(decard.NewFCUser{UserRef: "biz-1"})
	require.NoError(t, err)
	apply := map[string]any{"externalUserId": u.ID, "categoryId": 30102001, "applyRef": "fc-apply-1", "kybInfo": map[string]any{"companyName": "Acme Pte Ltd"}}
	var a applyData
	post(t, c, "financial_connection.virtual_apply", "/financial-connection/v1/virtual-card/apply", apply, &a)
	assert.Equal(t, "PENDING", a.Status)
	assert.Equal(t, "30102001", a.CategoryID)
	var again applyData
	post(t, c, "financial_connection.virtual_apply", "/financial-connection/v1/virtual-card/apply", apply, &again)
	assert.Equal(t, a.ApplyID, again.ApplyID, "applyRef is the idempotency key")
	s.CheckKYCStatus(t, u.ID, decard.KYCInit)
	advance(t, s, 10*time.Minute)
	get(t, c, "financial_connection.virtual_detail", "/financial-connection/v1/virtual-card/detail", &a,
		decard.Q("externalUserId", u.ID, "applyRef", "fc-apply-1")...)
	assert.Equal(t, "SUCCESS", a.Status)
	cards := s.Cards(u.ID)
	require.Len(t, cards, 1)
	assert.Equal(t, "30102001", cards[0].CategoryID)
	get(t, c, "financial_connection.virtual_detail", "/financial-connection/v1/virtual-card/detail", &a,
		decard.Q("externalUserId", u.ID, "applyId", a.ApplyID)...)

	regular := register(t, c, "83450001")
	std := applyData{}
	post(t, c, "card.virtual_apply", "/card/v1/virtual-card/apply",
		map[string]any{"externalUserId": regular, "categoryId": "10102000", "applyRef": "std-1", "kycInfo": kycInfo("email", "std@example.com")}, &std)
	edit := func(k string, v any) map[string]any {
		b := map[string]any{"externalUserId": u.ID, "categoryId": 30102001, "applyRef": "fc-apply-2", "kybInfo": map[string]any{"companyName": "Acme"}}
		b[k] = v
		if v == nil {
			delete(b, k)
		}
		return b
	}
	for _, tt := range []struct {
		name string
		body map[string]any
		code string
		msg  string
	}{
		{"a standard category", edit("categoryId", "10102000"), "CARD_UNSUPPORTED_CARD_TYPE", "financial-connection categories: 30102001"},
		{"the same category again", edit("applyRef", "fc-apply-3"), "CARD_EXISTED", "30102001"},
		{"no kybInfo", edit("kybInfo", nil), "ACCOUNT_INVALID_PARAMETER", "kybInfo is required"},
		{"no company", edit("kybInfo", map[string]any{}), "ACCOUNT_INVALID_PARAMETER", "kybInfo.companyName is required"},
		{"no applyRef", edit("applyRef", ""), "ACCOUNT_INVALID_PARAMETER", "applyRef is required"},
		{"a standard application's applyRef", edit("applyRef", "std-1"), "CARD_TRANSACTION_REPEAT_REQUEST", "std-1"},
		{"not a financial-connection user", edit("externalUserId", regular), "ACCOUNT_USER_NOT_EXIST", "is not a financial-connection user"},
	} {
		resp := mustCode(t, c, "financial_connection.virtual_apply", http.MethodPost, "/financial-connection/v1/virtual-card/apply", nil, tt.body, tt.code)
		assert.Contains(t, resp.Message, tt.msg, tt.name)
	}
	resp := mustCode(t, c, "card.virtual_apply", http.MethodPost, "/card/v1/virtual-card/apply", nil,
		map[string]any{"externalUserId": regular, "categoryId": "30102001", "applyRef": "std-2", "kycInfo": kycInfo("email", "std@example.com")}, "CARD_UNSUPPORTED_CARD_TYPE")
	assert.Contains(t, resp.Message, "10102000, 40102000, 20102000", "the standard apply offers the standard categories")
	for _, tt := range []struct {
		name   string
		params []decard.Param
		code   string
	}{
		{"neither id", decard.Q("externalUserId", u.ID), "ACCOUNT_INVALID_PARAMETER"},
		{"no user", decard.Q("applyRef", "fc-apply-1"), "ACCOUNT_INVALID_PARAMETER"},
		{"unknown", decard.Q("externalUserId", u.ID, "applyRef", "nope"), "CARD_TRANSACTION_NO_SUCH_TRANSACTION"},
		{"a standard application", decard.Q("externalUserId", regular, "applyRef", "std-1"), "ACCOUNT_USER_NOT_EXIST"},
	} {
		mustCode(t, c, "financial_connection.virtual_detail", http.MethodGet, "/financial-connection/v1/virtual-card/detail", tt.params, nil, tt.code)
	}
}
