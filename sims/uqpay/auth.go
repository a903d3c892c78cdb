package uqpay

// Authentication — UQPay Account Center v1.6 "Request Access Token" and the
// Card Issuance integration FAQ: POST /api/v1/connect/token with x-client-id
// and x-api-key returns an HS256 JWT, sent on every other call as
// "x-auth-token: Bearer <token>"; x-on-behalf-of picks a sub-account.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// tokenRec is a minted auth_token.
type tokenRec struct {
	world   *world
	Exp     time.Time `json:"exp"` // wall time, or business time with WithTokenBusinessExpiry
	Revoked bool      `json:"revoked,omitempty"`
}

// jwtClaims is the payload of an auth_token, in the shape UQPay's own
// tokens decode to (docs curl examples). JTI is mocksrv's addition, so two
// tokens minted in the same second differ.
type jwtClaims struct {
	MasterID     string `json:"master_id"`
	CustomerID   string `json:"customer_id"`
	AccountID    string `json:"account_id"`
	APIVersion   string `json:"api_version"`
	ClientID     string `json:"client_id"`
	UserID       string `json:"user_id"`
	Email        string `json:"email"`
	Scope        string `json:"scope"`
	UserName     string `json:"user_name"`
	DirectID     string `json:"direct_id"`
	OnBehalfID   string `json:"on_behalf_id"`
	OnBehalfName string `json:"on_behalf_name"`
	BusType      int    `json:"bus_type"`
	IP           string `json:"ip"`
	Exp          int64  `json:"exp"`
	Iss          string `json:"iss"`
	JTI          string `json:"jti"`
}

var jwtHeader = base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))

// signJWT returns header.payload.signature, HS256 over the first two parts.
func signJWT(key string, claims any) string {
	payload, _ := json.Marshal(claims)
	unsigned := jwtHeader + "." + base64.RawURLEncoding.EncodeToString(payload)
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(unsigned))
	return unsigned + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// parseJWT splits a token and decodes its claims into v without checking
// the signature; verified says whether key signs it.
func parseJWT(tok, key string, v any) (verified bool, ok bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return false, false
	}
	hdr, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	payload, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	sig, err3 := base64.RawURLEncoding.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil || !json.Valid(hdr) || json.Unmarshal(payload, v) != nil {
		return false, false
	}
	if key == "" {
		return false, true
	}
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(parts[0] + "." + parts[1]))
	return hmac.Equal(sig, m.Sum(nil)), true
}

// Messages for each way an x-auth-token header can be wrong, after the
// integration FAQ's "most common 401 errors".
const (
	msgTokenMissing       = "x-auth-token header is required: send x-auth-token: Bearer <auth_token from POST /api/v1/connect/token>"
	msgTokenInAuthz       = "the token was sent in the Authorization header; UQPay reads it from x-auth-token: Bearer <token>"
	msgTokenBare          = "invalid auth token format: x-auth-token must be \"Bearer <token>\"; a bare token is not accepted"
	msgTokenNoSpace       = "invalid auth token format: put exactly one space between Bearer and the token (got \"Bearer<token>\")"
	msgTokenSpaces        = "invalid auth token format: put exactly one space between Bearer and the token"
	msgTokenCase          = "invalid auth token format: the prefix is \"Bearer \" with a capital B"
	msgTokenEmpty         = "invalid auth token format: nothing follows \"Bearer \""
	msgTokenNotJWT        = "invalid auth token format: the token is not a JWT issued by POST /api/v1/connect/token"
	msgTokenExpired       = "auth token expired at %s (tokens live %s); fetch a new one from POST /api/v1/connect/token"
	msgTokenRevoked       = "auth token was revoked because a newer token was issued for this client"
	msgTokenUnknown       = "auth token is not known to this server: it was not issued here, or the tenant was reset"
	msgTokenBadSignature  = "auth token signature does not verify: the token was altered or issued for other credentials"
	msgClientMissing      = "x-client-id header is required"
	msgClientUnknown      = "Invalid client id"
	msgAPIKeyMissing      = "x-api-key header is required"
	msgAPIKeyWrong        = "x-api-key does not match client id %s"
	msgIPNotAllowed       = "IP not allowed: %s is not on the API key's IP whitelist"
	msgOnBehalfMalformed  = "x-on-behalf-of %q is not a valid UUID; use the account_id of an Issuing sub-account, or omit the header for the master account"
	msgOnBehalfUnknown    = "x-on-behalf-of %s is not an Issuing sub-account of this account"
	msgTokenRateLimited   = "at most %d token requests per minute for client %s; retry in %s"
	msgPanTokenInvalid    = "PAN token is invalid or was already used"
	msgPanTokenExpiredFmt = "PAN token expired at %s (PAN tokens live %s and work once)"
)

// bearer extracts the token from an x-auth-token header value, or says
// exactly what is wrong with it.
//
// Quirk: the prefix must be "Bearer " with one space, in x-auth-token — not
// Authorization, not a bare token, not "Bearer<token>".
func bearer(r *http.Request) (string, error) {
	v := r.Header.Get("x-auth-token")
	if v == "" {
		if r.Header.Get("Authorization") != "" {
			return "", fail("unauthorized_error", msgTokenInAuthz)
		}
		return "", fail("unauthorized_error", msgTokenMissing)
	}
	return parseBearer(v)
}

func parseBearer(v string) (string, error) {
	switch {
	case strings.HasPrefix(v, "Bearer "):
		tok := v[len("Bearer "):]
		switch {
		case tok == "":
			return "", fail("unauthorized_error", msgTokenEmpty)
		case strings.HasPrefix(tok, " ") || strings.HasPrefix(tok, "\t"):
			return "", fail("unauthorized_error", msgTokenSpaces)
		}
		return tok, nil
	case v == "Bearer": // HTTP trims the trailing space of "Bearer "
		return "", fail("unauthorized_error", msgTokenEmpty)
	case strings.HasPrefix(v, "Bearer"):
		return "", fail("unauthorized_error", msgTokenNoSpace)
	case len(v) >= 6 && strings.EqualFold(v[:6], "bearer"):
		return "", fail("unauthorized_error", msgTokenCase)
	}
	return "", fail("unauthorized_error", msgTokenBare)
}

// accountOf returns the account (master or sub-account) the request acts
// for, which authenticate bound to it.
func accountOf(r *http.Request) *account { return core.ValueOf[*account](r) }

// identify guesses the request's tenant, unverified, so fault rules can
// match by tenant before authentication runs.
func (s *Server) identify(r *http.Request) string {
	if v := r.Header.Get("x-auth-token"); strings.HasPrefix(v, "Bearer ") {
		if w, ok := s.byToken(v[len("Bearer "):]); ok {
			return w.Tenant.ID
		}
	}
	return s.worlds.Identify(r.Header.Get("x-client-id"), s.Auth)
}

// authenticate checks x-auth-token and resolves x-on-behalf-of on every
// call but the token endpoint.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w, err := s.checkToken(r)
		var a *account
		if err == nil {
			a, err = onBehalfOf(r, w)
		}
		if err != nil {
			s.writeError(rw, r, err)
			return
		}
		core.Bind(r, w)
		core.BindValue(r, a)
		next.ServeHTTP(rw, r)
	})
}

// checkToken returns the world an x-auth-token belongs to.
func (s *Server) checkToken(r *http.Request) (*world, error) {
	switch s.Auth {
	case core.AuthOff:
		if v := r.Header.Get("x-auth-token"); strings.HasPrefix(v, "Bearer ") {
			if w, ok := s.byToken(v[len("Bearer "):]); ok {
				return w, nil
			}
		}
		return s.worlds.Default(), nil
	case core.AuthLenient:
		v := r.Header.Get("x-auth-token")
		if v == "" {
			return nil, fail("unauthorized_error", msgTokenMissing)
		}
		if w, ok := s.byToken(strings.TrimPrefix(v, "Bearer ")); ok {
			return w, nil
		}
		return s.worlds.Default(), nil
	}
	tok, err := bearer(r)
	if err != nil {
		return nil, err
	}
	s.tokMu.RLock()
	rec, ok := s.tokenRecs[tok]
	s.tokMu.RUnlock()
	if !ok {
		return nil, s.diagnoseToken(tok)
	}
	switch now := rec.world.tokenNow(); {
	case rec.Revoked:
		return nil, fail("unauthorized_error", msgTokenRevoked)
	case !now.Before(rec.Exp):
		return nil, fail("unauthorized_error", msgTokenExpired, rec.Exp.In(rec.world.zone).Format(layoutTime), rec.world.set.TokenTTL.D())
	}
	return rec.world, nil
}

// diagnoseToken explains why a token is not a live one of ours.
func (s *Server) diagnoseToken(tok string) error {
	var c jwtClaims
	if _, ok := parseJWT(tok, "", &c); !ok {
		return fail("unauthorized_error", msgTokenNotJWT)
	}
	w, ok := s.worlds.ByKey(c.ClientID)
	if !ok {
		return fail("unauthorized_error", msgTokenUnknown)
	}
	if verified, _ := parseJWT(tok, w.creds.APIKey, &c); !verified {
		return fail("unauthorized_error", msgTokenBadSignature)
	}
	if exp := time.Unix(c.Exp, 0); !w.tokenNow().Before(exp) {
		return fail("unauthorized_error", msgTokenExpired, exp.In(w.zone).Format(layoutTime), w.set.TokenTTL.D())
	}
	return fail("unauthorized_error", msgTokenUnknown)
}

// tokenNow is the clock tokens expire on: wall time by default. It reads
// the tenant's clock, not Now, because token checks hold no world lock.
func (w *world) tokenNow() time.Time {
	if w.set.TokenBusinessExpiry {
		return w.Tenant.Clock.Now()
	}
	return w.wall()
}

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// onBehalfOf resolves x-on-behalf-of: empty means the master account.
func onBehalfOf(r *http.Request, w *world) (*account, error) {
	id := strings.TrimSpace(r.Header.Get("x-on-behalf-of"))
	if id == "" {
		return w.master, nil
	}
	if !uuidPattern.MatchString(id) {
		return nil, fail("sub_account_not_found", msgOnBehalfMalformed, id)
	}
	w.Lock()
	defer w.Unlock()
	a, ok := w.account(strings.ToLower(id))
	if !ok {
		return nil, fail("sub_account_not_found", msgOnBehalfUnknown, id)
	}
	return a, nil
}

// tokenResponse is the body of POST /api/v1/connect/token.
type tokenResponse struct {
	AuthToken string `json:"auth_token"`
	ExpiredAt int64  `json:"expired_at"` // Quirk: Unix seconds, not milliseconds
}

// handleTokenCreate handles "POST /api/v1/connect/token". It needs only
// x-client-id and x-api-key; no body, no idempotency key.
//
// Quirk: an unknown x-client-id is a 400 invalid_request_error ("Invalid
// client id"), a wrong x-api-key a 401.
func (s *Server) handleTokenCreate(r *http.Request) (any, error) {
	w, err := s.checkClient(r)
	if err != nil {
		return nil, err
	}
	core.CallOf(r).Tenant = w.Tenant.ID
	if ok, retry := w.tokenLimiter.Allow(w.creds.ClientID, w.wall()); !ok {
		return nil, fail("velocity_limit_exceeded", msgTokenRateLimited, w.set.TokenRateLimit, w.creds.ClientID, retry.Round(time.Second))
	}
	w.Lock()
	tok, exp, wallExp := w.mintTokenLocked(clientIP(r))
	w.Unlock()
	s.tokMu.Lock()
	s.addTokenLocked(w, tok, exp)
	s.tokMu.Unlock()
	return tokenResponse{AuthToken: tok, ExpiredAt: wallExp.Unix()}, nil
}

// addTokenLocked records a new token of w, forgetting w's expired ones
// (its tokens are issued in expiry order) and, with WithTokenRevocation,
// revoking the live ones. s.tokMu must be held.
func (s *Server) addTokenLocked(w *world, tok string, exp time.Time) {
	now := w.tokenNow()
	for len(w.tokenOrder) > 0 {
		old, ok := s.tokenRecs[w.tokenOrder[0]]
		if ok && now.Before(old.Exp) {
			break
		}
		delete(s.tokenRecs, w.tokenOrder[0])
		w.tokenOrder = w.tokenOrder[1:]
	}
	if w.set.RevokeTokens {
		for _, t := range w.tokenOrder {
			if rec, ok := s.tokenRecs[t]; ok {
				rec.Revoked = true
				s.tokenRecs[t] = rec
			}
		}
	}
	s.tokenRecs[tok] = tokenRec{world: w, Exp: exp}
	w.tokenOrder = append(w.tokenOrder, tok)
}

// checkClient verifies x-client-id, x-api-key and the IP whitelist.
func (s *Server) checkClient(r *http.Request) (*world, error) {
	id, key := r.Header.Get("x-client-id"), r.Header.Get("x-api-key")
	w, known := s.worlds.ByKey(id)
	switch s.Auth {
	case core.AuthOff:
		if known {
			return w, nil
		}
		return s.worlds.Default(), nil
	case core.AuthLenient:
		if id == "" {
			return nil, invalid(msgClientMissing)
		}
		if known {
			return w, nil
		}
		return s.worlds.Default(), nil
	}
	switch {
	case id == "":
		return nil, invalid(msgClientMissing)
	case !known:
		return nil, invalid(msgClientUnknown)
	case key == "":
		return nil, fail("unauthorized_error", msgAPIKeyMissing)
	case !hmac.Equal([]byte(key), []byte(w.creds.APIKey)):
		return nil, fail("unauthorized_error", msgAPIKeyWrong, id)
	case !w.Tenant.Allow.Allows(r):
		return nil, fail("unauthorized_error", msgIPNotAllowed, clientIP(r))
	}
	return w, nil
}

// mintTokenLocked issues an auth_token. It returns the token, its expiry on
// the clock tokens expire on, and that expiry in wall time (expired_at),
// which is what clients compare their own clocks with.
func (w *world) mintTokenLocked(ip string) (string, time.Time, time.Time) {
	now, wall := w.tokenNow(), w.wall()
	exp := now.Add(w.set.TokenTTL.D())
	wallExp := wall.Add(exp.Sub(now))
	c := jwtClaims{
		MasterID: "0", CustomerID: w.master.ID, AccountID: w.master.ID, APIVersion: "V1.0",
		ClientID: w.creds.ClientID, UserID: w.master.ID, Email: "sandbox@mocksrv.local", Scope: "issuing",
		UserName: "mocksrv", DirectID: "0", IP: ip, Exp: wallExp.Unix(), Iss: "uqpay",
		JTI: w.newSecretLocked("auth-token")[:16],
	}
	return signJWT(w.creds.APIKey, c), exp, wallExp
}

// clientIP returns the request's source address without the port.
func clientIP(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}
