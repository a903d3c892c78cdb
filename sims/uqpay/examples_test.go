package uqpay_test

import (
	"bytes"
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
