package console

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// acmeOutline is the outline of a made-up fifth provider's state dump, as
// GET …/acme/state?outline=1 would answer it.
const acmeOutline = `[
 {"key":"credentials","kind":"object","value":{"api_key":"k","api_secret":"s"}},
 {"key":"mode","kind":"string","value":"\"LIVE\""},
 {"key":"live_sessions","kind":"number","value":"3"},
 {"key":"money","kind":"object","value":{"float":"100.00","held":"0"}},
 {"key":"widgets","kind":"array","count":2,"fields":[
   {"name":"owner_id","kind":"string"},{"name":"widget_id","kind":"string"},{"name":"pan","kind":"string"},
   {"name":"color","kind":"string"},{"name":"widgetStatus","kind":"string"},{"name":"limits","kind":"object"},
   {"name":"size","kind":"number"},{"name":"weight","kind":"number"},{"name":"shiny","kind":"bool"},
   {"name":"label","kind":"string"},{"name":"note","kind":"string"},{"name":"created_at","kind":"string"},
   {"name":"updated_at","kind":"string"}]},
 {"key":"people","kind":"array","count":1,"fields":[{"name":"email","kind":"string"},{"name":"personNo","kind":"string"},{"name":"kyc_state","kind":"string"}]},
 {"key":"batches","kind":"array","count":1,"fields":[{"name":"ref","kind":"string"},{"name":"items","kind":"array"}]},
 {"key":"batches[].entries","kind":"array","count":4,"fields":[{"name":"entry_id","kind":"string"},{"name":"state","kind":"string"}]},
 {"key":"scheduled","kind":"array","count":0,"fields":[{"name":"at","kind":"string"},{"name":"kind","kind":"string"},{"name":"key","kind":"string"},{"name":"seq","kind":"number"}]}
]`

func acme(t *testing.T) []outlineEntry {
	t.Helper()
	var o []outlineEntry
	require.NoError(t, json.Unmarshal([]byte(acmeOutline), &o))
	return o
}

func TestGenericView(t *testing.T) {
	t.Parallel()
	p := genericView("acme", acme(t))
	assert.True(t, p.Generic)
	assert.Equal(t, "acme", p.Title)
	assert.Equal(t, []string{"money"}, p.Summaries, "objects are summaries; credentials stay on the tenant's page")
	assert.Equal(t, []string{"mode", "live_sessions"}, p.Counts)
	assert.Empty(t, p.Forms)
	assert.Empty(t, p.CardActions)
	assert.Empty(t, p.Cards, "no card pages without a tailored view")

	var keys []string
	for _, s := range p.Sections {
		keys = append(keys, s.Key)
		assert.False(t, s.Card, s.Key)
		assert.Equal(t, s.Key, s.Path, "a generic section reads the list it is named after")
	}
	assert.Equal(t, []string{"widgets", "people", "batches", "batches[].entries", "scheduled"}, keys)

	w, _ := p.section("widgets")
	assert.Equal(t, "Widgets", w.Title)
	assert.Equal(t, "widget_id", w.ID, "the list's own id beats another *_id that comes first")
	assert.Equal(t, "widgetStatus", w.Status)
	assert.Equal(t, []string{"widget_id", "widgetStatus", "owner_id", "color", "size", "weight", "shiny", "updated_at"}, w.Columns,
		"ID, status, scalars in order without secrets, the last change last; eight at most")
	assert.False(t, w.Ordered)

	people, _ := p.section("people")
	assert.Equal(t, "personNo", people.ID)
	assert.Equal(t, "kyc_state", people.Status)

	b, _ := p.section("batches")
	assert.Empty(t, b.ID, "no field looks like an ID")
	entries, _ := p.section("batches[].entries")
	assert.Equal(t, "Entries (of batches)", entries.Title)
	assert.Equal(t, "entry_id", entries.ID)
	assert.Equal(t, "state", entries.Status)

	s, _ := p.section("scheduled")
	assert.Equal(t, "seq", s.ID)
	assert.Empty(t, s.Status)
	assert.True(t, s.Ordered, "scheduled transitions keep their due order")
}

func TestGuesses(t *testing.T) {
	t.Parallel()
	f := func(names ...string) []fieldShape {
		var out []fieldShape
		for _, n := range names {
			out = append(out, fieldShape{n, "string"})
		}
		return out
	}
	for _, tt := range []struct {
		key        string
		fields     []fieldShape
		wantID     string
		wantStatus string
	}{
		{"cards", f("account_id", "id", "status"), "id", "status"},
		{"cards", f("cardholder_id", "card_id", "card_status"), "card_id", "card_status"},
		{"cards", f("externalUserId", "cardId", "cardStatus"), "cardId", "cardStatus"},
		{"cardholders", f("cardholder_no", "status"), "cardholder_no", "status"},
		{"card_orders", f("card_order_id", "order_status"), "card_order_id", "order_status"},
		{"addresses", f("address_id", "country"), "address_id", ""},
		{"entries", f("entryId", "state"), "entryId", "state"},
		{"users", f("externalUserId", "kycStatus"), "externalUserId", "kycStatus"},
		{"accounts[].balances", f("balance_id", "balance_status"), "balance_id", "balance_status"},
		{"ledger", f("currency", "balanced"), "", ""},
	} {
		assert.Equal(t, tt.wantID, guessID(tt.key, tt.fields), "%s %v", tt.key, tt.fields)
		assert.Equal(t, tt.wantStatus, guessStatus(tt.key, tt.fields), "%s %v", tt.key, tt.fields)
	}
	assert.Empty(t, guessStatus("x", []fieldShape{{"status", "object"}}), "only a scalar is a status")
	assert.Equal(t, "Card orders", sectionTitle("card_orders"))
	assert.Equal(t, "Qr orders", sectionTitle("qr_orders"))
	assert.Equal(t, "Fc transactions", sectionTitle("fcTransactions"))
}

func TestTailoredViewGetsTheDumpsOtherLists(t *testing.T) {
	t.Parallel()
	c := &Console{views: tailoredViews}
	before := len(tailoredViews["decard"].Sections)
	outline := []outlineEntry{
		{Key: "cards", Kind: "array", Count: 2},
		{Key: "qr_orders", Kind: "array", Count: 1, Fields: []fieldShape{{"orderNo", "string"}, {"status", "string"}}},
		{Key: "money", Kind: "object"},
	}
	v := c.viewOf("decard", outline)
	require.Len(t, v.Sections, before+1)
	qr := v.Sections[before]
	assert.Equal(t, "qr_orders", qr.Key)
	assert.Equal(t, "Qr orders", qr.Title)
	assert.Equal(t, "orderNo", qr.ID)
	assert.Len(t, tailoredViews["decard"].Sections, before, "the tailored view itself is left alone")
	assert.False(t, v.Generic)
	assert.Equal(t, "cards", v.Cards)

	t.Run("a list named like a tailored section of another list keeps both", func(t *testing.T) {
		v := c.viewOf("uqpay", []outlineEntry{{Key: "cards", Kind: "array"}}) // uqpay's tailored cards are accounts[].cards
		last := v.Sections[len(v.Sections)-1]
		assert.Equal(t, "dump:cards", last.Key)
		assert.Equal(t, "cards", last.Path)
	})
	t.Run("a provider without a tailored view gets the generic one", func(t *testing.T) {
		v := c.viewOf("acme", acme(t))
		assert.True(t, v.Generic)
		assert.Equal(t, "acme", c.titleOf("acme"))
		assert.Equal(t, "KeySecure", c.titleOf("keysecure"))
	})
}
