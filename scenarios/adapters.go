package scenarios

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/keysecure"
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

var adapters = map[string]adapter{
	"keysecure": keysecureAdapter{},
}

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

type keysecureAdapter struct{}

func (keysecureAdapter) authorize(r *http.Request, _ []byte, creds map[string]string, now time.Time, s *session) error {
	r.Header.Set("Api-Key", creds["api_key"])
	r.Header.Set("Timestamp", strconv.FormatInt(now.UnixMilli(), 10))
	if strings.HasSuffix(r.URL.Path, "/merchant/token") {
		return nil
	}
	if s.token == "" && !s.fetched {
		s.fetched = true
		if err := s.fetch(); err != nil {
			return err
		}
	}
	r.Header.Set("Access-Token", s.token)
	return nil
}

func (keysecureAdapter) observe(path string, body []byte, s *session) {
	if !strings.HasSuffix(path, "/merchant/token") {
		return
	}
	var t struct {
		Data struct {
			AccessToken string `json:"access_token"`
		} `json:"data"`
	}
	if json.Unmarshal(body, &t) == nil && t.Data.AccessToken != "" {
		s.token = t.Data.AccessToken
	}
}

func (keysecureAdapter) verify(h http.Header, body []byte, creds map[string]string) error {
	want, err := keysecure.CallbackSignature(creds["api_key"], h.Get("Timestamp"), body, creds["api_secret"])
	if err != nil {
		return err
	}
	if h.Get("Signature") != want {
		return fmt.Errorf("Signature %q, want %q (SignUtils over appId, timestamp and data)", h.Get("Signature"), want)
	}
	if h.Get("Sign-Version") != "V1" {
		return errors.New("Sign-Version is not V1")
	}
	return nil
}

func (keysecureAdapter) reply() string { return `{"code":0,"message":""}` }

func (keysecureAdapter) authFailure(_ int, body []byte) string {
	var env struct {
		Code int `json:"code"`
	}
	if json.Unmarshal(body, &env) == nil && (env.Code == 1006 || env.Code == 1007) {
		return strconv.Itoa(env.Code)
	}
	return ""
}
