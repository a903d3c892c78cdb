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
// Sumsub share token (a credential, not a detail).
type kycInfoJSON struct {
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
			out.KYCInfo = &kycInfoJSON{k.Email, k.PoaDocType, listOf(k.PoaDocURLList), k.PoaDocDate, k.AddressLine1, k.AddressLine2, k.State,
				k.City, k.PostalCode, k.Country, k.EmploymentStatus, k.EmployerName, k.EmploymentJobIndustry, k.Occupation, k.JobSeniority,
				k.PurposeOfAccount, k.SourceOfFunds, k.SourceOfFundsCountry, k.SourceOfWealth}
		}
		return out, nil
	})
}
