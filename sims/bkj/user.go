package bkj

// User model — bkj "用户注册", "用户列表", "用户详情", "获取KYC Token",
// "获取KYC H5链接". A user is the account that holds cards and wallets:
// its id is the account_id of cards, wallets and transactions.

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// KYCStatus is a user's identity-verification status (mocksrv's words;
// bkj does not publish its own).
type KYCStatus string

// KYC statuses.
const (
	KYCUnverified KYCStatus = "unverified" // registered, no KYC started
	KYCPending    KYCStatus = "pending"    // a KYC token or link was issued; under review
	KYCApproved   KYCStatus = "approved"
	KYCRejected   KYCStatus = "rejected" // a new token or link starts a new review
)

// Address is a postal address, as the card object's card_address renders
// it: fields in the seed's order (alphabetical, like raw's).
type Address struct {
	City     string `json:"city"`
	Country  string `json:"country"`
	Line1    string `json:"line1"`
	Line2    string `json:"line2"`
	PostCode string `json:"postCode"` // Quirk: camelCase inside snake_case objects (seed card_address.postCode).
	State    string `json:"state"`
}

// User is a registered end user (an account).
type User struct {
	ID              string    `json:"id"`
	IDNo            string    `json:"id_no"`
	ExternalID      string    `json:"external_id"`
	Email           string    `json:"email"`
	Phone           string    `json:"phone"`
	FirstName       string    `json:"first_name"`
	LastName        string    `json:"last_name"`
	Country         string    `json:"country"`
	Address         Address   `json:"address"`
	KYCStatus       KYCStatus `json:"kyc_status"`
	KYCReason       string    `json:"kyc_reason"`
	KYCRound        int       `json:"kyc_round"` // reviews started; a stale review task does nothing
	KYCToken        string    `json:"kyc_token,omitempty"`
	KYCTokenExpires time.Time `json:"kyc_token_expires,omitzero"`
	Remarks         string    `json:"remarks,omitempty"`
	Outcome         string    `json:"outcome,omitempty"` // a stored steering decision for every review: "kyc.reject", "kyc.hold"
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// userLocked returns a user or 40400.
func (w *world) userLocked(id string) (User, error) {
	u, ok := w.users.Get(id)
	if !ok {
		return u, notFound("user", id)
	}
	return u, nil
}

// approvedLocked returns a user whose KYC is approved, else the conflict
// that says where the KYC stands.
func (w *world) approvedLocked(id string) (User, error) {
	u, err := w.userLocked(id)
	if err != nil {
		return u, err
	}
	switch u.KYCStatus {
	case KYCApproved:
		return u, nil
	case KYCRejected:
		return u, fail(codeConflict, text{"user %s failed KYC (%s); issue a new KYC token or link to retry", "用户 %s KYC 未通过（%s），请重新获取 KYC Token 或链接"}, id, u.KYCReason)
	}
	return u, fail(codeConflict, text{"user %s has KYC status %s; wait for approved", "用户 %s 的 KYC 状态为 %s，请等待审核通过"}, id, u.KYCStatus)
}

// registerLocked stores a new user, filling blanks from the faker, and
// gives it one wallet per currency. A magic email decides the outcome of
// the user's KYC reviews, unless the user names one already.
func (s *Server) registerLocked(w *world, u User) (User, error) {
	now := w.Now()
	if u.Email == "" {
		u.Email = strings.ToLower(w.Faker.Email())
	}
	if u.Outcome == "" {
		u.Outcome = steer(fieldEmail, u.Email)
	}
	if id, dup := w.userByEmail[strings.ToLower(u.Email)]; dup {
		return u, fail(codeConflict, text{"email %s is already registered to user %s", "邮箱 %s 已被用户 %s 注册"}, u.Email, id)
	}
	if u.ExternalID != "" {
		if id, dup := w.userByExternal[u.ExternalID]; dup {
			return u, fail(codeConflict, text{"external_id %s is already registered to user %s", "external_id %s 已被用户 %s 注册"}, u.ExternalID, id)
		}
	}
	if u.ID == "" {
		u.ID = w.Faker.UUID()
	}
	if w.users.Has(u.ID) {
		return u, fail(codeConflict, text{"user %s already exists", "用户 %s 已存在"}, u.ID)
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = now
	}
	if u.IDNo == "" {
		u.IDNo = w.idNoLocked(u.CreatedAt)
	}
	if u.FirstName == "" {
		u.FirstName, u.LastName = w.Faker.FirstName(), w.Faker.LastName()
	}
	if u.Country == "" {
		u.Country = "US"
	}
	if u.Phone == "" {
		u.Phone = "1" + w.Faker.Digits(10)
	}
	if u.Address.Line1 == "" {
		a := w.Faker.Address()
		u.Address = Address{Line1: a.Street, City: a.City, State: a.State, PostCode: a.Zip, Country: u.Country}
	}
	if u.KYCStatus == "" {
		u.KYCStatus = KYCUnverified
	}
	u.UpdatedAt = now
	w.users.Put(u.ID, u)
	w.userByEmail[strings.ToLower(u.Email)] = u.ID
	if u.ExternalID != "" {
		w.userByExternal[u.ExternalID] = u.ID
	}
	for _, cur := range walletCurrencies {
		w.newWalletLocked(u.ID, cur, u.CreatedAt)
	}
	if u.KYCStatus == KYCPending {
		s.startKYCLocked(w, &u)
		w.users.Put(u.ID, u)
	}
	return u, nil
}

// issueKYCLocked mints a KYC token for the user and, unless a review is
// running or done, starts one. Approved users get 40900.
func (s *Server) issueKYCLocked(w *world, id string) (User, error) {
	u, err := w.userLocked(id)
	if err != nil {
		return u, err
	}
	if u.KYCStatus == KYCApproved {
		return u, fail(codeConflict, text{"user %s already passed KYC", "用户 %s 已通过 KYC"}, id)
	}
	now := w.Now()
	u.KYCToken = "kyc_sbx_" + w.Faker.HexID(16)
	u.KYCTokenExpires = now.Add(w.set.KYCLinkTTL.D())
	if u.KYCStatus != KYCPending {
		before := u.KYCStatus
		s.startKYCLocked(w, &u)
		u.UpdatedAt = now
		w.users.Put(u.ID, u)
		s.emitKYCLocked(w, u, before)
		return u, nil
	}
	w.users.Put(u.ID, u)
	return u, nil
}

// startKYCLocked puts u under review and schedules the decision (none for
// a user held by its outcome, kyc.hold).
func (s *Server) startKYCLocked(w *world, u *User) {
	u.KYCStatus, u.KYCReason = KYCPending, ""
	u.KYCRound++
	if u.Outcome != ruleKYCHold {
		w.Agenda.Schedule(w.Now().Add(w.set.Delays.KYCReview), taskKYC, u.ID+"/"+strconv.Itoa(u.KYCRound))
	}
}

// reviewKYCLocked ends a due review as the user's stored outcome says:
// rejected for kyc.reject, else approved.
func (s *Server) reviewKYCLocked(w *world, key string) {
	id, round, _ := strings.Cut(key, "/")
	u, ok := w.users.Get(id)
	if !ok || u.KYCStatus != KYCPending || strconv.Itoa(u.KYCRound) != round {
		return
	}
	if u.Outcome == ruleKYCReject {
		s.decideKYCLocked(w, u, false, "identity document rejected (sandbox outcome "+ruleKYCReject+")")
		return
	}
	s.decideKYCLocked(w, u, true, "")
}

// decideKYCLocked approves or rejects a pending (or any undecided) user
// at the world's Now.
func (s *Server) decideKYCLocked(w *world, u User, approve bool, reason string) User {
	before := u.KYCStatus
	if approve {
		u.KYCStatus, u.KYCReason = KYCApproved, ""
	} else {
		u.KYCStatus, u.KYCReason = KYCRejected, reason
	}
	u.UpdatedAt = w.Now()
	w.users.Put(u.ID, u)
	s.emitKYCLocked(w, u, before)
	return u
}

// fullName returns "First Last".
func (u User) fullName() string { return strings.TrimSpace(u.FirstName + " " + u.LastName) }

func (u User) String() string { return fmt.Sprintf("user %s (%s)", u.ID, u.Email) }
