package bkj_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/internal/readmetest"
	"github.com/mocksrv/mocksrv/sims"
)

// TestREADMEExamples runs the README's bkj examples as written — bkj.sh
// (curl + openssl) with its two sample calls, and the Go program — against
// a Fleet on loopback, with only the host swapped. A missing tool skips
// its example.
func TestREADMEExamples(t *testing.T) {
	t.Parallel()
	section := readmetest.Section(t, "## bkj")

	t.Run("curl and openssl", func(t *testing.T) {
		t.Parallel()
		readmetest.NeedTools(t, "sh", "curl", "openssl", "awk")
		f := sims.RunT(t)
		host := strings.TrimPrefix(f.URL(), "http://")
		dir := t.TempDir()
		script := readmetest.Block(t, section, "**curl + openssl.**", "sh", 0)
		script = strings.ReplaceAll(script, "127.0.0.1:8080", host)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "bkj.sh"), []byte(script), 0o644))
		usage := readmetest.Block(t, section, "**curl + openssl.**", "sh", 1)
		require.Contains(t, usage, "sh bkj.sh GET /openapi/v1/card/list")
		cmd := exec.Command("sh", "-c", usage)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		require.Len(t, lines, 4, "%s", out)
		assert.Regexp(t, `^\{"code":0,"data":\{"page":1,"take":2,"total":0,"list":\[\]\},"message":"success","timestamp":\d+\}$`, lines[0])
		assert.Equal(t, "response signature OK", lines[1])
		assert.Regexp(t, `^\{"code":0,"data":\{"id":"[0-9a-f-]{36}",.*"kyc_status":"unverified"`, lines[2])
		assert.Equal(t, "response signature OK", lines[3])
	})

	t.Run("card events with curl", func(t *testing.T) {
		t.Parallel()
		readmetest.NeedTools(t, "sh", "curl", "openssl", "awk", "sed")
		f := sims.RunT(t)
		host := strings.TrimPrefix(f.URL(), "http://")
		dir := t.TempDir()
		script := readmetest.Block(t, section, "**curl + openssl.**", "sh", 0)
		script = strings.ReplaceAll(script, "127.0.0.1:8080", host)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "bkj.sh"), []byte(script), 0o644))
		events := readmetest.Block(t, section, "**Card events with curl**", "sh", 0)
		events = strings.ReplaceAll(events, "127.0.0.1:8080", host)
		cmd := exec.Command("sh", "-c", events)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		require.Len(t, lines, 6, "%s", out)
		for i, want := range [][]string{
			{`"remarks":"cleared 46.50 of 40.00 authorized"`, `"type":"purchase","status":"success","amount":"46.5"`, `"balance_after":"53.5"`},
			{`"type":"refund","status":"success","amount":"10"`, `"balance_after":"63.5"`},
			{`"status":"declined"`, `"decline_code":"risk_declined","decline_reason":"declined by risk control"`},
		} {
			assert.True(t, strings.HasPrefix(lines[2*i], `{"code":0,"data":{`), lines[2*i])
			for _, w := range want {
				assert.Contains(t, lines[2*i], w)
			}
			assert.Equal(t, "response signature OK", lines[2*i+1])
		}
		_, body := f.Admin(t, "GET", "/_mocksrv/tenants/bkj-spend/bkj/state", nil)
		assert.Contains(t, string(body), `"balanced": true`)
	})

	t.Run("go program", func(t *testing.T) {
		t.Parallel()
		readmetest.NeedTools(t, "go")
		f := sims.RunT(t)
		src := readmetest.Block(t, section, "**Go**, standard library only", "go", 0)
		src = strings.ReplaceAll(src, "http://127.0.0.1:8080", f.URL())
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644))
		cmd := exec.Command("go", "run", "main.go")
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		require.Len(t, lines, 2, "%s", out)
		for _, l := range lines {
			assert.True(t, strings.HasPrefix(l, `{"code":0,`), l)
			assert.True(t, strings.HasSuffix(l, " <nil>"), "the response signature verifies: %s", l)
		}
	})
}
