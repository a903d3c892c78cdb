package decard_test

import (
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/decard"
)

// TestEveryRoute calls every endpoint successfully, each answer checked
// against its contract, and then checks the journal saw every route.
func TestEveryRoute(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	c := s.NewClient()
	user, card := userWithCard(t, s, c, "89990001")
	mant := card.mantissa()
	cardID := cardIDOf(t, c, user)
	inviter := register(t, c, "89990002")

	t.Run("account", func(t *testing.T) {
		var st struct{ ForbidWithdraw, ForbidCardTransaction bool }
		get(t, c, "account.user_status", "/account/v1/user-status", &st, decard.Q("externalUserId", user)...)
		assert.False(t, st.ForbidWithdraw)
		post(t, c, "account.bind_invite_relationship", "/account/v1/bind-invite-relationship",
			map[string]any{"externalUserId": user, "externalInviterUserId": inviter}, nil)
		mustCode(t, c, "account.bind_invite_relationship", http.MethodPost, "/account/v1/bind-invite-relationship", nil,
			map[string]any{"externalUserId": user, "externalInviterUserId": inviter}, "ACCOUNT_USER_INVITATION_CODE_RELATIONSHIP_EXIST")
		mustCode(t, c, "account.bind_invite_relationship", http.MethodPost, "/account/v1/bind-invite-relationship", nil,
			map[string]any{"externalUserId": inviter, "externalInviterUserId": "nobody"}, "ACCOUNT_INVITATION_CODE_NOT_EXIST")

		resp := get(t, c, "account.query_travel_rule", "/account/v1/query-travel-rule", nil, decard.Q("externalUserId", user)...)
		assert.JSONEq(t, "null", string(resp.Data), "no travel rule yet")
		rule := map[string]any{"externalUserId": user, "channelName": "MOBILE_APP", "institutionName": "Example Bank Ltd", "name": "ZHANG SI",
			"id":          map[string]any{"type": "PASSPORT", "value": "E12345679", "countryOfIssue": "CN"},
			"address":     map[string]any{"city": "SHANGHAI", "country": "CN", "postalCode": "200120", "addressLines": "88 LUJIAZUI"},
			"dateOfBirth": "1990-01-01", "placeOfBirth": "CN"}
		post(t, c, "account.update_travel_rule", "/account/v1/update-travel-rule", rule, nil)
		var tr struct {
			Name    string
			Address struct{ City string }
		}
		get(t, c, "account.query_travel_rule_v2", "/account/v2/query-travel-rule", &tr, decard.Q("externalUserId", user)...)
		assert.Equal(t, "ZHANG SI", tr.Name)
		assert.Equal(t, "SHANGHAI", tr.Address.City)
		rule["dateOfBirth"] = "1990-13-45"
		mustCode(t, c, "account.update_travel_rule", http.MethodPost, "/account/v1/update-travel-rule", nil, rule, "ACCOUNT_INVALID_PARAMETER")

		post(t, c, "account.update_extra_info", "/account/v1/update-extra-info", map[string]any{"externalUserId": user, "virtualCardFullName": "Ada Lovelace"}, nil)
		var d []struct {
			CardEmbossingName string `json:"cardEmbossingName"`
		}
		get(t, c, "card.detail", "/card/v1/detail", &d, decard.Q("externalUserId", user)...)
		assert.Equal(t, "ADA LOVELACE", d[0].CardEmbossingName)
		var tok struct{ Token string }
		post(t, c, "simulation.generate_kyc_token", "/simulation/v1/generate-kyc-token", map[string]any{"externalUserId": user}, &tok)
		assert.NotEmpty(t, tok.Token)
	})

	t.Run("guidance links and the physical card", func(t *testing.T) {
		link := func(action string) map[string]any {
			return map[string]any{"action": action, "externalUserId": user, "successRedirectUrl": "https://example.com/ok",
				"errorRedirectUrl": "https://example.com/err", "cardMantissa": mant, "language": "en", "userAgent": "Decard-Test"}
		}
		var url string
		post(t, c, "redirect.guidance_link", "/redirect/v1/guidance-link", link("CARD_INFO"), &url)
		assert.Regexp(t, `^https://h5\.decard\.mocksrv\.local/en/card/detail\?secret=[A-Za-z0-9_-]{43}$`, url)
		mustCode(t, c, "redirect.guidance_link", http.MethodPost, "/redirect/v1/guidance-link", nil, link("KYC_GUIDE"), "KYC_KYC_ALREADY_PASSED")
		mustCode(t, c, "card.physical_shipping_info", http.MethodGet, "/card/v1/physical-shipping-info",
			decard.Q("externalUserId", user, "cardMantissa", mant), nil, "CARD_PHYSICAL_CARD_UNAPPLY")
		post(t, c, "redirect.guidance_link", "/redirect/v1/guidance-link", link("CREATE_PHYSICAL_CARD"), &url)
		mustCode(t, c, "redirect.guidance_link", http.MethodPost, "/redirect/v1/guidance-link", nil, link("UPDATE_PIN"), "CARD_PHYSICAL_CARD_INACTIVE")
		var ship struct {
			Status         string `json:"status"`
			TrackingNumber string `json:"trackingNumber"`
		}
		get(t, c, "card.physical_shipping_info", "/card/v1/physical-shipping-info", &ship, decard.Q("externalUserId", user, "cardMantissa", mant)...)
		assert.Equal(t, "PENDING", ship.Status)
		advance(t, s, 25*time.Hour)
		get(t, c, "card.physical_shipping_info_v2", "/card/v2/physical-shipping-info", &ship, decard.Q("externalUserId", user, "cardId", cardID)...)
		assert.Equal(t, "SHIPPED", ship.Status)
		assert.NotEmpty(t, ship.TrackingNumber)
		advance(t, s, 72*time.Hour)
		get(t, c, "card.physical_shipping_info", "/card/v1/physical-shipping-info", &ship, decard.Q("externalUserId", user, "cardMantissa", mant)...)
		assert.Equal(t, "DELIVERED", ship.Status)
		v2 := link("ACTIVE_PHYSICAL_CARD")
		delete(v2, "cardMantissa")
		v2["cardId"] = cardID
		post(t, c, "redirect.guidance_link_v2", "/redirect/v2/guidance-link", v2, &url)
		assert.Equal(t, "ACTIVE", details(t, c, user)[0].PhysicalCardStatus)
		post(t, c, "redirect.guidance_link", "/redirect/v1/guidance-link", link("UPDATE_PIN"), nil)
		mustCode(t, c, "redirect.guidance_link_v2", http.MethodPost, "/redirect/v2/guidance-link", nil, v2, "CARD_TXN_1122020023")
	})

	t.Run("money", func(t *testing.T) {
		credit(t, c, user, "SGD", "135", "money-00001")
		credit(t, c, user, "USDT", "30", "money-00002")
		var deb struct{ Direction, Amount string }
		post(t, c, "asset.debit", "/user-asset/v1/debit", map[string]any{"externalTranId": "money-00003", "asset": "SGD", "amount": "35",
			"externalUserId": user, "remark": "back"}, &deb)
		assert.Equal(t, "DEBIT", deb.Direction)
		var bal []struct{ Asset, Free, Total string }
		get(t, c, "asset.balance", "/user-asset/v1/balance", &bal, decard.Q("externalUserId", user)...)
		require.Len(t, bal, 4)
		assert.Equal(t, "SGD", bal[3].Asset)
		assert.Equal(t, "100", bal[3].Free)

		var transfers []struct{ ExternalTranID, Amount string }
		get(t, c, "asset.transfer_query", "/user-asset/v1/transfer-query", &transfers, decard.Q("externalTranIds", "money-00001,money-00003,unknown-id")...)
		require.Len(t, transfers, 2)
		var fiat []struct {
			DebitCreditIndcator string `json:"debitCreditIndcator"`
			TransactionAmount   string `json:"transactionAmount"`
		}
		get(t, c, "card.fiat_transactions", "/card/v1/fiat/transactions", &fiat, decard.Q("externalUserId", user)...)
		require.Len(t, fiat, 2, "SGD moves only; USDT is not fiat")
		assert.Equal(t, "D", fiat[0].DebitCreditIndcator)
		assert.Equal(t, "35.00", fiat[0].TransactionAmount)

		// 100 SGD = 74.07 USD; a 90 USD spend takes 30 USDT and 60 USD worth of SGD.
		var auth struct{ Approved bool }
		post(t, c, "simulation.fund_auth_v2", "/simulation/v2/fund-auth", map[string]any{"externalUserId": user, "cardId": cardID,
			"authType": "EXPEND", "amount": 90, "currency": "USD"}, &auth)
		require.True(t, auth.Approved)
		s.CheckBalance(t, user, "USDT", "0")
		s.CheckBalance(t, user, "SGD", "19")
		var page struct {
			Total int `json:"total"`
			Rows  []struct{ ID, Amount string }
		}
		post(t, c, "card.transactions", "/card/v1/transactions", map[string]any{"externalUserId": user, "cardMantissa": mant, "page": "1", "size": "10"}, &page)
		assert.Equal(t, 1, page.Total)
		require.Len(t, page.Rows, 1)
		assert.Equal(t, "90", page.Rows[0].Amount)
		var resolved []struct {
			ID, OutstandingTransactionID, PostedTransactionID string
			Posted                                            bool
		}
		post(t, c, "card.transaction_id_resolve", "/card/v1/transaction/id/resolve", map[string]any{"ids": []string{page.Rows[0].ID, "nope"}}, &resolved)
		require.Len(t, resolved, 1)
		assert.Equal(t, page.Rows[0].ID, resolved[0].PostedTransactionID)
		assert.False(t, resolved[0].Posted)

		var ledger []struct{ TranID, ExternalID, Type, FreeDelta, Asset string }
		post(t, c, "asset.transactions", "/user-asset/v1/transactions", map[string]any{"externalUserId": user, "type": "CONVERSION", "page": 1, "size": 10}, &ledger)
		require.Len(t, ledger, 2)
		assert.Equal(t, "SGD", ledger[0].Asset)
		assert.Equal(t, "-81", ledger[0].FreeDelta, "60 USD at 1.35")
		var detail struct{ Type, BaseAsset, QuoteAsset, Price string }
		post(t, c, "asset.transaction_detail", "/user-asset/v1/transaction-detail", map[string]any{"externalUserId": user,
			"tranId": ledger[0].TranID, "externalTranId": ledger[0].ExternalID, "type": "CONVERSION"}, &detail)
		assert.Equal(t, "SGD", detail.BaseAsset)
		assert.Equal(t, "0.74074074", detail.Price)
		mustCode(t, c, "asset.transaction_detail", http.MethodPost, "/user-asset/v1/transaction-detail", nil, map[string]any{"externalUserId": user,
			"tranId": ledger[0].TranID, "externalTranId": ledger[0].ExternalID, "type": "DEPOSIT"}, "CARD_TRANSACTION_NO_SUCH_TRANSACTION")
	})

	t.Run("crypto", func(t *testing.T) {
		var coins []struct{ Network, Asset string }
		get(t, c, "crypto.network_coin", "/crypto/v1/network-coin", &coins, decard.Q("type", "DEPOSIT")...)
		assert.NotEmpty(t, coins)
		var v2 struct {
			Address string
			FxRate  float64 `json:"fxRate"`
		}
		get(t, c, "crypto.deposit_address_v2", "/crypto/v2/deposit-address", &v2, decard.Q("network", "Ethereum", "coin", "USDC", "externalUserId", user)...)
		assert.Regexp(t, `^0x[0-9a-f]{40}$`, v2.Address)
		assert.InDelta(t, 1.35, v2.FxRate, 1e-9)
		var bank struct{ Account, Name string }
		post(t, c, "crypto.bank_address", "/crypto/v1/bank-address", map[string]any{"externalUserId": user, "network": "TRON"}, &bank)
		assert.Equal(t, "ZHANG SI", bank.Name, "the travel-rule name")

		addr := depositAddress(t, c, user)
		post(t, c, "simulation.deposit", "/simulation/v1/deposit", map[string]any{"chain": "TRON", "currency": "USDT", "amount": "20", "address": addr}, nil)
		advance(t, s, 2*time.Minute)
		s.CheckBalance(t, user, "USDT", "20")
		var w struct{ ExternalTranID, ApplyTime, EstimatedArrivalTime string }
		post(t, c, "crypto.withdraw_apply", "/crypto/v1/withdraw-apply", map[string]any{"externalUserId": user, "smsCode": decard.DefaultSMSCode,
			"network": "TRON", "coin": "USDT", "address": "TJX8Xzj3XzL1Bf9XR63TwTn5ynjnD1qwrh", "amount": "10", "fee": "6.5"}, &w)
		assert.Equal(t, "16.5", s.Balance(user, "USDT").Freeze.String())
		advance(t, s, 30*time.Minute)
		b := s.Balance(user, "USDT")
		assert.Equal(t, "3.5", b.Free.String())
		assert.True(t, b.Freeze.IsZero())
	})

	t.Run("card list", func(t *testing.T) {
		var types []struct{ Type string }
		get(t, c, "card.list", "/card/v1/list", &types)
		assert.Equal(t, []struct{ Type string }{{"VIP"}, {"NORMAL"}}, types)
	})

	t.Run("the rest", func(t *testing.T) {
		q := decard.Q("externalUserId", user)
		get(t, c, "account.kyc_status", "/account/v1/kyc-status", nil, q...)
		get(t, c, "account.kyc_status_v2", "/account/v2/kyc-status", nil, q...)
		get(t, c, "card.apply_list", "/card/v1/apply-list", nil, q...)
		get(t, c, "card.virtual_detail", "/card/v1/virtual-card/detail", nil, decard.Q("externalUserId", user, "applyRef", "ref-89990001")...)
		get(t, c, "card.statements", "/card/v1/statements", nil, q...)
		get(t, c, "card.statements_v2", "/card/v2/statements", nil, decard.Q("externalUserId", user, "cardId", cardID)...)
		get(t, c, "card.statement_detail", "/card/v1/statements/detail", nil, decard.Q("externalUserId", user, "statementId", "NO_POSTED")...)
		get(t, c, "card.statement_detail_v2", "/card/v2/statements/detail", nil, decard.Q("externalUserId", user, "statementId", "NO_POSTED", "cardId", cardID)...)
		post(t, c, "card.block_v2", "/card/v2/block", map[string]any{"externalUserId": user, "block": true, "cardId": cardID}, nil)
		post(t, c, "captcha.send_mobile_code", "/captcha/v1/send-mobile-code", map[string]any{"externalUserId": user, "behavioral": "CARD_UNFROZEN"}, nil)
		post(t, c, "card.block", "/card/v1/block", map[string]any{"externalUserId": user, "block": false, "cardMantissa": mant, "smsCode": decard.DefaultSMSCode}, nil)
		var r struct{ Approved bool }
		post(t, c, "simulation.fund_auth", "/simulation/v1/fund-auth", map[string]any{"externalUserId": user, "cardMantissa": mant,
			"authType": "REFUND", "amount": "1", "currency": "EUR"}, &r)
		assert.True(t, r.Approved)
		var files []struct{ FileName, ObjectKey string }
		post(t, c, "account.file_upload_prepare", "/account/v1/generate-file-upload-prepare", map[string]any{"fileNames": []string{"a.png"}}, &files)
		edd := register(t, c, "89990003")
		a := apply(t, c, edd, "10102000", "edd-apply", kycInfo("email", "kyc.edd@mocksrv.test"))
		post(t, c, "account.upload_edd_file", "/account/v1/upload-edd-file", map[string]any{"externalUserId": edd, "requestRef": "req-1", "applyId": a.ApplyID,
			"eddSowInvest": map[string]any{"typeOfInvestment": "stocks", "approximateValue": "1000",
				"docUrls": []map[string]string{{"fileName": files[0].FileName, "filePath": files[0].ObjectKey}}}}, nil)
		var ch string
		get(t, c, "websocket.get_channel", "/websocket/v1/get-channel", &ch)
		get(t, c, "websocket.search", "/websocket/v1/search", nil, decard.Q("version", "1")...)
	})

	t.Run("kyc and wallets", func(t *testing.T) {
		var d []struct{ BillingCurrency, BalanceCurrency string }
		get(t, c, "card.detail_v2", "/card/v2/detail", &d, decard.Q("externalUserId", user, "cardId", cardID)...)
		require.Len(t, d, 1)
		assert.Equal(t, "USD", d[0].BillingCurrency, "the connector's CardDetailResponse reads it")
		assert.Equal(t, "USD", d[0].BalanceCurrency)
		var k struct{ Status string }
		get(t, c, "kyc.detail", "/kyc/v1/detail", &k, decard.Q("externalUserId", user)...)
		assert.Equal(t, "PASS", k.Status)
		post(t, c, "card.apple_bind_wallet", "/card/v1/apple-bind-wallet", appleBody(user, "cardMantissa", mant), nil)
		post(t, c, "card.apple_bind_wallet_v2", "/card/v2/apple-bind-wallet", appleBody(user, "cardId", cardID), nil)
		post(t, c, "card.google_bind_wallet", "/card/v1/google-bind-wallet", googleBody(user, "cardMantissa", mant, "d1"), nil)
		post(t, c, "card.google_bind_wallet_v2", "/card/v2/google-bind-wallet", googleBody(user, "cardId", cardID, "d2"), nil)
	})

	t.Run("qr pay", func(t *testing.T) {
		qr := decard.EMVCoQR("KOPI CORNER", "SINGAPORE", "SGD", "")
		post(t, c, "qrpay.decode", "/qrpay/v1/decode", map[string]any{"externalUserId": user, "qrCodeValue": qr, "clientIP": "127.0.0.1"}, nil)
		o := qrCreate(t, c, user, qr, "SGD", "1.35")
		assert.Equal(t, "SUCCESS", qrConfirm(t, c, user, o.OrderID).Status)
		get(t, c, "qrpay.order_list", "/qrpay/v1/order-list", nil, decard.Q("externalUserId", user)...)
		get(t, c, "qrpay.order_detail", "/qrpay/v1/order-detail", nil, decard.Q("externalUserId", user, "orderId", o.OrderID)...)
	})

	t.Run("financial connection", func(t *testing.T) {
		var u fcUser
		post(t, c, "financial_connection.create_user", "/financial-connection/v1/create-user",
			map[string]any{"userRef": "every-route", "mobilePhone": "89990009", "mobileAreaCode": "SG", "email": "every@example.com"}, &u)
		get(t, c, "financial_connection.query_user_info", "/financial-connection/v1/query-user-info", nil, decard.Q("userRef", "every-route")...)
		fc := u.ExternalUserID
		_, err := s.BankTransfer(fc, "USD", "100")
		require.NoError(t, err)
		post(t, c, "financial_connection.virtual_apply", "/financial-connection/v1/virtual-card/apply",
			map[string]any{"externalUserId": fc, "categoryId": "30102001", "applyRef": "every-fc", "kybInfo": map[string]any{"companyName": "Acme"}}, nil)
		get(t, c, "financial_connection.virtual_detail", "/financial-connection/v1/virtual-card/detail", nil, decard.Q("externalUserId", fc, "applyRef", "every-fc")...)
		post(t, c, "financial_connection.payment", "/financial-connection/v1/payment", money("every-pay", fc, "1", "USD"), nil)
		get(t, c, "financial_connection.query_payment_info", "/financial-connection/v1/query-payment-info", nil, decard.Q("externalTranId", "every-pay")...)
		post(t, c, "financial_connection.transfer_to_spending", "/financial-connection/v1/transfer-to-spending", money("every-spend", fc, "1", "USD"), nil)
		get(t, c, "financial_connection.query_transfer_info", "/financial-connection/v1/query-transfer-info", nil, decard.Q("externalTranId", "every-spend")...)
		post(t, c, "financial_connection.withdraw", "/financial-connection/v1/withdraw", withdrawal("every-wd", fc, "1"), nil)
		get(t, c, "financial_connection.query_withdrawal_info", "/financial-connection/v1/query-withdrawal-info", nil, decard.Q("externalTranId", "every-wd")...)
		va, _, _ := u.va("USD")
		post(t, c, "financial_connection.query_tran_list", "/financial-connection/v1/query-tran-list", map[string]any{"externalUserId": fc, "vaNumber": va}, nil)
		s.CheckMoney(t)
	})

	// Every route but the stream (TestPushes) answered SYS_SUCCESS at least once.
	ok := map[string]bool{}
	for _, e := range s.Journal.Entries(core.ByProvider(decard.Name)) {
		if strings.Contains(e.Response, `"success":true`) {
			ok[e.Route] = true
		}
	}
	var missing []string
	for _, r := range core.ProviderOf(s.Host).RouteNames() {
		if !ok[r] && r != "stream.connect" {
			missing = append(missing, r)
		}
	}
	sort.Strings(missing)
	assert.Empty(t, missing, "routes never exercised here")
}
