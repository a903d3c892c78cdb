package loadtest

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/mocksrv/mocksrv/sims/keysecure"
)

type keysecureLoad struct{}

func (keysecureLoad) name() string { return "keysecure" }

type ksTenant struct {
	c       *client
	cl      *keysecure.Client // signs every call and holds the Access-Token
	tenant  string
	holders []string
	ready   []string // activated at setup
	day     string

	mu      sync.Mutex // guards created
	created map[string]bool
	seq     int
}

func (keysecureLoad) setup(ctx context.Context, c *client, tenant string, creds map[string]string) (tenantState, error) {
	t := &ksTenant{c: c, tenant: tenant, created: map[string]bool{},
		cl: keysecure.NewClient(c.base, creds["api_key"], creds["api_secret"])}
	t.cl.HTTP = c.hc
	for i := 0; i < 3; i++ {
		var h struct {
			No string `json:"cardholder_no"`
		}
		if err := c.admin(ctx, http.MethodPost, "/_mocksrv/tenants/"+tenant+"/keysecure/cardholders", map[string]any{"balance": "1000.00"}, &h); err != nil {
			return nil, err
		}
		t.holders = append(t.holders, h.No)
		// An activated card per cardholder, so freezes and spending have
		// cards to act on before the applied ones leave Pending (1 min).
		var card struct {
			No string `json:"card_no"`
		}
		if err := c.admin(ctx, http.MethodPost, "/_mocksrv/tenants/"+tenant+"/keysecure/cards", map[string]any{"cardholder_no": h.No}, &card); err != nil {
			return nil, err
		}
		t.created[card.No] = true
		t.ready = append(t.ready, card.No)
	}
	var clock struct {
		Now time.Time `json:"now"`
	}
	if err := c.admin(ctx, http.MethodGet, "/_mocksrv/tenants/"+tenant+"/clock", nil, &clock); err != nil {
		return nil, err
	}
	t.day = clock.Now.In(time.FixedZone("UTC+8", 8*3600)).Format("2006-01-02")
	return t, t.refresh(ctx)
}

// refresh fetches a new Access-Token, as a client does at start.
func (t *ksTenant) refresh(ctx context.Context) error {
	_, err := t.cl.Token(ctx)
	return err
}

// call sends a KeySecure request and decodes the envelope.
func (t *ksTenant) call(ctx context.Context, route, method, path string, body any) (int, json.RawMessage, error) {
	var raw []byte
	if body != nil {
		raw, _ = json.Marshal(body)
	}
	_, _, b, err := t.c.exchange(ctx, "keysecure "+route, t.cl, method, path, nil, raw)
	if err != nil {
		return 0, nil, err
	}
	var env struct {
		Code int             `json:"code"`
		Msg  string          `json:"msg"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return 0, nil, fmt.Errorf("%s: not an envelope: %s", route, b)
	}
	if env.Code == 1001 {
		return env.Code, nil, fmt.Errorf("%s: system error: %s", route, env.Msg)
	}
	if env.Code != 0 {
		t.c.refuse("keysecure " + route)
	}
	return env.Code, env.Data, nil
}

func (t *ksTenant) randomCard(rng *rand.Rand) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := rng.IntN(len(t.created) + 1)
	for no := range t.created {
		if n == 0 {
			return no
		}
		n--
	}
	return ""
}

func (t *ksTenant) step(ctx context.Context, rng *rand.Rand) error {
	holder := t.holders[rng.IntN(len(t.holders))]
	switch op := rng.IntN(10); {
	case op < 2: // apply a card
		t.mu.Lock()
		t.seq++
		unique := fmt.Sprintf("load-%d", t.seq)
		t.mu.Unlock()
		code, data, err := t.call(ctx, "card.apply", http.MethodPost, "/open-api/v1/card/apply",
			map[string]any{"cardholder_no": holder, "package_no": "PKG-VIRTUAL-PLUS", "card_type": "Virtual", "card_unique_no": unique})
		if err != nil {
			return err
		}
		if code != 0 {
			return fmt.Errorf("card.apply: code %d", code)
		}
		var ref struct {
			No string `json:"card_no"`
		}
		_ = json.Unmarshal(data, &ref)
		t.mu.Lock()
		t.created[ref.No] = true
		t.mu.Unlock()
	case op < 5: // list
		_, _, err := t.call(ctx, "card.list", http.MethodPost, "/open-api/v1/card/list",
			map[string]any{"start_time": t.day, "end_time": t.day, "page": rng.IntN(3), "size": 10 + rng.IntN(40)})
		return err
	case op < 7: // detail
		if no := t.randomCard(rng); no != "" {
			_, _, err := t.call(ctx, "card.detail", http.MethodGet, "/open-api/v1/card/"+no+"/detail", nil)
			return err
		}
	case op < 8: // spend
		if no := t.ready[rng.IntN(len(t.ready))]; no != "" {
			_, _, err := t.call(ctx, "sandbox.consume", http.MethodPost, "/open-api/v1/sandbox/consume",
				map[string]any{"card_no": no, "amount": fmt.Sprintf("%d.%02d", rng.IntN(20), rng.IntN(100)+1)})
			return err
		}
	case op < 9: // move money
		t.mu.Lock()
		t.seq++
		unique := fmt.Sprintf("tr-%d", t.seq)
		t.mu.Unlock()
		typ := []string{"In", "Out"}[rng.IntN(2)]
		code, _, err := t.call(ctx, "account.transfer", http.MethodPost, "/open-api/v1/account/transfer",
			map[string]any{"cardholder_no": holder, "transfer_unique_no": unique, "type": typ, "balance": fmt.Sprintf("%d.%02d", rng.IntN(50), rng.IntN(100))})
		if err != nil {
			return err
		}
		if code != 0 && code != 3001 && code != 1004 {
			return fmt.Errorf("account.transfer: code %d", code)
		}
	default: // freeze or unfreeze, mostly an activated card
		no := t.ready[rng.IntN(len(t.ready))]
		if rng.IntN(4) == 0 {
			no = t.randomCard(rng)
		}
		if no != "" {
			_, _, err := t.call(ctx, "card.status_update", http.MethodPost, "/open-api/v1/card/status/update",
				map[string]any{"card_no": no, "status": []string{"Frozen", "Activated"}[rng.IntN(2)]})
			return err
		}
	}
	return nil
}

// verify: every created card is listed exactly once, no foreign card is
// visible, and the tenant's money adds up.
func (t *ksTenant) verify(ctx context.Context, others []tenantState) []string {
	var errs []string
	if err := t.refresh(ctx); err != nil {
		return []string{err.Error()}
	}
	seen := map[string]int{}
	for page := 0; ; page++ {
		_, data, err := t.call(ctx, "card.list", http.MethodPost, "/open-api/v1/card/list",
			map[string]any{"start_time": t.day, "end_time": t.day, "page": page, "size": 100})
		if err != nil {
			return append(errs, err.Error())
		}
		var out struct {
			List []struct {
				No string `json:"card_no"`
			} `json:"list"`
		}
		_ = json.Unmarshal(data, &out)
		for _, c := range out.List {
			seen[c.No]++
		}
		if len(out.List) < 100 {
			break
		}
	}
	for no := range t.created {
		if seen[no] != 1 {
			errs = append(errs, fmt.Sprintf("card %s listed %d times", no, seen[no]))
		}
	}
	for no, n := range seen {
		if !t.created[no] {
			errs = append(errs, fmt.Sprintf("card %s listed (%d) but never created here", no, n))
		}
	}
	mine := map[string]bool{}
	for _, h := range t.holders {
		mine[h] = true
	}
	for _, o := range others {
		other := o.(*ksTenant)
		if no := other.randomCard(rand.New(rand.NewPCG(1, 2))); no != "" && !t.created[no] {
			code, data, _ := t.call(ctx, "card.detail", http.MethodGet, "/open-api/v1/card/"+no+"/detail", nil)
			var d struct {
				Holder string `json:"cardholder_no"`
			}
			_ = json.Unmarshal(data, &d)
			if code != 4001 {
				errs = append(errs, fmt.Sprintf("sees tenant %s's card %s (code %d, cardholder %s)", other.tenant, no, code, d.Holder))
			}
		}
	}
	var st struct {
		Money struct {
			Reserve json.Number `json:"reserve"`
			Settled json.Number `json:"paid_to_merchants"`
			Fees    json.Number `json:"fees"`
		} `json:"money"`
		Cardholders []struct {
			Balance json.Number `json:"balance"`
		} `json:"cardholders"`
	}
	if err := t.c.admin(ctx, http.MethodGet, "/_mocksrv/tenants/"+t.tenant+"/keysecure/state", nil, &st); err != nil {
		return append(errs, err.Error())
	}
	parts := []json.Number{st.Money.Reserve, st.Money.Settled, st.Money.Fees}
	for _, h := range st.Cardholders {
		parts = append(parts, h.Balance)
	}
	// The reserve, the cardholders' balances, what was paid to merchants
	// and the fees always add up to the tenant's starting 1,000,000.
	if sum, err := total(parts...); err != nil || sum.Cmp(big.NewRat(1_000_000, 1)) != 0 {
		errs = append(errs, fmt.Sprintf("money not conserved: reserve, balances, settled and fees add up to %v (%v)", sum, err))
	}
	return errs
}
