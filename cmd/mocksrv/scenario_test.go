package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestScenarioAgainstServe runs UQPay and DeCard library scenarios with
// --target against the serve command's server (background webhook loop
// and all), writes JUnit, then loads a given section for manual QA.
func TestScenarioAgainstServe(t *testing.T) {
	t.Parallel()
	base, _, _, _ := runServeT(t)
	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"scenario", "list"}, &out, &errb))
	for _, name := range []string{"uqpay-token-expiry", "decard-statement-closing"} {
		assert.Contains(t, out.String(), name)
	}

	junit := filepath.Join(t.TempDir(), "qa.xml")
	out.Reset()
	code := run([]string{"scenario", "run", "--target", base, "--junit", junit,
		"uqpay-webhook-retry", "uqpay-idempotent-requests", "decard-webhook-retry", "decard-freeze-unfreeze"}, &out, &errb)
	require.Equal(t, 0, code, out.String()+errb.String())
	assert.Contains(t, out.String(), "4 of 4 scenarios passed")
	x, err := os.ReadFile(junit)
	require.NoError(t, err)
	assert.Contains(t, string(x), `<testsuite name="decard-freeze-unfreeze"`)
	assert.NotContains(t, string(x), "<failure")

	out.Reset()
	require.Equal(t, 0, run([]string{"scenario", "load", "--target", base, "--tenant", "qa-cli", "uqpay-spending-control"}, &out, &errb), errb.String())
	var loaded struct {
		Tenant      string                       `json:"tenant"`
		Credentials map[string]map[string]string `json:"credentials"`
		Objects     map[string]map[string]any    `json:"objects"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &loaded))
	assert.Equal(t, "qa-cli", loaded.Tenant)
	assert.NotEmpty(t, loaded.Credentials["uqpay"]["client_id"])
	assert.Len(t, loaded.Objects["card"]["spending_controls"], 2)
	status, body := adminDo(t, "GET", base+"/_mocksrv/journal?tenant=qa-cli&provider=uqpay", "")
	assert.Equal(t, 200, status)
	var j struct {
		Count int `json:"count"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &j))
	assert.Zero(t, j.Count, "load runs no step")
}
