package decard

// Financial connection model — the Postman collection's
// "financial-connection" folder (changelog 20260106) and the Java
// connector's FinancialConnectionApi (FCUserResponse, FCPaymentResponse,
// FCTransferResponse, FCWithdrawalResponse, QueryTranListResponse) with its
// BANK_TRANSFER_INFO and FC_*_INFO webhook events. A financial-connection
// user has a bank virtual account (VA) per currency; money comes in by
// bank transfer, and leaves as a payment to the partner, a transfer to the
// user's spending wallet or a withdrawal to a bank account. DeCard
// publishes the requests and the connector's response models, not the
// statuses or the lifecycle: those are mocksrv's (doc.go, "Deviations").

import (
	"net/http"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// fcChannel is the bank holding the virtual accounts of one currency
// (vaInfoList's channel fields; made up).
type fcChannel struct{ vaType, code, name, swift, address string }

// fcChannels are the virtual-account currencies, in vaInfoList order.
var fcChannels = []struct {
	currency string
	fcChannel
}{
	{"USD", fcChannel{"GLOBAL", "DBS", "DBS Bank Ltd", "DBSSSGSG", "12 Marina Boulevard, Marina Bay Financial Centre Tower 3, Singapore 018982"}},
	{"SGD", fcChannel{"LOCAL", "DBS", "DBS Bank Ltd", "DBSSSGSG", "12 Marina Boulevard, Marina Bay Financial Centre Tower 3, Singapore 018982"}},
}

func fcChannelOf(currency string) (fcChannel, bool) {
	for _, c := range fcChannels {
		if c.currency == currency {
			return c.fcChannel, true
		}
	}
	return fcChannel{}, false
}

// FCAccount is a financial-connection virtual account.
type FCAccount struct {
	Number    string       `json:"vaNumber"`
	UserID    string       `json:"externalUserId"`
	Currency  string       `json:"currency"`
	Free      core.Decimal `json:"free"`
	Freeze    core.Decimal `json:"freeze"`
	CreatedAt time.Time    `json:"createdAt"`
}

// Financial-connection transaction kinds (and statement transTypes).
const (
	FCPayment      = "PAYMENT"              // VA → the partner's fund pool, settled later
	FCTransfer     = "TRANSFER_TO_SPENDING" // VA → the user's wallet
	FCWithdrawal   = "WITHDRAW"             // VA → a bank account outside
	FCBankTransfer = "BANK_TRANSFER"        // a bank account outside → VA
	fcRefund       = "WITHDRAW_REFUND"      // statement row of a failed withdrawal
)

// Financial-connection statuses (paymentStatus, transferStatus,
// withdrawStatus) and settleStatus values.
const (
	FCSuccess       = "SUCCESS"
	FCProcessing    = "PROCESSING"
	FCFailed        = "FAILED"
	FCSettlePending = "PENDING"
	FCSettled       = "SETTLED"
)

// FCPayee is the bank account a withdrawal goes to.
type FCPayee struct {
	Name      string `json:"payeeName"`
	Address   string `json:"payeeAddress,omitempty"`
	AccountNo string `json:"payeeBankAccountNo"`
	SwiftBIC  string `json:"payeeBankSwiftBic"`
	Country   string `json:"payeeBankCountryCode,omitempty"`
	Purpose   string `json:"purposeOfPayment,omitempty"`
}

// FCTxn is a financial-connection payment, transfer to spending,
// withdrawal or incoming bank transfer.
type FCTxn struct {
	InternalID string       `json:"internalTranId"`
	ExternalID string       `json:"externalTranId"`
	Kind       string       `json:"kind"`
	UserID     string       `json:"externalUserId"`
	VA         string       `json:"vaNumber"`
	Currency   string       `json:"currency"`
	Amount     core.Decimal `json:"amount"`
	Fee        core.Decimal `json:"feeAmount"`
	Status     string       `json:"status"`
	Settle     string       `json:"settleStatus,omitempty"` // payments and withdrawals
	ErrorCode  string       `json:"errorCode,omitempty"`
	ErrorMsg   string       `json:"errorMsg,omitempty"`
	Remark     string       `json:"remark,omitempty"`
	Payee      *FCPayee     `json:"payee,omitempty"` // withdrawals; set once
	Payer      string       `json:"payerName,omitempty"`
	Verdict    *Verdict     `json:"verdict,omitempty"` // how a PROCESSING withdrawal ends, set by the admin API
	CreatedAt  time.Time    `json:"createdAt"`
	UpdatedAt  time.Time    `json:"updatedAt"`
}

// FCEntry is one row of a virtual account's statement (query-tran-list).
type FCEntry struct {
	ID       string       `json:"id"` // the list's cursor
	VA       string       `json:"vaNumber"`
	TranID   string       `json:"internalTranId"`
	Type     string       `json:"transType"`
	DC       string       `json:"debitCreditIndicator"` // C money in, D money out
	Amount   core.Decimal `json:"amount"`
	Currency string       `json:"currency"`
	Seq      int          `json:"seq"` // creation order within the tenant
	At       time.Time    `json:"tranTime"`
}

// Task kinds of financial connection.
const taskFCSettle = "fc.settle"

// fcUserLocked returns a financial-connection user.
func (w *world) fcUserLocked(id string) (User, error) {
	u, err := w.userLocked(id)
	if err != nil {
		return u, err
	}
	if u.UserRef == "" {
		return u, fail("ACCOUNT_USER_NOT_EXIST", text{"%s is not a financial-connection user (make one with /financial-connection/v1/create-user)",
			"%s 不是 financial-connection 用户（请用 /financial-connection/v1/create-user 创建）"}, id)
	}
	return u, nil
}

// newFCUserLocked registers a financial-connection user (KYC UNDO) and
// opens their virtual accounts. userRef is the partner's key: the same
// userRef, mobile and email again answer the same user.
func (w *world) newFCUserLocked(r *http.Request, id, ref, mobileCode, mobile, email string) (User, error) {
	if id, ok := w.userByRef[ref]; ok {
		u, _ := w.users.Get(id)
		if u.MobileCode != mobileCode || u.Mobile != mobile || !strings.EqualFold(u.Email, email) {
			return u, fail("ACCOUNT_UNSUPPORTED_OPERATE", text{"userRef %s belongs to user %s with another mobile or email",
				"userRef %s 已属于手机号或邮箱不同的用户 %s"}, ref, u.ID)
		}
		return u, nil
	}
	if _, used := w.userByMobile[mobileKey(mobileCode, mobile)]; used {
		return User{}, fail("ACCOUNT_USER_MOBILE_ALREADY_USED", text{"%s %s is registered", "%s %s 已注册"}, mobileCode, mobile)
	}
	if _, used := w.userByEmail[strings.ToLower(email)]; used {
		return User{}, fail("ACCOUNT_EMAIL_ALREADY_EXIST", text{"%s", "%s"}, email)
	}
	if id != "" && w.users.Has(id) {
		return User{}, core.Errorf(core.KindConflict, "user %q already exists", id)
	}
	u := w.newUserLocked(r, mobileCode, mobile)
	if id != "" { // a chosen externalUserId (the admin API)
		w.users.Delete(u.ID)
		u.ID = id
		w.userByMobile[mobileKey(mobileCode, mobile)] = u.ID
	}
	u.UserRef, u.Email = ref, email
	w.users.Put(u.ID, u)
	w.userByRef[ref] = u.ID
	w.userByEmail[strings.ToLower(email)] = u.ID
	for _, c := range fcChannels {
		a := FCAccount{Number: "885" + w.Faker.Digits(14), UserID: u.ID, Currency: c.currency, CreatedAt: u.CreatedAt}
		for w.fcAccounts.Has(a.Number) {
			a.Number = "885" + w.Faker.Digits(14)
		}
		w.fcAccounts.Put(a.Number, a)
	}
	return u, nil
}

// fcAccountsLocked returns a user's virtual accounts in vaInfoList order.
func (w *world) fcAccountsLocked(user string) []FCAccount {
	return bucket(w.fcAccounts, "user", user)
}

// fcAccountLocked returns the user's virtual account in currency.
func (w *world) fcAccountLocked(user, currency string) (FCAccount, error) {
	for _, a := range w.fcAccountsLocked(user) {
		if a.Currency == currency {
			return a, nil
		}
	}
	return FCAccount{}, fail("CARD_TRANSACTION_UNSUPPORTED_CURRENCY", text{"currency %q: user %s's virtual accounts are in USD and SGD",
		"currency %q：用户 %s 的虚拟账户币种为 USD 和 SGD"}, currency, user)
}

// fcEntryLocked adds a row to a virtual account's statement.
func (w *world) fcEntryLocked(a FCAccount, tranID, typ, dc string, amount core.Decimal, at time.Time) {
	e := FCEntry{ID: w.numID(19), VA: a.Number, TranID: tranID, Type: typ, DC: dc, Amount: amount, Currency: a.Currency,
		Seq: w.fcLedger.Len() + 1, At: at}
	w.fcLedger.Put(e.ID, e)
}

// fcByExtLocked returns the transaction of a kind with the partner's
// externalTranId.
func (w *world) fcByExtLocked(kind, ext string) (FCTxn, bool) {
	id, ok := w.fcByExt[kind+" "+ext]
	if !ok {
		return FCTxn{}, false
	}
	return w.fcTxns.Get(id)
}

// putFCTxnLocked stores a transaction (new or changed).
func (w *world) putFCTxnLocked(x FCTxn) {
	w.fcTxns.Put(x.InternalID, x)
	if x.ExternalID != "" {
		w.fcByExt[x.Kind+" "+x.ExternalID] = x.InternalID
	}
}

// bankTransferInLocked credits a virtual account with a transfer from a
// bank outside (money coming in) and sends BANK_TRANSFER_INFO.
func (w *world) bankTransferInLocked(a FCAccount, amount core.Decimal, payer string) FCTxn {
	now := w.Now()
	x := FCTxn{InternalID: w.numID(19), Kind: FCBankTransfer, UserID: a.UserID, VA: a.Number, Currency: a.Currency,
		Amount: amount, Status: FCSuccess, Payer: payer, CreatedAt: now, UpdatedAt: now}
	a.Free = a.Free.Add(amount)
	w.fcAccounts.Put(a.Number, a)
	w.flowLocked(a.Currency, amount)
	w.putFCTxnLocked(x)
	w.fcEntryLocked(a, x.InternalID, FCBankTransfer, "C", amount, now)
	w.notifyLocked(eventBankTransfer, a.UserID, now, bankTransferOut(x))
	return x
}

// fcDebitLocked starts a payment, transfer or withdrawal: a verdict from
// the admin API fails it at once for a payment or transfer (nothing
// moves); otherwise the amount leaves the account's free balance — into
// freeze for a withdrawal, which settles later.
func (w *world) fcDebitLocked(x FCTxn, route string) (FCTxn, error) {
	a, ok := w.fcAccounts.Get(x.VA)
	if !ok {
		return x, fail("CARD_TRANSACTION_UNSUPPORTED_CURRENCY", text{"no virtual account %s", "没有虚拟账户 %s"}, x.VA)
	}
	v, steered := w.nextVerdictLocked(x.UserID, route)
	if steered && x.Kind != FCWithdrawal {
		x.Status, x.ErrorCode, x.ErrorMsg = FCFailed, v.ErrorCode, v.ErrorMsg
		w.putFCTxnLocked(x)
		w.notifyFCLocked(x, x.CreatedAt)
		return x, nil
	}
	if a.Free.Cmp(x.Amount) < 0 {
		return x, fail("CARD_WALLET_BALANCE_LOW", text{"virtual account %s holds %s %s, the %s needs %s",
			"虚拟账户 %s 余额 %s %s，本次 %s 需要 %s"}, a.Number, a.Free.String(), a.Currency, strings.ToLower(x.Kind), x.Amount.String())
	}
	a.Free = a.Free.Sub(x.Amount)
	switch x.Kind {
	case FCPayment:
		x.Status, x.Settle = FCSuccess, FCSettlePending
		w.Agenda.Schedule(x.CreatedAt.Add(w.set.FCSettleDelay.D()), taskFCSettle, x.InternalID)
	case FCTransfer:
		x.Status = FCSuccess
	case FCWithdrawal:
		a.Freeze = a.Freeze.Add(x.Amount)
		x.Status, x.Settle = FCProcessing, FCSettlePending
		if steered {
			x.Verdict = &v
		}
		w.Agenda.Schedule(x.CreatedAt.Add(w.set.FCSettleDelay.D()), taskFCSettle, x.InternalID)
	}
	w.fcAccounts.Put(a.Number, a)
	w.putFCTxnLocked(x)
	w.fcEntryLocked(a, x.InternalID, x.Kind, "D", x.Amount, x.CreatedAt)
	if x.Kind == FCTransfer {
		w.spendingInLocked(x)
	}
	w.notifyFCLocked(x, x.CreatedAt)
	return x, nil
}

// notifyFCLocked sends a transaction's FC_*_INFO webhook.
func (w *world) notifyFCLocked(x FCTxn, at time.Time) {
	switch x.Kind {
	case FCPayment:
		w.notifyLocked(eventFCPayment, x.UserID, at, fcPaymentOut(x))
	case FCTransfer:
		w.notifyLocked(eventFCTransfer, x.UserID, at, fcTransferOut(x))
	case FCWithdrawal:
		w.notifyLocked(eventFCWithdraw, x.UserID, at, fcWithdrawalOut(x))
	}
}

// spendingInLocked credits the user's wallet with a transfer to spending
// (a DEPOSIT in the asset ledger, a C row of the fiat ledger).
func (w *world) spendingInLocked(x FCTxn) {
	w.moveLocked(AssetTxn{UserID: x.UserID, Type: TypeDeposit, Asset: x.Currency, FreeDelta: x.Amount, ExternalID: x.ExternalID}, x.CreatedAt)
	f := FiatTxn{ID: w.numID(21), UserID: x.UserID, DC: "C", TransType: "AU007", Amount: x.Amount, Currency: x.Currency,
		Merchant: "FINANCIAL CONNECTION", At: x.CreatedAt, Channel: "R", Sender: x.VA, Receiving: x.UserID, Asset: x.Currency}
	w.fiat.Put(f.ID, f)
}

// settleFCLocked ends what waits on the settle delay: a payment settles
// into the partner's fund pool; a withdrawal reaches the payee's bank
// (its fee to the fund pool, the rest leaves) or, steered by the admin
// API, fails and its amount returns to the account.
func (w *world) settleFCLocked(id string, at time.Time) {
	x, ok := w.fcTxns.Get(id)
	if !ok || x.Settle != FCSettlePending {
		return
	}
	x.UpdatedAt = at
	switch x.Kind {
	case FCPayment:
		x.Settle = FCSettled
		w.pool[x.Currency] = w.pool[x.Currency].Add(x.Amount)
	case FCWithdrawal:
		a, _ := w.fcAccounts.Get(x.VA)
		a.Freeze = a.Freeze.Sub(x.Amount)
		if v := x.Verdict; v != nil {
			a.Free = a.Free.Add(x.Amount)
			x.Status, x.Settle, x.ErrorCode, x.ErrorMsg = FCFailed, "", v.ErrorCode, v.ErrorMsg
			w.fcEntryLocked(a, x.InternalID, fcRefund, "C", x.Amount, at)
		} else {
			x.Status, x.Settle = FCSuccess, FCSettled
			w.pool[x.Currency] = w.pool[x.Currency].Add(x.Fee)
			w.flowLocked(x.Currency, x.Amount.Sub(x.Fee).Neg()) // paid out to the payee's bank
		}
		w.fcAccounts.Put(a.Number, a)
	}
	w.putFCTxnLocked(x)
	w.notifyFCLocked(x, at)
}
