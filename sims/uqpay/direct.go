package uqpay

// Direct state helpers for users' tests: set up and inspect the default
// tenant's UQPay state without going through HTTP (miniredis's direct.go).
// Every helper takes the world's lock and settles the clock first, exactly
// as a request would. Cards and cardholders go to the master account
// unless their AccountID names a sub-account.

import (
	"fmt"
	"strings"
	"time"

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

// ChangeCardStatus asks for a card's status change as the merchant's POST
// /v1/issuing/cards/{id}/status does: ACTIVE, FROZEN or CANCELLED, as an
// order that completes after the order delay (CANCELLED goes to
// PRE_CANCEL, and to CANCELLED after the cancel wait).
func (s *Server) ChangeCardStatus(cardID string, to CardStatus, reason string) (CardOrder, error) {
	var o CardOrder
	err := s.do(func(w *world) (err error) {
		a, c, ok := w.findCardLocked(cardID)
		if !ok {
			return errCardNotFound.With("card %s not found", cardID)
		}
		o, err = w.requestStatusLocked(a, c, to, reason)
		return err
	})
	return o, err
}

// RechargeCard recharges a SINGLE card as POST
// /v1/issuing/cards/{id}/recharge does: the amount leaves the issuing
// balance now and reaches the card when the order completes.
func (s *Server) RechargeCard(cardID, amount string) (CardOrder, error) {
	return s.cardOrder(cardID, amount, (*world).rechargeLocked)
}

// WithdrawCard withdraws from a SINGLE card as POST
// /v1/issuing/cards/{id}/withdraw does: the amount leaves the card now and
// reaches the issuing balance when the order completes.
func (s *Server) WithdrawCard(cardID, amount string) (CardOrder, error) {
	return s.cardOrder(cardID, amount, (*world).withdrawLocked)
}

func (s *Server) cardOrder(cardID, amount string, start func(*world, *account, string, core.Decimal) (CardOrder, error)) (CardOrder, error) {
	d, err := core.ParseDecimal(amount)
	if err != nil {
		return CardOrder{}, err
	}
	if d.Sign() <= 0 {
		return CardOrder{}, fmt.Errorf("uqpay: amount must be positive, got %s", amount)
	}
	var o CardOrder
	err = s.do(func(w *world) (err error) {
		a, c, ok := w.findCardLocked(cardID)
		if !ok {
			return errCardNotFound.With("card %s not found", cardID)
		}
		o, err = start(w, a, c.ID, d)
		return err
	})
	return o, err
}

// CardOrder returns a card order of any account.
func (s *Server) CardOrder(id string) (CardOrder, bool) {
	var o CardOrder
	var ok bool
	_ = s.do(func(w *world) error {
		for _, a := range w.allAccounts() {
			if o, ok = a.orders.Get(id); ok {
				return nil
			}
		}
		return nil
	})
	return o, ok
}

// Reverse reverses an approved, unsettled authorization as POST
// /v1/simulation/issuing/reversal does, and returns the reversal.
func (s *Server) Reverse(transactionID string) (Transaction, error) {
	var t Transaction
	err := s.do(func(w *world) (err error) {
		for _, a := range w.allAccounts() {
			if a.txns.Has(transactionID) {
				t, err = w.reverseLocked(a, transactionID, nil, "", descReversal)
				return err
			}
		}
		return fail("transaction_not_found", "transaction %s not found", transactionID)
	})
	return t, err
}

// SimulateDeposit makes a deposit into an account ("" is the master) as
// POST /v1/simulation/deposit does: PENDING, then COMPLETED and credited
// after the deposit delay (or as the admin API decides, under review).
func (s *Server) SimulateDeposit(accountID, currency, amount string) (Deposit, error) {
	d, err := core.ParseDecimal(amount)
	if err != nil {
		return Deposit{}, err
	}
	if d.Sign() <= 0 || !knownCurrency(currency) {
		return Deposit{}, fmt.Errorf("uqpay: a deposit needs a positive amount in %v, got %s %s", currencies, amount, currency)
	}
	var out Deposit
	err = s.do(func(w *world) error {
		a, err := w.accountOrMasterLocked(accountID)
		if err != nil {
			return err
		}
		out = w.createDepositLocked(a, Deposit{Currency: currency, Amount: d, SenderName: "mocksrv", SenderSwift: "MOCKSGS0"})
		return nil
	})
	return out, err
}

// Transfer moves money between the master account and a sub-account ("" is
// the master) as POST /v1/issuing/transfers does, asked by the master.
func (s *Server) Transfer(sourceID, destinationID, currency, amount string) (Transfer, error) {
	d, err := core.ParseDecimal(amount)
	if err != nil {
		return Transfer{}, err
	}
	if d.Sign() <= 0 || !knownCurrency(currency) {
		return Transfer{}, fmt.Errorf("uqpay: a transfer needs a positive amount in %v, got %s %s", currencies, amount, currency)
	}
	var t Transfer
	err = s.do(func(w *world) error {
		src, err := w.accountOrMasterLocked(sourceID)
		if err != nil {
			return err
		}
		dst, err := w.accountOrMasterLocked(destinationID)
		if err != nil {
			return err
		}
		if src == dst {
			return fmt.Errorf("uqpay: a transfer needs two accounts")
		}
		t, err = w.transferLocked(w.master, src, dst, currency, d, "")
		return err
	})
	return t, err
}

// CreateReport asks for a SETTLEMENT or LEDGER report of an account ("" is
// the master) over [from, to], as POST /v1/issuing/reports does.
func (s *Server) CreateReport(accountID, reportType string, from, to time.Time) (Report, error) {
	if reportType != ReportSettlement && reportType != ReportLedger {
		return Report{}, fmt.Errorf("uqpay: report type must be SETTLEMENT or LEDGER, got %q", reportType)
	}
	var rep Report
	err := s.do(func(w *world) error {
		a, err := w.accountOrMasterLocked(accountID)
		if err != nil {
			return err
		}
		rep = w.createReportLocked(a, reportType, from, to)
		return nil
	})
	return rep, err
}

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

// BalanceTransactions returns an account's balance transactions ("" is
// the master), oldest first.
func (s *Server) BalanceTransactions(accountID string) ([]BalanceTransaction, error) {
	var out []BalanceTransaction
	err := s.do(func(w *world) error {
		a, err := w.accountOrMasterLocked(accountID)
		if err != nil {
			return err
		}
		out = a.balTxns.All()
		return nil
	})
	return out, err
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
		t, err = s.adminTransactionLocked(w, a, AdminTransaction{CardID: c.ID, Amount: d, Merchant: merchant})
		return err
	})
	return t, err
}

// Transaction returns a transaction of the default tenant.
func (s *Server) Transaction(id string) (Transaction, bool) {
	var t Transaction
	var ok bool
	_ = s.do(func(w *world) error {
		for _, a := range w.allAccounts() {
			if t, ok = a.txns.Get(id); ok {
				return nil
			}
		}
		return nil
	})
	return t, ok
}

// CardEvent applies a card-network event to a card of the default tenant
// (what POST /_mocksrv/tenants/default/uqpay/cards/{card}/events does) and
// returns the transaction recording it: authorize, increment, reverse,
// expire, clear, refund or chargeback (see docs/uqpay.md, "Card
// transactions").
func (s *Server) CardEvent(cardID string, ev core.CardEvent) (Transaction, error) {
	var t Transaction
	err := s.do(func(w *world) (err error) { _, t, err = s.cardEventTxnLocked(w, cardID, ev); return err })
	return t, err
}

// DecisionSetup returns the default tenant's Authorization Decision
// registration, with mocksrv's public key generated if it had none.
func (s *Server) DecisionSetup() (DecisionSetup, error) {
	var out DecisionSetup
	err := s.do(func(w *world) (err error) { out, err = s.registerDecisionLocked(w, DecisionRegistration{}); return err })
	return out, err
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
