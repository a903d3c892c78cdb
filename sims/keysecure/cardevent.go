package keysecure

// Card events — what happens to a card at the card network (core.CardEvent:
// the admin API's POST /_mocksrv/tenants/{id}/keysecure/cards/{card}/events
// and scenario card_event steps), in KeySecure's consumption model:
// consumption types Consumption, Atm, Reversal and Refund, statuses Pending,
// Success and Fail, fees from the card's package.

import (
	"strings"

	"github.com/mocksrv/mocksrv/sims/core"
)

// The decline reasons. KeySecure publishes none — a declined consumption
// carries only its remark — so these are mocksrv's, and a declined
// consumption's remark starts with the reason's text (doc.go, Deviations).
const (
	DeclineCardInactive        = "card_inactive"
	DeclineInsufficientBalance = "insufficient_balance"
	DeclineIssuer              = "issuer_declined"
	DeclineMerchant            = "merchant_declined"
	DeclineNoAnswer            = "merchant_no_answer"
	DeclineRisk                = "risk_declined"
	DeclineLimit               = "limit_exceeded"
)

// declines is KeySecure's one list of decline reasons (Hooks.Declines,
// GET /_mocksrv/providers/keysecure/declines).
var declines = core.Declines{
	{Code: DeclineCardInactive, Message: "Card is not activated"},
	{Code: DeclineInsufficientBalance, Message: "Insufficient balance"},
	{Code: DeclineIssuer, Message: "Declined by issuer"},
	{Code: DeclineMerchant, Message: "Declined by merchant"},
	{Code: DeclineNoAnswer, Message: "Merchant authorization failed"},
	{Code: DeclineRisk, Message: "Declined by risk control"},
	{Code: DeclineLimit, Message: "Exceeds the card's spending limit"},
}

// Declines returns KeySecure's decline reasons, for documentation and
// tests.
func Declines() []core.Decline { return append([]core.Decline(nil), declines...) }

// declineText is a declined consumption's remark: the reason's text, then
// the detail.
func declineText(code, detail string) string {
	d, _ := declines.Find(code)
	if detail == "" {
		return d.Message
	}
	return d.Message + ": " + detail
}

// eventTypes are the card events KeySecure's model carries.
var eventTypes = []string{core.EventAuthorize, core.EventReverse, core.EventExpire, core.EventClear, core.EventRefund}

// errEventType refuses an event type the model cannot carry, naming the
// ones it takes.
func errEventType(typ, why string) error {
	return core.Errorf(core.KindInvalid, "keysecure card events: %s %s; it takes %s",
		typ, why, strings.Join(eventTypes, ", "))
}

// cardEvent applies a card-network event to a card (Hooks.CardEvent) and
// returns the consumption it made or changed, as consume info shows it: the
// authorization (authorize, clear), or the Reversal (reverse, expire) or
// Refund (refund) it recorded. It runs locked and settled; authorize
// releases the lock while the merchant answers.
func (s *Server) cardEvent(w *world, cardNo string, ev core.CardEvent) (any, error) {
	c, err := s.applyEventLocked(w, cardNo, ev)
	if err != nil {
		return nil, err
	}
	return consumeInfoJSON(c), nil
}

func (s *Server) applyEventLocked(w *world, cardNo string, ev core.CardEvent) (Consumption, error) {
	switch ev.Type {
	case core.EventAuthorize:
		return s.authorizeEventLocked(w, cardNo, ev)
	case core.EventReverse, core.EventExpire, core.EventClear, core.EventRefund:
	case core.EventIncrement:
		return Consumption{}, errEventType(ev.Type, "is not published: the Auth callback carries no link to an earlier authorization")
	case core.EventChargeback:
		return Consumption{}, errEventType(ev.Type, "is not published: KeySecure's consumption types have no chargeback")
	default:
		return Consumption{}, errEventType(strings.TrimSpace(ev.Type+" (unknown)"), "is not a card event")
	}
	if ev.Decline != "" || ev.Approve != "" || ev.Kind != "" {
		return Consumption{}, core.Errorf(core.KindInvalid, "keysecure card events: decline, approve and kind go with authorize, not %s", ev.Type)
	}
	if ev.Transaction == "" {
		return Consumption{}, core.Errorf(core.KindInvalid, "keysecure card events: %s needs transaction, the consume_no it follows", ev.Type)
	}
	amount, err := eventAmount(string(ev.Amount), false)
	if err != nil {
		return Consumption{}, err
	}
	if _, err := w.cardLocked(cardNo); err != nil {
		return Consumption{}, err
	}
	orig, err := w.relatedLocked(cardNo, "transaction", ev.Transaction, ev.Type)
	if err != nil {
		return Consumption{}, err
	}
	if ev.Currency != "" && !strings.EqualFold(ev.Currency, orig.LocalCurrency) && !strings.EqualFold(ev.Currency, "USD") {
		return Consumption{}, core.Errorf(core.KindInvalid, "keysecure card events: currency %s: consumption %s is in %s", ev.Currency, orig.ID, orig.LocalCurrency)
	}
	card, _ := w.cards.Get(cardNo)
	fees := productOf(card).Fees
	switch ev.Type {
	case core.EventClear:
		if orig.Status != Pending || orig.IsCredit() {
			return Consumption{}, invalid(text{"consume_no %s is not an authorization awaiting clearing (status %s)", "consume_no %s 不是待清算的授权（状态 %s）"}, orig.ID, orig.Status)
		}
		return w.clearLocked(orig, amount, fees), nil
	case core.EventReverse:
		return w.reverseLocked(orig, amount, "", fees)
	case core.EventExpire:
		if !amount.IsZero() {
			return Consumption{}, core.Errorf(core.KindInvalid, "keysecure card events: expire takes no amount: an authorization expires in full")
		}
		return w.expireAuthLocked(orig.ID)
	default: // refund
		return w.refundLocked(orig, amount, fees)
	}
}

// authorizeEventLocked applies an authorize event: a purchase (Consumption)
// or an ATM withdrawal (Atm), decided as every authorization is.
func (s *Server) authorizeEventLocked(w *world, cardNo string, ev core.CardEvent) (Consumption, error) {
	typ := ConsumeConsumption
	switch ev.Kind {
	case "", "purchase":
	case "atm":
		typ = ConsumeATM
	case "transfer_out", "refund":
		return Consumption{}, core.Errorf(core.KindInvalid, "keysecure card events: kind %s is not published: KeySecure authorizes purchases (Consumption) and ATM withdrawals (Atm); a refund follows a cleared consumption (type refund)", ev.Kind)
	default:
		return Consumption{}, core.Errorf(core.KindInvalid, "keysecure card events: kind %q: want purchase or atm", ev.Kind)
	}
	if ev.Approve != "" {
		return Consumption{}, core.Errorf(core.KindInvalid, "keysecure card events: partial approval is not published: the merchant's Auth answer is {code, message}, with no amount")
	}
	if ev.Transaction != "" {
		return Consumption{}, core.Errorf(core.KindInvalid, "keysecure card events: authorize starts a consumption; it takes no transaction")
	}
	amount, err := eventAmount(string(ev.Amount), true)
	if err != nil {
		return Consumption{}, err
	}
	decline := ""
	if ev.Decline != "" {
		d, ok := declines.Find(ev.Decline)
		if !ok {
			codes := make([]string, len(declines))
			for i, d := range declines {
				codes[i] = d.Code
			}
			return Consumption{}, core.Errorf(core.KindInvalid, "keysecure card events: decline %q: want one of %s (GET /_mocksrv/providers/keysecure/declines)", ev.Decline, strings.Join(codes, ", "))
		}
		decline = d.Code
	}
	if _, err := w.cardLocked(cardNo); err != nil {
		return Consumption{}, err
	}
	m := ev.Merchant
	c := Consumption{CardNo: cardNo, Type: typ, Amount: amount, LocalCurrency: strings.ToUpper(ev.Currency),
		Merchant: w.merchantLocked(Merchant{Name: m.Name, MCC: m.MCC, City: m.City, Country: m.Country})}
	return s.authorizeLocked(w, c, decline, false)
}

// eventAmount reads a card event's amount: a positive decimal of at most
// two places; empty is zero (all of it) unless required.
func eventAmount(s string, required bool) (core.Decimal, error) {
	if s == "" {
		if required {
			return core.Zero, core.Errorf(core.KindInvalid, "keysecure card events: amount is required")
		}
		return core.Zero, nil
	}
	d, err := core.ParseDecimal(s)
	if err != nil || d.Sign() <= 0 || d.Places() > 2 {
		return core.Zero, core.Errorf(core.KindInvalid, "keysecure card events: amount must be a positive amount with at most 2 decimals, got %q", s)
	}
	return d, nil
}

// merchantLocked fills a merchant's blanks: a fake company name, MCC 5734,
// Singapore.
func (w *world) merchantLocked(m Merchant) Merchant {
	if m.Name == "" {
		m.Name = w.Faker.Company()
	}
	if m.MCC == "" {
		m.MCC = "5734"
	}
	if m.City == "" && m.Country == "" {
		m.City, m.Country = "Singapore", "SG"
	}
	return m
}
