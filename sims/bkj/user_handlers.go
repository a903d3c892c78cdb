package bkj

// User endpoints — bkj "用户" section.

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/mocksrv/mocksrv/sims/core"
)

type userRegisterRequest struct {
	ExternalID string   `json:"external_id"`
	Email      string   `json:"email"`
	Phone      string   `json:"phone"`
	FirstName  string   `json:"first_name"`
	LastName   string   `json:"last_name"`
	Country    string   `json:"country"`
	Address    *Address `json:"address"`
}

func (req userRegisterRequest) validate() error {
	if err := maxLen("external_id", req.ExternalID, 64); err != nil {
		return err
	}
	if err := requireString("email", req.Email, 128); err != nil {
		return err
	}
	if !emailPattern.MatchString(req.Email) {
		return invalid(text{"email %q is not an email address", "email %q 不是有效的邮箱地址"}, req.Email)
	}
	if req.Phone != "" && (!digitsPattern.MatchString(req.Phone) || len(req.Phone) > 20) {
		return invalid(text{"phone must be up to 20 digits (country code first, no '+'), got %q", "phone 必须为不超过 20 位的数字（含国家码，不带 '+'），实际为 %q"}, req.Phone)
	}
	if err := checkName("first_name", req.FirstName); err != nil {
		return err
	}
	if err := checkName("last_name", req.LastName); err != nil {
		return err
	}
	if req.Country != "" {
		if err := checkCountry("country", req.Country); err != nil {
			return err
		}
	}
	if req.Address != nil {
		return req.Address.check("address.")
	}
	return nil
}

type userJSON struct {
	ID         string    `json:"id"`
	CreatedAt  string    `json:"created_at"`
	UpdateAt   string    `json:"update_at"`
	Remarks    *string   `json:"remarks"`
	IDNo       jsonInt   `json:"id_no"`
	ExternalID string    `json:"external_id"`
	Email      string    `json:"email"`
	Phone      string    `json:"phone"`
	FirstName  string    `json:"first_name"`
	LastName   string    `json:"last_name"`
	Country    string    `json:"country"`
	Address    Address   `json:"address"`
	KYCStatus  KYCStatus `json:"kyc_status"`
	KYCReason  string    `json:"kyc_reason"`
}

func userOut(v view, u User) userJSON {
	return userJSON{ID: u.ID, CreatedAt: v.time(u.CreatedAt), UpdateAt: v.time(u.UpdatedAt), Remarks: remarks(u.Remarks),
		IDNo: jsonInt(u.IDNo), ExternalID: u.ExternalID, Email: u.Email, Phone: u.Phone, FirstName: u.FirstName,
		LastName: u.LastName, Country: u.Country, Address: u.Address, KYCStatus: u.KYCStatus, KYCReason: u.KYCReason}
}

// handleUserRegister handles "POST /openapi/v1/users".
func (s *Server) handleUserRegister(r *http.Request) (any, error) {
	var req userRegisterRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	u := User{ExternalID: req.ExternalID, Email: req.Email, Phone: req.Phone, FirstName: req.FirstName,
		LastName: req.LastName, Country: req.Country}
	if req.Address != nil {
		u.Address = *req.Address
		if u.Country == "" {
			u.Country = req.Address.Country
		}
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	u, err := s.registerLocked(w, u)
	if err != nil {
		return nil, err
	}
	announce(r, u.Outcome) // a magic email decided the user's KYC reviews
	return userOut(s.viewOf(r), u), nil
}

var kycStatuses = []KYCStatus{KYCUnverified, KYCPending, KYCApproved, KYCRejected}

// handleUserList handles "GET /openapi/v1/users", newest first; filters
// kyc_status, email, external_id.
func (s *Server) handleUserList(r *http.Request) (any, error) {
	q, p, err := s.pageRequest(r)
	if err != nil {
		return nil, err
	}
	st := KYCStatus(q.Get("kyc_status"))
	if st != "" && !oneOf(st, kycStatuses) {
		return nil, invalid(text{"kyc_status must be one of unverified, pending, approved, rejected, got %q", "kyc_status 只能为 unverified、pending、approved、rejected，实际为 %q"}, st)
	}
	email, ext := strings.ToLower(q.Get("email")), q.Get("external_id")
	var keep func(User) bool
	if st != "" || email != "" || ext != "" {
		keep = func(u User) bool {
			return (st == "" || u.KYCStatus == st) && (email == "" || strings.ToLower(u.Email) == email) && (ext == "" || u.ExternalID == ext)
		}
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	rows, total := query(w.users, p, "", "", keep)
	v := s.viewOf(r)
	return listOf(p, rows, total, func(u User) userJSON { return userOut(v, u) }), nil
}

// handleUserDetail handles "GET /openapi/v1/users/{id}".
func (s *Server) handleUserDetail(r *http.Request) (any, error) {
	w := s.worlds.Enter(r)
	defer w.Unlock()
	u, err := w.userLocked(core.PathVar(r, "id"))
	if err != nil {
		return nil, err
	}
	return userOut(s.viewOf(r), u), nil
}

type kycTokenJSON struct {
	UserID    string    `json:"user_id"`
	Token     string    `json:"token"`
	ExpiresAt string    `json:"expires_at"`
	KYCStatus KYCStatus `json:"kyc_status"`
}

// handleUserKYCToken handles "GET /openapi/v1/users/{id}/kyc-token": a
// token for the KYC SDK. Issuing it starts the review.
func (s *Server) handleUserKYCToken(r *http.Request) (any, error) {
	w := s.worlds.Enter(r)
	defer w.Unlock()
	u, err := s.issueKYCLocked(w, core.PathVar(r, "id"))
	if err != nil {
		return nil, err
	}
	announceReview(r, u)
	return kycTokenJSON{UserID: u.ID, Token: u.KYCToken, ExpiresAt: s.viewOf(r).time(u.KYCTokenExpires), KYCStatus: u.KYCStatus}, nil
}

type kycLinkJSON struct {
	UserID    string    `json:"user_id"`
	URL       string    `json:"url"`
	ExpiresAt string    `json:"expires_at"`
	KYCStatus KYCStatus `json:"kyc_status"`
}

// handleUserKYCLink handles "GET /openapi/v1/users/{id}/kyc-link": an H5
// page link for the KYC. Issuing it starts the review.
func (s *Server) handleUserKYCLink(r *http.Request) (any, error) {
	w := s.worlds.Enter(r)
	defer w.Unlock()
	u, err := s.issueKYCLocked(w, core.PathVar(r, "id"))
	if err != nil {
		return nil, err
	}
	announceReview(r, u)
	link := s.settingsOf(r).KYCLinkBase + "?token=" + url.QueryEscape(u.KYCToken) + "&lang=" + langTag(s.viewOf(r).lang)
	return kycLinkJSON{UserID: u.ID, URL: link, ExpiresAt: s.viewOf(r).time(u.KYCTokenExpires), KYCStatus: u.KYCStatus}, nil
}

// announceReview names the outcome a user's running KYC review is steered
// to on the request that issued its token or link.
func announceReview(r *http.Request, u User) {
	if u.KYCStatus == KYCPending {
		announce(r, u.Outcome)
	}
}

func langTag(lang string) string {
	if lang == "zh" {
		return "zh-CN"
	}
	return "en-US"
}

func oneOf[T comparable](v T, list []T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
