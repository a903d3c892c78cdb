package main

import (
	"bytes"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestUsageErrorsNameTheCause: each usage error says what is wrong (and
// what was meant), exits 2, and prints no whole usage; serve's are all
// found before it listens.
func TestUsageErrorsNameTheCause(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		want    string
		wantNot string
	}{
		{name: "serve takes no arguments", args: []string{"serve", "extra-arg"}, want: `mocksrv serve: unexpected argument "extra-arg"`},
		{name: "nor does contract test", args: []string{"contract", "test", "--provider", "keysecure", "extra"}, want: `mocksrv contract test: unexpected argument "extra"`},
		{name: "nor contract proxy", args: []string{"contract", "proxy", "--provider", "uqpay", "--upstream", "http://x", "extra"}, want: `unexpected argument "extra"`},
		{name: "nor scenario list", args: []string{"scenario", "list", "extra"}, want: `unexpected argument "extra"`},
		{name: "nor scenario schema", args: []string{"scenario", "schema", "extra"}, want: `unexpected argument "extra"`},
		{name: "scenario load takes one", args: []string{"scenario", "load", "a", "b"}, want: "give one scenario file or library name"},
		{name: "an unknown provider for contract test", args: []string{"contract", "test", "--provider", "stripe"},
			want: `--provider: unknown provider "stripe" (want bkj, keysecure, uqpay, decard)`, wantNot: "MOCKSRV_STRIPE"},
		{name: "a misspelt provider", args: []string{"contract", "check", "--provider", "uqapy", "x.json"}, want: `unknown provider "uqapy" (want bkj, keysecure, uqpay, decard; did you mean "uqpay"?)`},
		{name: "an unknown provider for the proxy", args: []string{"contract", "proxy", "--provider", "stripe", "--upstream", "http://x"}, want: `unknown provider "stripe"`},
		{name: "serve --providers", args: []string{"serve", "--providers", "keysecure,foo"}, want: `--providers: unknown provider "foo" (want bkj, keysecure, uqpay, decard)`},
		{name: "serve --providers empty", args: []string{"serve", "--providers", ","}, want: "--providers is empty"},
		{name: "serve --addr port", args: []string{"serve", "--addr", ":99999"}, want: `--addr ":99999": port 99999 is out of range (0-65535)`},
		{name: "serve --addr form", args: []string{"serve", "--addr", "8080"}, want: `--addr "8080": want host:port`},
		{name: "serve --listen provider", args: []string{"serve", "--listen", "stripe=127.0.0.1:0"}, want: `--listen: unknown provider "stripe"`},
		{name: "serve --listen port", args: []string{"serve", "--listen", "uqpay=127.0.0.1:70000"}, want: `--listen uqpay "127.0.0.1:70000": port 70000 is out of range`},
		{name: "serve --pprof-addr", args: []string{"serve", "--pprof-addr", "localhost"}, want: `--pprof-addr "localhost": want host:port`},
		{name: "serve --webhook-url", args: []string{"serve", "--webhook-url", "uqpay=ftp://x"}, want: "--webhook-url uqpay=ftp://x: want an http:// or https:// URL"},
		{name: "serve --webhook-url provider", args: []string{"serve", "--webhook-url", "stripe=http://x"}, want: `--webhook-url: unknown provider "stripe"`},
		{name: "serve --log-level", args: []string{"serve", "--log-level", "loud"}, want: `--log-level "loud": want debug, info, warn or error`},
		{name: "serve --tenant-options", args: []string{"serve", "--tenant-options", `{"uqpay":{"revoke_tokenz":true}}`}, want: "revoke_tokenz"},
		{name: "a flag typo", args: []string{"serve", "--adr", "127.0.0.1:0"}, want: "mocksrv serve: unknown flag --adr (did you mean --addr?)"},
		{name: "a flag typo after the files", args: []string{"contract", "check", "x.json", "--provider", "keysecure", "--jnuit", "r.xml"}, want: "unknown flag --jnuit (did you mean --junit?)"},
		{name: "a flag prefix", args: []string{"contract", "test", "--allow"}, want: "unknown flag --allow (did you mean --allow-writes?)"},
		{name: "a flag with no likeness", args: []string{"scenario", "run", "--zzzzzz"}, want: "unknown flag --zzzzzz\n", wantNot: "did you mean"},
		{name: "a flag without its value", args: []string{"scenario", "run", "--target"}, want: "--target needs a value"},
		{name: "a bad value", args: []string{"serve", "--seed", "many"}, want: `invalid value "many" for --seed`},
		{name: "a command typo", args: []string{"serv"}, want: `mocksrv: unknown command "serv" (did you mean "serve"?)`},
		{name: "a contract command typo", args: []string{"contract", "tset"}, want: `mocksrv contract: unknown command "tset" (did you mean "test"?)`},
		{name: "a scenario command typo", args: []string{"scenario", "lsit"}, want: `mocksrv scenario: unknown command "lsit" (did you mean "list"?)`},
		{name: "a command with no likeness", args: []string{"frobnicate"}, want: `unknown command "frobnicate"`, wantNot: "did you mean"},
		{name: "two reports on standard output", args: []string{"contract", "test", "--provider", "uqpay", "--junit", "-", "--json", "-"}, want: "--junit and --json both ask for standard output"},
		{name: "--verbose and --quiet", args: []string{"scenario", "run", "--verbose", "--quiet"}, want: "--verbose and --quiet contradict each other"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out, errb bytes.Buffer
			args := tt.args
			if args[0] == "serve" {
				args = append(args, "--addr", "127.0.0.1:0") // should it ever listen, on no fixed port
				if tt.name == "serve --addr port" || tt.name == "serve --addr form" {
					args = tt.args
				}
			}
			assert.Equal(t, 2, run(args, &out, &errb))
			assert.Contains(t, errb.String(), tt.want)
			if tt.wantNot != "" {
				assert.NotContains(t, errb.String(), tt.wantNot)
			}
			assert.NotContains(t, errb.String(), "Flags (each also read", "a usage error is not the whole usage")
			assert.NotContains(t, out.String(), "listening on", "serve stops before it listens")
		})
	}
}

// TestHelpOnEveryCommand: --help (or -h, anywhere among the flags) prints
// the command's help on stdout and runs nothing.
func TestHelpOnEveryCommand(t *testing.T) {
	t.Parallel()
	for _, cmd := range [][]string{
		{"serve"}, {"health"}, {"version"}, {"contract", "test"}, {"contract", "check"}, {"contract", "proxy"},
		{"scenario", "run"}, {"scenario", "list"}, {"scenario", "load"}, {"scenario", "schema"},
	} {
		name := strings.Join(cmd, " ")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, help := range [][]string{{"--help"}, {"-h"}, {"extra", "--help"}, {"--help=true"}} {
				var out, errb bytes.Buffer
				require.Equal(t, 0, run(append(append([]string{}, cmd...), help...), &out, &errb), "%s %q: %s", name, help, errb.String())
				assert.True(t, strings.HasPrefix(out.String(), "Usage: mocksrv "+name), "%s %q:\n%s", name, help, out.String())
				assert.Empty(t, errb.String())
			}
		})
	}
	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"scenario", "schema", "--help"}, &out, &errb))
	assert.NotContains(t, out.String(), `"$schema"`, "help, not the schema")
	out.Reset()
	require.Equal(t, 0, run([]string{"contract", "test", "--provider", "keysecure", "--base-url", "http://127.0.0.1:1", "--help"}, &out, &errb))
	assert.NotContains(t, out.String(), "FAIL", "help runs no conversation")
	out.Reset()
	require.Equal(t, 0, run([]string{"help", "contract"}, &out, &errb))
	assert.Contains(t, out.String(), "Usage: mocksrv contract <test|check|proxy>")
	out.Reset()
	require.Equal(t, 0, run([]string{"--help"}, &out, &errb))
	assert.Contains(t, out.String(), "health     exit 0 once a running mocksrv answers")
}

// TestFlagsAnywhere: every command takes its flags before or after its
// arguments.
func TestFlagsAnywhere(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "card.list.response.json")
	require.NoError(t, os.WriteFile(good, []byte(`{"code":1004,"msg":"Invalid request parameter: size","data":null}`), 0o644))
	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"contract", "check", good, "--provider", "keysecure", "--strict"}, &out, &errb), errb.String())
	assert.Contains(t, out.String(), "OK: 1 passed")
	out.Reset()
	require.Equal(t, 0, run([]string{"scenario", "run", "keysecure-kyc", "--quiet"}, &out, &errb), errb.String())
	assert.Equal(t, "1 of 1 scenarios passed\n", out.String())
	out.Reset()
	require.Equal(t, 0, run([]string{"version", "--"}, &out, &errb))
}

// TestContractTestErrorsNameTheCause: what goes wrong between contract
// test and the server is told in the server's own words, with what to do.
func TestContractTestErrorsNameTheCause(t *testing.T) {
	t.Parallel()
	base := startServe(t)
	guarded := startServe(t, "--admin-token", "sekret")
	onlyUQPay := startServe(t, "--providers", "uqpay")
	closed := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		defer ln.Close()
		return "http://" + ln.Addr().String()
	}()
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
		wantErr  string
		notErr   string
	}{
		{name: "a wrong key gets the server's refusal", args: []string{"--provider", "keysecure", "--base-url", base, "--credentials", `{"api_key":"wrong","api_secret":"x"}`},
			wantCode: 1, wantOut: "token.get: the server refused the credentials: 1008 Api-Key does not exist"},
		{name: "an admin API that wants a token", args: []string{"--provider", "keysecure", "--base-url", guarded},
			wantCode: 2, wantErr: "needs its admin token to lend its default tenant: pass --admin-token TOKEN or set MOCKSRV_ADMIN_TOKEN", notErr: "is not a mocksrv"},
		{name: "a wrong admin token", args: []string{"--provider", "keysecure", "--base-url", guarded, "--admin-token", "nope"},
			wantCode: 2, wantErr: "refused the admin token (--admin-token or MOCKSRV_ADMIN_TOKEN)"},
		{name: "a provider the mocksrv does not serve", args: []string{"--provider", "keysecure", "--base-url", onlyUQPay},
			wantCode: 2, wantErr: "the mocksrv at " + onlyUQPay + " does not serve keysecure (see its --providers)"},
		{name: "a server that is not up yet", args: []string{"--provider", "keysecure", "--base-url", closed},
			wantCode: 2, wantErr: "did not answer to lend a mocksrv's default tenant", notErr: "is not a mocksrv"},
		{name: "a server that does not answer, with credentials", args: []string{"--provider", "keysecure", "--base-url", closed, "--credentials", `{"api_key":"k","api_secret":"s"}`},
			wantCode: 1, wantOut: "no answer: ", notErr: "status 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out, errb bytes.Buffer
			assert.Equal(t, tt.wantCode, run(append([]string{"contract", "test"}, tt.args...), &out, &errb), "%s\n%s", out.String(), errb.String())
			assert.Contains(t, out.String(), tt.wantOut)
			assert.Contains(t, errb.String(), tt.wantErr)
			if tt.notErr != "" {
				assert.NotContains(t, out.String()+errb.String(), tt.notErr)
			}
			assert.NotContains(t, out.String(), "is not documented for", "no answer is not an undocumented status")
		})
	}
}

// TestReportOutputs: --junit and --json create their directory, are
// checked before the run (a bad path fails at once, naming it), and "-"
// is standard output (the text report then goes to standard error).
func TestReportOutputs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o644))
	unreachable := "http://127.0.0.1:1"

	t.Run("parent directories are created", func(t *testing.T) {
		t.Parallel()
		junitPath, jsonPath := filepath.Join(dir, "reports", "deep", "c.xml"), filepath.Join(dir, "json", "c.json")
		var out, errb bytes.Buffer
		require.Equal(t, 0, run([]string{"contract", "check", "--provider", "uqpay", "--junit", junitPath, "--json", jsonPath,
			"../../contracts/uqpay/examples/webhook-card.create.succeeded.json", "--webhook", "card.create.succeeded"}, &out, &errb), errb.String())
		doc, err := os.ReadFile(junitPath)
		require.NoError(t, err)
		checkJUnit(t, doc)
		b, err := os.ReadFile(jsonPath)
		require.NoError(t, err)
		assert.True(t, json.Valid(b))
		scn := filepath.Join(dir, "nodir", "x.xml")
		require.Equal(t, 0, run([]string{"scenario", "run", "keysecure-kyc", "--junit", scn, "--quiet"}, &out, &errb), errb.String())
		doc, err = os.ReadFile(scn)
		require.NoError(t, err)
		checkJUnit(t, doc)
	})
	t.Run("a path that cannot be written fails before the run", func(t *testing.T) {
		t.Parallel()
		for _, tt := range []struct {
			args []string
			want string
		}{
			{[]string{"contract", "test", "--provider", "keysecure", "--base-url", unreachable, "--junit", filepath.Join(file, "x.xml")},
				"--junit " + filepath.Join(file, "x.xml") + ": cannot create its directory"},
			{[]string{"contract", "test", "--provider", "keysecure", "--base-url", unreachable, "--json", dir},
				"--json " + dir + ": is a directory"},
			{[]string{"scenario", "run", "no-such-scenario", "--junit", filepath.Join(file, "x.xml")}, "--junit " + filepath.Join(file, "x.xml")},
			{[]string{"contract", "check", "--provider", "keysecure", "nothing.json", "--json", filepath.Join(file, "r.json")}, "--json " + filepath.Join(file, "r.json")},
			{[]string{"contract", "proxy", "--provider", "uqpay", "--upstream", unreachable, "--record", filepath.Join(file, "s.har")}, "--record " + filepath.Join(file, "s.har")},
		} {
			var out, errb bytes.Buffer
			assert.Equal(t, 2, run(tt.args, &out, &errb), "%q", tt.args)
			assert.Contains(t, errb.String(), tt.want, "%q", tt.args)
			assert.NotContains(t, errb.String(), "credentials", "the report path is checked first")
			assert.Empty(t, out.String(), "nothing ran")
		}
	})
	t.Run("- is standard output", func(t *testing.T) {
		t.Parallel()
		var out, errb bytes.Buffer
		require.Equal(t, 0, run([]string{"scenario", "run", "keysecure-kyc", "--json", "-"}, &out, &errb), errb.String())
		var results []map[string]any
		require.NoError(t, json.Unmarshal(out.Bytes(), &results), "standard output is the JSON report alone:\n%s", out.String())
		assert.Len(t, results, 1)
		assert.Contains(t, errb.String(), "1 of 1 scenarios passed", "the text report goes to standard error")
		_, err := os.Stat("-")
		assert.True(t, os.IsNotExist(err), "no file named -")

		out.Reset()
		errb.Reset()
		require.Equal(t, 0, run([]string{"contract", "check", "--provider", "uqpay", "--junit", "-", "--webhook", "card.create.succeeded",
			"../../contracts/uqpay/examples/webhook-card.create.succeeded.json"}, &out, &errb), errb.String())
		assert.Equal(t, 1, checkJUnit(t, out.Bytes()).tests)
		assert.Contains(t, errb.String(), "OK: 1 passed")
	})
}

// TestJUnitOfBothTools: contract and scenario reports — passing, failing,
// skipped and errored checks — are valid JUnit of one shape.
func TestJUnitOfBothTools(t *testing.T) {
	t.Parallel()
	base := startServe(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("description: x\nsteps:\n  - call: {method: GET, path: /open-api/v1/card/C1/detail}\n    expect: {code: 0}\n"), 0o644))
	drift := filepath.Join(dir, "card.list.response.json")
	require.NoError(t, os.WriteFile(drift, []byte(`{"code":0,"msg":"Success","data":{"list":[{"card_no":1}]}}`), 0o644))

	runs := []struct {
		name     string
		args     []string
		wantCode int
		want     func(t *testing.T, tot junitTotals)
	}{
		{name: "contract test, read-only", args: []string{"contract", "test", "--provider", "keysecure", "--base-url", base}, want: func(t *testing.T, tot junitTotals) {
			assert.Positive(t, tot.skipped, "read-only steps it could not run are <skipped/>")
			assert.Zero(t, tot.failures+tot.errors)
		}},
		{name: "contract test, refused", args: []string{"contract", "test", "--provider", "keysecure", "--base-url", base, "--credentials", `{"api_key":"x","api_secret":"y"}`},
			wantCode: 1, want: func(t *testing.T, tot junitTotals) {
				assert.Equal(t, 1, tot.failures, "token.get got an error, not success")
				assert.Equal(t, 1, tot.errors, "the conversation stopped")
			}},
		{name: "contract check", args: []string{"contract", "check", "--provider", "keysecure", drift}, wantCode: 1, want: func(t *testing.T, tot junitTotals) {
			assert.Equal(t, junitTotals{suites: 1, tests: 1, failures: 1}, tot)
		}},
		{name: "scenario run", args: []string{"scenario", "run", "keysecure-kyc", bad}, wantCode: 1, want: func(t *testing.T, tot junitTotals) {
			assert.Equal(t, 2, tot.suites)
			assert.Equal(t, 1, tot.failures)
		}},
	}
	suiteAttrs := map[string][]string{}
	for _, r := range runs {
		var out, errb bytes.Buffer
		path := filepath.Join(dir, strings.ReplaceAll(r.name, " ", "-")+".xml")
		require.Equal(t, r.wantCode, run(append(r.args, "--junit", path), &out, &errb), "%s\n%s\n%s", r.name, out.String(), errb.String())
		doc, err := os.ReadFile(path)
		require.NoError(t, err)
		r.want(t, checkJUnit(t, doc))
		root, err := parseXML(doc)
		require.NoError(t, err)
		var attrs []string
		for a := range root.children[0].attrs {
			attrs = append(attrs, a)
		}
		suiteAttrs[r.name] = sortedStrings(attrs)
		if r.name == "contract test, read-only" {
			assert.Contains(t, string(doc), "<skipped message=")
		}
	}
	for name, attrs := range suiteAttrs {
		assert.Equal(t, suiteAttrs["scenario run"], attrs, "%s has the scenario report's suite attributes", name)
	}
}

func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestQuietAndProgress: with standard error not a terminal (a CI log) no
// live lines are printed, so each check shows once; --quiet keeps only
// failures and the verdict; long report lines are wrapped.
func TestQuietAndProgress(t *testing.T) {
	t.Parallel()
	base := startServe(t)
	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"contract", "test", "--provider", "decard", "--base-url", base}, &out, &errb), out.String())
	assert.Empty(t, errb.String(), "no live lines when standard error is not a terminal")
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(line, "PASS ") || strings.HasPrefix(line, "SKIP ") || strings.HasPrefix(line, "FAIL ") || strings.HasPrefix(line, "      ") {
			continue // a check's line stays one line, for grep
		}
		assert.LessOrEqual(t, utf8.RuneCountInString(line), 100, "wrapped: %q", line)
	}
	assert.Contains(t, out.String(), "  error codes never seen: ", "DeCard's long list (2,000 characters on one line before)")

	out.Reset()
	require.Equal(t, 0, run([]string{"contract", "test", "--provider", "uqpay", "--base-url", base, "--quiet"}, &out, &errb))
	assert.Regexp(t, `^OK: \d+ passed, 0 failed, \d+ skipped\n$`, out.String())
	out.Reset()
	assert.Equal(t, 1, run([]string{"contract", "test", "--provider", "keysecure", "--base-url", base, "--quiet", "--credentials", `{"api_key":"x","api_secret":"y"}`}, &out, &errb))
	assert.True(t, strings.HasPrefix(out.String(), "FAIL  token.get response"), out.String())
	assert.NotContains(t, out.String(), "coverage:")
	assert.Contains(t, lastLine(out.String()), "FAILED: 0 passed, 2 failed")

	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w.Close()
	assert.Nil(t, progress(w, false), "a pipe is not a terminal")
	assert.Nil(t, progress(&errb, false))
	tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0)
	if err == nil {
		defer tty.Close()
		assert.Equal(t, tty, progress(tty, false))
		assert.Nil(t, progress(tty, true), "--quiet")
	}
}

func TestSuggest(t *testing.T) {
	t.Parallel()
	flags := []string{"addr", "admin-token", "allow-ips", "auth", "junit", "json", "provider", "allow-writes"}
	for _, tt := range []struct{ in, want string }{
		{"adr", "addr"}, {"jnuit", "junit"}, {"provder", "provider"}, {"auht", "auth"}, {"jsn", "json"},
		{"allow-write", "allow-writes"}, {"admin", "admin-token"}, {"zzzz", ""}, {"a", ""}, {"allow", ""},
	} {
		assert.Equal(t, tt.want, suggest(tt.in, flags), tt.in)
	}
	assert.Equal(t, 1, editDistance("tset", "test"), "a swap counts once")
	assert.Equal(t, 3, editDistance("", "abc"))
	assert.Equal(t, 0, editDistance("même", "même"))
}
