package keysecure

// Callbacks — KeySecure Open API "Webhook" section (card-update, auth,
// consumption) and "Code Utilities" SignUtils.

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Callback actions (constants 8.6).
const (
	actionAuth        = "Auth"
	actionConsumption = "Consumption"
	actionCardUpdate  = "Card_update"
)

// callback is the body KeySecure POSTs to the merchant.
type callback struct {
	ID     string `json:"id"`
	Action string `json:"action"`
	Data   any    `json:"data"`
}

type cardUpdateData struct {
	CardNo       string     `json:"card_no"`
	BeforeStatus CardStatus `json:"before_status"`
	AfterStatus  CardStatus `json:"after_status"`
	Reason       string     `json:"reason"`
	Time         int64      `json:"time"`
}

type merchantJSON struct {
	MerchantName string `json:"merchant_name"`
	MerchantMCC  string `json:"merchant_mcc"`
	City         string `json:"city"`
	Country      string `json:"country"`
}

func merchantOf(m Merchant) merchantJSON {
	return merchantJSON{MerchantName: m.Name, MerchantMCC: m.MCC, City: m.City, Country: m.Country}
}

type authPush struct {
	ConsumeNo     string       `json:"consume_no"`
	CardNo        string       `json:"card_no"`
	CardholderNo  string       `json:"cardholder_no"`
	Type          ConsumeType  `json:"type"`
	Amount        json.Number  `json:"amount"` // Quirk: callbacks send amounts as numbers, query APIs as strings.
	LocalAmount   json.Number  `json:"local_amount"`
	LocalCurrency string       `json:"local_currency"`
	MerchantInfo  merchantJSON `json:"merchant_info"`
	Status        Status       `json:"status"`
	Time          int64        `json:"time"`
}

func authData(c Consumption) authPush {
	return authPush{ConsumeNo: c.ID, CardNo: c.CardNo, CardholderNo: c.CardholderNo, Type: c.Type,
		Amount: json.Number(c.Amount.String()), LocalAmount: json.Number(c.LocalAmount.String()),
		LocalCurrency: c.LocalCurrency, MerchantInfo: merchantOf(c.Merchant), Status: Pending, Time: c.CreatedAt.UnixMilli()}
}

type feePush struct {
	FeeType string      `json:"fee_type"`
	Amount  json.Number `json:"amount"`
}

type consumptionPush struct {
	ConsumeNo       string       `json:"consume_no"`
	ConsumeRelateNo string       `json:"consume_relate_no"`
	CardNo          string       `json:"card_no"`
	CardholderNo    string       `json:"cardholder_no"`
	Type            ConsumeType  `json:"type"`
	Amount          json.Number  `json:"amount"`
	LocalAmount     json.Number  `json:"local_amount"`
	LocalCurrency   string       `json:"local_currency"`
	Remark          string       `json:"remark"`
	Detail          string       `json:"detail"`
	Fee             json.Number  `json:"fee"`
	FeeDetail       []feePush    `json:"fee_detail"` // Quirk: fee_detail here, fee_list in consume info.
	MerchantInfo    merchantJSON `json:"merchant_info"`
	Status          Status       `json:"status"`
	Time            int64        `json:"time"`
}

func consumptionData(c Consumption) consumptionPush {
	p := consumptionPush{ConsumeNo: c.ID, ConsumeRelateNo: c.RelateNo, CardNo: c.CardNo, CardholderNo: c.CardholderNo,
		Type: c.Type, Amount: json.Number(c.Amount.String()), LocalAmount: json.Number(c.LocalAmount.String()),
		LocalCurrency: c.LocalCurrency, Remark: c.Remark, Detail: c.Merchant.Name, Fee: json.Number(c.Fee().String()),
		FeeDetail: []feePush{}, MerchantInfo: merchantOf(c.Merchant), Status: c.Status, Time: c.CreatedAt.UnixMilli()}
	for _, f := range c.Fees {
		p.FeeDetail = append(p.FeeDetail, feePush{FeeType: f.Type, Amount: json.Number(f.Amount.String())})
	}
	return p
}

// emitLocked queues a callback for the tenant. The outbox delivers it to
// the tenant's KeySecure webhook URL, retrying until the merchant answers
// {"code":0}.
func (w *world) emitLocked(action string, data any) {
	body, err := core.Marshal(callback{ID: w.Faker.UUID(), Action: action, Data: data})
	if err != nil {
		return // the payload types above always marshal
	}
	w.outbox.EnqueueAt(w.Tenant.ID, Name, action, w.Now(), body)
}

// signCallback signs a callback as KeySecure's SignUtils does: HMAC-SHA256
// (key = api secret) in lowercase hex over the sorted "k=v&…" of appId (the
// Api-Key), timestamp (the Timestamp header, Unix ms) and every top-level
// field of data (nulls skipped; strings raw; other values compact JSON with
// sorted keys). The top-level id and action are not signed.
func (s *Server) signCallback(tenant string, body []byte, wall time.Time) (http.Header, error) {
	w, ok := s.worlds.Get(tenant)
	if !ok {
		return nil, errors.New("keysecure: tenant " + tenant + " is gone")
	}
	creds := w.creds // fixed for the world's life
	ts := strconv.FormatInt(wall.UnixMilli(), 10)
	sig, err := CallbackSignature(creds.APIKey, ts, body, creds.APISecret)
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	h.Set("Timestamp", ts)
	h.Set("Signature", sig)
	h.Set("Sign-Version", "V1")
	h.Set("Timezone", "UTC+8")
	return h, nil
}

// CallbackSignature computes the Signature header of a callback body, for
// merchants verifying mocksrv's callbacks in their tests.
func CallbackSignature(appID, timestamp string, body []byte, secret string) (string, error) {
	var push struct {
		Data map[string]json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &push); err != nil {
		return "", err
	}
	params := map[string]string{"appId": appID, "timestamp": timestamp}
	for k, raw := range push.Data {
		v, err := signValue(raw)
		if err != nil {
			return "", err
		}
		if v != nil {
			params[k] = *v
		}
	}
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k + "=" + params[k])
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(b.String()))
	return hex.EncodeToString(m.Sum(nil)), nil
}

// signValue renders one data field for signing: nil for null, the raw
// text of a string, compact JSON with sorted keys for anything else.
func signValue(raw json.RawMessage) (*string, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case string(raw) == "null":
		return nil, nil
	case len(raw) > 0 && raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return &s, nil
	case len(raw) > 0 && raw[0] != '{' && raw[0] != '[':
		// A number or a boolean is already its compact JSON; only objects
		// and arrays need their keys sorted. This is most fields, and
		// decoding each cost more than the HMAC.
		if !json.Valid(raw) {
			return nil, errors.New("keysecure: callback data holds invalid JSON: " + string(raw))
		}
		s := string(raw)
		return &s, nil
	}
	v, err := decodeNumbers(raw)
	if err != nil {
		return nil, err
	}
	switch t := v.(type) {
	case nil:
		return nil, nil
	case string:
		return &t, nil
	}
	out, err := core.Marshal(v)
	if err != nil {
		return nil, err
	}
	s := string(out)
	return &s, nil
}

func decodeNumbers(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// acceptCallback: the merchant must answer HTTP 2xx with {"code":0}.
func acceptCallback(_ int, body []byte) bool {
	var reply struct {
		Code *json.Number `json:"code"`
	}
	if json.Unmarshal(body, &reply) != nil || reply.Code == nil {
		return false
	}
	return reply.Code.String() == "0"
}
