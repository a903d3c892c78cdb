package bkj_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/mocksrv/mocksrv/sims/bkj"
	"github.com/mocksrv/mocksrv/sims/core"
)

var fuzzRoutes = []struct{ method, path string }{
	{http.MethodPost, "/users"}, {http.MethodGet, "/users"}, {http.MethodGet, "/users/x"}, {http.MethodGet, "/users/x/kyc-token"},
	{http.MethodGet, "/card/channels"}, {http.MethodGet, "/card/addresses"}, {http.MethodPost, "/card/addresses"},
	{http.MethodPut, "/card/addresses/x"}, {http.MethodPost, "/card/apply"}, {http.MethodPost, "/card/activate"},
	{http.MethodGet, "/card/list"}, {http.MethodGet, "/card/detail"}, {http.MethodGet, "/card/cvv"}, {http.MethodGet, "/card/transactions"},
	{http.MethodPost, "/card/no-pin-amount"}, {http.MethodPost, "/card/pin"}, {http.MethodPost, "/card/freeze"}, {http.MethodPost, "/card/unfreeze"},
	{http.MethodGet, "/wallet/list"}, {http.MethodGet, "/wallet/chains"}, {http.MethodPost, "/wallet/address"}, {http.MethodGet, "/wallet/detail"},
	{http.MethodGet, "/wallet/payees"}, {http.MethodPost, "/wallet/payees"}, {http.MethodPut, "/wallet/payees/x"},
	{http.MethodPost, "/wallet/withdraw"}, {http.MethodPost, "/wallet/withdraw/cancel"}, {http.MethodPost, "/wallet/transfer"},
	{http.MethodPost, "/wallet/transfer-to-card"}, {http.MethodGet, "/wallet/transactions"}, {http.MethodPost, "/debug/post"},
	{http.MethodPost, "/sandbox/card/authorize"}, {http.MethodGet, "/config"},
}

// FuzzRequestDecoding throws arbitrary bodies, queries and Timezone and
// Accept-Language headers at every endpoint (auth off) and requires bkj's
// envelope back: HTTP 200, JSON with code, data, message and timestamp —
// never a panic, a 5xx or a system error. The seed corpus runs as a normal
// test.
func FuzzRequestDecoding(f *testing.F) {
	for i, seed := range []string{
		``, `{}`, `null`, `[]`, `"x"`, `{"id":1}`, `{"amount":"1e9"}`, `{"amount":-1}`, `{"amount":"０"}`,
		`{"email":"a@b.co","first_name":"J","last_name":"D","address":{"country":"usa"}}`,
		`{"account_id":"x","channel_id":"visa-physical-usd"}`, "{\"id\":\"\xff\xfe\"}", `{"wallet_id":"x","amount":"10","chain":"TRON"}`,
		`{"card_id":"x","type":"reversal"}`, `{"a":` + string(bytes.Repeat([]byte("["), 200)) + `}`, `{"pin":"123456","id":"x"}`,
	} {
		f.Add(uint8(i), []byte(seed), "page=1&take=2", "UTC+8", "zh-CN")
	}
	f.Add(uint8(3), []byte(`{}`), "page=0&take=101&status=actice", "Mars/Base", "en")
	f.Add(uint8(9), []byte(`{}`), "a=%zz", "+99:00", "")
	s, err := bkj.New(bkj.WithAuth(core.AuthOff), bkj.WithSeed(1))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte, query, zone, lang string) {
		rt := fuzzRoutes[int(route)%len(fuzzRoutes)]
		req := httptest.NewRequest(rt.method, bkj.BasePath+rt.path, bytes.NewReader(body))
		req.URL.RawQuery = query
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Timezone", zone)
		req.Header.Set("Accept-Language", lang)
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s %s: HTTP %d for %q", rt.method, rt.path, rec.Code, body)
		}
		var env struct {
			Code      *int            `json:"code"`
			Data      json.RawMessage `json:"data"`
			Message   *string         `json:"message"`
			Timestamp *int64          `json:"timestamp"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil || env.Code == nil || env.Message == nil || *env.Message == "" || env.Timestamp == nil || env.Data == nil {
			t.Fatalf("%s %s: not an envelope: %s", rt.method, rt.path, rec.Body)
		}
		if *env.Code >= 50000 {
			t.Fatalf("%s %s: system error for %q: %s", rt.method, rt.path, body, rec.Body)
		}
	})
}

// FuzzSignature checks the canonical form end to end: a request signed by
// the client, whatever its query, body and nonce, verifies on the server
// (strict auth) and the debug endpoint echoes the same string-to-sign;
// body normalization is idempotent; malformed headers and queries get a
// parameter or auth error, never a panic.
func FuzzSignature(f *testing.F) {
	f.Add("c=3&a=1&b=2", []byte(`{"name":"John","age":25,"email":null,"hobbies":["reading","gaming"],"address":{"zip":10001,"city":"New York"}}`), "n-1", "")
	f.Add("", []byte(``), "x", "1767225600")
	f.Add("q=a+b&q=%E4%B8%AD&empty=", []byte(`[1,{"b":"\u2028","a":"<&>"}]`), "中文", "999")
	f.Add("a=%zz", []byte(`not json`), "", "-1")
	f.Add("k=v;w", []byte(`{"a":1,"a":2}`), "\x00", "17672256000000")
	s, err := bkj.New(bkj.WithSeed(1))
	if err != nil {
		f.Fatal(err)
	}
	var seq atomic.Int64
	f.Fuzz(func(t *testing.T, query string, body []byte, nonce, ts string) {
		if n, err := bkj.NormalizeBody(body); err == nil {
			again, err := bkj.NormalizeBody(n)
			if err != nil || !bytes.Equal(n, again) {
				t.Fatalf("normalization not idempotent: %q → %q → %q (%v)", body, n, again, err)
			}
		}
		// A well-formed request signed by the client must verify.
		nonceOK := "fz-" + strconv.FormatInt(seq.Add(1), 10)
		now := strconv.FormatInt(core.WallNow().Unix(), 10)
		sts, qerr := bkj.StringToSign(http.MethodPost, bkj.BasePath+"/debug/post", query, now, nonceOK, body)
		rec := send(s, query, body, map[string]string{"X-Timestamp": now, "X-Nonce": nonceOK, "X-Signature": bkj.Sign(bkj.DefaultAPISecret, sts)})
		code, data := envelopeOf(t, rec)
		switch {
		case qerr != nil && code != 40000:
			t.Fatalf("query %q does not decode, want 40000, got %d", query, code)
		case qerr == nil && code != 0:
			t.Fatalf("signed request refused: %d %s (query %q body %q)", code, rec.Body, query, body)
		case qerr == nil:
			var echo struct {
				StringToSign string `json:"string_to_sign"`
			}
			_ = json.Unmarshal(data, &echo)
			if echo.StringToSign != sts {
				t.Fatalf("server string-to-sign %q, client %q", echo.StringToSign, sts)
			}
		}
		// Arbitrary headers: an auth or parameter error, never anything else.
		rec = send(s, query, body, map[string]string{"X-Timestamp": ts, "X-Nonce": nonce, "X-Signature": "00"})
		if code, _ := envelopeOf(t, rec); code != 40000 && (code < 40100 || code > 40104) {
			t.Fatalf("bad headers (ts %q nonce %q): code %d", ts, nonce, code)
		}
	})
}

func send(s *bkj.Server, query string, body []byte, h map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, bkj.BasePath+"/debug/post", bytes.NewReader(body))
	req.URL.RawQuery = query
	req.Header.Set("X-Api-Key", bkj.DefaultAPIKey)
	for k, v := range h {
		req.Header[http.CanonicalHeaderKey(k)] = []string{v}
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

func envelopeOf(t *testing.T, rec *httptest.ResponseRecorder) (int, json.RawMessage) {
	t.Helper()
	var env struct {
		Code *int            `json:"code"`
		Data json.RawMessage `json:"data"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &env) != nil || env.Code == nil {
		t.Fatalf("not an envelope: HTTP %d %s", rec.Code, rec.Body)
	}
	return *env.Code, env.Data
}
