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

const wechatQR = "https://payapp.wechatpay.cn/qrpay/order/home2?key=sandbox_CHNDVI_EGzpUDNZIWMGbC0d6dkPCw--"

type qrOrder struct {
	OrderID      string `json:"orderId"`
	Status       string `json:"status"`
	Currency     string `json:"currency"`
	Amount       string `json:"amount"`
	DeductAmount string `json:"deductAmount"`
	Deductions   []struct {
		Asset, Amount string
	} `json:"deductions"`
	PayTime   *string `json:"payTime"`
	ErrorCode *string `json:"errorCode"`
}

func qrCreate(t *testing.T, c *decard.Client, user, qr, currency, amount string) qrOrder {
	t.Helper()
	var o qrOrder
	body := map[string]any{"externalUserId": user, "qrCodeValue": qr, "clientIP": "127.0.0.1"}
	if currency != "" {
		body["currency"] = currency
	}
	if amount != "" {
		body["amount"] = amount
	}
	post(t, c, "qrpay.create", "/qrpay/v1/create", body, &o)
	return o
}

func qrConfirm(t *testing.T, c *decard.Client, user, order string) qrOrder {
	t.Helper()
	var o qrOrder
	post(t, c, "qrpay.confirm", "/qrpay/v1/confirm", map[string]any{"externalUserId": user, "orderId": order}, &o)
	return o
}

// TestQRDecode decodes a PayNow code and a WeChat Pay link, and refuses
// what is not a QR code.
func TestQRDecode(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	c := s.NewClient()
	u, err := s.AddUser(decard.NewUser{})
	require.NoError(t, err)
	var d struct {
		QRType, PaymentScheme, MerchantName, MerchantCountry string
		Currency, Amount                                     *string
		SupportedCurrencies                                  []string
	}
	decode := func(qr string) map[string]any {
		return map[string]any{"externalUserId": u.ID, "qrCodeValue": qr, "clientIP": "10.1.2.3"}
	}
	post(t, c, "qrpay.decode", "/qrpay/v1/decode", decode(decard.EMVCoQR("KOPI CORNER", "SINGAPORE", "SGD", "4.50")), &d)
	assert.Equal(t, "DYNAMIC", d.QRType)
	assert.Equal(t, "PAYNOW", d.PaymentScheme)
	assert.Equal(t, "KOPI CORNER", d.MerchantName)
	require.NotNil(t, d.Amount)
	assert.Equal(t, "4.5", *d.Amount)
	assert.Equal(t, "SGD", *d.Currency)
	post(t, c, "qrpay.decode", "/qrpay/v1/decode", decode(wechatQR), &d)
	assert.Equal(t, "WECHAT_PAY", d.PaymentScheme)
	assert.Equal(t, "CN", d.MerchantCountry)
	assert.Nil(t, d.Amount, "the payer chooses")
	assert.Contains(t, d.SupportedCurrencies, "SGD")

	for _, tt := range []struct {
		name string
		body map[string]any
		code string
		msg  string
	}{
		{"no client ip", map[string]any{"externalUserId": u.ID, "qrCodeValue": wechatQR}, "ACCOUNT_INVALID_PARAMETER", "clientIP is required"},
		{"bad client ip", map[string]any{"externalUserId": u.ID, "qrCodeValue": wechatQR, "clientIP": "localhost"}, "ACCOUNT_INVALID_PARAMETER", "clientIP \"localhost\""},
		{"not a qr code", decode("pay me"), "ACCOUNT_INVALID_PARAMETER", "not a payment QR code"},
		{"broken crc", decode(decard.EMVCoQR("A", "B", "SGD", "")[:40]), "ACCOUNT_INVALID_PARAMETER", "qrCodeValue"},
		{"unknown user", map[string]any{"externalUserId": "nobody", "qrCodeValue": wechatQR, "clientIP": "::1"}, "ACCOUNT_USER_NOT_EXIST", "nobody"},
	} {
		resp := mustCode(t, c, "qrpay.decode", http.MethodPost, "/qrpay/v1/decode", nil, tt.body, tt.code)
		assert.Contains(t, resp.Message, tt.msg, tt.name)
	}
}

// TestQROrders creates, confirms and lists orders: the wallet pays as a
// card spend does, the order list pages by cursor, and every refusal has
// its code.
func TestQROrders(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	hooks := sinkWebhooks(t, s)
	c := s.NewClient()
	u, err := s.AddUser(decard.NewUser{Balances: map[string]string{"USD": "10", "SGD": "135"}})
	require.NoError(t, err)
	paynow := decard.EMVCoQR("KOPI CORNER", "SINGAPORE", "SGD", "")

	// 27 SGD is 20 USD: the USD goes first, then 13.50 SGD.
	o := qrCreate(t, c, u.ID, paynow, "", "27")
	assert.Equal(t, "PENDING", o.Status)
	assert.Equal(t, "SGD", o.Currency, "the code fixes the currency")
	assert.Equal(t, "20", o.DeductAmount)
	assert.Nil(t, o.PayTime)
	paid := qrConfirm(t, c, u.ID, o.OrderID)
	assert.Equal(t, "SUCCESS", paid.Status)
	require.NotNil(t, paid.PayTime)
	require.Len(t, paid.Deductions, 2)
	assert.Equal(t, "USD", paid.Deductions[0].Asset)
	assert.Equal(t, "10", paid.Deductions[0].Amount)
	assert.Equal(t, "13.5", paid.Deductions[1].Amount)
	s.CheckBalance(t, u.ID, "USD", "0")
	s.CheckBalance(t, u.ID, "SGD", "121.5")
	mustCode(t, c, "qrpay.confirm", http.MethodPost, "/qrpay/v1/confirm", nil, map[string]any{"externalUserId": u.ID, "orderId": o.OrderID},
		"CARD_TRANSACTION_REPEAT_REQUEST")

	t.Run("a wallet too small refuses the confirm and leaves the order pending", func(t *testing.T) {
		big := qrCreate(t, c, u.ID, wechatQR, "USD", "500")
		resp := mustCode(t, c, "qrpay.confirm", http.MethodPost, "/qrpay/v1/confirm", nil, map[string]any{"externalUserId": u.ID, "orderId": big.OrderID},
			"CARD_WALLET_BALANCE_LOW")
		assert.Contains(t, resp.Message, "needs 500 USD")
		var again qrOrder
		get(t, c, "qrpay.order_detail", "/qrpay/v1/order-detail", &again, decard.Q("externalUserId", u.ID, "orderId", big.OrderID)...)
		assert.Equal(t, "PENDING", again.Status)
		require.NoError(t, s.Credit(u.ID, "USD", "500"))
		assert.Equal(t, "SUCCESS", qrConfirm(t, c, u.ID, big.OrderID).Status)
	})

	t.Run("an order nobody confirms closes", func(t *testing.T) {
		late := qrCreate(t, c, u.ID, wechatQR, "CNY", "72")
		assert.Equal(t, "10", late.DeductAmount, "72 CNY at 7.2")
		advance(t, s, 15*time.Minute)
		var got qrOrder
		get(t, c, "qrpay.order_detail", "/qrpay/v1/order-detail", &got, decard.Q("externalUserId", u.ID, "orderId", late.OrderID)...)
		assert.Equal(t, "CLOSED", got.Status)
		mustCode(t, c, "qrpay.confirm", http.MethodPost, "/qrpay/v1/confirm", nil, map[string]any{"externalUserId": u.ID, "orderId": late.OrderID},
			"ACCOUNT_UNSUPPORTED_OPERATE")
	})

	t.Run("the admin API fails a confirm", func(t *testing.T) {
		before := s.Balance(u.ID, "SGD").Free
		next := qrCreate(t, c, u.ID, paynow, "SGD", "1.35")
		_, err := core.ProviderOf(s.Host).Create(core.DefaultTenant, "outcomes", json.RawMessage(`{"externalUserId":"`+u.ID+`","route":"qrpay.confirm","id":"`+next.OrderID+`"}`))
		require.NoError(t, err)
		failed := qrConfirm(t, c, u.ID, next.OrderID)
		assert.Equal(t, "FAILED", failed.Status)
		require.NotNil(t, failed.ErrorCode)
		assert.Equal(t, "CARD_TRANSACTION_DEDUCT_FUNDS_FAIL", *failed.ErrorCode)
		assert.Equal(t, before, s.Balance(u.ID, "SGD").Free, "a failed order moves nothing")
		mustCode(t, c, "qrpay.confirm", http.MethodPost, "/qrpay/v1/confirm", nil, map[string]any{"externalUserId": u.ID, "orderId": next.OrderID},
			"ACCOUNT_UNSUPPORTED_OPERATE")
		// Steering the user's next confirm, with a code of the test's choosing.
		require.NoError(t, s.SetOutcome(decard.NewOutcome{UserID: u.ID, Route: "qrpay.confirm", ErrorCode: "CARD_TXN_1122020015"}))
		third := qrCreate(t, c, u.ID, paynow, "SGD", "1.35")
		failed = qrConfirm(t, c, u.ID, third.OrderID)
		require.NotNil(t, failed.ErrorCode)
		assert.Equal(t, "CARD_TXN_1122020015", *failed.ErrorCode)
		fourth := qrCreate(t, c, u.ID, paynow, "SGD", "1.35")
		assert.Equal(t, "SUCCESS", qrConfirm(t, c, u.ID, fourth.OrderID).Status, "the verdict applied once")
	})

	t.Run("the list pages by cursor, newest first", func(t *testing.T) {
		other, err := s.AddUser(decard.NewUser{})
		require.NoError(t, err)
		var ids []string
		for i := 0; i < 5; i++ { // all at one instant: the frozen clock
			ids = append(ids, qrCreate(t, c, other.ID, wechatQR, "USD", "1").OrderID)
		}
		var seen []string
		cursor := ""
		for page := 0; page < 4; page++ {
			params := decard.Q("externalUserId", other.ID, "limit", "2")
			if cursor != "" {
				params = append(params, decard.Param{Key: "cursorOrderId", Value: cursor})
			}
			var list []qrOrder
			get(t, c, "qrpay.order_list", "/qrpay/v1/order-list", &list, params...)
			for _, o := range list {
				seen = append(seen, o.OrderID)
			}
			if len(list) == 0 {
				break
			}
			cursor = list[len(list)-1].OrderID
		}
		assert.Equal(t, []string{ids[4], ids[3], ids[2], ids[1], ids[0]}, seen)
		var all []qrOrder
		get(t, c, "qrpay.order_list", "/qrpay/v1/order-list", &all, decard.Q("externalUserId", other.ID)...)
		assert.Len(t, all, 5, "default limit 10")
		for _, tt := range []struct{ name, key, value, msg string }{
			{"limit 0", "limit", "0", "limit must be between 1 and 100"},
			{"limit 101", "limit", "101", "limit must be between 1 and 100"},
			{"limit not a number", "limit", "ten", "limit must be an integer"},
			{"another user's cursor", "cursorOrderId", o.OrderID, "is not an order of user"},
		} {
			resp := mustCode(t, c, "qrpay.order_list", http.MethodGet, "/qrpay/v1/order-list",
				decard.Q("externalUserId", other.ID, tt.key, tt.value), nil, "ACCOUNT_INVALID_PARAMETER")
			assert.Contains(t, resp.Message, tt.msg, tt.name)
		}
		mustCode(t, c, "qrpay.order_list", http.MethodGet, "/qrpay/v1/order-list", nil, nil, "ACCOUNT_INVALID_PARAMETER")
	})

	t.Run("bad orders", func(t *testing.T) {
		fixed := decard.EMVCoQR("KOPI CORNER", "SINGAPORE", "SGD", "4.50")
		body := func(qr, currency string, amount any) map[string]any {
			b := map[string]any{"externalUserId": u.ID, "qrCodeValue": qr, "clientIP": "127.0.0.1", "currency": currency, "amount": amount}
			if amount == nil {
				delete(b, "amount")
			}
			if currency == "" {
				delete(b, "currency")
			}
			return b
		}
		for _, tt := range []struct {
			name string
			body map[string]any
			code string
			msg  string
		}{
			{"another currency than the code's", body(paynow, "USD", "1"), "ACCOUNT_INVALID_PARAMETER", "currency USD differs from the QR code's SGD"},
			{"another amount than the code's", body(fixed, "SGD", "5"), "ACCOUNT_INVALID_PARAMETER", "amount 5 differs from the QR code's fixed amount 4.5"},
			{"no currency for a link", body(wechatQR, "", "1"), "ACCOUNT_INVALID_PARAMETER", "currency is required"},
			{"no amount", body(wechatQR, "USD", nil), "ACCOUNT_INVALID_PARAMETER", "amount is required"},
			{"fractions of a cent", body(wechatQR, "USD", "0.001"), "CARD_TRANSACTION_UNREASONABLE_AMOUNT", "at most 2 decimals"},
			{"unknown currency", body(wechatQR, "XYZ", "1"), "CARD_TRANSACTION_UNSUPPORTED_CURRENCY", "XYZ"},
			{"amount not a number", body(wechatQR, "USD", "lots"), "ACCOUNT_INVALID_PARAMETER", "amount"},
		} {
			resp := mustCode(t, c, "qrpay.create", http.MethodPost, "/qrpay/v1/create", nil, tt.body, tt.code)
			assert.Contains(t, resp.Message, tt.msg, tt.name)
		}
		var o qrOrder
		post(t, c, "qrpay.create", "/qrpay/v1/create", body(fixed, "", nil), &o)
		assert.Equal(t, "4.5", o.Amount, "the code's own amount")

		stranger, err := s.AddUser(decard.NewUser{})
		require.NoError(t, err)
		for _, tt := range []struct {
			name string
			body map[string]any
			code string
		}{
			{"no order id", map[string]any{"externalUserId": u.ID}, "ACCOUNT_INVALID_PARAMETER"},
			{"unknown order", map[string]any{"externalUserId": u.ID, "orderId": "1234567890123456789"}, "CARD_TRANSACTION_NO_SUCH_TRANSACTION"},
			{"another user's order", map[string]any{"externalUserId": stranger.ID, "orderId": o.OrderID}, "CARD_TRANSACTION_NO_SUCH_TRANSACTION"},
			{"unknown user", map[string]any{"externalUserId": "nobody", "orderId": o.OrderID}, "ACCOUNT_USER_NOT_EXIST"},
		} {
			mustCode(t, c, "qrpay.confirm", http.MethodPost, "/qrpay/v1/confirm", nil, tt.body, tt.code)
		}
		mustCode(t, c, "qrpay.order_detail", http.MethodGet, "/qrpay/v1/order-detail", decard.Q("externalUserId", u.ID), nil, "ACCOUNT_INVALID_PARAMETER")
		mustCode(t, c, "qrpay.order_detail", http.MethodGet, "/qrpay/v1/order-detail", decard.Q("externalUserId", stranger.ID, "orderId", o.OrderID), nil,
			"CARD_TRANSACTION_NO_SUCH_TRANSACTION")
		_, err = core.ProviderOf(s.Host).Create(core.DefaultTenant, "user_status", json.RawMessage(`{"externalUserId":"`+stranger.ID+`","forbidCardTransaction":true}`))
		require.NoError(t, err)
		mine := qrCreate(t, c, stranger.ID, wechatQR, "USD", "1")
		resp := mustCode(t, c, "qrpay.confirm", http.MethodPost, "/qrpay/v1/confirm", nil, map[string]any{"externalUserId": stranger.ID, "orderId": mine.OrderID},
			"ACCOUNT_UNSUPPORTED_OPERATE")
		assert.Contains(t, resp.Message, "payments are forbidden")
	})

	// QR_ORDER_STATUS for every order that was paid, failed or closed.
	statuses := map[string]int{}
	for _, h := range hooks.of(t, s, "QR_ORDER_STATUS") {
		var o qrOrder
		require.NoError(t, json.Unmarshal(h.Data, &o))
		statuses[o.Status]++
	}
	assert.Equal(t, map[string]int{"SUCCESS": 3, "FAILED": 2, "CLOSED": 1}, statuses)
	s.CheckMoney(t)
	books := s.Ledger()
	assert.Equal(t, "-510", books["USD"].NetInflow.String(), "10 + 500 USD paid to merchants")
	assert.Equal(t, "-14.85", books["SGD"].NetInflow.String(), "13.50 + 1.35 SGD paid to merchants")
}
