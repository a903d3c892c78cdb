package core

import (
	"encoding/binary"
	"math/rand/v2"
	"strings"

	"github.com/brianvoe/gofakeit/v7"
)

// Faker is a seeded gofakeit faker whose random state can be saved and
// restored, so a snapshot resumes the same sequence of fake data. Same seed,
// same data, byte for byte. A Faker is not safe for concurrent use; the
// provider world that owns it guards it.
type Faker struct {
	*gofakeit.Faker
	src *rand.PCG
}

// NewFaker returns a faker seeded with seed.
func NewFaker(seed uint64) *Faker {
	src := rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)
	return &Faker{Faker: gofakeit.NewFaker(src, false), src: src}
}

// MarshalBinary saves the random state.
func (f *Faker) MarshalBinary() ([]byte, error) { return f.src.MarshalBinary() }

// UnmarshalBinary restores a saved random state.
func (f *Faker) UnmarshalBinary(b []byte) error { return f.src.UnmarshalBinary(b) }

// Digits returns n random decimal digits.
func (f *Faker) Digits(n int) string {
	var b strings.Builder
	b.Grow(n)
	for i := 0; i < n; i++ {
		b.WriteByte(byte('0' + f.IntN(10)))
	}
	return b.String()
}

// HexID returns n random bytes as lowercase hex.
func (f *Faker) HexID(n int) string {
	const hexdigits = "0123456789abcdef"
	var b strings.Builder
	b.Grow(2 * n)
	var buf [8]byte
	for i := 0; i < n; i += 8 {
		binary.LittleEndian.PutUint64(buf[:], f.Uint64())
		for _, c := range buf[:min(8, n-i)] {
			b.WriteByte(hexdigits[c>>4])
			b.WriteByte(hexdigits[c&0xf])
		}
	}
	return b.String()
}

// PAN returns a card number of the given length that starts with bin and
// ends in a valid Luhn check digit.
func (f *Faker) PAN(bin string, length int) string {
	body := bin + f.Digits(max(length-len(bin)-1, 0))
	return body + string(rune('0'+LuhnDigit(body)))
}

// LuhnDigit returns the check digit that makes digits+check Luhn-valid.
func LuhnDigit(digits string) int {
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-1-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return (10 - sum%10) % 10
}

// LuhnValid reports whether a card number passes the Luhn check.
func LuhnValid(pan string) bool {
	if len(pan) < 2 {
		return false
	}
	for i := 0; i < len(pan); i++ {
		if pan[i] < '0' || pan[i] > '9' {
			return false
		}
	}
	return LuhnDigit(pan[:len(pan)-1]) == int(pan[len(pan)-1]-'0')
}

// Mask returns pan with all but the last keep digits replaced by '*'.
func Mask(pan string, keep int) string {
	if len(pan) <= keep {
		return pan
	}
	return strings.Repeat("*", len(pan)-keep) + pan[len(pan)-keep:]
}
