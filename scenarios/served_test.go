package scenarios_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/scenarios"
	"github.com/mocksrv/mocksrv/sims"
)

// post sends a body to the admin API of f and decodes the answer.
func post(t *testing.T, f *sims.Fleet, token, path, body string, wantStatus int, out any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, f.URL()+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/yaml")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.Equal(t, wantStatus, res.StatusCode, "POST %s: %s", path, b)
	if out != nil {
		require.NoError(t, json.Unmarshal(b, out), string(b))
	}
}

func TestServedLibrary(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t, sims.WithScenarioRunner(scenarios.Runner))
	res, err := http.Get(f.URL() + "/_mocksrv/scenarios")
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	var out struct {
		Scenarios []scenarios.Entry `json:"scenarios"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
	lib, err := scenarios.List()
	require.NoError(t, err)
	assert.Equal(t, lib, out.Scenarios)
}

func TestServedRun(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t, sims.WithScenarioRunner(scenarios.Runner), sims.WithAdminToken("s3cret"))

	t.Run("a library scenario passes, a verdict per step, in a tenant kept afterwards", func(t *testing.T) {
		t.Parallel()
		var res scenarios.Result
		post(t, f, "s3cret", "/_mocksrv/scenarios/run?name=keysecure-freeze-unfreeze&tenant=run-lib", "", http.StatusOK, &res)
		assert.True(t, res.Passed, "%+v", res)
		assert.Equal(t, "keysecure-freeze-unfreeze", res.Scenario)
		assert.Equal(t, "run-lib", res.Tenant)
		require.Len(t, res.Steps, 7)
		assert.Contains(t, res.Steps[0].Step, "freeze")
		for _, s := range res.Steps {
			assert.True(t, s.OK, "%s: %v", s.Step, s.Failures)
		}
		_, kept := f.Tenants.Get("run-lib")
		assert.True(t, kept)
		assert.Len(t, f.KeySecure.Cards(), 0, "the default tenant is untouched")
	})

	t.Run("an uploaded file that fails says which step and what differed", func(t *testing.T) {
		t.Parallel()
		src := `description: a wrong expectation
name: a-wrong-expectation
given:
  keysecure:
    - cards: {as: card, status: Frozen}
steps:
  - name: freeze a frozen card
    call:
      method: POST
      path: /open-api/v1/card/status/update
      body: {card_no: "{{card.card_no}}", status: Frozen}
    expect: {code: 0}
  - name: the state shows it frozen
    expect_state:
      provider: keysecure
      json: {/cards/0/status: Frozen}
`
		var res scenarios.Result
		post(t, f, "s3cret", "/_mocksrv/scenarios/run", src, http.StatusOK, &res)
		assert.False(t, res.Passed)
		require.Len(t, res.Steps, 2, "%+v", res)
		assert.False(t, res.Steps[0].OK)
		require.NotEmpty(t, res.Steps[0].Failures)
		assert.Contains(t, res.Steps[0].Failures[0], "expect.code: expected 0, got 4002")
		assert.True(t, res.Steps[1].OK, "%v", res.Steps[1].Failures)
		assert.True(t, strings.HasPrefix(res.Tenant, "scn-a-wrong-expectation-"), res.Tenant)
	})

	t.Run("refusals", func(t *testing.T) {
		t.Parallel()
		var e struct{ Error, Message string }
		post(t, f, "s3cret", "/_mocksrv/scenarios/run?name=no-such-scenario", "", http.StatusNotFound, &e)
		assert.Contains(t, e.Message, `no library scenario "no-such-scenario"`)
		post(t, f, "s3cret", "/_mocksrv/scenarios/run?tenant=default&name=keysecure-freeze-unfreeze", "", http.StatusConflict, &e)
		assert.Contains(t, e.Message, `tenant "default" exists`)
		post(t, f, "s3cret", "/_mocksrv/scenarios/run", "description: x\nsteps:\n  - nonsense: 1\n", http.StatusBadRequest, &e)
		assert.Contains(t, e.Message, "upload.yaml:3: steps[0]")
		post(t, f, "s3cret", "/_mocksrv/scenarios/run", "", http.StatusBadRequest, &e)
		assert.Contains(t, e.Message, "name a library scenario")
		post(t, f, "", "/_mocksrv/scenarios/run?name=keysecure-freeze-unfreeze", "", http.StatusUnauthorized, &e)
	})
}

func TestServedRunNeedsTheRunner(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	var e struct{ Error, Message string }
	post(t, f, "", "/_mocksrv/scenarios/run?name=keysecure-freeze-unfreeze", "", http.StatusNotFound, &e)
	assert.Contains(t, e.Message, "without the scenario runner")
}
