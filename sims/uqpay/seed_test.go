package uqpay_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// seedKeys are the Retrieve Card answer's keys in the seed's order
// (shared/seeds/uqpay-retrieve-card.txt), nested objects flattened.
var seedKeys = []string{
	"card_id", "card_bin", "card_scheme", "card_number", "form_factor", "mode_type", "card_limit", "available_balance",
	"cardholder", "cardholder.cardholder_id", "cardholder.email", "cardholder.number_of_cards", "cardholder.first_name",
	"cardholder.last_name", "cardholder.create_time", "cardholder.cardholder_status", "cardholder.date_of_birth",
	"cardholder.country_code", "cardholder.phone_number", "cardholder.gender", "cardholder.nationality",
	"cardholder.residential_address", "cardholder.residential_address.country", "cardholder.residential_address.city",
	"cardholder.residential_address.line1", "cardholder.residential_address.state", "cardholder.residential_address.district",
	"cardholder.residential_address.line2", "cardholder.residential_address.line_en", "cardholder.residential_address.postal_code",
	"cardholder.review_status", "cardholder.idv_status", "cardholder.idv_verification_url", "cardholder.idv_url_expires_at",
	"no_pin_payment_amount", "card_status", "card_currency", "card_product_id", "spending_controls",
	"spending_controls.amount", "spending_controls.interval", "risk_controls", "risk_controls.enable_3ds",
	"risk_controls.allow_3ds_transactions", "risk_controls.allowed_mcc", "risk_controls.blocked_mcc", "metadata",
	"metadata.key1", "metadata.key2", "update_reason", "consumed_amount",
}

// TestRetrieveCardMatchesTheSeed reproduces the seed's Retrieve Card answer
// field for field: the same keys in the same order, the same nesting and
// the same JSON types where the official SDK can read them.
func TestRetrieveCardMatchesTheSeed(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	h, err := f.sdk.CreateCardholder(f.ctx, &CreateCardholderRequest{
		Email: "demo@example.com", PhoneNumber: "86683306", FirstName: "Emily", LastName: "Toy", CountryCode: "SG",
		DateOfBirth: ptr("1990-01-01"), Gender: ptr("MALE"), Nationality: ptr("SG"),
		ResidentialAddress: &ResidentialAddress{Country: "SG", City: "Singapore", Line1: "9 N Buona Vista Dr", State: ptr("Singapore"),
			District: ptr("Buona Vista"), Line2: ptr("THE METROPOLIS"), LineEn: ptr("9 N Buona Vista Dr, THE METROPOLIS"), PostalCode: ptr("138666")},
		KycVerification: &KycVerification{Method: "SUMSUB_REDIRECT"},
	})
	require.NoError(t, err)
	_, err = f.s.Clock.Advance(2 * time.Minute)
	require.NoError(t, err)
	status, b := f.post("/api/v1/issuing/cards", map[string]any{
		"cardholder_id": h.CardholderID, "card_product_id": uqpay.ProductShare, "card_currency": "USD", "card_limit": 2100.02,
		"spending_controls": []map[string]any{{"amount": 100.03, "interval": "PER_TRANSACTION"}},
		"risk_controls":     map[string]any{"allow_3ds_transactions": "Y", "allowed_mcc": nil, "blocked_mcc": []string{"5999", "6011"}},
		"metadata":          map[string]any{"key1": "value1", "key2": "value2"},
	})
	require.Equal(t, http.StatusOK, status, "%s", b)
	id := decodeJSON[map[string]any](t, b)["card_id"].(string)
	_, err = f.sdk.SimulateAuthorization(f.ctx, auth(id, 51, "Shop"))
	require.NoError(t, err)

	status, b = f.get("/api/v1/issuing/cards/" + id)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, seedKeys, orderedKeys(t, b))
	contracts.Validate(t, "uqpay/card_retrieve.response.json", b)

	var got map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&got))
	assert.Equal(t, "40963608", got["card_bin"])
	assert.Equal(t, "VISA", got["card_scheme"])
	assert.Regexp(t, `^\*{12}\d{4}$`, got["card_number"])
	assert.Equal(t, "VIRTUAL", got["form_factor"])
	assert.Equal(t, "SHARE", got["mode_type"])
	assert.Equal(t, json.Number("2100.02"), got["card_limit"])
	assert.Equal(t, "2049.02", got["available_balance"])
	assert.Equal(t, "2000USD", got["no_pin_payment_amount"])
	assert.Equal(t, "ACTIVE", got["card_status"])
	assert.Equal(t, "USD", got["card_currency"])
	assert.Equal(t, "51.00", got["consumed_amount"])
	assert.Equal(t, "", got["update_reason"])
	assert.Equal(t, []any{map[string]any{"amount": "100.03", "interval": "PER_TRANSACTION"}}, got["spending_controls"])
	assert.Equal(t, map[string]any{"enable_3ds": "Y", "allow_3ds_transactions": "Y", "allowed_mcc": nil,
		"blocked_mcc": []any{"5999", "6011"}}, got["risk_controls"])
	assert.Equal(t, map[string]any{"key1": "value1", "key2": "value2"}, got["metadata"])
	ch := got["cardholder"].(map[string]any)
	assert.Equal(t, json.Number("1"), ch["number_of_cards"])
	assert.Equal(t, "2026-01-01 08:00:00", ch["create_time"])
	assert.Equal(t, "SUCCESS", ch["cardholder_status"])
	assert.Equal(t, "SUCCESS", ch["review_status"])

	// The published example itself satisfies the same contract.
	fixture, err := contracts.EmbeddedExample("uqpay", "retrieve-card.response.json")
	require.NoError(t, err)
	require.NoError(t, contracts.CheckMode("uqpay/card_retrieve.response.json", fixture, contracts.DocStrict))
}

// orderedKeys lists an object's keys depth first in document order, array
// items' keys once.
func orderedKeys(t *testing.T, b []byte) []string {
	t.Helper()
	var out []string
	seen := map[string]bool{}
	dec := json.NewDecoder(bytes.NewReader(b))
	var read func(prefix string)
	read = func(prefix string) {
		tok, err := dec.Token()
		require.NoError(t, err)
		switch d := tok.(type) {
		case json.Delim:
			switch d {
			case '{':
				for dec.More() {
					k, err := dec.Token()
					require.NoError(t, err)
					name := k.(string)
					if prefix != "" {
						name = prefix + "." + name
					}
					if !seen[name] {
						seen[name] = true
						out = append(out, name)
					}
					read(name)
				}
				_, _ = dec.Token()
			case '[':
				for dec.More() {
					read(prefix)
				}
				_, _ = dec.Token()
			}
		}
	}
	read("")
	return out
}
