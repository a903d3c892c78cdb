package scenarios

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/mocksrv/mocksrv/sims/decard"
)

func init() { adapters["decard"] = decardAdapter{} }

// decardAdapter signs DeCard calls: X-DAPI-API-KEY, X-DAPI-TIMESTAMP (Unix
// ms at now, which timestamp_offset shifts), X-DAPI-NONCE (10000–99999)
// and X-DAPI-SIGN = hex HMAC-SHA256(secret, apiKey+timestamp+nonce+payload),
// the payload being the query string of a GET and the raw body otherwise.
// DeCard has no tokens.
type decardAdapter struct{}

func (decardAdapter) authorize(r *http.Request, body []byte, creds map[string]string, now time.Time, _ *session) error {
	if creds["api_key"] == "" || creds["api_secret"] == "" {
		return errors.New("decard: the tenant has no api_key and api_secret")
	}
	decard.SignRequest(r, body, creds["api_key"], creds["api_secret"], now, 10000+rand.IntN(90000))
	return nil
}

func (decardAdapter) observe(string, []byte, *session) {}

// verify checks X-Signature, the hex HMAC-SHA256 of the raw body keyed
// with the tenant's API secret, as the Java connector's WebhookVerifier
// does.
func (decardAdapter) verify(h http.Header, body []byte, creds map[string]string) error {
	got := h.Get(decard.HeaderWebhookSignature)
	if got == "" {
		return errors.New("no " + decard.HeaderWebhookSignature + " header")
	}
	if !decard.VerifyWebhook(creds["api_secret"], body, got) {
		return fmt.Errorf("%s %q, want %q (HMAC-SHA256 of the raw body)", decard.HeaderWebhookSignature, got,
			decard.WebhookSignature(creds["api_secret"], body))
	}
	return nil
}

// reply is what a partner's receiver answers; DeCard accepts any 2xx.
func (decardAdapter) reply() string { return `{"code":"SYS_SUCCESS","success":true}` }

func (decardAdapter) authFailure(int, []byte) string { return "" }
