package console

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// journalFilterKeys are the journal filters the traffic page passes on.
var journalFilterKeys = []string{"tenant", "provider", "route", "status", "type"}

func journalQuery(q url.Values) url.Values {
	out := url.Values{}
	for _, k := range journalFilterKeys {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			out.Set(k, v)
		}
	}
	return out
}

// entrySummary is a journal entry as the traffic table and the stream show
// it; the entry's page has the rest.
type entrySummary struct {
	Seq        uint64  `json:"seq"`
	Type       string  `json:"type"`
	At         string  `json:"at"`
	Wall       string  `json:"wall"`
	Tenant     string  `json:"tenant"`
	Provider   string  `json:"provider"`
	Route      string  `json:"route"`
	Method     string  `json:"method"`
	Path       string  `json:"path"`
	Status     int     `json:"status"`
	DurationMS float64 `json:"duration_ms"`
	Fault      string  `json:"fault,omitempty"`
	Violations int     `json:"violations,omitempty"`
	Error      string  `json:"error,omitempty"`
	Defect     bool    `json:"defect,omitempty"`
	Verdict    string  `json:"verdict"`
	Link       string  `json:"link"`
}

func (c *Console) summarize(e journalEntry) entrySummary {
	s := entrySummary{Seq: e.Seq, Type: e.Type, At: fmtTime(e.At), Wall: e.Wall.UTC().Format("15:04:05.000"), Tenant: e.Tenant,
		Provider: e.Provider, Route: e.Route, Method: e.Method, Path: e.Path, Status: e.Status, DurationMS: e.DurationMS,
		Fault: e.Fault, Violations: len(e.Violations), Error: e.Error, Defect: e.Defect,
		Link: c.link("traffic", strconv.FormatUint(e.Seq, 10))}
	s.Verdict = c.verdict(e)
	return s
}

// verdict is the auth outcome of a request, derived from its answer.
func (c *Console) verdict(e journalEntry) string {
	if e.Type == "webhook" || e.Provider == "" {
		return "—"
	}
	p, ok := c.views[e.Provider]
	if !ok {
		p = &providerView{Name: e.Provider} // judged by its HTTP status
	}
	if e.Route == "" {
		return "not checked: no such route"
	}
	v := p.AuthVerdict(e.Status, e.Response)
	if v == "passed" && e.Tenant == "" {
		return "no tenant"
	}
	return v
}

type trafficView struct {
	Filters   map[string]string
	Entries   []entrySummary
	Since     uint64
	StreamURL string
	Limit     int
	Providers []string
}

// handleTraffic shows the newest journal entries that match the filters;
// the page's script appends new ones from the stream as they happen.
func (c *Console) handleTraffic(w http.ResponseWriter, r *http.Request) (string, string, any, error) {
	jq := journalQuery(r.URL.Query())
	if s := jq.Get("status"); s != "" {
		if _, err := strconv.Atoi(s); err != nil {
			return "", "", nil, fmt.Errorf("status must be an HTTP status number, got %q", s)
		}
	}
	served, err := c.served(r)
	if err != nil {
		return "", "", nil, err
	}
	v := trafficView{Filters: map[string]string{}, Limit: 100, Providers: served}
	for _, k := range journalFilterKeys {
		v.Filters[k] = jq.Get(k)
	}
	q := url.Values{}
	for k, vs := range jq {
		q[k] = vs
	}
	q.Set("limit", strconv.Itoa(v.Limit))
	var j struct {
		Entries []journalEntry `json:"entries"`
	}
	if err := c.adminCall(r, http.MethodGet, "/journal?"+q.Encode(), nil, &j); err != nil {
		return "", "", nil, err
	}
	for _, e := range j.Entries {
		v.Since = max(v.Since, e.Seq)
		v.Entries = append(v.Entries, c.summarize(e))
	}
	if v.Since == 0 {
		// Nothing matches yet: start the stream at the newest entry of any
		// kind, so it sends only what happens from now on.
		var last struct {
			Entries []journalEntry `json:"entries"`
		}
		if err := c.adminCall(r, http.MethodGet, "/journal?limit=1", nil, &last); err != nil {
			return "", "", nil, err
		}
		if len(last.Entries) > 0 {
			v.Since = last.Entries[0].Seq
		}
	}
	slices.Reverse(v.Entries) // newest first
	sq := url.Values{}
	for k, vs := range jq {
		sq[k] = vs
	}
	sq.Set("since", strconv.FormatUint(v.Since, 10))
	v.StreamURL = c.opts.Prefix + "/traffic/stream?" + sq.Encode()
	return "traffic", "Live traffic", v, nil
}

type entryView struct {
	E        journalEntry
	Verdict  string
	Headers  []kv
	Request  string
	Response string
}

// handleEntry shows one journal entry: request and response, headers, the
// auth verdict, contract violations and the fault that fired.
func (c *Console) handleEntry(w http.ResponseWriter, r *http.Request) (string, string, any, error) {
	seq, err := strconv.ParseUint(r.PathValue("seq"), 10, 64)
	if err != nil {
		return "", "", nil, fmt.Errorf("journal entry %q: want its sequence number", r.PathValue("seq"))
	}
	var e journalEntry
	if err := c.adminCall(r, http.MethodGet, "/journal/"+strconv.FormatUint(seq, 10), nil, &e); err != nil {
		return "", "", nil, err
	}
	v := entryView{E: e, Verdict: c.verdict(e), Request: prettyJSON(e.Request), Response: prettyJSON(e.Response)}
	for _, k := range sortedKeysS(e.Headers) {
		v.Headers = append(v.Headers, kv{k, e.Headers[k]})
	}
	return "entry", fmt.Sprintf("Journal entry %d", seq), v, nil
}

func sortedKeysS(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// streamBatch is one event of the traffic stream.
type streamBatch struct {
	Entries []entrySummary `json:"entries"`
	// Sampled is set when the poll found at least StreamBatch new entries:
	// only the newest were sent.
	Sampled bool `json:"sampled,omitempty"`
}

// maxStreamLife ends a stream after a while; the browser reconnects at
// once from where it was (Last-Event-ID), so nothing is lost.
const maxStreamLife = 10 * time.Minute

// handleStream is the traffic page's Server-Sent Events stream. It polls
// the admin journal for entries after "since" (or Last-Event-ID) every
// StreamInterval and sends what is new as one "entries" event whose id is
// the newest sequence number. At most StreamBatch entries go out per poll
// (the newest), so load is sampled rather than queued; writes are
// synchronous with a deadline, so a slow reader holds nothing but its own
// connection.
func (c *Console) handleStream(w http.ResponseWriter, r *http.Request) {
	jq := journalQuery(r.URL.Query())
	since, _ := strconv.ParseUint(r.URL.Query().Get("since"), 10, 64)
	fromNow := r.URL.Query().Get("since") == "now"
	if id := r.Header.Get("Last-Event-ID"); id != "" {
		if n, err := strconv.ParseUint(id, 10, 64); err == nil {
			since = n
		}
	}
	// A first read checks the token and the filters before the stream
	// starts, so they get an ordinary error answer.
	if err := c.adminCall(r, http.MethodGet, "/journal?"+withLimit(jq, since, 1).Encode(), nil, nil); err != nil {
		var ae *adminError
		if errors.As(err, &ae) {
			http.Error(w, ae.Message, ae.Status)
			return
		}
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	if fromNow && r.Header.Get("Last-Event-ID") == "" {
		var last struct {
			Entries []journalEntry `json:"entries"`
		}
		if err := c.adminCall(r, http.MethodGet, "/journal?limit=1", nil, &last); err == nil && len(last.Entries) > 0 {
			since = last.Entries[0].Seq
		}
	}
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	var buf bytes.Buffer
	send := func() bool {
		if err := rc.SetWriteDeadline(time.Now().Add(c.opts.StreamWriteTimeout)); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return false
		}
		if _, err := w.Write(buf.Bytes()); err != nil {
			return false
		}
		buf.Reset()
		return rc.Flush() == nil
	}
	buf.WriteString("retry: 1000\n: stream of " + c.opts.AdminPrefix + "/journal\n\n")
	if !send() {
		return
	}
	tick := time.NewTicker(c.opts.StreamInterval)
	defer tick.Stop()
	end := time.NewTimer(maxStreamLife)
	defer end.Stop()
	quiet := 0
	for {
		select {
		case <-r.Context().Done():
			return
		case <-end.C:
			return
		case <-tick.C:
		}
		var j struct {
			Entries []journalEntry `json:"entries"`
		}
		if err := c.adminCall(r, http.MethodGet, "/journal?"+withLimit(jq, since, c.opts.StreamBatch).Encode(), nil, &j); err != nil {
			msg, _ := json.Marshal(err.Error())
			fmt.Fprintf(&buf, "event: failed\ndata: %s\n\n", msg)
			send()
			return
		}
		if len(j.Entries) == 0 {
			if quiet++; quiet*int(c.opts.StreamInterval) >= int(15*time.Second) {
				quiet = 0
				buf.WriteString(": keep-alive\n\n")
				if !send() {
					return
				}
			}
			continue
		}
		quiet = 0
		b := streamBatch{Sampled: len(j.Entries) >= c.opts.StreamBatch}
		for _, e := range j.Entries {
			since = max(since, e.Seq)
			b.Entries = append(b.Entries, c.summarize(e))
		}
		data, _ := json.Marshal(b)
		fmt.Fprintf(&buf, "id: %d\nevent: entries\ndata: %s\n\n", since, data)
		if !send() {
			return
		}
	}
}

func withLimit(jq url.Values, since uint64, limit int) url.Values {
	q := url.Values{}
	for k, vs := range jq {
		q[k] = vs
	}
	q.Set("since", strconv.FormatUint(since, 10))
	q.Set("limit", strconv.Itoa(limit))
	return q
}
