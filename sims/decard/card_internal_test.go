package decard

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/core"
)

// TestCardTransitions is the table of block and admin transitions.
func TestCardTransitions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		from         CardStatus
		physical     PhysicalStatus
		verb         string
		want         CardStatus
		wantPhysical PhysicalStatus
		wantCode     string
	}{
		{"freeze normal", CardNormal, PhysicalUnapplied, "freeze", CardFrozen, PhysicalUnapplied, ""},
		{"freeze takes the physical card", CardNormal, PhysicalActive, "freeze", CardFrozen, PhysicalFrozen, ""},
		{"block is freeze", CardNormal, PhysicalInactive, "block", CardFrozen, PhysicalFrozen, ""},
		{"freeze frozen", CardFrozen, PhysicalFrozen, "freeze", CardFrozen, PhysicalFrozen, "CARD_FROZEN_STATUS_UNSUPPORTED"},
		{"freeze inactive", CardInactive, PhysicalInactive, "freeze", CardInactive, PhysicalInactive, "CARD_CARD_INACTIVE"},
		{"freeze cancelled", CardCancelled, PhysicalUnapplied, "freeze", CardCancelled, PhysicalUnapplied, "CARD_TXN_1122020016"},
		{"unfreeze frozen", CardFrozen, PhysicalUnapplied, "unfreeze", CardNormal, PhysicalUnapplied, ""},
		{"unfreeze normal", CardNormal, PhysicalUnapplied, "unfreeze", CardNormal, PhysicalUnapplied, "CARD_FROZEN_STATUS_UNSUPPORTED"},
		{"unfreeze cancelled", CardCancelled, PhysicalCancelled, "unfreeze", CardCancelled, PhysicalCancelled, "CARD_TXN_1122020016"},
		{"activate inactive", CardInactive, PhysicalInactive, "activate", CardNormal, PhysicalActive, ""},
		{"activate normal", CardNormal, PhysicalUnapplied, "activate", CardNormal, PhysicalUnapplied, "CARD_UNSUPPORTED_CARD_STATUS_ACTIVE"},
		{"cancel normal", CardNormal, PhysicalActive, "cancel", CardCancelled, PhysicalCancelled, ""},
		{"expire frozen", CardFrozen, PhysicalUnapplied, "expire", CardCancelled, PhysicalUnapplied, ""},
		{"cancel cancelled", CardCancelled, PhysicalUnapplied, "cancel", CardCancelled, PhysicalUnapplied, "CARD_TXN_1122020016"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := New(WithSeed(1), WithClock(core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))))
			require.NoError(t, err)
			c, err := s.AddCard(NewCard{Status: tt.from, Physical: tt.physical})
			require.NoError(t, err)
			err = s.act(c.ID, tt.verb)
			if tt.wantCode != "" {
				require.Error(t, err)
				assert.Equal(t, tt.wantCode, core.AsError(err).Code)
			} else {
				require.NoError(t, err)
			}
			got, _ := s.Card(c.ID)
			assert.Equal(t, tt.want, got.Status)
			assert.Equal(t, tt.wantPhysical, got.Physical)
		})
	}
}

// TestUnfreezeRestoresThePhysicalStatus: a frozen physical card comes back
// as it was.
func TestUnfreezeRestoresThePhysicalStatus(t *testing.T) {
	t.Parallel()
	s, err := New(WithSeed(1))
	require.NoError(t, err)
	c, err := s.AddCard(NewCard{Physical: PhysicalInactive})
	require.NoError(t, err)
	require.NoError(t, s.FreezeCard(c.ID))
	require.NoError(t, s.UnfreezeCard(c.ID))
	got, _ := s.Card(c.ID)
	assert.Equal(t, PhysicalInactive, got.Physical)
}

// TestStatementCycles pins the cycle arithmetic: the 2nd to the 1st.
func TestStatementCycles(t *testing.T) {
	t.Parallel()
	s, err := New(WithSeed(1))
	require.NoError(t, err)
	w := s.worlds.Default()
	d := func(y int, m time.Month, day, h int) time.Time { return time.Date(y, m, day, h, 0, 0, 0, time.UTC) }
	tests := []struct {
		at, wantStart, wantDate time.Time
	}{
		{d(2026, 1, 1, 12), d(2025, 12, 2, 0), d(2026, 1, 1, 0)},
		{d(2026, 1, 2, 0), d(2026, 1, 2, 0), d(2026, 2, 1, 0)},
		{d(2026, 2, 28, 23), d(2026, 2, 2, 0), d(2026, 3, 1, 0)},
		{d(2026, 12, 31, 0), d(2026, 12, 2, 0), d(2027, 1, 1, 0)},
	}
	for _, tt := range tests {
		start := w.cycleStart(tt.at)
		assert.Equal(t, tt.wantStart, start, "start of %s", tt.at)
		assert.Equal(t, tt.wantDate, w.statementDate(start), "statement date of %s", tt.at)
	}
}

// TestSpendPlan: USD first, then stablecoins, then SGD at the rate.
func TestSpendPlan(t *testing.T) {
	t.Parallel()
	s, err := New(WithSeed(1))
	require.NoError(t, err)
	u, err := s.AddUser(NewUser{Balances: map[string]string{"USD": "1", "USDC": "2", "SGD": "13.5"}})
	require.NoError(t, err)
	w := s.worlds.Lock(s.worlds.Default())
	defer w.Unlock()
	plan, ok := w.planSpendLocked(u.ID, core.MustDecimal("8"))
	require.True(t, ok)
	got := []string{}
	for _, d := range plan {
		got = append(got, d.asset+" "+d.units.String()+"="+d.usd.String())
	}
	assert.Equal(t, []string{"USD 1=1", "USDC 2=2", "SGD 6.75=5"}, got)
	_, ok = w.planSpendLocked(u.ID, core.MustDecimal("13.01"))
	assert.False(t, ok, "13 USD is all there is")
}
