package uqpay

// Webhooks — UQPay Card Issuance v1.6 "Webhooks" pages (card created,
// card status updated, activation code and status, transaction) and the
// Account Center "Webhooks overview": {version, event_name, event_type,
// event_id, source_id, data}, signed with x-wk-timestamp and
// x-wk-signature = hex(HMAC-SHA512(secret, raw body + timestamp header)).

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Event types mocksrv sends.
const (
	eventCreateSucceeded   = "card.create.succeeded"
	eventCreateFailed      = "card.create.failed"
	eventUpdateSucceeded   = "card.update.succeeded"
	eventRechargeSucceeded = "card.recharge.succeeded"
	eventRechargeFailed    = "card.recharge.failed"
	eventWithdrawSucceeded = "card.withdraw.succeeded"
	eventStatusSucceeded   = "card.status.update.succeeded"
	eventStatusFailed      = "card.status.update.failed"
	eventActivationCode    = "card.activation.code"
	eventActivationStatus  = "card.activation.status"
	eventTxnAuthorization  = "issuing.transaction.authorization"
	eventTxnReversal       = "issuing.transaction.reversal"
	eventTxnRefund         = "issuing.transaction.refund"

	eventTxnSettlementDebit    = "issuing.transaction.settlement.debit"
	eventTxnSettlementCredit   = "issuing.transaction.settlement.credit"
	eventTxnSettlementReversal = "issuing.transaction.settlement.reversal"
	eventTxnChargebackCredit   = "issuing.transaction.chargeback.credit"
	eventTxnChargebackDebit    = "issuing.transaction.chargeback.debit"
	eventFeeCard               = "issuing.fee.card"

	// Global Account "Deposit Pending / Rejected / Completed", event_name
	// DEPOSIT.
	eventDepositPending   = "deposit.pending"
	eventDepositCompleted = "deposit.completed"
	eventDepositRejected  = "deposit.compliance.rejected"
)

// Event names (the envelope's event_name): card issuance events are
// ISSUING, deposits DEPOSIT.
const (
	eventNameIssuing = "ISSUING"
	eventNameDeposit = "DEPOSIT"
)

// EventTypes lists every webhook event type the simulator sends.
var EventTypes = []string{
	eventCreateSucceeded, eventCreateFailed, eventUpdateSucceeded, eventRechargeSucceeded, eventRechargeFailed,
	eventWithdrawSucceeded, eventStatusSucceeded, eventStatusFailed, eventActivationCode, eventActivationStatus,
	eventTxnAuthorization, eventTxnReversal, eventTxnRefund, eventTxnSettlementDebit, eventTxnSettlementCredit,
	eventTxnSettlementReversal, eventTxnChargebackCredit, eventTxnChargebackDebit, eventFeeCard,
	eventDepositPending, eventDepositCompleted, eventDepositRejected,
}

// Event is a webhook body.
type Event struct {
	Version   string          `json:"version"`
	EventName string          `json:"event_name"`
	EventType string          `json:"event_type"`
	EventID   string          `json:"event_id"`
	SourceID  string          `json:"source_id"`
	Data      json.RawMessage `json:"data"`
}

// emitLocked queues an ISSUING webhook for the tenant; the outbox signs
// and delivers it to the tenant's UQPay webhook URL, retrying until the
// receiver answers 2xx.
func (w *world) emitLocked(eventType, sourceID string, data any) {
	w.emitNamedLocked(eventNameIssuing, eventType, sourceID, data)
}

// emitNamedLocked queues a webhook of any event_name, stamped with the
// world's Now: inside settle, the due time of the task that made it.
func (w *world) emitNamedLocked(eventName, eventType, sourceID string, data any) {
	raw, err := core.Marshal(data)
	if err != nil {
		return // the data types below always marshal
	}
	body, err := core.Marshal(Event{Version: "V1.6.0", EventName: eventName, EventType: eventType,
		EventID: w.Faker.UUID(), SourceID: sourceID, Data: raw})
	if err != nil {
		return
	}
	w.outbox.EnqueueAt(w.Tenant.ID, Name, eventType, w.Now(), body)
}

// signWebhook signs a body the way UQPay does and the SDK verifies:
// x-wk-timestamp is the wall time (Unix seconds, or milliseconds with
// WithWebhookMillis) and x-wk-signature the lowercase hex HMAC-SHA512,
// keyed with the webhook secret, of the raw body followed by the timestamp
// header's exact text.
func (s *Server) signWebhook(tenant string, body []byte, wall time.Time) (http.Header, error) {
	w, ok := s.worlds.Get(tenant)
	if !ok {
		return nil, errors.New("uqpay: tenant " + tenant + " is gone")
	}
	secret := w.creds.WebhookSecret // credentials never change: no lock
	ts := strconv.FormatInt(wall.Unix(), 10)
	if w.set.WebhookMillis {
		ts = strconv.FormatInt(wall.UnixMilli(), 10)
	}
	h := http.Header{}
	h.Set("x-wk-timestamp", ts)
	h.Set("x-wk-signature", WebhookSignature(secret, body, ts))
	return h, nil
}

// WebhookSignature returns the x-wk-signature of a webhook body: lowercase
// hex of HMAC-SHA512(secret, body + timestamp).
func WebhookSignature(secret string, body []byte, timestamp string) string {
	m := hmac.New(sha512.New, []byte(secret))
	m.Write(body)
	m.Write([]byte(timestamp))
	return hex.EncodeToString(m.Sum(nil))
}

// VerifyWebhook checks a delivery as the official SDK's verifier does: both
// headers present, the timestamp (seconds, or milliseconds when ≥ 10¹²)
// within tolerance of now, and the signature matching. It returns the
// parsed event.
func VerifyWebhook(secret string, body []byte, signature, timestamp string, now time.Time, tolerance time.Duration) (*Event, error) {
	if signature == "" {
		return nil, errors.New("webhook header missing: x-wk-signature")
	}
	if timestamp == "" {
		return nil, errors.New("webhook header missing: x-wk-timestamp")
	}
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return nil, errors.New("invalid x-wk-timestamp " + strconv.Quote(timestamp))
	}
	at := time.Unix(ts, 0)
	if ts >= 1_000_000_000_000 {
		at = time.UnixMilli(ts)
	}
	if d := now.Sub(at); d > tolerance || d < -tolerance {
		return nil, errors.New("webhook timestamp is outside the allowed tolerance of " + tolerance.String())
	}
	got, err := hex.DecodeString(signature)
	if err != nil {
		return nil, errors.New("webhook signature verification failed")
	}
	want, _ := hex.DecodeString(WebhookSignature(secret, body, timestamp))
	if !hmac.Equal(got, want) {
		return nil, errors.New("webhook signature verification failed")
	}
	var ev Event
	if err := json.Unmarshal(body, &ev); err != nil {
		return nil, errors.New("webhook body is not valid JSON: " + err.Error())
	}
	return &ev, nil
}

// webhookCardholder is the cardholder inside card webhooks.
type webhookCardholder struct {
	CardholderID     string           `json:"cardholder_id"`
	CardholderStatus CardholderStatus `json:"cardholder_status"`
	CountryCode      string           `json:"country_code,omitempty"`
	CreateTime       string           `json:"create_time"`
	DateOfBirth      string           `json:"date_of_birth,omitempty"`
	Email            string           `json:"email"`
	FirstName        string           `json:"first_name"`
	LastName         string           `json:"last_name"`
	NumberOfCards    int              `json:"number_of_cards,omitempty"`
	PhoneNumber      string           `json:"phone_number,omitempty"`
	Reason           string           `json:"reason,omitempty"`
}

type webhookLimit struct {
	Amount   string `json:"amount"`
	Interval string `json:"interval"`
}

// webhookRisk is risk_control in card webhooks.
// Quirk: singular "risk_control" here, "risk_controls" in REST.
type webhookRisk struct {
	Enable3DS string `json:"enable_3ds,omitempty"`
	Allow3DS  string `json:"allow_3ds_transactions,omitempty"`
}

// cardCreatedData is the data of card.create.succeeded and .failed, in the
// published example's key order.
type cardCreatedData struct {
	CardAvailableBalance string            `json:"card_available_balance"`
	CardBin              string            `json:"card_bin"`
	CardID               string            `json:"card_id"`
	CardNumber           string            `json:"card_number"`
	CardProductID        string            `json:"card_product_id"`
	CardScheme           string            `json:"card_scheme"`
	CardStatus           CardStatus        `json:"card_status"`
	Cardholder           webhookCardholder `json:"cardholder"`
	FormFactor           FormFactor        `json:"form_factor"`
	Metadata             json.RawMessage   `json:"metadata"`
	ModeType             Mode              `json:"mode_type"`
	RiskControl          webhookRisk       `json:"risk_control"`
	SpendingLimits       []webhookLimit    `json:"spending_limits"` // Quirk: spending_limits here, spending_controls in card.update.*
}

func (w *world) webhookHolder(a *account, holderID string, full bool) webhookCardholder {
	h, _ := a.cardholders.Get(holderID)
	out := webhookCardholder{CardholderID: h.ID, CardholderStatus: h.Status, CreateTime: w.fmtTime(h.CreatedAt),
		Email: h.Email, FirstName: h.FirstName, LastName: h.LastName}
	if h.Status != CardholderSuccess {
		out.Reason = h.Reason
	}
	if full {
		out.CountryCode, out.DateOfBirth, out.PhoneNumber = h.CountryCode, h.DateOfBirth, h.PhoneNumber
		out.NumberOfCards = a.numberOfCards(h.ID)
	}
	return out
}

func webhookLimits(cs []SpendingControl) []webhookLimit {
	out := make([]webhookLimit, 0, len(cs))
	for _, sc := range cs {
		out = append(out, webhookLimit{Amount: amountText(sc.Amount), Interval: sc.Interval})
	}
	return out
}

func metadataOf(c Card) json.RawMessage {
	if len(c.Metadata) == 0 {
		return json.RawMessage(`{}`)
	}
	return c.Metadata
}

func (w *world) createdData(a *account, c Card, reason string) cardCreatedData {
	d := cardCreatedData{
		CardAvailableBalance: amountText(a.cardAvailable(c)), CardBin: c.BIN, CardID: c.ID, CardNumber: c.maskedWebhook(),
		CardProductID: c.ProductID, CardScheme: c.Scheme, CardStatus: c.Status,
		Cardholder: w.webhookHolder(a, c.CardholderID, false), FormFactor: c.FormFactor, Metadata: metadataOf(c),
		ModeType: c.Mode, RiskControl: webhookRisk{Enable3DS: "Y", Allow3DS: c.Risk.Allow3DS},
		SpendingLimits: webhookLimits(c.SpendingControls),
	}
	if reason != "" && d.Cardholder.Reason == "" {
		d.Cardholder.Reason = reason
	}
	return d
}

// cardUpdatedData is the data of card.update.succeeded, as the SDK's
// example shows it.
type cardUpdatedData struct {
	AvailableBalance   string            `json:"available_balance"`
	CardBin            string            `json:"card_bin"`
	CardCurrency       string            `json:"card_currency"`
	CardID             string            `json:"card_id"`
	CardLimit          string            `json:"card_limit"`
	CardNumber         string            `json:"card_number"`
	CardOrderID        string            `json:"card_order_id"`
	CardProductID      string            `json:"card_product_id"`
	CardScheme         string            `json:"card_scheme"`
	CardStatus         CardStatus        `json:"card_status"`
	Cardholder         webhookCardholder `json:"cardholder"`
	FormFactor         FormFactor        `json:"form_factor"`
	Metadata           json.RawMessage   `json:"metadata"`
	ModeType           Mode              `json:"mode_type"`
	NoPinPaymentAmount string            `json:"no_pin_payment_amount"`
	OrderStatus        string            `json:"order_status"` // Quirk: lowercase "success" in this event only
	RiskControl        webhookRisk       `json:"risk_control"`
	SpendingControls   []webhookLimit    `json:"spending_controls"`
}

func (w *world) updatedData(a *account, c Card, orderID string) cardUpdatedData {
	return cardUpdatedData{
		AvailableBalance: amountText(a.cardAvailable(c)), CardBin: c.BIN, CardCurrency: c.Currency, CardID: c.ID,
		CardLimit: amountText(c.Limit), CardNumber: c.maskedWebhook(), CardOrderID: orderID, CardProductID: c.ProductID,
		CardScheme: c.Scheme, CardStatus: c.Status, Cardholder: w.webhookHolder(a, c.CardholderID, true),
		FormFactor: c.FormFactor, Metadata: metadataOf(c), ModeType: c.Mode,
		NoPinPaymentAmount: amountText(c.NoPIN) + c.Currency, OrderStatus: "success",
		RiskControl: webhookRisk{Allow3DS: c.Risk.Allow3DS}, SpendingControls: webhookLimits(c.SpendingControls),
	}
}

// cardStatusData is the data of card.status.update.*.
type cardStatusData struct {
	CardID       string     `json:"card_id"`
	CardNumber   string     `json:"card_number"`
	CardStatus   CardStatus `json:"card_status"`
	UpdateReason string     `json:"update_reason,omitempty"`
	UpdateTime   string     `json:"update_time"`
}

func (w *world) statusData(c Card) cardStatusData {
	return cardStatusData{CardID: c.ID, CardNumber: c.maskedWebhook(), CardStatus: c.Status,
		UpdateReason: c.UpdateReason, UpdateTime: w.fmtTime(c.UpdatedAt)}
}

// cardRechargeData is the data of card.recharge.* and card.withdraw.*.
type cardRechargeData struct {
	Amount               string      `json:"amount"`
	CardAvailableBalance string      `json:"card_available_balance"`
	CardCurrency         string      `json:"card_currency"`
	CardID               string      `json:"card_id"`
	CardStatus           CardStatus  `json:"card_status"`
	CompleteTime         string      `json:"complete_time"`
	OrderStatus          OrderStatus `json:"order_status"`
	UpdateTime           string      `json:"update_time"`
}

func (w *world) rechargeData(a *account, c Card, o CardOrder) cardRechargeData {
	return cardRechargeData{Amount: amountText(o.Amount), CardAvailableBalance: amountText(a.cardAvailable(c)),
		CardCurrency: c.Currency, CardID: c.ID, CardStatus: c.Status, CompleteTime: w.fmtTime(o.CompletedAt),
		OrderStatus: o.Status, UpdateTime: w.fmtTime(o.UpdatedAt)}
}

// activationCodeData is the data of card.activation.code.
type activationCodeData struct {
	ActivationCode string `json:"activation_code"`
	CardID         string `json:"card_id"`
	CardNumber     string `json:"card_number"`
}

// activationStatusData is the data of card.activation.status.
type activationStatusData struct {
	ActivationStatus string `json:"activation_status"`
	CardID           string `json:"card_id"`
	CardNumber       string `json:"card_number"`
}

// webhookMerchant is one merchant_data entry of a transaction webhook.
type webhookMerchant struct {
	CategoryCode string `json:"category_code"`
	City         string `json:"city"`
	Country      string `json:"country"`
	Name         string `json:"name"`
}

// txnData is the data of issuing.transaction.*: every amount a string.
type txnData struct {
	AuthorizationCode     string            `json:"authorization_code"`
	BillingAmount         string            `json:"billing_amount"`
	BillingCurrency       string            `json:"billing_currency"`
	CardAvailableBalance  string            `json:"card_available_balance"`
	CardID                string            `json:"card_id"`
	CardNumber            string            `json:"card_number"`
	CardholderID          string            `json:"cardholder_id"`
	Description           string            `json:"description"`
	FeePassThrough        string            `json:"fee_pass_through"`
	MerchantData          []webhookMerchant `json:"merchant_data"` // Quirk: an array here, an object in REST
	OriginalTransactionID string            `json:"original_transaction_id"`
	PostedTime            string            `json:"posted_time"`
	ShortTransactionID    string            `json:"short_transaction_id"`
	TransactionAmount     string            `json:"transaction_amount"`
	TransactionCurrency   string            `json:"transaction_currency"`
	TransactionFee        string            `json:"transaction_fee"`
	TransactionFeeCurr    string            `json:"transaction_fee_currency"`
	TransactionID         string            `json:"transaction_id"`
	TransactionStatus     string            `json:"transaction_status"`
	TransactionTime       string            `json:"transaction_time"`
	TransactionType       string            `json:"transaction_type"`
	WalletType            string            `json:"wallet_type"`
}

func (w *world) txnData(c Card, t Transaction) txnData {
	m := t.Merchant
	return txnData{
		AuthorizationCode: t.AuthCode, BillingAmount: amountText(t.Billing), BillingCurrency: t.BillingCurrency,
		CardAvailableBalance: amountText(t.CardAvailable), CardID: c.ID, CardNumber: c.maskedWebhook(),
		CardholderID: t.CardholderID, Description: t.Description, FeePassThrough: "N",
		MerchantData:          []webhookMerchant{{CategoryCode: m.CategoryCode, City: m.City, Country: m.Country, Name: m.Name}},
		OriginalTransactionID: t.OriginalID, PostedTime: t.CreatedAt.In(w.zone).Format(layoutMillis),
		ShortTransactionID: t.ShortID, TransactionAmount: amountText(t.Amount), TransactionCurrency: t.Currency,
		TransactionFee: amountText(t.Fee), TransactionFeeCurr: t.BillingCurrency, TransactionID: t.ID,
		TransactionStatus: t.Status, TransactionTime: w.fmtTime(t.CreatedAt), TransactionType: t.Type,
		WalletType: t.WalletType,
	}
}

// feeData is the data of issuing.fee.card, in the published example's
// key order: a fee transaction has no merchant, authorization code or
// original transaction, and names itself as reference_id.
type feeData struct {
	BillingAmount        string `json:"billing_amount"`
	BillingCurrency      string `json:"billing_currency"`
	CardAvailableBalance string `json:"card_available_balance"`
	CardID               string `json:"card_id"`
	CardNumber           string `json:"card_number"`
	CardholderID         string `json:"cardholder_id"`
	PostedTime           string `json:"posted_time"`
	ReferenceID          string `json:"reference_id"`
	Remark               string `json:"remark"`
	ShortReferenceID     string `json:"short_reference_id"`
	TransactionAmount    string `json:"transaction_amount"`
	TransactionCurrency  string `json:"transaction_currency"`
	TransactionStatus    string `json:"transaction_status"`
	TransactionTime      string `json:"transaction_time"`
	TransactionType      string `json:"transaction_type"`
}

func (w *world) feeData(c Card, t Transaction) feeData {
	return feeData{
		BillingAmount: amountText(t.Billing), BillingCurrency: t.BillingCurrency,
		CardAvailableBalance: amountText(t.CardAvailable), CardID: c.ID, CardNumber: c.maskedWebhook(),
		CardholderID: t.CardholderID, PostedTime: w.fmtTime(t.CreatedAt), ReferenceID: t.ID, Remark: t.Description,
		ShortReferenceID: t.ShortID, TransactionAmount: amountText(t.Amount), TransactionCurrency: t.Currency,
		TransactionStatus: t.Status, TransactionTime: w.fmtTime(t.CreatedAt), TransactionType: t.Type,
	}
}

// depositData is the data of deposit.*, in the SDK's DepositData order.
//
// Quirk: deposit_status is in title case here ("Pending", as published)
// while Simulate Deposit Creation answers PENDING; the completed and
// rejected values follow the same rule ("Completed", "Failed").
// complete_time is null until the deposit completes.
type depositData struct {
	DirectID         string  `json:"direct_id"`
	AccountID        string  `json:"account_id"`
	AccountName      string  `json:"account_name"`
	DepositID        string  `json:"deposit_id"`
	ShortReferenceID string  `json:"short_reference_id"`
	DepositCurrency  string  `json:"deposit_currency"`
	DepositAmount    string  `json:"deposit_amount"`
	DepositFee       string  `json:"deposit_fee"`
	CreateTime       string  `json:"create_time"`
	CompleteTime     *string `json:"complete_time"`
	UpdateTime       string  `json:"update_time"`
	DepositStatus    string  `json:"deposit_status"`
	DepositReference string  `json:"deposit_reference"`
	SenderName       string  `json:"sender_name"`
}

var depositStatusText = map[string]string{DepositPending: "Pending", DepositCompleted: "Completed", DepositFailed: "Failed"}

// depositData renders a deposit for its webhook. direct_id is "0" for the
// master account and the master's id for a sub-account (as published).
func (w *world) depositData(a *account, d Deposit) depositData {
	out := depositData{
		DirectID: "0", AccountID: a.ID, AccountName: a.Name, DepositID: d.ID, ShortReferenceID: d.ShortID,
		DepositCurrency: d.Currency, DepositAmount: amountText(d.Amount), DepositFee: "0",
		CreateTime: w.fmtTime(d.CreatedAt), UpdateTime: w.fmtTime(d.UpdatedAt), DepositStatus: depositStatusText[d.Status],
		SenderName: d.SenderName,
	}
	if !a.Master {
		out.DirectID = w.master.ID
	}
	if !d.CompletedAt.IsZero() {
		t := w.fmtTime(d.CompletedAt)
		out.CompleteTime = &t
	}
	return out
}

// Deliveries returns the default tenant's UQPay webhook deliveries, oldest
// first.
func (s *Server) Deliveries() []core.Delivery {
	return s.Webhooks.Deliveries(func(d core.Delivery) bool {
		return d.Provider == Name && d.Tenant == core.DefaultTenant
	})
}
