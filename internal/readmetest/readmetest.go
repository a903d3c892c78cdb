// Package readmetest reads the examples out of the project's documents —
// README.md and the guides in docs/ — so the tests can run them as
// written. It is for this project's tests only.
package readmetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Docs returns the project's documents, README.md first and then docs/*.md
// in name order, keyed by their path from the module root. They are found
// beside go.mod, above the test's working directory.
func Docs(t testing.TB) (names []string, text map[string]string) {
	t.Helper()
	dir := root(t)
	names = []string{"README.md"}
	more, err := filepath.Glob(filepath.Join(dir, "docs", "*.md"))
	require.NoError(t, err)
	sort.Strings(more)
	for _, m := range more {
		names = append(names, filepath.Join("docs", filepath.Base(m)))
	}
	text = map[string]string{}
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		require.NoError(t, err)
		text[n] = string(b)
	}
	return names, text
}

// All returns every document's text, README.md first, for tests that look
// for a paragraph or a table row wherever the documents keep it.
func All(t testing.TB) string {
	t.Helper()
	names, text := Docs(t)
	var b strings.Builder
	for _, n := range names {
		b.WriteString(text[n])
		b.WriteString("\n")
	}
	return b.String()
}

// Section returns the text under the heading titled like heading ("## bkj"
// finds "bkj" at any level, so a section can move from the README to a
// guide of its own in docs/ and keep its tests), up to the next heading of
// the same or a higher level. Lines inside code fences are never headings.
func Section(t testing.TB, heading string) string {
	t.Helper()
	title := strings.TrimSpace(strings.TrimLeft(heading, "#"))
	names, text := Docs(t)
	for _, n := range names {
		if s, ok := section(text[n], title); ok {
			return s
		}
	}
	require.FailNow(t, "no section", "neither README.md nor docs/ has a heading %q", title)
	return ""
}

// section finds the heading titled title in doc and returns what follows
// it up to the next heading of its level or above.
func section(doc, title string) (string, bool) {
	lines := strings.SplitAfter(doc, "\n")
	fenced, level, start := false, 0, -1
	var out strings.Builder
	for i, line := range lines {
		trimmed := strings.TrimRight(line, "\n")
		if strings.HasPrefix(trimmed, "```") {
			fenced = !fenced
		}
		n := headingLevel(trimmed)
		if fenced || n == 0 {
			if start >= 0 {
				out.WriteString(line)
			}
			continue
		}
		switch {
		case start < 0 && strings.TrimSpace(trimmed[n:]) == title:
			start, level = i, n
		case start >= 0 && n <= level:
			return out.String(), true
		case start >= 0:
			out.WriteString(line)
		}
	}
	return out.String(), start >= 0
}

// headingLevel returns how many #s open a Markdown heading line, or 0.
func headingLevel(line string) int {
	n := 0
	for n < len(line) && line[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || n == len(line) || line[n] != ' ' {
		return 0
	}
	return n
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
