package uqpay_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/contracts/harness"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// TestEveryPublishedExampleValidates pins that every example UQPay
// publishes (copied verbatim into contracts/uqpay/examples from
// shared/providers/fixtures/uqpay) is named in openapi.yaml — under an
// operation, a webhook or x-published-examples-unrouted — and satisfies
// its contract in doc-examples mode, exactly as
// "mocksrv contract check --provider uqpay --doc-examples DIR" checks it.
func TestEveryPublishedExampleValidates(t *testing.T) {
	t.Parallel()
	exs, err := contracts.Examples(uqpay.Name)
	require.NoError(t, err)
	listed := map[string]contracts.Example{}
	for _, ex := range exs {
		listed[ex.File] = ex
	}
	entries, err := fs.ReadDir(contracts.FS, "uqpay/examples")
	require.NoError(t, err)
	require.NotEmpty(t, entries)

	dir := t.TempDir()
	for _, e := range entries {
		body, err := contracts.EmbeddedExample(uqpay.Name, e.Name())
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, e.Name()), body, 0o600))
		t.Run(e.Name(), func(t *testing.T) {
			t.Parallel()
			ex, ok := listed[e.Name()]
			require.True(t, ok, "%s is not named in contracts/uqpay/openapi.yaml", e.Name())
			assert.Empty(t, ex.Unchecked, "every UQPay example is an API body")
			assert.NoError(t, contracts.CheckMode(ex.Schema, body, contracts.DocStrict))
		})
	}

	rep, err := harness.CheckFiles(harness.CheckOptions{Provider: uqpay.Name, DocExamples: true}, dir)
	require.NoError(t, err)
	var text bytes.Buffer
	rep.WriteText(&text)
	assert.True(t, rep.OK(), "%s", text.String())
	require.Len(t, rep.Results, len(entries))
	for _, r := range rep.Results {
		assert.Empty(t, r.Skipped, "%s", r.Source)
	}
	assert.NotContains(t, text.String(), "cannot tell which operation")
}

// TestPublishedErrorExamples pins the two published error bodies: neither
// belongs to one operation, and both are the {type, code, message}
// envelope every error of the simulator uses.
func TestPublishedErrorExamples(t *testing.T) {
	t.Parallel()
	exs, err := contracts.Examples(uqpay.Name)
	require.NoError(t, err)
	found := 0
	for _, ex := range exs {
		if !strings.HasPrefix(ex.File, "error-") {
			continue
		}
		found++
		assert.Equal(t, "uqpay/error.json", ex.Schema, ex.File)
		assert.Empty(t, ex.Op, "%s belongs to no single operation", ex.File)
		b, err := contracts.EmbeddedExample(uqpay.Name, ex.File)
		require.NoError(t, err)
		assert.NoError(t, contracts.CheckMode("uqpay/error.json", b, contracts.Strict), ex.File)
	}
	assert.Equal(t, 2, found)
}

// The OpenAPI document's x-error-codes are exactly the codes the
// simulator answers with, so contract coverage can list the unprovoked ones.
func TestOpenAPIListsEveryErrorCode(t *testing.T) {
	t.Parallel()
	doc, err := contracts.Document(uqpay.Name)
	require.NoError(t, err)
	assert.Equal(t, uqpay.ErrorCodes(), doc.ErrorCodes)
}

// A request contract's amount may be a number or a decimal string, but
// never a negative one (nor zero where the amount must be positive).
func TestRequestAmountsAreNeverNegative(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		id     string
		amount any
		ok     bool
	}{
		{"uqpay/card_recharge.request.json", "10.50", true},
		{"uqpay/card_recharge.request.json", 10.5, true},
		{"uqpay/card_recharge.request.json", "0.01", true},
		{"uqpay/card_recharge.request.json", "-1", false},
		{"uqpay/card_recharge.request.json", "0", false},
		{"uqpay/card_recharge.request.json", "0.00", false},
		{"uqpay/card_recharge.request.json", -1, false},
		{"uqpay/transfer_create.request.json", "5", true},
		{"uqpay/transfer_create.request.json", "-5", false},
	} {
		body := map[string]any{"amount": tt.amount}
		if strings.HasPrefix(tt.id, "uqpay/transfer") {
			body = map[string]any{"source_account_id": "00000000-0000-4000-8000-000000000001", "destination_account_id": "00000000-0000-4000-8000-000000000002", "currency": "USD", "amount": tt.amount}
		}
		b, _ := json.Marshal(body)
		err := contracts.Check(tt.id, b)
		if tt.ok {
			assert.NoError(t, err, "%s %v", tt.id, tt.amount)
		} else {
			assert.Error(t, err, "%s %v", tt.id, tt.amount)
		}
	}
}
