package bkj

// Card events — what happens to a card at the card network (core.CardEvent:
// the admin API's POST /_mocksrv/tenants/{id}/bkj/cards/{card}/events and
// scenario card_event steps), in bkj's card-transaction model: types
// purchase, reversal and refund, statuses pending, success, declined and
// reversed, each answered as GET /card/transactions/{id} shows it.

import (
	"strings"

	"github.com/mocksrv/mocksrv/sims/core"
)

// The decline reasons. bkj publishes none — its card transaction pages are
// menu entries only — so these are mocksrv's: a declined purchase carries
// the reason's code in decline_code and its text in decline_reason (doc.go,
// Deviations).
const (
	DeclineCardInactive        = "card_inactive"
	DeclineInsufficientBalance = "insufficient_balance"
	DeclineIssuer              = "issuer_declined"
	DeclineRisk                = "risk_declined"
	DeclineLimit               = "limit_exceeded"
	DeclineMerchant            = "merchant_not_allowed"
)

// declines is bkj's one list of decline reasons (Hooks.Declines, GET
// /_mocksrv/providers/bkj/declines). card_inactive's decline_reason names
// the card's status when the card is what declined ("card is frozen").
var declines = core.Declines{
	{Code: DeclineCardInactive, Message: "card is not active"},
	{Code: DeclineInsufficientBalance, Message: "insufficient balance"},
	{Code: DeclineIssuer, Message: "declined by issuer"},
	{Code: DeclineRisk, Message: "declined by risk control"},
	{Code: DeclineLimit, Message: "exceeds the card's spending limit"},
	{Code: DeclineMerchant, Message: "merchant category not allowed"},
}

// Declines returns bkj's decline reasons, for documentation and tests.
func Declines() []core.Decline { return append([]core.Decline(nil), declines...) }

// eventTypes are the card events bkj's transaction model carries.
var eventTypes = []string{core.EventAuthorize, core.EventReverse, core.EventExpire, core.EventClear, core.EventRefund}

// errEventType refuses an event the model cannot carry, naming the types
// it takes.
func errEventType(typ, why string) error {
	return core.Errorf(core.KindInvalid, "bkj card events: %s %s; it takes %s", typ, why, strings.Join(eventTypes, ", "))
}

// cardEvent applies a card-network event to a card (Hooks.CardEvent) and
// returns the transaction it made or changed, as GET
// /openapi/v1/card/transactions/{id} shows it (English, the tenant's
// zone). It runs locked and settled.
func (s *Server) cardEvent(w *world, card string, ev core.CardEvent) (any, error) {
	t, err := s.applyEventLocked(w, card, ev)
	if err != nil {
		return nil, err
	}
	return cardTxOut(view{lang: "en", loc: w.zone}, t), nil
}

// applyEventLocked applies a card event:
//   - authorize: a purchase (pending, the amount taken from the card), or
//     declined — by decline (a reason of Declines) or as every purchase is;
//   - reverse: a reversal of all or amount of a pending purchase; in full,
//     the purchase is reversed;
//   - expire: the authorization's expiry now: a reversal of what it holds,
//     remark "authorization expired";
//   - clear: the pending purchase clears for amount (default what it
//     holds), the difference moved exactly;
//   - refund: a refund of all or amount of what a cleared purchase has not
//     yet returned.
func (s *Server) applyEventLocked(w *world, card string, ev core.CardEvent) (CardTx, error) {
	switch ev.Type {
	case core.EventAuthorize:
		return s.authorizeEventLocked(w, card, ev)
	case core.EventReverse, core.EventExpire, core.EventClear, core.EventRefund:
	case core.EventIncrement:
		return CardTx{}, errEventType(ev.Type, "is not published: a bkj card transaction links to another only as the purchase a refund or reversal returns")
	case core.EventChargeback:
		return CardTx{}, errEventType(ev.Type, "is not published: bkj's card transaction types are topup, purchase, refund and reversal")
	default:
		return CardTx{}, errEventType(strings.TrimSpace(ev.Type+" (unknown)"), "is not a card event")
	}
	if ev.Decline != "" || ev.Approve != "" || ev.Kind != "" {
		return CardTx{}, core.Errorf(core.KindInvalid, "bkj card events: decline, approve and kind go with authorize, not %s", ev.Type)
	}
	if ev.Transaction == "" {
		return CardTx{}, core.Errorf(core.KindInvalid, "bkj card events: %s needs transaction, the id of the purchase it follows", ev.Type)
	}
	amount, err := eventAmount("amount", string(ev.Amount), false)
	if err != nil {
		return CardTx{}, err
	}
	c, err := w.cardLocked(card)
	if err != nil {
		return CardTx{}, err
	}
	if ev.Currency != "" && !strings.EqualFold(ev.Currency, c.Currency) {
		return CardTx{}, core.Errorf(core.KindInvalid, "bkj card events: currency %s: a %s is in the card's currency, %s", ev.Currency, ev.Type, c.Currency)
	}
	switch ev.Type {
	case core.EventReverse:
		orig, err := w.returnableLocked(c, ev.Transaction, CardReversal)
		if err != nil {
			return CardTx{}, err
		}
		return s.reverseLocked(w, orig, CardTx{Amount: amount}, "")
	case core.EventExpire:
		if !amount.IsZero() {
			return CardTx{}, core.Errorf(core.KindInvalid, "bkj card events: expire takes no amount: an authorization expires in full")
		}
		orig, err := w.returnableLocked(c, ev.Transaction, CardReversal)
		if err != nil {
			return CardTx{}, err
		}
		return s.reverseLocked(w, orig, CardTx{}, remarkExpired)
	case core.EventClear:
		orig, err := w.returnableLocked(c, ev.Transaction, CardReversal)
		if err != nil {
			return CardTx{}, err
		}
		return s.clearLocked(w, orig, amount), nil
	default: // refund
		orig, err := w.returnableLocked(c, ev.Transaction, CardRefund)
		if err != nil {
			return CardTx{}, err
		}
		return s.refundLocked(w, orig, CardTx{Amount: amount})
	}
}

// authorizeEventLocked applies an authorize event: a purchase, decided as
// every purchase is (purchaseLocked).
func (s *Server) authorizeEventLocked(w *world, card string, ev core.CardEvent) (CardTx, error) {
	switch ev.Kind {
	case "", "purchase":
	case "atm", "transfer_out", "refund":
		return CardTx{}, core.Errorf(core.KindInvalid, "bkj card events: kind %s is not published: bkj's card transactions are purchases, with refunds and reversals of them (type refund follows a cleared purchase)", ev.Kind)
	default:
		return CardTx{}, core.Errorf(core.KindInvalid, "bkj card events: kind %q: want purchase", ev.Kind)
	}
	switch {
	case ev.Approve != "":
		return CardTx{}, core.Errorf(core.KindInvalid, "bkj card events: partial approval is not published: a bkj card transaction carries one amount, not a requested and an approved one")
	case ev.Transaction != "":
		return CardTx{}, core.Errorf(core.KindInvalid, "bkj card events: authorize starts a purchase; it takes no transaction")
	}
	amount, err := eventAmount("amount", string(ev.Amount), true)
	if err != nil {
		return CardTx{}, err
	}
	a := Authorization{CardID: card, Type: CardPurchase, Amount: amount, MerchantName: ev.Merchant.Name,
		MCC: ev.Merchant.MCC, City: ev.Merchant.City, Country: ev.Merchant.Country, Decline: ev.Decline}
	c, err := w.cardLocked(card)
	if err != nil {
		return CardTx{}, err
	}
	if ev.Currency != "" && !strings.EqualFold(ev.Currency, c.Currency) {
		// Another currency is the merchant's, at rate 1 (mocksrv keeps no
		// exchange rates, as wallet-to-card transfers do not).
		if len(ev.Currency) != 3 {
			return CardTx{}, core.Errorf(core.KindInvalid, "bkj card events: currency %q: want a 3-letter code", ev.Currency)
		}
		a.MerchantCurrency, a.MerchantAmount = strings.ToUpper(ev.Currency), amount
	}
	if err := maxLen("merchant.name", a.MerchantName, 64); err != nil {
		return CardTx{}, err
	}
	if err := maxLen("merchant.mcc", a.MCC, 4); err != nil {
		return CardTx{}, err
	}
	if a.Country != "" {
		if err := checkCountry("merchant.country", a.Country); err != nil {
			return CardTx{}, err
		}
	}
	return s.authorizeLocked(w, a)
}

// eventAmount reads a card event's amount: a positive decimal of at most
// two places; empty is zero (all of it) unless required.
func eventAmount(field, s string, required bool) (core.Decimal, error) {
	if s == "" {
		if required {
			return core.Zero, core.Errorf(core.KindInvalid, "bkj card events: %s is required", field)
		}
		return core.Zero, nil
	}
	d, err := core.ParseDecimal(s)
	if err != nil || d.Sign() <= 0 || d.Places() > 2 {
		return core.Zero, core.Errorf(core.KindInvalid, "bkj card events: %s must be a positive amount with at most 2 decimals, got %q", field, s)
	}
	return d, nil
}
