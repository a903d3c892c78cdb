package keysecure

// Direct state helpers for users' tests: set up and inspect the default
// tenant's KeySecure state without going through HTTP (miniredis's
// direct.go). Every helper takes the world's lock and settles the clock
// first, exactly as a request would.

import (
	"github.com/mocksrv/mocksrv/sims/core"
)

// do runs f on the default tenant's world, locked and settled.
func (s *Server) do(f func(w *world) error) error { return s.worlds.Do(core.DefaultTenant, f) }

// AddCardholder adds a cardholder; zero fields are filled from the seeded
// faker, and the status defaults to Approved. A positive Balance is funded
// from the merchant reserve.
func (s *Server) AddCardholder(h Cardholder) (Cardholder, error) {
	var out Cardholder
	err := s.do(func(w *world) (err error) { out, err = w.addCardholderLocked(h); return err })
	return out, err
}

// Cardholder returns a copy of a cardholder.
func (s *Server) Cardholder(id string) (Cardholder, bool) {
	var h Cardholder
	var ok bool
	_ = s.do(func(w *world) error { h, ok = w.cardholders.Get(id); return nil })
	return h, ok
}

// AddCard adds a card; zero fields are filled (an approved cardholder is
// made when CardholderNo is empty) and the status defaults to Activated.
func (s *Server) AddCard(c Card) (Card, error) {
	var out Card
	err := s.do(func(w *world) (err error) { out, err = w.addCardLocked(c); return err })
	return out, err
}

// Card returns a copy of a card.
func (s *Server) Card(id string) (Card, bool) {
	var c Card
	var ok bool
	_ = s.do(func(w *world) error { c, ok = w.cards.Get(id); return nil })
	return c, ok
}

// Cards returns copies of every card, oldest first.
func (s *Server) Cards() []Card {
	var cs []Card
	_ = s.do(func(w *world) error { cs = w.cards.All(); return nil })
	return cs
}

// CardStatus returns a card's status as KeySecure spells it, or "".
func (s *Server) CardStatus(id string) string {
	c, _ := s.Card(id)
	return string(c.Status)
}

func (s *Server) act(id, action string) error {
	return s.do(func(w *world) error { _, err := w.actLocked(id, action); return err })
}

// FreezeCard moves an Activated card to Frozen.
func (s *Server) FreezeCard(id string) error { return s.act(id, "freeze") }

// UnfreezeCard moves a Frozen card back to Activated.
func (s *Server) UnfreezeCard(id string) error { return s.act(id, "unfreeze") }

// ActivateCard activates a Pending or ToActivate card.
func (s *Server) ActivateCard(id string) error { return s.act(id, "activate") }

// CancelCard deletes a card (status Delete).
func (s *Server) CancelCard(id string) error { return s.act(id, "cancel") }

// ExpireCard expires a card now. KeySecure has no expired status: the card
// is deleted with reason "Card expired".
func (s *Server) ExpireCard(id string) error { return s.act(id, "expire") }

// Fund moves amount (a decimal string) from the merchant reserve into a
// cardholder's TUSDT account.
func (s *Server) Fund(cardholderID, amount string) error {
	d, err := core.ParseDecimal(amount)
	if err != nil {
		return err
	}
	return s.do(func(w *world) error {
		h, ok := w.cardholders.Get(cardholderID)
		if !ok {
			return errHolderNotFound
		}
		_, err := w.transferLocked(h, "fund-"+w.Faker.HexID(8), "In", d)
		return err
	})
}

// Consume simulates a purchase of amount on a card, as POST
// /open-api/v1/sandbox/consume does.
func (s *Server) Consume(cardID, amount string) (Consumption, error) {
	d, err := core.ParseDecimal(amount)
	if err != nil {
		return Consumption{}, err
	}
	var c Consumption
	err = s.do(func(w *world) (err error) {
		c, err = s.consumeRequestLocked(w, sandboxConsumeRequest{CardNo: cardID, Type: ConsumeConsumption}, d, core.Zero)
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

// CardEvent applies a card-network event to a default-tenant card, as the
// admin API's POST /_mocksrv/tenants/default/keysecure/cards/{card}/events
// does: authorize (asking the merchant for an authorization-mode card),
// reverse, expire, clear or refund. It returns the consumption the event
// made or changed.
func (s *Server) CardEvent(cardNo string, ev core.CardEvent) (Consumption, error) {
	var c Consumption
	err := s.do(func(w *world) (err error) { c, err = s.applyEventLocked(w, cardNo, ev); return err })
	return c, err
}

// Consumption returns a copy of a consumption.
func (s *Server) Consumption(no string) (Consumption, bool) {
	var c Consumption
	var ok bool
	_ = s.do(func(w *world) error { c, ok = w.consumes.Get(no); return nil })
	return c, ok
}

// Consumptions returns copies of a card's consumptions, oldest first.
func (s *Server) Consumptions(cardNo string) []Consumption {
	var out []Consumption
	_ = s.do(func(w *world) error {
		w.consumes.Each(func(c Consumption) bool {
			if c.CardNo == cardNo {
				out = append(out, c)
			}
			return true
		})
		return nil
	})
	return out
}
