package decard

// Digital wallets — the Postman collection's "digitalWallet" folder
// (changelog 20260319: apple-bind-wallet, google-bind-wallet, v1 by
// cardMantissa and v2 by cardId) and the Java connector's
// CardApi.bindAppleWallet/bindGoogleWallet (BindAppleWalletResponse,
// BindGoogleWalletResponse). What the provisioning payloads contain is
// the card network's; mocksrv answers random bytes of the right shape.

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
)

// Digital wallets a card can be pushed to.
const (
	WalletApplePay  = "APPLE_PAY"
	WalletGooglePay = "GOOGLE_PAY"
)

// WalletToken is a card provisioned to a digital wallet.
type WalletToken struct {
	Wallet   string    `json:"wallet"`
	VCardID  string    `json:"vCardID"`
	DeviceID string    `json:"deviceId,omitempty"` // Google Pay's device; Apple Pay binds by nonce
	Customer string    `json:"clientCustomerId,omitempty"`
	At       time.Time `json:"boundAt"`
}

// bindWalletLocked provisions a card to a wallet: only a NORMAL card
// (FROZEN is CARD_FROZEN_STATUS_UNSUPPORTED, INACTIVE CARD_CARD_INACTIVE,
// CANCELLED CARD_TXN_1122020016). Google Pay binds once per device: the
// same device again answers the same token; every Apple Pay request (a
// fresh nonce) makes a new one.
func (w *world) bindWalletLocked(c Card, wallet, device, customer string) (Card, WalletToken, error) {
	if c.Status != CardNormal {
		return c, WalletToken{}, errCardState(c, "only a NORMAL card can be added to a wallet")
	}
	if wallet == WalletGooglePay {
		for _, t := range c.Tokens {
			if t.Wallet == wallet && t.DeviceID == device && t.Customer == customer {
				return c, t, nil
			}
		}
	}
	prefix := "DAPLMC"
	if wallet == WalletGooglePay {
		prefix = "DWSPMC"
	}
	t := WalletToken{Wallet: wallet, VCardID: prefix + strings.ToUpper(w.Faker.HexID(16)), DeviceID: device, Customer: customer, At: w.Now()}
	c.Tokens = append(append([]WalletToken(nil), c.Tokens...), t) // copy: a stored card is never changed in place
	c.UpdatedAt = t.At
	w.cards.Put(c.ID, c)
	return c, t, nil
}

// randomBytes returns n random bytes of the seeded faker.
func (w *world) randomBytes(n int) []byte {
	b, _ := hex.DecodeString(w.Faker.HexID(n))
	return b
}

// randomB64 returns n random bytes of the seeded faker in Base64.
func (w *world) randomB64(n int) string { return base64.StdEncoding.EncodeToString(w.randomBytes(n)) }
