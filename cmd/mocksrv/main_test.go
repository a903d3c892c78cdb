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

	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/keysecure"
)

func TestEveryFlagHasAnEnvVarAndHelp(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	fs, _ := serveFlags(&out)
	fs.Usage()
	fs.VisitAll(func(f *flag.Flag) {
		assert.Contains(t, out.String(), "--"+f.Name+"  ["+envName("serve", f.Name)+"]")
		assert.NotEmpty(t, f.Usage, f.Name)
	})
	assert.Equal(t, "MOCKSRV_STATE_INTERVAL", envName("serve", "state-interval"))
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
	fleet := newFleetT(t, c)
	go func() { done <- runServe(ctx, c, fleet, mustLogger(t), &out) }()

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

// newFleetT builds the Fleet serve would from its flags.
func newFleetT(t *testing.T, c *serveConfig) *sims.Fleet {
	t.Helper()
	opts, err := fleetOptions(c, mustLogger(t))
	require.NoError(t, err)
	fleet, err := sims.NewFleet(opts...)
	require.NoError(t, err)
	return fleet
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

func TestHelpSaysItAll(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"--help"}, &out, &errb))
	for _, want := range []string{"Commands:", "serve", "contract", "scenario", "version", "MOCKSRV_", "--addr  [MOCKSRV_ADDR] (default 127.0.0.1:8080)"} {
		assert.Contains(t, out.String(), want)
	}
	out.Reset()
	require.Equal(t, 0, run([]string{"serve", "--help"}, &out, &errb))
	assert.Contains(t, out.String(), "Ctrl-C or SIGTERM", "help asked for goes to stdout")
	out.Reset()
	require.Equal(t, 0, run([]string{"version", "--help"}, &out, &errb))
	assert.Contains(t, out.String(), "Usage: mocksrv version")
	assert.Empty(t, errb.String(), "nothing on stderr when help is asked for")

	// A usage error goes to stderr: the problem and where help is, not
	// the whole usage.
	out.Reset()
	require.Equal(t, 2, run([]string{"serve", "--no-such-flag"}, &out, &errb))
	assert.Empty(t, out.String())
	assert.Equal(t, "mocksrv serve: unknown flag --no-such-flag\nRun \"mocksrv serve --help\" for its usage and flags.\n", errb.String())
	assert.Equal(t, 2, run([]string{"version", "extra"}, &out, &errb))
}

// runServeT runs the serve command's server with args until the test ends
// (or cancel) and returns its base URL, banner, cancel and result.
func runServeT(t *testing.T, args ...string) (string, *syncBuffer, context.CancelFunc, chan error) {
	t.Helper()
	fs, c := serveFlags(io.Discard)
	require.NoError(t, fs.Parse(append([]string{"--addr", "127.0.0.1:0", "--log-level", "warn"}, args...)))
	fleet := newFleetT(t, c)
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, c, fleet, mustLogger(t), out) }()
	t.Cleanup(cancel)
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
	return base, out, cancel, done
}

func adminDo(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestServeValidateJournalsViolations drives --validate through the binary's
// own wiring: a fault makes KeySecure answer a body its contract refuses,
// and the journal entry carries the violation.
func TestServeValidateJournalsViolations(t *testing.T) {
	t.Parallel()
	base, _, _, _ := runServeT(t, "--validate")
	status, body := adminDo(t, http.MethodPost, base+"/_mocksrv/faults",
		`{"provider":"keysecure","route":"card.list","error":{"kind":"invalid","code":"0"}}`)
	require.Equal(t, http.StatusCreated, status, body)
	ks := keysecureClient(base)
	_, err := ks.Do(context.Background(), http.MethodPost, "/open-api/v1/card/list", `{"start_time":"2026-01-01","end_time":"2026-01-01"}`)
	require.NoError(t, err)
	status, body = adminDo(t, http.MethodGet, base+"/_mocksrv/journal?route=card.list", "")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `"violations"`, "the answer {code:0, data:null} breaks card_list.response.json")
	assert.Contains(t, body, "keysecure/card_list.response.json")
}

// TestServeExtraListenerAndGracefulShutdown checks --listen (one provider
// and the admin API on their own port) and that stopping waits for the
// requests in flight.
func TestServeExtraListenerAndGracefulShutdown(t *testing.T) {
	t.Parallel()
	base, out, cancel, done := runServeT(t, "--listen", "keysecure=127.0.0.1:0")
	var extra string
	for _, line := range strings.Split(out.String(), "\n") {
		if i := strings.Index(line, "keysecure also on "); i >= 0 {
			extra = strings.TrimSpace(line[i+len("keysecure also on "):])
		}
	}
	require.NotEmpty(t, extra, out.String())
	resp, err := keysecureClient(extra).Do(context.Background(), http.MethodGet, "/open-api/v1/card/C1/detail", nil)
	require.NoError(t, err)
	assert.Equal(t, 4001, resp.Code, "KeySecure answers on its own listener")
	status, _ := adminDo(t, http.MethodGet, extra+"/_mocksrv/health", "")
	assert.Equal(t, http.StatusOK, status, "the admin API is there too")

	status, body := adminDo(t, http.MethodPost, base+"/_mocksrv/faults", `{"provider":"keysecure","route":"card.detail","delay":"400ms"}`)
	require.Equal(t, http.StatusCreated, status, body)
	slow := make(chan int, 1)
	go func() {
		resp, err := keysecureClient(base).Do(context.Background(), http.MethodGet, "/open-api/v1/card/C1/detail", nil)
		if err != nil {
			slow <- -1
			return
		}
		slow <- resp.Code
	}()
	require.Eventually(t, func() bool {
		_, body := adminDo(t, http.MethodGet, base+"/_mocksrv/faults", "")
		return strings.Contains(body, `"matched": 1`)
	}, 5*time.Second, 10*time.Millisecond, "the slow request is in flight")
	cancel()
	assert.Equal(t, 4001, <-slow, "a request in flight at shutdown still gets its answer")
	require.NoError(t, <-done)
}

func keysecureClient(base string) *keysecure.Client {
	return keysecure.NewClient(base, keysecure.DefaultAPIKey, keysecure.DefaultAPISecret)
}

// Each command's flags read variables of their own, so a variable meant for
// one command never reaches another: scenario run's --json is a file, the
// list's a switch; serve's --listen a provider list, the proxy's an address.
func TestEnvNamesAreScopedByCommand(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "MOCKSRV_LISTEN", envName("serve", "listen"))
	assert.Equal(t, "MOCKSRV_CONTRACT_PROXY_LISTEN", envName("contract proxy", "listen"))
	assert.Equal(t, "MOCKSRV_SCENARIO_RUN_JSON", envName("scenario run", "json"))
	assert.Equal(t, "MOCKSRV_SCENARIO_LIST_JSON", envName("scenario list", "json"))
	assert.Equal(t, "MOCKSRV_CONTRACT_TEST_BASE_URL", envName("contract test", "base-url"))
	assert.Equal(t, "MOCKSRV_ADMIN_TOKEN", envName("contract test", "admin-token"), "one admin token for every command")

	env := map[string]string{"MOCKSRV_SCENARIO_RUN_JSON": "report.json", "MOCKSRV_JSON": "report.json"}
	fs := flag.NewFlagSet("scenario list", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "")
	require.NoError(t, applyEnv(fs, nil, func(k string) string { return env[k] }), "another command's variable is not read")
	assert.False(t, *asJSON)
	env["MOCKSRV_SCENARIO_LIST_JSON"] = "true"
	require.NoError(t, applyEnv(fs, nil, func(k string) string { return env[k] }))
	assert.True(t, *asJSON)
}

// --tenant-options gives the default tenant provider options (inline or
// @FILE); the banner prints the credentials it sets, and bad options stop
// serve before it listens.
func TestServeTenantOptions(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "tenant.json")
	require.NoError(t, os.WriteFile(file, []byte(`{"uqpay":{"client_id":"my-client","api_key":"my-key"}}`), 0o600))
	_, out, cancel, done := runServeT(t, "--tenant-options", "@"+file)
	assert.Contains(t, out.String(), "client_id=my-client")
	cancel()
	require.NoError(t, <-done)

	var o, e bytes.Buffer
	assert.Equal(t, 2, run([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "error", "--tenant-options", `{"uqpay":{"revoke_tokenz":true}}`}, &o, &e),
		"a configuration error, found before listening")
	assert.Contains(t, e.String(), "revoke_tokenz")
	assert.NotContains(t, o.String(), "listening on")
	e.Reset()
	assert.Equal(t, 2, run([]string{"serve", "--addr", "127.0.0.1:0", "--tenant-options", `uqpay=1`}, &o, &e))
	assert.Contains(t, e.String(), "--tenant-options: want a JSON object")
}
