package bkj

// Wallet model — bkj "钱包" section: wallets per currency with deposit
// addresses per chain, withdrawals (POST /wallet/withdraw, and bkj's
// published POST /wallet/create-withdrawal), internal transfers and
// transfers to cards, and the wallet transactions that record them
// ("钱包交易列表/详情", /wallet/transactions).

import (
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Wallet holds one currency for one account.
type Wallet struct {
	ID        string       `json:"id"`
	AccountID string       `json:"account_id"`
	Currency  string       `json:"currency"`
	Balance   core.Decimal `json:"balance"` // available
	Frozen    core.Decimal `json:"frozen"`  // held for pending withdrawals
	CreatedAt time.Time    `json:"created_at"`
	UpdatedAt time.Time    `json:"updated_at"`
}

// DepositAddress is a wallet's receiving address on one chain.
type DepositAddress struct {
	ID        string    `json:"id"`
	WalletID  string    `json:"wallet_id"`
	AccountID string    `json:"account_id"`
	Chain     string    `json:"chain"`
	Currency  string    `json:"currency"`
	Address   string    `json:"address"`
	CreatedAt time.Time `json:"created_at"`
}

// TxStatus is a wallet transaction's status (lower case, as published:
// "pending").
type TxStatus string

// Wallet transaction statuses.
const (
	TxPending   TxStatus = "pending"
	TxSuccess   TxStatus = "success"
	TxFailed    TxStatus = "failed"
	TxCancelled TxStatus = "cancelled"
)

// Wallet transaction actions and business types.
const (
	ActionDeposit     = "deposit"
	ActionWithdraw    = "withdraw"
	ActionTransferOut = "transfer_out"
	ActionTransferIn  = "transfer_in"

	BusinessDeposit    = "deposit"
	BusinessWithdrawal = "withdrawal"
	BusinessTransfer   = "internal_transfer"
	BusinessCardTopUp  = "card_topup"
)

// WalletTx is one movement of a wallet's money.
type WalletTx struct {
	ID            string       `json:"id"`
	IDNo          string       `json:"id_no"`
	WalletID      string       `json:"wallet_id"` // balance_id on the wire
	AccountID     string       `json:"account_id"`
	Action        string       `json:"action"`
	BusinessType  string       `json:"business_type"`
	Currency      string       `json:"currency"`
	Chain         string       `json:"chain,omitempty"`
	Address       string       `json:"address,omitempty"`
	OriginAmount  core.Decimal `json:"origin_amount"`
	Amount        core.Decimal `json:"amount"`
	Fee           core.Decimal `json:"fee"`
	CrossChainFee core.Decimal `json:"cross_chain_fee"`
	Status        TxStatus     `json:"status"`
	PayeeID       string       `json:"payee_id,omitempty"`
	CardID        string       `json:"card_id,omitempty"`
	Rate          core.Decimal `json:"rate"`
	QuoteCurrency string       `json:"quote_currency"`
	QuoteAmount   core.Decimal `json:"quote_amount"`
	SenderType    string       `json:"sender_type"`
	RecipientType string       `json:"recipient_type"`
	SenderName    string       `json:"sender_name"`
	RecipientName string       `json:"recipient_name"`
	Memo          string       `json:"memo,omitempty"`
	Related       string       `json:"related,omitempty"` // the other leg: a wallet or card transaction
	Outcome       string       `json:"outcome,omitempty"` // a withdrawal's stored steering decision: "withdrawal.reject", "withdrawal.hold"
	CreatedAt     time.Time    `json:"created_at"`
	UpdatedAt     time.Time    `json:"updated_at"`
	ClosedAt      time.Time    `json:"closed_at,omitzero"`
}

// debit is what a transaction takes from its wallet: amount plus fee.
func (t WalletTx) debit() core.Decimal { return t.Amount.Add(t.Fee) }

// newWalletLocked creates an account's wallet for a currency.
func (w *world) newWalletLocked(account, currency string, at time.Time) Wallet {
	x := Wallet{ID: w.Faker.UUID(), AccountID: account, Currency: currency, CreatedAt: at, UpdatedAt: at}
	w.wallets.Put(x.ID, x)
	w.walletOf[account+"/"+currency] = x.ID
	return x
}

func (w *world) walletLocked(id string) (Wallet, error) {
	x, ok := w.wallets.Get(id)
	if !ok {
		return x, notFound("wallet", id)
	}
	return x, nil
}

// walletFor returns an account's wallet of a currency.
func (w *world) walletFor(account, currency string) (Wallet, error) {
	id, ok := w.walletOf[account+"/"+currency]
	if !ok {
		if _, err := w.userLocked(account); err != nil {
			return Wallet{}, err
		}
		return Wallet{}, invalid(text{"currency %q has no wallet (wallets hold %s)", "币种 %q 没有钱包（支持 %s）"}, currency, "USDT, USDC")
	}
	return w.walletLocked(id)
}

// newTxLocked fills a transaction's ids and times.
func (w *world) newTxLocked(t WalletTx) WalletTx {
	now := w.Now()
	t.ID, t.IDNo, t.CreatedAt, t.UpdatedAt = w.Faker.UUID(), w.txNoLocked(), now, now
	if t.OriginAmount.IsZero() {
		t.OriginAmount = t.Amount
	}
	if t.Rate.IsZero() {
		t.Rate = core.MustDecimal("1")
	}
	if t.QuoteCurrency == "" {
		t.QuoteCurrency = "USD"
	}
	if t.QuoteAmount.IsZero() {
		t.QuoteAmount = t.Amount.Mul(t.Rate)
	}
	if t.Status != TxPending {
		t.ClosedAt = now
	}
	return t
}

func (s *Server) putTxLocked(w *world, t WalletTx, before TxStatus) {
	w.walletTxs.Put(t.ID, t)
	s.emitWalletTxLocked(w, t, before)
}

// depositLocked credits a wallet from outside (the admin API and direct
// helpers stand in for an on-chain deposit).
func (s *Server) depositLocked(w *world, x Wallet, amount core.Decimal, chain, from string) WalletTx {
	u, _ := w.users.Get(x.AccountID)
	x.Balance, x.UpdatedAt = x.Balance.Add(amount), w.Now()
	w.wallets.Put(x.ID, x)
	w.ledger.Deposited = w.ledger.Deposited.Add(amount)
	t := w.newTxLocked(WalletTx{WalletID: x.ID, AccountID: x.AccountID, Action: ActionDeposit, BusinessType: BusinessDeposit,
		Currency: x.Currency, Chain: chain, Address: from, Amount: amount, Status: TxSuccess,
		SenderType: "address", RecipientType: "user", SenderName: "external_wallet", RecipientName: u.fullName()})
	s.putTxLocked(w, t, "")
	return t
}

// withdrawal is a checked withdrawal request.
type withdrawal struct {
	wallet    Wallet
	chain     Chain
	address   string
	payee     Payee
	amount    core.Decimal
	memo      string
	recipient string
	outcome   string // a steering rule: withdrawal.reject or withdrawal.hold
}

// withdrawLocked holds amount plus the chain's fee and records a pending
// withdrawal that settles after Delays.Withdrawal (never by itself when
// its outcome is withdrawal.hold).
func (s *Server) withdrawLocked(w *world, req withdrawal) (WalletTx, error) {
	x, c := req.wallet, req.chain
	if req.amount.LessThan(c.Min) {
		return WalletTx{}, invalid(text{"amount must be at least %s %s on %s, got %s", "%[3]s 链最小提现金额为 %[1]s %[2]s，实际为 %[4]s"},
			c.Min, x.Currency, c.Chain, req.amount)
	}
	total := req.amount.Add(c.Fee)
	if x.Balance.LessThan(total) {
		return WalletTx{}, fail(codeInsufficient, text{"wallet %s holds %s %s; the withdrawal needs %s (%s plus fee %s)",
			"钱包 %s 余额 %s %s，本次提现需要 %s（%s 加手续费 %s）"}, x.ID, x.Balance, x.Currency, total, req.amount, c.Fee)
	}
	u, _ := w.users.Get(x.AccountID)
	x.Balance, x.Frozen, x.UpdatedAt = x.Balance.Sub(total), x.Frozen.Add(total), w.Now()
	w.wallets.Put(x.ID, x)
	t := WalletTx{WalletID: x.ID, AccountID: x.AccountID, Action: ActionWithdraw, BusinessType: BusinessWithdrawal,
		Currency: x.Currency, Chain: c.Chain, Address: req.address, Amount: req.amount, Fee: c.Fee, Status: TxPending,
		PayeeID: req.payee.ID, SenderType: "user", RecipientType: "address", SenderName: u.fullName(),
		RecipientName: "external_wallet", Memo: req.memo, Outcome: req.outcome}
	if req.payee.ID != "" {
		t.RecipientType, t.RecipientName = "payee", req.payee.Name
	}
	t = w.newTxLocked(t)
	if t.Outcome != ruleWithdrawalHold {
		w.Agenda.Schedule(t.CreatedAt.Add(w.set.Delays.Withdrawal), taskWithdrawal, t.ID)
	}
	s.putTxLocked(w, t, "")
	return t, nil
}

// settleWithdrawalLocked ends a due withdrawal as its stored outcome says:
// failed for withdrawal.reject, else success.
func (s *Server) settleWithdrawalLocked(w *world, id string) {
	t, ok := w.walletTxs.Get(id)
	if !ok || t.Status != TxPending {
		return
	}
	s.finishWithdrawalLocked(w, t, t.Outcome != ruleWithdrawalReject)
}

// finishWithdrawalLocked settles (success) or fails a pending withdrawal
// at the world's Now; a failed one returns the held money.
func (s *Server) finishWithdrawalLocked(w *world, t WalletTx, ok bool) WalletTx {
	now := w.Now()
	x, _ := w.wallets.Get(t.WalletID)
	total := t.debit()
	x.Frozen, x.UpdatedAt = x.Frozen.Sub(total), now
	if ok {
		t.Status = TxSuccess
		w.ledger.Withdrawn = w.ledger.Withdrawn.Add(t.Amount)
		w.ledger.Fees = w.ledger.Fees.Add(t.Fee)
	} else {
		t.Status = TxFailed
		x.Balance = x.Balance.Add(total)
	}
	w.wallets.Put(x.ID, x)
	t.UpdatedAt, t.ClosedAt = now, now
	s.putTxLocked(w, t, TxPending)
	return t
}

// cancelWithdrawalLocked cancels a pending withdrawal, returning the held
// money.
func (s *Server) cancelWithdrawalLocked(w *world, id string) (WalletTx, error) {
	t, ok := w.walletTxs.Get(id)
	switch {
	case !ok:
		return t, notFound("wallet transaction", id)
	case t.Action != ActionWithdraw:
		return t, fail(codeConflict, text{"transaction %s is a %s, not a withdrawal", "交易 %s 为 %s，不是提现"}, id, t.BusinessType)
	case t.Status != TxPending:
		return t, fail(codeConflict, text{"withdrawal %s is %s; only pending withdrawals can be cancelled", "提现 %s 当前为 %s，仅处理中的提现可取消"}, id, t.Status)
	}
	x, _ := w.wallets.Get(t.WalletID)
	total := t.debit()
	x.Frozen, x.Balance, x.UpdatedAt = x.Frozen.Sub(total), x.Balance.Add(total), w.Now()
	w.wallets.Put(x.ID, x)
	t.Status, t.UpdatedAt, t.ClosedAt = TxCancelled, w.Now(), w.Now()
	s.putTxLocked(w, t, TxPending)
	return t, nil
}

// transferLocked moves amount between two wallets of the same currency,
// recording a transfer_out and a transfer_in.
func (s *Server) transferLocked(w *world, from, to Wallet, amount core.Decimal, memo string) (WalletTx, error) {
	switch {
	case from.ID == to.ID:
		return WalletTx{}, invalid(text{"from_wallet_id and to_wallet_id are the same wallet", "from_wallet_id 与 to_wallet_id 不能相同"})
	case from.Currency != to.Currency:
		return WalletTx{}, invalid(text{"wallet %s holds %s and wallet %s holds %s; transfers stay within one currency",
			"钱包 %s 为 %s，钱包 %s 为 %s，划转必须为同一币种"}, from.ID, from.Currency, to.ID, to.Currency)
	case from.Balance.LessThan(amount):
		return WalletTx{}, fail(codeInsufficient, text{"wallet %s holds %s %s, less than %s", "钱包 %s 余额 %s %s，不足 %s"}, from.ID, from.Balance, from.Currency, amount)
	}
	now := w.Now()
	sender, _ := w.users.Get(from.AccountID)
	receiver, _ := w.users.Get(to.AccountID)
	from.Balance, from.UpdatedAt = from.Balance.Sub(amount), now
	to.Balance, to.UpdatedAt = to.Balance.Add(amount), now
	w.wallets.Put(from.ID, from)
	w.wallets.Put(to.ID, to)
	out := w.newTxLocked(WalletTx{WalletID: from.ID, AccountID: from.AccountID, Action: ActionTransferOut, BusinessType: BusinessTransfer,
		Currency: from.Currency, Amount: amount, Status: TxSuccess, SenderType: "user", RecipientType: "user",
		SenderName: sender.fullName(), RecipientName: receiver.fullName(), Memo: memo})
	in := w.newTxLocked(WalletTx{WalletID: to.ID, AccountID: to.AccountID, Action: ActionTransferIn, BusinessType: BusinessTransfer,
		Currency: to.Currency, Amount: amount, Status: TxSuccess, SenderType: "user", RecipientType: "user",
		SenderName: sender.fullName(), RecipientName: receiver.fullName(), Memo: memo})
	out.Related, in.Related = in.ID, out.ID
	s.putTxLocked(w, out, "")
	s.putTxLocked(w, in, "")
	return out, nil
}

// topUpCardLocked moves amount from a wallet onto a card of the same
// account at rate 1 (stablecoin to USD), recording a wallet card_topup and
// a card topup.
func (s *Server) topUpCardLocked(w *world, x Wallet, c Card, amount core.Decimal) (WalletTx, error) {
	switch {
	case x.AccountID != c.AccountID:
		return WalletTx{}, invalid(text{"card %s belongs to another account than wallet %s", "卡片 %s 与钱包 %s 不属于同一账户"}, c.ID, x.ID)
	case c.Status != StatusActive:
		return WalletTx{}, errStatus(c, "transfer-to-card", StatusActive)
	case x.Balance.LessThan(amount):
		return WalletTx{}, fail(codeInsufficient, text{"wallet %s holds %s %s, less than %s", "钱包 %s 余额 %s %s，不足 %s"}, x.ID, x.Balance, x.Currency, amount)
	}
	now := w.Now()
	u, _ := w.users.Get(x.AccountID)
	x.Balance, x.UpdatedAt = x.Balance.Sub(amount), now
	w.wallets.Put(x.ID, x)
	c.Balance, c.UpdatedAt = c.Balance.Add(amount), now
	w.cards.Put(c.ID, c)
	t := w.newTxLocked(WalletTx{WalletID: x.ID, AccountID: x.AccountID, Action: ActionTransferOut, BusinessType: BusinessCardTopUp,
		Currency: x.Currency, Amount: amount, Status: TxSuccess, CardID: c.ID, QuoteCurrency: c.Currency,
		SenderType: "user", RecipientType: "card", SenderName: u.fullName(), RecipientName: "card ****" + c.Last4()})
	ct := s.newCardTxLocked(w, CardTx{CardID: c.ID, AccountID: c.AccountID, Type: CardTopUp, Status: CardTxSuccess,
		Amount: amount, Currency: c.Currency, MerchantAmount: amount, MerchantCurrency: x.Currency, BalanceAfter: c.Balance,
		MerchantName: "Wallet " + x.Currency, WalletTxID: t.ID})
	t.Related = ct.ID
	s.putTxLocked(w, t, "")
	return t, nil
}
