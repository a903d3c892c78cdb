package keysecure_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/keysecure"
)

// authTenant makes a tenant in AUTHORIZATION mode whose callbacks go to a
// desk deciding with decide, and gives it a card applied by BIN.
func authTenant(t *testing.T, f *sims.Fleet, id string, decide func(*http.Request, authPush) (int, string)) (*desk, string) {
	t.Helper()
	d := &desk{t: t, decide: decide}
	srv := httptest.NewServer(d)
	t.Cleanup(srv.Close)
	status, body := f.Admin(t, http.MethodPost, "/_mocksrv/tenants", map[string]any{
		"id": id, "webhooks": map[string]string{"keysecure": srv.URL},
		"keysecure": map[string]any{"mode": "AUTHORIZATION", "auth_window": "10s", "api_key": id + "-key", "api_secret": strings.Repeat("s", 32)},
	})
	require.Equal(t, http.StatusCreated, status, "%s", body)
	d.appID, d.secret = id+"-key", strings.Repeat("s", 32)
	status, body = f.Admin(t, http.MethodPost, "/_mocksrv/tenants/"+id+"/keysecure/cards", map[string]any{"card_bin_no": "BIN-48655511"})
	require.Equal(t, http.StatusCreated, status, "%s", body)
	var card keysecure.Card
	require.NoError(t, json.Unmarshal(body, &card))
	return d, card.ID
}

// cardEvent posts a card event over the admin API and decodes its answer,
// checked against the card-event contract.
func cardEvent(t *testing.T, f *sims.Fleet, tenant, card string, ev map[string]any) map[string]any {
	t.Helper()
	status, body := f.Admin(t, http.MethodPost, "/_mocksrv/tenants/"+tenant+"/keysecure/cards/"+card+"/events", ev)
	require.Equal(t, http.StatusCreated, status, "%s", body)
	contracts.Validate(t, "keysecure/card_event.response.json", body)
	var out map[string]any
	require.NoError(t, json.Unmarshal(body, &out))
	return out
}

func TestCardEventsOverTheAdminAPI(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	d, card := authTenant(t, f, "events", func(_ *http.Request, a authPush) (int, string) {
		if a.Amount.String() == "700" {
			return http.StatusOK, `{"code":3,"message":"merchant wallet empty"}`
		}
		return http.StatusOK, `{"code":0,"message":""}`
	})
	auth := cardEvent(t, f, "events", card, map[string]any{"type": "authorize", "amount": "40.00",
		"merchant": map[string]any{"name": "Book Shop", "mcc": "5942", "city": "Berlin", "country": "DE"}})
	assert.Equal(t, "Pending", auth["status"])
	assert.Equal(t, "40.00", auth["amount"])
	assert.Equal(t, "Book Shop", auth["merchant_info"].(map[string]any)["merchant_name"])
	no := auth["consume_no"].(string)

	declined := cardEvent(t, f, "events", card, map[string]any{"type": "authorize", "amount": "700"})
	assert.Equal(t, "Fail", declined["status"])
	assert.Equal(t, "Declined by merchant: merchant wallet empty", declined["remark"])

	steered := cardEvent(t, f, "events", card, map[string]any{"type": "authorize", "amount": "1", "decline": "limit_exceeded"})
	assert.Equal(t, "Exceeds the card's spending limit", steered["remark"])
	assert.Equal(t, 2, d.authCount(), "a decline steered by the admin API never asks the merchant")

	rev := cardEvent(t, f, "events", card, map[string]any{"type": "reverse", "transaction": no, "amount": "10"})
	assert.Equal(t, "Reversal", rev["type"])
	assert.Equal(t, no, rev["consume_relate_no"])
	cleared := cardEvent(t, f, "events", card, map[string]any{"type": "clear", "transaction": no, "amount": "35"})
	assert.Equal(t, "Success", cleared["status"])
	assert.Equal(t, "45.00", cleared["amount"], "10 reversed plus 35 cleared")
	refund := cardEvent(t, f, "events", card, map[string]any{"type": "refund", "transaction": no, "amount": "5"})
	assert.Equal(t, "Refund", refund["type"])

	// The consumption reads the same through KeySecure's own API.
	var creds struct {
		KeySecure keysecure.Credentials `json:"keysecure"`
	}
	_, body := f.Admin(t, http.MethodGet, "/_mocksrv/tenants/events", nil)
	require.NoError(t, json.Unmarshal(body, &creds))
	c := keysecure.NewClient(f.URL(), creds.KeySecure.APIKey, creds.KeySecure.APISecret)
	var info map[string]any
	mustOK(t, c, "consume.info", http.MethodGet, "/open-api/v1/card/consume/"+no+"/info", nil, &info)
	assert.Equal(t, cleared, info)

	status, body := f.Admin(t, http.MethodPost, "/_mocksrv/tenants/events/keysecure/cards/"+card+"/events", map[string]any{"type": "chargeback", "transaction": no})
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, string(body), "chargeback is not published")
	assert.Contains(t, string(body), "it takes authorize, reverse, expire, clear, refund")

	status, body = f.Admin(t, http.MethodGet, "/_mocksrv/providers/keysecure/declines", nil)
	require.Equal(t, http.StatusOK, status)
	var list struct {
		Declines []core.Decline `json:"declines"`
	}
	require.NoError(t, json.Unmarshal(body, &list))
	assert.Equal(t, keysecure.Declines(), list.Declines)

	var state struct {
		Money keysecure.Money `json:"money"`
	}
	_, body = f.Admin(t, http.MethodGet, "/_mocksrv/tenants/events/keysecure/state", nil)
	require.NoError(t, json.Unmarshal(body, &state))
	assert.Equal(t, "30", state.Money.Settled.String())
	assert.Equal(t, "30", state.Money.MerchantFunded.String())
	assert.Equal(t, "1000000", state.Money.Total.String())
}

// TestSlowMerchantStallsNoOne: while one tenant's merchant sits on an Auth
// callback, another tenant authorizes, and the slow tenant's own API
// answers.
func TestSlowMerchantStallsNoOne(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	asked, release := make(chan struct{}), make(chan struct{})
	_, slowCard := authTenant(t, f, "slow", func(*http.Request, authPush) (int, string) {
		close(asked)
		<-release
		return http.StatusOK, `{"code":0,"message":""}`
	})
	_, fastCard := authTenant(t, f, "fast", nil)

	var wg sync.WaitGroup
	var slowStatus int
	var slowBody []byte
	wg.Add(1)
	go func() { // no require here: it may not stop the test from another goroutine
		defer wg.Done()
		slowStatus, slowBody = f.Admin(t, http.MethodPost, "/_mocksrv/tenants/slow/keysecure/cards/"+slowCard+"/events",
			map[string]any{"type": "authorize", "amount": "1"})
	}()
	<-asked
	fast := cardEvent(t, f, "fast", fastCard, map[string]any{"type": "authorize", "amount": "2"})
	assert.Equal(t, "Pending", fast["status"], "another tenant's authorization went through meanwhile")
	status, body := f.Admin(t, http.MethodGet, "/_mocksrv/tenants/slow/keysecure/state", nil)
	assert.Equal(t, http.StatusOK, status, "the slow tenant's own state answers meanwhile: %s", body)
	second := cardEvent(t, f, "slow", slowCard, map[string]any{"type": "authorize", "amount": "3", "decline": "risk_declined"})
	assert.Equal(t, "Fail", second["status"], "and so does another of its authorizations")
	close(release)
	wg.Wait()
	require.Equal(t, http.StatusCreated, slowStatus, "%s", slowBody)
	var slow map[string]any
	require.NoError(t, json.Unmarshal(slowBody, &slow))
	assert.Equal(t, "Pending", slow["status"], "the slow merchant's approval still counts")
}

func TestCardHistory(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	ks := f.KeySecure
	card, err := ks.AddCard(keysecure.Card{Status: keysecure.StatusPending})
	require.NoError(t, err)
	_, err = ks.Clock.Advance(time.Minute)
	require.NoError(t, err)
	require.NoError(t, ks.FreezeCard(card.ID))
	c, _ := ks.Card(card.ID)
	require.Len(t, c.History, 3)
	assert.Equal(t, core.CardChange{At: core.TestEpoch, To: string(keysecure.StatusPending), Cause: "Created by admin"}, c.History[0])
	assert.Equal(t, core.CardChange{At: core.TestEpoch.Add(time.Minute), From: string(keysecure.StatusPending), To: string(keysecure.StatusActivated), Cause: "Card issued"}, c.History[1])
	assert.Equal(t, string(keysecure.StatusFrozen), c.History[2].To)
	assert.Equal(t, "Frozen by platform", c.History[2].Cause)

	for i := 0; i < 40; i++ {
		if i%2 == 0 {
			require.NoError(t, ks.UnfreezeCard(card.ID))
		} else {
			require.NoError(t, ks.FreezeCard(card.ID))
		}
	}
	c, _ = ks.Card(card.ID)
	require.Len(t, c.History, core.CardHistoryLimit, "bounded")
	assert.Equal(t, string(keysecure.StatusFrozen), c.History[core.CardHistoryLimit-1].To)

	_, body := f.Admin(t, http.MethodGet, "/_mocksrv/tenants/default/keysecure/state", nil)
	assert.Contains(t, string(body), `"history"`, "the state dump shows it")

	auth, err := ks.CardEvent(card.ID, authorize("1"))
	require.NoError(t, err)
	require.Equal(t, keysecure.Failed, auth.Status)
	saved, err := f.MarshalState()
	require.NoError(t, err)
	g := sims.RunT(t)
	require.NoError(t, g.UnmarshalState(saved))
	back, _ := g.KeySecure.Card(card.ID)
	assert.Equal(t, c.History, back.History, "snapshots keep it")
	again, _ := g.KeySecure.Consumption(auth.ID)
	assert.Equal(t, auth, again)
}

func TestSnapshotKeepsTheBooks(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	ks := f.KeySecure
	h, err := ks.AddCardholder(keysecure.Cardholder{Balance: core.MustDecimal("100")})
	require.NoError(t, err)
	card, err := ks.AddCard(keysecure.Card{CardholderNo: h.ID})
	require.NoError(t, err)
	auth, err := ks.CardEvent(card.ID, authorize("30"))
	require.NoError(t, err)
	saved, err := f.MarshalState()
	require.NoError(t, err)

	g := sims.RunT(t)
	require.NoError(t, g.UnmarshalState(saved))
	assert.Equal(t, ks.Ledger(), g.KeySecure.Ledger())
	g.KeySecure.CheckMoney(t)
	_, err = g.KeySecure.Clock.Advance(7 * 24 * time.Hour)
	require.NoError(t, err)
	g.KeySecure.CheckConsumption(t, auth.ID, keysecure.Success)
	g.KeySecure.CheckBalance(t, h.ID, "100")
	g.KeySecure.CheckMoney(t)
	assert.Equal(t, fmt.Sprint(auth.ExpiresAt), fmt.Sprint(core.TestEpoch.Add(7*24*time.Hour)), "the default auth_expiry is 7 days")
}
