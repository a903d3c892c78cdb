package decard

// Direct state helpers for users' tests: set up and inspect the default
// tenant's DeCard state without going through HTTP (miniredis's
// direct.go). Every helper takes the world's lock and settles the clock
// first, exactly as a request would (core.Read, core.Find, core.Change).

import (
	"slices"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// AddUser adds a user; zero fields are filled (a Singapore mobile from the
// seeded faker, KYC PASS). Balances are funded from the fund pool.
func (s *Server) AddUser(u NewUser) (User, error) {
	return core.Change(s.worlds, func(w *world) (User, error) { return w.addUserLocked(u) })
}

// User returns a copy of a user.
func (s *Server) User(id string) (User, bool) {
	return core.Find(s.worlds, func(w *world) (User, bool) { return w.users.Get(id) })
}

// AddCard adds a card; zero fields are filled (a user with KYC PASS is
// made when UserID is empty; status NORMAL).
func (s *Server) AddCard(c NewCard) (Card, error) {
	return core.Change(s.worlds, func(w *world) (Card, error) { return w.addCardLocked(c) })
}

// AddApplication makes a virtual-card application as
// /card/v1/virtual-card/apply does (zero fields filled: a user with KYC
// UNDO, category 10102000, an applyRef and a kycInfo from the faker); its
// Outcome names a rule of the magic values (kyc.refuse, kyc.hold, kyc.edd,
// card.fail) without a magic value.
func (s *Server) AddApplication(a NewApply) (Apply, error) {
	return core.Change(s.worlds, func(w *world) (Apply, error) { return w.addApplyLocked(a) })
}

// Application returns a copy of an application by applyId.
func (s *Server) Application(id string) (Apply, bool) {
	return core.Find(s.worlds, func(w *world) (Apply, bool) { return w.applies.Get(id) })
}

// AddDeposit opens an on-chain deposit order to the user's deposit
// address, as /simulation/v1/deposit does; its Outcome (deposit.fail,
// deposit.audit) steers it without a magic amount.
func (s *Server) AddDeposit(d NewDeposit) (Deposit, error) {
	return core.Change(s.worlds, func(w *world) (Deposit, error) { return w.addDepositLocked(d) })
}

// Card returns a copy of a card by cardId.
func (s *Server) Card(id string) (Card, bool) {
	return core.Find(s.worlds, func(w *world) (Card, bool) { return w.cards.Get(id) })
}

// Cards returns copies of a user's cards, oldest first.
func (s *Server) Cards(user string) []Card {
	return core.Read(s.worlds, func(w *world) []Card { return w.userCardsLocked(user) })
}

// CardStatus returns a card's status as DeCard spells it, or "".
func (s *Server) CardStatus(id string) string {
	c, _ := s.Card(id)
	return string(c.Status)
}

// act drives a card as the admin API's card actions do.
func (s *Server) act(id, action string) error {
	_, err := core.Change(s.worlds, func(w *world) (Card, error) { return w.actLocked(id, action) })
	return err
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
	_, err := core.Change(s.worlds, func(w *world) (User, error) { return w.setKYCDirectLocked(user, st) })
	return err
}

// Credit funds a user's wallet with amount (a decimal string) of an asset
// from the fund pool.
func (s *Server) Credit(user, asset, amount string) error {
	d, err := core.ParseDecimal(amount)
	if err != nil {
		return err
	}
	_, err = core.Change(s.worlds, func(w *world) (WalletEntry, error) { return w.creditLocked(user, asset, d) })
	return err
}

// Balance returns a user's balance of an asset.
func (s *Server) Balance(user, asset string) Balance {
	return core.Read(s.worlds, func(w *world) Balance { return w.balanceLocked(user, asset) })
}

// Authorize simulates a card authorisation, as /simulation/v1/fund-auth
// does.
func (s *Server) Authorize(t NewTransaction) (Outcome, error) {
	return core.Change(s.worlds, func(w *world) (Outcome, error) { return w.addTransactionLocked(t) })
}

// Messages returns the pushed WebSocket messages the default tenant keeps,
// oldest first.
func (s *Server) Messages() []Message {
	return core.Read(s.worlds, func(w *world) []Message { return slices.Clone(w.messages) })
}

// SeedTransactions adds n approved, unposted USD card transactions to a
// card quickly (no wallet movements and no pushes), spread over the open
// statement cycle up to now, for load tests and benchmarks of the
// statement lists.
func (s *Server) SeedTransactions(cardID string, n int) error {
	return s.worlds.Do(core.DefaultTenant, func(w *world) error {
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
	return core.Change(s.worlds, func(w *world) (User, error) { return w.addFCUserLocked(u) })
}

// BankTransfer pays amount into a financial-connection user's virtual
// account of currency from a bank outside (BANK_TRANSFER_INFO).
func (s *Server) BankTransfer(user, currency, amount string) (FCTxn, error) {
	return core.Change(s.worlds, func(w *world) (FCTxn, error) {
		return w.addBankTransferLocked(NewBankTransfer{UserID: user, Currency: currency, Amount: amount})
	})
}

// FCAccounts returns copies of a user's virtual accounts.
func (s *Server) FCAccounts(user string) []FCAccount {
	return core.Read(s.worlds, func(w *world) []FCAccount { return w.fcAccountsLocked(user) })
}

// QROrder returns a copy of a QR-pay order.
func (s *Server) QROrder(id string) (QROrder, bool) {
	return core.Find(s.worlds, func(w *world) (QROrder, bool) { return w.qrOrders.Get(id) })
}

// SetOutcome steers how a user's next QR confirms, financial-connection
// payments, transfers or withdrawals end (or one undecided order or
// withdrawal), as POST /_mocksrv/tenants/{id}/decard/outcomes does.
func (s *Server) SetOutcome(o NewOutcome) error {
	_, err := core.Change(s.worlds, func(w *world) (any, error) { return w.addOutcomeLocked(o) })
	return err
}

// Ledger returns the default tenant's books, per asset (see MoneyLine).
func (s *Server) Ledger() map[string]MoneyLine {
	return core.Read(s.worlds, func(w *world) map[string]MoneyLine { return w.moneyLocked() })
}
