package uqpay

// Card order endpoints — UQPay Card Issuance v1.6 "Card Recharge", "Card
// Withdraw" and "Retrieve Card Order".

import (
	"net/http"

	"github.com/mocksrv/mocksrv/sims/core"
)

type orderRequest struct {
	Amount amount `json:"amount"`
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
	o, err := w.rechargeLocked(a, core.PathVar(r, "id"), amt)
	if err != nil {
		return nil, err
	}
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
	o, err := w.withdrawLocked(a, core.PathVar(r, "id"), amt)
	if err != nil {
		return nil, err
	}
	return w.orderJSON(o), nil
}

// handleCardOrderRetrieve handles "GET /api/v1/issuing/cards/{order_id}/order".
// Quirk: the path variable is the card_order_id, not a card id.
func (s *Server) handleCardOrderRetrieve(r *http.Request) (any, error) {
	w, a := s.worlds.Enter(r), accountOf(r)
	defer w.Unlock()
	id := core.PathVar(r, "order_id")
	o, ok := a.orders.Get(id)
	if !ok {
		if _, isCard := a.cards.Get(id); isCard {
			return nil, fail("card_order_not_found", "%s is a card_id; this endpoint takes the card_order_id (from create, status, recharge or withdraw)", id)
		}
		return nil, fail("card_order_not_found", "card order %s not found", id)
	}
	return w.orderJSON(o), nil
}
