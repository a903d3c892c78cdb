package uqpay

// Cardholder model — UQPay Card Issuance v1.6 "Create Cardholder",
// "Retrieve Cardholder" and the "Create and manage cardholders" guide.

import (
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// CardholderStatus is a cardholder's status, verbatim.
type CardholderStatus string

// Cardholder statuses.
const (
	CardholderSuccess    CardholderStatus = "SUCCESS"
	CardholderPending    CardholderStatus = "PENDING"
	CardholderIncomplete CardholderStatus = "INCOMPLETE"
	CardholderFailed     CardholderStatus = "FAILED"
)

// Identity-verification statuses, idv_status (Cardholder KYC Status
// Changed webhook: PENDING, PASSED or FAILED; empty when no verification
// applies).
const (
	IDVPending = "PENDING"
	IDVPassed  = "PASSED"
	IDVFailed  = "FAILED"
)

// Address is a cardholder's residential address.
type Address struct {
	Country    string `json:"country"`
	City       string `json:"city"`
	Line1      string `json:"line1"`
	State      string `json:"state,omitempty"`
	District   string `json:"district,omitempty"`
	Line2      string `json:"line2,omitempty"`
	LineEn     string `json:"line_en,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
}

// Identity is a cardholder's identity document. mocksrv keeps the type and
// number; the file images are checked and dropped.
type Identity struct {
	Type   string `json:"type"`
	Number string `json:"number"`
}

// Cardholder is a person cards are issued to.
type Cardholder struct {
	ID           string           `json:"cardholder_id"`
	AccountID    string           `json:"account_id,omitempty"`
	Email        string           `json:"email"`
	PhoneNumber  string           `json:"phone_number"`
	FirstName    string           `json:"first_name"`
	LastName     string           `json:"last_name"`
	CountryCode  string           `json:"country_code"`
	DateOfBirth  string           `json:"date_of_birth,omitempty"`
	Gender       string           `json:"gender,omitempty"`
	Nationality  string           `json:"nationality,omitempty"`
	Address      *Address         `json:"residential_address,omitempty"`
	Identity     *Identity        `json:"identity,omitempty"`
	KYCMethod    string           `json:"kyc_method,omitempty"`
	Status       CardholderStatus `json:"cardholder_status"`
	Reason       string           `json:"reason,omitempty"`  // why KYC failed or is incomplete
	Outcome      string           `json:"outcome,omitempty"` // a steered KYC outcome: kyc.fail, kyc.incomplete, kyc.pending, kyc.reject or kyc.hold (magic.go)
	IDVStatus    string           `json:"idv_status,omitempty"`
	IDVURL       string           `json:"idv_verification_url,omitempty"`
	IDVExpiresAt time.Time        `json:"idv_url_expires_at,omitempty"`
	CreatedAt    time.Time        `json:"create_time"`
	UpdatedAt    time.Time        `json:"update_time"`
}

// Task kind of the cardholder lifecycle.
const taskKYCDecide = "kyc.decide"

// idvTTL is how long an identity-verification link stays valid.
const idvTTL = 24 * time.Hour

// admitLocked sets a new or resubmitted cardholder's KYC status from its
// steered outcome (decided when its email arrived, or by the admin API)
// and the verification method, scheduling the decision when it is
// asynchronous.
func (w *world) admitLocked(a *account, h *Cardholder) {
	h.Reason, h.IDVURL, h.IDVStatus, h.IDVExpiresAt = "", "", "", time.Time{}
	switch {
	case h.Outcome == ruleKYCFail:
		h.Status, h.Reason = CardholderFailed, "identity verification failed (sandbox rule "+ruleKYCFail+")"
	case h.Outcome == ruleKYCIncomplete:
		h.Status, h.Reason = CardholderIncomplete, "more evidence required (sandbox rule "+ruleKYCIncomplete+")"
	case h.Outcome == ruleKYCPending, h.Outcome == ruleKYCReject, h.Outcome == ruleKYCHold, h.KYCMethod == "SUMSUB_REDIRECT":
		w.pendLocked(a, h)
	case h.KYCMethod == "THIRD_PARTY": // verified by the merchant's own provider: passed at once
		h.Status, h.IDVStatus = CardholderSuccess, IDVPassed
	default:
		h.Status = CardholderSuccess
	}
}

// pendLocked makes a cardholder PENDING with an identity-verification link
// and, unless its outcome holds it for the admin API, schedules the KYC
// decision after the KYC delay.
func (w *world) pendLocked(a *account, h *Cardholder) {
	now := w.Now()
	h.Status, h.IDVStatus = CardholderPending, IDVPending
	h.IDVURL = "https://idv.mocksrv.local/verify/" + h.ID
	h.IDVExpiresAt = now.Add(idvTTL)
	if h.Outcome != ruleKYCHold {
		w.Agenda.Schedule(now.Add(w.set.KYCDelay.D()), taskKYCDecide, a.ID+"/"+h.ID)
	}
}

// decideLocked ends a PENDING cardholder's KYC and issues or fails the
// cards that were waiting for it.
func (w *world) decideLocked(a *account, id string, approve bool, reason string) (Cardholder, bool) {
	h, ok := a.cardholders.Get(id)
	if !ok || h.Status != CardholderPending {
		return h, false
	}
	h.UpdatedAt = w.Now()
	if approve {
		h.Status, h.IDVStatus, h.Reason = CardholderSuccess, IDVPassed, ""
	} else {
		h.Status, h.IDVStatus, h.Reason = CardholderFailed, IDVFailed, reason
	}
	a.cardholders.Put(h.ID, h)
	res := a.cards.Query(core.Query[Card]{Index: "cardholder", Value: h.ID, Window: core.Window{Limit: 1 << 30},
		Keep: func(c Card) bool { return c.Status == StatusPending && c.AwaitingKYC }})
	for _, c := range res.Items {
		w.issueLocked(a, c.ID)
	}
	return h, true
}

// kycDecisionLocked applies a scheduled KYC decision.
func (w *world) kycDecisionLocked(a *account, id string) {
	h, ok := a.cardholders.Get(id)
	if !ok {
		return
	}
	w.decideLocked(a, id, h.Outcome != ruleKYCReject, "identity verification rejected (sandbox rule "+ruleKYCReject+")")
}

// hasField says whether the cardholder has given a field a product's
// required_fields name. Objects are whole or absent: their sub-fields are
// checked when they are sent.
func (h Cardholder) hasField(name string) bool {
	switch name {
	case "first_name":
		return h.FirstName != ""
	case "last_name":
		return h.LastName != ""
	case "email":
		return h.Email != ""
	case "country_code":
		return h.CountryCode != ""
	case "phone_number":
		return h.PhoneNumber != ""
	case "date_of_birth":
		return h.DateOfBirth != ""
	case "gender":
		return h.Gender != ""
	case "nationality":
		return h.Nationality != ""
	case "residential_address":
		return h.Address != nil
	case "identity":
		return h.Identity != nil
	case "kyc_verification":
		return h.KYCMethod != ""
	}
	return false
}

// numberOfCards counts a cardholder's cards in every status.
func (a *account) numberOfCards(holderID string) int {
	return a.cards.Query(core.Query[Card]{Index: "cardholder", Value: holderID, Count: true}).Total
}

var errCardholderNotFound = fail("cardholder_not_found", "cardholder not found")

// cardholderLocked returns a cardholder of the account, or
// cardholder_not_found.
func (a *account) cardholderLocked(id string) (Cardholder, error) {
	h, ok := a.cardholders.Get(id)
	if !ok {
		return h, errCardholderNotFound.With("cardholder %s not found", id)
	}
	return h, nil
}
