package decard

// Outcome steering — docs/outcomes.md ("Outcomes you can steer") and doc.go's
// "Magic values": where DeCard decides (a KYC review, issuing a card, an
// authorisation, a deposit), a reserved value picks the outcome (core's
// magic.go has the scheme). The decision is made when the value arrives,
// stored on the record as its outcome (the rule's name) and announced on
// the request; settle applies the stored decision and never reads the
// value again. The admin API reaches each outcome with the rule's name as
// a record's "outcome", no magic value needed.

import (
	"net/http"
	"strings"

	"github.com/mocksrv/mocksrv/sims/core"
)

// The rules, by name.
const (
	ruleKYCRefuse    = "kyc.refuse"
	ruleKYCHold      = "kyc.hold"
	ruleKYCEDD       = "kyc.edd"
	ruleCardFail     = "card.fail"
	ruleAuthDecline  = "auth.decline"
	ruleDepositFail  = "deposit.fail"
	ruleDepositAudit = "deposit.audit"
)

// The fields DeCard reads magic values from, in its own terms.
const (
	fieldShareToken    = "kycInfo.sumsubShareToken"
	fieldKYCEmail      = "kycInfo.email"
	fieldApplyRef      = "applyRef"
	fieldMobile        = "mobile"
	fieldAuthAmount    = "fund-auth amount"
	fieldDepositAmount = "deposit amount"
)

// magic is DeCard's table of magic values: reserved share tokens, KYC
// emails at mocksrv.test (a +tag keeps them unique), applyRefs (a ":suffix"
// keeps them unique), United Kingdom mobiles of Ofcom's drama range, and
// amounts of 9999.01–9999.99.
var magic = core.Magics{
	{Rule: ruleKYCRefuse, Field: fieldShareToken, Kind: core.MagicText, Value: "mocksrv:kyc-refuse",
		Outcome: "the KYC review ends REFUSE at its decision time; the application FAILED (DAPI_CARD_ORDER_KYC_VERIFY_FAILED)"},
	{Rule: ruleKYCHold, Field: fieldShareToken, Kind: core.MagicText, Value: "mocksrv:kyc-hold",
		Outcome: "the KYC stays PENDING until the admin API's kyc decides it"},
	{Rule: ruleKYCEDD, Field: fieldKYCEmail, Kind: core.MagicEmail, Value: "kyc.edd@mocksrv.test",
		Outcome: "needEddFile true: the KYC review waits for /account/v1/upload-edd-file"},
	{Rule: ruleCardFail, Field: fieldApplyRef, Kind: core.MagicText, Value: "mocksrv:card-fail",
		Outcome: "issuing fails once the KYC passes: the application FAILED, CARD_TXN_SERVICE_ERROR"},
	{Rule: ruleKYCRefuse, Field: fieldMobile, Kind: core.MagicPhone, Value: "+447700900001",
		Outcome: "a user registered with it (mobileCode GB, mobile 7700900001): every KYC review of theirs ends REFUSE, a KYC_GUIDE link's too"},
	{Rule: ruleKYCHold, Field: fieldMobile, Kind: core.MagicPhone, Value: "+447700900002",
		Outcome: "a user registered with it (mobileCode GB, mobile 7700900002): every KYC review of theirs stays PENDING until the admin API decides"},
	{Rule: ruleAuthDecline, Field: fieldAuthAmount, Kind: core.MagicAmount, Value: "9999.01",
		Outcome: "the authorisation is declined: CARD_TRANSACTION_DEDUCT_FUNDS_FAIL"},
	{Rule: ruleDepositFail, Field: fieldDepositAmount, Kind: core.MagicAmount, Value: "9999.13",
		Outcome: "the deposit order ends FAILED at its first step; nothing is credited"},
	{Rule: ruleDepositAudit, Field: fieldDepositAmount, Kind: core.MagicAmount, Value: "9999.14",
		Outcome: "the deposit order waits in PENDING_AUDIT (60 deposit steps, an hour by default), then is credited"},
}

// Magic returns DeCard's magic values, for documentation and tests.
func Magic() core.Magics { return append(core.Magics(nil), magic...) }

// The outcomes each kind of record may name (the admin API sets them by
// rule name).
var (
	userRules    = []string{ruleKYCRefuse, ruleKYCHold}
	applyRules   = []string{ruleKYCRefuse, ruleKYCHold, ruleKYCEDD, ruleCardFail}
	authRules    = []string{ruleAuthDecline}
	depositRules = []string{ruleDepositFail, ruleDepositAudit}
)

// checkOutcome refuses an outcome that is not one of the allowed rules.
func checkOutcome(field, outcome string, allowed []string) error {
	if outcome == "" {
		return nil
	}
	for _, a := range allowed {
		if outcome == a {
			return nil
		}
	}
	return core.Errorf(core.KindInvalid, "%s %q: want one of %s", field, outcome, strings.Join(allowed, ", "))
}

// find returns the rule a value of field fires, announcing it on r (nil
// outside a request), or "".
func find(r *http.Request, field, v string) string {
	m, ok := magic.Find(field, v)
	if !ok {
		return ""
	}
	core.Announce(r, m)
	return m.Rule
}

// announce names a stored outcome on r when it takes effect there (a
// KYC_GUIDE link starting a review the user's outcome steers).
func announce(r *http.Request, rule string) {
	if rule != "" {
		core.Announce(r, core.Magic{Rule: rule})
	}
}

// e164 renders a registered mobile as an international number, for the
// phone rules: mobileCode GB's numbers only (the reserved range is the
// United Kingdom's), a leading trunk 0 dropped; "" for any other country.
func e164(mobileCode, mobile string) string {
	if mobileCode != "GB" {
		return ""
	}
	return "+44" + strings.TrimPrefix(mobile, "0")
}

// steerUser decides a new user's KYC outcome from the mobile they
// registered with.
func steerUser(r *http.Request, u *User) {
	if rule := find(r, fieldMobile, e164(u.MobileCode, u.Mobile)); rule != "" {
		u.Outcome = rule
	}
}

// steerApply decides what an application's magic values ask for: the KYC
// outcome of the review it starts (from its share token, else the user's),
// EDD documents (its email) and an issuing failure (its applyRef).
// Outcomes already on a (the admin API's) stay unless a magic value
// names another.
func steerApply(r *http.Request, u User, a *Apply) {
	if rule := find(r, fieldShareToken, a.KYC.SumsubShareToken); rule != "" {
		a.KYCOutcome = rule
	}
	if a.KYCOutcome == "" && u.KYC != KYCPass && u.Outcome != "" {
		a.KYCOutcome = u.Outcome
		announce(r, u.Outcome)
	}
	if find(r, fieldKYCEmail, a.KYC.Email) != "" {
		a.NeedEDD = true
	}
	if rule := find(r, fieldApplyRef, a.Ref); rule != "" {
		a.Outcome = rule
	}
}
