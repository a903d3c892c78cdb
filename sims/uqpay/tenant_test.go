package uqpay_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// addTokenTenant adds a tenant with fixed credentials and a client for it.
func addTokenTenant(t *testing.T, s *uqpay.Server, id string) *uqpay.Client {
	t.Helper()
	tn := &core.Tenant{ID: id, Seed: 3, Clock: core.NewFrozenClock(core.TestEpoch)}
	require.NoError(t, s.Tenants.Add(tn))
	_, err := core.ProviderOf(s.Host).AddTenant(tn, json.RawMessage(`{"client_id":"`+id+`-client","api_key":"`+id+`-key"}`))
	require.NoError(t, err)
	c := uqpay.NewClient(s.URL(), id+"-client", id+"-key")
	c.HTTP = s.Client()
	return c
}

// listWith lists cards with a raw auth_token and returns the status (0
// when the request fails). It never stops the test, so goroutines may call it.
func listWith(t *testing.T, c *uqpay.Client, tok string) int {
	t.Helper()
	resp, err := c.DoRaw(context.Background(), http.MethodGet, "/v1/issuing/cards", nil, http.Header{"X-Auth-Token": {"Bearer " + tok}})
	if !assert.NoError(t, err) {
		return 0
	}
	return resp.Status
}

// TestTokensDieWithTheirWorld pins that a tenant's auth_tokens go when its
// world is reset, replaced by a restore or removed, and that other tenants'
// tokens stay.
func TestTokensDieWithTheirWorld(t *testing.T) {
	t.Parallel()
	s := uqpay.RunT(t)
	c, bystander := addTokenTenant(t, s, "tok"), addTokenTenant(t, s, "tok-other")
	kept := mustToken(t, bystander)

	before := mustToken(t, c)
	require.Equal(t, http.StatusOK, listWith(t, c, before))
	require.NoError(t, core.ProviderOf(s.Host).ResetTenant("tok"))
	assert.Equal(t, http.StatusUnauthorized, listWith(t, c, before), "a reset drops the tenant's tokens")

	snap, err := core.ProviderOf(s.Host).Snapshot("tok") // no live tokens: the restored world brings none back
	require.NoError(t, err)
	live := mustToken(t, c)
	tn, _ := s.Tenants.Get("tok")
	require.NoError(t, core.ProviderOf(s.Host).Restore(tn, snap))
	assert.Equal(t, http.StatusUnauthorized, listWith(t, c, live), "a restore drops the replaced world's tokens")

	after := mustToken(t, c)
	assert.Equal(t, http.StatusOK, listWith(t, c, after))
	core.ProviderOf(s.Host).RemoveTenant("tok")
	assert.Equal(t, http.StatusUnauthorized, listWith(t, c, after), "a removal drops the tenant's tokens")

	assert.Equal(t, http.StatusOK, listWith(t, bystander, kept), "other tenants keep theirs")
}

// TestTokensWhileResetting mints and uses tokens while the tenant is reset
// and snapshotted; run with -race, it checks the token index's own lock.
func TestTokensWhileResetting(t *testing.T) {
	t.Parallel()
	s := uqpay.RunT(t, uqpay.WithTokenRateLimit(0))
	c := addTokenTenant(t, s, "busy")
	mint := func() (string, error) { // a client of its own fetches a token every time
		fresh := uqpay.NewClient(s.URL(), c.ClientID, c.APIKey)
		fresh.HTTP = s.Client()
		return fresh.Token(context.Background())
	}
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if tok, err := mint(); assert.NoError(t, err) {
					assert.Contains(t, []int{http.StatusOK, http.StatusUnauthorized}, listWith(t, c, tok))
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 20 {
			assert.NoError(t, core.ProviderOf(s.Host).ResetTenant("busy"))
			_, err := core.ProviderOf(s.Host).Snapshot("busy")
			assert.NoError(t, err)
			_, err = core.ProviderOf(s.Host).State("busy")
			assert.NoError(t, err)
		}
	}()
	wg.Wait()
	assert.Equal(t, http.StatusOK, listWith(t, c, mustToken(t, c)))
}

// TestRestoreTokens pins what a restore does to auth_tokens: a snapshot
// restored over the tenant that minted its live tokens keeps them working;
// one that cannot be placed (its client id belongs to another tenant)
// leaves that tenant's tokens alone.
func TestRestoreTokens(t *testing.T) {
	t.Parallel()
	s := uqpay.RunT(t)
	p := core.ProviderOf(s.Host)
	c := addTokenTenant(t, s, "tok")
	live := mustToken(t, c)
	snap, err := p.Snapshot("tok")
	require.NoError(t, err)

	tn, _ := s.Tenants.Get("tok")
	require.NoError(t, p.Restore(tn, snap))
	assert.Equal(t, http.StatusOK, listWith(t, c, live), "the restored world took the token over")

	clash := &core.Tenant{ID: "tok-clash", Seed: 3, Clock: core.NewFrozenClock(core.TestEpoch)}
	require.NoError(t, s.Tenants.Add(clash))
	err = p.Restore(clash, snap)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "client_id")
	assert.Equal(t, http.StatusOK, listWith(t, c, live), "a failed restore steals no token")
	_, ok := p.Credentials("tok-clash")
	assert.False(t, ok, "nothing was placed")
}

// TestSettings pins the one Settings struct: a tenant's "uqpay" object sets
// any field (zone and idempotency_ttl had only a With… option before) over
// the Server's, With… options and WithSettings set the Server's, and check
// refuses what is out of range, naming the field.
func TestSettings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// createTime creates a cardholder and answers its retrieval, which
	// shows its create_time in the tenant's zone; a failed creation is
	// answered as it is.
	createTime := func(t *testing.T, c *uqpay.Client, email string, opts ...uqpay.CallOption) *uqpay.Response {
		t.Helper()
		resp, err := c.Do(ctx, http.MethodPost, "/v1/issuing/cardholders", map[string]any{"email": email,
			"phone_number": "8" + email[:7], "first_name": "Zed", "last_name": "Zone", "country_code": "SG"}, opts...)
		require.NoError(t, err)
		var h struct {
			ID string `json:"cardholder_id"`
		}
		if !resp.OK() || resp.Decode(&h) != nil {
			return resp
		}
		resp, err = c.Do(ctx, http.MethodGet, "/v1/issuing/cardholders/"+h.ID, nil)
		require.NoError(t, err)
		return resp
	}
	t.Run("tenant options", func(t *testing.T) {
		t.Parallel()
		s := uqpay.RunT(t)
		tn := &core.Tenant{ID: "zoned", Seed: 3, Clock: core.NewFrozenClock(core.TestEpoch)}
		require.NoError(t, s.Tenants.Add(tn))
		raw, err := core.ProviderOf(s.Host).AddTenant(tn, json.RawMessage(`{"zone":"UTC-5","idempotency_ttl":"1h","card_quota":7}`))
		require.NoError(t, err)
		creds := raw.(uqpay.Credentials)
		c := uqpay.NewClient(s.URL(), creds.ClientID, creds.APIKey)
		c.HTTP = s.Client()

		resp := createTime(t, c, "1234567@example.com", uqpay.WithIdempotencyKey("9b2f5f9e-2a4c-4f7e-9a57-5e7b7c0e8d11"))
		require.True(t, resp.OK(), "%s", resp.Body)
		assert.Contains(t, string(resp.Body), `"create_time":"2025-12-31 19:00:00"`, "rendered in UTC-5")
		_, err = tn.Clock.Advance(time.Hour + time.Second)
		require.NoError(t, err)
		resp = createTime(t, c, "1234567@example.com", uqpay.WithIdempotencyKey("9b2f5f9e-2a4c-4f7e-9a57-5e7b7c0e8d11"))
		require.Equal(t, http.StatusBadRequest, resp.Status, "idempotency_ttl 1h: the key is new again")
		assert.Equal(t, "cardholder_email_exists", resp.Err.Code)

		resp, err = c.Do(ctx, http.MethodGet, "/v1/issuing/products", nil)
		require.NoError(t, err)
		assert.Contains(t, string(resp.Body), `"max_card_quota":7`)
		resp = createTime(t, s.NewClient(), "7654321@example.com")
		assert.Contains(t, string(resp.Body), `"create_time":"2026-01-01 08:00:00"`, "the default tenant keeps UQPay's zone")
	})
	t.Run("options", func(t *testing.T) {
		t.Parallel()
		s := uqpay.RunT(t, uqpay.WithZone(time.FixedZone("EST", -5*3600)))
		resp := createTime(t, s.NewClient(), "1234567@example.com")
		assert.Contains(t, string(resp.Body), `"create_time":"2025-12-31 19:00:00"`)

		st := uqpay.DefaultSettings()
		st.Zone, st.InitialBalances = "Asia/Tokyo", map[string]string{"USD": "12.5"}
		s = uqpay.RunT(t, uqpay.WithSettings(st), uqpay.WithInitialBalance("SGD", "3"))
		resp = createTime(t, s.NewClient(), "1234567@example.com")
		assert.Contains(t, string(resp.Body), `"create_time":"2026-01-01 09:00:00"`)
		s.CheckBalance(t, "USD", "12.50")
		s.CheckBalance(t, "SGD", "3")
		assert.Equal(t, map[string]string{"USD": "12.5"}, st.InitialBalances, "an option never writes the caller's map")
	})
	t.Run("refused", func(t *testing.T) {
		t.Parallel()
		for name, tt := range map[string]struct {
			opt  uqpay.Option
			want string
		}{
			"nil zone":         {uqpay.WithZone(nil), "zone"},
			"token ttl":        {uqpay.WithTokenTTL(0), "token_ttl"},
			"card quota":       {uqpay.WithCardQuota(-1), "card_quota"},
			"currency":         {uqpay.WithInitialBalance("EUR", "1"), "EUR"},
			"amount":           {uqpay.WithInitialBalance("USD", "lots"), "initial_balances"},
			"idempotency ttl":  {uqpay.WithIdempotencyTTL(-time.Hour), "idempotency_ttl"},
			"zone name":        {uqpay.WithSettings(func() uqpay.Settings { st := uqpay.DefaultSettings(); st.Zone = "Mars/Olympus"; return st }()), "zone"},
			"half credentials": {uqpay.WithSettings(func() uqpay.Settings { st := uqpay.DefaultSettings(); st.ClientID = "x"; return st }()), "api_key"},
		} {
			_, err := uqpay.New(tt.opt)
			if assert.Error(t, err, name) {
				assert.Contains(t, err.Error(), tt.want, name)
			}
		}
		s := uqpay.RunT(t)
		for body, want := range map[string]string{
			`{"zone":"UTC+99"}`:               "zone",
			`{"idempotency_ttl":"-1s"}`:       "idempotency_ttl",
			`{"issue_delay":"-1s"}`:           "issue_delay",
			`{"initial_balances":{"USD":""}}`: "initial_balances",
		} {
			tn := &core.Tenant{ID: "bad", Clock: core.NewFrozenClock(core.TestEpoch)}
			_, err := core.ProviderOf(s.Host).AddTenant(tn, json.RawMessage(body))
			if assert.Error(t, err, body) {
				assert.Contains(t, err.Error(), want, body)
				assert.Contains(t, err.Error(), "uqpay options", body)
			}
		}
	})
}

// TestRestoreFirstSnapshotFormat restores a snapshot whose settings are
// the first format's: only what the tenant's options set, the rest the
// Server's.
func TestRestoreFirstSnapshotFormat(t *testing.T) {
	t.Parallel()
	s := uqpay.RunT(t, uqpay.WithCardQuota(9))
	p := core.ProviderOf(s.Host)
	snap, err := p.Snapshot(core.DefaultTenant)
	require.NoError(t, err)
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(snap, &m))
	m["settings"] = json.RawMessage(`{"strict_paging":true}`)
	old, err := json.Marshal(m)
	require.NoError(t, err)

	other := uqpay.RunT(t, uqpay.WithCardQuota(4))
	require.NoError(t, core.ProviderOf(other.Host).Restore(other.Env.Default(), old))
	c := other.NewClient()
	resp, err := c.Do(context.Background(), http.MethodGet, "/v1/issuing/cards?page_size=0", nil)
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadRequest, resp.Status, "the tenant's own setting came along")
	resp, err = c.Do(context.Background(), http.MethodGet, "/v1/issuing/products", nil)
	require.NoError(t, err)
	assert.Contains(t, string(resp.Body), `"max_card_quota":4`, "the rest is the restoring Server's")
}
