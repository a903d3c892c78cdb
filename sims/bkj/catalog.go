package bkj

// Catalogue — bkj "卡渠道列表" (card channels) and "链列表" (chains).
// bkj publishes neither list; these are mocksrv's fixed sandbox catalogue
// (doc.go, "Deviations").

import (
	"regexp"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Channel is a card product: a scheme, a type, a currency and a BIN.
type Channel struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Association string   `json:"association"` // raw.association: VISA, MASTER_CARD
	Type        CardType `json:"type"`
	Currency    string   `json:"currency"`
	BIN         string   `json:"bin"`
	Image       string   `json:"card_image"`
	// RawCurrency fills raw.balanceCurrency and raw.billingCurrency; ""
	// leaves them out, as the seed's second card does.
	RawCurrency string `json:"-"`
}

// The sandbox card channels.
var channels = []Channel{
	{ID: "visa-virtual-usd", Name: "VISA Virtual USD", Association: "VISA", Type: Virtual, Currency: "USD", BIN: "438214",
		Image: "https://static.thedecard.com/images/card/face/visa/visa-card-normal-physical-front.png", RawCurrency: "USD"},
	{ID: "visa-physical-usd", Name: "VISA Physical USD", Association: "VISA", Type: Physical, Currency: "USD", BIN: "438214",
		Image: "https://static.thedecard.com/images/card/face/visa/visa-card-normal-physical-front.png", RawCurrency: "USD"},
	{ID: "mastercard-virtual-usd", Name: "Mastercard Virtual USD", Association: "MASTER_CARD", Type: Virtual, Currency: "USD", BIN: "531993",
		Image: "https://static.thedecard.com/images/card/face/master/master-card-normal-virtual-front.png"},
}

func findChannel(id string) (Channel, bool) {
	for _, c := range channels {
		if c.ID == id {
			return c, true
		}
	}
	return Channel{}, false
}

// channelOfCard returns the channel a card was issued under (the first
// channel of its type when the card names none).
func channelOfCard(c Card) Channel {
	if ch, ok := findChannel(c.ChannelID); ok {
		return ch
	}
	for _, ch := range channels {
		if ch.Type == c.Type {
			return ch
		}
	}
	return channels[0]
}

// Currencies of wallets. Every user gets one wallet per currency.
var walletCurrencies = []string{"USDT", "USDC"}

// Chain is a blockchain wallets send and receive on.
type Chain struct {
	Chain         string
	Name          string
	Currencies    []string
	Fee           core.Decimal // withdrawal fee, in the wallet's currency
	Min           core.Decimal // smallest withdrawal
	Confirmations int
	address       *regexp.Regexp
	addressHint   string
}

var (
	base58  = `[1-9A-HJ-NP-Za-km-z]`
	evmAddr = regexp.MustCompile(`^0x[0-9a-fA-F]{40}$`)
)

// The sandbox chains.
var chains = []Chain{
	{Chain: "TRON", Name: "TRON (TRC20)", Currencies: []string{"USDT"}, Fee: core.MustDecimal("1"), Min: core.MustDecimal("10"),
		Confirmations: 19, address: regexp.MustCompile(`^T` + base58 + `{33}$`), addressHint: "T followed by 33 base58 characters"},
	{Chain: "ETH", Name: "Ethereum (ERC20)", Currencies: []string{"USDT", "USDC"}, Fee: core.MustDecimal("5"), Min: core.MustDecimal("20"),
		Confirmations: 12, address: evmAddr, addressHint: "0x followed by 40 hex digits"},
	{Chain: "BSC", Name: "BNB Smart Chain (BEP20)", Currencies: []string{"USDT", "USDC"}, Fee: core.MustDecimal("0.5"), Min: core.MustDecimal("10"),
		Confirmations: 15, address: evmAddr, addressHint: "0x followed by 40 hex digits"},
	{Chain: "SOLANA", Name: "Solana (SPL)", Currencies: []string{"USDT", "USDC"}, Fee: core.MustDecimal("1"), Min: core.MustDecimal("10"),
		Confirmations: 32, address: regexp.MustCompile(`^` + base58 + `{32,44}$`), addressHint: "32 to 44 base58 characters"},
}

func findChain(name string) (Chain, bool) {
	for _, c := range chains {
		if c.Chain == name {
			return c, true
		}
	}
	return Chain{}, false
}

func (c Chain) carries(currency string) bool {
	for _, x := range c.Currencies {
		if x == currency {
			return true
		}
	}
	return false
}

func chainNames() []string {
	out := make([]string, len(chains))
	for i, c := range chains {
		out[i] = c.Chain
	}
	return out
}

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// newAddressLocked makes a deposit address of the chain's format from the
// faker.
func (w *world) newAddressLocked(c Chain) string {
	b58 := func(n int) string {
		out := make([]byte, n)
		for i := range out {
			out[i] = base58Alphabet[w.Faker.IntN(len(base58Alphabet))]
		}
		return string(out)
	}
	switch c.Chain {
	case "TRON":
		return "T" + b58(33)
	case "SOLANA":
		return b58(44)
	}
	return "0x" + w.Faker.HexID(20)
}
