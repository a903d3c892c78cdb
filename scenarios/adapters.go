package scenarios

import (
	"net/http"
	"strings"
	"time"
)

// adapter knows how one provider authenticates calls and signs webhooks.
type adapter interface {
	// authorize adds the provider's auth headers to a request whose body is
	// body, signing at wall time now.
	authorize(r *http.Request, body []byte, creds map[string]string, now time.Time, s *session) error
	// observe sees every answer (to pick up tokens).
	observe(path string, body []byte, s *session)
	// verify checks a webhook delivery's signature.
	verify(h http.Header, body []byte, creds map[string]string) error
	// reply is the receiver's default successful answer.
	reply() string
	// authFailure returns the envelope code of an answer that a real
	// client would cure by fetching a new token, or "".
	authFailure(status int, body []byte) string
}

// session holds what an adapter remembers during one scenario run.
type session struct {
	token   string
	fetch   func() error // gets a token when the provider needs one and none is held
	fetched bool
}

// adapters holds each provider's adapter; every adapter_<provider>.go file
// registers its own in init.
var adapters = map[string]adapter{}

// providerOf infers the provider from a path prefix.
func providerOf(path string) string {
	switch {
	case strings.HasPrefix(path, "/open-api/"):
		return "keysecure"
	case strings.HasPrefix(path, "/openapi/"):
		return "bkj"
	case strings.HasPrefix(path, "/api/"):
		return "uqpay"
	}
	return "decard"
}
