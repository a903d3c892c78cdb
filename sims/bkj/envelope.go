package bkj

import (
	"encoding/json"
	"net/http"

	"github.com/mocksrv/mocksrv/sims/core"
)

var prefixes = []string{"/openapi/"}

// Credentials are a tenant's bkj API credentials.
type Credentials struct {
	APIKey    string `json:"api_key"`
	APISecret string `json:"api_secret"`
}

func newCredentials(tenant string) Credentials {
	if tenant == core.DefaultTenant {
		return Credentials{"mocksrv-bkj-key-default", "mocksrv-bkj-secret-default"}
	}
	return Credentials{"bkj-" + core.RandomHex(12), core.RandomHex(16)}
}

// writeError answers in bkj's envelope {code, data, message, timestamp}.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := core.AsError(err)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotImplemented)
	_ = json.NewEncoder(w).Encode(map[string]any{"code": 50100, "data": nil, "message": e.Message,
		"timestamp": core.WallNow().UnixMilli()})
	_ = r
}
