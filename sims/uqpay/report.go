package uqpay

// Reports — UQPay Card Issuance v1.6 "Create Report" and the Download
// Center: a SETTLEMENT or LEDGER report over a time window, ready after a
// delay and then downloadable as CSV.

import (
	"bytes"
	"encoding/csv"
	"time"
)

// Report types.
const (
	ReportSettlement = "SETTLEMENT"
	ReportLedger     = "LEDGER"
)

// Report is a requested report.
type Report struct {
	ID        string    `json:"report_id"`
	AccountID string    `json:"account_id"`
	Type      string    `json:"report_type"`
	From      time.Time `json:"start_time"`
	To        time.Time `json:"end_time"`
	ReadyAt   time.Time `json:"ready_at"`
	CreatedAt time.Time `json:"create_time"`
}

// createReportLocked requests a report of the account over [from, to],
// compared at the displayed second (displayWindow), ready after the report
// delay.
func (w *world) createReportLocked(a *account, typ string, from, to time.Time) Report {
	from, to = displayWindow(from, to)
	now := w.Now()
	rep := Report{ID: w.Faker.UUID(), AccountID: a.ID, Type: typ, From: from, To: to,
		ReadyAt: now.Add(w.set.ReportDelay.D()), CreatedAt: now}
	w.reports.Put(rep.ID, rep)
	return rep
}

// csvLocked renders a report: settled card transactions (SETTLEMENT) or
// balance transactions (LEDGER) created in its window, oldest first.
func (w *world) csvLocked(a *account, rep Report) []byte {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	if rep.Type == ReportSettlement {
		_ = cw.Write([]string{"transaction_id", "short_transaction_id", "card_id", "transaction_type", "transaction_status",
			"billing_amount", "billing_currency", "transaction_amount", "transaction_currency", "merchant_name", "transaction_time", "settled_time"})
		a.txns.Each(func(t Transaction) bool {
			if t.Settled && !t.CreatedAt.Before(rep.From) && !t.CreatedAt.After(rep.To) {
				_ = cw.Write([]string{t.ID, t.ShortID, t.CardID, t.Type, t.Status, money(t.Billing), t.BillingCurrency,
					money(t.Amount), t.Currency, t.Merchant.Name, w.fmtTime(t.CreatedAt), w.fmtTime(t.SettledAt)})
			}
			return true
		})
	} else {
		_ = cw.Write([]string{"transaction_id", "short_transaction_id", "balance_id", "transaction_type", "transaction_status",
			"currency", "amount", "ending_balance", "description", "create_time"})
		a.balTxns.Each(func(t BalanceTransaction) bool {
			if !t.CreatedAt.Before(rep.From) && !t.CreatedAt.After(rep.To) {
				_ = cw.Write([]string{t.ID, t.ShortID, t.BalanceID, t.Type, t.Status, t.Currency, money(t.Amount),
					money(t.Ending), t.Description, w.fmtTime(t.CreatedAt)})
			}
			return true
		})
	}
	cw.Flush()
	return buf.Bytes()
}
