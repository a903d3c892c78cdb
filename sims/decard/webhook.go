package decard

// Webhooks — the Java connector's dicard webhook module (WebhookPayload,
// WebhookVerifier, WebhookEvent); DeCard publishes no webhook page.

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// HeaderWebhookSignature carries a webhook's signature.
const HeaderWebhookSignature = "X-Signature"

// webhookBody is a webhook's payload before its keys are sorted.
type webhookBody struct {
	WebhookID             string `json:"webhookId"`
	Type                  string `json:"type"`
	ExternalUserID        string `json:"externalUserId"`
	Data                  any    `json:"data"`
	NotificationTimestamp int64  `json:"notificationTimestamp"`
	EventTimestamp        int64  `json:"eventTimestamp"`
}

// notifyLocked queues a webhook for the tenant, stamped and queued at the
// world's Now — inside settle, the due time of the task that sent it — so
// notificationTimestamp is when the event was due to be sent, whenever the
// clock was read. eventTimestamp is when the event happened (at), which may
// be earlier (an authorisation posted on its statement date). The outbox
// delivers it to the tenant's DeCard webhook URL, retrying until a 2xx.
func (w *world) notifyLocked(event, user string, at time.Time, data any) {
	now := w.Now()
	body, err := sortedJSON(webhookBody{
		WebhookID: w.numID(19), Type: event, ExternalUserID: user, Data: data,
		NotificationTimestamp: now.UnixMilli(), EventTimestamp: at.UnixMilli(),
	})
	if err != nil {
		return // the payload types always marshal
	}
	w.outbox.EnqueueAt(w.Tenant.ID, Name, event, now, body)
}

// sortedJSON renders v compactly with every object's keys sorted, nested
// ones included.
//
// Quirk: webhook bodies have their keys in alphabetical order (the
// connector's WebhookPayload: "JSON fields are serialized in alphabetical
// order for signature computation"), and timestamps are JSON numbers there
// while the stream sends strings.
func sortedJSON(v any) ([]byte, error) {
	raw, err := core.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, err
	}
	return core.Marshal(tree) // maps marshal with sorted keys
}

// signWebhook signs a body as DeCard does: X-Signature is the lower-case
// hex HMAC-SHA256 of the raw body, keyed with the API secret's UTF-8 text.
// No timestamp, nonce or prefix.
func (s *Server) signWebhook(tenant string, body []byte, _ time.Time) (http.Header, error) {
	w, ok := s.worlds.Get(tenant)
	if !ok {
		return nil, errors.New("decard: tenant " + tenant + " is gone")
	}
	h := http.Header{}
	h.Set(HeaderWebhookSignature, WebhookSignature(w.creds.APISecret, body))
	return h, nil
}

// WebhookSignature returns the X-Signature of a webhook body.
func WebhookSignature(apiSecret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(apiSecret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// VerifyWebhook checks a webhook the way the connector's WebhookVerifier
// does: a constant-time comparison of the lower-case hex signature with
// the header's bytes, so the comparison is case-sensitive.
func VerifyWebhook(apiSecret string, body []byte, signature string) bool {
	return hmac.Equal([]byte(WebhookSignature(apiSecret, body)), []byte(signature))
}

// acceptWebhook: any 2xx answer counts as delivered.
func acceptWebhook(status int, _ []byte) bool { return status >= 200 && status < 300 }
