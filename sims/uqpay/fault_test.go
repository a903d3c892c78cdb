package uqpay_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// TestInjectedFaultsLookOrganic injects every Kind on routes of each
// family and requires UQPay's own envelope: the status, type and code a real
// failure of that kind would carry, and a message the SDK accepts.
func TestInjectedFaultsLookOrganic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		route      string
		kind       core.Kind
		code       string
		wantStatus int
		wantType   string
		wantCode   string
	}{
		{name: "invalid", route: "card.retrieve", kind: core.KindInvalid, wantStatus: 400, wantType: "invalid_request_error", wantCode: "invalid_request_error"},
		{name: "unauthorized", route: "card.retrieve", kind: core.KindUnauthorized, wantStatus: 401, wantType: "unauthorized_error", wantCode: "unauthorized_error"},
		{name: "forbidden", route: "card.retrieve", kind: core.KindForbidden, wantStatus: 403, wantType: "unauthorized_error", wantCode: "forbidden"},
		{name: "card not found", route: "card.retrieve", kind: core.KindNotFound, wantStatus: 400, wantType: "card_error", wantCode: "card_not_found"},
		{name: "cardholder not found", route: "cardholder.retrieve", kind: core.KindNotFound, wantStatus: 400, wantType: "cardholder_error", wantCode: "cardholder_not_found"},
		{name: "transfer not found", route: "transfer.retrieve", kind: core.KindNotFound, wantStatus: 400, wantType: "account_error", wantCode: "transfer_not_found"},
		{name: "card conflict", route: "card.retrieve", kind: core.KindConflict, wantStatus: 400, wantType: "card_error", wantCode: "card_status_invalid"},
		{name: "balance conflict", route: "balance.list", kind: core.KindConflict, wantStatus: 400, wantType: "account_error", wantCode: "insufficient_balance"},
		{name: "rate limited", route: "card.retrieve", kind: core.KindRateLimited, wantStatus: 429, wantType: "api_error", wantCode: "velocity_limit_exceeded"},
		{name: "unavailable", route: "card.retrieve", kind: core.KindUnavailable, wantStatus: 503, wantType: "api_error", wantCode: "service_unavailable"},
		{name: "internal", route: "card.retrieve", kind: core.KindInternal, wantStatus: 500, wantType: "api_error", wantCode: "api_error"},
		{name: "a uqpay code", route: "card.create", kind: core.KindConflict, code: "insufficient_sub_bin", wantStatus: 400, wantType: "card_error", wantCode: "insufficient_sub_bin"},
		{name: "token endpoint", route: "token.create", kind: core.KindRateLimited, wantStatus: 429, wantType: "api_error", wantCode: "velocity_limit_exceeded"},
	}
	paths := map[string][2]string{
		"card.retrieve":       {http.MethodGet, "/api/v1/issuing/cards/c0cef051-29c5-4796-b86a-cd5b684bfad7"},
		"cardholder.retrieve": {http.MethodGet, "/api/v1/issuing/cardholders/x"},
		"transfer.retrieve":   {http.MethodGet, "/api/v1/issuing/transfers/x"},
		"balance.list":        {http.MethodGet, "/api/v1/issuing/balances"},
		"card.create":         {http.MethodPost, "/api/v1/issuing/cards"},
		"token.create":        {http.MethodPost, "/api/v1/connect/token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			h := f.authed()
			_, err := f.s.Faults.Add(core.Fault{Provider: uqpay.Name, Route: tt.route, Times: 1, Error: &core.Error{Kind: tt.kind, Code: tt.code}})
			require.NoError(t, err)
			p := paths[tt.route]
			status, body := f.raw(p[0], p[1], map[string]any{}, h)
			wantError(t, status, body, tt.wantStatus, tt.wantType, tt.wantCode, "")
		})
	}
	t.Run("a raw gateway status bypasses the envelope", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		_, err := f.s.Faults.Add(core.Fault{Provider: uqpay.Name, Route: "balance.list", Times: 1, Status: http.StatusBadGateway})
		require.NoError(t, err)
		_, err = f.sdk.ListBalances(f.ctx, 10, 1)
		assert.ErrorContains(t, err, "request failed with status 502", "the SDK's untyped error for a body without a message")
	})
}

func TestUnknownPathsAndMethods(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	status, body := f.get("/api/v1/issuing/widgets")
	wantError(t, status, body, http.StatusNotFound, "invalid_request_error", "not_found", "no uqpay endpoint GET /api/v1/issuing/widgets")
	status, body = f.raw(http.MethodPut, "/api/v1/issuing/cards", nil, f.authed())
	wantError(t, status, body, http.StatusMethodNotAllowed, "invalid_request_error", "method_not_allowed", "PUT is not allowed")
	entries := f.s.Journal.Entries(core.ByProvider(uqpay.Name), core.ByStatus(http.StatusNotFound))
	assert.NotEmpty(t, entries, "unmatched requests are journaled")
}

func TestBadBodies(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tests := []struct {
		name    string
		body    string
		ctype   string
		wantMsg string
	}{
		{name: "empty", body: "", wantMsg: "request body is required"},
		{name: "not json", body: "{", wantMsg: "not valid JSON"},
		{name: "an array", body: "[]", wantMsg: "must be an object"},
		{name: "trailing data", body: "{}{}", wantMsg: "data after the JSON value"},
		{name: "xml", body: "<a/>", ctype: "application/xml", wantMsg: "Content-Type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := f.authed()
			if tt.ctype != "" {
				h.Set("Content-Type", tt.ctype)
			}
			status, body := f.raw(http.MethodPost, "/api/v1/issuing/cardholders", tt.body, h)
			wantError(t, status, body, http.StatusBadRequest, "invalid_request_error", "invalid_request_error", tt.wantMsg)
		})
	}
}
