package bkj_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims/bkj"
	"github.com/mocksrv/mocksrv/sims/core"
)

// decodeNumbers decodes JSON keeping numbers exact.
func decodeNumbers(t *testing.T, b []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v map[string]any
	require.NoError(t, dec.Decode(&v))
	return v
}

// keyOrder returns the keys of the object at path (object keys and array
// indexes) in the order the JSON text has them.
func keyOrder(t *testing.T, body []byte, path ...string) []string {
	t.Helper()
	var v json.RawMessage = body
	for _, p := range path {
		if i, err := strconv.Atoi(p); err == nil {
			var arr []json.RawMessage
			require.NoError(t, json.Unmarshal(v, &arr))
			require.Greater(t, len(arr), i)
			v = arr[i]
			continue
		}
		var obj map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(v, &obj))
		require.Contains(t, obj, p)
		v = obj[p]
	}
	dec := json.NewDecoder(bytes.NewReader(v))
	tok, err := dec.Token()
	require.NoError(t, err)
	require.Equal(t, json.Delim('{'), tok)
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		require.NoError(t, err)
		keys = append(keys, k.(string))
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	return keys
}

// The seed's card list example validates against our contract — strictly,
// not only in doc-examples mode — and keeps its 19-digit id_no.
func TestSeedCardListExample(t *testing.T) {
	t.Parallel()
	body, err := os.ReadFile("../../contracts/bkj/examples/card-list.response.json")
	require.NoError(t, err)
	contracts.Validate(t, "bkj/card_list.response.json", body)
	v := decodeNumbers(t, body)
	first := v["data"].(map[string]any)["list"].([]any)[0].(map[string]any)
	assert.Equal(t, json.Number("2011377754139471874"), first["id_no"])
	f, _ := strconv.ParseFloat("2011377754139471874", 64)
	assert.NotEqual(t, "2011377754139471874", strconv.FormatFloat(f, 'f', 0, 64), "a float64 would lose digits")
}

// TestQuirks pins every "Quirk:" comment of the package. Its subtests run
// in order: they share one server and move its clock.
func TestQuirks(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t, bkj.WithDelays(bkj.Delays{Freeze: time.Second, Withdrawal: time.Minute}))
	c := s.NewClient()
	user, err := s.AddUser(bkj.User{FirstName: "John", LastName: "Mock-Doe"})
	require.NoError(t, err)
	virtual, err := s.AddCard(bkj.Card{AccountID: user.ID, Balance: core.MustDecimal("1670.60")})
	require.NoError(t, err)
	physical, err := s.AddCard(bkj.Card{AccountID: user.ID, ChannelID: "visa-physical-usd"})
	require.NoError(t, err)
	master, err := s.AddCard(bkj.Card{AccountID: user.ID, ChannelID: "mastercard-virtual-usd"})
	require.NoError(t, err)
	detail := func(id string) (map[string]any, []byte) {
		resp := ok(t, c, "card.detail", get("/openapi/v1/card/detail", url.Values{"id": {id}}), nil)
		return decodeNumbers(t, resp.Body)["data"].(map[string]any), resp.Body
	}
	v, rawBody := detail(virtual.ID)

	t.Run("update_at not updated_at", func(t *testing.T) {
		assert.Contains(t, v, "update_at")
		assert.NotContains(t, v, "updated_at")
	})
	t.Run("remarks is null", func(t *testing.T) {
		assert.Contains(t, string(rawBody), `"remarks":null`)
	})
	t.Run("id_no is a number beyond 2^53 with every digit", func(t *testing.T) {
		n, isNum := v["id_no"].(json.Number)
		require.True(t, isNum, "id_no is a JSON number, not a string")
		assert.Regexp(t, `^\d{19}$`, n.String())
		u, err := strconv.ParseUint(n.String(), 10, 64)
		require.NoError(t, err)
		assert.Greater(t, u, uint64(1)<<53)
		assert.Equal(t, virtual.IDNo, n.String())
		assert.Contains(t, string(rawBody), `"id_no":`+virtual.IDNo+`,`)
	})
	t.Run("first8 carries the 6-digit BIN", func(t *testing.T) {
		assert.Equal(t, "438214", v["first8"])
		assert.Equal(t, virtual.PAN[:6], v["first8"])
	})
	t.Run("velocity_limit_window is na", func(t *testing.T) {
		assert.Equal(t, "na", v["velocity_limit_window"])
		assert.Equal(t, "0", v["velocity_amount_limit"])
	})
	t.Run("card amounts are strings with as few decimals as needed", func(t *testing.T) {
		assert.Equal(t, "1670.6", v["channel_balance"])
		p, _ := detail(physical.ID)
		assert.Equal(t, "0", p["channel_balance"])
	})
	t.Run("physical_status is null for virtual cards", func(t *testing.T) {
		assert.Nil(t, v["physical_status"])
		assert.Contains(t, v, "physical_status")
		p, _ := detail(physical.ID)
		assert.Equal(t, "active", p["physical_status"])
	})
	t.Run("raw speaks DeCard in camelCase", func(t *testing.T) {
		raw := v["raw"].(map[string]any)
		assert.Equal(t, "NORMAL", raw["cardStatus"])
		assert.Equal(t, "UN_APPLY", raw["physicalCardStatus"])
		assert.Equal(t, "************"+virtual.Last4(), raw["cardNo"])
		assert.Equal(t, json.Number("0"), raw["points"])
		assert.Regexp(t, `^\*{4}[A-Z]{4}$`, raw["cardHolder"])
	})
	t.Run("raw balance and billing currencies are absent for some channels", func(t *testing.T) {
		assert.Equal(t, "USD", v["raw"].(map[string]any)["balanceCurrency"])
		m, _ := detail(master.ID)
		assert.NotContains(t, m["raw"], "balanceCurrency")
		assert.NotContains(t, m["raw"], "billingCurrency")
	})
	t.Run("postCode is camelCase in card_address", func(t *testing.T) {
		assert.Contains(t, v["card_address"], "postCode")
	})
	t.Run("the card object's keys come in the seed's order", func(t *testing.T) {
		seed, err := os.ReadFile("../../contracts/bkj/examples/card-list.response.json")
		require.NoError(t, err)
		want := keyOrder(t, seed, "data", "list", "0")
		assert.Equal(t, want, keyOrder(t, rawBody, "data"))
		for _, nested := range []string{"raw", "card_address"} {
			assert.Equal(t, keyOrder(t, seed, "data", "list", "0", nested), keyOrder(t, rawBody, "data", nested), nested)
		}
	})
	t.Run("envelope timestamp is ms while X-Timestamp is seconds", func(t *testing.T) {
		resp := ok(t, c, "card.list", get("/openapi/v1/card/list", nil), nil)
		assert.Equal(t, s.Clock.Now().UnixMilli(), resp.Timestamp)
		assert.Len(t, resp.Header.Get(bkj.HeaderTimestamp), 10, "response X-Timestamp is Unix seconds")
	})
	t.Run("errors answer HTTP 200", func(t *testing.T) {
		resp := code(t, c, "card.detail", get("/openapi/v1/card/detail", url.Values{"id": {"nope"}}), 40400, "does not exist")
		assert.Equal(t, http.StatusOK, resp.Status)
		assert.JSONEq(t, "null", string(resp.Data))
	})
	t.Run("pages are 1-based in the query", func(t *testing.T) {
		var p cardPage
		ok(t, c, "card.list", get("/openapi/v1/card/list", url.Values{"page": {"1"}, "take": {"2"}}), &p)
		assert.Equal(t, 1, p.Page)
		assert.Equal(t, master.ID, p.List[0].ID, "page 1 is the first page")
		code(t, c, "card.list", get("/openapi/v1/card/list", url.Values{"page": {"0"}}), 40000, "1-based")
	})
	t.Run("freeze is asynchronous", func(t *testing.T) {
		var f cardOut
		ok(t, c, "card.freeze", post("/openapi/v1/card/freeze", map[string]string{"id": virtual.ID}), &f)
		assert.Equal(t, "processing_frozen", f.Status)
		_, _ = s.Clock.Advance(time.Second)
		assert.Equal(t, "frozen", cardDetail(t, c, virtual.ID).Status)
	})

	_, err = s.Deposit(user.ID, "USDT", "150")
	require.NoError(t, err)
	w := walletOf(t, c, user.ID, "USDT")
	resp := ok(t, c, "withdrawal.create", post("/openapi/v1/wallet/withdraw", map[string]any{"wallet_id": w.ID, "chain": "TRON",
		"amount": "100", "address": tronAddr}), nil)
	tx := decodeNumbers(t, resp.Body)["data"].(map[string]any)
	t.Run("wallet transaction id_no is a string", func(t *testing.T) {
		assert.Equal(t, "202601010002", tx["id_no"])
	})
	t.Run("wallet amounts carry two decimals", func(t *testing.T) {
		assert.Equal(t, "100.00", tx["amount"])
		assert.Equal(t, "100.00", tx["origin_amount"])
		assert.Equal(t, "1.00", tx["fee"])
		assert.Equal(t, "0", tx["cross_chain_fee"])
		assert.Equal(t, "1", tx["rate"])
	})
	t.Run("transaction_time is RFC 3339 with offset", func(t *testing.T) {
		assert.Regexp(t, regexp.MustCompile(`^2026-01-01T00:00:01Z$`), tx["transaction_time"])
		cc := *c
		cc.Timezone = "UTC+8"
		var d struct {
			TransactionTime string `json:"transaction_time"`
			CreatedAt       string `json:"created_at"`
		}
		ok(t, &cc, "wallet_transaction.detail", get("/openapi/v1/wallet/transactions/"+tx["id"].(string), nil), &d)
		assert.Equal(t, "2026-01-01T08:00:01+08:00", d.TransactionTime)
		assert.Equal(t, "2026-01-01 08:00:01", d.CreatedAt)
	})
	t.Run("close_time is empty until the transaction ends", func(t *testing.T) {
		assert.Equal(t, "", tx["close_time"])
		_, _ = s.Clock.Advance(time.Minute)
		var d struct {
			CloseTime string `json:"close_time"`
		}
		ok(t, c, "wallet_transaction.detail", get("/openapi/v1/wallet/transactions/"+tx["id"].(string), nil), &d)
		assert.Equal(t, "2026-01-01T00:01:01Z", d.CloseTime)
	})
}
