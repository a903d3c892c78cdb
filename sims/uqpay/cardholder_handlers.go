package uqpay

// Cardholder endpoints — UQPay Card Issuance v1.6 "Cardholders" API
// reference (create, list, retrieve, update).

import (
	"encoding/base64"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mocksrv/mocksrv/sims/core"
)

type identityRequest struct {
	Type      string  `json:"type"`
	Number    string  `json:"number"`
	FrontFile string  `json:"front_file"`
	BackFile  *string `json:"back_file"`
	HandFile  *string `json:"hand_file"`
}

type kycProof struct {
	Provider    string `json:"provider"`
	ReferenceID string `json:"reference_id"`
}

type kycVerification struct {
	Method   string    `json:"method"`
	KycProof *kycProof `json:"kyc_proof"`
}

// cardholderFields are the optional fields create, update and one-step
// card creation share.
type cardholderFields struct {
	DateOfBirth        *string          `json:"date_of_birth"`
	Gender             *string          `json:"gender"`
	Nationality        *string          `json:"nationality"`
	ResidentialAddress *Address         `json:"residential_address"`
	Identity           *identityRequest `json:"identity"`
	KycVerification    *kycVerification `json:"kyc_verification"`
	DocumentType       *string          `json:"document_type"`
	Document           *string          `json:"document"`
}

type cardholderCreateRequest struct {
	Email       string `json:"email"`
	PhoneNumber string `json:"phone_number"`
	FirstName   string `json:"first_name"`
	LastName    string `json:"last_name"`
	CountryCode string `json:"country_code"`
	cardholderFields
}

type cardholderUpdateRequest struct {
	Email       *string `json:"email"`
	PhoneNumber *string `json:"phone_number"`
	CountryCode *string `json:"country_code"`
	FirstName   *string `json:"first_name"` // refused when it differs: names are immutable
	LastName    *string `json:"last_name"`
	cardholderFields
}

type cardholderWriteResponse struct {
	CardholderID       string           `json:"cardholder_id"`
	CardholderStatus   CardholderStatus `json:"cardholder_status"`
	IdvVerificationURL string           `json:"idv_verification_url,omitempty"`
	IdvURLExpiresAt    string           `json:"idv_url_expires_at,omitempty"`
}

// cardholderJSON is the Retrieve Cardholder shape, in the docs' key order;
// the Retrieve Card answer nests it.
type cardholderJSON struct {
	CardholderID       string           `json:"cardholder_id"`
	Email              string           `json:"email"`
	NumberOfCards      int              `json:"number_of_cards"`
	FirstName          string           `json:"first_name"`
	LastName           string           `json:"last_name"`
	CreateTime         string           `json:"create_time"`
	CardholderStatus   CardholderStatus `json:"cardholder_status"`
	DateOfBirth        string           `json:"date_of_birth,omitempty"`
	CountryCode        string           `json:"country_code"`
	PhoneNumber        string           `json:"phone_number,omitempty"`
	Gender             string           `json:"gender,omitempty"`
	Nationality        string           `json:"nationality,omitempty"`
	ResidentialAddress *Address         `json:"residential_address,omitempty"`
	ReviewStatus       string           `json:"review_status"`
	IdvStatus          string           `json:"idv_status"`
	IdvVerificationURL string           `json:"idv_verification_url"`
	IdvURLExpiresAt    string           `json:"idv_url_expires_at"`
}

// holderJSON renders a cardholder. The three idv_* fields are always
// there, as in the Retrieve Card example, and empty when no identity
// verification applies (as the KYC webhooks leave idv_status).
//
// Quirk: a cardholder's create_time is "2024-05-09 15:52:23" (space, no
// zone) in REST answers but RFC 3339 in webhooks.
func (w *world) holderJSON(a *account, h Cardholder) cardholderJSON {
	out := cardholderJSON{
		CardholderID: h.ID, Email: h.Email, NumberOfCards: a.numberOfCards(h.ID), FirstName: h.FirstName,
		LastName: h.LastName, CreateTime: h.CreatedAt.In(w.zone).Format(layoutSpaced),
		CardholderStatus: h.Status, DateOfBirth: h.DateOfBirth, CountryCode: h.CountryCode,
		PhoneNumber: h.PhoneNumber, Gender: h.Gender, Nationality: h.Nationality, ResidentialAddress: addressJSON(h.Address),
		ReviewStatus: string(h.Status), IdvStatus: h.IDVStatus, IdvVerificationURL: h.IDVURL,
	}
	if !h.IDVExpiresAt.IsZero() {
		out.IdvURLExpiresAt = w.fmtTime(h.IDVExpiresAt)
	}
	return out
}

// addressJSON renders a residential address: line_en, the address in
// English, is line1 and line2 joined by ", " (as the Retrieve Card example
// has it) unless the cardholder gave one.
func addressJSON(a *Address) *Address {
	if a == nil {
		return nil
	}
	out := *a
	if out.LineEn == "" {
		out.LineEn = out.Line1
		if out.Line2 != "" {
			out.LineEn += ", " + out.Line2
		}
	}
	return &out
}

func (w *world) holderWriteJSON(h Cardholder) cardholderWriteResponse {
	out := cardholderWriteResponse{CardholderID: h.ID, CardholderStatus: h.Status, IdvVerificationURL: h.IDVURL}
	if !h.IDVExpiresAt.IsZero() {
		out.IdvURLExpiresAt = w.fmtTime(h.IDVExpiresAt)
	}
	return out
}

var (
	emailPattern   = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	phonePattern   = regexp.MustCompile(`^\+?[0-9]{4,20}$`)
	namePattern    = regexp.MustCompile(`^\p{L}\p{M}*(?:[\p{L}\p{M} \-]*\p{L}\p{M}*)?$`)
	countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)
)

func validEmail(v string) error {
	switch {
	case v == "":
		return invalid("email is required")
	case len(v) > 100 || !emailPattern.MatchString(v):
		return invalid("email %q is not a valid e-mail address", v)
	}
	return nil
}

func validPhone(v string) error {
	switch {
	case v == "":
		return invalid("phone_number is required")
	case !phonePattern.MatchString(v):
		return invalid("phone_number %q must be 4 to 20 digits", v)
	}
	return nil
}

// maxNameLength is the most characters a first or last name has.
const maxNameLength = 40

// validName checks a cardholder's first or last name. The API reference
// allows 1–40 "alphabetic characters and spaces", not at either end; the
// cardholders guide also allows hyphens, so mocksrv does (Deviations).
// Letters are letters of any script, with their accents: Seán, Zoë,
// Nguyễn, 张伟 and Анна are names, counted in characters, not bytes.
//
// Quirk: anything else is refused as published — an apostrophe (O'Brien),
// a period (J. R.), a digit or an emoji — since both documents list what a
// name may hold and none of them is on either list.
func validName(field, v string) error {
	switch {
	case v == "":
		return invalid("%s is required", field)
	case utf8.RuneCountInString(v) > maxNameLength || !namePattern.MatchString(v):
		return invalid("%s %q must be 1 to %d letters, spaces or hyphens, starting and ending with a letter", field, clip(v), maxNameLength)
	}
	return nil
}

func validCountry(field, v string, required bool) error {
	switch {
	case v == "" && required:
		return invalid("%s is required", field)
	case v != "" && !countryPattern.MatchString(v):
		return invalid("%s %q must be an ISO 3166-1 alpha-2 code like SG", field, v)
	}
	return nil
}

// validate checks the optional fields the docs constrain.
func (f cardholderFields) validate(now time.Time) error {
	if f.DateOfBirth != nil {
		d, err := time.Parse(layoutDate, *f.DateOfBirth)
		if err != nil {
			return invalid("date_of_birth %q must be yyyy-mm-dd", *f.DateOfBirth)
		}
		if !d.Before(now) || now.Sub(d) > 130*365*24*time.Hour {
			return invalid("date_of_birth %s is not a plausible birth date", *f.DateOfBirth)
		}
	}
	if f.Gender != nil && *f.Gender != "MALE" && *f.Gender != "FEMALE" {
		return invalid("gender must be MALE or FEMALE, got %q", *f.Gender)
	}
	if f.Nationality != nil {
		if err := validCountry("nationality", *f.Nationality, true); err != nil {
			return err
		}
	}
	if a := f.ResidentialAddress; a != nil {
		if err := validCountry("residential_address.country", a.Country, true); err != nil {
			return err
		}
		if a.City == "" {
			return invalid("residential_address.city is required")
		}
		if a.Line1 == "" {
			return invalid("residential_address.line1 is required")
		}
	}
	if id := f.Identity; id != nil {
		switch id.Type {
		case "ID_CARD", "PASSPORT", "DRIVER_LICENSE":
		default:
			return invalid("identity.type must be ID_CARD, PASSPORT or DRIVER_LICENSE, got %q", id.Type)
		}
		if id.Number == "" {
			return invalid("identity.number is required")
		}
		if err := validFile("identity.front_file", id.FrontFile, true); err != nil {
			return err
		}
		for name, v := range map[string]*string{"identity.back_file": id.BackFile, "identity.hand_file": id.HandFile} {
			if v != nil {
				if err := validFile(name, *v, true); err != nil {
					return err
				}
			}
		}
	}
	if k := f.KycVerification; k != nil {
		switch k.Method {
		case "SUMSUB_REDIRECT":
		case "THIRD_PARTY":
			if k.KycProof == nil || k.KycProof.Provider == "" || k.KycProof.ReferenceID == "" {
				return invalid("kyc_verification.kyc_proof.provider and reference_id are required for THIRD_PARTY")
			}
		default:
			return invalid("kyc_verification.method must be THIRD_PARTY or SUMSUB_REDIRECT, got %q", k.Method)
		}
	}
	switch {
	case f.DocumentType != nil && f.Document == nil:
		return invalid("document is required with document_type")
	case f.Document != nil && f.DocumentType == nil:
		return invalid("document_type is required with document (pdf, png, jpg or jpeg)")
	case f.DocumentType != nil:
		switch *f.DocumentType {
		case "pdf", "png", "jpg", "jpeg":
		default:
			return invalid("document_type must be pdf, png, jpg or jpeg, got %q", *f.DocumentType)
		}
		return validFile("document", *f.Document, true)
	}
	return nil
}

// maxFileBytes is the largest decoded document ("base64 ≤ 2 MB").
const maxFileBytes = 2 << 20

func validFile(field, v string, required bool) error {
	if v == "" {
		if required {
			return invalid("%s is required (base64)", field)
		}
		return nil
	}
	if i := strings.Index(v, ";base64,"); strings.HasPrefix(v, "data:") && i > 0 {
		v = v[i+len(";base64,"):]
	}
	n, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return invalid("%s is not valid base64", field)
	}
	if len(n) > maxFileBytes {
		return invalid("%s is larger than 2 MB", field)
	}
	return nil
}

func (req cardholderCreateRequest) validate(now time.Time) error {
	for _, check := range []func() error{
		func() error { return validEmail(req.Email) },
		func() error { return validPhone(req.PhoneNumber) },
		func() error { return validName("first_name", req.FirstName) },
		func() error { return validName("last_name", req.LastName) },
		func() error { return validCountry("country_code", req.CountryCode, true) },
		func() error { return req.cardholderFields.validate(now) },
	} {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// apply copies the optional fields onto h.
func (f cardholderFields) apply(h *Cardholder) {
	if f.DateOfBirth != nil {
		h.DateOfBirth = *f.DateOfBirth
	}
	if f.Gender != nil {
		h.Gender = *f.Gender
	}
	if f.Nationality != nil {
		h.Nationality = *f.Nationality
	}
	if f.ResidentialAddress != nil {
		a := *f.ResidentialAddress
		h.Address = &a
	}
	if f.Identity != nil {
		h.Identity = &Identity{Type: f.Identity.Type, Number: f.Identity.Number}
	}
	if f.KycVerification != nil {
		h.KYCMethod = f.KycVerification.Method
	}
}

// uniqueLocked refuses an email or phone number another cardholder of the
// account already has.
func (a *account) uniqueLocked(selfID, email, phone string) error {
	if id, ok := a.holderByEmail[strings.ToLower(email)]; ok && id != selfID && email != "" {
		return fail("cardholder_email_exists", "email %s is already used by cardholder %s", email, id)
	}
	if id, ok := a.holderByPhone[phone]; ok && id != selfID && phone != "" {
		return fail("cardholder_phone_number_exists", "phone_number %s is already used by cardholder %s", phone, id)
	}
	return nil
}

// createCardholderLocked stores a new cardholder after the uniqueness
// checks and runs its KYC admission, steered by a magic email (announced
// on r).
func (w *world) createCardholderLocked(r *http.Request, a *account, req cardholderCreateRequest) (Cardholder, error) {
	if err := a.uniqueLocked("", req.Email, req.PhoneNumber); err != nil {
		return Cardholder{}, err
	}
	now := w.Now()
	h := Cardholder{
		ID: w.Faker.UUID(), AccountID: a.ID, Email: req.Email, PhoneNumber: req.PhoneNumber,
		FirstName: req.FirstName, LastName: req.LastName, CountryCode: req.CountryCode,
		CreatedAt: now, UpdatedAt: now,
	}
	req.cardholderFields.apply(&h)
	steerKYC(r, &h)
	w.admitLocked(a, &h)
	w.putCardholderLocked(a, h)
	return h, nil
}

// putCardholderLocked stores h and indexes its email and phone number.
func (w *world) putCardholderLocked(a *account, h Cardholder) {
	if old, ok := a.cardholders.Get(h.ID); ok {
		delete(a.holderByEmail, strings.ToLower(old.Email))
		delete(a.holderByPhone, old.PhoneNumber)
	}
	a.cardholders.Put(h.ID, h)
	a.holderByEmail[strings.ToLower(h.Email)] = h.ID
	a.holderByPhone[h.PhoneNumber] = h.ID
}

// holderForCardLocked finds or makes the cardholder a new card is issued
// to. cardholder_id names one, which cardholder_required_fields may
// supplement; without it, cardholder_required_fields makes one (one-step
// issuance). Either way the cardholder must end up with every field the
// product's KYC level requires: otherwise the answer is cardholder_error
// kyc_insufficient with the missing ones, and nothing is stored.
func (w *world) holderForCardLocked(r *http.Request, a *account, id string, rf *requiredFields, p Product) (Cardholder, bool, error) {
	if id == "" && rf == nil {
		return Cardholder{}, false, invalid("cardholder_id is required (or cardholder_required_fields for one-step issuance)")
	}
	if rf != nil {
		if err := rf.cardholderFields.validate(w.Now()); err != nil {
			return Cardholder{}, false, invalid("cardholder_required_fields: %s", core.AsError(err).Message)
		}
	}
	var h Cardholder
	if id != "" {
		var err error
		if h, err = a.cardholderLocked(id); err != nil {
			return h, false, err
		}
		if rf != nil {
			if h, err = w.supplementLocked(a, h, *rf); err != nil {
				return h, false, err
			}
		}
	} else {
		ch := cardholderCreateRequest{Email: rf.Email, PhoneNumber: rf.PhoneNumber, FirstName: rf.FirstName,
			LastName: rf.LastName, CountryCode: rf.CountryCode, cardholderFields: rf.cardholderFields}
		if err := ch.validate(w.Now()); err != nil {
			return h, false, invalid("cardholder_required_fields: %s", core.AsError(err).Message)
		}
		h = Cardholder{Email: ch.Email, PhoneNumber: ch.PhoneNumber, FirstName: ch.FirstName, LastName: ch.LastName,
			CountryCode: ch.CountryCode}
		ch.cardholderFields.apply(&h)
		if err := p.kycCheck(h, "the new cardholder"); err != nil {
			return h, false, err
		}
		h, err := w.createCardholderLocked(r, a, ch)
		return h, err == nil, err
	}
	if err := p.kycCheck(h, "cardholder "+h.ID); err != nil {
		return h, false, err
	}
	if rf != nil {
		h.UpdatedAt = w.Now()
		if rf.KycVerification != nil && h.Status != CardholderPending {
			w.admitLocked(a, &h) // a verification method given now starts the cardholder's verification
		}
		w.putCardholderLocked(a, h)
	}
	return h, false, nil
}

// kycCheck answers kyc_insufficient, naming the missing fields, when a
// cardholder lacks any the product's KYC level requires.
func (p Product) kycCheck(h Cardholder, who string) error {
	missing := p.missingFields(h)
	if len(missing) == 0 {
		return nil
	}
	names := make([]string, len(missing))
	for i, f := range missing {
		names[i] = f.Name
	}
	return kycInsufficient(missing, "%s lacks %s, which product %s (BIN %s, %s KYC) requires: send them in cardholder_required_fields or update the cardholder",
		who, strings.Join(names, ", "), p.ID, p.BIN, p.KYCLevel)
}

// supplementLocked returns an existing cardholder with the fields of
// cardholder_required_fields added (already validated), unstored. It may
// add a phone number or change it to an unused one; the identifying
// fields (email, names, country_code) cannot change here.
func (w *world) supplementLocked(a *account, h Cardholder, rf requiredFields) (Cardholder, error) {
	for _, f := range []struct{ name, sent, have string }{
		{"email", rf.Email, h.Email}, {"first_name", rf.FirstName, h.FirstName},
		{"last_name", rf.LastName, h.LastName}, {"country_code", rf.CountryCode, h.CountryCode},
	} {
		if f.sent != "" && !strings.EqualFold(f.sent, f.have) {
			return h, invalid("cardholder_required_fields.%s %q differs from cardholder %s's; it cannot change at card creation (use Update Cardholder)",
				f.name, f.sent, h.ID)
		}
	}
	if rf.PhoneNumber != "" && rf.PhoneNumber != h.PhoneNumber {
		if err := validPhone(rf.PhoneNumber); err != nil {
			return h, invalid("cardholder_required_fields.%s", core.AsError(err).Message)
		}
		if err := a.uniqueLocked(h.ID, h.Email, rf.PhoneNumber); err != nil {
			return h, err
		}
		h.PhoneNumber = rf.PhoneNumber
	}
	rf.cardholderFields.apply(&h)
	return h, nil
}

// handleCardholderCreate handles "POST /api/v1/issuing/cardholders". It is
// synchronous and sends no webhook.
func (s *Server) handleCardholderCreate(r *http.Request) (any, error) {
	var req cardholderCreateRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	w, a := core.WorldOf[*world](r), accountOf(r)
	if err := req.validate(w.Tenant.Clock.Now()); err != nil { // unlocked: the clock, not Now
		return nil, err
	}
	s.worlds.Lock(w)
	defer w.Unlock()
	h, err := w.createCardholderLocked(r, a, req)
	if err != nil {
		return nil, err
	}
	return w.holderWriteJSON(h), nil
}

// handleCardholderList handles "GET /api/v1/issuing/cardholders", newest
// first, optionally filtered by cardholder_status.
func (s *Server) handleCardholderList(r *http.Request) (any, error) {
	p, err := s.pageOf(r)
	if err != nil {
		return nil, err
	}
	var keep func(Cardholder) bool
	if st := r.URL.Query().Get("cardholder_status"); st != "" {
		switch CardholderStatus(st) {
		case CardholderSuccess, CardholderPending, CardholderIncomplete, CardholderFailed:
		default:
			return nil, invalid("cardholder_status must be SUCCESS, PENDING, INCOMPLETE or FAILED, got %q", st)
		}
		keep = func(h Cardholder) bool { return string(h.Status) == st }
	}
	w, a := s.worlds.Enter(r), accountOf(r)
	defer w.Unlock()
	res := queryTable(a.cardholders, p, "", "", time.Time{}, time.Time{}, keep)
	out := make([]cardholderJSON, 0, len(res.Items))
	for _, h := range res.Items {
		out = append(out, w.holderJSON(a, h))
	}
	return listOf(out, res.Total, p), nil
}

// handleCardholderRetrieve handles "GET /api/v1/issuing/cardholders/{id}".
func (s *Server) handleCardholderRetrieve(r *http.Request) (any, error) {
	w, a := s.worlds.Enter(r), accountOf(r)
	defer w.Unlock()
	h, err := a.cardholderLocked(core.PathVar(r, "id"))
	if err != nil {
		return nil, err
	}
	return w.holderJSON(a, h), nil
}

// handleCardholderUpdate handles "POST /api/v1/issuing/cardholders/{id}".
// first_name and last_name cannot change; an INCOMPLETE or FAILED
// cardholder is resubmitted to KYC.
func (s *Server) handleCardholderUpdate(r *http.Request) (any, error) {
	var req cardholderUpdateRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	w, a := core.WorldOf[*world](r), accountOf(r)
	if req.Email != nil {
		if err := validEmail(*req.Email); err != nil {
			return nil, err
		}
	}
	if req.PhoneNumber != nil {
		if err := validPhone(*req.PhoneNumber); err != nil {
			return nil, err
		}
	}
	if req.CountryCode != nil {
		if err := validCountry("country_code", *req.CountryCode, true); err != nil {
			return nil, err
		}
	}
	if err := req.cardholderFields.validate(w.Tenant.Clock.Now()); err != nil { // unlocked: the clock, not Now
		return nil, err
	}
	s.worlds.Lock(w)
	defer w.Unlock()
	h, err := a.cardholderLocked(core.PathVar(r, "id"))
	if err != nil {
		return nil, err
	}
	if req.FirstName != nil && *req.FirstName != h.FirstName {
		return nil, fail("cardholder_name_immutable", "first_name cannot be changed after the cardholder is created")
	}
	if req.LastName != nil && *req.LastName != h.LastName {
		return nil, fail("cardholder_name_immutable", "last_name cannot be changed after the cardholder is created")
	}
	email, phone := h.Email, h.PhoneNumber
	if req.Email != nil {
		email = *req.Email
	}
	if req.PhoneNumber != nil {
		phone = *req.PhoneNumber
	}
	if err := a.uniqueLocked(h.ID, email, phone); err != nil {
		return nil, err
	}
	h.Email, h.PhoneNumber, h.UpdatedAt = email, phone, w.Now()
	if req.CountryCode != nil {
		h.CountryCode = *req.CountryCode
	}
	req.cardholderFields.apply(&h)
	if h.Status == CardholderIncomplete || h.Status == CardholderFailed {
		// A resubmission is decided afresh, from the email it carries.
		wasIncomplete := h.Status == CardholderIncomplete
		steerKYC(r, &h)
		w.admitLocked(a, &h)
		if wasIncomplete && h.Status == CardholderIncomplete { // the evidence asked for is in: complete
			h.Status, h.Reason = CardholderSuccess, ""
		}
	}
	w.putCardholderLocked(a, h)
	return w.holderWriteJSON(h), nil
}
