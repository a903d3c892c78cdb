package keysecure_test

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/internal/readmetest"
	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/keysecure"
)

// TestREADMEAuthDecisionExample runs the README's merchant endpoint (the
// KeySecure section's Go program) as written against a Fleet on loopback,
// with only the host swapped: the first purchase is approved, the second
// declined by the endpoint's answer.
func TestREADMEAuthDecisionExample(t *testing.T) {
	t.Parallel()
	readmetest.NeedTools(t, "go")
	section := readmetest.Section(t, "## KeySecure")
	src := readmetest.Block(t, section, "**Go, standard library\nonly**", "go", 0)
	f := sims.RunT(t)
	src = strings.ReplaceAll(src, "http://127.0.0.1:8080", f.URL())
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(src), 0o644))
	cmd := exec.Command("go", "run", "main.go")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.Len(t, lines, 2, "%s", out)
	assert.Equal(t, "25.50 Pending", strings.TrimSpace(lines[0]))
	assert.Equal(t, "250.00 Fail Declined by merchant: Insufficient funds in wallet", lines[1])
	_, state := f.Admin(t, http.MethodGet, "/_mocksrv/tenants/auth-demo/keysecure/state", nil)
	var st struct {
		Money keysecure.Money `json:"money"`
	}
	require.NoError(t, json.Unmarshal(state, &st))
	assert.Equal(t, "25.5", st.Money.MerchantFunded.String(), "the merchant funds what it approved")
	assert.Equal(t, "1000000", st.Money.Total.String())
}
