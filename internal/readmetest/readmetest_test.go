package readmetest

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/stretchr/testify/assert"
)

func TestBlocks(t *testing.T) {
	t.Parallel()
	section := "Intro\n```sh\necho one\n```\ntext\n**Marker.**\n```go\npackage x\n```\n```sh\necho two\n```\n"
	assert.Equal(t, []string{"echo one\n", "echo two\n"}, Blocks(t, section, "sh"))
	assert.Equal(t, "echo two\n", Block(t, section, "**Marker.**", "sh", 0))
	assert.Equal(t, "package x\n", Block(t, section, "**Marker.**", "go", 0))
	assert.Contains(t, Section(t, "## Development"), "go test", "the real README has a Development section")
}

// TestLinksResolve: every relative link in README.md and docs/ names a
// document that exists and, after #, a heading it has.
func TestLinksResolve(t *testing.T) {
	t.Parallel()
	names, text := Docs(t)
	anchors := map[string]map[string]bool{}
	for _, n := range names {
		anchors[n] = map[string]bool{}
		fenced := false
		for _, line := range strings.Split(text[n], "\n") {
			if strings.HasPrefix(line, "```") {
				fenced = !fenced
			}
			if l := headingLevel(line); l > 0 && !fenced {
				anchors[n][slug(line[l+1:])] = true
			}
		}
	}
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	checked := 0
	for _, n := range names {
		for _, m := range link.FindAllStringSubmatch(text[n], -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			file, anchor, _ := strings.Cut(target, "#")
			doc := n
			if file != "" {
				doc = filepath.ToSlash(filepath.Clean(filepath.Join(filepath.Dir(n), file)))
			}
			checked++
			if _, ok := anchors[doc]; !ok {
				if _, err := os.Stat(filepath.Join(root(t), doc)); err != nil {
					t.Errorf("%s links to %s: no such file", n, target)
				}
				continue
			}
			if anchor != "" && !anchors[doc][anchor] {
				t.Errorf("%s links to %s: %s has no heading #%s", n, target, doc, anchor)
			}
		}
	}
	assert.Greater(t, checked, 20, "the documents link to each other")
}

// slug is GitHub's anchor for a heading: lower case, punctuation but - and
// _ dropped, spaces as -.
func slug(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(title)) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}
