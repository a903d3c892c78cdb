package keysecure

// Cardholder model — KeySecure Open API "Cardholder" section and constants
// 8.8 (docs-payment-merchant.keysecure.io/en/API/api-list/cardholder).

import (
	"net/http"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// CardholderStatus is a cardholder's KYC status, verbatim (constants 8.8).
type CardholderStatus string

// Cardholder statuses.
const (
	CardholderPending    CardholderStatus = "Pending"
	CardholderInProgress CardholderStatus = "In_progress"
	CardholderApproved   CardholderStatus = "Approved"
	CardholderRejected   CardholderStatus = "Rejected"
)

// Cardholder is a KYC'd person who holds cards and a TUSDT account.
type Cardholder struct {
	ID         string           `json:"cardholder_no"`
	UniqueNo   string           `json:"cardholder_unique_no"`
	ShareToken string           `json:"sumsub_share_token"`
	Email      string           `json:"email"`
	FirstName  string           `json:"first_name"`
	LastName   string           `json:"last_name"`
	Status     CardholderStatus `json:"status"`
	FailReason string           `json:"fail_reason"`
	Outcome    string           `json:"outcome,omitempty"` // a steered KYC outcome: kyc.reject or kyc.hold (magic.go)
	Balance    core.Decimal     `json:"balance"`           // TUSDT
	CreatedAt  time.Time        `json:"created_at"`
	UpdatedAt  time.Time        `json:"updated_at"`
}

// Task kinds of the cardholder lifecycle.
const (
	taskKYCStart  = "kyc.start"
	taskKYCDecide = "kyc.decide"
)

var (
	errHolderNotFound = fail(2002, text{})
	errHolderPending  = fail(2004, text{})
	errHolderRejected = fail(2005, text{})
)

// submitLocked (re)starts the KYC review of h on the business clock.
func (w *world) submitLocked(h *Cardholder, start, decide time.Duration) {
	now := w.Now()
	h.Status, h.FailReason, h.UpdatedAt = CardholderPending, "", now
	w.Agenda.Schedule(now.Add(start), taskKYCStart, h.ID)
	if h.Outcome != ruleKYCHold {
		w.Agenda.Schedule(now.Add(decide), taskKYCDecide, h.ID)
	}
}

// steerKYC sets the KYC outcome a share token's magic value asks for (none
// for an ordinary token), announcing it on r.
func steerKYC(r *http.Request, h *Cardholder) {
	h.Outcome = ""
	if m, ok := magic.Find("sumsub_share_token", h.ShareToken); ok {
		h.Outcome = m.Rule
		core.Announce(r, m)
	}
}

// decideLocked ends a KYC review.
func (w *world) decideLocked(no string, approve bool, reason string) (Cardholder, bool) {
	h, ok := w.cardholders.Get(no)
	if !ok || h.Status == CardholderApproved || h.Status == CardholderRejected {
		return h, false
	}
	if approve {
		h.Status, h.FailReason = CardholderApproved, ""
	} else {
		h.Status, h.FailReason = CardholderRejected, reason
	}
	h.UpdatedAt = w.Now()
	w.cardholders.Put(h.ID, h)
	return h, true
}

// requireApprovedLocked returns the cardholder if its KYC is approved, else
// the error KeySecure gives for its state.
func (w *world) requireApprovedLocked(no string) (Cardholder, error) {
	h, ok := w.cardholders.Get(no)
	switch {
	case !ok:
		return h, fail(2002, text{"cardholder_no %s", "cardholder_no %s"}, no)
	case h.Status == CardholderRejected:
		return h, fail(2005, text{"cardholder %s was rejected: %s", "持卡人 %s 认证未通过：%s"}, no, h.FailReason)
	case h.Status != CardholderApproved:
		return h, fail(2004, text{"cardholder %s is %s; wait for Approved", "持卡人 %s 状态为 %s，请等待认证通过"}, no, h.Status)
	}
	return h, nil
}
