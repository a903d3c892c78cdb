package console

// What the console knows of any provider: the providers the server serves
// (GET /_mocksrv/health), and each one's state dump as its outline (GET
// …/{provider}/state?outline=1) and sections read a page at a time (…
// ?section=…). A provider without a tailored view (providers.go) gets a
// generic one built from its outline: every list of the dump is a
// section, its ID and status columns guessed from common field names,
// every record's JSON a click away; card pages and card actions need a
// tailored view, which says which section holds cards. A tailored view
// also gets, after its own sections, every list of the dump it does not
// name, so a list a provider adds to its dump shows without a console
// change.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode"
)

// outlineEntry is one part of a state dump (GET …/state?outline=1).
type outlineEntry struct {
	Key    string          `json:"key"`
	Kind   string          `json:"kind"`
	Count  int             `json:"count"`
	Fields []fieldShape    `json:"fields"`
	Value  json.RawMessage `json:"value"`
}

type fieldShape struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// sectionPage is one page of a section of a state dump (GET
// …/state?section=…).
type sectionPage struct {
	Section     string            `json:"section"`
	Total       int               `json:"total"`
	Matched     int               `json:"matched"`
	StatusField string            `json:"status_field"`
	Statuses    []statusTally     `json:"statuses"`
	Records     []json.RawMessage `json:"records"`
	Outline     []outlineEntry    `json:"outline"`
}

type statusTally struct {
	Status string `json:"status"`
	Count  int    `json:"count"`
}

// readSection reads a page of a section of a provider's state dump.
func (c *Console) readSection(r *http.Request, tenant, provider string, q url.Values) (*sectionPage, error) {
	q.Set("compact", "1")
	var out sectionPage
	path := "/tenants/" + url.PathEscape(tenant) + "/" + url.PathEscape(provider) + "/state?" + q.Encode()
	if err := c.adminCall(r, http.MethodGet, path, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// readOutline reads the outline of a provider's state dump.
func (c *Console) readOutline(r *http.Request, tenant, provider string) ([]outlineEntry, error) {
	var out struct {
		Outline []outlineEntry `json:"outline"`
	}
	path := "/tenants/" + url.PathEscape(tenant) + "/" + url.PathEscape(provider) + "/state?outline=1&compact=1"
	if err := c.adminCall(r, http.MethodGet, path, nil, &out); err != nil {
		return nil, err
	}
	return out.Outline, nil
}

// served returns the providers the server serves, in its order.
func (c *Console) served(r *http.Request) ([]string, error) {
	var h health
	if err := c.adminCall(r, http.MethodGet, "/health", nil, &h); err != nil {
		return nil, err
	}
	return h.Providers, nil
}

// servedProvider checks that the request's provider is served and returns
// its name and the served list.
func (c *Console) servedProvider(r *http.Request) (string, []string, error) {
	name := r.PathValue("provider")
	served, err := c.served(r)
	if err != nil {
		return "", nil, err
	}
	if !slices.Contains(served, name) {
		return "", nil, &adminError{Status: http.StatusNotFound, Kind: "not_found",
			Message: fmt.Sprintf("this mocksrv serves no provider %q (it serves %s)", name, strings.Join(served, ", "))}
	}
	return name, served, nil
}

// titleOf is a provider's name as the console shows it.
func (c *Console) titleOf(name string) string {
	if p, ok := c.views[name]; ok {
		return p.Title
	}
	return name
}

// viewOf is the console's view of a provider whose dump has outline: its
// tailored view with the dump's other lists added, or a generic view.
func (c *Console) viewOf(name string, outline []outlineEntry) *providerView {
	base, ok := c.views[name]
	if !ok {
		return genericView(name, outline)
	}
	v := *base
	v.Sections = slices.Clone(base.Sections)
	for _, e := range outline {
		if e.Kind != "array" || slices.ContainsFunc(base.Sections, func(s section) bool { return s.Path == e.Key }) {
			continue
		}
		s := genericSection(e)
		for slices.ContainsFunc(v.Sections, func(x section) bool { return x.Key == s.Key }) {
			s.Key = "dump:" + s.Key // a tailored key names another list
		}
		v.Sections = append(v.Sections, s)
	}
	return &v
}

// genericView describes a provider the console has no tailored view of,
// from its state dump's outline alone.
func genericView(name string, outline []outlineEntry) *providerView {
	p := &providerView{Name: name, Title: name, Generic: true}
	for _, e := range outline {
		switch {
		case e.Kind == "array":
			p.Sections = append(p.Sections, genericSection(e))
		case e.Key == "credentials": // the tenant's page shows them
		case e.Kind == "object":
			p.Summaries = append(p.Summaries, e.Key)
		default:
			p.Counts = append(p.Counts, e.Key)
		}
	}
	return p
}

// genericSection makes a section of a list of the dump: its ID and status
// fields guessed from their names, and up to eight columns.
func genericSection(e outlineEntry) section {
	s := section{Key: e.Key, Title: sectionTitle(e.Key), Path: e.Key, Ordered: e.Key == "scheduled"}
	s.ID = guessID(e.Key, e.Fields)
	s.Status = guessStatus(e.Key, e.Fields)
	s.Columns = guessColumns(s, e.Fields)
	return s
}

// sectionTitle turns a dump key into a title: "card_orders" → "Card
// orders", "accounts[].cards" → "Cards (of accounts)".
func sectionTitle(key string) string {
	outer, inner, nested := strings.Cut(key, "[].")
	if nested {
		return words(inner) + " (of " + strings.ToLower(words(outer)) + ")"
	}
	return words(key)
}

// words splits snake_case and camelCase into capitalized words.
func words(s string) string {
	var b strings.Builder
	prev := rune(0)
	for _, r := range s {
		switch {
		case r == '_' || r == '-' || r == '.':
			b.WriteByte(' ')
		case unicode.IsUpper(r) && unicode.IsLower(prev):
			b.WriteByte(' ')
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteRune(r)
		}
		prev = r
	}
	return titleCase(b.String())
}

// singular guesses the singular of a list's name: "cards" → "card",
// "addresses" → "address", "entries" → "entry", "card_orders" →
// "card_order".
func singular(key string) string {
	if _, inner, nested := strings.Cut(key, "[]."); nested {
		key = inner
	}
	switch {
	case strings.HasSuffix(key, "ies"):
		return strings.TrimSuffix(key, "ies") + "y"
	case strings.HasSuffix(key, "sses"), strings.HasSuffix(key, "xes"), strings.HasSuffix(key, "ches"), strings.HasSuffix(key, "shes"):
		return strings.TrimSuffix(key, "es")
	case strings.HasSuffix(key, "s") && !strings.HasSuffix(key, "ss"):
		return strings.TrimSuffix(key, "s")
	}
	return key
}

// camel turns snake_case into camelCase: "card_order" → "cardOrder".
func camel(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

func scalarField(f fieldShape) bool {
	return f.Kind == "string" || f.Kind == "number" || f.Kind == "bool"
}

// firstField returns the first scalar field named one of names, then the
// first whose name satisfies any of tests, in the record's order.
func firstField(fields []fieldShape, names []string, tests ...func(string) bool) string {
	for _, n := range names {
		for _, f := range fields {
			if f.Name == n && scalarField(f) {
				return n
			}
		}
	}
	for _, test := range tests {
		for _, f := range fields {
			if scalarField(f) && test(f.Name) {
				return f.Name
			}
		}
	}
	return ""
}

// guessID picks a section's ID field: id, then the list's own id or
// number (card_id, cardId, card_no, cardNo), then any other *_id, *Id,
// *_no, then seq, then key.
func guessID(key string, fields []fieldShape) string {
	one := singular(key)
	return firstField(fields, []string{"id", one + "_id", camel(one) + "Id", camel(one) + "ID", one + "_no", camel(one) + "No", "ID", "Id"},
		func(n string) bool {
			return strings.HasSuffix(n, "_id") || strings.HasSuffix(n, "Id") || strings.HasSuffix(n, "ID")
		},
		func(n string) bool { return strings.HasSuffix(n, "_no") || strings.HasSuffix(n, "No") },
		func(n string) bool { return n == "seq" },
		func(n string) bool { return n == "key" })
}

// guessStatus picks a section's status field: status, the list's own
// (card_status, cardStatus), state, then any field whose name holds
// "status", then one ending in "state".
func guessStatus(key string, fields []fieldShape) string {
	one := singular(key)
	return firstField(fields, []string{"status", one + "_status", camel(one) + "Status", "state"},
		func(n string) bool { return strings.Contains(strings.ToLower(n), "status") },
		func(n string) bool { return strings.HasSuffix(strings.ToLower(n), "state") })
}

// secretFields are never a generic column (each record's JSON still shows
// them, as the dump does).
var secretFields = []string{"pan", "cvv", "cvc", "pin", "password", "secret", "api_secret", "card_number"}

// guessColumns picks up to eight columns: the ID, the status, then the
// record's other scalar fields in order, a last-change time last.
func guessColumns(s section, fields []fieldShape) []string {
	var cols []string
	add := func(n string) {
		if n != "" && !slices.Contains(cols, n) && len(cols) < 8 {
			cols = append(cols, n)
		}
	}
	add(s.ID)
	add(s.Status)
	updated := firstField(fields, []string{"updated_at", "update_time", "updatedAt", "modified_at"})
	for _, f := range fields {
		if len(cols) >= 7 && updated != "" {
			break
		}
		if scalarField(f) && f.Name != updated && !slices.Contains(secretFields, strings.ToLower(f.Name)) {
			add(f.Name)
		}
	}
	add(updated)
	return cols
}
