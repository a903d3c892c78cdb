package bkj_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims"
)

// readmeSection returns the README's section under heading, up to the
// next "## " heading.
func readmeSection(t *testing.T, heading string) string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	s := string(b)
	start := strings.Index(s, "\n"+heading+"\n")
	require.GreaterOrEqual(t, start, 0, "README has no %q", heading)
	s = s[start+1:]
	if end := strings.Index(s[len(heading):], "\n## "); end >= 0 {
		s = s[:len(heading)+end]
	}
	return s
}

// codeBlock returns the n-th (from 0) fenced block of lang after marker.
func codeBlock(t *testing.T, section, marker, lang string, n int) string {
	t.Helper()
	i := strings.Index(section, marker)
	require.GreaterOrEqual(t, i, 0, "README section has no %q", marker)
	rest := section[i:]
	open := "```" + lang + "\n"
	for {
		j := strings.Index(rest, open)
		require.GreaterOrEqual(t, j, 0, "no %s block %d after %q", lang, n, marker)
		rest = rest[j+len(open):]
		k := strings.Index(rest, "\n```")
		require.GreaterOrEqual(t, k, 0)
		if n == 0 {
			return rest[:k+1]
		}
		n--
		rest = rest[k+4:]
	}
}

func needTools(t *testing.T, tools ...string) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs external tools")
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
}

// TestREADMEExamples runs the README's bkj examples as written — bkj.sh
// (curl + openssl) with its two sample calls, and the Go program — against
// a Fleet on loopback, with only the host swapped. A missing tool skips
// its example.
func TestREADMEExamples(t *testing.T) {
	t.Parallel()
	section := readmeSection(t, "## bkj")

	t.Run("curl and openssl", func(t *testing.T) {
		t.Parallel()
		needTools(t, "sh", "curl", "openssl", "awk")
		f := sims.RunT(t)
		host := strings.TrimPrefix(f.URL(), "http://")
		dir := t.TempDir()
		script := codeBlock(t, section, "**curl + openssl.**", "sh", 0)
		script = strings.ReplaceAll(script, "127.0.0.1:8080", host)
		require.NoError(t, os.WriteFile(filepath.Join(dir, "bkj.sh"), []byte(script), 0o644))
		usage := codeBlock(t, section, "**curl + openssl.**", "sh", 1)
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

	t.Run("go program", func(t *testing.T) {
		t.Parallel()
		needTools(t, "go")
		f := sims.RunT(t)
		src := codeBlock(t, section, "**Go**, standard library only", "go", 0)
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
