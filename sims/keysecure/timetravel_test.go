package keysecure_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/internal/timetravel"
	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/keysecure"
)

// TestClockJumpEqualsSteps is issue 13's property: from one seed, a random
// flow (cardholders under KYC review, virtual and physical cards being
// issued, funding, purchases, authorizations cleared, reversed, refunded or
// left to expire, freezes, cancellations), then the clock moved
// by D in one jump or in k random steps summing to D, ends in the same
// state and the same callbacks, byte for byte. 200 seeds.
func TestClockJumpEqualsSteps(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 200; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(seed, 3))
			d := time.Duration(1+rng.IntN(45*24)) * time.Hour
			timetravel.Check(t, keysecure.Name, seed, keysecureFlow, d)
		})
	}
}

// keysecureFlow drives KeySecure through its direct helpers, with short
// clock moves between some steps so tasks are scheduled at many times.
func keysecureFlow(f *sims.Fleet, rng *rand.Rand) error {
	ks := f.KeySecure
	var holders []keysecure.Cardholder
	var cards []keysecure.Card
	var auths []string
	for i, n := 0, 5+rng.IntN(20); i < n; i++ {
		switch op := rng.IntN(11); {
		case op == 0 || len(holders) == 0:
			st := []keysecure.CardholderStatus{keysecure.CardholderPending, keysecure.CardholderApproved}[rng.IntN(2)]
			outcome := []string{"", "", "kyc.reject", "kyc.hold"}[rng.IntN(4)]
			h, err := ks.AddCardholder(keysecure.Cardholder{Status: st, Outcome: outcome})
			if err != nil {
				return err
			}
			holders = append(holders, h)
		case op == 1 || len(cards) == 0:
			typ := []keysecure.CardType{keysecure.Virtual, keysecure.Physical}[rng.IntN(2)]
			outcome := []string{"", "", "", "card.fail"}[rng.IntN(4)]
			c, err := ks.AddCard(keysecure.Card{Status: keysecure.StatusPending, Type: typ, Outcome: outcome})
			if err != nil {
				return err
			}
			cards = append(cards, c)
		case op == 2:
			_ = ks.Fund(holders[rng.IntN(len(holders))].ID, fmt.Sprintf("%d.%02d", 1+rng.IntN(500), rng.IntN(100)))
		case op == 3:
			c := cards[rng.IntN(len(cards))]
			if h, ok := ks.Card(c.ID); ok {
				_ = ks.Fund(h.CardholderNo, "50")
			}
			_, _ = ks.Consume(c.ID, fmt.Sprintf("%d.%02d", 1+rng.IntN(40), rng.IntN(100)))
		case op == 4:
			_ = ks.FreezeCard(cards[rng.IntN(len(cards))].ID)
		case op == 5:
			_ = ks.UnfreezeCard(cards[rng.IntN(len(cards))].ID)
		case op == 6:
			_ = ks.CancelCard(cards[rng.IntN(len(cards))].ID)
		case op == 7 || len(auths) == 0:
			c := cards[rng.IntN(len(cards))]
			if h, ok := ks.Card(c.ID); ok {
				_ = ks.Fund(h.CardholderNo, "80")
			}
			a, err := ks.CardEvent(c.ID, authorize(fmt.Sprintf("%d.%02d", 1+rng.IntN(60), rng.IntN(100))))
			if err == nil && a.Status == keysecure.Pending {
				auths = append(auths, a.CardNo+"/"+a.ID)
			}
		case op == 8:
			card, no, _ := strings.Cut(auths[rng.IntN(len(auths))], "/")
			typ := []string{core.EventClear, core.EventReverse, core.EventRefund, core.EventClear}[rng.IntN(4)]
			amount := []string{"", "", "1.25", "70"}[rng.IntN(4)]
			_, _ = ks.CardEvent(card, event(typ, no, amount))
		case op == 9:
			_, _ = ks.Clock.Advance(time.Duration(rng.IntN(72)) * time.Hour)
		default:
			_, _ = ks.Clock.Advance(time.Duration(rng.IntN(180)) * time.Second)
		}
	}
	return nil
}

// TestBooksBalanceOnRandomFlows runs the same random flows, moves the clock
// past every authorization's expiry, and checks the books: money conserved,
// holds matching the authorizations still open.
func TestBooksBalanceOnRandomFlows(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 100; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			f := sims.RunT(t)
			require.NoError(t, keysecureFlow(f, rand.New(rand.NewPCG(seed, 3))))
			f.KeySecure.CheckMoney(t)
			_, err := f.KeySecure.Clock.Advance(8 * 24 * time.Hour)
			require.NoError(t, err)
			f.KeySecure.CheckMoney(t)
			assert.True(t, f.KeySecure.Ledger().Held.IsZero(), "every authorization cleared, reversed or expired")
		})
	}
}
