package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestScenarioAgainstServe runs UQPay and DeCard library scenarios with
// --target against the serve command's server (background webhook loop
// and all), writes JUnit, then loads a given section for manual QA; flags
// may come after the names.
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
	code := run([]string{"scenario", "run", "--target", base, "uqpay-webhook-retry", "uqpay-idempotent-requests",
		"decard-webhook-retry", "--junit", junit, "decard-freeze-unfreeze"}, &out, &errb)
	require.Equal(t, 0, code, out.String()+errb.String())
	assert.Contains(t, out.String(), "4 of 4 scenarios passed")
	x, err := os.ReadFile(junit)
	require.NoError(t, err)
	assert.Contains(t, string(x), `<testsuite name="decard-freeze-unfreeze"`)
	assert.NotContains(t, string(x), "<failure")

	out.Reset()
	require.Equal(t, 0, run([]string{"scenario", "load", "uqpay-spending-control", "--target", base, "--tenant", "qa-cli"}, &out, &errb), errb.String())
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

func TestSplitArgs(t *testing.T) {
	t.Parallel()
	var target string
	var keep bool
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.StringVar(&target, "target", "", "")
	fs.BoolVar(&keep, "keep", false, "")
	tests := []struct {
		in, wantFlags, wantArgs []string
		wantHelp                bool
		wantMissing             string
	}{
		{in: []string{"a", "--target", "u", "b"}, wantFlags: []string{"--target", "u"}, wantArgs: []string{"a", "b"}},
		{in: []string{"--target=u", "a", "--keep", "b"}, wantFlags: []string{"--target=u", "--keep"}, wantArgs: []string{"a", "b"}},
		{in: []string{"a", "--", "--keep"}, wantArgs: []string{"a", "--keep"}},
		{in: []string{"-keep", "a", "-target", "u"}, wantFlags: []string{"-keep", "-target", "u"}, wantArgs: []string{"a"}},
		{in: []string{"-", "--keep=false"}, wantFlags: []string{"--keep=false"}, wantArgs: []string{"-"}},
		{in: []string{"a", "--help"}, wantFlags: []string{"--help"}, wantArgs: []string{"a"}, wantHelp: true},
		{in: []string{"--target", "-h"}, wantFlags: []string{"--target", "-h"}, wantHelp: false}, // -h is the value
		{in: []string{"--", "-h"}, wantArgs: []string{"-h"}},
		{in: []string{"--nope", "a"}, wantFlags: []string{"--nope"}, wantArgs: []string{"a"}},
		{in: []string{"a", "--target"}, wantFlags: []string{"--target"}, wantArgs: []string{"a"}, wantMissing: "target"},
		{in: nil},
	}
	for _, tt := range tests {
		flags, args, help, missing := splitArgs(fs, tt.in)
		assert.Equal(t, tt.wantFlags, flags, "flags of %q", tt.in)
		assert.Equal(t, tt.wantArgs, args, "arguments of %q", tt.in)
		assert.Equal(t, tt.wantHelp, help, "help in %q", tt.in)
		assert.Equal(t, tt.wantMissing, missing, "a value missing in %q", tt.in)
	}
}
