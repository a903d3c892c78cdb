package keysecure

// Authentication — KeySecure Open API "Request headers" and "Get Token".

import (
	"net/http"
	"strconv"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// isMillis reports whether s is 13 digits, a Unix time in milliseconds.
func isMillis(s string) bool {
	if len(s) != 13 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// identify guesses the request's tenant from its Api-Key, unverified, so
// fault rules can match by tenant before authentication runs.
func (s *Server) identify(r *http.Request) string {
	return s.worlds.Identify(r.Header.Get("Api-Key"), s.Auth)
}

// authenticate checks the headers every call but Get Token carries:
// Api-Key, Timestamp, Access-Token, and the source IP.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w, err := s.checkKey(r)
		if err == nil && s.Auth == core.AuthStrict {
			err = s.checkToken(r, w)
		} else if err == nil && s.Auth == core.AuthLenient && r.Header.Get("Access-Token") == "" {
			err = fail(1006, text{})
		}
		if err != nil {
			s.writeError(rw, r, err)
			return
		}
		core.Bind(r, w)
		next.ServeHTTP(rw, r)
	})
}

// checkKey verifies Api-Key, Timestamp and the IP allow-list, in that
// order: 1002 missing key, 1005 bad timestamp, 1008 unknown key, 1003 IP.
func (s *Server) checkKey(r *http.Request) (*world, error) {
	key := r.Header.Get("Api-Key")
	switch s.Auth {
	case core.AuthOff:
		if w, ok := s.worlds.ByKey(key); ok {
			return w, nil
		}
		return s.worlds.Default(), nil
	case core.AuthLenient:
		if key == "" {
			return nil, fail(1002, text{})
		}
		if w, ok := s.worlds.ByKey(key); ok {
			return w, nil
		}
		return s.worlds.Default(), nil
	}
	if key == "" {
		return nil, fail(1002, text{})
	}
	w, ok := s.worlds.ByKey(key)
	window := s.set.TimestampWindow.D()
	if ok {
		window = w.set.TimestampWindow.D()
	}
	if err := checkTimestamp(r, s.Clock.Wall(), window); err != nil {
		return nil, err
	}
	if !ok {
		return nil, fail(1008, text{"%s", "%s"}, key)
	}
	if !w.Tenant.Allow.Allows(r) {
		return nil, fail(1003, text{"%s is not on the allow-list of this Api-Key", "%s 不在该 Api-Key 的白名单内"}, r.RemoteAddr)
	}
	return w, nil
}

// checkTimestamp enforces the published rule: 13 digits of Unix ms, not in
// the future, at most 60 s old, on the wall clock (moving business time
// never breaks authentication).
func checkTimestamp(r *http.Request, now time.Time, window time.Duration) error {
	raw := r.Header.Get("Timestamp")
	if !isMillis(raw) {
		return fail(1005, text{"Timestamp must be 13 digits of Unix milliseconds, got %q", "Timestamp 必须为 13 位毫秒时间戳，实际为 %q"}, raw)
	}
	ms, _ := strconv.ParseInt(raw, 10, 64)
	ts := time.UnixMilli(ms)
	switch {
	case ts.After(now):
		return fail(1005, text{"Timestamp %s is %s in the future", "Timestamp %s 超前服务器时间 %s"}, raw, ts.Sub(now).Round(time.Millisecond))
	case now.Sub(ts) > window:
		return fail(1005, text{"Timestamp %s is %s old (limit %s)", "Timestamp %s 已过去 %s（上限 %s）"}, raw, now.Sub(ts).Round(time.Millisecond), window)
	}
	return nil
}

// checkToken verifies the Access-Token: 1006 missing, 1007 unknown,
// revoked or expired on the business clock.
func (s *Server) checkToken(r *http.Request, w *world) error {
	tok := r.Header.Get("Access-Token")
	if tok == "" {
		return fail(1006, text{})
	}
	w.Lock()
	defer w.Unlock()
	exp, ok := w.tokens[tok]
	switch {
	case !ok:
		return fail(1007, text{"the token is unknown to this Api-Key or was revoked", "该 Token 不属于此 Api-Key 或已被撤销"})
	case !w.Now().Before(exp):
		return fail(1007, text{"the token expired at %s", "Token 已于 %s 过期"}, exp.Format(time.RFC3339))
	}
	return nil
}

// tokenData is the data of GET /open-api/v1/merchant/token.
type tokenData struct {
	AccessToken string `json:"access_token"`
	ExpiredTime int64  `json:"expired_time"` // Unix ms
}

// handleTokenGet handles "GET /open-api/v1/merchant/token". It needs only
// Api-Key and Timestamp.
func (s *Server) handleTokenGet(r *http.Request) (any, error) {
	w, err := s.checkKey(r)
	if err != nil {
		return nil, err
	}
	core.CallOf(r).Tenant = w.Tenant.ID
	if ok, retry := w.tokenLimiter.Allow(w.creds.APIKey, s.Clock.Wall()); !ok {
		return nil, fail(1009, text{"at most %d tokens per minute; retry in %s", "每分钟最多获取 %d 次 Token，请 %s 后重试"}, w.set.TokenRateLimit, retry.Round(time.Second))
	}
	w.Lock()
	defer w.Unlock()
	now := w.Now()
	if w.set.RevokeTokens {
		clear(w.tokens)
		w.tokenOrder = w.tokenOrder[:0]
	}
	w.pruneTokensLocked(now)
	tok := w.newTokenLocked()
	exp := now.Add(w.set.TokenTTL.D())
	w.tokens[tok] = exp
	w.tokenOrder = append(w.tokenOrder, tok)
	return tokenData{AccessToken: tok, ExpiredTime: exp.UnixMilli()}, nil
}

// maxLiveTokens bounds the Access-Tokens (and PCI client tokens) an Api-Key
// holds at once; minting one more revokes the one closest to expiry. With a
// frozen business clock tokens never expire, and a long-lived mocksrv must
// not grow without bound.
const maxLiveTokens = 1000

// pruneTokensLocked makes room for one more Access-Token: it drops tokens
// in minting order while the oldest has expired or the key is at the bound.
// Tokens are minted with the same lifetime, so minting order is expiry
// order and each token is dropped once: O(1) per token minted. (After the
// clock is set back an expired token may wait behind a live one; checkToken
// refuses it all the same.) w.mu must be held.
func (w *world) pruneTokensLocked(now time.Time) {
	for len(w.tokenOrder) > 0 {
		t := w.tokenOrder[0]
		exp, live := w.tokens[t]
		if live && now.Before(exp) && len(w.tokens) < maxLiveTokens {
			return
		}
		delete(w.tokens, t)
		w.tokenOrder = w.tokenOrder[1:]
	}
}

// pruneTokens drops expired tokens, then the ones closest to expiry until
// there is room for one more under max. PCI client tokens, minted rarely,
// use it.
func pruneTokens(tokens map[string]time.Time, now time.Time, max int) {
	for t, exp := range tokens {
		if !now.Before(exp) {
			delete(tokens, t)
		}
	}
	for len(tokens) >= max {
		var oldest string
		var at time.Time
		for t, exp := range tokens {
			if oldest == "" || exp.Before(at) || (exp.Equal(at) && t < oldest) {
				oldest, at = t, exp
			}
		}
		delete(tokens, oldest)
	}
}
