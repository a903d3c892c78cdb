package uqpay

// The fixed catalogue — card products (UQPay "List Card Products" and the
// "Issue virtual cards" guide, Step 1), card arts and merchant brands.

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Mode is a card's or product's mode_type.
type Mode string

// Modes.
const (
	ModeSingle Mode = "SINGLE" // prepaid: funded from the issuing balance, supports recharge and withdraw
	ModeShare  Mode = "SHARE"  // draws on the issuing balance; card_limit caps spending
)

// Product is a card product the tenant may issue under.
type Product struct {
	ID         string
	BIN        string
	Scheme     string
	Mode       Mode
	Forms      []string // VIR, PHY
	Currencies []string
	Status     string
	NoPIN      core.Decimal // default no_pin_payment_amount
	OneTime    bool         // ONE_TIME cards allowed
	Simulation bool         // the sandbox simulators accept its cards
	KYCLevel   string       // KYCSimplified, KYCStandard or KYCEnhanced
}

// KYC levels of a card product (changelog 2026-04-02, "Multi-Level KYC"):
// what a cardholder must have given before a card of the product is
// issued to them.
const (
	KYCSimplified = "SIMPLIFIED" // the basic fields; cardholders are SUCCESS at once
	KYCStandard   = "STANDARD"   // also nationality, identity and residential_address
	KYCEnhanced   = "ENHANCED"   // also kyc_verification (THIRD_PARTY or SUMSUB_REDIRECT)
)

// RequiredField is one entry of a product's required_fields, and of the
// missing_fields of a kyc_insufficient error: a cardholder field, its type
// ("string", or "object" with sub-fields) and whether it is mandatory.
type RequiredField struct {
	Name        string          `json:"name"`
	Type        string          `json:"type"`
	Required    bool            `json:"required"`
	Description string          `json:"description,omitempty"`
	Fields      []RequiredField `json:"fields,omitempty"`
}

func reqString(name string, required bool, desc string) RequiredField {
	return RequiredField{Name: name, Type: "string", Required: required, Description: desc}
}

func reqObject(name string, required bool, desc string, fields ...RequiredField) RequiredField {
	return RequiredField{Name: name, Type: "object", Required: required, Description: desc, Fields: fields}
}

// RequiredFields returns the cardholder fields a product's KYC level asks
// for, in the order List Products shows them. SIMPLIFIED is the one-step
// issuance guide's list for BIN 40963608; which of the optional fields
// STANDARD and ENHANCED make mandatory beyond the changelog's (nationality,
// identity, residential_address, kyc_verification) is mocksrv's choice:
// date_of_birth too (Deviations).
func (p Product) RequiredFields() []RequiredField {
	kyc := p.KYCLevel != KYCSimplified && p.KYCLevel != ""
	out := []RequiredField{
		reqString("first_name", true, ""), reqString("last_name", true, ""), reqString("email", true, ""),
		reqString("country_code", true, "ISO 3166-1 alpha-2"), reqString("phone_number", true, ""),
		reqString("date_of_birth", kyc, "yyyy-mm-dd"),
	}
	if !kyc {
		return out
	}
	out = append(out,
		reqString("gender", false, "MALE or FEMALE"),
		reqString("nationality", true, "ISO 3166-1 alpha-2"),
		reqObject("residential_address", true, "", reqString("country", true, "ISO 3166-1 alpha-2"), reqString("city", true, ""),
			reqString("line1", true, ""), reqString("state", false, ""), reqString("district", false, ""), reqString("line2", false, ""),
			reqString("line_en", false, "the address in English; line1 and line2 when omitted"), reqString("postal_code", false, "")),
		reqObject("identity", true, "", reqString("type", true, "ID_CARD, PASSPORT or DRIVER_LICENSE"), reqString("number", true, ""),
			reqString("front_file", true, "base64, at most 2 MB"), reqString("back_file", false, "base64; for ID_CARD"),
			reqString("hand_file", false, "base64; for PASSPORT")),
	)
	if p.KYCLevel == KYCEnhanced {
		out = append(out, reqObject("kyc_verification", true, "", reqString("method", true, "THIRD_PARTY or SUMSUB_REDIRECT"),
			reqObject("kyc_proof", false, "required for THIRD_PARTY", reqString("provider", true, ""), reqString("reference_id", true, ""))))
	}
	return out
}

// missingFields returns the mandatory fields of the product's KYC level
// that a cardholder has not given.
func (p Product) missingFields(h Cardholder) []RequiredField {
	var out []RequiredField
	for _, f := range p.RequiredFields() {
		if f.Required && !h.hasField(f.Name) {
			out = append(out, f)
		}
	}
	return out
}

// Product IDs of the fixed catalogue. The first two are the docs' own.
const (
	ProductShare      = "467e993f-317a-49fc-9ea0-bf49de7d1f76" // VISA 40963608, SHARE, virtual and physical
	ProductSingle     = "3bd1656b-e691-4aab-a76a-3ead39e7a6f6" // VISA 40963608, SINGLE, virtual and physical
	ProductSingleVisa = "5a9239b7-1618-41a5-989b-4a41fc2d4856" // VISA 49372418, SINGLE, virtual only (no simulation)
	ProductMastercard = "8c1f2e4a-6b3d-4f5e-9a7b-2c4d6e8f0a1b" // MASTERCARD 527735, SHARE: card_limit required
	ProductEnhanced   = "0d8f10de-c888-4107-ab65-1cc9deb31b3b" // VISA 46651711, SHARE, ENHANCED KYC (the KYC guide's example)
)

// SimulationBIN is the only BIN the sandbox simulators accept.
const SimulationBIN = "40963608"

// products is the catalogue, in list order.
var products = []Product{
	{ID: ProductShare, BIN: SimulationBIN, Scheme: "VISA", Mode: ModeShare, Forms: []string{"VIR", "PHY"},
		Currencies: []string{"USD", "SGD"}, Status: "ENABLED", NoPIN: core.DecimalFromInt(2000), OneTime: true, Simulation: true,
		KYCLevel: KYCSimplified},
	{ID: ProductSingle, BIN: SimulationBIN, Scheme: "VISA", Mode: ModeSingle, Forms: []string{"VIR", "PHY"},
		Currencies: []string{"USD", "SGD"}, Status: "ENABLED", NoPIN: core.DecimalFromInt(2000), OneTime: true, Simulation: true,
		KYCLevel: KYCSimplified},
	{ID: ProductSingleVisa, BIN: "49372418", Scheme: "VISA", Mode: ModeSingle, Forms: []string{"VIR"},
		Currencies: []string{"USD"}, Status: "ENABLED", NoPIN: core.DecimalFromInt(200), KYCLevel: KYCSimplified},
	{ID: ProductMastercard, BIN: "527735", Scheme: "MASTERCARD", Mode: ModeShare, Forms: []string{"VIR"},
		Currencies: []string{"USD"}, Status: "ENABLED", NoPIN: core.DecimalFromInt(200), KYCLevel: KYCSimplified},
	{ID: ProductEnhanced, BIN: "46651711", Scheme: "VISA", Mode: ModeShare, Forms: []string{"VIR"},
		Currencies: []string{"USD", "SGD"}, Status: "ENABLED", NoPIN: core.DecimalFromInt(2000), KYCLevel: KYCEnhanced},
}

// productsCreated is when the catalogue "was made", for create_time.
var productsCreated = time.Date(2025, 6, 1, 10, 0, 0, 0, zoneSG)

func findProduct(id string) (Product, bool) {
	for _, p := range products {
		if p.ID == id {
			return p, true
		}
	}
	return Product{}, false
}

// productForPAN finds the product of a card number and mode, for Assign
// Card.
func productForPAN(pan string, mode Mode) (Product, bool) {
	for _, p := range products {
		if strings.HasPrefix(pan, p.BIN) && p.Mode == mode {
			return p, true
		}
	}
	return Product{}, false
}

// limitRequiredBINs must get a card_limit of at least 0.01 at creation
// (Create Card, "Field Behavior by Card BIN").
var limitRequiredBINs = map[string]bool{"527735": true, "555071": true, "555243": true}

func (p Product) supports(currency string) bool {
	for _, c := range p.Currencies {
		if c == currency {
			return true
		}
	}
	return false
}

func (p Product) physical() bool {
	for _, f := range p.Forms {
		if f == "PHY" {
			return true
		}
	}
	return false
}

// CardArt is a card design of a product.
type CardArt struct {
	ID        string
	ProductID string
	Name      string
	ImageURL  string
}

// stableUUID derives a UUID-shaped id from labels, for catalogue entries
// that must not depend on the seed.
func stableUUID(labels ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(labels, "/")))
	h := hex.EncodeToString(sum[:16])
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-a" + h[17:20] + "-" + h[20:32]
}

// cardArts returns a product's designs; the first is the default until
// Set Default Card Art changes it.
func cardArts(productID string) []CardArt {
	p, ok := findProduct(productID)
	if !ok {
		return nil
	}
	var out []CardArt
	for _, name := range []string{"Classic", "Midnight"} {
		id := stableUUID("card-art", p.ID, name)
		out = append(out, CardArt{ID: id, ProductID: p.ID, Name: p.Scheme + " " + name,
			ImageURL: "https://assets.mocksrv.local/card-arts/" + id + ".png"})
	}
	return out
}

func findArt(id string) (CardArt, bool) {
	for _, p := range products {
		for _, a := range cardArts(p.ID) {
			if a.ID == id {
				return a, true
			}
		}
	}
	return CardArt{}, false
}

// MerchantBrand is an entry of List Merchant Brands.
type MerchantBrand struct {
	Code        string `json:"merchant_code"`
	DisplayName string `json:"display_name"`
}

// merchantBrands is the fixed brand list.
var merchantBrands = []MerchantBrand{
	{"AIRBNB", "Airbnb"}, {"AMAZON", "Amazon"}, {"APPLE", "Apple"}, {"FACEBOOK", "Meta (Facebook)"},
	{"GOOGLE", "Google"}, {"GRAB", "Grab"}, {"LAZADA", "Lazada"}, {"MICROSOFT", "Microsoft"},
	{"NETFLIX", "Netflix"}, {"OPENAI", "OpenAI"}, {"SHOPEE", "Shopee"}, {"SPOTIFY", "Spotify"},
	{"TIKTOK", "TikTok"}, {"UBER", "Uber"},
}
