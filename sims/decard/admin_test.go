package decard_test

import (
	"encoding/json"
	"fmt"
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
		out, err := core.ProviderOf(s.Host).Create(core.DefaultTenant, kind, json.RawMessage(body))
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

	_, err := core.ProviderOf(s.Host).Create(core.DefaultTenant, "cards", json.RawMessage(`{"cardMantisa":"1"}`))
	assert.Error(t, err, "unknown fields are refused")
	chosen := create("cards", `{"externalUserId":"`+u.ID+`","cardId":"4963470291345054209","categoryId":"40102000"}`).(decard.Card)
	assert.Equal(t, "4963470291345054209", chosen.ID, "a card can get the cardId a test names")
	for _, bad := range []string{`{"cardId":"4963470291345054209"}`, `{"cardId":"card-1"}`, `{"cardStatus":"FROZN"}`,
		`{"physicalCardStatus":"SHIPPED"}`, `{"cardMantissa":"12"}`, `{"categoryId":"999"}`} {
		_, err = core.ProviderOf(s.Host).Create(core.DefaultTenant, "cards", json.RawMessage(bad))
		assert.Equal(t, core.KindInvalid, core.KindOf(err), bad)
	}
	_, err = core.ProviderOf(s.Host).Create(core.DefaultTenant, "pets", nil)
	assert.Equal(t, core.KindNotFound, core.KindOf(err))

	for _, step := range []struct{ action, want string }{
		{"freeze", "FROZEN"}, {"unfreeze", "NORMAL"}, {"block", "FROZEN"}, {"expire", "CANCELLED"},
	} {
		res, err := core.ProviderOf(s.Host).CardAction(core.DefaultTenant, card.ID, step.action)
		require.NoError(t, err, step.action)
		assert.Contains(t, jsonOf(t, res), `"cardStatus":"`+step.want+`"`)
	}
	_, err = core.ProviderOf(s.Host).CardAction(core.DefaultTenant, card.ID, "unfreeze")
	assert.Error(t, err, "CANCELLED is terminal")
	_, err = core.ProviderOf(s.Host).CardAction(core.DefaultTenant, card.ID, "shred")
	assert.Equal(t, core.KindInvalid, core.KindOf(err))
	fresh := create("cards", `{"externalUserId":"`+u.ID+`","cardStatus":"INACTIVE"}`).(decard.Card)
	_, err = core.ProviderOf(s.Host).CardAction(core.DefaultTenant, fresh.ID, "activate")
	require.NoError(t, err)
	s.CheckCardStatus(t, fresh.ID, decard.CardNormal)

	st, err := core.ProviderOf(s.Host).State(core.DefaultTenant)
	require.NoError(t, err)
	dump := st.(decard.StateDump)
	assert.Len(t, dump.Users, 1)
	assert.Len(t, dump.Cards, 3)
	assert.Equal(t, 1, dump.Transactions)
	_, err = core.ProviderOf(s.Host).State("nobody")
	assert.Error(t, err)
}

// TestTenants: tenants are isolated, credentials can be chosen, reset
// keeps them.
func TestTenants(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	tenant := &core.Tenant{ID: "ci-7", Seed: 7, Clock: core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))}
	require.NoError(t, s.Tenants.Add(tenant))
	raw, err := core.ProviderOf(s.Host).AddTenant(tenant, json.RawMessage(`{"api_key":"ci-key","api_secret":"`+decard.DefaultAPISecret+`"}`))
	require.NoError(t, err)
	assert.Equal(t, decard.Credentials{APIKey: "ci-key", APISecret: decard.DefaultAPISecret}, raw)
	_, err = core.ProviderOf(s.Host).AddTenant(&core.Tenant{ID: "dup", Clock: tenant.Clock}, json.RawMessage(`{"api_key":"ci-key","api_secret":"x"}`))
	assert.Error(t, err, "api keys are unique")
	_, err = core.ProviderOf(s.Host).AddTenant(&core.Tenant{ID: "half", Clock: tenant.Clock}, json.RawMessage(`{"api_key":"only"}`))
	assert.Error(t, err)

	c := decard.NewClient(s.URL(), "ci-key", decard.DefaultAPISecret)
	c.HTTP = s.Client()
	user := register(t, c, "90000001")
	_, seen := s.User(user)
	assert.False(t, seen, "the default tenant does not see ci-7's user")
	mustCode(t, s.NewClient(), "account.kyc_status", "GET", "/account/v1/kyc-status", decard.Q("externalUserId", user), nil, "ACCOUNT_USER_NOT_EXIST")

	require.NoError(t, core.ProviderOf(s.Host).ResetTenant("ci-7"))
	mustCode(t, c, "account.kyc_status", "GET", "/account/v1/kyc-status", decard.Q("externalUserId", user), nil, "ACCOUNT_USER_NOT_EXIST")
	creds, ok := core.ProviderOf(s.Host).Credentials("ci-7")
	require.True(t, ok)
	assert.Equal(t, "ci-key", creds.(decard.Credentials).APIKey)
	core.ProviderOf(s.Host).RemoveTenant("ci-7")
	mustCode(t, c, "card.list", "GET", "/card/v1/list", nil, nil, "DAPI_SECRET_KEY_EMPTY")
}

// TestTenantSettings: a tenant's "decard" options carry the Deviations
// switches (the With… options), checked like them, kept by a reset and a
// snapshot, and without effect on other tenants.
func TestTenantSettings(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	clock := core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	add := func(id, opts string) (decard.Credentials, error) {
		tenant := &core.Tenant{ID: id, Seed: 3, Clock: clock}
		require.NoError(t, s.Tenants.Add(tenant))
		creds, err := core.ProviderOf(s.Host).AddTenant(tenant, json.RawMessage(opts))
		if err != nil {
			return decard.Credentials{}, err
		}
		return creds.(decard.Credentials), nil
	}
	for i, bad := range []struct{ opts, want string }{
		{`{"timestamp_windw":"30s"}`, "timestamp_windw"},
		{`{"timestamp_window":"0s"}`, "timestamp window must be positive"},
		{`{"statement_day":31}`, "statement day 31"},
		{`{"sms_attempts":0}`, "SMS attempts"},
		{`{"rates":{"SGD":"-1"}}`, "rate SGD"},
		{`{"fund_pool":"lots"}`, "fund pool"},
		{`{"posting_delay":"-1h"}`, "posting_delay must not be negative"},
		{`{"kyc_review_delay":"soon"}`, "duration"},
		{`{"qr_order_ttl":"0s"}`, "QR order lifetime must be positive"},
		{`{"fc_settle_delay":"-1m"}`, "fc_settle_delay must not be negative"},
		{`{"fc_withdraw_fee":"-1"}`, "withdrawal fee"},
		{`{"strict_query_signature":"yes"}`, "strict_query_signature"},
	} {
		_, err := add(fmt.Sprintf("bad-%d", i), bad.opts)
		assert.ErrorContains(t, err, bad.want, bad.opts)
	}

	creds, err := add("ci-slow", `{"timestamp_window":"1m","sms_code":"246810","kyc_submit_delay":"0s","kyc_review_delay":"0s",
		"issue_delay":"0s","rates":{"SGD":"1.5"}}`)
	require.NoError(t, err)
	c := decard.NewClient(s.URL(), creds.APIKey, creds.APISecret)
	c.HTTP = s.Client()
	stale := func(c *decard.Client) {
		c.Now = func() time.Time { return core.WallNow().Add(-30 * time.Second) }
	}

	// The tenant's window: 30 s old is fine for ci-slow, not for the default tenant.
	stale(c)
	get(t, c, "card.list", "/card/v1/list", nil)
	d := s.NewClient()
	stale(d)
	mustCode(t, d, "card.list", "GET", "/card/v1/list", nil, nil, "DAPI_TIMESTAMP_EXPIRED")

	// Its SMS code, instant KYC and issuing, and SGD rate.
	c.Now = nil
	post(t, c, "captcha.send_mobile_code", "/captcha/v1/send-mobile-code", map[string]any{"mobileCode": "SG", "mobile": "90000011", "behavioral": "REGISTER"}, nil)
	mustCode(t, c, "account.register", "POST", "/account/v1/register", nil,
		map[string]any{"mobileCode": "SG", "mobile": "90000011", "smsCode": decard.DefaultSMSCode}, "MFA_SMS_FAILED")
	var user string
	post(t, c, "account.register", "/account/v1/register", map[string]any{"mobileCode": "SG", "mobile": "90000011", "smsCode": "246810"}, &user)
	apply(t, c, user, "10102000", "settings-1", kycInfo())
	cards := details(t, c, user)
	require.Len(t, cards, 1, "KYC and issuing take no business time for this tenant")
	credit(t, c, user, "USD", "10", "settings-001")
	post(t, c, "simulation.fund_auth", "/simulation/v1/fund-auth", map[string]any{"externalUserId": user, "cardMantissa": cards[0].mantissa(),
		"authType": "EXPEND", "amount": "2", "currency": "USD"}, nil)
	var rows []struct {
		PostingAmountInSgd string `json:"postingAmountInSgd"`
	}
	get(t, c, "card.statement_detail", "/card/v1/statements/detail", &rows, decard.Q("externalUserId", user, "statementId", "NO_POSTED")...)
	require.Len(t, rows, 1)
	assert.Equal(t, "3", rows[0].PostingAmountInSgd, "1 USD = 1.5 SGD for this tenant")

	// A reset and a snapshot keep the settings.
	require.NoError(t, core.ProviderOf(s.Host).ResetTenant("ci-slow"))
	stale(c)
	get(t, c, "card.list", "/card/v1/list", nil)
	snap, err := core.ProviderOf(s.Host).Snapshot("ci-slow")
	require.NoError(t, err)
	assert.Contains(t, string(snap), `"timestamp_window":"1m0s"`)
	r := decard.RunT(t)
	restored := &core.Tenant{ID: "ci-slow", Seed: 3, Clock: clock}
	require.NoError(t, r.Tenants.Add(restored))
	require.NoError(t, core.ProviderOf(r.Host).Restore(restored, snap))
	rc := decard.NewClient(r.URL(), creds.APIKey, creds.APISecret)
	rc.HTTP = r.Client()
	stale(rc)
	get(t, rc, "card.list", "/card/v1/list", nil)
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
	// A QR order waiting for its confirm, a financial-connection user with a
	// withdrawal in flight and a steered outcome: all carry over.
	order := qrCreate(t, c, user, wechatQR, "USD", "5")
	fcu, err := s.AddFCUser(decard.NewFCUser{UserRef: "snap", Balances: map[string]string{"USD": "50"}})
	require.NoError(t, err)
	post(t, c, "financial_connection.withdraw", "/financial-connection/v1/withdraw", withdrawal("snap-wd", fcu.ID, "20"), nil)
	require.NoError(t, s.SetOutcome(decard.NewOutcome{UserID: fcu.ID, Route: "financial_connection.payment"}))
	snap, err := core.ProviderOf(s.Host).Snapshot(core.DefaultTenant)
	require.NoError(t, err)
	before, err := core.ProviderOf(s.Host).State(core.DefaultTenant)
	require.NoError(t, err)

	clock := core.NewFrozenClock(s.Clock.Now())
	r := decard.RunT(t, decard.WithClock(clock), decard.WithSeed(99))
	require.NoError(t, core.ProviderOf(r.Host).Restore(r.Env.Default(), snap))
	after, err := core.ProviderOf(r.Host).State(core.DefaultTenant)
	require.NoError(t, err)
	assert.JSONEq(t, jsonOf(t, before), jsonOf(t, after))

	rc := r.NewClient()
	assert.Equal(t, "25", details(t, rc, user)[0].WalletBalance)
	r.CheckMoney(t)
	assert.Equal(t, "SUCCESS", qrConfirm(t, rc, user, order.OrderID).Status)
	var p fcTxn
	post(t, rc, "financial_connection.payment", "/financial-connection/v1/payment", money("snap-pay", fcu.ID, "1", "USD"), &p)
	assert.Equal(t, "FAILED", p.PaymentStatus, "the steered outcome survived")
	var tr fcUser
	get(t, rc, "financial_connection.query_user_info", "/financial-connection/v1/query-user-info", &tr, decard.Q("userRef", "snap")...)
	_, free, freeze := tr.va("USD")
	assert.Equal(t, "30", free)
	assert.Equal(t, "20", freeze)
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
	var wd fcTxn
	get(t, rc, "financial_connection.query_withdrawal_info", "/financial-connection/v1/query-withdrawal-info", &wd, decard.Q("externalTranId", "snap-wd")...)
	assert.Equal(t, "SUCCESS", wd.WithdrawStatus, "the withdrawal settled on the restored clock")
	r.CheckMoney(t)
}

// TestAdminOutcomesAndFC: the admin kinds of the new resources refuse
// what they cannot do, naming it.
func TestAdminOutcomesAndFC(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	u, err := s.AddUser(decard.NewUser{})
	require.NoError(t, err)
	fc, err := s.AddFCUser(decard.NewFCUser{ID: "fc-user-1", Balances: map[string]string{"SGD": "10"}})
	require.NoError(t, err)
	assert.Equal(t, "fc-user-1", fc.ID)
	accounts := s.FCAccounts(fc.ID)
	require.Len(t, accounts, 2)
	assert.Equal(t, "10", accounts[1].Free.String(), "the SGD account")
	_, err = core.ProviderOf(s.Host).Create(core.DefaultTenant, "bank_transfers", json.RawMessage(`{"vaNumber":"`+accounts[0].Number+`","amount":"7.5","payerName":"ACME"}`))
	require.NoError(t, err)
	assert.Equal(t, "7.5", s.FCAccounts(fc.ID)[0].Free.String())
	s.CheckMoney(t)
	for _, tt := range []struct {
		kind, body, msg string
		want            core.Kind
	}{
		{"outcomes", `{"externalUserId":"` + u.ID + `","route":"card.block"}`, "cannot be steered", core.KindInvalid},
		{"outcomes", `{"externalUserId":"` + u.ID + `","route":"qrpay.confirm","status":"SUCCESS"}`, "status must be FAILED", core.KindInvalid},
		{"outcomes", `{"externalUserId":"` + u.ID + `","route":"qrpay.confirm","count":-1}`, "count must be 1-1000", core.KindInvalid},
		{"outcomes", `{"externalUserId":"` + u.ID + `","route":"qrpay.confirm","id":"123"}`, "no PENDING QR order 123", core.KindConflict},
		{"outcomes", `{"externalUserId":"` + u.ID + `","route":"financial_connection.withdraw","id":"x"}`, "no PROCESSING withdrawal x", core.KindConflict},
		{"outcomes", `{"externalUserId":"` + u.ID + `","route":"financial_connection.payment","id":"x"}`, "ends at once", core.KindInvalid},
		{"outcomes", `{"externalUserId":"nobody","route":"qrpay.confirm"}`, "nobody", core.KindNotFound},
		{"outcomes", `{"route":"qrpay.confirm","errorCod":"X"}`, "unknown field", core.KindInvalid},
		{"bank_transfers", `{"externalUserId":"fc-user-1","amount":"-1"}`, "positive amount", core.KindInvalid},
		{"bank_transfers", `{"externalUserId":"fc-user-1","amount":"1","currency":"EUR"}`, "USD and SGD", core.KindInvalid},
		{"bank_transfers", `{"vaNumber":"1","amount":"1"}`, "no virtual account 1", core.KindNotFound},
		{"bank_transfers", `{"externalUserId":"` + u.ID + `","amount":"1"}`, "not a financial-connection user", core.KindNotFound},
		{"fc_users", `{"balances":{"EUR":"1"}}`, "EUR", core.KindInvalid},
		{"fc_users", `{"externalUserId":"fc-user-1"}`, "already exists", core.KindConflict},
		{"fc_users", `{"mobileAreaCode":"XX"}`, "mobileAreaCode", core.KindInvalid},
	} {
		_, err := core.ProviderOf(s.Host).Create(core.DefaultTenant, tt.kind, json.RawMessage(tt.body))
		require.Error(t, err, tt.body)
		assert.Contains(t, err.Error(), tt.msg, tt.body)
		assert.Equal(t, tt.want, core.KindOf(err), tt.body)
	}
	out, err := core.ProviderOf(s.Host).Create(core.DefaultTenant, "outcomes", json.RawMessage(`{"externalUserId":"`+u.ID+`","route":"qrpay.confirm","count":3}`))
	require.NoError(t, err)
	assert.Contains(t, jsonOf(t, out), `"pending":3`)
	st, err := core.ProviderOf(s.Host).State(core.DefaultTenant)
	require.NoError(t, err)
	assert.Len(t, st.(decard.StateDump).Verdicts[u.ID+" qrpay.confirm"], 3)
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

// TestNewResourceSettings: qr_order_ttl, fc_settle_delay and
// fc_withdraw_fee as a tenant sets them.
func TestNewResourceSettings(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	tenant := &core.Tenant{ID: "quick", Seed: 5, Clock: s.Clock}
	require.NoError(t, s.Tenants.Add(tenant))
	raw, err := core.ProviderOf(s.Host).AddTenant(tenant, json.RawMessage(`{"qr_order_ttl":"1m","fc_settle_delay":"0s","fc_withdraw_fee":"2"}`))
	require.NoError(t, err)
	creds := raw.(decard.Credentials)
	c := decard.NewClient(s.URL(), creds.APIKey, creds.APISecret)
	c.HTTP = s.Client()
	u, err := core.ProviderOf(s.Host).Create("quick", "users", json.RawMessage(`{}`))
	require.NoError(t, err)
	order := qrCreate(t, c, u.(decard.User).ID, wechatQR, "USD", "1")
	advance(t, s, time.Minute)
	var got qrOrder
	get(t, c, "qrpay.order_detail", "/qrpay/v1/order-detail", &got, decard.Q("externalUserId", u.(decard.User).ID, "orderId", order.OrderID)...)
	assert.Equal(t, "CLOSED", got.Status, "closed after the tenant's minute")
	fcu, err := core.ProviderOf(s.Host).Create("quick", "fc_users", json.RawMessage(`{"balances":{"USD":"10"}}`))
	require.NoError(t, err)
	var wd fcTxn
	post(t, c, "financial_connection.withdraw", "/financial-connection/v1/withdraw", withdrawal("quick-wd", fcu.(decard.User).ID, "10"), &wd)
	assert.Equal(t, "8", wd.SettleAmount, "the tenant's 2 USD fee")
	get(t, c, "financial_connection.query_withdrawal_info", "/financial-connection/v1/query-withdrawal-info", &wd, decard.Q("externalTranId", "quick-wd")...)
	assert.Equal(t, "SUCCESS", wd.WithdrawStatus, "settled with no delay")
}
