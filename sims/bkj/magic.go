package bkj

// Outcome steering — docs/outcomes.md ("Outcomes you can steer") and doc.go's
// "Magic values": where bkj decides (a KYC review, a card application, a
// withdrawal, an issuer's answer to a purchase), a reserved value picks
// the outcome (core's magic.go has the scheme). The decision is made when
// the value arrives, stored on the record as its outcome (the rule's name)
// and announced on the request; settle applies the stored decision and
// never reads the value again. The admin API and the direct helpers reach
// each outcome with the rule's name as a record's "outcome", no magic
// value needed.

import (
	"net/http"
	"slices"

	"github.com/mocksrv/mocksrv/sims/core"
)

// The rules, by name.
const (
	ruleKYCReject        = "kyc.reject"
	ruleKYCHold          = "kyc.hold"
	ruleCardFail         = "card.fail"
	ruleWithdrawalReject = "withdrawal.reject"
	ruleWithdrawalHold   = "withdrawal.hold"
	ruleAuthDecline      = "auth.decline"
)

// The fields bkj reads magic values from.
const (
	fieldEmail        = "email"         // a user's, at registration
	fieldLabel        = "label"         // a card application's
	fieldMemo         = "memo"          // a withdrawal's
	fieldMerchantName = "merchant_name" // a sandbox purchase's
)

// magic is bkj's table of magic values: user emails at mocksrv.test (a
// +tag keeps them unique: kyc.reject+7@mocksrv.test) and texts starting
// "mocksrv:" (a ":suffix" may follow: mocksrv:card-fail:order-7).
var magic = core.Magics{
	{Rule: ruleKYCReject, Field: fieldEmail, Kind: core.MagicEmail, Value: "kyc.reject@mocksrv.test",
		Outcome: "every KYC review of the user ends rejected at its decision time (2 min)"},
	{Rule: ruleKYCHold, Field: fieldEmail, Kind: core.MagicEmail, Value: "kyc.hold@mocksrv.test",
		Outcome: "the user's KYC review stays pending until the admin API's kyc decides it"},
	{Rule: ruleCardFail, Field: fieldLabel, Kind: core.MagicText, Value: "mocksrv:card-fail",
		Outcome: "the card application fails when its first step is due: opening or pre_producing → deleted, remarks say why"},
	{Rule: ruleWithdrawalReject, Field: fieldMemo, Kind: core.MagicText, Value: "mocksrv:withdrawal-reject",
		Outcome: "the withdrawal ends failed when it is due (10 min); the held amount and fee come back"},
	{Rule: ruleWithdrawalHold, Field: fieldMemo, Kind: core.MagicText, Value: "mocksrv:withdrawal-hold",
		Outcome: "the withdrawal stays pending until it is cancelled or the admin API's withdrawals decides it"},
	{Rule: ruleAuthDecline, Field: fieldMerchantName, Kind: core.MagicText, Value: "mocksrv:decline",
		Outcome: "the sandbox purchase is declined by the issuer (code 0, status declined, decline_reason says why); no money moves"},
}

// Magic returns bkj's magic values, for documentation and tests.
func Magic() core.Magics { return append(core.Magics(nil), magic...) }

// The outcomes each record may carry.
var (
	userRules       = []string{ruleKYCReject, ruleKYCHold}
	cardRules       = []string{ruleCardFail}
	withdrawalRules = []string{ruleWithdrawalReject, ruleWithdrawalHold}
	authRules       = []string{ruleAuthDecline}
)

// steer returns the rule a magic value of field picks, or "" for an
// ordinary value.
func steer(field, v string) string {
	if m, ok := magic.Find(field, v); ok {
		return m.Rule
	}
	return ""
}

// announce names a record's stored outcome on the request that decided it
// (X-Mocksrv-Outcome and the journal entry's outcomes); nothing for "".
func announce(r *http.Request, outcome string) {
	if outcome != "" {
		core.Announce(r, magic.Rule(outcome))
	}
}

// checkOutcome refuses an outcome that is not one of the allowed rules
// (the admin API and direct helpers set a record's outcome by rule name).
func checkOutcome(field, outcome string, allowed []string) error {
	if outcome == "" || slices.Contains(allowed, outcome) {
		return nil
	}
	return core.Errorf(core.KindInvalid, "%s %q: want one of %v (or none)", field, outcome, allowed)
}
