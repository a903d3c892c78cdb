// Package readmetest reads the examples out of the project's README.md, so
// the providers' tests can run them as written. It is for this project's
// tests only.
package readmetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Section returns the README's section under heading ("## bkj"), up to the
// next "## " heading. The README is found beside go.mod, above the test's
// working directory.
func Section(t testing.TB, heading string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root(t), "README.md"))
	require.NoError(t, err)
	s := string(b)
	start := strings.Index(s, "\n"+heading+"\n")
	require.GreaterOrEqual(t, start, 0, "README has no %q", heading)
	s = s[start+1+len(heading):]
	if end := strings.Index(s, "\n## "); end >= 0 {
		s = s[:end]
	}
	return s
}

func root(t testing.TB) string {
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, parent, dir, "no go.mod above the test's directory")
		dir = parent
	}
}

// Blocks returns every fenced block of lang ("sh", "go") in section, in
// order, without their fences.
func Blocks(t testing.TB, section, lang string) []string {
	t.Helper()
	open := "```" + lang + "\n"
	var out []string
	for rest := section; ; {
		i := strings.Index(rest, open)
		if i < 0 {
			return out
		}
		rest = rest[i+len(open):]
		j := strings.Index(rest, "\n```")
		require.GreaterOrEqual(t, j, 0, "unterminated %s block", lang)
		out = append(out, rest[:j+1])
		rest = rest[j+len("\n```"):]
	}
}

// Block returns the n-th (from 0) fenced block of lang after the first
// occurrence of marker in section.
func Block(t testing.TB, section, marker, lang string, n int) string {
	t.Helper()
	i := strings.Index(section, marker)
	require.GreaterOrEqual(t, i, 0, "README section has no %q", marker)
	blocks := Blocks(t, section[i:], lang)
	require.Greater(t, len(blocks), n, "no %s block %d after %q", lang, n, marker)
	return blocks[n]
}

// NeedTools skips t under -short or when a tool an example runs is not
// installed.
func NeedTools(t testing.TB, tools ...string) {
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
