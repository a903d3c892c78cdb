package readmetest

import (
	"testing"

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
