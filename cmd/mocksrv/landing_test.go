package main

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/internal/readmetest"
	"github.com/mocksrv/mocksrv/sims"
)

// TestReadmeThirtySeconds runs the README's "30 seconds with each
// provider" as written: the shell blocks with bash and curl against a
// Fleet on loopback (only the host swapped), the scenario command through
// this binary's own entry point.
func TestReadmeThirtySeconds(t *testing.T) {
	t.Parallel()
	section := readmetest.Section(t, "## 30 seconds with each provider")
	blocks := readmetest.Blocks(t, section, "sh")
	require.Len(t, blocks, 4, "KeySecure, UQPay, bkj and the scenarios")

	t.Run("shell", func(t *testing.T) {
		t.Parallel()
		readmetest.NeedTools(t, "bash", "curl", "date", "sed")
		f := sims.RunT(t)
		want := []string{`"code":0,"msg":"Success","data":{"cardholder_no":"U`, `"total_items":5`, `"algorithm":"HMAC-SHA256"`}
		for i, b := range blocks[:3] {
			cmd := exec.Command("bash", "-euo", "pipefail", "-c", strings.ReplaceAll(b, "http://127.0.0.1:8080", f.URL()))
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, "%s\n%s", b, out)
			assert.Contains(t, string(out), want[i], "block %d:\n%s", i, b)
		}
	})

	t.Run("scenarios", func(t *testing.T) {
		t.Parallel()
		line := strings.TrimSpace(strings.Split(blocks[3], "\n")[0])
		args, ok := strings.CutPrefix(line, "go run ./cmd/mocksrv ")
		require.True(t, ok, line)
		var out, errb bytes.Buffer
		require.Equal(t, 0, run(strings.Fields(args), &out, &errb), "%s%s", &out, &errb)
		assert.Contains(t, out.String(), "4 of 4 scenarios passed")
		for _, l := range strings.Split(strings.TrimSpace(blocks[3]), "\n")[1:] {
			if l := strings.TrimPrefix(l, "# "); !strings.HasPrefix(l, "…") && !strings.Contains(l, "…") {
				assert.Contains(t, out.String(), l, "the README shows what the run prints")
			}
		}
	})
}
