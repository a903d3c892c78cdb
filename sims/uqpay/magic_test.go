package uqpay_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/internal/corpus"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// send makes an authenticated request (a fresh idempotency key) and
// returns the status, headers and body, the answer checked against its
// contract.
func (f *fixture) send(method, path string, body any) (int, http.Header, []byte) {
	f.t.Helper()
	raw, err := json.Marshal(body)
	require.NoError(f.t, err)
	req, err := http.NewRequest(method, f.s.URL()+path, bytes.NewReader(raw))
	require.NoError(f.t, err)
	req.Header = f.authed()
	resp, err := (&http.Client{Transport: contractTransport{t: f.t, base: f.s.Client().Transport}}).Do(req)
	require.NoError(f.t, err)
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, out
}

// TestMagicTableNeverMatchesTheCorpus: no rule of UQPay's table matches
// any of the corpus's 4,164 ordinary inputs, of any kind.
func TestMagicTableNeverMatchesTheCorpus(t *testing.T) {
	t.Parallel()
	all := corpus.All()
	require.Greater(t, len(all), 2000)
	require.NotEmpty(t, uqpay.Magic())
	for _, m := range uqpay.Magic() {
		for _, in := range all {
			assert.False(t, m.Matches(in.Value), "rule %s fires on the ordinary %s %q", m.Rule, in.Kind, in.Value)
		}
	}
}

// TestMagicValuesNeverFireOnOrdinaryData pushes ordinary names, emails,
// merchant names, labels and amounts through UQPay's real flows over
// HTTP: every cardholder is SUCCESS at once, every authorization APPROVED,
// every simulated deposit COMPLETED, and no answer or journal entry names
// an outcome.
func TestMagicValuesNeverFireOnOrdinaryData(t *testing.T) {
	t.Parallel()
	f := newFixture(t, uqpay.WithKYCDelay(time.Minute), uqpay.WithDepositDelay(time.Minute))
	noOutcome := func(h http.Header, what string) {
		t.Helper()
		assert.Empty(t, h.Get(core.OutcomeHeader), "%s announced an outcome", what)
	}

	// Names and emails into cardholder creation.
	names, emails := corpus.Of(corpus.Names), corpus.Of(corpus.Emails)
	seen := map[string]bool{}
	var holders []string
	for i, name := range names {
		if strings.ContainsRune(name, '\'') {
			continue // no apostrophes in UQPay's published name rule (TestCardholderNamesOfEveryScript)
		}
		first, last, ok := strings.Cut(name, " ")
		if !ok {
			last = "Tan"
		}
		email := fmt.Sprintf("holder-%d@example.com", i)
		if i < len(emails) && !seen[strings.ToLower(emails[i])] {
			email = emails[i]
		}
		seen[strings.ToLower(email)] = true
		status, h, b := f.send(http.MethodPost, "/api/v1/issuing/cardholders", map[string]any{"email": email,
			"phone_number": fmt.Sprintf("9%07d", i), "first_name": first, "last_name": last, "country_code": "SG"})
		require.Equal(t, http.StatusOK, status, "%s <%s>: %s", name, email, b)
		noOutcome(h, "cardholder "+email)
		got := decodeJSON[map[string]any](t, b)
		require.Equal(t, "SUCCESS", got["cardholder_status"], "%s <%s> was steered", name, email)
		holders = append(holders, got["cardholder_id"].(string))
	}
	require.Greater(t, len(holders), 500)

	// Labels and names as merchants, amounts as authorizations.
	require.NoError(t, f.s.Deposit("USD", "10000000"))
	card := f.card(holders[0], uqpay.ProductShare, 0)
	authorize := func(amount, merchant string) {
		t.Helper()
		status, h, b := f.send(http.MethodPost, "/api/v1/simulation/issuing/authorization", map[string]any{"card_id": card,
			"transaction_amount": json.Number(amount), "transaction_currency": "USD", "merchant_name": merchant,
			"merchant_category_code": "5734"})
		require.Equal(t, http.StatusOK, status, "%s at %q: %s", amount, merchant, b)
		noOutcome(h, "authorization at "+merchant)
		assert.Equal(t, "APPROVED", decodeJSON[map[string]any](t, b)["transaction_status"], "%s at %q", amount, merchant)
	}
	for _, merchant := range append(corpus.Of(corpus.Labels), names[:100]...) {
		authorize("0.01", merchant)
	}
	amounts := corpus.Of(corpus.Amounts)
	for i := 0; i < len(amounts); i += 7 {
		if core.MustDecimal(amounts[i]).Sign() > 0 {
			authorize(amounts[i], "Coffee Lab")
		}
	}

	// Amounts as simulated deposits, labels as their senders.
	labels := corpus.Of(corpus.Labels)
	var deposits []string
	for i := 1; i < len(amounts); i += 29 {
		status, h, b := f.send(http.MethodPost, "/api/v1/simulation/deposit", map[string]any{"amount": json.Number(amounts[i]),
			"currency": "SGD", "sender_swift_code": "DBSSSGSG", "sender_name": labels[i%len(labels)]})
		require.Equal(t, http.StatusOK, status, "%s: %s", amounts[i], b)
		noOutcome(h, "deposit of "+amounts[i])
		deposits = append(deposits, decodeJSON[map[string]any](t, b)["deposit_id"].(string))
	}
	_, err := f.s.Clock.Advance(time.Minute)
	require.NoError(t, err)
	for _, id := range deposits {
		d, ok := f.s.SimulatedDeposit(id)
		require.True(t, ok)
		assert.Equal(t, uqpay.DepositCompleted, d.Status, "deposit %s of %s", id, d.Amount)
	}
	for _, id := range holders[:50] {
		f.s.CheckCardholderStatus(t, id, uqpay.CardholderSuccess)
	}
	for _, e := range f.s.Journal.Entries() { // the last 1,000 requests; each answer was checked above
		assert.Empty(t, e.Outcomes, "%s %s announced an outcome", e.Method, e.Path)
	}
	f.s.CheckLedger(t)
}

// TestMagicValuesAnnounceThemselves: each reserved value fires its rule,
// stored on the record, and the request that carried it names the rule in
// X-Mocksrv-Outcome and its journal entry; the admin API reaches the same
// outcomes by rule name, with no magic value.
func TestMagicValuesAnnounceThemselves(t *testing.T) {
	t.Parallel()
	f := newFixture(t, uqpay.WithKYCDelay(2*time.Minute))
	kyc := []struct {
		email, rule string
		now, later  uqpay.CardholderStatus
	}{
		{"kyc.fail@mocksrv.test", "kyc.fail", uqpay.CardholderFailed, uqpay.CardholderFailed},
		{"kyc.incomplete+2@mocksrv.test", "kyc.incomplete", uqpay.CardholderIncomplete, uqpay.CardholderIncomplete},
		{"KYC.Pending@MockSrv.Test", "kyc.pending", uqpay.CardholderPending, uqpay.CardholderSuccess},
		{"kyc.reject+a.b@mocksrv.test", "kyc.reject", uqpay.CardholderPending, uqpay.CardholderFailed},
		{"kyc.hold@mocksrv.test", "kyc.hold", uqpay.CardholderPending, uqpay.CardholderPending},
	}
	ids := make([]string, len(kyc))
	for i, k := range kyc {
		status, h, b := f.send(http.MethodPost, "/api/v1/issuing/cardholders", map[string]any{"email": k.email,
			"phone_number": fmt.Sprintf("8100000%d", i), "first_name": "Magic", "last_name": "Lee", "country_code": "SG"})
		require.Equal(t, http.StatusOK, status, "%s", b)
		assert.Equal(t, k.rule, h.Get(core.OutcomeHeader), k.email)
		got := decodeJSON[map[string]any](t, b)
		assert.Equal(t, string(k.now), got["cardholder_status"], k.email)
		ids[i] = got["cardholder_id"].(string)
		held, _ := f.s.Cardholder(ids[i])
		assert.Equal(t, k.rule, held.Outcome, "the decision is stored on the cardholder")
	}
	entries := f.s.Journal.Entries(core.ByRoute("cardholder.create"))
	require.Len(t, entries, len(kyc))
	for i, e := range entries {
		assert.Equal(t, []string{kyc[i].rule}, e.Outcomes)
	}
	_, err := f.s.Clock.Advance(2 * time.Minute)
	require.NoError(t, err)
	for i, k := range kyc {
		f.s.CheckCardholderStatus(t, ids[i], k.later)
	}

	card := f.card(f.holder("buyer@example.com"), uqpay.ProductShare, 0)
	declines := map[string]string{
		"mocksrv:decline-cvv": "1107 - Invalid CVV2", "mocksrv:decline-funds": "1116 - Insufficient Funds",
		"mocksrv:decline-fraud:order-9": "1159 - Suspected Fraud", "mocksrv:decline-expired": "1154 - Expired Card",
		"mocksrv:decline-limit": "1121 - Exceeds Spending Limit",
	}
	for merchant, want := range declines {
		status, h, b := f.send(http.MethodPost, "/api/v1/simulation/issuing/authorization", map[string]any{"card_id": card,
			"transaction_amount": 5, "transaction_currency": "USD", "merchant_name": merchant, "merchant_category_code": "5734"})
		require.Equal(t, http.StatusOK, status, "%s", b)
		got := decodeJSON[map[string]any](t, b)
		assert.Equal(t, "DECLINED", got["transaction_status"], merchant)
		assert.Equal(t, want, got["failure_reason"], merchant)
		assert.True(t, strings.HasPrefix(h.Get(core.OutcomeHeader), "auth.decline."), merchant)
	}
	for _, merchant := range []string{"Decline Street Deli", "mocksrv:decline", "MOCKSRV:DECLINE-CVV", "shop mocksrv:decline-cvv"} {
		status, h, b := f.send(http.MethodPost, "/api/v1/simulation/issuing/authorization", map[string]any{"card_id": card,
			"transaction_amount": 5, "transaction_currency": "USD", "merchant_name": merchant, "merchant_category_code": "5734"})
		require.Equal(t, http.StatusOK, status, "%s", b)
		assert.Equal(t, "APPROVED", decodeJSON[map[string]any](t, b)["transaction_status"], "%q is not a magic value", merchant)
		assert.Empty(t, h.Get(core.OutcomeHeader), merchant)
	}
}

// TestOutcomesByRuleName: the admin API and the direct helpers reach every
// outcome with the rule's name as the record's "outcome", and refuse a
// name that is not a rule.
func TestOutcomesByRuleName(t *testing.T) {
	t.Parallel()
	f := newFixture(t, uqpay.WithKYCDelay(2*time.Minute))
	admin := core.ProviderOf(f.s.Host)
	create := func(kind, body string) (map[string]any, error) {
		v, err := admin.Create(core.DefaultTenant, kind, json.RawMessage(body))
		if err != nil {
			return nil, err
		}
		raw, err := json.Marshal(v)
		require.NoError(t, err)
		return decodeJSON[map[string]any](t, raw), nil
	}
	want := map[string][2]uqpay.CardholderStatus{
		"kyc.fail": {uqpay.CardholderFailed, uqpay.CardholderFailed}, "kyc.incomplete": {uqpay.CardholderIncomplete, uqpay.CardholderIncomplete},
		"kyc.pending": {uqpay.CardholderPending, uqpay.CardholderSuccess}, "kyc.reject": {uqpay.CardholderPending, uqpay.CardholderFailed},
		"kyc.hold": {uqpay.CardholderPending, uqpay.CardholderPending},
	}
	ids := map[string]string{}
	for rule, st := range want {
		h, err := create("cardholders", `{"outcome":"`+rule+`"}`)
		require.NoError(t, err, rule)
		assert.Equal(t, string(st[0]), h["cardholder_status"], rule)
		assert.NotContains(t, h["email"], "mocksrv.test", "no magic value needed")
		ids[rule] = h["cardholder_id"].(string)
	}
	pendingHold, err := f.s.AddCardholder(uqpay.Cardholder{Status: uqpay.CardholderPending, Outcome: "kyc.reject"})
	require.NoError(t, err)
	_, err = f.s.Clock.Advance(2 * time.Minute)
	require.NoError(t, err)
	for rule, st := range want {
		f.s.CheckCardholderStatus(t, ids[rule], st[1])
	}
	f.s.CheckCardholderStatus(t, pendingHold.ID, uqpay.CardholderFailed)
	require.NoError(t, f.s.DecideKYC(ids["kyc.hold"], true), "a held review waits for the admin API")
	f.s.CheckCardholderStatus(t, ids["kyc.hold"], uqpay.CardholderSuccess)
	_, err = create("cardholders", `{"outcome":"kyc.maybe"}`)
	assert.ErrorContains(t, err, `outcome "kyc.maybe"`)

	card, err := f.s.AddCard(uqpay.Card{ProductID: uqpay.ProductShare})
	require.NoError(t, err)
	tx, err := create("transactions", `{"card_id":"`+card.ID+`","amount":"5","outcome":"auth.decline.fraud"}`)
	require.NoError(t, err)
	assert.Equal(t, "DECLINED", tx["transaction_status"])
	assert.Equal(t, "1159 - Suspected Fraud", tx["description"])
	assert.Equal(t, "auth.decline.fraud", tx["outcome"], "stored on the transaction")
	_, err = create("transactions", `{"card_id":"`+card.ID+`","amount":"5","outcome":"kyc.fail"}`)
	assert.ErrorContains(t, err, `outcome "kyc.fail"`)
	t2, err := f.s.Authorize(card.ID, "5", "mocksrv:decline-limit")
	require.NoError(t, err)
	assert.Equal(t, "DECLINED", t2.Status, "the direct helper reads magic merchants too")
	assert.Equal(t, "auth.decline.limit", t2.Outcome)
	for _, e := range f.s.Journal.Entries() {
		assert.Empty(t, e.Outcomes, "nothing went through the provider API with a magic value")
	}
}

// TestResubmissionIsDecidedAfresh: a FAILED or INCOMPLETE cardholder's
// update is a new submission, decided from the email it carries: an
// ordinary one passes, a magic one fires again (and says so).
func TestResubmissionIsDecidedAfresh(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	status, _, b := f.send(http.MethodPost, "/api/v1/issuing/cardholders", map[string]any{"email": "kyc.fail@mocksrv.test",
		"phone_number": "81000009", "first_name": "Re", "last_name": "Try", "country_code": "SG"})
	require.Equal(t, http.StatusOK, status, "%s", b)
	id := decodeJSON[map[string]any](t, b)["cardholder_id"].(string)
	status, h, b := f.send(http.MethodPost, "/api/v1/issuing/cardholders/"+id, map[string]any{"phone_number": "81000010"})
	require.Equal(t, http.StatusOK, status, "%s", b)
	assert.Equal(t, "FAILED", decodeJSON[map[string]any](t, b)["cardholder_status"], "the same magic email fails again")
	assert.Equal(t, "kyc.fail", h.Get(core.OutcomeHeader))
	status, h, b = f.send(http.MethodPost, "/api/v1/issuing/cardholders/"+id, map[string]any{"email": "re.try@example.com"})
	require.Equal(t, http.StatusOK, status, "%s", b)
	assert.Equal(t, "SUCCESS", decodeJSON[map[string]any](t, b)["cardholder_status"], "an ordinary email passes")
	assert.Empty(t, h.Get(core.OutcomeHeader))
	held, _ := f.s.Cardholder(id)
	assert.Empty(t, held.Outcome)
}

// TestOutcomesSurviveASnapshot: a decision stored on a record is in the
// snapshot, so a restored world applies it when it falls due, with no
// magic value read again.
func TestOutcomesSurviveASnapshot(t *testing.T) {
	t.Parallel()
	s := uqpay.RunT(t, uqpay.WithKYCDelay(2*time.Minute))
	rejected, err := s.AddCardholder(uqpay.Cardholder{Email: "kyc.reject+snap@mocksrv.test"})
	require.NoError(t, err)
	held, err := s.AddCardholder(uqpay.Cardholder{Outcome: "kyc.hold"})
	require.NoError(t, err)
	p := core.ProviderOf(s.Host)
	snap, err := p.Snapshot(core.DefaultTenant)
	require.NoError(t, err)
	require.NoError(t, p.ResetTenant(core.DefaultTenant))
	tn, _ := s.Tenants.Get(core.DefaultTenant)
	require.NoError(t, p.Restore(tn, snap))
	_, err = s.Clock.Advance(2 * time.Minute)
	require.NoError(t, err)
	s.CheckCardholderStatus(t, rejected.ID, uqpay.CardholderFailed)
	s.CheckCardholderStatus(t, held.ID, uqpay.CardholderPending)
	h, _ := s.Cardholder(held.ID)
	assert.Equal(t, "kyc.hold", h.Outcome)
}
