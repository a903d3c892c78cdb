package harness

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/keysecure"
)

func init() { scripts["keysecure"] = keysecureScript }

// keysecureScript walks KeySecure's read endpoints for the last 30 days,
// provokes the documented parameter and auth errors, and with writes
// allowed applies a cardholder and a card, freezes and unfreezes it and
// moves money in and out. On a mocksrv every callback the run caused is
// checked against its event's contract.
func keysecureScript(ctx context.Context, c *conversation) error {
	key, secret := c.opts.Credentials["api_key"], c.opts.Credentials["api_secret"]
	if key == "" || secret == "" {
		return fmt.Errorf("keysecure credentials need api_key and api_secret")
	}
	ks := keysecure.NewClient(c.opts.BaseURL, key, secret)
	ks.HTTP = c.opts.HTTP
	call := func(op, method, path string, body any, want ...string) map[string]any {
		resp, err := ks.Do(ctx, method, path, body)
		if err != nil {
			c.record(op, method, path, nil, 0, []byte(err.Error()), want)
			return nil
		}
		return c.record(op, method, path, reqBytes(body), resp.Status, resp.Body, want)
	}
	raw := func(op, method, path string, body any, h http.Header, want ...string) map[string]any {
		resp, err := ks.DoRaw(ctx, method, path, body, h)
		if err != nil {
			c.record(op, method, path, nil, 0, []byte(err.Error()), want)
			return nil
		}
		return c.record(op, method, path, reqBytes(body), resp.Status, resp.Body, want)
	}
	const base = keysecure.BasePath

	// The token step goes out raw, so a refusal is recorded with the
	// server's own code and message rather than as the client's error.
	tok := raw("token.get", http.MethodGet, base+"/merchant/token", nil, http.Header{"Api-Key": {key}, "Timestamp": {nowMS()}}, "success")
	if digString(tok, "data", "access_token") == "" {
		if code, ok := dig(tok, "code").(float64); ok && code != 0 {
			return fmt.Errorf("token.get: the server refused the credentials: %d %s", int(code), digString(tok, "msg"))
		}
		return fmt.Errorf("no access token; check the credentials and the base URL")
	}
	if c.mocksrvAdmin(ctx) {
		if tenant := c.tenantOf(ctx, "api_key", key); tenant != "" {
			mark := c.webhookMark(ctx, tenant)
			defer c.checkWebhooks(ctx, tenant, mark, nil)
		}
	}
	zone := time.FixedZone("UTC+8", 8*3600)
	now := c.serverNow(ctx, "api_key", key).In(zone)
	window := map[string]any{"start_time": now.AddDate(0, 0, -30).Format("2006-01-02"), "end_time": now.Format("2006-01-02"), "page": 0, "size": 10}

	if c.opts.AllowWrites && c.mocksrvAdmin(ctx) {
		if err := seedKeySecure(ctx, c, key); err != nil {
			return err
		}
	}
	holders := call("cardholder.list", http.MethodPost, base+"/cardholder/list", window, "success")
	cards := call("card.list", http.MethodPost, base+"/card/list", window, "success")
	call("consume.list", http.MethodPost, base+"/card/consume/list", window, "success")
	call("account.transfer_list", http.MethodPost, base+"/account/transfer/list", window, "success", "error 1012")
	pkgs := call("card_package.list", http.MethodPost, base+"/card/package/list", map[string]any{"page": 0, "size": 10}, "success", "error 1012")
	call("card_bin.list", http.MethodPost, base+"/card/support/bins", map[string]any{"page": 0, "size": 10}, "success", "error 1012")

	if no := digString(holders, "data", "list", 0, "cardholder_no"); no != "" {
		call("cardholder.info", http.MethodGet, base+"/cardholder/"+no+"/info", nil, "success")
		call("account.info", http.MethodGet, base+"/account/"+no+"/info", nil, "success", "error 1012")
	} else {
		c.skip("cardholder.info", "no cardholder in the last 30 days")
	}
	cardNo := digString(cards, "data", "list", 0, "card_no")
	if cardNo != "" {
		call("card.detail", http.MethodGet, base+"/card/"+cardNo+"/detail", nil, "success")
		call("card.private_info", http.MethodGet, base+"/card/"+cardNo+"/private/info", nil, "success", "error 1013", "error 4002")
		call("client_token.get", http.MethodGet, base+"/merchant/client/"+cardNo+"/token", nil, "success", "error 1013")
	} else {
		c.skip("card.detail", "no card in the last 30 days")
	}

	// Provoked errors: each must come back as the documented error envelope.
	bad := func(edit func(m map[string]any)) map[string]any {
		m := map[string]any{}
		for k, v := range window {
			m[k] = v
		}
		edit(m)
		return m
	}
	call("card.list", http.MethodPost, base+"/card/list", bad(func(m map[string]any) { m["size"] = 101 }), "error 1004")
	call("card.list", http.MethodPost, base+"/card/list", bad(func(m map[string]any) { m["start_time"], m["end_time"] = m["end_time"], m["start_time"] }), "error 1019")
	call("card.list", http.MethodPost, base+"/card/list", bad(func(m map[string]any) { m["start_time"] = now.AddDate(0, 0, -200).Format("2006-01-02") }), "error 1020")
	call("card.detail", http.MethodGet, base+"/card/C000000000000/detail", nil, "error 4001")
	call("cardholder.info", http.MethodGet, base+"/cardholder/U000000000000/info", nil, "error 2002")
	stale := strconv.FormatInt(core.WallNow().Add(-5*time.Minute).UnixMilli(), 10)
	raw("token.get", http.MethodGet, base+"/merchant/token", nil, http.Header{"Api-Key": {key}, "Timestamp": {stale}}, "error 1005")
	raw("card.list", http.MethodPost, base+"/card/list", window, http.Header{"Api-Key": {key}, "Timestamp": {nowMS()}}, "error 1006")
	raw("card.list", http.MethodPost, base+"/card/list", window, http.Header{"Api-Key": {key}, "Timestamp": {nowMS()}, "Access-Token": {"invalid"}}, "error 1007")

	if !c.opts.AllowWrites {
		return nil
	}
	suffix := strconv.FormatInt(core.WallNow().UnixNano(), 36)
	call("cardholder.apply", http.MethodPost, base+"/cardholder/apply",
		map[string]any{"cardholder_unique_no": "contract-" + suffix, "sumsub_share_token": "contract-test-" + suffix}, "success")
	approved := ""
	for _, h := range listOf(holders) {
		if digString(h, "status") == "Approved" {
			approved = digString(h, "cardholder_no")
			break
		}
	}
	if approved == "" {
		c.skip("card.apply", "no Approved cardholder to apply a card for")
		return nil
	}
	pkg := digString(pkgs, "data", "list", 0, "package_no")
	apply := map[string]any{"cardholder_no": approved, "card_type": "Virtual", "card_unique_no": "contract-" + suffix}
	if pkg != "" {
		apply["package_no"] = pkg
	} else {
		apply["card_bin_no"] = "BIN-48655511"
	}
	call("card.apply", http.MethodPost, base+"/card/apply", apply, "success")
	for _, card := range listOf(cards) {
		if digString(card, "status") == "Activated" {
			no := digString(card, "card_no")
			call("card.status_update", http.MethodPost, base+"/card/status/update", map[string]any{"card_no": no, "status": "Frozen"}, "success")
			call("card.status_update", http.MethodPost, base+"/card/status/update", map[string]any{"card_no": no, "status": "Frozen"}, "error 4002")
			call("card.status_update", http.MethodPost, base+"/card/status/update", map[string]any{"card_no": no, "status": "Activated"}, "success")
			break
		}
	}
	call("account.transfer", http.MethodPost, base+"/account/transfer",
		map[string]any{"cardholder_no": approved, "transfer_unique_no": "contract-in-" + suffix, "type": "In", "balance": "1.00"}, "success", "error 1012", "error 3001")
	call("account.transfer", http.MethodPost, base+"/account/transfer",
		map[string]any{"cardholder_no": approved, "transfer_unique_no": "contract-out-" + suffix, "type": "Out", "balance": "1.00"}, "success", "error 1012", "error 3001")
	return nil
}

// seedKeySecure gives a mocksrv tenant an approved cardholder and an
// activated card, which the provider API alone cannot make at once.
func seedKeySecure(ctx context.Context, c *conversation, key string) error {
	tenant := c.tenantOf(ctx, "api_key", key)
	if tenant == "" {
		return nil
	}
	h, err := c.adminPost(ctx, "/_mocksrv/tenants/"+tenant+"/keysecure/cardholders", `{}`)
	if err != nil {
		return err
	}
	_, err = c.adminPost(ctx, "/_mocksrv/tenants/"+tenant+"/keysecure/cards", fmt.Sprintf(`{"cardholder_no":%q}`, digString(h, "cardholder_no")))
	return err
}

func listOf(v any) []any {
	l, _ := dig(v, "data", "list").([]any)
	return l
}

func nowMS() string { return strconv.FormatInt(core.WallNow().UnixMilli(), 10) }
