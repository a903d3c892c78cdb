package console

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// loadState reads a provider's state dump for a tenant through the admin
// API and splits it into its top-level fields, undecoded.
func (c *Console) loadState(r *http.Request, tenant, provider string) (map[string][]byte, error) {
	var raw []byte
	if err := c.adminCall(r, http.MethodGet, "/tenants/"+url.PathEscape(tenant)+"/"+url.PathEscape(provider)+"/state?compact=1", nil, &raw); err != nil {
		return nil, err
	}
	return fields(raw), nil
}

// records returns a section's records: the array at path, or for
// "outer[].inner" the inner arrays of every element of outer, in order.
func records(top map[string][]byte, path string) [][]byte {
	outer, inner, nested := strings.Cut(path, "[].")
	if !nested {
		return elements(top[path])
	}
	var out [][]byte
	for _, o := range elements(top[outer]) {
		out = append(out, elements(topValue(o, inner))...)
	}
	return out
}

func providerOf(r *http.Request) (*providerView, error) {
	name := r.PathValue("provider")
	p, ok := providers[name]
	if !ok {
		return nil, &adminError{Status: http.StatusNotFound, Kind: "not_found",
			Message: fmt.Sprintf("the console knows no provider %q (it knows %s)", name, strings.Join(providerOrder, ", "))}
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

func tabs(current string) []providerTab {
	var out []providerTab
	for _, n := range providerOrder {
		out = append(out, providerTab{Name: n, Title: providers[n].Title, Current: n == current})
	}
	return out
}

// handleState shows one section of a provider's state for a tenant, a page
// at a time, filtered by status and text.
func (c *Console) handleState(w http.ResponseWriter, r *http.Request) (string, string, any, error) {
	p, err := providerOf(r)
	if err != nil {
		return "", "", nil, err
	}
	tenant := r.PathValue("id")
	top, err := c.loadState(r, tenant, p.Name)
	if err != nil {
		return "", "", nil, err
	}
	q := r.URL.Query()
	v, err := c.stateView(top, p, tenant, q)
	if err != nil {
		return "", "", nil, err
	}
	return "state", p.Title + " · " + tenant, v, nil
}

// stateView pages and filters a section of a state dump.
func (c *Console) stateView(top map[string][]byte, p *providerView, tenant string, q url.Values) (*stateView, error) {
	key := q.Get("section")
	if key == "" {
		key = p.Sections[0].Key
	}
	sec, ok := p.section(key)
	if !ok {
		return nil, fmt.Errorf("%s has no section %q", p.Title, key)
	}
	v := &stateView{Tenant: tenant, P: p, Tabs: tabs(p.Name), Section: sec, Status: q.Get("status"), Q: strings.TrimSpace(q.Get("q")), Forms: p.Forms}
	var recs [][]byte
	for _, s := range p.Sections {
		rs := records(top, s.Path)
		if s.Key == sec.Key {
			recs = rs
		}
		v.Sections = append(v.Sections, sectionTab{Key: s.Key, Title: s.Title, Count: len(rs), Current: s.Key == sec.Key})
	}
	v.Total = len(recs)
	if sec.Status != "" {
		counts := map[string]int{}
		for _, rec := range recs {
			counts[topString(rec, sec.Status)]++
		}
		for s, n := range counts {
			v.StatusCounts = append(v.StatusCounts, statusCount{s, n})
		}
		sort.Slice(v.StatusCounts, func(i, j int) bool { return v.StatusCounts[i].Status < v.StatusCounts[j].Status })
	}
	needle := []byte(strings.ToLower(v.Q))
	kept := recs[:0:0]
	for _, rec := range recs {
		if v.Status != "" && topString(rec, sec.Status) != v.Status {
			continue
		}
		if len(needle) > 0 && !bytes.Contains(bytes.ToLower(rec), needle) {
			continue
		}
		kept = append(kept, rec)
	}
	if sec.Key != "scheduled" && sec.Key != "accounts" && sec.Key != "ledger" {
		slices.Reverse(kept) // newest first
		v.Order = "newest first"
	}
	v.Matched = len(kept)
	size := c.opts.PageSize
	v.Pages = max(1, (len(kept)+size-1)/size)
	v.Page, _ = strconv.Atoi(q.Get("page"))
	v.Page = min(max(v.Page, 1), v.Pages)
	lo := (v.Page - 1) * size
	hi := min(lo+size, len(kept))
	v.From, v.To = lo+1, hi
	for _, rec := range kept[lo:hi] {
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
	if len(v.Columns) == 0 && len(v.Rows) > 0 {
		v.Columns = scalarColumns(kept[lo], 8)
	}
	for _, s := range p.Summaries {
		m, err := decodeObject(top[s])
		if err == nil && len(m) > 0 {
			v.Summaries = append(v.Summaries, summary{Key: s, Fields: sortedKV(m)})
		}
	}
	for _, s := range p.Counts {
		if b, ok := top[s]; ok {
			v.Counts = append(v.Counts, kv{s, string(b)})
		}
	}
	return v, nil
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
	Holder     map[string]any
	HolderKey  string
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
	Source string    // "request", "webhook", "state"
	What   string
	Detail string
	Status int
	Link   string
}

// handleCard shows one card: its state, what is scheduled for it, its
// timeline and the actions that drive it.
func (c *Console) handleCard(w http.ResponseWriter, r *http.Request) (string, string, any, error) {
	p, err := providerOf(r)
	if err != nil {
		return "", "", nil, err
	}
	tenant, id := r.PathValue("id"), r.PathValue("card")
	top, err := c.loadState(r, tenant, p.Name)
	if err != nil {
		return "", "", nil, err
	}
	sec, _ := p.section(p.Cards)
	var rec []byte
	for _, x := range records(top, sec.Path) {
		if topString(x, p.CardID) == id {
			rec = x
			break
		}
	}
	if rec == nil {
		return "", "", nil, &adminError{Status: http.StatusNotFound, Kind: "not_found", Message: fmt.Sprintf("tenant %s has no %s card %q", tenant, p.Title, id)}
	}
	card, err := decodeObject(rec)
	if err != nil {
		return "", "", nil, err
	}
	v := &cardView{Tenant: tenant, P: p, Tabs: tabs(p.Name), ID: id, Card: card, Raw: prettyJSON(string(rec)),
		Status: str(card[p.CardStatus]), Reason: str(card[p.CardReason]), Updated: card[p.CardUpdated]}
	for _, f := range p.CardFacts {
		if x, ok := card[f]; ok {
			v.Facts = append(v.Facts, kv{f, x})
		}
	}
	if hid := str(card[p.holderIDOf]); hid != "" {
		hs, _ := p.section(p.holderSection)
		for _, x := range records(top, hs.Path) {
			if topString(x, p.holderSectionIDOf) == hid {
				v.Holder, _ = decodeObject(x)
				v.HolderKey, v.HolderID = hs.Key, hid
				break
			}
		}
	}
	for _, t := range tasksOf(top, p.Name) {
		if strings.Contains(t.Key, id) {
			v.Scheduled = append(v.Scheduled, t)
		}
	}
	v.Timeline, v.JournalCut, err = c.timeline(r, tenant, p, id, card)
	if err != nil {
		return "", "", nil, err
	}
	v.Prefill = map[string]string{p.CardID: id, "card_id": id, "card_no": id, "cardId": id}
	if hid := str(card[p.holderIDOf]); hid != "" {
		v.Prefill[p.holderIDOf] = hid
	}
	for _, f := range p.Forms {
		if f.Kind == "transactions" || f.Kind == "consumptions" {
			v.Forms = append(v.Forms, f)
		}
	}
	return "card", p.Title + " card " + id, v, nil
}

func tasksOf(top map[string][]byte, provider string) []task {
	var out []task
	for _, raw := range elements(top["scheduled"]) {
		var t task
		if json.Unmarshal(raw, &t) == nil {
			t.Provider = provider
			out = append(out, t)
		}
	}
	return out
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

// timeline puts together what is known of a card's history: its creation
// and last change from the state dump, every journaled request that named
// it, and every webhook event about it. The state dumps keep no history of
// their own, so a change that neither a request nor a webhook shows (an
// admin action on a provider without that event) appears only as the
// card's last change.
func (c *Console) timeline(r *http.Request, tenant string, p *providerView, id string, card map[string]any) ([]event, bool, error) {
	var out []event
	if t, err := time.Parse(time.RFC3339Nano, str(card[p.CardCreated])); err == nil {
		out = append(out, event{At: t, Source: "state", What: "created"})
	}
	if t, err := time.Parse(time.RFC3339Nano, str(card[p.CardUpdated])); err == nil {
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
			out = append(out, event{At: e.At, Source: "request", What: e.Method + " " + e.Path, Detail: e.Route, Status: e.Status,
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
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, len(j.Entries) > 0, nil
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
	p, err := providerOf(r)
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
	p, err := providerOf(r)
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
