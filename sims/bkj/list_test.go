package bkj_test

import (
	"context"
	"math"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/bkj"
)

type cardPage struct {
	Page  int       `json:"page"`
	Take  int       `json:"take"`
	Total int       `json:"total"`
	List  []cardOut `json:"list"`
}

func TestCardListPaging(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	var ids []string
	for i := 0; i < 25; i++ {
		card, err := s.AddCard(bkj.Card{})
		require.NoError(t, err)
		ids = append(ids, card.ID)
		_, _ = s.Clock.Advance(time.Second)
	}
	c := s.NewClient()
	tests := []struct {
		name      string
		q         url.Values
		wantPage  int
		wantTake  int
		wantFirst string
		wantLen   int
	}{
		{name: "defaults: page 1, take 10, newest first", q: nil, wantPage: 1, wantTake: 10, wantFirst: ids[24], wantLen: 10},
		{name: "pages are 1-based", q: url.Values{"page": {"2"}, "take": {"10"}}, wantPage: 2, wantTake: 10, wantFirst: ids[14], wantLen: 10},
		{name: "last page is short", q: url.Values{"page": {"3"}, "take": {"10"}}, wantPage: 3, wantTake: 10, wantFirst: ids[4], wantLen: 5},
		{name: "page beyond end is empty", q: url.Values{"page": {"9"}}, wantPage: 9, wantTake: 10, wantLen: 0},
		{name: "take 100 is allowed", q: url.Values{"take": {"100"}}, wantPage: 1, wantTake: 100, wantFirst: ids[24], wantLen: 25},
		{name: "take 1", q: url.Values{"take": {"1"}, "page": {"25"}}, wantPage: 25, wantTake: 1, wantFirst: ids[0], wantLen: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var p cardPage
			ok(t, c, "card.list", get("/openapi/v1/card/list", tt.q), &p)
			assert.Equal(t, tt.wantPage, p.Page)
			assert.Equal(t, tt.wantTake, p.Take)
			assert.Equal(t, 25, p.Total)
			require.Len(t, p.List, tt.wantLen)
			if tt.wantLen > 0 {
				assert.Equal(t, tt.wantFirst, p.List[0].ID)
			}
		})
	}
}

func TestPageBounds(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	c := s.NewClient()
	tests := []struct {
		name string
		q    url.Values
		want string
	}{
		{name: "page 0", q: url.Values{"page": {"0"}}, want: `page must be an integer from 1 to 1000000 (pages are 1-based), got "0"`},
		{name: "page negative", q: url.Values{"page": {"-1"}}, want: `page must be an integer from 1 to 1000000`},
		{name: "page not a number", q: url.Values{"page": {"one"}}, want: `got "one"`},
		{name: "page too large", q: url.Values{"page": {"1000001"}}, want: "1000000"},
		{name: "page 1e18", q: url.Values{"page": {"1000000000000000000"}}, want: `page must be an integer from 1 to 1000000 (pages are 1-based), got "1000000000000000000"`},
		{name: "page MaxInt64", q: url.Values{"page": {strconv.FormatInt(math.MaxInt64, 10)}}, want: `got "9223372036854775807"`},
		{name: "page beyond an int", q: url.Values{"page": {"99999999999999999999999"}}, want: `got "99999999999999999999999"`},
		{name: "page MinInt64", q: url.Values{"page": {strconv.FormatInt(math.MinInt64, 10)}}, want: `got "-9223372036854775808"`},
		{name: "take 1e18", q: url.Values{"take": {"1000000000000000000"}}, want: `take must be an integer from 1 to 100, got "1000000000000000000"`},
		{name: "take MaxInt64", q: url.Values{"take": {strconv.FormatInt(math.MaxInt64, 10)}}, want: `got "9223372036854775807"`},
		{name: "take negative", q: url.Values{"take": {"-1"}}, want: `take must be an integer from 1 to 100, got "-1"`},
		{name: "take 0", q: url.Values{"take": {"0"}}, want: `take must be an integer from 1 to 100, got "0"`},
		{name: "take 101", q: url.Values{"take": {"101"}}, want: `take must be an integer from 1 to 100, got "101"`},
		{name: "take decimal", q: url.Values{"take": {"1.5"}}, want: `got "1.5"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, route := range []struct{ name, path string }{{"card.list", "/openapi/v1/card/list"}, {"user.list", "/openapi/v1/users"},
				{"wallet_transaction.list", "/openapi/v1/wallet/transactions"}, {"card_transaction.list", "/openapi/v1/card/transactions"}} {
				code(t, c, route.name, get(route.path, tt.q), 40000, tt.want)
			}
		})
	}
	custom := bkj.RunT(t, bkj.WithPaging(5, 20))
	var p cardPage
	ok(t, custom.NewClient(), "card.list", get("/openapi/v1/card/list", nil), &p)
	assert.Equal(t, 5, p.Take)
	code(t, custom.NewClient(), "card.list", get("/openapi/v1/card/list", url.Values{"take": {"21"}}), 40000, "from 1 to 20")
}

// TestPagePastTheEndNeverWraps: with a take_max of any size, the last
// page a list takes times the largest take is beyond an int; that page is
// past the end — empty, with the total — never a page wrapped around to
// rows (issue 13).
func TestPagePastTheEndNeverWraps(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t, bkj.WithPaging(10, math.MaxInt))
	for range 3 {
		_, err := s.AddCard(bkj.Card{})
		require.NoError(t, err)
	}
	c := s.NewClient()
	list := func(q url.Values) cardPage {
		t.Helper()
		// Not through the contract: it says take is at most 100, bkj's own
		// take_max, while this tenant's is any int.
		resp, err := c.Get(context.Background(), "/openapi/v1/card/list", q)
		require.NoError(t, err)
		require.Equal(t, 0, resp.Code, resp.Message)
		var p cardPage
		require.NoError(t, resp.Decode(&p))
		return p
	}
	for _, q := range []url.Values{
		{"page": {"1000000"}, "take": {strconv.Itoa(math.MaxInt)}},
		{"page": {"2"}, "take": {strconv.Itoa(math.MaxInt)}},
		{"page": {"1000000"}, "take": {"1000000000000000000"}},
		{"page": {"5"}, "take": {strconv.Itoa(1 << 62)}}, // 4 × 2^62 wraps to an offset of 0
		{"page": {"1000000"}},
	} {
		p := list(q)
		assert.Empty(t, p.List, "%v", q)
		assert.Equal(t, 3, p.Total, "%v", q)
	}
	assert.Len(t, list(url.Values{"take": {strconv.Itoa(math.MaxInt)}}).List, 3, "page 1 of the largest take is every row")
}

// The card list filters exactly as the seed's curl shows.
func TestCardListFilters(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	john, err := s.AddUser(bkj.User{FirstName: "John", LastName: "Mock-Doe"})
	require.NoError(t, err)
	jane, err := s.AddUser(bkj.User{FirstName: "Jane", LastName: "Roe"})
	require.NoError(t, err)
	a, err := s.AddCard(bkj.Card{AccountID: john.ID})
	require.NoError(t, err)
	b, err := s.AddCard(bkj.Card{AccountID: john.ID, Status: bkj.StatusFrozen})
	require.NoError(t, err)
	p, err := s.AddCard(bkj.Card{AccountID: jane.ID, ChannelID: "visa-physical-usd"})
	require.NoError(t, err)
	c := s.NewClient()
	tests := []struct {
		name string
		q    url.Values
		want []string
	}{
		{name: "account_id", q: url.Values{"account_id": {john.ID}}, want: []string{b.ID, a.ID}},
		{name: "status", q: url.Values{"status": {"frozen"}}, want: []string{b.ID}},
		{name: "type", q: url.Values{"type": {"physical"}}, want: []string{p.ID}},
		{name: "currency", q: url.Values{"currency": {"USD"}}, want: []string{p.ID, b.ID, a.ID}},
		{name: "currency none", q: url.Values{"currency": {"EUR"}}, want: []string{}},
		{name: "first_name and last_name", q: url.Values{"first_name": {"Jane"}, "last_name": {"Roe"}}, want: []string{p.ID}},
		{name: "all together", q: url.Values{"account_id": {john.ID}, "currency": {"USD"}, "status": {"active"}, "type": {"virtual"},
			"first_name": {"John"}, "last_name": {"Mock-Doe"}}, want: []string{a.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var page cardPage
			ok(t, c, "card.list", get("/openapi/v1/card/list", tt.q), &page)
			got := []string{}
			for _, x := range page.List {
				got = append(got, x.ID)
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, len(tt.want), page.Total)
		})
	}
	code(t, c, "card.list", get("/openapi/v1/card/list", url.Values{"status": {"actice"}}), 40000, `status "actice" is not a card status (active, deleted`)
	code(t, c, "card.list", get("/openapi/v1/card/list", url.Values{"type": {"metal"}}), 40000, "type must be virtual or physical")
}
