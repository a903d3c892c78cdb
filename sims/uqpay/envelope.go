package uqpay

import (
	"encoding/json"
	"net/http"

	"github.com/mocksrv/mocksrv/sims/core"
)

var prefixes = []string{"/api/"}

// Credentials are a tenant's UQPay API credentials.
type Credentials struct {
	ClientID      string `json:"client_id"`
	APIKey        string `json:"api_key"`
	WebhookSecret string `json:"webhook_secret"`
}

func newCredentials(tenant string) Credentials {
	if tenant == core.DefaultTenant {
		return Credentials{"mocksrv-uqpay-client-default", "mocksrv-uqpay-apikey-default", "mocksrv-uqpay-whsec-default"}
	}
	return Credentials{"uq-" + core.RandomHex(12), core.RandomHex(16), core.RandomHex(16)}
}

// writeError answers in UQPay's error body {type, code, message}.
func writeError(w http.ResponseWriter, _ *http.Request, err error) {
	e := core.AsError(err)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotImplemented)
	_ = json.NewEncoder(w).Encode(map[string]any{"type": "api_error", "code": "not_implemented", "message": e.Message})
}
