package bkj

// What the admin API (/_mocksrv/...) and scenario "given" sections do to a
// tenant's bkj state.

import (
	"strings"

	"github.com/mocksrv/mocksrv/sims/core"
)

// StateDump is a tenant's bkj state as GET
// /_mocksrv/tenants/{id}/bkj/state shows it.
type StateDump struct {
	Credentials Credentials      `json:"credentials"`
	Money       Money            `json:"money"`
	Users       []User           `json:"users"`
	Addresses   []MailingAddress `json:"card_addresses"`
	Cards       []Card           `json:"cards"`
	Wallets     []Wallet         `json:"wallets"`
	Deposits    []DepositAddress `json:"deposit_addresses"`
	Payees      []Payee          `json:"payees"`
	WalletTxs   []WalletTx       `json:"wallet_transactions"`
	CardTxs     []CardTx         `json:"card_transactions"`
	Pending     []core.Task      `json:"scheduled"`
}

// Money is the tenant's ledger and what it holds. In (deposited) always
// equals out (withdrawn + fees + spent) plus held.
type Money struct {
	Ledger
	Held     core.Decimal `json:"held"` // wallet balances and holds plus card balances
	Balanced bool         `json:"balanced"`
}

func (w *world) moneyLocked() Money {
	m := Money{Ledger: w.ledger, Held: w.heldLocked()}
	out := w.ledger.Withdrawn.Add(w.ledger.Fees).Add(w.ledger.Spent).Add(m.Held)
	m.Balanced = out.Cmp(w.ledger.Deposited) == 0
	return m
}

// dumpLocked returns the world as the admin API shows it.
func (w *world) dumpLocked() StateDump {
	return StateDump{Credentials: w.creds, Money: w.moneyLocked(), Users: w.users.All(), Addresses: w.mailing.All(),
		Cards: w.cards.All(), Wallets: w.wallets.All(), Deposits: w.deposits.All(), Payees: w.payees.All(),
		WalletTxs: w.walletTxs.All(), CardTxs: w.cardTxs.All(), Pending: w.Agenda.Tasks()}
}

// actHook drives a card in bkj's vocabulary for the admin API: freeze,
// unfreeze, expire, block, cancel (pre_delete, then deleted), activate,
// delete. It answers the card object.
func (s *Server) actHook(w *world, id, action string) (any, error) {
	c, err := s.actLocked(w, id, action)
	if err != nil {
		return nil, err
	}
	return cardOut(view{lang: "en", loc: w.zone}, c), nil
}

// createKinds are the kinds createLocked accepts.
var createKinds = []string{"users", "kyc", "cards", "addresses", "wallets", "deposits", "payees", "transactions", "withdrawals"}

// createLocked adds state directly (the admin API's POST
// /_mocksrv/tenants/{id}/bkj/{kind} and scenario "given"). Kinds:
//
//	users         a User; KYC approved unless kyc_status says otherwise;
//	              "outcome" kyc.reject or kyc.hold steers its reviews
//	kyc           {"user_id", "decision": "approve"|"reject", "reason"}
//	cards         a Card in any of the 14 statuses (default active); an
//	              approved user is made when account_id is empty; a
//	              balance is funded from outside; "outcome" card.fail
//	              fails an opening or pre_producing one
//	addresses     a MailingAddress
//	wallets       {"account_id", "currency", "balance"}: the account's
//	              wallet, funded with balance
//	deposits      {"wallet_id" or "account_id"+"currency", "amount", "chain", "address"}
//	payees        a Payee
//	transactions  an Authorization (purchase, refund, reversal);
//	              "outcome" auth.decline declines a purchase
//	withdrawals   {"id", "decision": "success"|"failed"}: end a pending
//	              withdrawal now; without an id, {"wallet_id" or
//	              "account_id"+"currency", "amount", "chain", "address",
//	              "memo", "outcome"}: a pending withdrawal as POST
//	              /wallet/withdraw makes one, "outcome" withdrawal.reject
//	              or withdrawal.hold steering it
func (s *Server) createLocked(w *world, kind string, body []byte) (any, error) {
	switch kind {
	case "users":
		return core.DecodeThen(body, func(u User) (User, error) { return s.addUserLocked(w, u) })
	case "kyc":
		var req struct {
			UserID string `json:"user_id"`
			core.Decision
		}
		if err := core.DecodeStrict(body, &req); err != nil {
			return nil, err
		}
		approve, reason, err := req.Verdict("kyc", rejectedByPlatform)
		if err != nil {
			return nil, err
		}
		return s.decideLocked(w, req.UserID, approve, reason)
	case "cards":
		return core.DecodeThen(body, func(c Card) (Card, error) { return s.addCardLocked(w, c) })
	case "addresses":
		return core.DecodeThen(body, w.addMailingLocked)
	case "wallets":
		var req struct {
			AccountID string       `json:"account_id"`
			Currency  string       `json:"currency"`
			Balance   core.Decimal `json:"balance"`
		}
		if err := core.DecodeStrict(body, &req); err != nil {
			return nil, err
		}
		x, err := w.walletFor(req.AccountID, req.Currency)
		if err != nil {
			return nil, err
		}
		if req.Balance.Sign() > 0 {
			s.depositLocked(w, x, req.Balance, "", "")
			x, _ = w.wallets.Get(x.ID)
		}
		return x, nil
	case "deposits", "balances":
		return core.DecodeThen(body, func(req depositRequest) (WalletTx, error) { return s.depositRequestLocked(w, req) })
	case "payees":
		return core.DecodeThen(body, w.addPayeeLocked)
	case "transactions", "card_transactions":
		var a Authorization
		if err := core.DecodeStrict(body, &a); err != nil {
			return nil, err
		}
		if a.Type != CardReversal && a.Amount.Sign() <= 0 {
			return nil, core.Errorf(core.KindInvalid, "transactions need a positive amount")
		}
		return s.authorizeLocked(w, a)
	case "withdrawals":
		var req withdrawalGiven
		if err := core.DecodeStrict(body, &req); err != nil {
			return nil, err
		}
		if req.ID != "" {
			return s.decideWithdrawalLocked(w, req.ID, req.Decision)
		}
		return s.givenWithdrawalLocked(w, req)
	}
	return nil, core.Errorf(core.KindNotFound, "bkj has no %q to create: use %s", kind, strings.Join(createKinds, ", "))
}

// addUserLocked inserts a user in any KYC status (default approved),
// its reviews steered by its outcome (a rule name) or else its email.
func (s *Server) addUserLocked(w *world, u User) (User, error) {
	if u.KYCStatus == "" {
		u.KYCStatus = KYCApproved
	}
	if !oneOf(u.KYCStatus, kycStatuses) {
		return u, core.Errorf(core.KindInvalid, "kyc_status %q: want unverified, pending, approved or rejected", u.KYCStatus)
	}
	if err := checkOutcome("outcome", u.Outcome, userRules); err != nil {
		return u, err
	}
	return s.registerLocked(w, u)
}

// rejectedByPlatform is the reason of a KYC rejection that gives none.
const rejectedByPlatform = "rejected by platform"

// decideLocked ends a user's KYC review now, as the admin API's kyc and
// DecideKYC do.
func (s *Server) decideLocked(w *world, id string, approve bool, reason string) (User, error) {
	u, err := w.userLocked(id)
	if err != nil {
		return u, err
	}
	if u.KYCStatus == KYCApproved || (u.KYCStatus == KYCRejected && !approve) {
		return u, core.Errorf(core.KindConflict, "user %s is already %s", id, u.KYCStatus)
	}
	return s.decideKYCLocked(w, u, approve, reason), nil
}

// addCardLocked inserts a card in any status (default active), making an
// approved user when none is named.
func (s *Server) addCardLocked(w *world, c Card) (Card, error) {
	if c.AccountID == "" {
		u, err := s.addUserLocked(w, User{})
		if err != nil {
			return c, err
		}
		c.AccountID = u.ID
	}
	u, err := w.userLocked(c.AccountID)
	if err != nil {
		return c, err
	}
	if c.ChannelID != "" {
		ch, ok := findChannel(c.ChannelID)
		if !ok {
			return c, notFound("card channel", c.ChannelID)
		}
		if c.Type != "" && c.Type != ch.Type {
			return c, core.Errorf(core.KindInvalid, "channel %s issues %s cards, not %s", ch.ID, ch.Type, c.Type)
		}
	}
	if c.Type != "" && c.Type != Virtual && c.Type != Physical {
		return c, core.Errorf(core.KindInvalid, "type %q: want virtual or physical", c.Type)
	}
	if err := checkOutcome("outcome", c.Outcome, cardRules); err != nil {
		return c, err
	}
	if c.Status == "" {
		c.Status = StatusActive
	}
	if c.FirstName == "" {
		c.FirstName, c.LastName = u.FirstName, u.LastName
	}
	if c.Address.Line1 == "" {
		c.Address = u.Address
	}
	if c.Balance.Sign() < 0 {
		return c, core.Errorf(core.KindInvalid, "balance must not be negative")
	}
	made, err := s.newCardLocked(w, c, "created by admin")
	if err != nil {
		return made, err
	}
	w.ledger.Deposited = w.ledger.Deposited.Add(made.Balance)
	return made, nil
}

type depositRequest struct {
	walletPick
	Amount core.Decimal `json:"amount"`
}

func (s *Server) depositRequestLocked(w *world, req depositRequest) (WalletTx, error) {
	if req.Amount.Sign() <= 0 {
		return WalletTx{}, core.Errorf(core.KindInvalid, "deposits need a positive amount")
	}
	x, chain, address, err := w.pickLocked(req.walletPick)
	if err != nil {
		return WalletTx{}, err
	}
	return s.depositLocked(w, x, req.Amount, chain, address), nil
}

// walletPick names the wallet an admin deposit or withdrawal moves: by
// wallet_id, or the account's wallet of currency (USDT by default); on
// chain (TRON by default) at address (a fresh one of the chain by default).
type walletPick struct {
	WalletID  string `json:"wallet_id"`
	AccountID string `json:"account_id"`
	Currency  string `json:"currency"`
	Chain     string `json:"chain"`
	Address   string `json:"address"`
}

// pickLocked finds p's wallet, chain and address.
func (w *world) pickLocked(p walletPick) (x Wallet, chain, address string, err error) {
	if p.WalletID != "" {
		x, err = w.walletLocked(p.WalletID)
	} else {
		x, err = w.walletFor(p.AccountID, cmpOr(p.Currency, "USDT"))
	}
	if err != nil {
		return Wallet{}, "", "", err
	}
	chain, address = cmpOr(p.Chain, "TRON"), p.Address
	if c, ok := findChain(chain); ok && address == "" {
		address = w.newAddressLocked(c)
	}
	return x, chain, address, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// withdrawalGiven is the admin API's withdrawals body: a decision on a
// pending withdrawal (id, decision) or a new one (the rest).
type withdrawalGiven struct {
	ID       string `json:"id"`
	Decision string `json:"decision"`
	walletPick
	Amount  core.Decimal `json:"amount"`
	Memo    string       `json:"memo"`
	Outcome string       `json:"outcome"`
}

// givenWithdrawalLocked makes a pending withdrawal from a wallet as POST
// /wallet/withdraw does (the amount and fee held), steered by its outcome
// (a rule name) or else a magic memo; the chain defaults to TRON and the
// address to a fresh one of the chain.
func (s *Server) givenWithdrawalLocked(w *world, req withdrawalGiven) (WalletTx, error) {
	if req.Decision != "" {
		return WalletTx{}, core.Errorf(core.KindInvalid, "a withdrawal decision needs the pending withdrawal's id")
	}
	if req.Amount.Sign() <= 0 {
		return WalletTx{}, core.Errorf(core.KindInvalid, "withdrawals need a positive amount")
	}
	if err := checkOutcome("outcome", req.Outcome, withdrawalRules); err != nil {
		return WalletTx{}, err
	}
	x, chain, address, err := w.pickLocked(req.walletPick)
	if err != nil {
		return WalletTx{}, err
	}
	wd := withdrawal{wallet: x, amount: req.Amount, memo: req.Memo, address: address, outcome: cmpOr(req.Outcome, steer(fieldMemo, req.Memo))}
	if wd.chain, err = checkDestination(chain, x.Currency, address); err != nil {
		return WalletTx{}, err
	}
	return s.withdrawLocked(w, wd)
}

func (s *Server) decideWithdrawalLocked(w *world, id, decision string) (WalletTx, error) {
	if decision != "success" && decision != "failed" {
		return WalletTx{}, core.Errorf(core.KindInvalid, `withdrawal decision must be "success" or "failed"`)
	}
	t, ok := w.walletTxs.Get(id)
	if !ok {
		return t, notFound("wallet transaction", id)
	}
	if t.Action != ActionWithdraw || t.Status != TxPending {
		return t, core.Errorf(core.KindConflict, "transaction %s is a %s %s, not a pending withdrawal", id, t.Status, t.BusinessType)
	}
	return s.finishWithdrawalLocked(w, t, decision == "success"), nil
}
