package scenarios

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

func init() { adapters["uqpay"] = uqpayAdapter{} }

// uqpayAdapter authenticates UQPay calls the way the official SDK does:
// the token endpoint gets x-client-id and x-api-key; every other call
// "x-auth-token: Bearer <auth_token>" (fetched on first use, and again
// when a call answers 401 unauthorized_error), and every POST a fresh UUID
// x-idempotency-key unless the step's headers name one.
type uqpayAdapter struct{}

// webhookTolerance is how far a delivery's x-wk-timestamp may be from the
// wall clock when the runner checks it (the SDK's verifier default).
const webhookTolerance = 5 * time.Minute

func isUQPayToken(path string) bool { return strings.HasSuffix(path, "/connect/token") }

func (uqpayAdapter) authorize(r *http.Request, _ []byte, creds map[string]string, _ time.Time, s *session) error {
	if creds["client_id"] == "" || creds["api_key"] == "" {
		return errors.New("uqpay: the tenant has no client_id and api_key")
	}
	if isUQPayToken(r.URL.Path) {
		r.Header.Set("x-client-id", creds["client_id"])
		r.Header.Set("x-api-key", creds["api_key"])
		return nil
	}
	if s.token == "" && !s.fetched {
		s.fetched = true
		if err := s.fetch(); err != nil {
			return err
		}
	}
	r.Header.Set("x-auth-token", "Bearer "+s.token)
	if r.Method == http.MethodPost {
		r.Header.Set("x-idempotency-key", uqpay.NewIdempotencyKey())
	}
	return nil
}

func (uqpayAdapter) observe(path string, body []byte, s *session) {
	if !isUQPayToken(path) {
		return
	}
	var t struct {
		AuthToken string `json:"auth_token"`
	}
	if json.Unmarshal(body, &t) == nil && t.AuthToken != "" {
		s.token = t.AuthToken
	}
}

// verify checks a delivery as the SDK's verifier does: x-wk-signature is
// the hex HMAC-SHA512 of the raw body followed by x-wk-timestamp, keyed
// with the tenant's webhook secret, and the timestamp is fresh.
func (uqpayAdapter) verify(h http.Header, body []byte, creds map[string]string) error {
	_, err := uqpay.VerifyWebhook(creds["webhook_secret"], body, h.Get("x-wk-signature"), h.Get("x-wk-timestamp"),
		core.WallNow(), webhookTolerance)
	return err
}

// reply is what a merchant's receiver answers; UQPay accepts any 2xx.
func (uqpayAdapter) reply() string { return `{"received":true}` }

func (uqpayAdapter) authFailure(status int, body []byte) string {
	var e struct {
		Code string `json:"code"`
	}
	if status == http.StatusUnauthorized && json.Unmarshal(body, &e) == nil && e.Code == "unauthorized_error" {
		return e.Code
	}
	return ""
}
