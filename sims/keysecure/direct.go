package keysecure

// Direct state helpers for users' tests: set up and inspect the default
// tenant's KeySecure state without going through HTTP (miniredis's
// direct.go). Every helper takes the world's lock and settles the clock
// first, exactly as a request would.

import (
	"github.com/mocksrv/mocksrv/sims/core"
)

// do runs f on the default tenant's world with its lock held.
func (s *Server) do(f func(w *world) error) error {
	w := s.defaultWorld()
	w.mu.Lock()
	defer w.mu.Unlock()
	s.settleLocked(w)
	return f(w)
}

// AddCardholder adds a cardholder; zero fields are filled from the seeded
// faker, and the status defaults to Approved. A positive Balance is funded
// from the merchant reserve.
func (s *Server) AddCardholder(h Cardholder) Cardholder {
	var out Cardholder
	_ = s.do(func(w *world) (err error) { out, err = w.addCardholderLocked(h); return err })
	return out
}

// Cardholder returns a copy of a cardholder.
func (s *Server) Cardholder(no string) (Cardholder, bool) {
	var h Cardholder
	var ok bool
	_ = s.do(func(w *world) error { h, ok = w.cardholders.Get(no); return nil })
	return h, ok
}

// AddCard adds a card; zero fields are filled (an approved cardholder is
// made when CardholderNo is empty) and the status defaults to Activated.
func (s *Server) AddCard(c Card) Card {
	var out Card
	_ = s.do(func(w *world) (err error) { out, err = s.addCardLocked(w, c); return err })
	return out
}

// Card returns a copy of a card.
func (s *Server) Card(no string) (Card, bool) {
	var c Card
	var ok bool
	_ = s.do(func(w *world) error { c, ok = w.cards.Get(no); return nil })
	return c, ok
}

// Cards returns copies of every card, oldest first.
func (s *Server) Cards() []Card {
	var cs []Card
	_ = s.do(func(w *world) error { cs = w.cards.All(); return nil })
	return cs
}

// CardStatus returns a card's status as KeySecure spells it, or "".
func (s *Server) CardStatus(no string) string {
	c, _ := s.Card(no)
	return string(c.Status)
}

func (s *Server) act(no, action string) error {
	return s.do(func(w *world) error { _, err := w.actLocked(no, action); return err })
}

// FreezeCard moves an Activated card to Frozen.
func (s *Server) FreezeCard(no string) error { return s.act(no, "freeze") }

// UnfreezeCard moves a Frozen card back to Activated.
func (s *Server) UnfreezeCard(no string) error { return s.act(no, "unfreeze") }

// ActivateCard activates a Pending or ToActivate card.
func (s *Server) ActivateCard(no string) error { return s.act(no, "activate") }

// CancelCard deletes a card (status Delete).
func (s *Server) CancelCard(no string) error { return s.act(no, "cancel") }

// ExpireCard expires a card now. KeySecure has no expired status: the card
// is deleted with reason "Card expired".
func (s *Server) ExpireCard(no string) error { return s.act(no, "expire") }

// Fund moves amount (a decimal string) from the merchant reserve into a
// cardholder's TUSDT account.
func (s *Server) Fund(cardholderNo, amount string) error {
	d, err := core.ParseDecimal(amount)
	if err != nil {
		return err
	}
	return s.do(func(w *world) error {
		h, ok := w.cardholders.Get(cardholderNo)
		if !ok {
			return errHolderNotFound
		}
		_, err := w.transferLocked(h, "fund-"+w.faker.HexID(8), "In", d)
		return err
	})
}

// Consume simulates a purchase of amount on a card, as POST
// /open-api/v1/sandbox/consume does.
func (s *Server) Consume(cardNo, amount string) (Consumption, error) {
	d, err := core.ParseDecimal(amount)
	if err != nil {
		return Consumption{}, err
	}
	var c Consumption
	err = s.do(func(w *world) (err error) {
		c, err = s.consumeRequestLocked(w, sandboxConsumeRequest{CardNo: cardNo, Type: ConsumeConsumption}, d, core.Zero)
		return err
	})
	return c, err
}

// Ledger returns the default tenant's TUSDT ledger; Total never changes.
func (s *Server) Ledger() Money {
	var m Money
	_ = s.do(func(w *world) error { m = w.moneyLocked(); return nil })
	return m
}
