package uqpay

// Amounts on the wire. UQPay sends some amounts as JSON numbers and others
// as decimal strings; the official SDK v2 decodes each field one way only,
// so every field renders exactly as the SDK reads it (doc.go, "Amounts").

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mocksrv/mocksrv/sims/core"
)

// amount is a request amount as sent: a JSON number (the docs, the SDK's
// float64 fields) or a decimal string (the SDK's spending_controls).
type amount struct {
	set  bool
	text string
}

// UnmarshalJSON keeps the literal text; parse validates it with the field
// name.
func (a *amount) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	a.set = true
	if len(b) > 0 && b[0] == '"' {
		s, err := strconv.Unquote(string(b))
		if err != nil {
			a.text = string(b)
			return nil
		}
		a.text = s
		return nil
	}
	a.text = string(b)
	return nil
}

// parse reads the amount: at most places decimals, and positive when
// positive is set (else not negative).
func (a amount) parse(field string, places int, positive bool) (core.Decimal, error) {
	d, err := core.ParseDecimal(a.text)
	switch {
	case errors.Is(err, core.ErrDecimalRange):
		return d, invalid("%s is out of range (at most %d integer digits), got %s", field, core.MaxDecimalDigits, clip(a.text))
	case err != nil:
		return d, invalid("%s must be a number, got %s", field, clip(a.text))
	case positive && d.Sign() <= 0:
		return d, invalid("%s must be greater than 0, got %s", field, a.text)
	case d.Sign() < 0:
		return d, invalid("%s must not be negative, got %s", field, a.text)
	case d.Places() > places:
		return d, invalid("%s must have at most %d decimal places, got %s", field, places, a.text)
	}
	return d, nil
}

// clip shortens a value quoted in an error message.
func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	cut := 37
	for cut > 0 && !utf8.RuneStart(s[cut]) { // never split a character
		cut--
	}
	return s[:cut] + "..."
}

// jsonNumber is an exact decimal rendered as a JSON number.
type jsonNumber string

// MarshalJSON writes the number's literal text.
func (n jsonNumber) MarshalJSON() ([]byte, error) {
	if n == "" {
		return []byte("0"), nil
	}
	return []byte(n), nil
}

// number renders d as a JSON number with as few digits as it needs
// (card_limit 2100.02, order amount 100.02).
func number(d core.Decimal) jsonNumber { return jsonNumber(d.String()) }

// money renders d as the decimal strings REST answers use ("2000.05",
// "51.00"). Amounts with at most two decimals (all of mocksrv's) skip
// StringFixed's exact rounding, which allocates big integers.
func money(d core.Decimal) string {
	if d.Places() > 2 {
		return d.StringFixed(2)
	}
	s := d.String()
	switch i := strings.IndexByte(s, '.'); {
	case i < 0:
		return s + ".00"
	case len(s)-i == 2:
		return s + "0"
	}
	return s
}

// amountText renders d as webhook amounts are ("1000", "10199.5").
func amountText(d core.Decimal) string { return d.String() }
