package bkj

// Direct state helpers for users' tests: set up and inspect the default
// tenant's bkj state without going through HTTP (miniredis's direct.go).
// Every helper takes the world's lock and settles the clock first, exactly
// as a request would (core.Read, core.Find, core.Change).

import (
	"github.com/mocksrv/mocksrv/sims/core"
)

// AddUser adds a user; zero fields are filled from the seeded faker and
// the KYC status defaults to approved. The user gets its USDT and USDC
// wallets.
func (s *Server) AddUser(u User) (User, error) {
	return core.Change(s.worlds, func(w *world) (User, error) { return s.addUserLocked(w, u) })
}

// User returns a copy of a user.
func (s *Server) User(id string) (User, bool) {
	return core.Find(s.worlds, func(w *world) (User, bool) { return w.users.Get(id) })
}

// DecideKYC approves or rejects a user's KYC now.
func (s *Server) DecideKYC(userID string, approve bool) error {
	_, err := core.Change(s.worlds, func(w *world) (User, error) { return s.decideLocked(w, userID, approve, rejectedByPlatform) })
	return err
}

// AddCard adds a card; zero fields are filled (an approved user is made
// when AccountID is empty), the status defaults to active, and a Balance
// is funded from outside.
func (s *Server) AddCard(c Card) (Card, error) {
	return core.Change(s.worlds, func(w *world) (Card, error) { return s.addCardLocked(w, c) })
}

// Card returns a copy of a card.
func (s *Server) Card(id string) (Card, bool) {
	return core.Find(s.worlds, func(w *world) (Card, bool) { return w.cards.Get(id) })
}

// Cards returns copies of every card, oldest first.
func (s *Server) Cards() []Card {
	return core.Read(s.worlds, func(w *world) []Card { return w.cards.All() })
}

// CardStatus returns a card's status as bkj spells it, or "".
func (s *Server) CardStatus(id string) string {
	c, _ := s.Card(id)
	return string(c.Status)
}

// act drives a card as the admin API's card actions do.
func (s *Server) act(id, action string) error {
	_, err := core.Change(s.worlds, func(w *world) (Card, error) { return s.actLocked(w, id, action) })
	return err
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
	x, err := core.Change(s.worlds, func(w *world) (Wallet, error) { return w.walletFor(accountID, currency) })
	return x, err == nil
}

// Deposit credits an account's wallet as an on-chain deposit would.
func (s *Server) Deposit(accountID, currency, amount string) (WalletTx, error) {
	d, err := core.ParseDecimal(amount)
	if err != nil {
		return WalletTx{}, err
	}
	return core.Change(s.worlds, func(w *world) (WalletTx, error) {
		return s.depositRequestLocked(w, depositRequest{walletPick: walletPick{AccountID: accountID, Currency: currency}, Amount: d})
	})
}

// Authorize simulates a card transaction, as POST
// /openapi/v1/sandbox/card/authorize does.
func (s *Server) Authorize(a Authorization) (CardTx, error) {
	return core.Change(s.worlds, func(w *world) (CardTx, error) { return s.authorizeLocked(w, a) })
}

// CardEvent applies a card-network event to a default-tenant card, as the
// admin API's POST /_mocksrv/tenants/default/bkj/cards/{card}/events does:
// authorize, reverse, expire, clear or refund. It returns the transaction
// the event made or changed.
func (s *Server) CardEvent(cardID string, ev core.CardEvent) (CardTx, error) {
	return core.Change(s.worlds, func(w *world) (CardTx, error) { return s.applyEventLocked(w, cardID, ev) })
}

// CardTransaction returns a copy of a card transaction.
func (s *Server) CardTransaction(id string) (CardTx, bool) {
	return core.Find(s.worlds, func(w *world) (CardTx, bool) { return w.cardTxs.Get(id) })
}

// CardTransactions returns a card's transactions, oldest first.
func (s *Server) CardTransactions(cardID string) []CardTx {
	return core.Read(s.worlds, func(w *world) []CardTx {
		return w.cardTxs.Query(core.Query[CardTx]{Index: "card", Value: cardID, Window: core.Window{Limit: 1 << 30}}).Items
	})
}

// WalletTransactions returns a wallet's transactions, oldest first.
func (s *Server) WalletTransactions(walletID string) []WalletTx {
	return core.Read(s.worlds, func(w *world) []WalletTx {
		return w.walletTxs.Query(core.Query[WalletTx]{Index: "wallet", Value: walletID, Window: core.Window{Limit: 1 << 30}}).Items
	})
}

// Ledger returns the default tenant's ledger and holdings.
func (s *Server) Ledger() Money {
	return core.Read(s.worlds, func(w *world) Money { return w.moneyLocked() })
}
