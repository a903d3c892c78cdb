package uqpay_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// TestProductRequiredFields lists the products as both SDKs read them:
// every product has a kyc_level and the required_fields of that level.
func TestProductRequiredFields(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	list, err := f.sdk.ListProducts(f.ctx, 10, 1) // the Go SDK ignores the new fields
	require.NoError(t, err)
	require.Equal(t, 5, list.TotalItems)

	status, b := f.get("/api/v1/issuing/products?page_size=10&page_number=1")
	require.Equal(t, http.StatusOK, status)
	var page struct {
		Data []NodeCardProduct `json:"data"`
	}
	require.NoError(t, json.Unmarshal(b, &page), "the Node SDK's CardProduct")
	byID := map[string]NodeCardProduct{}
	for _, p := range page.Data {
		require.NotNil(t, p.KycLevel, p.ProductID)
		require.NoError(t, checkRequiredFields(p.RequiredFields), p.ProductID)
		byID[p.ProductID] = p
	}
	required := func(p NodeCardProduct) map[string]bool {
		out := map[string]bool{}
		for _, f := range p.RequiredFields {
			out[f.Name] = f.Required
		}
		return out
	}
	simple := byID[uqpay.ProductShare]
	assert.Equal(t, "SIMPLIFIED", *simple.KycLevel)
	assert.Equal(t, map[string]bool{"first_name": true, "last_name": true, "email": true, "country_code": true,
		"phone_number": true, "date_of_birth": false}, required(simple), "the one-step issuance guide's list for BIN 40963608")

	enhanced := byID[uqpay.ProductEnhanced]
	assert.Equal(t, "ENHANCED", *enhanced.KycLevel)
	assert.Equal(t, "46651711", enhanced.CardBin)
	req := required(enhanced)
	for _, name := range []string{"nationality", "residential_address", "identity", "kyc_verification", "date_of_birth"} {
		assert.True(t, req[name], name)
	}
	assert.False(t, req["gender"])
	for _, fl := range enhanced.RequiredFields {
		if fl.Name == "residential_address" {
			assert.Equal(t, "object", fl.Type)
			sub := map[string]bool{}
			for _, s := range fl.Fields {
				sub[s.Name] = s.Required
			}
			assert.Equal(t, map[string]bool{"country": true, "city": true, "line1": true, "state": false, "district": false,
				"line2": false, "line_en": false, "postal_code": false}, sub)
		}
	}
}

// enhancedFields is everything the ENHANCED product asks for, given at
// card creation.
func enhancedFields(method string) *CardholderRequiredFields {
	r := &CardholderRequiredFields{DateOfBirth: ptr("1990-01-15"), Nationality: ptr("SG"),
		ResidentialAddress: &ResidentialAddress{Country: "SG", City: "Singapore", Line1: "1 Raffles Place", Line2: ptr("Tower 2")},
		Identity:           &Identity{Type: "PASSPORT", Number: "E1234567", FrontFile: "aGVsbG8=", HandFile: ptr("aGVsbG8=")},
		KycVerification:    &KycVerification{Method: method}}
	if method == "THIRD_PARTY" {
		r.KycVerification.KycProof = &KycProof{Provider: "Onfido", ReferenceID: "onfido-0001-abc"}
	}
	return r
}

// TestCardCreateKYCInsufficient creates a card of the ENHANCED product for
// a cardholder with only the basic fields: cardholder_error
// kyc_insufficient with missing_fields, as the Node SDK reads it, and
// nothing made. Supplying some of the fields still misses the rest;
// supplying all of them issues the card.
func TestCardCreateKYCInsufficient(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	holder := f.holder("basic@example.com")
	const path = "/api/v1/issuing/cards"
	body := map[string]any{"cardholder_id": holder, "card_product_id": uqpay.ProductEnhanced, "card_currency": "USD"}

	status, b := f.post(path, body)
	wantError(t, status, b, http.StatusBadRequest, "cardholder_error", "kyc_insufficient",
		"lacks date_of_birth, nationality, residential_address, identity, kyc_verification")
	ne, err := nodeError(status, b)
	require.NoError(t, err)
	assert.Equal(t, "ValidationError", ne.Class)
	require.NoError(t, checkRequiredFields(ne.MissingFields))
	var names []string
	for _, m := range ne.MissingFields {
		names = append(names, m.Name)
		assert.True(t, m.Required)
	}
	assert.Equal(t, []string{"date_of_birth", "nationality", "residential_address", "identity", "kyc_verification"}, names)
	assert.Len(t, ne.MissingFields[2].Fields, 8, "an object field lists its sub-fields")

	// The Go SDK sees an ordinary APIError with the code.
	_, err = f.sdk.CreateCard(f.ctx, &CreateCardRequest{CardholderID: holder, CardProductID: uqpay.ProductEnhanced, CardCurrency: "USD"})
	assert.Equal(t, FlexibleCode("kyc_insufficient"), apiErr(t, err).Code)

	// Some of the fields: the rest are still missing, and the cardholder is untouched.
	_, err = f.sdk.CreateCard(f.ctx, &CreateCardRequest{CardholderID: holder, CardProductID: uqpay.ProductEnhanced, CardCurrency: "USD",
		CardholderRequiredFields: &CardholderRequiredFields{Nationality: ptr("SG"), DateOfBirth: ptr("1990-01-15")}})
	e := apiErr(t, err)
	assert.Equal(t, FlexibleCode("kyc_insufficient"), e.Code)
	assert.Contains(t, e.Message, "lacks residential_address, identity, kyc_verification")
	h, err := f.sdk.GetCardholder(f.ctx, holder)
	require.NoError(t, err)
	assert.Nil(t, h.Nationality, "a refused card creation stores nothing")
	assert.Empty(t, f.s.Cards())

	// All of them, verified by the merchant's own provider: the card is issued.
	created, err := f.sdk.CreateCard(f.ctx, &CreateCardRequest{CardholderID: holder, CardProductID: uqpay.ProductEnhanced,
		CardCurrency: "USD", CardholderRequiredFields: enhancedFields("THIRD_PARTY")})
	require.NoError(t, err)
	assert.Nil(t, created.CardholderStatus, "the cardholder is approved")
	f.flush()
	f.s.CheckCardStatus(t, created.CardID, uqpay.StatusActive)
	h, err = f.sdk.GetCardholder(f.ctx, holder)
	require.NoError(t, err)
	assert.Equal(t, "SG", *h.Nationality)
	assert.Equal(t, "PASSED", *h.IdvStatus)
	assert.Equal(t, "1 Raffles Place, Tower 2", *h.ResidentialAddress.LineEn)
	assert.Equal(t, 1, f.s.CheckWebhook(t, "card.create.succeeded", created.CardID))

	// Now the cardholder has everything: no fields needed any more.
	again, err := f.sdk.CreateCard(f.ctx, &CreateCardRequest{CardholderID: holder, CardProductID: uqpay.ProductEnhanced, CardCurrency: "SGD"})
	require.NoError(t, err)
	assert.Equal(t, "PENDING", again.CardStatus)
}

// TestCardCreateKYCThroughSumsub supplies kyc_verification SUMSUB_REDIRECT
// at card creation: the cardholder goes to identity verification, the
// card waits for it and is issued once it passes.
func TestCardCreateKYCThroughSumsub(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	holder := f.holder("sumsub@example.com")
	created, err := f.sdk.CreateCard(f.ctx, &CreateCardRequest{CardholderID: holder, CardProductID: uqpay.ProductEnhanced,
		CardCurrency: "USD", CardholderRequiredFields: enhancedFields("SUMSUB_REDIRECT")})
	require.NoError(t, err)
	require.NotNil(t, created.CardholderStatus)
	assert.Equal(t, "PENDING", *created.CardholderStatus)
	assert.Contains(t, *created.Message, "issued once the cardholder is approved")
	h, err := f.sdk.GetCardholder(f.ctx, holder)
	require.NoError(t, err)
	assert.Equal(t, "PENDING", *h.IdvStatus)
	assert.Equal(t, "https://idv.mocksrv.local/verify/"+holder, *h.IdvVerificationURL)
	assert.Equal(t, "2026-01-02T08:00:00+08:00", *h.IdvURLExpiresAt)
	f.flush()
	f.s.CheckCardStatus(t, created.CardID, uqpay.StatusPending)

	_, err = f.s.Clock.Advance(2 * time.Minute)
	require.NoError(t, err)
	f.s.CheckCardStatus(t, created.CardID, uqpay.StatusActive)
	h, err = f.sdk.GetCardholder(f.ctx, holder)
	require.NoError(t, err)
	assert.Equal(t, "SUCCESS", h.CardholderStatus)
	assert.Equal(t, "PASSED", *h.IdvStatus)
}

// TestOneStepIssuanceChecksTheProduct creates the cardholder inline: short
// of the ENHANCED product's fields it is kyc_insufficient and no
// cardholder is made; with them, both are.
func TestOneStepIssuanceChecksTheProduct(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const path = "/api/v1/issuing/cards"
	basics := map[string]any{"email": "one@example.com", "phone_number": "81112222", "first_name": "One", "last_name": "Step",
		"country_code": "SG"}
	status, b := f.post(path, map[string]any{"card_product_id": uqpay.ProductEnhanced, "card_currency": "USD",
		"cardholder_required_fields": basics})
	wantError(t, status, b, http.StatusBadRequest, "cardholder_error", "kyc_insufficient", "the new cardholder lacks date_of_birth")
	holders, err := f.sdk.ListCardholders(f.ctx, 10, 1)
	require.NoError(t, err)
	assert.Equal(t, 0, holders.TotalItems, "nothing was made")

	full := map[string]any{"date_of_birth": "1990-01-15", "nationality": "SG",
		"residential_address": map[string]any{"country": "SG", "city": "Singapore", "line1": "1 Raffles Place"},
		"identity":            map[string]any{"type": "ID_CARD", "number": "S1234567A", "front_file": "aGVsbG8=", "back_file": "aGVsbG8="},
		"kyc_verification":    map[string]any{"method": "THIRD_PARTY", "kyc_proof": map[string]any{"provider": "Onfido", "reference_id": "ref-0000000001"}}}
	for k, v := range basics {
		full[k] = v
	}
	status, b = f.post(path, map[string]any{"card_product_id": uqpay.ProductEnhanced, "card_currency": "USD", "cardholder_required_fields": full})
	require.Equal(t, http.StatusOK, status, "%s", b)
	r := decodeJSON[map[string]any](t, b)
	assert.Equal(t, true, r["cardholder_created"])
	h, ok := f.s.Cardholder(r["cardholder_id"].(string))
	require.True(t, ok)
	assert.Equal(t, uqpay.IDVPassed, h.IDVStatus)
}

// TestCardholderRequiredFieldsErrors: supplementing fields cannot change
// who the cardholder is, and bad fields name themselves.
func TestCardholderRequiredFieldsErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	holder := f.holder("who@example.com")
	other := f.holder("other@example.com")
	const path = "/api/v1/issuing/cards"
	post := func(rf map[string]any) (int, []byte) {
		return f.post(path, map[string]any{"cardholder_id": holder, "card_product_id": uqpay.ProductEnhanced, "card_currency": "USD",
			"cardholder_required_fields": rf})
	}
	status, b := post(map[string]any{"email": "someone-else@example.com"})
	wantError(t, status, b, http.StatusBadRequest, "invalid_request_error", "invalid_request_error", "cardholder_required_fields.email")
	status, b = post(map[string]any{"nationality": "Singapore"})
	wantError(t, status, b, http.StatusBadRequest, "invalid_request_error", "invalid_request_error", "cardholder_required_fields: nationality")
	status, b = post(map[string]any{"kyc_verification": map[string]any{"method": "SELFIE"}})
	wantError(t, status, b, http.StatusBadRequest, "invalid_request_error", "invalid_request_error", "kyc_verification.method")
	status, b = post(map[string]any{"phone_number": phoneFor("other@example.com")})
	wantError(t, status, b, http.StatusBadRequest, "cardholder_error", "cardholder_phone_number_exists", other)
	status, b = f.post(path, map[string]any{"card_product_id": uqpay.ProductEnhanced, "card_currency": "USD"})
	wantError(t, status, b, http.StatusBadRequest, "invalid_request_error", "invalid_request_error", "cardholder_id is required")
}

// TestCardholderIDVAndAddressFields checks the fields the Retrieve Card
// example shows on every cardholder: idv_status, idv_verification_url and
// idv_url_expires_at (empty when no verification applies) and
// residential_address.line_en (line1 and line2 unless given).
func TestCardholderIDVAndAddressFields(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r, err := f.sdk.CreateCardholder(f.ctx, &CreateCardholderRequest{Email: "addr@example.com", PhoneNumber: "86683306",
		FirstName: "Emily", LastName: "Toy", CountryCode: "SG",
		ResidentialAddress: &ResidentialAddress{Country: "SG", City: "Singapore", Line1: "9 N Buona Vista Dr", Line2: ptr("THE METROPOLIS")}})
	require.NoError(t, err)
	card := f.card(r.CardholderID, uqpay.ProductShare, 0)

	for _, path := range []string{"/api/v1/issuing/cardholders/" + r.CardholderID, "/api/v1/issuing/cards/" + card} {
		status, b := f.get(path)
		require.Equal(t, http.StatusOK, status)
		var got map[string]any
		require.NoError(t, json.Unmarshal(b, &got))
		if ch, ok := got["cardholder"].(map[string]any); ok {
			got = ch
		}
		for _, k := range []string{"idv_status", "idv_verification_url", "idv_url_expires_at"} {
			assert.Contains(t, got, k, path)
			assert.Equal(t, "", got[k], "%s: no identity verification applies", k)
		}
		addr := got["residential_address"].(map[string]any)
		assert.Equal(t, "9 N Buona Vista Dr, THE METROPOLIS", addr["line_en"], path)
		var nc NodeCardholder
		require.NoError(t, json.Unmarshal(b, &nc))
	}
	h, err := f.sdk.GetCardholder(f.ctx, r.CardholderID)
	require.NoError(t, err)
	require.NotNil(t, h.IdvStatus, "present, so the SDK's pointer is set")
	assert.Equal(t, "", *h.IdvStatus)

	// A line_en the cardholder gives is kept as given.
	_, err = f.sdk.UpdateCardholder(f.ctx, r.CardholderID, &UpdateCardholderRequest{ResidentialAddress: &ResidentialAddress{
		Country: "SG", City: "Singapore", Line1: "9 N Buona Vista Dr", LineEn: ptr("9 North Buona Vista Drive")}})
	require.NoError(t, err)
	h, err = f.sdk.GetCardholder(f.ctx, r.CardholderID)
	require.NoError(t, err)
	assert.Equal(t, "9 North Buona Vista Drive", *h.ResidentialAddress.LineEn)
}
