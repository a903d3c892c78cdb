package uqpay

// Paging and time windows — UQPay Card Issuance v1.6 list endpoints
// (cards, cardholders, products, transactions, balances, balance
// transactions, merchant brands).

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// page is a list request's page_number and page_size.
type page struct{ Number, Size int }

// Paging bounds (query parameter docs: "between 10 - 100, default 10";
// page_number "default 1").
const (
	minPageSize     = 10
	maxPageSize     = 100
	defaultPageSize = 10
)

// pageOf reads page_size and page_number from the query.
//
// Quirk: pages are 1-based and page_size must be 10–100. The official SDK
// always sends both parameters and sends 0 for the ones its caller left
// unset, so 0 means "the default" unless WithStrictPaging is on. A
// page_number past the last page, however large (1000000000000000000,
// 9223372036854775807 or more digits than an int holds), is an empty page
// with the list's totals, never a wrapped-around one; a negative one is
// the range error.
func (s *Server) pageOf(r *http.Request) (page, error) {
	q := r.URL.Query()
	p := page{Number: 1, Size: defaultPageSize}
	strict := s.settingsOf(r).StrictPaging
	if v := q.Get("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case errors.Is(err, strconv.ErrRange):
			return p, invalid("page_size must be between %d and %d, got %s", minPageSize, maxPageSize, clip(v))
		case err != nil:
			return p, invalid("page_size must be an integer between %d and %d, got %q", minPageSize, maxPageSize, clip(v))
		case n == 0 && !strict:
		case n < minPageSize || n > maxPageSize:
			return p, invalid("page_size must be between %d and %d, got %d", minPageSize, maxPageSize, n)
		default:
			p.Size = n
		}
	}
	if v := q.Get("page_number"); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(v, "-"):
			p.Number = math.MaxInt // past any last page: empty
		case errors.Is(err, strconv.ErrRange):
			return p, invalid("page_number must be 1 or more (pages are 1-based), got %s", clip(v))
		case err != nil:
			return p, invalid("page_number must be an integer of 1 or more, got %q", clip(v))
		case n == 0 && !strict:
		case n < 1:
			return p, invalid("page_number must be 1 or more (pages are 1-based), got %d", n)
		default:
			p.Number = n
		}
	}
	return p, nil
}

// window returns the zero-based slice the page covers.
func (p page) window() core.Window { return core.PageWindow(p.Number-1, p.Size) }

// listResponse is every list's body.
type listResponse[T any] struct {
	TotalPages int `json:"total_pages"`
	TotalItems int `json:"total_items"`
	Data       []T `json:"data"`
}

// listOf builds a list body from a page of items and the total count.
func listOf[T any](items []T, total int, p page) listResponse[T] {
	if items == nil {
		items = []T{}
	}
	return listResponse[T]{TotalPages: core.Pages(total, p.Size), TotalItems: total, Data: items}
}

// queryTable pages a table, newest first, optionally through an index and
// a filter.
func queryTable[T any](t *core.Table[T], p page, index, value string, from, to time.Time, keep func(T) bool) core.Result[T] {
	return t.Query(core.Query[T]{Index: index, Value: value, From: from, To: to, Desc: true, Keep: keep,
		Window: p.window(), Count: true})
}

// maxWindow is the longest start_time–end_time interval where the docs set
// one (balance transactions: "The maximum time interval between start_time
// and end_time is 90 days").
const maxWindow = 90 * 24 * time.Hour

// timeWindow reads start_time and end_time from the query: RFC 3339 like
// the docs' "2024-03-21T17:17:32+08:00", or "2006-01-02 15:04:05" or a
// date, read in UQPay's zone. Either may be absent; limit > 0 caps the
// interval when both are given.
func (s *Server) timeWindow(r *http.Request, limit time.Duration) (from, to time.Time, err error) {
	q := r.URL.Query()
	if from, _, err = s.parseQueryTime(r, "start_time", q.Get("start_time")); err != nil {
		return
	}
	var dateOnly bool
	if to, dateOnly, err = s.parseQueryTime(r, "end_time", q.Get("end_time")); err != nil {
		return
	}
	if dateOnly {
		to = to.Add(24*time.Hour - time.Nanosecond)
	}
	switch {
	case !from.IsZero() && !to.IsZero() && to.Before(from):
		err = invalid("end_time %s is before start_time %s", q.Get("end_time"), q.Get("start_time"))
	case limit > 0 && !from.IsZero() && !to.IsZero() && to.Sub(from) > limit:
		err = invalid("start_time %s to end_time %s is more than %d days; the maximum interval is %d days",
			q.Get("start_time"), q.Get("end_time"), int(limit/(24*time.Hour)), int(limit/(24*time.Hour)))
	}
	from, to = displayWindow(from, to)
	return
}

// Times the tables can compare (they index by Unix nanoseconds, which hold
// the years 1678 to 2261).
var (
	earliestTime = time.Unix(0, math.MinInt64)
	latestTime   = time.Unix(0, math.MaxInt64)
)

// displayWindow turns a start_time/end_time window into the stored times
// it covers. Records show their times to the second while they keep the
// clock's sub-seconds, so a window compares at the second: an end_time
// equal to a record's displayed time includes it (the whole second is in),
// and a start_time inside a second starts at the next whole one. A zero
// bound stays open; bounds beyond what the tables compare are clamped.
func displayWindow(from, to time.Time) (time.Time, time.Time) {
	if !from.IsZero() {
		if t := from.Truncate(time.Second); !t.Equal(from) {
			from = t.Add(time.Second)
		}
		from = clampTime(from)
	}
	if !to.IsZero() {
		to = to.Truncate(time.Second).Add(time.Second - time.Nanosecond)
		to = clampTime(to)
	}
	return from, to
}

func clampTime(t time.Time) time.Time {
	switch {
	case t.Before(earliestTime):
		return earliestTime
	case t.After(latestTime):
		return latestTime
	}
	return t
}

// parseQueryTime reads a time of r's query or body in the zone of the
// request's tenant, and says whether it was a bare date.
func (s *Server) parseQueryTime(r *http.Request, field, v string) (time.Time, bool, error) {
	if v == "" {
		return time.Time{}, false, nil
	}
	v = strings.Replace(v, " ", "+", 1) // a "+08:00" offset that arrived unescaped in a query reads as a space
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, false, nil
	}
	raw, zone := strings.Replace(v, "+", " ", 1), s.zoneOf(r)
	if t, err := time.ParseInLocation(layoutSpaced, raw, zone); err == nil {
		return t, false, nil
	}
	if t, err := time.ParseInLocation(layoutDate, raw, zone); err == nil {
		return t, true, nil
	}
	return time.Time{}, false, invalid("%s %q is not a time: use RFC 3339 like 2024-03-21T17:17:32+08:00", field, v)
}

// settingsOf returns the settings of the request's tenant: its world's on
// a private route, else the Server's.
func (s *Server) settingsOf(r *http.Request) Settings {
	if w := core.WorldOf[*world](r); w != nil {
		return w.set
	}
	return s.set
}

// zoneOf returns the zone the request's tenant reads and renders times in.
func (s *Server) zoneOf(r *http.Request) *time.Location {
	if w := core.WorldOf[*world](r); w != nil {
		return w.zone
	}
	zone, _ := parseZone(s.set.Zone) // checked by New
	return zone
}
