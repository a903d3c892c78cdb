package uqpay

// Card fees — UQPay Card Issuance v1.6 "Card Fee" webhook
// (issuing.fee.card: "A fee was deducted from the card"; its examples
// deduct a virtual card's 1 USD and a physical card's 5 USD maintenance
// fee as a FEE transaction). The fee schedule is per contract and not
// published: mocksrv charges none unless the tenant's card_fees set one,
// first when a card turns ACTIVE and then monthly while it lives.

import (
	"strings"

	"github.com/mocksrv/mocksrv/sims/core"
)

// taskCardFee charges a card's maintenance fee.
const taskCardFee = "card.fee"

// feeOf returns the maintenance fee of a card's form factor, if any.
func (w *world) feeOf(c Card) (core.Decimal, bool) {
	s, ok := w.set.CardFees[string(c.FormFactor)]
	if !ok {
		return core.Zero, false
	}
	d, err := core.ParseDecimal(s)
	return d, err == nil && d.Sign() > 0
}

// startFeesLocked charges a card's first maintenance fee now (it just
// turned ACTIVE) when the tenant has a fee for its form factor; each fee
// schedules the next a month later.
func (w *world) startFeesLocked(a *account, c Card) {
	if _, ok := w.feeOf(c); ok {
		w.Agenda.Schedule(w.Now(), taskCardFee, a.ID+"/"+c.ID)
	}
}

// chargeFeeLocked deducts a card's maintenance fee: a FEE transaction and
// issuing.fee.card. A card that cannot pay it gets a DECLINED fee and
// moves nothing. The next fee is due a month later while the card lives.
func (w *world) chargeFeeLocked(a *account, id string) {
	c, ok := a.cards.Get(id)
	fee, charged := w.feeOf(c)
	if !ok || !charged || !c.live() {
		return
	}
	now := w.Now()
	form := strings.ToLower(string(c.FormFactor))
	t := Transaction{
		ID: w.Faker.UUID(), ShortID: w.shortIDLocked("CL"), CardID: c.ID, CardholderID: c.CardholderID, Type: TxnFee,
		Amount: fee, Currency: c.Currency, Billing: fee, BillingCurrency: c.Currency, CreatedAt: now,
		Description: "deduct " + form + " card [" + last4(c.PAN) + "] maintenance fee " + fee.String() + " " + c.Currency,
	}
	if a.cardAvailable(c).LessThan(fee) {
		t.Status, t.Description = TxnDeclined, descInsufficient+": "+t.Description
	} else {
		w.debitCardLocked(a, &c, fee, BalFee, "Card "+last4(c.PAN)+" maintenance fee", t.ID)
		add(w.fees, c.Currency, fee)
		c.UpdatedAt = now
		a.cards.Put(c.ID, c)
		t.Status, t.Settled, t.SettledAt = TxnApproved, true, now
	}
	t.CardAvailable = a.cardAvailable(c)
	a.txns.Put(t.ID, t)
	w.emitLocked(eventFeeCard, t.ID, w.feeData(c, t))
	w.Agenda.Schedule(now.AddDate(0, 1, 0), taskCardFee, a.ID+"/"+c.ID)
}
