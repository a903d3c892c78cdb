package bkj_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims/bkj"
	"github.com/mocksrv/mocksrv/sims/core"
)

// The request bodies the docs and the tests send satisfy the request
// contracts (strict: no undeclared fields).
func TestRequestContracts(t *testing.T) {
	t.Parallel()
	addr := `{"account_id":"u1","first_name":"John","last_name":"Mock-Doe","phone":"15125550100","line1":"3415 Greystone Drive","line2":"Suite 205","city":"Austin","state":"TX","postCode":"78731","country":"US"}`
	bodies := map[string]string{
		"user.register":            `{"external_id":"crm-1","email":"jane@example.com","phone":"6591234567","first_name":"Jane","last_name":"Doe","country":"SG","address":{"line1":"1 Main St","line2":"","city":"Singapore","state":"SG","postCode":"018989","country":"SG"}}`,
		"card_address.create":      addr,
		"card_address.update":      addr,
		"card.apply":               `{"account_id":"u1","channel_id":"visa-virtual-usd","label":"travel","first_name":"John","last_name":"Doe","embossing_name":"JOHN DOE","card_address":{"line1":"1 Main St","line2":"","city":"Austin","state":"TX","postCode":"78731","country":"US"}}`,
		"card.activate":            `{"id":"c1","last4":"4529"}`,
		"card.no_pin_amount":       `{"id":"c1","amount":"300"}`,
		"card.pin":                 `{"id":"c1","pin":"482915"}`,
		"card.freeze":              `{"id":"c1"}`,
		"card.unfreeze":            `{"id":"c1"}`,
		"wallet_address.create":    `{"wallet_id":"w1","chain":"TRON"}`,
		"payee.create":             `{"account_id":"u1","name":"Cold","chain":"ETH","currency":"USDC","address":"0x1a2b3c4d5e6f7890abcdef1234567890abcdef12","memo":""}`,
		"payee.update":             `{"name":"Cold","chain":"ETH","currency":"USDC","address":"0x1a2b3c4d5e6f7890abcdef1234567890abcdef12","memo":""}`,
		"withdrawal.create":        `{"account_id":"u1","wallet_id":"w1","chain":"TRON","amount":"100.00","address":"TN3W4H6rK2ce4vX9YnFQHwKENnHjoxb3m9","memo":"rent"}`,
		"wallet.create_withdrawal": `{"account_id":"u1","wallet_id":"w1","chain":"TRON","amount":"100.00","address":"TN3W4H6rK2ce4vX9YnFQHwKENnHjoxb3m9","memo":"rent"}`,
		"withdrawal.cancel":        `{"id":"t1"}`,
		"wallet.transfer":          `{"from_wallet_id":"w1","to_wallet_id":"w2","amount":"30.05","memo":"lunch"}`,
		"wallet.transfer_to_card":  `{"wallet_id":"w1","card_id":"c1","amount":70.05}`,
		"debug.post":               `{"name":"John","age":25,"email":null,"hobbies":["reading","gaming"],"address":{"zip":10001,"city":"New York"}}`,
		"sandbox.authorize":        `{"card_id":"c1","type":"purchase","amount":"12.34","merchant_amount":"16.70","merchant_currency":"SGD","merchant_name":"Coffee Lab","mcc":"5814","city":"Singapore","country":"SG","related_id":""}`,
	}
	doc, err := contracts.Document(bkj.Name)
	require.NoError(t, err)
	for _, o := range doc.Operations {
		if o.Request == "" {
			continue
		}
		body, ok := bodies[o.ID]
		if !assert.True(t, ok, "no sample body for %s", o.ID) {
			continue
		}
		require.True(t, json.Valid([]byte(body)), o.ID)
		contracts.Validate(t, o.Request, []byte(body))
	}
	err = contracts.CheckMode("bkj/card_apply.request.json", []byte(`{"account_id":"u1"}`), contracts.Strict)
	assert.ErrorContains(t, err, "channel_id", "required fields are required")
}

// Every route has an operation in the OpenAPI document and the sandbox
// route is marked as mocksrv's own.
func TestOpenAPIDocument(t *testing.T) {
	t.Parallel()
	doc, err := contracts.Document(bkj.Name)
	require.NoError(t, err)
	s := bkj.RunT(t)
	assert.Len(t, doc.Operations, len(core.ProviderOf(s.Host).RouteNames()))
	for _, o := range doc.Operations {
		assert.Equal(t, o.ID == "sandbox.authorize", o.Extension, o.ID)
		assert.NotEmpty(t, o.Response(200), o.ID)
	}
	assert.Equal(t, []string{"0"}, doc.Envelope.Success)
	assert.Len(t, doc.Webhooks, 4)
}

// capture records the requests a client sends.
type capture struct {
	next http.RoundTripper
	mu   sync.Mutex
	reqs []*http.Request
}

func (c *capture) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.reqs = append(c.reqs, r.Clone(r.Context()))
	c.mu.Unlock()
	return c.next.RoundTrip(r)
}

// Requests the client signs satisfy the OpenAPI parameters (auth headers,
// paging, filters), as the contract harness's proxy checks them.
func TestRequestsMatchTheOpenAPIParameters(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	cp := &capture{next: s.Client().Transport}
	c := s.NewClient()
	c.HTTP = &http.Client{Transport: cp}
	c.Language, c.Timezone = "zh-CN", "UTC+8"
	acct := approved(t, c, "params@example.com")
	card := applyCard(t, c, acct, "visa-virtual-usd", nil)
	ok(t, c, "card.list", get("/openapi/v1/card/list", url.Values{"account_id": {acct}, "status": {"active"}, "type": {"virtual"}, "page": {"1"}, "take": {"10"}}), nil)
	ok(t, c, "card.detail", get("/openapi/v1/card/detail", url.Values{"id": {card.ID}}), nil)
	ok(t, c, "card.freeze", bkj.Request{Method: http.MethodPost, Path: "/openapi/v1/card/freeze", Body: map[string]string{"id": card.ID}, IdempotencyKey: "k-1"}, nil)
	ok(t, c, "config.get", bkj.Request{Method: http.MethodGet, Path: "/openapi/v1/config", Unsigned: true}, nil)
	ok(t, c, "payee.list", get("/openapi/v1/wallet/payees", url.Values{"chain": {"TRON"}}), nil)

	doc, err := contracts.Document(bkj.Name)
	require.NoError(t, err)
	require.NotEmpty(t, cp.reqs)
	for _, r := range cp.reqs {
		route, params, err := doc.Route(r.Method, r.URL.Path)
		require.NoError(t, err, "%s %s", r.Method, r.URL.Path)
		in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route,
			Options: &openapi3filter.Options{ExcludeRequestBody: true, MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		assert.NoError(t, openapi3filter.ValidateRequest(context.Background(), in), "%s %s", r.Method, r.URL)
	}
}
