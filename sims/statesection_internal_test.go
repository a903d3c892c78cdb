package sims

import (
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Synthetic dumps with everything encoding/json does that a walker could
// get wrong: tags, "-", omitempty, omitzero, self-encoding values,
// pointers, interfaces, maps, embedded structs, raw JSON.

type wStatus string

type wBase struct {
	Created time.Time `json:"created_at"`
}

type wEmbedded struct {
	wBase
	ID     string  `json:"id"`
	Status wStatus `json:"status"`
}

type wCard struct {
	ID      string            `json:"card_id"`
	Status  wStatus           `json:"card_status"`
	Amount  core.Decimal      `json:"amount"`
	At      time.Time         `json:"at"`
	Outcome string            `json:"outcome,omitempty"`
	Zero    time.Time         `json:"zero,omitzero"`
	Hidden  string            `json:"-"`
	Dash    string            `json:"-,"`
	Plain   int               // no tag: its Go name
	Ptr     *int              `json:"ptr"`
	Any     any               `json:"any"`
	Tags    []string          `json:"tags"`
	Meta    map[string]string `json:"meta,omitempty"`
	secret  string            // unexported: never encoded
}

type wAccount struct {
	ID    string  `json:"account_id"`
	Cards []wCard `json:"cards"`
	Notes []any   `json:"notes"`
}

type wDump struct {
	Credentials map[string]string `json:"credentials"`
	Accounts    []wAccount        `json:"accounts"`
	Cards       []wCard           `json:"cards"`
	Embedded    []wEmbedded       `json:"embedded"`
	Pointers    []*wCard          `json:"pointers"`
	Maps        []map[string]any  `json:"maps"`
	Raw         json.RawMessage   `json:"raw"`
	Empty       []wCard           `json:"empty"`
	Nil         []wCard           `json:"nil"`
	Count       int               `json:"count"`
	Money       struct {
		Total core.Decimal `json:"total"`
	} `json:"money"`
}

func syntheticDump() wDump {
	seven := 7
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	card := func(id string, st wStatus, outcome string) wCard {
		return wCard{ID: id, Status: st, Amount: core.MustDecimal("12.50"), At: at, Outcome: outcome, Hidden: "no", Dash: "dash",
			Plain: 3, Ptr: &seven, Any: map[string]any{"k": []any{1, "two"}}, Tags: []string{"a"}, secret: "s"}
	}
	return wDump{
		Credentials: map[string]string{"b": "2", "a": "1"},
		Accounts: []wAccount{
			{ID: "acc-1", Cards: []wCard{card("c1", "ACTIVE", ""), card("c2", "FROZEN", "card.fail")}, Notes: []any{"x"}},
			{ID: "acc-2", Cards: []wCard{card("c3", "ACTIVE", "")}},
		},
		Cards:    []wCard{card("k1", "ACTIVE", ""), card("k2", "FROZEN", ""), card("k3", "ACTIVE", "kyc.reject"), card("k4", "PENDING", "")},
		Embedded: []wEmbedded{{wBase{at}, "e1", "ok"}, {wBase{at}, "e2", "bad"}},
		Pointers: []*wCard{nil, func() *wCard { c := card("p1", "ACTIVE", ""); return &c }()},
		Maps:     []map[string]any{{"id": "m1", "state": "x", "n": 1.5}, {"id": "m2", "state": "y", "nested": []any{map[string]any{"z": 1}}}},
		Raw:      json.RawMessage(`[{"id":"r1","status":"A"},{"id":"r2","status":"B"}]`),
		Empty:    []wCard{},
		Count:    4,
	}
}

func section(t *testing.T, dump any, query string) *stateSection {
	t.Helper()
	q, err := url.ParseQuery(query)
	require.NoError(t, err)
	req, err := parseStateRequest(q)
	require.NoError(t, err)
	out, err := readSection(dump, req)
	require.NoError(t, err)
	s, ok := out.(*stateSection)
	require.True(t, ok, "%T", out)
	return s
}

// TestWalkAgreesWithEncoding reads every list of the synthetic dump in
// full and compares each record with what encoding/json writes for it.
func TestWalkAgreesWithEncoding(t *testing.T) {
	t.Parallel()
	d := syntheticDump()
	whole, err := json.Marshal(d)
	require.NoError(t, err)
	var top map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(whole, &top))

	outline := section(t, d, "outline=1&section=cards&limit=0").Outline
	var keys []string
	for _, e := range outline {
		keys = append(keys, e.Key)
	}
	assert.Equal(t, []string{"credentials", "accounts", "accounts[].cards", "cards", "embedded", "pointers",
		"maps", "maps[].nested", "raw", "empty", "nil", "count", "money"}, keys)
	for _, e := range outline {
		t.Run(e.Key, func(t *testing.T) {
			want := expectedList(t, top, e.Key)
			if e.Kind != "array" {
				assert.JSONEq(t, string(top[e.Key]), string(e.Value))
				return
			}
			assert.Equal(t, len(want), e.Count)
			got := section(t, d, "section="+url.QueryEscape(e.Key)+"&limit=1000")
			require.Len(t, got.Records, len(want))
			for i := range want {
				assert.JSONEq(t, string(want[i]), string(got.Records[i]), "record %d", i)
			}
		})
	}
}

// expectedList decodes a list (or nested list) from the whole dump's JSON.
func expectedList(t *testing.T, top map[string]json.RawMessage, key string) []json.RawMessage {
	t.Helper()
	outer, inner, nested := cutNested(key)
	var list []json.RawMessage
	_ = json.Unmarshal(top[outer], &list)
	if !nested {
		return list
	}
	var out []json.RawMessage
	for _, el := range list {
		var m map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(el, &m))
		var in []json.RawMessage
		_ = json.Unmarshal(m[inner], &in)
		out = append(out, in...)
	}
	return out
}

func cutNested(key string) (string, string, bool) {
	for i := 0; i+3 <= len(key); i++ {
		if key[i:i+3] == "[]." {
			return key[:i], key[i+3:], true
		}
	}
	return key, "", false
}

func TestSectionOutlineShapes(t *testing.T) {
	t.Parallel()
	s := section(t, syntheticDump(), "section=empty")
	var empty, cards outlineEntry
	for _, e := range s.Outline {
		switch e.Key {
		case "empty":
			empty = e
		case "accounts[].cards":
			cards = e
		}
	}
	assert.Equal(t, 0, empty.Count)
	assert.Contains(t, empty.Fields, fieldShape{"card_id", "string"}, "an empty list of structs still shows its fields")
	assert.Contains(t, empty.Fields, fieldShape{"outcome", "string"}, "omitempty fields are listed")
	assert.NotContains(t, empty.Fields, fieldShape{"Hidden", "string"})
	assert.Contains(t, cards.Fields, fieldShape{"tags", "array"})
	assert.Contains(t, cards.Fields, fieldShape{"amount", "string"}, "a Decimal encodes as a string")
	assert.Equal(t, 3, cards.Count)
}

func TestSectionFilters(t *testing.T) {
	t.Parallel()
	d := syntheticDump()
	ids := func(s *stateSection) []string {
		var out []string
		for _, r := range s.Records {
			var m map[string]any
			require.NoError(t, json.Unmarshal(r, &m))
			out = append(out, str(m["card_id"])+str(m["id"]))
		}
		return out
	}

	t.Run("paging and order", func(t *testing.T) {
		s := section(t, d, "section=cards&offset=1&limit=2")
		assert.Equal(t, []string{"k2", "k3"}, ids(s))
		assert.Equal(t, 4, s.Total)
		assert.Equal(t, 4, s.Matched)
		s = section(t, d, "section=cards&order=newest&limit=3")
		assert.Equal(t, []string{"k4", "k3", "k2"}, ids(s))
		s = section(t, d, "section=cards&offset=10")
		assert.Empty(t, s.Records)
		assert.Equal(t, 4, s.Matched)
	})
	t.Run("status counts and filter, the first candidate field the records carry", func(t *testing.T) {
		s := section(t, d, "section=cards&status_field=state,card_status,status&status=ACTIVE")
		assert.Equal(t, "card_status", s.StatusField)
		assert.Equal(t, []statusCount{{"ACTIVE", 2}, {"FROZEN", 1}, {"PENDING", 1}}, s.Statuses)
		assert.Equal(t, []string{"k1", "k3"}, ids(s))
		assert.Equal(t, 2, s.Matched)
	})
	t.Run("status of records read through their encoding", func(t *testing.T) {
		s := section(t, d, "section=embedded&status_field=status&status=bad")
		assert.Equal(t, []string{"e2"}, ids(s))
		s = section(t, d, "section=raw&status_field=status")
		assert.Equal(t, []statusCount{{"A", 1}, {"B", 1}}, s.Statuses)
	})
	t.Run("text is case-insensitive over the record's values, nested ones too", func(t *testing.T) {
		s := section(t, d, "section=cards&q=KYC.REJECT")
		assert.Equal(t, []string{"k3"}, ids(s))
		s = section(t, d, "section=accounts[].cards&q=card.fail")
		assert.Equal(t, []string{"c2"}, ids(s))
		assert.Len(t, section(t, d, "section=cards&q=TWO").Records, 4, "in a list in a map in an interface")
		assert.Len(t, section(t, d, "section=cards&q=12.5").Records, 4, "a Decimal as it encodes")
		assert.Len(t, section(t, d, "section=cards&q=2026-01-02T03").Records, 4, "a time as it encodes")
		assert.Empty(t, section(t, d, "section=cards&q=card_status").Records, "keys are not values")
		assert.Empty(t, section(t, d, "section=cards&q=secret").Records, "nor are unexported fields")
		assert.Equal(t, []string{"r2"}, ids(section(t, d, "section=raw&q=b")), "raw JSON: values only, too")
		assert.Equal(t, []string{"m2"}, ids(section(t, d, "section=maps&q=y")))
	})
	t.Run("text outside ASCII", func(t *testing.T) {
		assert.True(t, containsFold("Zoë Ärger", []byte("ärger")))
		assert.False(t, containsFold("Zoe", []byte("zoë")))
		assert.True(t, containsFold("ABC", []byte("")))
	})
	t.Run("where is exact, on any scalar", func(t *testing.T) {
		assert.Equal(t, []string{"k2"}, ids(section(t, d, "section=cards&where=card_id%3Dk2")))
		assert.Empty(t, section(t, d, "section=cards&where=card_id%3Dk").Records)
		assert.Len(t, section(t, d, "section=cards&where=Plain%3D3&where=ptr%3D7").Records, 4)
		assert.Len(t, section(t, d, "section=cards&where=outcome%3D").Records, 3, "an omitted field reads as empty")
		assert.Equal(t, []string{"m1"}, ids(section(t, d, "section=maps&where=n%3D1.5")))
		assert.Equal(t, []string{"p1"}, ids(section(t, d, "section=pointers&where=card_id%3Dp1")))
	})
	t.Run("fields projects the records", func(t *testing.T) {
		s := section(t, d, "section=cards&fields=card_id,outcome,nope&limit=3")
		require.Len(t, s.Records, 3)
		assert.JSONEq(t, `{"card_id":"k1"}`, string(s.Records[0]))
		assert.JSONEq(t, `{"card_id":"k3","outcome":"kyc.reject"}`, string(s.Records[2]))
	})
}

func TestSectionRefusals(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, query, want string
	}{
		{"an unknown parameter", "section=cards&sectoin=x", `unknown filter parameter "sectoin"`},
		{"a bad offset", "section=cards&offset=-1", "offset"},
		{"a huge limit", "section=cards&limit=100001", "limit"},
		{"status without its field", "section=cards&status=ACTIVE", "status needs status_field"},
		{"a where without =", "section=cards&where=card_id", "want field=value"},
		{"an unknown order", "section=cards&order=up", "want oldest or newest"},
		{"paging without a section", "outline=1&limit=5", "limit needs a section"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			q, err := url.ParseQuery(tt.query)
			require.NoError(t, err)
			_, err = parseStateRequest(q)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	t.Run("a section that is not a list names the lists", func(t *testing.T) {
		t.Parallel()
		q, _ := url.ParseQuery("section=count")
		req, err := parseStateRequest(q)
		require.NoError(t, err)
		_, err = readSection(syntheticDump(), req)
		require.Error(t, err)
		assert.Contains(t, err.Error(), `no list "count"`)
		assert.Contains(t, err.Error(), "accounts[].cards")
	})
	t.Run("the whole dump takes compact only", func(t *testing.T) {
		t.Parallel()
		assert.NoError(t, wholeDumpParams(url.Values{"compact": {"1"}}))
		assert.ErrorContains(t, wholeDumpParams(url.Values{"limit": {"1"}}), "limit needs a section")
	})
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
