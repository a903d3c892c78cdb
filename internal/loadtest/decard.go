package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mocksrv/mocksrv/sims/decard"
)

func init() { workloads = append(workloads, decardLoad{}) }

// decardLoad signs every request (X-DAPI, a nonce per request), registers
// users with an SMS code, applies for virtual cards (the first application
// of a new user starts its KYC), moves money between the fund pool and the
// users with credit and debit, and spends and refunds on cards with
// fund-auth. Per asset, the fund pool plus the wallets plus what cards
// spent (net of refunds) always make the pool's starting 1,000,000.
type decardLoad struct{}

func (decardLoad) name() string { return "decard" }

// decardPool is a tenant's starting fund pool per asset (DeCard's default).
const decardPool = "1000000"

// decardCategories are the virtual card categories one user may hold one
// live card each of.
var decardCategories = []string{"10102000", "40102000", "20102000"}

type decardUser struct {
	id, email string
}

type decardTenant struct {
	c           *client
	tenant      string
	key, secret string
	poaDate     string // a proof-of-address date the KYC accepts
	nonce       atomic.Int64

	mu       sync.Mutex // guards the rest
	users    []decardUser
	cards    map[string]string // card id → user id (setup cards)
	cardIDs  []string
	applied  map[string]string // applyRef → user id, for applications accepted
	perUser  map[string]int    // cards each user should end with
	seq      int
	netSpent *big.Rat // USD of approved EXPEND minus approved REFUND
}

func (decardLoad) setup(ctx context.Context, c *client, tenant string, creds map[string]string) (tenantState, error) {
	t := &decardTenant{c: c, tenant: tenant, key: creds["api_key"], secret: creds["api_secret"], cards: map[string]string{},
		applied: map[string]string{}, perUser: map[string]int{}, netSpent: new(big.Rat)}
	var clock struct {
		Now time.Time `json:"now"`
	}
	if err := c.admin(ctx, http.MethodGet, "/_mocksrv/tenants/"+tenant+"/clock", nil, &clock); err != nil {
		return nil, err
	}
	t.poaDate = clock.Now.AddDate(0, 0, -10).Format("2006-01-02")
	base := "/_mocksrv/tenants/" + tenant + "/decard/"
	for i := 0; i < 3; i++ {
		var u struct {
			ID string `json:"externalUserId"`
		}
		if err := c.admin(ctx, http.MethodPost, base+"users", map[string]any{"balances": map[string]string{"USD": "1000"}}, &u); err != nil {
			return nil, err
		}
		var card struct {
			ID string `json:"cardId"`
		}
		if err := c.admin(ctx, http.MethodPost, base+"cards", map[string]any{"externalUserId": u.ID, "categoryId": decardCategories[0]}, &card); err != nil {
			return nil, err
		}
		t.users = append(t.users, decardUser{u.ID, fmt.Sprintf("load.setup%d@example.com", i)})
		t.cards[card.ID] = u.ID
		t.cardIDs = append(t.cardIDs, card.ID)
		t.perUser[u.ID] = 1
	}
	return t, nil
}

// call sends a signed DeCard request and returns the envelope's code and
// data; a system error, or an answer that is not the envelope, is an
// error.
func (t *decardTenant) call(ctx context.Context, route, method, path string, q url.Values, body any) (string, json.RawMessage, error) {
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	target := t.c.base + path
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(raw))
	if err != nil {
		return "", nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	decard.SignRequest(req, raw, t.key, t.secret, time.Now(), 10000+int(t.nonce.Add(1)%90000))
	status, _, b, err := t.c.send(ctx, "decard "+route, req)
	if err != nil {
		return "", nil, err
	}
	var env struct {
		Code    *string         `json:"code"`
		Success *bool           `json:"success"`
		Message *string         `json:"message"`
		Data    json.RawMessage `json:"data"`
	}
	if status != http.StatusOK || json.Unmarshal(b, &env) != nil || env.Code == nil || env.Success == nil {
		return "", nil, fmt.Errorf("decard %s: not an envelope: HTTP %d %.200s", route, status, b)
	}
	switch {
	case *env.Code == "DAPI_SYSTEM_ERROR":
		return *env.Code, nil, fmt.Errorf("decard %s: system error: %s", route, b)
	case !*env.Success && (env.Message == nil || *env.Message == ""):
		return *env.Code, nil, fmt.Errorf("decard %s: a failure without a message: %s", route, b)
	case !*env.Success:
		t.c.refuse("decard " + route)
	}
	return *env.Code, env.Data, nil
}

// want returns err, or an error unless code is success or one of ok.
func (t *decardTenant) want(err error, route, code string, ok ...string) error {
	if err != nil || code == "SYS_SUCCESS" {
		return err
	}
	for _, c := range ok {
		if code == c {
			return nil
		}
	}
	return fmt.Errorf("decard %s: unexpected code %s", route, code)
}

func (t *decardTenant) pick(rng *rand.Rand) (decardUser, string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.users[rng.IntN(len(t.users))], t.cardIDs[rng.IntN(len(t.cardIDs))]
}

func (t *decardTenant) next() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.seq++
	return t.seq
}

func (t *decardTenant) kycInfo(email string) map[string]any {
	return map[string]any{
		"sumsubShareToken": "_act-sbx-jwt-load", "email": email, "poaDocType": "UTILITY_BILL",
		"poaDocUrlList": []string{"uploads/load/bill.pdf"}, "poaDocDate": t.poaDate, "addressLine1": "1 Raffles Place",
		"addressLine2": "#20-01", "state": "SG", "city": "Singapore", "postalCode": "048616", "country": "SG",
		"employmentStatus": "EMPLOYED", "employerName": "Acme Pte Ltd", "employmentJobIndustry": "PAYMENTS",
		"occupation": "SYSTEMS_ENGINEER", "jobSeniority": "EXECUTIVE", "purposeOfAccount": "DAILY_SPENDING",
		"sourceOfFunds": "OWN_BANK_ACCOUNT", "sourceOfFundsCountry": "SG", "sourceOfWealth": "EMPLOYMENT",
	}
}

// apply applies for a card of a random category and records it if
// accepted.
func (t *decardTenant) apply(ctx context.Context, rng *rand.Rand, u decardUser) error {
	ref := fmt.Sprintf("load-%d", t.next())
	code, _, err := t.call(ctx, "card.virtual_apply", http.MethodPost, "/card/v1/virtual-card/apply", nil, map[string]any{
		"externalUserId": u.id, "categoryId": decardCategories[rng.IntN(len(decardCategories))], "applyRef": ref, "kycInfo": t.kycInfo(u.email)})
	if err == nil && code == "SYS_SUCCESS" {
		t.mu.Lock()
		t.applied[ref] = u.id
		t.perUser[u.id]++
		t.mu.Unlock()
	}
	return t.want(err, "card.virtual_apply", code, "CARD_EXISTED", "KYC_WORKFLOW_PROCESSING")
}

func (t *decardTenant) step(ctx context.Context, rng *rand.Rand) error {
	u, card := t.pick(rng)
	switch op := rng.IntN(40); {
	case op < 2: // a new user: SMS code, register, apply (which starts the KYC)
		n := t.next()
		mobile := fmt.Sprintf("8%07d", n)
		code, _, err := t.call(ctx, "captcha.send_mobile_code", http.MethodPost, "/captcha/v1/send-mobile-code", nil,
			map[string]any{"mobileCode": "SG", "mobile": mobile, "behavioral": "REGISTER"})
		if err := t.want(err, "captcha.send_mobile_code", code); err != nil {
			return err
		}
		code, data, err := t.call(ctx, "account.register", http.MethodPost, "/account/v1/register", nil,
			map[string]any{"mobileCode": "SG", "mobile": mobile, "smsCode": decard.DefaultSMSCode})
		if err := t.want(err, "account.register", code); err != nil {
			return err
		}
		var id string
		if err := json.Unmarshal(data, &id); err != nil || id == "" {
			return fmt.Errorf("decard account.register: no user id in %s", data)
		}
		nu := decardUser{id, fmt.Sprintf("load.user%d@example.com", n)}
		t.mu.Lock()
		t.users = append(t.users, nu)
		t.perUser[id] = 0
		t.mu.Unlock()
		return t.apply(ctx, rng, nu)
	case op < 5:
		return t.apply(ctx, rng, u)
	case op < 11:
		code, _, err := t.call(ctx, "card.detail_v2", http.MethodGet, "/card/v2/detail", url.Values{"externalUserId": {u.id}}, nil)
		return t.want(err, "card.detail_v2", code)
	case op < 15:
		code, _, err := t.call(ctx, "asset.balance", http.MethodGet, "/user-asset/v1/balance", url.Values{"externalUserId": {u.id}}, nil)
		return t.want(err, "asset.balance", code)
	case op < 17:
		code, _, err := t.call(ctx, "card.apply_list", http.MethodGet, "/card/v1/apply-list", url.Values{"externalUserId": {u.id}}, nil)
		return t.want(err, "card.apply_list", code)
	case op < 23: // fund pool ↔ user
		route, path := "asset.credit", "/user-asset/v1/credit"
		if op >= 20 {
			route, path = "asset.debit", "/user-asset/v1/debit"
		}
		code, _, err := t.call(ctx, route, http.MethodPost, path, nil, map[string]any{
			"externalTranId": fmt.Sprintf("LOAD%012d", t.next()), "asset": "USD", "amount": cents(1 + rng.IntN(5000)), "externalUserId": u.id})
		return t.want(err, route, code, "CARD_WALLET_BALANCE_LOW")
	case op < 36: // a card spends, or is refunded
		typ := "EXPEND"
		if op >= 33 {
			typ = "REFUND"
		}
		t.mu.Lock()
		owner := t.cards[card]
		t.mu.Unlock()
		amt := cents(1 + rng.IntN(3000))
		code, data, err := t.call(ctx, "simulation.fund_auth_v2", http.MethodPost, "/simulation/v2/fund-auth", nil, map[string]any{
			"externalUserId": owner, "cardId": card, "authType": typ, "amount": amt, "currency": "USD"})
		if err := t.want(err, "simulation.fund_auth_v2", code); err != nil {
			return err
		}
		var out struct {
			Approved bool `json:"approved"`
		}
		if err := json.Unmarshal(data, &out); err != nil {
			return fmt.Errorf("decard fund-auth: %s", data)
		}
		if out.Approved {
			r, _ := decimal(json.Number(amt))
			t.mu.Lock()
			if typ == "EXPEND" {
				t.netSpent.Add(t.netSpent, r)
			} else {
				t.netSpent.Sub(t.netSpent, r)
			}
			t.mu.Unlock()
		}
		return nil
	default: // freeze a setup card (unfreezing takes an SMS code: the admin API does it)
		t.mu.Lock()
		owner := t.cards[card]
		t.mu.Unlock()
		if rng.IntN(2) == 0 { // refused (and ignored) unless the card is frozen
			_ = t.c.admin(ctx, http.MethodPost, "/_mocksrv/tenants/"+t.tenant+"/decard/cards/"+card+"/unfreeze", nil, nil)
			return nil
		}
		code, _, err := t.call(ctx, "card.block_v2", http.MethodPost, "/card/v2/block", nil, map[string]any{"externalUserId": owner, "cardId": card, "block": true})
		return t.want(err, "card.block_v2", code, "CARD_FROZEN_STATUS_UNSUPPORTED")
	}
}

// verify (after the business clock moved past KYC and issuing): every
// user holds the cards set up and applied for, each listed once; every
// accepted application is listed once, issued; another tenant's user is
// unknown here; and the money adds up.
func (t *decardTenant) verify(ctx context.Context, others []tenantState) []string {
	var errs []string
	seen := map[string]int{}
	for _, u := range t.users {
		code, data, err := t.call(ctx, "card.detail_v2", http.MethodGet, "/card/v2/detail", url.Values{"externalUserId": {u.id}}, nil)
		if err != nil || code != "SYS_SUCCESS" {
			errs = append(errs, fmt.Sprintf("card.detail_v2 of %s: %s %v", u.id, code, err))
			continue
		}
		var cards []struct {
			ID string `json:"cardId"`
		}
		_ = json.Unmarshal(data, &cards)
		for _, c := range cards {
			seen[c.ID]++
		}
		if len(cards) != t.perUser[u.id] {
			errs = append(errs, fmt.Sprintf("user %s holds %d cards, want %d (set up and applied for)", u.id, len(cards), t.perUser[u.id]))
		}
		code, data, err = t.call(ctx, "card.apply_list", http.MethodGet, "/card/v1/apply-list", url.Values{"externalUserId": {u.id}}, nil)
		if err != nil || code != "SYS_SUCCESS" {
			errs = append(errs, fmt.Sprintf("card.apply_list of %s: %s %v", u.id, code, err))
			continue
		}
		var apps []struct {
			Ref    string `json:"applyRef"`
			Status string `json:"status"`
		}
		_ = json.Unmarshal(data, &apps)
		refs := map[string]int{}
		for _, a := range apps {
			refs[a.Ref]++
			if t.applied[a.Ref] != u.id {
				errs = append(errs, fmt.Sprintf("user %s lists application %s, never accepted for them", u.id, a.Ref))
			} else if a.Status != "SUCCESS" {
				errs = append(errs, fmt.Sprintf("application %s is %s after the KYC and issuing delays", a.Ref, a.Status))
			}
		}
		for ref, owner := range t.applied {
			if owner == u.id && refs[ref] != 1 {
				errs = append(errs, fmt.Sprintf("application %s listed %d times", ref, refs[ref]))
			}
		}
	}
	for id, n := range seen {
		if n != 1 {
			errs = append(errs, fmt.Sprintf("card %s listed %d times", id, n))
		}
	}
	for id := range t.cards {
		if seen[id] != 1 {
			errs = append(errs, fmt.Sprintf("setup card %s listed %d times", id, seen[id]))
		}
	}
	for _, o := range others {
		other := o.(*decardTenant)
		code, _, _ := t.call(ctx, "card.detail_v2", http.MethodGet, "/card/v2/detail", url.Values{"externalUserId": {other.users[0].id}}, nil)
		if code != "ACCOUNT_USER_NOT_EXIST" {
			errs = append(errs, fmt.Sprintf("card.detail_v2 of tenant %s's user %s: %s, want ACCOUNT_USER_NOT_EXIST", other.tenant, other.users[0].id, code))
		}
	}
	return append(errs, t.conserved(ctx)...)
}

// conserved checks, per asset, fund pool + wallets (free and frozen) +
// financial-connection accounts and payments in transit + USD spent net
// of refunds = the starting pool, and that the simulator's own books
// (the state's money) agree.
func (t *decardTenant) conserved(ctx context.Context) []string {
	var st struct {
		Wallets []struct {
			Asset  string      `json:"asset"`
			Free   json.Number `json:"free"`
			Freeze json.Number `json:"freeze"`
		} `json:"wallets"`
		Pool     map[string]json.Number `json:"fund_pool"`
		Accounts []struct {
			Currency string      `json:"currency"`
			Free     json.Number `json:"free"`
			Freeze   json.Number `json:"freeze"`
		} `json:"fc_accounts"`
		Money map[string]struct {
			InTransit json.Number `json:"in_transit"`
			Conserved bool        `json:"conserved"`
		} `json:"money"`
	}
	if err := t.c.admin(ctx, http.MethodGet, "/_mocksrv/tenants/"+t.tenant+"/decard/state", nil, &st); err != nil {
		return []string{err.Error()}
	}
	held := map[string][]json.Number{}
	for a, v := range st.Pool {
		held[a] = append(held[a], v)
	}
	for _, x := range st.Wallets {
		held[x.Asset] = append(held[x.Asset], x.Free, x.Freeze)
	}
	for _, a := range st.Accounts {
		held[a.Currency] = append(held[a.Currency], a.Free, a.Freeze)
	}
	var errs []string
	for a, m := range st.Money {
		if m.InTransit != "" {
			held[a] = append(held[a], m.InTransit)
		}
		if !m.Conserved {
			errs = append(errs, fmt.Sprintf("%s not conserved by the simulator's own books (state money)", a))
		}
	}
	want, _ := decimal(decardPool)
	for a, parts := range held {
		sum, err := total(parts...)
		if err != nil {
			return []string{err.Error()}
		}
		if a == "USD" {
			sum.Add(sum, t.netSpent)
		}
		if sum.Cmp(want) != 0 {
			errs = append(errs, fmt.Sprintf("%s not conserved: pool + wallets + spent = %s, want %s", a, sum.FloatString(8), decardPool))
		}
	}
	if len(held["USD"]) == 0 {
		errs = append(errs, "no USD fund pool in the state")
	}
	return errs
}
