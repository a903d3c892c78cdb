package decard

// What the admin API (/_mocksrv/...) and scenario "given" sections do to a
// tenant's DeCard state.

import (
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// StateDump is a tenant's DeCard state as GET
// /_mocksrv/tenants/{id}/decard/state shows it.
type StateDump struct {
	Credentials  Credentials          `json:"credentials"`
	Users        []User               `json:"users"`
	Cards        []Card               `json:"cards"`
	Applications []Apply              `json:"applications"`
	Wallets      []WalletEntry        `json:"wallets"`
	Pool         map[string]string    `json:"fund_pool"`
	Transactions int                  `json:"card_transactions"`
	Statements   int                  `json:"posted_statements"`
	Ledger       int                  `json:"asset_transactions"`
	Deposits     []Deposit            `json:"deposits"`
	Channel      Channel              `json:"channel"`
	Streams      int                  `json:"open_streams"`
	Version      int64                `json:"last_version"`
	SMS          map[string]smsState  `json:"sms_codes"`
	Pending      []core.Task          `json:"scheduled"`
	QROrders     []QROrder            `json:"qr_orders"`
	FCAccounts   []FCAccount          `json:"fc_accounts"`
	FCTxns       []FCTxn              `json:"fc_transactions"`
	Verdicts     map[string][]Verdict `json:"outcomes"` // user + " " + route → how their next such operations end
	Money        map[string]MoneyLine `json:"money"`    // each asset's books (see MoneyLine)
}

// WalletEntry is one asset of one user's wallet.
type WalletEntry struct {
	UserID string       `json:"externalUserId"`
	Asset  string       `json:"asset"`
	Free   core.Decimal `json:"free"`
	Freeze core.Decimal `json:"freeze"`
}

type smsState struct {
	ExpiresAt time.Time `json:"expiresAt"`
	Tries     int       `json:"tries"`
	Used      bool      `json:"used"`
}

// dumpLocked returns the world's state for the admin API. It shares no
// mutable memory with the world: it is encoded after the lock is released.
func (w *world) dumpLocked() StateDump {
	d := StateDump{
		Credentials: w.creds, Users: w.users.All(), Cards: w.cards.All(), Applications: w.applies.All(),
		Wallets: w.walletLocked(), Pool: map[string]string{}, Transactions: w.txns.Len(), Statements: w.statements.Len(),
		Ledger: w.assetTxns.Len(), Deposits: w.deposits.All(), Channel: w.channel, Streams: len(w.subscribers),
		Version: w.version, SMS: map[string]smsState{}, Pending: w.Agenda.Tasks(),
		QROrders: w.qrOrders.All(), FCAccounts: w.fcAccounts.All(), FCTxns: w.fcTxns.All(), Verdicts: map[string][]Verdict{}, Money: w.moneyLocked(),
	}
	for k, v := range w.verdicts { // a copy: the dump is encoded after the lock is released
		d.Verdicts[k] = append([]Verdict(nil), v...)
	}
	for a, v := range w.pool {
		d.Pool[a] = v.String()
	}
	for k, c := range w.sms {
		d.SMS[k] = smsState{c.ExpiresAt, c.Tries, c.Used}
	}
	return d
}

func (w *world) walletLocked() []WalletEntry {
	out := []WalletEntry{}
	w.users.Each(func(u User) bool {
		for _, a := range assets {
			if b, ok := w.wallet[walletKey{u.ID, a.Code}]; ok {
				out = append(out, WalletEntry{u.ID, a.Code, b.Free, b.Freeze})
			}
		}
		return true
	})
	return out
}

// actLocked drives a card (by cardId) in DeCard's vocabulary: freeze and
// block (DeCard's /card/v1/block freezes), unfreeze (no SMS needed here),
// activate (INACTIVE → NORMAL), cancel, and expire (DeCard has no expired
// status: the card is CANCELLED).
func (w *world) actLocked(cardID, action string) (Card, error) {
	c, ok := w.cards.Get(cardID)
	if !ok {
		return c, fail("CARD_NOT_EXISTED", text{"cardId %s", "cardId %s"}, cardID)
	}
	switch action {
	case "freeze", "block":
		return w.freezeLocked(c, "frozen by platform")
	case "unfreeze":
		return w.unfreezeLocked(c, "unfrozen by platform")
	case "activate":
		if c.Status != CardInactive {
			return c, fail("CARD_UNSUPPORTED_CARD_STATUS_ACTIVE", text{"card %s is %s", "卡片 %s 当前为 %s"}, c.Mantissa(), c.Status)
		}
		physical := c.Physical
		if physical == PhysicalInactive {
			physical = PhysicalActive
		}
		return w.moveCardLocked(c, CardNormal, physical, "activated by platform", w.Now()), nil
	case "cancel", "expire":
		if c.Status == CardCancelled {
			return c, errCardState(c, "")
		}
		physical := c.Physical
		if physical != PhysicalUnapplied {
			physical = PhysicalCancelled
		}
		reason := "cancelled by platform"
		if action == "expire" {
			reason = "expired"
		}
		return w.moveCardLocked(c, CardCancelled, physical, reason, w.Now()), nil
	}
	return c, core.Errorf(core.KindInvalid, "unknown card action %q: decard knows freeze, block, unfreeze, activate, cancel, expire", action)
}

// createLocked adds state directly (the admin API's POST
// /_mocksrv/tenants/{id}/decard/{kind} and scenario "given"): kind is
// users, cards, applications, balances, transactions, kyc, deposits,
// user_status, fc_users, bank_transfers or outcomes (createKinds).
func (w *world) createLocked(kind string, body []byte) (any, error) {
	switch kind {
	case "users":
		return core.DecodeThen(body, w.addUserLocked)
	case "cards":
		return core.DecodeThen(body, w.addCardLocked)
	case "applications":
		return core.DecodeThen(body, w.addApplyLocked)
	case "balances":
		var b struct {
			UserID string       `json:"externalUserId"`
			Asset  string       `json:"asset"`
			Amount core.Decimal `json:"amount"`
		}
		if err := core.DecodeStrict(body, &b); err != nil {
			return nil, err
		}
		return w.creditLocked(b.UserID, b.Asset, b.Amount)
	case "transactions":
		return core.DecodeThen(body, w.addTransactionLocked)
	case "kyc":
		var k struct {
			UserID string    `json:"externalUserId"`
			Status KYCStatus `json:"status"`
		}
		if err := core.DecodeStrict(body, &k); err != nil {
			return nil, err
		}
		return w.setKYCDirectLocked(k.UserID, k.Status)
	case "deposits":
		return core.DecodeThen(body, w.addDepositLocked)
	case "user_status":
		var st struct {
			UserID                string `json:"externalUserId"`
			ForbidWithdraw        bool   `json:"forbidWithdraw"`
			ForbidCardTransaction bool   `json:"forbidCardTransaction"`
		}
		if err := core.DecodeStrict(body, &st); err != nil {
			return nil, err
		}
		u, err := w.userLocked(st.UserID)
		if err != nil {
			return nil, err
		}
		u.ForbidWithdraw, u.ForbidCardTransaction = st.ForbidWithdraw, st.ForbidCardTransaction
		w.users.Put(u.ID, u)
		return u, nil
	case "fc_users":
		return core.DecodeThen(body, w.addFCUserLocked)
	case "bank_transfers":
		return core.DecodeThen(body, w.addBankTransferLocked)
	case "outcomes":
		return core.DecodeThen(body, w.addOutcomeLocked)
	}
	return nil, core.Errorf(core.KindNotFound, "decard has no %q to create: use %s", kind, strings.Join(createKinds, ", "))
}

// createKinds are the kinds createLocked knows.
var createKinds = []string{"users", "cards", "applications", "balances", "transactions", "kyc", "deposits", "user_status", "fc_users", "bank_transfers", "outcomes"}

// NewApply describes a virtual-card application to add directly, as
// /card/v1/virtual-card/apply makes one. Zero fields are filled: a user
// with KYC UNDO (so the application starts a KYC review), category
// 10102000, an applyRef and a complete kycInfo from the faker. Outcome is a
// rule of the magic values, reached by name: kyc.refuse or kyc.hold (the
// review it starts ends so), kyc.edd (needEddFile), card.fail (issuing
// fails).
type NewApply struct {
	UserID     string   `json:"externalUserId,omitempty"`
	CategoryID string   `json:"categoryId,omitempty"`
	ApplyRef   string   `json:"applyRef,omitempty"`
	KYCInfo    *KYCInfo `json:"kycInfo,omitempty"`
	Outcome    string   `json:"outcome,omitempty"`
}

func (w *world) addApplyLocked(n NewApply) (Apply, error) {
	if err := checkOutcome("outcome", n.Outcome, applyRules); err != nil {
		return Apply{}, err
	}
	if n.UserID == "" {
		u, err := w.addUserLocked(NewUser{KYC: KYCUndo})
		if err != nil {
			return Apply{}, err
		}
		n.UserID = u.ID
	}
	u, err := w.userLocked(n.UserID)
	if err != nil {
		return Apply{}, err
	}
	if n.CategoryID == "" {
		n.CategoryID = categories[0].ID
	}
	cat, ok := findCategory(n.CategoryID)
	if !ok || cat.FC {
		return Apply{}, fail("CARD_UNSUPPORTED_CARD_TYPE", text{"categoryId %s (this sandbox offers %s)", "categoryId %s（沙箱支持 %s）"}, n.CategoryID, categoryIDs(false))
	}
	if n.ApplyRef == "" {
		n.ApplyRef = "ref-" + w.Faker.HexID(8)
	}
	if _, used := w.applyByRef[n.ApplyRef]; used {
		return Apply{}, fail("CARD_TRANSACTION_REPEAT_REQUEST", text{"applyRef %s is taken", "applyRef %s 已被使用"}, n.ApplyRef)
	}
	k := w.fakeKYCInfoLocked(u)
	if n.KYCInfo != nil {
		k = *n.KYCInfo
		if err := k.validate(w.set.LenientKYCInfo, w.set.POAMaxAge.D(), w.Now()); err != nil {
			return Apply{}, err
		}
	}
	if owner, ok := w.userByEmail[strings.ToLower(k.Email)]; ok && k.Email != "" && owner != u.ID {
		return Apply{}, fail("KYC_EMAIL_ALREADY_EXIST", text{"%s", "%s"}, k.Email)
	}
	a := Apply{Ref: n.ApplyRef, KYC: k}
	switch n.Outcome {
	case ruleKYCRefuse, ruleKYCHold:
		if u.KYC == KYCPass {
			return Apply{}, core.Errorf(core.KindInvalid, "outcome %s steers the KYC review the application starts, but user %s has passed KYC", n.Outcome, u.ID)
		}
		a.KYCOutcome = n.Outcome
	case ruleKYCEDD:
		a.NeedEDD = true
	case ruleCardFail:
		a.Outcome = n.Outcome
	}
	return w.openApplyLocked(nil, u, cat, a)
}

// fakeKYCInfoLocked returns a complete kycInfo that passes the published
// dictionaries, for an application the admin API makes.
func (w *world) fakeKYCInfoLocked(u User) KYCInfo {
	email := u.Email
	if email == "" {
		email = "user." + w.Faker.HexID(6) + "@example.com"
	}
	return KYCInfo{
		SumsubShareToken: "_act-sbx-jwt-" + w.Faker.HexID(12), Email: email, PoaDocType: "UTILITY_BILL",
		PoaDocURLList: []string{"uploads/" + w.Now().UTC().Format("20060102") + "/bill.pdf"}, PoaDocDate: w.Now().UTC().Format("2006-01-02"),
		AddressLine1: w.Faker.Street(), AddressLine2: "#" + w.Faker.Digits(2) + "-" + w.Faker.Digits(2), State: "SG", City: "Singapore",
		PostalCode: w.Faker.Digits(6), Country: "SG", EmploymentStatus: "EMPLOYED", EmployerName: w.Faker.Company(),
		EmploymentJobIndustry: "PAYMENTS", Occupation: "SYSTEMS_ENGINEER", JobSeniority: "EXECUTIVE", PurposeOfAccount: "DAILY_SPENDING",
		SourceOfFunds: "OWN_BANK_ACCOUNT", SourceOfFundsCountry: "SG", SourceOfWealth: "EMPLOYMENT",
	}
}

// NewDeposit describes an on-chain deposit to a user's deposit address
// (network TRON and asset USDT when left out), as simulation/v1/deposit
// makes one. Outcome deposit.fail or deposit.audit steers it as the magic
// amounts do.
type NewDeposit struct {
	UserID  string       `json:"externalUserId"`
	Network string       `json:"network,omitempty"`
	Asset   string       `json:"asset,omitempty"`
	Amount  core.Decimal `json:"amount"`
	Outcome string       `json:"outcome,omitempty"`
}

func (w *world) addDepositLocked(d NewDeposit) (Deposit, error) {
	if d.Network == "" {
		d.Network = "TRON"
	}
	if d.Asset == "" {
		d.Asset = "USDT"
	}
	n, err := lookupNetwork(d.Network, d.Asset)
	if err != nil {
		return Deposit{}, err
	}
	if _, err := w.userLocked(d.UserID); err != nil {
		return Deposit{}, err
	}
	if d.Amount.Sign() <= 0 {
		return Deposit{}, core.Errorf(core.KindInvalid, "deposits need a positive amount")
	}
	if err := checkOutcome("outcome", d.Outcome, depositRules); err != nil {
		return Deposit{}, err
	}
	if m, ok := magic.Find(fieldDepositAmount, d.Amount.String()); ok && d.Outcome == "" {
		d.Outcome = m.Rule
	}
	addr := w.addressLocked(d.UserID, n)
	return w.depositLocked(w.addresses[addr], d.Asset, d.Amount, "", d.Outcome), nil
}

// NewFCUser describes a financial-connection user to add directly. Zero
// fields are filled: a userRef, a Singapore mobile and an e-mail address
// from the faker. Balances are paid into their virtual accounts by bank
// transfer (currency → amount: USD, SGD).
type NewFCUser struct {
	ID         string            `json:"externalUserId,omitempty"` // wanted externalUserId; a new UUID when empty
	UserRef    string            `json:"userRef,omitempty"`
	MobileCode string            `json:"mobileAreaCode,omitempty"`
	Mobile     string            `json:"mobilePhone,omitempty"`
	Email      string            `json:"email,omitempty"`
	Balances   map[string]string `json:"balances,omitempty"`
}

func (w *world) addFCUserLocked(n NewFCUser) (User, error) {
	if n.UserRef == "" {
		n.UserRef = "ref-" + w.Faker.HexID(6)
	}
	if n.MobileCode == "" {
		n.MobileCode = "SG"
	}
	if n.Mobile == "" {
		n.Mobile = "8" + w.Faker.Digits(7)
		for w.userByMobile[mobileKey(n.MobileCode, n.Mobile)] != "" {
			n.Mobile = "8" + w.Faker.Digits(7)
		}
	}
	if n.Email == "" {
		n.Email = n.UserRef + "@example.com"
	}
	if !countries[n.MobileCode] || !mobileDigits.MatchString(n.Mobile) {
		return User{}, core.Errorf(core.KindInvalid, "fc_users need an ISO alpha-2 mobileAreaCode and a 4-15 digit mobilePhone")
	}
	for c := range n.Balances {
		if _, ok := fcChannelOf(c); !ok {
			return User{}, core.Errorf(core.KindInvalid, "balances: %q has no virtual account (USD, SGD)", c)
		}
	}
	u, err := w.newFCUserLocked(nil, n.ID, n.UserRef, n.MobileCode, n.Mobile, n.Email)
	if err != nil {
		return u, err
	}
	for _, c := range fcChannels { // in a fixed order, so the fake data stays reproducible
		if amt, ok := n.Balances[c.currency]; ok {
			if _, err := w.addBankTransferLocked(NewBankTransfer{UserID: u.ID, Currency: c.currency, Amount: amt}); err != nil {
				return u, err
			}
		}
	}
	return u, nil
}

// NewBankTransfer is a transfer from a bank outside into a user's virtual
// account (money coming in; BANK_TRANSFER_INFO): by vaNumber, or by user
// and currency (USD when none is named).
type NewBankTransfer struct {
	UserID    string `json:"externalUserId,omitempty"`
	VANumber  string `json:"vaNumber,omitempty"`
	Currency  string `json:"currency,omitempty"`
	Amount    string `json:"amount"`
	PayerName string `json:"payerName,omitempty"`
}

func (w *world) addBankTransferLocked(n NewBankTransfer) (FCTxn, error) {
	amount, err := core.ParseDecimal(n.Amount)
	if err != nil || amount.Sign() <= 0 || amount.Places() > 2 {
		return FCTxn{}, core.Errorf(core.KindInvalid, "bank_transfers need a positive amount with at most 2 decimals, got %q", n.Amount)
	}
	var a FCAccount
	switch {
	case n.VANumber != "":
		var ok bool
		if a, ok = w.fcAccounts.Get(n.VANumber); !ok {
			return FCTxn{}, core.Errorf(core.KindNotFound, "no virtual account %s", n.VANumber)
		}
	default:
		u, err := w.fcUserLocked(n.UserID)
		if err != nil {
			return FCTxn{}, err
		}
		if n.Currency == "" {
			n.Currency = "USD"
		}
		if a, err = w.fcAccountLocked(u.ID, strings.ToUpper(n.Currency)); err != nil {
			return FCTxn{}, err
		}
	}
	if n.PayerName == "" {
		n.PayerName = strings.ToUpper(w.Faker.Company())
	}
	return w.bankTransferInLocked(a, amount, n.PayerName), nil
}

// NewOutcome steers how operations the provider decides end (POST
// /_mocksrv/tenants/{id}/decard/outcomes): the next Count operations on
// Route of the user fail with ErrorCode (each route's default when
// empty) — or, with ID, the one QR order (orderId) or withdrawal
// (externalTranId) still undecided. Routes: qrpay.confirm,
// financial_connection.payment, financial_connection.transfer_to_spending,
// financial_connection.withdraw.
type NewOutcome struct {
	UserID    string `json:"externalUserId"`
	Route     string `json:"route"`
	Status    string `json:"status,omitempty"` // FAILED, the only outcome that is not the default
	ErrorCode string `json:"errorCode,omitempty"`
	ErrorMsg  string `json:"errorMsg,omitempty"`
	Count     int    `json:"count,omitempty"` // default 1
	ID        string `json:"id,omitempty"`
}

func (w *world) addOutcomeLocked(n NewOutcome) (any, error) {
	def, ok := verdictDefaults[n.Route]
	if !ok {
		return nil, core.Errorf(core.KindInvalid, "outcomes: route %q cannot be steered: use qrpay.confirm, financial_connection.payment, "+
			"financial_connection.transfer_to_spending or financial_connection.withdraw", n.Route)
	}
	if n.Status == "" {
		n.Status = "FAILED"
	}
	if n.Status != "FAILED" {
		return nil, core.Errorf(core.KindInvalid, "outcomes: status must be FAILED (success is what happens unless steered), got %q", n.Status)
	}
	if n.ErrorCode == "" {
		n.ErrorCode = def
	}
	if n.ErrorMsg == "" {
		n.ErrorMsg = codeText[n.ErrorCode].en
		if n.ErrorMsg == "" {
			n.ErrorMsg = n.ErrorCode
		}
	}
	v := Verdict{Status: n.Status, ErrorCode: n.ErrorCode, ErrorMsg: n.ErrorMsg}
	if _, err := w.userLocked(n.UserID); err != nil {
		return nil, err
	}
	if n.ID != "" {
		return w.steerOneLocked(n, v)
	}
	if n.Count == 0 {
		n.Count = 1
	}
	if n.Count < 0 || n.Count > 1000 {
		return nil, core.Errorf(core.KindInvalid, "outcomes: count must be 1-1000, got %d", n.Count)
	}
	key := n.UserID + " " + n.Route
	for i := 0; i < n.Count; i++ {
		w.verdicts[key] = append(w.verdicts[key], v)
	}
	return map[string]any{"externalUserId": n.UserID, "route": n.Route, "pending": len(w.verdicts[key]), "outcome": v}, nil
}

// steerOneLocked sets how one undecided QR order or withdrawal ends.
func (w *world) steerOneLocked(n NewOutcome, v Verdict) (any, error) {
	switch n.Route {
	case routeQRConfirm:
		o, err := w.qrOrderLocked(n.UserID, n.ID)
		if err != nil || o.Status != QRPending {
			return nil, core.Errorf(core.KindConflict, "outcomes: user %s has no PENDING QR order %s", n.UserID, n.ID)
		}
		o.Verdict = &v
		w.qrOrders.Put(o.ID, o)
		return o, nil
	case routeFCWithdraw:
		x, ok := w.fcByExtLocked(FCWithdrawal, n.ID)
		if !ok || x.UserID != n.UserID || x.Status != FCProcessing {
			return nil, core.Errorf(core.KindConflict, "outcomes: user %s has no PROCESSING withdrawal %s", n.UserID, n.ID)
		}
		x.Verdict = &v
		w.putFCTxnLocked(x)
		return x, nil
	}
	return nil, core.Errorf(core.KindInvalid, "outcomes: %s ends at once; steer the user's next one (leave id out)", n.Route)
}

// NewUser describes a user to add directly. Zero fields are filled: a
// Singapore mobile from the faker, KYC PASS. Outcome (kyc.refuse or
// kyc.hold) is how the user's KYC reviews end, as a magic mobile decides
// it: with kycStatus INIT or PENDING the review is under way and ends so;
// with UNDO or REFUSE, the reviews an application or a KYC_GUIDE link
// starts do.
type NewUser struct {
	ID                    string            `json:"externalUserId,omitempty"`
	MobileCode            string            `json:"mobileCode,omitempty"`
	Mobile                string            `json:"mobile,omitempty"`
	KYC                   KYCStatus         `json:"kycStatus,omitempty"`
	Name                  string            `json:"name,omitempty"`
	Email                 string            `json:"email,omitempty"`
	ForbidWithdraw        bool              `json:"forbidWithdraw,omitempty"`
	ForbidCardTransaction bool              `json:"forbidCardTransaction,omitempty"`
	Balances              map[string]string `json:"balances,omitempty"` // asset → amount, funded from the pool
	Outcome               string            `json:"outcome,omitempty"`
}

func (w *world) addUserLocked(n NewUser) (User, error) {
	if n.MobileCode == "" {
		n.MobileCode = "SG"
	}
	if n.Mobile == "" {
		n.Mobile = "8" + w.Faker.Digits(7)
		for w.userByMobile[mobileKey(n.MobileCode, n.Mobile)] != "" {
			n.Mobile = "8" + w.Faker.Digits(7)
		}
	}
	if !countries[n.MobileCode] || !mobileDigits.MatchString(n.Mobile) {
		return User{}, core.Errorf(core.KindInvalid, "users need an ISO alpha-2 mobileCode and a 4-15 digit mobile")
	}
	if err := checkOutcome("outcome", n.Outcome, userRules); err != nil {
		return User{}, err
	}
	if n.Outcome != "" && (n.KYC == "" || n.KYC == KYCPass) {
		return User{}, core.Errorf(core.KindInvalid, "outcome %s steers a KYC review: give the user kycStatus UNDO, INIT, PENDING or REFUSE", n.Outcome)
	}
	if _, used := w.userByMobile[mobileKey(n.MobileCode, n.Mobile)]; used {
		return User{}, fail("ACCOUNT_USER_MOBILE_ALREADY_USED", text{"%s %s", "%s %s"}, n.MobileCode, n.Mobile)
	}
	if n.ID != "" && w.users.Has(n.ID) {
		return User{}, core.Errorf(core.KindConflict, "user %q already exists", n.ID)
	}
	u := w.newUserLocked(nil, n.MobileCode, n.Mobile)
	if n.ID != "" {
		w.users.Delete(u.ID)
		u.ID = n.ID
		w.userByMobile[mobileKey(n.MobileCode, n.Mobile)] = u.ID
	}
	if n.Name != "" {
		u.Name = strings.ToUpper(n.Name)
	}
	u.Email, u.ForbidWithdraw, u.ForbidCardTransaction = n.Email, n.ForbidWithdraw, n.ForbidCardTransaction
	if n.Email != "" {
		w.userByEmail[strings.ToLower(n.Email)] = u.ID
	}
	u.KYC = KYCPass
	if n.KYC != "" {
		u.KYC = n.KYC
	}
	if n.Outcome != "" {
		u.Outcome = n.Outcome
	}
	w.users.Put(u.ID, u)
	if n.Outcome != "" {
		w.resumeKYCLocked(u)
	}
	for _, a := range assets { // in a fixed order, so the fake data stays reproducible
		amt, ok := n.Balances[a.Code]
		if !ok {
			continue
		}
		d, err := core.ParseDecimal(amt)
		if err != nil {
			return u, core.Errorf(core.KindInvalid, "balances.%s: %v", a.Code, err)
		}
		if _, err := w.creditLocked(u.ID, a.Code, d); err != nil {
			return u, err
		}
	}
	for asset := range n.Balances {
		if _, ok := findAsset(asset); !ok {
			return u, core.Errorf(core.KindInvalid, "balances: unknown asset %q (USD, USDT, USDC, SGD)", asset)
		}
	}
	return u, nil
}

// creditLocked funds a user from the fund pool (a DEPOSIT in the ledger).
func (w *world) creditLocked(user, asset string, amount core.Decimal) (WalletEntry, error) {
	if _, err := w.userLocked(user); err != nil {
		return WalletEntry{}, err
	}
	if _, ok := findAsset(asset); !ok {
		return WalletEntry{}, core.Errorf(core.KindInvalid, "unknown asset %q (USD, USDT, USDC, SGD)", asset)
	}
	if amount.Sign() <= 0 {
		return WalletEntry{}, core.Errorf(core.KindInvalid, "the amount must be positive")
	}
	if err := w.fundPoolLocked(asset, amount); err != nil {
		return WalletEntry{}, err
	}
	w.moveLocked(AssetTxn{UserID: user, Type: TypeDeposit, Asset: asset, FreeDelta: amount, ExternalID: w.numID(19)}, w.Now())
	b := w.balanceLocked(user, asset)
	return WalletEntry{user, asset, b.Free, b.Freeze}, nil
}

// NewCard describes a card to add directly. Zero fields are filled: a user
// with KYC PASS, category 10102000, status NORMAL, physical UN_APPLY.
type NewCard struct {
	ID         string         `json:"cardId,omitempty"` // wanted cardId (digits); a new one when empty
	UserID     string         `json:"externalUserId,omitempty"`
	CategoryID string         `json:"categoryId,omitempty"`
	Mantissa   string         `json:"cardMantissa,omitempty"` // wanted last 4 digits
	Status     CardStatus     `json:"cardStatus,omitempty"`
	Physical   PhysicalStatus `json:"physicalCardStatus,omitempty"`
	CreatedAt  time.Time      `json:"createdAt,omitempty"`
}

func (w *world) addCardLocked(n NewCard) (Card, error) {
	if n.Mantissa != "" && !isDigits(n.Mantissa, 4) {
		return Card{}, core.Errorf(core.KindInvalid, "cardMantissa must be 4 digits")
	}
	if n.ID != "" && (!isDigits(n.ID, len(n.ID)) || len(n.ID) > 24 || w.cards.Has(n.ID)) {
		return Card{}, core.Errorf(core.KindInvalid, "cardId %q: want up to 24 digits not used by another card", n.ID)
	}
	switch n.Status {
	case "", CardNormal, CardFrozen, CardCancelled, CardInactive:
	default:
		return Card{}, core.Errorf(core.KindInvalid, "cardStatus %q: want NORMAL, FROZEN, CANCELLED or INACTIVE", n.Status)
	}
	switch n.Physical {
	case "", PhysicalUnapplied, PhysicalInactive, PhysicalActive, PhysicalReplace, PhysicalFrozen, PhysicalCancelled:
	default:
		return Card{}, core.Errorf(core.KindInvalid, "physicalCardStatus %q: want UN_APPLY, INACTIVE, ACTIVE, REPLACE, FROZEN or CANCELLED", n.Physical)
	}
	if n.CategoryID == "" {
		n.CategoryID = categories[0].ID
	}
	cat, ok := findCategory(n.CategoryID)
	if !ok {
		return Card{}, fail("CARD_UNSUPPORTED_CARD_TYPE", text{"categoryId %s (this sandbox offers %s)", "categoryId %s（沙箱支持 %s）"}, n.CategoryID, categoryIDs(false)+", "+categoryIDs(true))
	}
	if n.UserID == "" {
		u, err := w.addUserLocked(NewUser{})
		if err != nil {
			return Card{}, err
		}
		n.UserID = u.ID
	}
	u, err := w.userLocked(n.UserID)
	if err != nil {
		return Card{}, err
	}
	for _, c := range w.userCardsLocked(u.ID) {
		if n.Mantissa != "" && c.Mantissa() == n.Mantissa {
			return Card{}, core.Errorf(core.KindConflict, "user %s already has a card ending in %s", u.ID, n.Mantissa)
		}
	}
	at := w.Now()
	if !n.CreatedAt.IsZero() {
		at = n.CreatedAt.UTC()
	}
	c := w.buildCardLocked(u, cat, at)
	if n.Mantissa != "" { // keep the wanted last 4; the 12th digit makes the Luhn check hold
		for d := 0; d < 10; d++ {
			if c.PAN = c.PAN[:11] + string(rune('0'+d)) + n.Mantissa; core.LuhnValid(c.PAN) {
				break
			}
		}
	}
	if n.ID != "" {
		c.ID = n.ID
	}
	if n.Status != "" {
		c.Status = n.Status
	}
	if n.Physical != "" {
		c.Physical = n.Physical
	}
	c.Reason = "created by admin"
	w.storeCardLocked(c)
	return c, nil
}

// NewTransaction describes a card transaction to add directly, as
// fund-auth makes one.
type NewTransaction struct {
	UserID       string   `json:"externalUserId"`
	CardID       string   `json:"cardId,omitempty"`
	CardMantissa string   `json:"cardMantissa,omitempty"`
	AuthType     AuthType `json:"authType,omitempty"`
	Amount       string   `json:"amount"`
	Currency     string   `json:"currency,omitempty"`
	MerchantName string   `json:"merchantName,omitempty"`
	Outcome      string   `json:"outcome,omitempty"` // auth.decline declines it (CARD_TRANSACTION_DEDUCT_FUNDS_FAIL), as the magic amount does
}

// Outcome is what a simulated authorisation did.
type Outcome struct {
	Approved  bool    `json:"approved"`
	ErrorCode string  `json:"errorCode,omitempty"`
	Txn       CardTxn `json:"transaction"`
}

func (w *world) addTransactionLocked(n NewTransaction) (Outcome, error) {
	if err := checkOutcome("outcome", n.Outcome, authRules); err != nil {
		return Outcome{}, err
	}
	u, err := w.userLocked(n.UserID)
	if err != nil {
		return Outcome{}, err
	}
	c, err := w.cardLocked(cardSelector{user: u.ID, id: n.CardID, mantissa: n.CardMantissa})
	if err != nil {
		return Outcome{}, err
	}
	amount, err := core.ParseDecimal(n.Amount)
	if err != nil || amount.Sign() <= 0 {
		return Outcome{}, core.Errorf(core.KindInvalid, "transactions need a positive amount")
	}
	if n.AuthType == "" {
		n.AuthType = AuthExpend
	}
	if n.Currency == "" {
		n.Currency = "USD"
	}
	if _, ok := w.rate(n.Currency); !ok || currencyNumeric[n.Currency] == "" {
		return Outcome{}, fail("CARD_TRANSACTION_UNSUPPORTED_CURRENCY", text{"%s", "%s"}, n.Currency)
	}
	if n.MerchantName == "" {
		n.MerchantName = merchantName(w.Faker.Company(), w.Faker.City(), "SG")
	}
	if m, ok := magic.Find(fieldAuthAmount, amount.String()); ok && n.Outcome == "" {
		n.Outcome = m.Rule
	}
	res := w.authorizeLocked(u, c, n.AuthType, amount, n.Currency, n.MerchantName, n.Outcome)
	return Outcome{res.Approved, res.ErrorCode, res.Txn}, nil
}

// setKYCDirectLocked sets a user's KYC status; PASS and REFUSE also move
// the user's waiting card applications on.
func (w *world) setKYCDirectLocked(user string, st KYCStatus) (User, error) {
	u, err := w.userLocked(user)
	if err != nil {
		return u, err
	}
	switch st {
	case KYCPass, KYCRefuse:
		return w.decideKYCLocked(u, st == KYCPass, w.Now()), nil
	case KYCUndo, KYCInit, KYCPending:
		return w.setKYCLocked(u, st, "set by platform", w.Now()), nil
	}
	return u, core.Errorf(core.KindInvalid, "kyc status must be UNDO, INIT, PENDING, PASS or REFUSE, got %q", st)
}
