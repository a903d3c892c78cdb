package keysecure_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/keysecure"
)

// serve calls the handler in-process, checks the answer against the
// contract of the route that served it (the journal names it), and returns
// the body.
func serve(t *testing.T, ks *keysecure.Server, method, path, body string, header map[string]string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.RemoteAddr = "127.0.0.1:4242"
	for k, v := range header {
		req.Header.Set(k, v)
	}
	ks.Handler().ServeHTTP(rec, req)
	es := ks.Journal.Entries(func(e core.Entry) bool { return e.Path == path })
	require.NotEmpty(t, es, "%s %s is journaled", method, path)
	route := es[len(es)-1].Route
	require.NotEmpty(t, route, "%s %s matched a named route", method, path)
	checkContract(t, route, &keysecure.Response{Status: rec.Code, Body: rec.Body.Bytes()})
	return rec.Body.String()
}

func TestListValidation(t *testing.T) {
	t.Parallel()
	ks := runT(t)
	c := ks.NewClient()
	tests := []struct {
		name     string
		body     string
		wantCode int
		wantMsg  string
	}{
		{name: "size over max", body: `{"start_time":"2026-01-01","end_time":"2026-01-31","size":101}`, wantCode: 1004, wantMsg: "size must be between 1 and 100"},
		{name: "size zero", body: `{"start_time":"2026-01-01","end_time":"2026-01-31","size":0}`, wantCode: 1004, wantMsg: "size"},
		{name: "negative page", body: `{"start_time":"2026-01-01","end_time":"2026-01-31","page":-1}`, wantCode: 1004, wantMsg: "0-based"},
		{name: "page not a number", body: `{"start_time":"2026-01-01","end_time":"2026-01-31","page":"1"}`, wantCode: 1004, wantMsg: "field page"},
		{name: "missing start_time", body: `{"end_time":"2026-01-31"}`, wantCode: 1004, wantMsg: "start_time is required"},
		{name: "malformed end_time", body: `{"start_time":"2026-01-01","end_time":"31/01/2026"}`, wantCode: 1004, wantMsg: "end_time"},
		{name: "end before start", body: `{"start_time":"2026-02-01","end_time":"2026-01-31"}`, wantCode: 1019},
		{name: "over 90 days", body: `{"start_time":"2026-01-01","end_time":"2026-04-02"}`, wantCode: 1020},
		{name: "exactly 90 days", body: `{"start_time":"2026-01-01","end_time":"2026-04-01"}`, wantCode: 0},
		{name: "not json", body: `start_time=2026`, wantCode: 1004, wantMsg: "not valid JSON"},
		{name: "empty body", body: ``, wantCode: 1004, wantMsg: "request body is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := call(t, c, "card.list", http.MethodPost, "/open-api/v1/card/list", tt.body)
			assert.Equal(t, tt.wantCode, resp.Code, resp.Msg)
			assert.Contains(t, resp.Msg, tt.wantMsg)
		})
	}
	resp, err := c.DoRaw(context.Background(), http.MethodPost, "/open-api/v1/card/list", "x",
		http.Header{"Content-Type": {"text/xml"}, "Api-Key": {keysecure.DefaultAPIKey}})
	require.NoError(t, err)
	assert.NotEqual(t, 0, resp.Code)
}

// TestListPaging pins KeySecure's quirks: 0-based pages in the POST body,
// newest first, and no total in the answer.
func TestListPaging(t *testing.T) {
	t.Parallel()
	ks := runT(t)
	for i := 0; i < 25; i++ {
		if _, err := ks.AddCard(keysecure.Card{}); err != nil {
			t.Fatal(err)
		}
		_, _ = ks.Clock.Advance(time.Minute)
	}
	c := ks.NewClient()
	page := func(p int) []cardItem {
		var out struct{ List []cardItem }
		mustOK(t, c, "card.list", http.MethodPost, "/open-api/v1/card/list",
			map[string]any{"start_time": "2026-01-01", "end_time": "2026-01-01", "page": p}, &out)
		return out.List
	}
	first, third := page(0), page(2)
	require.Len(t, first, 10, "Quirk: size defaults to 10")
	require.Len(t, third, 5, "page 2 is the third, 0-based")
	cards := ks.Cards()
	assert.Equal(t, cards[24].ID, first[0].CardNo, "newest first")
	assert.Equal(t, cards[0].ID, third[4].CardNo)
	assert.Empty(t, page(3))
	resp := call(t, c, "card.list", http.MethodPost, "/open-api/v1/card/list", `{"start_time":"2026-01-01","end_time":"2026-01-01"}`)
	assert.NotContains(t, string(resp.Data), "total", "Quirk: no total")
}

// TestTimezoneHeader pins that the Timezone header (default UTC+8) moves
// the day boundaries of the list window.
func TestTimezoneHeader(t *testing.T) {
	t.Parallel()
	ks := runT(t) // 2026-01-01T00:00Z is 08:00 on 1 January in UTC+8
	card, err := ks.AddCard(keysecure.Card{})
	require.NoError(t, err)
	c := ks.NewClient()
	count := func(tz, day string) int {
		c.Timezone = tz
		var out struct{ List []cardItem }
		mustOK(t, c, "card.list", http.MethodPost, "/open-api/v1/card/list", map[string]any{"start_time": day, "end_time": day}, &out)
		return len(out.List)
	}
	assert.Equal(t, 1, count("", "2026-01-01"), "default UTC+8")
	assert.Equal(t, 0, count("UTC-5", "2026-01-01"), "it is still 31 December in UTC-5")
	assert.Equal(t, 1, count("UTC-5", "2025-12-31"))
	assert.Equal(t, 1, count("Asia/Shanghai", "2026-01-01"))
	c.Timezone = "Mars/Olympus"
	resp := call(t, c, "card.list", http.MethodPost, "/open-api/v1/card/list", `{"start_time":"2026-01-01","end_time":"2026-01-01"}`)
	assert.Equal(t, 1004, resp.Code)
	assert.Contains(t, resp.Msg, "Timezone")
	_ = card
}

func TestFiltersAndOtherLists(t *testing.T) {
	t.Parallel()
	ks := runT(t)
	h, err := ks.AddCardholder(keysecure.Cardholder{})
	require.NoError(t, err)
	mine, err := ks.AddCard(keysecure.Card{CardholderNo: h.ID})
	require.NoError(t, err)
	if _, err := ks.AddCard(keysecure.Card{}); err != nil {
		t.Fatal(err)
	}
	require.NoError(t, ks.Fund(h.ID, "50"))
	_, err = ks.Consume(mine.ID, "12.34")
	require.NoError(t, err)
	c := ks.NewClient()
	day := map[string]any{"start_time": "2026-01-01", "end_time": "2026-01-01", "cardholder_no": h.ID}

	var cards struct{ List []cardItem }
	mustOK(t, c, "card.list", http.MethodPost, "/open-api/v1/card/list", day, &cards)
	require.Len(t, cards.List, 1)
	assert.Equal(t, mine.ID, cards.List[0].CardNo)

	var holders struct{ List []map[string]any }
	mustOK(t, c, "cardholder.list", http.MethodPost, "/open-api/v1/cardholder/list", day, &holders)
	require.Len(t, holders.List, 1)

	var consumes struct{ List []map[string]any }
	mustOK(t, c, "consume.list", http.MethodPost, "/open-api/v1/card/consume/list", day, &consumes)
	require.Len(t, consumes.List, 1)
	assert.Equal(t, "12.34", consumes.List[0]["amount"], "Quirk: query APIs render amounts as strings")

	var info map[string]any
	mustOK(t, c, "consume.info", http.MethodGet, "/open-api/v1/card/consume/"+consumes.List[0]["consume_no"].(string)+"/info", nil, &info)
	assert.Equal(t, "Success", info["status"])

	var transfers struct{ List []map[string]any }
	mustOK(t, c, "account.transfer_list", http.MethodPost, "/open-api/v1/account/transfer/list", day, &transfers)
	require.Len(t, transfers.List, 1)
	assert.Equal(t, "50.00", transfers.List[0]["balance"])

	var acct struct{ List []map[string]any }
	mustOK(t, c, "account.info", http.MethodGet, "/open-api/v1/account/"+h.ID+"/info", nil, &acct)
	assert.Equal(t, "37.66", acct.List[0]["balance"])

	var holderInfo map[string]any
	mustOK(t, c, "cardholder.info", http.MethodGet, "/open-api/v1/cardholder/"+h.ID+"/info", nil, &holderInfo)
	assert.Len(t, holderInfo["card_list"], 1)
	assert.Equal(t, "37.66", holderInfo["total_balance"])

	var pkgs, bins struct{ List []map[string]any }
	mustOK(t, c, "card_package.list", http.MethodPost, "/open-api/v1/card/package/list", `{"type":"Physical"}`, &pkgs)
	require.Len(t, pkgs.List, 1)
	mustOK(t, c, "card_bin.list", http.MethodPost, "/open-api/v1/card/support/bins", `{}`, &bins)
	assert.Len(t, bins.List, 2)
	mustCode(t, c, "cardholder.info", http.MethodGet, "/open-api/v1/cardholder/U404/info", nil, 2002)
	mustCode(t, c, "consume.info", http.MethodGet, "/open-api/v1/card/consume/E404/info", nil, 4011)
}

func TestUnknownPathsAnswerInTheEnvelope(t *testing.T) {
	t.Parallel()
	ks := runT(t)
	rec := httptest.NewRecorder()
	ks.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/open-api/v1/card/teleport", nil))
	assert.Equal(t, http.StatusNotFound, rec.Code)
	assert.JSONEq(t, `{"code":404,"msg":"no keysecure endpoint POST /open-api/v1/card/teleport; nearest: POST /open-api/v1/card/list (card.list), POST /open-api/v1/card/apply (card.apply), POST /open-api/v1/card/pin/set (card.pin_set)","data":null}`, rec.Body.String())
	assert.Len(t, ks.Journal.Entries(core.ByRoute("")), 1, "unknown paths are journaled")
}
