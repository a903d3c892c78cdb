package bkj

// Payee endpoints — bkj "链上收款人" section.

import (
	"net/http"

	"github.com/mocksrv/mocksrv/sims/core"
)

type payeeJSON struct {
	ID        string `json:"id"`
	CreatedAt string `json:"created_at"`
	UpdateAt  string `json:"update_at"`
	AccountID string `json:"account_id"`
	Name      string `json:"name"`
	Chain     string `json:"chain"`
	Currency  string `json:"currency"`
	Address   string `json:"address"`
	Memo      string `json:"memo"`
}

func payeeOut(v view, p Payee) payeeJSON {
	return payeeJSON{p.ID, v.time(p.CreatedAt), v.time(p.UpdatedAt), p.AccountID, p.Name, p.Chain, p.Currency, p.Address, p.Memo}
}

type payeeRequest struct {
	AccountID string `json:"account_id"`
	Name      string `json:"name"`
	Chain     string `json:"chain"`
	Currency  string `json:"currency"`
	Address   string `json:"address"`
	Memo      string `json:"memo"`
}

func (req payeeRequest) validate(create bool) error {
	if create {
		if err := requireString("account_id", req.AccountID, 64); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"name", req.Name, 64}, {"chain", req.Chain, 16}, {"currency", req.Currency, 8}, {"address", req.Address, 128}} {
		if err := requireString(f.name, f.v, f.max); err != nil {
			return err
		}
	}
	if !oneOf(req.Currency, walletCurrencies) {
		return invalid(text{"currency must be USDT or USDC, got %q", "currency 只能为 USDT 或 USDC，实际为 %q"}, req.Currency)
	}
	if err := maxLen("memo", req.Memo, 128); err != nil {
		return err
	}
	_, err := checkDestination(req.Chain, req.Currency, req.Address)
	return err
}

// handlePayeeList handles "GET /openapi/v1/wallet/payees", newest first;
// filters account_id, chain, currency.
func (s *Server) handlePayeeList(r *http.Request) (any, error) {
	q, p, err := s.pageRequest(r)
	if err != nil {
		return nil, err
	}
	index, account, chain, cur := "", q.Get("account_id"), q.Get("chain"), q.Get("currency")
	if account != "" {
		index = "account"
	}
	var keep func(Payee) bool
	if chain != "" || cur != "" {
		keep = func(x Payee) bool { return (chain == "" || x.Chain == chain) && (cur == "" || x.Currency == cur) }
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	rows, total := query(w.payees, p, index, account, keep)
	v := s.viewOf(r)
	return listOf(p, rows, total, func(x Payee) payeeJSON { return payeeOut(v, x) }), nil
}

// handlePayeeDetail handles "GET /openapi/v1/wallet/payees/{id}".
func (s *Server) handlePayeeDetail(r *http.Request) (any, error) {
	w := s.worlds.Enter(r)
	defer w.Unlock()
	p, err := w.payeeLocked(core.PathVar(r, "id"))
	if err != nil {
		return nil, err
	}
	return payeeOut(s.viewOf(r), p), nil
}

// handlePayeeCreate handles "POST /openapi/v1/wallet/payees".
func (s *Server) handlePayeeCreate(r *http.Request) (any, error) {
	var req payeeRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := req.validate(true); err != nil {
		return nil, err
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	p, err := w.addPayeeLocked(Payee{AccountID: req.AccountID, Name: req.Name, Chain: req.Chain, Currency: req.Currency,
		Address: req.Address, Memo: req.Memo})
	if err != nil {
		return nil, err
	}
	return payeeOut(s.viewOf(r), p), nil
}

// handlePayeeUpdate handles "PUT /openapi/v1/wallet/payees/{id}": the whole
// payee is replaced (account_id cannot change).
func (s *Server) handlePayeeUpdate(r *http.Request) (any, error) {
	var req payeeRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := req.validate(false); err != nil {
		return nil, err
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	p, err := w.payeeLocked(core.PathVar(r, "id"))
	if err != nil {
		return nil, err
	}
	if req.AccountID != "" && req.AccountID != p.AccountID {
		return nil, invalid(text{"account_id cannot change (payee %s belongs to %s)", "account_id 不可修改（收款人 %s 属于 %s）"}, p.ID, p.AccountID)
	}
	p.Name, p.Chain, p.Currency, p.Address, p.Memo, p.UpdatedAt = req.Name, req.Chain, req.Currency, req.Address, req.Memo, w.Now()
	w.payees.Put(p.ID, p)
	return payeeOut(s.viewOf(r), p), nil
}

// handlePayeeDelete handles "DELETE /openapi/v1/wallet/payees/{id}".
func (s *Server) handlePayeeDelete(r *http.Request) (any, error) {
	w := s.worlds.Enter(r)
	defer w.Unlock()
	p, err := w.payeeLocked(core.PathVar(r, "id"))
	if err != nil {
		return nil, err
	}
	w.payees.Delete(p.ID)
	return resultJSON{ID: p.ID, Result: true}, nil
}
