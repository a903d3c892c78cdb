package bkj_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/internal/timetravel"
	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/bkj"
	"github.com/mocksrv/mocksrv/sims/core"
)

// TestClockJumpEqualsSteps is issue 13's property: from one seed, a random
// flow — users under KYC review (approved, rejected and held by their
// emails, decided by the platform), virtual and physical cards through
// their asynchronous steps (opening, pre_producing, producing, shipping,
// processing, physical activation and its review, failed applications),
// freezes and unfreezes with their delays, cancellations and deletions,
// wallet deposits, withdrawals (settled, rejected, held, cancelled),
// internal transfers and transfers to cards, purchases (through the
// sandbox endpoint and card events) with their clearing for the same or
// another amount, declines (by magic value and by reason), full and
// partial reversals, expiries and refunds — then the clock moved by D in
// one jump or in k random steps summing to D, ends in the same state and
// the same webhooks, byte for byte. 200 seeds, bkj's realistic delays.
func TestClockJumpEqualsSteps(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 200; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(seed, 3))
			d := time.Duration(1+rng.IntN(10*24*60)) * time.Minute // up to 10 days: a physical card's whole journey fits
			timetravel.Check(t, bkj.Name, seed, bkjFlow, d)
		})
	}
}

// handlerTransport serves requests with a handler in-process.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// flowUser is a user of the flow with its wallets; flowCard a card with
// its owner; flowTx a purchase with its card.
type (
	flowUser struct{ id, usdt, usdc string }
	flowCard struct {
		id    string
		owner flowUser
	}
	flowTx struct{ id, card string }
)

// bkjFlow drives bkj at random: the API over HTTP (in-process, signed like
// any client) where bkj's own calls start a step, the direct helpers and
// admin API where only the platform acts (deposits, funded cards, KYC
// decisions, blocks and cancellations), with short and long clock moves
// between some steps so tasks are scheduled at many times. Refusals (a
// card in the wrong status, too little money) are part of the flow and
// ignored.
func bkjFlow(f *sims.Fleet, rng *rand.Rand) error {
	s := f.BKJ
	c := bkj.NewClient("http://mocksrv.test", s.APIKey(), s.Secret())
	c.HTTP = &http.Client{Transport: handlerTransport{f.Handler()}}
	var failed error
	call := func(method, path string, body, out any) bool {
		if failed != nil {
			return false
		}
		resp, err := c.Send(context.Background(), bkj.Request{Method: method, Path: "/openapi/v1" + path, Body: body})
		switch {
		case err != nil:
			failed = err
			return false
		case resp.Status != http.StatusOK:
			failed = fmt.Errorf("%s %s: HTTP %d %s", method, path, resp.Status, resp.Body)
			return false
		case resp.Code >= 50000:
			failed = fmt.Errorf("%s %s: %d %s", method, path, resp.Code, resp.Message)
			return false
		case resp.Code != 0 || out == nil:
			return resp.Code == 0
		}
		if err := resp.Decode(out); err != nil {
			failed = err
			return false
		}
		return true
	}
	var (
		users, approvedUsers []flowUser
		cards, physical      []flowCard
		frozen               []flowCard // freezes asked for: unfreeze picks among them
		txns                 []flowTx
		withdrawals          []string
	)
	type idOf struct {
		ID string `json:"id"`
	}
	money := func(max int) string { return fmt.Sprintf("%d.%02d", 1+rng.IntN(max), rng.IntN(100)) }
	newApproved := func() error {
		made, err := s.AddUser(bkj.User{})
		if err != nil {
			return err
		}
		usdt, _ := s.Wallet(made.ID, "USDT")
		usdc, _ := s.Wallet(made.ID, "USDC")
		u := flowUser{made.ID, usdt.ID, usdc.ID}
		users, approvedUsers = append(users, u), append(approvedUsers, u)
		_, err = s.Deposit(u.id, "USDT", money(500))
		return err
	}
	register := func(i int) {
		email := []string{"holder-%d@example.com", "holder-%d@example.com", "kyc.reject+%d@mocksrv.test", "kyc.hold+%d@mocksrv.test"}[rng.IntN(4)]
		var u idOf
		if call(http.MethodPost, "/users", map[string]any{"email": fmt.Sprintf(email, i), "first_name": "Zoë", "last_name": "Ó Briain"}, &u) {
			users = append(users, flowUser{id: u.ID})
			call(http.MethodGet, "/users/"+u.ID+[]string{"/kyc-token", "/kyc-link"}[rng.IntN(2)], nil, nil)
		}
	}
	apply := func(i int) {
		u, _ := pickOf(rng, approvedUsers)
		label := []string{"", "Travel", "Failover card", fmt.Sprintf("mocksrv:card-fail:%d", i)}[rng.IntN(4)]
		var card idOf
		if rng.IntN(2) == 0 {
			channel := []string{"visa-virtual-usd", "mastercard-virtual-usd"}[rng.IntN(2)]
			if call(http.MethodPost, "/card/apply", map[string]any{"account_id": u.id, "channel_id": channel, "label": label}, &card) {
				cards = append(cards, flowCard{card.ID, u})
			}
			return
		}
		var addr idOf
		if !call(http.MethodPost, "/card/addresses", map[string]any{"account_id": u.id, "first_name": "Seán", "last_name": "Nguyễn",
			"phone": "6581234567", "line1": "1 Raffles Place", "city": "Singapore", "state": "SG", "postCode": "048616", "country": "SG"}, &addr) {
			return
		}
		if call(http.MethodPost, "/card/apply", map[string]any{"account_id": u.id, "channel_id": "visa-physical-usd", "label": label, "address_id": addr.ID}, &card) {
			cards, physical = append(cards, flowCard{card.ID, u}), append(physical, flowCard{card.ID, u})
		}
	}
	funded := func() error {
		u, _ := pickOf(rng, approvedUsers)
		made, err := s.AddCard(bkj.Card{AccountID: u.id, Balance: core.MustDecimal(money(200))})
		if err != nil {
			return err
		}
		cards = append(cards, flowCard{made.ID, u})
		return nil
	}
	if err := newApproved(); err != nil {
		return err
	}
	for i, n := 0, 5+rng.IntN(21); i < n && failed == nil; i++ {
		card, _ := pickOf(rng, cards)
		u, _ := pickOf(rng, approvedUsers)
		switch op := rng.IntN(25); op {
		case 0:
			if err := newApproved(); err != nil {
				return err
			}
		case 1:
			register(i)
		case 2, 3:
			apply(i)
		case 4, 18:
			if err := funded(); err != nil {
				return err
			}
		case 5:
			if p, ok := pickOf(rng, physical); ok {
				call(http.MethodPost, "/card/activate", map[string]any{"id": p.id}, nil)
			}
		case 6:
			if call(http.MethodPost, "/card/freeze", map[string]any{"id": card.id}, nil) {
				frozen = append(frozen, card)
			}
		case 7: // once its freeze has had time to complete
			if fc, ok := pickOf(rng, frozen); ok {
				if _, err := f.MoveClock(core.DefaultTenant, sims.ClockRequest{Advance: (5*time.Second + time.Duration(rng.IntN(10))*time.Second).String()}); err != nil {
					return err
				}
				call(http.MethodPost, "/card/unfreeze", map[string]any{"id": fc.id}, nil)
			}
		case 8:
			_ = []func(string) error{s.CancelCard, s.BlockCard, s.ActivateCard}[rng.IntN(3)](card.id)
		case 9:
			memo := []string{"", "household bills", "mocksrv:withdrawal-reject", "mocksrv:withdrawal-hold"}[rng.IntN(4)]
			var wd idOf
			if call(http.MethodPost, "/wallet/withdraw", map[string]any{"wallet_id": u.usdt, "chain": "TRON", "amount": fmt.Sprint(10 + rng.IntN(40)),
				"address": "TN3W4H6rK2ce4vX9YnFQHwKENnHjoxb3m9", "memo": memo}, &wd) {
				withdrawals = append(withdrawals, wd.ID)
			}
		case 10:
			if id, ok := pickOf(rng, withdrawals); ok {
				call(http.MethodPost, "/wallet/withdraw/cancel", map[string]any{"id": id}, nil)
			}
		case 11:
			to, _ := pickOf(rng, approvedUsers)
			call(http.MethodPost, "/wallet/transfer", map[string]any{"from_wallet_id": u.usdt, "to_wallet_id": to.usdt, "amount": money(50)}, nil)
		case 12:
			call(http.MethodPost, "/wallet/transfer-to-card", map[string]any{"wallet_id": card.owner.usdt, "card_id": card.id, "amount": money(80)}, nil)
		case 19: // the network clears a purchase for another amount, or its authorization expires
			if tx, ok := pickOf(rng, txns); ok {
				ev := core.CardEvent{Type: core.EventClear, Transaction: tx.id, Amount: core.AmountText(money(40))}
				if rng.IntN(3) == 0 {
					ev = core.CardEvent{Type: core.EventExpire, Transaction: tx.id}
				}
				_, err := s.CardEvent(tx.card, ev)
				if err := refusal(err); err != nil {
					return err
				}
			}
		case 13, 14:
			merchant := []string{"Coffee Lab", "Grab", "Decline Street Deli", "mocksrv:decline"}[rng.IntN(4)]
			var tx struct {
				ID     string `json:"id"`
				Status string `json:"status"`
			}
			if rng.IntN(2) == 0 { // the card network's authorize event, sometimes declined by reason
				ev := core.CardEvent{Type: core.EventAuthorize, Amount: core.AmountText(money(30)), Merchant: core.EventMerchant{Name: merchant},
					Decline: []string{"", "", "", bkj.DeclineRisk}[rng.IntN(4)]}
				got, err := s.CardEvent(card.id, ev)
				if err := refusal(err); err != nil {
					return err
				}
				if got.Status == bkj.CardTxPending {
					txns = append(txns, flowTx{got.ID, card.id})
				}
			} else if call(http.MethodPost, "/sandbox/card/authorize", map[string]any{"card_id": card.id, "amount": money(30), "merchant_name": merchant}, &tx) && tx.Status == "pending" {
				txns = append(txns, flowTx{tx.ID, card.id})
			}
		case 15:
			if tx, ok := pickOf(rng, txns); ok {
				if rng.IntN(2) == 0 { // a partial reversal
					_, err := s.CardEvent(tx.card, core.CardEvent{Type: core.EventReverse, Transaction: tx.id, Amount: "1"})
					if err := refusal(err); err != nil {
						return err
					}
				} else {
					call(http.MethodPost, "/sandbox/card/authorize", map[string]any{"card_id": tx.card, "type": "reversal", "related_id": tx.id}, nil)
				}
			}
		case 16: // a day on, a purchase has cleared: refund part of it
			if tx, ok := pickOf(rng, txns); ok {
				if _, err := f.MoveClock(core.DefaultTenant, sims.ClockRequest{Advance: (24*time.Hour + time.Duration(rng.IntN(3600))*time.Second).String()}); err != nil {
					return err
				}
				call(http.MethodPost, "/sandbox/card/authorize", map[string]any{"card_id": tx.card, "type": "refund", "related_id": tx.id, "amount": "1"}, nil)
			}
		case 17:
			if h, ok := pickOf(rng, users); ok {
				_ = s.DecideKYC(h.id, rng.IntN(2) == 0)
			}
		default:
			step := time.Duration(rng.IntN(180)) * time.Second
			if op >= 23 {
				step = time.Duration(rng.IntN(4*24*60)) * time.Minute
			}
			if _, err := f.MoveClock(core.DefaultTenant, sims.ClockRequest{Advance: step.String()}); err != nil {
				return err
			}
		}
	}
	return failed
}

// refusal returns err if it is not a refusal the flow expects (a
// purchase no longer pending, an amount beyond what is left): a defect.
func refusal(err error) error {
	if err == nil || core.KindOf(err) != core.KindInternal {
		return nil
	}
	return err
}

// pickOf returns a random element of xs, or the zero value for none.
func pickOf[T any](rng *rand.Rand, xs []T) (T, bool) {
	var zero T
	if len(xs) == 0 {
		return zero, false
	}
	return xs[rng.IntN(len(xs))], true
}

// TestFlowExercisesEveryStep: the property's flow is not vacuous — over
// its first 120 seeds it reaches every asynchronous card status, every
// steered outcome and the money paths, so the property covers them.
func TestFlowExercisesEveryStep(t *testing.T) {
	t.Parallel()
	markers := []string{`"before_status":"opening"`, `"before_status":"pre_producing"`, `"before_status":"producing"`,
		`"before_status":"shipping"`, `"before_status":"activate_reviewing"`, `"before_status":"processing_frozen"`,
		`"before_status":"processing_unfrozen"`, `"before_status":"pre_delete"`, "sandbox outcome card.fail",
		"sandbox outcome kyc.reject", "sandbox outcome auth.decline", `"kyc_status":"approved"`, `"status":"failed"`,
		`"status":"cancelled"`, `"type":"reversal"`, `"type":"refund"`, `"business_type":"card_topup"`,
		`"business_type":"internal_transfer"`, `"before_status":"pending","transaction":{"id"`,
		`"remarks":"authorization expired"`, `"remarks":"cleared `, `"decline_code":"risk_declined"`}
	states := []string{`"outcome":"kyc.hold"`, `"outcome":"withdrawal.hold"`, `"status":"pending"`}
	seen := map[string]bool{}
	for seed := uint64(1); seed <= 120; seed++ {
		out, err := timetravel.Run(bkj.Name, seed, bkjFlow, 10*24*time.Hour, 1)
		require.NoError(t, err)
		for _, w := range out.Webhooks {
			for _, m := range markers {
				seen[m] = seen[m] || strings.Contains(w, m)
			}
		}
		for _, m := range states {
			seen[m] = seen[m] || strings.Contains(out.State, m)
		}
	}
	for _, m := range append(markers, states...) {
		assert.True(t, seen[m], "no seed reached %s", m)
	}
}

// TestPhysicalCardThenJumpFiveDays is doc.go's example of the due-time
// rule: a physical card applied for, then the clock jumped five days in
// one move, is processing, and each step happened when it was due —
// producing 1 h, shipping 25 h and processing 97 h after the application —
// as its update_at, the webhooks' created_at and their queueing say, in
// that order; a withdrawal made with it closed 10 min after it was made.
func TestPhysicalCardThenJumpFiveDays(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t, bkj.WithDelays(bkj.DefaultDelays()))
	c := s.NewClient()
	acct, err := s.AddUser(bkj.User{})
	require.NoError(t, err)
	_, err = s.Deposit(acct.ID, "USDT", "100")
	require.NoError(t, err)
	var addr idOnly
	ok(t, c, "card_address.create", post("/openapi/v1/card/addresses", map[string]any{"account_id": acct.ID, "first_name": "Seán", "last_name": "Ó Briain",
		"phone": "6581234567", "line1": "1 Raffles Place", "city": "Singapore", "state": "SG", "postCode": "048616", "country": "SG"}), &addr)
	card := applyCard(t, c, acct.ID, "visa-physical-usd", map[string]any{"address_id": addr.ID})
	assert.Equal(t, "pre_producing", card.Status)
	usdt := walletOf(t, c, acct.ID, "USDT")
	var wd idOnly
	ok(t, c, "withdrawal.create", post("/openapi/v1/wallet/withdraw", map[string]any{"wallet_id": usdt.ID, "chain": "TRON", "amount": "20", "address": tronAddr}), &wd)
	start := s.Clock.Now()
	at := func(d time.Duration) string { return start.Add(d).UTC().Format("2006-01-02 15:04:05") }

	_, err = s.Clock.Advance(5 * 24 * time.Hour)
	require.NoError(t, err)
	var got struct {
		Status   string `json:"status"`
		UpdateAt string `json:"update_at"`
	}
	ok(t, c, "card.detail", get("/openapi/v1/card/detail", url.Values{"id": {card.ID}}), &got)
	assert.Equal(t, "processing", got.Status)
	assert.Equal(t, at(97*time.Hour), got.UpdateAt, "delivered when it was due, not at the end of the jump")
	var done walletTxOut
	ok(t, c, "wallet_transaction.detail", get("/openapi/v1/wallet/transactions/"+wd.ID, nil), &done)
	assert.Equal(t, start.Add(10*time.Minute).UTC().Format(time.RFC3339), done.CloseTime)

	var stamps []string
	var queued []time.Time
	for _, d := range s.Webhooks.Deliveries() {
		var body struct {
			Event     string `json:"event"`
			CreatedAt string `json:"created_at"`
			Timestamp int64  `json:"timestamp"`
			Data      struct {
				Card struct {
					ID     string `json:"id"`
					Status string `json:"status"`
				} `json:"card"`
			} `json:"data"`
		}
		require.NoError(t, json.Unmarshal([]byte(d.Body), &body))
		if body.Event != bkj.EventCardStatus || body.Data.Card.ID != card.ID {
			continue
		}
		stamps = append(stamps, body.Data.Card.Status+" "+body.CreatedAt)
		queued = append(queued, d.Created)
		assert.Equal(t, d.Created.UnixMilli(), body.Timestamp)
	}
	assert.Equal(t, []string{"producing " + at(time.Hour), "shipping " + at(25*time.Hour), "processing " + at(97*time.Hour)}, stamps)
	assert.Equal(t, []time.Time{start.Add(time.Hour), start.Add(25 * time.Hour), start.Add(97 * time.Hour)}, queued, "queued at their due times, in order")
}
