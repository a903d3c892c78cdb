package decard_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/decard"
)

// TestSignVectors pins Sign against openssl (the README's worked example).
func TestSignVectors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, payload, want string }{
		{"get query", "externalUserId=298fe06f-0066-4565-ae20-3697cd9d664e", "5265ff8ec2ba995434439019f3bf5013d5f75df7e7877fee1f718b27d6b3bec1"},
		{"post body", `{"mobileCode":"SG","mobile":"88998878","behavioral":"REGISTER"}`, "72427a17109f14e906644ef794554771db69783db6fae805ba788b69a6383caf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, decard.Sign(decard.DefaultAPIKey, decard.DefaultAPISecret, "1767225600000", "12345", tt.payload))
		})
	}
}

// styles are the two published ways of signing; every auth case runs in
// both.
var styles = []struct {
	name  string
	style decard.SignStyle
}{{"postman", decard.StylePostman}, {"connector", decard.StyleConnector}}

// TestSigningStylesBothPass signs a GET whose parameter needs encoding and
// a POST the way the Postman collection and the Java connector do.
func TestSigningStylesBothPass(t *testing.T) {
	t.Parallel()
	for _, st := range styles {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			s := decard.RunT(t)
			c := s.NewClient()
			c.Style = st.style
			user := register(t, c, "86000001")
			ref := "ref 1:2/3@x=z&w,é"
			a := apply(t, c, user, "10102000", ref, kycInfo())
			var got applyData
			get(t, c, "card.virtual_detail", "/card/v1/virtual-card/detail", &got, decard.Q("externalUserId", user, "applyRef", ref)...)
			assert.Equal(t, a.ApplyID, got.ApplyID)
			assert.Equal(t, ref, got.ApplyRef)
			// No query at all signs "".
			get(t, c, "card.list", "/card/v1/list", nil)
		})
	}
}

// TestQueryOrderIsSigned: parameters are signed in the order sent, never
// sorted, so a client that sorts before signing fails.
func TestQueryOrderIsSigned(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	c := s.NewClient()
	user := register(t, c, "86000002")
	q, h := c.Sign(http.MethodGet, decard.Q("externalUserId", user, "cardMantissa", "1234"), nil)
	h.Set(decard.HeaderSign, decard.Sign(s.APIKey(), s.Secret(), h.Get(decard.HeaderTimestamp), h.Get(decard.HeaderNonce), "cardMantissa=1234&externalUserId="+user))
	resp, err := c.DoRaw(ctx, http.MethodGet, "/card/v1/detail?"+q, nil, h)
	require.NoError(t, err)
	checkContract(t, "card.detail", resp)
	assert.Equal(t, "DAPI_SIGNATURE_ERROR", resp.Code)
}

// TestAuthFailures sends each broken credential, signed the Postman way
// and the connector way, on a GET and a POST, and checks each DAPI_* code.
func TestAuthFailures(t *testing.T) {
	t.Parallel()
	type edit func(h http.Header, s *decard.Server)
	set := func(k, v string) edit { return func(h http.Header, _ *decard.Server) { h.Set(k, v) } }
	del := func(k string) edit { return func(h http.Header, _ *decard.Server) { h.Del(k) } }
	wall := func(d time.Duration) edit {
		return func(h http.Header, s *decard.Server) {
			h.Set(decard.HeaderTimestamp, strconv.FormatInt(s.Clock.Wall().Add(d).UnixMilli(), 10))
		}
	}
	tests := []struct {
		name     string
		edits    []edit
		resign   bool // sign again after the edits (so only the edited header is wrong)
		wantCode string
	}{
		{name: "api key missing", edits: []edit{del(decard.HeaderAPIKey)}, wantCode: "DAPI_API_KEY_EMPTY"},
		{name: "api key blank", edits: []edit{set(decard.HeaderAPIKey, " ")}, wantCode: "DAPI_API_KEY_EMPTY"},
		{name: "timestamp missing", edits: []edit{del(decard.HeaderTimestamp)}, wantCode: "DAPI_TIMESTAMP_EMPTY"},
		{name: "timestamp not a number", edits: []edit{set(decard.HeaderTimestamp, "2026-01-01T00:00:00Z")}, wantCode: "DAPI_TIMESTAMP_FORMAT_ERROR"},
		{name: "timestamp in seconds is expired", edits: []edit{set(decard.HeaderTimestamp, "1767225600")}, resign: true, wantCode: "DAPI_TIMESTAMP_EXPIRED"},
		{name: "timestamp 6 s old", edits: []edit{wall(-6 * time.Second)}, resign: true, wantCode: "DAPI_TIMESTAMP_EXPIRED"},
		{name: "timestamp 6 s ahead", edits: []edit{wall(6 * time.Second)}, resign: true, wantCode: "DAPI_TIMESTAMP_EXPIRED"},
		{name: "timestamp 4 s old passes", edits: []edit{wall(-4 * time.Second)}, resign: true},
		{name: "nonce missing", edits: []edit{del(decard.HeaderNonce)}, wantCode: "DAPI_NONCE_ILLEGAL"},
		{name: "nonce too small", edits: []edit{set(decard.HeaderNonce, "9999")}, resign: true, wantCode: "DAPI_NONCE_ILLEGAL"},
		{name: "nonce too large", edits: []edit{set(decard.HeaderNonce, "100000")}, resign: true, wantCode: "DAPI_NONCE_ILLEGAL"},
		{name: "nonce base36", edits: []edit{set(decard.HeaderNonce, "k3j9x2")}, resign: true, wantCode: "DAPI_NONCE_ILLEGAL"},
		{name: "unknown api key", edits: []edit{set(decard.HeaderAPIKey, "no-such-key")}, resign: true, wantCode: "DAPI_SECRET_KEY_EMPTY"},
		{name: "signature missing", edits: []edit{del(decard.HeaderSign)}, wantCode: "DAPI_SIGNATURE_ERROR"},
		{name: "signature of another nonce", edits: []edit{set(decard.HeaderNonce, "54321")}, wantCode: "DAPI_SIGNATURE_ERROR"},
		{name: "signature with the wrong secret", edits: []edit{func(h http.Header, s *decard.Server) {
			h.Set(decard.HeaderSign, decard.Sign(s.APIKey(), "wrong", h.Get(decard.HeaderTimestamp), h.Get(decard.HeaderNonce), ""))
		}}, wantCode: "DAPI_SIGNATURE_ERROR"},
		{name: "quickstart header names", edits: []edit{del(decard.HeaderAPIKey), set("API-KEY", decard.DefaultAPIKey)}, wantCode: "DAPI_API_KEY_EMPTY"},
	}
	for _, st := range styles {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			for _, tt := range tests {
				t.Run(st.name+"/"+method+"/"+tt.name, func(t *testing.T) {
					t.Parallel()
					s := decard.RunT(t)
					c := s.NewClient()
					c.Style = st.style
					route, path, params, body := "card.detail", "/card/v1/detail", decard.Q("externalUserId", "nobody"), []byte(nil)
					if method == http.MethodPost {
						route, path, params = "card.block", "/card/v1/block", nil
						raw, err := c.Body(map[string]any{"externalUserId": "nobody", "block": true})
						require.NoError(t, err)
						body = raw
					}
					q, h := c.Sign(method, params, body)
					for _, e := range tt.edits {
						e(h, s)
					}
					if tt.resign {
						payload := string(body)
						if method == http.MethodGet {
							payload = "externalUserId=nobody"
						}
						h.Set(decard.HeaderSign, decard.Sign(h.Get(decard.HeaderAPIKey), s.Secret(), h.Get(decard.HeaderTimestamp), h.Get(decard.HeaderNonce), payload))
					}
					target := path
					if q != "" {
						target += "?" + q
					}
					resp, err := c.DoRaw(ctx, method, target, body, h)
					require.NoError(t, err)
					checkContract(t, route, resp)
					require.Equal(t, http.StatusOK, resp.Status)
					want := tt.wantCode
					if want == "" {
						want = "ACCOUNT_USER_NOT_EXIST" // authenticated: the handler answered
					}
					assert.Equal(t, want, resp.Code, resp.Message)
					assert.False(t, resp.Success)
				})
			}
		}
	}
}

// TestNonceIsSingleUse replays a request byte for byte.
func TestNonceIsSingleUse(t *testing.T) {
	t.Parallel()
	for _, st := range styles {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			s := decard.RunT(t)
			c := s.NewClient()
			c.Style = st.style
			q, h := c.Sign(http.MethodGet, decard.Q("channel", "TEST"), nil)
			first, err := c.DoRaw(ctx, http.MethodGet, "/websocket/v1/get-channel?"+q, nil, h)
			require.NoError(t, err)
			checkContract(t, "websocket.get_channel", first)
			assert.True(t, first.OK())
			replay, err := c.DoRaw(ctx, http.MethodGet, "/websocket/v1/get-channel?"+q, nil, h)
			require.NoError(t, err)
			checkContract(t, "websocket.get_channel", replay)
			assert.Equal(t, "DAPI_NONCE_ILLEGAL", replay.Code)
		})
	}
}

// TestNonceOptions: WithAnyNonce accepts other nonces; WithNonceOnlyReplay
// refuses a nonce whatever its timestamp.
func TestNonceOptions(t *testing.T) {
	t.Parallel()
	t.Run("any nonce", func(t *testing.T) {
		t.Parallel()
		s := decard.RunT(t, decard.WithAnyNonce(true))
		c := s.NewClient()
		c.Nonce = func() int { return 7 }
		get(t, c, "card.list", "/card/v1/list", nil)
	})
	t.Run("nonce only replay", func(t *testing.T) {
		t.Parallel()
		s := decard.RunT(t, decard.WithNonceOnlyReplay(true))
		c := s.NewClient()
		c.Nonce = func() int { return 12345 }
		n := 0
		c.Now = func() time.Time { n++; return core.WallNow().Add(time.Duration(n) * time.Millisecond) }
		get(t, c, "card.list", "/card/v1/list", nil)
		mustCode(t, c, "card.list", http.MethodGet, "/card/v1/list", nil, nil, "DAPI_NONCE_ILLEGAL")
	})
	t.Run("default allows the same nonce at another millisecond", func(t *testing.T) {
		t.Parallel()
		s := decard.RunT(t)
		c := s.NewClient()
		c.Nonce = func() int { return 12345 }
		n := 0
		c.Now = func() time.Time { n++; return core.WallNow().Add(time.Duration(n) * time.Millisecond) }
		get(t, c, "card.list", "/card/v1/list", nil)
		get(t, c, "card.list", "/card/v1/list", nil)
	})
}

// TestTimestampWindowOption widens the window.
func TestTimestampWindowOption(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t, decard.WithTimestampWindow(time.Minute))
	c := s.NewClient()
	c.Now = func() time.Time { return core.WallNow().Add(-30 * time.Second) }
	get(t, c, "card.list", "/card/v1/list", nil)
	// Moving business time never breaks auth.
	advance(t, s, 90*24*time.Hour)
	get(t, c, "card.list", "/card/v1/list", nil)
}

// A timestamp in Unix seconds is expired, and the message says why.
func TestTimestampInSecondsIsNamed(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	c := s.NewClient()
	_, h := c.Sign(http.MethodGet, nil, nil)
	secs := strconv.FormatInt(core.WallNow().Unix(), 10)
	h.Set(decard.HeaderTimestamp, secs)
	h.Set(decard.HeaderSign, decard.Sign(s.APIKey(), s.Secret(), secs, h.Get(decard.HeaderNonce), ""))
	resp, err := c.DoRaw(ctx, http.MethodGet, "/card/v1/list", nil, h)
	require.NoError(t, err)
	checkContract(t, "card.list", resp)
	assert.Equal(t, "DAPI_TIMESTAMP_EXPIRED", resp.Code)
	assert.Equal(t, "request timestamp has expired: X-DAPI-TIMESTAMP "+secs+" looks like Unix seconds; send milliseconds", resp.Message)
}

// TestAllowList: a tenant whose allow-list leaves out loopback is refused
// with DAPI_PERMISSION_DENIED; the default tenant allows loopback.
func TestAllowList(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	allow, err := core.ParseAllowList("10.0.0.0/8")
	require.NoError(t, err)
	tenant := &core.Tenant{ID: "fenced", Seed: 2, Clock: s.Clock, Allow: allow}
	require.NoError(t, s.Tenants.Add(tenant))
	raw, err := core.ProviderOf(s.Host).AddTenant(tenant, nil)
	require.NoError(t, err)
	creds := raw.(decard.Credentials)
	assert.Regexp(t, `^[A-Za-z0-9+/]{43}=$`, creds.APISecret, "secrets are Base64 of 32 bytes")

	for _, st := range styles {
		c := decard.NewClient(s.URL(), creds.APIKey, creds.APISecret)
		c.HTTP, c.Style = s.Client(), st.style
		mustCode(t, c, "card.list", http.MethodGet, "/card/v1/list", nil, nil, "DAPI_PERMISSION_DENIED")
		mustCode(t, c, "captcha.send_mobile_code", http.MethodPost, "/captcha/v1/send-mobile-code", nil,
			map[string]any{"mobileCode": "SG", "mobile": "88998878", "behavioral": "REGISTER"}, "DAPI_PERMISSION_DENIED")
	}
	get(t, s.NewClient(), "card.list", "/card/v1/list", nil)
}

// TestAuthModes: lenient needs the headers but not a valid signature; off
// needs nothing.
func TestAuthModes(t *testing.T) {
	t.Parallel()
	t.Run("lenient", func(t *testing.T) {
		t.Parallel()
		s := decard.RunT(t, decard.WithAuth(core.AuthLenient))
		c := s.NewClient()
		c.APISecret = "wrong"
		get(t, c, "card.list", "/card/v1/list", nil)
		resp, err := c.DoRaw(ctx, http.MethodGet, "/card/v1/list", nil, nil)
		require.NoError(t, err)
		assert.Equal(t, "DAPI_API_KEY_EMPTY", resp.Code)
	})
	t.Run("off", func(t *testing.T) {
		t.Parallel()
		s := decard.RunT(t, decard.WithAuth(core.AuthOff))
		resp, err := s.NewClient().DoRaw(ctx, http.MethodGet, "/card/v1/list", nil, nil)
		require.NoError(t, err)
		checkContract(t, "card.list", resp)
		assert.True(t, resp.OK())
	})
}

// TestSignRequest signs a hand-built request.
func TestSignRequest(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL()+"/card/v1/list?x=a%20b", nil)
	require.NoError(t, err)
	decard.SignRequest(req, nil, s.APIKey(), s.Secret(), core.WallNow(), 54321)
	res, err := s.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	var env struct{ Code string }
	require.NoError(t, json.NewDecoder(res.Body).Decode(&env))
	assert.Equal(t, "SYS_SUCCESS", env.Code)
}

// TestDecodedQuerySignature: a GET signed over its query decoded (the Java
// connector's way) passes by default with a journaled warning that names
// the difference; a tenant with strict_query_signature refuses it and
// still takes the query signed as sent.
func TestDecodedQuerySignature(t *testing.T) {
	t.Parallel()
	const ref = "ref 1/2"
	warned := func(t *testing.T, s *decard.Server, c *decard.Client, user string) []core.Entry {
		t.Helper()
		s.Journal.Clear()
		mustCode(t, c, "card.virtual_detail", http.MethodGet, "/card/v1/virtual-card/detail", decard.Q("externalUserId", user, "applyRef", ref), nil,
			"CARD_TRANSACTION_NO_SUCH_TRANSACTION")
		return s.Journal.Entries(core.ByRoute("card.virtual_detail"))
	}
	t.Run("by default the connector's form passes with a warning", func(t *testing.T) {
		t.Parallel()
		s := decard.RunT(t)
		c := s.NewClient() // connector style
		user := register(t, c, "86000101")
		entries := warned(t, s, c, user)
		require.Len(t, entries, 1)
		assert.Contains(t, entries[0].Error, "warning: X-DAPI-SIGN matches the decoded query")
		assert.Contains(t, entries[0].Error, `"externalUserId=`+user+`&applyRef=ref 1/2"`)
		assert.Contains(t, entries[0].Error, `applyRef=ref+1%2F2`, "the query as sent")
		assert.Contains(t, entries[0].Error, "strict_query_signature")
		s.Journal.Clear()
		resp := asSent(t, c, "/card/v1/virtual-card/detail", decard.Q("externalUserId", user, "applyRef", ref))
		assert.Equal(t, "CARD_TRANSACTION_NO_SUCH_TRANSACTION", resp.Code)
		entries = s.Journal.Entries(core.ByRoute("card.virtual_detail"))
		require.Len(t, entries, 1)
		assert.Empty(t, entries[0].Error, "the query signed as sent needs no warning")
	})
	for _, tt := range []struct {
		name string
		make func(t *testing.T) (*decard.Server, *decard.Client)
	}{
		{"the option", func(t *testing.T) (*decard.Server, *decard.Client) {
			s := decard.RunT(t, decard.WithStrictQuerySignature(true))
			return s, s.NewClient()
		}},
		{"the tenant setting", func(t *testing.T) (*decard.Server, *decard.Client) {
			s := decard.RunT(t)
			tenant := &core.Tenant{ID: "strict", Seed: 2, Clock: s.Clock}
			require.NoError(t, s.Tenants.Add(tenant))
			raw, err := core.ProviderOf(s.Host).AddTenant(tenant, json.RawMessage(`{"strict_query_signature":true}`))
			require.NoError(t, err)
			creds := raw.(decard.Credentials)
			c := decard.NewClient(s.URL(), creds.APIKey, creds.APISecret)
			c.HTTP = s.Client()
			return s, c
		}},
	} {
		t.Run("strict by "+tt.name, func(t *testing.T) {
			t.Parallel()
			s, c := tt.make(t)
			user := register(t, c, "86000102")
			resp := mustCode(t, c, "card.virtual_detail", http.MethodGet, "/card/v1/virtual-card/detail", decard.Q("externalUserId", user, "applyRef", ref), nil,
				"DAPI_SIGNATURE_ERROR")
			assert.Contains(t, resp.Message, "was computed over the decoded query")
			assert.Contains(t, resp.Message, "applyRef=ref+1%2F2", "names the query to sign")
			// A query that needs no encoding signs the same either way.
			get(t, c, "account.kyc_status", "/account/v1/kyc-status", nil, decard.Q("externalUserId", user)...)
			resp = asSent(t, c, "/card/v1/virtual-card/detail", decard.Q("externalUserId", user, "applyRef", ref))
			assert.Equal(t, "CARD_TRANSACTION_NO_SUCH_TRANSACTION", resp.Code, "the query signed as sent passes: %s", resp.Message)
			assert.Empty(t, s.Journal.Entries(core.ByRoute("card.virtual_detail"))[1].Error)
		})
	}
}

// asSent sends a GET signed over its query exactly as it goes on the wire
// (DeCard's documented rule), checking the answer against its contract.
func asSent(t *testing.T, c *decard.Client, path string, params []decard.Param) *decard.Response {
	t.Helper()
	q, h := c.Sign(http.MethodGet, params, nil)
	h.Set(decard.HeaderSign, decard.Sign(c.APIKey, c.APISecret, h.Get(decard.HeaderTimestamp), h.Get(decard.HeaderNonce), q))
	resp, err := c.DoRaw(ctx, http.MethodGet, path+"?"+q, nil, h)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.Status)
	return resp
}
