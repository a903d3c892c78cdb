package keysecure_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims/keysecure"
)

// TestQuirks pins every "Quirk:" of the KeySecure package that no other
// test pins by name: published misspellings, the callback/query field-name
// split, and the one list without a time window.
func TestQuirks(t *testing.T) {
	t.Parallel()
	ks := runT(t)
	c := ks.NewClient()

	t.Run("fee_detail keeps the published misspellings", func(t *testing.T) {
		t.Parallel()
		card, err := ks.AddCard(keysecure.Card{})
		require.NoError(t, err)
		var detail struct {
			FeeDetail map[string]any `json:"fee_detail"`
		}
		mustOK(t, c, "card.detail", http.MethodGet, "/open-api/v1/card/"+card.ID+"/detail", nil, &detail)
		for _, k := range []string{"consume_cancle_fee", "consume_cancel_threshold", "free_small_excuse_type", "free_small_excuse_days"} {
			assert.Contains(t, detail.FeeDetail, k)
		}
		assert.NotContains(t, detail.FeeDetail, "consume_cancel_fee")
		var pkgs struct {
			List []struct {
				FeeDetail map[string]any `json:"fee_detail"`
			} `json:"list"`
		}
		mustOK(t, c, "card_package.list", http.MethodPost, "/open-api/v1/card/package/list", `{}`, &pkgs)
		require.NotEmpty(t, pkgs.List)
		assert.Contains(t, pkgs.List[0].FeeDetail, "consume_cancle_fee")
	})

	t.Run("card BIN list takes no time window", func(t *testing.T) {
		t.Parallel()
		mustOK(t, c, "card_bin.list", http.MethodPost, "/open-api/v1/card/support/bins", `{"page":0,"size":1}`, nil)
		mustCode(t, c, "card.list", http.MethodPost, "/open-api/v1/card/list", `{"page":0,"size":1}`, 1004)
	})

	t.Run("callbacks say fee_detail and numbers, queries fee_list and strings", func(t *testing.T) {
		t.Parallel()
		ks := runT(t)
		m := &merchant{}
		srv := httptest.NewServer(m)
		defer srv.Close()
		ks.Webhooks.SetURL("", keysecure.Name, srv.URL)
		card, err := ks.AddCard(keysecure.Card{PackageNo: "PKG-VIRTUAL-PLUS"}) // 1.5% consumption fee
		require.NoError(t, err)
		require.NoError(t, ks.Fund(card.CardholderNo, "100"))
		spent, err := ks.Consume(card.ID, "10.00")
		require.NoError(t, err)
		ks.FlushWebhooks(context.Background())

		var push map[string]any
		for i, p := range m.pushes {
			if p["action"] == "Consumption" {
				push = p["data"].(map[string]any)
				contracts.Validate(t, "keysecure/webhooks/consumption.json", m.raw[i])
			}
		}
		require.NotNil(t, push, "a Consumption callback was sent")
		assert.Contains(t, push, "fee_detail")
		assert.NotContains(t, push, "fee_list")
		assert.Equal(t, 10.0, push["amount"])

		var info map[string]any
		mustOK(t, ks.NewClient(), "consume.info", http.MethodGet, "/open-api/v1/card/consume/"+spent.ID+"/info", nil, &info)
		assert.Contains(t, info, "fee_list")
		assert.NotContains(t, info, "fee_detail")
		assert.Equal(t, "10.00", info["amount"])
		assert.Equal(t, "0.15", info["fee"])
	})
}

// TestUniqueFilters checks the list filters that name one record: the
// record comes back only on page 0, inside the window, and when every other
// filter agrees.
func TestUniqueFilters(t *testing.T) {
	t.Parallel()
	ks := runT(t)
	h, err := ks.AddCardholder(keysecure.Cardholder{})
	require.NoError(t, err)
	mine, err := ks.AddCard(keysecure.Card{CardholderNo: h.ID, UniqueNo: "order-7"})
	require.NoError(t, err)
	other, err := ks.AddCard(keysecure.Card{})
	require.NoError(t, err)
	require.NoError(t, ks.Fund(h.ID, "30"))
	spent, err := ks.Consume(mine.ID, "3")
	require.NoError(t, err)
	c := ks.NewClient()
	day := func(extra map[string]any) map[string]any {
		body := map[string]any{"start_time": "2026-01-01", "end_time": "2026-01-01"}
		for k, v := range extra {
			body[k] = v
		}
		return body
	}
	count := func(route, path string, body map[string]any) int {
		var out struct{ List []json.RawMessage }
		mustOK(t, c, route, http.MethodPost, path, body, &out)
		return len(out.List)
	}
	tests := []struct {
		name, route, path string
		body              map[string]any
		want              int
	}{
		{"card_no", "card.list", "/open-api/v1/card/list", day(map[string]any{"card_no": mine.ID}), 1},
		{"card_unique_no", "card.list", "/open-api/v1/card/list", day(map[string]any{"card_unique_no": "order-7"}), 1},
		{"card_no of another cardholder", "card.list", "/open-api/v1/card/list", day(map[string]any{"card_no": other.ID, "cardholder_no": h.ID}), 0},
		{"card_no and card_unique_no disagree", "card.list", "/open-api/v1/card/list", day(map[string]any{"card_no": other.ID, "card_unique_no": "order-7"}), 0},
		{"card_no on page 1", "card.list", "/open-api/v1/card/list", day(map[string]any{"card_no": mine.ID, "page": 1}), 0},
		{"card_no outside the window", "card.list", "/open-api/v1/card/list", map[string]any{"card_no": mine.ID, "start_time": "2026-01-02", "end_time": "2026-01-03"}, 0},
		{"unknown card_no", "card.list", "/open-api/v1/card/list", day(map[string]any{"card_no": "C404"}), 0},
		{"cardholder_no", "cardholder.list", "/open-api/v1/cardholder/list", day(map[string]any{"cardholder_no": h.ID}), 1},
		{"consume_no", "consume.list", "/open-api/v1/card/consume/list", day(map[string]any{"consume_no": spent.ID}), 1},
		{"consume_no of another card", "consume.list", "/open-api/v1/card/consume/list", day(map[string]any{"consume_no": spent.ID, "card_no": other.ID}), 0},
		{"card_no and cardholder_no of consumptions", "consume.list", "/open-api/v1/card/consume/list", day(map[string]any{"card_no": mine.ID, "cardholder_no": h.ID}), 1},
		{"transfer_unique_no", "account.transfer_list", "/open-api/v1/account/transfer/list", day(map[string]any{"transfer_unique_no": "nope"}), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, count(tt.route, tt.path, tt.body))
		})
	}

	var transfers struct {
		List []struct {
			TransferNo       string `json:"transfer_no"`
			TransferUniqueNo string `json:"transfer_unique_no"`
		}
	}
	mustOK(t, c, "account.transfer_list", http.MethodPost, "/open-api/v1/account/transfer/list", day(nil), &transfers)
	require.Len(t, transfers.List, 1)
	tr := transfers.List[0]
	assert.Equal(t, 1, count("account.transfer_list", "/open-api/v1/account/transfer/list", day(map[string]any{"transfer_no": tr.TransferNo})))
	assert.Equal(t, 1, count("account.transfer_list", "/open-api/v1/account/transfer/list", day(map[string]any{"transfer_unique_no": tr.TransferUniqueNo})))
	assert.Equal(t, 0, count("account.transfer_list", "/open-api/v1/account/transfer/list", day(map[string]any{"transfer_no": tr.TransferNo, "cardholder_no": "U404"})))
}

// TestParameterErrorsNameTheWireField pins that a mistyped field is named
// as the client wrote it, even when it is shared by every list.
func TestParameterErrorsNameTheWireField(t *testing.T) {
	t.Parallel()
	ks := runT(t)
	c := ks.NewClient()
	for field, body := range map[string]string{
		"size":       `{"start_time":"2026-01-01","end_time":"2026-01-01","size":"10"}`,
		"start_time": `{"start_time":20260101,"end_time":"2026-01-01"}`,
	} {
		resp := mustCode(t, c, "card.list", http.MethodPost, "/open-api/v1/card/list", body, 1004)
		assert.Contains(t, resp.Msg, "field "+field+":", body)
		assert.NotContains(t, resp.Msg, "Params", "no Go struct names leak")
		assert.NotContains(t, resp.Msg, "timeWindow")
	}
}

// TestWithCards starts a server with cards in place.
func TestWithCards(t *testing.T) {
	t.Parallel()
	ks := runT(t, keysecure.WithCards(keysecure.Card{UniqueNo: "a"}, keysecure.Card{UniqueNo: "b", Status: keysecure.StatusFrozen}))
	cards := ks.Cards()
	require.Len(t, cards, 2)
	assert.Equal(t, keysecure.StatusActivated, cards[0].Status)
	ks.CheckCardStatus(t, cards[1].ID, keysecure.StatusFrozen)
	_, err := keysecure.New(keysecure.WithCards(keysecure.Card{UniqueNo: "x"}, keysecure.Card{UniqueNo: "x"}))
	assert.ErrorContains(t, err, "already exists")
}

// TestPublishedRequestsReachTheSim sends every request example KeySecure
// publishes, verbatim, to its operation: each decodes, and with the records
// it names in place each succeeds — except card apply, whose published
// example leaves cardholder_no empty and gets the parameter error naming it.
func TestPublishedRequestsReachTheSim(t *testing.T) {
	t.Parallel()
	ks := runT(t)
	if _, err := ks.AddCardholder(keysecure.Cardholder{ID: "U202605220001"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ks.AddCard(keysecure.Card{ID: "C202605220001"}); err != nil {
		t.Fatal(err)
	}
	c := ks.NewClient()
	doc, err := contracts.Document(keysecure.Name)
	require.NoError(t, err)
	exs, err := contracts.Examples(keysecure.Name)
	require.NoError(t, err)
	sent := 0
	for _, ex := range exs {
		if ex.Part != "request" {
			continue
		}
		body, err := contracts.EmbeddedExample(keysecure.Name, ex.File)
		require.NoError(t, err, ex.File)
		op, ok := doc.Op(ex.Op)
		require.True(t, ok, "%s names operation %q", ex.File, ex.Op)
		resp := call(t, c, op.ID, op.Method, op.Path, json.RawMessage(body))
		sent++
		if op.ID == "card.apply" {
			assert.Equal(t, 1004, resp.Code, ex.File)
			assert.Contains(t, resp.Msg, "cardholder_no is required", ex.File)
			continue
		}
		assert.Equal(t, 0, resp.Code, "%s: %s", ex.File, resp.Msg)
	}
	assert.Equal(t, 8, sent, "every published request example")
	ks.CheckCardStatus(t, "C202605220001", keysecure.StatusFrozen)
	ks.CheckBalance(t, "U202605220001", "100.00")
}
