package uqpay_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

func TestAdminCreate(t *testing.T) {
	t.Parallel()
	s := uqpay.RunT(t)
	sub, err := core.ProviderOf(s.Host).Create("default", "sub_accounts", json.RawMessage(`{"account_id":"18523F72-F4DE-4F9C-BB8E-EC7D1C4F32BE","name":"Ops"}`))
	require.NoError(t, err)
	assert.Equal(t, "18523f72-f4de-4f9c-bb8e-ec7d1c4f32be", sub.(uqpay.SubAccount).ID)
	_, err = core.ProviderOf(s.Host).Create("default", "sub_accounts", json.RawMessage(`{"account_id":"18523f72-f4de-4f9c-bb8e-ec7d1c4f32be"}`))
	assert.Equal(t, core.KindConflict, core.KindOf(err))
	_, err = core.ProviderOf(s.Host).Create("default", "sub_accounts", json.RawMessage(`{"account_id":"ops"}`))
	assert.Equal(t, core.KindInvalid, core.KindOf(err))

	_, err = core.ProviderOf(s.Host).Create("default", "deposits", json.RawMessage(`{"account_id":"18523f72-f4de-4f9c-bb8e-ec7d1c4f32be","currency":"USD","amount":"250"}`))
	require.NoError(t, err)
	bal, err := s.BalanceOf("18523f72-f4de-4f9c-bb8e-ec7d1c4f32be", "USD")
	require.NoError(t, err)
	assert.Equal(t, "250", bal.Available.String())

	h, err := core.ProviderOf(s.Host).Create("default", "cardholders", json.RawMessage(`{"first_name":"Ada","last_name":"Lovelace","cardholder_status":"PENDING"}`))
	require.NoError(t, err)
	holder := h.(uqpay.Cardholder)
	assert.Equal(t, uqpay.CardholderPending, holder.Status)
	_, err = core.ProviderOf(s.Host).Create("default", "kyc", json.RawMessage(`{"cardholder_id":"`+holder.ID+`","decision":"approve"}`))
	require.NoError(t, err)
	s.CheckCardholderStatus(t, holder.ID, uqpay.CardholderSuccess)
	_, err = core.ProviderOf(s.Host).Create("default", "kyc", json.RawMessage(`{"cardholder_id":"`+holder.ID+`","decision":"maybe"}`))
	assert.Equal(t, core.KindInvalid, core.KindOf(err))

	c, err := core.ProviderOf(s.Host).Create("default", "cards", json.RawMessage(`{"cardholder_id":"`+holder.ID+`","balance":"75.5","card_status":"FROZEN"}`))
	require.NoError(t, err)
	card := c.(uqpay.Card)
	assert.Equal(t, uqpay.StatusFrozen, card.Status)
	s.CheckCardAvailable(t, card.ID, "75.5")
	s.CheckBalance(t, "USD", "99924.5")
	_, err = core.ProviderOf(s.Host).Create("default", "cards", json.RawMessage(`{"balance":"1000000"}`))
	assert.Equal(t, core.KindConflict, core.KindOf(err), "the issuing balance cannot fund it")
	_, err = core.ProviderOf(s.Host).Create("default", "cards", json.RawMessage(`{"colour":"red"}`))
	assert.Equal(t, core.KindInvalid, core.KindOf(err), "unknown fields are refused")
	_, err = core.ProviderOf(s.Host).Create("default", "cards", json.RawMessage(`{"card_product_id":"nope"}`))
	assert.Equal(t, core.KindNotFound, core.KindOf(err))

	require.NoError(t, s.UnfreezeCard(card.ID))
	txn, err := core.ProviderOf(s.Host).Create("default", "transactions", json.RawMessage(`{"card_id":"`+card.ID+`","amount":"5"}`))
	require.NoError(t, err)
	assert.Equal(t, uqpay.TxnApproved, txn.(uqpay.Transaction).Status)
	_, err = core.ProviderOf(s.Host).Create("default", "transactions", json.RawMessage(`{"card_id":"`+card.ID+`","amount":"5","transaction_type":"CHARGEBACK"}`))
	assert.Equal(t, core.KindInvalid, core.KindOf(err))
	_, err = core.ProviderOf(s.Host).Create("default", "widgets", nil)
	assert.Equal(t, core.KindNotFound, core.KindOf(err))
	_, err = core.ProviderOf(s.Host).Create("nobody", "cards", nil)
	assert.Error(t, err)
	s.CheckLedger(t)
}

func TestAdminCardActionsAndState(t *testing.T) {
	t.Parallel()
	s := uqpay.RunT(t)
	card, err := s.AddCard(uqpay.Card{Balance: mustDec("10")})
	require.NoError(t, err)
	require.NotEmpty(t, card.ID)
	out, err := core.ProviderOf(s.Host).CardAction("default", card.ID, "freeze")
	require.NoError(t, err)
	assert.Equal(t, uqpay.StatusFrozen, out.(uqpay.Card).Status)
	_, err = core.ProviderOf(s.Host).CardAction("default", card.ID, "freeze")
	assert.Equal(t, core.KindConflict, core.KindOf(err))
	_, err = core.ProviderOf(s.Host).CardAction("default", "nope", "freeze")
	assert.Equal(t, core.KindNotFound, core.KindOf(err))
	_, err = core.ProviderOf(s.Host).CardAction("default", card.ID, "cancel")
	require.NoError(t, err)
	s.CheckCardStatus(t, card.ID, uqpay.StatusPreCancel)
	_, err = s.Clock.Advance(30 * 24 * time.Hour)
	require.NoError(t, err)
	s.CheckCardStatus(t, card.ID, uqpay.StatusCancelled)

	pending, err := s.AddCard(uqpay.Card{Status: uqpay.StatusPending, FormFactor: uqpay.Physical})
	require.NoError(t, err)
	require.NoError(t, s.ActivateCard(pending.ID))
	s.CheckCardStatus(t, pending.ID, uqpay.StatusActive)
	require.NoError(t, s.ExpireCard(pending.ID))
	c, _ := s.Card(pending.ID)
	assert.Equal(t, "Card expired", c.UpdateReason)

	st, err := core.ProviderOf(s.Host).State("default")
	require.NoError(t, err)
	dump := st.(uqpay.StateDump)
	require.Len(t, dump.Accounts, 1)
	assert.Len(t, dump.Accounts[0].Cards, 2)
	for _, l := range dump.Ledger {
		assert.True(t, l.Balanced, l.Currency)
	}
	b, err := json.Marshal(st)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"card_status":"CANCELLED"`)
}

func TestSnapshotRestore(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	card := f.card(f.holder("snap@example.com"), uqpay.ProductSingle, 33)
	sub, err := f.s.AddSubAccount("Snap")
	require.NoError(t, err)
	_, err = f.sdk.SimulateAuthorization(f.ctx, auth(card, 3, "Shop"))
	require.NoError(t, err)
	sgd := f.s.Balance("SGD").Available
	dep, err := f.sdk.SimulateDeposit(f.ctx, &CreateDepositRequest{Amount: 12, Currency: "SGD", SenderSwiftCode: "WELGBE22"})
	require.NoError(t, err)
	snap, err := core.ProviderOf(f.s.Host).Snapshot("default") // the deposit is still PENDING: nothing settled since
	require.NoError(t, err)
	var saved struct {
		Deposits []uqpay.Deposit `json:"deposits"`
	}
	require.NoError(t, json.Unmarshal(snap, &saved))
	require.Len(t, saved.Deposits, 1)
	require.Equal(t, uqpay.DepositPending, saved.Deposits[0].Status)

	other := uqpay.RunT(t)
	require.NoError(t, core.ProviderOf(other.Host).Restore(other.Env.Default(), snap))
	c, ok := other.Card(card)
	require.True(t, ok)
	assert.Equal(t, "30", c.Balance.String())
	assert.Equal(t, "3", c.Held.String())
	assert.Equal(t, []uqpay.SubAccount{{ID: sub.ID, Name: "Snap", CreatedAt: sub.CreatedAt}}, other.SubAccounts())
	d, ok := other.SimulatedDeposit(dep.DepositID)
	require.True(t, ok, "deposits come along")
	assert.Equal(t, uqpay.DepositCompleted, d.Status, "and so does their scheduled review")
	other.CheckBalance(t, "SGD", sgd.Add(mustDec("12")).String())
	other.CheckLedger(t)
	_, err = other.Clock.Advance(24 * time.Hour)
	require.NoError(t, err)
	c, _ = other.Card(card)
	assert.True(t, c.Held.IsZero(), "the scheduled settlement came along")
	assert.Error(t, core.ProviderOf(other.Host).Restore(other.Env.Default(), json.RawMessage(`{`)))
}

func TestTenants(t *testing.T) {
	t.Parallel()
	s := uqpay.RunT(t)
	tn := &core.Tenant{ID: "ci-7", Seed: 7, Clock: core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))}
	require.NoError(t, s.Tenants.Add(tn))
	creds, err := core.ProviderOf(s.Host).AddTenant(tn, json.RawMessage(`{"client_id":"ci-7-client","api_key":"ci-7-key","webhook_secret":"ci-7-secret"}`))
	require.NoError(t, err)
	assert.Equal(t, uqpay.Credentials{ClientID: "ci-7-client", APIKey: "ci-7-key", WebhookSecret: "ci-7-secret"}, creds)
	_, err = core.ProviderOf(s.Host).AddTenant(&core.Tenant{ID: "ci-8", Clock: core.NewClock()}, json.RawMessage(`{"client_id":"ci-7-client","api_key":"k"}`))
	assert.ErrorContains(t, err, "already used")
	_, err = core.ProviderOf(s.Host).AddTenant(&core.Tenant{ID: "ci-9", Clock: core.NewClock()}, json.RawMessage(`{"client_id":"only-id"}`))
	assert.ErrorContains(t, err, "both client_id and api_key")

	c := uqpay.NewClient(s.URL(), "ci-7-client", "ci-7-key")
	c.HTTP = s.Client()
	resp, err := c.Do(context.Background(), http.MethodGet, "/v1/issuing/cards", nil)
	require.NoError(t, err)
	require.True(t, resp.OK(), "%s", resp.Body)
	assert.Contains(t, string(resp.Body), `"total_items":0`)
	if _, err := s.AddCard(uqpay.Card{}); err != nil {
		t.Fatal(err)
	}
	resp, err = c.Do(context.Background(), http.MethodGet, "/v1/issuing/cards", nil)
	require.NoError(t, err)
	assert.Contains(t, string(resp.Body), `"total_items":0`, "the default tenant's card is not ci-7's")

	require.NoError(t, core.ProviderOf(s.Host).ResetTenant("ci-7"))
	resp, err = c.DoRaw(context.Background(), http.MethodGet, "/v1/issuing/cards", nil, http.Header{"X-Auth-Token": {"Bearer " + mustToken(t, c)}})
	require.NoError(t, err)
	assert.True(t, resp.OK(), "a fresh token works after the reset")
	core.ProviderOf(s.Host).RemoveTenant("ci-7")
	_, ok := core.ProviderOf(s.Host).Credentials("ci-7")
	assert.False(t, ok)
	assert.Error(t, core.ProviderOf(s.Host).ResetTenant("ci-7"))
}

func mustToken(t *testing.T, c *uqpay.Client) string {
	t.Helper()
	resp, err := c.DoRaw(context.Background(), http.MethodPost, "/v1/connect/token", nil,
		http.Header{"X-Client-Id": {c.ClientID}, "X-Api-Key": {c.APIKey}})
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.Status, "%s", resp.Body)
	var tok struct {
		AuthToken string `json:"auth_token"`
	}
	require.NoError(t, resp.Decode(&tok))
	return tok.AuthToken
}

// TestInTheFleet runs UQPay inside the Fleet: its real path, the admin
// API's tenants, card actions and creation, and its webhooks.
func TestInTheFleet(t *testing.T) {
	t.Parallel()
	fl := sims.RunT(t)
	admin := func(method, path, body string) (int, []byte) {
		req, err := http.NewRequest(method, fl.URL()+path, bytes.NewReader([]byte(body)))
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	status, b := admin(http.MethodPost, "/_mocksrv/tenants", `{"id":"fleet-uq"}`)
	require.Equal(t, http.StatusCreated, status, "%s", b)
	var info map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &info))
	var creds uqpay.Credentials
	require.NoError(t, json.Unmarshal(info["uqpay"], &creds))
	require.NotEmpty(t, creds.ClientID)

	status, b = admin(http.MethodPost, "/_mocksrv/tenants/fleet-uq/uqpay/cards", `{}`)
	require.Equal(t, http.StatusCreated, status, "%s", b)
	var card uqpay.Card
	require.NoError(t, json.Unmarshal(b, &card))
	status, b = admin(http.MethodPost, "/_mocksrv/tenants/fleet-uq/uqpay/cards/"+card.ID+"/freeze", "")
	require.Equal(t, http.StatusOK, status, "%s", b)

	c := uqpay.NewClient(fl.URL(), creds.ClientID, creds.APIKey)
	resp, err := c.Do(context.Background(), http.MethodGet, "/v1/issuing/cards/"+card.ID, nil)
	require.NoError(t, err)
	require.True(t, resp.OK(), "%s", resp.Body)
	contracts.Validate(t, "uqpay/card_retrieve.response.json", resp.Body)
	assert.Contains(t, string(resp.Body), `"card_status":"FROZEN"`)
	resp, err = uqpay.NewClient(fl.URL(), uqpay.DefaultClientID, uqpay.DefaultAPIKey).Do(context.Background(), http.MethodGet, "/v1/issuing/cards/"+card.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, "card_not_found", resp.Err.Code, "the default tenant cannot see fleet-uq's card")

	status, b = admin(http.MethodGet, "/_mocksrv/tenants/fleet-uq/uqpay/state", "")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, string(b), card.ID)
	status, b = admin(http.MethodGet, "/api/v1/issuing/nothing", "")
	assert.Equal(t, http.StatusNotFound, status)
	contracts.Validate(t, "uqpay/error.json", b)
	assert.Contains(t, string(b), `"code":"not_found"`)
}

// TestTenantSettings sets the Deviations' switches for one tenant through
// the admin API, as a QA run against the binary does: token revocation,
// the BIN pool, the opening balance, strict paging; a misspelt or
// out-of-range switch is refused.
func TestTenantSettings(t *testing.T) {
	t.Parallel()
	fl := sims.RunT(t)
	admin := func(method, path, body string) (int, []byte) {
		req, err := http.NewRequest(method, fl.URL()+path, bytes.NewReader([]byte(body)))
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	status, b := admin(http.MethodPost, "/_mocksrv/tenants", `{"id":"uq-settings","uqpay":{"revoke_tokens":true,"card_quota":1,
		"issue_delay":"0s","initial_balances":{"USD":"50"},"strict_paging":true,"token_rate_limit":3}}`)
	require.Equal(t, http.StatusCreated, status, "%s", b)
	var info map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &info))
	var creds uqpay.Credentials
	require.NoError(t, json.Unmarshal(info["uqpay"], &creds))
	c := uqpay.NewClient(fl.URL(), creds.ClientID, creds.APIKey)
	c.HTTP = &http.Client{Transport: contractTransport{t: t, base: http.DefaultTransport}} // every answer meets its contract
	ctx := context.Background()
	get := func(tok, path string) *uqpay.Response {
		t.Helper()
		resp, err := c.DoRaw(ctx, http.MethodGet, path, nil, http.Header{"X-Auth-Token": {"Bearer " + tok}})
		require.NoError(t, err)
		return resp
	}

	t.Run("a new token revokes the older ones", func(t *testing.T) {
		first := mustToken(t, c)
		second, err := c.Token(ctx) // the client keeps this one for the next subtest
		require.NoError(t, err)
		resp := get(first, "/v1/issuing/balances")
		require.Equal(t, http.StatusUnauthorized, resp.Status)
		assert.Contains(t, resp.Err.Message, "revoked")
		assert.True(t, get(second, "/v1/issuing/balances").OK())
	})
	t.Run("opening balance, strict paging and the bin pool", func(t *testing.T) {
		tok, err := c.Token(ctx)
		require.NoError(t, err)
		resp := get(tok, "/v1/issuing/balances")
		require.True(t, resp.OK(), "%s", resp.Body)
		assert.Contains(t, string(resp.Body), `"currency":"USD","available_balance":"50.00"`)
		resp = get(tok, "/v1/issuing/cards?page_size=0&page_number=1")
		require.Equal(t, http.StatusBadRequest, resp.Status)
		assert.Contains(t, resp.Err.Message, "page_size")

		resp, err = c.Do(ctx, http.MethodPost, "/v1/issuing/cardholders", map[string]any{"email": "quota@example.com",
			"phone_number": "81234567", "first_name": "Quota", "last_name": "Test", "country_code": "SG"})
		require.NoError(t, err)
		require.True(t, resp.OK(), "%s", resp.Body)
		var h struct {
			ID string `json:"cardholder_id"`
		}
		require.NoError(t, resp.Decode(&h))
		var cards []string
		for range 2 {
			resp, err = c.Do(ctx, http.MethodPost, "/v1/issuing/cards", map[string]any{"cardholder_id": h.ID,
				"card_product_id": uqpay.ProductShare, "card_currency": "USD"})
			require.NoError(t, err)
			require.True(t, resp.OK(), "%s", resp.Body)
			var cr struct {
				ID string `json:"card_id"`
			}
			require.NoError(t, resp.Decode(&cr))
			cards = append(cards, cr.ID)
		}
		resp = get(tok, "/v1/issuing/cards/"+cards[0])
		assert.Contains(t, string(resp.Body), `"card_status":"ACTIVE"`)
		resp = get(tok, "/v1/issuing/cards/"+cards[1])
		assert.Contains(t, string(resp.Body), `"card_status":"FAILED"`)
		assert.Contains(t, string(resp.Body), "card pool of BIN 40963608 is exhausted")
	})
	t.Run("the token rate limit is the tenant's", func(t *testing.T) {
		mustToken(t, c) // the third of the minute
		resp, err := c.DoRaw(ctx, http.MethodPost, "/v1/connect/token", nil,
			http.Header{"X-Client-Id": {c.ClientID}, "X-Api-Key": {c.APIKey}})
		require.NoError(t, err)
		require.Equal(t, http.StatusTooManyRequests, resp.Status, "token_rate_limit 3: the fourth token of the minute")
		assert.Contains(t, resp.Err.Message, "at most 3 token requests per minute")
		resp, err = uqpay.NewClient(fl.URL(), uqpay.DefaultClientID, uqpay.DefaultAPIKey).DoRaw(ctx, http.MethodPost,
			"/v1/connect/token", nil, http.Header{"X-Client-Id": {uqpay.DefaultClientID}, "X-Api-Key": {uqpay.DefaultAPIKey}})
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, resp.Status, "other tenants keep the default limit")
	})
	t.Run("a snapshot keeps the settings", func(t *testing.T) {
		snap, err := core.ProviderOf(fl.UQPay.Host).Snapshot("uq-settings")
		require.NoError(t, err)
		other := uqpay.RunT(t)
		tn := &core.Tenant{ID: "uq-settings", Clock: core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))}
		require.NoError(t, other.Tenants.Add(tn))
		require.NoError(t, core.ProviderOf(other.Host).Restore(tn, snap))
		oc := uqpay.NewClient(other.URL(), creds.ClientID, creds.APIKey)
		oc.HTTP = other.Client()
		first, second := mustToken(t, oc), mustToken(t, oc)
		resp, err := oc.DoRaw(ctx, http.MethodGet, "/v1/issuing/cards?page_size=0", nil, http.Header{"X-Auth-Token": {"Bearer " + second}})
		require.NoError(t, err)
		assert.Equal(t, http.StatusBadRequest, resp.Status, "strict paging came along")
		resp, err = oc.DoRaw(ctx, http.MethodGet, "/v1/issuing/balances", nil, http.Header{"X-Auth-Token": {"Bearer " + first}})
		require.NoError(t, err)
		assert.Equal(t, http.StatusUnauthorized, resp.Status, "token revocation came along")
	})
	t.Run("bad switches are refused", func(t *testing.T) {
		for body, want := range map[string]string{
			`{"id":"uq-typo","uqpay":{"revoke_token":true}}`:           "revoke_token",
			`{"id":"uq-neg","uqpay":{"card_quota":-1}}`:                "card_quota",
			`{"id":"uq-ttl","uqpay":{"token_ttl":"0s"}}`:               "token_ttl",
			`{"id":"uq-cur","uqpay":{"initial_balances":{"EUR":"1"}}}`: "EUR",
		} {
			status, b := admin(http.MethodPost, "/_mocksrv/tenants", body)
			assert.GreaterOrEqual(t, status, 400, body)
			assert.Contains(t, string(b), want, body)
		}
	})
}
