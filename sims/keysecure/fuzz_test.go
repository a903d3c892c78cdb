package keysecure_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/mocksrv/mocksrv/sims/keysecure"
)

// FuzzRequestBodies throws arbitrary bodies at every POST endpoint (auth
// off) and requires KeySecure's envelope back: HTTP 200, JSON, a code, a
// message — never a panic or a 5xx. The seed corpus runs as a normal test.
func FuzzRequestBodies(f *testing.F) {
	for _, seed := range []string{
		``, `{}`, `null`, `[]`, `"x"`, `{"page":-1}`, `{"size":"ten"}`,
		`{"start_time":"2026-01-01","end_time":"2026-03-31","page":0,"size":10}`,
		`{"card_no":"C1","status":"Frozen"}`, `{"balance":100,"type":"In"}`,
		`{"cardholder_unique_no":"` + string(bytes.Repeat([]byte("a"), 100)) + `"}`,
		`{"address_info":{"country":"usa"}}`, "{\"card_no\":\"\xff\xfe\"}", `{"amount":"1e9"}`,
		`{"start_time":"2026-02-30","end_time":"9999-12-31 23:59:59"}`,
	} {
		f.Add("/card/list", []byte(seed))
		f.Add("/card/apply", []byte(seed))
	}
	s, err := keysecure.New(keysecure.WithAuth("off"))
	if err != nil {
		f.Fatal(err)
	}
	paths := []string{"/cardholder/apply", "/cardholder/list", "/card/apply", "/card/list", "/card/active",
		"/card/status/update", "/card/pin/set", "/card/consume/list", "/account/transfer", "/account/transfer/list",
		"/card/package/list", "/card/support/bins", "/sandbox/consume"}
	f.Fuzz(func(t *testing.T, path string, body []byte) {
		for _, p := range paths {
			if p != path && len(body)%len(paths) != indexOf(paths, p) {
				continue // spread inputs across endpoints cheaply
			}
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodPost, keysecure.BasePath+p, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			s.Handler().ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Fatalf("%s: HTTP %d for %q", p, rec.Code, body)
			}
			var env struct {
				Code *int    `json:"code"`
				Msg  *string `json:"msg"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || env.Code == nil || env.Msg == nil || *env.Msg == "" {
				t.Fatalf("%s: not an envelope: %s", p, rec.Body)
			}
			if *env.Code == 1001 {
				t.Fatalf("%s: system error for %q: %s", p, body, rec.Body)
			}
		}
	})
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}
