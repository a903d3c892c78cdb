package decard

// QR pay model — the Postman collection's "qrpay" folder and the Java
// connector's QrPayApi (decode, create, confirm, order-list,
// order-detail) and its QR_ORDER_STATUS webhook event. DeCard publishes
// the requests only; what a decoded QR code, an order and its statuses
// look like is mocksrv's choice (doc.go, "Deviations").

import (
	"fmt"
	"hash/fnv"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// QR code types: a static code carries the merchant only, a dynamic one
// an order of its merchant (and sometimes its amount).
const (
	QRStatic  = "STATIC"
	QRDynamic = "DYNAMIC"
)

// Payment schemes a QR code belongs to.
const (
	SchemeWeChatPay = "WECHAT_PAY" // https://payapp.wechatpay.cn/… (the collection's samples)
	SchemeAlipay    = "ALIPAY"     // https://qr.alipay.com/…
	SchemePayNow    = "PAYNOW"     // an EMVCo payload with an SG.PAYNOW merchant account
	SchemeEMVCo     = "EMVCO"      // any other EMVCo merchant-presented payload (SGQR, …)
)

// QRStatus is a QR-pay order's status.
type QRStatus string

// QR-pay order statuses: PENDING until confirmed, then SUCCESS or FAILED;
// CLOSED when nobody confirmed it in time.
const (
	QRPending QRStatus = "PENDING"
	QRSuccess QRStatus = "SUCCESS"
	QRFailed  QRStatus = "FAILED"
	QRClosed  QRStatus = "CLOSED"
)

// QROrder is a QR-pay order: a payment to the merchant of a QR code, paid
// from the user's wallet when confirmed.
type QROrder struct {
	ID        string       `json:"orderId"`
	UserID    string       `json:"externalUserId"`
	QRCode    string       `json:"qrCodeValue"`
	QRType    string       `json:"qrType"`
	Scheme    string       `json:"paymentScheme"`
	Merchant  string       `json:"merchantName"`
	City      string       `json:"merchantCity"`
	Country   string       `json:"merchantCountry"`
	Currency  string       `json:"currency"`
	Amount    core.Decimal `json:"amount"`
	USD       core.Decimal `json:"deductAmount"` // what the wallet pays, in USD
	ClientIP  string       `json:"clientIP"`
	Status    QRStatus     `json:"status"`
	ErrorCode string       `json:"errorCode,omitempty"`
	ErrorMsg  string       `json:"errorMsg,omitempty"`
	Verdict   *Verdict     `json:"verdict,omitempty"`   // how its confirm ends, set by the admin API
	Movements []Movement   `json:"movements,omitempty"` // the wallet assets that paid it; set once
	Seq       int          `json:"seq"`                 // creation order within the tenant, for the cursor
	CreatedAt time.Time    `json:"createTime"`
	ExpiresAt time.Time    `json:"expireTime"`
	PaidAt    time.Time    `json:"payTime"`
	UpdatedAt time.Time    `json:"updateTime"`
}

// Verdict is how an operation the admin API steered ends (POST
// /_mocksrv/tenants/{id}/decard/outcomes): the status and the errorCode
// and errorMsg the record then carries.
type Verdict struct {
	Status    string `json:"status"`
	ErrorCode string `json:"errorCode"`
	ErrorMsg  string `json:"errorMsg"`
}

// Task kinds of QR pay.
const taskQRExpire = "qr.expire"

// qrCode is what decode reads from a QR code's value.
type qrCode struct {
	Value    string
	Type     string
	Scheme   string
	Merchant string
	City     string
	Country  string
	Currency string       // "" when the payer chooses
	Amount   core.Decimal // zero when the payer chooses
}

// qrCurrencies are the currencies a QR order may be in: those with a rate
// and an ISO numeric code.
func qrCurrencies() []string {
	out := make([]string, 0, len(currencyNumeric))
	for c := range currencyNumeric {
		out = append(out, c)
	}
	sortStrings(out)
	return out
}

// decodeQR reads a QR code: an EMVCo merchant-presented payload ("000201…",
// SGQR and PayNow among them) or a wallet's https link (WeChat Pay,
// Alipay). Anything else is not a payment QR code.
func decodeQR(value string) (qrCode, error) {
	v := strings.TrimSpace(value)
	switch {
	case v == "":
		return qrCode{}, invalid("qrCodeValue is required")
	case len(v) > 512:
		return qrCode{}, invalid("qrCodeValue is %d characters; a QR code holds at most 512", len(v))
	case strings.HasPrefix(v, "000201"):
		return decodeEMVCo(v)
	case strings.HasPrefix(v, "https://"):
		return decodeWalletLink(v)
	}
	return qrCode{}, invalid("qrCodeValue %q is not a payment QR code: send an EMVCo payload (000201…) or a WeChat Pay or Alipay https link", core.Shorten(v, 40))
}

// decodeEMVCo reads an EMVCo merchant-presented QR payload: two-digit tag,
// two-digit length, value, ending in tag 63, the CRC-16/CCITT-FALSE of
// everything before its value.
func decodeEMVCo(v string) (qrCode, error) {
	tags := map[string]string{}
	var accounts []string
	for i := 0; i < len(v); {
		if i+4 > len(v) {
			return qrCode{}, invalid("qrCodeValue: the EMVCo payload is cut short at position %d", i)
		}
		tag := v[i : i+2]
		n, err := strconv.Atoi(v[i+2 : i+4])
		if err != nil || !isDigits(tag, 2) || i+4+n > len(v) {
			return qrCode{}, invalid("qrCodeValue: malformed EMVCo field at position %d", i)
		}
		val := v[i+4 : i+4+n]
		if tag == "63" {
			if i+4+n != len(v) {
				return qrCode{}, invalid("qrCodeValue: the CRC (tag 63) must be the last field")
			}
			if want := crc16(v[:i+4]); !strings.EqualFold(val, want) {
				return qrCode{}, invalid("qrCodeValue: the CRC (tag 63) is %s, the payload's is %s", val, want)
			}
		}
		if t, _ := strconv.Atoi(tag); t >= 26 && t <= 51 {
			accounts = append(accounts, val)
		}
		tags[tag] = val
		i += 4 + n
	}
	if _, ok := tags["63"]; !ok {
		return qrCode{}, invalid("qrCodeValue: an EMVCo payload ends with its CRC (tag 63)")
	}
	if tags["59"] == "" {
		return qrCode{}, invalid("qrCodeValue: the EMVCo payload has no merchant name (tag 59)")
	}
	q := qrCode{Value: v, Type: QRStatic, Scheme: SchemeEMVCo, Merchant: tags["59"], City: tags["60"], Country: tags["58"]}
	if tags["01"] == "12" {
		q.Type = QRDynamic
	}
	for _, acct := range accounts {
		if strings.Contains(strings.ToUpper(acct), "PAYNOW") {
			q.Scheme = SchemePayNow
		}
	}
	if num := tags["53"]; num != "" {
		for alpha, n := range currencyNumeric {
			if n == num {
				q.Currency = alpha
			}
		}
		if q.Currency == "" {
			return qrCode{}, fail("CARD_TRANSACTION_UNSUPPORTED_CURRENCY", text{"the QR code's currency %s (tag 53) is not one of %s",
				"二维码币种 %s（tag 53）不在 %s 之中"}, num, strings.Join(qrCurrencies(), ", "))
		}
	}
	if amt := tags["54"]; amt != "" {
		d, err := core.ParseDecimal(amt)
		if err != nil || d.Sign() <= 0 {
			return qrCode{}, invalid("qrCodeValue: the amount (tag 54) %q is not a positive decimal", amt)
		}
		q.Amount = d
	}
	return q, nil
}

// crc16 is CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) in four
// upper-case hex digits, as EMVCo QR codes carry it.
func crc16(s string) string {
	crc := uint16(0xFFFF)
	for i := 0; i < len(s); i++ {
		crc ^= uint16(s[i]) << 8
		for b := 0; b < 8; b++ {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return fmt.Sprintf("%04X", crc)
}

// EMVCoQR builds a valid EMVCo merchant-presented QR payload (a PayNow
// code) for tests and QA: a static code when amount is "", else a dynamic
// one for that amount. currency is an alpha code decode knows (SGD, USD…).
func EMVCoQR(merchant, city, currency, amount string) string {
	field := func(tag, v string) string { return fmt.Sprintf("%s%02d%s", tag, len(v), v) }
	b := field("00", "01")
	if amount == "" {
		b += field("01", "11")
	} else {
		b += field("01", "12")
	}
	b += field("26", field("00", "SG.PAYNOW")+field("01", "2")+field("02", "201912345K"))
	b += field("52", "5812") + field("53", currencyNumeric[strings.ToUpper(currency)])
	if amount != "" {
		b += field("54", amount)
	}
	b += field("58", "SG") + field("59", merchant) + field("60", city) + "6304"
	return b + crc16(b)
}

// walletCities are the merchant cities of wallet links.
var walletCities = []string{"SHANGHAI", "BEIJING", "SHENZHEN", "GUANGZHOU", "HANGZHOU", "CHENGDU"}

// decodeWalletLink reads a WeChat Pay or Alipay QR link. The merchant is
// derived from the link itself, so the same code always decodes to the
// same merchant; a link with an amount parameter is a fixed CNY amount.
func decodeWalletLink(v string) (qrCode, error) {
	u, err := url.Parse(v)
	if err != nil || u.Host == "" {
		return qrCode{}, invalid("qrCodeValue %q is not a valid https link", core.Shorten(v, 40))
	}
	q := qrCode{Value: v, Type: QRStatic, Country: "CN"}
	host := strings.ToLower(u.Hostname())
	switch {
	case strings.Contains(host, "wechat") || strings.Contains(host, "weixin"):
		q.Scheme = SchemeWeChatPay
	case strings.Contains(host, "alipay"):
		q.Scheme = SchemeAlipay
	default:
		return qrCode{}, invalid("qrCodeValue: %s is not a QR-pay scheme this sandbox knows (WeChat Pay, Alipay, EMVCo)", host)
	}
	if u.Query().Get("key") != "" || strings.Contains(u.Path, "/order/") {
		q.Type = QRDynamic
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(u.Host + u.Path + u.Query().Get("key")))
	f := core.NewFaker(h.Sum64())
	q.Merchant = strings.ToUpper(f.Company())
	q.City = walletCities[f.IntN(len(walletCities))]
	if amt := u.Query().Get("amount"); amt != "" {
		d, err := core.ParseDecimal(amt)
		if err != nil || d.Sign() <= 0 {
			return qrCode{}, invalid("qrCodeValue: the link's amount %q is not a positive decimal", amt)
		}
		q.Currency, q.Amount = "CNY", d
	}
	return q, nil
}

// newQROrderLocked creates a PENDING order for a decoded code; it closes
// unless confirmed within the order lifetime.
func (w *world) newQROrderLocked(u User, q qrCode, currency string, amount core.Decimal, clientIP string) QROrder {
	now := w.Now()
	o := QROrder{
		ID: w.numID(19), UserID: u.ID, QRCode: q.Value, QRType: q.Type, Scheme: q.Scheme, Merchant: q.Merchant, City: q.City,
		Country: q.Country, Currency: currency, Amount: amount, USD: w.toUSD(amount, currency).Round(2), ClientIP: clientIP,
		Status: QRPending, Seq: w.qrOrders.Len() + 1, CreatedAt: now, ExpiresAt: now.Add(w.set.QROrderTTL.D()), UpdatedAt: now,
	}
	if o.USD.Sign() <= 0 {
		o.USD = core.MustDecimal("0.01")
	}
	w.qrOrders.Put(o.ID, o)
	w.Agenda.Schedule(o.ExpiresAt, taskQRExpire, o.ID)
	return o
}

// confirmQROrderLocked pays a PENDING order from the user's wallet (USD
// first, then USDT, USDC and SGD converted, as a card spend draws), or
// fails it as the admin API's verdict says. A wallet too small refuses
// the confirm and leaves the order PENDING.
func (w *world) confirmQROrderLocked(u User, o QROrder) (QROrder, error) {
	switch o.Status {
	case QRSuccess:
		return o, fail("CARD_TRANSACTION_REPEAT_REQUEST", text{"order %s is already paid", "订单 %s 已支付"}, o.ID)
	case QRFailed, QRClosed:
		return o, fail("ACCOUNT_UNSUPPORTED_OPERATE", text{"order %s is %s", "订单 %s 当前为 %s"}, o.ID, o.Status)
	}
	if u.ForbidCardTransaction {
		return o, fail("ACCOUNT_UNSUPPORTED_OPERATE", text{"payments are forbidden for user %s", "用户 %s 禁止交易"}, u.ID)
	}
	now := w.Now()
	v := o.Verdict
	if v == nil {
		if next, ok := w.nextVerdictLocked(u.ID, routeQRConfirm); ok {
			v = &next
		}
	}
	if v != nil {
		o.Status, o.ErrorCode, o.ErrorMsg, o.UpdatedAt = QRFailed, v.ErrorCode, v.ErrorMsg, now
		w.qrOrders.Put(o.ID, o)
		w.notifyLocked(eventQROrderStatus, u.ID, now, qrOrderOut(o))
		return o, nil
	}
	plan, ok := w.planSpendLocked(u.ID, o.USD)
	if !ok {
		return o, fail("CARD_WALLET_BALANCE_LOW", text{"order %s needs %s USD; the wallet of user %s is worth %s USD",
			"订单 %s 需要 %s USD；用户 %s 的钱包价值 %s USD"}, o.ID, o.USD.String(), u.ID, w.walletUSDLocked(u.ID).String())
	}
	for _, d := range plan {
		r, _ := w.rate(d.asset)
		w.moveLocked(AssetTxn{UserID: u.ID, Type: TypeConversion, Asset: d.asset, FreeDelta: d.units.Neg(), ExternalID: o.ID,
			BaseAsset: d.asset, QuoteAsset: "USD", Price: priceOf(r)}, now)
		w.flowLocked(d.asset, d.units.Neg()) // paid to the merchant
		o.Movements = append(o.Movements, Movement{Asset: d.asset, Amount: d.units.Neg(), At: now, Type: MovementConversion})
	}
	o.Status, o.PaidAt, o.UpdatedAt = QRSuccess, now, now
	w.qrOrders.Put(o.ID, o)
	w.notifyLocked(eventQROrderStatus, u.ID, now, qrOrderOut(o))
	return o, nil
}

// expireQROrderLocked closes an order still PENDING at its expiry.
func (w *world) expireQROrderLocked(id string, at time.Time) {
	o, ok := w.qrOrders.Get(id)
	if !ok || o.Status != QRPending {
		return
	}
	o.Status, o.ErrorCode, o.ErrorMsg, o.UpdatedAt = QRClosed, "", "not confirmed before "+o.ExpiresAt.UTC().Format(time.RFC3339), at
	w.qrOrders.Put(o.ID, o)
	w.notifyLocked(eventQROrderStatus, o.UserID, at, qrOrderOut(o))
}

// Routes whose outcome the admin API can steer.
const (
	routeQRConfirm  = "qrpay.confirm"
	routeFCPayment  = "financial_connection.payment"
	routeFCTransfer = "financial_connection.transfer_to_spending"
	routeFCWithdraw = "financial_connection.withdraw"
)

// verdictDefaults are the errorCode each steerable route's failures carry
// unless the admin API names one.
var verdictDefaults = map[string]string{
	routeQRConfirm:  "CARD_TRANSACTION_DEDUCT_FUNDS_FAIL",
	routeFCPayment:  "CARD_TRANSACTION_DEDUCT_FUNDS_FAIL",
	routeFCTransfer: "CARD_TXN_SERVICE_ERROR",
	routeFCWithdraw: "CARD_TXN_SERVICE_ERROR",
}

// nextVerdictLocked pops how the user's next operation on route ends.
func (w *world) nextVerdictLocked(user, route string) (Verdict, bool) {
	key := user + " " + route
	q := w.verdicts[key]
	if len(q) == 0 {
		return Verdict{}, false
	}
	v := q[0]
	if len(q) == 1 {
		delete(w.verdicts, key)
	} else {
		w.verdicts[key] = q[1:]
	}
	return v, true
}
