package decard_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims/decard"
)

var ctx = context.Background()

// call sends a signed request and checks the answer against the route's
// contract (strict: no undeclared fields).
func call(t *testing.T, c *decard.Client, route, method, path string, params []decard.Param, body any) *decard.Response {
	t.Helper()
	resp, err := c.Do(ctx, method, path, params, body)
	require.NoError(t, err)
	checkContract(t, route, resp)
	return resp
}

func checkContract(t *testing.T, route string, resp *decard.Response) {
	t.Helper()
	id := contracts.ResponseSchema(decard.Name, route, resp.Status)
	require.NotEmpty(t, id, "no contract for %s status %d", route, resp.Status)
	contracts.Validate(t, id, resp.Body)
}

// checkRequest validates a request body against the route's request
// contract.
func checkRequest(t *testing.T, route string, body []byte) {
	t.Helper()
	d, err := contracts.Document(decard.Name)
	require.NoError(t, err)
	op, ok := d.Op(route)
	require.True(t, ok, route)
	require.NotEmpty(t, op.Request, "%s has no request contract", route)
	contracts.Validate(t, op.Request, body)
}

// get calls a GET endpoint and requires SYS_SUCCESS.
func get(t *testing.T, c *decard.Client, route, path string, out any, params ...decard.Param) *decard.Response {
	t.Helper()
	return mustOK(t, call(t, c, route, http.MethodGet, path, params, nil), route, out)
}

// post calls a POST endpoint and requires SYS_SUCCESS.
func post(t *testing.T, c *decard.Client, route, path string, body, out any) *decard.Response {
	t.Helper()
	raw, err := c.Body(body)
	require.NoError(t, err)
	checkRequest(t, route, raw)
	return mustOK(t, call(t, c, route, http.MethodPost, path, nil, body), route, out)
}

func mustOK(t *testing.T, resp *decard.Response, route string, out any) *decard.Response {
	t.Helper()
	require.Equal(t, http.StatusOK, resp.Status)
	require.True(t, resp.OK(), "%s: %s %s", route, resp.Code, resp.Message)
	if out != nil {
		require.NoError(t, resp.Decode(out), "%s: %s", route, resp.Body)
	}
	return resp
}

// mustCode calls and requires a failure with the given code (HTTP 200).
func mustCode(t *testing.T, c *decard.Client, route, method, path string, params []decard.Param, body any, code string) *decard.Response {
	t.Helper()
	resp := call(t, c, route, method, path, params, body)
	require.Equal(t, http.StatusOK, resp.Status, "%s: DeCard answers HTTP 200 for failures", route)
	require.False(t, resp.Success, "%s: want %s, got success: %s", route, code, resp.Body)
	require.Equal(t, code, resp.Code, "%s: %s", route, resp.Message)
	assert.NotEmpty(t, resp.Message)
	return resp
}

// register sends a REGISTER code to mobile and registers with it.
func register(t *testing.T, c *decard.Client, mobile string) string {
	t.Helper()
	var sent string
	post(t, c, "captcha.send_mobile_code", "/captcha/v1/send-mobile-code",
		map[string]any{"mobileCode": "SG", "mobile": mobile, "behavioral": "REGISTER"}, &sent)
	require.Equal(t, mobile, sent)
	var id string
	post(t, c, "account.register", "/account/v1/register", map[string]any{"mobileCode": "SG", "mobile": mobile, "smsCode": decard.DefaultSMSCode}, &id)
	require.Len(t, id, 36)
	return id
}

// kycInfo returns a complete kycInfo; overrides replace fields.
func kycInfo(overrides ...any) map[string]any {
	k := map[string]any{
		"sumsubShareToken": "_act-sbx-jwt-mocksrv", "email": "ada@example.com", "poaDocType": "UTILITY_BILL",
		"poaDocUrlList": []string{"uploads/20251201/bill.pdf"}, "poaDocDate": "2025-12-01", "addressLine1": "1 Raffles Place",
		"addressLine2": "#20-01", "state": "SG", "city": "Singapore", "postalCode": "048616", "country": "SG",
		"employmentStatus": "EMPLOYED", "employerName": "Acme Pte Ltd", "employmentJobIndustry": "PAYMENTS",
		"occupation": "SYSTEMS_ENGINEER", "jobSeniority": "EXECUTIVE", "purposeOfAccount": "DAILY_SPENDING",
		"sourceOfFunds": "OWN_BANK_ACCOUNT", "sourceOfFundsCountry": "SG", "sourceOfWealth": "EMPLOYMENT",
	}
	for i := 0; i+1 < len(overrides); i += 2 {
		if overrides[i+1] == nil {
			delete(k, overrides[i].(string))
			continue
		}
		k[overrides[i].(string)] = overrides[i+1]
	}
	return k
}

type applyData struct {
	ApplyID     string `json:"applyId"`
	CategoryID  string `json:"categoryId"`
	ApplyRef    string `json:"applyRef"`
	Status      string `json:"status"`
	ErrorCode   string `json:"errorCode"`
	ErrorReason string `json:"errorReason"`
	NeedEddFile bool   `json:"needEddFile"`
}

// apply applies for a virtual card and returns the application.
func apply(t *testing.T, c *decard.Client, user, category, ref string, kyc map[string]any) applyData {
	t.Helper()
	var a applyData
	post(t, c, "card.virtual_apply", "/card/v1/virtual-card/apply",
		map[string]any{"externalUserId": user, "categoryId": category, "applyRef": ref, "kycInfo": kyc}, &a)
	return a
}

type cardDetail struct {
	CardID             string `json:"cardId"`
	CardNo             string `json:"cardNo"`
	CardStatus         string `json:"cardStatus"`
	PhysicalCardStatus string `json:"physicalCardStatus"`
	CardType           string `json:"cardType"`
	WalletBalance      string `json:"walletBalance"`
	CardBalance        string `json:"cardBalance"`
}

func (c cardDetail) mantissa() string { return c.CardNo[len(c.CardNo)-4:] }

// details returns the user's cards through /card/v1/detail.
func details(t *testing.T, c *decard.Client, user string, mantissa ...string) []cardDetail {
	t.Helper()
	params := decard.Q("externalUserId", user)
	if len(mantissa) > 0 {
		params = append(params, decard.Param{Key: "cardMantissa", Value: mantissa[0]})
	}
	var out []cardDetail
	get(t, c, "card.detail", "/card/v1/detail", &out, params...)
	return out
}

// userWithCard registers a user and gets them a NORMAL card through the
// API, moving the business clock past the KYC review and issuing.
func userWithCard(t *testing.T, s *decard.Server, c *decard.Client, mobile string) (string, cardDetail) {
	t.Helper()
	user := register(t, c, mobile)
	apply(t, c, user, "10102000", "ref-"+mobile, kycInfo("email", mobile+"@example.com"))
	advance(t, s, 10*time.Minute)
	cards := details(t, c, user)
	require.Len(t, cards, 1)
	return user, cards[0]
}

func advance(t *testing.T, s *decard.Server, d time.Duration) {
	t.Helper()
	_, err := s.Clock.Advance(d)
	require.NoError(t, err)
}

// credit tops a user up from the fund pool.
func credit(t *testing.T, c *decard.Client, user, asset, amount, ext string) {
	t.Helper()
	post(t, c, "asset.credit", "/user-asset/v1/credit",
		map[string]any{"externalTranId": ext, "asset": asset, "amount": amount, "externalUserId": user}, nil)
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// hookSink receives a test server's webhooks.
type hookSink struct {
	mu     sync.Mutex
	bodies [][]byte
	sigs   []string
}

// sinkWebhooks points the default tenant's webhooks at a new receiver.
func sinkWebhooks(t *testing.T, s *decard.Server) *hookSink {
	t.Helper()
	h := &hookSink{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.bodies, h.sigs = append(h.bodies, b), append(h.sigs, r.Header.Get(decard.HeaderWebhookSignature))
		h.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	s.Webhooks.SetURL("", decard.Name, srv.URL)
	return h
}

// webhook is a delivered webhook's envelope.
type webhook struct {
	Type string          `json:"type"`
	Data json.RawMessage `json:"data"`
}

// of flushes the outbox and returns the delivered webhooks of the given
// type, each checked against its contract and its signature.
func (h *hookSink) of(t *testing.T, s *decard.Server, event string) []webhook {
	t.Helper()
	s.FlushWebhooks(ctx)
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []webhook
	for i, b := range h.bodies {
		var w webhook
		require.NoError(t, json.Unmarshal(b, &w))
		if w.Type != event {
			continue
		}
		assert.True(t, decard.VerifyWebhook(s.Secret(), b, h.sigs[i]), "X-Signature verifies")
		contracts.Validate(t, "decard/webhooks/"+strings.ToLower(event)+".json", b)
		out = append(out, w)
	}
	return out
}
