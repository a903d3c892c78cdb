package bkj_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/bkj"
	"github.com/mocksrv/mocksrv/sims/core"
)

// New checks every setting once the options have run, and its error names
// the setting's JSON field.
func TestOptionsChecked(t *testing.T) {
	t.Parallel()
	with := func(f func(*bkj.Settings)) bkj.Option {
		st := bkj.DefaultSettings()
		f(&st)
		return bkj.WithSettings(st)
	}
	for _, tt := range []struct {
		name string
		opt  bkj.Option
		want string
	}{
		{"timestamp window", bkj.WithTimestampWindow(0), "bkj: timestamp_window 0s"},
		{"nonce TTL", bkj.WithNonceTTL(-time.Second), "bkj: nonce_ttl -1s"},
		{"idempotency TTL", bkj.WithIdempotencyTTL(0), "bkj: idempotency_ttl 0s"},
		{"card validity", bkj.WithCardValidity(11), "bkj: card_validity_years 11"},
		{"KYC link", bkj.WithKYCLink("", time.Minute), `bkj: kyc_link_base ""`},
		{"paging", bkj.WithPaging(5, 4), "bkj: take_default 5, take_max 4"},
		{"rate limit", bkj.WithRateLimit(-1), "bkj: rate_limit -1"},
		{"timezone", with(func(st *bkj.Settings) { st.Timezone = "Mars/Base" }), `bkj: timezone "Mars/Base"`},
		{"webhook timezone", with(func(st *bkj.Settings) { st.WebhookTimezone = "UTC+15" }), `bkj: webhook_timezone "UTC+15"`},
		{"delays", bkj.WithDelays(bkj.Delays{Ship: -time.Second}), "bkj: delays.ship -1s"},
		{"freeze delay", bkj.WithFreezeDelay(-time.Second), "bkj: delays.freeze -1s"},
		{"credentials", with(func(st *bkj.Settings) { st.APIKey = "k" }), "bkj: give both api_key and api_secret"},
	} {
		_, err := bkj.New(tt.opt)
		assert.ErrorContains(t, err, tt.want, tt.name)
	}
}

// Settings read and write the tenant options' JSON: delays as durations,
// a step left out keeping its value, an unknown one refused.
func TestSettingsJSON(t *testing.T) {
	t.Parallel()
	st := bkj.DefaultSettings()
	raw, err := json.Marshal(st)
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"timezone":"UTC"`)
	assert.Contains(t, string(raw), `"open":"30s"`)
	assert.Contains(t, string(raw), `"ship":"24h0m0s"`)
	var back bkj.Settings
	require.NoError(t, json.Unmarshal(raw, &back))
	assert.Equal(t, st, back, "a round trip keeps every setting")

	require.NoError(t, json.Unmarshal([]byte(`{"take_default":3,"delays":{"open":"0s","kyc_review":"1d"}}`), &st))
	assert.Equal(t, 3, st.TakeDefault)
	assert.Equal(t, time.Duration(0), st.Delays.Open)
	assert.Equal(t, 24*time.Hour, st.Delays.KYCReview)
	assert.Equal(t, 24*time.Hour, st.Delays.Ship, "a step left out keeps its value")
	require.NoError(t, json.Unmarshal([]byte(`{"timestamp_window":null,"timezone":null,"delays":{"ship":null}}`), &st))
	assert.Equal(t, bkj.DefaultSettings().TimestampWindow, st.TimestampWindow, "null keeps the value, as tenant options always allowed")
	assert.Equal(t, "UTC", st.Timezone)
	assert.Equal(t, 24*time.Hour, st.Delays.Ship)
	assert.ErrorContains(t, json.Unmarshal([]byte(`{"delays":{"opn":"1s"}}`), &st), `unknown field "opn"`)
}

// WithSettings configures the Server, and its tenants start from it.
func TestWithSettings(t *testing.T) {
	t.Parallel()
	st := bkj.DefaultSettings()
	st.TakeDefault, st.Timezone = 2, "UTC+8"
	s := bkj.RunT(t, bkj.WithSettings(st))
	var conf struct {
		Timezone string `json:"timezone"`
		Paging   struct {
			TakeDefault int `json:"take_default"`
		} `json:"paging"`
	}
	ok(t, s.NewClient(), "config.get", bkj.Request{Method: http.MethodGet, Path: "/openapi/v1/config", Unsigned: true}, &conf)
	assert.Equal(t, "UTC+8", conf.Timezone)
	assert.Equal(t, 2, conf.Paging.TakeDefault)

	creds, err := core.ProviderOf(s.Host).AddTenant(&core.Tenant{ID: "job", Seed: 2, Clock: s.Clock}, json.RawMessage(`{"take_default":4}`))
	require.NoError(t, err)
	c := bkj.NewClient(s.URL(), creds.(bkj.Credentials).APIKey, creds.(bkj.Credentials).APISecret)
	ok(t, c, "config.get", bkj.Request{Method: http.MethodGet, Path: "/openapi/v1/config", Unsigned: true,
		Header: http.Header{bkj.HeaderAPIKey: {c.APIKey}}}, &conf)
	assert.Equal(t, "UTC+8", conf.Timezone, "the Server's setting")
	assert.Equal(t, 4, conf.Paging.TakeDefault, "the tenant's own")

	creds, err = core.ProviderOf(s.Host).AddTenant(&core.Tenant{ID: "utc", Seed: 3, Clock: s.Clock}, json.RawMessage(`{"timezone":""}`))
	require.NoError(t, err, `"timezone":"" is UTC, as it always was`)
	c = bkj.NewClient(s.URL(), creds.(bkj.Credentials).APIKey, creds.(bkj.Credentials).APISecret)
	ok(t, c, "config.get", bkj.Request{Method: http.MethodGet, Path: "/openapi/v1/config", Unsigned: true,
		Header: http.Header{bkj.HeaderAPIKey: {c.APIKey}}}, &conf)
	assert.Equal(t, "UTC", conf.Timezone)
}

// RunT's zero delays give way to any delay option: with WithFreezeDelay
// alone the other steps keep New's defaults.
func TestRunTDelays(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t, bkj.WithFreezeDelay(time.Minute))
	u, err := s.AddUser(bkj.User{})
	require.NoError(t, err)
	c := s.NewClient()
	card := applyCard(t, c, u.ID, "visa-virtual-usd", nil)
	assert.Equal(t, "opening", cardDetail(t, c, card.ID).Status, "DefaultDelays().Open")
	_, _ = s.Clock.Advance(bkj.DefaultDelays().Open)
	ok(t, c, "card.freeze", post("/openapi/v1/card/freeze", map[string]string{"id": card.ID}), nil)
	_, _ = s.Clock.Advance(time.Minute - time.Second)
	assert.Equal(t, "processing_frozen", cardDetail(t, c, card.ID).Status)
	_, _ = s.Clock.Advance(time.Second)
	assert.Equal(t, "frozen", cardDetail(t, c, card.ID).Status)

	zero := bkj.RunT(t)
	u, err = zero.AddUser(bkj.User{})
	require.NoError(t, err)
	card = applyCard(t, zero.NewClient(), u.ID, "visa-virtual-usd", nil)
	assert.Equal(t, "active", cardDetail(t, zero.NewClient(), card.ID).Status, "RunT's zero delays")
}

// WithTimezone keeps a zone by its name, or by its offset when the
// Timezone header could not name it.
func TestWithTimezone(t *testing.T) {
	t.Parallel()
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	for _, tt := range []struct {
		loc  *time.Location
		want string
	}{
		{shanghai, "Asia/Shanghai"},
		{time.FixedZone("UTC+8", 8*3600), "UTC+8"},
		{time.FixedZone("CST", 8*3600), "UTC+08:00"},
		{time.FixedZone("", -(5*3600 + 30*60)), "UTC-05:30"},
		{nil, "UTC"},
	} {
		s := bkj.RunT(t, bkj.WithTimezone(tt.loc))
		var conf struct {
			Timezone string `json:"timezone"`
		}
		ok(t, s.NewClient(), "config.get", bkj.Request{Method: http.MethodGet, Path: "/openapi/v1/config", Unsigned: true}, &conf)
		assert.Equal(t, tt.want, conf.Timezone)
	}
}

// A snapshot saved before Settings held every setting carries only the
// tenant's own options: the restoring Server's settings fill the rest.
func TestRestoreFirstSnapshotFormat(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	raw, err := core.ProviderOf(s.Host).Snapshot(core.DefaultTenant)
	require.NoError(t, err)
	var snap map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &snap))
	snap["settings"] = json.RawMessage(`{"timezone":"UTC+8","delays":{"open":"0s"}}`)
	old, err := json.Marshal(snap)
	require.NoError(t, err)

	r := bkj.RunT(t, bkj.WithPaging(3, 50))
	require.NoError(t, core.ProviderOf(r.Host).Restore(r.Env.Default(), old))
	var conf struct {
		Timezone string `json:"timezone"`
		Paging   struct {
			TakeDefault int `json:"take_default"`
			TakeMax     int `json:"take_max"`
		} `json:"paging"`
	}
	ok(t, r.NewClient(), "config.get", bkj.Request{Method: http.MethodGet, Path: "/openapi/v1/config", Unsigned: true,
		Header: http.Header{bkj.HeaderAPIKey: {bkj.DefaultAPIKey}}}, &conf)
	assert.Equal(t, "UTC+8", conf.Timezone, "the saved option")
	assert.Equal(t, 3, conf.Paging.TakeDefault, "the restoring Server's setting")
	assert.Equal(t, 50, conf.Paging.TakeMax)
}
