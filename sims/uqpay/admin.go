package uqpay

// What the admin API (/_mocksrv/...) and scenario "given" sections do to a
// tenant's UQPay state.

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// SubAccount is a connected Issuing sub-account (x-on-behalf-of).
type SubAccount struct {
	ID        string    `json:"account_id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"create_time"`
}

// AccountDump is one account's state.
type AccountDump struct {
	ID                  string               `json:"account_id"`
	Name                string               `json:"name"`
	Master              bool                 `json:"master"`
	Balances            []Balance            `json:"balances"`
	Cardholders         []Cardholder         `json:"cardholders"`
	Cards               []Card               `json:"cards"`
	Orders              []CardOrder          `json:"card_orders"`
	Transactions        []Transaction        `json:"transactions"`
	BalanceTransactions []BalanceTransaction `json:"balance_transactions"`
}

// StateDump is a tenant's UQPay state as GET
// /_mocksrv/tenants/{id}/uqpay/state shows it.
type StateDump struct {
	Credentials Credentials   `json:"credentials"`
	Accounts    []AccountDump `json:"accounts"`
	Transfers   []Transfer    `json:"transfers"`
	Reports     []Report      `json:"reports"`
	Deposits    []Deposit     `json:"deposits"`
	Ledger      []Ledger      `json:"ledger"`
	LiveTokens  int           `json:"live_tokens"`
	Pending     []core.Task   `json:"scheduled"`
	Decision    DecisionSetup `json:"decision"` // the Authorization Decision registration and mocksrv's public key (once made)
}

// dumpLocked returns a tenant's UQPay state as the admin API shows it.
func (s *Server) dumpLocked(w *world) any {
	live := 0
	s.tokMu.RLock()
	for _, t := range w.tokenOrder {
		if rec := s.tokenRecs[t]; !rec.Revoked && w.tokenNow().Before(rec.Exp) {
			live++
		}
	}
	s.tokMu.RUnlock()
	d := StateDump{Credentials: w.creds, Transfers: w.transfers.All(), Reports: w.reports.All(),
		Deposits: w.deposits.All(), Ledger: w.ledgerLocked(), LiveTokens: live, Pending: w.Agenda.Tasks(),
		Decision: w.decision.view()}
	for _, a := range w.allAccounts() {
		ad := AccountDump{ID: a.ID, Name: a.Name, Master: a.Master, Cardholders: a.cardholders.All(),
			Cards: a.cards.All(), Orders: a.orders.All(), Transactions: a.txns.All(), BalanceTransactions: a.balTxns.All()}
		for _, cur := range sortedKeys(a.balances) {
			ad.Balances = append(ad.Balances, a.balances[cur])
		}
		d.Accounts = append(d.Accounts, ad)
	}
	return d
}

// createLocked adds state directly (the admin API's POST
// /_mocksrv/tenants/{id}/uqpay/{kind} and scenario "given"): kind is
// sub_accounts, cardholders, cards, deposits, deposit_decisions,
// transactions, kyc or decision (the tenant's Authorization Decision
// registration). Every body may name an account_id (default: the master
// account).
func (s *Server) createLocked(w *world, kind string, body []byte) (any, error) {
	var target struct {
		AccountID string `json:"account_id"`
	}
	_ = json.Unmarshal(body, &target)
	a := w.master
	if target.AccountID != "" && kind != "sub_accounts" {
		var ok bool
		if a, ok = w.account(strings.ToLower(target.AccountID)); !ok {
			return nil, core.Errorf(core.KindNotFound, "uqpay: no account %q in tenant %s", target.AccountID, w.Tenant.ID)
		}
	}
	switch kind {
	case "sub_accounts":
		return core.DecodeThen(body, w.addSubAccountLocked)
	case "cardholders":
		return core.DecodeThen(body, func(h Cardholder) (Cardholder, error) { return w.addCardholderLocked(a, h) })
	case "cards":
		return core.DecodeThen(body, func(c Card) (Card, error) { return w.addCardLocked(a, c) })
	case "deposits":
		return core.DecodeThen(body, func(req adminDeposit) (BalanceTransaction, error) {
			return w.adminDepositLocked(a, req.Currency, req.Amount)
		})
	case "transactions":
		return core.DecodeThen(body, func(req AdminTransaction) (Transaction, error) { return s.adminTransactionLocked(w, a, req) })
	case "decision":
		return core.DecodeThen(body, func(req DecisionRegistration) (DecisionSetup, error) { return s.registerDecisionLocked(w, req) })
	case "deposit_decisions":
		var req struct {
			AccountID string `json:"account_id"`
			DepositID string `json:"deposit_id"`
			core.Decision
		}
		if err := core.DecodeStrict(body, &req); err != nil {
			return nil, err
		}
		approve, reason, err := req.Verdict("deposit", "Rejected by compliance")
		if err != nil {
			return nil, err
		}
		if d, ok := w.deposits.Get(req.DepositID); ok && target.AccountID == "" {
			a, _ = w.account(d.AccountID) // the deposit names its account
		}
		d, ok := w.decideDepositLocked(a, req.DepositID, approve, reason)
		if !ok {
			return nil, core.Errorf(core.KindConflict, "deposit %q does not exist or is not PENDING", req.DepositID)
		}
		return d, nil
	case "kyc":
		var req struct {
			AccountID    string `json:"account_id"`
			CardholderID string `json:"cardholder_id"`
			core.Decision
		}
		if err := core.DecodeStrict(body, &req); err != nil {
			return nil, err
		}
		approve, reason, err := req.Verdict("kyc", "Rejected by UQPAY")
		if err != nil {
			return nil, err
		}
		h, ok := w.decideLocked(a, req.CardholderID, approve, reason)
		if !ok {
			return nil, core.Errorf(core.KindConflict, "cardholder %q does not exist or is not PENDING", req.CardholderID)
		}
		return h, nil
	}
	return nil, core.Errorf(core.KindNotFound,
		"uqpay has no %q to create: use sub_accounts, cardholders, cards, deposits, deposit_decisions, transactions, kyc or decision", kind)
}

// addSubAccountLocked connects a sub-account with empty balances.
func (w *world) addSubAccountLocked(req SubAccount) (SubAccount, error) {
	id := strings.ToLower(req.ID)
	if id == "" {
		id = w.Faker.UUID()
	}
	if !uuidPattern.MatchString(id) {
		return req, core.Errorf(core.KindInvalid, "account_id %q must be a UUID", req.ID)
	}
	if _, taken := w.accounts[id]; taken {
		return req, core.Errorf(core.KindConflict, "account %s already exists", id)
	}
	if req.Name == "" {
		req.Name = w.Faker.Company()
	}
	a := newAccount(id, req.Name, false, w.Now())
	for _, cur := range currencies {
		w.openBalanceLocked(a, cur)
	}
	w.accounts[id] = a
	w.subs = append(w.subs, id)
	return SubAccount{ID: id, Name: a.Name, CreatedAt: a.CreatedAt}, nil
}

// subAccountsLocked lists the connected sub-accounts.
func (w *world) subAccountsLocked() []SubAccount {
	var out []SubAccount
	for _, id := range w.subs {
		a := w.accounts[id]
		out = append(out, SubAccount{ID: a.ID, Name: a.Name, CreatedAt: a.CreatedAt})
	}
	return out
}

// addCardholderLocked inserts a cardholder in any status, filling blanks
// from the faker. Its outcome (a kyc.* rule, or the rule of a magic email)
// steers its KYC as a magic email would; without a status it starts where
// the outcome starts (SUCCESS for none).
func (w *world) addCardholderLocked(a *account, h Cardholder) (Cardholder, error) {
	now := w.Now()
	if h.ID == "" {
		h.ID = w.Faker.UUID()
	}
	if a.cardholders.Has(h.ID) {
		return h, core.Errorf(core.KindConflict, "cardholder %s already exists", h.ID)
	}
	if h.FirstName == "" {
		h.FirstName, h.LastName = w.Faker.FirstName(), w.Faker.LastName()
	}
	if h.LastName == "" {
		h.LastName = w.Faker.LastName()
	}
	if h.Email == "" {
		h.Email = strings.ToLower(h.FirstName+"."+h.LastName) + "." + w.Faker.Digits(4) + "@example.com"
		h.Email = strings.ReplaceAll(h.Email, " ", "")
	}
	if h.PhoneNumber == "" {
		h.PhoneNumber = "8" + w.Faker.Digits(7)
	}
	if h.CountryCode == "" {
		h.CountryCode = "SG"
	}
	if err := a.uniqueLocked(h.ID, h.Email, h.PhoneNumber); err != nil {
		return h, err
	}
	if m, ok := magic.Find(fieldEmail, h.Email); ok && h.Outcome == "" {
		h.Outcome = m.Rule
	}
	if err := checkOutcome("outcome", h.Outcome, kycRules...); err != nil {
		return h, err
	}
	switch {
	case h.Status == "" && h.Outcome != "":
		w.admitLocked(a, &h) // the status the outcome starts with
	case h.Status == "":
		h.Status = CardholderSuccess
	case h.Status == CardholderPending:
		w.pendLocked(a, &h)
	}
	h.AccountID = a.ID
	if h.CreatedAt.IsZero() {
		h.CreatedAt = now
	}
	h.UpdatedAt = now
	w.putCardholderLocked(a, h)
	return h, nil
}

// addCardLocked inserts a card in any status (default ACTIVE, product
// ProductSingle, USD), making an approved cardholder when none is named. A
// SINGLE card's Balance is funded from the account's issuing balance, so
// money stays conserved.
func (w *world) addCardLocked(a *account, c Card) (Card, error) {
	if c.CardholderID == "" {
		h, err := w.addCardholderLocked(a, Cardholder{})
		if err != nil {
			return c, err
		}
		c.CardholderID = h.ID
	}
	if _, ok := a.cardholders.Get(c.CardholderID); !ok {
		return c, core.Errorf(core.KindNotFound, "cardholder %s does not exist", c.CardholderID)
	}
	if c.ProductID == "" {
		c.ProductID = ProductSingle
	}
	p, ok := findProduct(c.ProductID)
	if !ok {
		return c, core.Errorf(core.KindNotFound, "card product %s does not exist", c.ProductID)
	}
	if c.Currency == "" {
		c.Currency = p.Currencies[0]
	}
	if c.Status == "" {
		c.Status = StatusActive
	}
	if c.Held.Sign() != 0 || c.Consumed.Sign() != 0 {
		return c, core.Errorf(core.KindInvalid, "held and consumed come from transactions; create those instead")
	}
	balance, pan, cvv, id := c.Balance, c.PAN, c.CVV, c.ID
	c.Balance, c.AccountID = core.Zero, a.ID
	switch {
	case id != "" && a.cards.Has(id):
		return c, core.Errorf(core.KindConflict, "card %s already exists", id)
	case pan != "" && a.cardByPAN[pan] != "":
		return c, core.Errorf(core.KindConflict, "card number %s is already used", pan)
	case balance.Sign() > 0 && p.Mode != ModeSingle:
		return c, core.Errorf(core.KindInvalid, "only SINGLE cards hold a balance")
	case balance.Sign() > 0 && a.available(c.Currency).LessThan(balance):
		return c, core.Errorf(core.KindConflict, "the %s issuing balance cannot fund a card balance of %s", c.Currency, balance)
	}
	made := w.newCardLocked(a, c, p)
	if id != "" {
		delete(a.cardByPAN, made.PAN)
		made.ID = id
		a.cardByPAN[made.PAN] = id
	}
	if pan != "" {
		delete(a.cardByPAN, made.PAN)
		made.PAN = pan
		a.cardByPAN[pan] = made.ID
	}
	if cvv != "" {
		made.CVV = cvv
	}
	if c.ExpYear != 0 {
		made.ExpYear, made.ExpMonth = c.ExpYear, max(c.ExpMonth, 1)
		w.scheduleExpiryLocked(a, made)
	}
	if made.Status == StatusPending && made.FormFactor == Physical && made.ActivationCode == "" {
		made.ActivationCode = w.Faker.Digits(8)
	}
	// A card made by UQPAY gets a creation order only when one is needed:
	// it is still being issued, or money moved onto it.
	if made.Status == StatusPending && made.FormFactor == Virtual {
		o := w.newOrderLocked(a, made, OrderCreate, "", core.Zero, OrderProcessing)
		made.OrderID = o.ID
		w.Agenda.Schedule(w.Now().Add(w.set.IssueDelay.D()), taskCardIssue, a.ID+"/"+made.ID)
	}
	if balance.Sign() > 0 {
		o := w.newOrderLocked(a, made, OrderRecharge, "", balance, OrderSuccess)
		w.moveBalanceLocked(a, made.Currency, balance.Neg(), core.Zero, BalCardRecharge, BalCompleted,
			"Opening load of card "+last4(made.PAN), o.ID, balance.Neg())
		made.Balance = balance
	}
	if made.Status != StatusPending {
		a.issued[p.ID]++
	}
	if made.Status != StatusPending {
		made.History = nil
		made.record(w.Now(), "created in status "+string(made.Status)+" (admin API)")
	}
	a.cards.Put(made.ID, made)
	if made.Status == StatusActive {
		w.startFeesLocked(a, made)
	}
	if made.Status == StatusPreCancel {
		w.Agenda.Schedule(w.Now().Add(w.set.CancelWait.D()), taskCardCancel, a.ID+"/"+made.ID)
	}
	return made, nil
}

// adminDeposit is the body of an admin deposit.
type adminDeposit struct {
	AccountID string       `json:"account_id"`
	Currency  string       `json:"currency"`
	Amount    core.Decimal `json:"amount"`
}

// adminDepositLocked credits a sandbox deposit ("sandbox deposits need
// manual approval": this is the approval).
func (w *world) adminDepositLocked(a *account, cur string, amt core.Decimal) (BalanceTransaction, error) {
	if !knownCurrency(cur) {
		return BalanceTransaction{}, core.Errorf(core.KindInvalid, "currency %q: want %v", cur, currencies)
	}
	if amt.Sign() <= 0 {
		return BalanceTransaction{}, core.Errorf(core.KindInvalid, "amount must be positive")
	}
	return w.depositLocked(a, cur, amt, "Deposit approved", ""), nil
}

// AdminTransaction is a card transaction made through the admin API:
// an AUTHORIZATION (the simulator's rules, without its BIN and MCC
// limits, through the tenant's decision endpoint when one is registered),
// or a REFUND of an earlier transaction or an unsolicited one.
type AdminTransaction struct {
	AccountID   string       `json:"account_id,omitempty"`
	CardID      string       `json:"card_id"`
	Type        string       `json:"transaction_type,omitempty"` // AUTHORIZATION (default) or REFUND
	Amount      core.Decimal `json:"amount"`
	Currency    string       `json:"currency,omitempty"` // default: the card's
	Merchant    string       `json:"merchant_name,omitempty"`
	MCC         string       `json:"merchant_category_code,omitempty"`
	OriginalID  string       `json:"original_transaction_id,omitempty"`
	Unsolicited bool         `json:"unsolicited,omitempty"`
	Outcome     string       `json:"outcome,omitempty"`     // an auth.decline.* rule: the authorization is declined so (magic.go)
	WalletType  string       `json:"wallet_type,omitempty"` // the digital wallet used (ApplePay, GooglePay…)
}

func (s *Server) adminTransactionLocked(w *world, a *account, req AdminTransaction) (Transaction, error) {
	c, err := a.cardLocked(req.CardID)
	if err != nil {
		return Transaction{}, err
	}
	if req.Amount.Sign() <= 0 {
		return Transaction{}, core.Errorf(core.KindInvalid, "amount must be positive")
	}
	if req.Currency == "" {
		req.Currency = c.Currency
	}
	if req.Merchant == "" {
		req.Merchant = "mocksrv test merchant"
	}
	if req.MCC == "" {
		req.MCC = simulationMCC
	}
	m := Merchant{Name: req.Merchant, CategoryCode: req.MCC}
	switch req.Type {
	case "", TxnAuthorization:
		if req.Outcome == "" {
			req.Outcome = steerAuthorization(nil, req.Merchant)
		}
		if err := checkOutcome("outcome", req.Outcome, declineRuleNames()...); err != nil {
			return Transaction{}, err
		}
		return s.authorizeLocked(w, a, authRequest{CardID: c.ID, Amount: req.Amount, Currency: req.Currency,
			Merchant: m, Outcome: req.Outcome, Wallet: req.WalletType})
	case TxnRefund:
		if req.Outcome != "" {
			return Transaction{}, core.Errorf(core.KindInvalid, "outcome %q steers an AUTHORIZATION, not a REFUND", req.Outcome)
		}
		var orig *Transaction
		if req.OriginalID != "" {
			t, ok := a.txns.Get(req.OriginalID)
			if !ok || t.CardID != c.ID {
				return Transaction{}, core.Errorf(core.KindNotFound, "transaction %s of card %s not found", req.OriginalID, c.ID)
			}
			orig = &t
		}
		t := w.refundLocked(a, c, orig, req.Amount, m, req.Unsolicited)
		return t, nil
	}
	return Transaction{}, core.Errorf(core.KindInvalid, "transaction_type must be AUTHORIZATION or REFUND")
}
