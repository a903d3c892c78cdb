package decard

// QR pay endpoints — the Postman collection's "qrpay" folder (changelog
// 20260106) and the Java connector's QrPayApi.

import (
	"net"
	"net/http"
	"strings"

	"github.com/mocksrv/mocksrv/sims/core"
)

type qrDecodeRequest struct {
	ExternalUserID string `json:"externalUserId"`
	QRCodeValue    string `json:"qrCodeValue"`
	ClientIP       string `json:"clientIP"`
}

// qrDecodeJSON is what decode answers: the code's merchant and, for a
// code that fixes them, its currency and amount (null when the payer
// chooses).
type qrDecodeJSON struct {
	QRCodeValue         string   `json:"qrCodeValue"`
	QRType              string   `json:"qrType"`
	PaymentScheme       string   `json:"paymentScheme"`
	MerchantName        string   `json:"merchantName"`
	MerchantCity        string   `json:"merchantCity"`
	MerchantCountry     string   `json:"merchantCountry"`
	Currency            *string  `json:"currency"`
	Amount              *string  `json:"amount"`
	SupportedCurrencies []string `json:"supportedCurrencies"`
}

// checkClientIP requires the payer device's address the connector
// insists on.
func checkClientIP(ip string) error {
	switch {
	case strings.TrimSpace(ip) == "":
		return invalid("clientIP is required (the payer device's IP address)")
	case net.ParseIP(ip) == nil:
		return invalid("clientIP %q is not an IPv4 or IPv6 address", ip)
	}
	return nil
}

// handleQRDecode handles "POST /qrpay/v1/decode": what a QR code is, before
// an order is made for it.
func (s *Server) handleQRDecode(r *http.Request) (any, error) {
	var req qrDecodeRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := checkClientIP(req.ClientIP); err != nil {
		return nil, err
	}
	q, err := decodeQR(req.QRCodeValue)
	if err != nil {
		return nil, err
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	if _, err := w.userLocked(req.ExternalUserID); err != nil {
		return nil, err
	}
	out := qrDecodeJSON{QRCodeValue: q.Value, QRType: q.Type, PaymentScheme: q.Scheme, MerchantName: q.Merchant,
		MerchantCity: q.City, MerchantCountry: q.Country, SupportedCurrencies: qrCurrencies()}
	if q.Currency != "" {
		out.Currency = strPtr(q.Currency)
	}
	if q.Amount.Sign() > 0 {
		out.Amount = strPtr(q.Amount.String())
	}
	return out, nil
}

type qrCreateRequest struct {
	ExternalUserID string        `json:"externalUserId"`
	QRCodeValue    string        `json:"qrCodeValue"`
	ClientIP       string        `json:"clientIP"`
	Currency       string        `json:"currency"`
	Amount         *core.Decimal `json:"amount"`
}

// qrDeductionJSON is one wallet asset that paid an order.
type qrDeductionJSON struct {
	Asset  string `json:"asset"`
	Amount string `json:"amount"`
}

// qrOrderJSON is an order as create, confirm, order-list, order-detail
// and the QR_ORDER_STATUS webhook show it.
type qrOrderJSON struct {
	OrderID         string            `json:"orderId"`
	ExternalUserID  string            `json:"externalUserId"`
	Status          QRStatus          `json:"status"`
	QRType          string            `json:"qrType"`
	PaymentScheme   string            `json:"paymentScheme"`
	MerchantName    string            `json:"merchantName"`
	MerchantCity    string            `json:"merchantCity"`
	MerchantCountry string            `json:"merchantCountry"`
	Currency        string            `json:"currency"`
	Amount          string            `json:"amount"`
	DeductCurrency  string            `json:"deductCurrency"`
	DeductAmount    string            `json:"deductAmount"`
	Fee             string            `json:"fee"`
	Deductions      []qrDeductionJSON `json:"deductions"`
	CreateTime      string            `json:"createTime"`
	ExpireTime      string            `json:"expireTime"`
	PayTime         *string           `json:"payTime"`
	ErrorCode       *string           `json:"errorCode"`
	ErrorMsg        *string           `json:"errorMsg"`
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func qrOrderOut(o QROrder) qrOrderJSON {
	out := qrOrderJSON{
		OrderID: o.ID, ExternalUserID: o.UserID, Status: o.Status, QRType: o.QRType, PaymentScheme: o.Scheme,
		MerchantName: o.Merchant, MerchantCity: o.City, MerchantCountry: o.Country, Currency: o.Currency,
		Amount: o.Amount.String(), DeductCurrency: "USD", DeductAmount: money(o.USD), Fee: "0", Deductions: []qrDeductionJSON{},
		CreateTime: ms(o.CreatedAt), ExpireTime: ms(o.ExpiresAt), ErrorCode: optional(o.ErrorCode), ErrorMsg: optional(o.ErrorMsg),
	}
	for _, m := range o.Movements {
		out.Deductions = append(out.Deductions, qrDeductionJSON{m.Asset, m.Amount.Neg().String()})
	}
	if !o.PaidAt.IsZero() {
		out.PayTime = strPtr(ms(o.PaidAt))
	}
	return out
}

// qrAmount settles an order's currency and amount: the code's own when it
// fixes them (the request may repeat them, not change them), else the
// request's, which are then required.
func qrAmount(w *world, q qrCode, req qrCreateRequest) (string, core.Decimal, error) {
	currency := strings.ToUpper(strings.TrimSpace(req.Currency))
	switch {
	case q.Currency != "" && currency != "" && currency != q.Currency:
		return "", core.Zero, invalid("currency %s differs from the QR code's %s", currency, q.Currency)
	case q.Currency != "":
		currency = q.Currency
	case currency == "":
		return "", core.Zero, invalid("currency is required: this QR code lets the payer choose")
	}
	if _, ok := currencyNumeric[currency]; !ok {
		return "", core.Zero, fail("CARD_TRANSACTION_UNSUPPORTED_CURRENCY", text{"currency %q (supported: %s)", "currency %q（支持 %s）"},
			req.Currency, strings.Join(qrCurrencies(), ", "))
	}
	if _, ok := w.rate(currency); !ok {
		return "", core.Zero, fail("CARD_TRANSACTION_UNSUPPORTED_CURRENCY", text{"currency %q has no rate", "currency %q 无汇率"}, currency)
	}
	var amount core.Decimal
	switch {
	case q.Amount.Sign() > 0 && req.Amount != nil && req.Amount.Cmp(q.Amount) != 0:
		return "", core.Zero, invalid("amount %s differs from the QR code's fixed amount %s", req.Amount.String(), q.Amount.String())
	case q.Amount.Sign() > 0:
		amount = q.Amount
	case req.Amount == nil:
		return "", core.Zero, invalid("amount is required: this QR code lets the payer choose")
	default:
		amount = *req.Amount
	}
	if amount.Sign() <= 0 || amount.Places() > 2 || amount.Cmp(core.MustDecimal("1000000")) > 0 {
		return "", core.Zero, fail("CARD_TRANSACTION_UNREASONABLE_AMOUNT", text{"amount must be more than 0 and at most 1000000 with at most 2 decimals, got %s",
			"amount 必须大于 0、不超过 1000000 且最多 2 位小数，实际为 %s"}, amount.String())
	}
	return currency, amount, nil
}

// handleQRCreate handles "POST /qrpay/v1/create": a PENDING order to pay
// the code's merchant, open for confirm until it expires.
func (s *Server) handleQRCreate(r *http.Request) (any, error) {
	var req qrCreateRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := checkClientIP(req.ClientIP); err != nil {
		return nil, err
	}
	q, err := decodeQR(req.QRCodeValue)
	if err != nil {
		return nil, err
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	u, err := w.userLocked(req.ExternalUserID)
	if err != nil {
		return nil, err
	}
	currency, amount, err := qrAmount(w, q, req)
	if err != nil {
		return nil, err
	}
	return qrOrderOut(w.newQROrderLocked(u, q, currency, amount, req.ClientIP)), nil
}

type qrConfirmRequest struct {
	ExternalUserID string     `json:"externalUserId"`
	OrderID        flexString `json:"orderId"`
}

// qrOrderLocked returns one of the user's orders.
func (w *world) qrOrderLocked(user, id string) (QROrder, error) {
	o, ok := w.qrOrders.Get(id)
	if !ok || o.UserID != user {
		return o, fail("CARD_TRANSACTION_NO_SUCH_TRANSACTION", text{"user %s has no QR order %s", "用户 %s 没有二维码订单 %s"}, user, id)
	}
	return o, nil
}

// handleQRConfirm handles "POST /qrpay/v1/confirm": pays a PENDING order
// from the wallet. data is the order, SUCCESS or (steered by the admin
// API) FAILED.
func (s *Server) handleQRConfirm(r *http.Request) (any, error) {
	var req qrConfirmRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if req.OrderID == "" {
		return nil, invalid("orderId is required")
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	u, err := w.userLocked(req.ExternalUserID)
	if err != nil {
		return nil, err
	}
	o, err := w.qrOrderLocked(u.ID, string(req.OrderID))
	if err != nil {
		return nil, err
	}
	o, err = w.confirmQROrderLocked(u, o)
	if err != nil {
		return nil, err
	}
	return qrOrderOut(o), nil
}

// handleQROrderList handles "GET /qrpay/v1/order-list": the user's orders,
// newest first, from after cursorOrderId (see page.go).
func (s *Server) handleQROrderList(r *http.Request) (any, error) {
	q := r.URL.Query()
	n, err := queryInt(q.Get(pageQROrders.size), pageQROrders.size)
	if err != nil {
		return nil, err
	}
	limit, err := pageQROrders.limit(n)
	if err != nil {
		return nil, err
	}
	cursor := strings.TrimSpace(q.Get("cursorOrderId"))
	return s.withUser(r, func(w *world, u User) (any, error) {
		query := core.Query[QROrder]{Index: "user", Value: u.ID, Desc: true, Window: core.Window{Limit: limit}}
		if cursor != "" {
			at, ok := w.qrOrders.Get(cursor)
			if !ok || at.UserID != u.ID {
				return nil, invalid("cursorOrderId %s is not an order of user %s", cursor, u.ID)
			}
			query.To = at.CreatedAt
			query.Keep = func(o QROrder) bool { return o.Seq < at.Seq }
		}
		res := w.qrOrders.Query(query)
		out := make([]qrOrderJSON, 0, len(res.Items))
		for _, o := range res.Items {
			out = append(out, qrOrderOut(o))
		}
		return out, nil
	})
}

// handleQROrderDetail handles "GET /qrpay/v1/order-detail".
func (s *Server) handleQROrderDetail(r *http.Request) (any, error) {
	id := r.URL.Query().Get("orderId")
	if id == "" {
		return nil, invalid("orderId is required")
	}
	return s.withUser(r, func(w *world, u User) (any, error) {
		o, err := w.qrOrderLocked(u.ID, id)
		if err != nil {
			return nil, err
		}
		return qrOrderOut(o), nil
	})
}
