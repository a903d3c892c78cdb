package bkj_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/bkj"
	"github.com/mocksrv/mocksrv/sims/core"
)

func TestCreateKinds(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	out, err := core.ProviderOf(s.Host).Create("default", "users", []byte(`{"email":"seed@example.com","first_name":"Seed","last_name":"User"}`))
	require.NoError(t, err)
	u := out.(bkj.User)
	assert.Equal(t, bkj.KYCApproved, u.KYCStatus, "admin users are approved unless told otherwise")

	for _, st := range bkj.AllStatuses {
		body := `{"account_id":"` + u.ID + `","status":"` + string(st) + `"}`
		if st == bkj.StatusProducing || st == bkj.StatusShipping || st == bkj.StatusActivateReviewing || st == bkj.StatusPreProducing {
			body = `{"account_id":"` + u.ID + `","status":"` + string(st) + `","channel_id":"visa-physical-usd"}`
		}
		out, err := core.ProviderOf(s.Host).Create("default", "cards", []byte(body))
		require.NoError(t, err, st)
		assert.Equal(t, st, out.(bkj.Card).Status, "a card can be created in status %s", st)
	}
	_, err = core.ProviderOf(s.Host).Create("default", "wallets", []byte(`{"account_id":"`+u.ID+`","currency":"USDC","balance":"12.5"}`))
	require.NoError(t, err)
	s.CheckWalletBalance(t, u.ID, "USDC", "12.5")
	_, err = core.ProviderOf(s.Host).Create("default", "deposits", []byte(`{"account_id":"`+u.ID+`","amount":"3"}`))
	require.NoError(t, err)
	s.CheckWalletBalance(t, u.ID, "USDT", "3")
	_, err = core.ProviderOf(s.Host).Create("default", "addresses", []byte(`{"account_id":"`+u.ID+`","first_name":"A","last_name":"B","address":{"line1":"x","city":"y","state":"z","postCode":"1","country":"US"}}`))
	require.NoError(t, err)
	_, err = core.ProviderOf(s.Host).Create("default", "payees", []byte(`{"account_id":"`+u.ID+`","name":"P","chain":"TRON","currency":"USDT","address":"`+tronAddr+`"}`))
	require.NoError(t, err)
	card, err := s.AddCard(bkj.Card{AccountID: u.ID, Balance: core.MustDecimal("9")})
	require.NoError(t, err)
	_, err = core.ProviderOf(s.Host).Create("default", "transactions", []byte(`{"card_id":"`+card.ID+`","amount":"4"}`))
	require.NoError(t, err)
	s.CheckCardBalance(t, card.ID, "5")
	s.CheckLedger(t)

	for _, bad := range []struct{ kind, body, want string }{
		{"cards", `{"status":"melted"}`, "not a bkj card status"},
		{"cards", `{"stauts":"active"}`, "unknown field"},
		{"cards", `{"channel_id":"visa-virtual-usd","type":"physical"}`, "issues virtual cards"},
		{"kyc", `{"user_id":"` + u.ID + `","decision":"maybe"}`, "approve"},
		{"users", `{"kyc_status":"great"}`, "kyc_status"},
		{"deposits", `{"account_id":"` + u.ID + `","amount":"0"}`, "positive"},
		{"withdrawals", `{"id":"nope","decision":"success"}`, "does not exist"},
		{"spaceships", `{}`, "bkj has no \"spaceships\""},
	} {
		_, err := core.ProviderOf(s.Host).Create("default", bad.kind, []byte(bad.body))
		assert.ErrorContains(t, err, bad.want, bad.kind)
	}
}

func TestStateSnapshotRestore(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t, bkj.WithDelays(bkj.Delays{Freeze: time.Minute}))
	c := s.NewClient()
	acct := approved(t, c, "snap@example.com")
	card := applyCard(t, c, acct, "visa-virtual-usd", nil)
	cardDetail(t, c, card.ID)
	ok(t, c, "card.freeze", post("/openapi/v1/card/freeze", map[string]string{"id": card.ID}), nil)
	_, err := s.Deposit(acct, "USDT", "42")
	require.NoError(t, err)

	raw, err := core.ProviderOf(s.Host).Snapshot("default")
	require.NoError(t, err)
	st, err := core.ProviderOf(s.Host).State("default")
	require.NoError(t, err)
	dump := st.(bkj.StateDump)
	assert.Len(t, dump.Cards, 1)
	assert.Len(t, dump.Pending, 2, "the freeze step and the card's expiry are scheduled")
	assert.True(t, dump.Money.Balanced)

	fresh, err := bkj.New(bkj.WithClock(core.NewFrozenClock(s.Clock.Now())), bkj.WithSeed(1))
	require.NoError(t, err)
	require.NoError(t, core.ProviderOf(fresh.Host).Restore(fresh.Env.Default(), raw))
	again, err := core.ProviderOf(fresh.Host).Snapshot("default")
	require.NoError(t, err)
	assert.JSONEq(t, string(raw), string(again), "a restored world saves the same")
	fresh.CheckCardStatus(t, card.ID, bkj.StatusProcessingFrozen)
	_, _ = fresh.Clock.Advance(time.Minute)
	fresh.CheckCardStatus(t, card.ID, bkj.StatusFrozen) // the agenda survived
	fresh.CheckWalletBalance(t, acct, "USDT", "42")

	require.NoError(t, core.ProviderOf(s.Host).ResetTenant("default"))
	_, ok := s.Card(card.ID)
	assert.False(t, ok, "reset empties the world")
	creds, _ := core.ProviderOf(s.Host).Credentials("default")
	assert.Equal(t, bkj.Credentials{APIKey: bkj.DefaultAPIKey, APISecret: bkj.DefaultAPISecret}, creds)
}

// The Fleet's admin API drives bkj cards in bkj's vocabulary.
func TestFleetAdminAPI(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	card, err := f.BKJ.AddCard(bkj.Card{})
	require.NoError(t, err)
	adminPost := func(path, body string) (int, string) {
		res, err := http.Post(f.URL()+path, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	for _, action := range []string{"freeze", "unfreeze", "block", "activate", "expire", "cancel"} {
		status, body := adminPost("/_mocksrv/tenants/default/bkj/cards/"+card.ID+"/"+action, "")
		require.Equal(t, http.StatusOK, status, "%s: %s", action, body)
	}
	f.BKJ.CheckCardStatus(t, card.ID, bkj.StatusPreDelete)
	status, body := adminPost("/_mocksrv/tenants/default/bkj/cards/"+card.ID+"/freeze", "")
	assert.Equal(t, http.StatusConflict, status, body)
	status, body = adminPost("/_mocksrv/tenants/default/bkj/users", `{"email":"fleet@example.com"}`)
	assert.Equal(t, http.StatusCreated, status, body)

	res, err := http.Post(f.URL()+"/_mocksrv/tenants", "application/json", strings.NewReader(`{"id":"ci-1","bkj":{"api_key":"ci-key","api_secret":"ci-secret"}}`))
	require.NoError(t, err)
	defer res.Body.Close()
	var info map[string]json.RawMessage
	require.NoError(t, json.NewDecoder(res.Body).Decode(&info))
	assert.JSONEq(t, `{"api_key":"ci-key","api_secret":"ci-secret"}`, string(info["bkj"]))
	c := bkj.NewClient(f.URL(), "ci-key", "ci-secret")
	resp, err := c.Send(context.Background(), get("/openapi/v1/card/list", nil))
	require.NoError(t, err)
	assert.Equal(t, 0, resp.Code)
	assert.Contains(t, string(resp.Body), `"total":0`, "the new tenant starts empty")
}

// TestTenantSettings: a tenant's "bkj" options carry the Deviations
// switches (the With… options), checked like them, kept by a reset and a
// snapshot, and without effect on other tenants.
func TestTenantSettings(t *testing.T) {
	t.Parallel()
	env := core.NewEnv(core.EnvConfig{Seed: 1, Clock: core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))})
	s, err := bkj.New(bkj.WithEnv(env))
	require.NoError(t, err)
	add := func(id, opts string) (bkj.Credentials, error) {
		tenant := &core.Tenant{ID: id, Seed: 5, Clock: core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))}
		require.NoError(t, env.Tenants.Add(tenant))
		raw, err := core.ProviderOf(s.Host).AddTenant(tenant, json.RawMessage(opts))
		if err != nil {
			return bkj.Credentials{}, err
		}
		return raw.(bkj.Credentials), nil
	}
	for i, bad := range []struct{ opts, want string }{
		{`{"timestamp_windw":"30s"}`, "timestamp_windw"},
		{`{"delays":{"opn":"1s"}}`, "opn"},
		{`{"delays":{"open":"-1s"}}`, "delays must not be negative"},
		{`{"timezone":"Mars/Base"}`, "timezone \"Mars/Base\""},
		{`{"card_validity_years":0}`, "card validity"},
		{`{"take_default":50,"take_max":20}`, "paging"},
		{`{"nonce_ttl":"0s"}`, "nonce TTL"},
	} {
		tenant := "bad-" + strconv.Itoa(i)
		_, err := add(tenant, bad.opts)
		assert.ErrorContains(t, err, bad.want, bad.opts)
	}

	creds, err := add("ci-fast", `{"timestamp_window":"30m","timezone":"UTC+8","take_default":2,"show_string_to_sign":false,
		"sign_responses":false,"delays":{"open":"0s","kyc_review":"0s"}}`)
	require.NoError(t, err)
	srv := serveHTTP(t, s)
	c := bkj.NewClient(srv, creds.APIKey, creds.APISecret)
	def := bkj.NewClient(srv, bkj.DefaultAPIKey, bkj.DefaultAPISecret)
	stale := strconv.FormatInt(core.WallNow().Add(-20*time.Minute).Unix(), 10)

	// The tenant's window: 20 minutes old is fine for ci-fast, not for the default tenant.
	resp := ok(t, c, "card.list", bkj.Request{Method: http.MethodGet, Path: "/openapi/v1/card/list", Timestamp: stale}, nil)
	assert.False(t, resp.Signed, "sign_responses false: no response signature")
	code(t, def, "card.list", bkj.Request{Method: http.MethodGet, Path: "/openapi/v1/card/list", Timestamp: stale}, 40103, "behind server time")
	// Without the string-to-sign in the mismatch message.
	resp = code(t, c, "card.list", bkj.Request{Method: http.MethodGet, Path: "/openapi/v1/card/list", Signature: strings.Repeat("0", 64)}, 40102, "does not match")
	assert.NotContains(t, resp.Message, "/openapi/v1/card/list")

	// Its delays (KYC and opening take no time), zone and page size.
	acct := approved(t, c, "fast@example.com")
	card := applyCard(t, c, acct, "visa-virtual-usd", nil)
	assert.Equal(t, "active", cardDetail(t, c, card.ID).Status, "open delay 0s")
	var u struct {
		CreatedAt string `json:"created_at"`
	}
	ok(t, c, "user.detail", get("/openapi/v1/users/"+acct, nil), &u)
	assert.Equal(t, "2026-01-01 08:00:00", u.CreatedAt, "times render in UTC+8 without a Timezone header")
	register(t, c, "second@example.com")
	register(t, c, "third@example.com")
	var list struct {
		Take  int
		Total int
		List  []json.RawMessage
	}
	ok(t, c, "user.list", get("/openapi/v1/users", nil), &list)
	assert.Equal(t, 2, list.Take)
	assert.Len(t, list.List, 2)
	assert.Equal(t, 3, list.Total)
	var conf struct {
		Signature struct {
			TimestampWindowSeconds int `json:"timestamp_window_seconds"`
		}
	}
	ok(t, c, "config.get", bkj.Request{Method: http.MethodGet, Path: "/openapi/v1/config", Header: http.Header{bkj.HeaderAPIKey: {creds.APIKey}}, Unsigned: true}, &conf)
	assert.Equal(t, 1800, conf.Signature.TimestampWindowSeconds)

	// A reset and a snapshot keep the settings.
	require.NoError(t, core.ProviderOf(s.Host).ResetTenant("ci-fast"))
	ok(t, c, "card.list", bkj.Request{Method: http.MethodGet, Path: "/openapi/v1/card/list", Timestamp: stale}, nil)
	snap, err := core.ProviderOf(s.Host).Snapshot("ci-fast")
	require.NoError(t, err)
	assert.Contains(t, string(snap), `"timestamp_window":"30m0s"`)
	fresh, err := bkj.New(bkj.WithClock(core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))), bkj.WithSeed(1))
	require.NoError(t, err)
	restored := &core.Tenant{ID: "ci-fast", Seed: 5, Clock: core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))}
	require.NoError(t, fresh.Tenants.Add(restored))
	require.NoError(t, core.ProviderOf(fresh.Host).Restore(restored, snap))
	rc := bkj.NewClient(serveHTTP(t, fresh), creds.APIKey, creds.APISecret)
	ok(t, rc, "card.list", bkj.Request{Method: http.MethodGet, Path: "/openapi/v1/card/list", Timestamp: stale}, nil)
}

// The credential getters and NewClient follow the default tenant's
// credentials, also when a state file restored other ones.
func TestCredentialGettersFollowTheDefaultTenant(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	assert.Equal(t, bkj.DefaultAPIKey, s.APIKey())
	assert.Equal(t, bkj.DefaultAPISecret, s.Secret())

	env := core.NewEnv(core.EnvConfig{Seed: 1, Clock: core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))})
	other, err := bkj.New(bkj.WithEnv(env))
	require.NoError(t, err)
	job := &core.Tenant{ID: "job-1", Seed: 2, Clock: core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))}
	require.NoError(t, env.Tenants.Add(job))
	_, err = core.ProviderOf(other.Host).AddTenant(job, json.RawMessage(`{"api_key":"k-restored","api_secret":"s-restored"}`))
	require.NoError(t, err)
	snap, err := core.ProviderOf(other.Host).Snapshot("job-1")
	require.NoError(t, err)

	r := bkj.RunT(t)
	require.NoError(t, core.ProviderOf(r.Host).Restore(r.Env.Default(), snap))
	assert.Equal(t, "k-restored", r.APIKey())
	assert.Equal(t, "s-restored", r.Secret())
	ok(t, r.NewClient(), "card.list", get("/openapi/v1/card/list", nil), nil)
}
