package keysecure_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/keysecure"
)

func ms(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

func TestAuthCodes(t *testing.T) {
	t.Parallel()
	ks := runT(t)
	c := ks.NewClient()
	tok, err := c.Token(context.Background())
	require.NoError(t, err)
	now := core.WallNow()
	list := `{"start_time":"2026-01-01","end_time":"2026-01-01"}`

	tests := []struct {
		name     string
		header   map[string]string
		wantCode int
		wantMsg  string
	}{
		{name: "missing api key", header: map[string]string{"Timestamp": ms(now), "Access-Token": tok}, wantCode: 1002},
		{name: "timestamp not 13 digits", header: map[string]string{"Api-Key": keysecure.DefaultAPIKey, "Timestamp": "1716307200", "Access-Token": tok}, wantCode: 1005, wantMsg: "13 digits"},
		{name: "timestamp in the future", header: map[string]string{"Api-Key": keysecure.DefaultAPIKey, "Timestamp": ms(now.Add(time.Minute)), "Access-Token": tok}, wantCode: 1005, wantMsg: "in the future"},
		{name: "timestamp older than 60 s", header: map[string]string{"Api-Key": keysecure.DefaultAPIKey, "Timestamp": ms(now.Add(-61 * time.Second)), "Access-Token": tok}, wantCode: 1005, wantMsg: "old"},
		{name: "unknown api key", header: map[string]string{"Api-Key": "nope", "Timestamp": ms(now), "Access-Token": tok}, wantCode: 1008},
		{name: "missing token", header: map[string]string{"Api-Key": keysecure.DefaultAPIKey, "Timestamp": ms(now)}, wantCode: 1006},
		{name: "unknown token", header: map[string]string{"Api-Key": keysecure.DefaultAPIKey, "Timestamp": ms(now), "Access-Token": "forged"}, wantCode: 1007, wantMsg: "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			for k, v := range tt.header {
				h.Set(k, v)
			}
			resp, err := c.DoRaw(context.Background(), http.MethodPost, "/open-api/v1/card/list", list, h)
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, resp.Status, "Quirk: auth errors are HTTP 200 too")
			assert.Equal(t, tt.wantCode, resp.Code, resp.Msg)
			assert.Contains(t, resp.Msg, tt.wantMsg)
			checkContract(t, "card.list", resp)
		})
	}
}

func TestTokenExpiresOnTheBusinessClock(t *testing.T) {
	t.Parallel()
	ks := runT(t, keysecure.WithTokenTTL(time.Hour))
	c := ks.NewClient()
	tok, err := c.Token(context.Background())
	require.NoError(t, err)
	h := http.Header{"Api-Key": {keysecure.DefaultAPIKey}, "Access-Token": {tok}}
	h.Set("Timestamp", ms(core.WallNow()))
	resp, _ := c.DoRaw(context.Background(), http.MethodGet, "/open-api/v1/card/C1/detail", nil, h)
	assert.Equal(t, 4001, resp.Code, "token works before it expires")

	_, _ = ks.Clock.Advance(time.Hour)
	h.Set("Timestamp", ms(core.WallNow()))
	resp, _ = c.DoRaw(context.Background(), http.MethodGet, "/open-api/v1/card/C1/detail", nil, h)
	assert.Equal(t, 1007, resp.Code)
	assert.Contains(t, resp.Msg, "expired")

	resp, err = c.Do(context.Background(), http.MethodGet, "/open-api/v1/card/C1/detail", nil)
	require.NoError(t, err)
	assert.Equal(t, 4001, resp.Code, "the client refreshes after 1007 and goes on")
}

func TestTokenRevocationSwitch(t *testing.T) {
	t.Parallel()
	for _, revoke := range []bool{false, true} {
		ks := runT(t, keysecure.WithTokenRevocation(revoke))
		c := ks.NewClient()
		first, _ := c.Token(context.Background())
		_, _ = c.Token(context.Background())
		h := http.Header{"Api-Key": {keysecure.DefaultAPIKey}, "Timestamp": {ms(core.WallNow())}, "Access-Token": {first}}
		resp, _ := c.DoRaw(context.Background(), http.MethodGet, "/open-api/v1/card/C1/detail", nil, h)
		want := 4001
		if revoke {
			want = 1007
		}
		assert.Equal(t, want, resp.Code, "revoke=%v", revoke)
	}
}

func TestTokenRateLimit(t *testing.T) {
	t.Parallel()
	ks := runT(t, keysecure.WithTokenRateLimit(2))
	c := ks.NewClient()
	for i := 0; i < 2; i++ {
		_, err := c.Token(context.Background())
		require.NoError(t, err)
	}
	_, err := c.Token(context.Background())
	assert.ErrorContains(t, err, "1009")
}

func TestIPAllowList(t *testing.T) {
	t.Parallel()
	env := core.NewEnv(core.EnvConfig{Clock: core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))})
	ks, err := keysecure.New(keysecure.WithEnv(env))
	require.NoError(t, err)
	only, _ := core.ParseAllowList("10.0.0.0/8")
	tenant := &core.Tenant{ID: "walled", Seed: 3, Clock: env.Clock, Allow: only}
	require.NoError(t, env.Tenants.Add(tenant))
	creds, err := core.ProviderOf(ks.Host).AddTenant(tenant, nil)
	require.NoError(t, err)
	key := creds.(keysecure.Credentials).APIKey

	rec := serve(t, ks, http.MethodGet, "/open-api/v1/merchant/token", "", map[string]string{"Api-Key": key, "Timestamp": ms(core.WallNow())})
	assert.Contains(t, rec, `"code":1003`, "loopback is not on this tenant's list")
	rec = serve(t, ks, http.MethodGet, "/open-api/v1/merchant/token", "", map[string]string{"Api-Key": keysecure.DefaultAPIKey, "Timestamp": ms(core.WallNow())})
	assert.Contains(t, rec, `"code":0`, "the default tenant allows loopback")
}

func TestLenientAndOffAuth(t *testing.T) {
	t.Parallel()
	lenient := runT(t, keysecure.WithAuth(core.AuthLenient))
	got := serve(t, lenient, http.MethodGet, "/open-api/v1/card/C1/detail", "", map[string]string{"Api-Key": "whatever", "Access-Token": "x"})
	assert.Contains(t, got, `"code":4001`, "lenient: present credentials pass unverified")
	got = serve(t, lenient, http.MethodGet, "/open-api/v1/card/C1/detail", "", map[string]string{"Api-Key": "whatever"})
	assert.Contains(t, got, `"code":1006`, "lenient: credentials must still be present")
	off := runT(t, keysecure.WithAuth(core.AuthOff))
	got = serve(t, off, http.MethodGet, "/open-api/v1/card/C1/detail", "", nil)
	assert.Contains(t, got, `"code":4001`)
}

func TestLanguage(t *testing.T) {
	t.Parallel()
	ks := runT(t)
	c := ks.NewClient()
	c.Language = "zh_CN"
	resp, err := c.Do(context.Background(), http.MethodPost, "/open-api/v1/card/list", `{"start_time":"2026-01-01","end_time":"2026-01-01","size":101}`)
	require.NoError(t, err)
	assert.Equal(t, 1004, resp.Code)
	assert.Equal(t, "请求参数无效：size 必须在 1 到 100 之间，实际为 101", resp.Msg)
	ok, _ := c.Do(context.Background(), http.MethodGet, "/open-api/v1/merchant/token", nil)
	assert.Equal(t, "成功", ok.Msg)
}

// TestTenantTokenTTL pins the per-tenant Access-Token lifetime QA sets
// through POST /_mocksrv/tenants {"keysecure":{"token_ttl":"5m"}}.
func TestTenantTokenTTL(t *testing.T) {
	t.Parallel()
	env := core.NewEnv(core.EnvConfig{Clock: core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))})
	ks, err := keysecure.New(keysecure.WithEnv(env))
	require.NoError(t, err)
	tenant := &core.Tenant{ID: "short", Seed: 3, Clock: core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))}
	require.NoError(t, env.Tenants.Add(tenant))
	creds, err := core.ProviderOf(ks.Host).AddTenant(tenant, []byte(`{"token_ttl":"5m"}`))
	require.NoError(t, err)
	key := creds.(keysecure.Credentials).APIKey

	body := serve(t, ks, http.MethodGet, "/open-api/v1/merchant/token", "", map[string]string{"Api-Key": key, "Timestamp": ms(core.WallNow())})
	assert.Contains(t, body, `"expired_time":1767225900000`, "2026-01-01T00:05:00Z in Unix ms")
	tok := body[strings.Index(body, `"access_token":"`)+16:]
	tok = tok[:strings.Index(tok, `"`)]
	_, _ = tenant.Clock.Advance(5 * time.Minute)
	body = serve(t, ks, http.MethodGet, "/open-api/v1/card/C1/detail", "", map[string]string{"Api-Key": key, "Timestamp": ms(core.WallNow()), "Access-Token": tok})
	assert.Contains(t, body, `"code":1007`)

	_, err = core.ProviderOf(ks.Host).AddTenant(&core.Tenant{ID: "bad", Seed: 1, Clock: env.Clock}, []byte(`{"token_ttl":"-1m"}`))
	assert.ErrorContains(t, err, "token_ttl")
}

func TestTenantOptionsAreStrict(t *testing.T) {
	t.Parallel()
	ks := runT(t)
	_, err := core.ProviderOf(ks.Host).AddTenant(&core.Tenant{ID: "typo", Seed: 1, Clock: ks.Clock}, []byte(`{"tokenttl":"5m"}`))
	assert.ErrorContains(t, err, `unknown field "tokenttl"`)
}
