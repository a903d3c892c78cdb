package decard

// User and KYC model — DeCard "account" section (register, kyc-status,
// user-status, travel rule) and the KYC flow of the Guides.

import (
	"net/http"
	"strings"
	"time"
)

// KYCStatus is a user's KYC status, verbatim.
type KYCStatus string

// KYC statuses, in lifecycle order: UNDO → INIT → PENDING → PASS | REFUSE.
const (
	KYCUndo    KYCStatus = "UNDO"    // no KYC yet
	KYCInit    KYCStatus = "INIT"    // started
	KYCPending KYCStatus = "PENDING" // submitted, under review
	KYCPass    KYCStatus = "PASS"
	KYCRefuse  KYCStatus = "REFUSE"
)

// User is a DeCard user (externalUserId) registered by a partner.
type User struct {
	ID                    string      `json:"externalUserId"`
	MobileCode            string      `json:"mobileCode"`
	Mobile                string      `json:"mobile"`
	KYC                   KYCStatus   `json:"kycStatus"`
	KYCReason             string      `json:"kycReason,omitempty"`  // v2 statusDescription
	KYCOutcome            string      `json:"kycOutcome,omitempty"` // how the running review ends: "" (PASS), kyc.refuse or kyc.hold
	Outcome               string      `json:"outcome,omitempty"`    // how the user's reviews end unless an application says otherwise: kyc.refuse or kyc.hold (magic.go)
	KYCAt                 time.Time   `json:"kycUpdatedAt"`
	Email                 string      `json:"email,omitempty"`
	Name                  string      `json:"name"`
	EmbossingName         string      `json:"virtualCardFullName,omitempty"`
	Inviter               string      `json:"externalInviterUserId,omitempty"`
	ForbidWithdraw        bool        `json:"forbidWithdraw"`
	ForbidCardTransaction bool        `json:"forbidCardTransaction"`
	TravelRule            *TravelRule `json:"travelRule,omitempty"` // replaced whole, never changed in place
	KYCInfo               *KYCInfo    `json:"kycInfo,omitempty"`    // the last application's kycInfo; replaced whole
	UserRef               string      `json:"userRef,omitempty"`    // the partner's key of a financial-connection user
	CreatedAt             time.Time   `json:"createdAt"`
}

// TravelRule is the travel-rule information of a user (update-travel-rule).
type TravelRule struct {
	ChannelName     string            `json:"channelName"`
	InstitutionName string            `json:"institutionName"`
	Name            string            `json:"name"`
	ID              TravelRuleID      `json:"id"`
	Address         TravelRuleAddress `json:"address"`
	DateOfBirth     string            `json:"dateOfBirth"`
	PlaceOfBirth    string            `json:"placeOfBirth"`
}

// TravelRuleID is a travel-rule identity document.
type TravelRuleID struct {
	Type           string `json:"type"`
	Value          string `json:"value"`
	CountryOfIssue string `json:"countryOfIssue"`
}

// TravelRuleAddress is a travel-rule address.
type TravelRuleAddress struct {
	City              string `json:"city"`
	Country           string `json:"country,omitempty"`
	DependentLocality string `json:"dependentLocality,omitempty"`
	PostalCode        string `json:"postalCode"`
	Region            string `json:"region,omitempty"`
	AddressLines      string `json:"addressLines"`
}

// Task kinds of the KYC lifecycle.
const (
	taskKYCPending = "kyc.pending"
	taskKYCDecide  = "kyc.decide"
)

// legacyOutcomes maps the KYC outcomes of the first snapshot format to
// rule names.
var legacyOutcomes = map[string]string{"pass": "", "refuse": ruleKYCRefuse, "hold": ruleKYCHold}

// mobileKey is how a phone number is indexed: country code and number.
func mobileKey(mobileCode, mobile string) string { return mobileCode + " " + mobile }

// userLocked returns the user or ACCOUNT_USER_NOT_EXIST.
func (w *world) userLocked(id string) (User, error) {
	if id == "" {
		return User{}, invalid("externalUserId is required")
	}
	u, ok := w.users.Get(id)
	if !ok {
		return u, fail("ACCOUNT_USER_NOT_EXIST", text{"externalUserId %s", "externalUserId %s"}, id)
	}
	return u, nil
}

// newUserLocked registers a user with KYC UNDO, their KYC outcome decided
// by their mobile (steerUser; r is nil outside a request).
func (w *world) newUserLocked(r *http.Request, mobileCode, mobile string) User {
	now := w.Now()
	u := User{ID: w.Faker.UUID(), MobileCode: mobileCode, Mobile: mobile, KYC: KYCUndo, KYCAt: now,
		Name: strings.ToUpper(w.Faker.FirstName() + " " + w.Faker.LastName()), CreatedAt: now}
	steerUser(r, &u)
	w.users.Put(u.ID, u)
	if mobile != "" {
		w.userByMobile[mobileKey(mobileCode, mobile)] = u.ID
	}
	return u
}

// setKYCLocked moves a user's KYC and pushes KYC_STATUS.
func (w *world) setKYCLocked(u User, status KYCStatus, reason string, at time.Time) User {
	if u.KYC == status {
		return u
	}
	u.KYC, u.KYCReason, u.KYCAt = status, reason, at
	w.users.Put(u.ID, u)
	w.pushLocked(eventKYCStatus, u.ID, at, kycStatusData{Status: status})
	return u
}

// startKYCLocked begins a KYC review: INIT now, PENDING after the submit
// delay, then decided as outcome (a rule name; "" passes) says.
func (w *world) startKYCLocked(u User, outcome string) User {
	now := w.Now()
	u.KYCOutcome = outcome
	w.users.Put(u.ID, u)
	u = w.setKYCLocked(u, KYCInit, "", now)
	w.Agenda.Schedule(now.Add(w.set.KYCSubmitDelay.D()), taskKYCPending, u.ID)
	return u
}

// resumeKYCLocked runs the review of a user the admin API made INIT or
// PENDING with an outcome: it goes on from that step and ends as the
// user's outcome says.
func (w *world) resumeKYCLocked(u User) {
	now := w.Now()
	u.KYCOutcome = u.Outcome
	w.users.Put(u.ID, u)
	switch u.KYC {
	case KYCInit:
		w.Agenda.Schedule(now.Add(w.set.KYCSubmitDelay.D()), taskKYCPending, u.ID)
	case KYCPending:
		w.scheduleDecisionLocked(u, now)
	}
}

// kycPendingLocked is the INIT → PENDING step.
func (w *world) kycPendingLocked(id string, at time.Time) {
	u, ok := w.users.Get(id)
	if !ok || u.KYC != KYCInit {
		return
	}
	u = w.setKYCLocked(u, KYCPending, "under review", at)
	w.scheduleDecisionLocked(u, at)
}

// scheduleDecisionLocked schedules the end of a PENDING review, unless it
// is on hold or waits for EDD documents.
func (w *world) scheduleDecisionLocked(u User, at time.Time) {
	if u.KYCOutcome == ruleKYCHold || w.awaitingEDDLocked(u.ID) {
		return
	}
	w.Agenda.Schedule(at.Add(w.set.KYCReviewDelay.D()), taskKYCDecide, u.ID)
}

// kycDecideLocked ends a PENDING review as its outcome says.
func (w *world) kycDecideLocked(id string, at time.Time) {
	u, ok := w.users.Get(id)
	if !ok || u.KYC != KYCPending || u.KYCOutcome == ruleKYCHold || w.awaitingEDDLocked(id) {
		return
	}
	w.decideKYCLocked(u, u.KYCOutcome != ruleKYCRefuse, at)
}

// decideKYCLocked sets PASS or REFUSE and moves the user's waiting card
// applications on.
func (w *world) decideKYCLocked(u User, pass bool, at time.Time) User {
	if pass {
		u = w.setKYCLocked(u, KYCPass, "approved", at)
	} else {
		u = w.setKYCLocked(u, KYCRefuse, "identity verification refused", at)
	}
	w.afterKYCLocked(u, at)
	return u
}
