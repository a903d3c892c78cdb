package harness

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

func init() { scripts["uqpay"] = uqpayScript }

// uqpayNobody is a UUID no UQPay object has, for the not-found steps.
const uqpayNobody = "00000000-0000-4000-8000-000000000000"

// uqpayZone is the offset UQPay renders times in (Singapore).
var uqpayZone = time.FixedZone("UTC+8", 8*3600)

// uqpayScript authenticates UQPay's way — POST /api/v1/connect/token with
// x-client-id and x-api-key, then "x-auth-token: Bearer <auth_token>" on
// every call and a UUID x-idempotency-key on every POST — and walks the
// read endpoints (products, card arts, merchant brands, cardholders, cards,
// card detail, secure data and orders, transactions, balances, balance
// transactions, transfers). It provokes the documented token, paging,
// not-found, idempotency and x-on-behalf-of errors, each of which must
// come back as {type, code, message} with the right status. With writes
// allowed it creates a cardholder and a card (replaying an idempotency
// key), updates, freezes and unfreezes the card through its status
// orders, recharges and withdraws, simulates an authorization and its
// reversal, transfers to a sub-account, cancels the card, provokes
// kyc_insufficient on a product that needs more of the cardholder and
// simulates a deposit.
//
// On a mocksrv the run seeds what the reads need through the admin API (a
// cardholder, an active card with a purchase, a card still being issued)
// and a sub-account for the transfer, moves the tenant's clock instead of
// waiting, and checks every webhook the run caused against its event's
// contract (and, when webhook_secret is given and the tenant has a webhook
// URL, its x-wk-signature). Against a real sandbox the credentials may add
// sub_account_id (an Issuing sub-account's account_id) for the transfer
// steps, and account_id (the master account's) should the token not carry
// it; error codes the UQPay docs do not fix are then accepted as any
// UQPay error.
func uqpayScript(ctx context.Context, c *conversation) error {
	id, key := c.opts.Credentials["client_id"], c.opts.Credentials["api_key"]
	if id == "" || key == "" {
		return fmt.Errorf("uqpay credentials need client_id and api_key (and webhook_secret to verify webhooks)")
	}
	u := &uqpayConv{c: c, ctx: ctx, clientID: id, apiKey: key, suffix: strconv.FormatInt(core.WallNow().UnixNano(), 36)}
	u.cl = uqpay.NewClient(c.opts.BaseURL, id, key)
	u.cl.HTTP = c.opts.HTTP
	if err := u.token(); err != nil {
		return err
	}
	if c.mocksrvAdmin(ctx) {
		u.tenant = c.tenantOf(ctx, "client_id", id)
	}
	u.now = c.serverNow(ctx, "client_id", id).In(uqpayZone)
	mark := 0
	if u.tenant != "" {
		mark = c.webhookMark(ctx, u.tenant)
		if err := u.seed(); err != nil {
			return err
		}
	}
	u.tokenErrors()
	u.reads()
	u.authErrors()
	u.provokeErrors()
	if c.opts.AllowWrites {
		u.writes()
	}
	if u.tenant != "" {
		var verify func([]byte, map[string]string) error
		if secret := c.opts.Credentials["webhook_secret"]; secret != "" {
			verify = func(body []byte, h map[string]string) error { return uqpayVerify(secret, body, h) }
		}
		c.checkWebhooks(ctx, u.tenant, mark, verify)
	}
	return nil
}

// uqpayConv is one run of the UQPay conversation.
type uqpayConv struct {
	c        *conversation
	ctx      context.Context
	cl       *uqpay.Client
	clientID string
	apiKey   string
	tok      string    // the auth_token of the run
	master   string    // the master account_id, from the token's claims
	tenant   string    // the mocksrv tenant of the credentials, "" for any other server
	now      time.Time // the server's business time at the start
	suffix   string    // makes this run's emails, phones and names unique

	seededOrder string // a card order id the seed made (mocksrv)
	products    []any  // the product list, once writes read it
}

// call is one request: its operation, method, path (after /api), query and
// body, and how its headers differ from a well-behaved client's.
type call struct {
	op, method, path string
	query            url.Values
	body             any
	header           func(h http.Header) // edits the headers before sending
}

// send makes one call with the run's token, a fresh UUID idempotency key
// on POST, and records the exchange against what the step expects.
func (u *uqpayConv) send(r call, want ...string) map[string]any {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("Accept", "application/json")
	h.Set("x-auth-token", "Bearer "+u.tok)
	if r.method == http.MethodPost {
		h.Set("x-idempotency-key", uqpay.NewIdempotencyKey())
	}
	if r.header != nil {
		r.header(h)
	}
	target := r.path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}
	shown := "/api" + target
	resp, err := u.cl.DoRaw(u.ctx, r.method, target, r.body, h)
	if err != nil {
		return u.c.record(r.op, r.method, shown, nil, 0, []byte(err.Error()), want)
	}
	return u.c.record(r.op, r.method, shown, reqBytes(r.body), resp.Status, resp.Body, want)
}

func (u *uqpayConv) get(op, path string, q url.Values, want ...string) map[string]any {
	return u.send(call{op: op, method: http.MethodGet, path: path, query: q}, want...)
}

func (u *uqpayConv) post(op, path string, body any, want ...string) map[string]any {
	return u.send(call{op: op, method: http.MethodPost, path: path, body: body}, want...)
}

// ours is the expectation for an error code mocksrv chose where the UQPay
// docs name none (doc.go, Deviations): exact on a mocksrv, any UQPay
// error elsewhere.
func (u *uqpayConv) ours(code string) []string {
	if u.tenant != "" {
		return []string{"error " + code}
	}
	return []string{"error " + code, anyError}
}

// page is a list query: page_size and page_number plus more pairs.
func page(size int, kv ...string) url.Values {
	q := url.Values{"page_size": {strconv.Itoa(size)}, "page_number": {"1"}}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return q
}

// token requests the run's auth_token and reads the master account_id from
// its claims (UQPay's tokens are JWTs carrying it).
func (u *uqpayConv) token() error {
	body := u.tokenCall(func(h http.Header) {}, "success")
	u.tok = digString(body, "auth_token")
	if u.tok == "" {
		return fmt.Errorf("no auth_token from POST /api/v1/connect/token; check the credentials and the base URL")
	}
	u.master = jwtClaim(u.tok, "account_id")
	if id := u.c.opts.Credentials["account_id"]; id != "" {
		u.master = id
	}
	return nil
}

// tokenCall posts to the token endpoint with the credentials' headers as
// edit leaves them. It sends no body and no idempotency key.
func (u *uqpayConv) tokenCall(edit func(h http.Header), want ...string) map[string]any {
	h := http.Header{}
	h.Set("Accept", "application/json")
	h.Set("x-client-id", u.clientID)
	h.Set("x-api-key", u.apiKey)
	edit(h)
	const path = "/v1/connect/token"
	resp, err := u.cl.DoRaw(u.ctx, http.MethodPost, path, nil, h)
	if err != nil {
		return u.c.record("token.create", http.MethodPost, "/api"+path, nil, 0, []byte(err.Error()), want)
	}
	return u.c.record("token.create", http.MethodPost, "/api"+path, nil, resp.Status, resp.Body, want)
}

// tokenErrors provokes the token endpoint's credential errors: an unknown
// client id (400 "Invalid client id" on mocksrv), a missing and a wrong
// x-api-key (401 unauthorized_error).
func (u *uqpayConv) tokenErrors() {
	u.tokenCall(func(h http.Header) { h.Set("x-client-id", "mocksrv-contract-nobody-"+u.suffix) },
		append(u.ours("invalid_request_error"), "error unauthorized_error")...)
	u.tokenCall(func(h http.Header) { h.Del("x-api-key") }, append(u.ours("unauthorized_error"), "error invalid_request_error")...)
	u.tokenCall(func(h http.Header) { h.Set("x-api-key", "wrong-"+u.suffix) }, "error unauthorized_error")
}

// seed gives a mocksrv tenant what the reads need and the provider API
// cannot make at once: a cardholder with an active card and a purchase,
// and a card still being issued (whose creation order the reads fetch).
func (u *uqpayConv) seed() error {
	base := "/_mocksrv/tenants/" + u.tenant + "/uqpay/"
	card, err := u.c.adminPost(u.ctx, base+"cards", `{"card_product_id":"`+uqpay.ProductSingle+`","balance":"50"}`)
	if err != nil {
		return err
	}
	if _, err := u.c.adminPost(u.ctx, base+"transactions",
		fmt.Sprintf(`{"card_id":%q,"amount":"4.20","merchant_name":"Contract Coffee","merchant_category_code":"5814"}`, digString(card, "card_id"))); err != nil {
		return err
	}
	pending, err := u.c.adminPost(u.ctx, base+"cards",
		fmt.Sprintf(`{"cardholder_id":%q,"card_status":"PENDING"}`, digString(card, "cardholder_id")))
	if err != nil {
		return err
	}
	u.seededOrder = digString(pending, "card_order_id")
	return nil
}

// reads walks every read endpoint on what the lists return.
func (u *uqpayConv) reads() {
	u.get("product.list", "/v1/issuing/products", page(10), "success")
	u.get("product.list", "/v1/issuing/products", nil, "success") // the defaults
	arts := u.get("card_art.list", "/v1/issuing/cards/arts", nil, "success")
	if pid := digString(arts, "card_arts", 0, "card_product_id"); pid != "" {
		u.get("card_art.list", "/v1/issuing/cards/arts", url.Values{"card_product_id": {pid}}, "success")
	}
	u.get("merchant_brand.list", "/v1/issuing/merchant_brands", page(10), "success")

	holders := u.get("cardholder.list", "/v1/issuing/cardholders", page(10), "success")
	if id := digString(holders, "data", 0, "cardholder_id"); id != "" {
		u.get("cardholder.retrieve", "/v1/issuing/cardholders/"+id, nil, "success")
	} else {
		u.c.skip("cardholder.retrieve", "no cardholder")
	}
	u.get("cardholder.list", "/v1/issuing/cardholders", page(10, "cardholder_status", "SUCCESS"), "success")

	cards := u.get("card.list", "/v1/issuing/cards", page(10), "success")
	if id := digString(cards, "data", 0, "card_id"); id != "" {
		u.get("card.retrieve", "/v1/issuing/cards/"+id, nil, "success")
		if holder := digString(cards, "data", 0, "cardholder", "cardholder_id"); holder != "" {
			u.get("card.list", "/v1/issuing/cards", page(10, "cardholder_id", holder), "success")
		}
	} else {
		u.c.skip("card.retrieve", "no card")
	}
	active := u.get("card.list", "/v1/issuing/cards", page(10, "card_status", "ACTIVE"), "success")
	if id := digString(active, "data", 0, "card_id"); id != "" {
		u.get("card.retrieve", "/v1/issuing/cards/"+id, nil, "success")
		u.get("card.secure", "/v1/issuing/cards/"+id+"/secure", nil, "success")
	} else {
		u.c.skip("card.secure", "no ACTIVE card")
	}
	if u.seededOrder != "" {
		u.get("card_order.retrieve", "/v1/issuing/cards/"+u.seededOrder+"/order", nil, "success")
	} else {
		u.c.skip("card_order.retrieve", "card orders have no list endpoint: the order of a card this run creates is read with --allow-writes")
	}

	window := url.Values{"start_time": {u.now.AddDate(0, 0, -30).Format(time.RFC3339)}, "end_time": {u.now.Add(time.Hour).Format(time.RFC3339)}}
	txns := u.get("transaction.list", "/v1/issuing/transactions", page(10), "success")
	if id := digString(txns, "data", 0, "transaction_id"); id != "" {
		u.get("transaction.retrieve", "/v1/issuing/transactions/"+id, nil, "success")
		if card := digString(txns, "data", 0, "card_id"); card != "" {
			q := page(10, "card_id", card)
			for k, v := range window {
				q[k] = v
			}
			u.get("transaction.list", "/v1/issuing/transactions", q, "success")
		}
	} else {
		u.c.skip("transaction.retrieve", "no card transaction")
	}

	u.get("balance.list", "/v1/issuing/balances", page(10), "success")
	u.post("balance.retrieve", "/v1/issuing/balances", map[string]any{"currency": "USD"}, "success")
	q := page(10)
	for k, v := range window {
		q[k] = v
	}
	u.get("balance_transaction.list", "/v1/issuing/balances/transactions", q, "success")
}

// authErrors provokes each documented way an x-auth-token is wrong; every
// one is 401 unauthorized_error.
func (u *uqpayConv) authErrors() {
	const op, path = "card.list", "/v1/issuing/cards"
	bad := func(edit func(h http.Header)) {
		u.send(call{op: op, method: http.MethodGet, path: path, query: page(10), header: edit}, "error unauthorized_error")
	}
	bad(func(h http.Header) { h.Del("x-auth-token") })
	bad(func(h http.Header) { h.Set("x-auth-token", "Bearer mocksrv-contract-unknown-token") })
	bad(func(h http.Header) { h.Set("x-auth-token", u.tok) })          // a bare token
	bad(func(h http.Header) { h.Set("x-auth-token", "Bearer"+u.tok) }) // no space
	bad(func(h http.Header) { h.Set("x-auth-token", "Bearer "+altered(u.tok)) })
	bad(func(h http.Header) {
		h.Del("x-auth-token")
		h.Set("Authorization", "Bearer "+u.tok)
	})
}

// altered changes the first character of a token's signature (the last
// character may carry only padding bits), so the signature no longer
// verifies.
func altered(tok string) string {
	i := strings.LastIndexByte(tok, '.') + 1
	if i == 0 || i >= len(tok) {
		return tok + "x"
	}
	repl := byte('A')
	if tok[i] == 'A' {
		repl = 'B'
	}
	return tok[:i] + string(repl) + tok[i+1:]
}

// provokeErrors sends what UQPay must refuse: paging out of bounds, unknown
// ids, a bad currency and time window, POSTs without a (UUID) idempotency
// key, and an x-on-behalf-of that is not a sub-account.
func (u *uqpayConv) provokeErrors() {
	invalid := "error invalid_request_error"
	u.get("product.list", "/v1/issuing/products", page(5), invalid)
	u.get("card.list", "/v1/issuing/cards", page(101), invalid)
	u.get("cardholder.list", "/v1/issuing/cardholders", url.Values{"page_size": {"ten"}}, invalid)
	u.get("transaction.list", "/v1/issuing/transactions", url.Values{"page_size": {"10"}, "page_number": {"-1"}}, invalid)
	u.get("card.list", "/v1/issuing/cards", page(10, "card_status", "MELTED"), invalid)
	u.get("balance_transaction.list", "/v1/issuing/balances/transactions",
		page(10, "start_time", u.now.AddDate(0, 0, -120).Format(time.RFC3339), "end_time", u.now.Format(time.RFC3339)), invalid)

	u.get("card.retrieve", "/v1/issuing/cards/"+uqpayNobody, nil, "error card_not_found")
	u.get("card.secure", "/v1/issuing/cards/"+uqpayNobody+"/secure", nil, "error card_not_found")
	u.get("card_order.retrieve", "/v1/issuing/cards/"+uqpayNobody+"/order", nil, u.ours("card_order_not_found")...)
	u.get("cardholder.retrieve", "/v1/issuing/cardholders/"+uqpayNobody, nil, u.ours("cardholder_not_found")...)
	u.get("transaction.retrieve", "/v1/issuing/transactions/"+uqpayNobody, nil, u.ours("transaction_not_found")...)
	u.get("transfer.retrieve", "/v1/issuing/transfers/"+uqpayNobody, nil, u.ours("transfer_not_found")...)

	u.post("balance.retrieve", "/v1/issuing/balances", map[string]any{"currency": "XYZ"}, invalid)
	u.post("balance.retrieve", "/v1/issuing/balances", map[string]any{}, invalid)
	usd := map[string]any{"currency": "USD"}
	u.send(call{op: "balance.retrieve", method: http.MethodPost, path: "/v1/issuing/balances", body: usd,
		header: func(h http.Header) { h.Del("x-idempotency-key") }}, u.ours("idempotency_key_missing")...)
	u.send(call{op: "balance.retrieve", method: http.MethodPost, path: "/v1/issuing/balances", body: usd,
		header: func(h http.Header) { h.Set("x-idempotency-key", "not-a-uuid") }}, u.ours("idempotency_key_invalid")...)

	u.send(call{op: "balance.list", method: http.MethodGet, path: "/v1/issuing/balances", query: page(10),
		header: func(h http.Header) { h.Set("x-on-behalf-of", "not-a-uuid") }}, "error sub_account_not_found")
	u.send(call{op: "balance.list", method: http.MethodGet, path: "/v1/issuing/balances", query: page(10),
		header: func(h http.Header) { h.Set("x-on-behalf-of", uqpayNobody) }}, "error sub_account_not_found")
}

// writes creates a cardholder and a card and walks the card through its
// orders, money movements, a simulated authorization, a transfer and its
// cancellation; it provokes kyc_insufficient and simulates a deposit.
func (u *uqpayConv) writes() {
	holder := u.cardholderWrites()
	product, currency := u.pickProduct()
	u.deposits()
	if holder == "" || product == "" {
		u.c.skip("card.create", "no cardholder or no enabled SINGLE card product to issue on")
		u.transfers()
		return
	}
	u.kycInsufficient(holder)
	card := u.cardCreate(holder, product, currency)
	if card == "" {
		u.transfers()
		return
	}
	if u.waitCard(card, "ACTIVE") {
		u.cardWrites(card, currency)
	}
	u.transfers()
	if card != "" {
		u.post("card.update_status", "/v1/issuing/cards/"+card+"/status", map[string]any{"card_status": "CANCELLED", "update_reason": "contract test done"}, "success")
	}
}

// cardholderWrites creates a cardholder (replaying its idempotency key),
// provokes the create and update errors, and updates it.
func (u *uqpayConv) cardholderWrites() string {
	n, _ := strconv.ParseInt(u.suffix, 36, 64)
	create := map[string]any{"email": "contract-" + u.suffix + "@example.com", "phone_number": fmt.Sprintf("6%07d", n/1000%10_000_000),
		"first_name": "Contract", "last_name": "Tester", "country_code": "SG", "date_of_birth": "1990-01-01", "gender": "FEMALE",
		"nationality": "SG", "residential_address": map[string]any{"country": "SG", "city": "Singapore", "line1": "1 Raffles Place", "postal_code": "048616"}}
	key := uqpay.NewIdempotencyKey()
	withKey := func(k string) func(h http.Header) { return func(h http.Header) { h.Set("x-idempotency-key", k) } }
	const path = "/v1/issuing/cardholders"
	first := u.send(call{op: "cardholder.create", method: http.MethodPost, path: path, body: create, header: withKey(key)}, "success")
	id := digString(first, "cardholder_id")
	again := u.send(call{op: "cardholder.create", method: http.MethodPost, path: path, body: create, header: withKey(key)}, "success")
	if replayed := digString(again, "cardholder_id"); id != "" && replayed != id {
		u.fail("cardholder.create", http.MethodPost, "/api"+path,
			fmt.Sprintf("replaying x-idempotency-key %s made cardholder %s, want the first answer's %s", key, replayed, id))
	}
	other := map[string]any{}
	for k, v := range create {
		other[k] = v
	}
	other["first_name"] = "Other"
	u.send(call{op: "cardholder.create", method: http.MethodPost, path: path, body: other, header: withKey(key)}, u.ours("idempotency_key_reused")...)
	u.post("cardholder.create", path, other, u.ours("cardholder_email_exists")...)
	u.post("cardholder.create", path, map[string]any{"first_name": "No", "last_name": "Email", "country_code": "SG"}, "error invalid_request_error")
	if id == "" {
		return ""
	}
	u.post("cardholder.update", path+"/"+id, map[string]any{"phone_number": fmt.Sprintf("9%07d", n/1000%10_000_000)}, "success")
	u.post("cardholder.update", path+"/"+id, map[string]any{"first_name": "Renamed"}, u.ours("cardholder_name_immutable")...)
	u.post("cardholder.update", path+"/"+uqpayNobody, map[string]any{"phone_number": "91234567"}, u.ours("cardholder_not_found")...)
	u.get("cardholder.retrieve", path+"/"+id, nil, "success")
	return id
}

// pickProduct chooses the enabled SINGLE product on the simulation BIN
// (40963608) when there is one, else any enabled SINGLE product, and its
// first currency.
func (u *uqpayConv) pickProduct() (product, currency string) {
	list := u.get("product.list", "/v1/issuing/products", page(100), "success")
	products, _ := dig(list, "data").([]any)
	u.products = products
	for _, bin := range []string{"40963608", ""} {
		for _, p := range products {
			if digString(p, "product_status") != "ENABLED" || digString(p, "mode_type") != "SINGLE" ||
				bin != "" && digString(p, "card_bin") != bin {
				continue
			}
			if cur := digString(p, "card_currency", 0); cur != "" {
				return digString(p, "product_id"), cur
			}
		}
	}
	return "", ""
}

// cardCreate issues a SINGLE virtual card with an opening load of 20 and
// reads its creation order.
func (u *uqpayConv) cardCreate(holder, product, currency string) string {
	const path = "/v1/issuing/cards"
	body := map[string]any{"cardholder_id": holder, "card_product_id": product, "card_currency": currency, "card_limit": 20,
		"spending_controls": []any{map[string]any{"amount": "100", "interval": "PER_TRANSACTION"}},
		"risk_controls":     map[string]any{"allow_3ds_transactions": "Y", "blocked_mcc": []any{"7995"}},
		"metadata":          map[string]any{"source": "mocksrv contract test"}}
	created := u.post("card.create", path, body, "success")
	u.post("card.create", path, map[string]any{"cardholder_id": holder, "card_product_id": product, "card_currency": "EUR"}, "error invalid_request_error")
	u.post("card.create", path, map[string]any{"cardholder_id": holder, "card_product_id": uqpayNobody, "card_currency": currency}, u.ours("product_not_found")...)
	u.post("card.create", path, map[string]any{"cardholder_id": uqpayNobody, "card_product_id": product, "card_currency": currency}, u.ours("cardholder_not_found")...)
	card := digString(created, "card_id")
	if order := digString(created, "card_order_id"); order != "" {
		u.get("card_order.retrieve", path+"/"+order+"/order", nil, "success")
	}
	return card
}

// cardWrites updates an active card, reads its secure data, recharges and
// withdraws, simulates an authorization and reverses it, freezes and
// unfreezes it, and makes a one-time PAN token.
func (u *uqpayConv) cardWrites(card, currency string) {
	path := "/v1/issuing/cards/" + card
	u.post("card.update", path, map[string]any{"spending_controls": []any{map[string]any{"amount": "150", "interval": "PER_TRANSACTION"}},
		"metadata": map[string]any{"source": "mocksrv contract test", "step": "update"}}, "success")
	u.post("card.update", path, map[string]any{"spending_controls": []any{map[string]any{"amount": "10", "interval": "FORTNIGHTLY"}}}, "error invalid_request_error")
	u.get("card.retrieve", path, nil, "success")
	u.get("card.secure", path+"/secure", nil, "success")

	recharge := u.post("card.recharge", path+"/recharge", map[string]any{"amount": 5}, "success")
	u.post("card.recharge", path+"/recharge", map[string]any{"amount": -1}, "error invalid_request_error")
	u.post("card.recharge", "/v1/issuing/cards/"+uqpayNobody+"/recharge", map[string]any{"amount": 1}, "error card_not_found")
	if order := digString(recharge, "card_order_id"); order != "" {
		u.waitOrder(order)
	}
	withdraw := u.post("card.withdraw", path+"/withdraw", map[string]any{"amount": 1}, "success")
	u.post("card.withdraw", path+"/withdraw", map[string]any{"amount": 1_000_000}, u.ours("insufficient_balance")...)
	if order := digString(withdraw, "card_order_id"); order != "" {
		u.waitOrder(order)
	}

	auth := u.post("simulation.authorization", "/v1/simulation/issuing/authorization", map[string]any{"card_id": card, "transaction_amount": 1.5,
		"transaction_currency": currency, "merchant_name": "Contract Coffee", "merchant_category_code": "5734"}, "success")
	u.post("simulation.authorization", "/v1/simulation/issuing/authorization", map[string]any{"card_id": card, "transaction_amount": 1,
		"transaction_currency": currency, "merchant_name": "Contract Coffee"}, "error invalid_request_error")
	if id := digString(auth, "transaction_id"); id != "" {
		u.get("transaction.retrieve", "/v1/issuing/transactions/"+id, nil, "success")
		u.post("simulation.reversal", "/v1/simulation/issuing/reversal", map[string]any{"transaction_id": id}, "success")
	}
	u.post("simulation.reversal", "/v1/simulation/issuing/reversal", map[string]any{"transaction_id": uqpayNobody}, u.ours("transaction_not_found")...)
	u.get("transaction.list", "/v1/issuing/transactions", page(10, "card_id", card), "success")

	u.post("card.update_status", path+"/status", map[string]any{"card_status": "FROZEN", "update_reason": "contract test"}, "success")
	if u.waitCard(card, "FROZEN") {
		u.post("card.update_status", path+"/status", map[string]any{"card_status": "ACTIVE"}, "success")
		u.waitCard(card, "ACTIVE")
	}
	u.post("card.update_status", path+"/status", map[string]any{"card_status": "BLOCKED"}, "error invalid_request_error", "error card_status_invalid")
	u.post("card.create_pan_token", path+"/token", nil, "success")
}

// kycInsufficient creates a card of a product whose required_fields ask
// for an identity document, which the run's cardholder never gave: the
// answer must be cardholder_error kyc_insufficient, and its missing_fields
// must name identity.
func (u *uqpayConv) kycInsufficient(holder string) {
	for _, p := range u.products {
		fields, _ := dig(p, "required_fields").([]any)
		needs := false
		for _, f := range fields {
			needs = needs || digString(f, "name") == "identity" && dig(f, "required") == true
		}
		cur := digString(p, "card_currency", 0)
		if !needs || cur == "" || digString(p, "product_status") != "ENABLED" {
			continue
		}
		const path = "/v1/issuing/cards"
		body := map[string]any{"cardholder_id": holder, "card_product_id": digString(p, "product_id"), "card_currency": cur}
		got := u.post("card.create", path, body, "error kyc_insufficient")
		missing, _ := dig(got, "missing_fields").([]any)
		for _, m := range missing {
			if digString(m, "name") == "identity" {
				return
			}
		}
		if got != nil {
			u.fail("card.create", http.MethodPost, "/api"+path, "kyc_insufficient's missing_fields do not name identity")
		}
		return
	}
	u.c.skip("card.create", "no enabled product requires an identity document: kyc_insufficient not provoked")
}

// deposits simulates a bank deposit into the master account (sandbox only)
// and provokes its validation error. On a mocksrv it then moves the
// clock until the deposit is credited (the issuing balance grows by its
// amount); a real sandbox reviews deposits by hand, so there it only
// checks the answer.
func (u *uqpayConv) deposits() {
	const path = "/v1/simulation/deposit"
	before, _ := u.available("USD")
	d := u.post("simulation.deposit", path, map[string]any{"amount": 10, "currency": "USD", "sender_swift_code": "WELGBE22",
		"sender_name": "mocksrv contract test"}, "success")
	u.post("simulation.deposit", path, map[string]any{"amount": 10, "currency": "USD"}, "error invalid_request_error")
	if u.tenant == "" || digString(d, "deposit_id") == "" {
		return
	}
	want := before.Add(core.DecimalFromInt(10))
	u.wait(func() bool {
		now, ok := u.available("USD")
		return ok && now.Cmp(want) >= 0
	})
	if now, _ := u.available("USD"); now.Cmp(want) < 0 {
		u.fail("simulation.deposit", http.MethodPost, "/api"+path, fmt.Sprintf(
			"deposit %s was not credited: the USD balance is %s, want %s (is the tenant's deposit_review on?)",
			digString(d, "deposit_id"), now, want))
	}
}

// available reads the master account's issuing balance in a currency,
// unrecorded.
func (u *uqpayConv) available(cur string) (core.Decimal, bool) {
	h := http.Header{}
	h.Set("x-auth-token", "Bearer "+u.tok)
	resp, err := u.cl.DoRaw(u.ctx, http.MethodGet, "/v1/issuing/balances?page_size=100&page_number=1", nil, h)
	if err != nil || !resp.OK() {
		return core.Zero, false
	}
	var m map[string]any
	_ = json.Unmarshal(resp.Body, &m)
	list, _ := dig(m, "data").([]any)
	for _, b := range list {
		if digString(b, "currency") == cur {
			d, err := core.ParseDecimal(digString(b, "available_balance"))
			return d, err == nil
		}
	}
	return core.Zero, false
}

// transfers moves money from the master account to a sub-account (the
// credentials' sub_account_id, or one the admin API connects on a
// mocksrv), reads the transfer, and provokes the transfer errors.
func (u *uqpayConv) transfers() {
	sub := u.c.opts.Credentials["sub_account_id"]
	if sub == "" && u.tenant != "" {
		a, err := u.c.adminPost(u.ctx, "/_mocksrv/tenants/"+u.tenant+"/uqpay/sub_accounts", `{"name":"Contract sub-account"}`)
		if err != nil {
			u.fail("transfer.create", http.MethodPost, "/_mocksrv/tenants/"+u.tenant+"/uqpay/sub_accounts", err.Error())
			return
		}
		sub = digString(a, "account_id")
	}
	if sub == "" || u.master == "" {
		u.c.skip("transfer.create", "no sub-account to transfer to: pass sub_account_id in the credentials")
		return
	}
	const path = "/v1/issuing/transfers"
	tr := u.post("transfer.create", path, map[string]any{"source_account_id": u.master, "destination_account_id": sub,
		"currency": "USD", "amount": "1.00", "remark": "mocksrv contract test"}, "success")
	if id := digString(tr, "transfer_id"); id != "" {
		u.get("transfer.retrieve", path+"/"+id, nil, "success")
	}
	u.post("transfer.create", path, map[string]any{"source_account_id": u.master, "destination_account_id": u.master,
		"currency": "USD", "amount": "1.00"}, "error invalid_request_error")
	u.post("transfer.create", path, map[string]any{"source_account_id": u.master, "destination_account_id": sub,
		"currency": "USD", "amount": "9999999999"}, u.ours("insufficient_balance")...)
	onSub := func(h http.Header) { h.Set("x-on-behalf-of", sub) }
	u.send(call{op: "balance.retrieve", method: http.MethodPost, path: "/v1/issuing/balances", body: map[string]any{"currency": "USD"}, header: onSub}, "success")
	u.send(call{op: "balance.list", method: http.MethodGet, path: "/v1/issuing/balances", query: page(10), header: onSub}, "success")
}

// waitCard polls a card until its status is want: on a mocksrv by moving
// the tenant's business clock 5 s at a time (the issue and order delays),
// elsewhere by waiting a second of wall time, for at most 30 rounds. The
// last read is a step of its own.
func (u *uqpayConv) waitCard(id, want string) bool {
	path := "/v1/issuing/cards/" + id
	u.wait(func() bool {
		return u.peek(path, "card_status") == want
	})
	got := digString(u.get("card.retrieve", path, nil, "success"), "card_status")
	if got != want {
		u.fail("card.retrieve", http.MethodGet, "/api"+path, fmt.Sprintf("card %s is %q, want %q", id, got, want))
		return false
	}
	return true
}

// waitOrder polls a card order until it is no longer PENDING or
// PROCESSING, then reads it as a step.
func (u *uqpayConv) waitOrder(id string) {
	path := "/v1/issuing/cards/" + id + "/order"
	u.wait(func() bool {
		st := u.peek(path, "order_status")
		return st != "PENDING" && st != "PROCESSING"
	})
	got := digString(u.get("card_order.retrieve", path, nil, "success"), "order_status")
	if got != "SUCCESS" {
		u.fail("card_order.retrieve", http.MethodGet, "/api"+path, fmt.Sprintf("card order %s is %q, want SUCCESS", id, got))
	}
}

// wait retries done, moving a mocksrv tenant's clock or waiting a second
// between tries, at most 30 times.
func (u *uqpayConv) wait(done func() bool) {
	for i := 0; i < 30 && !done(); i++ {
		if u.tenant != "" {
			if _, err := u.c.adminPost(u.ctx, "/_mocksrv/tenants/"+u.tenant+"/clock", `{"advance":"5s"}`); err != nil {
				return
			}
			continue
		}
		t := time.NewTimer(time.Second)
		select {
		case <-u.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// peek reads one field of a GET answer without recording it.
func (u *uqpayConv) peek(path, field string) string {
	h := http.Header{}
	h.Set("x-auth-token", "Bearer "+u.tok)
	resp, err := u.cl.DoRaw(u.ctx, http.MethodGet, path, nil, h)
	if err != nil || !resp.OK() {
		return ""
	}
	var m map[string]any
	_ = json.Unmarshal(resp.Body, &m)
	return digString(m, field)
}

// fail records a step that answered within its contract but not as the
// script expected (a replay that made a new object, a state never
// reached).
func (u *uqpayConv) fail(op, method, path, msg string) {
	c := u.c
	c.step++
	c.rep.Results = append(c.rep.Results, Result{Provider: c.doc.Provider, Operation: op, Part: "response", Method: method, Path: path,
		Source: fmt.Sprintf("step %d: %s %s", c.step, method, path), Error: msg})
	if c.opts.Log != nil {
		fmt.Fprintf(c.opts.Log, "FAIL %-24s %s %s: %s\n", op, method, path, msg)
	}
}

// jwtClaim reads a string claim from a JWT without verifying it.
func jwtClaim(tok, claim string) string {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var m map[string]any
	if json.Unmarshal(payload, &m) != nil {
		return ""
	}
	s, _ := m[claim].(string)
	return s
}

// uqpayVerify checks a webhook delivery's signature headers the way the
// official SDK's verifier does.
func uqpayVerify(secret string, body []byte, h map[string]string) error {
	sig, ts := header(h, "x-wk-signature"), header(h, "x-wk-timestamp")
	if sig == "" || ts == "" {
		return errors.New("the delivery has no x-wk-signature or x-wk-timestamp header")
	}
	if want := uqpay.WebhookSignature(secret, body, ts); !strings.EqualFold(sig, want) {
		return fmt.Errorf("x-wk-signature %s is not HMAC-SHA512(webhook_secret, body + x-wk-timestamp)", sig)
	}
	return nil
}
