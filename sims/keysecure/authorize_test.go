package keysecure_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/keysecure"
)

// signUtils is KeySecure's callback signature as its "Code Utilities" page
// publishes it (SignUtils): HMAC-SHA256, keyed with the api secret, in
// lowercase hex, over "k=v&…" of appId, timestamp and every field of data,
// sorted by key, nulls skipped, strings raw and other values compact JSON
// with sorted keys. Written from the docs, not from mocksrv's code.
func signUtils(appID, timestamp string, body []byte, secret string) (string, error) {
	var push struct {
		Data map[string]json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &push); err != nil {
		return "", err
	}
	params := map[string]string{"appId": appID, "timestamp": timestamp}
	for k, raw := range push.Data {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return "", err
		}
		switch x := v.(type) {
		case nil:
			continue
		case string:
			params[k] = x
		default:
			var b bytes.Buffer
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(x); err != nil {
				return "", err
			}
			params[k] = strings.TrimSuffix(b.String(), "\n")
		}
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	pairs := make([]string, len(keys))
	for i, k := range keys {
		pairs[i] = k + "=" + params[k]
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(strings.Join(pairs, "&")))
	return hex.EncodeToString(m.Sum(nil)), nil
}

// authPush is the Auth callback's data as the docs publish it.
type authPush struct {
	ConsumeNo    string      `json:"consume_no"`
	CardNo       string      `json:"card_no"`
	CardholderNo string      `json:"cardholder_no"`
	Type         string      `json:"type"`
	Amount       json.Number `json:"amount"`
	Status       string      `json:"status"`
}

// desk is a merchant's callback endpoint written from KeySecure's docs: it
// checks every callback's Signature and contract, answers Auth callbacks
// with decide (which may block) and acknowledges the others with
// {"code":0}.
type desk struct {
	t      *testing.T
	appID  string // the tenant's Api-Key; DefaultAPIKey when empty
	secret string
	decide func(r *http.Request, a authPush) (status int, body string)

	mu     sync.Mutex
	auths  []authPush
	raw    [][]byte // the Auth bodies
	others []map[string]any
}

func (d *desk) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	appID := d.appID
	if appID == "" {
		appID = keysecure.DefaultAPIKey
	}
	want, err := signUtils(appID, r.Header.Get("Timestamp"), body, d.secret)
	assert.NoError(d.t, err)
	assert.Equal(d.t, want, r.Header.Get("Signature"), "the callback is signed as SignUtils says")
	var push struct {
		Action string          `json:"action"`
		Data   json.RawMessage `json:"data"`
	}
	require.NoError(d.t, json.Unmarshal(body, &push))
	if push.Action != "Auth" {
		switch push.Action {
		case "Consumption":
			contracts.Validate(d.t, "keysecure/webhooks/consumption.json", body)
		case "Card_update":
			contracts.Validate(d.t, "keysecure/webhooks/card_update.json", body)
		}
		var m map[string]any
		_ = json.Unmarshal(body, &m)
		d.mu.Lock()
		d.others = append(d.others, m)
		d.mu.Unlock()
		_, _ = io.WriteString(w, `{"code":0,"message":""}`)
		return
	}
	contracts.Validate(d.t, "keysecure/webhooks/auth.json", body)
	var a authPush
	require.NoError(d.t, json.Unmarshal(push.Data, &a))
	d.mu.Lock()
	d.auths, d.raw = append(d.auths, a), append(d.raw, body)
	d.mu.Unlock()
	status, reply := http.StatusOK, `{"code":0,"message":""}`
	if d.decide != nil {
		status, reply = d.decide(r, a)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, reply)
}

func (d *desk) authCount() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.auths)
}

// consumptionCallbacks returns the data of the Consumption callbacks
// delivered so far.
func (d *desk) consumptionCallbacks() []map[string]any {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []map[string]any
	for _, m := range d.others {
		if m["action"] == "Consumption" {
			out = append(out, m["data"].(map[string]any))
		}
	}
	return out
}

// authServer is a merchant in AUTHORIZATION mode, with an approved
// cardholder holding no balance and a card applied by BIN, whose callbacks
// go to a desk deciding with decide. The merchant has 10 s rather than
// 800 ms unless opts say otherwise, so a loaded machine running -race
// never turns an answer into a timeout.
func authServer(t *testing.T, decide func(*http.Request, authPush) (int, string), opts ...keysecure.Option) (*keysecure.Server, *desk, keysecure.Card) {
	t.Helper()
	base := []keysecure.Option{keysecure.WithMode(keysecure.ModeAuthorization), keysecure.WithAuthWindow(10 * time.Second)}
	ks := runT(t, append(base, opts...)...)
	d := &desk{t: t, secret: keysecure.DefaultAPISecret, decide: decide}
	srv := httptest.NewServer(d)
	t.Cleanup(srv.Close)
	ks.Webhooks.SetURL("", keysecure.Name, srv.URL)
	card, err := ks.AddCard(keysecure.Card{BinNo: "BIN-48655511"})
	require.NoError(t, err)
	return ks, d, card
}

// setText sets a text field of a card event (an amount) from a string,
// whatever string type the field has.
func setText[T ~string](field *T, s string) { *field = T(s) }

func authorize(amount string) core.CardEvent {
	ev := core.CardEvent{Type: core.EventAuthorize, Merchant: core.EventMerchant{Name: "Corner Coffee", MCC: "5814"}}
	setText(&ev.Amount, amount)
	return ev
}

func TestMerchantApprovesAuthorization(t *testing.T) {
	t.Parallel()
	ks, d, card := authServer(t, nil)

	c, err := ks.CardEvent(card.ID, authorize("25.50"))
	require.NoError(t, err)
	assert.Equal(t, keysecure.Pending, c.Status, "approved and awaiting clearing")
	require.NotNil(t, c.Decision)
	assert.Equal(t, keysecure.ByMerchant, c.Decision.By)
	assert.True(t, c.Decision.Approved)
	assert.Equal(t, keysecure.FundMerchant, c.Funding)

	require.Equal(t, 1, d.authCount(), "the Auth callback went out synchronously")
	a := d.auths[0]
	assert.Equal(t, c.ID, a.ConsumeNo)
	assert.Equal(t, "25.5", a.Amount.String(), "Quirk: callbacks send amounts as numbers")
	assert.Equal(t, "Pending", a.Status, "Auth's status is fixed to Pending")
	assert.Equal(t, "Consumption", a.Type)
	contracts.Validate(t, "keysecure/webhooks/auth.json", d.raw[0])

	h, _ := ks.Cardholder(card.CardholderNo)
	assert.True(t, h.Balance.IsZero(), "no cardholder balance is needed or touched in authorization mode")
	m := ks.Ledger()
	assert.Equal(t, "25.5", m.Held.String())
	assert.Equal(t, "25.5", m.MerchantFunded.String(), "the merchant funds what it approves")
	ks.CheckMoney(t)

	ks.FlushWebhooks(context.Background())
	cbs := d.consumptionCallbacks()
	require.Len(t, cbs, 1)
	assert.Equal(t, "Pending", cbs[0]["status"], "the Consumption callback agrees with the decision")
	assert.Equal(t, c.ID, cbs[0]["consume_no"])

	cleared, err := ks.CardEvent(card.ID, core.CardEvent{Type: core.EventClear, Transaction: c.ID})
	require.NoError(t, err)
	assert.Equal(t, keysecure.Success, cleared.Status)
	assert.Equal(t, "25.5", ks.Ledger().Settled.String())
	assert.True(t, ks.Ledger().Held.IsZero())
	ks.CheckMoney(t)
	ks.FlushWebhooks(context.Background())
	cbs = d.consumptionCallbacks()
	require.Len(t, cbs, 2)
	assert.Equal(t, "Success", cbs[1]["status"])
	assert.Equal(t, 1, d.authCount(), "clearing asks the merchant nothing")
}

func TestMerchantDeclinesAuthorization(t *testing.T) {
	t.Parallel()
	ks, d, card := authServer(t, func(_ *http.Request, a authPush) (int, string) {
		if a.Amount.String() == "500" {
			return http.StatusOK, `{"code":1001,"message":"Over the cardholder's limit"}`
		}
		return http.StatusOK, `{"code":0,"message":""}`
	})
	c, err := ks.CardEvent(card.ID, authorize("500"))
	require.NoError(t, err)
	assert.Equal(t, keysecure.Failed, c.Status)
	assert.Equal(t, "Declined by merchant: Over the cardholder's limit", c.Remark)
	assert.Equal(t, keysecure.DeclineMerchant, c.DeclineCode)
	require.NotNil(t, c.Decision)
	assert.Equal(t, keysecure.ByMerchant, c.Decision.By)
	require.NotNil(t, c.Decision.Code)
	assert.EqualValues(t, 1001, *c.Decision.Code)
	assert.Empty(t, c.Fees, "a declined consumption is charged nothing")
	m := ks.Ledger()
	assert.True(t, m.Held.IsZero() && m.MerchantFunded.IsZero(), "no money moves on a decline")
	ks.CheckMoney(t)

	ks.FlushWebhooks(context.Background())
	cbs := d.consumptionCallbacks()
	require.Len(t, cbs, 1)
	assert.Equal(t, "Fail", cbs[0]["status"])
	assert.Equal(t, c.Remark, cbs[0]["remark"])

	ok, err := ks.CardEvent(card.ID, authorize("20"))
	require.NoError(t, err)
	assert.Equal(t, keysecure.Pending, ok.Status, "the same merchant approves what it accepts")
}

func TestMerchantRefusalCanApprove(t *testing.T) {
	t.Parallel()
	ks, _, card := authServer(t, func(*http.Request, authPush) (int, string) {
		return http.StatusOK, `{"code":7,"message":"soft limit"}`
	}, keysecure.WithAuthStrategy(keysecure.AuthApprove, keysecure.AuthDecline))
	c, err := ks.CardEvent(card.ID, authorize("10"))
	require.NoError(t, err)
	assert.Equal(t, keysecure.Pending, c.Status, "auth_on_refusal approve")
	assert.Equal(t, "code 7; auth_on_refusal approve", c.Decision.Reason)
}

func TestMerchantTimesOut(t *testing.T) {
	t.Parallel()
	slow := func(r *http.Request, _ authPush) (int, string) {
		<-r.Context().Done() // answers only when mocksrv gives up
		return http.StatusOK, `{"code":0,"message":""}`
	}
	for _, tt := range []struct {
		name     string
		fallback string
		want     keysecure.Status
	}{
		{"fallback declines", keysecure.AuthDecline, keysecure.Failed},
		{"fallback approves", keysecure.AuthApprove, keysecure.Pending},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ks, d, card := authServer(t, slow, keysecure.WithAuthWindow(50*time.Millisecond),
				keysecure.WithAuthStrategy(keysecure.AuthDecline, tt.fallback))
			c, err := ks.CardEvent(card.ID, authorize("12"))
			require.NoError(t, err)
			assert.LessOrEqual(t, d.authCount(), 1, "asked once (a loaded machine may give up before the request lands)")
			assert.Equal(t, tt.want, c.Status)
			assert.Equal(t, keysecure.ByFallback, c.Decision.By)
			assert.Equal(t, "the merchant did not answer within 50ms; auth_fallback "+tt.fallback, c.Decision.Reason)
			if tt.want == keysecure.Failed {
				assert.Equal(t, "Merchant authorization failed: the merchant did not answer within 50ms", c.Remark)
				assert.Equal(t, keysecure.DeclineNoAnswer, c.DeclineCode)
			}
			e := ks.Journal.Entries(core.ByRoute("Auth"))
			require.Len(t, e, 1, "the round trip is journaled")
			assert.Equal(t, "webhook", e[0].Type)
			assert.Contains(t, e[0].Error, "did not answer within 50ms", "with the fallback's reason")
			ks.CheckMoney(t)
		})
	}
}

func TestGarbageAnswerFallsBack(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		status int
		body   string
		reason string
	}{
		{"plain text", 200, "OK", "the merchant's answer is not {code, message}: OK"},
		{"no code", 200, `{"approved":true}`, "the merchant's answer has no code"},
		{"code as a string", 200, `{"code":"0"}`, `the merchant's code is not an integer: "0"`},
		{"code with a fraction", 200, `{"code":0.5}`, "the merchant's code is not an integer: 0.5"},
		{"server error", 500, `{"code":0}`, "the merchant answered HTTP 500"},
		{"html", 502, "<html>bad gateway</html>", "the merchant answered HTTP 502"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ks, _, card := authServer(t, func(*http.Request, authPush) (int, string) { return tt.status, tt.body })
			c, err := ks.CardEvent(card.ID, authorize("9.99"))
			require.NoError(t, err)
			assert.Equal(t, keysecure.Failed, c.Status)
			assert.Equal(t, keysecure.ByFallback, c.Decision.By)
			assert.Contains(t, c.Decision.Reason, tt.reason)
			assert.Equal(t, "Merchant authorization failed: "+strings.SplitN(c.Decision.Reason, "; auth_fallback", 2)[0], c.Remark)
			e := ks.Journal.Entries(core.ByRoute("Auth"))
			require.Len(t, e, 1)
			assert.Contains(t, e[0].Error, tt.reason)
		})
	}
}

func TestNoWebhookURLFallsBack(t *testing.T) {
	t.Parallel()
	ks := runT(t, keysecure.WithMode(keysecure.ModeAuthorization))
	card, err := ks.AddCard(keysecure.Card{BinNo: "BIN-53199307"})
	require.NoError(t, err)
	c, err := ks.CardEvent(card.ID, authorize("5"))
	require.NoError(t, err)
	assert.Equal(t, keysecure.Failed, c.Status)
	assert.Equal(t, "Merchant authorization failed: no KeySecure webhook URL is set for the tenant", c.Remark)
}

func TestAuthFaultRules(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		fault  core.Fault
		reason string
	}{
		{"slow beyond the window", core.Fault{Delay: core.Duration(time.Second)}, "did not answer within 40ms"},
		{"dropped", core.Fault{Drop: true}, "dropped by a fault rule"},
		{"gateway error", core.Fault{Status: 502}, "a fault rule answered HTTP 502"},
		{"scripted refusal", core.Fault{Status: 200, Body: `{"code":9,"message":"scripted"}`}, "Declined by merchant: scripted"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ks, d, card := authServer(t, nil, keysecure.WithAuthWindow(40*time.Millisecond))
			f := tt.fault
			f.Provider, f.Webhook, f.Route = keysecure.Name, true, "Auth"
			_, err := ks.Faults.Add(f)
			require.NoError(t, err)
			c, err := ks.CardEvent(card.ID, authorize("3"))
			require.NoError(t, err)
			assert.Equal(t, keysecure.Failed, c.Status)
			assert.Contains(t, c.Remark, tt.reason)
			assert.Zero(t, d.authCount(), "the fault stood in for the merchant")
			e := ks.Journal.Entries(core.ByRoute("Auth"))
			require.Len(t, e, 1)
			assert.NotEmpty(t, e[0].Fault)
		})
	}
}

// TestMerchantMayCallBackDuringAuth: the world is not locked while the
// merchant decides, so its handler may call KeySecure — and a card frozen
// meanwhile is declined whatever the merchant says.
func TestMerchantMayCallBackDuringAuth(t *testing.T) {
	t.Parallel()
	var ks *keysecure.Server
	var card keysecure.Card
	ks, _, card = authServer(t, func(_ *http.Request, a authPush) (int, string) {
		c := ks.NewClient()
		mustOK(t, c, "card.detail", http.MethodGet, "/open-api/v1/card/"+a.CardNo+"/detail", nil, nil)
		if a.Amount.String() == "66" {
			mustOK(t, c, "card.status_update", http.MethodPost, "/open-api/v1/card/status/update",
				map[string]any{"card_no": a.CardNo, "status": "Frozen"}, nil)
		}
		return http.StatusOK, `{"code":0,"message":""}`
	})
	c, err := ks.CardEvent(card.ID, authorize("10"))
	require.NoError(t, err)
	assert.Equal(t, keysecure.Pending, c.Status)

	frozen, err := ks.CardEvent(card.ID, authorize("66"))
	require.NoError(t, err)
	assert.Equal(t, keysecure.Failed, frozen.Status)
	assert.Equal(t, "Card is not activated: status Frozen", frozen.Remark)
	assert.Equal(t, "the card became Frozen while the merchant answered", frozen.Decision.Reason)
	ks.CheckMoney(t)
}

func TestSandboxConsumeAsksTheMerchant(t *testing.T) {
	t.Parallel()
	ks, d, card := authServer(t, func(_ *http.Request, a authPush) (int, string) {
		if a.Amount.String() == "99" {
			return http.StatusOK, `{"code":2,"message":"no"}`
		}
		return http.StatusOK, `{"code":0,"message":""}`
	})
	c := ks.NewClient()
	var ok, no map[string]any
	mustOK(t, c, "sandbox.consume", http.MethodPost, "/open-api/v1/sandbox/consume", map[string]any{"card_no": card.ID, "amount": "15"}, &ok)
	mustOK(t, c, "sandbox.consume", http.MethodPost, "/open-api/v1/sandbox/consume", map[string]any{"card_no": card.ID, "amount": "99"}, &no)
	assert.Equal(t, "Success", ok["status"], "sandbox consume authorizes and clears at once")
	assert.Equal(t, "Fail", no["status"])
	assert.Equal(t, "Declined by merchant: no", no["remark"])
	assert.Equal(t, 2, d.authCount())
	assert.Equal(t, "15", ks.Ledger().Settled.String())
	ks.CheckMoney(t)
}
