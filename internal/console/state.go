package console

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// maxRecords is the most records one read asks for (the admin API's cap).
const maxRecords = 100000

// tailoredOf returns the tailored view of the request's provider: forms,
// card pages and card actions need one.
func (c *Console) tailoredOf(r *http.Request) (*providerView, error) {
	name := r.PathValue("provider")
	p, ok := c.views[name]
	if !ok {
		return nil, &adminError{Status: http.StatusNotFound, Kind: "not_found",
			Message: fmt.Sprintf("the console shows %q from its state dump only: card pages, card actions and forms need a tailored view (internal/console/providers.go)", name)}
	}
	return p, nil
}

type stateView struct {
	Tenant       string
	P            *providerView
	Tabs         []providerTab
	Sections     []sectionTab
	Section      section
	Status, Q    string
	StatusCounts []statusCount
	Total        int // records in the section
	Matched      int // records the filters keep
	Page, Pages  int
	From, To     int
	Columns      []string
	Rows         []row
	Summaries    []summary
	Counts       []kv
	Forms        []form
	Order        string
}

type providerTab struct {
	Name, Title string
	Current     bool
}

type sectionTab struct {
	Key, Title string
	Count      int
	Current    bool
}

type statusCount struct {
	Status string
	N      int
}

type row struct {
	ID     string
	Fields map[string]any
	Raw    string
}

type summary struct {
	Key    string
	Fields []kv
}

type kv struct {
	Key   string
	Value any
}

// tabs are the served providers' tabs, current marked.
func (c *Console) tabs(served []string, current string) []providerTab {
	out := make([]providerTab, 0, len(served))
	for _, n := range served {
		out = append(out, providerTab{Name: n, Title: c.titleOf(n), Current: n == current})
	}
	return out
}

// handleState shows one section of a provider's state for a tenant, a page
// at a time, filtered by status and text: one sectioned read of the admin
// API for a tailored section, an outline first for the others.
func (c *Console) handleState(w http.ResponseWriter, r *http.Request) (string, string, any, error) {
	name, served, err := c.servedProvider(r)
	if err != nil {
		return "", "", nil, err
	}
	tenant := r.PathValue("id")
	q := r.URL.Query()
	key := q.Get("section")
	var sec section
	found := false
	p, tailored := c.views[name]
	if tailored {
		if key == "" {
			key = p.Sections[0].Key
		}
		sec, found = p.section(key)
	}
	if !found {
		outline, err := c.readOutline(r, tenant, name)
		if err != nil {
			return "", "", nil, err
		}
		p = c.viewOf(name, outline)
		if len(p.Sections) == 0 {
			return "", "", nil, fmt.Errorf("the %s state dump of %s holds no lists", p.Title, tenant)
		}
		if key == "" {
			key = p.Sections[0].Key
		}
		if sec, found = p.section(key); !found {
			return "", "", nil, fmt.Errorf("%s has no section %q", p.Title, key)
		}
	}
	v, err := c.stateView(r, p, sec, tenant, q)
	if err != nil {
		return "", "", nil, err
	}
	v.Tabs = c.tabs(served, name)
	return "state", v.P.Title + " · " + tenant, v, nil
}

// stateView reads the page of a section the query asks for and lays it
// out: tabs of every section with its count, counts by status, rows,
// summaries.
func (c *Console) stateView(r *http.Request, p *providerView, sec section, tenant string, q url.Values) (*stateView, error) {
	v := &stateView{Tenant: tenant, Section: sec, Status: q.Get("status"), Q: strings.TrimSpace(q.Get("q"))}
	size := c.opts.PageSize
	v.Page, _ = strconv.Atoi(q.Get("page"))
	v.Page = max(v.Page, 1)
	read := func() (*sectionPage, error) {
		aq := url.Values{"section": {sec.Path}, "offset": {strconv.Itoa((v.Page - 1) * size)}, "limit": {strconv.Itoa(size)}}
		if sec.Status != "" {
			aq.Set("status_field", sec.Status)
			if v.Status != "" {
				aq.Set("status", v.Status)
			}
		}
		if v.Q != "" {
			aq.Set("q", v.Q)
		}
		if !sec.Ordered {
			aq.Set("order", "newest")
		}
		return c.readSection(r, tenant, p.Name, aq)
	}
	pg, err := read()
	if err != nil {
		return nil, err
	}
	v.Pages = max(1, (pg.Matched+size-1)/size)
	if v.Page > v.Pages { // past the end: the last page
		v.Page = v.Pages
		if pg, err = read(); err != nil {
			return nil, err
		}
	}
	if c.views[p.Name] == p {
		p = c.viewOf(p.Name, pg.Outline) // add the dump's lists the tailored view does not name
	}
	v.P, v.Forms = p, p.Forms
	if !sec.Ordered {
		v.Order = "newest first"
	}
	counts := map[string]int{}
	for _, e := range pg.Outline {
		counts[e.Key] = e.Count
	}
	for _, s := range p.Sections {
		v.Sections = append(v.Sections, sectionTab{Key: s.Key, Title: s.Title, Count: counts[s.Path], Current: s.Key == sec.Key})
	}
	v.Total, v.Matched = pg.Total, pg.Matched
	for _, st := range pg.Statuses {
		v.StatusCounts = append(v.StatusCounts, statusCount{st.Status, st.Count})
	}
	v.From, v.To = (v.Page-1)*size+1, (v.Page-1)*size+len(pg.Records)
	for _, rec := range pg.Records {
		m, err := decodeObject(rec)
		if err != nil {
			return nil, err
		}
		rw := row{Fields: m, Raw: prettyJSON(string(rec))}
		if sec.ID != "" {
			rw.ID = str(m[sec.ID])
		}
		v.Rows = append(v.Rows, rw)
	}
	v.Columns = sec.Columns
	if len(v.Columns) == 0 && len(pg.Records) > 0 {
		v.Columns = scalarColumns(pg.Records[0], 8)
	}
	v.Summaries, v.Counts = summariesOf(p, pg.Outline)
	return v, nil
}

// summariesOf lays out the dump's objects and numbers the view names.
func summariesOf(p *providerView, outline []outlineEntry) ([]summary, []kv) {
	values := map[string]json.RawMessage{}
	for _, e := range outline {
		values[e.Key] = e.Value
	}
	var sums []summary
	var counts []kv
	for _, s := range p.Summaries {
		m, err := decodeObject(values[s])
		if err == nil && len(m) > 0 {
			sums = append(sums, summary{Key: s, Fields: sortedKV(m)})
		}
	}
	for _, s := range p.Counts {
		if b, ok := values[s]; ok {
			var x any
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.UseNumber()
			if dec.Decode(&x) != nil {
				x = string(b)
			}
			counts = append(counts, kv{s, str(x)})
		}
	}
	return sums, counts
}

func decodeObject(b []byte) (map[string]any, error) {
	if len(b) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("reading the state dump: %w", err)
	}
	return m, nil
}

// scalarColumns picks up to n fields of a record that hold scalars, in
// the record's order.
func scalarColumns(rec []byte, n int) []string {
	var cols []string
	eachField(rec, func(k, v []byte) bool {
		if len(v) > 0 && v[0] != '{' && v[0] != '[' {
			cols = append(cols, string(k))
		}
		return len(cols) < n
	})
	return cols
}

func sortedKV(m map[string]any) []kv {
	out := make([]kv, 0, len(m))
	for k, v := range m {
		out = append(out, kv{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

type cardView struct {
	Tenant     string
	P          *providerView
	Tabs       []providerTab
	ID         string
	Card       map[string]any
	Raw        string
	Status     string
	Reason     string
	Updated    any
	Facts      []kv
	Outcome    string // the card's steered outcome (a magic rule), if any
	Steered    []kv   // outcomes waiting for the card or its holder (the dump's "outcomes")
	HolderKey  string // the holders' section
	HolderID   string
	Scheduled  []task
	Timeline   []event
	Forms      []form
	Prefill    map[string]string
	JournalCut bool
}

type task struct {
	At       time.Time       `json:"at"`
	Kind     string          `json:"kind"`
	Key      string          `json:"key"`
	Seq      json.Number     `json:"seq"`
	Provider string          `json:"-"`
	Card     string          `json:"-"`
	Extra    json.RawMessage `json:"-"`
}

// event is one line of a card's timeline.
type event struct {
	At     time.Time // business time
	Source string    // "request", "webhook", "state", "scheduled"
	What   string
	Detail string
	Status int
	Link   string
}

// one reads the first record of a section whose field equals value.
func (c *Console) one(r *http.Request, tenant, provider, path, field, value string) ([]byte, *sectionPage, error) {
	pg, err := c.readSection(r, tenant, provider, url.Values{"section": {path}, "where": {field + "=" + value}, "limit": {"1"}})
	if err != nil {
		return nil, nil, err
	}
	if len(pg.Records) == 0 {
		return nil, pg, nil
	}
	return pg.Records[0], pg, nil
}

// handleCard shows one card: its state, its steered outcome, what is
// scheduled for it, its timeline and the actions that drive it.
func (c *Console) handleCard(w http.ResponseWriter, r *http.Request) (string, string, any, error) {
	name, served, err := c.servedProvider(r)
	if err != nil {
		return "", "", nil, err
	}
	p, err := c.tailoredOf(r)
	if err != nil {
		return "", "", nil, err
	}
	tenant, id := r.PathValue("id"), r.PathValue("card")
	sec, _ := p.section(p.Cards)
	rec, pg, err := c.one(r, tenant, name, sec.Path, p.CardID, id)
	if err != nil {
		return "", "", nil, err
	}
	if rec == nil {
		return "", "", nil, &adminError{Status: http.StatusNotFound, Kind: "not_found", Message: fmt.Sprintf("tenant %s has no %s card %q", tenant, p.Title, id)}
	}
	card, err := decodeObject(rec)
	if err != nil {
		return "", "", nil, err
	}
	v := &cardView{Tenant: tenant, P: p, Tabs: c.tabs(served, name), ID: id, Card: card, Raw: prettyJSON(string(rec)),
		Status: str(card[p.CardStatus]), Reason: str(card[p.CardReason]), Updated: card[p.CardUpdated], Outcome: str(card["outcome"])}
	for _, f := range p.CardFacts {
		if x, ok := card[f]; ok {
			v.Facts = append(v.Facts, kv{f, x})
		}
	}
	hid := str(card[p.holderIDOf])
	if hid != "" {
		hs, _ := p.section(p.holderSection)
		v.HolderKey, v.HolderID = hs.Key, hid
	}
	v.Steered = steeredFor(pg.Outline, id, hid)
	if hasList(pg.Outline, "scheduled") {
		tasks, err := c.tasks(r, tenant, name, id)
		if err != nil {
			return "", "", nil, err
		}
		for _, t := range tasks {
			if strings.Contains(t.Key, id) {
				v.Scheduled = append(v.Scheduled, t)
			}
		}
	}
	v.Timeline, v.JournalCut, err = c.timeline(r, tenant, p, id, card, v.Scheduled)
	if err != nil {
		return "", "", nil, err
	}
	v.Prefill = map[string]string{p.CardID: id, "card_id": id, "card_no": id, "cardId": id}
	if hid != "" {
		v.Prefill[p.holderIDOf] = hid
	}
	for _, f := range p.Forms {
		if f.Kind == "transactions" || f.Kind == "consumptions" {
			v.Forms = append(v.Forms, f)
		}
	}
	return "card", p.Title + " card " + id, v, nil
}

func hasList(outline []outlineEntry, key string) bool {
	return slices.ContainsFunc(outline, func(e outlineEntry) bool { return e.Key == key && e.Kind == "array" })
}

// steeredFor lists the outcomes a dump's "outcomes" object holds for a
// card or its holder (keys naming either; DeCard keys them by user and
// route).
func steeredFor(outline []outlineEntry, ids ...string) []kv {
	var out []kv
	for _, e := range outline {
		if e.Key != "outcomes" || e.Kind != "object" {
			continue
		}
		m, err := decodeObject(e.Value)
		if err != nil {
			return nil
		}
		for _, k := range sortedKeys(m) {
			for _, id := range ids {
				if id != "" && strings.Contains(k, id) {
					out = append(out, kv{k, m[k]})
					break
				}
			}
		}
	}
	return out
}

// readAll reads every record of a section the query keeps, maxRecords
// at a time.
func (c *Console) readAll(r *http.Request, tenant, provider string, q url.Values) ([]json.RawMessage, error) {
	var out []json.RawMessage
	for {
		q.Set("offset", strconv.Itoa(len(out)))
		q.Set("limit", strconv.Itoa(maxRecords))
		pg, err := c.readSection(r, tenant, provider, q)
		if err != nil {
			return nil, err
		}
		out = append(out, pg.Records...)
		if len(pg.Records) == 0 || len(out) >= pg.Matched {
			return out, nil
		}
	}
}

// tasks reads a provider's scheduled transitions whose JSON names q ("" for
// all), in due order.
func (c *Console) tasks(r *http.Request, tenant, provider, q string) ([]task, error) {
	aq := url.Values{"section": {"scheduled"}}
	if q != "" {
		aq.Set("q", q)
	}
	recs, err := c.readAll(r, tenant, provider, aq)
	if err != nil {
		var ae *adminError
		if errors.As(err, &ae) && ae.Status == http.StatusNotFound && strings.Contains(ae.Message, "no list") {
			return nil, nil // a dump without a schedule
		}
		return nil, err
	}
	out := make([]task, 0, len(recs))
	for _, raw := range recs {
		var t task
		if json.Unmarshal(raw, &t) == nil {
			t.Provider = provider
			out = append(out, t)
		}
	}
	return out, nil
}

type journalEntry struct {
	Seq        uint64            `json:"seq"`
	Type       string            `json:"type"`
	Tenant     string            `json:"tenant"`
	Provider   string            `json:"provider"`
	Route      string            `json:"route"`
	Method     string            `json:"method"`
	Path       string            `json:"path"`
	Query      string            `json:"query,omitempty"`
	Status     int               `json:"status"`
	At         time.Time         `json:"at"`
	Wall       time.Time         `json:"wall"`
	DurationMS float64           `json:"duration_ms"`
	Remote     string            `json:"remote,omitempty"`
	Headers    map[string]string `json:"headers,omitempty"`
	Request    string            `json:"request,omitempty"`
	Response   string            `json:"response,omitempty"`
	Truncated  bool              `json:"truncated,omitempty"`
	Fault      string            `json:"fault,omitempty"`
	Defect     bool              `json:"defect,omitempty"`
	Error      string            `json:"error,omitempty"`
	Violations []string          `json:"violations,omitempty"`
	Outcomes   []string          `json:"outcomes,omitempty"`
}

type delivery struct {
	ID         string    `json:"id"`
	Tenant     string    `json:"tenant"`
	Provider   string    `json:"provider"`
	Event      string    `json:"event"`
	Body       string    `json:"body"`
	State      string    `json:"state"`
	Created    time.Time `json:"created"`
	NextAt     time.Time `json:"next_at"`
	Attempts   []attempt `json:"attempts"`
	RoundStart int       `json:"round_start,omitempty"`
	Seq        int       `json:"seq"`
}

type attempt struct {
	N          int               `json:"n"`
	At         time.Time         `json:"at"`
	Wall       time.Time         `json:"wall"`
	URL        string            `json:"url"`
	Headers    map[string]string `json:"headers,omitempty"`
	Status     int               `json:"status,omitempty"`
	Response   string            `json:"response,omitempty"`
	Error      string            `json:"error,omitempty"`
	Fault      string            `json:"fault,omitempty"`
	DurationMS float64           `json:"duration_ms"`
}

// timeline puts together what is known of a card's history and future:
// its creation and last change from the state dump, its steered outcome,
// every journaled request that named it (with the magic rules that fired),
// every webhook event about it, and what is scheduled for it. A card's
// status changes come from its history (core.CardHistory, the last 32);
// a card without one (an old snapshot) shows its creation and last change.
func (c *Console) timeline(r *http.Request, tenant string, p *providerView, id string, card map[string]any, scheduled []task) ([]event, bool, error) {
	var out []event
	created, createdOK := parseTime(card[p.CardCreated])
	history, _ := card["history"].([]any) // core.CardHistory: every status change, oldest first
	if createdOK && len(history) == 0 {
		out = append(out, event{At: created, Source: "state", What: "created"})
	}
	if o := str(card["outcome"]); o != "" {
		out = append(out, event{At: created, Source: "state", What: "outcome steered", Detail: o})
	}
	for _, h := range history {
		ch, _ := h.(map[string]any)
		t, ok := parseTime(ch["at"])
		if !ok {
			continue
		}
		what := "status " + str(ch["to"])
		if from := str(ch["from"]); from != "" {
			what = "status " + from + " → " + str(ch["to"])
		}
		out = append(out, event{At: t, Source: "state", What: what, Detail: str(ch["cause"])})
	}
	if t, ok := parseTime(card[p.CardUpdated]); ok && len(history) == 0 {
		detail := str(card[p.CardStatus])
		if reason := str(card[p.CardReason]); reason != "" {
			detail += " — " + reason
		}
		out = append(out, event{At: t, Source: "state", What: "last change", Detail: detail})
	}
	var j struct {
		Entries []journalEntry `json:"entries"`
	}
	qs := url.Values{"tenant": {tenant}, "provider": {p.Name}, "type": {"request"}}
	if err := c.adminCall(r, http.MethodGet, "/journal?"+qs.Encode(), nil, &j); err != nil {
		return nil, false, err
	}
	for _, e := range j.Entries {
		// A request names the card in its path, query or body; a response
		// names it when the request made it (card.apply), but lists
		// name every card and are left out.
		named := strings.Contains(e.Path, id) || strings.Contains(e.Query, id) || strings.Contains(e.Request, id)
		if !named && !strings.Contains(e.Route, "list") && strings.Contains(e.Response, id) {
			named = true
		}
		if named {
			detail := e.Route
			if len(e.Outcomes) > 0 {
				detail += " · outcome " + strings.Join(e.Outcomes, ", ")
			}
			out = append(out, event{At: e.At, Source: "request", What: e.Method + " " + e.Path, Detail: detail, Status: e.Status,
				Link: c.link("traffic", strconv.FormatUint(e.Seq, 10))})
		}
	}
	var d struct {
		Deliveries []delivery `json:"deliveries"`
	}
	if err := c.adminCall(r, http.MethodGet, "/webhooks?"+url.Values{"tenant": {tenant}, "provider": {p.Name}}.Encode(), nil, &d); err != nil {
		return nil, false, err
	}
	for _, x := range d.Deliveries {
		if !strings.Contains(x.Body, id) {
			continue
		}
		out = append(out, event{At: x.Created, Source: "webhook", What: x.Event, Detail: eventStatus(x.Body), Link: c.link("webhooks", x.ID)})
	}
	for _, t := range scheduled {
		out = append(out, event{At: t.At, Source: "scheduled", What: t.Kind, Detail: "due; moving the clock past it makes it happen",
			Link: withQuery(c.link("tenants", tenant), "preview", "1", "set", t.At.UTC().Format(time.RFC3339)) + "#move-h"})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, len(j.Entries) > 0, nil
}

func parseTime(v any) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, str(v))
	return t, err == nil
}

// eventStatus picks the status-like fields of a webhook body for a
// timeline line.
func eventStatus(body string) string {
	var parts []string
	var walk func(m map[string]any)
	walk = func(m map[string]any) {
		for _, k := range sortedKeys(m) {
			switch x := m[k].(type) {
			case map[string]any:
				walk(x)
			default:
				lk := strings.ToLower(k)
				if strings.Contains(lk, "status") || strings.Contains(lk, "reason") || lk == "action" || lk == "type" {
					if s := str(x); s != "" {
						parts = append(parts, k+"="+s)
					}
				}
			}
		}
	}
	var m map[string]any
	if json.Unmarshal([]byte(body), &m) == nil {
		walk(m)
	}
	return strings.Join(parts, " ")
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// handleCardAction drives a card through the admin API.
func (c *Console) handleCardAction(w http.ResponseWriter, r *http.Request) (string, string, error) {
	p, err := c.tailoredOf(r)
	if err != nil {
		return "", "", err
	}
	tenant, id, action := r.PathValue("id"), r.PathValue("card"), r.PathValue("action")
	if action == "act" { // a table row's form names the action in a field
		action = r.PostFormValue("action")
	}
	if !slices.Contains(p.CardActions, action) {
		return "", "", fmt.Errorf("%s cards know %s, not %q", p.Title, strings.Join(p.CardActions, ", "), action)
	}
	var out []byte
	path := "/tenants/" + url.PathEscape(tenant) + "/" + p.Name + "/cards/" + url.PathEscape(id) + "/" + action
	if err := c.adminCall(r, http.MethodPost, path, nil, &out); err != nil {
		return "", "", err
	}
	msg := fmt.Sprintf("Card %s: %s done", id, action)
	if st := firstString(out, p.CardStatus, "card_status", "cardStatus", "status"); st != "" {
		msg += "; status " + st
	}
	next := c.link("tenants", tenant, p.Name, "cards", id)
	if b := c.back(r); r.PathValue("action") == "act" && b != c.opts.Prefix+"/" {
		next = b
	}
	return next, msg + ".", nil
}

func firstString(b []byte, keys ...string) string {
	for _, k := range keys {
		if s := topString(b, k); s != "" {
			return s
		}
	}
	return ""
}

// handleCreate posts one of the provider's admin create forms.
func (c *Console) handleCreate(w http.ResponseWriter, r *http.Request) (string, string, error) {
	p, err := c.tailoredOf(r)
	if err != nil {
		return "", "", err
	}
	tenant, kind := r.PathValue("id"), r.PathValue("kind")
	f, ok := p.form(kind)
	if !ok {
		return "", "", fmt.Errorf("the console has no %s form %q", p.Title, kind)
	}
	body, err := formBody(f, r)
	if err != nil {
		return "", "", err
	}
	var out []byte
	if err := c.adminCall(r, http.MethodPost, "/tenants/"+url.PathEscape(tenant)+"/"+p.Name+"/"+kind, body, &out); err != nil {
		return "", "", err
	}
	return c.back(r), fmt.Sprintf("%s: %s", f.Title, compact(out, 600)), nil
}

// formBody turns a form's fields into the admin create body: strings
// (amounts too: the admin API reads decimals from strings), numbers for
// number fields, empty fields left out.
func formBody(f form, r *http.Request) (map[string]any, error) {
	body := map[string]any{}
	for _, fd := range f.Fields {
		v := strings.TrimSpace(r.PostFormValue(fd.Name))
		if v == "" {
			if fd.Required {
				return nil, fmt.Errorf("%s: %s is required", f.Title, fd.Label)
			}
			continue
		}
		if fd.Type == "select" && !slices.Contains(fd.Options, v) {
			return nil, fmt.Errorf("%s: %s must be one of %s", f.Title, fd.Label, strings.Join(fd.Options, ", "))
		}
		if fd.Type == "number" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("%s: %s must be a whole number, got %q", f.Title, fd.Label, v)
			}
			body[fd.Name] = n
			continue
		}
		body[fd.Name] = v
	}
	return body, nil
}

func compact(b []byte, n int) string {
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		buf.Reset()
		buf.Write(b)
	}
	s := buf.String()
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}
