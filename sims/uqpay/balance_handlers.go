package uqpay

// Balance and transfer endpoints — UQPay Card Issuance v1.6 "Retrieve/List
// Issuing Balances", "List Issuing Balances Transactions", "Create/Retrieve
// Issuing Transfer".

import (
	"net/http"
	"strings"

	"github.com/mocksrv/mocksrv/sims/core"
)

// balanceJSON is an issuing balance.
// Quirk: its amounts are decimal strings (SDK v2 reads strings; the docs'
// examples show numbers).
type balanceJSON struct {
	BalanceID        string `json:"balance_id"`
	Currency         string `json:"currency"`
	AvailableBalance string `json:"available_balance"`
	MarginBalance    string `json:"margin_balance"`
	FrozenBalance    string `json:"frozen_balance"`
	CreateTime       string `json:"create_time"`
	LastTradeTime    string `json:"last_trade_time"`
	BalanceStatus    string `json:"balance_status"`
}

func (w *world) balanceJSON(b Balance) balanceJSON {
	return balanceJSON{BalanceID: b.ID, Currency: b.Currency, AvailableBalance: money(b.Available),
		MarginBalance: money(b.Margin), FrozenBalance: money(b.Frozen), CreateTime: w.fmtTime(b.CreatedAt),
		LastTradeTime: w.fmtTime(b.LastTradeTime), BalanceStatus: b.Status}
}

type balanceRetrieveRequest struct {
	Currency string `json:"currency"`
}

// handleBalanceRetrieve handles "POST /api/v1/issuing/balances": the
// account's balance in one currency.
func (s *Server) handleBalanceRetrieve(r *http.Request) (any, error) {
	var req balanceRetrieveRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if req.Currency == "" {
		return nil, invalid("currency is required")
	}
	if !knownCurrency(req.Currency) {
		return nil, invalid("currency %q has no issuing balance (use %s)", req.Currency, strings.Join(currencies, " or "))
	}
	w, a := s.worlds.Enter(r), accountOf(r)
	defer w.Unlock()
	return w.balanceJSON(w.openBalanceLocked(a, req.Currency)), nil
}

// handleBalanceList handles "GET /api/v1/issuing/balances".
func (s *Server) handleBalanceList(r *http.Request) (any, error) {
	p, err := s.pageOf(r)
	if err != nil {
		return nil, err
	}
	w, a := s.worlds.Enter(r), accountOf(r)
	defer w.Unlock()
	var all []balanceJSON
	for _, cur := range sortedKeys(a.balances) {
		all = append(all, w.balanceJSON(a.balances[cur]))
	}
	return listOf(core.Paginate(all, p.window()), len(all), p), nil
}

// balanceTxnJSON is a balance transaction.
type balanceTxnJSON struct {
	TransactionID      string `json:"transaction_id"`
	ShortTransactionID string `json:"short_transaction_id"`
	AccountID          string `json:"account_id"`
	BalanceID          string `json:"balance_id"`
	TransactionType    string `json:"transaction_type"`
	Currency           string `json:"currency"`
	Amount             string `json:"amount"`
	CreateTime         string `json:"create_time"`
	CompleteTime       string `json:"complete_time"`
	TransactionStatus  string `json:"transaction_status"`
	EndingBalance      string `json:"ending_balance"`
	Description        string `json:"description"`
}

// balanceTxnTypes is the transaction_type filter's enum (SDK comment).
var balanceTxnTypes = []string{BalDeposit, BalTransferIn, BalTransferOut, BalAuthorization, BalReversal, BalRefund,
	BalCardRecharge, BalCardWithdraw, "SETTLEMENT_DEBIT", "SETTLEMENT_CREDIT", "SETTLEMENT_REVERSAL", "FEE", "REFUND",
	"ADJUSTMENT", "FUNDS_TRANSFER_IN", "FUNDS_TRANSFER_OUT", "FEE_REFUND", "FEE_DEDUCTION", "MARGIN_PAYMENT",
	"MARGIN_REFUND", "OTHER"}

// handleBalanceTransactionList handles "GET /api/v1/issuing/balances/transactions",
// newest first, in a start_time/end_time window of at most 90 days,
// optionally of one transaction_type.
func (s *Server) handleBalanceTransactionList(r *http.Request) (any, error) {
	p, err := s.pageOf(r)
	if err != nil {
		return nil, err
	}
	from, to, err := s.timeWindow(r, maxWindow)
	if err != nil {
		return nil, err
	}
	var keep func(BalanceTransaction) bool
	if typ := r.URL.Query().Get("transaction_type"); typ != "" {
		ok := false
		for _, t := range balanceTxnTypes {
			ok = ok || t == typ
		}
		if !ok {
			return nil, invalid("transaction_type %q is not a balance transaction type", typ)
		}
		keep = func(t BalanceTransaction) bool { return t.Type == typ }
	}
	w, a := s.worlds.Enter(r), accountOf(r)
	defer w.Unlock()
	res := queryTable(a.balTxns, p, "", "", from, to, keep)
	out := make([]balanceTxnJSON, 0, len(res.Items))
	for _, t := range res.Items {
		out = append(out, balanceTxnJSON{
			TransactionID: t.ID, ShortTransactionID: t.ShortID, AccountID: t.AccountID, BalanceID: t.BalanceID,
			TransactionType: t.Type, Currency: t.Currency, Amount: money(t.Amount), CreateTime: w.fmtTime(t.CreatedAt),
			CompleteTime: w.fmtTime(t.CompletedAt), TransactionStatus: t.Status, EndingBalance: money(t.Ending),
			Description: t.Description,
		})
	}
	return listOf(out, res.Total, p), nil
}

type transferRequest struct {
	SourceAccountID      string `json:"source_account_id"`
	DestinationAccountID string `json:"destination_account_id"`
	Currency             string `json:"currency"`
	Amount               amount `json:"amount"`
	Remark               string `json:"remark"`
}

type transferCreateResponse struct {
	TransferID string `json:"transfer_id"`
}

// handleTransferCreate handles "POST /api/v1/issuing/transfers": money
// moves at once between the master account and one of its sub-accounts
// (never between two sub-accounts), in either direction. The caller must
// be one of the two accounts or the master.
func (s *Server) handleTransferCreate(r *http.Request) (any, error) {
	var req transferRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	switch {
	case req.SourceAccountID == "":
		return nil, invalid("source_account_id is required")
	case req.DestinationAccountID == "":
		return nil, invalid("destination_account_id is required")
	case req.SourceAccountID == req.DestinationAccountID:
		return nil, invalid("source_account_id and destination_account_id are the same account")
	case req.Currency == "":
		return nil, invalid("currency is required")
	case !knownCurrency(req.Currency):
		return nil, invalid("currency %q has no issuing balance (use %s)", req.Currency, strings.Join(currencies, " or "))
	case !req.Amount.set:
		return nil, invalid("amount is required")
	case len(req.Remark) > 256:
		return nil, invalid("remark is longer than 256 characters")
	}
	amt, err := req.Amount.parse("amount", 2, true)
	if err != nil {
		return nil, err
	}
	w, caller := s.worlds.Enter(r), accountOf(r)
	defer w.Unlock()
	src, ok := w.account(strings.ToLower(req.SourceAccountID))
	if !ok {
		return nil, fail("account_not_found", "source_account_id %s is not this account or one of its sub-accounts", req.SourceAccountID)
	}
	dst, ok := w.account(strings.ToLower(req.DestinationAccountID))
	if !ok {
		return nil, fail("account_not_found", "destination_account_id %s is not this account or one of its sub-accounts", req.DestinationAccountID)
	}
	t, err := w.transferLocked(caller, src, dst, req.Currency, amt, req.Remark)
	if err != nil {
		return nil, err
	}
	return transferCreateResponse{TransferID: t.ID}, nil
}

type transferJSON struct {
	TransferID           string `json:"transfer_id"`
	ReferenceID          string `json:"reference_id"`
	SourceAccountID      string `json:"source_account_id"`
	DestinationAccountID string `json:"destination_account_id"`
	Amount               string `json:"amount"`
	FeeAmount            string `json:"fee_amount"`
	Currency             string `json:"currency"`
	TransferStatus       string `json:"transfer_status"`
	CreateTime           string `json:"create_time"`
	CompleteTime         string `json:"complete_time"`
	CreatorID            string `json:"creator_id"`
	Remark               string `json:"remark"`
}

// handleTransferRetrieve handles "GET /api/v1/issuing/transfers/{id}",
// visible to both accounts and the master.
func (s *Server) handleTransferRetrieve(r *http.Request) (any, error) {
	w, caller := s.worlds.Enter(r), accountOf(r)
	defer w.Unlock()
	id := core.PathVar(r, "id")
	t, ok := w.transfers.Get(id)
	if !ok || (!caller.Master && caller.ID != t.SourceID && caller.ID != t.DestinationID) {
		return nil, fail("transfer_not_found", "transfer %s not found", id)
	}
	return transferJSON{TransferID: t.ID, ReferenceID: t.ReferenceID, SourceAccountID: t.SourceID,
		DestinationAccountID: t.DestinationID, Amount: money(t.Amount), FeeAmount: money(t.Fee), Currency: t.Currency,
		TransferStatus: t.Status, CreateTime: w.fmtTime(t.CreatedAt), CompleteTime: w.fmtTime(t.CompletedAt),
		CreatorID: t.CreatorID, Remark: t.Remark}, nil
}
