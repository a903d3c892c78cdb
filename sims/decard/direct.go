package decard

// Direct state helpers for users' tests: set up and inspect the default
// tenant's DeCard state without going through HTTP (miniredis's
// direct.go). Every helper takes the world's lock and settles the clock
// first, exactly as a request would.

import (
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// do runs f on the default tenant's world, locked and settled.
func (s *Server) do(f func(w *world) error) error { return s.worlds.Do(core.DefaultTenant, f) }

// AddUser adds a user; zero fields are filled (a Singapore mobile from the
// seeded faker, KYC PASS). Balances are funded from the fund pool.
func (s *Server) AddUser(u NewUser) (User, error) {
	var out User
	err := s.do(func(w *world) (err error) { out, err = w.addUserLocked(u); return err })
	return out, err
}

// User returns a copy of a user.
func (s *Server) User(id string) (User, bool) {
	var u User
	var ok bool
	_ = s.do(func(w *world) error { u, ok = w.users.Get(id); return nil })
	return u, ok
}

// AddCard adds a card; zero fields are filled (a user with KYC PASS is
// made when UserID is empty; status NORMAL).
func (s *Server) AddCard(c NewCard) (Card, error) {
	var out Card
	err := s.do(func(w *world) (err error) { out, err = w.addCardLocked(c); return err })
	return out, err
}

// Card returns a copy of a card by cardId.
func (s *Server) Card(id string) (Card, bool) {
	var c Card
	var ok bool
	_ = s.do(func(w *world) error { c, ok = w.cards.Get(id); return nil })
	return c, ok
}

// Cards returns copies of a user's cards, oldest first.
func (s *Server) Cards(user string) []Card {
	var cs []Card
	_ = s.do(func(w *world) error { cs = w.userCardsLocked(user); return nil })
	return cs
}

// CardStatus returns a card's status as DeCard spells it, or "".
func (s *Server) CardStatus(id string) string {
	c, _ := s.Card(id)
	return string(c.Status)
}

func (s *Server) act(id, action string) error {
	return s.do(func(w *world) error { _, err := w.actLocked(id, action); return err })
}

// FreezeCard moves a NORMAL card to FROZEN.
func (s *Server) FreezeCard(id string) error { return s.act(id, "freeze") }

// UnfreezeCard moves a FROZEN card back to NORMAL (no SMS code needed).
func (s *Server) UnfreezeCard(id string) error { return s.act(id, "unfreeze") }

// ActivateCard moves an INACTIVE card to NORMAL.
func (s *Server) ActivateCard(id string) error { return s.act(id, "activate") }

// CancelCard cancels a card (CANCELLED is terminal).
func (s *Server) CancelCard(id string) error { return s.act(id, "cancel") }

// ExpireCard expires a card now. DeCard has no expired status: the card is
// CANCELLED with reason "expired".
func (s *Server) ExpireCard(id string) error { return s.act(id, "expire") }

// SetKYC sets a user's KYC status; PASS and REFUSE also move the user's
// waiting card applications on.
func (s *Server) SetKYC(user string, st KYCStatus) error {
	return s.do(func(w *world) error { _, err := w.setKYCDirectLocked(user, st); return err })
}

// Credit funds a user's wallet with amount (a decimal string) of an asset
// from the fund pool.
func (s *Server) Credit(user, asset, amount string) error {
	d, err := core.ParseDecimal(amount)
	if err != nil {
		return err
	}
	return s.do(func(w *world) error { _, err := w.creditLocked(user, asset, d); return err })
}

// Balance returns a user's balance of an asset.
func (s *Server) Balance(user, asset string) Balance {
	var b Balance
	_ = s.do(func(w *world) error { b = w.balanceLocked(user, asset); return nil })
	return b
}

// Authorize simulates a card authorisation, as /simulation/v1/fund-auth
// does.
func (s *Server) Authorize(t NewTransaction) (Outcome, error) {
	var out Outcome
	err := s.do(func(w *world) (err error) { out, err = w.addTransactionLocked(t); return err })
	return out, err
}

// Messages returns the pushed WebSocket messages the default tenant keeps,
// oldest first.
func (s *Server) Messages() []Message {
	var ms []Message
	_ = s.do(func(w *world) error { ms = append([]Message(nil), w.messages...); return nil })
	return ms
}

// SeedTransactions adds n approved, unposted USD card transactions to a
// card quickly (no wallet movements and no pushes), spread over the open
// statement cycle up to now, for load tests and benchmarks of the
// statement lists.
func (s *Server) SeedTransactions(cardID string, n int) error {
	return s.do(func(w *world) error {
		c, ok := w.cards.Get(cardID)
		if !ok {
			return fail("CARD_NOT_EXISTED", text{"cardId %s", "cardId %s"}, cardID)
		}
		now := w.Now()
		start := w.cycleStart(now)
		step := now.Sub(start) / time.Duration(n+1)
		sgd, _ := w.rate("SGD")
		for i := 0; i < n; i++ {
			at := start.Add(step * time.Duration(i+1))
			amt := core.DecimalFromCents(int64(100 + i%9900))
			x := CardTxn{ID: w.numID(24), PostedID: w.numID(24), ExternalTranID: w.numID(19), STAN: w.Faker.Digits(6),
				CardID: c.ID, UserID: c.UserID, DC: Debit, Amount: amt, Currency: "USD", USD: amt, SGD: amt.Mul(sgd).Round(2),
				Merchant: "MOCKSRV LOAD TEST", MerchantNo: "0000000000000", At: at, Cycle: start,
				Movements: []Movement{{Asset: "USD", Amount: amt.Neg(), At: at, Type: MovementConversion}}}
			w.txns.Put(x.ID, x)
		}
		return nil
	})
}

// AddFCUser adds a financial-connection user with a virtual account per
// currency; zero fields are filled, and Balances arrive by bank transfer.
func (s *Server) AddFCUser(u NewFCUser) (User, error) {
	var out User
	err := s.do(func(w *world) (err error) { out, err = w.addFCUserLocked(u); return err })
	return out, err
}

// BankTransfer pays amount into a financial-connection user's virtual
// account of currency from a bank outside (BANK_TRANSFER_INFO).
func (s *Server) BankTransfer(user, currency, amount string) (FCTxn, error) {
	var out FCTxn
	err := s.do(func(w *world) (err error) {
		out, err = w.addBankTransferLocked(NewBankTransfer{UserID: user, Currency: currency, Amount: amount})
		return err
	})
	return out, err
}

// FCAccounts returns copies of a user's virtual accounts.
func (s *Server) FCAccounts(user string) []FCAccount {
	var out []FCAccount
	_ = s.do(func(w *world) error { out = w.fcAccountsLocked(user); return nil })
	return out
}

// QROrder returns a copy of a QR-pay order.
func (s *Server) QROrder(id string) (QROrder, bool) {
	var o QROrder
	var ok bool
	_ = s.do(func(w *world) error { o, ok = w.qrOrders.Get(id); return nil })
	return o, ok
}

// SetOutcome steers how a user's next QR confirms, financial-connection
// payments, transfers or withdrawals end (or one undecided order or
// withdrawal), as POST /_mocksrv/tenants/{id}/decard/outcomes does.
func (s *Server) SetOutcome(o NewOutcome) error {
	return s.do(func(w *world) error { _, err := w.addOutcomeLocked(o); return err })
}

// Ledger returns the default tenant's books, per asset (see MoneyLine).
func (s *Server) Ledger() map[string]MoneyLine {
	var out map[string]MoneyLine
	_ = s.do(func(w *world) error { out = w.moneyLocked(); return nil })
	return out
}
