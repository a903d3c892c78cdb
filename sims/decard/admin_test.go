package decard_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/decard"
)

// TestAdmin drives the admin surface the Fleet exposes: Create of every
// kind, CardAction in DeCard's vocabulary, and State.
func TestAdmin(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	create := func(kind, body string) any {
		t.Helper()
		out, err := s.Create(core.DefaultTenant, kind, json.RawMessage(body))
		require.NoError(t, err, "%s %s", kind, body)
		return out
	}
	u := create("users", `{"mobileCode":"SG","mobile":"91234567","kycStatus":"PASS","name":"Ada Lovelace","balances":{"USD":"50"}}`).(decard.User)
	assert.Equal(t, "ADA LOVELACE", u.Name)
	s.CheckBalance(t, u.ID, "USD", "50")
	card := create("cards", `{"externalUserId":"`+u.ID+`","cardMantissa":"4242","physicalCardStatus":"ACTIVE"}`).(decard.Card)
	assert.Equal(t, "4242", card.Mantissa())
	assert.True(t, core.LuhnValid(card.PAN))
	create("balances", `{"externalUserId":"`+u.ID+`","asset":"USDT","amount":"5"}`)
	out := create("transactions", `{"externalUserId":"`+u.ID+`","cardMantissa":"4242","amount":"12.34","merchantName":"COFFEE"}`).(decard.Outcome)
	assert.True(t, out.Approved)
	assert.Equal(t, "COFFEE", out.Txn.Merchant)
	create("kyc", `{"externalUserId":"`+u.ID+`","status":"REFUSE"}`)
	s.CheckKYCStatus(t, u.ID, decard.KYCRefuse)
	create("deposits", `{"externalUserId":"`+u.ID+`","amount":"3"}`)
	create("user_status", `{"externalUserId":"`+u.ID+`","forbidCardTransaction":true}`)

	_, err := s.Create(core.DefaultTenant, "cards", json.RawMessage(`{"cardMantisa":"1"}`))
	assert.Error(t, err, "unknown fields are refused")
	_, err = s.Create(core.DefaultTenant, "pets", nil)
	assert.Equal(t, core.KindNotFound, core.KindOf(err))

	for _, step := range []struct{ action, want string }{
		{"freeze", "FROZEN"}, {"unfreeze", "NORMAL"}, {"block", "FROZEN"}, {"expire", "CANCELLED"},
	} {
		res, err := s.CardAction(core.DefaultTenant, card.ID, step.action)
		require.NoError(t, err, step.action)
		assert.Contains(t, jsonOf(t, res), `"cardStatus":"`+step.want+`"`)
	}
	_, err = s.CardAction(core.DefaultTenant, card.ID, "unfreeze")
	assert.Error(t, err, "CANCELLED is terminal")
	_, err = s.CardAction(core.DefaultTenant, card.ID, "shred")
	assert.Equal(t, core.KindInvalid, core.KindOf(err))
	fresh := create("cards", `{"externalUserId":"`+u.ID+`","cardStatus":"INACTIVE"}`).(decard.Card)
	_, err = s.CardAction(core.DefaultTenant, fresh.ID, "activate")
	require.NoError(t, err)
	s.CheckCardStatus(t, fresh.ID, decard.CardNormal)

	st, err := s.State(core.DefaultTenant)
	require.NoError(t, err)
	dump := st.(decard.StateDump)
	assert.Len(t, dump.Users, 1)
	assert.Len(t, dump.Cards, 2)
	assert.Equal(t, 1, dump.Transactions)
	_, err = s.State("nobody")
	assert.Error(t, err)
}

// TestTenants: tenants are isolated, credentials can be chosen, reset
// keeps them.
func TestTenants(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	tenant := &core.Tenant{ID: "ci-7", Seed: 7, Clock: core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))}
	require.NoError(t, s.Tenants.Add(tenant))
	raw, err := s.AddTenant(tenant, json.RawMessage(`{"api_key":"ci-key","api_secret":"`+decard.DefaultAPISecret+`"}`))
	require.NoError(t, err)
	assert.Equal(t, decard.Credentials{APIKey: "ci-key", APISecret: decard.DefaultAPISecret}, raw)
	_, err = s.AddTenant(&core.Tenant{ID: "dup", Clock: tenant.Clock}, json.RawMessage(`{"api_key":"ci-key","api_secret":"x"}`))
	assert.Error(t, err, "api keys are unique")
	_, err = s.AddTenant(&core.Tenant{ID: "half", Clock: tenant.Clock}, json.RawMessage(`{"api_key":"only"}`))
	assert.Error(t, err)

	c := decard.NewClient(s.URL(), "ci-key", decard.DefaultAPISecret)
	c.HTTP = s.Client()
	user := register(t, c, "90000001")
	_, seen := s.User(user)
	assert.False(t, seen, "the default tenant does not see ci-7's user")
	mustCode(t, s.NewClient(), "account.kyc_status", "GET", "/account/v1/kyc-status", decard.Q("externalUserId", user), nil, "ACCOUNT_USER_NOT_EXIST")

	require.NoError(t, s.ResetTenant("ci-7"))
	mustCode(t, c, "account.kyc_status", "GET", "/account/v1/kyc-status", decard.Q("externalUserId", user), nil, "ACCOUNT_USER_NOT_EXIST")
	creds, ok := s.Credentials("ci-7")
	require.True(t, ok)
	assert.Equal(t, "ci-key", creds.(decard.Credentials).APIKey)
	s.RemoveTenant("ci-7")
	mustCode(t, c, "card.list", "GET", "/card/v1/list", nil, nil, "DAPI_SECRET_KEY_EMPTY")
}

// TestSnapshotRestore saves a busy tenant and restores it into a new
// server: same state, and time-driven work carries on.
func TestSnapshotRestore(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	c := s.NewClient()
	var ch string
	get(t, c, "websocket.get_channel", "/websocket/v1/get-channel", &ch)
	user, card := userWithCard(t, s, c, "90000002")
	credit(t, c, user, "USD", "40", "snap-00001")
	post(t, c, "simulation.fund_auth", "/simulation/v1/fund-auth", map[string]any{"externalUserId": user, "cardMantissa": card.mantissa(),
		"authType": "EXPEND", "amount": "15", "currency": "USD"}, nil)
	snap, err := s.Snapshot(core.DefaultTenant)
	require.NoError(t, err)
	before, err := s.State(core.DefaultTenant)
	require.NoError(t, err)

	clock := core.NewFrozenClock(s.Clock.Now())
	r := decard.RunT(t, decard.WithClock(clock), decard.WithSeed(99))
	require.NoError(t, r.Restore(r.Env.Default(), snap))
	after, err := r.State(core.DefaultTenant)
	require.NoError(t, err)
	assert.JSONEq(t, jsonOf(t, before), jsonOf(t, after))

	rc := r.NewClient()
	assert.Equal(t, "25", details(t, rc, user)[0].WalletBalance)
	stream, err := rc.Dial(ctx, ch)
	require.NoError(t, err, "the channel survives the restore")
	_ = stream.Close()
	_, err = clock.Advance(40 * 24 * time.Hour)
	require.NoError(t, err)
	var list []statement
	get(t, rc, "card.statements", "/card/v1/statements", &list, decard.Q("externalUserId", user)...)
	require.Len(t, list, 3, "the open cycle and two closed ones")
	assert.Equal(t, "15", list[2].PaymentAmountInUsd)
	_, err = rc.Dial(ctx, ch)
	require.Error(t, err, "the channel expired after 24 h of business time")
}

// TestUnroutedExamples checks the published examples no route owns: the
// AK/SK extraction (fixed copy of the invalid published JSON).
func TestUnroutedExamples(t *testing.T) {
	t.Parallel()
	body, err := contracts.EmbeddedExample(decard.Name, "aksk-secret-extract.response.json")
	require.NoError(t, err)
	assert.NoError(t, contracts.CheckMode("decard/aksk_secret_extract.response.json", body, contracts.DocStrict))
	for _, f := range []string{"aksk-secret-extract.response.json.txt", "card-v1-fiat-transactions.response.json.txt", "crypto-v2-deposit-address.response.json.txt"} {
		raw, err := contracts.EmbeddedExample(decard.Name, f)
		require.NoError(t, err)
		assert.False(t, json.Valid(raw), "%s is kept verbatim, invalid as published", f)
	}
}
