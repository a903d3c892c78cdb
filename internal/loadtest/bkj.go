package loadtest

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"

	"github.com/mocksrv/mocksrv/sims/bkj"
)

// bkjLoad signs every request (HMAC-SHA256, fresh nonce) and checks every
// response's signature. Its money moves only through conserving
// operations — wallet-to-wallet transfers and wallet-to-card top-ups — so
// wallets plus cards always hold what setup deposited.
type bkjLoad struct{}

func (bkjLoad) name() string { return "bkj" }

// bkjDeposit is what setup deposits in each user's USDT wallet.
const bkjDeposit = "1000"

type bkjTenant struct {
	c           *client
	cl          *bkj.Client // signs every call
	tenant      string
	key, secret string
	users       []string // account ids
	wallets     []string // each user's USDT wallet
	deposited   *big.Rat

	mu      sync.Mutex        // guards created and order
	created map[string]string // card id → account id
	order   []string          // created, in creation order (for random picks)
	topUp   []string          // setup cards (active): one per user, index-aligned
	spare   []string          // setup cards (active) that freezes act on
}

func (bkjLoad) setup(ctx context.Context, c *client, tenant string, creds map[string]string) (tenantState, error) {
	t := &bkjTenant{c: c, tenant: tenant, key: creds["api_key"], secret: creds["api_secret"], created: map[string]string{}, deposited: new(big.Rat),
		cl: bkj.NewClient(c.base, creds["api_key"], creds["api_secret"])}
	base := "/_mocksrv/tenants/" + tenant + "/bkj/"
	for i := 0; i < 3; i++ {
		var u, x, card, spare struct {
			ID string `json:"id"`
		}
		if err := c.admin(ctx, http.MethodPost, base+"users", map[string]any{}, &u); err != nil {
			return nil, err
		}
		if err := c.admin(ctx, http.MethodPost, base+"wallets", map[string]any{"account_id": u.ID, "currency": "USDT", "balance": bkjDeposit}, &x); err != nil {
			return nil, err
		}
		if err := c.admin(ctx, http.MethodPost, base+"cards", map[string]any{"account_id": u.ID}, &card); err != nil {
			return nil, err
		}
		if err := c.admin(ctx, http.MethodPost, base+"cards", map[string]any{"account_id": u.ID}, &spare); err != nil {
			return nil, err
		}
		d, _ := decimal(bkjDeposit)
		t.deposited.Add(t.deposited, d)
		t.users, t.wallets, t.topUp = append(t.users, u.ID), append(t.wallets, x.ID), append(t.topUp, card.ID)
		t.created[card.ID], t.created[spare.ID] = u.ID, u.ID
		t.order = append(t.order, card.ID, spare.ID)
		t.spare = append(t.spare, spare.ID)
	}
	return t, nil
}

// call sends a signed bkj request, verifies the response's signature and
// returns the envelope's code and data.
func (t *bkjTenant) call(ctx context.Context, route, method, path string, q url.Values, body any) (int, json.RawMessage, error) {
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	target := bkj.BasePath + path
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	status, h, b, err := t.c.exchange(ctx, "bkj "+route, t.cl, method, target, nil, raw)
	if err != nil {
		return 0, nil, err
	}
	var env struct {
		Code *int            `json:"code"`
		Data json.RawMessage `json:"data"`
	}
	if status != http.StatusOK || json.Unmarshal(b, &env) != nil || env.Code == nil {
		return 0, nil, fmt.Errorf("%s: not an envelope: HTTP %d %s", route, status, b)
	}
	if err := bkj.VerifyResponse(t.secret, h, b); err != nil {
		return 0, nil, fmt.Errorf("%s: %v", route, err)
	}
	if *env.Code >= 50000 {
		return *env.Code, nil, fmt.Errorf("%s: system error %s", route, b)
	}
	return *env.Code, env.Data, nil
}

func (t *bkjTenant) randomCard(rng *rand.Rand) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.order[rng.IntN(len(t.order))]
}

func (t *bkjTenant) step(ctx context.Context, rng *rand.Rand) error {
	u := rng.IntN(len(t.users))
	var code int
	var err error
	switch op := rng.IntN(20); {
	case op < 3: // apply for a virtual card
		var data json.RawMessage
		code, data, err = t.call(ctx, "card.apply", http.MethodPost, "/card/apply", nil,
			map[string]any{"account_id": t.users[u], "channel_id": []string{"visa-virtual-usd", "mastercard-virtual-usd"}[rng.IntN(2)]})
		if err == nil && code == 0 {
			var card struct {
				ID string `json:"id"`
			}
			_ = json.Unmarshal(data, &card)
			t.mu.Lock()
			t.created[card.ID] = t.users[u]
			t.order = append(t.order, card.ID)
			t.mu.Unlock()
		}
		return t.want(err, "card.apply", code, 0)
	case op < 7: // a page of cards, of the tenant or of one user
		q := url.Values{"page": {fmt.Sprint(1 + rng.IntN(3))}, "take": {fmt.Sprint(10 + rng.IntN(41))}}
		if rng.IntN(2) == 0 {
			q.Set("account_id", t.users[u])
		}
		code, _, err = t.call(ctx, "card.list", http.MethodGet, "/card/list", q, nil)
		return t.want(err, "card.list", code, 0)
	case op < 10:
		code, _, err = t.call(ctx, "card.detail", http.MethodGet, "/card/detail", url.Values{"id": {t.randomCard(rng)}}, nil)
		return t.want(err, "card.detail", code, 0)
	case op < 13: // wallet to wallet, between two users
		to := (u + 1 + rng.IntN(len(t.users)-1)) % len(t.users)
		code, _, err = t.call(ctx, "wallet.transfer", http.MethodPost, "/wallet/transfer", nil,
			map[string]any{"from_wallet_id": t.wallets[u], "to_wallet_id": t.wallets[to], "amount": cents(1 + rng.IntN(5000))})
		return t.want(err, "wallet.transfer", code, 0, 40901)
	case op < 16: // wallet to the user's card (refused while it is frozen)
		code, _, err = t.call(ctx, "wallet.transfer_to_card", http.MethodPost, "/wallet/transfer-to-card", nil,
			map[string]any{"wallet_id": t.wallets[u], "card_id": t.topUp[u], "amount": cents(1 + rng.IntN(3000))})
		return t.want(err, "wallet.transfer_to_card", code, 0, 40900, 40901)
	case op < 18:
		code, _, err = t.call(ctx, "wallet.list", http.MethodGet, "/wallet/list", url.Values{"account_id": {t.users[u]}}, nil)
		return t.want(err, "wallet.list", code, 0)
	default: // freeze or unfreeze a card (refused unless it is active or frozen), mostly a setup card
		path, card := []string{"/card/freeze", "/card/unfreeze"}[rng.IntN(2)], t.spare[u]
		if rng.IntN(4) == 0 {
			card = t.randomCard(rng)
		}
		code, _, err = t.call(ctx, "card."+path[6:], http.MethodPost, path, nil, map[string]any{"id": card})
		return t.want(err, "card."+path[6:], code, 0, 40900)
	}
}

// want returns err, or an error unless code is one of ok.
func (t *bkjTenant) want(err error, route string, code int, ok ...int) error {
	if err != nil {
		return err
	}
	for _, c := range ok {
		if code == c {
			if code != 0 {
				t.c.refuse("bkj " + route)
			}
			return nil
		}
	}
	return fmt.Errorf("bkj %s: unexpected code %d", route, code)
}

// verify: every card created is listed exactly once, no other tenant's
// card or user is visible, and wallets plus cards hold what was deposited.
func (t *bkjTenant) verify(ctx context.Context, others []tenantState) []string {
	var errs []string
	seen := map[string]int{}
	for page := 1; ; page++ {
		code, data, err := t.call(ctx, "card.list", http.MethodGet, "/card/list", url.Values{"page": {fmt.Sprint(page)}, "take": {"100"}}, nil)
		if err != nil || code != 0 {
			return append(errs, fmt.Sprintf("card.list page %d: code %d %v", page, code, err))
		}
		var out struct {
			List []struct {
				ID        string `json:"id"`
				AccountID string `json:"account_id"`
			} `json:"list"`
		}
		_ = json.Unmarshal(data, &out)
		for _, c := range out.List {
			seen[c.ID]++
			if owner, ok := t.created[c.ID]; ok && owner != c.AccountID {
				errs = append(errs, fmt.Sprintf("card %s listed under account %s, created for %s", c.ID, c.AccountID, owner))
			}
		}
		if len(out.List) < 100 {
			break
		}
	}
	for id := range t.created {
		if seen[id] != 1 {
			errs = append(errs, fmt.Sprintf("card %s listed %d times", id, seen[id]))
		}
	}
	for id, n := range seen {
		if _, ok := t.created[id]; !ok {
			errs = append(errs, fmt.Sprintf("card %s listed (%d) but never created here", id, n))
		}
	}
	for _, o := range others {
		other := o.(*bkjTenant)
		if code, _, _ := t.call(ctx, "card.detail", http.MethodGet, "/card/detail", url.Values{"id": {other.topUp[0]}}, nil); code != 40400 {
			errs = append(errs, fmt.Sprintf("card.detail of tenant %s's card %s: code %d, want 40400", other.tenant, other.topUp[0], code))
		}
		code, data, _ := t.call(ctx, "card.list", http.MethodGet, "/card/list", url.Values{"account_id": {other.users[0]}}, nil)
		var out struct {
			Total int `json:"total"`
		}
		_ = json.Unmarshal(data, &out)
		if code != 0 && code != 40400 || out.Total != 0 {
			errs = append(errs, fmt.Sprintf("card.list of tenant %s's user %s: code %d, %d cards", other.tenant, other.users[0], code, out.Total))
		}
	}
	var st struct {
		Money struct {
			Balanced bool `json:"balanced"`
		} `json:"money"`
		Wallets []struct {
			Balance json.Number `json:"balance"`
			Frozen  json.Number `json:"frozen"`
		} `json:"wallets"`
		Cards []struct {
			Balance json.Number `json:"balance"`
		} `json:"cards"`
	}
	if err := t.c.admin(ctx, http.MethodGet, "/_mocksrv/tenants/"+t.tenant+"/bkj/state", nil, &st); err != nil {
		return append(errs, err.Error())
	}
	var held []json.Number
	for _, x := range st.Wallets {
		held = append(held, x.Balance, x.Frozen)
	}
	for _, c := range st.Cards {
		held = append(held, c.Balance)
	}
	sum, err := total(held...)
	switch {
	case err != nil:
		errs = append(errs, err.Error())
	case sum.Cmp(t.deposited) != 0:
		errs = append(errs, fmt.Sprintf("money not conserved: wallets and cards hold %s, %s was deposited", sum.FloatString(6), t.deposited.FloatString(6)))
	case !st.Money.Balanced:
		errs = append(errs, "the simulator's own ledger is not balanced")
	}
	return errs
}
