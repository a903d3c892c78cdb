package uqpay

// Card order endpoints — UQPay Card Issuance v1.6 "Card Recharge", "Card
// Withdraw" and "Retrieve Card Order".

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/mocksrv/mocksrv/sims/core"
)

type orderRequest struct {
	Amount amount `json:"amount"`
}

// moneyCardLocked returns a card that can take a recharge or withdrawal.
func moneyCardLocked(a *account, id string) (Card, error) {
	c, err := a.cardLocked(id)
	switch {
	case err != nil:
		return c, err
	case c.Mode != ModeSingle:
		return c, errNotSingle
	case c.Usage == UsageOneTime:
		return c, errOneTimeLock
	case c.Status != StatusActive && c.Status != StatusFrozen:
		return c, fail("card_status_invalid", "card %s is %s; only ACTIVE or FROZEN cards can be recharged or withdrawn", c.ID, c.Status)
	}
	return c, nil
}

// handleCardRecharge handles "POST /api/v1/issuing/cards/{id}/recharge":
// the amount leaves the issuing balance now (frozen while the order is
// PENDING) and reaches the card when the order completes.
func (s *Server) handleCardRecharge(r *http.Request) (any, error) {
	var req orderRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	amt, err := req.Amount.parse("amount", 2, true)
	if err != nil {
		return nil, err
	}
	w, a := s.worlds.Enter(r), accountOf(r)
	defer w.Unlock()
	c, err := moneyCardLocked(a, mux.Vars(r)["id"])
	if err != nil {
		return nil, err
	}
	if a.available(c.Currency).LessThan(amt) {
		return nil, fail("insufficient_balance", "the %s issuing balance (%s) is less than %s",
			c.Currency, money(a.available(c.Currency)), money(amt))
	}
	o := w.newOrderLocked(a, c, OrderRecharge, actionRecharge, amt, OrderPending)
	bt := w.moveBalanceLocked(a, c.Currency, amt.Neg(), amt, BalCardRecharge, BalPending,
		"Recharge card "+last4(c.PAN), o.ID, amt.Neg())
	o.BalTxnID = bt.ID
	a.orders.Put(o.ID, o)
	w.scheduleOrderLocked(a, o)
	return w.orderJSON(o), nil
}

// handleCardWithdraw handles "POST /api/v1/issuing/cards/{id}/withdraw":
// the amount leaves the card now and reaches the issuing balance when the
// order completes.
func (s *Server) handleCardWithdraw(r *http.Request) (any, error) {
	var req orderRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	amt, err := req.Amount.parse("amount", 2, true)
	if err != nil {
		return nil, err
	}
	w, a := s.worlds.Enter(r), accountOf(r)
	defer w.Unlock()
	c, err := moneyCardLocked(a, mux.Vars(r)["id"])
	if err != nil {
		return nil, err
	}
	if c.Balance.LessThan(amt) {
		return nil, fail("insufficient_balance", "card %s holds %s %s, less than %s", c.ID, money(c.Balance), c.Currency, money(amt))
	}
	c.Balance, c.UpdatedAt = c.Balance.Sub(amt), w.Now()
	a.cards.Put(c.ID, c)
	o := w.newOrderLocked(a, c, OrderWithdraw, actionWithdraw, amt, OrderPending)
	bt := w.moveBalanceLocked(a, c.Currency, core.Zero, amt, BalCardWithdraw, BalPending,
		"Withdraw from card "+last4(c.PAN), o.ID, amt)
	o.BalTxnID = bt.ID
	a.orders.Put(o.ID, o)
	w.scheduleOrderLocked(a, o)
	return w.orderJSON(o), nil
}

// handleCardOrderRetrieve handles "GET /api/v1/issuing/cards/{order_id}/order".
// Quirk: the path variable is the card_order_id, not a card id.
func (s *Server) handleCardOrderRetrieve(r *http.Request) (any, error) {
	w, a := s.worlds.Enter(r), accountOf(r)
	defer w.Unlock()
	id := mux.Vars(r)["order_id"]
	o, ok := a.orders.Get(id)
	if !ok {
		if _, isCard := a.cards.Get(id); isCard {
			return nil, fail("card_order_not_found", "%s is a card_id; this endpoint takes the card_order_id (from create, status, recharge or withdraw)", id)
		}
		return nil, fail("card_order_not_found", "card order %s not found", id)
	}
	return w.orderJSON(o), nil
}
