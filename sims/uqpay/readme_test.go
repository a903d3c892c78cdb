package uqpay_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/internal/readmetest"
	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// TestREADMEExamples runs every shell example of the README's UQPay
// section, in order and as written — token, sub-account and transfer,
// errors, the whole flow (kyc_insufficient included), the simulators (the
// deposit included), card events, the webhook signature check and a tenant with
// switches — against a Fleet on loopback with only the host
// swapped.
func TestREADMEExamples(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs bash, curl and openssl")
	}
	for _, tool := range []string{"bash", "curl", "openssl", "sed"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	blocks := readmetest.Blocks(t, readmetest.Section(t, "## UQPay"), "sh")
	require.Len(t, blocks, 8, "token, sub-accounts, errors, flow, simulators, card events, webhook check, tenant switches")

	f := sims.RunT(t)
	host := strings.TrimPrefix(f.URL(), "http://")
	script := strings.ReplaceAll(strings.Join(blocks, ""), "127.0.0.1:8080", host)
	dir := t.TempDir()
	// The webhook check reads a delivery: body.json and its two headers.
	body := []byte(`{"version":"V1.6.0","event_name":"ISSUING","event_type":"card.create.succeeded","event_id":"e1","source_id":"o1","data":{}}`)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "body.json"), body, 0o600))
	ts := strconv.FormatInt(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix(), 10)
	sig := uqpay.WebhookSignature(uqpay.DefaultWebhookSecret, body, ts)

	cmd := exec.Command("bash", "-c", "set -eu\n"+script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TS="+ts, "SIG="+sig)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	text := string(out)
	at := 0
	for _, want := range []string{
		`"expired_at":`,
		`{"total_pages":0,"total_items":0,"data":[]}`,
		`{"transfer_id":"`,
		`"currency":"USD","available_balance":"250.00"`,
		`put exactly one space between Bearer and the token`,
		`{"type":"card_error","code":"card_not_found","message":"card c0cef051-29c5-4796-b86a-cd5b684bfad7 not found or deactivated"}`,
		`"cardholder_status":"SUCCESS"}`,
		`"kyc_level":"SIMPLIFIED","required_fields":[{"name":"first_name","type":"string","required":true}`,
		`"type":"cardholder_error","code":"kyc_insufficient"`,
		`"missing_fields":[{"name":"date_of_birth","type":"string","required":true`,
		`"card_status":"PENDING","order_status":"PROCESSING"`,
		`"available_balance":"100.00"`,
		`"no_pin_payment_amount":"2000USD","card_status":"ACTIVE"`,
		`"order_type":"CARD_CREATE","amount":100`,
		`"order_type":"CARD_RECHARGE","amount":50`,
		`"expire_date":"`,
		`"currency":"USD","available_balance":"99600.00","margin_balance":"0.00","frozen_balance":"0.00"`,
		`"transaction_type":"AUTHORIZATION","card_available_balance":137.5`,
		`"transaction_type":"REVERSAL","card_available_balance":150`,
		`"total_items":2`,
		`"order_status":"PENDING","update_reason":"lost wallet"}`,
		`"failure_reason":"1101 - Card Not Active","transaction_status":"DECLINED"`,
		`"amount":"1000","currency":"USD","deposit_status":"PENDING","complete_time":""`,
		`"currency":"USD","available_balance":"100600.00"`,
		`"transaction_type":"SETTLEMENT_DEBIT"`, `"card_available_balance":"53.50"`, `"billing_amount":"6.50"`, `"settlement_status":"SETTLED"`,
		`"transaction_type":"REFUND"`, `"card_available_balance":"63.50"`, `"transaction_status":"APPROVED"`,
		`"transaction_type":"CHARGEBACK_CREDIT"`, `"card_available_balance":"100.00"`, `"billing_amount":"36.50"`,
		`"description":"1159 - Suspected Fraud","transaction_status":"DECLINED"`, `"settlement_status":"NOT_APPLICABLE"`,
		sig,
		`"id": "uq-strict"`,
	} {
		i := strings.Index(text[at:], want)
		if !assert.GreaterOrEqual(t, i, 0, "after byte %d the output lacks %q:\n%s", at, want, text) {
			return
		}
		at += i + len(want)
	}
	assert.Equal(t, 1, strings.Count(text, `"code":"card_not_found"`), "no other call failed:\n%s", text)
	assert.NotContains(t, text, "invalid_request_error", "no call was malformed")
	assert.NotContains(t, text, "idempotency_error")
}
