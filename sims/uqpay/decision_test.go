package uqpay_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// testKeys are PGP key pairs made once for the whole package: RSA
// generation is slow, and what is tested is the exchange, not the keys.
type testKeys struct {
	clientPub, clientPriv string // the decision endpoint's
	ownPub, ownPriv       string // mocksrv's (UQPay's), fixed with WithDecisionKey
}

var keys = sync.OnceValue(func() testKeys {
	cp, cs, err := uqpay.GenerateDecisionKey("Acme Corp", "issuing@acme.example")
	if err != nil {
		panic(err)
	}
	op, os, err := uqpay.GenerateDecisionKey("UQPAY test", "uqpay@mocksrv.test")
	if err != nil {
		panic(err)
	}
	return testKeys{clientPub: cp, clientPriv: cs, ownPub: op, ownPriv: os}
})

// decider is an Authorization Decision endpoint written from UQPay's
// guide: the request body is a PGP message encrypted with our public key
// (decrypt it with our private key), a JSON transaction; the answer is
// {transaction_id, response_code, partner_reference_id}, encrypted with
// UQPay's public key, ASCII-armored, with HTTP 200.
type decider struct {
	t      testing.TB
	priv   openpgp.EntityList
	uqpay  openpgp.EntityList
	srv    *httptest.Server
	decide func(tx map[string]any) (code, ref string)
	answer func(tx map[string]any, w http.ResponseWriter) bool // overrides the answer when it returns true

	mu       sync.Mutex
	requests []map[string]any
	headers  []http.Header
}

func newDecider(t testing.TB, uqpayPublicKey string) *decider {
	t.Helper()
	k := keys()
	priv, err := openpgp.ReadArmoredKeyRing(strings.NewReader(k.clientPriv))
	require.NoError(t, err)
	pub, err := openpgp.ReadArmoredKeyRing(strings.NewReader(uqpayPublicKey))
	require.NoError(t, err)
	d := &decider{t: t, priv: priv, uqpay: pub, decide: func(map[string]any) (string, string) { return "00", "ref-001" }}
	d.srv = httptest.NewServer(http.HandlerFunc(d.serve))
	t.Cleanup(d.srv.Close)
	return d
}

func (d *decider) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	block, err := armor.Decode(bytes.NewReader(body))
	if err != nil {
		http.Error(w, "not armored", http.StatusBadRequest)
		return
	}
	md, err := openpgp.ReadMessage(block.Body, d.priv, nil, nil)
	if err != nil {
		http.Error(w, "cannot decrypt", http.StatusBadRequest)
		return
	}
	plain, _ := io.ReadAll(md.UnverifiedBody)
	dec := json.NewDecoder(bytes.NewReader(plain))
	dec.UseNumber()
	var tx map[string]any
	if err := dec.Decode(&tx); err != nil {
		http.Error(w, "not JSON", http.StatusBadRequest)
		return
	}
	d.mu.Lock()
	d.requests, d.headers = append(d.requests, tx), append(d.headers, r.Header.Clone())
	decide, answer := d.decide, d.answer
	d.mu.Unlock()
	if answer != nil && answer(tx, w) {
		return
	}
	code, ref := decide(tx)
	out, _ := json.Marshal(map[string]string{"transaction_id": tx["transaction_id"].(string), "response_code": code, "partner_reference_id": ref})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(d.encrypt(out))
}

func (d *decider) encrypt(plain []byte) []byte {
	var buf bytes.Buffer
	aw, err := armor.Encode(&buf, "PGP MESSAGE", nil)
	require.NoError(d.t, err)
	pw, err := openpgp.Encrypt(aw, d.uqpay, nil, nil, nil)
	require.NoError(d.t, err)
	_, _ = pw.Write(plain)
	require.NoError(d.t, pw.Close())
	require.NoError(d.t, aw.Close())
	return buf.Bytes()
}

func (d *decider) got() ([]map[string]any, []http.Header) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]map[string]any(nil), d.requests...), append([]http.Header(nil), d.headers...)
}

// decisionFixture is a fixture whose default tenant sends its
// authorizations to a decider.
func decisionFixture(t *testing.T, opts ...uqpay.Option) (*fixture, *decider) {
	t.Helper()
	k := keys()
	d := newDecider(t, k.ownPub)
	opts = append([]uqpay.Option{uqpay.WithDecisionKey(k.ownPriv), uqpay.WithDecisionEndpoint(d.srv.URL+"/auth-decision", k.clientPub)}, opts...)
	return newFixture(t, opts...), d
}

func decisionEntries(f *fixture) []core.Entry {
	return f.s.Journal.Entries(core.ByType("decision"))
}

func TestDecisionApproves(t *testing.T) {
	t.Parallel()
	f, d := decisionFixture(t)
	card := f.card(f.holder("dec-ok@example.com"), uqpay.ProductSingle, 100)
	a, err := f.sdk.SimulateAuthorization(f.ctx, auth(card, 12.5, "Orchard Central"))
	require.NoError(t, err)
	assert.Equal(t, "APPROVED", a.TransactionStatus)
	f.s.CheckCardAvailable(t, card, "87.5")

	reqs, hdrs := d.got()
	require.Len(t, reqs, 1)
	tx := reqs[0]
	assert.Equal(t, a.TransactionID, tx["transaction_id"])
	assert.Equal(t, json.Number("1000"), tx["transaction_type"], "1000 Authorization")
	assert.Equal(t, card, tx["card_id"])
	assert.Equal(t, "00", tx["processing_code"])
	assert.Equal(t, "12.5", tx["billing_amount"], "amounts are decimal strings")
	assert.Equal(t, "12.5", tx["transaction_amount"])
	assert.Equal(t, "0", tx["auth_amount"], "nothing authorized before")
	assert.Equal(t, "100", tx["card_balance"], "the card's balance before it")
	assert.Equal(t, "2026-01-01 08:00:00", tx["date_of_transaction"], "YYYY-MM-DD HH:MM:SS in UTC+8")
	assert.Equal(t, "USD", tx["billing_currency_code"])
	assert.Equal(t, "USD", tx["transaction_currency_code"])
	assert.Equal(t, "Orchard Central", tx["merchant_name"])
	assert.Equal(t, "5734", tx["merchant_category_code"])
	for _, k := range []string{"auth_currency_code", "merchant_id", "merchant_city", "merchant_country", "terminal_id",
		"pos_entry_mode", "pos_condition_code", "pos_env", "eci", "pin_entry_capability", "retrieval_reference_number",
		"system_trace_audit_number", "acquiring_institution_country_code", "acquiring_institution_id", "wallet_type"} {
		assert.Contains(t, tx, k)
	}
	assert.Equal(t, "application/json; charset=utf-8", hdrs[0].Get("Content-Type"))
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`, hdrs[0].Get("x-request-id"))

	es := decisionEntries(f)
	require.Len(t, es, 1)
	assert.Equal(t, uqpay.Name, es[0].Provider)
	assert.Equal(t, http.StatusOK, es[0].Status)
	assert.Contains(t, es[0].Request, a.TransactionID, "the journal keeps the decrypted request")
	assert.Contains(t, es[0].Response, `"response_code":"00"`)
	assert.Empty(t, es[0].Error)
	st, _ := f.s.Transaction(a.TransactionID)
	require.NotNil(t, st.Decision)
	assert.Equal(t, "ref-001", st.Decision.PartnerReferenceID)
	assert.Len(t, byType(f.events(), "issuing.transaction.authorization"), 1)
	f.s.CheckLedger(t)
}

func TestDecisionDeclines(t *testing.T) {
	t.Parallel()
	f, d := decisionFixture(t)
	d.decide = func(tx map[string]any) (string, string) { return "51", "" }
	card := f.card(f.holder("dec-no@example.com"), uqpay.ProductSingle, 100)
	a, err := f.sdk.SimulateAuthorization(f.ctx, auth(card, 40, "Shop"))
	require.NoError(t, err)
	assert.Equal(t, "DECLINED", a.TransactionStatus)
	assert.Equal(t, "51 - Insufficient Funds", a.FailureReason)
	f.s.CheckCardAvailable(t, card, "100")
	evs := byType(f.events(), "issuing.transaction.authorization")
	require.Len(t, evs, 1)
	assert.Contains(t, string(evs[0].Data), `"transaction_status":"DECLINED"`)
	f.s.CheckLedger(t)
}

// TestDecisionSkippedWhenUQPayDeclines: transactions UQPay's own checks
// decline never reach the endpoint (the guide's first principle).
func TestDecisionSkippedWhenUQPayDeclines(t *testing.T) {
	t.Parallel()
	f, d := decisionFixture(t)
	card := f.card(f.holder("dec-skip@example.com"), uqpay.ProductSingle, 10)
	a, err := f.sdk.SimulateAuthorization(f.ctx, auth(card, 40, "Shop"))
	require.NoError(t, err)
	assert.Equal(t, "1116 - Insufficient Funds", a.FailureReason)
	reqs, _ := d.got()
	assert.Empty(t, reqs)
	assert.Empty(t, decisionEntries(f))
}

func TestDecisionFallsBack(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		answer     func(tx map[string]any, w http.ResponseWriter) bool
		def        string
		wantStatus string
		wantReason string
	}{
		{name: "garbage answer", def: uqpay.DecisionDecline, wantStatus: "DECLINED", wantReason: "not an ASCII-armored PGP message",
			answer: func(_ map[string]any, w http.ResponseWriter) bool {
				_, _ = io.WriteString(w, `{"response_code":"00"}`)
				return true
			}},
		{name: "http 500", def: uqpay.DecisionApprove, wantStatus: "APPROVED", wantReason: "HTTP 500",
			answer: func(_ map[string]any, w http.ResponseWriter) bool {
				w.WriteHeader(http.StatusInternalServerError)
				return true
			}},
		{name: "another transaction", def: uqpay.DecisionDecline, wantStatus: "DECLINED", wantReason: "is not the request's",
			answer: func(tx map[string]any, w http.ResponseWriter) bool {
				tx["transaction_id"] = "00000000-0000-0000-0000-000000000000"
				return false
			}},
		{name: "aborted like the SDK's handler", def: uqpay.DecisionDecline, wantStatus: "DECLINED", wantReason: "no answer",
			answer: func(_ map[string]any, _ http.ResponseWriter) bool { panic(http.ErrAbortHandler) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, d := decisionFixture(t, uqpay.WithDecisionDefault(tt.def))
			d.answer = tt.answer
			card := f.card(f.holder("dec-fb@example.com"), uqpay.ProductSingle, 100)
			a, err := f.sdk.SimulateAuthorization(f.ctx, auth(card, 10, "Shop"))
			require.NoError(t, err)
			assert.Equal(t, tt.wantStatus, a.TransactionStatus)
			es := decisionEntries(f)
			require.Len(t, es, 1)
			assert.Contains(t, es[0].Error, tt.wantReason)
			assert.Contains(t, es[0].Error, "the default action ("+tt.def+") applied")
			st, _ := f.s.Transaction(a.TransactionID)
			require.NotNil(t, st.Decision)
			assert.True(t, st.Decision.Default)
			if tt.wantStatus == "DECLINED" {
				assert.Equal(t, "1191 - Authorization Decision Timeout", a.FailureReason)
			}
			f.s.CheckLedger(t)
		})
	}
}

// TestDecisionTimesOut: an endpoint slower than the window is not waited
// for; the default action decides and the journal says why.
func TestDecisionTimesOut(t *testing.T) {
	t.Parallel()
	f, d := decisionFixture(t, uqpay.WithDecisionTimeout(time.Second))
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	d.answer = func(map[string]any, http.ResponseWriter) bool { <-release; return true }
	card := f.card(f.holder("dec-slow@example.com"), uqpay.ProductSingle, 100)
	start := core.WallNow()
	a, err := f.sdk.SimulateAuthorization(f.ctx, auth(card, 10, "Shop"))
	require.NoError(t, err)
	took := core.WallNow().Sub(start)
	assert.Equal(t, "DECLINED", a.TransactionStatus)
	assert.GreaterOrEqual(t, took, time.Second)
	assert.Less(t, took, 3*time.Second)
	es := decisionEntries(f)
	require.Len(t, es, 1)
	assert.Contains(t, es[0].Error, "no answer within the 1s window")
}

// TestDecisionHoldsNoLock: while the endpoint thinks, the tenant (and
// every other) keeps answering; the decision then applies to the card as
// it is.
func TestDecisionHoldsNoLock(t *testing.T) {
	t.Parallel()
	f, d := decisionFixture(t)
	entered, release := make(chan struct{}), make(chan struct{})
	d.answer = func(map[string]any, http.ResponseWriter) bool {
		close(entered)
		<-release
		return false
	}
	card := f.card(f.holder("dec-lock@example.com"), uqpay.ProductSingle, 100)
	done := make(chan *AuthorizationResponse, 1)
	go func() {
		a, err := f.sdk.SimulateAuthorization(f.ctx, auth(card, 30, "Shop"))
		assert.NoError(t, err)
		done <- a
	}()
	<-entered
	// The same tenant answers while its decision is out.
	got, err := f.sdk.GetCard(f.ctx, card)
	require.NoError(t, err)
	assert.Equal(t, "100.00", got.AvailableBalance)
	close(release)
	a := <-done
	assert.Equal(t, "APPROVED", a.TransactionStatus)
	f.s.CheckCardAvailable(t, card, "70")
}

func TestDecisionRegistration(t *testing.T) {
	t.Parallel()
	k := keys()
	s := uqpay.RunT(t, uqpay.WithDecisionKey(k.ownPriv))
	p := core.ProviderOf(s.Host)
	out, err := p.Create("default", "decision", json.RawMessage(`{"url":"http://127.0.0.1:1/d","public_key":`+quote(k.clientPub)+`,"timeout":"3s","default_action":"approve"}`))
	require.NoError(t, err)
	reg := out.(uqpay.DecisionSetup)
	assert.Equal(t, "http://127.0.0.1:1/d", reg.URL)
	assert.Equal(t, "3s", reg.Timeout)
	assert.Equal(t, "approve", reg.DefaultAction)
	assert.Equal(t, k.ownPub, reg.UQPayPublicKey, "mocksrv's public key, to encrypt answers with")
	assert.Regexp(t, `^[0-9A-F]{16}$`, reg.PublicKeyID)

	for body, msg := range map[string]string{
		`{"timeout":"9s"}`:                  "timeout must be 1s to 5s",
		`{"default_action":"maybe"}`:        `default_action "maybe"`,
		`{"public_key":"nope"}`:             "public_key: not an armored PGP public key",
		`{"url":"ftp://x"}`:                 "want an http:// or https:// URL",
		`{"url":"http://x","colour":"red"}`: "colour",
	} {
		_, err := p.Create("default", "decision", json.RawMessage(body))
		assert.ErrorContains(t, err, msg, body)
	}
	out, err = p.Create("default", "decision", json.RawMessage(`{"url":"off"}`))
	require.NoError(t, err)
	assert.Empty(t, out.(uqpay.DecisionSetup).URL)
	state, err := p.State("default")
	require.NoError(t, err)
	assert.Equal(t, k.ownPub, state.(uqpay.StateDump).Decision.UQPayPublicKey)
}

// TestDecisionTenantOptions: a tenant registers its endpoint in its
// options (serve --tenant-options too) and gets a key pair of its own,
// which a snapshot keeps.
func TestDecisionTenantOptions(t *testing.T) {
	t.Parallel()
	k := keys()
	s := uqpay.RunT(t)
	p := core.ProviderOf(s.Host)
	tenant := &core.Tenant{ID: "dec-opts", Seed: 1, Clock: core.NewFrozenClock(core.TestEpoch)}
	_, err := p.AddTenant(tenant, json.RawMessage(`{"decision_url":"http://127.0.0.1:1/d","decision_public_key":`+quote(k.clientPub)+`}`))
	require.NoError(t, err)
	st, err := p.State("dec-opts")
	require.NoError(t, err)
	pub := st.(uqpay.StateDump).Decision.UQPayPublicKey
	assert.Contains(t, pub, "BEGIN PGP PUBLIC KEY BLOCK")
	assert.NotEqual(t, k.ownPub, pub, "each tenant has its own key")

	snap, err := p.Snapshot("dec-opts")
	require.NoError(t, err)
	s2 := uqpay.RunT(t)
	p2 := core.ProviderOf(s2.Host)
	require.NoError(t, p2.Restore(tenant, snap))
	st2, err := p2.State("dec-opts")
	require.NoError(t, err)
	assert.Equal(t, pub, st2.(uqpay.StateDump).Decision.UQPayPublicKey, "the snapshot keeps the key pair")
	assert.Equal(t, "http://127.0.0.1:1/d", st2.(uqpay.StateDump).Decision.URL)

	_, err = p.AddTenant(&core.Tenant{ID: "dec-bad", Seed: 1, Clock: core.NewFrozenClock(core.TestEpoch)}, json.RawMessage(`{"decision_url":"http://x"}`))
	assert.ErrorContains(t, err, "decision_url needs decision_public_key")
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
