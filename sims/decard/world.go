package decard

import (
	"math"
	"sort"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// world is one tenant's DeCard state. WorldBase's mutex guards every
// field but nonces and applyRefs, which have their own locks, and those
// fixed when the world is made (outbox, creds, set and the amounts parsed
// from it), which are read without it.
type world struct {
	core.WorldBase

	outbox *core.Outbox
	creds  Credentials
	set    Settings // the tenant's settings; they never change, so reading them needs no lock
	nonces *core.ReplayGuard

	applyRefs *core.IdemStore // first request and answer per applyRef (apply.go); has its own lock

	// The decimal settings, parsed once.
	opening core.Decimal            // set.FundPool: each asset's fund pool at the start
	fcFee   core.Decimal            // set.FCWithdrawFee
	rates   map[string]core.Decimal // set.Rates

	users        *core.Table[User]
	cards        *core.Table[Card]
	applies      *core.Table[Apply]
	txns         *core.Table[CardTxn]   // card authorisations; indexes card, cycle
	statements   *core.Table[Statement] // POSTED statements; index card
	assetTxns    *core.Table[AssetTxn]  // wallet ledger; index user
	transfers    *core.Table[Transfer]  // fund-pool credits and debits by externalTranId
	fiat         *core.Table[FiatTxn]   // fiat ledger; index user
	deposits     *core.Table[Deposit]   // deposit orders by txHash
	withdrawals  map[string]string      // externalTranId → tranId of a pending withdrawal
	userByMobile map[string]string      // mobileCode + " " + mobile → externalUserId
	userByEmail  map[string]string      // lower-case KYC email → externalUserId
	applyByRef   map[string]string      // applyRef → applyId
	applyUses    map[string]refUse      // applyRef → its first request and answer, as snapshots keep them
	wallet       map[walletKey]Balance  // (user, asset) → balance
	pool         map[string]core.Decimal
	addresses    map[string]Address      // deposit address → owner
	userAddress  map[string]string       // user + "/" + network → deposit address
	sms          map[string]smsCode      // behavioral + " " + target → the code last sent
	eddRefs      map[string]string       // upload-edd-file requestRef → applyId
	links        map[string]Link         // one-time guidance-link secret → link
	uploads      map[string]string       // objectKey → file name
	flows        map[string]core.Decimal // asset → money in from outside minus money out (the books' other side)

	qrOrders   *core.Table[QROrder]   // QR-pay orders by orderId; index user
	fcAccounts *core.Table[FCAccount] // financial-connection virtual accounts by vaNumber; index user
	fcTxns     *core.Table[FCTxn]     // financial-connection payments, transfers, withdrawals, bank transfers by internalTranId
	fcLedger   *core.Table[FCEntry]   // virtual-account statement rows; index va
	fcByExt    map[string]string      // kind + " " + externalTranId → internalTranId
	userByRef  map[string]string      // financial-connection userRef → externalUserId
	verdicts   map[string][]Verdict   // user + " " + route → how the user's next such operations end (admin API)

	channel     Channel
	subscribers map[*subscriber]struct{}
	messages    []Message // the newest opts.msgLog pushes, oldest first
	version     int64     // sequence of the last push
}

type walletKey struct{ user, asset string }

// Balance is one asset of a user's wallet.
type Balance struct {
	Free   core.Decimal `json:"free"`
	Freeze core.Decimal `json:"freeze"`
}

func newWorld(t *core.Tenant, outbox *core.Outbox, creds Credentials, set Settings) *world {
	opening, fee, rates := set.amounts()
	w := &world{
		opening: opening, fcFee: fee, rates: rates,
		WorldBase: core.NewWorldBase(t, Name),
		outbox:    outbox, creds: creds, set: set,
		nonces:       core.NewReplayGuard(2*set.TimestampWindow.D(), 1<<20), // has its own lock
		users:        core.NewTable(func(u User) time.Time { return u.CreatedAt }),
		cards:        core.NewTable(func(c Card) time.Time { return c.CreatedAt }),
		applies:      core.NewTable(func(a Apply) time.Time { return a.CreatedAt }),
		txns:         core.NewTable(func(x CardTxn) time.Time { return x.At }),
		statements:   core.NewTable(func(st Statement) time.Time { return st.End }),
		assetTxns:    core.NewTable(func(x AssetTxn) time.Time { return x.At }),
		transfers:    core.NewTable(func(x Transfer) time.Time { return x.At }),
		fiat:         core.NewTable(func(x FiatTxn) time.Time { return x.At }),
		deposits:     core.NewTable(func(d Deposit) time.Time { return d.CreatedAt }),
		withdrawals:  map[string]string{},
		userByMobile: map[string]string{},
		userByEmail:  map[string]string{},
		applyByRef:   map[string]string{},
		applyUses:    map[string]refUse{},
		applyRefs:    newApplyRefs(),
		wallet:       map[walletKey]Balance{},
		pool:         map[string]core.Decimal{},
		addresses:    map[string]Address{},
		userAddress:  map[string]string{},
		sms:          map[string]smsCode{},
		eddRefs:      map[string]string{},
		links:        map[string]Link{},
		uploads:      map[string]string{},
		subscribers:  map[*subscriber]struct{}{},
		flows:        map[string]core.Decimal{},
		qrOrders:     core.NewTable(func(o QROrder) time.Time { return o.CreatedAt }),
		fcAccounts:   core.NewTable(func(a FCAccount) time.Time { return a.CreatedAt }),
		fcTxns:       core.NewTable(func(x FCTxn) time.Time { return x.CreatedAt }),
		fcLedger:     core.NewTable(func(e FCEntry) time.Time { return e.At }),
		fcByExt:      map[string]string{},
		userByRef:    map[string]string{},
		verdicts:     map[string][]Verdict{},
	}
	w.qrOrders.AddIndex("user", func(o QROrder) string { return o.UserID })
	w.fcAccounts.AddIndex("user", func(a FCAccount) string { return a.UserID })
	w.fcLedger.AddIndex("va", func(e FCEntry) string { return e.VA })
	w.cards.AddIndex("user", func(c Card) string { return c.UserID })
	w.applies.AddIndex("user", func(a Apply) string { return a.UserID })
	w.txns.AddIndex("card", func(x CardTxn) string { return x.CardID })
	w.txns.AddIndex("cycle", func(x CardTxn) string { return cycleKey(x.CardID, x.Cycle) })
	w.txns.AddIndex("related", func(x CardTxn) string { return x.Related })
	w.txns.AddIndex("posted", func(x CardTxn) string { return x.PostedID })
	w.txns.AddIndex("ext", func(x CardTxn) string { return x.ExternalTranID })
	w.statements.AddIndex("card", func(st Statement) string { return st.CardID })
	w.assetTxns.AddIndex("user", func(x AssetTxn) string { return x.UserID })
	w.fiat.AddIndex("user", func(x FiatTxn) string { return x.UserID })
	for _, a := range assets {
		w.pool[a.Code] = opening
	}
	return w
}

// numID returns a new numeric id of n digits that does not start with 0,
// like DeCard's 19-digit applyId, cardId and tranId.
func (w *world) numID(n int) string {
	return string(rune('1'+w.Faker.IntN(9))) + w.Faker.Digits(n-1)
}

// balanceLocked returns a user's balance of an asset.
func (w *world) balanceLocked(user, asset string) Balance {
	return w.wallet[walletKey{user, asset}]
}

func (w *world) setBalanceLocked(user, asset string, b Balance) {
	w.wallet[walletKey{user, asset}] = b
}

// Asset is one asset a DeCard wallet holds.
type Asset struct {
	Code    string
	Network string // "" for fiat
	Logo    string
}

// assets are the wallet assets, in the order balance lists them and a card
// spend draws on them.
var assets = []Asset{
	{"USD", "", "https://static.thedecard.com/images/asset/usd.svg"},
	{"USDT", "TRON", "https://static.thedecard.com/images/asset/usdt.svg"},
	{"USDC", "TRON", "https://static.thedecard.com/images/asset/usdc.svg"},
	{"SGD", "", "https://static.thedecard.com/images/asset/sgd.svg"},
}

func findAsset(code string) (Asset, bool) {
	for _, a := range assets {
		if a.Code == code {
			return a, true
		}
	}
	return Asset{}, false
}

// currencyNumeric maps the alpha codes fund-auth accepts to ISO 4217
// numeric codes (WebSocket transactionCurrencyCode, fiat ledger).
var currencyNumeric = map[string]string{
	"USD": "840", "SGD": "702", "EUR": "978", "GBP": "826", "HKD": "344", "CNY": "156", "JPY": "392",
}

// defaultRates are units per USD; stablecoins at par.
func defaultRates() map[string]string {
	return map[string]string{
		"USD": "1", "USDT": "1", "USDC": "1", "SGD": "1.35", "EUR": "0.92", "GBP": "0.79", "HKD": "7.8", "CNY": "7.2", "JPY": "150",
	}
}

// rate returns how many units of code one USD buys.
func (w *world) rate(code string) (core.Decimal, bool) {
	r, ok := w.rates[code]
	return r, ok
}

// toUSD converts an amount of code into USD, rounded half away from zero to
// 8 places.
func (w *world) toUSD(amount core.Decimal, code string) core.Decimal {
	r, _ := w.rate(code)
	num, den := ratio(r)
	return amount.MulRat(den, num)
}

// ratio returns a decimal as an integer fraction num/den.
func ratio(d core.Decimal) (num, den int64) {
	s := d.String()
	whole, frac, _ := strings.Cut(s, ".")
	den = 1
	for range frac {
		den *= 10
	}
	var n int64
	for _, c := range whole + frac {
		if c == '-' {
			continue
		}
		n = n*10 + int64(c-'0')
	}
	if strings.HasPrefix(s, "-") {
		n = -n
	}
	return n, den
}

// floor2 cuts an amount to 2 decimal places (towards zero), for balances
// shown as spendable.
func floor2(d core.Decimal) core.Decimal {
	s := d.String()
	whole, frac, ok := strings.Cut(s, ".")
	if !ok || len(frac) <= 2 {
		return d
	}
	return core.MustDecimal(whole + "." + frac[:2])
}

// money renders an amount rounded to cents with as few decimals as it
// needs ("21.22", "22", "0"), as DeCard's statement and card amounts are.
func money(d core.Decimal) string { return d.Round(2).String() }

// ms renders a time as DeCard renders timestamps: Unix milliseconds in a
// string.
func ms(t time.Time) string { return itoa(t.UnixMilli()) }

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// bucket returns every row of one index bucket, oldest first. Scans use
// it rather than a Keep callback: Keep is a filter, and core may stop
// calling it once a page is full.
func bucket[T any](t *core.Table[T], index, value string) []T {
	return t.Query(core.Query[T]{Index: index, Value: value, Window: core.Window{Limit: math.MaxInt}}).Items
}

func sortStrings(s []string) { sort.Strings(s) }

// settleLocked applies every scheduled transition that is due on the
// business clock, one task at a time and each at its own due time
// (WorldBase.RunDue): while a task applies, Now reads its due time, so
// everything it stamps — its records' times and its webhooks'
// notificationTimestamp — and every task it schedules start from when it
// was due, and a clock moved months ahead replays the months in order.
// One jump and many small steps over the same span end in the same state
// and the same webhooks. Worlds.Enter and Worlds.Do call it after taking
// the lock.
func (w *world) settleLocked() { w.RunDue(w.applyTaskLocked) }

func (w *world) applyTaskLocked(t core.Task) {
	switch t.Kind {
	case taskKYCPending:
		w.kycPendingLocked(t.Key, t.At)
	case taskKYCDecide:
		w.kycDecideLocked(t.Key, t.At)
	case taskApplyIssue:
		w.issueApplyLocked(t.Key, t.At)
	case taskTxnPost:
		w.postTxnLocked(t.Key, t.At)
	case taskTxnExpire:
		w.expireTxnLocked(t.Key)
	case taskStatementClose:
		w.closeStatementLocked(t.Key, t.At)
	case taskDepositStep:
		w.depositStepLocked(t.Key, t.At)
	case taskWithdrawDone:
		w.withdrawDoneLocked(t.Key, t.At)
	case taskShippingStep:
		w.shippingStepLocked(t.Key, t.At)
	case taskQRExpire:
		w.expireQROrderLocked(t.Key, t.At)
	case taskFCSettle:
		w.settleFCLocked(t.Key, t.At)
	}
}
