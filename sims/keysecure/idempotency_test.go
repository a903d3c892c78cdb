package keysecure_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/keysecure"
)

// TestUniqueNumbersAreIdempotent pins issue 13's one idempotency rule on
// KeySecure's business unique numbers: the same request again (JSON
// compared as values: key order and whitespace do not matter) gets the
// first answer byte for byte; a different request under the same number
// gets the number's conflict code with a message naming the number and
// the first field that differs.
func TestUniqueNumbersAreIdempotent(t *testing.T) {
	t.Parallel()
	ks := runT(t, keysecure.WithKYCDelay(0, 0))
	c := ks.NewClient()
	h, err := ks.AddCardholder(keysecure.Cardholder{})
	require.NoError(t, err)
	require.NoError(t, ks.Fund(h.ID, "100"))

	tests := []struct {
		route, path  string
		first, same  string
		other        string
		code         int
		key, differs string
	}{
		{"card.apply", "/open-api/v1/card/apply",
			`{"cardholder_no":"` + h.ID + `","package_no":"PKG-VIRTUAL-STD","card_type":"Virtual","card_unique_no":"order-1"}`,
			"{\n \"card_unique_no\": \"order-1\",\n \"card_type\": \"Virtual\",\n \"package_no\": \"PKG-VIRTUAL-STD\",\n \"cardholder_no\": \"" + h.ID + "\"\n}",
			`{"cardholder_no":"` + h.ID + `","package_no":"PKG-VIRTUAL-PLUS","card_type":"Virtual","card_unique_no":"order-1"}`,
			4003, "card_unique_no order-1", "package_no"},
		{"cardholder.apply", "/open-api/v1/cardholder/apply",
			`{"cardholder_unique_no":"holder-9","sumsub_share_token":"tok-a"}`,
			`{ "sumsub_share_token" : "tok-a", "cardholder_unique_no" : "holder-9" }`,
			`{"cardholder_unique_no":"holder-9","sumsub_share_token":"tok-b"}`,
			2001, "cardholder_unique_no holder-9", "sumsub_share_token"},
		{"account.transfer", "/open-api/v1/account/transfer",
			`{"cardholder_no":"` + h.ID + `","type":"Out","balance":"10.5","transfer_unique_no":"t-1"}`,
			`{"transfer_unique_no":"t-1","balance":"10.5","type":"Out","cardholder_no":"` + h.ID + `"}`,
			`{"cardholder_no":"` + h.ID + `","type":"Out","balance":"11","transfer_unique_no":"t-1"}`,
			3002, "transfer_unique_no t-1", "balance"},
	}
	for _, tt := range tests {
		first := call(t, c, tt.route, http.MethodPost, tt.path, []byte(tt.first))
		require.Equal(t, 0, first.Code, "%s: %s", tt.route, first.Msg)
		again := call(t, c, tt.route, http.MethodPost, tt.path, []byte(tt.same))
		assert.Equal(t, string(first.Body), string(again.Body), "%s: the first answer, byte for byte", tt.route)
		other := call(t, c, tt.route, http.MethodPost, tt.path, []byte(tt.other))
		assert.Equal(t, tt.code, other.Code, tt.route)
		assert.Contains(t, other.Msg, tt.key+" was first used with a different request ("+tt.differs+" differs)", tt.route)
	}
	assert.Len(t, ks.Cards(), 1, "the replayed apply made no second card")
	ks.CheckBalance(t, h.ID, "89.50")
}
