package decard

// Virtual-card applications — DeCard Standard Authorization "card" §6
// (POST /card/v1/virtual-card/apply), its progress query, apply-list and
// the EDD document flow (account §8, §9).

import (
	"math"
	"net/http"
	"net/mail"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// ApplyStatus is a virtual-card application's status. Only PENDING is
// published; SUCCESS and FAILED are mocksrv's (see Deviations).
type ApplyStatus string

// Application statuses.
const (
	ApplyPending ApplyStatus = "PENDING"
	ApplySuccess ApplyStatus = "SUCCESS"
	ApplyFailed  ApplyStatus = "FAILED"
)

// KYCInfo is the kycInfo object of a virtual-card application.
type KYCInfo struct {
	SumsubShareToken      string   `json:"sumsubShareToken"`
	Email                 string   `json:"email"`
	PoaDocType            string   `json:"poaDocType"`
	PoaDocURLList         []string `json:"poaDocUrlList"`
	PoaDocDate            string   `json:"poaDocDate"`
	AddressLine1          string   `json:"addressLine1"`
	AddressLine2          string   `json:"addressLine2"`
	State                 string   `json:"state"`
	City                  string   `json:"city"`
	PostalCode            string   `json:"postalCode"`
	Country               string   `json:"country"`
	EmploymentStatus      string   `json:"employmentStatus"`
	EmployerName          string   `json:"employerName"`
	EmploymentJobIndustry string   `json:"employmentJobIndustry"`
	Occupation            string   `json:"occupation"`
	JobSeniority          string   `json:"jobSeniority"`
	PurposeOfAccount      string   `json:"purposeOfAccount"`
	SourceOfFunds         string   `json:"sourceOfFunds"`
	SourceOfFundsCountry  string   `json:"sourceOfFundsCountry"`
	SourceOfWealth        string   `json:"sourceOfWealth"`
}

// KYBInfo is the kybInfo of a financial-connection virtual-card
// application (the connector types it Object; the collection sends
// companyName).
type KYBInfo struct {
	CompanyName string `json:"companyName"`
}

// Apply is a virtual-card application.
type Apply struct {
	ID          string      `json:"applyId"`
	UserID      string      `json:"externalUserId"`
	CategoryID  string      `json:"categoryId"`
	Ref         string      `json:"applyRef"`
	Status      ApplyStatus `json:"status"`
	ErrorCode   string      `json:"errorCode"`
	ErrorReason string      `json:"errorReason"`
	NeedEDD     bool        `json:"needEddFile"`
	Remark      string      `json:"remark"`
	CardID      string      `json:"cardId,omitempty"`
	KYC         KYCInfo     `json:"kycInfo"`
	KYB         *KYBInfo    `json:"kybInfo,omitempty"`    // a financial-connection application's; set once
	Outcome     string      `json:"outcome,omitempty"`    // a steered issuing outcome: card.fail (magic.go)
	KYCOutcome  string      `json:"kycOutcome,omitempty"` // how the KYC review it starts ends: "" (PASS), kyc.refuse or kyc.hold
	CreatedAt   time.Time   `json:"createdAt"`
	UpdatedAt   time.Time   `json:"updatedAt"`
}

// Task kinds of an application.
const taskApplyIssue = "apply.issue"

// msgConnectorKYC refuses one of the three kycInfo fields the docs require
// and the Java connector's ApplyVirtualCardRequest leaves out, naming the
// switch that accepts such clients.
const msgConnectorKYC = "kycInfo.%s is required (DeCard's docs require it; the Java connector does not send it: " +
	`a tenant with "lenient_kyc_info": true, or WithLenientKYCInfo(true), accepts such applications)`

// validate checks every kycInfo field: presence, formats, and the
// published dictionaries (lenient skips the three fields the Java connector
// does not send and the dictionaries). now is business time, for the age
// of the proof-of-address document.
func (k KYCInfo) validate(lenient bool, poaMaxAge time.Duration, now time.Time) error {
	required := []struct{ name, v string }{
		{"sumsubShareToken", k.SumsubShareToken}, {"poaDocType", k.PoaDocType}, {"poaDocDate", k.PoaDocDate},
		{"addressLine1", k.AddressLine1}, {"addressLine2", k.AddressLine2}, {"state", k.State}, {"city", k.City},
		{"postalCode", k.PostalCode}, {"country", k.Country}, {"employmentStatus", k.EmploymentStatus},
		{"employmentJobIndustry", k.EmploymentJobIndustry}, {"occupation", k.Occupation},
		{"purposeOfAccount", k.PurposeOfAccount}, {"sourceOfFunds", k.SourceOfFunds}, {"sourceOfWealth", k.SourceOfWealth},
	}
	for _, f := range required {
		if strings.TrimSpace(f.v) == "" {
			return invalid("kycInfo.%s is required", f.name)
		}
	}
	if !lenient {
		for _, f := range []struct{ name, v string }{{"email", k.Email}, {"jobSeniority", k.JobSeniority}, {"sourceOfFundsCountry", k.SourceOfFundsCountry}} {
			if strings.TrimSpace(f.v) == "" {
				return invalid(msgConnectorKYC, f.name)
			}
		}
	}
	if len(k.PoaDocURLList) == 0 {
		return invalid("kycInfo.poaDocUrlList needs at least one document")
	}
	for i, u := range k.PoaDocURLList {
		if strings.TrimSpace(u) == "" {
			return invalid("kycInfo.poaDocUrlList[%d] is empty", i)
		}
	}
	if k.Email != "" {
		if a, err := mail.ParseAddress(k.Email); err != nil || a.Address != k.Email {
			return invalid("kycInfo.email %q is not an e-mail address", k.Email)
		}
	}
	if k.EmploymentStatus == "EMPLOYED" && strings.TrimSpace(k.EmployerName) == "" {
		return invalid("kycInfo.employerName is required when employmentStatus is EMPLOYED")
	}
	for _, f := range []struct{ name, v string }{{"country", k.Country}, {"sourceOfFundsCountry", k.SourceOfFundsCountry}} {
		if f.v != "" && !countries[f.v] {
			return fail("CARD_COUNTRY_NOT_EXISTED", text{"kycInfo.%s %q is not an ISO 3166-1 alpha-2 code (CN, US, SG)",
				"kycInfo.%s %q 不是两位 ISO 国家码（CN、US、SG）"}, f.name, f.v)
		}
	}
	date, err := time.Parse("2006-01-02", k.PoaDocDate)
	if err != nil {
		return invalid("kycInfo.poaDocDate %q is not yyyy-MM-dd (eg 2025-01-01)", k.PoaDocDate)
	}
	if lenient {
		return nil
	}
	dated, known := poaDocTypes[k.PoaDocType]
	if !known {
		return invalid("kycInfo.poaDocType %q is not in the dictionary (%s)", k.PoaDocType, keys(poaDocTypes))
	}
	for _, f := range []struct {
		name, v string
		dict    map[string]bool
	}{
		{"employmentStatus", k.EmploymentStatus, employmentStatuses}, {"employmentJobIndustry", k.EmploymentJobIndustry, jobIndustries},
		{"occupation", k.Occupation, occupations}, {"jobSeniority", k.JobSeniority, jobSeniorities},
		{"purposeOfAccount", k.PurposeOfAccount, purposesOfAccount}, {"sourceOfFunds", k.SourceOfFunds, sourcesOfFunds},
		{"sourceOfWealth", k.SourceOfWealth, sourcesOfWealth},
	} {
		if !f.dict[f.v] {
			hint := keys(f.dict)
			if len(f.dict) > 20 {
				hint = "see the occupation dictionary"
			}
			return invalid("kycInfo.%s %q is not in the dictionary (%s)", f.name, f.v, hint)
		}
	}
	today := now.UTC().Truncate(24 * time.Hour)
	if date.After(today) {
		return invalid("kycInfo.poaDocDate %s is in the future", k.PoaDocDate)
	}
	if dated && poaMaxAge > 0 {
		limit := poaMaxAge
		if k.Country == "FR" {
			limit = poaMaxAge * 75 / 90
		}
		if today.Sub(date) > limit {
			return invalid("kycInfo.poaDocDate %s: a %s must be dated within %d days", k.PoaDocDate, k.PoaDocType, int(limit.Hours()/24))
		}
	}
	return nil
}

// keys lists a dictionary's codes, sorted, for error messages.
func keys(m map[string]bool) string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sortStrings(out)
	return strings.Join(out, ", ")
}

// awaitingEDDLocked reports whether one of the user's PENDING applications
// waits for EDD documents, which holds its KYC review.
func (w *world) awaitingEDDLocked(user string) bool {
	for _, a := range bucket(w.applies, "user", user) {
		if a.Status == ApplyPending && a.NeedEDD {
			return true
		}
	}
	return false
}

// submitApplyLocked starts an application: the KYC review when the user
// has not passed it yet, else straight to issuing. What the application's
// magic values asked for (steerApply) is already on it.
func (w *world) submitApplyLocked(u User, a Apply) Apply {
	now := w.Now()
	if a.NeedEDD {
		a.Remark = "EDD documents required: upload them with /account/v1/upload-edd-file"
	}
	w.applies.Put(a.ID, a)
	w.applyByRef[a.Ref] = a.ID
	if a.KYC.Email != "" {
		w.userByEmail[strings.ToLower(a.KYC.Email)] = u.ID
		u.Email = a.KYC.Email
	}
	if a.KYB == nil {
		k := a.KYC
		u.KYCInfo = &k
	}
	w.users.Put(u.ID, u)
	if u.KYC == KYCPass {
		w.Agenda.Schedule(now.Add(w.set.IssueDelay.D()), taskApplyIssue, a.ID)
		return a
	}
	w.startKYCLocked(u, a.KYCOutcome)
	return a
}

// afterKYCLocked moves the user's PENDING applications on once the KYC is
// decided: issuing after PASS, FAILED after REFUSE.
func (w *world) afterKYCLocked(u User, at time.Time) {
	for _, a := range bucket(w.applies, "user", u.ID) {
		if a.Status != ApplyPending {
			continue
		}
		switch u.KYC {
		case KYCPass:
			w.Agenda.Schedule(at.Add(w.set.IssueDelay.D()), taskApplyIssue, a.ID)
		case KYCRefuse:
			w.finishApplyLocked(a, ApplyFailed, "DAPI_CARD_ORDER_KYC_VERIFY_FAILED", "kyc verify failed", at)
		}
	}
}

// issueApplyLocked ends a PENDING application whose KYC passed: a new
// card, or FAILED when its outcome says so.
func (w *world) issueApplyLocked(id string, at time.Time) {
	a, ok := w.applies.Get(id)
	if !ok || a.Status != ApplyPending {
		return
	}
	u, ok := w.users.Get(a.UserID)
	if !ok || u.KYC != KYCPass {
		return
	}
	if a.Outcome == ruleCardFail {
		w.finishApplyLocked(a, ApplyFailed, "CARD_TXN_SERVICE_ERROR", "card issuing failed (sandbox rule "+ruleCardFail+")", at)
		return
	}
	cat, _ := findCategory(a.CategoryID)
	c := w.newCardLocked(u, cat, a.ID, at)
	a.CardID = c.ID
	w.finishApplyLocked(a, ApplySuccess, "", "", at)
}

// finishApplyLocked sets an application's final status and sends
// CARD_APPLY.
func (w *world) finishApplyLocked(a Apply, st ApplyStatus, code, reason string, at time.Time) {
	a.Status, a.ErrorCode, a.ErrorReason, a.UpdatedAt = st, code, reason, at
	if st == ApplyFailed {
		a.NeedEDD = false
	}
	w.applies.Put(a.ID, a)
	w.notifyLocked(eventCardApply, a.UserID, at, applyJSON(a))
}

// Idempotency of applyRef — issue 13's one rule (doc.go, "Idempotency"):
// applyOnce (envelope.go) answers a request whose applyRef was used
// before from the world's applyRefs store: the same request gets the
// first answer byte for byte, a different one CARD_TRANSACTION_REPEAT_REQUEST
// naming applyRef and the first field that differs. The handlers keep each
// first use in applyUses too, which snapshots save and a restore feeds back
// into the store.

// refUse is the first request made with an applyRef and its answer.
type refUse struct {
	Path   string    `json:"path"`
	Body   string    `json:"body"`
	Answer string    `json:"answer"`
	At     time.Time `json:"at"`
}

// applyRefKey is an applyRef's key in the applyRefs store.
func applyRefKey(ref string) string { return "applyRef:" + ref }

// applyRefLife is how long an applyRef answers its first request: for the
// tenant's life, as DeCard documents it as the application's idempotency
// number (幂等号), not as a key that expires.
const applyRefLife = 100 * 365 * 24 * time.Hour

// newApplyRefs returns an empty store of applyRefs. It keeps every one:
// its size is bounded by the applications the tenant holds, each of which
// carries its request's kycInfo anyway.
func newApplyRefs() *core.IdemStore {
	s := core.NewIdemStore(applyRefLife)
	s.MaxBytes = math.MaxInt
	return s
}

// refFreeLocked refuses an applyRef that names an application the store
// cannot answer for: one the admin API made, or one restored from a
// snapshot that kept no request for it.
func (w *world) refFreeLocked(ref string) error {
	if id, ok := w.applyByRef[ref]; ok {
		return fail("CARD_TRANSACTION_REPEAT_REQUEST", text{"applyRef %s is application %s's, which was made without a request to compare this one with",
			"applyRef %s 属于申请 %s，该申请没有可比对的原始请求"}, ref, id)
	}
	return nil
}

// rememberApplyLocked keeps the first use of a new application's applyRef
// for snapshots and returns the answer's data.
func (w *world) rememberApplyLocked(r *http.Request, a Apply) applyData {
	data := applyJSON(a)
	answer, err := core.Marshal(success(r, data))
	if err == nil {
		w.applyUses[a.Ref] = refUse{Path: r.URL.Path, Body: string(core.Body(r)), Answer: string(answer), At: w.Tenant.Clock.Now()}
	}
	return data
}

// seedApplyRefsLocked feeds the kept first uses into a new world's store
// (a restore).
func (w *world) seedApplyRefsLocked() {
	for ref, u := range w.applyUses {
		key := applyRefKey(ref)
		if prev, err := w.applyRefs.Claim(key, core.IdemRequest{Method: http.MethodPost, Path: u.Path, Body: []byte(u.Body)}, u.At); err == nil && prev == nil {
			w.applyRefs.Finish(key, core.IdemResponse{Status: http.StatusOK, Body: []byte(u.Answer)})
		}
	}
}
