package uqpay

import (
	"net/http"
	"slices"
	"strings"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Connected accounts: the two reads of UQPay's Connect API that both
// official SDKs call (Go connect.Accounts.List/Get, Node
// account.accounts.list/retrieve), served over the sub-accounts mocksrv
// keeps, so a client can find the account_id it sends as x-on-behalf-of.
// Creating and updating accounts (KYB: documents, representatives, RFIs)
// is not simulated; sub-accounts are made through the admin API.

// accountStatuses are the Node SDK's AccountStatus values, the status
// filter's domain. Every simulated sub-account is ACTIVE.
var accountStatuses = []string{"PENDING", "ACTIVE", "SUSPENDED", "CLOSED", "REVIEW", "PROCESSING"}

// businessCodes are the Node SDK's BusinessType values.
var businessCodes = []string{"BANKING", "ACQUIRING", "ISSUING"}

// accountJSON is a connected account as both SDKs read it: the Node SDK's
// RetrieveAccountResponse (account_name, business_code,
// verification_status) and the Go SDK's Account (create_time); the two
// share account_id, status and entity_type.
type accountJSON struct {
	AccountID          string   `json:"account_id"`
	AccountName        string   `json:"account_name"`
	BusinessCode       []string `json:"business_code"`
	EntityType         string   `json:"entity_type"`
	Status             string   `json:"status"`
	VerificationStatus string   `json:"verification_status"`
	CreateTime         string   `json:"create_time"`
}

func (w *world) accountJSON(a *account) accountJSON {
	return accountJSON{AccountID: a.ID, AccountName: a.Name, BusinessCode: []string{"ISSUING"}, EntityType: "COMPANY",
		Status: "ACTIVE", VerificationStatus: "APPROVED", CreateTime: w.fmtTime(a.CreatedAt)}
}

// visibleAccounts are the connected accounts the caller sees, newest
// first: the master sees every sub-account, a sub-account (x-on-behalf-of)
// only itself.
func (w *world) visibleAccounts(caller *account) []*account {
	var out []*account
	for _, id := range slices.Backward(w.subs) {
		if a := w.accounts[id]; caller.Master || caller.ID == a.ID {
			out = append(out, a)
		}
	}
	return out
}

// handleAccountList handles "GET /api/v1/accounts": page_number,
// page_size and an optional status filter.
func (s *Server) handleAccountList(r *http.Request) (any, error) {
	p, err := s.pageOf(r)
	if err != nil {
		return nil, err
	}
	status := r.URL.Query().Get("status")
	if status != "" && !slices.Contains(accountStatuses, status) {
		return nil, invalid("status must be one of %s, got %q", strings.Join(accountStatuses, ", "), clip(status))
	}
	w, caller := s.worlds.Enter(r), accountOf(r)
	defer w.Unlock()
	var match []accountJSON
	for _, a := range w.visibleAccounts(caller) {
		if j := w.accountJSON(a); status == "" || j.Status == status {
			match = append(match, j)
		}
	}
	return listOf(core.Paginate(match, p.window()), len(match), p), nil
}

// handleAccountRetrieve handles "GET /api/v1/accounts/{id}", with the Go
// SDK's optional business_code query parameter.
func (s *Server) handleAccountRetrieve(r *http.Request) (any, error) {
	if bc := r.URL.Query().Get("business_code"); bc != "" && !slices.Contains(businessCodes, bc) {
		return nil, invalid("business_code must be one of %s, got %q", strings.Join(businessCodes, ", "), clip(bc))
	}
	w, caller := s.worlds.Enter(r), accountOf(r)
	defer w.Unlock()
	id := core.PathVar(r, "id")
	for _, a := range w.visibleAccounts(caller) {
		if a.ID == strings.ToLower(id) {
			return w.accountJSON(a), nil
		}
	}
	return nil, fail("account_not_found", "account %s is not a connected account of this account", clip(id))
}
