package bkj_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims/bkj"
)

// call sends a request through the client and checks the answer against
// the route's contract (strict: no undeclared fields).
func call(t *testing.T, c *bkj.Client, route string, req bkj.Request) *bkj.Response {
	t.Helper()
	resp, err := c.Send(context.Background(), req)
	require.NoError(t, err, "%s %s", req.Method, req.Path)
	checkContract(t, route, resp)
	return resp
}

func checkContract(t *testing.T, route string, resp *bkj.Response) {
	t.Helper()
	id := contracts.ResponseSchema(bkj.Name, route, resp.Status)
	require.NotEmpty(t, id, "no contract for %s status %d", route, resp.Status)
	contracts.Validate(t, id, resp.Body)
}

func get(path string, q url.Values) bkj.Request {
	return bkj.Request{Method: http.MethodGet, Path: path, Query: q}
}

func post(path string, body any) bkj.Request {
	return bkj.Request{Method: http.MethodPost, Path: path, Body: body}
}

// ok calls and requires code 0, decoding data into out.
func ok(t *testing.T, c *bkj.Client, route string, req bkj.Request, out any) *bkj.Response {
	t.Helper()
	resp := call(t, c, route, req)
	require.Equal(t, http.StatusOK, resp.Status)
	require.Equal(t, 0, resp.Code, "%s: %s", route, resp.Message)
	if out != nil {
		require.NoError(t, resp.Decode(out))
	}
	return resp
}

// code calls and requires an error code whose message contains want.
func code(t *testing.T, c *bkj.Client, route string, req bkj.Request, wantCode int, want string) *bkj.Response {
	t.Helper()
	resp := call(t, c, route, req)
	require.Equal(t, http.StatusOK, resp.Status, "Quirk: errors are HTTP 200")
	require.Equal(t, wantCode, resp.Code, "%s: want code %d, got %d %q", route, wantCode, resp.Code, resp.Message)
	require.Contains(t, resp.Message, want)
	return resp
}

type idOnly struct {
	ID string `json:"id"`
}

// register registers a user over HTTP and returns its id.
func register(t *testing.T, c *bkj.Client, email string) string {
	t.Helper()
	var u idOnly
	ok(t, c, "user.register", post("/openapi/v1/users", map[string]any{"email": email, "first_name": "John", "last_name": "Mock-Doe"}), &u)
	return u.ID
}

// approved registers a user and passes its KYC (RunT's zero delays).
func approved(t *testing.T, c *bkj.Client, email string) string {
	t.Helper()
	id := register(t, c, email)
	ok(t, c, "user.kyc_token", get("/openapi/v1/users/"+id+"/kyc-token", nil), nil)
	var u struct {
		KYCStatus string `json:"kyc_status"`
	}
	ok(t, c, "user.detail", get("/openapi/v1/users/"+id, nil), &u)
	require.Equal(t, "approved", u.KYCStatus)
	return id
}

type cardOut struct {
	ID             string  `json:"id"`
	Status         string  `json:"status"`
	Type           string  `json:"type"`
	ChannelBalance string  `json:"channel_balance"`
	PhysicalStatus *string `json:"physical_status"`
	Last4          string  `json:"last4"`
	Raw            struct {
		CardBalance string `json:"cardBalance"`
		CABalance   string `json:"caBalance"`
		CardStatus  string `json:"cardStatus"`
	} `json:"raw"`
}

// applyCard applies for a card over HTTP.
func applyCard(t *testing.T, c *bkj.Client, account, channel string, extra map[string]any) cardOut {
	t.Helper()
	body := map[string]any{"account_id": account, "channel_id": channel}
	for k, v := range extra {
		body[k] = v
	}
	var card cardOut
	ok(t, c, "card.apply", post("/openapi/v1/card/apply", body), &card)
	return card
}

func cardDetail(t *testing.T, c *bkj.Client, id string) cardOut {
	t.Helper()
	var card cardOut
	ok(t, c, "card.detail", get("/openapi/v1/card/detail", url.Values{"id": {id}}), &card)
	return card
}

type walletOut struct {
	ID            string `json:"id"`
	Currency      string `json:"currency"`
	Balance       string `json:"balance"`
	FrozenBalance string `json:"frozen_balance"`
}

func walletOf(t *testing.T, c *bkj.Client, account, currency string) walletOut {
	t.Helper()
	var list struct{ List []walletOut }
	ok(t, c, "wallet.list", get("/openapi/v1/wallet/list", url.Values{"account_id": {account}, "currency": {currency}}), &list)
	require.Len(t, list.List, 1)
	return list.List[0]
}

// serveHTTP serves a Server from New on a test listener.
func serveHTTP(t *testing.T, s *bkj.Server) string {
	t.Helper()
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}
