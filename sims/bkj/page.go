package bkj

// Paging — bkj's list convention (card list seed: data {page, take, total,
// list}).

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/mocksrv/mocksrv/sims/core"
)

// maxPage is the largest page a list takes; a larger one (or one beyond an
// int, or below 1) is 40000 naming the range, while a page past the last
// row within it is an empty list.
const maxPage = 1_000_000

// page is a list request's paging.
type page struct{ Page, Take int }

// Quirk: bkj pages are 1-based and come in the query string as page and
// take (default 10, at most 100); the answer carries them back with the
// total (seed card list: {"page":1,"take":2,"total":18,"list":[…]}).
func pageOf(st *Settings, q url.Values) (page, error) {
	p := page{Page: 1, Take: st.TakeDefault}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxPage {
			return p, invalid(text{"page must be an integer from 1 to %d (pages are 1-based), got %q", "page 必须为 1 到 %d 的整数（页码从 1 开始），实际为 %q"}, maxPage, v)
		}
		p.Page = n
	}
	if v := q.Get("take"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > st.TakeMax {
			return p, invalid(text{"take must be an integer from 1 to %d, got %q", "take 必须为 1 到 %d 的整数，实际为 %q"}, st.TakeMax, v)
		}
		p.Take = n
	}
	return p, nil
}

// window is the rows of the page; core.PageWindow keeps an offset beyond an
// int (a take_max of any size) past the end rather than wrapping around.
func (p page) window() core.Window { return core.PageWindow(p.Page-1, p.Take) }

// listData is every list's payload.
type listData[T any] struct {
	Page  int `json:"page"`
	Take  int `json:"take"`
	Total int `json:"total"`
	List  []T `json:"list"`
}

// query returns newest-first rows of t for a page, with the total.
func query[T any](t *core.Table[T], p page, index, value string, keep func(T) bool) ([]T, int) {
	res := t.Query(core.Query[T]{Index: index, Value: value, Desc: true, Keep: keep, Window: p.window(), Count: true})
	return res.Items, res.Total
}

// listOf renders a page of rows.
func listOf[T, J any](p page, rows []T, total int, render func(T) J) listData[J] {
	out := make([]J, 0, len(rows))
	for _, r := range rows {
		out = append(out, render(r))
	}
	return listData[J]{Page: p.Page, Take: p.Take, Total: total, List: out}
}

// pageRequest reads page and take from a request's query.
func (s *Server) pageRequest(r *http.Request) (url.Values, page, error) {
	q := r.URL.Query()
	p, err := pageOf(s.settingsOf(r), q)
	return q, p, err
}
