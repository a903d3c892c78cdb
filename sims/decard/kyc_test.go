package decard_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/decard"
)

// TestKYCDetail answers a user's KYC status and the kycInfo their
// application sent, and follows the review.
func TestKYCDetail(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	c := s.NewClient()
	user := register(t, c, "85550001")
	type detail struct {
		Status            string  `json:"status"`
		StatusDescription string  `json:"statusDescription"`
		Mobile            string  `json:"mobile"`
		Email             *string `json:"email"`
		KYCInfo           *struct {
			Email        string   `json:"email"`
			Occupation   string   `json:"occupation"`
			PoaDocURL    []string `json:"poaDocUrlList"`
			SumsubShared *string  `json:"sumsubShareToken"`
		} `json:"kycInfo"`
	}
	var d detail
	get(t, c, "kyc.detail", "/kyc/v1/detail", &d, decard.Q("externalUserId", user)...)
	assert.Equal(t, "UNDO", d.Status)
	assert.Equal(t, "****0001", d.Mobile)
	assert.Nil(t, d.Email)
	assert.Nil(t, d.KYCInfo, "no application yet")

	apply(t, c, user, "10102000", "kyc-detail-1", kycInfo("email", "ada@example.com", "occupation", "ACCOUNTANT"))
	get(t, c, "kyc.detail", "/kyc/v1/detail", &d, decard.Q("externalUserId", user)...)
	assert.Equal(t, "INIT", d.Status)
	require.NotNil(t, d.KYCInfo)
	assert.Equal(t, "ACCOUNTANT", d.KYCInfo.Occupation)
	assert.Equal(t, []string{"uploads/20251201/bill.pdf"}, d.KYCInfo.PoaDocURL)
	assert.Nil(t, d.KYCInfo.SumsubShared, "the share token is a credential, not a detail")
	require.NotNil(t, d.Email)
	assert.Equal(t, "ada@example.com", *d.Email)
	advance(t, s, 5*time.Minute)
	get(t, c, "kyc.detail", "/kyc/v1/detail", &d, decard.Q("externalUserId", user)...)
	assert.Equal(t, "PASS", d.Status)
	assert.Equal(t, "approved", d.StatusDescription)

	mustCode(t, c, "kyc.detail", http.MethodGet, "/kyc/v1/detail", decard.Q("externalUserId", "nobody"), nil, "ACCOUNT_USER_NOT_EXIST")
	resp := mustCode(t, c, "kyc.detail", http.MethodGet, "/kyc/v1/detail", nil, nil, "ACCOUNT_INVALID_PARAMETER")
	assert.Contains(t, resp.Message, "externalUserId is required")
}
