package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
	"net/http"
	"sync"

	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// uqpayLoad issues prepaid (SINGLE) cards and moves money between the
// issuing balance and the cards with recharges and withdrawals — some sent
// twice under one x-idempotency-key, which must not move money twice. The
// issuing balance (available and frozen) plus the cards' balances and
// holds always add up to the opening balance.
type uqpayLoad struct{}

func (uqpayLoad) name() string { return "uqpay" }

// uqpayOpening is the tenant's opening USD issuing balance.
const uqpayOpening = "100000"

// uqpayProduct is the docs' SINGLE (prepaid) VISA product.
const uqpayProduct = "3bd1656b-e691-4aab-a76a-3ead39e7a6f6"

// tenantOptions: cards are issued at once, card orders complete half a
// second later (so money is seen in flight), no card quota, no token rate
// limit, and a known opening balance.
func (uqpayLoad) tenantOptions() any {
	return map[string]any{"issue_delay": "0s", "order_delay": "500ms", "card_quota": 0, "token_rate_limit": 0,
		"initial_balances": map[string]string{"USD": uqpayOpening}}
}

type uqpayTenant struct {
	c       *client
	cl      *uqpay.Client // holds the auth_token and authorizes every call
	tenant  string
	holders []string
	mu      sync.Mutex // guards created, order
	created map[string]bool
	order   []string
}

func (uqpayLoad) setup(ctx context.Context, c *client, tenant string, creds map[string]string) (tenantState, error) {
	t := &uqpayTenant{c: c, tenant: tenant, created: map[string]bool{}}
	for i := 0; i < 3; i++ {
		var h struct {
			ID string `json:"cardholder_id"`
		}
		if err := c.admin(ctx, http.MethodPost, "/_mocksrv/tenants/"+tenant+"/uqpay/cardholders", map[string]any{}, &h); err != nil {
			return nil, err
		}
		t.holders = append(t.holders, h.ID)
	}
	t.cl = uqpay.NewClient(c.base, creds["client_id"], creds["api_key"])
	t.cl.HTTP = c.hc
	if _, err := t.cl.Token(ctx); err != nil {
		return nil, fmt.Errorf("uqpay token: %w", err)
	}
	return t, nil
}

// uqpayAnswer is one response: its status, error code (for 4xx) and body.
type uqpayAnswer struct {
	status int
	code   string
	body   []byte
}

// call sends a UQPay request (a POST under key, a fresh UUID when empty)
// and checks the answer: 2xx JSON, or a 4xx in UQPay's {type, code,
// message} envelope.
func (t *uqpayTenant) call(ctx context.Context, rng *rand.Rand, route, method, path, key string, body any) (uqpayAnswer, error) {
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	h := http.Header{}
	if method == http.MethodPost {
		if key == "" {
			key = uuid4(rng)
		}
		h.Set("x-idempotency-key", key)
	}
	status, _, b, err := t.c.exchange(ctx, "uqpay "+route, t.cl, method, "/api/v1"+path, h, raw)
	if err != nil {
		return uqpayAnswer{}, err
	}
	a := uqpayAnswer{status: status, body: b}
	switch {
	case status >= 200 && status < 300:
		if !json.Valid(b) {
			return a, fmt.Errorf("uqpay %s: HTTP %d with a body that is not JSON: %.200s", route, status, b)
		}
	case status >= 400 && status < 500:
		var e struct{ Type, Code, Message string }
		if json.Unmarshal(b, &e) != nil || e.Type == "" || e.Code == "" || e.Message == "" {
			return a, fmt.Errorf("uqpay %s: HTTP %d is not UQPay's error envelope: %.200s", route, status, b)
		}
		a.code = e.Code
		t.c.refuse("uqpay " + route)
		if status == http.StatusUnauthorized || status == http.StatusForbidden || e.Code == "card_not_found" {
			return a, fmt.Errorf("uqpay %s %s: HTTP %d %s", method, path, status, b)
		}
	default:
		return a, fmt.Errorf("uqpay %s: HTTP %d %.200s", route, status, b)
	}
	return a, nil
}

func (t *uqpayTenant) randomCard(rng *rand.Rand) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.order) == 0 {
		return ""
	}
	return t.order[rng.IntN(len(t.order))]
}

func (t *uqpayTenant) step(ctx context.Context, rng *rand.Rand) error {
	op := rng.IntN(20)
	card := t.randomCard(rng)
	if card == "" {
		op = 0
	}
	switch {
	case op < 3: // issue a prepaid card with an opening load
		a, err := t.call(ctx, rng, "card.create", http.MethodPost, "/issuing/cards", "", map[string]any{
			"cardholder_id": t.holders[rng.IntN(len(t.holders))], "card_product_id": uqpayProduct,
			"card_currency": "USD", "card_limit": cents(100 + rng.IntN(5000))})
		if err != nil || a.status >= 300 {
			return err
		}
		var out struct {
			ID string `json:"card_id"`
		}
		if err := json.Unmarshal(a.body, &out); err != nil || out.ID == "" {
			return fmt.Errorf("uqpay card.create: no card_id in %s", a.body)
		}
		t.mu.Lock()
		t.created[out.ID] = true
		t.order = append(t.order, out.ID)
		t.mu.Unlock()
	case op < 7:
		_, err := t.call(ctx, rng, "card.list", http.MethodGet, fmt.Sprintf("/issuing/cards?page_size=%d&page_number=%d", 10+rng.IntN(91), 1+rng.IntN(3)), "", nil)
		return err
	case op < 10:
		_, err := t.call(ctx, rng, "card.retrieve", http.MethodGet, "/issuing/cards/"+card, "", nil)
		return err
	case op < 16: // recharge or withdraw, sometimes retried under the same key
		route, path := "card.recharge", "/recharge"
		if op >= 13 {
			route, path = "card.withdraw", "/withdraw"
		}
		key, body := uuid4(rng), map[string]any{"amount": cents(1 + rng.IntN(2000))}
		a, err := t.call(ctx, rng, route, http.MethodPost, "/issuing/cards/"+card+path, key, body)
		if err != nil || rng.IntN(5) > 0 {
			return err
		}
		again, err := t.call(ctx, rng, route, http.MethodPost, "/issuing/cards/"+card+path, key, body)
		if err != nil {
			return err
		}
		if a.status < 300 && (again.status != a.status || !bytes.Equal(again.body, a.body)) {
			return fmt.Errorf("uqpay %s retried under one key answered %d %s, then %d %s", route, a.status, a.body, again.status, again.body)
		}
	case op < 17:
		_, err := t.call(ctx, rng, "card.update_status", http.MethodPost, "/issuing/cards/"+card+"/status", "",
			map[string]any{"card_status": []string{"FROZEN", "ACTIVE"}[rng.IntN(2)]})
		return err
	case op < 19:
		_, err := t.call(ctx, rng, "balance.list", http.MethodGet, "/issuing/balances", "", nil)
		return err
	default:
		if rng.IntN(10) == 0 { // money is conserved at every instant, orders in flight included
			if errs := t.conserved(ctx); len(errs) > 0 {
				return fmt.Errorf("uqpay mid-run: %s", errs[0])
			}
		}
		_, err := t.call(ctx, rng, "cardholder.list", http.MethodGet, "/issuing/cardholders?page_size=10", "", nil)
		return err
	}
	return nil
}

// verify: every card created is listed exactly once, another tenant's
// card is not found, and the money adds up.
func (t *uqpayTenant) verify(ctx context.Context, others []tenantState) []string {
	var errs []string
	rng := rand.New(rand.NewPCG(3, 4))
	seen := map[string]int{}
	for page := 1; ; page++ {
		a, err := t.call(ctx, rng, "card.list", http.MethodGet, fmt.Sprintf("/issuing/cards?page_size=100&page_number=%d", page), "", nil)
		if err != nil || a.status != http.StatusOK {
			return append(errs, fmt.Sprintf("card.list page %d: %v %s", page, err, a.body))
		}
		var out struct {
			Data []struct {
				ID string `json:"card_id"`
			} `json:"data"`
		}
		_ = json.Unmarshal(a.body, &out)
		for _, c := range out.Data {
			seen[c.ID]++
		}
		if len(out.Data) < 100 {
			break
		}
	}
	for id := range t.created {
		if seen[id] != 1 {
			errs = append(errs, fmt.Sprintf("card %s listed %d times", id, seen[id]))
		}
	}
	for id, n := range seen {
		if !t.created[id] {
			errs = append(errs, fmt.Sprintf("card %s listed (%d) but never created here", id, n))
		}
	}
	for _, o := range others {
		other := o.(*uqpayTenant)
		if id := other.randomCard(rng); id != "" {
			a, _ := t.call(ctx, rng, "card.retrieve", http.MethodGet, "/issuing/cards/"+id, "", nil)
			if a.status != http.StatusBadRequest || a.code != "card_not_found" {
				errs = append(errs, fmt.Sprintf("card.retrieve of tenant %s's card %s: HTTP %d %s, want card_not_found", other.tenant, id, a.status, a.code))
			}
		}
	}
	return append(errs, t.conserved(ctx)...)
}

// conserved checks that the USD issuing balances (available and frozen)
// and the SINGLE cards' balances and holds add up to the opening balance,
// and that the simulator's own ledger agrees.
func (t *uqpayTenant) conserved(ctx context.Context) []string {
	var st struct {
		Accounts []struct {
			Balances []struct {
				Currency  string      `json:"currency"`
				Available json.Number `json:"available_balance"`
				Frozen    json.Number `json:"frozen_balance"`
			} `json:"balances"`
			Cards []struct {
				Currency string      `json:"card_currency"`
				Mode     string      `json:"mode_type"`
				Balance  json.Number `json:"balance"`
				Held     json.Number `json:"held"`
			} `json:"cards"`
		} `json:"accounts"`
		Ledger []struct {
			Currency string `json:"currency"`
			Balanced bool   `json:"balanced"`
		} `json:"ledger"`
	}
	if err := t.c.admin(ctx, http.MethodGet, "/_mocksrv/tenants/"+t.tenant+"/uqpay/state", nil, &st); err != nil {
		return []string{err.Error()}
	}
	var held []json.Number
	for _, a := range st.Accounts {
		for _, b := range a.Balances {
			if b.Currency == "USD" {
				held = append(held, b.Available, b.Frozen)
			}
		}
		for _, c := range a.Cards {
			if c.Currency == "USD" && c.Mode == "SINGLE" {
				held = append(held, c.Balance, c.Held)
			}
		}
	}
	sum, err := total(held...)
	if err != nil {
		return []string{err.Error()}
	}
	var errs []string
	if want, _ := new(big.Rat).SetString(uqpayOpening); sum.Cmp(want) != 0 {
		errs = append(errs, fmt.Sprintf("money not conserved: the USD issuing balance and cards hold %s, the opening balance was %s", sum.FloatString(2), uqpayOpening))
	}
	for _, l := range st.Ledger {
		if !l.Balanced {
			errs = append(errs, "the simulator's own "+l.Currency+" ledger is not balanced")
		}
	}
	return errs
}
