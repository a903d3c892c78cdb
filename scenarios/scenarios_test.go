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

	"github.com/mocksrv/mocksrv/internal/readmetest"
	"github.com/mocksrv/mocksrv/scenarios"
	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/decard"
	"github.com/mocksrv/mocksrv/sims/keysecure"
	"github.com/mocksrv/mocksrv/sims/uqpay"
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

// TestBrokenExpectationsOfUQPayAndDeCard pins the report for the two
// providers whose answers differ most from the others: UQPay's code is
// the error body's /code (no envelope), DeCard's the envelope's, under
// HTTP 200 for errors too.
func TestBrokenExpectationsOfUQPayAndDeCard(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		want      []string
	}{
		{"uqpay code", `
description: a frozen UQPay card the test thinks is missing
given:
  uqpay:
    - cards: {as: card, card_status: FROZEN}
steps:
  - name: read it
    call: {method: GET, path: "/api/v1/issuing/cards/{{card.card_id}}"}
    expect: {status: 400, code: card_not_found, json: {/card_status: ACTIVE}}
`, []string{
			`step 1 (line 7) “read it”: GET /api/v1/issuing/cards/`,
			`✗ expect.status: expected 400, got 200`,
			`✗ expect.code: expected card_not_found, got nothing`,
			`✗ expect.json /card_status: expected "ACTIVE", got "FROZEN"`,
		}},
		{"decard envelope and webhook", `
description: a DeCard freeze the test expects to fail
webhooks:
  decard: {}
given:
  decard:
    - cards: {as: card}
steps:
  - name: freeze
    call: {method: POST, path: /card/v2/block, body: {externalUserId: "{{card.externalUserId}}", cardId: "{{card.cardId}}", block: true}}
    expect: {code: CARD_FROZEN_STATUS_UNSUPPORTED, json: {/success: false}}
  - expect_webhooks: {provider: decard, events: [CARD_APPLY], signature: valid, json: {/data/cardStatus: NORMAL}}
`, []string{
			`step 1 (line 9) “freeze”: POST /card/v2/block → 200`,
			`✗ expect.code: expected CARD_FROZEN_STATUS_UNSUPPORTED, got SYS_SUCCESS`,
			`✗ expect.json /success: expected false, got true`,
			`step 2 (line 12): decard webhooks: [CARD_STATUS]`,
			`✗ expect_webhooks.events: expected [CARD_APPLY], got [CARD_STATUS]`,
			`✗ expect_webhooks.json: no delivery to match`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sc, err := scenarios.Parse("broken.yaml", []byte(tt.src))
			require.NoError(t, err)
			res := scenarios.RunScenario(context.Background(), sc, scenarios.Options{})
			require.False(t, res.Passed)
			var out strings.Builder
			scenarios.WriteText(&out, []*scenarios.Result{res})
			for _, w := range tt.want {
				assert.Contains(t, out.String(), w)
			}
		})
	}
}

// TestOptionsTheServerRefusesNameTheFile: a misspelt provider option is
// found by the server, not the schema; the error still says where.
func TestOptionsTheServerRefusesNameTheFile(t *testing.T) {
	t.Parallel()
	sc, err := scenarios.Parse("opts.yaml", []byte("description: x\noptions:\n  uqpay: {token_expiry: true}\nsteps:\n  - flush: true\n"))
	require.NoError(t, err)
	res := scenarios.RunScenario(context.Background(), sc, scenarios.Options{})
	assert.False(t, res.Passed)
	assert.Contains(t, res.Error, `opts.yaml:3: options: `)
	assert.Contains(t, res.Error, `unknown field "token_expiry"`)
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
		{"options of no provider", "description: x\noptions:\n  visa: {a: 1}\nsteps:\n  - flush: true\n", "bad.yaml:3: options.visa"},
		{"options not an object", "description: x\noptions:\n  uqpay: 7\nsteps:\n  - flush: true\n", "bad.yaml:3: options.uqpay: expected object"},
		{"given item of two kinds", "description: x\ngiven:\n  decard:\n    - users: {}\n      cards: {}\nsteps:\n  - flush: true\n", "bad.yaml:4: given.decard[0]"},
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
	for _, name := range []string{"keysecure-webhook-retry", "uqpay-token-expiry", "uqpay-cancellation", "decard-freeze-unfreeze", "decard-statement-closing"} {
		sc, err := scenarios.FromLibrary(name)
		require.NoError(t, err)
		res := scenarios.RunScenario(context.Background(), sc, scenarios.Options{Target: f.URL()})
		assert.True(t, res.Passed, "%s: %+v", name, res)
	}
	ids := f.TenantIDs()
	assert.Equal(t, []string{"default"}, ids, "the runs' tenants are removed afterwards")
}

// TestWebhooksAgainstAServingTarget runs the webhook scenarios against a
// Fleet that also delivers from its background loop, as mocksrv serve
// does: the runner's flush must not return while that loop is still
// making an attempt.
func TestWebhooksAgainstAServingTarget(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go f.Run(ctx)
	for range 3 {
		for _, name := range []string{"uqpay-webhook-retry", "decard-webhook-retry", "keysecure-webhook-retry", "bkj-webhook-retry"} {
			sc, err := scenarios.FromLibrary(name)
			require.NoError(t, err)
			res := scenarios.RunScenario(context.Background(), sc, scenarios.Options{Target: f.URL()})
			if !assert.True(t, res.Passed, "%s", name) {
				var out strings.Builder
				scenarios.WriteText(&out, []*scenarios.Result{res})
				t.Log(out.String())
			}
		}
	}
}

// TestLoadAppliesOnlyGivenForUQPayAndDeCard: scenario load creates the
// given objects in their given states and runs no step.
func TestLoadAppliesOnlyGivenForUQPayAndDeCard(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t, sims.WithScenarioLoader(scenarios.Loader))
	sc, err := scenarios.FromLibrary("uqpay-cancellation")
	require.NoError(t, err)
	loaded, err := scenarios.Load(context.Background(), sc, f.URL(), "qa-uqpay", nil, "")
	require.NoError(t, err)
	assert.NotEmpty(t, loaded.Credentials["uqpay"]["client_id"])
	var uq uqpay.StateDump
	getJSON(t, f.URL()+"/_mocksrv/tenants/qa-uqpay/uqpay/state", &uq)
	require.Len(t, uq.Accounts[0].Cards, 1)
	card := uq.Accounts[0].Cards[0]
	assert.Equal(t, loaded.Objects["card"].(map[string]any)["card_id"], card.ID)
	assert.Equal(t, uqpay.StatusActive, card.Status, "no step ran: the card is not cancelled")
	assert.Equal(t, "75", card.Balance.String())
	assert.Empty(t, uq.Accounts[0].Transactions, "no step ran: nothing was spent")

	src, err := os.ReadFile("library/decard-freeze-unfreeze.yaml")
	require.NoError(t, err)
	res, err := http.Post(f.URL()+"/_mocksrv/scenarios?tenant=qa-decard", "application/yaml", bytes.NewReader(src))
	require.NoError(t, err)
	var out scenarios.Loaded
	require.NoError(t, json.NewDecoder(res.Body).Decode(&out))
	res.Body.Close()
	require.Equal(t, http.StatusCreated, res.StatusCode)
	var dc decard.StateDump
	getJSON(t, f.URL()+"/_mocksrv/tenants/"+out.Tenant+"/decard/state", &dc)
	require.Len(t, dc.Cards, 1)
	assert.Equal(t, decard.CardNormal, dc.Cards[0].Status, "no step ran: the card is not frozen")
	assert.Equal(t, out.Objects["alice"].(map[string]any)["externalUserId"], dc.Cards[0].UserID)
}

// TestREADMEExampleRuns keeps the README's complete example file working.
func TestREADMEExampleRuns(t *testing.T) {
	t.Parallel()
	section := readmetest.Section(t, "## Scenarios for QA")
	_, example, ok := strings.Cut(section, "```yaml\n")
	require.True(t, ok, "the section has a YAML example")
	example, _, _ = strings.Cut(example, "```")
	sc, err := scenarios.Parse("README.md", []byte(example))
	require.NoError(t, err)
	res := scenarios.RunScenario(context.Background(), sc, scenarios.Options{})
	if !res.Passed {
		var out strings.Builder
		scenarios.WriteText(&out, []*scenarios.Result{res})
		t.Fatal(out.String())
	}
}

func getJSON(t *testing.T, url string, out any) {
	t.Helper()
	res, err := http.Get(url)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.NoError(t, json.NewDecoder(res.Body).Decode(out))
}

// TestUnknownPathNamesNoProvider: a call under no provider's prefix is an
// error that says so, not a guess at one provider.
func TestUnknownPathNamesNoProvider(t *testing.T) {
	t.Parallel()
	sc, err := scenarios.Parse("nowhere.yaml", []byte("description: x\nsteps:\n  - call: {method: GET, path: /nowhere/v1/cards}\n"))
	require.NoError(t, err)
	res := scenarios.RunScenario(context.Background(), sc, scenarios.Options{})
	assert.False(t, res.Passed)
	var out strings.Builder
	scenarios.WriteText(&out, []*scenarios.Result{res})
	assert.Contains(t, out.String(), "no provider serves /nowhere/v1/cards")
}
