package sims_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims"
)

type stateSection struct {
	Section     string `json:"section"`
	Total       int    `json:"total"`
	Matched     int    `json:"matched"`
	StatusField string `json:"status_field"`
	Statuses    []struct {
		Status string `json:"status"`
		Count  int    `json:"count"`
	} `json:"statuses"`
	Records []json.RawMessage `json:"records"`
	Outline []struct {
		Key   string          `json:"key"`
		Kind  string          `json:"kind"`
		Count int             `json:"count"`
		Value json.RawMessage `json:"value"`
	} `json:"outline"`
}

// TestStateSectionsAgreeWithDump reads every list of every provider's
// dump, section by section, and compares it with the same list of the
// whole dump: the sectioned read is the dump, a page at a time.
func TestStateSectionsAgreeWithDump(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	for _, name := range sims.AllProviders {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p, ok := f.Provider(name)
			require.True(t, ok)
			for i := 0; i < 3; i++ {
				_, err := p.Create("default", "cards", nil)
				require.NoError(t, err)
			}
			base := "/_mocksrv/tenants/default/" + name + "/state"
			var whole map[string]json.RawMessage
			admin(t, f, http.MethodGet, base, "", http.StatusOK, &whole)
			var outline stateSection
			admin(t, f, http.MethodGet, base+"?outline=1", "", http.StatusOK, &outline)
			seen := map[string]bool{}
			for _, e := range outline.Outline {
				seen[e.Key] = true
				want := listOf(t, whole, e.Key)
				if e.Kind != "array" {
					assert.JSONEq(t, string(whole[e.Key]), string(e.Value), e.Key)
					continue
				}
				assert.Equal(t, len(want), e.Count, e.Key)
				var s stateSection
				admin(t, f, http.MethodGet, base+"?compact=1&limit=100000&section="+url.QueryEscape(e.Key), "", http.StatusOK, &s)
				require.Len(t, s.Records, len(want), e.Key)
				for i := range want {
					assert.JSONEq(t, string(want[i]), string(s.Records[i]), "%s record %d", e.Key, i)
				}
			}
			for k := range whole {
				assert.True(t, seen[k], "the outline lists %s", k)
			}
			assert.True(t, seen["cards"] || seen["accounts[].cards"], "a provider's cards are a list of the outline (top-level or nested)")
		})
	}
}

func listOf(t *testing.T, whole map[string]json.RawMessage, key string) []json.RawMessage {
	t.Helper()
	outer, inner, nested := strings.Cut(key, "[].")
	var list []json.RawMessage
	_ = json.Unmarshal(whole[outer], &list)
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

func TestStateSectionPaging(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	ks, _ := f.Provider("keysecure")
	var ids []string
	for i := 0; i < 30; i++ {
		body := "{}"
		if i%3 == 0 {
			body = `{"status":"Frozen"}`
		}
		c, err := ks.Create("default", "cards", []byte(body))
		require.NoError(t, err)
		b, _ := json.Marshal(c)
		var card struct {
			No string `json:"card_no"`
		}
		require.NoError(t, json.Unmarshal(b, &card))
		ids = append(ids, card.No)
	}
	base := "/_mocksrv/tenants/default/keysecure/state?section=cards&status_field=status"

	var s stateSection
	admin(t, f, http.MethodGet, base+"&status=Frozen&order=newest&limit=4&offset=2", "", http.StatusOK, &s)
	assert.Equal(t, 30, s.Total)
	assert.Equal(t, 10, s.Matched)
	assert.Equal(t, "status", s.StatusField)
	require.Len(t, s.Records, 4)
	assert.Contains(t, string(s.Records[0]), ids[21], "newest first: the third newest frozen card")
	counts := map[string]int{}
	for _, c := range s.Statuses {
		counts[c.Status] = c.Count
	}
	assert.Equal(t, map[string]int{"Frozen": 10, "Activated": 20}, counts)

	admin(t, f, http.MethodGet, base+"&q="+strings.ToLower(ids[7]), "", http.StatusOK, &s)
	require.Len(t, s.Records, 1)
	assert.Contains(t, string(s.Records[0]), ids[7])

	admin(t, f, http.MethodGet, base+"&where="+url.QueryEscape("card_no="+ids[5])+"&fields=card_no,status", "", http.StatusOK, &s)
	require.Len(t, s.Records, 1)
	assert.JSONEq(t, fmt.Sprintf(`{"card_no":%q,"status":"Activated"}`, ids[5]), string(s.Records[0]))

	var e struct{ Error, Message string }
	admin(t, f, http.MethodGet, "/_mocksrv/tenants/default/keysecure/state?section=nope", "", http.StatusNotFound, &e)
	assert.Contains(t, e.Message, `no list "nope"`)
	admin(t, f, http.MethodGet, "/_mocksrv/tenants/default/keysecure/state?limit=5", "", http.StatusBadRequest, &e)
	assert.Contains(t, e.Message, "limit needs a section")
	admin(t, f, http.MethodGet, "/_mocksrv/tenants/default/keysecure/state?section=cards&page=2", "", http.StatusBadRequest, &e)
	assert.Contains(t, e.Message, `unknown filter parameter "page"`)
}
