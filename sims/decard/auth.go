package decard

// Authentication — DeCard "README" / "flow" signing rule, as the official
// Postman collection (decard-tech/dcs-api-postman) and Java connector
// (decard-tech/dcs-connector-java) implement it.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// The request headers every DeCard call carries.
const (
	HeaderAPIKey    = "X-DAPI-API-KEY"
	HeaderTimestamp = "X-DAPI-TIMESTAMP"
	HeaderNonce     = "X-DAPI-NONCE"
	HeaderSign      = "X-DAPI-SIGN"
)

// Sign returns X-DAPI-SIGN: the lower-case hex HMAC-SHA256, keyed with the
// API secret's UTF-8 text (not its Base64-decoded bytes), of apiKey +
// timestamp + nonce + payload with no separators. payload is the query
// string for a GET (no leading '?', "" when there is none) and the raw body
// for anything else. Neither method nor path is signed.
func Sign(apiKey, apiSecret, timestamp, nonce, payload string) string {
	m := hmac.New(sha256.New, []byte(apiSecret))
	m.Write([]byte(apiKey))
	m.Write([]byte(timestamp))
	m.Write([]byte(nonce))
	m.Write([]byte(payload))
	return hex.EncodeToString(m.Sum(nil))
}

// identify guesses the request's tenant from its API key (or, for the
// stream, its channel), unverified, so fault rules can match by tenant
// before authentication runs.
func (s *Server) identify(r *http.Request) string {
	key := r.Header.Get(HeaderAPIKey)
	if ch, ok := strings.CutPrefix(r.URL.Path, "/ws/"); ok {
		if _, known := s.worlds.ByKey(key); !known {
			if w, ok := s.byChannel(ch); ok {
				return w.Tenant.ID
			}
		}
	}
	return s.worlds.Identify(key, s.Auth)
}

// authenticate checks the X-DAPI headers of every API call and the
// client's address against the tenant's allow-list.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w, err := s.check(r)
		if err == nil {
			err = core.Bind(r, w)
		}
		if err != nil {
			s.writeError(rw, r, err)
			return
		}
		next.ServeHTTP(rw, r)
	})
}

// check verifies a request's credentials in the order DeCard's gateway
// reports them: API key present, timestamp present, well formed and fresh,
// nonce well formed, API key known, signature, allow-list, nonce unused.
func (s *Server) check(r *http.Request) (*world, error) {
	key := r.Header.Get(HeaderAPIKey)
	switch s.Auth {
	case core.AuthOff:
		if w, ok := s.worlds.ByKey(key); ok {
			return w, nil
		}
		return s.worlds.Default(), nil
	case core.AuthLenient:
		for _, h := range []struct{ name, code string }{
			{HeaderAPIKey, "DAPI_API_KEY_EMPTY"}, {HeaderTimestamp, "DAPI_TIMESTAMP_EMPTY"},
			{HeaderNonce, "DAPI_NONCE_ILLEGAL"}, {HeaderSign, "DAPI_SIGNATURE_ERROR"},
		} {
			if strings.TrimSpace(r.Header.Get(h.name)) == "" {
				return nil, fail(h.code, text{"%s is missing", "缺少 %s"}, h.name)
			}
		}
		if w, ok := s.worlds.ByKey(key); ok {
			return w, nil
		}
		return s.worlds.Default(), nil
	}
	if strings.TrimSpace(key) == "" {
		return nil, fail("DAPI_API_KEY_EMPTY", text{"send the %s header", "请传 %s 请求头"}, HeaderAPIKey)
	}
	// The tenant's own settings (window, nonce rules) apply as soon as its
	// key is recognised; an unknown key is refused after the format checks.
	w, ok := s.worlds.ByKey(key)
	set := &s.set
	if ok {
		set = &w.set
	}
	ts, err := checkTimestamp(r.Header.Get(HeaderTimestamp), s.Clock.Wall(), set.TimestampWindow.D())
	if err != nil {
		return nil, err
	}
	nonce := r.Header.Get(HeaderNonce)
	if err := checkNonce(nonce, set.AnyNonce); err != nil {
		return nil, err
	}
	if !ok {
		return nil, fail("DAPI_SECRET_KEY_EMPTY", text{"no secret key is registered for API key %q", "API Key %q 没有对应的 Secret Key"}, key)
	}
	decoded, err := verifySignature(r, w.creds, ts, nonce, set.StrictQuerySignature)
	if err != nil {
		return nil, err
	}
	if !w.Tenant.Allow.Allows(r) {
		return nil, fail("DAPI_PERMISSION_DENIED", text{"%s is not on the IP allow-list of this API key", "%s 不在该 API Key 的 IP 白名单内"}, r.RemoteAddr)
	}
	replay := key + "\x00" + nonce
	if !set.NonceOnlyReplay {
		replay += "\x00" + ts
	}
	if !w.nonces.Use(replay, s.Clock.Wall()) {
		return nil, fail("DAPI_NONCE_ILLEGAL", text{"nonce %s was already used (a request is accepted once)", "nonce %s 已被使用（请求只能提交一次）"}, nonce)
	}
	if decoded != "" {
		// The journal records the call's Err: a passing request signed the
		// connector's way carries this note, so a client can see how it
		// differs from the docs before a strict tenant refuses it.
		core.CallOf(r).Err = fmt.Sprintf("warning: %s matches the decoded query %q, not the query as sent %q; DeCard's docs sign the query "+
			"as sent (the Java connector signs it decoded). A tenant with strict_query_signature (WithStrictQuerySignature) refuses this.",
			HeaderSign, decoded, r.URL.RawQuery)
	}
	return w, nil
}

// checkTimestamp enforces Unix milliseconds within window of the wall
// clock, either way (moving business time never breaks authentication).
func checkTimestamp(raw string, wall time.Time, window time.Duration) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", fail("DAPI_TIMESTAMP_EMPTY", text{"send %s (Unix milliseconds)", "请传 %s（毫秒时间戳）"}, HeaderTimestamp)
	}
	ms, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || ms <= 0 || raw[0] == '+' {
		return "", fail("DAPI_TIMESTAMP_FORMAT_ERROR", text{"%s must be Unix milliseconds in decimal digits, got %q", "%s 必须为十进制毫秒时间戳，实际为 %q"}, HeaderTimestamp, raw)
	}
	skew := wall.Sub(time.UnixMilli(ms))
	if skew < 0 {
		skew = -skew
	}
	if skew > window {
		if d := wall.Sub(time.Unix(ms, 0)); d <= window && d >= -window {
			return "", fail("DAPI_TIMESTAMP_EXPIRED", text{"%s %s looks like Unix seconds; send milliseconds", "%s %s 看起来是秒级时间戳，请使用毫秒"},
				HeaderTimestamp, raw)
		}
		return "", fail("DAPI_TIMESTAMP_EXPIRED", text{"%s %s is %s away from server time (limit %s)", "%s %s 与服务器时间相差 %s（上限 %s）"},
			HeaderTimestamp, raw, skew.Round(time.Millisecond), window)
	}
	return raw, nil
}

// checkNonce enforces the nonce every published client sends: a decimal
// integer in [10000, 99999] (WithAnyNonce relaxes it).
func checkNonce(nonce string, anyNonce bool) error {
	if anyNonce {
		if n := strings.TrimSpace(nonce); n == "" || len(n) > 64 {
			return fail("DAPI_NONCE_ILLEGAL", text{"%s must be 1-64 characters, got %q", "%s 必须为 1-64 个字符，实际为 %q"}, HeaderNonce, nonce)
		}
		return nil
	}
	n, err := strconv.Atoi(nonce)
	if err != nil || n < 10000 || n > 99999 || nonce[0] == '+' {
		return fail("DAPI_NONCE_ILLEGAL", text{"%s must be an integer from 10000 to 99999, got %q", "%s 必须为 10000 到 99999 的整数，实际为 %q"}, HeaderNonce, nonce)
	}
	return nil
}

// verifySignature compares X-DAPI-SIGN with the signature of each payload
// a published client may have signed. decoded is the payload that matched
// when it was not the documented one (a GET's query decoded, as the Java
// connector signs it); strict refuses that form.
func verifySignature(r *http.Request, c Credentials, ts, nonce string, strict bool) (decoded string, err error) {
	got := strings.ToLower(strings.TrimSpace(r.Header.Get(HeaderSign)))
	if got == "" {
		return "", fail("DAPI_SIGNATURE_ERROR", text{"send %s", "请传 %s"}, HeaderSign)
	}
	body := core.Body(r)
	first := string(body)
	if r.Method == http.MethodGet {
		first = r.URL.RawQuery
	}
	if hmac.Equal([]byte(got), []byte(Sign(c.APIKey, c.APISecret, ts, nonce, first))) {
		return "", nil // the documented payload: the common case, checked without building the others
	}
	payloads := SignedPayloads(r.Method, r.URL.RawQuery, body)
	for _, p := range payloads[1:] {
		if !hmac.Equal([]byte(got), []byte(Sign(c.APIKey, c.APISecret, ts, nonce, p))) {
			continue
		}
		if strict {
			return "", fail("DAPI_SIGNATURE_ERROR", text{"%s was computed over the decoded query %q; sign the query exactly as sent, %q (this tenant has strict_query_signature on)",
				"%s 基于解码后的查询串 %q 计算；请对实际发送的查询串 %q 签名（该租户开启了 strict_query_signature）"}, HeaderSign, p, payloads[0])
		}
		return p, nil
	}
	return "", fail("DAPI_SIGNATURE_ERROR", text{"%s does not match HMAC-SHA256(secret, apiKey+timestamp+nonce+payload) with payload %q",
		"%s 与 HMAC-SHA256(secret, apiKey+timestamp+nonce+payload) 不符，payload 为 %q"}, HeaderSign, payloads[0])
}

// SignedPayloads returns the payloads a request may have been signed over,
// the documented one first.
//
// Quirk: for a GET the documented payload is the query string exactly as
// sent (OkHttp's encodedQuery(), Postman's query.toString()), but the Java
// connector signs its parameters joined unencoded ("k=v&k2=v2", insertion
// order) while it sends them URL-encoded. So a GET also verifies against
// the query decoded pair by pair, in the order received — form-style ('+'
// is a space) and path-style — and parameters are never sorted (check
// journals a pass in the decoded form with a warning, and a tenant with
// strict_query_signature refuses it). Any other method signs the raw body
// bytes.
func SignedPayloads(method, rawQuery string, body []byte) []string {
	if method != http.MethodGet {
		return []string{string(body)}
	}
	out := []string{rawQuery}
	for _, unescape := range []func(string) (string, error){url.QueryUnescape, url.PathUnescape} {
		parts := strings.Split(rawQuery, "&")
		ok := true
		for i, p := range parts {
			k, v, hasEq := strings.Cut(p, "=")
			dk, err1 := unescape(k)
			dv, err2 := unescape(v)
			if err1 != nil || err2 != nil {
				ok = false
				break
			}
			parts[i] = dk
			if hasEq {
				parts[i] += "=" + dv
			}
		}
		if d := strings.Join(parts, "&"); ok && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}
