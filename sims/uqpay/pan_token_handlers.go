package uqpay

// One-time PAN tokens — UQPay Card Issuance v1.6 "Create PAN Token" and
// the secure iframe it feeds (a mocksrv stand-in).

import (
	"net/http"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

type panTokenResponse struct {
	Token     string `json:"token"`
	ExpiresIn int    `json:"expires_in"`
	ExpiresAt string `json:"expires_at"`
}

// panToken is a one-time PAN token.
type panToken struct {
	CardID    string    `json:"card_id"`
	AccountID string    `json:"account_id"`
	Exp       time.Time `json:"exp"`
}

// maxPANTokens bounds the unused PAN tokens a tenant keeps.
const maxPANTokens = 10000

// panTokenTTL is how long a PAN token works (published: 60 s).
const panTokenTTL = 60 * time.Second

// addPANTokenLocked stores a token and forgets the oldest ones that expired
// (or overflow the bound): tokens are issued in expiry order, so this costs
// O(1) amortized however many a client makes.
func (w *world) addPANTokenLocked(tok string, pt panToken, now time.Time) {
	for len(w.panOrder) > 0 {
		old, ok := w.panTokens[w.panOrder[0]]
		if ok && now.Before(old.Exp) && len(w.panOrder) < maxPANTokens {
			break
		}
		delete(w.panTokens, w.panOrder[0])
		w.panOrder = w.panOrder[1:]
	}
	w.panTokens[tok] = pt
	w.panOrder = append(w.panOrder, tok)
}

type panClaims struct {
	CardID    string `json:"card_id"`
	AccountID string `json:"account_id"`
	ClientID  string `json:"client_id"`
	Exp       int64  `json:"exp"`
	Iss       string `json:"iss"`
	JTI       string `json:"jti"`
}

// handleCardCreatePANToken handles "POST /api/v1/issuing/cards/{id}/token":
// a "pan_"-prefixed JWT, valid 60 s, good for one look at the card details
// through the secure iframe (GET /api/v1/mocksrv/pan_tokens/{token} here).
// It takes no body.
func (s *Server) handleCardCreatePANToken(r *http.Request) (any, error) {
	w, a, c, unlock, err := s.lockCard(r)
	defer unlock()
	if err != nil {
		return nil, err
	}
	if !c.live() || (c.Status == StatusPending && c.FormFactor == Virtual) {
		return nil, fail("card_status_invalid", "card %s is %s: it has no card details to show", c.ID, c.Status)
	}
	now, wall := w.tokenNow(), w.wall()
	exp := now.Add(panTokenTTL)
	wallExp := wall.Add(panTokenTTL)
	tok := "pan_" + signJWT(w.creds.APIKey, panClaims{CardID: c.ID, AccountID: a.ID, ClientID: w.creds.ClientID,
		Exp: wallExp.Unix(), Iss: "uqpay", JTI: w.newSecretLocked("pan-token")[:16]})
	w.addPANTokenLocked(tok, panToken{CardID: c.ID, AccountID: a.ID, Exp: exp}, now)
	return panTokenResponse{Token: tok, ExpiresIn: int(panTokenTTL / time.Second),
		ExpiresAt: wallExp.UTC().Format(layoutUTC)}, nil
}

type panRedeemResponse struct {
	CardID     string `json:"card_id"`
	CardNumber string `json:"card_number"`
	CVV        string `json:"cvv"`
	ExpireDate string `json:"expire_date"`
	NameOnCard string `json:"name_on_card"`
}

// handlePANTokenRedeem handles "GET /api/v1/mocksrv/pan_tokens/{token}",
// mocksrv's stand-in for the secure iframe: the token itself authorizes,
// once, within 60 seconds.
func (s *Server) handlePANTokenRedeem(r *http.Request) (any, error) {
	tok := core.PathVar(r, "token")
	var claims panClaims
	if len(tok) < 4 || tok[:4] != "pan_" {
		return nil, fail("unauthorized_error", msgPanTokenInvalid)
	}
	if _, ok := parseJWT(tok[4:], "", &claims); !ok {
		return nil, fail("unauthorized_error", msgPanTokenInvalid)
	}
	w, ok := s.worlds.ByKey(claims.ClientID)
	if !ok {
		return nil, fail("unauthorized_error", msgPanTokenInvalid)
	}
	if err := core.Bind(r, w); err != nil {
		return nil, err
	}
	s.worlds.Lock(w)
	defer w.Unlock()
	pt, ok := w.panTokens[tok]
	if !ok {
		return nil, fail("unauthorized_error", msgPanTokenInvalid)
	}
	delete(w.panTokens, tok)
	if !w.tokenNow().Before(pt.Exp) {
		return nil, fail("unauthorized_error", msgPanTokenExpiredFmt, w.fmtTime(pt.Exp), panTokenTTL)
	}
	a, ok := w.account(pt.AccountID)
	if !ok {
		return nil, fail("unauthorized_error", msgPanTokenInvalid)
	}
	c, err := a.cardLocked(pt.CardID)
	if err != nil {
		return nil, err
	}
	sec := secureOf(c)
	name := c.NameOnCard
	if name == "" {
		h, _ := a.cardholders.Get(c.CardholderID)
		name = h.FirstName + " " + h.LastName
	}
	return panRedeemResponse{CardID: c.ID, CardNumber: sec.CardNumber, CVV: sec.CVV, ExpireDate: sec.ExpireDate, NameOnCard: name}, nil
}
