package decard

// Push notifications — DeCard "websocket" section (channel, push message
// format, search) and the Java connector's webhook module (event types,
// sorted body, X-Signature).

import (
	"bytes"
	"encoding/json"
	"sync"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Event types. The first four are pushed over the WebSocket stream and as
// webhooks; the others only as webhooks (the connector's WebhookEvent).
const (
	eventKYCStatus       = "KYC_STATUS"
	eventBalanceChange   = "BALANCE_CHANGE"
	eventCardTransaction = "CARD_TRANSACTION"
	eventOrderStatus     = "ORDER_STATUS"
	eventCardApply       = "CARD_APPLY"
	eventCardStatus      = "CARD_STATUS"
	eventShipping        = "CARD_PHYSICAL_SHIPPING"
	eventSettlement      = "CARD_TRANSACTION_SETTLEMENT"
	eventQROrderStatus   = "QR_ORDER_STATUS"
	eventBankTransfer    = "BANK_TRANSFER_INFO"
	eventFCPayment       = "FC_PAYMENT_INFO"
	eventFCTransfer      = "FC_TRANSFER_INFO"
	eventFCWithdraw      = "FC_WITHDRAW_INFO"
)

// Message is one pushed WebSocket message, kept for search.
type Message struct {
	Type      string          `json:"type"`
	Timestamp int64           `json:"timestamp"` // business time, Unix ms
	Version   int64           `json:"version"`
	UserID    string          `json:"externalUserId"`
	Data      json.RawMessage `json:"data"`
}

// wsMessage is a message as the stream sends it. Quirk: timestamp and
// version are strings on the stream (webhooks send numbers).
type wsMessage struct {
	Type           string          `json:"type"`
	Timestamp      string          `json:"timestamp"`
	Version        string          `json:"version"`
	ExternalUserID string          `json:"externalUserId"`
	Data           json.RawMessage `json:"data"`
}

// frame renders a message as a stream frame: compact, keys in the
// published order type, timestamp, version, externalUserId, data.
func (m Message) frame() []byte {
	b, _ := core.Marshal(wsMessage{m.Type, itoa(m.Timestamp), itoa(m.Version), m.UserID, m.Data})
	return b
}

// searchText renders a message as /websocket/v1/search returns it.
//
// Quirk: search returns the message as a JSON string, and that string is
// formatted differently from the stream frame: keys in the order data,
// type, version, timestamp, externalUserId, with ", " and ": " separators
// (as the published example shows).
func (m Message) searchText() string {
	var b bytes.Buffer
	b.WriteString(`{"data": `)
	b.Write(spaced(m.Data))
	for _, kv := range [][2]string{{"type", m.Type}, {"version", itoa(m.Version)}, {"timestamp", itoa(m.Timestamp)}, {"externalUserId", m.UserID}} {
		k, _ := core.Marshal(kv[0])
		v, _ := core.Marshal(kv[1])
		b.WriteString(", ")
		b.Write(k)
		b.WriteString(": ")
		b.Write(v)
	}
	b.WriteByte('}')
	return b.String()
}

// spaced re-renders compact JSON with ", " and ": " separators.
func spaced(compact []byte) []byte {
	out := make([]byte, 0, len(compact)+len(compact)/4)
	inString, escaped := false, false
	for _, c := range compact {
		out = append(out, c)
		switch {
		case inString && escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case !inString && (c == ',' || c == ':'):
			out = append(out, ' ')
		}
	}
	return out
}

// Channel is a tenant's WebSocket channel (get-channel). One channel
// carries every user's messages; a new one retires the old.
type Channel struct {
	ID        string    `json:"channel"`
	ExpiresAt time.Time `json:"expiresAt"` // business time; zero never expires
}

// subscriber is one open stream connection.
type subscriber struct {
	ch   chan []byte
	done chan struct{}
	once sync.Once
}

func (s *subscriber) stop() { s.once.Do(func() { close(s.done) }) }

func (w *world) subscribeLocked() *subscriber {
	sub := &subscriber{ch: make(chan []byte, 1024), done: make(chan struct{})}
	w.subscribers[sub] = struct{}{}
	return sub
}

func (w *world) unsubscribeLocked(sub *subscriber) {
	delete(w.subscribers, sub)
	sub.stop()
}

func (w *world) dropSubscribersLocked() {
	for sub := range w.subscribers {
		w.unsubscribeLocked(sub)
	}
}

// pushLocked sends an event over the stream (with the next version) and
// as a webhook.
func (w *world) pushLocked(event, user string, at time.Time, data any) {
	raw, err := core.Marshal(data)
	if err != nil {
		return // the payload types always marshal
	}
	w.version++
	m := Message{Type: event, Timestamp: at.UnixMilli(), Version: w.version, UserID: user, Data: raw}
	w.messages = append(w.messages, m)
	if n := len(w.messages) - w.set.MessageLog; n > 0 {
		w.messages = w.messages[n:]
	}
	if len(w.subscribers) > 0 {
		f := m.frame()
		for sub := range w.subscribers {
			select {
			case sub.ch <- f:
			default: // a reader this slow loses its stream; search recovers what it missed
				w.unsubscribeLocked(sub)
			}
		}
	}
	w.notifyLocked(event, user, at, data)
}

// messageLocked returns the pushed message with the given version.
func (w *world) messageLocked(version int64) (Message, bool) {
	if len(w.messages) == 0 {
		return Message{}, false
	}
	i := version - w.messages[0].Version
	if i < 0 || i >= int64(len(w.messages)) {
		return Message{}, false
	}
	return w.messages[i], true
}

// kycStatusData is KYC_STATUS's data.
type kycStatusData struct {
	Status KYCStatus `json:"status"`
}

// balanceChangeData is BALANCE_CHANGE's data, keys in the published order.
type balanceChangeData struct {
	Asset          string `json:"asset"`
	Network        string `json:"network"`
	FreeDelta      string `json:"freeDelta"`
	FreezeDelta    string `json:"freezeDelta"`
	TranID         string `json:"tranId"`
	ExternalTranID string `json:"externalTranId"`
	Free           string `json:"free"`
	Freeze         string `json:"freeze"`
	Type           string `json:"type"`
}

// cardTxnPush is CARD_TRANSACTION's data.
type cardTxnPush struct {
	CardNumber              string `json:"cardNumber"`
	TransactionCurrencyCode string `json:"transactionCurrencyCode"`
	TransactionAmount       string `json:"transactionAmount"`
	LocalTransactionDate    string `json:"localTransactionDate"` // MMdd
	LocalTransactionTime    string `json:"localTransactionTime"` // HHmmss
	Response                string `json:"response"`             // A accepted, D declined
	Direction               string `json:"direction"`            // DEBIT or CREDIT
	SystemTraceAuditNumber  string `json:"systemTraceAuditNumber"`
	RequestAmountInUsd      string `json:"requestAmountInUsd"`
	ExternalTranID          string `json:"externalTranId"`
}

func cardTxnData(c Card, x CardTxn, approved bool) cardTxnPush {
	p := cardTxnPush{
		CardNumber: c.spacedNo(), TransactionCurrencyCode: currencyNumeric[x.Currency], TransactionAmount: x.Amount.String(),
		LocalTransactionDate: x.At.UTC().Format("0102"), LocalTransactionTime: x.At.UTC().Format("150405"),
		Response: "A", Direction: "DEBIT", SystemTraceAuditNumber: "G_" + x.ExternalTranID,
		RequestAmountInUsd: money(x.USD), ExternalTranID: x.ExternalTranID,
	}
	if !approved {
		p.Response = "D"
	}
	if x.DC == Credit {
		p.Direction = "CREDIT"
	}
	return p
}

// orderStatusData is ORDER_STATUS's data.
type orderStatusData struct {
	TxHash             string `json:"txHash"`
	TransStatus        string `json:"transStatus"`
	Amount             string `json:"amount"`
	Asset              string `json:"asset"`
	Network            string `json:"network"`
	CreditAmount       string `json:"creditAmount"`
	CreditCurrency     string `json:"creditCurrency"`
	FromAddress        string `json:"fromAddress"`
	ToAddress          string `json:"toaddress"` // Quirk: lower-case "a", as published.
	ConvertAmount      string `json:"convertAmount"`
	ConvertCurrency    string `json:"convertCurrency"`
	ConvertFeeAmount   string `json:"convertFeeAmount"`
	ConvertFeeCurrency string `json:"convertFeeCurrency"`
}

func orderData(d Deposit) orderStatusData {
	amt := d.Amount.StringFixed(8)
	return orderStatusData{
		TxHash: d.TxHash, TransStatus: string(d.Status), Amount: amt, Asset: d.Asset, Network: d.Network,
		CreditAmount: amt, CreditCurrency: d.Asset, FromAddress: d.From, ToAddress: d.To,
		ConvertAmount: amt, ConvertCurrency: d.Asset, ConvertFeeAmount: "0.00000000", ConvertFeeCurrency: "",
	}
}

// cardStatusData is CARD_STATUS's data (webhook only; DeCard publishes no
// example).
type cardStatusData struct {
	CardID             string         `json:"cardId"`
	CardMantissa       string         `json:"cardMantissa"`
	CardStatus         CardStatus     `json:"cardStatus"`
	PhysicalCardStatus PhysicalStatus `json:"physicalCardStatus"`
}
