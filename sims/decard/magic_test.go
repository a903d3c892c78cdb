package decard_test

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/internal/corpus"
	"github.com/mocksrv/mocksrv/internal/readmetest"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/decard"
)

// TestMagicTableFiresOnNoOrdinaryInput: no rule of DeCard's table matches
// any of the corpus's ordinary inputs, of any kind — the names, emails,
// labels, amounts (every cent value), phones, references and random
// tokens that used to trip the substring, suffix and cents rules
// (p.reddy@company.com, Failover-2003, 66.66, …13, …0000) among them.
func TestMagicTableFiresOnNoOrdinaryInput(t *testing.T) {
	t.Parallel()
	all := corpus.All()
	require.GreaterOrEqual(t, len(all), 2000)
	table := decard.Magic()
	require.NotEmpty(t, table)
	for _, m := range table {
		assert.True(t, m.Matches(m.Value), "rule %s matches its own value", m.Rule)
		for _, in := range all {
			assert.False(t, m.Matches(in.Value), "rule %s fires on the ordinary %s %q", m.Rule, in.Kind, in.Value)
		}
	}
}

// dialCodes maps the corpus's country codes to DeCard's mobileCode.
var dialCodes = map[string]string{"+65": "SG", "+86": "CN", "+1": "US", "+44": "GB", "+852": "HK", "+91": "IN", "+81": "JP", "+49": "DE"}

// ordinaryPhone splits a corpus phone into DeCard's mobileCode and mobile.
func ordinaryPhone(t *testing.T, phone string) (code, mobile string) {
	t.Helper()
	for _, cc := range []string{"+852", "+65", "+86", "+44", "+91", "+81", "+49", "+1"} {
		if rest, ok := strings.CutPrefix(phone, cc); ok {
			return dialCodes[cc], rest
		}
	}
	t.Fatalf("corpus phone %q has no known country code", phone)
	return "", ""
}

// TestOrdinaryDataTakesTheHappyPath pushes the corpus through DeCard's
// real flows over HTTP — phones into registration and KYC_GUIDE reviews,
// emails, Sumsub tokens, references and labels into virtual-card
// applications, amounts and merchant names into fund-auth, amounts into
// deposits, names (Seán, Zoë, 张伟, O'Brien…) into the travel rule — and
// finds no answer announcing an outcome, nothing in the journal, and the
// happy path everywhere once the clock has moved.
func TestOrdinaryDataTakesTheHappyPath(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t, decard.WithSMSInterval(0), decard.WithFundPool("100000000"))
	c := s.NewClient()
	do := func(method, path string, params []decard.Param, body any, out any) {
		t.Helper()
		resp, err := c.Do(ctx, method, path, params, body)
		require.NoError(t, err)
		require.True(t, resp.OK(), "%s %s: %s %s", method, path, resp.Code, resp.Message)
		assert.Empty(t, resp.Header.Get(core.OutcomeHeader), "%s %s announced an outcome", method, path)
		if out != nil {
			require.NoError(t, resp.Decode(out))
		}
	}
	link := func(user string) {
		do(http.MethodPost, "/redirect/v1/guidance-link", nil, map[string]any{"externalUserId": user, "action": "KYC_GUIDE",
			"successRedirectUrl": "https://app.example/ok", "errorRedirectUrl": "https://app.example/err"}, nil)
	}

	// Phones: register and start a KYC review with a guidance link.
	var registered []string
	seen := map[string]bool{}
	for _, phone := range corpus.Of(corpus.Phones) {
		code, mobile := ordinaryPhone(t, phone)
		if seen[code+mobile] {
			continue
		}
		seen[code+mobile] = true
		do(http.MethodPost, "/captcha/v1/send-mobile-code", nil, map[string]any{"mobileCode": code, "mobile": mobile, "behavioral": "REGISTER"}, nil)
		var id string
		do(http.MethodPost, "/account/v1/register", nil, map[string]any{"mobileCode": code, "mobile": mobile, "smsCode": decard.DefaultSMSCode}, &id)
		link(id)
		registered = append(registered, id)
	}

	// Emails, tokens, references and labels: one application each.
	tokens, refs, labels := corpus.Of(corpus.Tokens), corpus.Of(corpus.References), corpus.Of(corpus.Labels)
	var emails []string
	for i, e := range corpus.Of(corpus.Emails) { // a KYC email is one user's: each once; a third of them
		if i%3 == 0 && !seen[strings.ToLower(e)] {
			seen[strings.ToLower(e)] = true
			emails = append(emails, e)
		}
	}
	var applicants []string
	for i, email := range emails {
		u, err := s.AddUser(decard.NewUser{KYC: decard.KYCUndo})
		require.NoError(t, err)
		ref := refs[i%len(refs)]
		if i >= len(refs) {
			ref = fmt.Sprintf("%s-%d", ref, i)
		}
		do(http.MethodPost, "/card/v1/virtual-card/apply", nil, map[string]any{"externalUserId": u.ID, "categoryId": "10102000", "applyRef": ref,
			"kycInfo": kycInfo("sumsubShareToken", tokens[i%len(tokens)], "email", email, "employerName", labels[i%len(labels)],
				"addressLine2", labels[(i+7)%len(labels)])}, nil)
		applicants = append(applicants, u.ID)
	}

	// Amounts and merchant names: purchases on one well-funded card.
	payer, err := s.AddUser(decard.NewUser{Balances: map[string]string{"USD": "10000000"}})
	require.NoError(t, err)
	card, err := s.AddCard(decard.NewCard{UserID: payer.ID})
	require.NoError(t, err)
	amounts := corpus.Of(corpus.Amounts)
	spends := 0
	for i := 1; i < len(amounts); i += 13 { // every cent value appears: 13 and 100 are coprime
		var r struct {
			Approved  bool    `json:"approved"`
			ErrorCode *string `json:"errorCode"`
		}
		do(http.MethodPost, "/simulation/v2/fund-auth", nil, map[string]any{"externalUserId": payer.ID, "cardId": card.ID, "authType": "EXPEND",
			"amount": amounts[i], "currency": "USD", "merchantName": labels[i%len(labels)]}, &r)
		require.True(t, r.Approved, "fund-auth of %s at %q declined: %v", amounts[i], labels[i%len(labels)], r.ErrorCode)
		spends++
	}

	// Amounts into deposits.
	addr := depositAddress(t, c, payer.ID)
	deposits := 0
	for i := 1; i < len(amounts); i += 41 {
		do(http.MethodPost, "/simulation/v1/deposit", nil, map[string]any{"chain": "TRON", "currency": "USDT", "amount": amounts[i], "address": addr}, nil)
		deposits++
	}

	// Names into the travel rule (DeCard publishes no rule about names).
	names := 0
	for i, name := range corpus.Of(corpus.Names) {
		if i%16 != 0 && !strings.ContainsAny(name, "áëé张'") { // a sixteenth, and every Seán, Zoë, 张伟 and O'Brien
			continue
		}
		names++
		do(http.MethodPost, "/account/v1/update-travel-rule", nil, map[string]any{"externalUserId": payer.ID, "channelName": "MOBILE_APP",
			"institutionName": "Example Bank Ltd", "name": name,
			"id":          map[string]any{"type": "PASSPORT", "value": "E12345679", "countryOfIssue": "CN"},
			"address":     map[string]any{"city": "SHANGHAI", "country": "CN", "postalCode": "200120", "addressLines": "88 LUJIAZUI"},
			"dateOfBirth": "1990-01-01", "placeOfBirth": "CN"}, nil)
	}

	advance(t, s, 2*time.Hour)
	for _, u := range append(registered, applicants...) {
		s.CheckKYCStatus(t, u, decard.KYCPass)
	}
	for _, u := range applicants {
		assert.Len(t, s.Cards(u), 1, "user %s's application was issued", u)
	}
	st, err := core.ProviderOf(s.Host).State(core.DefaultTenant)
	require.NoError(t, err)
	dump := st.(decard.StateDump)
	for _, a := range dump.Applications {
		assert.Equal(t, decard.ApplySuccess, a.Status, "application %s", a.Ref)
		assert.False(t, a.NeedEDD, "application %s", a.Ref)
	}
	require.Len(t, dump.Deposits, deposits)
	for _, d := range dump.Deposits {
		assert.Equal(t, decard.DepositSuccess, d.Status, "deposit of %s", d.Amount)
	}
	assert.Equal(t, spends, dump.Transactions)
	for _, e := range s.Journal.Entries() {
		assert.Empty(t, e.Outcomes, "%s %s announced an outcome", e.Method, e.Path)
	}
	t.Logf("%d registrations, %d applications, %d purchases, %d deposits, %d names: no outcome", len(registered), len(applicants), spends, deposits, names)
}

// TestMagicValuesAnnounceThemselves: each reserved value fires its rule on
// the request that carries it — the answer's X-Mocksrv-Outcome and the
// journal entry name the rule — and its outcome follows.
func TestMagicValuesAnnounceThemselves(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	c := s.NewClient()
	announced := func(route string, resp *decard.Response, rule string) {
		t.Helper()
		require.True(t, resp.OK(), "%s: %s %s", route, resp.Code, resp.Message)
		assert.Equal(t, rule, resp.Header.Get(core.OutcomeHeader), route)
		entries := s.Journal.Entries(core.ByRoute(route))
		require.NotEmpty(t, entries)
		assert.Contains(t, entries[len(entries)-1].Outcomes, rule, route)
	}
	apply := func(user, ref string, kyc map[string]any) *decard.Response {
		return call(t, c, "card.virtual_apply", http.MethodPost, "/card/v1/virtual-card/apply", nil,
			map[string]any{"externalUserId": user, "categoryId": "10102000", "applyRef": ref, "kycInfo": kyc})
	}
	refused, held, edd, failing := register(t, c, "86660001"), register(t, c, "86660002"), register(t, c, "86660003"), register(t, c, "86660004")
	announced("card.virtual_apply", apply(refused, "m-1", kycInfo("sumsubShareToken", "mocksrv:kyc-refuse", "email", "m1@example.com")), "kyc.refuse")
	announced("card.virtual_apply", apply(held, "m-2", kycInfo("sumsubShareToken", "mocksrv:kyc-hold:cy", "email", "m2@example.com")), "kyc.hold")
	announced("card.virtual_apply", apply(edd, "m-3", kycInfo("email", "KYC.EDD+di@mocksrv.test")), "kyc.edd")
	announced("card.virtual_apply", apply(failing, "mocksrv:card-fail:order-7", kycInfo("email", "m4@example.com")), "card.fail")

	// A magic mobile steers the user's reviews, a KYC_GUIDE link's too.
	var sent, gb string
	post(t, c, "captcha.send_mobile_code", "/captcha/v1/send-mobile-code", map[string]any{"mobileCode": "GB", "mobile": "07700900001", "behavioral": "REGISTER"}, &sent)
	resp := call(t, c, "account.register", http.MethodPost, "/account/v1/register", nil, map[string]any{"mobileCode": "GB", "mobile": "07700900001", "smsCode": decard.DefaultSMSCode})
	announced("account.register", resp, "kyc.refuse")
	require.NoError(t, resp.Decode(&gb))
	resp = call(t, c, "redirect.guidance_link", http.MethodPost, "/redirect/v1/guidance-link", nil, map[string]any{"externalUserId": gb, "action": "KYC_GUIDE",
		"successRedirectUrl": "https://app.example/ok", "errorRedirectUrl": "https://app.example/err"})
	announced("redirect.guidance_link", resp, "kyc.refuse")

	u, err := s.AddUser(decard.NewUser{Balances: map[string]string{"USD": "100"}})
	require.NoError(t, err)
	card, err := s.AddCard(decard.NewCard{UserID: u.ID})
	require.NoError(t, err)
	resp = call(t, c, "simulation.fund_auth_v2", http.MethodPost, "/simulation/v2/fund-auth", nil, map[string]any{"externalUserId": u.ID, "cardId": card.ID,
		"authType": "EXPEND", "amount": "9999.010", "currency": "USD"})
	announced("simulation.fund_auth_v2", resp, "auth.decline")
	assert.JSONEq(t, `{"approved":false,"errorCode":"CARD_TRANSACTION_DEDUCT_FUNDS_FAIL"}`, string(resp.Data))
	s.CheckBalance(t, u.ID, "USD", "100")
	addr := depositAddress(t, c, u.ID)
	for amount, rule := range map[string]string{"9999.13": "deposit.fail", "9999.14": "deposit.audit"} {
		resp = call(t, c, "simulation.deposit", http.MethodPost, "/simulation/v1/deposit", nil, map[string]any{"chain": "TRON", "currency": "USDT", "amount": amount, "address": addr})
		announced("simulation.deposit", resp, rule)
	}

	advance(t, s, 10*time.Minute)
	s.CheckKYCStatus(t, refused, decard.KYCRefuse)
	s.CheckKYCStatus(t, held, decard.KYCPending)
	s.CheckKYCStatus(t, edd, decard.KYCPending)
	s.CheckKYCStatus(t, failing, decard.KYCPass)
	s.CheckKYCStatus(t, gb, decard.KYCRefuse)
	assert.Empty(t, s.Cards(failing), "card.fail: no card")
	var a applyData
	get(t, c, "card.virtual_detail", "/card/v1/virtual-card/detail", &a, decard.Q("externalUserId", failing, "applyRef", "mocksrv:card-fail:order-7")...)
	assert.Equal(t, "FAILED", a.Status)
	assert.Equal(t, "CARD_TXN_SERVICE_ERROR", a.ErrorCode)
	get(t, c, "card.virtual_detail", "/card/v1/virtual-card/detail", &a, decard.Q("externalUserId", edd, "applyRef", "m-3")...)
	assert.True(t, a.NeedEddFile)
	st, err := core.ProviderOf(s.Host).State(core.DefaultTenant)
	require.NoError(t, err)
	statuses := map[string]decard.DepositStatus{}
	for _, d := range st.(decard.StateDump).Deposits {
		statuses[d.Amount.String()] = d.Status
	}
	assert.Equal(t, map[string]decard.DepositStatus{"9999.13": decard.DepositFailed, "9999.14": decard.DepositPendingAudit}, statuses)
	advance(t, s, time.Hour)
	s.CheckBalance(t, u.ID, "USDT", "9999.14")

	// Ordinary look-alikes fire nothing.
	resp = call(t, c, "simulation.fund_auth_v2", http.MethodPost, "/simulation/v2/fund-auth", nil, map[string]any{"externalUserId": u.ID, "cardId": card.ID,
		"authType": "EXPEND", "amount": "66.66", "currency": "USD"})
	assert.Empty(t, resp.Header.Get(core.OutcomeHeader))
	assert.JSONEq(t, `{"approved":true,"errorCode":null}`, string(resp.Data))
}

// TestOutcomesByRuleName: the admin API (and so scenario givens and the
// direct helpers) reaches every outcome by its rule's name, no magic value
// needed, and refuses a name it does not know.
func TestOutcomesByRuleName(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	apps := map[string]decard.Apply{}
	for _, rule := range []string{"kyc.refuse", "kyc.hold", "kyc.edd", "card.fail", ""} {
		a, err := s.AddApplication(decard.NewApply{Outcome: rule})
		require.NoError(t, err, rule)
		apps[rule] = a
	}
	pending, err := s.AddUser(decard.NewUser{KYC: decard.KYCPending, Outcome: "kyc.refuse"})
	require.NoError(t, err)
	guided, err := s.AddUser(decard.NewUser{KYC: decard.KYCUndo, Outcome: "kyc.hold"})
	require.NoError(t, err)
	_, err = s.AddApplication(decard.NewApply{UserID: guided.ID})
	require.NoError(t, err)
	payer, err := s.AddUser(decard.NewUser{Balances: map[string]string{"USD": "50"}})
	require.NoError(t, err)
	card, err := s.AddCard(decard.NewCard{UserID: payer.ID})
	require.NoError(t, err)
	out, err := s.Authorize(decard.NewTransaction{UserID: payer.ID, CardID: card.ID, Amount: "5", Outcome: "auth.decline"})
	require.NoError(t, err)
	assert.False(t, out.Approved)
	assert.Equal(t, "CARD_TRANSACTION_DEDUCT_FUNDS_FAIL", out.ErrorCode)
	failed, err := s.AddDeposit(decard.NewDeposit{UserID: payer.ID, Amount: core.MustDecimal("12"), Outcome: "deposit.fail"})
	require.NoError(t, err)
	audited, err := s.AddDeposit(decard.NewDeposit{UserID: payer.ID, Amount: core.MustDecimal("13"), Outcome: "deposit.audit"})
	require.NoError(t, err)

	advance(t, s, 2*time.Hour)
	s.CheckKYCStatus(t, apps["kyc.refuse"].UserID, decard.KYCRefuse)
	s.CheckKYCStatus(t, apps["kyc.hold"].UserID, decard.KYCPending)
	s.CheckKYCStatus(t, apps["kyc.edd"].UserID, decard.KYCPending)
	s.CheckKYCStatus(t, pending.ID, decard.KYCRefuse)
	s.CheckKYCStatus(t, guided.ID, decard.KYCPending)
	for rule, want := range map[string]decard.ApplyStatus{"kyc.refuse": decard.ApplyFailed, "kyc.hold": decard.ApplyPending, "kyc.edd": decard.ApplyPending,
		"card.fail": decard.ApplyFailed, "": decard.ApplySuccess} {
		a, ok := s.Application(apps[rule].ID)
		require.True(t, ok)
		assert.Equal(t, want, a.Status, "outcome %q", rule)
	}
	edd, _ := s.Application(apps["kyc.edd"].ID)
	assert.True(t, edd.NeedEDD)
	st, err := core.ProviderOf(s.Host).State(core.DefaultTenant)
	require.NoError(t, err)
	for _, d := range st.(decard.StateDump).Deposits {
		switch d.TxHash {
		case failed.TxHash:
			assert.Equal(t, decard.DepositFailed, d.Status)
		case audited.TxHash:
			assert.Equal(t, decard.DepositSuccess, d.Status, "an hour in audit, then credited")
		}
	}
	s.CheckBalance(t, payer.ID, "USDT", "13")

	for _, bad := range []func() error{
		func() error { _, err := s.AddApplication(decard.NewApply{Outcome: "kyc.maybe"}); return err },
		func() error {
			_, err := s.AddUser(decard.NewUser{KYC: decard.KYCUndo, Outcome: "card.fail"})
			return err
		},
		func() error { _, err := s.AddUser(decard.NewUser{Outcome: "kyc.refuse"}); return err },
		func() error {
			_, err := s.AddDeposit(decard.NewDeposit{UserID: payer.ID, Amount: core.MustDecimal("1"), Outcome: "auth.decline"})
			return err
		},
		func() error {
			_, err := s.Authorize(decard.NewTransaction{UserID: payer.ID, CardID: card.ID, Amount: "1", Outcome: "deposit.fail"})
			return err
		},
	} {
		err := bad()
		require.Error(t, err)
		assert.Contains(t, err.Error(), "outcome")
	}
}

// TestMagicTableIsDocumented: every rule of the table, with its value, is
// in doc.go's "Magic values" and in the README's DeCard rows of "Outcomes
// you can steer".
func TestMagicTableIsDocumented(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	var rows []string
	for _, l := range strings.Split(readmetest.All(t), "\n") {
		if strings.HasPrefix(l, "| DeCard |") {
			rows = append(rows, l)
		}
	}
	steer := strings.Join(rows, "\n")
	for _, m := range decard.Magic() {
		value := m.Value
		if m.Kind == core.MagicPhone { // written as Ofcom writes it: +44 7700 900001
			value = "+44 7700 " + value[len(value)-6:]
		}
		assert.Contains(t, string(doc), value, "doc.go lists %s", m.Rule)
		assert.Contains(t, string(doc), m.Rule)
		assert.Contains(t, steer, "`"+m.Rule+"`", "README lists %s", m.Rule)
		if m.Kind != core.MagicPhone {
			assert.Contains(t, steer, "`"+m.Value+"`", "README lists %s's value", m.Rule)
		}
	}
}
