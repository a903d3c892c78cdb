package uqpay

// Card transactions — UQPay Card Issuance v1.6 "Retrieve/List Cards
// Transactions", "Simulate Authorization", "Simulate Reversal", "Claim
// unsolicited refund" and the "Testing in sandbox" guide.

import (
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Transaction types and statuses, verbatim.
const (
	TxnAuthorization = "AUTHORIZATION"
	TxnReversal      = "REVERSAL"
	TxnRefund        = "REFUND"

	TxnApproved = "APPROVED"
	TxnDeclined = "DECLINED"
	TxnPending  = "PENDING"
	TxnReversed = "REVERSED" // an authorization that was reversed (the SDK's TransactionStatusReversed)
)

// Merchant is where a card was used.
type Merchant struct {
	Name         string `json:"name"`
	CategoryCode string `json:"category_code"`
	City         string `json:"city"`
	Country      string `json:"country"`
}

// Transaction is a card event: an authorization (approved or declined), a
// reversal or a refund.
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
	BalTxnID        string       `json:"balance_transaction_id,omitempty"`
	Reversed        bool         `json:"reversed,omitempty"`
	Settled         bool         `json:"settled,omitempty"`
	Unsolicited     bool         `json:"unsolicited,omitempty"`
	Outcome         string       `json:"outcome,omitempty"` // a steered decline: an auth.decline.* rule (magic.go)
	CreatedAt       time.Time    `json:"transaction_time"`
	SettledAt       time.Time    `json:"settled_at,omitempty"`
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
	descRefund        = "Refund"
)

// simulationMCC is the only merchant category the sandbox simulators take.
const simulationMCC = "5734"

// errCardDoesNotExist is what the sandbox answers for a card it cannot
// simulate on.
// Quirk: "Card does not exists" (sic) — for unknown cards, cards of BINs
// other than 40963608, and cancelled cards alike.
var errCardDoesNotExist = fail("card_not_found", "Card does not exists")

type authRequest struct {
	CardID   string
	Amount   core.Decimal
	Currency string
	Merchant string
	MCC      string
	Outcome  string // a steered decline: an auth.decline.* rule (magic.go)
}

// authorizeLocked runs a simulated authorization on a card: declines are
// transactions too; an approval holds the money until settlement.
func (w *world) authorizeLocked(a *account, req authRequest) (Transaction, error) {
	c, ok := a.cards.Get(req.CardID)
	if !ok || c.Status == StatusCancelled || c.BIN != SimulationBIN {
		return Transaction{}, errCardDoesNotExist
	}
	if req.MCC != simulationMCC {
		return Transaction{}, invalid("merchant_category_code can only be %s in the sandbox, got %q", simulationMCC, req.MCC)
	}
	return w.authorizeAnyLocked(a, req)
}

// authorizeAnyLocked is authorizeLocked without the sandbox's BIN and MCC
// limits (the admin API and direct helpers use it).
func (w *world) authorizeAnyLocked(a *account, req authRequest) (Transaction, error) {
	c, ok := a.cards.Get(req.CardID)
	if !ok {
		return Transaction{}, errCardDoesNotExist
	}
	billing, ok := convert(req.Amount, req.Currency, c.Currency)
	if !ok {
		return Transaction{}, invalid("transaction_currency %q is not supported (use USD, SGD, EUR, GBP, HKD, CNY, JPY or AUD)", req.Currency)
	}
	now := w.Now()
	t := Transaction{
		ID: w.Faker.UUID(), ShortID: w.shortIDLocked("T"), CardID: c.ID, CardholderID: c.CardholderID,
		Type: TxnAuthorization, Amount: req.Amount, Currency: req.Currency, Billing: billing,
		BillingCurrency: c.Currency, AuthCode: w.Faker.Digits(6), CreatedAt: now, Outcome: req.Outcome,
		Merchant: Merchant{Name: req.Merchant, CategoryCode: req.MCC, City: "Singapore", Country: "SG"},
	}
	if desc := w.declineLocked(a, c, req, billing); desc != "" {
		t.Status, t.Description, t.CardAvailable = TxnDeclined, desc, a.cardAvailable(c)
		a.txns.Put(t.ID, t)
		w.emitLocked(eventTxnAuthorization, t.ID, w.txnData(c, t))
		return t, nil
	}
	if c.Mode == ModeSingle {
		c.Balance, c.Held = c.Balance.Sub(billing), c.Held.Add(billing)
	} else {
		bt := w.moveBalanceLocked(a, c.Currency, billing.Neg(), billing, BalAuthorization, BalPending,
			"Card "+last4(c.PAN)+" authorization at "+req.Merchant, t.ID, billing.Neg())
		t.BalTxnID = bt.ID
	}
	c.Consumed, c.UpdatedAt = c.Consumed.Add(billing), now
	a.cards.Put(c.ID, c)
	t.Status, t.Description, t.CardAvailable = TxnApproved, descApproved, a.cardAvailable(c)
	a.txns.Put(t.ID, t)
	w.Agenda.Schedule(now.Add(w.set.SettlementDelay.D()), taskSettle, a.ID+"/"+t.ID)
	w.emitLocked(eventTxnAuthorization, t.ID, w.txnData(c, t))
	if c.Usage == UsageOneTime && c.AutoCancel == OnAuth {
		w.cancelNowLocked(a, c, "One-time card used (auto_cancel_trigger ON_AUTH)")
	}
	return t, nil
}

// declineLocked returns why an authorization is declined, or "".
func (w *world) declineLocked(a *account, c Card, req authRequest, billing core.Decimal) string {
	if desc, ok := declineRules[req.Outcome]; ok {
		return desc
	}
	switch {
	case c.Status != StatusActive:
		return descNotActive
	case !w.Now().Before(c.ExpiresAt()):
		return descExpired
	}
	for _, mcc := range c.Risk.BlockedMCC {
		if mcc == req.MCC {
			return descNotPermitted
		}
	}
	if len(c.Risk.AllowedMCC) > 0 {
		allowed := false
		for _, mcc := range c.Risk.AllowedMCC {
			allowed = allowed || mcc == req.MCC
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

// spentSinceLocked adds up a card's approved, unreversed authorizations in
// the current spending-control period (calendar periods in UQPay's zone).
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
			return t.Type == TxnAuthorization && t.Status == TxnApproved && !t.Reversed
		}})
	for _, t := range res.Items {
		sum = sum.Add(t.Billing)
	}
	return sum
}

// reverseLocked reverses an approved, unsettled authorization: the money
// held for it is released, a REVERSAL transaction records it and the
// authorization turns REVERSED.
func (w *world) reverseLocked(a *account, id string) (Transaction, error) {
	orig, ok := a.txns.Get(id)
	switch {
	case !ok:
		return Transaction{}, fail("transaction_not_found", "transaction %s not found", id)
	case orig.Reversed:
		return Transaction{}, fail("transaction_not_reversible", "transaction %s was already reversed", id)
	case orig.Type != TxnAuthorization || orig.Status != TxnApproved:
		return Transaction{}, fail("transaction_not_reversible", "transaction %s is a %s %s; only approved authorizations can be reversed", id, orig.Status, orig.Type)
	case orig.Settled:
		return Transaction{}, fail("transaction_not_reversible", "transaction %s has settled; it can be refunded, not reversed", id)
	}
	c, ok := a.cards.Get(orig.CardID)
	if !ok {
		return Transaction{}, errCardDoesNotExist
	}
	now := w.Now()
	t := orig
	t.ID, t.ShortID, t.Type, t.OriginalID, t.Description = w.Faker.UUID(), w.shortIDLocked("T"), TxnReversal, orig.ID, descReversal
	t.CreatedAt, t.BalTxnID, t.Settled, t.SettledAt = now, "", true, now
	w.releaseLocked(a, &c, orig.Billing, BalReversal, "Reversal of "+orig.ShortID, t.ID)
	if c.Mode == ModeShare {
		a.balTxns.Update(orig.BalTxnID, func(b *BalanceTransaction) { b.Status, b.CompletedAt = "CANCELLED", now })
	}
	c.Consumed, c.UpdatedAt = c.Consumed.Sub(orig.Billing), now
	a.cards.Put(c.ID, c)
	// Quirk: the reversed authorization itself reads REVERSED from now on
	// (the SDK's TransactionStatusReversed; the REST contract's enum), so it
	// never settles and its settlement_status is NOT_APPLICABLE; the
	// REVERSAL row that undoes it is APPROVED.
	orig.Reversed, orig.Status = true, TxnReversed
	a.txns.Put(orig.ID, orig)
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

// settleTxnLocked settles a due authorization: the held money is spent.
func (w *world) settleTxnLocked(a *account, id string) {
	t, ok := a.txns.Get(id)
	if !ok || t.Type != TxnAuthorization || t.Status != TxnApproved || t.Reversed || t.Settled {
		return
	}
	c, _ := a.cards.Get(t.CardID)
	now := w.Now()
	if c.Mode == ModeSingle {
		c.Held = c.Held.Sub(t.Billing)
	} else {
		w.moveBalanceLocked(a, c.Currency, core.Zero, t.Billing.Neg(), "", "", "", "", core.Zero)
		w.completeBalTxnLocked(a, t.BalTxnID, BalCompleted, false)
	}
	add(w.spent, c.Currency, t.Billing)
	a.cards.Put(c.ID, c)
	t.Settled, t.SettledAt = true, now
	a.txns.Put(t.ID, t)
	if c.Usage == UsageOneTime && c.AutoCancel == OnCapture {
		w.cancelNowLocked(a, c, "One-time card used (auto_cancel_trigger ON_CAPTURE)")
	}
}

// refundLocked credits a refund from a merchant: APPROVED at once, or
// PENDING until claimed when unsolicited (no original transaction).
func (w *world) refundLocked(a *account, c Card, orig *Transaction, amt core.Decimal, merchant string, unsolicited bool) Transaction {
	now := w.Now()
	t := Transaction{
		ID: w.Faker.UUID(), ShortID: w.shortIDLocked("T"), CardID: c.ID, CardholderID: c.CardholderID, Type: TxnRefund,
		Amount: amt, Currency: c.Currency, Billing: amt, BillingCurrency: c.Currency, AuthCode: w.Faker.Digits(6),
		Description: descRefund, CreatedAt: now, Unsolicited: unsolicited,
		Merchant: Merchant{Name: merchant, CategoryCode: simulationMCC, City: "Singapore", Country: "SG"},
	}
	if orig != nil {
		t.OriginalID, t.Merchant, t.Currency, t.Amount = orig.ID, orig.Merchant, orig.Currency, orig.Amount
		if amt.Cmp(orig.Billing) != 0 {
			t.Amount = amt
			t.Currency = c.Currency
		}
	}
	if unsolicited {
		t.Status, t.Description, t.CardAvailable = TxnPending, "Unsolicited refund awaiting claim", a.cardAvailable(c)
		a.txns.Put(t.ID, t)
		return t
	}
	w.creditRefundLocked(a, &c, &t)
	w.emitLocked(eventTxnRefund, t.ID, w.txnData(c, t))
	return t
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

// settlementStatus is the v3 settlement_status of a transaction.
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
