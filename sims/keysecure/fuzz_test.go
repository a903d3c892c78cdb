package keysecure_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/keysecure"
	"github.com/stretchr/testify/require"
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

// FuzzAuthHeaders throws arbitrary Api-Key, Timestamp and Access-Token
// headers at the token endpoint and three private ones (strict auth) and
// checks the answer against the published rules: 1002 without a key, 1005
// for a timestamp that is not 13 digits of Unix ms within the last 60 s,
// 1008 for an unknown key, then 1006 without a token and 1007 for an
// unknown one — and success only with the real key, a fresh timestamp and
// (for private routes) the real token.
func FuzzAuthHeaders(f *testing.F) {
	for _, which := range []uint8{0, 1, 2, 3} {
		f.Add(keysecure.DefaultAPIKey, int64(-1000), "", "real", which)
		f.Add(keysecure.DefaultAPIKey, int64(-1000), "", "", which)
		f.Add(keysecure.DefaultAPIKey, int64(-1000), "", "nope", which)
	}
	f.Add("", int64(0), "", "", uint8(0))
	f.Add("unknown-key", int64(-1000), "", "real", uint8(1))
	f.Add(keysecure.DefaultAPIKey, int64(-120_000), "", "real", uint8(1))
	f.Add(keysecure.DefaultAPIKey, int64(30_000), "", "real", uint8(2))
	f.Add(keysecure.DefaultAPIKey, int64(0), "17672256000000", "real", uint8(3))
	f.Add(keysecure.DefaultAPIKey, int64(0), "+767225600000", "", uint8(0))
	f.Add(keysecure.DefaultAPIKey, int64(0), "１７６７２２５６０００００", "", uint8(0))
	f.Add(" "+keysecure.DefaultAPIKey, int64(-1000), "", "real", uint8(1))
	ks, err := keysecure.New(keysecure.WithTokenRateLimit(0))
	if err != nil {
		f.Fatal(err)
	}
	h, err := ks.AddCardholder(keysecure.Cardholder{})
	require.NoError(f, err)
	card, err := ks.AddCard(keysecure.Card{CardholderNo: h.ID})
	require.NoError(f, err)
	serve := func(method, path, key, ts, token, body string) (int, string) {
		req := httptest.NewRequest(method, keysecure.BasePath+path, strings.NewReader(body))
		req.RemoteAddr = "127.0.0.1:1"
		req.Header.Set("Content-Type", "application/json")
		for k, v := range map[string]string{"Api-Key": key, "Timestamp": ts, "Access-Token": token} {
			if v != "" {
				req.Header[k] = []string{v}
			}
		}
		rec := httptest.NewRecorder()
		ks.Handler().ServeHTTP(rec, req)
		var env struct {
			Code *int    `json:"code"`
			Msg  *string `json:"msg"`
		}
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &env) != nil || env.Code == nil || env.Msg == nil || *env.Msg == "" {
			f.Fatalf("%s %s: not an envelope: HTTP %d %s", method, path, rec.Code, rec.Body)
		}
		return *env.Code, rec.Body.String()
	}
	now := func() string { return strconv.FormatInt(core.WallNow().UnixMilli(), 10) }
	code, body := serve(http.MethodGet, "/merchant/token", keysecure.DefaultAPIKey, now(), "", "")
	if code != 0 {
		f.Fatalf("token: %s", body)
	}
	real := body[strings.Index(body, `"access_token":"`)+16:]
	real = real[:strings.Index(real, `"`)]
	routes := []struct{ method, path, body string }{
		{http.MethodGet, "/merchant/token", ""},
		{http.MethodGet, "/card/" + card.ID + "/detail", ""},
		{http.MethodPost, "/card/list", `{"start_time":"2026-01-01","end_time":"2026-01-31","size":10}`},
		{http.MethodGet, "/account/" + h.ID + "/info", ""},
	}
	f.Fuzz(func(t *testing.T, key string, offsetMS int64, rawTS, token string, which uint8) {
		for _, v := range []string{key, rawTS, token} {
			if strings.ContainsAny(v, "\r\n\x00") {
				return // not a header value net/http would deliver
			}
		}
		if token == "real" {
			token = real
		}
		rt := routes[int(which)%len(routes)]
		ts := rawTS
		if ts == "" {
			ts = strconv.FormatInt(core.WallNow().UnixMilli()+offsetMS, 10)
		}
		code, body := serve(rt.method, rt.path, key, ts, token, rt.body)
		if code == 1001 {
			t.Fatalf("system error: %s", body)
		}
		// What the rules say, where the fuzzed timestamp is clearly in or
		// out of the window (a margin keeps the clock's motion out of it).
		fresh := rawTS == "" && offsetMS <= -1 && offsetMS >= -55_000
		stale := rawTS == "" && (offsetMS > 1_000 || offsetMS < -65_000)
		mayPass := key == keysecure.DefaultAPIKey && (rt.path == "/merchant/token" || token == real)
		var want []int
		switch {
		case key == "":
			want = []int{1002}
		case stale:
			want = []int{1005}
		case !fresh: // an arbitrary raw Timestamp: an auth error, or success if all else is right
			want = []int{1005, 1008, 1006, 1007}
			if mayPass {
				want = append(want, 0)
			}
		case key != keysecure.DefaultAPIKey:
			want = []int{1008}
		case rt.path == "/merchant/token":
			want = []int{0}
		case token == "":
			want = []int{1006}
		case token != real:
			want = []int{1007}
		default:
			want = []int{0}
		}
		for _, w := range want {
			if code == w {
				return
			}
		}
		t.Fatalf("%s %s with Api-Key %q, Timestamp %q, Access-Token %q: code %d, want one of %v: %s", rt.method, rt.path, key, ts, token, code, want, body)
	})
}
