package bkj

// Direct state helpers for users' tests: set up and inspect the default
// tenant's bkj state without going through HTTP (miniredis's direct.go).
// Every helper takes the world's lock and settles the clock first, exactly
// as a request would.

import (
	"github.com/mocksrv/mocksrv/sims/core"
)

// do runs f on the default tenant's world, locked and settled.
func (s *Server) do(f func(w *world) error) error { return s.worlds.Do(core.DefaultTenant, f) }

// AddUser adds a user; zero fields are filled from the seeded faker and
// the KYC status defaults to approved. The user gets its USDT and USDC
// wallets.
func (s *Server) AddUser(u User) (User, error) {
	var out User
	err := s.do(func(w *world) (err error) { out, err = s.addUserLocked(w, u); return err })
	return out, err
}

// User returns a copy of a user.
func (s *Server) User(id string) (User, bool) {
	var u User
	var ok bool
	_ = s.do(func(w *world) error { u, ok = w.users.Get(id); return nil })
	return u, ok
}

// DecideKYC approves or rejects a user's KYC now.
func (s *Server) DecideKYC(userID string, approve bool) error {
	decision := "reject"
	if approve {
		decision = "approve"
	}
	return s.do(func(w *world) error { _, err := s.decideLocked(w, userID, decision, ""); return err })
}

// AddCard adds a card; zero fields are filled (an approved user is made
// when AccountID is empty), the status defaults to active, and a Balance
// is funded from outside.
func (s *Server) AddCard(c Card) (Card, error) {
	var out Card
	err := s.do(func(w *world) (err error) { out, err = s.addCardLocked(w, c); return err })
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

// CardStatus returns a card's status as bkj spells it, or "".
func (s *Server) CardStatus(id string) string {
	c, _ := s.Card(id)
	return string(c.Status)
}

func (s *Server) act(id, action string) error {
	return s.do(func(w *world) error { _, err := s.actLocked(w, id, action); return err })
}

// FreezeCard freezes an active card at once (no processing_frozen step).
func (s *Server) FreezeCard(id string) error { return s.act(id, "freeze") }

// UnfreezeCard unfreezes a frozen card at once.
func (s *Server) UnfreezeCard(id string) error { return s.act(id, "unfreeze") }

// ExpireCard expires a card now.
func (s *Server) ExpireCard(id string) error { return s.act(id, "expire") }

// BlockCard blocks a card (status blocked).
func (s *Server) BlockCard(id string) error { return s.act(id, "block") }

// CancelCard moves a card to pre_delete; it is deleted after
// Delays.Delete.
func (s *Server) CancelCard(id string) error { return s.act(id, "cancel") }

// ActivateCard makes a card in production, review or blocked active now.
func (s *Server) ActivateCard(id string) error { return s.act(id, "activate") }

// Wallet returns an account's wallet of a currency (USDT or USDC).
func (s *Server) Wallet(accountID, currency string) (Wallet, bool) {
	var x Wallet
	err := s.do(func(w *world) (err error) { x, err = w.walletFor(accountID, currency); return err })
	return x, err == nil
}

// Deposit credits an account's wallet as an on-chain deposit would.
func (s *Server) Deposit(accountID, currency, amount string) (WalletTx, error) {
	d, err := core.ParseDecimal(amount)
	if err != nil {
		return WalletTx{}, err
	}
	var t WalletTx
	err = s.do(func(w *world) (err error) {
		t, err = s.depositRequestLocked(w, depositRequest{AccountID: accountID, Currency: currency, Amount: d})
		return err
	})
	return t, err
}

// Authorize simulates a card transaction, as POST
// /openapi/v1/sandbox/card/authorize does.
func (s *Server) Authorize(a Authorization) (CardTx, error) {
	var t CardTx
	err := s.do(func(w *world) (err error) { t, err = s.authorizeLocked(w, a); return err })
	return t, err
}

// CardTransactions returns a card's transactions, oldest first.
func (s *Server) CardTransactions(cardID string) []CardTx {
	var out []CardTx
	_ = s.do(func(w *world) error {
		out = w.cardTxs.Query(core.Query[CardTx]{Index: "card", Value: cardID, Window: core.Window{Limit: 1 << 30}}).Items
		return nil
	})
	return out
}

// WalletTransactions returns a wallet's transactions, oldest first.
func (s *Server) WalletTransactions(walletID string) []WalletTx {
	var out []WalletTx
	_ = s.do(func(w *world) error {
		out = w.walletTxs.Query(core.Query[WalletTx]{Index: "wallet", Value: walletID, Window: core.Window{Limit: 1 << 30}}).Items
		return nil
	})
	return out
}

// Money returns the default tenant's ledger and holdings.
func (s *Server) Money() Money {
	var m Money
	_ = s.do(func(w *world) error { m = w.moneyLocked(); return nil })
	return m
}
