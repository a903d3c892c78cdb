package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mocksrv/mocksrv/internal/readmetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeCIBlock returns the README's "In CI" YAML block: its env
// variables and the commands of its run: steps, in order.
func readmeCIBlock(t *testing.T) (env map[string]string, runs []string) {
	t.Helper()
	readme := readmetest.All(t)
	i := strings.Index(readme, "**In CI**")
	require.GreaterOrEqual(t, i, 0, "README has an **In CI** paragraph")
	m := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindStringSubmatch(readme[i:])
	require.NotNil(t, m, "the In CI paragraph has a yaml block")
	env = map[string]string{}
	inEnv := false
	for _, line := range strings.Split(m[1], "\n") {
		code, _, _ := strings.Cut(line, " #")
		code = strings.TrimRight(code, " ")
		switch {
		case code == "env:":
			inEnv = true
		case inEnv && strings.HasPrefix(code, "  ") && strings.Contains(code, ":"):
			k, v, _ := strings.Cut(strings.TrimSpace(code), ":")
			env[k] = strings.TrimSpace(v)
		case strings.HasPrefix(strings.TrimSpace(code), "- run: "):
			inEnv = false
			runs = append(runs, strings.TrimPrefix(strings.TrimSpace(code), "- run: "))
		default:
			inEnv = inEnv && strings.HasPrefix(code, "  ")
		}
	}
	return env, runs
}

// TestReadmeCIBlockRuns runs the README's "In CI" block as a CI job would
// on a fresh machine: its build step (into a temporary directory, from
// this checkout), then every other run: line exactly as written, in order,
// with bash, from that directory, against a mocksrv on a free loopback
// port (MOCKSRV_ADDR, which the block reads). The reports it names must
// be valid JUnit with no failures.
func TestReadmeCIBlockRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs the README's CI steps")
	}
	t.Parallel()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool on PATH")
	}
	env, runs := readmeCIBlock(t)
	host, _, err := net.SplitHostPort(env["MOCKSRV_ADDR"])
	require.NoError(t, err, "the block sets MOCKSRV_ADDR to host:port")
	assert.True(t, net.ParseIP(host).IsLoopback(), "the block's server stays on loopback: %s", env["MOCKSRV_ADDR"])
	require.GreaterOrEqual(t, len(runs), 4, "build, serve, health, a test")
	require.Equal(t, "go build -o bin/mocksrv ./cmd/mocksrv", runs[0], "the block builds once")
	assert.Regexp(t, `^bin/mocksrv serve .*&$`, runs[1], "then starts the server in the background")
	assert.Equal(t, "bin/mocksrv health --wait 30s", runs[2], "then waits until it answers")

	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, goTool, "build", "-o", filepath.Join(dir, "bin", "mocksrv"), "./cmd/mocksrv")
	build.Dir = "../.."
	out, err := build.CombinedOutput()
	require.NoError(t, err, "%s", out)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())

	script := "set -eo pipefail\n" + // as GitHub Actions runs a bash step
		"trap 'kill $(jobs -p) 2>/dev/null; wait' EXIT\n" + // the job's end stops the server
		strings.Join(runs[1:], "\n") + "\n"
	cmd := exec.CommandContext(ctx, bash, "-c", script)
	cmd.Dir = dir
	cmd.Env = []string{"MOCKSRV_ADDR=" + addr}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MOCKSRV_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	out, err = cmd.CombinedOutput()
	log, _ := os.ReadFile(filepath.Join(dir, "mocksrv.log"))
	require.NoError(t, err, "the README's CI steps fail:\n%s\nserver log:\n%s", out, log)
	assert.Contains(t, string(out), "is up at http://"+addr)

	var reports int
	for _, r := range runs {
		m := regexp.MustCompile(`--junit (\S+)`).FindStringSubmatch(r)
		if m == nil {
			continue
		}
		reports++
		assert.True(t, strings.HasPrefix(m[1], "reports/"), "reports go to reports/: %s", m[1])
		doc, err := os.ReadFile(filepath.Join(dir, m[1]))
		require.NoError(t, err, "the step wrote %s", m[1])
		tot := checkJUnit(t, doc)
		assert.Positive(t, tot.tests, m[1])
		assert.Zero(t, tot.failures+tot.errors, m[1])
	}
	assert.GreaterOrEqual(t, reports, 2, "the block writes JUnit reports")
}
