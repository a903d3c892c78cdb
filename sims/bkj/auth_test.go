package bkj_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims/bkj"
	"github.com/mocksrv/mocksrv/sims/core"
)

func unix(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

func TestSignatureErrors(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	c := s.NewClient()
	// Each case signs at the wall time its subtest runs: parallel subtests
	// may wait a long while for a slot behind the package's other tests.
	tests := []struct {
		name     string
		edit     func(r *bkj.Request, now time.Time)
		wantCode int
		wantMsg  func(now time.Time) string
	}{
		{name: "bad signature shows the string-to-sign", wantCode: 40102,
			edit: func(r *bkj.Request, now time.Time) {
				r.Signature = strings.Repeat("0", 64)
				r.Timestamp = unix(now)
				r.Nonce = "n-bad"
			},
			wantMsg: func(now time.Time) string {
				return `"GET\n/openapi/v1/card/list\npage=1&take=2\n` + unix(now) + `\nn-bad\n"`
			}},
		{name: "uppercase hex is refused by name", wantCode: 40102, wantMsg: say("lowercase"),
			edit: func(r *bkj.Request, now time.Time) {
				r.Timestamp, r.Nonce = unix(now), "n-upper"
				sts, _ := bkj.StringToSign("GET", "/openapi/v1/card/list", "take=2&page=1", r.Timestamp, r.Nonce, nil)
				r.Signature = strings.ToUpper(bkj.Sign(bkj.DefaultAPISecret, sts))
			}},
		{name: "stale timestamp", wantCode: 40103, wantMsg: say("behind server time"),
			edit: func(r *bkj.Request, now time.Time) { r.Timestamp = unix(now.Add(-310 * time.Second)) }},
		{name: "future timestamp", wantCode: 40103, wantMsg: say("ahead of server time"),
			edit: func(r *bkj.Request, now time.Time) { r.Timestamp = unix(now.Add(310 * time.Second)) }},
		{name: "milliseconds instead of seconds", wantCode: 40103, wantMsg: say("looks like milliseconds"),
			edit: func(r *bkj.Request, now time.Time) { r.Timestamp = strconv.FormatInt(now.UnixMilli(), 10) }},
		{name: "timestamp not digits", wantCode: 40103, wantMsg: say("digits only"),
			edit: func(r *bkj.Request, _ time.Time) { r.Timestamp = "yesterday" }},
		{name: "missing headers are named", wantCode: 40100, wantMsg: say("missing X-Api-Key, X-Timestamp, X-Nonce, X-Signature"),
			edit: func(r *bkj.Request, _ time.Time) { r.Unsigned = true }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			now := core.WallNow()
			r := get("/openapi/v1/card/list", url.Values{"take": {"2"}, "page": {"1"}})
			tt.edit(&r, now)
			code(t, c, "card.list", r, tt.wantCode, tt.wantMsg(now))
		})
	}
}

// say is a wanted message that does not depend on the time.
func say(msg string) func(time.Time) string { return func(time.Time) string { return msg } }

func TestTimestampWindowEdges(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	c := s.NewClient()
	for _, d := range []time.Duration{-290 * time.Second, 290 * time.Second} {
		ok(t, c, "card.list", bkj.Request{Method: http.MethodGet, Path: "/openapi/v1/card/list", Timestamp: unix(core.WallNow().Add(d))}, nil) // read just before sending: a busy machine may take seconds between tests
	}
	_, err := s.Clock.Advance(90 * 24 * time.Hour)
	require.NoError(t, err)
	ok(t, c, "card.list", get("/openapi/v1/card/list", nil), nil) // freshness uses the wall clock, not business time
}

func TestStringToSignCanBeHidden(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t, bkj.WithStringToSign(false))
	resp := code(t, s.NewClient(), "card.list", bkj.Request{Method: http.MethodGet, Path: "/openapi/v1/card/list", Signature: strings.Repeat("a", 64)},
		40102, "X-Signature does not match the request")
	assert.NotContains(t, resp.Message, "/openapi/v1/card/list")
}

func TestNonceIsSingleUsePerKey(t *testing.T) {
	t.Parallel()
	env := core.NewEnv(core.EnvConfig{Seed: 1, Clock: core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))})
	s, err := bkj.New(bkj.WithEnv(env))
	require.NoError(t, err)
	other := &core.Tenant{ID: "other", Seed: 2, Clock: env.Clock}
	require.NoError(t, env.Tenants.Add(other))
	creds, err := core.ProviderOf(s.Host).AddTenant(other, json.RawMessage(`{"api_key":"other-key","api_secret":"other-secret"}`))
	require.NoError(t, err)
	assert.Equal(t, bkj.Credentials{APIKey: "other-key", APISecret: "other-secret"}, creds)
	srv := serveHTTP(t, s)
	c := bkj.NewClient(srv, bkj.DefaultAPIKey, bkj.DefaultAPISecret)
	o := bkj.NewClient(srv, "other-key", "other-secret")

	first := bkj.Request{Method: http.MethodGet, Path: "/openapi/v1/card/list", Nonce: "nonce-1"}
	code(t, c, "card.list", bkj.Request{Method: http.MethodGet, Path: "/openapi/v1/card/list", Nonce: "nonce-1", Signature: strings.Repeat("b", 64)},
		40102, "does not match")
	ok(t, c, "card.list", first, nil) // a request whose signature failed did not spend the nonce
	code(t, c, "card.list", first, 40104, `X-Nonce "nonce-1" was already used`)
	ok(t, o, "card.list", first, nil) // nonces are per API key
}

func TestUnknownKey(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	c := bkj.NewClient(s.URL(), "nobody", "nothing")
	resp := code(t, c, "card.list", get("/openapi/v1/card/list", nil), 40101, `X-Api-Key "nobody" is not known`)
	assert.False(t, resp.Signed, "nothing to sign an unknown key's answer with")
}

func TestTenantsAreIsolated(t *testing.T) {
	t.Parallel()
	env := core.NewEnv(core.EnvConfig{Seed: 1, Clock: core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))})
	s, err := bkj.New(bkj.WithEnv(env), bkj.WithDelays(bkj.Delays{}))
	require.NoError(t, err)
	job := &core.Tenant{ID: "job-42", Seed: 7, Clock: core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))}
	require.NoError(t, env.Tenants.Add(job))
	raw, err := core.ProviderOf(s.Host).AddTenant(job, nil)
	require.NoError(t, err)
	creds := raw.(bkj.Credentials)
	assert.True(t, strings.HasPrefix(creds.APIKey, "bkj-"))
	srv := serveHTTP(t, s)
	def := bkj.NewClient(srv, bkj.DefaultAPIKey, bkj.DefaultAPISecret)
	jc := bkj.NewClient(srv, creds.APIKey, creds.APISecret)
	register(t, jc, "job@example.com")
	var list struct{ Total int }
	ok(t, def, "user.list", get("/openapi/v1/users", nil), &list)
	assert.Zero(t, list.Total, "the default tenant does not see job-42's user")
	ok(t, jc, "user.list", get("/openapi/v1/users", nil), &list)
	assert.Equal(t, 1, list.Total)
}

func TestLenientAndOffAuth(t *testing.T) {
	t.Parallel()
	lenient := bkj.RunT(t, bkj.WithAuth(core.AuthLenient))
	c := bkj.NewClient(lenient.URL(), "whatever", "wrong")
	ok(t, c, "card.list", bkj.Request{Method: http.MethodGet, Path: "/openapi/v1/card/list", NoVerify: true}, nil)
	code(t, c, "card.list", bkj.Request{Method: http.MethodGet, Path: "/openapi/v1/card/list", Unsigned: true}, 40100, "missing")

	off := bkj.RunT(t, bkj.WithAuth(core.AuthOff))
	ok(t, bkj.NewClient(off.URL(), "", ""), "card.list", bkj.Request{Method: http.MethodGet, Path: "/openapi/v1/card/list", Unsigned: true, NoVerify: true}, nil)
}

func TestConfigNeedsNoSignature(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	var cfg struct {
		ServerTime int64 `json:"server_time"`
		Signature  struct {
			TimestampWindow int `json:"timestamp_window_seconds"`
			NonceTTL        int `json:"nonce_ttl_seconds"`
		} `json:"signature"`
	}
	resp := ok(t, s.NewClient(), "config.get", bkj.Request{Method: http.MethodGet, Path: "/openapi/v1/config", Unsigned: true}, &cfg)
	assert.False(t, resp.Signed, "no X-Api-Key, no signature")
	assert.Equal(t, 300, cfg.Signature.TimestampWindow)
	assert.Equal(t, 600, cfg.Signature.NonceTTL)
	assert.Equal(t, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli(), cfg.ServerTime)
	resp = ok(t, s.NewClient(), "config.get", get("/openapi/v1/config", nil), nil)
	assert.True(t, resp.Signed, "a known X-Api-Key gets a signed answer")
}

type debugEcho struct {
	Method            string `json:"method"`
	Path              string `json:"path"`
	Query             string `json:"query"`
	CanonicalQuery    string `json:"canonical_query"`
	Timestamp         string `json:"timestamp"`
	Nonce             string `json:"nonce"`
	Body              string `json:"body"`
	NormalizedBody    string `json:"normalized_body"`
	BodyHash          string `json:"body_hash"`
	StringToSign      string `json:"string_to_sign"`
	ExpectedSignature string `json:"expected_signature"`
	Signature         string `json:"signature"`
	SignatureValid    bool   `json:"signature_valid"`
}

func TestDebugEndpointsEchoWhatTheServerSaw(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	c := s.NewClient()

	var g debugEcho
	ok(t, c, "debug.get", bkj.Request{Method: http.MethodGet, Path: "/openapi/v1/debug/get?c=3&a=1&b=2", Nonce: "n-get"}, &g)
	assert.Equal(t, "c=3&a=1&b=2", g.Query)
	assert.Equal(t, "a=1&b=2&c=3", g.CanonicalQuery)
	assert.Empty(t, g.BodyHash)
	assert.Equal(t, "GET\n/openapi/v1/debug/get\na=1&b=2&c=3\n"+g.Timestamp+"\nn-get\n", g.StringToSign)
	assert.True(t, g.SignatureValid)
	assert.Equal(t, g.Signature, g.ExpectedSignature)

	in, err := os.ReadFile("../../contracts/bkj/examples/signature-body-normalization.input.json")
	require.NoError(t, err)
	var p debugEcho
	ok(t, c, "debug.post", post("/openapi/v1/debug/post", in), &p)
	assert.Equal(t, string(in), p.Body)
	assert.Equal(t, `{"address":{"city":"New York","zip":10001},"age":25,"email":null,"hobbies":["reading","gaming"],"name":"John"}`, p.NormalizedBody)
	assert.Equal(t, publishedHash, p.BodyHash)
	assert.True(t, strings.HasSuffix(p.StringToSign, "\n"+publishedHash))

	var none debugEcho
	ok(t, c, "debug.post", bkj.Request{Method: http.MethodPost, Path: "/openapi/v1/debug/post"}, &none)
	assert.Empty(t, none.BodyHash, "no body, empty BODY_HASH")
}

func TestQueryThatDoesNotDecode(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	req, err := http.NewRequest(http.MethodGet, s.URL()+"/openapi/v1/card/list?a=%zz", nil)
	require.NoError(t, err)
	for k, v := range map[string]string{"X-Api-Key": bkj.DefaultAPIKey, "X-Timestamp": unix(core.WallNow()), "X-Nonce": "n", "X-Signature": strings.Repeat("0", 64)} {
		req.Header.Set(k, v)
	}
	res, err := s.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	assert.Contains(t, string(body), `"code":40000`)
	assert.Contains(t, string(body), "query string does not decode")
	contracts.Validate(t, "bkj/card_list.response.json", body)
}

// tamper flips a byte of every response body.
type tamper struct{ next http.RoundTripper }

func (tp tamper) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := tp.next.RoundTrip(r)
	if err != nil {
		return res, err
	}
	b, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	res.Body = io.NopCloser(bytes.NewReader(bytes.Replace(b, []byte(`"code":0`), []byte(`"code":1`), 1)))
	return res, nil
}

func TestResponsesAreSignedAndVerified(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	c := s.NewClient()
	resp := ok(t, c, "card.list", get("/openapi/v1/card/list", nil), nil)
	require.True(t, resp.Signed)
	assert.NoError(t, bkj.VerifyResponse(bkj.DefaultAPISecret, resp.Header, resp.Body))
	errResp := code(t, c, "card.detail", get("/openapi/v1/card/detail", url.Values{"id": {"nope"}}), 40400, `card "nope" does not exist`)
	assert.True(t, errResp.Signed, "errors of a known key are signed too")

	c.HTTP = &http.Client{Transport: tamper{s.Client().Transport}}
	_, err := c.Send(context.Background(), get("/openapi/v1/card/list", nil))
	assert.ErrorIs(t, err, bkj.ErrResponseSignature)

	off := bkj.RunT(t, bkj.WithResponseSigning(false))
	resp, err = off.NewClient().Send(context.Background(), get("/openapi/v1/card/list", nil))
	require.NoError(t, err)
	assert.False(t, resp.Signed)
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t, bkj.WithRateLimit(1))
	c := s.NewClient()
	ok(t, c, "card.list", get("/openapi/v1/card/list", nil), nil)
	// The window is wall time: on a busy machine a second may pass between
	// two requests, so the refusal is looked for in a short burst.
	refused := false
	for i := 0; i < 5 && !refused; i++ {
		resp := call(t, c, "card.list", get("/openapi/v1/card/list", nil))
		if resp.Code != 0 {
			assert.Equal(t, 42900, resp.Code)
			assert.Contains(t, resp.Message, "at most 1 requests per second")
			refused = true
		}
	}
	assert.True(t, refused, "a burst beyond 1 request per second is refused")
}

func TestSignRequest(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	body := []byte(`{"b":1,"a":[2,1]}`)
	req, err := http.NewRequest(http.MethodPost, s.URL()+"/openapi/v1/debug/post?z=1&y=2", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	require.NoError(t, bkj.SignRequest(req, body, bkj.DefaultAPIKey, bkj.DefaultAPISecret, core.WallNow()))
	res, err := s.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	require.NoError(t, bkj.VerifyResponse(bkj.DefaultAPISecret, res.Header, raw))
	contracts.Validate(t, "bkj/debug_post.response.json", raw)
	var env struct {
		Code int       `json:"code"`
		Data debugEcho `json:"data"`
	}
	require.NoError(t, json.Unmarshal(raw, &env))
	assert.Equal(t, 0, env.Code)
	assert.True(t, env.Data.SignatureValid)
	assert.Equal(t, "y=2&z=1", env.Data.CanonicalQuery)
	assert.Equal(t, `{"a":[2,1],"b":1}`, env.Data.NormalizedBody)
}
