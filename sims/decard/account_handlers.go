package decard

// Account and captcha endpoints — DeCard "captcha" and "account" sections
// (send-mobile-code, register, kyc-status v1/v2, user-status, invitation,
// travel rule, EDD files, extra info).

import (
	"net/http"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

var (
	mobileDigits = regexp.MustCompile(`^[0-9]{4,15}$`)
	birthDate    = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

type sendCodeRequest struct {
	MobileCode     string `json:"mobileCode"`
	Mobile         string `json:"mobile"`
	ExternalUserID string `json:"externalUserId"`
	Behavioral     string `json:"behavioral"`
}

// phone validates a mobileCode (ISO alpha-2) and a mobile (digits or AES
// ciphertext) and returns the plain number.
func (s *Server) phone(w *world, mobileCode, mobile string) (string, error) {
	if !countries[mobileCode] {
		return "", invalid("mobileCode must be an ISO 3166-1 alpha-2 country code (SG, CN), got %q", mobileCode)
	}
	if blockedMobileCountries[mobileCode] {
		return "", fail("ACCOUNT_USER_MOBILE_FROM_BLACK_COUNTRY", text{"mobileCode %s", "mobileCode %s"}, mobileCode)
	}
	plain, err := plainMobile(w.creds.APISecret, mobile)
	if err != nil {
		return "", err
	}
	if !mobileDigits.MatchString(plain) {
		return "", invalid("mobile must be 4-15 digits, got %q", plain)
	}
	return plain, nil
}

// handleCaptchaSend handles "POST /captcha/v1/send-mobile-code". The
// sandbox sends no SMS: the code is always the configured one.
func (s *Server) handleCaptchaSend(r *http.Request) (any, error) {
	var req sendCodeRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	b := Behavioral(req.Behavioral)
	if b != BehavioralRegister && b != BehavioralCardUnfrozen {
		return nil, fail("MFA_UNSUPPORTED_FAILED", text{"behavioral must be REGISTER or CARD_UNFROZEN, got %q", "behavioral 只能为 REGISTER 或 CARD_UNFROZEN，实际为 %q"}, req.Behavioral)
	}
	w := core.WorldOf[*world](r)
	var plain string
	if req.ExternalUserID == "" {
		if req.MobileCode == "" || req.Mobile == "" {
			return nil, invalid("send externalUserId, or mobileCode and mobile")
		}
		var err error
		if plain, err = s.phone(w, req.MobileCode, req.Mobile); err != nil {
			return nil, err
		}
	}
	s.worlds.Lock(w)
	defer w.Unlock()

	target := mobileKey(req.MobileCode, plain)
	if req.ExternalUserID != "" { // externalUserId wins over mobile
		u, err := w.userLocked(req.ExternalUserID)
		if err != nil {
			return nil, err
		}
		target, plain = mobileKey(u.MobileCode, u.Mobile), u.Mobile
	}
	_, registered := w.userByMobile[target]
	switch {
	case b == BehavioralRegister && registered:
		return nil, fail("ACCOUNT_USER_MOBILE_ALREADY_USED", text{"%s is registered", "%s 已注册"}, target)
	case b == BehavioralCardUnfrozen && !registered:
		return nil, fail("ACCOUNT_USER_NOT_EXIST", text{"no user has mobile %s", "没有手机号为 %s 的用户"}, target)
	}
	if err := w.sendSMSLocked(b, target); err != nil {
		return nil, err
	}
	return plain, nil
}

type registerRequest struct {
	MobileCode string `json:"mobileCode"`
	Mobile     string `json:"mobile"`
	SMSCode    string `json:"smsCode"`
}

// handleAccountRegister handles "POST /account/v1/register": data is the
// new externalUserId.
func (s *Server) handleAccountRegister(r *http.Request) (any, error) {
	var req registerRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	for _, f := range []struct{ name, v string }{{"mobileCode", req.MobileCode}, {"mobile", req.Mobile}, {"smsCode", req.SMSCode}} {
		if f.v == "" {
			return nil, invalid("%s is required", f.name)
		}
	}
	w := core.WorldOf[*world](r)
	plain, err := s.phone(w, req.MobileCode, req.Mobile)
	if err != nil {
		return nil, err
	}
	s.worlds.Lock(w)
	defer w.Unlock()
	target := mobileKey(req.MobileCode, plain)
	if _, used := w.userByMobile[target]; used {
		return nil, fail("ACCOUNT_USER_MOBILE_ALREADY_USED", text{"%s is registered", "%s 已注册"}, target)
	}
	if err := w.verifySMSLocked(BehavioralRegister, target, req.SMSCode); err != nil {
		return nil, err
	}
	return w.newUserLocked(r, req.MobileCode, plain).ID, nil
}

// userFromQuery locks nothing: it reads externalUserId from the query.
func userParam(r *http.Request) (string, error) {
	id := r.URL.Query().Get("externalUserId")
	if id == "" {
		return "", invalid("externalUserId is required")
	}
	return id, nil
}

// withUser runs f on the request's world, locked and settled, with the
// user the query names.
func (s *Server) withUser(r *http.Request, f func(w *world, u User) (any, error)) (any, error) {
	id, err := userParam(r)
	if err != nil {
		return nil, err
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	u, err := w.userLocked(id)
	if err != nil {
		return nil, err
	}
	return f(w, u)
}

// handleKYCStatus handles "GET /account/v1/kyc-status". Quirk: v1's data
// is the bare status string.
func (s *Server) handleKYCStatus(r *http.Request) (any, error) {
	return s.withUser(r, func(_ *world, u User) (any, error) { return u.KYC, nil })
}

type kycStatusV2 struct {
	Status                KYCStatus `json:"status"`
	StatusDescription     string    `json:"statusDescription"`
	DescriptionTimeMillis int64     `json:"descriptionTimeMillis"`
}

// handleKYCStatusV2 handles "GET /account/v2/kyc-status": an object, as the
// Java connector reads it.
func (s *Server) handleKYCStatusV2(r *http.Request) (any, error) {
	return s.withUser(r, func(_ *world, u User) (any, error) {
		return kycStatusV2{u.KYC, u.KYCReason, u.KYCAt.UnixMilli()}, nil
	})
}

type userStatusJSON struct {
	ForbidWithdraw        bool `json:"forbidWithdraw"`
	ForbidCardTransaction bool `json:"forbidCardTransaction"`
}

// handleUserStatus handles "GET /account/v1/user-status".
func (s *Server) handleUserStatus(r *http.Request) (any, error) {
	return s.withUser(r, func(_ *world, u User) (any, error) {
		return userStatusJSON{u.ForbidWithdraw, u.ForbidCardTransaction}, nil
	})
}

type bindInviteRequest struct {
	ExternalUserID        string `json:"externalUserId"`
	ExternalInviterUserID string `json:"externalInviterUserId"`
}

// handleBindInvite handles "POST /account/v1/bind-invite-relationship".
func (s *Server) handleBindInvite(r *http.Request) (any, error) {
	var req bindInviteRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if req.ExternalInviterUserID == "" {
		return nil, invalid("externalInviterUserId is required")
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	u, err := w.userLocked(req.ExternalUserID)
	if err != nil {
		return nil, err
	}
	if _, ok := w.users.Get(req.ExternalInviterUserID); !ok {
		return nil, fail("ACCOUNT_INVITATION_CODE_NOT_EXIST", text{"no user %s to invite from", "推荐人 %s 不存在"}, req.ExternalInviterUserID)
	}
	switch {
	case req.ExternalInviterUserID == u.ID:
		return nil, invalid("a user cannot invite themselves")
	case u.Inviter != "":
		return nil, fail("ACCOUNT_USER_INVITATION_CODE_RELATIONSHIP_EXIST", text{"%s was invited by %s", "%s 已由 %s 推荐"}, u.ID, u.Inviter)
	}
	u.Inviter = req.ExternalInviterUserID
	w.users.Put(u.ID, u)
	return nil, nil
}

type travelRuleJSON struct {
	ExternalUserID string            `json:"externalUserId"`
	Name           string            `json:"name"`
	ID             TravelRuleID      `json:"id"`
	Address        travelRuleAddress `json:"address"`
	DateOfBirth    string            `json:"dateOfBirth"`
	PlaceOfBirth   string            `json:"placeOfBirth"`
}

// travelRuleAddress is the address query-travel-rule answers: city,
// postalCode and addressLines only.
type travelRuleAddress struct {
	City         string `json:"city"`
	PostalCode   string `json:"postalCode"`
	AddressLines string `json:"addressLines"`
}

// handleQueryTravelRule handles "GET /account/v1/query-travel-rule" and
// "GET /account/v2/query-travel-rule". data is null until one is set.
func (s *Server) handleQueryTravelRule(r *http.Request) (any, error) {
	return s.withUser(r, func(_ *world, u User) (any, error) {
		if u.TravelRule == nil {
			return nil, nil
		}
		t := u.TravelRule
		return travelRuleJSON{ExternalUserID: u.ID, Name: t.Name, ID: t.ID,
			Address:     travelRuleAddress{t.Address.City, t.Address.PostalCode, t.Address.AddressLines},
			DateOfBirth: t.DateOfBirth, PlaceOfBirth: t.PlaceOfBirth}, nil
	})
}

type updateTravelRuleRequest struct {
	ExternalUserID string `json:"externalUserId"`
	TravelRule
}

// handleUpdateTravelRule handles "POST /account/v1/update-travel-rule".
func (s *Server) handleUpdateTravelRule(r *http.Request) (any, error) {
	var req updateTravelRuleRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	t := req.TravelRule
	for _, f := range []struct{ name, v string }{
		{"name", t.Name}, {"channelName", t.ChannelName}, {"institutionName", t.InstitutionName},
		{"id.type", t.ID.Type}, {"id.value", t.ID.Value}, {"id.countryOfIssue", t.ID.CountryOfIssue},
		{"address.city", t.Address.City}, {"address.postalCode", t.Address.PostalCode}, {"address.addressLines", t.Address.AddressLines},
		{"dateOfBirth", t.DateOfBirth}, {"placeOfBirth", t.PlaceOfBirth},
	} {
		if strings.TrimSpace(f.v) == "" {
			return nil, invalid("%s is required", f.name)
		}
	}
	if t.ID.Type != "PASSPORT" && t.ID.Type != "ID_CARD" {
		return nil, invalid("id.type must be PASSPORT or ID_CARD, got %q", t.ID.Type)
	}
	for _, f := range []struct{ name, v string }{{"id.countryOfIssue", t.ID.CountryOfIssue}, {"placeOfBirth", t.PlaceOfBirth}, {"address.country", t.Address.Country}} {
		if f.v != "" && !countries[f.v] {
			return nil, fail("CARD_COUNTRY_NOT_EXISTED", text{"%s %q is not an ISO 3166-1 alpha-2 code", "%s %q 不是两位 ISO 国家码"}, f.name, f.v)
		}
	}
	if _, err := time.Parse("2006-01-02", t.DateOfBirth); err != nil || !birthDate.MatchString(t.DateOfBirth) {
		return nil, invalid("dateOfBirth %q is not yyyy-MM-dd", t.DateOfBirth)
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	u, err := w.userLocked(req.ExternalUserID)
	if err != nil {
		return nil, err
	}
	u.TravelRule = &t
	w.users.Put(u.ID, u)
	return nil, nil
}

type uploadPrepareRequest struct {
	FileNames []string `json:"fileNames"`
}

type uploadPrepareJSON struct {
	FileName  string `json:"fileName"`
	URL       string `json:"url"`
	ObjectKey string `json:"objectKey"`
}

var uploadTypes = set(".pdf .jpg .jpeg .png")

// handleUploadPrepare handles "POST /account/v1/generate-file-upload-prepare":
// one upload URL and object key per file name.
func (s *Server) handleUploadPrepare(r *http.Request) (any, error) {
	var req uploadPrepareRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if len(req.FileNames) == 0 || len(req.FileNames) > 20 {
		return nil, invalid("fileNames needs 1 to 20 file names, got %d", len(req.FileNames))
	}
	for _, n := range req.FileNames {
		if !uploadTypes[strings.ToLower(path.Ext(n))] {
			return nil, fail("KYC_UNSUPPORTED_FILE_TYPE", text{"%q: upload pdf, jpg, jpeg or png", "%q：仅支持 pdf、jpg、jpeg、png"}, n)
		}
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	out := make([]uploadPrepareJSON, 0, len(req.FileNames))
	day := w.Now().Format("20060102")
	for _, n := range req.FileNames {
		key := "uploads/" + day + "/" + w.Faker.HexID(6) + "-" + path.Base(n)
		w.uploads[key] = n
		out = append(out, uploadPrepareJSON{FileName: n, URL: "https://s3.decard.mocksrv.local/edd/" + key + "?X-Amz-Expires=900", ObjectKey: key})
	}
	return out, nil
}

// eddDoc is one document of an EDD section.
type eddDoc struct {
	FileName string `json:"fileName"`
	FilePath string `json:"filePath"`
}

type eddSection struct {
	DocURLs []eddDoc `json:"docUrls"`
}

type uploadEDDRequest struct {
	ExternalUserID    string      `json:"externalUserId"`
	RequestRef        string      `json:"requestRef"`
	ApplyID           flexString  `json:"applyId"`
	EddSowSalary      *eddSection `json:"eddSowSalary"`
	EddSowBizRevenue  *eddSection `json:"eddSowBizRevenue"`
	EddSowGift        *eddSection `json:"eddSowGift"`
	EddSowInheritance *eddSection `json:"eddSowInheritance"`
	EddSowInvest      *eddSection `json:"eddSowInvest"`
	EddSowOther       *eddSection `json:"eddSowOther"`
}

// handleUploadEDD handles "POST /account/v1/upload-edd-file": the EDD
// documents of an application with needEddFile, which lets its KYC review
// finish. requestRef is idempotent.
func (s *Server) handleUploadEDD(r *http.Request) (any, error) {
	var req uploadEDDRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if req.RequestRef == "" || req.ApplyID == "" {
		return nil, invalid("requestRef and applyId are required")
	}
	sections := []*eddSection{req.EddSowSalary, req.EddSowBizRevenue, req.EddSowGift, req.EddSowInheritance, req.EddSowInvest, req.EddSowOther}
	n := 0
	for _, sec := range sections {
		if sec == nil {
			continue
		}
		n++
		if len(sec.DocURLs) == 0 {
			return nil, invalid("every eddSow* section needs docUrls")
		}
		for _, d := range sec.DocURLs {
			if d.FileName == "" || d.FilePath == "" {
				return nil, invalid("docUrls entries need fileName and filePath")
			}
		}
	}
	if n == 0 {
		return nil, invalid("at least one eddSow* section is required")
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	u, err := w.userLocked(req.ExternalUserID)
	if err != nil {
		return nil, err
	}
	if prev, ok := w.eddRefs[req.RequestRef]; ok {
		if prev != string(req.ApplyID) {
			return nil, fail("CARD_TRANSACTION_REPEAT_REQUEST", text{"requestRef %s was used for application %s", "requestRef %s 已用于申请 %s"}, req.RequestRef, prev)
		}
		return nil, nil
	}
	a, ok := w.applies.Get(string(req.ApplyID))
	if !ok || a.UserID != u.ID {
		return nil, fail("CARD_TRANSACTION_NO_SUCH_TRANSACTION", text{"user %s has no application %s", "用户 %s 没有申请 %s"}, u.ID, req.ApplyID)
	}
	if !a.NeedEDD || a.Status != ApplyPending {
		return nil, fail("ACCOUNT_UNSUPPORTED_OPERATE", text{"application %s does not need EDD documents", "申请 %s 无需 EDD 文件"}, a.ID)
	}
	w.eddRefs[req.RequestRef] = a.ID
	a.NeedEDD, a.Remark, a.UpdatedAt = false, "EDD documents received", w.Now()
	w.applies.Put(a.ID, a)
	if u.KYC == KYCPending {
		w.scheduleDecisionLocked(u, w.Now())
	}
	return nil, nil
}

type extraInfoRequest struct {
	ExternalUserID      string `json:"externalUserId"`
	VirtualCardFullName string `json:"virtualCardFullName"`
}

// handleUpdateExtraInfo handles "POST /account/v1/update-extra-info": the
// name embossed on the user's virtual cards.
func (s *Server) handleUpdateExtraInfo(r *http.Request) (any, error) {
	var req extraInfoRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	name := strings.TrimSpace(req.VirtualCardFullName)
	if name == "" || len(name) > 26 {
		return nil, invalid("virtualCardFullName must be 1-26 characters")
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	u, err := w.userLocked(req.ExternalUserID)
	if err != nil {
		return nil, err
	}
	u.EmbossingName = strings.ToUpper(name)
	w.users.Put(u.ID, u)
	for _, c := range w.userCardsLocked(u.ID) {
		c.EmbossingName = u.EmbossingName
		w.cards.Put(c.ID, c)
	}
	return nil, nil
}
