package uqpay

// Direct state helpers for users' tests: set up and inspect the default
// tenant's UQPay state without going through HTTP (miniredis's direct.go).
// Every helper takes the world's lock and settles the clock first, exactly
// as a request would. Cards and cardholders go to the master account
// unless their AccountID names a sub-account.

import (
	"fmt"
	"strings"

	"github.com/mocksrv/mocksrv/sims/core"
)

// do runs f on the default tenant's world, locked and settled.
func (s *Server) do(f func(w *world) error) error { return s.worlds.Do(core.DefaultTenant, f) }

// accountOrMasterLocked returns the account id names, or the master for "".
func (w *world) accountOrMasterLocked(id string) (*account, error) {
	if id == "" {
		return w.master, nil
	}
	a, ok := w.account(strings.ToLower(id))
	if !ok {
		return nil, fmt.Errorf("uqpay: no account %s", id)
	}
	return a, nil
}

// MasterAccountID returns the default tenant's master account_id.
func (s *Server) MasterAccountID() string {
	var id string
	_ = s.do(func(w *world) error { id = w.master.ID; return nil })
	return id
}

// AddSubAccount connects a sub-account (empty balances) and returns it;
// use its ID as x-on-behalf-of.
func (s *Server) AddSubAccount(name string) (SubAccount, error) {
	var out SubAccount
	err := s.do(func(w *world) (err error) { out, err = w.addSubAccountLocked(SubAccount{Name: name}); return err })
	return out, err
}

// SubAccounts lists the connected sub-accounts.
func (s *Server) SubAccounts() []SubAccount {
	var out []SubAccount
	_ = s.do(func(w *world) error { out = w.subAccountsLocked(); return nil })
	return out
}

// AddCardholder adds a cardholder; zero fields are filled from the seeded
// faker and the status defaults to SUCCESS.
func (s *Server) AddCardholder(h Cardholder) (Cardholder, error) {
	var out Cardholder
	err := s.do(func(w *world) error {
		a, err := w.accountOrMasterLocked(h.AccountID)
		if err != nil {
			return err
		}
		out, err = w.addCardholderLocked(a, h)
		return err
	})
	return out, err
}

// Cardholder returns a copy of a cardholder of any account.
func (s *Server) Cardholder(id string) (Cardholder, bool) {
	var h Cardholder
	var ok bool
	_ = s.do(func(w *world) error {
		for _, a := range w.allAccounts() {
			if h, ok = a.cardholders.Get(id); ok {
				return nil
			}
		}
		return nil
	})
	return h, ok
}

// AddCard adds a card; zero fields are filled (an approved cardholder is
// made when CardholderID is empty, the product defaults to ProductSingle)
// and the status defaults to ACTIVE. A SINGLE card's Balance is moved from
// the issuing balance. The error says why a card cannot be made (an
// unknown product or cardholder, too little money).
func (s *Server) AddCard(c Card) (Card, error) {
	var out Card
	err := s.do(func(w *world) error {
		a, err := w.accountOrMasterLocked(c.AccountID)
		if err != nil {
			return err
		}
		out, err = w.addCardLocked(a, c)
		return err
	})
	return out, err
}

// Card returns a copy of a card of any account.
func (s *Server) Card(id string) (Card, bool) {
	var c Card
	var ok bool
	_ = s.do(func(w *world) error { _, c, ok = w.findCardLocked(id); return nil })
	return c, ok
}

// Cards returns copies of the master account's cards, oldest first.
func (s *Server) Cards() []Card {
	var cs []Card
	_ = s.do(func(w *world) error { cs = w.master.cards.All(); return nil })
	return cs
}

// CardStatus returns a card's status as UQPay spells it, or "".
func (s *Server) CardStatus(id string) string {
	c, _ := s.Card(id)
	return string(c.Status)
}

// CardAvailable returns what a card can spend now (its available_balance).
func (s *Server) CardAvailable(id string) (core.Decimal, bool) {
	var d core.Decimal
	var ok bool
	_ = s.do(func(w *world) error {
		var a *account
		var c Card
		if a, c, ok = w.findCardLocked(id); ok {
			d = a.cardAvailable(c)
		}
		return nil
	})
	return d, ok
}

func (s *Server) act(id, action string) error {
	return s.do(func(w *world) error { _, err := w.actLocked(id, action); return err })
}

// FreezeCard moves an ACTIVE card to FROZEN at once (as UQPAY would).
func (s *Server) FreezeCard(id string) error { return s.act(id, "freeze") }

// UnfreezeCard moves a FROZEN card back to ACTIVE.
func (s *Server) UnfreezeCard(id string) error { return s.act(id, "unfreeze") }

// BlockCard blocks a card (BLOCKED, which the merchant cannot undo).
func (s *Server) BlockCard(id string) error { return s.act(id, "block") }

// CancelCard moves a card to PRE_CANCEL; it becomes CANCELLED after the
// cancel wait (30 days of business time).
func (s *Server) CancelCard(id string) error { return s.act(id, "cancel") }

// ExpireCard cancels a card now with reason "Card expired": UQPay has no
// expired status.
func (s *Server) ExpireCard(id string) error { return s.act(id, "expire") }

// ActivateCard activates a PENDING card (physical, or virtual waiting for
// KYC) at once.
func (s *Server) ActivateCard(id string) error { return s.act(id, "activate") }

// Deposit credits the master account's issuing balance (a sandbox deposit,
// approved).
func (s *Server) Deposit(currency, amount string) error {
	return s.DepositTo("", currency, amount)
}

// DepositTo credits an account's issuing balance ("" is the master).
func (s *Server) DepositTo(accountID, currency, amount string) error {
	d, err := core.ParseDecimal(amount)
	if err != nil {
		return err
	}
	return s.do(func(w *world) error {
		a, err := w.accountOrMasterLocked(accountID)
		if err != nil {
			return err
		}
		_, err = w.adminDepositLocked(a, currency, d)
		return err
	})
}

// Balance returns the master account's issuing balance in a currency.
func (s *Server) Balance(currency string) Balance {
	b, _ := s.BalanceOf("", currency)
	return b
}

// BalanceOf returns an account's issuing balance in a currency.
func (s *Server) BalanceOf(accountID, currency string) (Balance, error) {
	var b Balance
	err := s.do(func(w *world) error {
		a, err := w.accountOrMasterLocked(accountID)
		if err != nil {
			return err
		}
		b = a.balances[currency]
		return nil
	})
	return b, err
}

// Authorize simulates an authorization of amount (in the card's currency)
// on a card of the master account, with the simulator's rules but without
// its BIN and MCC limits. A decline is a transaction, not an error.
func (s *Server) Authorize(cardID, amount, merchant string) (Transaction, error) {
	d, err := core.ParseDecimal(amount)
	if err != nil {
		return Transaction{}, err
	}
	var t Transaction
	err = s.do(func(w *world) (err error) {
		a, c, ok := w.findCardLocked(cardID)
		if !ok {
			return errCardNotFound
		}
		t, err = w.adminTransactionLocked(a, AdminTransaction{CardID: c.ID, Amount: d, Merchant: merchant})
		return err
	})
	return t, err
}

// Transactions returns a card's transactions, oldest first.
func (s *Server) Transactions(cardID string) []Transaction {
	var out []Transaction
	_ = s.do(func(w *world) error {
		a, _, ok := w.findCardLocked(cardID)
		if !ok {
			return nil
		}
		a.txns.Each(func(t Transaction) bool {
			if t.CardID == cardID {
				out = append(out, t)
			}
			return true
		})
		return nil
	})
	return out
}

// DecideKYC ends a PENDING cardholder's KYC (cards waiting for it are
// issued or failed).
func (s *Server) DecideKYC(cardholderID string, approve bool) error {
	return s.do(func(w *world) error {
		for _, a := range w.allAccounts() {
			if _, ok := a.cardholders.Get(cardholderID); ok {
				if _, ok := w.decideLocked(a, cardholderID, approve, "Rejected by UQPAY"); !ok {
					return fmt.Errorf("uqpay: cardholder %s is not PENDING", cardholderID)
				}
				return nil
			}
		}
		return fmt.Errorf("uqpay: no cardholder %s", cardholderID)
	})
}

// SimulatedDeposit returns a deposit made through POST
// /api/v1/simulation/deposit.
func (s *Server) SimulatedDeposit(id string) (Deposit, bool) {
	var d Deposit
	var ok bool
	_ = s.do(func(w *world) error { d, ok = w.deposits.Get(id); return nil })
	return d, ok
}

// DecideDeposit ends a PENDING simulated deposit's review: approved, it is
// credited (deposit.completed); rejected, nothing moves
// (deposit.compliance.rejected).
func (s *Server) DecideDeposit(id string, approve bool) error {
	return s.do(func(w *world) error {
		d, ok := w.deposits.Get(id)
		if !ok {
			return fmt.Errorf("uqpay: no deposit %s", id)
		}
		a, _ := w.account(d.AccountID)
		if _, ok := w.decideDepositLocked(a, id, approve, "Rejected by compliance"); !ok {
			return fmt.Errorf("uqpay: deposit %s is not PENDING", id)
		}
		return nil
	})
}

// Ledger returns the default tenant's books per currency; every entry's
// Balanced is true unless money was created or destroyed.
func (s *Server) Ledger() []Ledger {
	var l []Ledger
	_ = s.do(func(w *world) error { l = w.ledgerLocked(); return nil })
	return l
}
