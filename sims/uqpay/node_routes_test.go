package uqpay_test

// Every route the official Node SDK (uqpay/uqpay-node @d9d5b59) calls on
// the Card Issuance surface, sent as its HttpClient sends them
// (src/http.ts, src/auth.ts): Content-Type application/json on every call,
// GETs included; a fresh UUID x-idempotency-key on every call; the body
// JSON.stringify'd, `{}` for createPanToken; list parameters through
// URLSearchParams with the unset ones left out; a token refreshed 60 s
// before expired_at (Unix seconds) and once more after a 401 whose message
// reads as an expired token. Answers decode into the Node SDK's declared
// types where the two SDKs agree; where they disagree the Go SDK, which
// decodes strictly, is followed and the test pins it (docs/uqpay.md,
// "Every route the official SDKs call").

import (
	"bytes"
	encodingcsv "encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// nodeTokenExpiredPatterns is src/http.ts TOKEN_EXPIRED_PATTERNS: a 401
// whose message contains one of them makes the SDK fetch a new token and
// retry once; any other 401 is thrown.
var nodeTokenExpiredPatterns = []string{"token has expired", "login expired", "token expired", "jwt expired"}

// nodeClient is the Node SDK's HttpClient and TokenManager over a fixture.
type nodeClient struct {
	t          *testing.T
	f          *fixture
	token      string
	expiresAt  int64 // Unix seconds, as src/auth.ts reads expired_at
	tokenFetch int
	retried    int
}

func newNodeClient(f *fixture) *nodeClient { return &nodeClient{t: f.t, f: f} }

// getToken is TokenManager.getToken: cached until 60 s before expired_at.
func (n *nodeClient) getToken() string {
	n.t.Helper()
	if n.token != "" && n.expiresAt-n.f.s.Clock.Wall().Unix() > 60 {
		return n.token
	}
	h := http.Header{}
	h.Set("x-client-id", n.f.s.ClientID())
	h.Set("x-api-key", n.f.s.APIKey())
	h.Set("Content-Type", "application/json")
	status, body := n.f.raw(http.MethodPost, "/api/v1/connect/token", nil, h)
	require.Equal(n.t, http.StatusOK, status, "%s", body)
	var tok struct {
		AuthToken string `json:"auth_token"`
		ExpiredAt int64  `json:"expired_at"` // number
	}
	require.NoError(n.t, json.Unmarshal(body, &tok))
	require.Len(n.t, strings.Split(tok.AuthToken, "."), 3, "parseJwt throws on anything but three parts")
	n.token, n.expiresAt = tok.AuthToken, tok.ExpiredAt
	n.tokenFetch++
	return n.token
}

// do is HttpClient.request: status and body of the final answer.
func (n *nodeClient) do(method, path string, body any, onBehalfOf string) (int, []byte) {
	n.t.Helper()
	send := func() (int, []byte) {
		h := http.Header{}
		h.Set("Content-Type", "application/json")
		h.Set("User-Agent", "uqpay-node/0.1.0 node/v22.0.0")
		if onBehalfOf != "" {
			h.Set("x-on-behalf-of", onBehalfOf)
		}
		h.Set("x-auth-token", "Bearer "+n.getToken())
		h.Set("x-idempotency-key", uqpay.NewIdempotencyKey())
		var b any
		if body != nil {
			raw, err := json.Marshal(body)
			require.NoError(n.t, err)
			b = raw
		}
		return n.f.raw(method, "/api"+path, b, h)
	}
	status, out := send()
	if status == http.StatusUnauthorized {
		msg := strings.ToLower(errBody(n.t, out).Message)
		for _, p := range nodeTokenExpiredPatterns {
			if strings.Contains(msg, p) {
				n.token = ""
				n.retried++
				return send()
			}
		}
	}
	return status, out
}

// ok requires a 200 and decodes the answer into T.
func nodeOK[T any](n *nodeClient, method, path string, body any, onBehalfOf ...string) T {
	n.t.Helper()
	var ob string
	if len(onBehalfOf) > 0 {
		ob = onBehalfOf[0]
	}
	status, out := n.do(method, path, body, ob)
	require.Equal(n.t, http.StatusOK, status, "%s %s: %s", method, path, out)
	return decodeJSON[T](n.t, out)
}

// qs is BaseResource._qs: the set parameters, in order, with a leading ?.
func qs(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			v.Set(kv[i], kv[i+1])
		}
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// The Node SDK's declared answer types (src/resources/issuing/types.ts,
// src/resources/simulator/types.ts), the fields the test reads.
type (
	nodePage[T any] struct {
		TotalPages int `json:"total_pages"`
		TotalItems int `json:"total_items"`
		Data       []T `json:"data"`
	}
	nodeCardholder struct {
		CardholderID     string  `json:"cardholder_id"`
		Email            string  `json:"email"`
		NumberOfCards    *int    `json:"number_of_cards"`
		CardholderStatus string  `json:"cardholder_status"`
		PhoneNumber      string  `json:"phone_number"`
		IDVStatus        *string `json:"idv_status"`
	}
	nodeCreateCardResponse struct {
		CardID      string `json:"card_id"`
		CardOrderID string `json:"card_order_id"`
		CreateTime  string `json:"create_time"`
		CardStatus  string `json:"card_status"`
		OrderStatus string `json:"order_status"`
	}
	nodeCard struct {
		CardID           string         `json:"card_id"`
		CardStatus       string         `json:"card_status"`
		FormFactor       string         `json:"form_factor"`
		CardLimit        any            `json:"card_limit"`        // string | number
		AvailableBalance any            `json:"available_balance"` // string | number
		Metadata         map[string]any `json:"metadata"`
	}
	nodeOrder struct {
		CardID      string  `json:"card_id"`
		CardOrderID string  `json:"card_order_id"`
		OrderType   string  `json:"order_type"`
		Amount      float64 `json:"amount"` // number
		OrderStatus string  `json:"order_status"`
	}
	nodeBalance struct {
		BalanceID        string `json:"balance_id"`
		Currency         string `json:"currency"`
		AvailableBalance string `json:"available_balance"`
		BalanceStatus    string `json:"balance_status"`
	}
	nodeCardTransaction struct {
		TransactionID        string `json:"transaction_id"`
		TransactionType      string `json:"transaction_type"`
		CardAvailableBalance string `json:"card_available_balance"`
		BillingAmount        string `json:"billing_amount"`
		TransactionStatus    string `json:"transaction_status"`
	}
	nodeProduct struct {
		ProductID     string   `json:"product_id"`
		ModeType      string   `json:"mode_type"`
		CardBIN       string   `json:"card_bin"`
		CardForm      []string `json:"card_form"`
		ProductStatus string   `json:"product_status"`
		KYCLevel      string   `json:"kyc_level"`
	}
	nodeTransfer struct {
		TransferID           string `json:"transfer_id"`
		SourceAccountID      string `json:"source_account_id"`
		DestinationAccountID string `json:"destination_account_id"`
		Amount               string `json:"amount"`
		Currency             string `json:"currency"`
		TransferStatus       string `json:"transfer_status"`
	}
)

// TestNodeSDKRoutes calls each of the 28 Card Issuance routes the Node SDK
// has (issuing.*, simulator.*) the way it calls them, and checks every
// answer: its contract (the fixture's transport) and what the SDK reads.
func TestNodeSDKRoutes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	n := newNodeClient(f)

	// issuing.products.list
	products := nodeOK[nodePage[nodeProduct]](n, http.MethodGet, "/v1/issuing/products"+qs("page_size", "10", "page_number", "1"), nil)
	require.Equal(t, 5, products.TotalItems)
	for _, p := range products.Data {
		if p.ProductID == uqpay.ProductShare {
			assert.Equal(t, []string{"VIR", "PHY"}, p.CardForm, "virtual and physical")
		}
		assert.Equal(t, "ENABLED", p.ProductStatus)
		assert.Contains(t, []string{"SIMPLIFIED", "STANDARD", "ENHANCED"}, p.KYCLevel)
	}

	// issuing.cardholders.create, retrieve, update, list
	holder := nodeOK[struct {
		CardholderID     string `json:"cardholder_id"`
		CardholderStatus string `json:"cardholder_status"`
	}](n, http.MethodPost, "/v1/issuing/cardholders", map[string]any{"email": "node@example.com", "first_name": "Ada",
		"last_name": "Lovelace", "country_code": "SG", "phone_number": "86683301"})
	assert.Equal(t, "SUCCESS", holder.CardholderStatus)
	ch := nodeOK[nodeCardholder](n, http.MethodGet, "/v1/issuing/cardholders/"+holder.CardholderID, nil)
	assert.Equal(t, "node@example.com", ch.Email)
	require.NotNil(t, ch.IDVStatus, "idv_status is always there")
	nodeOK[map[string]any](n, http.MethodPost, "/v1/issuing/cardholders/"+holder.CardholderID, map[string]any{"phone_number": "86683302"})
	holders := nodeOK[nodePage[nodeCardholder]](n, http.MethodGet, "/v1/issuing/cardholders"+qs("page_size", "10", "page_number", "1", "cardholder_status", "SUCCESS"), nil)
	require.Equal(t, 1, holders.TotalItems)
	assert.Equal(t, "86683302", holders.Data[0].PhoneNumber)

	// issuing.cards.create (numeric spending-control amounts, as Node declares them), retrieve, list, update
	created := nodeOK[nodeCreateCardResponse](n, http.MethodPost, "/v1/issuing/cards", map[string]any{"card_currency": "USD",
		"cardholder_id": holder.CardholderID, "card_product_id": uqpay.ProductSingle, "card_limit": 200,
		"spending_controls": []map[string]any{{"interval": "PER_TRANSACTION", "amount": 150}}, "metadata": map[string]any{"team": "node"}})
	assert.Equal(t, "PENDING", created.CardStatus)
	assert.Equal(t, "PROCESSING", created.OrderStatus)
	f.flush()
	card := nodeOK[nodeCard](n, http.MethodGet, "/v1/issuing/cards/"+created.CardID, nil)
	assert.Equal(t, "ACTIVE", card.CardStatus)
	assert.Equal(t, "200.00", card.AvailableBalance)
	assert.Equal(t, map[string]any{"team": "node"}, card.Metadata)
	cards := nodeOK[nodePage[nodeCard]](n, http.MethodGet, "/v1/issuing/cards"+qs("page_size", "10", "page_number", "1", "cardholder_id", holder.CardholderID), nil)
	require.Equal(t, 1, cards.TotalItems)
	assert.Equal(t, created.CardID, cards.Data[0].CardID)
	upd := nodeOK[struct {
		CardID      string `json:"card_id"`
		OrderStatus string `json:"order_status"`
	}](n, http.MethodPost, "/v1/issuing/cards/"+created.CardID, map[string]any{"no_pin_payment_amount": 50,
		"spending_controls": []map[string]any{{"interval": "DAILY", "amount": 300}}})
	assert.Equal(t, "SUCCESS", upd.OrderStatus)

	// issuing.cards.retrieveSecure, createPanToken (a `{}` body)
	sec := nodeOK[struct {
		CVV        string `json:"cvv"`
		ExpireDate string `json:"expire_date"`
		CardNumber string `json:"card_number"`
	}](n, http.MethodGet, "/v1/issuing/cards/"+created.CardID+"/secure", nil)
	assert.Regexp(t, `^40963608\d{8}$`, sec.CardNumber)
	pan := nodeOK[struct {
		Token     string `json:"token"`
		ExpiresIn int    `json:"expires_in"` // number
		ExpiresAt string `json:"expires_at"`
	}](n, http.MethodPost, "/v1/issuing/cards/"+created.CardID+"/token", map[string]any{})
	assert.True(t, strings.HasPrefix(pan.Token, "pan_"))
	assert.Equal(t, 60, pan.ExpiresIn)

	// issuing.cards.recharge, withdraw (numeric amount and order amount)
	rech := nodeOK[nodeOrder](n, http.MethodPost, "/v1/issuing/cards/"+created.CardID+"/recharge", map[string]any{"amount": 25.5})
	assert.Equal(t, "CARD_RECHARGE", rech.OrderType)
	assert.InDelta(t, 25.5, rech.Amount, 0)
	wd := nodeOK[nodeOrder](n, http.MethodPost, "/v1/issuing/cards/"+created.CardID+"/withdraw", map[string]any{"amount": 5})
	assert.Equal(t, "CARD_WITHDRAW", wd.OrderType)
	f.flush()
	f.s.CheckCardAvailable(t, created.CardID, "220.5")

	// simulator.issuing.authorize (with the transaction_status Node declares), reverse
	authz := nodeOK[map[string]any](n, http.MethodPost, "/v1/simulation/issuing/authorization", map[string]any{"card_id": created.CardID,
		"transaction_amount": 20, "transaction_currency": "USD", "merchant_name": "Node Shop", "merchant_category_code": "5734",
		"transaction_status": "APPROVED"})
	assert.Equal(t, "APPROVED", authz["transaction_status"])
	assert.Equal(t, "AUTHORIZATION", authz["transaction_type"])
	// Quirk: the two SDKs disagree on the simulators' amounts (Node declares
	// strings, Go decodes float64 strictly): numbers by default, as Go needs.
	assert.InDelta(t, 200.5, authz["card_available_balance"], 1e-9)
	txID := authz["transaction_id"].(string)
	rev := nodeOK[map[string]any](n, http.MethodPost, "/v1/simulation/issuing/reversal", map[string]any{"transaction_id": txID})
	assert.Equal(t, "REVERSAL", rev["transaction_type"])

	// issuing.transactions.list, retrieve
	txns := nodeOK[nodePage[nodeCardTransaction]](n, http.MethodGet, "/v1/issuing/transactions"+qs("page_size", "10", "page_number", "1", "card_id", created.CardID), nil)
	require.Equal(t, 2, txns.TotalItems)
	assert.Equal(t, "REVERSAL", txns.Data[0].TransactionType)
	tx := nodeOK[nodeCardTransaction](n, http.MethodGet, "/v1/issuing/transactions/"+txID, nil)
	assert.Equal(t, "20.00", tx.BillingAmount)
	assert.Equal(t, "220.50", txns.Data[0].CardAvailableBalance)

	// issuing.cards.updateStatus
	st := nodeOK[struct {
		CardID      string `json:"card_id"`
		OrderStatus string `json:"order_status"`
	}](n, http.MethodPost, "/v1/issuing/cards/"+created.CardID+"/status", map[string]any{"card_status": "FROZEN", "update_reason": "node"})
	assert.Equal(t, "PENDING", st.OrderStatus)
	f.flush()
	f.s.CheckCardStatus(t, created.CardID, uqpay.StatusFrozen)

	// issuing.cards.assign, activate (a physical card and its code)
	assigned := nodeOK[nodeCreateCardResponse](n, http.MethodPost, "/v1/issuing/cards/assign", map[string]any{"cardholder_id": holder.CardholderID,
		"card_number": "4096360800133951", "card_currency": "USD", "card_mode": "SINGLE"})
	assert.Equal(t, "PENDING", assigned.CardStatus)
	codes := byType(f.events(), "card.activation.code")
	require.Len(t, codes, 1)
	code, err := codes[0].ParseCardActivationCodeData()
	require.NoError(t, err)
	act := nodeOK[struct {
		RequestStatus string `json:"request_status"`
	}](n, http.MethodPost, "/v1/issuing/cards/activate", map[string]any{"card_id": assigned.CardID, "activation_code": code.ActivationCode,
		"pin": "024680", "no_pin_payment_amount": 100})
	assert.Equal(t, "SUCCESS", act.RequestStatus)
	phy := nodeOK[nodeCard](n, http.MethodGet, "/v1/issuing/cards/"+assigned.CardID, nil)
	assert.Equal(t, "PHYSICAL", phy.FormFactor)
	assert.Equal(t, "ACTIVE", phy.CardStatus)

	// simulator.deposits.simulate
	dep := nodeOK[struct {
		DepositID     string `json:"deposit_id"`
		Amount        string `json:"amount"`
		DepositStatus string `json:"deposit_status"`
	}](n, http.MethodPost, "/v1/simulation/deposit", map[string]any{"amount": 300, "currency": "USD", "sender_swift_code": "TESTSGSG"})
	assert.Equal(t, "300", dep.Amount)
	assert.Equal(t, "PENDING", dep.DepositStatus)
	f.flush()

	// issuing.balances.retrieve, list, listTransactions
	bal := nodeOK[nodeBalance](n, http.MethodPost, "/v1/issuing/balances", map[string]any{"currency": "USD"})
	assert.Equal(t, f.s.Balance("USD").Available.StringFixed(2), bal.AvailableBalance)
	assert.Equal(t, "ACTIVE", bal.BalanceStatus)
	bals := nodeOK[nodePage[nodeBalance]](n, http.MethodGet, "/v1/issuing/balances"+qs("page_size", "10", "page_number", "1"), nil)
	assert.Equal(t, 2, bals.TotalItems)
	btx := nodeOK[nodePage[map[string]any]](n, http.MethodGet, "/v1/issuing/balances/transactions"+qs("page_size", "10", "page_number", "1", "currency", "USD"), nil)
	require.NotEmpty(t, btx.Data)
	// Quirk: Node declares amount and ending_balance numbers, the Go SDK
	// decodes them into strings (strictly): strings, as Go needs.
	assert.IsType(t, "", btx.Data[0]["amount"])
	assert.IsType(t, "", btx.Data[0]["ending_balance"])

	// issuing.transfers.create, retrieve
	sub, err := f.s.AddSubAccount("Node Team")
	require.NoError(t, err)
	tr := nodeOK[struct {
		TransferID string `json:"transfer_id"`
	}](n, http.MethodPost, "/v1/issuing/transfers", map[string]any{"source_account_id": f.s.MasterAccountID(),
		"destination_account_id": sub.ID, "currency": "USD", "amount": 40, "remark": "node"})
	got := nodeOK[nodeTransfer](n, http.MethodGet, "/v1/issuing/transfers/"+tr.TransferID, nil)
	assert.Equal(t, "40.00", got.Amount)
	assert.Equal(t, sub.ID, got.DestinationAccountID)
	// Quirk: Node declares 'PENDING' | 'FAILED' | 'COMPLETED'; UQPay's docs
	// example and the Go SDK's constants are lowercase.
	assert.Equal(t, "completed", got.TransferStatus)
	subBal := nodeOK[nodeBalance](n, http.MethodPost, "/v1/issuing/balances", map[string]any{"currency": "USD"}, sub.ID)
	assert.Equal(t, "40.00", subBal.AvailableBalance)

	// issuing.reports.create, download (the SDK reads the CSV as text)
	rep := nodeOK[struct {
		ReportID string `json:"report_id"`
	}](n, http.MethodPost, "/v1/issuing/reports", map[string]any{"report_type": "LEDGER", "start_time": "2026-01-01", "end_time": "2026-01-02"})
	status, csv := n.do(http.MethodGet, "/v1/issuing/reports/"+rep.ReportID, nil, "")
	require.Equal(t, http.StatusOK, status, "%s", csv)
	rows, err := encodingcsv.NewReader(bytes.NewReader(csv)).ReadAll()
	require.NoError(t, err, "%s", csv)
	require.NotEmpty(t, rows)
	assert.Equal(t, []string{"transaction_id", "short_transaction_id", "balance_id", "transaction_type", "transaction_status",
		"currency", "amount", "ending_balance", "description", "create_time"}, rows[0])
	assert.Equal(t, "TRANSFER_OUT", rows[len(rows)-1][3], "the transfer is the latest ledger row")

	assert.Equal(t, 1, n.tokenFetch, "one token served every call")
	f.s.CheckLedger(t)
}

// TestNodeSDKRefreshesAnExpiredToken: mocksrv's expired-token message is
// one the Node SDK recognises, so it fetches a new token and retries
// instead of throwing.
func TestNodeSDKRefreshesAnExpiredToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	wall := &fakeWall{at: f.s.Clock.Wall()}
	f.s.Clock.SetWall(wall.now)
	n := newNodeClient(f)
	n.getToken()
	n.expiresAt += 3600 // a clock skew: the SDK thinks its token is still good
	wall.at = wall.at.Add(31 * time.Minute)
	bals := nodeOK[nodePage[nodeBalance]](n, http.MethodGet, "/v1/issuing/balances"+qs("page_size", "10", "page_number", "1"), nil)
	assert.Equal(t, 2, bals.TotalItems)
	assert.Equal(t, 1, n.retried, "the 401 read as an expired token")
	assert.Equal(t, 2, n.tokenFetch)
}
