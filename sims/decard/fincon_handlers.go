package decard

// Financial connection endpoints — the Postman collection's
// "financial-connection" folder (changelog 20260106) and the Java
// connector's FinancialConnectionApi.

import (
	"net/http"
	"net/mail"
	"regexp"
	"strings"

	"github.com/mocksrv/mocksrv/sims/core"
)

type fcCreateUserRequest struct {
	UserRef        string `json:"userRef"`
	MobilePhone    string `json:"mobilePhone"`
	MobileAreaCode string `json:"mobileAreaCode"`
	Email          string `json:"email"`
}

type fcBalanceJSON struct {
	Asset  string `json:"asset"`
	Free   string `json:"free"`
	Freeze string `json:"freeze"`
}

type fcVAJSON struct {
	VAType             string          `json:"vaType"`
	VANumber           string          `json:"vaNumber"`
	Currency           string          `json:"currency"`
	ChannelCode        string          `json:"channelCode"`
	ChannelName        string          `json:"channelName"`
	ChannelSwiftCode   string          `json:"channelSwiftCode"`
	ChannelAddressInfo string          `json:"channelAddressInfo"`
	AccountBalanceList []fcBalanceJSON `json:"accountBalanceList"`
}

// fcUserJSON is a financial-connection user as create-user and
// query-user-info answer it (the connector's FCUserResponse).
type fcUserJSON struct {
	UserRef        string     `json:"userRef"`
	ExternalUserID string     `json:"externalUserId"`
	VAInfoList     []fcVAJSON `json:"vaInfoList"`
}

func (w *world) fcUserOut(u User) fcUserJSON {
	out := fcUserJSON{UserRef: u.UserRef, ExternalUserID: u.ID, VAInfoList: []fcVAJSON{}}
	for _, a := range w.fcAccountsLocked(u.ID) {
		ch, _ := fcChannelOf(a.Currency)
		out.VAInfoList = append(out.VAInfoList, fcVAJSON{ch.vaType, a.Number, a.Currency, ch.code, ch.name, ch.swift, ch.address,
			[]fcBalanceJSON{{a.Currency, a.Free.String(), a.Freeze.String()}}})
	}
	return out
}

// handleFCCreateUser handles "POST /financial-connection/v1/create-user":
// a user with a virtual account per currency. userRef is the partner's
// key; the same request again answers the same user.
func (s *Server) handleFCCreateUser(r *http.Request) (any, error) {
	var req fcCreateUserRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	ref := strings.TrimSpace(req.UserRef)
	switch {
	case ref == "" || len(ref) > 64:
		return nil, invalid("userRef must be 1-64 characters, got %d", len(ref))
	case req.MobileAreaCode == "" || req.MobilePhone == "":
		return nil, invalid("mobileAreaCode and mobilePhone are required")
	case req.Email == "":
		return nil, invalid("email is required")
	}
	if a, err := mail.ParseAddress(req.Email); err != nil || a.Address != req.Email {
		return nil, invalid("email %q is not an e-mail address", req.Email)
	}
	w := core.WorldOf[*world](r)
	mobile, err := s.phone(w, req.MobileAreaCode, req.MobilePhone)
	if err != nil {
		return nil, err
	}
	s.worlds.Lock(w)
	defer w.Unlock()
	u, err := w.newFCUserLocked(r, "", ref, req.MobileAreaCode, mobile, req.Email)
	if err != nil {
		return nil, err
	}
	return w.fcUserOut(u), nil
}

// handleFCQueryUser handles "GET /financial-connection/v1/query-user-info":
// by userRef, externalUserId, or both (which must name the same user).
func (s *Server) handleFCQueryUser(r *http.Request) (any, error) {
	q := r.URL.Query()
	ref, id := q.Get("userRef"), q.Get("externalUserId")
	if ref == "" && id == "" {
		return nil, invalid("userRef or externalUserId is required")
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	if ref != "" {
		byRef, ok := w.userByRef[ref]
		if !ok || (id != "" && id != byRef) {
			return nil, fail("ACCOUNT_USER_NOT_EXIST", text{"no financial-connection user has userRef %q and externalUserId %q",
				"没有 userRef 为 %q 且 externalUserId 为 %q 的 financial-connection 用户"}, ref, id)
		}
		id = byRef
	}
	u, err := w.fcUserLocked(id)
	if err != nil {
		return nil, err
	}
	return w.fcUserOut(u), nil
}

type fcApplyRequest struct {
	ExternalUserID string     `json:"externalUserId"`
	CategoryID     flexString `json:"categoryId"`
	ApplyRef       flexString `json:"applyRef"`
	KYBInfo        *KYBInfo   `json:"kybInfo"`
}

// handleFCVirtualApply handles "POST
// /financial-connection/v1/virtual-card/apply": a card of a
// financial-connection category, on the strength of kybInfo; the user's
// review and the issuing then run as for /card/v1/virtual-card/apply.
func (s *Server) handleFCVirtualApply(r *http.Request) (any, error) {
	var req fcApplyRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	switch {
	case req.CategoryID == "":
		return nil, invalid("categoryId is required")
	case req.ApplyRef == "":
		return nil, invalid("applyRef is required")
	case req.KYBInfo == nil:
		return nil, invalid("kybInfo is required")
	case strings.TrimSpace(req.KYBInfo.CompanyName) == "":
		return nil, invalid("kybInfo.companyName is required")
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	u, err := w.fcUserLocked(req.ExternalUserID)
	if err != nil {
		return nil, err
	}
	if err := w.refFreeLocked(string(req.ApplyRef)); err != nil {
		return nil, err
	}
	cat, ok := findCategory(string(req.CategoryID))
	if !ok || !cat.FC {
		return nil, fail("CARD_UNSUPPORTED_CARD_TYPE", text{"categoryId %s (financial-connection categories: %s)", "categoryId %s（financial-connection 类别：%s）"},
			req.CategoryID, categoryIDs(true))
	}
	kyb := *req.KYBInfo
	a, err := w.openApplyLocked(r, u, cat, Apply{Ref: string(req.ApplyRef), KYB: &kyb})
	if err != nil {
		return nil, err
	}
	return w.rememberApplyLocked(r, a), nil
}

// handleFCVirtualDetail handles "GET
// /financial-connection/v1/virtual-card/detail": a financial-connection
// application's progress by applyId or applyRef.
func (s *Server) handleFCVirtualDetail(r *http.Request) (any, error) {
	q := r.URL.Query()
	applyID, ref := q.Get("applyId"), q.Get("applyRef")
	if applyID == "" && ref == "" {
		return nil, invalid("applyId or applyRef is required")
	}
	id, err := userParam(r)
	if err != nil {
		return nil, err
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	u, err := w.fcUserLocked(id)
	if err != nil {
		return nil, err
	}
	if applyID == "" {
		applyID = w.applyByRef[ref]
	}
	a, ok := w.applies.Get(applyID)
	if !ok || a.UserID != u.ID || a.KYB == nil || (ref != "" && a.Ref != ref) {
		return nil, fail("CARD_TRANSACTION_NO_SUCH_TRANSACTION", text{"user %s has no financial-connection application %s%s", "用户 %s 没有 financial-connection 申请 %s%s"},
			u.ID, applyID, ref)
	}
	return applyJSON(a), nil
}

// fcMoneyRequest is the body of payment and transfer-to-spending (and the
// first fields of withdraw).
type fcMoneyRequest struct {
	ExternalTranID flexString    `json:"externalTranId"`
	ExternalUserID string        `json:"externalUserId"`
	Amount         *core.Decimal `json:"amount"`
	Currency       string        `json:"currency"`
	Remark         string        `json:"remark"`
}

// check validates the fields every money request shares and returns the
// currency in upper case.
func (m fcMoneyRequest) check() (string, error) {
	ext := strings.TrimSpace(string(m.ExternalTranID))
	currency := strings.ToUpper(strings.TrimSpace(m.Currency))
	switch {
	case ext == "" || len(ext) > 64:
		return "", invalid("externalTranId must be 1-64 characters, got %d", len(ext))
	case m.Amount == nil:
		return "", invalid("amount is required")
	case m.Amount.Sign() <= 0 || m.Amount.Places() > 2 || m.Amount.Cmp(core.MustDecimal("1000000")) > 0:
		return "", fail("CARD_TRANSACTION_UNREASONABLE_AMOUNT", text{"amount must be more than 0 and at most 1000000 with at most 2 decimals, got %s",
			"amount 必须大于 0、不超过 1000000 且最多 2 位小数，实际为 %s"}, m.Amount.String())
	case currency == "":
		return "", invalid("currency is required")
	case len(m.Remark) > 256:
		return "", invalid("remark is %d characters; at most 256", len(m.Remark))
	}
	if _, ok := fcChannelOf(currency); !ok {
		return "", fail("CARD_TRANSACTION_UNSUPPORTED_CURRENCY", text{"currency %q (virtual accounts are in USD and SGD)", "currency %q（虚拟账户币种为 USD 和 SGD）"}, m.Currency)
	}
	return currency, nil
}

// fcStartLocked makes a money request's transaction, refusing an
// externalTranId the partner already used for this kind.
func (s *Server) fcStartLocked(w *world, m fcMoneyRequest, currency, kind, route string, fill func(*FCTxn)) (FCTxn, error) {
	u, err := w.fcUserLocked(m.ExternalUserID)
	if err != nil {
		return FCTxn{}, err
	}
	ext := strings.TrimSpace(string(m.ExternalTranID))
	if _, dup := w.fcByExtLocked(kind, ext); dup {
		return FCTxn{}, fail("CARD_TRANSACTION_REPEAT_REQUEST", text{"externalTranId %s was already used", "externalTranId %s 已使用"}, ext)
	}
	if kind == FCWithdrawal && u.ForbidWithdraw {
		return FCTxn{}, fail("ACCOUNT_UNSUPPORTED_OPERATE", text{"withdrawals are forbidden for user %s", "用户 %s 禁止提现"}, u.ID)
	}
	a, err := w.fcAccountLocked(u.ID, currency)
	if err != nil {
		return FCTxn{}, err
	}
	now := w.Now()
	x := FCTxn{InternalID: w.numID(19), ExternalID: ext, Kind: kind, UserID: u.ID, VA: a.Number, Currency: currency,
		Amount: *m.Amount, Remark: m.Remark, CreatedAt: now, UpdatedAt: now}
	if fill != nil {
		fill(&x)
	}
	return w.fcDebitLocked(x, route)
}

type fcPaymentJSON struct {
	ExternalTranID string  `json:"externalTranId"`
	InternalTranID string  `json:"internalTranId"`
	Amount         string  `json:"amount"`
	Currency       string  `json:"currency"`
	PaymentStatus  string  `json:"paymentStatus"`
	ErrorCode      *string `json:"errorCode"`
	ErrorMsg       *string `json:"errorMsg"`
	SettleStatus   *string `json:"settleStatus"`
}

func fcPaymentOut(x FCTxn) fcPaymentJSON {
	return fcPaymentJSON{x.ExternalID, x.InternalID, x.Amount.String(), x.Currency, x.Status, optional(x.ErrorCode), optional(x.ErrorMsg), optional(x.Settle)}
}

// handleFCPayment handles "POST /financial-connection/v1/payment": the
// user pays the partner from their virtual account; SUCCESS at once, the
// money settling into the partner's fund pool after the settle delay.
func (s *Server) handleFCPayment(r *http.Request) (any, error) {
	var req fcMoneyRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	currency, err := req.check()
	if err != nil {
		return nil, err
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	x, err := s.fcStartLocked(w, req, currency, FCPayment, routeFCPayment, nil)
	if err != nil {
		return nil, err
	}
	return fcPaymentOut(x), nil
}

// fcInfo looks a transaction of a kind up by externalTranId or
// internalTranId (both must agree when both are given), tenant-wide.
func (s *Server) fcInfo(r *http.Request, kind string, out func(FCTxn) any) (any, error) {
	q := r.URL.Query()
	ext, internal := q.Get("externalTranId"), q.Get("internalTranId")
	if ext == "" && internal == "" {
		return nil, invalid("externalTranId or internalTranId is required")
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	var x FCTxn
	var ok bool
	if ext != "" {
		x, ok = w.fcByExtLocked(kind, ext)
	} else {
		x, ok = w.fcTxns.Get(internal)
	}
	if !ok || x.Kind != kind || (internal != "" && x.InternalID != internal) {
		return nil, fail("CARD_TRANSACTION_NO_SUCH_TRANSACTION", text{"no %s with externalTranId %q, internalTranId %q", "没有 externalTranId 为 %[2]q、internalTranId 为 %[3]q 的 %[1]s"},
			strings.ToLower(strings.ReplaceAll(kind, "_", " ")), ext, internal)
	}
	return out(x), nil
}

// handleFCPaymentInfo handles "GET /financial-connection/v1/query-payment-info".
func (s *Server) handleFCPaymentInfo(r *http.Request) (any, error) {
	return s.fcInfo(r, FCPayment, func(x FCTxn) any { return fcPaymentOut(x) })
}

type fcTransferJSON struct {
	ExternalTranID string  `json:"externalTranId"`
	InternalTranID string  `json:"internalTranId"`
	Amount         string  `json:"amount"`
	Currency       string  `json:"currency"`
	TransferStatus string  `json:"transferStatus"`
	ErrorCode      *string `json:"errorCode"`
	ErrorMsg       *string `json:"errorMsg"`
}

func fcTransferOut(x FCTxn) fcTransferJSON {
	return fcTransferJSON{x.ExternalID, x.InternalID, x.Amount.String(), x.Currency, x.Status, optional(x.ErrorCode), optional(x.ErrorMsg)}
}

// handleFCTransfer handles "POST /financial-connection/v1/transfer-to-spending":
// from the user's virtual account to their spending wallet (the asset of
// the same code), at once.
func (s *Server) handleFCTransfer(r *http.Request) (any, error) {
	var req fcMoneyRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	currency, err := req.check()
	if err != nil {
		return nil, err
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	x, err := s.fcStartLocked(w, req, currency, FCTransfer, routeFCTransfer, nil)
	if err != nil {
		return nil, err
	}
	return fcTransferOut(x), nil
}

// handleFCTransferInfo handles "GET /financial-connection/v1/query-transfer-info".
func (s *Server) handleFCTransferInfo(r *http.Request) (any, error) {
	return s.fcInfo(r, FCTransfer, func(x FCTxn) any { return fcTransferOut(x) })
}

// fcWithdrawRequest repeats fcMoneyRequest's fields rather than embedding
// it: encoding/json would name the embedded struct in its error paths.
type fcWithdrawRequest struct {
	ExternalTranID       flexString    `json:"externalTranId"`
	ExternalUserID       string        `json:"externalUserId"`
	Amount               *core.Decimal `json:"amount"`
	Currency             string        `json:"currency"`
	Remark               string        `json:"remark"`
	PayeeName            string        `json:"payeeName"`
	PayeeAddress         string        `json:"payeeAddress"`
	PayeeBankAccountNo   string        `json:"payeeBankAccountNo"`
	PayeeBankSwiftBic    string        `json:"payeeBankSwiftBic"`
	PayeeBankCountryCode string        `json:"payeeBankCountryCode"`
	PurposeOfPayment     string        `json:"purposeOfPayment"`
}

var (
	swiftBIC      = regexp.MustCompile(`^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$`)
	bankAccountNo = regexp.MustCompile(`^[A-Za-z0-9]{4,34}$`)
	purposeCode   = regexp.MustCompile(`^[A-Z]{4}$`)
)

func (req fcWithdrawRequest) money() fcMoneyRequest {
	return fcMoneyRequest{req.ExternalTranID, req.ExternalUserID, req.Amount, req.Currency, req.Remark}
}

// payee validates the payee fields: name, account number and SWIFT BIC
// required; the bank country, when given, an ISO code that agrees with
// the BIC's; the purpose an ISO 20022 four-letter code (OTHR).
func (req fcWithdrawRequest) payee() (*FCPayee, error) {
	p := &FCPayee{Name: strings.TrimSpace(req.PayeeName), Address: req.PayeeAddress, AccountNo: req.PayeeBankAccountNo,
		SwiftBIC: strings.ToUpper(req.PayeeBankSwiftBic), Country: req.PayeeBankCountryCode, Purpose: req.PurposeOfPayment}
	switch {
	case p.Name == "" || len(p.Name) > 140:
		return nil, invalid("payeeName must be 1-140 characters")
	case len(p.Address) > 256:
		return nil, invalid("payeeAddress is %d characters; at most 256", len(p.Address))
	case !bankAccountNo.MatchString(p.AccountNo):
		return nil, invalid("payeeBankAccountNo must be 4-34 letters and digits, got %q", p.AccountNo)
	case !swiftBIC.MatchString(p.SwiftBIC):
		return nil, invalid("payeeBankSwiftBic %q is not a SWIFT BIC (8 or 11 characters, eg SCBLSG22XXX)", req.PayeeBankSwiftBic)
	case p.Country != "" && !countries[p.Country]:
		return nil, fail("CARD_COUNTRY_NOT_EXISTED", text{"payeeBankCountryCode %q is not an ISO 3166-1 alpha-2 code", "payeeBankCountryCode %q 不是两位 ISO 国家码"}, p.Country)
	case p.Country != "" && p.Country != p.SwiftBIC[4:6]:
		return nil, invalid("payeeBankCountryCode %s differs from the country of payeeBankSwiftBic %s (%s)", p.Country, p.SwiftBIC, p.SwiftBIC[4:6])
	case p.Purpose != "" && !purposeCode.MatchString(p.Purpose):
		return nil, invalid("purposeOfPayment %q is not an ISO 20022 purpose code (four capital letters, eg OTHR)", p.Purpose)
	}
	return p, nil
}

type fcWithdrawalJSON struct {
	ExternalTranID string  `json:"externalTranId"`
	InternalTranID string  `json:"internalTranId"`
	Amount         string  `json:"amount"`
	FeeAmount      string  `json:"feeAmount"`
	SettleAmount   string  `json:"settleAmount"`
	Currency       string  `json:"currency"`
	WithdrawStatus string  `json:"withdrawStatus"`
	SettleStatus   *string `json:"settleStatus"`
	ErrorCode      *string `json:"errorCode"`
	ErrorMsg       *string `json:"errorMsg"`
}

func fcWithdrawalOut(x FCTxn) fcWithdrawalJSON {
	return fcWithdrawalJSON{x.ExternalID, x.InternalID, x.Amount.String(), x.Fee.String(), x.Amount.Sub(x.Fee).String(), x.Currency,
		x.Status, optional(x.Settle), optional(x.ErrorCode), optional(x.ErrorMsg)}
}

// handleFCWithdraw handles "POST /financial-connection/v1/withdraw": to a
// bank account outside. The amount is frozen (PROCESSING) and reaches the
// payee, less the fee, after the settle delay — or, steered by the admin
// API, the bank refuses it and it returns.
func (s *Server) handleFCWithdraw(r *http.Request) (any, error) {
	var req fcWithdrawRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	currency, err := req.money().check()
	if err != nil {
		return nil, err
	}
	payee, err := req.payee()
	if err != nil {
		return nil, err
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	fee := w.fcFee
	if req.Amount.Cmp(fee) <= 0 {
		return nil, fail("CARD_TRANSACTION_UNREASONABLE_AMOUNT", text{"amount %s does not cover the %s %s fee", "amount %s 不足以支付 %s %s 手续费"},
			req.Amount.String(), fee.String(), currency)
	}
	x, err := s.fcStartLocked(w, req.money(), currency, FCWithdrawal, routeFCWithdraw, func(x *FCTxn) { x.Fee, x.Payee = fee, payee })
	if err != nil {
		return nil, err
	}
	return fcWithdrawalOut(x), nil
}

// handleFCWithdrawalInfo handles "GET /financial-connection/v1/query-withdrawal-info".
func (s *Server) handleFCWithdrawalInfo(r *http.Request) (any, error) {
	return s.fcInfo(r, FCWithdrawal, func(x FCTxn) any { return fcWithdrawalOut(x) })
}

type fcTranListRequest struct {
	ExternalUserID string  `json:"externalUserId"`
	PageSize       flexInt `json:"pageSize"`
	VANumber       string  `json:"vaNumber"`
	Cursor         string  `json:"cursor"`
}

type fcTranJSON struct {
	VANumber             string `json:"vaNumber"`
	TransType            string `json:"transType"`
	Amount               string `json:"amount"`
	Currency             string `json:"currency"`
	DebitCreditIndicator string `json:"debitCreditIndicator"`
	TranTime             string `json:"tranTime"`
	InternalTranID       string `json:"internalTranId"`
}

type fcTranListJSON struct {
	Cursor   string       `json:"cursor"`
	TranList []fcTranJSON `json:"tranList"`
}

// handleFCTranList handles "POST /financial-connection/v1/query-tran-list":
// a virtual account's statement, newest first, by cursor (see page.go).
func (s *Server) handleFCTranList(r *http.Request) (any, error) {
	var req fcTranListRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	limit, err := pageFCTrans.limit(req.PageSize)
	if err != nil {
		return nil, err
	}
	if req.VANumber == "" {
		return nil, invalid("vaNumber is required")
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	u, err := w.fcUserLocked(req.ExternalUserID)
	if err != nil {
		return nil, err
	}
	a, ok := w.fcAccounts.Get(req.VANumber)
	if !ok || a.UserID != u.ID {
		return nil, invalid("vaNumber %s is not a virtual account of user %s", req.VANumber, u.ID)
	}
	q := core.Query[FCEntry]{Index: "va", Value: a.Number, Desc: true, Window: core.Window{Limit: limit}}
	if req.Cursor != "" {
		at, ok := w.fcLedger.Get(req.Cursor)
		if !ok || at.VA != a.Number {
			return nil, invalid("cursor %q is not one this list returned for vaNumber %s", req.Cursor, a.Number)
		}
		q.To = at.At
		q.Keep = func(e FCEntry) bool { return e.Seq < at.Seq }
	}
	res := w.fcLedger.Query(q)
	out := fcTranListJSON{TranList: make([]fcTranJSON, 0, len(res.Items))}
	for _, e := range res.Items {
		out.TranList = append(out.TranList, fcTranJSON{e.VA, e.Type, e.Amount.String(), e.Currency, e.DC, ms(e.At), e.TranID})
	}
	if len(res.Items) == limit {
		out.Cursor = res.Items[len(res.Items)-1].ID
	}
	return out, nil
}

// bankTransferJSON is BANK_TRANSFER_INFO's data (webhook only; DeCard
// publishes no example).
type bankTransferJSON struct {
	InternalTranID string `json:"internalTranId"`
	VANumber       string `json:"vaNumber"`
	Amount         string `json:"amount"`
	Currency       string `json:"currency"`
	PayerName      string `json:"payerName"`
	TranTime       string `json:"tranTime"`
}

func bankTransferOut(x FCTxn) bankTransferJSON {
	return bankTransferJSON{x.InternalID, x.VA, x.Amount.String(), x.Currency, x.Payer, ms(x.CreatedAt)}
}
