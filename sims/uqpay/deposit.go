package uqpay

// Simulated deposits — UQPay v1.6 "Simulate Deposit Creation" (sandbox
// only) and the "Deposit Pending / Rejected / Completed" webhooks: money
// from a bank arrives PENDING, is reviewed, and is COMPLETED (credited) or
// FAILED (rejected by compliance).

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Deposit statuses, as Simulate Deposit Creation answers them.
const (
	DepositPending   = "PENDING"
	DepositCompleted = "COMPLETED"
	DepositFailed    = "FAILED"
)

// Deposit is money a bank sends into an account: PENDING until it is
// reviewed, then COMPLETED (the amount is in the issuing balance) or
// FAILED.
type Deposit struct {
	ID              string       `json:"deposit_id"`
	ShortID         string       `json:"short_reference_id"`
	AccountID       string       `json:"account_id"`
	Currency        string       `json:"currency"`
	Amount          core.Decimal `json:"amount"`
	Status          string       `json:"deposit_status"`
	ReceiverAccount string       `json:"receiver_account_number"`
	SenderName      string       `json:"sender_name"`
	SenderCountry   string       `json:"sender_country"`
	SenderAccount   string       `json:"sender_account_number"`
	SenderSwift     string       `json:"sender_swift_code"`
	Reason          string       `json:"reason,omitempty"`                 // why it was rejected
	BalTxnID        string       `json:"balance_transaction_id,omitempty"` // the credit, once COMPLETED
	CreatedAt       time.Time    `json:"create_time"`
	UpdatedAt       time.Time    `json:"update_time"`
	CompletedAt     time.Time    `json:"complete_time,omitzero"`
}

// Task kind of the deposit lifecycle.
const taskDepositReview = "deposit.review"

// receivingAccountNumber is the account number deposits into an account
// are addressed to when the sender names none: twelve digits derived from
// the account id, so it is stable without drawing from the faker.
func receivingAccountNumber(accountID string) string {
	sum := sha256.Sum256([]byte("receiving-account/" + accountID))
	return fmt.Sprintf("%012d", binary.BigEndian.Uint64(sum[:8])%1_000_000_000_000)
}

// createDepositLocked records a new PENDING deposit into a, sends
// deposit.pending and schedules its review (unless the tenant reviews
// deposits by hand through the admin API).
func (w *world) createDepositLocked(a *account, d Deposit) Deposit {
	now := w.Now()
	d.ID, d.ShortID, d.AccountID, d.Status = w.Faker.UUID(), w.shortIDLocked("P"), a.ID, DepositPending
	if d.ReceiverAccount == "" {
		d.ReceiverAccount = receivingAccountNumber(a.ID)
	}
	d.CreatedAt, d.UpdatedAt = now, now
	w.deposits.Put(d.ID, d)
	w.emitNamedLocked(eventNameDeposit, eventDepositPending, d.ID, w.depositData(a, d))
	if !w.set.DepositReview {
		w.Agenda.Schedule(now.Add(w.set.DepositDelay.D()), taskDepositReview, a.ID+"/"+d.ID)
	}
	return d
}

// decideDepositLocked ends a PENDING deposit's review: approved, its amount
// is credited to the account's issuing balance (a DEPOSIT balance
// transaction, counted as funded) and deposit.completed is sent; rejected,
// nothing moves and deposit.compliance.rejected is sent. It reports false
// for a deposit that is not PENDING.
func (w *world) decideDepositLocked(a *account, id string, approve bool, reason string) (Deposit, bool) {
	d, ok := w.deposits.Get(id)
	if !ok || d.AccountID != a.ID || d.Status != DepositPending {
		return d, false
	}
	now := w.Now()
	d.UpdatedAt = now
	if approve {
		from := d.SenderName
		if from == "" {
			from = d.SenderSwift
		}
		bt := w.depositLocked(a, d.Currency, d.Amount, "Deposit "+d.ShortID+" from "+from, d.ID)
		d.Status, d.CompletedAt, d.BalTxnID = DepositCompleted, now, bt.ID
		w.deposits.Put(d.ID, d)
		w.emitNamedLocked(eventNameDeposit, eventDepositCompleted, d.ID, w.depositData(a, d))
		return d, true
	}
	d.Status, d.Reason = DepositFailed, reason
	w.deposits.Put(d.ID, d)
	w.emitNamedLocked(eventNameDeposit, eventDepositRejected, d.ID, w.depositData(a, d))
	return d, true
}
