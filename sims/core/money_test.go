package core

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecimal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, str, fixed2 string
	}{
		{"1670.6", "1670.6", "1670.60"},
		{"100", "100", "100.00"},
		{"0.00", "0", "0.00"},
		{"-21.2220717", "-21.2220717", "-21.22"},
		{"0.005", "0.005", "0.01"},
		{"-0.005", "-0.005", "-0.01"},
		{"2100.02", "2100.02", "2100.02"},
		{"+7", "7", "7.00"},
		{".5", "0.5", "0.50"},
		{"12.345678900", "12.3456789", "12.35"},
	}
	for _, tt := range tests {
		d, err := ParseDecimal(tt.in)
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.str, d.String(), tt.in)
		assert.Equal(t, tt.fixed2, d.StringFixed(2), tt.in)
	}
	for _, bad := range []string{"", "1e3", "NaN", "1,000", " 1", "1.2.3", "0x10", "1.123456789", "999999999999.1", "-", "."} {
		_, err := ParseDecimal(bad)
		assert.Error(t, err, "%q", bad)
	}
}

// An amount too large for int64 units is refused, never wrapped around.
func TestParseDecimalRange(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"9999999999.99999999", "-9999999999.99999999", "0009999999999"} {
		d, err := ParseDecimal(s)
		require.NoError(t, err, s)
		assert.Equal(t, strings.HasPrefix(s, "-"), d.Sign() < 0, s)
	}
	for _, s := range []string{"10000000000", "99999999999", "99999999999.99999999", "-92233720368.54775808"} {
		_, err := ParseDecimal(s)
		assert.ErrorIs(t, err, ErrDecimalRange, s)
	}
}

func TestDecimalArithmeticIsExact(t *testing.T) {
	t.Parallel()
	sum := Zero
	for i := 0; i < 10; i++ {
		sum = sum.Add(MustDecimal("0.1"))
	}
	assert.Equal(t, "1", sum.String(), "ten dimes make a dollar, unlike float64")
	assert.Equal(t, "1.5", MustDecimal("100").Mul(MustDecimal("1.5")).MulRat(1, 100).String())
	assert.Equal(t, -1, MustDecimal("1").Cmp(MustDecimal("1.00000001")))
	assert.Equal(t, 1, MustDecimal("12.30").Places(), "trailing zeros are not digits it needs")
	assert.Equal(t, 3, MustDecimal("100.001").Places())
	assert.True(t, MustDecimal("-3").Abs().Cmp(MustDecimal("3")) == 0)
}

func TestDecimalJSON(t *testing.T) {
	t.Parallel()
	var v struct {
		A Decimal `json:"a"`
		B Decimal `json:"b"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"a":"1670.60","b":2100.02}`), &v))
	assert.Equal(t, "1670.6", v.A.String())
	assert.Equal(t, "2100.02", v.B.String())
	out, _ := json.Marshal(v)
	assert.JSONEq(t, `{"a":"1670.6","b":"2100.02"}`, string(out))
}

func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"0", "1.5", "-21.2220717", "9999999999.99999999", "99999999999", "1e3", ".", "+.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDecimal(s)
		if err != nil {
			return
		}
		if neg := strings.HasPrefix(s, "-"); d.Sign() < 0 != neg && !d.IsZero() {
			t.Fatalf("%q parsed to %q: the sign changed", s, d.String())
		}
		back, err := ParseDecimal(d.String())
		if err != nil || back.Cmp(d) != 0 {
			t.Fatalf("%q → %q does not round-trip", s, d.String())
		}
	})
}
