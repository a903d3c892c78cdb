package keysecure

// Account model — KeySecure Open API "Account" section (credit-extension
// mode): cardholder TUSDT accounts funded from the merchant's reserve.

import (
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Currency is the only account currency of credit-extension mode.
const Currency = "TUSDT"

// Transfer moves TUSDT between the merchant's reserve and a cardholder.
type Transfer struct {
	ID           string       `json:"transfer_no"`
	UniqueNo     string       `json:"transfer_unique_no"`
	CardholderNo string       `json:"cardholder_no"`
	Type         string       `json:"type"` // In or Out
	Amount       core.Decimal `json:"balance"`
	Before       core.Decimal `json:"before_balance"`
	After        core.Decimal `json:"after_balance"`
	Status       Status       `json:"status"`
	CreatedAt    time.Time    `json:"created_at"`
}

// normalizeTransferType reads In or Out case-insensitively (constants 8.9).
func normalizeTransferType(s string) (string, bool) {
	switch strings.ToLower(s) {
	case "in":
		return "In", true
	case "out":
		return "Out", true
	}
	return "", false
}

// transferLocked moves money between the reserve and a cardholder. The
// balance never goes below zero on either side.
func (w *world) transferLocked(h Cardholder, uniqueNo, typ string, amount core.Decimal) (Transfer, error) {
	t := Transfer{UniqueNo: uniqueNo, CardholderNo: h.ID, Type: typ, Amount: amount, Before: h.Balance, Status: Success, CreatedAt: w.Now()}
	switch typ {
	case "In":
		if w.reserve.LessThan(amount) {
			return t, fail(3001, text{"the merchant reserve holds %s %s, less than %s", "商户备付金余额 %s %s 不足 %s"}, w.reserve.StringFixed(2), Currency, amount.StringFixed(2))
		}
		w.reserve = w.reserve.Sub(amount)
		h.Balance = h.Balance.Add(amount)
	case "Out":
		if h.Balance.LessThan(amount) {
			return t, fail(3001, text{"cardholder %s holds %s %s, less than %s", "持卡人 %s 余额 %s %s 不足 %s"}, h.ID, h.Balance.StringFixed(2), Currency, amount.StringFixed(2))
		}
		h.Balance = h.Balance.Sub(amount)
		w.reserve = w.reserve.Add(amount)
	}
	t.ID, t.After = w.nextNoLocked("T"), h.Balance
	h.UpdatedAt = t.CreatedAt
	w.cardholders.Put(h.ID, h)
	w.transfers.Put(t.ID, t)
	w.transferByUnique[uniqueNo] = t.ID
	return t, nil
}
