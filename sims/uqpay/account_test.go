package uqpay_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ---- connect (connect/accounts.go): the reads, in the SDK mirror's style

// ConnectAccount is connect.Account (its Individual, Company and
// Requirements objects left out: mocksrv never sends them).
type ConnectAccount struct {
	AccountID      string            `json:"account_id"`
	EntityType     string            `json:"entity_type"`
	Status         string            `json:"status"`
	PayoutsEnabled bool              `json:"payouts_enabled"`
	ChargesEnabled bool              `json:"charges_enabled"`
	Metadata       map[string]string `json:"metadata,omitempty"`
	CreateTime     string            `json:"create_time"`
	UpdateTime     string            `json:"update_time,omitempty"`
}

// ListAccountsRequest is connect.ListAccountsRequest.
type ListAccountsRequest struct {
	PageSize   int
	PageNumber int
	Status     string
}

// ListAccountsResponse is connect.ListAccountsResponse.
type ListAccountsResponse struct {
	TotalPages int              `json:"total_pages"`
	TotalItems int              `json:"total_items"`
	Data       []ConnectAccount `json:"data"`
}

// ListAccounts is AccountsClient.List: only the parameters set, in order.
func (c *sdk) ListAccounts(ctx context.Context, r *ListAccountsRequest, o ...*RequestOptions) (*ListAccountsResponse, error) {
	path := "/v1/accounts?"
	if r.PageSize > 0 {
		path += fmt.Sprintf("page_size=%d&", r.PageSize)
	}
	if r.PageNumber > 0 {
		path += fmt.Sprintf("page_number=%d&", r.PageNumber)
	}
	if r.Status != "" {
		path += fmt.Sprintf("status=%s&", r.Status)
	}
	path = path[:len(path)-1]
	return call[ListAccountsResponse](ctx, c, http.MethodGet, path, nil, "failed to list accounts", o...)
}

// GetAccount is AccountsClient.GetWithOptions, with its optional business_code.
func (c *sdk) GetAccount(ctx context.Context, id string, o *RequestOptions, businessCode ...string) (*ConnectAccount, error) {
	path := "/v1/accounts/" + id
	if len(businessCode) > 0 && businessCode[0] != "" {
		path += "?business_code=" + businessCode[0]
	}
	return call[ConnectAccount](ctx, c, http.MethodGet, path, nil, "failed to get account", o)
}

// nodeAccount is the Node SDK's RetrieveAccountResponse
// (src/resources/account/types.ts), the fields mocksrv sends.
type nodeAccount struct {
	AccountID          string   `json:"account_id"`
	AccountName        string   `json:"account_name"`
	BusinessCode       []string `json:"business_code"`
	Status             string   `json:"status"`
	VerificationStatus string   `json:"verification_status"`
	EntityType         string   `json:"entity_type"`
}

// TestConnectedAccounts: GET /v1/accounts and /v1/accounts/{id} list the
// sub-accounts a client names in x-on-behalf-of, read by both SDKs.
func TestConnectedAccounts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c, ctx := f.sdk, f.ctx

	empty, err := c.ListAccounts(ctx, &ListAccountsRequest{})
	require.NoError(t, err)
	assert.Equal(t, 0, empty.TotalItems)
	assert.Empty(t, empty.Data)

	alpha, err := f.s.AddSubAccount("Alpha")
	require.NoError(t, err)
	_, err = f.s.Clock.Advance(time.Hour)
	require.NoError(t, err)
	beta, err := f.s.AddSubAccount("Beta")
	require.NoError(t, err)

	// The Go SDK: newest first, in UQPay's time format.
	list, err := c.ListAccounts(ctx, &ListAccountsRequest{PageSize: 10, PageNumber: 1, Status: "ACTIVE"})
	require.NoError(t, err)
	require.Equal(t, 2, list.TotalItems)
	assert.Equal(t, 1, list.TotalPages)
	assert.Equal(t, []string{beta.ID, alpha.ID}, []string{list.Data[0].AccountID, list.Data[1].AccountID})
	assert.Equal(t, ConnectAccount{AccountID: alpha.ID, EntityType: "COMPANY", Status: "ACTIVE", CreateTime: "2026-01-01T08:00:00+08:00"}, list.Data[1])
	got, err := c.GetAccount(ctx, beta.ID, nil, "ISSUING")
	require.NoError(t, err)
	assert.Equal(t, "2026-01-01T09:00:00+08:00", got.CreateTime)
	pending, err := c.ListAccounts(ctx, &ListAccountsRequest{Status: "PENDING"})
	require.NoError(t, err)
	assert.Equal(t, 0, pending.TotalItems, "every simulated sub-account is ACTIVE")

	// The Node SDK reads the same answers with its own fields.
	n := newNodeClient(f)
	page := nodeOK[nodePage[nodeAccount]](n, http.MethodGet, "/v1/accounts"+qs("page_number", "1", "page_size", "10"), nil)
	require.Len(t, page.Data, 2)
	assert.Equal(t, nodeAccount{AccountID: beta.ID, AccountName: "Beta", BusinessCode: []string{"ISSUING"}, Status: "ACTIVE",
		VerificationStatus: "APPROVED", EntityType: "COMPANY"}, page.Data[0])
	one := nodeOK[nodeAccount](n, http.MethodGet, "/v1/accounts/"+alpha.ID, nil)
	assert.Equal(t, "Alpha", one.AccountName)

	// Its account_id is what x-on-behalf-of takes.
	onAlpha := &RequestOptions{OnBehalfOf: list.Data[1].AccountID}
	bal, err := c.RetrieveBalance(ctx, "USD", onAlpha)
	require.NoError(t, err)
	assert.Equal(t, "0.00", bal.AvailableBalance)

	// A sub-account sees itself and no sibling.
	mine, err := c.ListAccounts(ctx, &ListAccountsRequest{}, onAlpha)
	require.NoError(t, err)
	require.Equal(t, 1, mine.TotalItems)
	assert.Equal(t, alpha.ID, mine.Data[0].AccountID)
	_, err = c.GetAccount(ctx, beta.ID, onAlpha)
	e := apiErr(t, err)
	assert.Equal(t, FlexibleCode("account_not_found"), e.Code)
	assert.Equal(t, http.StatusBadRequest, e.StatusCode)

	tests := []struct {
		name, path, wantType, wantCode, wantMsg string
	}{
		{name: "unknown account", path: "/api/v1/accounts/" + "18523f72-f4de-4f9c-bb8e-ec7d1c4f32be", wantType: "account_error",
			wantCode: "account_not_found", wantMsg: "18523f72-f4de-4f9c-bb8e-ec7d1c4f32be is not a connected account"},
		{name: "the master is not a connected account", path: "/api/v1/accounts/" + f.s.MasterAccountID(), wantType: "account_error",
			wantCode: "account_not_found", wantMsg: "not a connected account"},
		{name: "unknown status", path: "/api/v1/accounts?status=OPEN", wantType: "invalid_request_error",
			wantCode: "invalid_request_error", wantMsg: `status must be one of PENDING, ACTIVE, SUSPENDED, CLOSED, REVIEW, PROCESSING, got "OPEN"`},
		{name: "unknown business code", path: "/api/v1/accounts/" + alpha.ID + "?business_code=CARDS", wantType: "invalid_request_error",
			wantCode: "invalid_request_error", wantMsg: "business_code must be one of BANKING, ACQUIRING, ISSUING"},
		{name: "page size out of range", path: "/api/v1/accounts?page_size=5", wantType: "invalid_request_error",
			wantCode: "invalid_request_error", wantMsg: "page_size must be between 10 and 100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := f.get(tt.path)
			wantError(t, status, body, http.StatusBadRequest, tt.wantType, tt.wantCode, tt.wantMsg)
		})
	}
}
