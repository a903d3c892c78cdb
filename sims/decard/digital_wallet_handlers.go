package decard

// Digital-wallet endpoints — the Postman collection's "digitalWallet"
// folder and the Java connector's CardApi.bindAppleWallet and
// bindGoogleWallet.

import (
	"encoding/base64"
	"net/http"
	"strings"
)

type appleBindRequest struct {
	ExternalUserID          string     `json:"externalUserId"`
	CardMantissa            string     `json:"cardMantissa"`
	CardID                  flexString `json:"cardId"`
	ApplePublicCertificates []string   `json:"applePublicCertificates"`
	AppleNonce              string     `json:"appleNonce"`
	AppleNonceSignature     string     `json:"appleNonceSignature"`
}

// appleBindJSON is what Apple Pay's in-app provisioning needs back
// (PKAddPaymentPassRequest). Quirk: the card's token reference is
// "vCardID", capital ID, as the connector's BindAppleWalletResponse
// names it.
type appleBindJSON struct {
	EncryptedPassData  string `json:"encryptedPassData"`
	ActivationData     string `json:"activationData"`
	EphemeralPublicKey string `json:"ephemeralPublicKey"`
	VCardID            string `json:"vCardID"`
}

// isBase64 reports whether s is non-empty standard Base64.
func isBase64(s string) bool {
	if s == "" {
		return false
	}
	_, err := base64.StdEncoding.DecodeString(s)
	return err == nil
}

// handleAppleBindWallet handles "POST /card/v1/apple-bind-wallet".
func (s *Server) handleAppleBindWallet(r *http.Request) (any, error) { return s.appleBind(r, false) }

// handleAppleBindWalletV2 handles "POST /card/v2/apple-bind-wallet".
func (s *Server) handleAppleBindWalletV2(r *http.Request) (any, error) { return s.appleBind(r, true) }

// appleBind provisions a card to Apple Pay: the certificates, nonce and
// nonce signature Apple's PassKit hands the app, each Base64.
func (s *Server) appleBind(r *http.Request, v2 bool) (any, error) {
	var req appleBindRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if v2 && req.CardID == "" {
		return nil, invalid("cardId is required")
	}
	if len(req.ApplePublicCertificates) == 0 {
		return nil, invalid("applePublicCertificates needs the certificate chain PassKit gives (Base64, leaf first)")
	}
	for i, c := range req.ApplePublicCertificates {
		if !isBase64(c) {
			return nil, invalid("applePublicCertificates[%d] is not Base64", i)
		}
	}
	for _, f := range []struct{ name, v string }{{"appleNonce", req.AppleNonce}, {"appleNonceSignature", req.AppleNonceSignature}} {
		if !isBase64(f.v) {
			return nil, invalid("%s is required, Base64 as PassKit gives it", f.name)
		}
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	c, err := walletCardLocked(w, req.ExternalUserID, req.CardMantissa, string(req.CardID), v2)
	if err != nil {
		return nil, err
	}
	_, t, err := w.bindWalletLocked(c, WalletApplePay, "", "")
	if err != nil {
		return nil, err
	}
	return appleBindJSON{EncryptedPassData: w.randomB64(256), ActivationData: w.randomB64(32),
		EphemeralPublicKey: base64.StdEncoding.EncodeToString(append([]byte{4}, w.randomBytes(64)...)), VCardID: t.VCardID}, nil
}

// walletCardLocked returns the card a binding names: by cardMantissa (v1;
// the user's first card without it) or cardId (v2).
func walletCardLocked(w *world, user, mantissa, id string, v2 bool) (Card, error) {
	u, err := w.userLocked(user)
	if err != nil {
		return Card{}, err
	}
	sel := cardSelector{user: u.ID, mantissa: mantissa}
	if v2 {
		sel = cardSelector{user: u.ID, id: id}
	}
	return w.cardLocked(sel)
}

type googleBindRequest struct {
	ExternalUserID   string     `json:"externalUserId"`
	CardMantissa     string     `json:"cardMantissa"`
	CardID           flexString `json:"cardId"`
	ClientCustomerID string     `json:"clientCustomerId"`
	DeviceID         string     `json:"deviceId"`
}

// googleBindJSON is what Google Pay's push provisioning needs back
// (pushTokenize's opaque payment card). Quirk: "vCardID", as above.
type googleBindJSON struct {
	Last4             string `json:"last4"`
	OpaquePaymentCard string `json:"opaquePaymentCard"`
	VCardID           string `json:"vCardID"`
}

// handleGoogleBindWallet handles "POST /card/v1/google-bind-wallet".
func (s *Server) handleGoogleBindWallet(r *http.Request) (any, error) { return s.googleBind(r, false) }

// handleGoogleBindWalletV2 handles "POST /card/v2/google-bind-wallet".
func (s *Server) handleGoogleBindWalletV2(r *http.Request) (any, error) { return s.googleBind(r, true) }

// googleBind provisions a card to Google Pay on one device of one wallet
// account (clientCustomerId, deviceId: what TapAndPay gives the app).
func (s *Server) googleBind(r *http.Request, v2 bool) (any, error) {
	var req googleBindRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if v2 && req.CardID == "" {
		return nil, invalid("cardId is required")
	}
	for _, f := range []struct{ name, v string }{{"clientCustomerId", req.ClientCustomerID}, {"deviceId", req.DeviceID}} {
		if v := strings.TrimSpace(f.v); v == "" || len(v) > 128 {
			return nil, invalid("%s must be 1-128 characters (the wallet's id from TapAndPay)", f.name)
		}
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	c, err := walletCardLocked(w, req.ExternalUserID, req.CardMantissa, string(req.CardID), v2)
	if err != nil {
		return nil, err
	}
	_, t, err := w.bindWalletLocked(c, WalletGooglePay, req.DeviceID, req.ClientCustomerID)
	if err != nil {
		return nil, err
	}
	return googleBindJSON{Last4: c.Mantissa(), OpaquePaymentCard: w.randomB64(384), VCardID: t.VCardID}, nil
}
