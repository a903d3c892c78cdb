package sims_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/keysecure"
)

// admin calls the admin API and decodes the JSON answer into out.
func admin(t *testing.T, f *sims.Fleet, method, path, body string, wantStatus int, out any) {
	t.Helper()
	req, err := http.NewRequest(method, f.URL()+path, strings.NewReader(body))
	require.NoError(t, err)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	require.Equal(t, wantStatus, res.StatusCode, "%s %s: %s", method, path, b)
	if out != nil {
		require.NoError(t, json.Unmarshal(b, out), string(b))
	}
}

type creds struct {
	ID        string                `json:"id"`
	Seed      uint64                `json:"seed"`
	KeySecure keysecure.Credentials `json:"keysecure"`
	BKJ       map[string]string     `json:"bkj"`
	UQPay     map[string]string     `json:"uqpay"`
	DeCard    map[string]string     `json:"decard"`
}

func TestTenantsAreIsolated(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	var a, b creds
	admin(t, f, http.MethodPost, "/_mocksrv/tenants", `{"id":"job-a","seed":7}`, http.StatusCreated, &a)
	admin(t, f, http.MethodPost, "/_mocksrv/tenants", ``, http.StatusCreated, &b)
	assert.Equal(t, "job-a", a.ID)
	assert.EqualValues(t, 7, a.Seed)
	for _, c := range []creds{a, b} {
		assert.NotEmpty(t, c.KeySecure.APIKey)
		assert.NotEmpty(t, c.BKJ["api_key"])
		assert.NotEmpty(t, c.UQPay["client_id"])
		assert.NotEmpty(t, c.DeCard["api_secret"])
	}
	admin(t, f, http.MethodPost, "/_mocksrv/tenants", `{"id":"job-a"}`, http.StatusConflict, nil)
	admin(t, f, http.MethodPost, "/_mocksrv/tenants", `{"bogus":1}`, http.StatusBadRequest, nil)

	ca := keysecure.NewClient(f.URL(), a.KeySecure.APIKey, a.KeySecure.APISecret)
	cb := keysecure.NewClient(f.URL(), b.KeySecure.APIKey, b.KeySecure.APISecret)
	cd := keysecure.NewClient(f.URL(), keysecure.DefaultAPIKey, keysecure.DefaultAPISecret)
	admin(t, f, http.MethodPost, "/_mocksrv/tenants/job-a/keysecure/cards", `{}`, http.StatusCreated, nil)

	list := `{"start_time":"2026-01-01","end_time":"2026-01-01"}`
	count := func(c *keysecure.Client) int {
		resp, err := c.Do(context.Background(), http.MethodPost, "/open-api/v1/card/list", list)
		require.NoError(t, err)
		require.Equal(t, 0, resp.Code, resp.Msg)
		var out struct{ List []any }
		require.NoError(t, resp.Decode(&out))
		return len(out.List)
	}
	assert.Equal(t, 1, count(ca))
	assert.Equal(t, 0, count(cb), "another tenant never sees the card")
	assert.Equal(t, 0, count(cd), "nor does the default tenant")

	var st keysecure.StateDump
	admin(t, f, http.MethodGet, "/_mocksrv/tenants/job-a/keysecure/state", "", http.StatusOK, &st)
	require.Len(t, st.Cards, 1)
	resp, _ := cb.Do(context.Background(), http.MethodGet, "/open-api/v1/card/"+st.Cards[0].ID+"/detail", nil)
	assert.Equal(t, 4001, resp.Code, "not even by number")

	// A token belongs to the key it was minted for.
	tokA, err := ca.Token(context.Background())
	require.NoError(t, err)
	stolen := http.Header{"Api-Key": {b.KeySecure.APIKey}, "Access-Token": {tokA},
		"Timestamp": {fmt.Sprint(core.WallNow().UnixMilli())}}
	resp, err = cb.DoRaw(context.Background(), http.MethodGet, "/open-api/v1/card/"+st.Cards[0].ID+"/detail", nil, stolen)
	require.NoError(t, err)
	assert.Equal(t, 1007, resp.Code, "another tenant's token is unknown")

	// Each tenant has its own clock.
	var clockA, clockB core.ClockState
	admin(t, f, http.MethodPost, "/_mocksrv/tenants/job-a/clock", `{"advance":"30d"}`, http.StatusOK, &clockA)
	admin(t, f, http.MethodGet, "/_mocksrv/tenants/"+b.ID+"/clock", "", http.StatusOK, &clockB)
	assert.Equal(t, 30*24*time.Hour, clockA.Now.Sub(clockB.Now), "moving one tenant's clock leaves the others")

	admin(t, f, http.MethodDelete, "/_mocksrv/tenants/job-a", "", http.StatusOK, nil)
	admin(t, f, http.MethodGet, "/_mocksrv/tenants/job-a", "", http.StatusNotFound, nil)
	resp, _ = ca.Do(context.Background(), http.MethodGet, "/open-api/v1/merchant/token", nil)
	assert.Equal(t, 1008, resp.Code, "a deleted tenant's key is unknown")
	admin(t, f, http.MethodDelete, "/_mocksrv/tenants/default", "", http.StatusConflict, nil)
}

func TestTenantSeedsAreReproducible(t *testing.T) {
	t.Parallel()
	cardOf := func() keysecure.Card {
		f := sims.RunT(t)
		admin(t, f, http.MethodPost, "/_mocksrv/tenants", `{"id":"x","seed":42}`, http.StatusCreated, nil)
		var c keysecure.Card
		admin(t, f, http.MethodPost, "/_mocksrv/tenants/x/keysecure/cards", `{}`, http.StatusCreated, &c)
		return c
	}
	assert.Equal(t, cardOf(), cardOf(), "same seed, same data")
}

func TestClockAdmin(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	var st core.ClockState
	admin(t, f, http.MethodGet, "/_mocksrv/tenants/default/clock", "", http.StatusOK, &st)
	assert.True(t, st.Frozen)
	assert.Equal(t, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), st.Now)

	card, err := f.KeySecure.AddCard(keysecure.Card{Status: keysecure.StatusPending})
	require.NoError(t, err)
	admin(t, f, http.MethodPost, "/_mocksrv/tenants/default/clock", `{"advance":"90s"}`, http.StatusOK, &st)
	assert.Equal(t, time.Date(2026, 1, 1, 0, 1, 30, 0, time.UTC), st.Now)
	f.KeySecure.CheckCardStatus(t, card.ID, keysecure.StatusActivated)
	admin(t, f, http.MethodPost, "/_mocksrv/tenants/default/clock", `{"set":"2027-06-01T00:00:00Z","freeze":true}`, http.StatusOK, &st)
	assert.Equal(t, time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC), st.Now)
	admin(t, f, http.MethodPost, "/_mocksrv/tenants/default/clock", `{"advance":"30d"}`, http.StatusOK, &st)
	assert.Equal(t, time.Date(2027, 7, 1, 0, 0, 0, 0, time.UTC), st.Now)
	admin(t, f, http.MethodPost, "/_mocksrv/tenants/default/clock", `{"advance":"-1h"}`, http.StatusBadRequest, nil)
	admin(t, f, http.MethodPost, "/_mocksrv/tenants/default/clock", `{}`, http.StatusBadRequest, nil)
	admin(t, f, http.MethodGet, "/_mocksrv/tenants/nope/clock", "", http.StatusNotFound, nil)

	var other core.ClockState
	admin(t, f, http.MethodPost, "/_mocksrv/tenants", `{"id":"late","clock":{"set":"2030-01-01T00:00:00Z"}}`, http.StatusCreated, nil)
	admin(t, f, http.MethodGet, "/_mocksrv/tenants/late/clock", "", http.StatusOK, &other)
	assert.Equal(t, 2030, other.Now.Year(), "each tenant has its own clock")
}

func TestFaultsAndJournalAdmin(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	admin(t, f, http.MethodPost, "/_mocksrv/faults", `{"provider":"keysecure","route":"card.lst","status":502}`, http.StatusBadRequest, nil)
	var fl core.Fault
	admin(t, f, http.MethodPost, "/_mocksrv/faults", `{"provider":"keysecure","route":"card.list","nth":1,"status":502}`, http.StatusCreated, &fl)
	c := keysecure.NewClient(f.URL(), keysecure.DefaultAPIKey, keysecure.DefaultAPISecret)
	resp, err := c.Do(context.Background(), http.MethodPost, "/open-api/v1/card/list", `{"start_time":"2026-01-01","end_time":"2026-01-01"}`)
	require.NoError(t, err)
	assert.Equal(t, http.StatusBadGateway, resp.Status)
	resp, _ = c.Do(context.Background(), http.MethodPost, "/open-api/v1/card/list", `{"start_time":"2026-01-01","end_time":"2026-01-01"}`)
	assert.Equal(t, 0, resp.Code, "nth fires once")

	var j struct {
		Entries []core.Entry
		Count   int
	}
	admin(t, f, http.MethodGet, "/_mocksrv/journal?provider=keysecure&route=card.list&status=502", "", http.StatusOK, &j)
	require.Equal(t, 1, j.Count)
	assert.Equal(t, "", j.Entries[0].Tenant, "a rule for every tenant answers before authentication: no tenant is charged")
	assert.Equal(t, "default", j.Entries[0].Guess, "the credentials named the default tenant")
	assert.Contains(t, j.Entries[0].Fault, fl.ID)
	admin(t, f, http.MethodGet, "/_mocksrv/journal?since="+itoa(j.Entries[0].Seq), "", http.StatusOK, &j)
	assert.Equal(t, 1, j.Count)
	admin(t, f, http.MethodGet, "/_mocksrv/journal?status=abc", "", http.StatusBadRequest, nil)
	admin(t, f, http.MethodDelete, "/_mocksrv/journal", "", http.StatusOK, nil)
	admin(t, f, http.MethodGet, "/_mocksrv/journal", "", http.StatusOK, &j)
	assert.Zero(t, j.Count)

	var faults struct{ Faults []core.Fault }
	admin(t, f, http.MethodGet, "/_mocksrv/faults", "", http.StatusOK, &faults)
	require.Len(t, faults.Faults, 1)
	admin(t, f, http.MethodDelete, "/_mocksrv/faults/"+fl.ID, "", http.StatusOK, nil)
	admin(t, f, http.MethodDelete, "/_mocksrv/faults/"+fl.ID, "", http.StatusNotFound, nil)
}

func itoa(n uint64) string { b, _ := json.Marshal(n); return string(b) }

func TestCardActionsAndWebhooksAdmin(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	var got []string
	rv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, string(b))
		w.WriteHeader(http.StatusInternalServerError) // fails: retried
	}))
	defer rv.Close()
	admin(t, f, http.MethodPost, "/_mocksrv/tenants/default/webhooks", `{"keysecure":"`+rv.URL+`"}`, http.StatusOK, nil)
	card, err := f.KeySecure.AddCard(keysecure.Card{})
	require.NoError(t, err)
	admin(t, f, http.MethodPost, "/_mocksrv/tenants/default/keysecure/cards/"+card.ID+"/freeze", "", http.StatusOK, nil)
	f.KeySecure.CheckCardStatus(t, card.ID, keysecure.StatusFrozen)
	admin(t, f, http.MethodPost, "/_mocksrv/tenants/default/keysecure/cards/"+card.ID+"/freeze", "", http.StatusConflict, nil)
	admin(t, f, http.MethodPost, "/_mocksrv/tenants/default/keysecure/cards/"+card.ID+"/block", "", http.StatusBadRequest, nil)
	admin(t, f, http.MethodPost, "/_mocksrv/tenants/default/keysecure/cards/C404/freeze", "", http.StatusNotFound, nil)
	admin(t, f, http.MethodPost, "/_mocksrv/tenants/default/nope/cards/x/freeze", "", http.StatusNotFound, nil)

	f.Flush(context.Background())
	var ds struct {
		Deliveries []core.Delivery
		Count      int
	}
	admin(t, f, http.MethodGet, "/_mocksrv/webhooks?provider=keysecure&event=Card_update", "", http.StatusOK, &ds)
	require.Equal(t, 1, ds.Count)
	assert.Equal(t, core.DeliveryPending, ds.Deliveries[0].State)
	assert.Len(t, ds.Deliveries[0].Attempts, 1)
	admin(t, f, http.MethodPost, "/_mocksrv/webhooks/"+ds.Deliveries[0].ID+"/redeliver", "", http.StatusAccepted, nil)
	f.Flush(context.Background())
	assert.Len(t, got, 2)
	admin(t, f, http.MethodPost, "/_mocksrv/webhooks/wh_999/redeliver", "", http.StatusNotFound, nil)
}

func TestResetKeepsCredentials(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	var a creds
	admin(t, f, http.MethodPost, "/_mocksrv/tenants", `{"id":"r"}`, http.StatusCreated, &a)
	admin(t, f, http.MethodPost, "/_mocksrv/tenants/r/keysecure/cards", `{}`, http.StatusCreated, nil)
	admin(t, f, http.MethodPost, "/_mocksrv/tenants/r/reset", "", http.StatusOK, nil)
	var st keysecure.StateDump
	admin(t, f, http.MethodGet, "/_mocksrv/tenants/r/keysecure/state", "", http.StatusOK, &st)
	assert.Empty(t, st.Cards)
	assert.Equal(t, a.KeySecure, st.Credentials)
}

func TestSnapshotRoundTrip(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	admin(t, f, http.MethodPost, "/_mocksrv/tenants", `{"id":"kept","seed":5}`, http.StatusCreated, nil)
	var card keysecure.Card
	admin(t, f, http.MethodPost, "/_mocksrv/tenants/kept/keysecure/cards", `{"status":"Frozen"}`, http.StatusCreated, &card)
	admin(t, f, http.MethodPost, "/_mocksrv/tenants/kept/clock", `{"advance":"48h"}`, http.StatusOK, nil)
	state, err := f.MarshalState()
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "state.json")
	require.NoError(t, core.WriteFileAtomic(path, state))

	g := sims.RunT(t)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, g.UnmarshalState(b))
	var st keysecure.StateDump
	admin(t, g, http.MethodGet, "/_mocksrv/tenants/kept/keysecure/state", "", http.StatusOK, &st)
	require.Len(t, st.Cards, 1)
	assert.Equal(t, card.ID, st.Cards[0].ID)
	assert.Equal(t, keysecure.StatusFrozen, st.Cards[0].Status)
	var clock core.ClockState
	admin(t, g, http.MethodGet, "/_mocksrv/tenants/kept/clock", "", http.StatusOK, &clock)
	assert.Equal(t, time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC), clock.Now)

	// Same credentials after the restore, and the fake-data stream resumes.
	var next1, next2 keysecure.Card
	admin(t, f, http.MethodPost, "/_mocksrv/tenants/kept/keysecure/cards", `{}`, http.StatusCreated, &next1)
	admin(t, g, http.MethodPost, "/_mocksrv/tenants/kept/keysecure/cards", `{}`, http.StatusCreated, &next2)
	assert.Equal(t, next1, next2)
	assert.Error(t, g.UnmarshalState([]byte(`{"version":9}`)))

	// The default tenant's allow-list comes from this run's --allow-ips,
	// not from the file; other tenants keep theirs.
	anyIP, err := core.ParseAllowList("any")
	require.NoError(t, err)
	h := sims.RunT(t, sims.WithAllowList(anyIP))
	require.NoError(t, h.UnmarshalState(b))
	assert.Equal(t, "any", h.Default().Allow.String())
	kept, ok := h.Tenants.Get("kept")
	require.True(t, ok)
	assert.False(t, kept.Allow.AllowsAddr("192.0.2.7:1"), "a saved tenant keeps its loopback-only list")
}

func TestAdminErrorsAreJSON(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	var e map[string]string
	admin(t, f, http.MethodGet, "/_mocksrv/nope", "", http.StatusNotFound, &e)
	assert.Equal(t, "not_found", e["error"])
	assert.NotEmpty(t, e["message"])
	admin(t, f, http.MethodPut, "/_mocksrv/faults", "", http.StatusMethodNotAllowed, &e)
	var health map[string]any
	admin(t, f, http.MethodGet, "/_mocksrv/health", "", http.StatusOK, &health)
	assert.Equal(t, "ok", health["status"])
	res, err := http.Get(f.URL() + "/_mocksrv/contracts/keysecure/openapi.yaml")
	require.NoError(t, err)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.True(t, bytes.HasPrefix(b, []byte("# KeySecure")))
}

func TestAdminToken(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t, sims.WithAdminToken("s3cret"))
	admin(t, f, http.MethodGet, "/_mocksrv/health", "", http.StatusOK, nil)
	admin(t, f, http.MethodGet, "/_mocksrv/tenants", "", http.StatusUnauthorized, nil)
	req, _ := http.NewRequest(http.MethodGet, f.URL()+"/_mocksrv/tenants", nil)
	req.Header.Set("Authorization", "Bearer s3cret")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
}

func TestValidateJournalsViolations(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t, sims.WithValidate(true))
	c := keysecure.NewClient(f.URL(), keysecure.DefaultAPIKey, keysecure.DefaultAPISecret)
	_, err := c.Do(context.Background(), http.MethodPost, "/open-api/v1/card/list", `{"start_time":"2026-01-01","end_time":"2026-01-01"}`)
	require.NoError(t, err)
	for _, e := range f.Journal.Entries(core.ByProvider("keysecure")) {
		assert.Empty(t, e.Violations, "%s conforms", e.Route)
	}
}

// TestProvidersFlag pins that a provider left out with --providers still
// answers at its paths, in its own envelope, with a message saying why,
// and that those requests are journaled.
func TestProvidersFlag(t *testing.T) {
	t.Parallel()
	get := func(f *sims.Fleet, path string) (int, string) {
		res, err := http.Get(f.URL() + path)
		require.NoError(t, err)
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res.StatusCode, string(b)
	}
	only := sims.RunT(t, sims.WithProviders("keysecure"))
	for path, shape := range map[string]string{
		"/api/v1/issuing/cards":       `"type"`,          // UQPay: {type, code, message}
		"/openapi/v1/card/list":       `"timestamp"`,     // bkj: {code, data, message, timestamp}
		"/card/v1/list":               `"success":false`, // DeCard: {code, message, success}
		"/api/v1/no/such/uqpay/route": `"type"`,          // unknown paths under the prefix too
		"/user-asset/v1/balance":      `"success":false`, // every DeCard prefix
		"/openapi/v9/whatever":        `"message"`,       // and bkj's
	} {
		_, body := get(only, path)
		assert.Contains(t, body, "is not served by this mocksrv: it was started with --providers keysecure", path)
		assert.Contains(t, body, shape, "%s answers in its provider's envelope: %s", path, body)
	}
	assert.Len(t, only.Journal.Entries(core.ByProvider("uqpay")), 2, "refused requests are journaled under their provider")

	noKS := sims.RunT(t, sims.WithProviders("bkj", "uqpay", "decard"))
	status, body := get(noKS, "/open-api/v1/card/C1/detail")
	assert.Equal(t, http.StatusOK, status, "Quirk: KeySecure errors are HTTP 200")
	var env struct {
		Code int    `json:"code"`
		Msg  string `json:"msg"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &env), body)
	assert.Equal(t, 1001, env.Code)
	assert.Contains(t, env.Msg, "keysecure is not served by this mocksrv")
	assert.Nil(t, noKS.KeySecure, "a left-out provider has no Go handle")

	_, err := sims.NewFleet(sims.WithProviders("visa"))
	assert.ErrorContains(t, err, "unknown provider")
}

// The default tenant takes provider options at start (serve
// --tenant-options), checked as for a new tenant, and keeps them on reset.
func TestDefaultTenantOptions(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t, sims.WithTenantOptions(map[string]json.RawMessage{
		"uqpay": json.RawMessage(`{"client_id":"my-client","api_key":"my-key","revoke_tokens":true}`),
	}))
	info, ok := f.TenantInfo(core.DefaultTenant)
	require.True(t, ok)
	b, _ := json.Marshal(info.Credentials["uqpay"])
	assert.Contains(t, string(b), `"client_id":"my-client"`)

	token := func() string {
		req, _ := http.NewRequest(http.MethodPost, f.URL()+"/api/v1/connect/token", nil)
		req.Header.Set("x-client-id", "my-client")
		req.Header.Set("x-api-key", "my-key")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		var out struct {
			Token string `json:"auth_token"`
		}
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
		return out.Token
	}
	list := func(tok string) int {
		req, _ := http.NewRequest(http.MethodGet, f.URL()+"/api/v1/issuing/cards?page_number=1&page_size=10", nil)
		req.Header.Set("x-auth-token", "Bearer "+tok)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		return res.StatusCode
	}
	for round := range 2 {
		first, second := token(), token()
		assert.Equal(t, http.StatusUnauthorized, list(first), "round %d: revoke_tokens: a new token revokes the older", round)
		assert.Equal(t, http.StatusOK, list(second), "round %d", round)
		admin(t, f, http.MethodPost, "/_mocksrv/tenants/default/reset", "", http.StatusOK, nil)
	}

	for name, opts := range map[string]map[string]json.RawMessage{
		"misspelt setting": {"uqpay": json.RawMessage(`{"revoke_tokenz":true}`)},
		"unknown provider": {"stripe": json.RawMessage(`{}`)},
	} {
		_, err := sims.NewFleet(sims.WithTenantOptions(opts))
		assert.Error(t, err, name)
	}
	_, err := sims.NewFleet(sims.WithProviders("keysecure"), sims.WithTenantOptions(map[string]json.RawMessage{"uqpay": json.RawMessage(`{}`)}))
	assert.ErrorContains(t, err, "not served")
}

// TestJournalCountByWhatTheRequestSent: CI asks "did my app send a freeze
// for card X" without reading bodies itself.
func TestJournalCountByWhatTheRequestSent(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	c := keysecure.NewClient(f.URL(), keysecure.DefaultAPIKey, keysecure.DefaultAPISecret)
	card, err := f.KeySecure.AddCard(keysecure.Card{})
	require.NoError(t, err)
	_, err = c.Do(context.Background(), http.MethodPost, "/open-api/v1/card/status/update", map[string]any{"card_no": card.ID, "status": "Frozen"})
	require.NoError(t, err)
	var n struct{ Count int }
	admin(t, f, http.MethodGet, "/_mocksrv/journal/count?route=card.status_update&body.card_no="+card.ID+"&body.status=Frozen&header.Api-Key="+keysecure.DefaultAPIKey, "", http.StatusOK, &n)
	assert.Equal(t, 1, n.Count)
	admin(t, f, http.MethodGet, "/_mocksrv/journal/count?body.status=Activated", "", http.StatusOK, &n)
	assert.Equal(t, 0, n.Count)
	var e struct{ Message string }
	admin(t, f, http.MethodGet, "/_mocksrv/journal?bodyy.status=x", "", http.StatusBadRequest, &e)
	assert.Contains(t, e.Message, `unknown filter parameter "bodyy.status"`)
	assert.Contains(t, e.Message, "header.NAME, body.PATH")
}
