package uqpay

// Card transactions — UQPay Card Issuance v1.6 "Retrieve/List Cards
// Transactions", "Simulate Authorization", "Simulate Reversal", "Claim
// unsolicited refund", the "Testing in sandbox" guide and the Transaction
// and Card Fee webhooks: an authorization is approved or declined (by
// UQPay's checks, then by the client's decision endpoint when one is
// registered), may grow (incremental authorization), be reversed in part
// or whole, expire uncleared, clear for its amount or another (tip,
// exchange rate: a SETTLEMENT_DEBIT or SETTLEMENT_CREDIT of the
// difference), and once cleared be refunded, charged back (and
// re-presented) or have its settlement reversed.

import (
	"fmt"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Transaction types and statuses, verbatim.
const (
	TxnAuthorization      = "AUTHORIZATION"
	TxnReversal           = "REVERSAL"
	TxnRefund             = "REFUND"
	TxnSettlementDebit    = "SETTLEMENT_DEBIT"
	TxnSettlementCredit   = "SETTLEMENT_CREDIT"
	TxnSettlementReversal = "SETTLEMENT_REVERSAL"
	TxnChargebackCredit   = "CHARGEBACK_CREDIT"
	TxnChargebackDebit    = "CHARGEBACK_DEBIT"
	TxnFee                = "FEE"

	TxnApproved = "APPROVED"
	TxnDeclined = "DECLINED"
	TxnPending  = "PENDING"
	TxnReversed = "REVERSED" // an authorization that was reversed or expired (the SDK's TransactionStatusReversed)
)

// Merchant is where a card was used.
type Merchant struct {
	Name         string `json:"name"`
	CategoryCode string `json:"category_code"`
	City         string `json:"city"`
	Country      string `json:"country"`
	ID           string `json:"merchant_id,omitempty"` // the card acceptor id a decision request names
}

// Network is what the card network says about an authorization besides
// its merchant: what a decision request carries (ours: the docs publish
// no values).
type Network struct {
	Terminal string `json:"terminal_id,omitempty"`
	RRN      string `json:"retrieval_reference_number,omitempty"`
	STAN     string `json:"system_trace_audit_number,omitempty"`
	Acquirer string `json:"acquiring_institution_id,omitempty"`
}

// Transaction is a card event: an authorization (approved, declined,
// reversed), an incremental authorization (an AUTHORIZATION whose
// original_transaction_id is the one it adds to), a reversal, a settlement
// difference or reversal, a refund, a chargeback or a card fee.
type Transaction struct {
	ID              string       `json:"transaction_id"`
	ShortID         string       `json:"short_transaction_id"`
	CardID          string       `json:"card_id"`
	CardholderID    string       `json:"cardholder_id"`
	Type            string       `json:"transaction_type"`
	Status          string       `json:"transaction_status"`
	Amount          core.Decimal `json:"transaction_amount"`
	Currency        string       `json:"transaction_currency"`
	Billing         core.Decimal `json:"billing_amount"`
	BillingCurrency string       `json:"billing_currency"`
	Fee             core.Decimal `json:"transaction_fee"`
	CardAvailable   core.Decimal `json:"card_available_balance"`
	AuthCode        string       `json:"authorization_code"`
	OriginalID      string       `json:"original_transaction_id,omitempty"`
	Description     string       `json:"description"`
	Merchant        Merchant     `json:"merchant_data"`
	Network         Network      `json:"network,omitzero"`
	WalletType      string       `json:"wallet_type,omitempty"`
	Kind            string       `json:"kind,omitempty"` // an authorization's purpose: purchase, atm, transfer_out, refund
	BalTxnID        string       `json:"balance_transaction_id,omitempty"`
	Reversed        bool         `json:"reversed,omitempty"`
	Settled         bool         `json:"settled,omitempty"`
	Unsolicited     bool         `json:"unsolicited,omitempty"`
	Outcome         string       `json:"outcome,omitempty"` // a steered decline: an auth.decline.* rule (magic.go)

	// An approved authorization's money: Open is the billing amount still
	// held (OpenAmount the same in the transaction currency), Cleared what
	// settled, Returned what came back after (refunds, chargebacks,
	// settlement reversals; on a chargeback credit, what was re-presented).
	Open       core.Decimal `json:"open_amount,omitzero"`
	OpenAmount core.Decimal `json:"open_transaction_amount,omitzero"`
	Cleared    core.Decimal `json:"cleared_amount,omitzero"`
	Returned   core.Decimal `json:"returned_amount,omitzero"`
	Requested  core.Decimal `json:"requested_amount,omitzero"` // a partial approval: what the merchant asked for
	Increments []string     `json:"increments,omitempty"`      // incremental authorizations added to this one

	Decision  *DecisionOutcome `json:"decision,omitempty"` // how the client's decision endpoint decided
	CreatedAt time.Time        `json:"transaction_time"`
	SettledAt time.Time        `json:"settled_at,omitzero"`
}

// Authorization outcomes, as description texts. 1000 and 1107 are the
// docs' own; the other codes are ours (Deviations).
const (
	descApproved      = "1000 - Authorization Approval"
	descCVV           = "1107 - Invalid CVV2"
	descNotActive     = "1101 - Card Not Active"
	descInsufficient  = "1116 - Insufficient Funds"
	descSpendingLimit = "1121 - Exceeds Spending Limit"
	descNotPermitted  = "1124 - Transaction Not Permitted"
	descExpired       = "1154 - Expired Card"
	descFraud         = "1159 - Suspected Fraud"
	descReversal      = "Reversal of authorization"
	descAuthExpired   = "Authorization expired"
	descIncrement     = "Incremental authorization"
	descRefund        = "Refund"
)

// declineList is UQPay's list of decline reasons (Hooks.Declines, GET
// /_mocksrv/providers/uqpay/declines): a card event's decline names one by
// its code, its whole text or its auth.decline.* rule.
var declineList = []string{descNotActive, descCVV, descInsufficient, descSpendingLimit, descNotPermitted, descExpired, descFraud}

// Declines returns UQPay's decline reasons as core lists them.
func Declines() []core.Decline {
	out := make([]core.Decline, 0, len(declineList))
	for _, d := range declineList {
		out = append(out, core.Decline{Code: d[:4], Message: d[7:]})
	}
	return out
}

// declineByName finds a decline reason by code ("1116"), text ("1116 -
// Insufficient Funds", "Insufficient Funds") or rule
// ("auth.decline.insufficient_funds").
func declineByName(name string) (string, bool) {
	if d, ok := declineRules[name]; ok {
		return d, true
	}
	for _, d := range declineList {
		if name == d || name == d[:4] || name == d[7:] {
			return d, true
		}
	}
	return "", false
}

// simulationMCC is the only merchant category the sandbox simulators take.
const simulationMCC = "5734"

// errCardDoesNotExist is what the sandbox answers for a card it cannot
// simulate on.
// Quirk: "Card does not exists" (sic) — for unknown cards, cards of BINs
// other than 40963608, and cancelled cards alike.
var errCardDoesNotExist = fail("card_not_found", "Card does not exists")

// authRequest is an authorization to run: from the simulator, a card
// event, the admin API or Authorize.
type authRequest struct {
	CardID   string
	Amount   core.Decimal
	Currency string
	Merchant Merchant
	Outcome  string        // a steered decline: an auth.decline.* rule (magic.go)
	Decline  string        // decline with this description (a card event's decline)
	Approve  *core.Decimal // approve only this much (partial approval), in Currency
	Kind     string        // purchase (default), atm, transfer_out
	Wallet   string
	Base     string // an incremental authorization adds to this authorization
	Sandbox  bool   // the simulator's limits: BIN 40963608, MCC 5734
}

// authorizeLocked runs an authorization on a card: UQPay's own checks,
// then — when the tenant registered one and the checks pass — the
// client's decision endpoint, called with the world unlocked; the
// decision is applied under the lock again, after the checks are re-run
// on the card as it is then. Declines are transactions too; an approval
// holds the money until it clears, is reversed or expires. w's lock is
// held on entry and on return.
func (s *Server) authorizeLocked(w *world, a *account, req authRequest) (Transaction, error) {
	c, base, err := w.authTargetLocked(a, req)
	if err != nil {
		return Transaction{}, err
	}
	t, billing, err := w.newAuthLocked(a, c, base, req)
	if err != nil {
		return Transaction{}, err
	}
	if desc := w.declineLocked(a, c, req, billing); desc != "" {
		return w.recordDeclineLocked(a, c, t, desc), nil
	}
	if w.decision.on() {
		authAmount := core.Zero
		if base != nil {
			authAmount = base.Open
		}
		call := w.decisionCallLocked(a, c, t, authAmount)
		var out DecisionOutcome
		s.whileUnlocked(w, func() { out = s.decide(call) })
		t.Decision = &out
		if c, base, err = w.authTargetLocked(a, req); err != nil { // the card or authorization changed meanwhile
			return Transaction{}, err
		}
		if desc := w.declineLocked(a, c, req, billing); desc != "" {
			return w.recordDeclineLocked(a, c, t, desc), nil
		}
		if !out.Approved {
			desc := declineText(out.ResponseCode)
			if out.Default {
				desc = descDeclinedByDefault
			}
			return w.recordDeclineLocked(a, c, t, desc), nil
		}
	}
	return w.approveLocked(a, c, base, t, billing), nil
}

// descDeclinedByDefault describes an authorization the default timeout
// action declined (ours: the docs publish no text).
const descDeclinedByDefault = "1191 - Authorization Decision Timeout"

// authTargetLocked finds an authorization's card, and for an increment the
// authorization it adds to.
func (w *world) authTargetLocked(a *account, req authRequest) (Card, *Transaction, error) {
	c, ok := a.cards.Get(req.CardID)
	if !ok || (req.Sandbox && (c.Status == StatusCancelled || c.BIN != SimulationBIN)) {
		return Card{}, nil, errCardDoesNotExist
	}
	if req.Base == "" {
		return c, nil, nil
	}
	base, err := w.openAuthLocked(a, req.Base, "incremented")
	if err != nil {
		return Card{}, nil, err
	}
	if base.CardID != c.ID {
		return Card{}, nil, fail("transaction_not_found", "transaction %s is not card %s's", base.ID, c.ID)
	}
	return c, &base, nil
}

// openAuthLocked returns an approved authorization that has neither
// cleared nor been reversed (an increment's id names its authorization);
// what says what was to be done to it ("reversed", "cleared").
func (w *world) openAuthLocked(a *account, id, what string) (Transaction, error) {
	t, ok := a.txns.Get(id)
	if ok && t.Type == TxnAuthorization && t.OriginalID != "" {
		t, ok = a.txns.Get(t.OriginalID)
	}
	switch {
	case !ok:
		return Transaction{}, fail("transaction_not_found", "transaction %s not found", id)
	case t.Reversed:
		return Transaction{}, fail("transaction_not_reversible", "transaction %s was already reversed", t.ID)
	case t.Type != TxnAuthorization || t.Status != TxnApproved:
		return Transaction{}, fail("transaction_not_reversible", "transaction %s is a %s %s; only approved authorizations can be %s", id, t.Status, t.Type, what)
	case t.Settled:
		return Transaction{}, fail("transaction_not_reversible", "transaction %s has settled; it can be refunded, not %s", t.ID, what)
	}
	return t, nil
}

// newAuthLocked builds an authorization's record (not yet stored) and its
// billing amount in the card's currency.
func (w *world) newAuthLocked(a *account, c Card, base *Transaction, req authRequest) (Transaction, core.Decimal, error) {
	if req.Sandbox && req.Merchant.CategoryCode != simulationMCC {
		return Transaction{}, core.Zero, invalid("merchant_category_code can only be %s in the sandbox, got %q", simulationMCC, req.Merchant.CategoryCode)
	}
	amt := req.Amount
	var requested core.Decimal
	if req.Approve != nil {
		if req.Approve.Sign() <= 0 || req.Amount.LessThan(*req.Approve) {
			return Transaction{}, core.Zero, core.Errorf(core.KindInvalid, "approve %s must be positive and at most the amount %s", req.Approve, req.Amount)
		}
		if req.Approve.Cmp(req.Amount) != 0 {
			amt, requested = *req.Approve, req.Amount
		}
	}
	billing, ok := convert(amt, req.Currency, c.Currency)
	if !ok {
		return Transaction{}, core.Zero, invalid("transaction_currency %q is not supported (use USD, SGD, EUR, GBP, HKD, CNY, JPY or AUD)", req.Currency)
	}
	m := req.Merchant
	if m.City == "" {
		m.City = "Singapore"
	}
	if m.Country == "" {
		m.Country = "SG"
	}
	kind := req.Kind
	if kind == "" {
		kind = kindPurchase
	}
	t := Transaction{
		ID: w.Faker.UUID(), ShortID: w.shortIDLocked("T"), CardID: c.ID, CardholderID: c.CardholderID,
		Type: TxnAuthorization, Amount: amt, Currency: req.Currency, Billing: billing, Requested: requested,
		BillingCurrency: c.Currency, AuthCode: w.Faker.Digits(6), CreatedAt: w.Now(), Outcome: req.Outcome,
		Merchant: m, WalletType: req.Wallet, Kind: kind,
	}
	if base != nil {
		t.OriginalID, t.Merchant, t.Kind, t.WalletType = base.ID, base.Merchant, base.Kind, base.WalletType
	}
	if t.Merchant.ID == "" {
		t.Merchant.ID = w.Faker.Digits(15)
	}
	t.Network = Network{Terminal: w.Faker.Digits(8), RRN: w.Faker.Digits(12), STAN: w.Faker.Digits(6), Acquirer: w.Faker.Digits(11)}
	return t, billing, nil
}

// declineLocked returns why UQPay declines an authorization, or "".
func (w *world) declineLocked(a *account, c Card, req authRequest, billing core.Decimal) string {
	if desc, ok := declineRules[req.Outcome]; ok {
		return desc
	}
	if req.Decline != "" {
		return req.Decline
	}
	switch {
	case c.Status != StatusActive:
		return descNotActive
	case !w.Now().Before(c.ExpiresAt()):
		return descExpired
	}
	mcc := req.Merchant.CategoryCode
	for _, blocked := range c.Risk.BlockedMCC {
		if blocked == mcc {
			return descNotPermitted
		}
	}
	if len(c.Risk.AllowedMCC) > 0 {
		allowed := false
		for _, ok := range c.Risk.AllowedMCC {
			allowed = allowed || ok == mcc
		}
		if !allowed {
			return descNotPermitted
		}
	}
	for _, sc := range c.SpendingControls {
		if w.spentSinceLocked(a, c, sc.Interval).Add(billing).Cmp(sc.Amount) > 0 {
			return descSpendingLimit
		}
	}
	if a.cardAvailable(c).LessThan(billing) {
		return descInsufficient
	}
	return ""
}

// recordDeclineLocked stores a declined authorization and sends its
// webhook; no money moves.
func (w *world) recordDeclineLocked(a *account, c Card, t Transaction, desc string) Transaction {
	t.Status, t.Description, t.CardAvailable, t.Requested = TxnDeclined, desc, a.cardAvailable(c), core.Zero
	a.txns.Put(t.ID, t)
	w.emitLocked(eventTxnAuthorization, t.ID, w.txnData(c, t))
	return t
}

// approveLocked holds an approved authorization's money, stores it,
// schedules its clearing and expiry, and sends its webhook. An increment
// adds its money to the authorization it grows.
func (w *world) approveLocked(a *account, c Card, base *Transaction, t Transaction, billing core.Decimal) Transaction {
	now := w.Now()
	if c.Mode == ModeSingle {
		c.Balance, c.Held = c.Balance.Sub(billing), c.Held.Add(billing)
	} else {
		bt := w.moveBalanceLocked(a, c.Currency, billing.Neg(), billing, BalAuthorization, BalPending,
			"Card "+last4(c.PAN)+" authorization at "+t.Merchant.Name, t.ID, billing.Neg())
		t.BalTxnID = bt.ID
	}
	c.Consumed, c.UpdatedAt = c.Consumed.Add(billing), now
	a.cards.Put(c.ID, c)
	t.Status, t.Description, t.CardAvailable = TxnApproved, descApproved, a.cardAvailable(c)
	switch {
	case base != nil:
		t.Description = descIncrement
		amt, _ := convert(t.Amount, t.Currency, base.Currency)
		base.Open, base.OpenAmount = base.Open.Add(billing), base.OpenAmount.Add(amt)
		base.Increments = append(base.Increments, t.ID)
		a.txns.Put(base.ID, *base)
	default:
		t.Open, t.OpenAmount = billing, t.Amount
		if t.Requested.Sign() > 0 {
			t.Description = fmt.Sprintf("%s (partial approval: %s %s requested)", descApproved, t.Requested, t.Currency)
		}
		if !w.set.ManualClearing {
			w.Agenda.Schedule(now.Add(w.set.SettlementDelay.D()), taskSettle, a.ID+"/"+t.ID)
		}
		if w.set.AuthExpiry > 0 {
			w.Agenda.Schedule(now.Add(w.set.AuthExpiry.D()), taskAuthExpire, a.ID+"/"+t.ID)
		}
	}
	a.txns.Put(t.ID, t)
	w.emitLocked(eventTxnAuthorization, t.ID, w.txnData(c, t))
	if c.Usage == UsageOneTime && c.AutoCancel == OnAuth && base == nil {
		w.cancelNowLocked(a, c, "One-time card used (auto_cancel_trigger ON_AUTH)")
	}
	return t
}

// spentSinceLocked adds up a card's approved, unreversed authorizations
// in the current spending-control period (calendar periods in UQPay's
// zone): what each holds, or once cleared what it cleared for.
func (w *world) spentSinceLocked(a *account, c Card, interval string) core.Decimal {
	if interval == "PER_TRANSACTION" {
		return core.Zero
	}
	now := w.Now().In(w.zone)
	y, m, d := now.Date()
	var from time.Time
	switch interval {
	case "DAILY":
		from = time.Date(y, m, d, 0, 0, 0, 0, w.zone)
	case "WEEKLY":
		from = time.Date(y, m, d-(int(now.Weekday())+6)%7, 0, 0, 0, 0, w.zone)
	case "MONTHLY":
		from = time.Date(y, m, 1, 0, 0, 0, 0, w.zone)
	case "YEARLY":
		from = time.Date(y, 1, 1, 0, 0, 0, 0, w.zone)
	}
	sum := core.Zero
	res := a.txns.Query(core.Query[Transaction]{Index: "card", Value: c.ID, From: from, Window: core.Window{Limit: 1 << 30},
		Keep: func(t Transaction) bool {
			return t.Type == TxnAuthorization && t.Status == TxnApproved && !t.Reversed && t.OriginalID == ""
		}})
	for _, t := range res.Items {
		if t.Settled { // what cleared, increments and differences included
			sum = sum.Add(t.Cleared)
		} else { // what it holds: increments added, partial reversals taken off
			sum = sum.Add(t.Open)
		}
	}
	return sum
}

// reverseLocked reverses an approved, uncleared authorization (or the one
// an increment grew), whole when amount is nil, else that much of it (in
// currency, "" for the authorization's): the held money is released, a
// REVERSAL records it and issuing.transaction.reversal follows. Reversed
// whole, the authorization and its increments read REVERSED and never
// clear. desc is the reversal's description (an expiry says so).
func (w *world) reverseLocked(a *account, id string, amount *core.Decimal, currency, desc string) (Transaction, error) {
	base, err := w.openAuthLocked(a, id, "reversed")
	if err != nil {
		return Transaction{}, err
	}
	c, _ := a.cards.Get(base.CardID)
	relBilling, relAmount := base.Open, base.OpenAmount
	if amount != nil {
		if currency == "" {
			currency = base.Currency
		}
		b, ok1 := convert(*amount, currency, c.Currency)
		x, ok2 := convert(*amount, currency, base.Currency)
		switch {
		case !ok1 || !ok2:
			return Transaction{}, invalid("currency %q is not supported", currency)
		case amount.Sign() <= 0:
			return Transaction{}, invalid("amount must be positive")
		case base.Open.LessThan(b):
			return Transaction{}, fail("transaction_not_reversible", "authorization %s holds %s %s; %s %s cannot be reversed", base.ID, base.Open, c.Currency, *amount, currency)
		case b.Cmp(base.Open) != 0:
			relBilling, relAmount = b, x
		}
	}
	now := w.Now()
	t := Transaction{
		ID: w.Faker.UUID(), ShortID: w.shortIDLocked("T"), CardID: c.ID, CardholderID: c.CardholderID, Type: TxnReversal,
		Status: TxnApproved, Amount: relAmount, Currency: base.Currency, Billing: relBilling, BillingCurrency: c.Currency,
		AuthCode: base.AuthCode, OriginalID: base.ID, Description: desc, Merchant: base.Merchant, WalletType: base.WalletType,
		Kind: base.Kind, CreatedAt: now, Settled: true, SettledAt: now,
	}
	w.releaseLocked(a, &c, relBilling, BalReversal, "Reversal of "+base.ShortID, t.ID)
	c.Consumed, c.UpdatedAt = c.Consumed.Sub(relBilling), now
	a.cards.Put(c.ID, c)
	base.Open, base.OpenAmount = base.Open.Sub(relBilling), base.OpenAmount.Sub(relAmount)
	if base.Open.Sign() == 0 {
		// Quirk: the reversed authorization itself reads REVERSED from now on
		// (the SDK's TransactionStatusReversed; the REST contract's enum), so
		// it never settles and its settlement_status is NOT_APPLICABLE; the
		// REVERSAL row that undoes it is APPROVED. Its increments follow it.
		base.Reversed, base.Status, base.OpenAmount = true, TxnReversed, core.Zero
		if c.Mode == ModeShare {
			a.balTxns.Update(base.BalTxnID, func(b *BalanceTransaction) { b.Status, b.CompletedAt = "CANCELLED", now })
		}
		for _, inc := range base.Increments {
			a.txns.Update(inc, func(x *Transaction) { x.Reversed, x.Status = true, TxnReversed })
		}
	}
	a.txns.Put(base.ID, base)
	t.CardAvailable = a.cardAvailable(c)
	a.txns.Put(t.ID, t)
	w.emitLocked(eventTxnReversal, t.ID, w.txnData(c, t))
	return t, nil
}

// releaseLocked gives held money back: to a SINGLE card's balance (or
// straight to the issuing balance when the card is cancelled), or from a
// SHARE card's frozen issuing balance to the available one.
func (w *world) releaseLocked(a *account, c *Card, amt core.Decimal, typ, desc, ref string) {
	if c.Mode == ModeSingle {
		c.Held = c.Held.Sub(amt)
		if c.live() {
			c.Balance = c.Balance.Add(amt)
			return
		}
		w.moveBalanceLocked(a, c.Currency, amt, core.Zero, typ, BalCompleted, desc, ref, amt)
		return
	}
	w.moveBalanceLocked(a, c.Currency, amt, amt.Neg(), typ, BalCompleted, desc, ref, amt)
}

// settleTxnLocked clears a due authorization for what it holds (the
// settlement delay's automatic clearing).
func (w *world) settleTxnLocked(a *account, id string) {
	if t, ok := a.txns.Get(id); ok && t.Type == TxnAuthorization && t.Status == TxnApproved && !t.Reversed && !t.Settled {
		_, _ = w.clearLocked(a, id, nil, "")
	}
}

// expireAuthLocked reverses an authorization that was never cleared when
// its window ends.
func (w *world) expireAuthLocked(a *account, id string) {
	if t, ok := a.txns.Get(id); ok && t.Type == TxnAuthorization && t.Status == TxnApproved && !t.Reversed && !t.Settled {
		_, _ = w.reverseLocked(a, id, nil, "", descAuthExpired)
	}
}

// clearLocked settles an authorization (and its increments) for amount in
// currency — what it holds when amount is nil. The held money is spent;
// an amount above or below it (a tip, an exchange-rate difference) moves
// the difference exactly, recorded as a SETTLEMENT_DEBIT or
// SETTLEMENT_CREDIT with its issuing.transaction.settlement.* webhook,
// which clearing returns; clearing for what was held returns the settled
// authorization. A settlement debit is taken even past the card's balance,
// as networks force clearing.
func (w *world) clearLocked(a *account, id string, amount *core.Decimal, currency string) (Transaction, error) {
	base, err := w.openAuthLocked(a, id, "cleared")
	if err != nil {
		return Transaction{}, err
	}
	c, _ := a.cards.Get(base.CardID)
	x := base.Open
	if amount != nil {
		if currency == "" {
			currency = base.Currency
		}
		b, ok := convert(*amount, currency, c.Currency)
		switch {
		case !ok:
			return Transaction{}, invalid("currency %q is not supported", currency)
		case amount.Sign() <= 0:
			return Transaction{}, invalid("amount must be positive")
		}
		x = b
	}
	now := w.Now()
	diff := x.Sub(base.Open)
	if c.Mode == ModeSingle {
		c.Held = c.Held.Sub(base.Open)
	} else {
		w.moveBalanceLocked(a, c.Currency, core.Zero, base.Open.Neg(), "", "", "", "", core.Zero)
		w.completeBalTxnLocked(a, base.BalTxnID, BalCompleted, false)
	}
	var st Transaction
	if diff.Sign() != 0 {
		typ, desc, balTyp := TxnSettlementDebit, "Settlement above the authorized amount", BalSettlement
		if diff.Sign() < 0 {
			typ, desc, balTyp = TxnSettlementCredit, "Settlement below the authorized amount", BalSettlementCredit
		}
		st = Transaction{
			ID: w.Faker.UUID(), ShortID: w.shortIDLocked("T"), CardID: c.ID, CardholderID: c.CardholderID, Type: typ,
			Status: TxnApproved, Amount: diff.Abs(), Currency: c.Currency, Billing: diff.Abs(), BillingCurrency: c.Currency,
			AuthCode: base.AuthCode, OriginalID: base.ID, Description: desc, Merchant: base.Merchant,
			WalletType: base.WalletType, Kind: base.Kind, CreatedAt: now, Settled: true, SettledAt: now,
		}
		if diff.Sign() > 0 {
			w.debitCardLocked(a, &c, diff, balTyp, desc+" of "+base.ShortID, st.ID)
		} else {
			w.creditCardLocked(a, &c, diff.Neg(), balTyp, desc+" of "+base.ShortID, st.ID)
		}
		c.Consumed = c.Consumed.Add(diff)
		if c.Consumed.Sign() < 0 {
			c.Consumed = core.Zero
		}
	}
	add(w.spent, c.Currency, x)
	c.UpdatedAt = now
	a.cards.Put(c.ID, c)
	base.Settled, base.SettledAt, base.Cleared, base.Open, base.OpenAmount = true, now, x, core.Zero, core.Zero
	a.txns.Put(base.ID, base)
	for _, inc := range base.Increments {
		a.txns.Update(inc, func(t *Transaction) { t.Settled, t.SettledAt = true, now })
	}
	out := base
	if st.ID != "" {
		st.CardAvailable = a.cardAvailable(c)
		a.txns.Put(st.ID, st)
		w.emitLocked(eventOfType[st.Type], st.ID, w.txnData(c, st))
		out = st
	}
	if c.Usage == UsageOneTime && c.AutoCancel == OnCapture {
		w.cancelNowLocked(a, c, "One-time card used (auto_cancel_trigger ON_CAPTURE)")
	}
	return out, nil
}

// eventOfType is the webhook each transaction type sends.
var eventOfType = map[string]string{
	TxnAuthorization: eventTxnAuthorization, TxnReversal: eventTxnReversal, TxnRefund: eventTxnRefund,
	TxnSettlementDebit: eventTxnSettlementDebit, TxnSettlementCredit: eventTxnSettlementCredit,
	TxnSettlementReversal: eventTxnSettlementReversal, TxnChargebackCredit: eventTxnChargebackCredit,
	TxnChargebackDebit: eventTxnChargebackDebit,
}

// debitCardLocked takes money a card owes (a settlement difference, a
// re-presented chargeback, a fee): from a live SINGLE card's balance, else
// from the issuing balance. It may go below zero: the network forces it.
func (w *world) debitCardLocked(a *account, c *Card, amt core.Decimal, typ, desc, ref string) {
	if c.Mode == ModeSingle && c.live() {
		c.Balance = c.Balance.Sub(amt)
		return
	}
	w.moveBalanceLocked(a, c.Currency, amt.Neg(), core.Zero, typ, BalCompleted, desc, ref, amt.Neg())
}

// creditCardLocked puts money on a card: a live SINGLE card's balance, else
// the issuing balance.
func (w *world) creditCardLocked(a *account, c *Card, amt core.Decimal, typ, desc, ref string) {
	if c.Mode == ModeSingle && c.live() {
		c.Balance = c.Balance.Add(amt)
		return
	}
	w.moveBalanceLocked(a, c.Currency, amt, core.Zero, typ, BalCompleted, desc, ref, amt)
}

// clearedAuthLocked returns a cleared authorization and what of it can
// still come back (refund, chargeback, settlement reversal).
func (w *world) clearedAuthLocked(a *account, id string) (Transaction, core.Decimal, error) {
	t, ok := a.txns.Get(id)
	if ok && t.Type == TxnAuthorization && t.OriginalID != "" {
		t, ok = a.txns.Get(t.OriginalID)
	}
	switch {
	case !ok:
		return Transaction{}, core.Zero, fail("transaction_not_found", "transaction %s not found", id)
	case t.Type != TxnAuthorization || !t.Settled || t.Status != TxnApproved:
		return Transaction{}, core.Zero, fail("transaction_not_reversible", "transaction %s is not a cleared authorization", id)
	}
	return t, t.Cleared.Sub(t.Returned), nil
}

// returnAmount reads how much of left comes back: all of it for nil, else
// amount in currency converted to the card's, at most left.
func returnAmount(amount *core.Decimal, currency, cardCurrency string, left core.Decimal, what, id string) (core.Decimal, error) {
	if amount == nil {
		if left.Sign() <= 0 {
			return core.Zero, fail("transaction_not_reversible", "nothing of %s is left to %s", id, what)
		}
		return left, nil
	}
	if currency == "" {
		currency = cardCurrency
	}
	b, ok := convert(*amount, currency, cardCurrency)
	switch {
	case !ok:
		return core.Zero, invalid("currency %q is not supported", currency)
	case amount.Sign() <= 0:
		return core.Zero, invalid("amount must be positive")
	case left.LessThan(b):
		return core.Zero, fail("transaction_not_reversible", "%s %s of %s is more than the %s %s left to %s", b, cardCurrency, id, left, cardCurrency, what)
	}
	return b, nil
}

// creditBackLocked records money coming back for a cleared authorization
// (a settlement reversal, a chargeback credit) and sends its webhook.
func (w *world) creditBackLocked(a *account, base Transaction, typ, desc, balTyp string, amt core.Decimal) Transaction {
	c, _ := a.cards.Get(base.CardID)
	now := w.Now()
	t := Transaction{
		ID: w.Faker.UUID(), ShortID: w.shortIDLocked("T"), CardID: c.ID, CardholderID: c.CardholderID, Type: typ,
		Status: TxnApproved, Amount: amt, Currency: c.Currency, Billing: amt, BillingCurrency: c.Currency,
		AuthCode: base.AuthCode, OriginalID: base.ID, Description: desc, Merchant: base.Merchant,
		WalletType: base.WalletType, Kind: base.Kind, CreatedAt: now, Settled: true, SettledAt: now,
	}
	w.creditCardLocked(a, &c, amt, balTyp, desc+" of "+base.ShortID, t.ID)
	c.Consumed = c.Consumed.Sub(amt)
	if c.Consumed.Sign() < 0 {
		c.Consumed = core.Zero
	}
	c.UpdatedAt = now
	a.cards.Put(c.ID, c)
	add(w.refunded, c.Currency, amt)
	base.Returned = base.Returned.Add(amt)
	a.txns.Put(base.ID, base)
	t.CardAvailable = a.cardAvailable(c)
	a.txns.Put(t.ID, t)
	w.emitLocked(eventOfType[typ], t.ID, w.txnData(c, t))
	return t
}

// chargebackLocked charges back a cleared authorization (a
// CHARGEBACK_CREDIT: the cardholder gets the money back) or, named a
// chargeback credit, re-presents it (a CHARGEBACK_DEBIT: the merchant won
// it back).
func (w *world) chargebackLocked(a *account, id string, amount *core.Decimal, currency string) (Transaction, error) {
	if cb, ok := a.txns.Get(id); ok && cb.Type == TxnChargebackCredit {
		c, _ := a.cards.Get(cb.CardID)
		amt, err := returnAmount(amount, currency, c.Currency, cb.Billing.Sub(cb.Returned), "re-present", id)
		if err != nil {
			return Transaction{}, err
		}
		now := w.Now()
		const desc = "Chargeback re-presented by the merchant"
		t := Transaction{
			ID: w.Faker.UUID(), ShortID: w.shortIDLocked("T"), CardID: c.ID, CardholderID: c.CardholderID,
			Type: TxnChargebackDebit, Status: TxnApproved, Amount: amt, Currency: c.Currency, Billing: amt,
			BillingCurrency: c.Currency, AuthCode: cb.AuthCode, OriginalID: cb.ID, Description: desc,
			Merchant: cb.Merchant, WalletType: cb.WalletType, Kind: cb.Kind, CreatedAt: now, Settled: true, SettledAt: now,
		}
		w.debitCardLocked(a, &c, amt, BalChargebackDebit, desc+" ("+cb.ShortID+")", t.ID)
		c.Consumed, c.UpdatedAt = c.Consumed.Add(amt), now
		a.cards.Put(c.ID, c)
		add(w.spent, c.Currency, amt)
		cb.Returned = cb.Returned.Add(amt)
		a.txns.Put(cb.ID, cb)
		t.CardAvailable = a.cardAvailable(c)
		a.txns.Put(t.ID, t)
		w.emitLocked(eventTxnChargebackDebit, t.ID, w.txnData(c, t))
		return t, nil
	}
	base, left, err := w.clearedAuthLocked(a, id)
	if err != nil {
		return Transaction{}, err
	}
	amt, err := returnAmount(amount, currency, base.BillingCurrency, left, "charge back", base.ID)
	if err != nil {
		return Transaction{}, err
	}
	return w.creditBackLocked(a, base, TxnChargebackCredit, "Chargeback", BalChargebackCredit, amt), nil
}

// settlementReversalLocked reverses (part of) a cleared authorization's
// settlement: the money returns to the card.
func (w *world) settlementReversalLocked(a *account, id string, amount *core.Decimal, currency string) (Transaction, error) {
	base, left, err := w.clearedAuthLocked(a, id)
	if err != nil {
		return Transaction{}, err
	}
	amt, err := returnAmount(amount, currency, base.BillingCurrency, left, "reverse", base.ID)
	if err != nil {
		return Transaction{}, err
	}
	return w.creditBackLocked(a, base, TxnSettlementReversal, "Reversal of settlement", BalSettlementReversal, amt), nil
}

// refundLocked credits a refund from a merchant: APPROVED at once, or
// PENDING until claimed when unsolicited (no original transaction). A
// refund of a cleared authorization counts against what can come back
// of it.
func (w *world) refundLocked(a *account, c Card, orig *Transaction, amt core.Decimal, merchant Merchant, unsolicited bool) Transaction {
	t := w.newRefundLocked(a, c, orig, amt, merchant, unsolicited)
	if unsolicited {
		t.Status, t.Description, t.CardAvailable = TxnPending, "Unsolicited refund awaiting claim", a.cardAvailable(c)
		a.txns.Put(t.ID, t)
		return t
	}
	return w.applyRefundLocked(a, c, orig, t)
}

func (w *world) newRefundLocked(a *account, c Card, orig *Transaction, amt core.Decimal, merchant Merchant, unsolicited bool) Transaction {
	if merchant.CategoryCode == "" {
		merchant.CategoryCode = simulationMCC
	}
	if merchant.City == "" {
		merchant.City, merchant.Country = "Singapore", "SG"
	}
	t := Transaction{
		ID: w.Faker.UUID(), ShortID: w.shortIDLocked("T"), CardID: c.ID, CardholderID: c.CardholderID, Type: TxnRefund,
		Amount: amt, Currency: c.Currency, Billing: amt, BillingCurrency: c.Currency, AuthCode: w.Faker.Digits(6),
		Description: descRefund, CreatedAt: w.Now(), Unsolicited: unsolicited, Merchant: merchant, Kind: kindRefund,
	}
	if orig != nil {
		t.OriginalID, t.Merchant, t.Currency, t.Amount, t.WalletType = orig.ID, orig.Merchant, orig.Currency, orig.Amount, orig.WalletType
		if amt.Cmp(orig.Billing) != 0 {
			t.Amount = amt
			t.Currency = c.Currency
		}
	}
	return t
}

// applyRefundLocked credits an approved refund and sends its webhook.
func (w *world) applyRefundLocked(a *account, c Card, orig *Transaction, t Transaction) Transaction {
	w.creditRefundLocked(a, &c, &t)
	if orig != nil && orig.Type == TxnAuthorization && orig.Settled {
		if o, ok := a.txns.Get(orig.ID); ok {
			o.Returned = o.Returned.Add(t.Billing)
			a.txns.Put(o.ID, o)
		}
	}
	w.emitLocked(eventTxnRefund, t.ID, w.txnData(c, t))
	return t
}

// refundDecidedLocked runs a refund through the client's decision endpoint
// (transaction_type 2000) when one is registered: a declined refund is
// recorded DECLINED and moves nothing. w's lock is held on entry and on
// return.
func (s *Server) refundDecidedLocked(w *world, a *account, c Card, orig *Transaction, amt core.Decimal, merchant Merchant) (Transaction, error) {
	t := w.newRefundLocked(a, c, orig, amt, merchant, false)
	if w.decision.on() {
		t.Network = Network{Terminal: w.Faker.Digits(8), RRN: w.Faker.Digits(12), STAN: w.Faker.Digits(6), Acquirer: w.Faker.Digits(11)}
		if t.Merchant.ID == "" {
			t.Merchant.ID = w.Faker.Digits(15)
		}
		call := w.decisionCallLocked(a, c, t, core.Zero)
		var out DecisionOutcome
		s.whileUnlocked(w, func() { out = s.decide(call) })
		t.Decision = &out
		fresh, ok := a.cards.Get(c.ID)
		if !ok {
			return Transaction{}, errCardDoesNotExist
		}
		c = fresh
		if orig != nil {
			if _, left, err := w.clearedAuthLocked(a, orig.ID); err == nil && left.LessThan(amt) {
				return Transaction{}, fail("transaction_not_reversible", "only %s of %s is left to refund", left, orig.ID)
			}
		}
		if !out.Approved {
			t.Status, t.CardAvailable = TxnDeclined, a.cardAvailable(c)
			t.Description = declineText(out.ResponseCode)
			if out.Default {
				t.Description = descDeclinedByDefault
			}
			a.txns.Put(t.ID, t)
			w.emitLocked(eventTxnRefund, t.ID, w.txnData(c, t))
			return t, nil
		}
	}
	return w.applyRefundLocked(a, c, orig, t), nil
}

// creditRefundLocked puts a refund's money on the card or the issuing
// balance and counts it as refunded.
func (w *world) creditRefundLocked(a *account, c *Card, t *Transaction) {
	now := w.Now()
	if c.Mode == ModeSingle && c.live() {
		c.Balance = c.Balance.Add(t.Billing)
	} else {
		w.moveBalanceLocked(a, c.Currency, t.Billing, core.Zero, BalRefund, BalCompleted, "Refund on card "+last4(c.PAN), t.ID, t.Billing)
	}
	if c.Consumed.Cmp(t.Billing) >= 0 {
		c.Consumed = c.Consumed.Sub(t.Billing)
	} else {
		c.Consumed = core.Zero
	}
	c.UpdatedAt = now
	a.cards.Put(c.ID, *c)
	add(w.refunded, c.Currency, t.Billing)
	t.Status, t.Settled, t.SettledAt, t.CardAvailable = TxnApproved, true, now, a.cardAvailable(*c)
	a.txns.Put(t.ID, *t)
}

// releaseRefundLocked claims an unsolicited refund.
func (w *world) releaseRefundLocked(a *account, id string) error {
	t, ok := a.txns.Get(id)
	switch {
	case !ok:
		return fail("transaction_not_found", "related_transaction_id %s not found", id)
	case t.Type != TxnRefund || !t.Unsolicited:
		return fail("transaction_not_reversible", "transaction %s is not an unsolicited refund", id)
	case t.Status != TxnPending:
		return fail("transaction_not_reversible", "unsolicited refund %s was already claimed", id)
	}
	c, _ := a.cards.Get(t.CardID)
	t.Description = "Unsolicited refund claimed"
	w.creditRefundLocked(a, &c, &t)
	w.emitLocked(eventTxnRefund, t.ID, w.txnData(c, t))
	return nil
}

// settlementStatus is the settlement_status of a transaction: an approved
// authorization is UNSETTLED until it clears, then SETTLED; what moved
// money at once (reversals, settlement differences, refunds, chargebacks,
// fees) is SETTLED; declined, reversed and pending ones NOT_APPLICABLE.
func (t Transaction) settlementStatus() string {
	switch {
	case t.Status != TxnApproved:
		return "NOT_APPLICABLE"
	case t.Settled:
		return "SETTLED"
	}
	return "UNSETTLED"
}

// last4 returns the card number's last four digits.
func last4(pan string) string {
	if len(pan) < 4 {
		return pan
	}
	return pan[len(pan)-4:]
}
