package decard

// Paging — DeCard pages every list differently (providers.md §4.4). All of
// it is here.

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/mocksrv/mocksrv/sims/core"
)

// pageRule is one endpoint's paging convention.
type pageRule struct {
	size string // the page-size parameter: "rows" or "size"
	def  int    // its default
	max  int    // its maximum
}

// Quirk: every DeCard list is 1-based (page defaults to 1), but the
// page-size parameter's name, default and home differ per endpoint:
var (
	// statements and statements/detail: GET page/rows, rows default 100 in
	// [1,100], data is a bare array with no total.
	pageStatements = pageRule{"rows", 100, 100}
	// fiat/transactions: GET page/rows, but rows defaults to 20.
	pageFiat = pageRule{"rows", 20, 100}
	// transfer-query: GET page/rows, rows default 100, bare array.
	pageTransfers = pageRule{"rows", 100, 100}
	// card/v1/transactions: POST body page/size, size default 100 in
	// [1,100], and data is {total, rows} — the only list with a total.
	pageCardTxns = pageRule{"size", 100, 100}
	// user-asset/v1/transactions: POST body page/size, size default 100 in
	// [1,100], bare array.
	pageAssetTxns = pageRule{"size", 100, 100}
)

// maxPage is the last page number that can hold rows: any page past it
// starts beyond every table and is empty.
const maxPage = 1_000_000

// window turns a 1-based page and a page size into a core.Window,
// answering ACCOUNT_INVALID_PARAMETER out of range.
//
// Any integer is a page number: one below 1 is the range error, one past
// the rows (however large — 1000000000000000000, or beyond an int) an
// empty page, as a page past the end is.
func (p pageRule) window(page, size flexInt) (core.Window, error) {
	pg, sz := 1, p.def
	if page.set {
		pg = page.v
	}
	if size.set {
		sz = size.v
	}
	if pg < 1 {
		return core.Window{}, invalid("page must be 1 or more (pages start at 1), got %s", page.text())
	}
	if sz < 1 || sz > p.max {
		return core.Window{}, invalid("%s must be between 1 and %d, got %s", p.size, p.max, size.text())
	}
	if pg > maxPage {
		return core.Window{Offset: math.MaxInt, Limit: sz}, nil
	}
	return core.PageWindow(pg-1, sz), nil
}

// fromQuery reads page and the page-size parameter from a GET query.
func (p pageRule) fromQuery(r *http.Request) (core.Window, error) {
	q := r.URL.Query()
	page, err := queryInt(q.Get("page"), "page")
	if err != nil {
		return core.Window{}, err
	}
	size, err := queryInt(q.Get(p.size), p.size)
	if err != nil {
		return core.Window{}, err
	}
	return p.window(page, size)
}

// queryInt reads an integer query parameter; "" leaves it unset.
func queryInt(v, name string) (flexInt, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return flexInt{}, nil
	}
	n, ok := parseInt(v)
	if !ok {
		return flexInt{}, invalid("%s must be an integer, got %q", name, v)
	}
	return flexInt{v: n, set: true, raw: v}, nil
}

// parseInt reads a decimal integer. One too large for an int is clamped
// to the int's range (the sign kept), so a huge page number is a page past
// the end and a huge size out of range, never a malformed number.
func parseInt(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	if err == nil {
		return n, true
	}
	if !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	if strings.HasPrefix(s, "-") {
		return math.MinInt, true
	}
	return math.MaxInt, true
}

// flexInt is an integer request field that arrives as a JSON number (the
// Java connector) or a numeric string (the Postman collection: "page":"1").
type flexInt struct {
	v   int
	set bool
	raw string // as sent, for messages (v is clamped when it overflows)
}

// text is the value as sent.
func (f flexInt) text() string {
	if f.raw != "" {
		return f.raw
	}
	return strconv.Itoa(f.v)
}

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		return nil
	}
	if uq, err := strconv.Unquote(s); err == nil {
		s = strings.TrimSpace(uq)
		if s == "" {
			return nil
		}
	}
	n, ok := parseInt(s)
	if !ok {
		return typeError(b, reflect.TypeFor[int]())
	}
	f.v, f.set, f.raw = n, true, s
	return nil
}

// typeError reports a request field of the wrong type. encoding/json fills
// in the field's path (it does so only for an *UnmarshalTypeError), so the
// message names it: "field page: want a number, got \"x\"".
func typeError(b []byte, want reflect.Type) error {
	return &json.UnmarshalTypeError{Value: string(b), Type: want}
}

// MarshalJSON implements json.Marshaler.
func (f flexInt) MarshalJSON() ([]byte, error) {
	if !f.set {
		return []byte("null"), nil
	}
	return []byte(strconv.Itoa(f.v)), nil
}

// flexString is a string request field that may arrive as a JSON number
// (the connector sends categoryId and tranId as Longs).
type flexString string

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexString) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flexString(s)
		return nil
	}
	var n json.Number
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	if err := d.Decode(&n); err != nil {
		if strings.TrimSpace(string(b)) == "null" {
			return nil
		}
		return typeError(b, reflect.TypeFor[string]())
	}
	*f = flexString(n.String())
	return nil
}

// bodyWindow reads the page and size of a POST list body. The request
// structs declare both fields themselves rather than embedding a shared
// struct: encoding/json would name an embedded struct in its error paths
// ("bodyPage.size").
func (p pageRule) bodyWindow(page, size flexInt) (core.Window, error) {
	return p.window(page, size)
}

// listOf returns items, never nil, so an empty page renders as [].
func listOf[T any](items []T) []T {
	if items == nil {
		return []T{}
	}
	return items
}

// cardTxnPage is the data of POST /card/v1/transactions.
type cardTxnPage struct {
	Total int           `json:"total"`
	Rows  []cardTxnJSON `json:"rows"`
}

// cursorRule is a cursor-paged list's page-size parameter.
type cursorRule struct {
	size string // its name
	def  int    // its default
	max  int    // its maximum
}

// Quirk: the lists DeCard added with QR pay and financial connection page
// by cursor, not page number, and each its own way:
var (
	// qrpay/v1/order-list: GET cursorOrderId (the last orderId of the
	// previous page; none starts at the newest order) and limit (default
	// 10, 1–100); data is a bare array, newest first.
	pageQROrders = cursorRule{"limit", 10, 100}
	// financial-connection/v1/query-tran-list: POST body cursor ("" or
	// absent starts at the newest row) and pageSize (default 10, 1–100);
	// data is {cursor, tranList}, cursor "" after the last page.
	pageFCTrans = cursorRule{"pageSize", 10, 100}
)

// limit checks a page size, answering ACCOUNT_INVALID_PARAMETER out of
// range (any integer, however large or small).
//
// A cursor (cursorOrderId, cursor) is an id the list returned: any other
// value — a huge or negative number among them — is the same range error,
// naming it (qrpay_handlers.go, fincon_handlers.go).
func (p cursorRule) limit(n flexInt) (int, error) {
	if !n.set {
		return p.def, nil
	}
	if n.v < 1 || n.v > p.max {
		return 0, invalid("%s must be between 1 and %d, got %s", p.size, p.max, n.text())
	}
	return n.v, nil
}
