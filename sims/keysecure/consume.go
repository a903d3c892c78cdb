package keysecure

// Consumption model — KeySecure Open API "Consumption" section, constants
// 8.1, 8.4, 8.5, the Auth / Consumption callbacks, and the lifecycle of a
// card transaction on the business clock (doc.go, "Card transactions").

import (
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// ConsumeType is a consumption's type, verbatim (constants 8.4).
type ConsumeType string

// Consumption types.
const (
	ConsumeOpenCard    ConsumeType = "Open_card"
	ConsumeConsumption ConsumeType = "Consumption"
	ConsumeATM         ConsumeType = "Atm"
	ConsumeManageFee   ConsumeType = "Manage_fee"
	ConsumeReversal    ConsumeType = "Reversal"
	ConsumeRefund      ConsumeType = "Refund"
)

// Status is the common status of transfers and consumptions (8.1).
type Status string

// Common statuses. A purchase or ATM withdrawal is Pending while it is
// authorized and not yet cleared, Success once it is final (cleared, or
// reversed in full), and Fail when it was declined.
const (
	Pending Status = "Pending"
	Success Status = "Success"
	Failed  Status = "Fail"
)

// Whose money a card spends (Consumption.Funding).
const (
	// FundBalance: a credit-extension card spends its cardholder's TUSDT
	// balance, which the merchant funds with /account/transfer.
	FundBalance = "cardholder_balance"
	// FundMerchant: an authorization-mode card (applied by card BIN) spends
	// what the merchant approves through the Auth callback; KeySecure
	// keeps no cardholder balance for it.
	FundMerchant = "merchant"
)

// Fee is one fee charged on a consumption.
type Fee struct {
	Type   string       `json:"fee_type"`
	Amount core.Decimal `json:"amount"`
}

// Merchant is where a consumption happened.
type Merchant struct {
	Name    string `json:"merchant_name"`
	MCC     string `json:"merchant_mcc"`
	City    string `json:"city"`
	Country string `json:"country"`
}

// Consumption is a card transaction: a purchase, an ATM withdrawal, a
// refund or reversal, or a fee. The fields after Remark are mocksrv's
// books, shown by the state dump and kept by snapshots, never on the wire.
type Consumption struct {
	ID            string       `json:"consume_no"`
	RelateNo      string       `json:"consume_relate_no"`
	CardNo        string       `json:"card_no"`
	CardholderNo  string       `json:"cardholder_no"`
	Type          ConsumeType  `json:"type"`
	Amount        core.Decimal `json:"amount"`
	LocalAmount   core.Decimal `json:"local_amount"`
	LocalCurrency string       `json:"local_currency"`
	Fees          []Fee        `json:"fees"`
	Merchant      Merchant     `json:"merchant_info"`
	Status        Status       `json:"status"`
	Outcome       string       `json:"outcome,omitempty"` // a steered outcome: consume.decline (magic.go)
	Remark        string       `json:"remark"`
	CreatedAt     time.Time    `json:"created_at"`

	DeclineCode string        `json:"decline_code,omitempty"` // a Declines code, when declined
	Decision    *AuthDecision `json:"decision,omitempty"`     // how an authorization was decided
	Funding     string        `json:"funding,omitempty"`      // FundBalance or FundMerchant (debits)
	Authorized  core.Decimal  `json:"authorized_amount,omitzero"`
	Reversed    core.Decimal  `json:"reversed_amount,omitzero"` // released before clearing (reversals, expiry)
	Cleared     core.Decimal  `json:"cleared_amount,omitzero"`
	Returned    core.Decimal  `json:"returned_amount,omitzero"` // given back after clearing (refunds, reversals)
	Hold        core.Decimal  `json:"hold,omitzero"`            // held now: the uncleared amount and its fee
	ExpiresAt   time.Time     `json:"expires_at,omitzero"`      // when a Pending authorization expires
	UpdatedAt   time.Time     `json:"updated_at,omitzero"`
}

// AuthDecision is how an authorization was approved or declined: by the
// platform before the merchant was asked (card status, a steered decline,
// a credit card's balance), by the merchant's answer to the Auth callback,
// or by the fallback when that answer was missing or unusable.
type AuthDecision struct {
	By       string `json:"by"` // platform, merchant or fallback
	Approved bool   `json:"approved"`
	Code     *int64 `json:"merchant_code,omitempty"` // the code the merchant answered
	Message  string `json:"merchant_message,omitempty"`
	Reason   string `json:"reason,omitempty"` // why: the fallback's cause, the strategy applied
}

// Who decided an authorization (AuthDecision.By).
const (
	ByPlatform = "platform"
	ByMerchant = "merchant"
	ByFallback = "fallback"
)

// Fee returns the sum of the consumption's fees.
func (c Consumption) Fee() core.Decimal {
	sum := core.Zero
	for _, f := range c.Fees {
		sum = sum.Add(f.Amount)
	}
	return sum
}

// IsCredit reports whether the consumption gives money back (a refund or a
// reversal) rather than spending it.
func (c Consumption) IsCredit() bool { return c.Type == ConsumeRefund || c.Type == ConsumeReversal }

// Uncleared returns what is still authorized and not yet cleared.
func (c Consumption) Uncleared() core.Decimal {
	if c.Status != Pending {
		return core.Zero
	}
	return c.Authorized.Sub(c.Reversed)
}

// Refundable returns what a refund or reversal may still give back of a
// cleared debit.
func (c Consumption) Refundable() core.Decimal { return c.Cleared.Sub(c.Returned) }

// Task kinds of the transaction lifecycle.
const (
	taskAuthExpire = "consume.expire"
	taskAuthClear  = "consume.clear"
)

// fundingLocked says whose money a card spends: the merchant's for a card
// of authorization mode (every card of an AUTHORIZATION merchant; a card
// applied by BIN in BOTH), the cardholder's balance otherwise.
func (w *world) fundingLocked(card Card) string {
	if w.set.Mode == ModeAuthorization || (w.set.Mode == ModeBoth && card.BinNo != "") {
		return FundMerchant
	}
	return FundBalance
}

// takeLocked moves amount out of the consumption's funding: the
// cardholder's balance, or the merchant (what it owes for what it
// approved). A negative amount gives it back.
func (w *world) takeLocked(c Consumption, amount core.Decimal) {
	if amount.IsZero() {
		return
	}
	if c.Funding == FundMerchant {
		w.funded = w.funded.Add(amount)
		return
	}
	h, ok := w.cardholders.Get(c.CardholderNo)
	if !ok {
		return // cardholders are never deleted
	}
	h.Balance, h.UpdatedAt = h.Balance.Sub(amount), w.Now()
	w.cardholders.Put(h.ID, h)
}

// holdLocked sets what c holds to its uncleared amount and that amount's
// fee, moving the difference from (or back to) its funding.
func (w *world) holdLocked(c *Consumption, fees FeeDetail) {
	c.Fees = consumeFees(c.Type, c.Authorized.Sub(c.Reversed), fees)
	hold := c.Authorized.Sub(c.Reversed).Add(c.Fee())
	w.takeLocked(*c, hold.Sub(c.Hold))
	w.held = w.held.Add(hold.Sub(c.Hold))
	c.Hold = hold
}

// releaseLocked gives back everything c holds.
func (w *world) releaseLocked(c *Consumption) {
	w.takeLocked(*c, c.Hold.Neg())
	w.held = w.held.Sub(c.Hold)
	c.Hold = core.Zero
}

// newConsumeLocked fills the fields every new consumption has.
func (w *world) newConsumeLocked(c Consumption, card Card) Consumption {
	now := w.Now()
	c.ID, c.CardNo, c.CardholderNo, c.CreatedAt, c.UpdatedAt = w.nextNoLocked("E"), card.ID, card.CardholderNo, now, now
	if c.LocalCurrency == "" {
		c.LocalCurrency = "USD"
	}
	if c.LocalAmount.IsZero() {
		c.LocalAmount = c.Amount
	}
	return c
}

// declineLocked records c as declined with a reason from Declines (detail,
// when not empty, follows the reason's text) and sends its Consumption
// callback. No money moves.
func (w *world) declineLocked(c Consumption, code, detail string, d AuthDecision) Consumption {
	c.Status, c.DeclineCode, c.Remark, c.Fees, c.Hold = Failed, code, declineText(code, detail), nil, core.Zero
	d.Approved = false
	if d.Reason == "" {
		d.Reason = c.Remark
	}
	c.Decision, c.UpdatedAt = &d, w.Now()
	w.consumes.Put(c.ID, c)
	w.emitLocked(actionConsumption, consumptionData(c))
	return c
}

// approveLocked records an approved authorization: it holds the amount and
// its fee and waits for clearing (Pending) — or, for a one-shot
// consumption (capture), clears at once. Either way one Consumption
// callback says where it stands.
func (w *world) approveLocked(c Consumption, fees FeeDetail, d AuthDecision, capture bool) Consumption {
	d.Approved = true
	c.Status, c.Decision, c.Authorized = Pending, &d, c.Amount
	w.holdLocked(&c, fees)
	if capture {
		return w.clearLocked(c, core.Zero, fees)
	}
	c.ExpiresAt = c.CreatedAt.Add(w.set.AuthExpiry.D())
	w.Agenda.Schedule(c.ExpiresAt, taskAuthExpire, c.ID)
	if after := w.set.ClearAfter.D(); after > 0 && after < w.set.AuthExpiry.D() {
		w.Agenda.Schedule(c.CreatedAt.Add(after), taskAuthClear, c.ID)
	}
	w.consumes.Put(c.ID, c)
	w.emitLocked(actionConsumption, consumptionData(c))
	return c
}

// clearLocked clears a Pending authorization for amount (zero: what is
// still uncleared). An amount above it — a tip, an exchange-rate
// difference — is taken from the funding exactly as the network presents
// it, even below a zero balance; the fee is charged on what cleared.
func (w *world) clearLocked(c Consumption, amount core.Decimal, fees FeeDetail) Consumption {
	open := c.Uncleared()
	if amount.IsZero() {
		amount = open
	}
	w.releaseLocked(&c)
	c.Fees = consumeFees(c.Type, amount, fees)
	w.takeLocked(c, amount.Add(c.Fee()))
	w.settled = w.settled.Add(amount)
	w.fees = w.fees.Add(c.Fee())
	before := c.Amount
	c.Cleared, c.Amount, c.Status, c.ExpiresAt, c.UpdatedAt = amount, c.Reversed.Add(amount), Success, time.Time{}, w.Now()
	if c.LocalAmount.Cmp(before) == 0 {
		c.LocalAmount = c.Amount
	}
	if amount.Cmp(open) != 0 {
		c.Remark = "Cleared " + amount.StringFixed(2) + " of " + open.StringFixed(2) + " authorized"
	}
	w.consumes.Put(c.ID, c)
	w.emitLocked(actionConsumption, consumptionData(c))
	return c
}

// reverseLocked gives back amount (zero: all that can be) of a debit: of
// a Pending authorization it releases the hold (an authorization reversed
// in full is final, Success, with nothing cleared); of a cleared one it
// returns the money. Either way a Reversal consumption records it.
func (w *world) reverseLocked(orig Consumption, amount core.Decimal, remark string, fees FeeDetail) (Consumption, error) {
	open := orig.Uncleared()
	if orig.Status == Success {
		open = orig.Refundable()
	}
	if amount.IsZero() {
		amount = open
	}
	if err := checkReturn(orig, amount, open); err != nil {
		return Consumption{}, err
	}
	card, _ := w.cards.Get(orig.CardNo)
	r := w.newConsumeLocked(Consumption{Type: ConsumeReversal, RelateNo: orig.ID, Amount: amount,
		LocalCurrency: orig.LocalCurrency, Merchant: orig.Merchant, Funding: orig.Funding, Remark: remark}, card)
	r.Status = Success
	if orig.Status == Pending {
		orig.Reversed = orig.Reversed.Add(amount)
		if orig.Uncleared().IsZero() {
			w.releaseLocked(&orig)
			orig.Status, orig.Fees, orig.ExpiresAt = Success, nil, time.Time{}
			orig.Remark = "Reversed in full by " + r.ID
			if remark != "" {
				orig.Remark = remark + ": reversed in full by " + r.ID
			}
		} else {
			w.holdLocked(&orig, fees)
		}
	} else {
		w.takeLocked(orig, amount.Neg())
		w.settled = w.settled.Sub(amount)
		orig.Returned = orig.Returned.Add(amount)
	}
	orig.UpdatedAt = r.CreatedAt
	w.consumes.Put(r.ID, r)
	w.emitLocked(actionConsumption, consumptionData(r))
	before, _ := w.consumes.Get(orig.ID)
	w.consumes.Put(orig.ID, orig)
	if before.Status != orig.Status {
		w.emitLocked(actionConsumption, consumptionData(orig))
	}
	return r, nil
}

// refundLocked refunds amount (zero: all that is left) of a cleared debit:
// a Refund consumption gives it back to the funding, less the package's
// refund fee.
func (w *world) refundLocked(orig Consumption, amount core.Decimal, fees FeeDetail) (Consumption, error) {
	if orig.Status == Pending {
		return Consumption{}, invalid(text{"consume_relate_no %s is authorized but not cleared yet: reverse it, or clear it first", "consume_relate_no %s 尚未清算：请撤销，或先清算"}, orig.ID)
	}
	open := orig.Refundable()
	if amount.IsZero() {
		amount = open
	}
	if err := checkReturn(orig, amount, open); err != nil {
		return Consumption{}, err
	}
	card, _ := w.cards.Get(orig.CardNo)
	r := w.newConsumeLocked(Consumption{Type: ConsumeRefund, RelateNo: orig.ID, Amount: amount,
		LocalCurrency: orig.LocalCurrency, Merchant: orig.Merchant, Funding: orig.Funding}, card)
	r.Status = Success
	r.Fees = consumeFees(ConsumeRefund, amount, fees)
	w.takeLocked(r, amount.Neg().Add(r.Fee()))
	w.settled = w.settled.Sub(amount)
	w.fees = w.fees.Add(r.Fee())
	orig.Returned, orig.UpdatedAt = orig.Returned.Add(amount), r.CreatedAt
	w.consumes.Put(orig.ID, orig)
	w.consumes.Put(r.ID, r)
	w.emitLocked(actionConsumption, consumptionData(r))
	return r, nil
}

// checkReturn refuses a refund or reversal of amount when orig cannot give
// it back: not an approved debit, or more than is open.
func checkReturn(orig Consumption, amount, open core.Decimal) error {
	switch {
	case orig.IsCredit() || orig.Status == Failed:
		return invalid(text{"consume_relate_no %s is not an approved purchase or ATM withdrawal", "consume_relate_no %s 不是已批准的消费或取现"}, orig.ID)
	case open.IsZero():
		return invalid(text{"consume_relate_no %s has nothing left to return", "consume_relate_no %s 已无可退金额"}, orig.ID)
	case amount.Sign() <= 0 || amount.Cmp(open) > 0:
		return invalid(text{"amount %s exceeds what is left to return on %s (%s)", "amount %s 超过 %s 可退金额（%s）"}, amount.StringFixed(2), orig.ID, open.StringFixed(2))
	}
	return nil
}

// relatedLocked returns the debit that field (consume_relate_no, or a card
// event's transaction) names for a refund, reversal or clearing, on the
// card.
func (w *world) relatedLocked(cardNo, field, relateNo string, typ string) (Consumption, error) {
	orig, ok := w.consumes.Get(relateNo)
	switch {
	case relateNo == "" || !ok:
		return orig, fail(4011, text{"%s %q: a %s needs the consumption it follows", "%s %q：%s 需要关联原消费"}, field, relateNo, typ)
	case orig.CardNo != cardNo:
		return orig, invalid(text{"%s %s is not a consumption of card %s", "%s %s 不是卡片 %s 的消费"}, field, relateNo, cardNo)
	}
	return orig, nil
}

// expireAuthLocked expires a Pending authorization whose clearing never
// came: a Reversal of what is still held, remark "Authorization expired".
func (w *world) expireAuthLocked(no string) (Consumption, error) {
	c, ok := w.consumes.Get(no)
	if !ok || c.Status != Pending {
		return c, invalid(text{"consume_no %s is not an authorization awaiting clearing", "consume_no %s 不是待清算的授权"}, no)
	}
	card, _ := w.cards.Get(c.CardNo)
	return w.reverseLocked(c, core.Zero, remarkExpired, productOf(card).Fees)
}

// remarkExpired is the remark of an expired authorization's reversal.
const remarkExpired = "Authorization expired"

// settleConsumeTask applies a due lifecycle task; a stale one (the
// authorization was cleared or reversed meanwhile) does nothing.
func (w *world) settleConsumeTask(t core.Task) {
	c, ok := w.consumes.Get(t.Key)
	if !ok || c.Status != Pending {
		return
	}
	switch t.Kind {
	case taskAuthExpire:
		_, _ = w.expireAuthLocked(t.Key)
	case taskAuthClear:
		card, _ := w.cards.Get(c.CardNo)
		w.clearLocked(c, core.Zero, productOf(card).Fees)
	}
}

// consumeFees applies a package's fee schedule to amount: a percentage
// (rates are percent strings), rounded to cents — Consume_fee on purchases,
// Atm_fee on ATM withdrawals, Refund_fee on refunds.
func consumeFees(typ ConsumeType, amount core.Decimal, f FeeDetail) []Fee {
	var rate, name string
	switch typ {
	case ConsumeConsumption:
		rate, name = f.ConsumeRate, "Consume_fee"
	case ConsumeATM:
		rate, name = f.ATMRate, "Atm_fee"
	case ConsumeRefund:
		rate, name = f.RefundRate, "Refund_fee"
	default:
		return nil
	}
	r, err := core.ParseDecimal(rate)
	if err != nil || r.Sign() <= 0 {
		return nil
	}
	fee := amount.Mul(r).MulRat(1, 100).Round(2)
	if fee.Sign() <= 0 {
		return nil
	}
	return []Fee{{Type: name, Amount: fee}}
}
