package sims_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/internal/readmetest"
	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/keysecure"
)

// shell runs a guide's sh block with bash against f, the guide's host
// swapped for f's.
func shell(t *testing.T, f *sims.Fleet, block string) string {
	t.Helper()
	host := strings.TrimPrefix(f.URL(), "http://")
	src := strings.NewReplacer("http://127.0.0.1:8080", f.URL(), "localhost:8080", host).Replace(block)
	out, err := exec.Command("bash", "-euo", "pipefail", "-c", src).CombinedOutput()
	require.NoError(t, err, "%s\n%s", src, out)
	return string(out)
}

// TestGuideAdminBlocks runs the admin guides' shell blocks as written:
// a tenant made (Tenants), three fault rules (Faults), and the journal
// asked what the app sent (Admin API).
func TestGuideAdminBlocks(t *testing.T) {
	t.Parallel()
	readmetest.NeedTools(t, "bash", "curl")

	t.Run("tenants", func(t *testing.T) {
		t.Parallel()
		f := sims.RunT(t)
		b := readmetest.Blocks(t, readmetest.Section(t, "## Tenants: one mocksrv, many CI jobs"), "sh")[0]
		first := strings.SplitN(b, "\n", 2)[0] // the second is serve's flag, run by cmd/mocksrv's tests
		out := shell(t, f, first)
		var made struct {
			ID        string            `json:"id"`
			Seed      int               `json:"seed"`
			KeySecure map[string]string `json:"keysecure"`
			UQPay     map[string]string `json:"uqpay"`
		}
		require.NoError(t, json.Unmarshal([]byte(out), &made), out)
		assert.Equal(t, "job-42", made.ID)
		assert.Equal(t, 7, made.Seed)
		assert.NotEmpty(t, made.KeySecure["api_key"])
		assert.NotEmpty(t, made.UQPay["webhook_secret"])
	})

	t.Run("faults", func(t *testing.T) {
		t.Parallel()
		f := sims.RunT(t)
		shell(t, f, readmetest.Blocks(t, readmetest.Section(t, "## Faults"), "sh")[0])
		var rules struct {
			Faults []struct {
				Route string `json:"route"`
			} `json:"faults"`
		}
		admin(t, f, http.MethodGet, "/_mocksrv/faults", "", http.StatusOK, &rules)
		require.Len(t, rules.Faults, 3, "%v", rules)
		assert.Equal(t, "Card_update", rules.Faults[2].Route)
	})

	t.Run("journal", func(t *testing.T) {
		t.Parallel()
		f := sims.RunT(t)
		var card keysecure.Card
		admin(t, f, http.MethodPost, "/_mocksrv/tenants/default/keysecure/cards", `{"status":"Activated"}`, http.StatusCreated, &card)
		c := keysecure.NewClient(f.URL(), keysecure.DefaultAPIKey, keysecure.DefaultAPISecret)
		resp, err := c.Do(context.Background(), http.MethodPost, "/open-api/v1/card/status/update", map[string]string{"card_no": card.ID, "status": "Frozen"})
		require.NoError(t, err)
		require.Equal(t, 0, resp.Code, resp.Msg)
		block := readmetest.Blocks(t, readmetest.Section(t, "## Admin API"), "sh")[0]
		out := shell(t, f, block)
		shown, _, _ := strings.Cut(strings.TrimPrefix(strings.Split(strings.TrimSpace(block), "\n")[1], "# "), "   (")
		assert.JSONEq(t, shown, out)
	})
}

// TestFleetAdmin: the test helper sends JSON, raw strings and the Fleet's
// admin token.
func TestFleetAdmin(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t, sims.WithAdminToken("s3cret"))
	status, body := f.Admin(t, http.MethodPost, "/_mocksrv/tenants", map[string]any{"id": "helper"})
	require.Equal(t, http.StatusCreated, status, "%s", body)
	status, body = f.Admin(t, http.MethodPost, "/_mocksrv/tenants", `{"id":"helper"}`)
	assert.Equal(t, http.StatusConflict, status, "%s", body)
	resp, err := http.Get(f.URL() + "/_mocksrv/tenants")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "the token is required; Admin sent it")
}
