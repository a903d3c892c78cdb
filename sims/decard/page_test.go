package decard_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/decard"
)

// TestPagesPastTheEnd: every integer is a page number — one below 1 is
// ACCOUNT_INVALID_PARAMETER naming page, one past the rows an empty page,
// however large (beyond an int too); a page size out of range, however
// large, is the range error naming it with the value sent. The cursor
// lists refuse a cursor they never returned, huge or negative.
func TestPagesPastTheEnd(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	c := s.NewClient()
	u, err := s.AddUser(decard.NewUser{Balances: map[string]string{"USD": "100"}})
	require.NoError(t, err)
	card, err := s.AddCard(decard.NewCard{UserID: u.ID})
	require.NoError(t, err)
	for range 3 {
		_, err := s.Authorize(decard.NewTransaction{UserID: u.ID, CardID: card.ID, Amount: "1"})
		require.NoError(t, err)
	}
	huge := []string{"1000000000000000000", strconv.FormatInt(1<<63-1, 10), "99999999999999999999999"}

	t.Run("GET page and rows", func(t *testing.T) {
		t.Parallel()
		for _, page := range huge {
			var rows []json.RawMessage
			get(t, c, "card.statement_detail", "/card/v1/statements/detail", &rows,
				decard.Q("externalUserId", u.ID, "statementId", "NO_POSTED", "page", page)...)
			assert.Empty(t, rows, "page %s is past the end", page)
		}
		var rows []json.RawMessage
		get(t, c, "card.statement_detail", "/card/v1/statements/detail", &rows, decard.Q("externalUserId", u.ID, "statementId", "NO_POSTED", "page", "1")...)
		assert.Len(t, rows, 3, "page 1 holds the rows")
		for _, page := range []string{"-1", "0", "-99999999999999999999999"} {
			resp := mustCode(t, c, "card.statement_detail", http.MethodGet, "/card/v1/statements/detail",
				decard.Q("externalUserId", u.ID, "statementId", "NO_POSTED", "page", page), nil, "ACCOUNT_INVALID_PARAMETER")
			assert.Contains(t, resp.Message, "page must be 1 or more (pages start at 1), got "+page)
		}
		for _, rows := range append(huge, "0", "-1", "101") {
			resp := mustCode(t, c, "card.fiat_transactions", http.MethodGet, "/card/v1/fiat/transactions",
				decard.Q("externalUserId", u.ID, "rows", rows), nil, "ACCOUNT_INVALID_PARAMETER")
			assert.Contains(t, resp.Message, "rows must be between 1 and 100, got "+rows)
		}
	})
	t.Run("POST page and size", func(t *testing.T) {
		t.Parallel()
		for _, page := range huge {
			for _, raw := range []any{page, json.Number(page)} {
				var out struct {
					Total int               `json:"total"`
					Rows  []json.RawMessage `json:"rows"`
				}
				post(t, c, "card.transactions", "/card/v1/transactions", map[string]any{"externalUserId": u.ID, "page": raw}, &out)
				assert.Equal(t, 3, out.Total)
				assert.Empty(t, out.Rows, "page %v is past the end", raw)
				var ledger []json.RawMessage
				post(t, c, "asset.transactions", "/user-asset/v1/transactions", map[string]any{"externalUserId": u.ID, "page": raw}, &ledger)
				assert.Empty(t, ledger)
			}
		}
		resp := mustCode(t, c, "card.transactions", http.MethodPost, "/card/v1/transactions", nil,
			map[string]any{"externalUserId": u.ID, "page": -1}, "ACCOUNT_INVALID_PARAMETER")
		assert.Contains(t, resp.Message, "page must be 1 or more (pages start at 1), got -1")
		resp = mustCode(t, c, "asset.transactions", http.MethodPost, "/user-asset/v1/transactions", nil,
			map[string]any{"externalUserId": u.ID, "size": json.Number(huge[2])}, "ACCOUNT_INVALID_PARAMETER")
		assert.Contains(t, resp.Message, "size must be between 1 and 100, got "+huge[2])
	})
	t.Run("cursors", func(t *testing.T) {
		t.Parallel()
		fc, err := s.AddFCUser(decard.NewFCUser{Balances: map[string]string{"USD": "10"}})
		require.NoError(t, err)
		va := fcQuery(t, c, fc.ID)
		number, _, _ := va.va("USD")
		for _, limit := range append(huge, "0", "-1") {
			resp := mustCode(t, c, "qrpay.order_list", http.MethodGet, "/qrpay/v1/order-list", decard.Q("externalUserId", u.ID, "limit", limit), nil, "ACCOUNT_INVALID_PARAMETER")
			assert.Contains(t, resp.Message, "limit must be between 1 and 100, got "+limit)
			resp = mustCode(t, c, "financial_connection.query_tran_list", http.MethodPost, "/financial-connection/v1/query-tran-list", nil,
				map[string]any{"externalUserId": fc.ID, "vaNumber": number, "pageSize": json.Number(limit)}, "ACCOUNT_INVALID_PARAMETER")
			assert.Contains(t, resp.Message, "pageSize must be between 1 and 100, got "+limit)
		}
		for _, cursor := range append(huge, "-1") {
			resp := mustCode(t, c, "qrpay.order_list", http.MethodGet, "/qrpay/v1/order-list", decard.Q("externalUserId", u.ID, "cursorOrderId", cursor), nil, "ACCOUNT_INVALID_PARAMETER")
			assert.Contains(t, resp.Message, "cursorOrderId "+cursor+" is not an order of user")
			resp = mustCode(t, c, "financial_connection.query_tran_list", http.MethodPost, "/financial-connection/v1/query-tran-list", nil,
				map[string]any{"externalUserId": fc.ID, "vaNumber": number, "cursor": cursor}, "ACCOUNT_INVALID_PARAMETER")
			assert.Contains(t, resp.Message, `cursor "`+cursor+`" is not one this list returned`)
		}
	})
}

// TestTimeWindowIncludesTheDisplayedTime: an endTime equal to the time a
// list shows for a row (Unix milliseconds) includes the row, though its
// stored time has sub-milliseconds the display drops; so does the same
// second written as a date-time or in Unix seconds, and a startTime equal
// to it.
func TestTimeWindowIncludesTheDisplayedTime(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	c := s.NewClient()
	advance(t, s, 1234567*time.Nanosecond+3*time.Second) // 2026-01-01T00:00:03.001234567Z
	u, err := s.AddUser(decard.NewUser{Balances: map[string]string{"USD": "10"}})
	require.NoError(t, err)
	card, err := s.AddCard(decard.NewCard{UserID: u.ID})
	require.NoError(t, err)
	_, err = s.Authorize(decard.NewTransaction{UserID: u.ID, CardID: card.ID, Amount: "1"})
	require.NoError(t, err)

	type row struct{ Time string }
	var all struct{ Rows []row }
	post(t, c, "card.transactions", "/card/v1/transactions", map[string]any{"externalUserId": u.ID}, &all)
	require.Len(t, all.Rows, 1)
	shown := all.Rows[0].Time
	require.Equal(t, "1767225603001", shown, "the display drops the sub-milliseconds")
	var ledger []row
	post(t, c, "asset.transactions", "/user-asset/v1/transactions", map[string]any{"externalUserId": u.ID}, &ledger)
	require.NotEmpty(t, ledger)

	windows := []struct{ start, end string }{
		{"", shown}, {shown, shown}, {"", "2026-01-01 00:00:03"}, {"", "1767225603"}, {"2026-01-01", "2026-01-01"},
		{"", "99999999999999999999"}, {"", "9999-12-31"},
	}
	for _, win := range windows {
		var got struct{ Rows []row }
		post(t, c, "card.transactions", "/card/v1/transactions", map[string]any{"externalUserId": u.ID, "startTime": win.start, "endTime": win.end}, &got)
		assert.Len(t, got.Rows, 1, "window %q–%q", win.start, win.end)
		var entries []row
		post(t, c, "asset.transactions", "/user-asset/v1/transactions", map[string]any{"externalUserId": u.ID, "startTime": win.start, "endTime": win.end}, &entries)
		assert.Len(t, entries, len(ledger), "ledger window %q–%q", win.start, win.end)
	}
	for _, win := range []struct{ start, end string }{{"", "1767225603000"}, {"1767225603002", ""}, {"2300-01-01", ""}, {"", "1000-01-01"}} {
		var got struct{ Rows []row }
		post(t, c, "card.transactions", "/card/v1/transactions", map[string]any{"externalUserId": u.ID, "startTime": win.start, "endTime": win.end}, &got)
		assert.Empty(t, got.Rows, "window %q–%q leaves the row out", win.start, win.end)
	}
}
