package decard

// KYC endpoints — the Postman collection's "kyc" folder (changelog
// 20260525: GET /kyc/v1/detail). DeCard publishes the request only; the
// answer is mocksrv's: the user's KYC status as kyc-status v2 reports it
// and the kycInfo their last virtual-card application sent.

import (
	"net/http"

	"github.com/mocksrv/mocksrv/sims/core"
)

// kycInfoJSON is the kycInfo a user's application sent, without the
// Sumsub share token (a credential, not a detail): the outer, always
// empty SumsubShareToken hides KYCInfo's from encoding/json.
type kycInfoJSON struct {
	KYCInfo
	SumsubShareToken string `json:"sumsubShareToken,omitempty"`
}

// kycDetailJSON is /kyc/v1/detail's data.
type kycDetailJSON struct {
	ExternalUserID        string       `json:"externalUserId"`
	Status                KYCStatus    `json:"status"`
	StatusDescription     string       `json:"statusDescription"`
	DescriptionTimeMillis int64        `json:"descriptionTimeMillis"`
	MobileCode            string       `json:"mobileCode"`
	Mobile                string       `json:"mobile"` // masked, last 4 in clear
	Email                 *string      `json:"email"`
	KYCInfo               *kycInfoJSON `json:"kycInfo"` // null until an application sends one
}

// handleKYCDetail handles "GET /kyc/v1/detail".
func (s *Server) handleKYCDetail(r *http.Request) (any, error) {
	return s.withUser(r, func(_ *world, u User) (any, error) {
		out := kycDetailJSON{ExternalUserID: u.ID, Status: u.KYC, StatusDescription: u.KYCReason, DescriptionTimeMillis: u.KYCAt.UnixMilli(),
			MobileCode: u.MobileCode, Mobile: core.Mask(u.Mobile, 4), Email: optional(u.Email)}
		if k := u.KYCInfo; k != nil {
			info := *k
			info.PoaDocURLList = listOf(k.PoaDocURLList)
			out.KYCInfo = &kycInfoJSON{KYCInfo: info}
		}
		return out, nil
	})
}
