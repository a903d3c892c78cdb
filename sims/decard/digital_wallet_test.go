package decard_test

import (
	"encoding/base64"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/decard"
)

var (
	appleCert  = base64.StdEncoding.EncodeToString([]byte("leaf certificate DER"))
	appleNonce = base64.StdEncoding.EncodeToString([]byte{1, 2, 3, 4})
)

func appleBody(user, key, value string) map[string]any {
	return map[string]any{"externalUserId": user, key: value, "applePublicCertificates": []string{appleCert, appleCert},
		"appleNonce": appleNonce, "appleNonceSignature": appleNonce}
}

func googleBody(user, key, value, device string) map[string]any {
	return map[string]any{"externalUserId": user, key: value, "clientCustomerId": "wallet-account-1", "deviceId": device}
}

// TestWalletBinding provisions cards to Apple Pay and Google Pay, v1 by
// cardMantissa and v2 by cardId; only NORMAL cards bind.
func TestWalletBinding(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	c := s.NewClient()
	u, err := s.AddUser(decard.NewUser{})
	require.NoError(t, err)
	card, err := s.AddCard(decard.NewCard{UserID: u.ID, Mantissa: "4242"})
	require.NoError(t, err)

	var apple struct {
		EncryptedPassData, ActivationData, EphemeralPublicKey string
		VCardID                                               string `json:"vCardID"`
	}
	post(t, c, "card.apple_bind_wallet", "/card/v1/apple-bind-wallet", appleBody(u.ID, "cardMantissa", "4242"), &apple)
	assert.Regexp(t, `^DAPLMC[0-9A-F]{32}$`, apple.VCardID)
	key, err := base64.StdEncoding.DecodeString(apple.EphemeralPublicKey)
	require.NoError(t, err)
	assert.Len(t, key, 65, "an uncompressed P-256 point")
	assert.Equal(t, byte(4), key[0])
	for _, f := range []string{apple.EncryptedPassData, apple.ActivationData} {
		_, err := base64.StdEncoding.DecodeString(f)
		assert.NoError(t, err)
	}
	first := apple.VCardID
	post(t, c, "card.apple_bind_wallet_v2", "/card/v2/apple-bind-wallet", appleBody(u.ID, "cardId", card.ID), &apple)
	assert.NotEqual(t, first, apple.VCardID, "every Apple Pay provisioning is a new token")

	var google struct {
		Last4, OpaquePaymentCard string
		VCardID                  string `json:"vCardID"`
	}
	post(t, c, "card.google_bind_wallet", "/card/v1/google-bind-wallet", googleBody(u.ID, "cardMantissa", "4242", "device-1"), &google)
	assert.Equal(t, "4242", google.Last4)
	assert.Regexp(t, `^DWSPMC[0-9A-F]{32}$`, google.VCardID)
	tok := google.VCardID
	post(t, c, "card.google_bind_wallet_v2", "/card/v2/google-bind-wallet", googleBody(u.ID, "cardId", card.ID, "device-1"), &google)
	assert.Equal(t, tok, google.VCardID, "the same device binds once")
	post(t, c, "card.google_bind_wallet_v2", "/card/v2/google-bind-wallet", googleBody(u.ID, "cardId", card.ID, "device-2"), &google)
	assert.NotEqual(t, tok, google.VCardID)
	got, ok := s.Card(card.ID)
	require.True(t, ok)
	require.Len(t, got.Tokens, 4)
	assert.Equal(t, decard.WalletGooglePay, got.Tokens[3].Wallet)
	assert.Equal(t, "device-2", got.Tokens[3].DeviceID)

	t.Run("only a NORMAL card binds", func(t *testing.T) {
		for _, tt := range []struct {
			status decard.CardStatus
			code   string
		}{
			{decard.CardFrozen, "CARD_FROZEN_STATUS_UNSUPPORTED"},
			{decard.CardCancelled, "CARD_TXN_1122020016"},
			{decard.CardInactive, "CARD_CARD_INACTIVE"},
		} {
			other, err := s.AddCard(decard.NewCard{UserID: u.ID, Status: tt.status})
			require.NoError(t, err)
			mustCode(t, c, "card.apple_bind_wallet_v2", http.MethodPost, "/card/v2/apple-bind-wallet", nil, appleBody(u.ID, "cardId", other.ID), tt.code)
			mustCode(t, c, "card.google_bind_wallet", http.MethodPost, "/card/v1/google-bind-wallet", nil,
				googleBody(u.ID, "cardMantissa", other.Mantissa(), "device-1"), tt.code)
		}
		require.NoError(t, s.FreezeCard(card.ID))
		resp := mustCode(t, c, "card.apple_bind_wallet", http.MethodPost, "/card/v1/apple-bind-wallet", nil, appleBody(u.ID, "cardMantissa", "4242"),
			"CARD_FROZEN_STATUS_UNSUPPORTED")
		assert.Contains(t, resp.Message, "only a NORMAL card can be added to a wallet")
		require.NoError(t, s.UnfreezeCard(card.ID))
	})

	t.Run("bad requests", func(t *testing.T) {
		noCerts := appleBody(u.ID, "cardMantissa", "4242")
		noCerts["applePublicCertificates"] = []string{}
		badCert := appleBody(u.ID, "cardMantissa", "4242")
		badCert["applePublicCertificates"] = []string{appleCert, "not base64!"}
		noNonce := appleBody(u.ID, "cardMantissa", "4242")
		noNonce["appleNonce"] = ""
		for _, tt := range []struct {
			name, route, path string
			body              map[string]any
			code, msg         string
		}{
			{"no certificates", "card.apple_bind_wallet", "/card/v1/apple-bind-wallet", noCerts, "ACCOUNT_INVALID_PARAMETER", "applePublicCertificates needs"},
			{"a certificate not Base64", "card.apple_bind_wallet", "/card/v1/apple-bind-wallet", badCert, "ACCOUNT_INVALID_PARAMETER", "applePublicCertificates[1]"},
			{"no nonce", "card.apple_bind_wallet", "/card/v1/apple-bind-wallet", noNonce, "ACCOUNT_INVALID_PARAMETER", "appleNonce is required"},
			{"v2 without a cardId", "card.apple_bind_wallet_v2", "/card/v2/apple-bind-wallet", appleBody(u.ID, "cardMantissa", "4242"), "ACCOUNT_INVALID_PARAMETER", "cardId is required"},
			{"an unknown card", "card.apple_bind_wallet_v2", "/card/v2/apple-bind-wallet", appleBody(u.ID, "cardId", "1"), "CARD_NOT_EXISTED", "cardId 1"},
			{"an unknown user", "card.apple_bind_wallet", "/card/v1/apple-bind-wallet", appleBody("nobody", "cardMantissa", "4242"), "ACCOUNT_USER_NOT_EXIST", "nobody"},
			{"no device", "card.google_bind_wallet", "/card/v1/google-bind-wallet", googleBody(u.ID, "cardMantissa", "4242", ""), "ACCOUNT_INVALID_PARAMETER", "deviceId must be 1-128"},
			{"an unknown last 4", "card.google_bind_wallet", "/card/v1/google-bind-wallet", googleBody(u.ID, "cardMantissa", "9999", "d"), "CARD_NOT_EXISTED", "9999"},
			{"v2 google without a cardId", "card.google_bind_wallet_v2", "/card/v2/google-bind-wallet", googleBody(u.ID, "cardMantissa", "4242", "d"), "ACCOUNT_INVALID_PARAMETER", "cardId is required"},
		} {
			resp := mustCode(t, c, tt.route, http.MethodPost, tt.path, nil, tt.body, tt.code)
			assert.Contains(t, resp.Message, tt.msg, tt.name)
		}
	})
}
