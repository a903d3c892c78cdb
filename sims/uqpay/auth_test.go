package uqpay_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

func TestTokenCreate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		clientID   string
		apiKey     string
		wantStatus int
		wantCode   string
		wantMsg    string
	}{
		{name: "valid credentials", clientID: uqpay.DefaultClientID, apiKey: uqpay.DefaultAPIKey, wantStatus: 200},
		{name: "missing client id", apiKey: uqpay.DefaultAPIKey, wantStatus: 400, wantCode: "invalid_request_error", wantMsg: "x-client-id header is required"},
		{name: "unknown client id", clientID: "nobody", apiKey: uqpay.DefaultAPIKey, wantStatus: 400, wantCode: "invalid_request_error", wantMsg: "Invalid client id"},
		{name: "missing api key", clientID: uqpay.DefaultClientID, wantStatus: 401, wantCode: "unauthorized_error", wantMsg: "x-api-key header is required"},
		{name: "wrong api key", clientID: uqpay.DefaultClientID, apiKey: "nope", wantStatus: 401, wantCode: "unauthorized_error", wantMsg: "x-api-key does not match"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			h := http.Header{}
			if tt.clientID != "" {
				h.Set("x-client-id", tt.clientID)
			}
			if tt.apiKey != "" {
				h.Set("x-api-key", tt.apiKey)
			}
			before := f.s.Clock.Wall().Unix()
			status, body := f.raw(http.MethodPost, "/api/v1/connect/token", nil, h)
			after := f.s.Clock.Wall().Unix()
			require.Equal(t, tt.wantStatus, status, "%s", body)
			if tt.wantCode != "" {
				e := errBody(t, body)
				assert.Equal(t, tt.wantCode, e.Code)
				assert.Contains(t, e.Message, tt.wantMsg)
				return
			}
			var tok struct {
				AuthToken string `json:"auth_token"`
				ExpiredAt int64  `json:"expired_at"`
			}
			require.NoError(t, json.Unmarshal(body, &tok))
			assert.GreaterOrEqual(t, tok.ExpiredAt, before+30*60, "Unix seconds of wall time, 30 minutes ahead")
			assert.LessOrEqual(t, tok.ExpiredAt, after+30*60)
			parts := strings.Split(tok.AuthToken, ".")
			require.Len(t, parts, 3, "a JWT")
			hdr, err := base64.RawURLEncoding.DecodeString(parts[0])
			require.NoError(t, err)
			assert.JSONEq(t, `{"alg":"HS256","typ":"JWT"}`, string(hdr))
			payload, err := base64.RawURLEncoding.DecodeString(parts[1])
			require.NoError(t, err)
			var claims map[string]any
			require.NoError(t, json.Unmarshal(payload, &claims))
			var keys []string
			for k := range claims {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			assert.Equal(t, []string{"account_id", "api_version", "bus_type", "client_id", "customer_id", "direct_id", "email",
				"exp", "ip", "iss", "jti", "master_id", "on_behalf_id", "on_behalf_name", "scope", "user_id", "user_name"}, keys)
			assert.Equal(t, "uqpay", claims["iss"])
			assert.Equal(t, "V1.0", claims["api_version"])
			assert.Equal(t, uqpay.DefaultClientID, claims["client_id"])
			assert.Equal(t, "127.0.0.1", claims["ip"])
		})
	}
}

func TestTokenIPAllowList(t *testing.T) {
	t.Parallel()
	s, err := uqpay.New()
	require.NoError(t, err)
	req := httptest.NewRequest(http.MethodPost, "/api/v1/connect/token", nil) // RemoteAddr 192.0.2.1
	req.Header.Set("x-client-id", uqpay.DefaultClientID)
	req.Header.Set("x-api-key", uqpay.DefaultAPIKey)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	require.Equal(t, http.StatusUnauthorized, rec.Code)
	e := errBody(t, rec.Body.Bytes())
	assert.Equal(t, "unauthorized_error", e.Code)
	assert.Contains(t, e.Message, "IP not allowed: 192.0.2.1")
}

func TestBearerRules(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tok, err := f.sdk.GetToken(f.ctx)
	require.NoError(t, err)
	parts := strings.Split(tok, ".")
	tampered := parts[0] + "." + parts[1] + "." + base64.RawURLEncoding.EncodeToString([]byte("not the signature"))
	tests := []struct {
		name    string
		header  http.Header
		wantMsg string
	}{
		{name: "no header", header: http.Header{}, wantMsg: "x-auth-token header is required"},
		{name: "token in authorization", header: http.Header{"Authorization": {"Bearer " + tok}}, wantMsg: "Authorization header"},
		{name: "bare token", header: http.Header{"X-Auth-Token": {tok}}, wantMsg: "a bare token is not accepted"},
		{name: "no space after bearer", header: http.Header{"X-Auth-Token": {"Bearer" + tok}}, wantMsg: `"Bearer<token>"`},
		{name: "two spaces", header: http.Header{"X-Auth-Token": {"Bearer  " + tok}}, wantMsg: "exactly one space"},
		{name: "lowercase bearer", header: http.Header{"X-Auth-Token": {"bearer " + tok}}, wantMsg: "capital B"},
		{name: "nothing after bearer", header: http.Header{"X-Auth-Token": {"Bearer "}}, wantMsg: "nothing follows"},
		{name: "not a jwt", header: http.Header{"X-Auth-Token": {"Bearer 2YotnFZFEjr1zCsicMWpAA"}}, wantMsg: "not a JWT"},
		{name: "altered signature", header: http.Header{"X-Auth-Token": {"Bearer " + tampered}}, wantMsg: "signature does not verify"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := f.raw(http.MethodGet, "/api/v1/issuing/balances", nil, tt.header)
			require.Equal(t, http.StatusUnauthorized, status, "%s", body)
			e := errBody(t, body)
			assert.Equal(t, "unauthorized_error", e.Code)
			assert.Equal(t, "unauthorized_error", e.Type)
			assert.Contains(t, e.Message, tt.wantMsg)
		})
	}
}

// fakeWall gives the tenant clock a wall reading tests can move.
type fakeWall struct{ at time.Time }

func (fw *fakeWall) now() time.Time { return fw.at }

func TestTokenExpiry(t *testing.T) {
	t.Parallel()
	t.Run("expired on the wall clock, and the sdk refreshes before", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		wall := &fakeWall{at: core.WallNow()}
		f.s.Clock.SetWall(wall.now)
		f.sdk.Now = wall.now
		tok, err := f.sdk.GetToken(f.ctx)
		require.NoError(t, err)
		wall.at = wall.at.Add(31 * time.Minute)
		h := http.Header{"X-Auth-Token": {"Bearer " + tok}}
		status, body := f.raw(http.MethodGet, "/api/v1/issuing/balances", nil, h)
		require.Equal(t, http.StatusUnauthorized, status)
		assert.Contains(t, errBody(t, body).Message, "auth token expired at")
		_, err = f.sdk.ListBalances(f.ctx, 10, 1)
		require.NoError(t, err, "the SDK's 5-minute rule fetched a new token")
		assert.Equal(t, 2, f.sdk.TokenFetchs)
	})
	t.Run("business time does not expire tokens by default", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		_, err := f.sdk.ListBalances(f.ctx, 10, 1)
		require.NoError(t, err)
		_, err = f.s.Clock.Advance(90 * 24 * time.Hour)
		require.NoError(t, err)
		_, err = f.sdk.ListBalances(f.ctx, 10, 1)
		require.NoError(t, err)
		assert.Equal(t, 1, f.sdk.TokenFetchs)
	})
	t.Run("business expiry option", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, uqpay.WithTokenBusinessExpiry(true))
		tok, err := f.sdk.GetToken(f.ctx)
		require.NoError(t, err)
		_, err = f.s.Clock.Advance(31 * time.Minute)
		require.NoError(t, err)
		status, body := f.raw(http.MethodGet, "/api/v1/issuing/balances", nil, http.Header{"X-Auth-Token": {"Bearer " + tok}})
		require.Equal(t, http.StatusUnauthorized, status)
		assert.Contains(t, errBody(t, body).Message, "expired")
	})
}

func TestTokenRevocation(t *testing.T) {
	t.Parallel()
	fetch := func(t *testing.T, f *fixture) string {
		h := http.Header{"X-Client-Id": {uqpay.DefaultClientID}, "X-Api-Key": {uqpay.DefaultAPIKey}}
		status, body := f.raw(http.MethodPost, "/api/v1/connect/token", nil, h)
		require.Equal(t, http.StatusOK, status)
		var tok struct {
			AuthToken string `json:"auth_token"`
		}
		require.NoError(t, json.Unmarshal(body, &tok))
		return tok.AuthToken
	}
	get := func(f *fixture, tok string) (int, []byte) {
		return f.raw(http.MethodGet, "/api/v1/issuing/balances", nil, http.Header{"X-Auth-Token": {"Bearer " + tok}})
	}
	t.Run("tokens coexist by default", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		first, second := fetch(t, f), fetch(t, f)
		assert.NotEqual(t, first, second)
		status, _ := get(f, first)
		assert.Equal(t, http.StatusOK, status)
		status, _ = get(f, second)
		assert.Equal(t, http.StatusOK, status)
	})
	t.Run("a new token revokes the old with the switch on", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, uqpay.WithTokenRevocation(true))
		first, second := fetch(t, f), fetch(t, f)
		status, body := get(f, first)
		require.Equal(t, http.StatusUnauthorized, status)
		assert.Contains(t, errBody(t, body).Message, "revoked")
		status, _ = get(f, second)
		assert.Equal(t, http.StatusOK, status)
	})
}

func TestTokenRateLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, uqpay.WithTokenRateLimit(3))
	h := http.Header{"X-Client-Id": {uqpay.DefaultClientID}, "X-Api-Key": {uqpay.DefaultAPIKey}}
	for i := 0; i < 3; i++ {
		status, _ := f.raw(http.MethodPost, "/api/v1/connect/token", nil, h)
		require.Equal(t, http.StatusOK, status)
	}
	status, body := f.raw(http.MethodPost, "/api/v1/connect/token", nil, h)
	require.Equal(t, http.StatusTooManyRequests, status)
	e := errBody(t, body)
	assert.Equal(t, "api_error", e.Type)
	assert.Equal(t, "velocity_limit_exceeded", e.Code)
	assert.Contains(t, e.Message, "at most 3 token requests per minute")
	_, err := f.sdk.GetToken(f.ctx)
	assert.ErrorContains(t, err, "failed to get token: status 429")
}

func TestTokenRateLimitIsFiftyPerMinute(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	h := http.Header{"X-Client-Id": {uqpay.DefaultClientID}, "X-Api-Key": {uqpay.DefaultAPIKey}}
	for i := 0; i < 50; i++ {
		status, _ := f.raw(http.MethodPost, "/api/v1/connect/token", nil, h)
		require.Equal(t, http.StatusOK, status, "request %d", i+1)
	}
	status, _ := f.raw(http.MethodPost, "/api/v1/connect/token", nil, h)
	assert.Equal(t, http.StatusTooManyRequests, status)
}

func TestAuthModes(t *testing.T) {
	t.Parallel()
	t.Run("lenient needs a token header but not a valid one", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, uqpay.WithAuth(core.AuthLenient))
		status, _ := f.raw(http.MethodGet, "/api/v1/issuing/balances", nil, http.Header{"X-Auth-Token": {"anything"}})
		assert.Equal(t, http.StatusOK, status)
		status, _ = f.raw(http.MethodGet, "/api/v1/issuing/balances", nil, http.Header{})
		assert.Equal(t, http.StatusUnauthorized, status)
	})
	t.Run("off needs nothing", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, uqpay.WithAuth(core.AuthOff))
		status, _ := f.raw(http.MethodGet, "/api/v1/issuing/balances", nil, http.Header{})
		assert.Equal(t, http.StatusOK, status)
	})
}

func TestOnBehalfOf(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sub, err := f.s.AddSubAccount("Team Beta")
	require.NoError(t, err)
	tests := []struct {
		name       string
		value      string
		wantStatus int
		wantMsg    string
	}{
		{name: "empty is the master", value: "", wantStatus: 200},
		{name: "a sub-account", value: sub.ID, wantStatus: 200},
		{name: "upper-case id", value: strings.ToUpper(sub.ID), wantStatus: 200},
		{name: "malformed", value: "team-beta", wantStatus: 400, wantMsg: "is not a valid UUID"},
		{name: "unknown", value: "18523f72-f4de-4f9c-bb8e-ec7d1c4f32be", wantStatus: 400, wantMsg: "is not an Issuing sub-account"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := f.authed()
			if tt.value != "" {
				h.Set("x-on-behalf-of", tt.value)
			}
			status, body := f.raw(http.MethodGet, "/api/v1/issuing/cardholders", nil, h)
			require.Equal(t, tt.wantStatus, status, "%s", body)
			if tt.wantMsg != "" {
				e := errBody(t, body)
				assert.Equal(t, "account_error", e.Type)
				assert.Equal(t, "sub_account_not_found", e.Code)
				assert.Contains(t, e.Message, tt.wantMsg)
			}
		})
	}
}

func TestIdempotency(t *testing.T) {
	t.Parallel()
	body := map[string]any{"email": "idem@example.com", "phone_number": "81234567", "first_name": "Ida", "last_name": "Em", "country_code": "SG"}
	t.Run("post without a key", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		h := f.authed()
		h.Del("x-idempotency-key")
		status, b := f.raw(http.MethodPost, "/api/v1/issuing/cardholders", body, h)
		require.Equal(t, http.StatusBadRequest, status)
		e := errBody(t, b)
		assert.Equal(t, "idempotency_error", e.Type)
		assert.Equal(t, "idempotency_key_missing", e.Code)
	})
	t.Run("key that is not a uuid", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		h := f.authed()
		h.Set("x-idempotency-key", "merchant-key-42")
		status, b := f.raw(http.MethodPost, "/api/v1/issuing/cardholders", body, h)
		require.Equal(t, http.StatusBadRequest, status)
		assert.Equal(t, "idempotency_key_invalid", errBody(t, b).Code)
	})
	t.Run("lenient keys", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, uqpay.WithLenientIdempotencyKeys(true))
		h := f.authed()
		h.Set("x-idempotency-key", "merchant-key-42")
		status, _ := f.raw(http.MethodPost, "/api/v1/issuing/cardholders", body, h)
		assert.Equal(t, http.StatusOK, status)
	})
	t.Run("a repeat replays and creates nothing", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		h := f.authed()
		s1, b1 := f.raw(http.MethodPost, "/api/v1/issuing/cardholders", body, h)
		s2, b2 := f.raw(http.MethodPost, "/api/v1/issuing/cardholders", body, h)
		require.Equal(t, http.StatusOK, s1)
		assert.Equal(t, s1, s2)
		assert.Equal(t, string(b1), string(b2))
		list, err := f.sdk.ListCardholders(f.ctx, 10, 1)
		require.NoError(t, err)
		assert.Equal(t, 1, list.TotalItems)
	})
	t.Run("same key with another body", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		h := f.authed()
		status, _ := f.raw(http.MethodPost, "/api/v1/issuing/cardholders", body, h)
		require.Equal(t, http.StatusOK, status)
		other := map[string]any{"email": "other@example.com", "phone_number": "87654321", "first_name": "O", "last_name": "T", "country_code": "SG"}
		status, b := f.raw(http.MethodPost, "/api/v1/issuing/cardholders", other, h)
		require.Equal(t, http.StatusBadRequest, status)
		e := errBody(t, b)
		assert.Equal(t, "idempotency_error", e.Type)
		assert.Equal(t, "idempotency_key_reused", e.Code)
	})
	t.Run("the same JSON re-formatted is the same request", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		sub, err := f.s.AddSubAccount("Team Idem")
		require.NoError(t, err)
		h := f.authed()
		key := h.Get("x-idempotency-key")
		first := `{"source_account_id":"` + f.s.MasterAccountID() + `","destination_account_id":"` + sub.ID +
			`","currency":"USD","amount":25.5}`
		reformatted := "{\n  \"amount\": 25.50,\n  \"currency\": \"USD\",\n  \"destination_account_id\": \"" + sub.ID +
			"\",\n  \"source_account_id\": \"" + f.s.MasterAccountID() + "\"\n}\n"
		s1, b1 := f.raw(http.MethodPost, "/api/v1/issuing/transfers", first, h)
		require.Equal(t, http.StatusOK, s1, "%s", b1)
		s2, b2 := f.raw(http.MethodPost, "/api/v1/issuing/transfers", reformatted, h)
		assert.Equal(t, s1, s2, "%s", b2)
		assert.Equal(t, string(b1), string(b2), "the first answer, byte for byte")
		f.s.CheckBalance(t, "USD", "99974.50") // the money moved once
		b, err := f.s.BalanceOf(sub.ID, "USD")
		require.NoError(t, err)
		assert.Equal(t, "25.50", b.Available.StringFixed(2))

		other := strings.Replace(first, `"amount":25.5`, `"amount":26`, 1)
		status, body := f.raw(http.MethodPost, "/api/v1/issuing/transfers", other, h)
		require.Equal(t, http.StatusBadRequest, status, "%s", body)
		e := errBody(t, body)
		assert.Equal(t, "idempotency_error", e.Type)
		assert.Equal(t, "idempotency_key_reused", e.Code)
		assert.Contains(t, e.Message, "(amount differs)")
		assert.Contains(t, e.Message, key)
		contracts.Validate(t, "uqpay/error.json", body)
	})
	t.Run("the key expires after 24 hours of business time", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		h := f.authed()
		status, _ := f.raw(http.MethodPost, "/api/v1/issuing/cardholders", body, h)
		require.Equal(t, http.StatusOK, status)
		_, err := f.s.Clock.Advance(24*time.Hour + time.Second)
		require.NoError(t, err)
		status, b := f.raw(http.MethodPost, "/api/v1/issuing/cardholders", body, h)
		require.Equal(t, http.StatusBadRequest, status, "run again: the email is taken now")
		assert.Equal(t, "cardholder_email_exists", errBody(t, b).Code)
	})
	t.Run("errors are replayed too", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		h := f.authed()
		bad := map[string]any{"email": "x"}
		s1, b1 := f.raw(http.MethodPost, "/api/v1/issuing/cardholders", bad, h)
		s2, b2 := f.raw(http.MethodPost, "/api/v1/issuing/cardholders", bad, h)
		assert.Equal(t, http.StatusBadRequest, s1)
		assert.Equal(t, s1, s2)
		assert.Equal(t, string(b1), string(b2))
	})
	t.Run("keys belong to one account", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		sub, err := f.s.AddSubAccount("Team Gamma")
		require.NoError(t, err)
		h := f.authed()
		status, _ := f.raw(http.MethodPost, "/api/v1/issuing/cardholders", body, h)
		require.Equal(t, http.StatusOK, status)
		h.Set("x-on-behalf-of", sub.ID)
		status, _ = f.raw(http.MethodPost, "/api/v1/issuing/cardholders", body, h)
		require.Equal(t, http.StatusOK, status)
		list, err := f.sdk.ListCardholders(f.ctx, 10, 1, &RequestOptions{OnBehalfOf: sub.ID})
		require.NoError(t, err)
		assert.Equal(t, 1, list.TotalItems, "the sub-account made its own cardholder")
	})
	t.Run("gets ignore the key", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		h := f.authed()
		h.Set("x-idempotency-key", "not-a-uuid")
		status, _ := f.raw(http.MethodGet, "/api/v1/issuing/balances", nil, h)
		assert.Equal(t, http.StatusOK, status)
	})
}
