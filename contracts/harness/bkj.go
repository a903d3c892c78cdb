package harness

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/bkj"
	"github.com/mocksrv/mocksrv/sims/core"
)

// bkjNobody is an id no bkj object has, for the not-found steps.
const bkjNobody = "00000000-0000-4000-8000-000000000000"

// bkjETHAddress is a well-formed ERC20 address for payees and withdrawals.
const bkjETHAddress = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"

// bkjScript walks bkj's read endpoints (config, users, channels, cards,
// card CVV and transactions, wallets, chains, payees, wallet transactions,
// the debug echo), provokes the documented parameter, not-found and
// signing errors (40000, 40400, 40100–40104), and with writes allowed
// registers a user, applies a card (replaying its X-Idempotency-Key),
// freezes and unfreezes an active card through its asynchronous states,
// moves wallet money and manages payees and mailing addresses. On a
// mocksrv every webhook the run caused is checked against its event's
// contract.
func bkjScript(ctx context.Context, c *conversation) error {
	key, secret := c.opts.Credentials["api_key"], c.opts.Credentials["api_secret"]
	if key == "" || secret == "" {
		return fmt.Errorf("bkj credentials need api_key and api_secret")
	}
	cl := bkj.NewClient(c.opts.BaseURL, key, secret)
	cl.HTTP = c.opts.HTTP
	b := &bkjTalk{ctx: ctx, c: c, cl: cl}
	const base = bkj.BasePath

	if cfg, _ := b.send(cl, "config.get", bkj.Request{Method: http.MethodGet, Path: base + "/config", Unsigned: true}, "success"); cfg == nil {
		return fmt.Errorf("no answer from %s/config; check the base URL", c.opts.BaseURL)
	}
	if dbg := b.get("debug.get", "/debug/get", url.Values{"b": {"2"}, "a": {"1 x"}}, "success"); dig(dbg, "code") != float64(0) {
		return fmt.Errorf("signed requests are refused (%s); check the credentials", digString(dbg, "message"))
	}
	b.post("debug.post", "/debug/post", map[string]any{"z": 1, "a": []any{"x", nil, true}, "m": map[string]any{"b": "2", "a": "1"}}, "success")

	if c.mocksrvAdmin(ctx) {
		b.tenant = c.tenantOf(ctx, "api_key", key)
	}
	if b.tenant != "" {
		mark := c.webhookMark(ctx, b.tenant)
		defer c.checkWebhooks(ctx, b.tenant, mark, nil)
	}
	if c.opts.AllowWrites && b.tenant != "" {
		if err := seedBKJ(ctx, c, b.tenant); err != nil {
			return err
		}
	}

	hundred := url.Values{"take": {"100"}}
	users := b.get("user.list", "/users", hundred, "success")
	if id := digString(users, "data", "list", 0, "id"); id != "" {
		b.get("user.detail", "/users/"+id, nil, "success")
	} else {
		b.c.skip("user.detail", "no user")
	}
	channels := b.get("card_channel.list", "/card/channels", nil, "success")
	b.get("card_address.list", "/card/addresses", nil, "success")
	cards := b.get("card.list", "/card/list", hundred, "success")
	if id := digString(cards, "data", "list", 0, "id"); id != "" {
		b.get("card.detail", "/card/detail", url.Values{"id": {id}}, "success")
		b.get("card.cvv", "/card/cvv", url.Values{"id": {id}}, "success", "error 40900")
	} else {
		b.c.skip("card.detail", "no card")
	}
	cardTxs := b.get("card_transaction.list", "/card/transactions", nil, "success")
	if id := digString(cardTxs, "data", "list", 0, "id"); id != "" {
		b.get("card_transaction.detail", "/card/transactions/"+id, nil, "success")
	} else {
		b.c.skip("card_transaction.detail", "no card transaction")
	}
	wallets := b.get("wallet.list", "/wallet/list", hundred, "success")
	if id := digString(wallets, "data", "list", 0, "id"); id != "" {
		b.get("wallet.detail", "/wallet/detail", url.Values{"id": {id}}, "success")
	} else {
		b.c.skip("wallet.detail", "no wallet")
	}
	b.get("chain.list", "/wallet/chains", nil, "success")
	payees := b.get("payee.list", "/wallet/payees", nil, "success")
	if id := digString(payees, "data", "list", 0, "id"); id != "" {
		b.get("payee.detail", "/wallet/payees/"+id, nil, "success")
	} else {
		b.c.skip("payee.detail", "no payee")
	}
	walletTxs := b.get("wallet_transaction.list", "/wallet/transactions", nil, "success")
	if id := digString(walletTxs, "data", "list", 0, "id"); id != "" {
		b.get("wallet_transaction.detail", "/wallet/transactions/"+id, nil, "success")
	} else {
		b.c.skip("wallet_transaction.detail", "no wallet transaction")
	}

	b.provokeErrors()

	if !c.opts.AllowWrites {
		return nil
	}
	b.writes(listOf(users), listOf(channels), listOf(cards), listOf(wallets))
	return nil
}

// bkjTalk sends the conversation's requests and records each exchange.
type bkjTalk struct {
	ctx    context.Context
	c      *conversation
	cl     *bkj.Client
	tenant string // the mocksrv tenant of the credentials, "" for any other server
}

// send makes one call with cl and records it. A response whose signature
// does not verify fails the step even when its body conforms.
func (b *bkjTalk) send(cl *bkj.Client, op string, r bkj.Request, want ...string) (map[string]any, *bkj.Response) {
	shown := r.Path
	if len(r.Query) > 0 {
		shown += "?" + r.Query.Encode()
	}
	resp, err := cl.Send(b.ctx, r)
	if resp == nil {
		msg := "no answer"
		if err != nil {
			msg = err.Error()
		}
		b.c.record(op, r.Method, shown, nil, 0, []byte(msg), want)
		return nil, nil
	}
	out := b.c.record(op, r.Method, shown, reqBytes(r.Body), resp.Status, resp.Body, want)
	if err != nil {
		b.fail(op, r.Method, shown, err.Error())
	}
	return out, resp
}

func (b *bkjTalk) get(op, path string, q url.Values, want ...string) map[string]any {
	out, _ := b.send(b.cl, op, bkj.Request{Method: http.MethodGet, Path: bkj.BasePath + path, Query: q}, want...)
	return out
}

func (b *bkjTalk) post(op, path string, body any, want ...string) map[string]any {
	out, _ := b.send(b.cl, op, bkj.Request{Method: http.MethodPost, Path: bkj.BasePath + path, Body: body}, want...)
	return out
}

func (b *bkjTalk) put(op, path string, body any, want ...string) map[string]any {
	out, _ := b.send(b.cl, op, bkj.Request{Method: http.MethodPut, Path: bkj.BasePath + path, Body: body}, want...)
	return out
}

func (b *bkjTalk) del(op, path string, want ...string) map[string]any {
	out, _ := b.send(b.cl, op, bkj.Request{Method: http.MethodDelete, Path: bkj.BasePath + path}, want...)
	return out
}

// fail records a step that answered within its contract but not as the
// script expected (a bad response signature, a state never reached).
func (b *bkjTalk) fail(op, method, path, msg string) {
	c := b.c
	c.step++
	c.rep.Results = append(c.rep.Results, Result{Provider: c.doc.Provider, Operation: op, Part: "response", Method: method, Path: path,
		Source: fmt.Sprintf("step %d: %s %s", c.step, method, path), Error: msg})
	if c.opts.Log != nil {
		fmt.Fprintf(c.opts.Log, "FAIL %-24s %s %s: %s\n", op, method, path, msg)
	}
}

// provokeErrors sends requests bkj must refuse with its documented codes:
// paging bounds and unknown filters (40000), unknown ids (40400), and each
// signing failure in the order the server checks them.
func (b *bkjTalk) provokeErrors() {
	b.get("card.list", "/card/list", url.Values{"page": {"0"}}, "error 40000")
	b.get("card.list", "/card/list", url.Values{"take": {"101"}}, "error 40000")
	b.get("card.list", "/card/list", url.Values{"status": {"actice"}}, "error 40000")
	b.get("user.list", "/users", url.Values{"take": {"0"}}, "error 40000")
	b.get("wallet_transaction.list", "/wallet/transactions", url.Values{"page": {"x"}}, "error 40000")
	b.get("card.detail", "/card/detail", nil, "error 40000")
	b.get("card.detail", "/card/detail", url.Values{"id": {bkjNobody}}, "error 40400")
	b.get("card.cvv", "/card/cvv", url.Values{"id": {bkjNobody}}, "error 40400")
	b.get("user.detail", "/users/"+bkjNobody, nil, "error 40400")
	b.get("wallet.detail", "/wallet/detail", url.Values{"id": {bkjNobody}}, "error 40400")
	b.get("payee.detail", "/wallet/payees/"+bkjNobody, nil, "error 40400")
	b.get("card_transaction.detail", "/card/transactions/"+bkjNobody, nil, "error 40400")
	b.get("wallet_transaction.detail", "/wallet/transactions/"+bkjNobody, nil, "error 40400")

	debug := func(r bkj.Request) bkj.Request {
		r.Method, r.Path, r.Query = http.MethodGet, bkj.BasePath+"/debug/get", url.Values{"probe": {"auth"}}
		return r
	}
	b.send(b.cl, "debug.get", debug(bkj.Request{Unsigned: true}), "error 40100")
	stranger := *b.cl
	stranger.APIKey = "mocksrv-contract-unknown-" + core.RandomHex(4)
	b.send(&stranger, "debug.get", debug(bkj.Request{}), "error 40101")
	b.send(b.cl, "debug.get", debug(bkj.Request{Signature: strings.Repeat("0", 64)}), "error 40102")
	stale := strconv.FormatInt(core.WallNow().Add(-10*time.Minute).Unix(), 10)
	b.send(b.cl, "debug.get", debug(bkj.Request{Timestamp: stale}), "error 40103")
	nonce := "contract-" + core.RandomHex(12)
	b.send(b.cl, "debug.get", debug(bkj.Request{Nonce: nonce}), "success")
	b.send(b.cl, "debug.get", debug(bkj.Request{Nonce: nonce}), "error 40104")
	b.send(b.cl, "card.list", bkj.Request{Method: http.MethodGet, Path: bkj.BasePath + "/card/list", Signature: strings.Repeat("0", 64)}, "error 40102")
}

// writes registers a user, applies a card, drives an active card through
// freeze and unfreeze, and moves money, on the state the reads found.
func (b *bkjTalk) writes(users, channels, cards, wallets []any) {
	suffix := strconv.FormatInt(core.WallNow().UnixNano(), 36)
	reg := b.post("user.register", "/users", map[string]any{"email": "contract-" + suffix + "@example.com", "first_name": "Contract",
		"last_name": "Tester", "country": "SG", "external_id": "contract-" + suffix}, "success")
	if id := digString(reg, "data", "id"); id != "" {
		b.get("user.kyc_token", "/users/"+id+"/kyc-token", nil, "success")
		b.get("user.kyc_link", "/users/"+id+"/kyc-link", nil, "success")
	}
	b.post("user.register", "/users", map[string]any{"first_name": "No", "last_name": "Email"}, "error 40000")
	b.get("user.kyc_token", "/users/"+bkjNobody+"/kyc-token", nil, "error 40400")

	approved := ""
	for _, u := range users {
		if digString(u, "kyc_status") == "approved" {
			approved = digString(u, "id")
			break
		}
	}
	if approved == "" {
		b.c.skip("card.apply", "no approved user to apply a card for")
		return
	}
	b.addresses(approved)
	b.apply(approved, channels, suffix)

	var active, physicalActive, shipped string
	for _, card := range cards {
		switch st, typ := digString(card, "status"), digString(card, "type"); {
		case st == "active" && typ == "virtual" && active == "":
			active = digString(card, "id")
		case st == "active" && typ == "physical" && physicalActive == "":
			physicalActive = digString(card, "id")
		case (st == "shipping" || st == "processing") && typ == "physical" && shipped == "":
			shipped = digString(card, "id")
		}
	}
	if physicalActive != "" {
		b.post("card.pin", "/card/pin", map[string]any{"id": physicalActive, "pin": "135792"}, "success")
	} else {
		b.c.skip("card.pin", "no active physical card")
	}
	b.post("card.pin", "/card/pin", map[string]any{"id": bkjNobody, "pin": "111111"}, "error 40000")
	if shipped != "" {
		b.post("card.activate", "/card/activate", map[string]any{"id": shipped}, "success")
	} else {
		b.c.skip("card.activate", "no shipped physical card")
	}
	if active == "" {
		b.c.skip("card.freeze", "no active virtual card")
	} else {
		b.freezeUnfreeze(active)
		b.post("card.no_pin_amount", "/card/no-pin-amount", map[string]any{"id": active, "amount": "100"}, "success")
		b.post("card.no_pin_amount", "/card/no-pin-amount", map[string]any{"id": active, "amount": "501"}, "error 40000")
	}
	b.post("card.freeze", "/card/freeze", map[string]any{"id": bkjNobody}, "error 40400")
	b.money(wallets, cards, active)
	b.payees(approved)
}

// addresses creates, updates and deletes a mailing address.
func (b *bkjTalk) addresses(account string) {
	addr := map[string]any{"account_id": account, "first_name": "Contract", "last_name": "Tester", "phone": "6591234567",
		"line1": "1 Raffles Place", "city": "Singapore", "state": "Singapore", "postCode": "048616", "country": "SG"}
	created := b.post("card_address.create", "/card/addresses", addr, "success")
	id := digString(created, "data", "id")
	if id == "" {
		b.c.skip("card_address.update", "no address created")
		return
	}
	delete(addr, "account_id")
	addr["line1"] = "2 Raffles Place"
	b.put("card_address.update", "/card/addresses/"+id, addr, "success")
	b.del("card_address.delete", "/card/addresses/"+id, "success")
	b.del("card_address.delete", "/card/addresses/"+id, "error 40400")
}

// apply applies a virtual card with an X-Idempotency-Key, replays it (the
// same card must come back) and reuses the key for another body (40902).
func (b *bkjTalk) apply(account string, channels []any, suffix string) {
	channel := "visa-virtual-usd"
	for _, ch := range channels {
		if digString(ch, "type") == "virtual" && digString(ch, "id") != "" {
			channel = digString(ch, "id")
			break
		}
	}
	key := "contract-apply-" + suffix
	body := map[string]any{"account_id": account, "channel_id": channel, "label": "contract " + suffix}
	req := bkj.Request{Method: http.MethodPost, Path: bkj.BasePath + "/card/apply", Body: body, IdempotencyKey: key}
	first, _ := b.send(b.cl, "card.apply", req, "success")
	again, _ := b.send(b.cl, "card.apply", req, "success")
	if id, replayed := digString(first, "data", "id"), digString(again, "data", "id"); id != "" && replayed != id {
		b.fail("card.apply", http.MethodPost, req.Path, fmt.Sprintf("replaying X-Idempotency-Key %s made card %s, want the first answer's %s", key, replayed, id))
	}
	other := map[string]any{"account_id": account, "channel_id": channel, "label": "contract other " + suffix}
	b.send(b.cl, "card.apply", bkj.Request{Method: http.MethodPost, Path: req.Path, Body: other, IdempotencyKey: key}, "error 40902")
	b.post("card.apply", "/card/apply", map[string]any{"account_id": account, "channel_id": "no-such-channel"}, "error 40400")
}

// freezeUnfreeze freezes an active card (processing_frozen, then frozen),
// refuses a second freeze, unfreezes it (processing_unfrozen, then
// active), and waits for it to be active again.
func (b *bkjTalk) freezeUnfreeze(id string) {
	b.post("card.freeze", "/card/freeze", map[string]any{"id": id}, "success")
	b.post("card.freeze", "/card/freeze", map[string]any{"id": id}, "error 40900")
	if !b.waitCard(id, "frozen") {
		return
	}
	b.post("card.unfreeze", "/card/unfreeze", map[string]any{"id": id}, "success")
	b.post("card.unfreeze", "/card/unfreeze", map[string]any{"id": id}, "error 40900")
	b.waitCard(id, "active")
}

// waitCard polls a card until its status is want: on a mocksrv by moving
// the tenant's business clock 5 s at a time (bkj's freeze and unfreeze
// delays), elsewhere by waiting a second of wall time, for at most 30
// rounds. The last detail is a step of its own.
func (b *bkjTalk) waitCard(id, want string) bool {
	q := url.Values{"id": {id}}
	for i := 0; i < 30; i++ {
		resp, err := b.cl.Get(b.ctx, bkj.BasePath+"/card/detail", q)
		if err != nil || !resp.OK() {
			break
		}
		var d struct {
			Status string `json:"status"`
		}
		if resp.Decode(&d) == nil && d.Status == want {
			break
		}
		if b.tenant != "" {
			if _, err := b.c.adminPost(b.ctx, "/_mocksrv/tenants/"+b.tenant+"/clock", `{"advance":"5s"}`); err != nil {
				break
			}
			continue
		}
		t := time.NewTimer(time.Second)
		select {
		case <-b.ctx.Done():
			t.Stop()
			return false
		case <-t.C:
		}
	}
	detail := b.get("card.detail", "/card/detail", q, "success")
	if got := digString(detail, "data", "status"); got != want {
		b.fail("card.detail", http.MethodGet, bkj.BasePath+"/card/detail?id="+id, fmt.Sprintf("card %s is %q, want %q", id, got, want))
		return false
	}
	return true
}

// money moves wallet money: an internal transfer, one beyond the balance
// (40901), a top-up of the active card, a deposit address, a withdrawal
// that is cancelled, and (mocksrv only) a sandbox purchase.
func (b *bkjTalk) money(wallets, cards []any, active string) {
	var from, to, topUp, withdraw string
	for _, x := range wallets {
		if bkjAmount(x, "balance") >= 2 && from == "" {
			from = digString(x, "id")
		}
	}
	for _, x := range wallets {
		if id := digString(x, "id"); id != from && from != "" && digString(x, "currency") == bkjCurrencyOf(wallets, from) {
			to = id
			break
		}
	}
	if from != "" && to != "" {
		b.post("wallet.transfer", "/wallet/transfer", map[string]any{"from_wallet_id": from, "to_wallet_id": to, "amount": "1", "memo": "contract test"}, "success")
		b.post("wallet.transfer", "/wallet/transfer", map[string]any{"from_wallet_id": from, "to_wallet_id": to, "amount": "1000000000"}, "error 40901")
		b.post("wallet_address.create", "/wallet/address", map[string]any{"wallet_id": from, "chain": "ETH"}, "success")
	} else {
		b.c.skip("wallet.transfer", "no two wallets of one currency with money to move")
	}
	b.post("wallet.transfer", "/wallet/transfer", map[string]any{"from_wallet_id": bkjNobody, "to_wallet_id": bkjNobody, "amount": "1"}, "error 40000", "error 40400")

	account := ""
	for _, card := range cards {
		if digString(card, "id") == active {
			account = digString(card, "account_id")
		}
	}
	for _, x := range wallets {
		if digString(x, "account_id") == account && account != "" && bkjAmount(x, "balance") >= 3 && topUp == "" {
			topUp = digString(x, "id")
		}
		if digString(x, "currency") == "USDT" && bkjAmount(x, "balance") >= 30 && withdraw == "" {
			withdraw = digString(x, "id")
		}
	}
	if topUp != "" {
		b.post("wallet.transfer_to_card", "/wallet/transfer-to-card", map[string]any{"wallet_id": topUp, "card_id": active, "amount": "1"}, "success")
	} else {
		b.c.skip("wallet.transfer_to_card", "no funded wallet of the active card's account")
	}
	if b.tenant != "" && active != "" {
		b.post("sandbox.authorize", "/sandbox/card/authorize", map[string]any{"card_id": active, "amount": "1", "merchant_name": "Contract Coffee"}, "success")
	}
	if withdraw == "" {
		b.c.skip("withdrawal.create", "no USDT wallet holding 30")
		return
	}
	// "hold" keeps a mocksrv withdrawal pending until it is cancelled.
	wd := b.post("withdrawal.create", "/wallet/withdraw", map[string]any{"wallet_id": withdraw, "chain": "ETH", "amount": "20",
		"address": bkjETHAddress, "memo": "contract hold"}, "success")
	if id := digString(wd, "data", "id"); id != "" {
		want := []string{"success"}
		if b.tenant == "" {
			want = append(want, "error 40900") // a real sandbox may have settled it already
		}
		b.post("withdrawal.cancel", "/wallet/withdraw/cancel", map[string]any{"id": id}, want...)
		b.post("withdrawal.cancel", "/wallet/withdraw/cancel", map[string]any{"id": id}, "error 40900")
	}
}

// payees creates, reads, updates and deletes a payee.
func (b *bkjTalk) payees(account string) {
	p := map[string]any{"account_id": account, "name": "Contract payee", "chain": "ETH", "currency": "USDT", "address": bkjETHAddress, "memo": "contract"}
	created := b.post("payee.create", "/wallet/payees", p, "success")
	bad := map[string]any{"account_id": account, "name": "Broken payee", "chain": "ETH", "currency": "USDT", "address": "not-an-address"}
	b.post("payee.create", "/wallet/payees", bad, "error 40000")
	id := digString(created, "data", "id")
	if id == "" {
		b.c.skip("payee.update", "no payee created")
		return
	}
	delete(p, "account_id")
	p["name"] = "Contract payee renamed"
	b.put("payee.update", "/wallet/payees/"+id, p, "success")
	b.get("payee.detail", "/wallet/payees/"+id, nil, "success")
	b.del("payee.delete", "/wallet/payees/"+id, "success")
	b.get("payee.detail", "/wallet/payees/"+id, nil, "error 40400")
}

// seedBKJ gives a mocksrv tenant what the provider API alone cannot make
// at once: an approved user with a funded USDT wallet, an active virtual
// card with a purchase, an active and a shipped physical card, a payee,
// and a second approved user to transfer to.
func seedBKJ(ctx context.Context, c *conversation, tenant string) error {
	p := "/_mocksrv/tenants/" + tenant + "/bkj/"
	if _, err := c.adminPost(ctx, p+"users", `{}`); err != nil {
		return err
	}
	u, err := c.adminPost(ctx, p+"users", `{}`)
	if err != nil {
		return err
	}
	id := digString(u, "id")
	steps := []struct{ kind, body string }{
		{"wallets", fmt.Sprintf(`{"account_id":%q,"currency":"USDT","balance":"200"}`, id)},
		{"cards", fmt.Sprintf(`{"account_id":%q,"channel_id":"visa-physical-usd","status":"shipping"}`, id)},
		{"cards", fmt.Sprintf(`{"account_id":%q,"channel_id":"visa-physical-usd"}`, id)},
		{"payees", fmt.Sprintf(`{"account_id":%q,"name":"Seeded payee","chain":"ETH","currency":"USDT","address":%q}`, id, bkjETHAddress)},
	}
	for _, s := range steps {
		if _, err := c.adminPost(ctx, p+s.kind, s.body); err != nil {
			return err
		}
	}
	card, err := c.adminPost(ctx, p+"cards", fmt.Sprintf(`{"account_id":%q,"channel_id":"visa-virtual-usd","balance":"50"}`, id))
	if err != nil {
		return err
	}
	_, err = c.adminPost(ctx, p+"transactions", fmt.Sprintf(`{"card_id":%q,"amount":"5","merchant_name":"Contract Coffee"}`, digString(card, "id")))
	return err
}

// bkjAmount reads a decimal string field (bkj amounts are strings).
func bkjAmount(v any, field string) float64 {
	f, _ := strconv.ParseFloat(digString(v, field), 64)
	return f
}

func bkjCurrencyOf(wallets []any, id string) string {
	for _, x := range wallets {
		if digString(x, "id") == id {
			return digString(x, "currency")
		}
	}
	return ""
}
