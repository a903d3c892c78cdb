package uqpay

// Issuing balances, balance transactions and transfers — UQPay Card
// Issuance v1.6 "Issuing Balance" and "Issuing Transfer" API references
// and the "Fund your issuing balance" guide.

import (
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Balance is an account's issuing balance in one currency. Available is
// spendable; Frozen holds money on its way somewhere (a card being funded,
// a recharge or withdrawal order in flight, a SHARE card's authorization
// waiting to settle).
type Balance struct {
	ID            string       `json:"balance_id"`
	Currency      string       `json:"currency"`
	Available     core.Decimal `json:"available_balance"`
	Frozen        core.Decimal `json:"frozen_balance"`
	Margin        core.Decimal `json:"margin_balance"`
	Status        string       `json:"balance_status"`
	CreatedAt     time.Time    `json:"create_time"`
	LastTradeTime time.Time    `json:"last_trade_time"`
}

// Balance transaction types (SDK comment on IssuingBalanceTransaction).
const (
	BalDeposit            = "DEPOSIT"
	BalTransferIn         = "TRANSFER_IN"
	BalTransferOut        = "TRANSFER_OUT"
	BalAuthorization      = "ISSUING_AUTHORIZATION"
	BalReversal           = "ISSUING_REVERSAL"
	BalRefund             = "ISSUING_REFUND"
	BalCardRecharge       = "CARD_RECHARGE"
	BalCardWithdraw       = "CARD_WITHDRAW"
	BalSettlement         = "SETTLEMENT_DEBIT"
	BalSettlementCredit   = "SETTLEMENT_CREDIT"
	BalSettlementReversal = "SETTLEMENT_REVERSAL"
	BalFee                = "FEE"
	BalChargebackCredit   = "ADJUSTMENT" // chargebacks move money as adjustments (ours: the SDK's list has no chargeback type)
	BalChargebackDebit    = "ADJUSTMENT"
)

// Balance transaction statuses.
const (
	BalPending   = "PENDING"
	BalCompleted = "COMPLETED"
	BalFailed    = "FAILED"
)

// BalanceTransaction is one movement of an issuing balance. Amount is
// signed: negative when money leaves the balance.
type BalanceTransaction struct {
	ID          string       `json:"transaction_id"`
	ShortID     string       `json:"short_transaction_id"`
	AccountID   string       `json:"account_id"`
	BalanceID   string       `json:"balance_id"`
	Type        string       `json:"transaction_type"`
	Currency    string       `json:"currency"`
	Amount      core.Decimal `json:"amount"`
	Ending      core.Decimal `json:"ending_balance"`
	Status      string       `json:"transaction_status"`
	Description string       `json:"description"`
	Ref         string       `json:"reference,omitempty"` // the card order, transaction or transfer behind it
	CreatedAt   time.Time    `json:"create_time"`
	CompletedAt time.Time    `json:"complete_time"`
}

// Transfer moves money between the master account and a sub-account.
type Transfer struct {
	ID            string       `json:"transfer_id"`
	ReferenceID   string       `json:"reference_id"`
	SourceID      string       `json:"source_account_id"`
	DestinationID string       `json:"destination_account_id"`
	Currency      string       `json:"currency"`
	Amount        core.Decimal `json:"amount"`
	Fee           core.Decimal `json:"fee_amount"`
	Status        string       `json:"transfer_status"`
	Remark        string       `json:"remark"`
	CreatorID     string       `json:"creator_id"`
	CreatedAt     time.Time    `json:"create_time"`
	CompletedAt   time.Time    `json:"complete_time"`
}

// TransferCompleted is the status of a transfer that went through.
// Quirk: transfer_status is lowercase ("completed"), as the Retrieve
// Issuing Transfer example shows, unlike every other UQPay enum.
const TransferCompleted = "completed"

// transferLocked moves money at once between the master account and one of
// its sub-accounts (never between two sub-accounts), in either direction,
// for caller: one of the two accounts or the master.
func (w *world) transferLocked(caller, src, dst *account, cur string, amt core.Decimal, remark string) (Transfer, error) {
	switch {
	case !src.Master && !dst.Master:
		return Transfer{}, fail("transfer_not_allowed", "transfers go between the master account and a sub-account, not between two sub-accounts")
	case !caller.Master && caller != src && caller != dst:
		return Transfer{}, fail("transfer_not_allowed", "sub-account %s can only transfer to or from itself", caller.ID)
	case src.available(cur).LessThan(amt):
		return Transfer{}, fail("insufficient_balance", "the source %s balance (%s) is less than %s",
			cur, money(src.available(cur)), money(amt))
	}
	now := w.Now()
	t := Transfer{ID: w.Faker.UUID(), ReferenceID: w.shortIDLocked("T"), SourceID: src.ID, DestinationID: dst.ID,
		Currency: cur, Amount: amt, Status: TransferCompleted, Remark: remark, CreatorID: caller.ID,
		CreatedAt: now, CompletedAt: now}
	w.moveBalanceLocked(src, cur, amt.Neg(), core.Zero, BalTransferOut, BalCompleted, "Transfer to "+dst.Name, t.ID, amt.Neg())
	w.moveBalanceLocked(dst, cur, amt, core.Zero, BalTransferIn, BalCompleted, "Transfer from "+src.Name, t.ID, amt)
	w.transfers.Put(t.ID, t)
	return t, nil
}

// openBalanceLocked makes sure a currency balance exists.
func (w *world) openBalanceLocked(a *account, cur string) Balance {
	if b, ok := a.balances[cur]; ok {
		return b
	}
	now := w.Now()
	b := Balance{ID: w.Faker.UUID(), Currency: cur, Status: "ACTIVE", CreatedAt: now, LastTradeTime: now}
	a.balances[cur] = b
	return b
}

// moveBalanceLocked changes an account's balance by dAvail and dFrozen and, when
// typ is set, records a balance transaction of amount (signed) with that
// status. It returns the transaction (zero when typ is empty).
func (w *world) moveBalanceLocked(a *account, cur string, dAvail, dFrozen core.Decimal, typ, status, desc, ref string, amount core.Decimal) BalanceTransaction {
	b := w.openBalanceLocked(a, cur)
	now := w.Now()
	b.Available = b.Available.Add(dAvail)
	b.Frozen = b.Frozen.Add(dFrozen)
	b.LastTradeTime = now
	a.balances[cur] = b
	if typ == "" {
		return BalanceTransaction{}
	}
	t := BalanceTransaction{
		ID: w.Faker.UUID(), ShortID: w.shortIDLocked("B"), AccountID: a.ID, BalanceID: b.ID, Type: typ,
		Currency: cur, Amount: amount, Ending: b.Available, Status: status, Description: desc, Ref: ref,
		CreatedAt: now,
	}
	if status == BalCompleted {
		t.CompletedAt = now
	}
	a.balTxns.Put(t.ID, t)
	return t
}

// completeBalTxnLocked marks a pending balance transaction completed (or
// failed). landed says its money reached the available balance only now (a
// withdrawal arriving, a failed recharge's money coming back): its
// ending_balance becomes the available balance after that, as every row's
// ending_balance is the available balance right after its money moved.
func (w *world) completeBalTxnLocked(a *account, id, status string, landed bool) {
	a.balTxns.Update(id, func(t *BalanceTransaction) {
		t.Status, t.CompletedAt = status, w.Now()
		if landed {
			t.Ending = a.available(t.Currency)
		}
	})
}

// depositLocked credits money from outside (an opening balance, a sandbox
// deposit) and counts it as funded; ref names the deposit behind it, if
// any.
func (w *world) depositLocked(a *account, cur string, amt core.Decimal, desc, ref string) BalanceTransaction {
	add(w.funded, cur, amt)
	return w.moveBalanceLocked(a, cur, amt, core.Zero, BalDeposit, BalCompleted, desc, ref, amt)
}

// available returns an account's spendable balance in a currency.
func (a *account) available(cur string) core.Decimal { return a.balances[cur].Available }

// Ledger is a tenant's money, per currency: every place money sits, and
// the flows in and out. Holdings + Spent + Fees − Refunded always equals
// Funded.
type Ledger struct {
	Currency  string       `json:"currency"`
	Available core.Decimal `json:"issuing_available"`
	Frozen    core.Decimal `json:"issuing_frozen"`
	Cards     core.Decimal `json:"card_balances"` // SINGLE cards' balances and holds
	Spent     core.Decimal `json:"spent"`
	Refunded  core.Decimal `json:"refunded"` // refunds, chargebacks and settlement reversals that came back
	Fees      core.Decimal `json:"fees"`     // card fees UQPay charged
	Funded    core.Decimal `json:"funded"`
	Balanced  bool         `json:"balanced"`
}

// ledgerLocked adds up the tenant's books per currency.
func (w *world) ledgerLocked() []Ledger {
	by := map[string]*Ledger{}
	get := func(cur string) *Ledger {
		if l, ok := by[cur]; ok {
			return l
		}
		l := &Ledger{Currency: cur}
		by[cur] = l
		return l
	}
	for _, a := range w.allAccounts() {
		for cur, b := range a.balances {
			l := get(cur)
			l.Available, l.Frozen = l.Available.Add(b.Available), l.Frozen.Add(b.Frozen)
		}
		a.cards.Each(func(c Card) bool {
			if c.Mode == ModeSingle {
				l := get(c.Currency)
				l.Cards = l.Cards.Add(c.Balance).Add(c.Held)
			}
			return true
		})
	}
	for cur, d := range w.funded {
		get(cur).Funded = d
	}
	for cur, d := range w.spent {
		get(cur).Spent = d
	}
	for cur, d := range w.refunded {
		get(cur).Refunded = d
	}
	for cur, d := range w.fees {
		get(cur).Fees = d
	}
	out := make([]Ledger, 0, len(by))
	for _, cur := range sortedKeys(by) {
		l := *by[cur]
		l.Balanced = l.Available.Add(l.Frozen).Add(l.Cards).Add(l.Spent).Add(l.Fees).Sub(l.Refunded).Cmp(l.Funded) == 0
		out = append(out, l)
	}
	return out
}
