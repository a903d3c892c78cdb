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

func init() { adapters["keysecure"] = keysecureAdapter{} }

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
