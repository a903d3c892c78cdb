package decard_test

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

// TestREADMEExamples runs the README's DeCard examples as written — the
// bash + curl + openssl calls, the freeze/unfreeze walk-through and the Go
// program — against a Fleet on loopback, with only the host swapped. A
// missing tool skips its example.
func TestREADMEExamples(t *testing.T) {
	t.Parallel()
	section := readmetest.Section(t, "## DeCard")

	t.Run("curl and openssl", func(t *testing.T) {
		t.Parallel()
		readmetest.NeedTools(t, "bash", "curl", "openssl")
		f := sims.RunT(t)
		host := strings.TrimPrefix(f.URL(), "http://")
		script := readmetest.Block(t, section, "With curl and openssl (bash):", "sh", 0) +
			readmetest.Block(t, section, "**Freeze and unfreeze.**", "sh", 0)
		script = strings.NewReplacer("127.0.0.1:8080", host, "localhost:8080", host).Replace(script)
		cmd := exec.Command("bash", "-c", script)
		cmd.Dir = t.TempDir()
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		require.Len(t, lines, 6, "%s", out)
		assert.Equal(t, `{"code":"SYS_SUCCESS","message":null,"messageDetail":null,"data":"88998878","success":true}`, lines[0])
		assert.Equal(t, `{"code":"SYS_SUCCESS","message":null,"messageDetail":null,"data":"6b27ce58-9765-4f39-9604-17070b4b21b6","success":true}`, lines[1],
			"the freeze walk-through uses this externalUserId")
		assert.Equal(t, `{"code":"SYS_SUCCESS","message":null,"messageDetail":null,"data":"UNDO","success":true}`, lines[2])
		for _, l := range lines[3:] {
			assert.Contains(t, l, `"code":"SYS_SUCCESS"`)
		}
		assert.Equal(t, `{"code":"SYS_SUCCESS","message":null,"messageDetail":null,"data":true,"success":true}`, lines[5], "unfrozen")
	})

	t.Run("card events", func(t *testing.T) {
		t.Parallel()
		readmetest.NeedTools(t, "bash", "curl", "sed", "tee")
		f := sims.RunT(t)
		script := readmetest.Block(t, section, "From the shell (**bash and curl**):", "sh", 0)
		script = strings.ReplaceAll(script, "http://127.0.0.1:8080", f.URL())
		cmd := exec.Command("bash", "-c", script)
		cmd.Dir = t.TempDir()
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		require.Len(t, lines, 4, "%s\n%s", script, out)
		assert.Contains(t, lines[0], `"approved":true,"errorCode":null,"transaction":{"merchantName":"KOPI CORNER              SINGAPORE     SG"`)
		assert.Contains(t, lines[0], `"postIndicator":0`)
		assert.Contains(t, lines[0], `"response":"A","direction":"DEBIT"`)
		assert.Contains(t, lines[1], `"postIndicator":1`)
		assert.Contains(t, lines[1], `"postingAmountInUsd":"44"`)
		assert.Contains(t, lines[1], `"cardTransaction":null`)
		assert.Contains(t, lines[2], `"debitCreditIndcator":"C","transactionDescription":"Refund"`)
		assert.Contains(t, lines[2], `"direction":"CREDIT"`)
		assert.Contains(t, lines[3], `{"approved":false,"errorCode":"CARD_CARD_INACTIVE","transaction":null,"cardTransaction":{`)
		assert.Contains(t, lines[3], `"response":"D"`)
	})

	t.Run("go program", func(t *testing.T) {
		t.Parallel()
		readmetest.NeedTools(t, "go")
		f := sims.RunT(t)
		src := readmetest.Block(t, section, "In Go, standard library only", "go", 0)
		src = strings.ReplaceAll(src, "http://127.0.0.1:8080", f.URL())
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644))
		cmd := exec.Command("go", "run", "main.go")
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		require.Len(t, lines, 3, "%s", out)
		for _, l := range lines {
			assert.Contains(t, l, `"code":"SYS_SUCCESS"`)
			assert.True(t, strings.HasSuffix(l, " <nil>"), l)
		}
	})
}
