package console_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/internal/console"
	"github.com/mocksrv/mocksrv/scenarios"
	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/keysecure"
)

// TestProviderWithoutTailoredView serves KeySecure through a console that
// has no tailored view of it: the console shows it from its state dump
// alone, as it would a fifth provider.
func TestProviderWithoutTailoredView(t *testing.T) {
	t.Parallel()
	f := fleet(t)
	for i := 0; i < 3; i++ {
		body := "{}"
		if i == 0 {
			body = `{"status":"Frozen"}`
		}
		_, err := ksp(f).Create("default", "cards", []byte(body))
		require.NoError(t, err)
	}
	srv := httptest.NewServer(console.NewWithout(f.Handler(), console.Options{}, "keysecure"))
	t.Cleanup(srv.Close)
	b := newBrowser(t, srv.URL)

	resp, page := b.get(ui + "/tenants/default/keysecure")
	require.Equal(t, http.StatusOK, resp.StatusCode, page)
	assert.Contains(t, page, `id="generic-note"`)
	for _, s := range []string{">Cardholders <", ">Cards <", ">Consumptions <", ">Transfers <", ">Scheduled <"} {
		assert.Contains(t, page, s, "every list of the dump is a section")
	}
	assert.Contains(t, page, "<h2>Money</h2>", "the dump's objects are summaries")
	assert.Contains(t, page, "<dt>live_tokens</dt><dd>0</dd>", "and its scalars counts")
	assert.Contains(t, page, "<dt>mode</dt><dd>BOTH</dd>", "a string unquoted")
	assert.NotContains(t, page, `id="act-h"`, "no forms without a tailored view")

	_, cards := b.get(ui + "/tenants/default/keysecure?section=cards")
	assert.Contains(t, cards, "Cards 1–3 of 3, newest first")
	assert.Contains(t, cards, `<th scope="col">card_no</th>`, "the ID column is guessed")
	assert.Contains(t, cards, "Frozen 1")
	assert.Contains(t, cards, "Activated 2", "the status column is guessed and counted")
	assert.Contains(t, cards, "<summary>JSON</summary>", "every record's JSON is a click away")
	assert.NotContains(t, cards, `class="row-action"`, "no card actions")
	assert.NotContains(t, cards, `<th scope="col">pan</th>`, "secrets are no column")

	_, frozen := b.get(ui + "/tenants/default/keysecure?section=cards&status=Frozen")
	assert.Contains(t, frozen, "Cards 1–1 of 1 (filtered from 3)")

	no := f.KeySecure.Cards()[1].ID
	resp, _ = b.get(ui + "/tenants/default/keysecure/cards/" + no)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "card pages need a tailored view")

	resp, tenant := b.get(ui + "/tenants/default")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, tenant, "mocksrv-keysecure-key-default", "credentials show without a snippet")
	assert.NotContains(t, tenant, `id="snippet-keysecure"`)
	assert.Contains(t, tenant, `id="snippet-uqpay"`)
}

// TestProvidersFromTheServer: the console shows the providers the server
// serves, and no other.
func TestProvidersFromTheServer(t *testing.T) {
	t.Parallel()
	f := fleet(t, sims.WithProviders("uqpay", "decard"))
	b := newBrowser(t, f.URL())
	_, page := b.get(ui + "/tenants/default")
	assert.Contains(t, page, `href="/_mocksrv/ui/tenants/default/uqpay"`)
	assert.Contains(t, page, `href="/_mocksrv/ui/tenants/default/decard"`)
	assert.NotContains(t, page, `href="/_mocksrv/ui/tenants/default/keysecure"`)
	resp, body := b.get(ui + "/tenants/default/keysecure")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Contains(t, body, `serves no provider &#34;keysecure&#34; (it serves uqpay, decard)`)
	_, faults := b.get(ui + "/faults")
	assert.NotContains(t, faults, "<option>keysecure</option>")
	assert.Contains(t, faults, "<option>uqpay</option>")
}

// TestTailoredViewShowsTheDumpsOtherLists: a list a tailored view does
// not name is a section too.
func TestTailoredViewShowsTheDumpsOtherLists(t *testing.T) {
	t.Parallel()
	f := fleet(t)
	b := newBrowser(t, f.URL())
	_, page := b.get(ui + "/tenants/default/decard")
	assert.Contains(t, page, ">Qr orders <", "DeCard's tailored view does not name qr_orders")
	resp, qr := b.get(ui + "/tenants/default/decard?section=qr_orders")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, qr, "No Qr orders")
}

// TestCardTimelineFromState: the card page shows the card's steered
// outcome and its scheduled transitions, in the timeline too.
func TestCardTimelineFromState(t *testing.T) {
	t.Parallel()
	f := fleet(t)
	c, err := ksp(f).Create("default", "cards", []byte(`{"status":"Pending","outcome":"card.fail"}`))
	require.NoError(t, err)
	no := c.(keysecure.Card).ID
	b := newBrowser(t, f.URL())
	resp, page := b.get(ui + "/tenants/default/keysecure/cards/" + no)
	require.Equal(t, http.StatusOK, resp.StatusCode, page)
	assert.Contains(t, page, `<code id="card-outcome">card.fail</code>`)
	i := strings.Index(page, `id="tl-h"`)
	require.Positive(t, i)
	timeline := page[i:]
	assert.Contains(t, timeline, "outcome steered")
	assert.Contains(t, timeline, `class="future"`, "scheduled transitions are in the timeline")
	assert.Contains(t, timeline, "card.issue")
	assert.Contains(t, timeline, "card.expire")
	assert.Contains(t, timeline, "preview=1")
}

// TestScenarioRunFromConsole runs a library scenario and an uploaded one
// from the Scenarios page.
func TestScenarioRunFromConsole(t *testing.T) {
	t.Parallel()
	f := fleet(t, sims.WithScenarioRunner(scenarios.Runner), sims.WithScenarioLoader(scenarios.Loader))
	b := newBrowser(t, f.URL())
	_, page := b.get(ui + "/scenarios")
	assert.Contains(t, page, `<option value="keysecure-freeze-unfreeze">`)
	assert.Contains(t, page, `id="library"`)

	resp, ran := b.post(ui+"/scenarios/run", url.Values{"csrf": {b.csrf(ui + "/scenarios")}, "name": {"keysecure-freeze-unfreeze"}, "tenant": {"run-ui"}})
	require.Equal(t, http.StatusOK, resp.StatusCode, ran)
	assert.Contains(t, ran, `id="run-verdict">passed`)
	assert.Contains(t, ran, "7 of 7 steps passed")
	assert.Equal(t, 7, strings.Count(ran, "✓ pass"))
	assert.Contains(t, ran, `href="/_mocksrv/ui/tenants/run-ui"`)

	src := "description: fails on purpose\ngiven:\n  keysecure:\n    - cards: {as: card, status: Frozen}\nsteps:\n  - name: freeze again\n    call:\n      method: POST\n      path: /open-api/v1/card/status/update\n      body: {card_no: \"{{card.card_no}}\", status: Frozen}\n    expect: {code: 0}\n"
	resp, failed := b.post(ui+"/scenarios/run", url.Values{"csrf": {b.csrf(ui + "/scenarios")}, "source": {src}})
	require.Equal(t, http.StatusOK, resp.StatusCode, failed)
	assert.Contains(t, failed, `id="run-verdict">failed`)
	assert.Contains(t, failed, "0 of 1 step passed")
	assert.Contains(t, failed, "expect.code: expected 0, got 4002")

	t.Run("a tenant that exists is refused with the admin API's reason", func(t *testing.T) {
		page := b.act(ui+"/scenarios", ui+"/scenarios/run", url.Values{"name": {"keysecure-freeze-unfreeze"}, "tenant": {"default"}})
		assert.Contains(t, page, `class="flash error"`)
		assert.Contains(t, page, "tenant &#34;default&#34; exists")
	})
}

func TestScenariosPageWithoutRunner(t *testing.T) {
	t.Parallel()
	f := fleet(t)
	b := newBrowser(t, f.URL())
	resp, page := b.get(ui + "/scenarios")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, page, `id="no-runner"`)
	assert.Contains(t, page, "without the scenario runner")
	assert.NotContains(t, page, `id="run-file-form"`)
	assert.Contains(t, page, `id="s-source"`, "applying a given section still works")
}

// TestCardPageEveryProvider opens a card of each provider, nested lists
// (UQPay's accounts[].cards) included.
func TestCardPageEveryProvider(t *testing.T) {
	t.Parallel()
	f := fleet(t)
	b := newBrowser(t, f.URL())
	idField := map[string]string{"bkj": "id", "keysecure": "card_no", "uqpay": "card_id", "decard": "cardId"}
	for _, name := range sims.AllProviders {
		p, ok := f.Provider(name)
		require.True(t, ok)
		c, err := p.Create("default", "cards", nil)
		require.NoError(t, err, name)
		var card map[string]any
		require.NoError(t, json.Unmarshal(mustJSON(t, c), &card))
		id, _ := card[idField[name]].(string)
		require.NotEmpty(t, id, "%s: %v", name, card)
		resp, page := b.get(ui + "/tenants/default/" + name + "/cards/" + url.PathEscape(id))
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s: %s", name, page)
		assert.Contains(t, page, `id="card-status"`, name)
		assert.Contains(t, page, id, name)
		assert.Contains(t, page, "Holder: <a", name)
		resp, _ = b.get(ui + "/tenants/default/" + name + "/cards/nope")
		assert.Equal(t, http.StatusNotFound, resp.StatusCode, name)
	}
}

// TestCardTimelineFromHistory: the timeline lists every status change the
// card's history keeps, with its cause, in business-time order.
func TestCardTimelineFromHistory(t *testing.T) {
	t.Parallel()
	f := fleet(t)
	c, err := ksp(f).Create("default", "cards", []byte(`{"status":"Activated"}`))
	require.NoError(t, err)
	no := c.(keysecure.Card).ID
	_, err = ksp(f).CardAction("default", no, "freeze")
	require.NoError(t, err)
	b := newBrowser(t, f.URL())
	resp, page := b.get(ui + "/tenants/default/keysecure/cards/" + no)
	require.Equal(t, http.StatusOK, resp.StatusCode, page)
	i := strings.Index(page, `id="tl-h"`)
	require.Positive(t, i)
	timeline := page[i:]
	created, frozen := strings.Index(timeline, "status Activated<"), strings.Index(timeline, "status Activated → Frozen")
	require.Positive(t, created, "the creation is in the timeline")
	require.Positive(t, frozen, "the freeze is in the timeline, from and to")
	assert.Less(t, created, frozen, "oldest first")
	assert.NotContains(t, timeline, "last change", "a card with a history shows its changes, not only the last")
}

// TestDeclineSelectsMatchProviders keeps every form's decline select equal
// to the provider's documented list (GET /_mocksrv/providers/{p}/declines).
func TestDeclineSelectsMatchProviders(t *testing.T) {
	t.Parallel()
	f := fleet(t)
	checked := 0
	for name, v := range console.TailoredViews {
		for _, fm := range v.Forms {
			for _, fd := range fm.Fields {
				if fd.Name != "decline" || fd.Type != "select" {
					continue
				}
				p, ok := f.Provider(name)
				require.True(t, ok, name)
				want := []string{""}
				for _, d := range p.Declines() {
					want = append(want, d.Code)
				}
				assert.Equal(t, want, fd.Options, "%s's %s form", name, fm.Kind)
				checked++
			}
		}
	}
	assert.Positive(t, checked, "at least one form offers a decline reason")
}
