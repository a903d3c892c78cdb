package bkj

// Parameter checks shared by the handlers. Every failure is a 40000 that
// names the field and what it wants.

import (
	"encoding/json"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/mocksrv/mocksrv/sims/core"
)

var (
	emailPattern   = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	namePattern    = regexp.MustCompile(`^\p{L}[\p{L}\p{M} .'\-]*$`)
	countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)
	digitsPattern  = regexp.MustCompile(`^[0-9]+$`)
	addressChars   = regexp.MustCompile(`^[A-Za-z0-9 ,.#'/()&:;+\-]*$`)
)

// requireString checks a required string field of at most max characters
// (0: no limit).
func requireString(field, v string, max int) error {
	if strings.TrimSpace(v) == "" {
		return invalid(text{"%s is required", "%s 不能为空"}, field)
	}
	return maxLen(field, v, max)
}

func maxLen(field, v string, max int) error {
	if max > 0 && utf8.RuneCountInString(v) > max {
		return invalid(text{"%s is longer than %d characters", "%s 超过 %d 个字符"}, field, max)
	}
	return nil
}

// checkName checks a person's name (at most 32 characters): letters of
// any script with their combining marks, spaces, dots, apostrophes and
// hyphens, starting with a letter — Seán, Zoë, O'Brien, 张伟. bkj publishes no name
// rule (doc.go, "Deviations"), so mocksrv refuses only what is no name.
func checkName(field, v string) error {
	if err := requireString(field, v, 32); err != nil {
		return err
	}
	if !namePattern.MatchString(v) {
		return invalid(text{"%s %q: use letters (any script), spaces, '.', ''' or '-', starting with a letter", "%s %q：请使用字母（任意文字）、空格、'.'、''' 或 '-'，并以字母开头"}, field, v)
	}
	return nil
}

func checkCountry(field, v string) error {
	if !countryPattern.MatchString(v) {
		return invalid(text{"%s must be an ISO 3166-1 alpha-2 code like US, got %q", "%s 必须为 ISO 3166-1 两位国家码（如 US），实际为 %q"}, field, v)
	}
	return nil
}

// check validates an address; prefix names its fields ("card_address.").
func (a Address) check(prefix string) error {
	fields := []struct {
		name, v  string
		required bool
	}{
		{"line1", a.Line1, true}, {"line2", a.Line2, false}, {"city", a.City, true},
		{"state", a.State, true}, {"postCode", a.PostCode, true},
	}
	for _, f := range fields {
		if f.required {
			if err := requireString(prefix+f.name, f.v, 64); err != nil {
				return err
			}
		} else if err := maxLen(prefix+f.name, f.v, 64); err != nil {
			return err
		}
		if !addressChars.MatchString(f.v) {
			return invalid(text{"%s %q: use English letters, digits, spaces or common address symbols", "%s %q：请使用英文字母、数字、空格或常用地址符号"}, prefix+f.name, f.v)
		}
	}
	return checkCountry(prefix+"country", a.Country)
}

// amountField is an amount given as a JSON string ("100.00", as bkj's
// examples send) or number.
type amountField json.RawMessage

// UnmarshalJSON keeps the raw literal.
func (a *amountField) UnmarshalJSON(b []byte) error { *a = append((*a)[:0], b...); return nil }

// parse reads a positive amount with at most places decimals.
func (a amountField) parse(field string, places int) (core.Decimal, error) {
	s := strings.TrimSpace(string(a))
	if s == "" || s == "null" || s == `""` {
		return core.Zero, invalid(text{"%s is required", "%s 不能为空"}, field)
	}
	raw := strings.Trim(s, `"`)
	d, err := core.ParseDecimal(raw)
	if err != nil || d.Sign() <= 0 || d.Places() > places {
		return core.Zero, invalid(text{"%s must be a positive amount with at most %d decimals, got %s", "%s 必须为最多 %d 位小数的正数，实际为 %s"}, field, places, s)
	}
	return d, nil
}
