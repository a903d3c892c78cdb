package scenarios

import (
	"errors"
	"net/http"
	"time"

	"github.com/mocksrv/mocksrv/sims/bkj"
)

func init() { adapters["bkj"] = bkjAdapter{} }

// bkjAdapter signs bkj calls: X-Api-Key, X-Timestamp (Unix seconds at now,
// which timestamp_offset shifts), a fresh X-Nonce and the HMAC-SHA256
// X-Signature over the canonical request. bkj has no tokens.
type bkjAdapter struct{}

func (bkjAdapter) authorize(r *http.Request, body []byte, creds map[string]string, now time.Time, _ *session) error {
	if creds["api_key"] == "" || creds["api_secret"] == "" {
		return errors.New("bkj: the tenant has no api_key and api_secret")
	}
	return bkj.SignRequest(r, body, creds["api_key"], creds["api_secret"], now)
}

func (bkjAdapter) observe(string, []byte, *session) {}

func (bkjAdapter) verify(h http.Header, body []byte, creds map[string]string) error {
	if got := h.Get(bkj.HeaderAPIKey); got != creds["api_key"] {
		return errors.New("X-Api-Key " + got + " is not the tenant's")
	}
	return bkj.VerifyWebhook(creds["api_secret"], h, body)
}

// reply is what a merchant's receiver answers; bkj accepts any 2xx.
func (bkjAdapter) reply() string { return `{"code":0,"message":"success"}` }

func (bkjAdapter) authFailure(int, []byte) string { return "" }
