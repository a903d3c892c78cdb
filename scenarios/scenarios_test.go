package scenarios_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/scenarios"
	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/keysecure"
)

// TestLibrary runs every scenario of the library in-process.
func TestLibrary(t *testing.T) {
	t.Parallel()
	lib, err := scenarios.List()
	require.NoError(t, err)
	require.NotEmpty(t, lib)
	for _, e := range lib {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			scenarios.Run(t, e.Name)
		})
	}
}

func TestBrokenExpectationSaysWhereAndWhat(t *testing.T) {
	t.Parallel()
	sc, err := scenarios.Parse("broken.yaml", []byte(`
description: a card list that is not what the test thinks
given:
  keysecure:
    - cards: {as: card}
steps:
  - name: list cards
    call:
      method: POST
      path: /open-api/v1/card/list
      body: {start_time: "2026-01-01", end_time: "2026-01-01"}
    expect:
      code: 0
      json: {/data/list/0/status: Frozen}
`))
	require.NoError(t, err)
	res := scenarios.RunScenario(context.Background(), sc, scenarios.Options{})
	require.False(t, res.Passed)
	var out strings.Builder
	scenarios.WriteText(&out, []*scenarios.Result{res})
	assert.Contains(t, out.String(), `step 1 (line 7) “list cards”`)
	assert.Contains(t, out.String(), `expect.json /data/list/0/status: expected "Frozen", got "Activated"`)

	var junit strings.Builder
	require.NoError(t, scenarios.WriteJUnit(&junit, []*scenarios.Result{res}))
	assert.Contains(t, junit.String(), `<failure message="expect.json /data/list/0/status: expected &#34;Frozen&#34;, got &#34;Activated&#34;"`)
}

func TestFileErrorsNameFileLineAndField(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src, want string
	}{
		{"unknown field", "description: x\nsteps:\n  - call: {method: GET, path: /x, verb: y}\n", "bad.yaml:3: steps[0].call: unknown field"},
		{"wrong type", "description: x\nsteps:\n  - advance: 30d\n  - call:\n      method: GET\n      path: 7\n", "bad.yaml:6: steps[1].call.path"},
		{"bad enum", "description: x\nsteps:\n  - card: {provider: visa, card: c, action: freeze}\n", "bad.yaml:3: steps[0].card.provider"},
		{"missing description", "steps:\n  - flush: true\n", "bad.yaml:1: (top level): missing field"},
		{"two actions", "description: x\nsteps:\n  - flush: true\n    advance: 1h\n", "bad.yaml:3: steps[0]: one action per step"},
		{"expect without call", "description: x\nsteps:\n  - advance: 1h\n    expect: {status: 200}\n", "bad.yaml:3: steps[0].expect: expect and save belong to a call step"},
		{"bad yaml", "description: x\nsteps: [\n", "bad.yaml:2: not valid YAML: did not find expected node content"},
		{"bad duration", "description: x\nsteps:\n  - advance: soon\n", "bad.yaml:3: steps[0].advance"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := scenarios.Parse("bad.yaml", []byte(tt.src))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestLoadAppliesOnlyGiven(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t, sims.WithScenarioLoader(scenarios.Loader))
	sc, err := scenarios.FromLibrary("keysecure-freeze-unfreeze")
	require.NoError(t, err)
	loaded, err := scenarios.Load(context.Background(), sc, f.URL(), "qa-manual", nil, "")
	require.NoError(t, err)
	assert.Equal(t, "qa-manual", loaded.Tenant)
	assert.Contains(t, loaded.Objects, "card")
	assert.NotEmpty(t, loaded.Credentials["keysecure"]["api_key"])
	var st keysecure.StateDump
	res, err := http.Get(f.URL() + "/_mocksrv/tenants/qa-manual/keysecure/state")
	require.NoError(t, err)
	require.NoError(t, json.NewDecoder(res.Body).Decode(&st))
	res.Body.Close()
	require.Len(t, st.Cards, 1)
	assert.Equal(t, keysecure.StatusActivated, st.Cards[0].Status, "no step ran: the card is not frozen")

	src, err := os.ReadFile("library/keysecure-insufficient-balance.yaml")
	require.NoError(t, err)
	res, err = http.Post(f.URL()+"/_mocksrv/scenarios", "application/yaml", bytes.NewReader(src))
	require.NoError(t, err)
	var out scenarios.Loaded
	require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
	res.Body.Close()
	assert.Equal(t, http.StatusCreated, res.StatusCode)
	assert.Equal(t, "default", out.Tenant, "the server loads into the default tenant unless told")
	f.KeySecure.CheckBalance(t, out.Objects["alice"].(map[string]any)["cardholder_no"].(string), "20")
}

func TestRunAgainstATarget(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	sc, err := scenarios.FromLibrary("keysecure-webhook-retry")
	require.NoError(t, err)
	res := scenarios.RunScenario(context.Background(), sc, scenarios.Options{Target: f.URL()})
	assert.True(t, res.Passed, "%+v", res)
	ids := f.TenantIDs()
	assert.Equal(t, []string{"default"}, ids, "the run's tenant is removed afterwards")
}
