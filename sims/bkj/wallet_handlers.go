package bkj

// Wallet endpoints — bkj "钱包" section.

import (
	"net/http"

	"github.com/mocksrv/mocksrv/sims/core"
)

type walletAddressJSON struct {
	ID        string `json:"id"`
	CreatedAt string `json:"created_at"`
	WalletID  string `json:"wallet_id"`
	AccountID string `json:"account_id"`
	Chain     string `json:"chain"`
	Currency  string `json:"currency"`
	Address   string `json:"address"`
}

func walletAddressOut(v view, a DepositAddress) walletAddressJSON {
	return walletAddressJSON{a.ID, v.time(a.CreatedAt), a.WalletID, a.AccountID, a.Chain, a.Currency, a.Address}
}

type walletJSON struct {
	ID            string              `json:"id"`
	CreatedAt     string              `json:"created_at"`
	UpdateAt      string              `json:"update_at"`
	AccountID     string              `json:"account_id"`
	Currency      string              `json:"currency"`
	Balance       string              `json:"balance"`
	FrozenBalance string              `json:"frozen_balance"`
	Addresses     []walletAddressJSON `json:"addresses"`
}

func (w *world) walletOutLocked(v view, x Wallet) walletJSON {
	out := walletJSON{ID: x.ID, CreatedAt: v.time(x.CreatedAt), UpdateAt: v.time(x.UpdatedAt), AccountID: x.AccountID,
		Currency: x.Currency, Balance: x.Balance.String(), FrozenBalance: x.Frozen.String(), Addresses: []walletAddressJSON{}}
	for _, a := range w.deposits.Query(core.Query[DepositAddress]{Index: "wallet", Value: x.ID, Window: core.Window{Limit: len(chains)}}).Items {
		out.Addresses = append(out.Addresses, walletAddressOut(v, a))
	}
	return out
}

// handleWalletList handles "GET /openapi/v1/wallet/list", newest first;
// filters account_id, currency.
func (s *Server) handleWalletList(r *http.Request) (any, error) {
	q, p, err := s.pageRequest(r)
	if err != nil {
		return nil, err
	}
	index, account, cur := "", q.Get("account_id"), q.Get("currency")
	if account != "" {
		index = "account"
	}
	var keep func(Wallet) bool
	if cur != "" {
		keep = func(x Wallet) bool { return x.Currency == cur }
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	rows, total := query(w.wallets, p, index, account, keep)
	v := s.viewOf(r)
	return listOf(p, rows, total, func(x Wallet) walletJSON { return w.walletOutLocked(v, x) }), nil
}

// handleWalletDetail handles "GET /openapi/v1/wallet/detail?id=".
func (s *Server) handleWalletDetail(r *http.Request) (any, error) {
	id, err := requireID(r)
	if err != nil {
		return nil, err
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	x, err := w.walletLocked(id)
	if err != nil {
		return nil, err
	}
	return w.walletOutLocked(s.viewOf(r), x), nil
}

type walletAddressRequest struct {
	WalletID string `json:"wallet_id"`
	Chain    string `json:"chain"`
}

// handleWalletAddressCreate handles "POST /openapi/v1/wallet/address": the
// wallet's deposit address on a chain (the same one again if it exists).
func (s *Server) handleWalletAddressCreate(r *http.Request) (any, error) {
	var req walletAddressRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := requireString("wallet_id", req.WalletID, 64); err != nil {
		return nil, err
	}
	if err := requireString("chain", req.Chain, 16); err != nil {
		return nil, err
	}
	c, ok := findChain(req.Chain)
	if !ok {
		return nil, invalid(text{"chain %q is not supported (chains: TRON, ETH, BSC, SOLANA)", "不支持链 %q（支持 TRON、ETH、BSC、SOLANA）"}, req.Chain)
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	x, err := w.walletLocked(req.WalletID)
	if err != nil {
		return nil, err
	}
	if !c.carries(x.Currency) {
		return nil, invalid(text{"%s does not carry %s", "%s 链不支持 %s"}, c.Chain, x.Currency)
	}
	v := s.viewOf(r)
	if a, ok := w.deposits.First(func(a DepositAddress) bool { return a.WalletID == x.ID && a.Chain == c.Chain }); ok {
		return walletAddressOut(v, a), nil
	}
	a := DepositAddress{ID: w.Faker.UUID(), WalletID: x.ID, AccountID: x.AccountID, Chain: c.Chain, Currency: x.Currency,
		Address: w.newAddressLocked(c), CreatedAt: w.Now()}
	w.deposits.Put(a.ID, a)
	return walletAddressOut(v, a), nil
}

// walletTxJSON is the wallet transaction object, field for field as bkj's
// published create-withdrawal answer, plus created_at, update_at, chain and
// card_id.
type walletTxJSON struct {
	ID              string      `json:"id"`
	IDNo            string      `json:"id_no"` // Quirk: a string ("202603270001"), while the card's id_no is a number.
	BalanceID       string      `json:"balance_id"`
	Action          string      `json:"action"`
	BusinessType    string      `json:"business_type"`
	Currency        string      `json:"currency"`
	Address         string      `json:"address"`
	OriginAmount    string      `json:"origin_amount"` // Quirk: wallet amounts carry two decimals ("100.00"), card amounts as few as needed.
	Amount          string      `json:"amount"`
	Fee             string      `json:"fee"`
	CrossChainFee   string      `json:"cross_chain_fee"`
	Status          TxStatus    `json:"status"`
	PayeeID         string      `json:"payee_id"`
	TransactionTime string      `json:"transaction_time"` // Quirk: RFC 3339 with offset, unlike created_at's "yyyy-MM-dd HH:mm:ss".
	AccountID       string      `json:"account_id"`
	Rate            string      `json:"rate"`
	QuoteCurrency   string      `json:"quote_currency"`
	QuoteAmount     string      `json:"quote_amount"`
	SenderType      string      `json:"sender_type"`
	RecipientType   string      `json:"recipient_type"`
	SenderName      string      `json:"sender_name"`
	RecipientName   string      `json:"recipient_name"`
	CloseTime       string      `json:"close_time"` // Quirk: "" until the transaction ends.
	Comment         commentJSON `json:"comment"`
	CreatedAt       string      `json:"created_at"`
	UpdateAt        string      `json:"update_at"`
	Chain           string      `json:"chain"`
	CardID          string      `json:"card_id"`
}

type commentJSON struct {
	Comment     string   `json:"comment"`
	Attachments []string `json:"attachments"`
}

// amount2 renders a wallet amount with at least two decimals.
func amount2(d core.Decimal) string {
	if d.Places() <= 2 {
		return d.StringFixed(2)
	}
	return d.String()
}

func walletTxOut(v view, t WalletTx) walletTxJSON {
	return walletTxJSON{
		ID: t.ID, IDNo: t.IDNo, BalanceID: t.WalletID, Action: t.Action, BusinessType: t.BusinessType, Currency: t.Currency,
		Address: t.Address, OriginAmount: amount2(t.OriginAmount), Amount: amount2(t.Amount), Fee: amount2(t.Fee),
		CrossChainFee: t.CrossChainFee.String(), Status: t.Status, PayeeID: t.PayeeID, TransactionTime: v.rfc3339(t.CreatedAt),
		AccountID: t.AccountID, Rate: t.Rate.String(), QuoteCurrency: t.QuoteCurrency, QuoteAmount: amount2(t.QuoteAmount),
		SenderType: t.SenderType, RecipientType: t.RecipientType, SenderName: t.SenderName, RecipientName: t.RecipientName,
		CloseTime: v.rfc3339(t.ClosedAt), Comment: commentJSON{Comment: t.Memo, Attachments: []string{}},
		CreatedAt: v.time(t.CreatedAt), UpdateAt: v.time(t.UpdatedAt), Chain: t.Chain, CardID: t.CardID,
	}
}

type withdrawRequest struct {
	AccountID string      `json:"account_id"`
	WalletID  string      `json:"wallet_id"`
	Chain     string      `json:"chain"`
	Amount    amountField `json:"amount"`
	Address   string      `json:"address"`
	PayeeID   string      `json:"payee_id"`
	Memo      string      `json:"memo"`
}

// handleWithdrawalCreate handles "POST /openapi/v1/wallet/withdraw" and
// "POST /openapi/v1/wallet/create-withdrawal" (bkj's published path): send
// to an address (or a saved payee) on a chain. amount plus the chain's fee
// is held until the withdrawal settles (Delays.Withdrawal).
func (s *Server) handleWithdrawalCreate(r *http.Request) (any, error) {
	var req withdrawRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := requireString("wallet_id", req.WalletID, 64); err != nil {
		return nil, err
	}
	amount, err := req.Amount.parse("amount", 6)
	if err != nil {
		return nil, err
	}
	if err := maxLen("memo", req.Memo, 128); err != nil {
		return nil, err
	}
	if req.PayeeID == "" {
		if err := requireString("chain", req.Chain, 16); err != nil {
			return nil, err
		}
		if err := requireString("address", req.Address, 128); err != nil {
			return nil, err
		}
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	x, err := w.walletLocked(req.WalletID)
	if err != nil {
		return nil, err
	}
	if req.AccountID != "" && req.AccountID != x.AccountID {
		return nil, invalid(text{"wallet %s does not belong to account_id %s", "钱包 %s 不属于 account_id %s"}, x.ID, req.AccountID)
	}
	wd := withdrawal{wallet: x, amount: amount, memo: req.Memo, address: req.Address, outcome: steer(fieldMemo, req.Memo)}
	if req.PayeeID != "" {
		if wd.payee, err = w.payeeLocked(req.PayeeID); err != nil {
			return nil, err
		}
		if wd.payee.AccountID != x.AccountID {
			return nil, invalid(text{"payee %s belongs to another account", "收款人 %s 属于其他账户"}, wd.payee.ID)
		}
		if req.Chain != "" && req.Chain != wd.payee.Chain {
			return nil, invalid(text{"chain %s does not match payee %s on %s", "chain %s 与收款人 %s 的链 %s 不一致"}, req.Chain, wd.payee.ID, wd.payee.Chain)
		}
		req.Chain, wd.address = wd.payee.Chain, wd.payee.Address
	}
	if wd.chain, err = checkDestination(req.Chain, x.Currency, wd.address); err != nil {
		return nil, err
	}
	if _, err := w.approvedLocked(x.AccountID); err != nil {
		return nil, err
	}
	t, err := s.withdrawLocked(w, wd)
	if err != nil {
		return nil, err
	}
	announce(r, t.Outcome) // a magic memo decided the withdrawal
	return walletTxOut(s.viewOf(r), t), nil
}

type txIDRequest struct {
	ID string `json:"id"`
}

// handleWithdrawalCancel handles "POST /openapi/v1/wallet/withdraw/cancel":
// a pending withdrawal is cancelled and its hold released.
func (s *Server) handleWithdrawalCancel(r *http.Request) (any, error) {
	var req txIDRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := requireString("id", req.ID, 64); err != nil {
		return nil, err
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	t, err := s.cancelWithdrawalLocked(w, req.ID)
	if err != nil {
		return nil, err
	}
	return walletTxOut(s.viewOf(r), t), nil
}

type transferRequest struct {
	FromWalletID string      `json:"from_wallet_id"`
	ToWalletID   string      `json:"to_wallet_id"`
	Amount       amountField `json:"amount"`
	Memo         string      `json:"memo"`
}

// handleWalletTransfer handles "POST /openapi/v1/wallet/transfer": move
// money between two wallets of the same currency (any accounts of the
// tenant). The answer is the sending side's transaction.
func (s *Server) handleWalletTransfer(r *http.Request) (any, error) {
	var req transferRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := requireString("from_wallet_id", req.FromWalletID, 64); err != nil {
		return nil, err
	}
	if err := requireString("to_wallet_id", req.ToWalletID, 64); err != nil {
		return nil, err
	}
	amount, err := req.Amount.parse("amount", 6)
	if err != nil {
		return nil, err
	}
	if err := maxLen("memo", req.Memo, 128); err != nil {
		return nil, err
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	from, err := w.walletLocked(req.FromWalletID)
	if err != nil {
		return nil, err
	}
	to, err := w.walletLocked(req.ToWalletID)
	if err != nil {
		return nil, err
	}
	t, err := s.transferLocked(w, from, to, amount, req.Memo)
	if err != nil {
		return nil, err
	}
	return walletTxOut(s.viewOf(r), t), nil
}

type topUpRequest struct {
	WalletID string      `json:"wallet_id"`
	CardID   string      `json:"card_id"`
	Amount   amountField `json:"amount"`
}

// handleWalletTransferToCard handles "POST /openapi/v1/wallet/transfer-to-card":
// move money from a wallet onto an active card of the same account (rate 1).
func (s *Server) handleWalletTransferToCard(r *http.Request) (any, error) {
	var req topUpRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := requireString("wallet_id", req.WalletID, 64); err != nil {
		return nil, err
	}
	if err := requireString("card_id", req.CardID, 64); err != nil {
		return nil, err
	}
	amount, err := req.Amount.parse("amount", 2)
	if err != nil {
		return nil, err
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	x, err := w.walletLocked(req.WalletID)
	if err != nil {
		return nil, err
	}
	c, err := w.cardLocked(req.CardID)
	if err != nil {
		return nil, err
	}
	t, err := s.topUpCardLocked(w, x, c, amount)
	if err != nil {
		return nil, err
	}
	return walletTxOut(s.viewOf(r), t), nil
}

var (
	txStatuses   = []TxStatus{TxPending, TxSuccess, TxFailed, TxCancelled}
	txActions    = []string{ActionDeposit, ActionWithdraw, ActionTransferOut, ActionTransferIn}
	txBusinesses = []string{BusinessDeposit, BusinessWithdrawal, BusinessTransfer, BusinessCardTopUp}
)

// handleWalletTxList handles "GET /openapi/v1/wallet/transactions", newest
// first; filters account_id, wallet_id, currency, action, business_type,
// status.
func (s *Server) handleWalletTxList(r *http.Request) (any, error) {
	q, p, err := s.pageRequest(r)
	if err != nil {
		return nil, err
	}
	st, action, business, cur := TxStatus(q.Get("status")), q.Get("action"), q.Get("business_type"), q.Get("currency")
	switch {
	case st != "" && !oneOf(st, txStatuses):
		return nil, invalid(text{"status must be pending, success, failed or cancelled, got %q", "status 只能为 pending、success、failed、cancelled，实际为 %q"}, st)
	case action != "" && !oneOf(action, txActions):
		return nil, invalid(text{"action must be deposit, withdraw, transfer_out or transfer_in, got %q", "action 只能为 deposit、withdraw、transfer_out、transfer_in，实际为 %q"}, action)
	case business != "" && !oneOf(business, txBusinesses):
		return nil, invalid(text{"business_type must be deposit, withdrawal, internal_transfer or card_topup, got %q", "business_type 只能为 deposit、withdrawal、internal_transfer、card_topup，实际为 %q"}, business)
	}
	index, value := "", ""
	account, wallet := q.Get("account_id"), q.Get("wallet_id")
	switch {
	case wallet != "":
		index, value = "wallet", wallet
	case account != "":
		index, value = "account", account
	}
	var keep func(WalletTx) bool
	if st != "" || action != "" || business != "" || cur != "" || (wallet != "" && account != "") {
		keep = func(t WalletTx) bool {
			return (st == "" || t.Status == st) && (action == "" || t.Action == action) && (business == "" || t.BusinessType == business) &&
				(cur == "" || t.Currency == cur) && (account == "" || t.AccountID == account)
		}
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	rows, total := query(w.walletTxs, p, index, value, keep)
	v := s.viewOf(r)
	return listOf(p, rows, total, func(t WalletTx) walletTxJSON { return walletTxOut(v, t) }), nil
}

// handleWalletTxDetail handles "GET /openapi/v1/wallet/transactions/{id}".
func (s *Server) handleWalletTxDetail(r *http.Request) (any, error) {
	id := core.PathVar(r, "id")
	w := s.worlds.Enter(r)
	defer w.Unlock()
	t, ok := w.walletTxs.Get(id)
	if !ok {
		return nil, notFound("wallet transaction", id)
	}
	return walletTxOut(s.viewOf(r), t), nil
}
