package decard

import (
	"encoding/json"
	"net/http"

	"github.com/mocksrv/mocksrv/sims/core"
)

var prefixes = []string{"/card/", "/account/", "/captcha/", "/user-asset/", "/crypto/", "/redirect/", "/websocket/", "/simulation/", "/ws/"}

// Credentials are a tenant's DeCard API credentials.
type Credentials struct {
	APIKey    string `json:"api_key"`
	APISecret string `json:"api_secret"`
}

func newCredentials(tenant string) Credentials {
	if tenant == core.DefaultTenant {
		return Credentials{"mocksrv-decard-key-default", "mocksrv-decard-secret-default"}
	}
	return Credentials{"dc-" + core.RandomHex(12), core.RandomHex(16)}
}

// writeError answers in DeCard's failure envelope {code, message, success}.
func writeError(w http.ResponseWriter, _ *http.Request, err error) {
	e := core.AsError(err)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"code": "DAPI_OPERATION_UNSUPPORTED", "message": e.Message, "success": false})
}
