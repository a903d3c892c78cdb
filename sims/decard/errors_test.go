package decard_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/decard"
)

func send(number, behavioral string) map[string]any {
	return map[string]any{"mobileCode": "SG", "mobile": number, "behavioral": behavioral}
}

// TestSMSCodes covers the send-mobile-code and register error paths.
func TestSMSCodes(t *testing.T) {
	t.Parallel()
	const path = "/captcha/v1/send-mobile-code"
	const reg = "/account/v1/register"
	t.Run("rate limit is RISK_FAILED until the interval passes", func(t *testing.T) {
		t.Parallel()
		s := decard.RunT(t)
		c := s.NewClient()
		post(t, c, "captcha.send_mobile_code", path, send("81110001", "REGISTER"), nil)
		mustCode(t, c, "captcha.send_mobile_code", http.MethodPost, path, nil, send("81110001", "REGISTER"), "RISK_FAILED")
		advance(t, s, time.Minute)
		post(t, c, "captcha.send_mobile_code", path, send("81110001", "REGISTER"), nil)
	})
	t.Run("wrong codes count down, then freeze", func(t *testing.T) {
		t.Parallel()
		s := decard.RunT(t)
		c := s.NewClient()
		post(t, c, "captcha.send_mobile_code", path, send("81110002", "REGISTER"), nil)
		body := map[string]any{"mobileCode": "SG", "mobile": "81110002", "smsCode": "000000"}
		for left := 4; left >= 1; left-- {
			resp := mustCode(t, c, "account.register", http.MethodPost, reg, nil, body, "MFA_SMS_FAILED")
			assert.Contains(t, resp.Message, "try "+jsonNumber(int64(left))+" more times")
		}
		mustCode(t, c, "account.register", http.MethodPost, reg, nil, body, "MFA_FAILED_FREEZE")
		body["smsCode"] = decard.DefaultSMSCode
		mustCode(t, c, "account.register", http.MethodPost, reg, nil, body, "MFA_FAILED_FREEZE")
	})
	t.Run("an expired code is refused", func(t *testing.T) {
		t.Parallel()
		s := decard.RunT(t)
		c := s.NewClient()
		post(t, c, "captcha.send_mobile_code", path, send("81110003", "REGISTER"), nil)
		advance(t, s, 5*time.Minute)
		mustCode(t, c, "account.register", http.MethodPost, reg, nil,
			map[string]any{"mobileCode": "SG", "mobile": "81110003", "smsCode": decard.DefaultSMSCode}, "ACCOUNT_CAPTCHA_CODE_ERROR")
	})
	t.Run("a code works once", func(t *testing.T) {
		t.Parallel()
		s := decard.RunT(t, decard.WithSMSCode("424242"))
		c := s.NewClient()
		post(t, c, "captcha.send_mobile_code", path, send("81110004", "REGISTER"), nil)
		post(t, c, "account.register", reg, map[string]any{"mobileCode": "SG", "mobile": "81110004", "smsCode": "424242"}, nil)
		mustCode(t, c, "account.register", http.MethodPost, reg, nil,
			map[string]any{"mobileCode": "SG", "mobile": "81110004", "smsCode": "424242"}, "ACCOUNT_USER_MOBILE_ALREADY_USED")
		mustCode(t, c, "captcha.send_mobile_code", http.MethodPost, path, nil, send("81110004", "REGISTER"), "ACCOUNT_USER_MOBILE_ALREADY_USED")
	})
	t.Run("no code sent", func(t *testing.T) {
		t.Parallel()
		c := decard.RunT(t).NewClient()
		mustCode(t, c, "account.register", http.MethodPost, reg, nil,
			map[string]any{"mobileCode": "SG", "mobile": "81110005", "smsCode": decard.DefaultSMSCode}, "ACCOUNT_CAPTCHA_CODE_ERROR")
	})
	t.Run("a REGISTER code does not unfreeze", func(t *testing.T) {
		t.Parallel()
		s := decard.RunT(t)
		c := s.NewClient()
		post(t, c, "captcha.send_mobile_code", path, send("81110006", "REGISTER"), nil)
		// The number becomes a user another way (the admin API) while its REGISTER code is unused.
		u, err := s.AddUser(decard.NewUser{MobileCode: "SG", Mobile: "81110006"})
		require.NoError(t, err)
		card, err := s.AddCard(decard.NewCard{UserID: u.ID, Status: decard.CardFrozen})
		require.NoError(t, err)
		unfreeze := map[string]any{"externalUserId": u.ID, "block": false, "cardMantissa": card.Mantissa(), "smsCode": decard.DefaultSMSCode}
		mustCode(t, c, "card.block", http.MethodPost, "/card/v1/block", nil, unfreeze, "MFA_BEHAVIORAL_ERROR")
		post(t, c, "captcha.send_mobile_code", path, map[string]any{"externalUserId": u.ID, "behavioral": "CARD_UNFROZEN"}, nil)
		post(t, c, "card.block", "/card/v1/block", unfreeze, nil)
		s.CheckCardStatus(t, card.ID, decard.CardNormal)
	})
	t.Run("bad input", func(t *testing.T) {
		t.Parallel()
		c := decard.RunT(t).NewClient()
		tests := []struct {
			name string
			body map[string]any
			code string
		}{
			{"unknown behavioral", send("81110007", "LOGIN"), "MFA_UNSUPPORTED_FAILED"},
			{"no target", map[string]any{"behavioral": "REGISTER"}, "ACCOUNT_INVALID_PARAMETER"},
			{"bad country", map[string]any{"mobileCode": "+65", "mobile": "81110007", "behavioral": "REGISTER"}, "ACCOUNT_INVALID_PARAMETER"},
			{"blocked country", map[string]any{"mobileCode": "KP", "mobile": "81110007", "behavioral": "REGISTER"}, "ACCOUNT_USER_MOBILE_FROM_BLACK_COUNTRY"},
			{"not a number", send("call-me", "REGISTER"), "ACCOUNT_INVALID_PARAMETER"},
			{"unknown user", map[string]any{"externalUserId": "nobody", "behavioral": "CARD_UNFROZEN"}, "ACCOUNT_USER_NOT_EXIST"},
			{"unfreeze code for an unknown number", send("81110008", "CARD_UNFROZEN"), "ACCOUNT_USER_NOT_EXIST"},
		}
		for _, tt := range tests {
			mustCode(t, c, "captcha.send_mobile_code", http.MethodPost, path, nil, tt.body, tt.code)
		}
		resp := call(t, c, "captcha.send_mobile_code", http.MethodPost, path, nil, `{"behavioral":`)
		assert.Equal(t, "ACCOUNT_INVALID_PARAMETER", resp.Code)
		assert.Contains(t, resp.Message, "not valid JSON")
	})
	t.Run("an AES-encrypted mobile is accepted", func(t *testing.T) {
		t.Parallel()
		s := decard.RunT(t)
		c := s.NewClient()
		enc, err := decard.Encrypt(s.Secret(), "81110009")
		require.NoError(t, err)
		var sent string
		post(t, c, "captcha.send_mobile_code", path, send(enc, "REGISTER"), &sent)
		assert.Equal(t, "81110009", sent)
		var id string
		post(t, c, "account.register", reg, map[string]any{"mobileCode": "SG", "mobile": enc, "smsCode": decard.DefaultSMSCode}, &id)
		u, ok := s.User(id)
		require.True(t, ok)
		assert.Equal(t, "81110009", u.Mobile)
	})
}

// TestVirtualCardApplyValidation checks every kycInfo rule and the
// application errors.
func TestVirtualCardApplyValidation(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	c := s.NewClient()
	user := register(t, c, "82220001")
	const path = "/card/v1/virtual-card/apply"
	body := func(k map[string]any) map[string]any {
		return map[string]any{"externalUserId": user, "categoryId": "10102000", "applyRef": "v-" + jsonOf(t, k)[:8], "kycInfo": k}
	}
	tests := []struct {
		name string
		kyc  map[string]any
		code string
	}{
		{"email missing", kycInfo("email", nil), "ACCOUNT_INVALID_PARAMETER"},
		{"email malformed", kycInfo("email", "not-an-email"), "ACCOUNT_INVALID_PARAMETER"},
		{"poa doc type", kycInfo("poaDocType", "PASSPORT"), "ACCOUNT_INVALID_PARAMETER"},
		{"poa doc list empty", kycInfo("poaDocUrlList", []string{}), "ACCOUNT_INVALID_PARAMETER"},
		{"poa doc date format", kycInfo("poaDocDate", "01/12/2025"), "ACCOUNT_INVALID_PARAMETER"},
		{"poa doc too old", kycInfo("poaDocDate", "2025-09-01"), "ACCOUNT_INVALID_PARAMETER"},
		{"poa doc in the future", kycInfo("poaDocDate", "2026-02-01"), "ACCOUNT_INVALID_PARAMETER"},
		{"country", kycInfo("country", "XX"), "CARD_COUNTRY_NOT_EXISTED"},
		{"source of funds country", kycInfo("sourceOfFundsCountry", "SGP"), "CARD_COUNTRY_NOT_EXISTED"},
		{"employment status", kycInfo("employmentStatus", "RETIRED"), "ACCOUNT_INVALID_PARAMETER"},
		{"employer required when employed", kycInfo("employerName", ""), "ACCOUNT_INVALID_PARAMETER"},
		{"industry (the Postman sample's INFORMATION)", kycInfo("employmentJobIndustry", "INFORMATION"), "ACCOUNT_INVALID_PARAMETER"},
		{"occupation correctly spelled is not a code", kycInfo("occupation", "BEAUTY_CONSULTANT_STYLIST"), "ACCOUNT_INVALID_PARAMETER"},
		{"job seniority", kycInfo("jobSeniority", "JUNIOR"), "ACCOUNT_INVALID_PARAMETER"},
		{"purpose of account", kycInfo("purposeOfAccount", "SAVINGS"), "ACCOUNT_INVALID_PARAMETER"},
		{"source of funds", kycInfo("sourceOfFunds", "SALARY"), "ACCOUNT_INVALID_PARAMETER"},
		{"source of wealth", kycInfo("sourceOfWealth", "LOTTERY"), "ACCOUNT_INVALID_PARAMETER"},
		{"address line 2 missing", kycInfo("addressLine2", ""), "ACCOUNT_INVALID_PARAMETER"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := mustCode(t, c, "card.virtual_apply", http.MethodPost, path, nil, body(tt.kyc), tt.code)
			assert.Contains(t, resp.Message, "kycInfo.", "the message names the field")
		})
	}
	mustCode(t, c, "card.virtual_apply", http.MethodPost, path, nil,
		map[string]any{"externalUserId": user, "categoryId": "99", "applyRef": "cat", "kycInfo": kycInfo()}, "CARD_UNSUPPORTED_CARD_TYPE")
	mustCode(t, c, "card.virtual_apply", http.MethodPost, path, nil,
		map[string]any{"externalUserId": "nobody", "categoryId": "10102000", "applyRef": "x", "kycInfo": kycInfo()}, "ACCOUNT_USER_NOT_EXIST")
	mustCode(t, c, "card.virtual_apply", http.MethodPost, path, nil,
		map[string]any{"externalUserId": user, "categoryId": "10102000", "applyRef": "x"}, "ACCOUNT_INVALID_PARAMETER")

	// The Java connector sends a Long categoryId and no email, jobSeniority
	// or sourceOfFundsCountry: accepted in lenient mode only.
	lenient := decard.RunT(t, decard.WithLenientKYCInfo(true))
	lc := lenient.NewClient()
	other := register(t, lc, "82220002")
	var a applyData
	connector := map[string]any{"externalUserId": other, "categoryId": 10102000, "applyRef": "conn-1",
		"kycInfo": kycInfo("email", nil, "jobSeniority", nil, "sourceOfFundsCountry", nil, "employmentJobIndustry", "INFORMATION")}
	strict := map[string]any{"externalUserId": user, "categoryId": 10102000, "applyRef": "conn-1", "kycInfo": connector["kycInfo"]}
	resp := mustCode(t, c, "card.virtual_apply", http.MethodPost, path, nil, strict, "ACCOUNT_INVALID_PARAMETER")
	assert.Contains(t, resp.Message, "kycInfo.email is required")
	assert.Contains(t, resp.Message, `"lenient_kyc_info": true`, "the refusal names the tenant switch")
	assert.Contains(t, resp.Message, "WithLenientKYCInfo(true)", "and the option")
	for _, field := range []string{"jobSeniority", "sourceOfFundsCountry"} {
		resp = mustCode(t, c, "card.virtual_apply", http.MethodPost, path, nil,
			map[string]any{"externalUserId": user, "categoryId": 10102000, "applyRef": "conn-2", "kycInfo": kycInfo(field, nil)}, "ACCOUNT_INVALID_PARAMETER")
		assert.Contains(t, resp.Message, "kycInfo."+field+" is required")
		assert.Contains(t, resp.Message, "lenient_kyc_info")
	}
	mustOK(t, call(t, lc, "card.virtual_apply", http.MethodPost, path, nil, connector), "card.virtual_apply", &a)
	assert.Equal(t, "PENDING", a.Status)
}

// TestApplicationOutcomes covers KYC_WORKFLOW_PROCESSING, the refuse and
// hold tokens, EDD documents, duplicate cards and references, and a
// failing issue.
func TestApplicationOutcomes(t *testing.T) {
	t.Parallel()
	const path = "/card/v1/virtual-card/apply"
	t.Run("refused KYC fails the application", func(t *testing.T) {
		t.Parallel()
		s := decard.RunT(t)
		c := s.NewClient()
		user := register(t, c, "83330001")
		a := apply(t, c, user, "10102000", "r1", kycInfo("sumsubShareToken", "mocksrv:kyc-refuse"))
		mustCode(t, c, "card.virtual_apply", http.MethodPost, path, nil,
			map[string]any{"externalUserId": user, "categoryId": "20102000", "applyRef": "r2", "kycInfo": kycInfo()}, "KYC_WORKFLOW_PROCESSING")
		advance(t, s, 5*time.Minute)
		s.CheckKYCStatus(t, user, decard.KYCRefuse)
		var got applyData
		get(t, c, "card.virtual_detail", "/card/v1/virtual-card/detail", &got, decard.Q("externalUserId", user, "applyId", a.ApplyID)...)
		assert.Equal(t, "FAILED", got.Status)
		assert.Equal(t, "DAPI_CARD_ORDER_KYC_VERIFY_FAILED", got.ErrorCode)
		assert.Empty(t, details(t, c, user))
		// A refused user may apply again.
		again := apply(t, c, user, "10102000", "r3", kycInfo("email", "other@example.com"))
		assert.Equal(t, "PENDING", again.Status)
		s.CheckKYCStatus(t, user, decard.KYCInit)
	})
	t.Run("hold waits for the admin", func(t *testing.T) {
		t.Parallel()
		s := decard.RunT(t)
		c := s.NewClient()
		user := register(t, c, "83330002")
		apply(t, c, user, "10102000", "h1", kycInfo("sumsubShareToken", "mocksrv:kyc-hold"))
		advance(t, s, 24*time.Hour)
		s.CheckKYCStatus(t, user, decard.KYCPending)
		require.NoError(t, s.SetKYC(user, decard.KYCPass))
		advance(t, s, time.Minute)
		assert.Len(t, details(t, c, user), 1)
	})
	t.Run("EDD documents let the review finish", func(t *testing.T) {
		t.Parallel()
		s := decard.RunT(t)
		c := s.NewClient()
		user := register(t, c, "83330003")
		a := apply(t, c, user, "10102000", "e1", kycInfo("email", "kyc.edd+ada@mocksrv.test"))
		assert.True(t, a.NeedEddFile)
		advance(t, s, time.Hour)
		s.CheckKYCStatus(t, user, decard.KYCPending)
		var files []struct {
			FileName  string `json:"fileName"`
			ObjectKey string `json:"objectKey"`
			URL       string `json:"url"`
		}
		post(t, c, "account.file_upload_prepare", "/account/v1/generate-file-upload-prepare", map[string]any{"fileNames": []string{"SOF_CRYPTO.pdf"}}, &files)
		require.Len(t, files, 1)
		mustCode(t, c, "account.file_upload_prepare", http.MethodPost, "/account/v1/generate-file-upload-prepare", nil,
			map[string]any{"fileNames": []string{"virus.exe"}}, "KYC_UNSUPPORTED_FILE_TYPE")
		edd := map[string]any{"externalUserId": user, "requestRef": "edd-1", "applyId": a.ApplyID,
			"eddSowSalary": map[string]any{"employerName": "Acme", "jobTitle": "Engineer", "annualIncome": "100000",
				"docUrls": []map[string]string{{"fileName": files[0].FileName, "filePath": files[0].ObjectKey}}}}
		mustCode(t, c, "account.upload_edd_file", http.MethodPost, "/account/v1/upload-edd-file", nil,
			map[string]any{"externalUserId": user, "requestRef": "edd-0", "applyId": a.ApplyID}, "ACCOUNT_INVALID_PARAMETER")
		post(t, c, "account.upload_edd_file", "/account/v1/upload-edd-file", edd, nil)
		post(t, c, "account.upload_edd_file", "/account/v1/upload-edd-file", edd, nil) // requestRef is idempotent
		advance(t, s, 4*time.Minute)
		s.CheckKYCStatus(t, user, decard.KYCPass)
		advance(t, s, time.Minute)
		var got applyData
		get(t, c, "card.virtual_detail", "/card/v1/virtual-card/detail", &got, decard.Q("externalUserId", user, "applyRef", "e1")...)
		assert.Equal(t, "SUCCESS", got.Status)
		assert.False(t, got.NeedEddFile)
	})
	t.Run("duplicates and magic failures", func(t *testing.T) {
		t.Parallel()
		s := decard.RunT(t)
		c := s.NewClient()
		user, _ := userWithCard(t, s, c, "83330004")
		mustCode(t, c, "card.virtual_apply", http.MethodPost, path, nil,
			map[string]any{"externalUserId": user, "categoryId": "10102000", "applyRef": "d2", "kycInfo": kycInfo("email", "83330004@example.com")}, "CARD_EXISTED")
		other := register(t, c, "83330005")
		mustCode(t, c, "card.virtual_apply", http.MethodPost, path, nil,
			map[string]any{"externalUserId": other, "categoryId": "10102000", "applyRef": "ref-83330004", "kycInfo": kycInfo()}, "CARD_TRANSACTION_REPEAT_REQUEST")
		mustCode(t, c, "card.virtual_apply", http.MethodPost, path, nil,
			map[string]any{"externalUserId": other, "categoryId": "10102000", "applyRef": "d3", "kycInfo": kycInfo("email", "83330004@example.com")}, "KYC_EMAIL_ALREADY_EXIST")
		a := apply(t, c, user, "20102000", "mocksrv:card-fail:vip", kycInfo("email", "83330004@example.com"))
		advance(t, s, time.Minute)
		var got applyData
		get(t, c, "card.virtual_detail", "/card/v1/virtual-card/detail", &got, decard.Q("externalUserId", user, "applyId", a.ApplyID)...)
		assert.Equal(t, "FAILED", got.Status)
		assert.Equal(t, "CARD_TXN_SERVICE_ERROR", got.ErrorCode)
		mustCode(t, c, "card.virtual_detail", http.MethodGet, "/card/v1/virtual-card/detail", decard.Q("externalUserId", user, "applyRef", "none"), nil, "CARD_TRANSACTION_NO_SUCH_TRANSACTION")
	})
}

// TestCardStatusRules: only NORMAL freezes, only FROZEN unfreezes, and
// CANCELLED is terminal.
func TestCardStatusRules(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	c := s.NewClient()
	u, err := s.AddUser(decard.NewUser{Mobile: "84440001"})
	require.NoError(t, err)
	cancelled, err := s.AddCard(decard.NewCard{UserID: u.ID, Mantissa: "1111"})
	require.NoError(t, err)
	inactive, err := s.AddCard(decard.NewCard{UserID: u.ID, Mantissa: "2222", CategoryID: "20102000", Status: decard.CardInactive, Physical: decard.PhysicalInactive})
	require.NoError(t, err)
	require.NoError(t, s.CancelCard(cancelled.ID))
	block := func(mantissa string, freeze bool) map[string]any {
		return map[string]any{"externalUserId": u.ID, "block": freeze, "cardMantissa": mantissa, "smsCode": decard.DefaultSMSCode}
	}
	tests := []struct {
		name     string
		body     map[string]any
		wantCode string
	}{
		{"freeze a cancelled card", block("1111", true), "CARD_TXN_1122020016"},
		{"unfreeze a cancelled card", block("1111", false), "CARD_TXN_1122020016"},
		{"freeze an inactive card", block("2222", true), "CARD_CARD_INACTIVE"},
		{"an unknown mantissa", block("3333", false), "CARD_NOT_EXISTED"},
		{"the default card is the first not CANCELLED", map[string]any{"externalUserId": u.ID, "block": true}, "CARD_CARD_INACTIVE"},
		{"a mantissa of another length", block("12345", true), "ACCOUNT_INVALID_PARAMETER"},
		{"block missing", map[string]any{"externalUserId": u.ID}, "ACCOUNT_INVALID_PARAMETER"},
		{"unknown user", map[string]any{"externalUserId": "nobody", "block": true}, "ACCOUNT_USER_NOT_EXIST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustCode(t, c, "card.block", http.MethodPost, "/card/v1/block", nil, tt.body, tt.wantCode)
		})
	}
	s.CheckCardStatus(t, cancelled.ID, decard.CardCancelled)
	mustCode(t, c, "card.block_v2", http.MethodPost, "/card/v2/block", nil, map[string]any{"externalUserId": u.ID, "block": true, "cardId": inactive.ID}, "CARD_CARD_INACTIVE")
	require.NoError(t, s.ActivateCard(inactive.ID))
	post(t, c, "card.block_v2", "/card/v2/block", map[string]any{"externalUserId": u.ID, "block": true, "cardId": inactive.ID}, nil)
	s.CheckCardStatus(t, inactive.ID, decard.CardFrozen)
	card, _ := s.Card(inactive.ID)
	assert.Equal(t, decard.PhysicalFrozen, card.Physical, "the physical card freezes with the card")
	mustCode(t, c, "card.block_v2", http.MethodPost, "/card/v2/block", nil, map[string]any{"externalUserId": u.ID, "block": true, "cardId": inactive.ID}, "CARD_FROZEN_STATUS_UNSUPPORTED")
	mustCode(t, c, "card.block_v2", http.MethodPost, "/card/v2/block", nil, map[string]any{"externalUserId": u.ID, "block": true, "cardId": "1"}, "CARD_NOT_EXISTED")
	mustCode(t, c, "card.block_v2", http.MethodPost, "/card/v2/block", nil, map[string]any{"externalUserId": u.ID, "block": true}, "ACCOUNT_INVALID_PARAMETER")
}

// TestFundAuthDeclines: declines answer approved:false with the reason and
// push CARD_TRANSACTION with response D; bad requests are errors.
func TestFundAuthDeclines(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	c := s.NewClient()
	u, err := s.AddUser(decard.NewUser{Mobile: "85550001", Balances: map[string]string{"USD": "100"}})
	require.NoError(t, err)
	normal, err := s.AddCard(decard.NewCard{UserID: u.ID, Mantissa: "1001"})
	require.NoError(t, err)
	frozen, err := s.AddCard(decard.NewCard{UserID: u.ID, Mantissa: "1002", CategoryID: "20102000", Status: decard.CardFrozen})
	require.NoError(t, err)
	_ = frozen
	auth := func(mantissa, amount, currency string) map[string]any {
		return map[string]any{"externalUserId": u.ID, "cardMantissa": mantissa, "authType": "EXPEND", "amount": amount, "currency": currency}
	}
	type result struct {
		Approved  bool    `json:"approved"`
		ErrorCode *string `json:"errorCode"`
	}
	declines := []struct {
		name, mantissa, amount, want string
	}{
		{"frozen card", "1002", "1", "CARD_FROZEN_STATUS_UNSUPPORTED"},
		{"more than the wallet", "1001", "100.01", "CARD_WALLET_BALANCE_LOW"},
		{"magic amount", "1001", "9999.01", "CARD_TRANSACTION_DEDUCT_FUNDS_FAIL"},
	}
	for _, d := range declines {
		var r result
		post(t, c, "simulation.fund_auth", "/simulation/v1/fund-auth", auth(d.mantissa, d.amount, "USD"), &r)
		assert.False(t, r.Approved, d.name)
		require.NotNil(t, r.ErrorCode, d.name)
		assert.Equal(t, d.want, *r.ErrorCode, d.name)
	}
	last := s.Messages()[len(s.Messages())-1]
	assert.Equal(t, "CARD_TRANSACTION", last.Type)
	assert.Contains(t, string(last.Data), `"response":"D"`)
	s.CheckBalance(t, u.ID, "USD", "100")

	errs := []struct {
		name string
		body map[string]any
		code string
	}{
		{"zero", auth("1001", "0", "USD"), "CARD_TRANSACTION_UNREASONABLE_AMOUNT"},
		{"fractions of a cent", auth("1001", "1.001", "USD"), "CARD_TRANSACTION_UNREASONABLE_AMOUNT"},
		{"currency", auth("1001", "1", "XYZ"), "CARD_TRANSACTION_UNSUPPORTED_CURRENCY"},
		{"unknown card", auth("9999", "1", "USD"), "CARD_NOT_EXISTED"},
		{"auth type", map[string]any{"externalUserId": u.ID, "cardMantissa": "1001", "authType": "ATM", "amount": "1", "currency": "USD"}, "ACCOUNT_INVALID_PARAMETER"},
	}
	for _, e := range errs {
		mustCode(t, c, "simulation.fund_auth", http.MethodPost, "/simulation/v1/fund-auth", nil, e.body, e.code)
	}
	var r result
	post(t, c, "simulation.fund_auth", "/simulation/v1/fund-auth", auth("1001", "100", "USD"), &r)
	assert.True(t, r.Approved, "exactly the wallet")
	s.CheckBalance(t, u.ID, "USD", "0")
	require.NoError(t, s.CancelCard(normal.ID))
	post(t, c, "simulation.fund_auth", "/simulation/v1/fund-auth", auth("1001", "1", "USD"), &r)
	require.NotNil(t, r.ErrorCode)
	assert.Equal(t, "CARD_TXN_1122020016", *r.ErrorCode)
}

// TestPagingErrors: every list refuses a page below 1 and a size out of
// range, naming the parameter.
func TestPagingErrors(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	c := s.NewClient()
	u, err := s.AddUser(decard.NewUser{Mobile: "86660001"})
	require.NoError(t, err)
	card, err := s.AddCard(decard.NewCard{UserID: u.ID})
	require.NoError(t, err)
	gets := []struct {
		route, path string
		params      []decard.Param
	}{
		{"card.statements", "/card/v1/statements", decard.Q("externalUserId", u.ID)},
		{"card.statement_detail", "/card/v1/statements/detail", decard.Q("externalUserId", u.ID, "statementId", "NO_POSTED")},
		{"card.fiat_transactions", "/card/v1/fiat/transactions", decard.Q("externalUserId", u.ID)},
		{"asset.transfer_query", "/user-asset/v1/transfer-query", decard.Q("externalTranIds", "1234567890")},
	}
	for _, g := range gets {
		for _, bad := range [][]decard.Param{decard.Q("page", "0"), decard.Q("rows", "101"), decard.Q("rows", "0"), decard.Q("page", "one")} {
			resp := mustCode(t, c, g.route, http.MethodGet, g.path, append(append([]decard.Param{}, g.params...), bad...), nil, "ACCOUNT_INVALID_PARAMETER")
			assert.Contains(t, resp.Message, bad[0].Key)
		}
	}
	posts := []struct{ route, path string }{{"card.transactions", "/card/v1/transactions"}, {"asset.transactions", "/user-asset/v1/transactions"}}
	for _, p := range posts {
		for _, bad := range []struct {
			body      map[string]any
			wantField string
		}{
			{map[string]any{"page": 0}, "page"},
			{map[string]any{"size": 101}, "size"},
			{map[string]any{"size": "ten"}, "field size: want a number"},
			{map[string]any{"page": "one"}, "field page: want a number"},
			{map[string]any{"page": []int{1}}, "field page: want a number"},
		} {
			bad.body["externalUserId"] = u.ID
			resp := mustCode(t, c, p.route, http.MethodPost, p.path, nil, bad.body, "ACCOUNT_INVALID_PARAMETER")
			assert.Contains(t, resp.Message, bad.wantField, "the message names the field")
		}
	}
	// A string field sent as an object is named too.
	resp := mustCode(t, c, "card.block_v2", http.MethodPost, "/card/v2/block", nil,
		map[string]any{"externalUserId": u.ID, "block": true, "cardId": map[string]any{"id": card.ID}}, "ACCOUNT_INVALID_PARAMETER")
	assert.Contains(t, resp.Message, "field cardId: want a string")
}

// TestWalletErrors covers credit, debit and withdrawal failures.
func TestWalletErrors(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	c := s.NewClient()
	u, err := s.AddUser(decard.NewUser{Mobile: "87770001"})
	require.NoError(t, err)
	tr := func(ext, asset, amount string) map[string]any {
		return map[string]any{"externalTranId": ext, "asset": asset, "amount": amount, "externalUserId": u.ID}
	}
	credit(t, c, u.ID, "USDT", "10", "wallet-0001")
	tests := []struct {
		name, route, path string
		body              map[string]any
		code              string
	}{
		{"short externalTranId", "asset.credit", "/user-asset/v1/credit", tr("123", "USDT", "1"), "ACCOUNT_INVALID_PARAMETER"},
		{"repeated externalTranId", "asset.credit", "/user-asset/v1/credit", tr("wallet-0001", "USDT", "1"), "CARD_TRANSACTION_REPEAT_REQUEST"},
		{"unknown asset", "asset.credit", "/user-asset/v1/credit", tr("wallet-0002", "DOGE", "1"), "CARD_TRANSACTION_UNSUPPORTED_CURRENCY"},
		{"negative amount", "asset.credit", "/user-asset/v1/credit", tr("wallet-0003", "USDT", "-1"), "CARD_TRANSACTION_UNREASONABLE_AMOUNT"},
		{"eleven integer digits", "asset.credit", "/user-asset/v1/credit", tr("wallet-0004", "USDT", "12345678901"), "CARD_TRANSACTION_UNREASONABLE_AMOUNT"},
		{"nine decimals", "asset.credit", "/user-asset/v1/credit", tr("wallet-0005", "USDT", "0.123456789"), "CARD_TRANSACTION_UNREASONABLE_AMOUNT"},
		{"debit more than held", "asset.debit", "/user-asset/v1/debit", tr("wallet-0006", "USDT", "10.01"), "CARD_WALLET_BALANCE_LOW"},
		{"unknown user", "asset.credit", "/user-asset/v1/credit", map[string]any{"externalTranId": "wallet-0007", "asset": "USDT", "amount": "1", "externalUserId": "nobody"}, "ACCOUNT_USER_NOT_EXIST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustCode(t, c, tt.route, http.MethodPost, tt.path, nil, tt.body, tt.code)
		})
	}
	withdraw := map[string]any{"externalUserId": u.ID, "smsCode": decard.DefaultSMSCode, "network": "TRON", "coin": "USDT",
		"address": "TJX8Xzj3XzL1Bf9XR63TwTn5ynjnD1qwrh", "amount": "9", "fee": "6.5"}
	mustCode(t, c, "crypto.withdraw_apply", http.MethodPost, "/crypto/v1/withdraw-apply", nil, withdraw, "CARD_WALLET_BALANCE_LOW")
	withdraw["address"] = "0x123"
	mustCode(t, c, "crypto.withdraw_apply", http.MethodPost, "/crypto/v1/withdraw-apply", nil, withdraw, "ACCOUNT_INVALID_PARAMETER")
	withdraw["address"], withdraw["smsCode"], withdraw["amount"], withdraw["fee"] = "TJX8Xzj3XzL1Bf9XR63TwTn5ynjnD1qwrh", "000000", "1", "1"
	mustCode(t, c, "crypto.withdraw_apply", http.MethodPost, "/crypto/v1/withdraw-apply", nil, withdraw, "ACCOUNT_CAPTCHA_CODE_ERROR")
	_, err = core.ProviderOf(s.Host).Create("default", "user_status", []byte(`{"externalUserId":"`+u.ID+`","forbidWithdraw":true}`))
	require.NoError(t, err)
	withdraw["smsCode"] = decard.DefaultSMSCode
	mustCode(t, c, "crypto.withdraw_apply", http.MethodPost, "/crypto/v1/withdraw-apply", nil, withdraw, "ACCOUNT_UNSUPPORTED_OPERATE")
	mustCode(t, c, "crypto.deposit_address", http.MethodGet, "/crypto/v1/deposit-address", decard.Q("externalUserId", u.ID, "network", "BTC", "coin", "USDT"), nil, "ACCOUNT_INVALID_PARAMETER")
	mustCode(t, c, "crypto.deposit_address_v2", http.MethodGet, "/crypto/v2/deposit-address", decard.Q("externalUserId", u.ID, "network", "BASE", "coin", "USDT"), nil, "CARD_TRANSACTION_UNSUPPORTED_CURRENCY")
}

// TestUnknownPathsAndMethods answer in DeCard's failure envelope with 404
// and 405.
func TestUnknownPathsAndMethods(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	c := s.NewClient()
	resp, err := c.Do(ctx, http.MethodGet, "/card/v1/nope", nil, nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNotFound, resp.Status)
	assert.Equal(t, "DAPI_OPERATION_UNSUPPORTED", resp.Code)
	resp, err = c.Do(ctx, http.MethodPost, "/card/v1/detail", nil, map[string]any{})
	require.NoError(t, err)
	assert.Equal(t, http.StatusMethodNotAllowed, resp.Status)
	assert.Equal(t, "DAPI_OPERATION_UNSUPPORTED", resp.Code)
	assert.NotEmpty(t, s.Journal.Entries(core.ByStatus(http.StatusNotFound)), "unknown paths are journaled")

	// Every prefix DeCard owns answers an unknown path in DeCard's
	// envelope, alone and on the Fleet's shared listener (where a prefix
	// DeCard did not own would get the admin API's {"error":"not_found"}).
	f := sims.RunT(t)
	fc := decard.NewClient(f.URL(), decard.DefaultAPIKey, decard.DefaultAPISecret)
	for _, prefix := range core.ProviderOf(s.Host).Prefixes() {
		for _, client := range []*decard.Client{c, fc} {
			resp, err := client.Do(ctx, http.MethodGet, prefix+"v1/nope/nope", nil, nil)
			require.NoError(t, err)
			assert.Equal(t, http.StatusNotFound, resp.Status, prefix)
			assert.Equal(t, "DAPI_OPERATION_UNSUPPORTED", resp.Code, "%s: %s", prefix, resp.Body)
			assert.False(t, resp.Success)
			assert.NotEmpty(t, resp.Message)
			contracts.Validate(t, "decard/error.json", resp.Body)
		}
	}
	for _, p := range []string{"/qrpay/", "/financial-connection/", "/kyc/"} {
		assert.Contains(t, core.ProviderOf(s.Host).Prefixes(), p)
	}
	resp, err = fc.Do(ctx, http.MethodGet, "/qrpay/v1/nope", nil, nil)
	require.NoError(t, err)
	assert.JSONEq(t, `{"code":"DAPI_OPERATION_UNSUPPORTED","message":"operation not supported: no decard endpoint GET /qrpay/v1/nope","success":false}`, string(resp.Body))
}

// TestFaults: every Kind injected on a route renders as a DeCard failure
// that validates against the route's contract, with an organic code.
func TestFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind  core.Kind
		route string
		want  string
	}{
		{core.KindInvalid, "card.detail", "ACCOUNT_INVALID_PARAMETER"},
		{core.KindUnauthorized, "card.detail", "DAPI_SIGNATURE_ERROR"},
		{core.KindForbidden, "card.detail", "DAPI_PERMISSION_DENIED"},
		{core.KindNotFound, "card.detail", "CARD_NOT_EXISTED"},
		{core.KindNotFound, "account.kyc_status", "ACCOUNT_USER_NOT_EXIST"},
		{core.KindConflict, "card.block", "CARD_FROZEN_STATUS_UNSUPPORTED"},
		{core.KindRateLimited, "captcha.send_mobile_code", "RISK_FAILED"},
		{core.KindUnavailable, "card.detail", "DAPI_SYSTEM_ERROR"},
		{core.KindInternal, "card.detail", "DAPI_SYSTEM_ERROR"},
		{core.KindNotFound, "qrpay.order_detail", "CARD_TRANSACTION_NO_SUCH_TRANSACTION"},
		{core.KindConflict, "financial_connection.payment", "CARD_TRANSACTION_REPEAT_REQUEST"},
		{core.KindNotFound, "financial_connection.query_payment_info", "CARD_TRANSACTION_NO_SUCH_TRANSACTION"},
		{core.KindNotFound, "financial_connection.query_user_info", "ACCOUNT_USER_NOT_EXIST"},
		{core.KindNotFound, "kyc.detail", "ACCOUNT_USER_NOT_EXIST"},
		{core.KindNotFound, "card.apple_bind_wallet", "CARD_NOT_EXISTED"},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String()+"/"+tt.route, func(t *testing.T) {
			t.Parallel()
			s := decard.RunT(t)
			s.Faults.FailNext(tt.route, tt.kind)
			c := s.NewClient()
			var resp *decard.Response
			switch tt.route {
			case "card.detail":
				resp = call(t, c, tt.route, http.MethodGet, "/card/v1/detail", decard.Q("externalUserId", "x"), nil)
			case "account.kyc_status":
				resp = call(t, c, tt.route, http.MethodGet, "/account/v1/kyc-status", decard.Q("externalUserId", "x"), nil)
			case "card.block":
				resp = call(t, c, tt.route, http.MethodPost, "/card/v1/block", nil, map[string]any{})
			case "qrpay.order_detail":
				resp = call(t, c, tt.route, http.MethodGet, "/qrpay/v1/order-detail", decard.Q("externalUserId", "x", "orderId", "1"), nil)
			case "financial_connection.payment":
				resp = call(t, c, tt.route, http.MethodPost, "/financial-connection/v1/payment", nil, map[string]any{})
			case "financial_connection.query_payment_info":
				resp = call(t, c, tt.route, http.MethodGet, "/financial-connection/v1/query-payment-info", decard.Q("externalTranId", "x"), nil)
			case "financial_connection.query_user_info":
				resp = call(t, c, tt.route, http.MethodGet, "/financial-connection/v1/query-user-info", decard.Q("userRef", "x"), nil)
			case "kyc.detail":
				resp = call(t, c, tt.route, http.MethodGet, "/kyc/v1/detail", decard.Q("externalUserId", "x"), nil)
			case "card.apple_bind_wallet":
				resp = call(t, c, tt.route, http.MethodPost, "/card/v1/apple-bind-wallet", nil, map[string]any{})
			default:
				resp = call(t, c, tt.route, http.MethodPost, "/captcha/v1/send-mobile-code", nil, send("81234567", "REGISTER"))
			}
			assert.Equal(t, http.StatusOK, resp.Status)
			assert.Equal(t, tt.want, resp.Code)
			assert.False(t, resp.Success)
		})
	}
}

// TestChineseMessages: Accept-Language zh answers with DeCard's published
// Chinese texts.
func TestChineseMessages(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	c := s.NewClient()
	c.Header = http.Header{"Accept-Language": {"zh-CN,zh;q=0.9"}}
	resp := mustCode(t, c, "account.kyc_status", http.MethodGet, "/account/v1/kyc-status", decard.Q("externalUserId", "nobody"), nil, "ACCOUNT_USER_NOT_EXIST")
	assert.Contains(t, resp.Message, "该用户不存在。请检查信息后重试。")
	// The Chinese sentence puts its arguments in its own order.
	u, err := s.AddUser(decard.NewUser{Mobile: "86660002"})
	require.NoError(t, err)
	resp = mustCode(t, c, "card.detail_v2", http.MethodGet, "/card/v2/detail", decard.Q("externalUserId", u.ID, "cardId", "1234567890"), nil, "CARD_NOT_EXISTED")
	assert.Equal(t, "卡不存在：用户 "+u.ID+" 的 cardId 1234567890", resp.Message)
	card, err := s.AddCard(decard.NewCard{UserID: u.ID, CategoryID: "10102000", Mantissa: "5151"})
	require.NoError(t, err)
	resp = mustCode(t, c, "card.virtual_apply", http.MethodPost, "/card/v1/virtual-card/apply", nil,
		map[string]any{"externalUserId": u.ID, "categoryId": "10102000", "applyRef": "zh-1", "kycInfo": kycInfo()}, "CARD_EXISTED")
	assert.Contains(t, resp.Message, "用户 "+u.ID+" 已有类别 10102000 的卡 "+card.Mantissa())
	c.APISecret = "wrong"
	resp = mustCode(t, c, "card.list", http.MethodGet, "/card/v1/list", nil, nil, "DAPI_SIGNATURE_ERROR")
	assert.Contains(t, resp.Message, "签名错误")
}
