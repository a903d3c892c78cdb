package core

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// Decimal is an exact decimal amount with up to 8 fractional digits,
// stored as a count of 10⁻⁸ units. Money never touches floating point:
// amounts parse from the request's literal text and render exactly, in
// whatever form the provider uses ("1670.6", "100.00", 2100.02, "2000USD").
// Parsed amounts hold at most MaxDecimalDigits integer digits (under ten
// billion), far beyond any sandbox balance and small enough that sums of
// many such amounts stay inside int64; larger literals are refused with
// ErrDecimalRange rather than wrapping around.
type Decimal struct{ units int64 }

// DecimalScale is the number of fractional digits a Decimal keeps.
const DecimalScale = 8

const unit = 100_000_000 // 10^DecimalScale

// MaxDecimalDigits is the most integer digits ParseDecimal accepts.
const MaxDecimalDigits = 10

// ErrDecimalRange is returned for amounts too large or too precise to hold.
var ErrDecimalRange = errors.New("amount out of range")

// Zero is the zero amount.
var Zero = Decimal{}

// ParseDecimal reads a plain decimal literal: optional sign, digits,
// optional point and up to 8 fractional digits. Exponents, spaces,
// thousands separators, NaN and infinities are refused.
func ParseDecimal(s string) (Decimal, error) {
	orig := s
	if s == "" {
		return Decimal{}, fmt.Errorf("amount %q: empty", orig)
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	intPart, frac, hasPoint := strings.Cut(s, ".")
	if intPart == "" && frac == "" || hasPoint && frac == "" && intPart == "" {
		return Decimal{}, fmt.Errorf("amount %q: not a number", orig)
	}
	for _, p := range []string{intPart, frac} {
		for i := 0; i < len(p); i++ {
			if p[i] < '0' || p[i] > '9' {
				return Decimal{}, fmt.Errorf("amount %q: not a plain decimal number", orig)
			}
		}
	}
	if len(frac) > DecimalScale {
		if strings.TrimRight(frac[DecimalScale:], "0") != "" {
			return Decimal{}, fmt.Errorf("amount %q: more than %d decimal places: %w", orig, DecimalScale, ErrDecimalRange)
		}
		frac = frac[:DecimalScale]
	}
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart) > MaxDecimalDigits {
		return Decimal{}, fmt.Errorf("amount %q: more than %d integer digits: %w", orig, MaxDecimalDigits, ErrDecimalRange)
	}
	var whole, fr int64
	if intPart != "" {
		whole, _ = strconv.ParseInt(intPart, 10, 64)
	}
	if frac != "" {
		fr, _ = strconv.ParseInt(frac+strings.Repeat("0", DecimalScale-len(frac)), 10, 64)
	}
	v := whole*unit + fr
	if neg {
		v = -v
	}
	return Decimal{v}, nil
}

// MustDecimal is ParseDecimal for literals in code; it panics on error.
func MustDecimal(s string) Decimal {
	d, err := ParseDecimal(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DecimalFromInt returns the whole amount n.
func DecimalFromInt(n int64) Decimal { return Decimal{n * unit} }

// DecimalFromCents returns n hundredths.
func DecimalFromCents(n int64) Decimal { return Decimal{n * (unit / 100)} }

// Add returns d+o.
func (d Decimal) Add(o Decimal) Decimal { return Decimal{d.units + o.units} }

// Sub returns d-o.
func (d Decimal) Sub(o Decimal) Decimal { return Decimal{d.units - o.units} }

// Neg returns -d.
func (d Decimal) Neg() Decimal { return Decimal{-d.units} }

// Abs returns |d|.
func (d Decimal) Abs() Decimal {
	if d.units < 0 {
		return d.Neg()
	}
	return d
}

// Cmp compares d and o: -1, 0 or +1.
func (d Decimal) Cmp(o Decimal) int {
	switch {
	case d.units < o.units:
		return -1
	case d.units > o.units:
		return 1
	}
	return 0
}

// Sign returns -1, 0 or +1.
func (d Decimal) Sign() int { return d.Cmp(Zero) }

// IsZero reports whether d is zero.
func (d Decimal) IsZero() bool { return d.units == 0 }

// LessThan reports d < o.
func (d Decimal) LessThan(o Decimal) bool { return d.units < o.units }

// Mul returns d×o rounded half away from zero to 8 places.
func (d Decimal) Mul(o Decimal) Decimal {
	p := new(big.Int).Mul(big.NewInt(d.units), big.NewInt(o.units))
	return Decimal{roundDiv(p, big.NewInt(unit))}
}

// MulRat returns d×num/den rounded half away from zero to 8 places (an FX
// rate or a fee percentage given as a fraction).
func (d Decimal) MulRat(num, den int64) Decimal {
	p := new(big.Int).Mul(big.NewInt(d.units), big.NewInt(num))
	return Decimal{roundDiv(p, big.NewInt(den))}
}

func roundDiv(n, d *big.Int) int64 {
	q, r := new(big.Int).QuoRem(n, d, new(big.Int))
	if new(big.Int).Mul(new(big.Int).Abs(r), big.NewInt(2)).Cmp(new(big.Int).Abs(d)) >= 0 {
		if n.Sign()*d.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q.Int64()
}

// Round returns d rounded half away from zero to places fractional digits.
func (d Decimal) Round(places int) Decimal {
	if places >= DecimalScale {
		return d
	}
	step := int64(1)
	for i := places; i < DecimalScale; i++ {
		step *= 10
	}
	return Decimal{roundDiv(big.NewInt(d.units), big.NewInt(step)) * step}
}

// Places returns how many fractional digits d needs.
func (d Decimal) Places() int {
	f := d.units % unit
	if f < 0 {
		f = -f
	}
	if f == 0 {
		return 0
	}
	n := DecimalScale
	for f%10 == 0 {
		f /= 10
		n--
	}
	return n
}

// String renders d with as few fractional digits as it needs: "1670.6",
// "0", "-21.2220717".
func (d Decimal) String() string { return d.format(-1) }

// StringFixed renders d with exactly places fractional digits, rounding
// half away from zero: StringFixed(2) of 100 is "100.00".
func (d Decimal) StringFixed(places int) string { return d.Round(places).format(places) }

func (d Decimal) format(places int) string {
	u := d.units
	sign := ""
	if u < 0 {
		sign, u = "-", -u
	}
	whole, frac := u/unit, u%unit
	fs := fmt.Sprintf("%08d", frac)
	if places < 0 {
		fs = strings.TrimRight(fs, "0")
	} else {
		fs = fs[:min(places, DecimalScale)] + strings.Repeat("0", max(places-DecimalScale, 0))
	}
	if fs == "" {
		if whole == 0 {
			sign = ""
		}
		return sign + strconv.FormatInt(whole, 10)
	}
	return sign + strconv.FormatInt(whole, 10) + "." + fs
}

// Float64 returns an approximation, for display and metrics only.
func (d Decimal) Float64() float64 { return float64(d.units) / unit }

// MarshalJSON renders d as a JSON string, the lossless form snapshots use.
// Provider wire types choose their own rendering explicitly.
func (d Decimal) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(d.String())), nil }

// UnmarshalJSON accepts a JSON string or number literal, read exactly.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if uq, err := strconv.Unquote(s); err == nil {
		s = uq
	}
	v, err := ParseDecimal(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
