package core

// Decision is an admin API verdict on something under review — a
// cardholder's KYC, a deposit: "approve" or "reject", and a rejection's
// reason. A provider's Create body embeds it:
//
//	var req struct {
//		DepositID string `json:"deposit_id"`
//		core.Decision
//	}
type Decision struct {
	Decision string `json:"decision"` // approve or reject
	Reason   string `json:"reason"`
}

// Verdict returns whether d approves and the reason to record, which is
// defaultReason when d gives none. A decision that is neither approve nor
// reject is KindInvalid, naming what was decided ("kyc", "deposit").
func (d Decision) Verdict(what, defaultReason string) (approve bool, reason string, err error) {
	if d.Decision != "approve" && d.Decision != "reject" {
		return false, "", Errorf(KindInvalid, `%s decision must be "approve" or "reject"`, what)
	}
	reason = d.Reason
	if reason == "" {
		reason = defaultReason
	}
	return d.Decision == "approve", reason, nil
}
