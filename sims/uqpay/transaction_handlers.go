package uqpay

// Transaction and simulation endpoints — UQPay Card Issuance v1.6
// "Transactions" API reference and "Simulate Authorization/Reversal".

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/mocksrv/mocksrv/sims/core"
)

type merchantJSON struct {
	CategoryCode string `json:"category_code"`
	City         string `json:"city"`
	Country      string `json:"country"`
	Name         string `json:"name"`
}

// transactionJSON is a card transaction, in the docs' key order.
// Quirk: every amount and authorization_code is a string here (what the
// sandbox sends and SDK v2 reads), though the docs' examples show numbers.
type transactionJSON struct {
	CardID                 string       `json:"card_id"`
	CardNumber             string       `json:"card_number"`
	CardholderID           string       `json:"cardholder_id"`
	TransactionID          string       `json:"transaction_id"`
	ShortTransactionID     string       `json:"short_transaction_id"`
	OriginalTransactionID  string       `json:"original_transaction_id"`
	TransactionType        string       `json:"transaction_type"`
	TransactionFee         string       `json:"transaction_fee"`
	TransactionFeeCurrency string       `json:"transaction_fee_currency"`
	FeePassThrough         string       `json:"fee_pass_through"`
	CardAvailableBalance   string       `json:"card_available_balance"`
	AuthorizationCode      string       `json:"authorization_code"`
	BillingAmount          string       `json:"billing_amount"`
	BillingCurrency        string       `json:"billing_currency"`
	TransactionAmount      string       `json:"transaction_amount"`
	TransactionCurrency    string       `json:"transaction_currency"`
	TransactionTime        string       `json:"transaction_time"`
	Description            string       `json:"description"`
	TransactionStatus      string       `json:"transaction_status"`
	PostedTime             string       `json:"posted_time"`
	MerchantData           merchantJSON `json:"merchant_data"`
	WalletType             string       `json:"wallet_type"`
	SettlementStatus       string       `json:"settlement_status"`
}

func (w *world) txnJSON(a *account, t Transaction) transactionJSON {
	c, _ := a.cards.Get(t.CardID)
	m := t.Merchant
	out := transactionJSON{
		CardID: t.CardID, CardNumber: c.Masked(), CardholderID: t.CardholderID, TransactionID: t.ID,
		ShortTransactionID: t.ShortID, OriginalTransactionID: t.OriginalID, TransactionType: t.Type,
		TransactionFee: money(t.Fee), TransactionFeeCurrency: t.BillingCurrency, FeePassThrough: "N",
		CardAvailableBalance: money(t.CardAvailable), AuthorizationCode: t.AuthCode, BillingAmount: money(t.Billing),
		BillingCurrency: t.BillingCurrency, TransactionAmount: money(t.Amount), TransactionCurrency: t.Currency,
		TransactionTime: w.fmtTime(t.CreatedAt), Description: t.Description, TransactionStatus: t.Status,
		PostedTime:   w.fmtTime(t.CreatedAt),
		MerchantData: merchantJSON{CategoryCode: m.CategoryCode, City: m.City, Country: m.Country, Name: m.Name},
		WalletType:   t.WalletType, SettlementStatus: t.settlementStatus(),
	}
	return out
}

// handleTransactionList handles "GET /api/v1/issuing/transactions", newest
// first, filtered by card_id and a start_time/end_time window.
func (s *Server) handleTransactionList(r *http.Request) (any, error) {
	p, err := s.pageOf(r)
	if err != nil {
		return nil, err
	}
	from, to, err := s.timeWindow(r, 0)
	if err != nil {
		return nil, err
	}
	w, a := s.worlds.Enter(r), accountOf(r)
	defer w.Unlock()
	index, value := "", ""
	if id := r.URL.Query().Get("card_id"); id != "" {
		index, value = "card", id
	}
	res := queryTable(a.txns, p, index, value, from, to, nil)
	out := make([]transactionJSON, 0, len(res.Items))
	for _, t := range res.Items {
		out = append(out, w.txnJSON(a, t))
	}
	return listOf(out, res.Total, p), nil
}

// handleTransactionRetrieve handles "GET /api/v1/issuing/transactions/{id}".
func (s *Server) handleTransactionRetrieve(r *http.Request) (any, error) {
	w, a := s.worlds.Enter(r), accountOf(r)
	defer w.Unlock()
	id := core.PathVar(r, "id")
	t, ok := a.txns.Get(id)
	if !ok {
		return nil, fail("transaction_not_found", "transaction %s not found", id)
	}
	return w.txnJSON(a, t), nil
}

type releaseRequest struct {
	RelatedTransactionID string `json:"related_transaction_id"`
	Remark               string `json:"remark"`
}

// handleTransactionReleaseUnsolicitedRefund handles
// "POST /api/v1/issuing/transactions/unsolicited_refund/release": a PENDING
// unsolicited refund is credited and issuing.transaction.refund follows.
func (s *Server) handleTransactionReleaseUnsolicitedRefund(r *http.Request) (any, error) {
	var req releaseRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if req.RelatedTransactionID == "" {
		return nil, invalid("related_transaction_id is required")
	}
	if len(req.Remark) > 256 {
		return nil, invalid("remark is longer than 256 characters")
	}
	w, a := s.worlds.Enter(r), accountOf(r)
	defer w.Unlock()
	if err := w.releaseRefundLocked(a, req.RelatedTransactionID); err != nil {
		return nil, err
	}
	return requestStatusResponse{RequestStatus: "SUCCESS"}, nil
}

type simAuthRequest struct {
	CardID               string          `json:"card_id"`
	TransactionAmount    amount          `json:"transaction_amount"`
	TransactionCurrency  string          `json:"transaction_currency"`
	MerchantName         string          `json:"merchant_name"`
	MerchantCategoryCode json.RawMessage `json:"merchant_category_code"` // the SDK sends "5734", the API reference 5734
}

// simResponse answers both simulators.
// Quirk: its amounts are JSON numbers (SDK v2 reads float64) while the same
// transaction's amounts are strings everywhere else; failure_reason here is
// description elsewhere.
type simResponse struct {
	CardID               string       `json:"card_id"`
	CardNumber           string       `json:"card_number"`
	CardholderID         string       `json:"cardholder_id"`
	TransactionID        string       `json:"transaction_id"`
	TransactionType      string       `json:"transaction_type"`
	CardAvailableBalance any          `json:"card_available_balance"`
	AuthorizationCode    string       `json:"authorization_code"`
	BillingAmount        any          `json:"billing_amount"`
	BillingCurrency      string       `json:"billing_currency"`
	TransactionAmount    any          `json:"transaction_amount"`
	TransactionCurrency  string       `json:"transaction_currency"`
	TransactionTime      string       `json:"transaction_time"`
	FailureReason        string       `json:"failure_reason"`
	TransactionStatus    string       `json:"transaction_status"`
	PostedTime           string       `json:"posted_time"`
	MerchantData         merchantJSON `json:"merchant_data"`
}

func (s *Server) simJSON(w *world, a *account, t Transaction) simResponse {
	c, _ := a.cards.Get(t.CardID)
	amt := func(d core.Decimal) any {
		if w.set.StringSimulatorAmounts {
			return money(d)
		}
		return number(d)
	}
	out := simResponse{
		CardID: t.CardID, CardNumber: c.Masked(), CardholderID: t.CardholderID, TransactionID: t.ID,
		TransactionType: t.Type, CardAvailableBalance: amt(t.CardAvailable), AuthorizationCode: t.AuthCode,
		BillingAmount: amt(t.Billing), BillingCurrency: t.BillingCurrency, TransactionAmount: amt(t.Amount),
		TransactionCurrency: t.Currency, TransactionTime: w.fmtTime(t.CreatedAt), TransactionStatus: t.Status,
		PostedTime: w.fmtTime(t.CreatedAt),
		MerchantData: merchantJSON{CategoryCode: t.Merchant.CategoryCode, City: t.Merchant.City,
			Country: t.Merchant.Country, Name: t.Merchant.Name},
	}
	if t.Status == TxnDeclined {
		out.FailureReason = t.Description
	}
	return out
}

// mccText reads merchant_category_code sent as a string or a number.
func mccText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return strings.TrimSpace(string(raw))
}

// handleSimulationAuthorization handles "POST /api/v1/simulation/issuing/authorization"
// (sandbox only): BIN 40963608 and MCC 5734 only. Declines answer 200 with
// transaction_status DECLINED and are listed like approvals.
func (s *Server) handleSimulationAuthorization(r *http.Request) (any, error) {
	var req simAuthRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if req.CardID == "" {
		return nil, invalid("card_id is required")
	}
	if !req.TransactionAmount.set {
		return nil, invalid("transaction_amount is required")
	}
	amt, err := req.TransactionAmount.parse("transaction_amount", 2, true)
	if err != nil {
		return nil, err
	}
	switch {
	case req.TransactionCurrency == "":
		return nil, invalid("transaction_currency is required")
	case req.MerchantName == "":
		return nil, invalid("merchant_name is required")
	case len(req.MerchantCategoryCode) == 0 || string(req.MerchantCategoryCode) == "null":
		return nil, invalid("merchant_category_code is required (only %s is accepted in the sandbox)", simulationMCC)
	}
	outcome := steerAuthorization(r, req.MerchantName)
	w, a := s.worlds.Enter(r), accountOf(r)
	defer w.Unlock()
	t, err := s.authorizeLocked(w, a, authRequest{CardID: req.CardID, Amount: amt, Currency: req.TransactionCurrency,
		Merchant: Merchant{Name: req.MerchantName, CategoryCode: mccText(req.MerchantCategoryCode)}, Outcome: outcome, Sandbox: true})
	if err != nil {
		return nil, err
	}
	return s.simJSON(w, a, t), nil
}

type simReversalRequest struct {
	TransactionID string `json:"transaction_id"`
}

// handleSimulationReversal handles "POST /api/v1/simulation/issuing/reversal".
func (s *Server) handleSimulationReversal(r *http.Request) (any, error) {
	var req simReversalRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if req.TransactionID == "" {
		return nil, invalid("transaction_id is required")
	}
	w, a := s.worlds.Enter(r), accountOf(r)
	defer w.Unlock()
	t, err := w.reverseLocked(a, req.TransactionID, nil, "", descReversal)
	if err != nil {
		return nil, err
	}
	return s.simJSON(w, a, t), nil
}
