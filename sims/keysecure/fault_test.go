package keysecure_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/keysecure"
)

// TestInjectedErrorsLookOrganic injects each kind on a route and expects
// the code a real failure of that kind there would carry.
func TestInjectedErrorsLookOrganic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		route, method, path string
		kind                core.Kind
		wantCode            int
		wantMsg             string
	}{
		{"card.detail", http.MethodGet, "/open-api/v1/card/C1/detail", core.KindNotFound, 4001, "Card does not exist"},
		{"cardholder.info", http.MethodGet, "/open-api/v1/cardholder/U1/info", core.KindNotFound, 2002, "Cardholder does not exist"},
		{"card.list", http.MethodPost, "/open-api/v1/card/list", core.KindRateLimited, 1009, "Operation too frequent"},
		{"card.list", http.MethodPost, "/open-api/v1/card/list", core.KindUnavailable, 1001, "System error"},
		{"card.status_update", http.MethodPost, "/open-api/v1/card/status/update", core.KindConflict, 4002, "Card status"},
		{"account.transfer", http.MethodPost, "/open-api/v1/account/transfer", core.KindConflict, 3001, "Insufficient balance"},
		{"card.apply", http.MethodPost, "/open-api/v1/card/apply", core.KindInvalid, 1004, "Invalid request parameter"},
		{"token.get", http.MethodGet, "/open-api/v1/merchant/token", core.KindUnauthorized, 1007, "Access-Token"},
	}
	for _, tt := range tests {
		t.Run(tt.route+"/"+tt.kind.String(), func(t *testing.T) {
			t.Parallel()
			ks := runT(t)
			c := ks.NewClient()
			_, _ = c.Token(t.Context())
			ks.Faults.FailNext(tt.route, tt.kind)
			resp, err := c.DoRaw(t.Context(), tt.method, tt.path, `{}`, http.Header{
				"Api-Key": {keysecure.DefaultAPIKey}, "Timestamp": {ms(core.WallNow())}})
			assert.NoError(t, err)
			assert.Equal(t, http.StatusOK, resp.Status)
			assert.Equal(t, tt.wantCode, resp.Code)
			assert.Equal(t, tt.wantMsg, resp.Msg[:len(tt.wantMsg)])
			checkContract(t, tt.route, resp)
		})
	}
}

func TestRawStatusFaultBypassesTheEnvelope(t *testing.T) {
	t.Parallel()
	ks := runT(t)
	_, _ = ks.Faults.Add(core.Fault{Provider: keysecure.Name, Route: "card.list", Status: 502})
	resp, err := ks.NewClient().Do(t.Context(), http.MethodPost, "/open-api/v1/card/list", `{}`)
	assert.NoError(t, err)
	assert.Equal(t, http.StatusBadGateway, resp.Status)
	assert.Equal(t, "502 Bad Gateway\n", string(resp.Body))
}
