package uqpay_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/internal/timetravel"
	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// TestClockJumpEqualsSteps is issue 13's property: from one seed, a random
// flow (cardholders under KYC review, virtual, physical and one-time cards
// being issued, frozen, blocked and cancelled, recharges and withdrawals,
// authorizations, reversals and settlements, deposits, transfers and
// reports), then the clock moved by D in one jump or in k random steps
// summing to D, ends in the same state and the same webhooks, byte for
// byte. 200 seeds.
func TestClockJumpEqualsSteps(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 200; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(seed, 3))
			d := time.Duration(1+rng.IntN(45*24)) * time.Hour
			timetravel.Check(t, uqpay.Name, seed, uqpayFlow, d)
		})
	}
}

// pick returns a random element of xs, or the zero value for none.
func pick[T any](rng *rand.Rand, xs []T) (T, bool) {
	var zero T
	if len(xs) == 0 {
		return zero, false
	}
	return xs[rng.IntN(len(xs))], true
}

// uqpayFlow drives UQPay through its direct helpers, which run the same
// model code as the API, with short clock moves between some steps so
// tasks are scheduled at many times. Refusals (a card in the wrong status,
// too little money) are part of the flow and ignored.
func uqpayFlow(f *sims.Fleet, rng *rand.Rand) error {
	s := f.UQPay
	sub, err := s.AddSubAccount("Team Travel")
	if err != nil {
		return err
	}
	var holders []string
	var cards, txns []string
	money := func() string { return fmt.Sprintf("%d.%02d", 1+rng.IntN(300), rng.IntN(100)) }
	newHolder := func() error {
		st := []uqpay.CardholderStatus{"", "", uqpay.CardholderPending}[rng.IntN(3)]
		outcome := []string{"", "", "", "kyc.pending", "kyc.reject", "kyc.hold", "kyc.fail", "kyc.incomplete"}[rng.IntN(8)]
		if st == uqpay.CardholderPending && (outcome == "kyc.fail" || outcome == "kyc.incomplete") {
			outcome = ""
		}
		h, err := s.AddCardholder(uqpay.Cardholder{Status: st, Outcome: outcome})
		if err != nil {
			return err
		}
		holders = append(holders, h.ID)
		return nil
	}
	newCard := func() error {
		holder, _ := pick(rng, holders)
		c := uqpay.Card{CardholderID: holder, Status: uqpay.StatusPending}
		switch rng.IntN(5) {
		case 0:
			c.ProductID = uqpay.ProductShare
		case 1:
			c.FormFactor = uqpay.Physical
		case 2:
			at := core.TestEpoch.Add(time.Duration(1+rng.IntN(40*24)) * time.Hour)
			c.ProductID, c.Usage, c.ExpiryAt = uqpay.ProductShare, uqpay.UsageOneTime, &at
			c.AutoCancel = []string{uqpay.OnAuth, uqpay.OnCapture}[rng.IntN(2)]
		case 3:
			c.Status, c.Balance = uqpay.StatusActive, core.MustDecimal(money())
		}
		made, err := s.AddCard(c)
		if err != nil {
			return err
		}
		cards = append(cards, made.ID)
		return nil
	}
	if err := newHolder(); err != nil {
		return err
	}
	if err := newCard(); err != nil {
		return err
	}
	for i, n := 0, 5+rng.IntN(20); i < n; i++ {
		card, _ := pick(rng, cards)
		switch op := rng.IntN(16); op {
		case 0:
			if err := newHolder(); err != nil {
				return err
			}
		case 1, 2:
			if err := newCard(); err != nil {
				return err
			}
		case 3:
			to := []uqpay.CardStatus{uqpay.StatusActive, uqpay.StatusFrozen, uqpay.StatusCancelled}[rng.IntN(3)]
			_, _ = s.ChangeCardStatus(card, to, "flow")
		case 4:
			_ = []func(string) error{s.FreezeCard, s.UnfreezeCard, s.BlockCard, s.CancelCard, s.ActivateCard}[rng.IntN(5)](card)
		case 5:
			_, _ = s.RechargeCard(card, money())
		case 6:
			_, _ = s.WithdrawCard(card, fmt.Sprintf("%d", 1+rng.IntN(20)))
		case 7, 8:
			merchant := []string{"Coffee Lab", "Grab", "mocksrv:decline-funds"}[rng.IntN(3)]
			if t, err := s.Authorize(card, money(), merchant); err == nil {
				txns = append(txns, t.ID)
			}
		case 9:
			if id, ok := pick(rng, txns); ok {
				_, _ = s.Reverse(id)
			}
		case 10:
			acct := []string{"", sub.ID}[rng.IntN(2)]
			_, _ = s.SimulateDeposit(acct, []string{"USD", "SGD"}[rng.IntN(2)], money())
		case 11:
			if rng.IntN(2) == 0 {
				_, _ = s.Transfer("", sub.ID, "USD", money())
			} else {
				_, _ = s.Transfer(sub.ID, "", "USD", money())
			}
		case 12:
			now := s.Clock.Now()
			_, _ = s.CreateReport("", []string{uqpay.ReportLedger, uqpay.ReportSettlement}[rng.IntN(2)], now.Add(-time.Hour), now)
		case 13:
			if h, ok := pick(rng, holders); ok {
				_ = s.DecideKYC(h, rng.IntN(2) == 0)
			}
		default:
			step := time.Duration(rng.IntN(180)) * time.Second
			if op == 15 {
				step = time.Duration(rng.IntN(48)) * time.Hour
			}
			if _, err := f.MoveClock(core.DefaultTenant, sims.ClockRequest{Advance: step.String()}); err != nil {
				return err
			}
		}
	}
	return nil
}

// TestCancelThenJumpAMonth is the case, through the SDK mirror:
// cancelling a card is a status order (2 s), then PRE_CANCEL, then
// CANCELLED 30 days later. One jump of 31 days ends CANCELLED, with every
// time stamped when it was due — the order's complete_time, both status
// webhooks' update_time, the refund's balance row — and the webhooks
// queued in that order at those times.
func TestCancelThenJumpAMonth(t *testing.T) {
	t.Parallel()
	f := newFixture(t, uqpay.WithOrderDelay(2*time.Second))
	card := f.card(f.holder("jump@example.com"), uqpay.ProductSingle, 100)
	f.events() // card.create.succeeded
	start := f.s.Clock.Now()
	at := func(d time.Duration) string {
		return start.Add(d).In(time.FixedZone("UTC+8", 8*3600)).Format(time.RFC3339)
	}
	r, err := f.sdk.UpdateCardStatus(f.ctx, card, &UpdateCardStatusRequest{CardStatus: "CANCELLED"})
	require.NoError(t, err)
	assert.Equal(t, "PENDING", r.OrderStatus)

	_, err = f.s.Clock.Advance(31 * 24 * time.Hour)
	require.NoError(t, err)
	f.s.CheckCardStatus(t, card, uqpay.StatusCancelled)
	o, err := f.sdk.GetOrder(f.ctx, r.CardOrderID)
	require.NoError(t, err)
	assert.Equal(t, "SUCCESS", o.OrderStatus)
	assert.Equal(t, at(2*time.Second), o.CompleteTime, "the order completed when it was due, not at the end of the jump")
	assert.Equal(t, at(2*time.Second), o.UpdateTime)

	evs := byType(f.events(), "card.status.update.succeeded")
	require.Len(t, evs, 2)
	var stamps []string
	for _, e := range evs {
		d, err := e.ParseCardStatusUpdateData()
		require.NoError(t, err)
		stamps = append(stamps, d.CardStatus+" "+d.UpdateTime)
	}
	cancelledAt := 2*time.Second + 30*24*time.Hour
	assert.Equal(t, []string{"PRE_CANCEL " + at(2*time.Second), "CANCELLED " + at(cancelledAt)}, stamps)
	var created []time.Time
	for _, d := range f.s.Deliveries() {
		if d.Event == "card.status.update.succeeded" {
			created = append(created, d.Created)
		}
	}
	assert.Equal(t, []time.Time{start.Add(2 * time.Second), start.Add(cancelledAt)}, created, "queued at their due times, in order")

	rows, err := f.sdk.ListBalanceTransactions(f.ctx, 10, 1, "", "")
	require.NoError(t, err)
	require.NotEmpty(t, rows.Data)
	refund := rows.Data[0]
	assert.Equal(t, "CARD_WITHDRAW", refund.TransactionType, "newest first: the refund of the cancelled card")
	assert.Equal(t, at(cancelledAt), refund.CreateTime)
	assert.Equal(t, at(cancelledAt), refund.CompleteTime)
	f.s.CheckBalance(t, "USD", "100000")
	f.s.CheckLedger(t)
}
