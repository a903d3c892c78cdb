package bkj

// Authentication — bkj "接口签名" (paydoc.bkj.com/8741334m0) and
// "接口响应安全校验", with the canonical form issue 5 fixes where the
// published page is garbled (see doc.go, "Signing").

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mocksrv/mocksrv/sims/core"
)

// The request and response signing headers.
const (
	HeaderAPIKey    = "X-Api-Key"
	HeaderTimestamp = "X-Timestamp"
	HeaderNonce     = "X-Nonce"
	HeaderSignature = "X-Signature"
)

// NormalizeBody returns the canonical form of a JSON body that BODY_HASH
// hashes: object keys sorted (by code point) at every level, no
// whitespace, nulls and array order kept, numbers exactly as written,
// strings re-encoded minimally (only '"', '\', and control characters are
// escaped; other characters, including non-ASCII, are literal UTF-8). A
// repeated key keeps its last value. This is Python's
// json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
// and JavaScript's JSON.stringify of a key-sorted value.
func NormalizeBody(body []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var buf bytes.Buffer
	buf.Grow(len(body))
	if err := normalizeValue(dec, &buf); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON value")
	}
	return buf.Bytes(), nil
}

func normalizeValue(dec *json.Decoder, buf *bytes.Buffer) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			return normalizeObject(dec, buf)
		case '[':
			buf.WriteByte('[')
			for i := 0; dec.More(); i++ {
				if i > 0 {
					buf.WriteByte(',')
				}
				if err := normalizeValue(dec, buf); err != nil {
					return err
				}
			}
			_, err := dec.Token() // ]
			buf.WriteByte(']')
			return err
		}
		return fmt.Errorf("unexpected %q", t)
	case string:
		writeJSONString(buf, t)
	case json.Number:
		buf.WriteString(string(t))
	case bool:
		buf.WriteString(strconv.FormatBool(t))
	case nil:
		buf.WriteString("null")
	}
	return nil
}

func normalizeObject(dec *json.Decoder, buf *bytes.Buffer) error {
	members := map[string][]byte{}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		var v bytes.Buffer
		if err := normalizeValue(dec, &v); err != nil {
			return err
		}
		if _, dup := members[key]; !dup {
			keys = append(keys, key)
		}
		members[key] = v.Bytes()
	}
	if _, err := dec.Token(); err != nil { // }
		return err
	}
	sort.Strings(keys)
	buf.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		writeJSONString(buf, k)
		buf.WriteByte(':')
		buf.Write(members[k])
	}
	buf.WriteByte('}')
	return nil
}

// writeJSONString writes s as JSON.stringify does.
func writeJSONString(buf *bytes.Buffer, s string) {
	const hexdigits = "0123456789abcdef"
	buf.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			buf.WriteString(`\"`)
		case c == '\\':
			buf.WriteString(`\\`)
		case c == '\b':
			buf.WriteString(`\b`)
		case c == '\f':
			buf.WriteString(`\f`)
		case c == '\n':
			buf.WriteString(`\n`)
		case c == '\r':
			buf.WriteString(`\r`)
		case c == '\t':
			buf.WriteString(`\t`)
		case c < 0x20:
			buf.WriteString(`\u00`)
			buf.WriteByte(hexdigits[c>>4])
			buf.WriteByte(hexdigits[c&0xf])
		default:
			buf.WriteByte(c)
		}
	}
	buf.WriteByte('"')
}

// BodyHash returns BODY_HASH for a request body: the lowercase hex SHA-256
// of NormalizeBody(body), or "" when the body is empty (only whitespace).
// A body that is not JSON is hashed as sent. normalized is what was
// hashed.
func BodyHash(body []byte) (hash string, normalized []byte) {
	if len(bytes.TrimSpace(body)) == 0 {
		return "", nil
	}
	n, err := NormalizeBody(body)
	if err != nil {
		n = body
	}
	sum := sha256.Sum256(n)
	return hex.EncodeToString(sum[:]), n
}

// CanonicalQuery returns QUERY for a raw query string: every parameter
// URL-decoded ('+' is a space), sorted by key then value, "key=value"
// joined by '&'; "" when there are none. "c=3&a=1&b=2" → "a=1&b=2&c=3".
// Parameters must decode to UTF-8.
func CanonicalQuery(rawQuery string) (string, error) {
	if rawQuery == "" {
		return "", nil
	}
	vals, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", err
	}
	type kv struct{ k, v string }
	pairs := make([]kv, 0, len(vals))
	for k, vs := range vals {
		for _, v := range vs {
			if !utf8.ValidString(k) || !utf8.ValidString(v) {
				return "", fmt.Errorf("parameter %q does not decode to UTF-8", k)
			}
			pairs = append(pairs, kv{k, v})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k)
		b.WriteByte('=')
		b.WriteString(p.v)
	}
	return b.String(), nil
}

// StringToSign returns the canonical string a request signature covers:
//
//	METHOD + "\n" + PATH + "\n" + QUERY + "\n" + X-Timestamp + "\n" + X-Nonce + "\n" + BODY_HASH
//
// METHOD upper case, PATH the path including /openapi/v1 (no query),
// QUERY from CanonicalQuery, BODY_HASH from BodyHash.
func StringToSign(method, path, rawQuery, timestamp, nonce string, body []byte) (string, error) {
	q, err := CanonicalQuery(rawQuery)
	if err != nil {
		return "", err
	}
	h, _ := BodyHash(body)
	return strings.ToUpper(method) + "\n" + path + "\n" + q + "\n" + timestamp + "\n" + nonce + "\n" + h, nil
}

// Sign returns the lowercase hex HMAC-SHA256 of msg keyed with secret.
func Sign(secret, msg string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

// ResponseStringToSign returns what a response (or webhook) signature
// covers: X-Timestamp + "\n" + X-Nonce + "\n" + lowercase hex SHA-256 of
// the exact body bytes.
func ResponseStringToSign(timestamp, nonce string, body []byte) string {
	sum := sha256.Sum256(body)
	return timestamp + "\n" + nonce + "\n" + hex.EncodeToString(sum[:])
}

// ErrResponseSignature is returned when a response or webhook signature
// does not verify.
var ErrResponseSignature = errors.New("bkj: response signature does not verify")

// VerifyResponse checks the X-Timestamp, X-Nonce and X-Signature headers of
// a bkj response or webhook against its exact body bytes.
func VerifyResponse(secret string, h http.Header, body []byte) error {
	ts, nonce, sig := h.Get(HeaderTimestamp), h.Get(HeaderNonce), h.Get(HeaderSignature)
	if ts == "" || nonce == "" || sig == "" {
		return fmt.Errorf("%w: X-Timestamp, X-Nonce and X-Signature are required", ErrResponseSignature)
	}
	want := Sign(secret, ResponseStringToSign(ts, nonce, body))
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return ErrResponseSignature
	}
	return nil
}

// signatureHeaders returns the headers that sign body with secret.
func signatureHeaders(secret string, body []byte, wall time.Time) http.Header {
	h := http.Header{}
	setSignature(h, secret, body, wall)
	return h
}

// setSignature sets X-Timestamp, X-Nonce and X-Signature on h for body.
func setSignature(h http.Header, secret string, body []byte, wall time.Time) {
	ts := strconv.FormatInt(wall.Unix(), 10)
	nonce := core.RandomHex(16)
	h[HeaderTimestamp] = []string{ts}
	h[HeaderNonce] = []string{nonce}
	h[HeaderSignature] = []string{Sign(secret, ResponseStringToSign(ts, nonce, body))}
}

// seen is what the server made of a request's signing headers; the debug
// endpoints echo it.
type seen struct {
	APIKey         string
	Timestamp      string
	Nonce          string
	Signature      string
	CanonicalQuery string
	BodyHash       string
	Normalized     []byte
	StringToSign   string
	Expected       string
	Valid          bool
	queryErr       error // the query string does not decode
}

// identify guesses the request's tenant from X-Api-Key, unverified, so
// fault rules can match by tenant before authentication runs.
func (s *Server) identify(r *http.Request) string {
	return s.worlds.Identify(r.Header.Get(HeaderAPIKey), s.Auth)
}

// authenticate verifies the signing headers of every endpoint but /config.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return s.authenticateSeen(func(*seen) http.Handler { return next })
}

// authenticateSeen is authenticate for a handler made from what the check
// saw of the request (the debug endpoints echo it): it travels on the call
// stack, not with the request. It is nil under lenient and off auth, which
// check no signature.
func (s *Server) authenticateSeen(serve func(sn *seen) http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w, sn, err := s.verify(r)
		if err != nil {
			s.writeError(rw, r, err)
			return
		}
		// From here every answer, a rate-limit refusal or an injected fault
		// too, is signed with w's secret.
		if err := core.Bind(r, w); err != nil {
			s.writeError(rw, r, err)
			return
		}
		if w.limiter != nil {
			if ok, retry := w.limiter.Allow(w.creds.APIKey, s.Clock.Wall()); !ok {
				s.writeError(rw, r, fail(codeRateLimited, text{"at most %d requests per second per X-Api-Key; retry in %s",
					"每个 X-Api-Key 每秒最多 %d 次请求，请 %s 后重试"}, w.set.RateLimit, retry.Round(time.Millisecond)))
				return
			}
		}
		serve(sn).ServeHTTP(rw, r)
	})
}

var (
	timestampDigits = regexp.MustCompile(`^[0-9]{1,12}$`)
	hexLower64      = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// maxNonce bounds X-Nonce.
const maxNonce = 128

// verify checks the four signing headers, in this order: present (40100),
// known X-Api-Key (40101), X-Timestamp within the window of wall time
// (40103), signature (40102, showing the string-to-sign), nonce unused
// (40104), and returns the world they authenticate and what it saw of the
// request. The nonce is spent only by a request whose signature verifies.
// Lenient auth wants the headers and verifies nothing; off wants nothing;
// both serve the tenant of an unknown X-Api-Key from the default world.
func (s *Server) verify(r *http.Request) (*world, *seen, error) {
	key := r.Header.Get(HeaderAPIKey)
	w, known := s.worlds.ByKey(key)
	if !known && s.Auth != core.AuthStrict {
		w = s.worlds.Default()
	}
	switch {
	case s.Auth == core.AuthOff:
		return w, nil, nil
	case s.Auth == core.AuthLenient:
		return w, nil, missingHeaders(r)
	}
	if err := missingHeaders(r); err != nil {
		return nil, nil, err
	}
	if !known {
		return nil, nil, fail(codeUnknownKey, text{"X-Api-Key %q is not known to this server", "X-Api-Key %q 不存在"}, key)
	}
	if err := s.checkTimestamp(r.Header.Get(HeaderTimestamp), w.set.TimestampWindow.D()); err != nil {
		return nil, nil, err
	}
	nonce := r.Header.Get(HeaderNonce)
	if len(nonce) > maxNonce || !utf8.ValidString(nonce) {
		return nil, nil, fail(codeAuthHeader, text{"X-Nonce must be at most %d characters", "X-Nonce 最长 %d 个字符"}, maxNonce)
	}
	sn := s.observe(r, w)
	if sn.queryErr != nil {
		return nil, nil, invalid(text{"the query string does not decode: %v", "查询字符串无法解码：%v"}, sn.queryErr)
	}
	if !sn.Valid {
		return nil, nil, signatureError(sn, w.set.ShowStringToSign)
	}
	if !w.nonces.Use(w.creds.APIKey+"\x00"+nonce, s.Clock.Wall()) {
		return nil, nil, fail(codeNonceReplay, text{"X-Nonce %q was already used with this X-Api-Key in the last %s; send a fresh one with every request",
			"X-Nonce %q 已在 %s 内被该 X-Api-Key 使用过，每次请求请使用新的 X-Nonce"}, nonce, w.set.NonceTTL.D())
	}
	return w, sn, nil
}

// observe computes the canonical pieces of a request and whether its
// X-Signature matches them under w's secret.
func (s *Server) observe(r *http.Request, w *world) *seen {
	body := core.Body(r)
	sn := &seen{
		APIKey: r.Header.Get(HeaderAPIKey), Timestamp: r.Header.Get(HeaderTimestamp),
		Nonce: r.Header.Get(HeaderNonce), Signature: r.Header.Get(HeaderSignature),
	}
	sn.CanonicalQuery, sn.queryErr = CanonicalQuery(r.URL.RawQuery)
	sn.BodyHash, sn.Normalized = BodyHash(body)
	sn.StringToSign = strings.ToUpper(r.Method) + "\n" + r.URL.Path + "\n" + sn.CanonicalQuery + "\n" +
		sn.Timestamp + "\n" + sn.Nonce + "\n" + sn.BodyHash
	if w != nil {
		sn.Expected = Sign(w.creds.APISecret, sn.StringToSign)
		sn.Valid = hmac.Equal([]byte(sn.Expected), []byte(sn.Signature))
	}
	return sn
}

func missingHeaders(r *http.Request) error {
	var missing []string
	for _, h := range []string{HeaderAPIKey, HeaderTimestamp, HeaderNonce, HeaderSignature} {
		if r.Header.Get(h) == "" {
			missing = append(missing, h)
		}
	}
	if len(missing) > 0 {
		list := strings.Join(missing, ", ")
		return fail(codeAuthHeader, text{"missing %s (every call but /config sends X-Api-Key, X-Timestamp, X-Nonce and X-Signature)",
			"缺少 %s（除 /config 外每个请求都需要 X-Api-Key、X-Timestamp、X-Nonce、X-Signature）"}, list)
	}
	return nil
}

// checkTimestamp enforces Unix seconds within ±window of wall time (moving
// business time never breaks authentication).
func (s *Server) checkTimestamp(raw string, window time.Duration) error {
	if len(raw) >= 13 && len(raw) <= 16 && digitsPattern.MatchString(raw) {
		return fail(codeTimestamp, text{"X-Timestamp %s looks like milliseconds; send Unix seconds", "X-Timestamp %s 看起来是毫秒，请使用秒级时间戳"}, raw)
	}
	if !timestampDigits.MatchString(raw) {
		return fail(codeTimestamp, text{"X-Timestamp must be Unix seconds (digits only), got %q", "X-Timestamp 必须为 Unix 秒级时间戳（纯数字），实际为 %q"}, raw)
	}
	sec, _ := strconv.ParseInt(raw, 10, 64)
	ts, now := time.Unix(sec, 0), s.Clock.Wall()
	switch d := ts.Sub(now); {
	case d > window:
		return fail(codeTimestamp, text{"X-Timestamp %s is %s ahead of server time %d (limit ±%s)", "X-Timestamp %[1]s 比服务器时间 %[3]d 快 %[2]s（允许 ±%[4]s）"},
			raw, d.Round(time.Second), now.Unix(), window)
	case -d > window:
		return fail(codeTimestamp, text{"X-Timestamp %s is %s behind server time %d (limit ±%s)", "X-Timestamp %[1]s 比服务器时间 %[3]d 慢 %[2]s（允许 ±%[4]s）"},
			raw, (-d).Round(time.Second), now.Unix(), window)
	}
	return nil
}

// signatureError names what is wrong with X-Signature and, unless
// switched off, shows the string-to-sign the server computed.
func signatureError(sn *seen, showSTS bool) error {
	if !hexLower64.MatchString(sn.Signature) {
		if strings.EqualFold(sn.Signature, sn.Expected) {
			return fail(codeSignature, text{"X-Signature must be lowercase hex", "X-Signature 必须为小写十六进制"})
		}
		if !showSTS {
			return fail(codeSignature, text{"X-Signature must be 64 lowercase hex characters (HMAC-SHA256)", "X-Signature 必须为 64 位小写十六进制（HMAC-SHA256）"})
		}
	}
	if !showSTS {
		return fail(codeSignature, text{"X-Signature does not match the request", "X-Signature 与请求不匹配"})
	}
	return fail(codeSignature, text{
		"X-Signature does not match; the server signed %q (METHOD\\nPATH\\nQUERY\\nX-Timestamp\\nX-Nonce\\nBODY_HASH) with HMAC-SHA256",
		"X-Signature 不匹配；服务器的待签名字符串为 %q（METHOD\\nPATH\\nQUERY\\nX-Timestamp\\nX-Nonce\\nBODY_HASH），算法 HMAC-SHA256"},
		sn.StringToSign)
}
