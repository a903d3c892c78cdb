package bkj

// Mailing addresses of physical cards — bkj "实体卡邮寄地址" (list, create,
// update, delete).

import (
	"net/http"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// MailingAddress is where a physical card is shipped.
type MailingAddress struct {
	ID        string    `json:"id"`
	AccountID string    `json:"account_id"`
	FirstName string    `json:"first_name"`
	LastName  string    `json:"last_name"`
	Phone     string    `json:"phone"`
	Address   Address   `json:"address"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func (w *world) mailingLocked(id string) (MailingAddress, error) {
	a, ok := w.mailing.Get(id)
	if !ok {
		return a, notFound("address", id)
	}
	return a, nil
}

// addMailingLocked stores a new mailing address for an existing user.
func (w *world) addMailingLocked(a MailingAddress) (MailingAddress, error) {
	if _, err := w.userLocked(a.AccountID); err != nil {
		return a, err
	}
	now := w.Now()
	if a.ID == "" {
		a.ID = w.Faker.UUID()
	}
	if w.mailing.Has(a.ID) {
		return a, fail(codeConflict, text{"address %s already exists", "地址 %s 已存在"}, a.ID)
	}
	if a.CreatedAt.IsZero() {
		a.CreatedAt = now
	}
	a.UpdatedAt = now
	w.mailing.Put(a.ID, a)
	return a, nil
}

type mailingJSON struct {
	ID        string `json:"id"`
	CreatedAt string `json:"created_at"`
	UpdateAt  string `json:"update_at"`
	AccountID string `json:"account_id"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Phone     string `json:"phone"`
	Line1     string `json:"line1"`
	Line2     string `json:"line2"`
	City      string `json:"city"`
	State     string `json:"state"`
	PostCode  string `json:"postCode"`
	Country   string `json:"country"`
}

func mailingOut(v view, a MailingAddress) mailingJSON {
	return mailingJSON{ID: a.ID, CreatedAt: v.time(a.CreatedAt), UpdateAt: v.time(a.UpdatedAt), AccountID: a.AccountID,
		FirstName: a.FirstName, LastName: a.LastName, Phone: a.Phone, Line1: a.Address.Line1, Line2: a.Address.Line2,
		City: a.Address.City, State: a.Address.State, PostCode: a.Address.PostCode, Country: a.Address.Country}
}

type mailingRequest struct {
	AccountID string `json:"account_id"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Phone     string `json:"phone"`
	Line1     string `json:"line1"`
	Line2     string `json:"line2"`
	City      string `json:"city"`
	State     string `json:"state"`
	PostCode  string `json:"postCode"`
	Country   string `json:"country"`
}

func (req mailingRequest) address() Address {
	return Address{Line1: req.Line1, Line2: req.Line2, City: req.City, State: req.State, PostCode: req.PostCode, Country: req.Country}
}

func (req mailingRequest) validate(create bool) error {
	if create {
		if err := requireString("account_id", req.AccountID, 64); err != nil {
			return err
		}
	}
	if err := checkName("first_name", req.FirstName); err != nil {
		return err
	}
	if err := checkName("last_name", req.LastName); err != nil {
		return err
	}
	if err := requireString("phone", req.Phone, 20); err != nil {
		return err
	}
	if !digitsPattern.MatchString(req.Phone) {
		return invalid(text{"phone must be digits (country code first, no '+'), got %q", "phone 必须为数字（含国家码，不带 '+'），实际为 %q"}, req.Phone)
	}
	return req.address().check("")
}

// handleAddressList handles "GET /openapi/v1/card/addresses", newest
// first; filter account_id.
func (s *Server) handleAddressList(r *http.Request) (any, error) {
	q, p, err := s.pageRequest(r)
	if err != nil {
		return nil, err
	}
	index, account := "", q.Get("account_id")
	if account != "" {
		index = "account"
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	rows, total := query(w.mailing, p, index, account, nil)
	v := s.viewOf(r)
	return listOf(p, rows, total, func(a MailingAddress) mailingJSON { return mailingOut(v, a) }), nil
}

// handleAddressCreate handles "POST /openapi/v1/card/addresses".
func (s *Server) handleAddressCreate(r *http.Request) (any, error) {
	var req mailingRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := req.validate(true); err != nil {
		return nil, err
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	a, err := w.addMailingLocked(MailingAddress{AccountID: req.AccountID, FirstName: req.FirstName, LastName: req.LastName,
		Phone: req.Phone, Address: req.address()})
	if err != nil {
		return nil, err
	}
	return mailingOut(s.viewOf(r), a), nil
}

// handleAddressUpdate handles "PUT /openapi/v1/card/addresses/{id}": the
// whole address is replaced (account_id cannot change). Cards already
// made keep the address they were shipped to.
func (s *Server) handleAddressUpdate(r *http.Request) (any, error) {
	var req mailingRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := req.validate(false); err != nil {
		return nil, err
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	a, err := w.mailingLocked(core.PathVar(r, "id"))
	if err != nil {
		return nil, err
	}
	if req.AccountID != "" && req.AccountID != a.AccountID {
		return nil, invalid(text{"account_id cannot change (address %s belongs to %s)", "account_id 不可修改（地址 %s 属于 %s）"}, a.ID, a.AccountID)
	}
	a.FirstName, a.LastName, a.Phone, a.Address, a.UpdatedAt = req.FirstName, req.LastName, req.Phone, req.address(), w.Now()
	w.mailing.Put(a.ID, a)
	return mailingOut(s.viewOf(r), a), nil
}

// handleAddressDelete handles "DELETE /openapi/v1/card/addresses/{id}".
func (s *Server) handleAddressDelete(r *http.Request) (any, error) {
	w := s.worlds.Enter(r)
	defer w.Unlock()
	a, err := w.mailingLocked(core.PathVar(r, "id"))
	if err != nil {
		return nil, err
	}
	w.mailing.Delete(a.ID)
	return resultJSON{ID: a.ID, Result: true}, nil
}
