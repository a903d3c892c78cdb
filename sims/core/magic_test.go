package core

import (
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMagicMatchesExactReservedValuesOnly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		m    Magic
		yes  []string
		nope []string
	}{
		{Magic{Kind: MagicEmail, Value: "kyc.refuse@mocksrv.test"},
			[]string{"kyc.refuse@mocksrv.test", "KYC.Refuse@MOCKSRV.test", "kyc.refuse+7@mocksrv.test", " kyc.refuse@mocksrv.test "},
			[]string{"kyc.refuse@mocksrv.test.com", "kyc.refuse@gmail.com", "x.kyc.refuse@mocksrv.test", "kyc.refused@mocksrv.test", "reject@corp.com", ""}},
		{Magic{Kind: MagicText, Value: "mocksrv:decline"},
			[]string{"mocksrv:decline", "mocksrv:decline:card-7"},
			[]string{"Decline test", "mocksrv:declined", "MOCKSRV:DECLINE", " mocksrv:decline", "merchant mocksrv:decline", ""}},
		{Magic{Kind: MagicPhone, Value: "+447700900001"},
			[]string{"+447700900001", "+44 7700 900001", "44-7700-900-001", "(44) 7700.900001"},
			[]string{"+447700900002", "+6588880000", "447700900001x", ""}},
		{Magic{Kind: MagicAmount, Value: "9999.51"},
			[]string{"9999.51", "9999.510", " 9999.51"},
			[]string{"9999.5", "99.51", "51", "abc", ""}},
	}
	for _, tt := range tests {
		for _, v := range tt.yes {
			assert.True(t, tt.m.Matches(v), "%q should match %q", v, tt.m.Value)
		}
		for _, v := range tt.nope {
			assert.False(t, tt.m.Matches(v), "%q must not match %q", v, tt.m.Value)
		}
	}
}

func TestAnnounceNamesTheRuleOnce(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest("POST", "/x", nil)
	call := &Call{}
	r = r.WithContext(WithCall(r.Context(), call))
	ms := Magics{{Rule: "kyc.refuse", Field: "email", Kind: MagicEmail, Value: "kyc.refuse@mocksrv.test"}}
	m, ok := ms.Find("email", "kyc.refuse+1@mocksrv.test")
	assert.True(t, ok)
	_, ok = ms.Find("label", "kyc.refuse@mocksrv.test")
	assert.False(t, ok, "a rule fires only on its field")
	Announce(r, m)
	Announce(r, m)
	assert.Equal(t, []string{"kyc.refuse"}, call.Outcomes)
	Announce(nil, m) // outside a request: nothing to do
	assert.Panics(t, func() { ms.Rule("nope") })
}
