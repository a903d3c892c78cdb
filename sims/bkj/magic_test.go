package bkj_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/internal/corpus"
	"github.com/mocksrv/mocksrv/sims/bkj"
	"github.com/mocksrv/mocksrv/sims/core"
)

// TestMagicTableNeverMatchesTheCorpus: no rule of bkj's table matches any
// of the corpus's 4,164 ordinary inputs, of any kind — among them the
// issue's holden.caulfield@gmail.com, ir@acmeholdings.com, "Failover
// card", "household bills" and "tax withholding", which the old substring
// rules steered.
func TestMagicTableNeverMatchesTheCorpus(t *testing.T) {
	t.Parallel()
	all := corpus.All()
	require.Greater(t, len(all), 2000)
	require.Len(t, bkj.Magic(), 6)
	for _, m := range bkj.Magic() {
		for _, in := range all {
			assert.False(t, m.Matches(in.Value), "rule %s fires on the ordinary %s %q", m.Rule, in.Kind, in.Value)
		}
	}
}

// noOutcome fails t when an answer announced an outcome.
func noOutcome(t *testing.T, resp *bkj.Response, what string) {
	t.Helper()
	assert.Empty(t, resp.Header.Get(core.OutcomeHeader), "%s announced an outcome", what)
}

// TestMagicValuesNeverFireOnOrdinaryData pushes the corpus's ordinary
// names, emails, phones and references through user registration and KYC,
// its labels, names and references into card applications, withdrawal
// memos and sandbox merchant names, its amounts into purchases and
// top-ups, over HTTP: every KYC is approved, every card opens, every
// withdrawal settles, every purchase is authorized, and no answer or
// journal entry names an outcome.
func TestMagicValuesNeverFireOnOrdinaryData(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t, bkj.WithDelays(bkj.Delays{KYCReview: time.Minute, Open: 30 * time.Second, Withdrawal: 10 * time.Minute}))
	c := s.NewClient()
	// do is ok without the contract check: thousands of answers of routes
	// whose contracts the other tests check.
	do := func(route string, req bkj.Request, out any) *bkj.Response {
		t.Helper()
		resp, err := c.Send(context.Background(), req)
		require.NoError(t, err)
		require.Equal(t, 0, resp.Code, "%s: %s", route, resp.Message)
		if out != nil {
			require.NoError(t, resp.Decode(out))
		}
		return resp
	}
	names, emails, phones, refs := corpus.Of(corpus.Names), corpus.Of(corpus.Emails), corpus.Of(corpus.Phones), corpus.Of(corpus.References)

	// Names, emails, phones and references into registration, then KYC.
	seenEmail, seenRef := map[string]bool{}, map[string]bool{}
	var users []string
	for i, name := range names {
		first, last, found := strings.Cut(name, " ")
		if !found {
			last = "Tan"
		}
		email := fmt.Sprintf("user-%d@example.com", i)
		if e := emails[i%len(emails)]; !seenEmail[strings.ToLower(e)] {
			email = e
		}
		seenEmail[strings.ToLower(email)] = true
		body := map[string]any{"email": email, "first_name": first, "last_name": last,
			"phone": strings.TrimPrefix(phones[i%len(phones)], "+")}
		if r := refs[i%len(refs)]; !seenRef[r] {
			seenRef[r] = true
			body["external_id"] = r
		}
		var u idOnly
		resp := do("user.register", post("/openapi/v1/users", body), &u)
		noOutcome(t, resp, "registration of "+name+" <"+email+">")
		resp = do("user.kyc_token", get("/openapi/v1/users/"+u.ID+"/kyc-token", nil), nil)
		noOutcome(t, resp, "KYC of "+email)
		users = append(users, u.ID)
	}
	require.Len(t, users, len(names))
	_, err := s.Clock.Advance(time.Minute)
	require.NoError(t, err)
	var approvedList struct{ Total int }
	ok(t, c, "user.list", get("/openapi/v1/users", url.Values{"kyc_status": {"approved"}}), &approvedList)
	assert.Equal(t, len(users), approvedList.Total, "every ordinary user passed KYC")

	// Labels, names and references into card applications.
	labels := append(append(corpus.Of(corpus.Labels), names[:100]...), refs...)
	var cards []string
	for _, label := range labels {
		var card idOnly
		resp := do("card.apply", post("/openapi/v1/card/apply", map[string]any{"account_id": users[0], "channel_id": "visa-virtual-usd", "label": label}), &card)
		noOutcome(t, resp, "card labelled "+label)
		cards = append(cards, card.ID)
	}

	// The same texts, and every fourth token, as withdrawal memos.
	_, err = s.Deposit(users[1], "USDT", "100000")
	require.NoError(t, err)
	wallet := walletOf(t, c, users[1], "USDT")
	tokens := corpus.Of(corpus.Tokens)
	memos := append([]string(nil), labels...)
	for i := 0; i < len(tokens); i += 4 {
		memos = append(memos, tokens[i])
	}
	var withdrawals []string
	for _, memo := range memos {
		var wd idOnly
		resp := do("withdrawal.create", post("/openapi/v1/wallet/withdraw", map[string]any{"wallet_id": wallet.ID, "chain": "TRON",
			"amount": "10", "address": tronAddr, "memo": memo}), &wd)
		noOutcome(t, resp, "withdrawal memo "+memo)
		withdrawals = append(withdrawals, wd.ID)
	}
	_, err = s.Clock.Advance(10 * time.Minute)
	require.NoError(t, err)
	for _, id := range cards {
		s.CheckCardStatus(t, id, bkj.StatusActive)
	}
	settled := map[string]bkj.TxStatus{}
	for _, x := range s.WalletTransactions(wallet.ID) {
		settled[x.ID] = x.Status
	}
	for _, id := range withdrawals {
		assert.Equal(t, bkj.TxSuccess, settled[id], "withdrawal %s", id)
	}

	// Labels and names as merchants, amounts as purchases and top-ups.
	card, err := s.AddCard(bkj.Card{AccountID: users[2], Balance: core.MustDecimal("10000000")})
	require.NoError(t, err)
	authorize := func(amount, merchant string) {
		t.Helper()
		var tx cardTxOut
		resp := do("sandbox.authorize", post("/openapi/v1/sandbox/card/authorize", map[string]any{"card_id": card.ID, "amount": amount, "merchant_name": merchant}), &tx)
		noOutcome(t, resp, "purchase at "+merchant)
		assert.Equal(t, "pending", tx.Status, "%s at %q: %s", amount, merchant, tx.DeclineReason)
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
	_, err = s.Deposit(users[2], "USDT", "100000")
	require.NoError(t, err)
	usdt := walletOf(t, c, users[2], "USDT")
	for i := 3; i < len(amounts); i += 31 {
		if core.MustDecimal(amounts[i]).Sign() > 0 {
			resp := do("wallet.transfer_to_card", post("/openapi/v1/wallet/transfer-to-card", map[string]any{"wallet_id": usdt.ID, "card_id": card.ID, "amount": amounts[i]}), nil)
			noOutcome(t, resp, "top-up of "+amounts[i])
		}
	}

	for _, e := range s.Journal.Entries() { // the last 1,000 requests; each answer was checked above
		assert.Empty(t, e.Outcomes, "%s %s announced an outcome", e.Method, e.Path)
	}
	s.CheckLedger(t)
}

// TestMagicValuesAnnounceThemselves: each reserved value fires its rule,
// stored on the record, and the request that carried it names the rule in
// X-Mocksrv-Outcome and its journal entry; values near the reserved ones
// are ordinary.
func TestMagicValuesAnnounceThemselves(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t, bkj.WithDelays(bkj.Delays{KYCReview: 2 * time.Minute, Open: 30 * time.Second, Produce: time.Hour, Withdrawal: 10 * time.Minute}))
	c := s.NewClient()
	outcome := func(resp *bkj.Response) string { return resp.Header.Get(core.OutcomeHeader) }

	// KYC: registration and every review it steers announce the rule.
	kyc := []struct{ email, rule string }{
		{"kyc.reject@mocksrv.test", "kyc.reject"}, {"KYC.Hold+Ann@MockSrv.Test", "kyc.hold"},
		{"kyc.reject@mocksrv.dev", ""}, {"reject@mocksrv.test", ""}, {"holden.caulfield@gmail.com", ""},
	}
	ids := map[string]string{}
	for _, k := range kyc {
		var u idOnly
		resp := ok(t, c, "user.register", post("/openapi/v1/users", map[string]any{"email": k.email, "first_name": "Magic", "last_name": "Lee"}), &u)
		assert.Equal(t, k.rule, outcome(resp), k.email)
		ids[k.email] = u.ID
		held, _ := s.User(u.ID)
		assert.Equal(t, k.rule, held.Outcome, "the decision is stored on the user")
		resp = ok(t, c, "user.kyc_link", get("/openapi/v1/users/"+u.ID+"/kyc-link", nil), nil)
		assert.Equal(t, k.rule, outcome(resp), "the review it starts is steered: %s", k.email)
	}
	entries := s.Journal.Entries(core.ByRoute("user.register"))
	require.Len(t, entries, len(kyc))
	for i, e := range entries {
		if kyc[i].rule == "" {
			assert.Empty(t, e.Outcomes, kyc[i].email)
		} else {
			assert.Equal(t, []string{kyc[i].rule}, e.Outcomes, kyc[i].email)
		}
	}
	_, err := s.Clock.Advance(48 * time.Hour)
	require.NoError(t, err)
	s.CheckKYCStatus(t, ids["kyc.reject@mocksrv.test"], bkj.KYCRejected)
	rejected, _ := s.User(ids["kyc.reject@mocksrv.test"])
	assert.Contains(t, rejected.KYCReason, "sandbox outcome kyc.reject")
	s.CheckKYCStatus(t, ids["KYC.Hold+Ann@MockSrv.Test"], bkj.KYCPending)
	for _, email := range []string{"kyc.reject@mocksrv.dev", "reject@mocksrv.test", "holden.caulfield@gmail.com"} {
		s.CheckKYCStatus(t, ids[email], bkj.KYCApproved)
	}

	// Card applications: the label mocksrv:card-fail (any :suffix).
	owner := ids["holden.caulfield@gmail.com"]
	var addr idOnly
	ok(t, c, "card_address.create", post("/openapi/v1/card/addresses", map[string]any{"account_id": owner, "first_name": "Holden", "last_name": "Caulfield",
		"phone": "6581234567", "line1": "1 Raffles Place", "city": "Singapore", "state": "SG", "postCode": "048616", "country": "SG"}), &addr)
	labels := []struct {
		label, channel, rule string
		want                 bkj.CardStatus
	}{
		{"mocksrv:card-fail", "visa-virtual-usd", "card.fail", bkj.StatusDeleted},
		{"mocksrv:card-fail:order-7", "visa-physical-usd", "card.fail", bkj.StatusDeleted},
		{"mocksrv:card-failover", "visa-virtual-usd", "", bkj.StatusActive},
		{"Mocksrv:card-fail", "visa-virtual-usd", "", bkj.StatusActive},
		{"Failover card", "visa-virtual-usd", "", bkj.StatusActive},
	}
	cards := make([]string, len(labels))
	for i, l := range labels {
		var card idOnly
		resp := ok(t, c, "card.apply", post("/openapi/v1/card/apply", map[string]any{"account_id": owner, "channel_id": l.channel, "label": l.label, "address_id": addr.ID}), &card)
		assert.Equal(t, l.rule, outcome(resp), l.label)
		cards[i] = card.ID
	}

	// Withdrawals: the memos mocksrv:withdrawal-reject and -hold.
	_, err = s.Deposit(owner, "USDT", "1000")
	require.NoError(t, err)
	wallet := walletOf(t, c, owner, "USDT")
	memos := []struct {
		memo, rule string
		want       string
	}{
		{"mocksrv:withdrawal-reject", "withdrawal.reject", "failed"},
		{"mocksrv:withdrawal-hold:payout-9", "withdrawal.hold", "pending"},
		{"tax withholding", "", "success"},
		{"please reject", "", "success"},
	}
	withdrawals := make([]string, len(memos))
	for i, m := range memos {
		var wd idOnly
		resp := ok(t, c, "withdrawal.create", post("/openapi/v1/wallet/withdraw", map[string]any{"wallet_id": wallet.ID, "chain": "TRON",
			"amount": "20", "address": tronAddr, "memo": m.memo}), &wd)
		assert.Equal(t, m.rule, outcome(resp), m.memo)
		withdrawals[i] = wd.ID
	}

	// Purchases: the merchant name mocksrv:decline.
	funded, err := s.AddCard(bkj.Card{AccountID: owner, Balance: core.MustDecimal("100")})
	require.NoError(t, err)
	merchants := []struct{ name, rule, want string }{
		{"mocksrv:decline", "auth.decline", "declined"}, {"mocksrv:decline:order-3", "auth.decline", "declined"},
		{"Decline Street Deli", "", "pending"}, {"MOCKSRV:DECLINE", "", "pending"}, {"shop mocksrv:decline", "", "pending"},
		{"mocksrv:decline-cvv", "", "pending"},
	}
	for _, m := range merchants {
		var tx cardTxOut
		resp := ok(t, c, "sandbox.authorize", post("/openapi/v1/sandbox/card/authorize", map[string]any{"card_id": funded.ID, "amount": "1", "merchant_name": m.name}), &tx)
		assert.Equal(t, m.rule, outcome(resp), m.name)
		assert.Equal(t, m.want, tx.Status, m.name)
		if m.rule != "" {
			assert.Equal(t, "declined by issuer (sandbox outcome auth.decline)", tx.DeclineReason)
		}
	}
	s.CheckCardBalance(t, funded.ID, "96")
	stored := s.CardTransactions(funded.ID)
	require.Len(t, stored, len(merchants))
	assert.Equal(t, "auth.decline", stored[0].Outcome, "the decision is stored on the transaction")
	assert.Empty(t, stored[2].Outcome)

	_, err = s.Clock.Advance(2 * time.Hour)
	require.NoError(t, err)
	for i, l := range labels {
		s.CheckCardStatus(t, cards[i], l.want)
		got, _ := s.Card(cards[i])
		assert.Equal(t, l.rule, got.Outcome, l.label)
		if l.rule != "" {
			assert.Equal(t, "card application failed (sandbox outcome card.fail)", got.Remarks)
		}
	}
	for i, m := range memos {
		var wd walletTxOut
		ok(t, c, "wallet_transaction.detail", get("/openapi/v1/wallet/transactions/"+withdrawals[i], nil), &wd)
		assert.Equal(t, m.want, wd.Status, m.memo)
	}
	s.CheckWalletBalance(t, owner, "USDT", "937") // 1000 − 3 × (20 + fee 1): the rejected one came back, the held one is held
	s.CheckLedger(t)
}

// TestOutcomesByRuleName: the admin API (and so scenario givens) and the
// direct helpers reach every outcome with the rule's name as the record's
// "outcome", with ordinary data, and refuse a name that is not one of the
// record's rules.
func TestOutcomesByRuleName(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t, bkj.WithDelays(bkj.Delays{KYCReview: 2 * time.Minute, Open: 30 * time.Second, Withdrawal: 10 * time.Minute}))
	admin := core.ProviderOf(s.Host)
	create := func(kind, body string) (map[string]any, error) {
		v, err := admin.Create(core.DefaultTenant, kind, json.RawMessage(body))
		if err != nil {
			return nil, err
		}
		raw, err := json.Marshal(v)
		require.NoError(t, err)
		var m map[string]any
		require.NoError(t, json.Unmarshal(raw, &m))
		return m, nil
	}
	mustCreate := func(kind, body string) map[string]any {
		t.Helper()
		m, err := create(kind, body)
		require.NoError(t, err, "%s %s", kind, body)
		return m
	}

	rejectUser := mustCreate("users", `{"kyc_status":"pending","outcome":"kyc.reject"}`)
	holdUser := mustCreate("users", `{"kyc_status":"pending","outcome":"kyc.hold"}`)
	assert.NotContains(t, rejectUser["email"], "mocksrv.test", "no magic value needed")
	direct, err := s.AddUser(bkj.User{Email: "kyc.reject+direct@mocksrv.test", KYCStatus: bkj.KYCPending})
	require.NoError(t, err)
	assert.Equal(t, "kyc.reject", direct.Outcome, "the direct helper reads magic emails too")

	owner := mustCreate("users", `{}`)["id"].(string)
	failCard := mustCreate("cards", `{"account_id":"`+owner+`","status":"opening","outcome":"card.fail"}`)
	assert.Equal(t, "", failCard["label"])
	card := mustCreate("cards", `{"account_id":"`+owner+`","balance":"50"}`)["id"].(string)
	declined := mustCreate("transactions", `{"card_id":"`+card+`","amount":"5","outcome":"auth.decline"}`)
	assert.Equal(t, "declined", declined["status"])
	assert.Equal(t, "auth.decline", declined["outcome"], "stored on the transaction")
	viaHelper, err := s.Authorize(bkj.Authorization{CardID: card, Amount: core.MustDecimal("5"), MerchantName: "mocksrv:decline"})
	require.NoError(t, err)
	assert.Equal(t, bkj.CardTxDeclined, viaHelper.Status, "the direct helper reads magic merchants too")

	mustCreate("wallets", `{"account_id":"`+owner+`","currency":"USDT","balance":"100"}`)
	rejected := mustCreate("withdrawals", `{"account_id":"`+owner+`","amount":"20","outcome":"withdrawal.reject"}`)
	held := mustCreate("withdrawals", `{"account_id":"`+owner+`","amount":"20","memo":"payout","outcome":"withdrawal.hold"}`)
	plain := mustCreate("withdrawals", `{"account_id":"`+owner+`","amount":"20"}`)
	assert.Equal(t, "pending", held["status"])
	assert.Equal(t, "withdrawal.hold", held["outcome"])
	s.CheckWalletBalance(t, owner, "USDT", "37")

	_, err = s.Clock.Advance(time.Hour)
	require.NoError(t, err)
	s.CheckKYCStatus(t, rejectUser["id"].(string), bkj.KYCRejected)
	s.CheckKYCStatus(t, direct.ID, bkj.KYCRejected)
	s.CheckKYCStatus(t, holdUser["id"].(string), bkj.KYCPending)
	s.CheckCardStatus(t, failCard["id"].(string), bkj.StatusDeleted)
	status := func(id string) bkj.TxStatus {
		for _, x := range s.WalletTransactions(rejected["wallet_id"].(string)) {
			if x.ID == id {
				return x.Status
			}
		}
		return ""
	}
	assert.Equal(t, bkj.TxFailed, status(rejected["id"].(string)))
	assert.Equal(t, bkj.TxPending, status(held["id"].(string)))
	assert.Equal(t, bkj.TxSuccess, status(plain["id"].(string)))
	mustCreate("withdrawals", `{"id":"`+held["id"].(string)+`","decision":"success"}`)
	assert.Equal(t, bkj.TxSuccess, status(held["id"].(string)), "a held withdrawal waits for the admin API")
	require.NoError(t, s.DecideKYC(holdUser["id"].(string), true), "a held review waits for the admin API")
	s.CheckWalletBalance(t, owner, "USDT", "58")

	for _, bad := range []struct{ kind, body, want string }{
		{"users", `{"outcome":"kyc.maybe"}`, `outcome "kyc.maybe"`},
		{"cards", `{"account_id":"` + owner + `","outcome":"kyc.reject"}`, `outcome "kyc.reject"`},
		{"transactions", `{"card_id":"` + card + `","amount":"5","outcome":"card.fail"}`, `outcome "card.fail"`},
		{"transactions", `{"card_id":"` + card + `","type":"refund","related_id":"x","amount":"5","outcome":"auth.decline"}`, "steers purchases"},
		{"withdrawals", `{"account_id":"` + owner + `","amount":"20","outcome":"auth.decline"}`, `outcome "auth.decline"`},
		{"withdrawals", `{"decision":"success"}`, "needs the pending withdrawal's id"},
	} {
		_, err := create(bad.kind, bad.body)
		assert.ErrorContains(t, err, bad.want, "%s %s", bad.kind, bad.body)
	}
	for _, e := range s.Journal.Entries() {
		assert.Empty(t, e.Outcomes, "nothing went through the provider API with a magic value")
	}
	s.CheckLedger(t)
}

// TestOutcomesSurviveASnapshot: a decision stored on a record is in the
// snapshot, so a restored world applies it when it falls due, with no
// magic value read again.
func TestOutcomesSurviveASnapshot(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t, bkj.WithDelays(bkj.Delays{KYCReview: 2 * time.Minute, Open: 30 * time.Second, Withdrawal: 10 * time.Minute}))
	rejected, err := s.AddUser(bkj.User{Email: "kyc.reject+snap@mocksrv.test", KYCStatus: bkj.KYCPending})
	require.NoError(t, err)
	held, err := s.AddUser(bkj.User{KYCStatus: bkj.KYCPending, Outcome: "kyc.hold"})
	require.NoError(t, err)
	card, err := s.AddCard(bkj.Card{Status: bkj.StatusOpening, Outcome: "card.fail"})
	require.NoError(t, err)
	p := core.ProviderOf(s.Host)
	snap, err := p.Snapshot(core.DefaultTenant)
	require.NoError(t, err)
	require.NoError(t, p.ResetTenant(core.DefaultTenant))
	tn, _ := s.Tenants.Get(core.DefaultTenant)
	require.NoError(t, p.Restore(tn, snap))
	_, err = s.Clock.Advance(2 * time.Minute)
	require.NoError(t, err)
	s.CheckKYCStatus(t, rejected.ID, bkj.KYCRejected)
	s.CheckKYCStatus(t, held.ID, bkj.KYCPending)
	s.CheckCardStatus(t, card.ID, bkj.StatusDeleted)
	h, _ := s.User(held.ID)
	assert.Equal(t, "kyc.hold", h.Outcome)
}
