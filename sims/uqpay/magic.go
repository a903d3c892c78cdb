package uqpay

// Outcome steering — docs/outcomes.md ("Outcomes you can steer") and doc.go's
// "Magic values": where UQPay decides (a cardholder's KYC, an issuer's
// answer to an authorization), a reserved value picks the outcome (core's
// magic.go has the scheme). The decision is made when the value arrives,
// stored on the record as its outcome (the rule's name) and announced on
// the request; settle applies the stored decision and never reads the
// value again. The admin API reaches each outcome with the rule's name as
// a record's "outcome", no magic value needed.

import (
	"net/http"

	"github.com/mocksrv/mocksrv/sims/core"
)

// The rules, by name.
const (
	ruleKYCFail        = "kyc.fail"
	ruleKYCIncomplete  = "kyc.incomplete"
	ruleKYCPending     = "kyc.pending"
	ruleKYCReject      = "kyc.reject"
	ruleKYCHold        = "kyc.hold"
	ruleDeclineCVV     = "auth.decline.cvv"
	ruleDeclineFunds   = "auth.decline.insufficient_funds"
	ruleDeclineFraud   = "auth.decline.fraud"
	ruleDeclineExpired = "auth.decline.expired"
	ruleDeclineLimit   = "auth.decline.limit"
)

// The fields UQPay reads magic values from.
const (
	fieldEmail        = "email"
	fieldMerchantName = "merchant_name"
)

// magic is UQPay's table of magic values: cardholder emails at mocksrv.test
// (a +tag keeps them unique: kyc.fail+7@mocksrv.test) and merchant names
// of simulated authorizations.
var magic = core.Magics{
	{Rule: ruleKYCFail, Field: fieldEmail, Kind: core.MagicEmail, Value: "kyc.fail@mocksrv.test",
		Outcome: "the cardholder is FAILED at once; its cards end FAILED (card.create.failed)"},
	{Rule: ruleKYCIncomplete, Field: fieldEmail, Kind: core.MagicEmail, Value: "kyc.incomplete@mocksrv.test",
		Outcome: "the cardholder is INCOMPLETE; an update resubmits it and it is SUCCESS"},
	{Rule: ruleKYCPending, Field: fieldEmail, Kind: core.MagicEmail, Value: "kyc.pending@mocksrv.test",
		Outcome: "the cardholder is PENDING, then SUCCESS after the KYC delay; cards made meanwhile wait, then turn ACTIVE"},
	{Rule: ruleKYCReject, Field: fieldEmail, Kind: core.MagicEmail, Value: "kyc.reject@mocksrv.test",
		Outcome: "the cardholder is PENDING, then FAILED after the KYC delay; the waiting cards end FAILED"},
	{Rule: ruleKYCHold, Field: fieldEmail, Kind: core.MagicEmail, Value: "kyc.hold@mocksrv.test",
		Outcome: "the cardholder is PENDING until the admin API's kyc decides"},
	{Rule: ruleDeclineCVV, Field: fieldMerchantName, Kind: core.MagicText, Value: "mocksrv:decline-cvv",
		Outcome: "the authorization is DECLINED: " + descCVV},
	{Rule: ruleDeclineFunds, Field: fieldMerchantName, Kind: core.MagicText, Value: "mocksrv:decline-funds",
		Outcome: "the authorization is DECLINED: " + descInsufficient},
	{Rule: ruleDeclineFraud, Field: fieldMerchantName, Kind: core.MagicText, Value: "mocksrv:decline-fraud",
		Outcome: "the authorization is DECLINED: " + descFraud},
	{Rule: ruleDeclineExpired, Field: fieldMerchantName, Kind: core.MagicText, Value: "mocksrv:decline-expired",
		Outcome: "the authorization is DECLINED: " + descExpired},
	{Rule: ruleDeclineLimit, Field: fieldMerchantName, Kind: core.MagicText, Value: "mocksrv:decline-limit",
		Outcome: "the authorization is DECLINED: " + descSpendingLimit},
}

// Magic returns UQPay's magic values, for documentation and tests.
func Magic() core.Magics { return append(core.Magics(nil), magic...) }

// kycRules are the outcomes a cardholder's outcome may name; declineRules
// those of an authorization, each with the description it declines with.
var (
	kycRules     = []string{ruleKYCFail, ruleKYCIncomplete, ruleKYCPending, ruleKYCReject, ruleKYCHold}
	declineRules = map[string]string{
		ruleDeclineCVV: descCVV, ruleDeclineFunds: descInsufficient, ruleDeclineFraud: descFraud,
		ruleDeclineExpired: descExpired, ruleDeclineLimit: descSpendingLimit,
	}
)

// checkOutcome refuses an outcome that is not one of the allowed rules
// (the admin API sets a record's outcome by rule name).
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

// steerKYC decides a cardholder's KYC outcome from its email: the rule of
// a magic email, announced on r (nil outside a request), or none.
func steerKYC(r *http.Request, h *Cardholder) {
	h.Outcome = ""
	if m, ok := magic.Find(fieldEmail, h.Email); ok {
		h.Outcome = m.Rule
		core.Announce(r, m)
	}
}

// steerAuthorization decides an authorization's outcome from its merchant
// name: the rule of a magic name, announced on r (nil outside a request),
// or none.
func steerAuthorization(r *http.Request, merchant string) string {
	if m, ok := magic.Find(fieldMerchantName, merchant); ok {
		core.Announce(r, m)
		return m.Rule
	}
	return ""
}

// declineRuleNames lists the authorization outcomes, in table order.
func declineRuleNames() []string {
	var out []string
	for _, m := range magic {
		if _, ok := declineRules[m.Rule]; ok {
			out = append(out, m.Rule)
		}
	}
	return out
}
