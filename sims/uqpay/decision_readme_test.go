package uqpay_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/internal/readmetest"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// An Authorization Decision endpoint: decrypt with our private key, decide, answer encrypted with
// UQPay's public key (mocksrv's uqpay_public_key). github.com/ProtonMail/go-crypto/openpgp.
func decisionHandler(ourPrivateKey, uqpayPublicKey openpgp.EntityList) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		block, err := armor.Decode(r.Body)
		if err != nil {
			http.Error(w, "not a PGP message", http.StatusBadRequest) // no valid answer: the default action applies
			return
		}
		md, err := openpgp.ReadMessage(block.Body, ourPrivateKey, nil, nil)
		if err != nil {
			http.Error(w, "cannot decrypt", http.StatusBadRequest)
			return
		}
		var tx struct {
			TransactionID string      `json:"transaction_id"`
			Type          int         `json:"transaction_type"` // 1000, 1100, 1200, 2000
			Billing       json.Number `json:"billing_amount"`   // a string or a number: read both
			MCC           string      `json:"merchant_category_code"`
		}
		if err := json.NewDecoder(md.UnverifiedBody).Decode(&tx); err != nil {
			http.Error(w, "not JSON", http.StatusBadRequest)
			return
		}
		code := "00"
		if amt, _ := tx.Billing.Float64(); amt > 500 || tx.MCC == "7995" {
			code = "51"
		}
		answer, _ := json.Marshal(map[string]string{"transaction_id": tx.TransactionID, "response_code": code, "partner_reference_id": "ref-1"})
		var out bytes.Buffer
		aw, _ := armor.Encode(&out, "PGP MESSAGE", nil)
		pw, _ := openpgp.Encrypt(aw, uqpayPublicKey, nil, nil, nil)
		pw.Write(answer)
		pw.Close()
		aw.Close()
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(out.Bytes())
	}
}

// TestREADMEDecisionHandler runs the README's worked decision endpoint,
// copied here verbatim (the test checks the copy), against mocksrv.
func TestREADMEDecisionHandler(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("decision_readme_test.go")
	require.NoError(t, err)
	src := string(raw)
	start := strings.Index(src, "// An Authorization Decision endpoint")
	end := strings.Index(src, "\n// TestREADMEDecisionHandler")
	readme := readmetest.Section(t, "## UQPay")
	assert.Contains(t, readme, src[start:end], "the README's handler and this copy differ")

	k := keys()
	ours, err := openpgp.ReadArmoredKeyRing(strings.NewReader(k.clientPriv))
	require.NoError(t, err)
	theirs, err := openpgp.ReadArmoredKeyRing(strings.NewReader(k.ownPub))
	require.NoError(t, err)
	srv := httptest.NewServer(decisionHandler(ours, theirs))
	t.Cleanup(srv.Close)
	f := newFixture(t, uqpay.WithDecisionKey(k.ownPriv), uqpay.WithDecisionEndpoint(srv.URL, k.clientPub))
	card := f.card(f.holder("readme-dec@example.com"), uqpay.ProductSingle, 1000)
	ok, err := f.sdk.SimulateAuthorization(f.ctx, auth(card, 100, "Shop"))
	require.NoError(t, err)
	assert.Equal(t, "APPROVED", ok.TransactionStatus)
	no, err := f.sdk.SimulateAuthorization(f.ctx, auth(card, 600, "Shop"))
	require.NoError(t, err)
	assert.Equal(t, "DECLINED", no.TransactionStatus)
	assert.Equal(t, "51 - Insufficient Funds", no.FailureReason)
}
