package keysecure

// Outcome steering — docs/outcomes.md ("Outcomes you can steer") and doc.go's
// "Magic values": where KeySecure decides, a reserved value picks the
// outcome (core/magic.go has the scheme). The admin API reaches each of
// them with the rule's name as a record's "outcome", no magic value needed.

import "github.com/mocksrv/mocksrv/sims/core"

// The rules, by name.
const (
	ruleKYCReject      = "kyc.reject"
	ruleKYCHold        = "kyc.hold"
	ruleCardFail       = "card.fail"
	ruleConsumeDecline = "consume.decline"
)

// magic is KeySecure's table of magic values.
var magic = core.Magics{
	{Rule: ruleKYCReject, Field: "sumsub_share_token", Kind: core.MagicText, Value: "mocksrv:kyc-reject",
		Outcome: "the KYC review ends Rejected at its decision time"},
	{Rule: ruleKYCHold, Field: "sumsub_share_token", Kind: core.MagicText, Value: "mocksrv:kyc-hold",
		Outcome: "the KYC review never ends by itself; decide it with the admin API's kyc"},
	{Rule: ruleCardFail, Field: "card_unique_no", Kind: core.MagicText, Value: "mocksrv:card-fail",
		Outcome: "the card application ends Fail when issuing is due"},
	{Rule: ruleConsumeDecline, Field: "merchant_name", Kind: core.MagicText, Value: "mocksrv:decline",
		Outcome: "the issuer declines the purchase: status Fail, remark says why"},
}

// Magic returns KeySecure's magic values, for documentation and tests.
func Magic() core.Magics { return append(core.Magics(nil), magic...) }

// outcomeRules are the rules a record's outcome may name (the admin API
// sets them directly).
func checkOutcome(field, outcome string, allowed ...string) error {
	if outcome == "" {
		return nil
	}
	for _, a := range allowed {
		if outcome == a {
			return nil
		}
	}
	return core.Errorf(core.KindInvalid, "%s %q: want one of %v", field, outcome, allowed)
}
