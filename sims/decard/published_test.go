package decard_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims/decard"
)

// TestPublishedRequests sends every request body DeCard publishes (its
// docs and Postman collection) verbatim, signed as the collection signs
// it, to a sandbox holding the users and cards the bodies name. Each is
// understood: it succeeds, or fails for a reason of state or of the
// published dictionaries, never because its shape was not read.
func TestPublishedRequests(t *testing.T) {
	t.Parallel()
	want := map[string]struct {
		code    string // "" is SYS_SUCCESS
		message string // part of the failure message
		lenient bool   // with WithLenientKYCInfo
	}{
		"captcha-v1-send-mobile-code.request.postman.json": {},
		"account-v1-register.request.postman.json":         {}, // after its code was sent
		"account-v1-update-travel-rule.request.json":       {},
		"redirect-v1-guidance-link.request.postman.json":   {},
		"card-v1-block.request.postman.json":               {},
		"card-v2-block.request.postman.json":               {},
		"card-v1-transactions.request.postman.json":        {},
		// The Postman sample predates the dictionaries: employmentJobIndustry
		// INFORMATION is not a published code (INFORMATION_AND_COMMUNICATIONS
		// is); its proof of address is also 91 days old on the sandbox clock.
		"card-v1-virtual-card-apply.request.postman.json": {code: "ACCOUNT_INVALID_PARAMETER",
			message: `kycInfo.employmentJobIndustry "INFORMATION" is not in the dictionary`},
		"crypto-v1-bank-address.request.json":             {},
		"simulation-v1-fund-auth.request.postman.json":    {},
		"simulation-v2-fund-auth.request.postman.json":    {},
		"user-asset-v1-transactions.request.postman.json": {},
		// A transaction of DeCard's own sandbox, unknown here.
		"user-asset-v1-transaction-detail.request.postman.json": {code: "CARD_TRANSACTION_NO_SUCH_TRANSACTION"},
		"qrpay-v1-decode.request.postman.json":                  {},
		"qrpay-v1-create.request.postman.json":                  {},
		// An order of DeCard's own sandbox.
		"qrpay-v1-confirm.request.postman.json":                             {code: "CARD_TRANSACTION_NO_SUCH_TRANSACTION", message: "has no QR order 4840307532074132225"},
		"financial-connection-v1-create-user.request.postman.json":          {},
		"financial-connection-v1-virtual-card-apply.request.postman.json":   {},
		"financial-connection-v1-payment.request.postman.json":              {},
		"financial-connection-v1-transfer-to-spending.request.postman.json": {},
		"financial-connection-v1-withdraw.request.postman.json":             {},
		// A virtual account of DeCard's own sandbox (vaNumbers are issued, not chosen).
		"financial-connection-v1-query-tran-list.request.postman.json": {code: "ACCOUNT_INVALID_PARAMETER", message: "vaNumber 88516299000003137 is not a virtual account"},
		// The samples leave the wallet's provisioning fields empty.
		"card-v1-apple-bind-wallet.request.postman.json":  {code: "ACCOUNT_INVALID_PARAMETER", message: "applePublicCertificates"},
		"card-v2-apple-bind-wallet.request.postman.json":  {code: "ACCOUNT_INVALID_PARAMETER", message: "applePublicCertificates"},
		"card-v1-google-bind-wallet.request.postman.json": {code: "ACCOUNT_INVALID_PARAMETER", message: "clientCustomerId must be 1-128 characters"},
		"card-v2-google-bind-wallet.request.postman.json": {code: "ACCOUNT_INVALID_PARAMETER", message: "clientCustomerId must be 1-128 characters"},
	}
	examples, err := contracts.Examples(decard.Name)
	require.NoError(t, err)
	doc, err := contracts.Document(decard.Name)
	require.NoError(t, err)
	ops := map[string]contracts.Operation{}
	for _, o := range doc.Operations {
		ops[o.ID] = o
	}

	s := decard.RunT(t)
	lenient := decard.RunT(t, decard.WithLenientKYCInfo(true), decard.WithPOAMaxAge(0))
	for _, srv := range []*decard.Server{s, lenient} {
		for _, u := range []struct {
			id    string
			kyc   decard.KYCStatus
			cards []decard.NewCard
		}{
			// KYC UNDO: the guidance link starts its KYC.
			{"442e0a33-0a31-40b5-ae64-7b9d562faa1f", decard.KYCUndo, []decard.NewCard{{Mantissa: "2453"}, {Mantissa: "1111", CategoryID: "40102000"},
				{ID: "4801387990654459905", CategoryID: "20102000"}}},
			{"fafb3568-ac65-4b05-ae5f-c0d32dcdc6d3", "", []decard.NewCard{{Mantissa: "0583"}, {ID: "4963470291345054209", CategoryID: "40102000"}}},
			{"68c80b21-ffde-4d02-afa0-6765afc48e36", "", []decard.NewCard{{Mantissa: "5187"}}},
			{"888368b5-b97b-4bc8-a05e-f5d382d85ca8", "", nil},
			{"c6341da8-93e6-40a0-9c1b-e75cb6c228d2", "", nil},
			{"1111111", "", nil},
		} {
			_, err := srv.AddUser(decard.NewUser{ID: u.id, KYC: u.kyc, Balances: map[string]string{"USD": "100"}})
			require.NoError(t, err, u.id)
			for _, c := range u.cards {
				c.UserID = u.id
				_, err := srv.AddCard(c)
				require.NoError(t, err, "%s %+v", u.id, c)
			}
		}
		// The QR-pay user and the financial-connection users of the collection.
		_, err := srv.AddUser(decard.NewUser{ID: "b6fd22de-c7d5-44fa-b692-b9b575ed2ffb", Balances: map[string]string{"USD": "100"}})
		require.NoError(t, err)
		for _, id := range []string{"0eba0454-2c38-429f-ac48-10352b66a9c6", "3be6b937-7fe6-4051-be34-976a75e7b3b2"} {
			_, err := srv.AddFCUser(decard.NewFCUser{ID: id, Balances: map[string]string{"USD": "100"}})
			require.NoError(t, err)
		}
	}

	seen := 0
	for _, ex := range examples {
		if ex.Part != "request" || ex.BadJSON {
			continue
		}
		w, ok := want[ex.File]
		if !assert.True(t, ok, "no expectation for the published request %s", ex.File) {
			continue
		}
		seen++
		body, err := contracts.EmbeddedExample(decard.Name, ex.File)
		require.NoError(t, err)
		op := ops[ex.Op]
		srv := s
		if w.lenient {
			srv = lenient
		}
		c := srv.NewClient()
		c.Style = decard.StylePostman
		if ex.File == "account-v1-register.request.postman.json" {
			post(t, c, "captcha.send_mobile_code", "/captcha/v1/send-mobile-code",
				map[string]any{"mobileCode": "SG", "mobile": "88998878", "behavioral": "REGISTER"}, nil)
		}
		resp := call(t, c, ex.Op, strings.ToUpper(op.Method), op.Path, nil, body)
		require.Equal(t, http.StatusOK, resp.Status, ex.File)
		if w.code == "" {
			assert.True(t, resp.OK(), "%s: %s %s", ex.File, resp.Code, resp.Message)
			continue
		}
		assert.Equal(t, w.code, resp.Code, "%s: %s", ex.File, resp.Message)
		assert.Contains(t, resp.Message, w.message, ex.File)
	}
	assert.Equal(t, len(want), seen, "every expectation names a published request")

	// With the Java connector's leniency the published application is accepted.
	body, err := contracts.EmbeddedExample(decard.Name, "card-v1-virtual-card-apply.request.postman.json")
	require.NoError(t, err)
	c := lenient.NewClient()
	c.Style = decard.StylePostman
	var a applyData
	mustOK(t, call(t, c, "card.virtual_apply", http.MethodPost, "/card/v1/virtual-card/apply", nil, body), "card.virtual_apply", &a)
	assert.Equal(t, "PENDING", a.Status)
	assert.Equal(t, "1759218057131", a.ApplyRef)
	s.CheckMoney(t)
}
