package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEveryFlagHasAnEnvVarAndHelp(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	fs, _ := serveFlags(&out)
	fs.Usage()
	fs.VisitAll(func(f *flag.Flag) {
		assert.Contains(t, out.String(), "--"+f.Name+"  ["+envName(f.Name)+"]")
		assert.NotEmpty(t, f.Usage, f.Name)
	})
	assert.Equal(t, "MOCKSRV_STATE_INTERVAL", envName("state-interval"))
}

func TestEnvFillsWhatTheCommandLineDidNot(t *testing.T) {
	t.Parallel()
	fs, c := serveFlags(io.Discard)
	require.NoError(t, fs.Parse([]string{"--addr", "127.0.0.1:1"}))
	env := map[string]string{"MOCKSRV_ADDR": "127.0.0.1:2", "MOCKSRV_SEED": "9", "MOCKSRV_WEBHOOK_URL": "uqpay=http://a,decard=http://b"}
	require.NoError(t, applyEnv(fs, map[string]bool{"addr": true}, func(k string) string { return env[k] }))
	assert.Equal(t, "127.0.0.1:1", c.addr, "the command line wins")
	assert.EqualValues(t, 9, c.seed)
	assert.Equal(t, listFlag{"uqpay=http://a", "decard=http://b"}, c.webhookURLs)
	err := applyEnv(fs, map[string]bool{}, func(k string) string {
		if k == "MOCKSRV_SEED" {
			return "many"
		}
		return ""
	})
	assert.ErrorContains(t, err, "MOCKSRV_SEED")
}

func TestCommands(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	assert.Equal(t, 0, run([]string{"version"}, &out, &errb))
	assert.Contains(t, out.String(), "mocksrv")
	assert.Equal(t, 2, run([]string{"frobnicate"}, &out, &errb))
	assert.Contains(t, errb.String(), "unknown command")
	assert.Equal(t, 0, run([]string{"serve", "--help"}, &out, &errb))
	assert.Equal(t, 2, run([]string{"serve", "--auth", "maybe"}, &out, &errb))
}

// TestServeAndShutdown starts the server on a free port, calls it, stops
// it, and checks the state file written at shutdown loads again.
func TestServeAndShutdown(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "state.json")
	fs, c := serveFlags(io.Discard)
	require.NoError(t, fs.Parse([]string{"--addr", "127.0.0.1:0", "--state", state, "--freeze", "--log-level", "warn"}))
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	opts, err := fleetOptions(c, mustLogger(t))
	require.NoError(t, err)
	go func() { done <- runServe(ctx, c, opts, mustLogger(t), &out) }()

	var base string
	require.Eventually(t, func() bool {
		for _, line := range strings.Split(out.String(), "\n") {
			if i := strings.Index(line, "listening on "); i >= 0 {
				base = strings.Fields(line[i+len("listening on "):])[0]
				return true
			}
		}
		return false
	}, 5*time.Second, 5*time.Millisecond)
	assert.Contains(t, out.String(), "mocksrv-keysecure-key-default", "default credentials are printed")
	res, err := http.Post(base+"/_mocksrv/tenants", "application/json", strings.NewReader(`{"id":"saved"}`))
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusCreated, res.StatusCode)

	cancel()
	require.NoError(t, <-done)
	b, err := os.ReadFile(state)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"id":"saved"`)
}

func mustLogger(t *testing.T) *slogLogger {
	l, err := newLogger(io.Discard, "warn", "text")
	require.NoError(t, err)
	return l
}

func TestScenarioCommands(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	assert.Equal(t, 0, run([]string{"scenario", "list"}, &out, &errb), errb.String())
	assert.Contains(t, out.String(), "keysecure-card-expiry")
	out.Reset()
	assert.Equal(t, 0, run([]string{"scenario", "run", "keysecure-kyc", "../../scenarios/library/keysecure-token-expiry.yaml"}, &out, &errb), out.String())
	assert.Contains(t, out.String(), "2 of 2 scenarios passed")
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("description: x\nsteps:\n  - call: {method: GET, path: /open-api/v1/card/C1/detail}\n    expect: {code: 0}\n"), 0o644))
	out.Reset()
	assert.Equal(t, 1, run([]string{"scenario", "run", bad}, &out, &errb))
	assert.Contains(t, out.String(), "expect.code: expected 0, got 4001")
	assert.Equal(t, 2, run([]string{"scenario", "run", "no-such-scenario"}, &out, &errb))
	out.Reset()
	assert.Equal(t, 0, run([]string{"scenario", "schema"}, &out, &errb))
	assert.Contains(t, out.String(), `"title": "mocksrv QA scenario"`)
}
