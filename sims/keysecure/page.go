package keysecure

// Paging and time windows — KeySecure's list convention (card, cardholder,
// consume, transfer lists).

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// pageParams are the paging fields of every list request body.
type pageParams struct {
	Page *int `json:"page"`
	Size *int `json:"size"`
}

// Quirk: KeySecure pages are 0-based and come in the POST body; size
// defaults to 10 and may not exceed 100.
func (p pageParams) window() (core.Window, error) {
	page, size := 0, 10
	if p.Page != nil {
		page = *p.Page
	}
	if p.Size != nil {
		size = *p.Size
	}
	if page < 0 {
		return core.Window{}, invalid(text{"page must be 0 or more (pages are 0-based), got %d", "page 必须大于等于 0（页码从 0 开始），实际为 %d"}, page)
	}
	if size < 1 || size > 100 {
		return core.Window{}, invalid(text{"size must be between 1 and 100, got %d", "size 必须在 1 到 100 之间，实际为 %d"}, size)
	}
	return core.PageWindow(page, size), nil
}

// listData is every list's payload. Quirk: no total and no has-more flag;
// a client pages until a page comes back short.
type listData[T any] struct {
	List []T `json:"list"`
}

// timeWindow is the mandatory start_time/end_time of a list request.
type timeWindow struct {
	StartTime string `json:"start_time"`
	EndTime   string `json:"end_time"`
}

// maxWindow is the longest allowed query interval.
const maxWindow = 90 * 24 * time.Hour

// span parses the window in the request's Timezone: a date alone covers
// the whole day (start at 00:00:00, end through 23:59:59.999). 1004 for a
// missing or malformed value, 1019 when end precedes start, 1020 when the
// interval exceeds 90 days.
func (tw timeWindow) span(r *http.Request) (from, to time.Time, err error) {
	loc, err := zoneOf(r)
	if err != nil {
		return from, to, err
	}
	from, _, err = parseListTime("start_time", tw.StartTime, loc)
	if err != nil {
		return from, to, err
	}
	end, dateOnly, err := parseListTime("end_time", tw.EndTime, loc)
	if err != nil {
		return from, to, err
	}
	if end.Before(from) {
		return from, to, fail(1019, text{"end_time %s is before start_time %s", "end_time %s 早于 start_time %s"}, tw.EndTime, tw.StartTime)
	}
	if end.Sub(from) > maxWindow {
		return from, to, fail(1020, text{"start_time %s to end_time %s is more than 90 days", "start_time %s 至 end_time %s 超过 90 天"}, tw.StartTime, tw.EndTime)
	}
	to = end
	if dateOnly {
		to = end.Add(24*time.Hour - time.Nanosecond)
	} else {
		to = end.Add(time.Second - time.Nanosecond)
	}
	return from, to, nil
}

const (
	layoutDate     = "2006-01-02"
	layoutDateTime = "2006-01-02 15:04:05"
)

func parseListTime(field, v string, loc *time.Location) (time.Time, bool, error) {
	if v == "" {
		return time.Time{}, false, invalid(text{"%s is required (yyyy-MM-dd or yyyy-MM-dd HH:mm:ss)", "%s 不能为空（yyyy-MM-dd 或 yyyy-MM-dd HH:mm:ss）"}, field)
	}
	if t, err := time.ParseInLocation(layoutDate, v, loc); err == nil {
		return t, true, nil
	}
	if t, err := time.ParseInLocation(layoutDateTime, v, loc); err == nil {
		return t, false, nil
	}
	return time.Time{}, false, invalid(text{"%s %q is not yyyy-MM-dd or yyyy-MM-dd HH:mm:ss", "%s %q 不是 yyyy-MM-dd 或 yyyy-MM-dd HH:mm:ss 格式"}, field, v)
}

var utcOffset = regexp.MustCompile(`^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$`)

// zoneOf reads the Timezone header: "UTC+8" (the default), "UTC-05:30",
// "GMT+8", "+08:00", "UTC", or an IANA name like "Asia/Shanghai".
func zoneOf(r *http.Request) (*time.Location, error) {
	v := strings.TrimSpace(r.Header.Get("Timezone"))
	switch strings.ToUpper(v) {
	case "":
		return zoneCN, nil
	case "UTC", "GMT", "Z":
		return time.UTC, nil
	}
	if m := utcOffset.FindStringSubmatch(strings.ToUpper(v)); m != nil {
		h, _ := strconv.Atoi(m[2])
		mins := 0
		if m[3] != "" {
			mins, _ = strconv.Atoi(m[3])
		}
		if h > 14 || mins > 59 {
			return nil, invalid(text{"Timezone %q: offset out of range", "Timezone %q：时区偏移超出范围"}, v)
		}
		off := h*3600 + mins*60
		if m[1] == "-" {
			off = -off
		}
		return time.FixedZone(fmt.Sprintf("UTC%s", v[strings.IndexAny(v, "+-"):]), off), nil
	}
	if loc, err := time.LoadLocation(v); err == nil {
		return loc, nil
	}
	return nil, invalid(text{"Timezone %q: want UTC+8, UTC-05:30 or an IANA name", "Timezone %q：应为 UTC+8、UTC-05:30 或 IANA 时区名"}, v)
}

// only pages a list that a unique filter (card_no, consume_no, …) narrowed
// to at most one row, without scanning: the row, if found, keep accepts it
// and it was created inside [from, to], on page 0 only.
func only[T any](row T, found bool, created func(T) time.Time, from, to time.Time, win core.Window, keep func(T) bool) []T {
	if !found || (keep != nil && !keep(row)) {
		return nil
	}
	if at := created(row); at.Before(from) || at.After(to) {
		return nil
	}
	return core.Paginate([]T{row}, win)
}
