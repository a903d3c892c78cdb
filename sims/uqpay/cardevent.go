package uqpay

// Card events — the admin API's POST /_mocksrv/tenants/{id}/uqpay/cards/
// {card}/events and scenario card_event steps (core.CardEvent), in UQPay's
// terms: what the card network does to a card, each answered with the
// transaction the client then reads from GET /issuing/transactions/{id}.

import (
	"slices"
	"strings"

	"github.com/mocksrv/mocksrv/sims/core"
)

// cardEventTypes are the card events UQPay's transaction model expresses:
// all of core's.
var cardEventTypes = []string{core.EventAuthorize, core.EventIncrement, core.EventReverse, core.EventExpire,
	core.EventClear, core.EventRefund, core.EventChargeback}

var eventKinds = []string{kindPurchase, kindATM, kindTransferOut, kindRefund}

// cardEventLocked applies a card event and returns the resulting
// transaction in REST's shape:
//   - authorize: an AUTHORIZATION (kind purchase, atm or transfer_out;
//     kind refund is a REFUND without an original), through the tenant's
//     decision endpoint; decline names a reason of Declines, approve a
//     partial approval;
//   - increment: an incremental AUTHORIZATION adding amount to the
//     authorization transaction names;
//   - reverse: a REVERSAL of all or amount of an uncleared authorization;
//     of a cleared one, a SETTLEMENT_REVERSAL;
//   - expire: the authorization's expiry now (a REVERSAL "Authorization
//     expired");
//   - clear: the authorization clears for amount (default what it holds):
//     a SETTLEMENT_DEBIT or SETTLEMENT_CREDIT of any difference, else the
//     settled authorization;
//   - refund: a REFUND of all or amount of a cleared authorization,
//     through the decision endpoint (transaction_type 2000);
//   - chargeback: a CHARGEBACK_CREDIT of a cleared authorization, or, of a
//     chargeback credit, its CHARGEBACK_DEBIT (re-presentment).
//
// w's lock is held on entry and on return; decision calls release it.
func (s *Server) cardEventLocked(w *world, card string, ev core.CardEvent) (any, error) {
	a, t, err := s.cardEventTxnLocked(w, card, ev)
	if err != nil {
		return nil, err
	}
	return w.txnJSON(a, t), nil
}

// cardEventTxnLocked applies a card event and returns the transaction
// that records it, with its account.
func (s *Server) cardEventTxnLocked(w *world, card string, ev core.CardEvent) (*account, Transaction, error) {
	a, c, ok := w.findCardLocked(card)
	if !ok {
		return nil, Transaction{}, core.Errorf(core.KindNotFound, "uqpay: no card %q in tenant %s", card, w.Tenant.ID)
	}
	amount, err := eventDecimal("amount", string(ev.Amount))
	if err != nil {
		return nil, Transaction{}, err
	}
	approve, err := eventDecimal("approve", string(ev.Approve))
	if err != nil {
		return nil, Transaction{}, err
	}
	if ev.Currency != "" {
		if _, ok := fxToUSD[ev.Currency]; !ok {
			return nil, Transaction{}, core.Errorf(core.KindInvalid, "currency %q: want one of USD, SGD, EUR, GBP, HKD, CNY, JPY, AUD", ev.Currency)
		}
	}
	authLike := ev.Type == core.EventAuthorize || ev.Type == core.EventIncrement
	switch {
	case !slices.Contains(cardEventTypes, ev.Type):
		return nil, Transaction{}, core.Errorf(core.KindInvalid, "uqpay card event type %q: want one of %s", ev.Type, strings.Join(cardEventTypes, ", "))
	case ev.Type != core.EventAuthorize && ev.Transaction == "":
		return nil, Transaction{}, core.Errorf(core.KindInvalid, "a %s event needs transaction: the authorization it follows", ev.Type)
	case ev.Type == core.EventAuthorize && ev.Transaction != "":
		return nil, Transaction{}, core.Errorf(core.KindInvalid, "authorize starts a transaction and names none (increment adds to one)")
	case (ev.Decline != "" || approve != nil) && !authLike:
		return nil, Transaction{}, core.Errorf(core.KindInvalid, "decline and approve go with authorize and increment, not %s", ev.Type)
	case ev.Kind != "" && ev.Type != core.EventAuthorize:
		return nil, Transaction{}, core.Errorf(core.KindInvalid, "kind goes with authorize, not %s", ev.Type)
	case ev.Kind != "" && !slices.Contains(eventKinds, ev.Kind):
		return nil, Transaction{}, core.Errorf(core.KindInvalid, "kind %q: want one of %s", ev.Kind, strings.Join(eventKinds, ", "))
	case authLike && amount == nil:
		return nil, Transaction{}, core.Errorf(core.KindInvalid, "a %s event needs amount", ev.Type)
	}
	if ev.Transaction != "" {
		if t, ok := a.txns.Get(ev.Transaction); !ok || t.CardID != c.ID {
			return nil, Transaction{}, core.Errorf(core.KindNotFound, "uqpay: card %s has no transaction %q", c.ID, ev.Transaction)
		}
	}
	var decline string
	if ev.Decline != "" {
		if decline, ok = declineByName(ev.Decline); !ok {
			return nil, Transaction{}, core.Errorf(core.KindInvalid, "decline %q is not one of UQPay's reasons: %s (a code, a text or an auth.decline.* rule)",
				ev.Decline, strings.Join(declineList, "; "))
		}
	}
	t, err := s.applyCardEventLocked(w, a, c, ev, amount, approve, decline)
	return a, t, err
}

func (s *Server) applyCardEventLocked(w *world, a *account, c Card, ev core.CardEvent, amount, approve *core.Decimal, decline string) (Transaction, error) {
	switch ev.Type {
	case core.EventAuthorize, core.EventIncrement:
		cur := ev.Currency
		if cur == "" {
			cur = c.Currency
		}
		m := Merchant{Name: ev.Merchant.Name, CategoryCode: ev.Merchant.MCC, City: ev.Merchant.City, Country: ev.Merchant.Country}
		if m.Name == "" {
			m.Name = "mocksrv test merchant"
		}
		if m.CategoryCode == "" {
			m.CategoryCode = simulationMCC
		}
		if ev.Kind == kindRefund {
			if decline != "" || approve != nil {
				return Transaction{}, core.Errorf(core.KindInvalid, "a refund authorization takes neither decline nor approve")
			}
			amt, ok := convert(*amount, cur, c.Currency)
			if !ok {
				return Transaction{}, core.Errorf(core.KindInvalid, "currency %q is not supported", cur)
			}
			return s.refundDecidedLocked(w, a, c, nil, amt, m)
		}
		req := authRequest{CardID: c.ID, Amount: *amount, Currency: cur, Merchant: m, Decline: decline, Approve: approve,
			Kind: ev.Kind}
		if ev.Type == core.EventIncrement {
			base, err := w.openAuthLocked(a, ev.Transaction, "incremented")
			if err != nil {
				return Transaction{}, err
			}
			req.Base, req.Merchant = base.ID, base.Merchant
			if ev.Currency == "" {
				req.Currency = base.Currency
			}
		}
		return s.authorizeLocked(w, a, req)
	case core.EventReverse:
		if t, _ := a.txns.Get(ev.Transaction); t.Type == TxnAuthorization && t.Settled && t.Status == TxnApproved {
			return w.settlementReversalLocked(a, ev.Transaction, amount, ev.Currency)
		}
		return w.reverseLocked(a, ev.Transaction, amount, ev.Currency, descReversal)
	case core.EventExpire:
		if amount != nil {
			return Transaction{}, core.Errorf(core.KindInvalid, "expire takes no amount: an authorization expires whole")
		}
		return w.reverseLocked(a, ev.Transaction, nil, "", descAuthExpired)
	case core.EventClear:
		return w.clearLocked(a, ev.Transaction, amount, ev.Currency)
	case core.EventRefund:
		base, left, err := w.clearedAuthLocked(a, ev.Transaction)
		if err != nil {
			return Transaction{}, err
		}
		amt, err := returnAmount(amount, ev.Currency, base.BillingCurrency, left, "refund", base.ID)
		if err != nil {
			return Transaction{}, err
		}
		return s.refundDecidedLocked(w, a, c, &base, amt, base.Merchant)
	}
	return w.chargebackLocked(a, ev.Transaction, amount, ev.Currency)
}

// eventDecimal reads a card event's optional decimal field.
func eventDecimal(field, s string) (*core.Decimal, error) {
	if s == "" {
		return nil, nil
	}
	d, err := core.ParseDecimal(s)
	if err != nil || d.Sign() <= 0 || d.Places() > 2 {
		return nil, core.Errorf(core.KindInvalid, "%s %q: want a positive decimal with at most two places", field, s)
	}
	return &d, nil
}
