package console

import (
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

type tenantsView struct {
	Version   string
	Providers []string
	Tenants   []tenantRow
}

type tenantRow struct {
	ID        string
	Seed      string
	Providers []string
}

type health struct {
	Status    string   `json:"status"`
	Version   string   `json:"version"`
	Providers []string `json:"providers"`
	Tenants   int      `json:"tenants"`
}

// handleTenants lists the tenants and offers to make one.
func (c *Console) handleTenants(w http.ResponseWriter, r *http.Request) (string, string, any, error) {
	var h health
	if err := c.adminCall(r, http.MethodGet, "/health", nil, &h); err != nil {
		return "", "", nil, err
	}
	var list struct {
		Tenants []map[string]json.RawMessage `json:"tenants"`
	}
	if err := c.adminCall(r, http.MethodGet, "/tenants", nil, &list); err != nil {
		return "", "", nil, err
	}
	v := tenantsView{Version: h.Version, Providers: h.Providers}
	for _, t := range list.Tenants {
		var id string
		_ = json.Unmarshal(t["id"], &id)
		row := tenantRow{ID: id, Seed: string(t["seed"])}
		for _, p := range h.Providers {
			if _, ok := t[p]; ok {
				row.Providers = append(row.Providers, p)
			}
		}
		v.Tenants = append(v.Tenants, row)
	}
	return "tenants", "Tenants", v, nil
}

// handleTenantCreate makes a tenant from the create form: id, seed,
// allow-list, clock, webhook URLs and each provider's options (a JSON
// object, as POST /_mocksrv/tenants takes them).
func (c *Console) handleTenantCreate(w http.ResponseWriter, r *http.Request) (string, string, error) {
	req := map[string]any{}
	if id := strings.TrimSpace(r.PostFormValue("id")); id != "" {
		req["id"] = id
	}
	if s := strings.TrimSpace(r.PostFormValue("seed")); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return "", "", fmt.Errorf("seed must be a whole number, got %q", s)
		}
		req["seed"] = n
	}
	if a := strings.TrimSpace(r.PostFormValue("allow_ips")); a != "" {
		req["allow_ips"] = a
	}
	clock := map[string]any{}
	if s := strings.TrimSpace(r.PostFormValue("clock_set")); s != "" {
		clock["set"] = s
	}
	if r.PostFormValue("clock_freeze") != "" {
		clock["freeze"] = true
	}
	if len(clock) > 0 {
		req["clock"] = clock
	}
	served, err := c.served(r)
	if err != nil {
		return "", "", err
	}
	hooks := map[string]string{}
	for _, p := range served {
		if u := strings.TrimSpace(r.PostFormValue("webhook_" + p)); u != "" {
			hooks[p] = u
		}
		if o := strings.TrimSpace(r.PostFormValue("options_" + p)); o != "" {
			var obj map[string]any
			if err := json.Unmarshal([]byte(o), &obj); err != nil {
				return "", "", fmt.Errorf("%s options must be a JSON object such as {\"card_quota\":2}: %v", c.titleOf(p), err)
			}
			req[p] = json.RawMessage(o)
		}
	}
	if len(hooks) > 0 {
		req["webhooks"] = hooks
	}
	var out struct {
		ID string `json:"id"`
	}
	if err := c.adminCall(r, http.MethodPost, "/tenants", req, &out); err != nil {
		return "", "", err
	}
	return c.link("tenants", out.ID), "Tenant " + out.ID + " created.", nil
}

type clockState struct {
	Now    time.Time `json:"now"`
	Frozen bool      `json:"frozen"`
	Offset string    `json:"offset"`
	Wall   time.Time `json:"wall"`
}

type tenantView struct {
	ID       string
	Seed     string
	Base     string
	Creds    []providerCreds
	Clock    clockState
	Webhooks []kv
	Faults   int
	Tabs     []providerTab
	Preview  *preview
}

type providerCreds struct {
	Name, Title string
	Fields      []kv
	Snippet     string
}

// preview is what a proposed clock move would make due.
type preview struct {
	Advance, Set, Freeze string
	To                   time.Time
	Tasks                []task
	Err                  string
}

// handleTenant shows a tenant: credentials and client snippets per
// provider, its clock (and a preview of a move), webhook URLs, and the way
// to each provider's state.
func (c *Console) handleTenant(w http.ResponseWriter, r *http.Request) (string, string, any, error) {
	id := r.PathValue("id")
	var info map[string]json.RawMessage
	tp := "/tenants/" + url.PathEscape(id)
	if err := c.adminCall(r, http.MethodGet, tp, nil, &info); err != nil {
		return "", "", nil, err
	}
	served, err := c.served(r)
	if err != nil {
		return "", "", nil, err
	}
	v := &tenantView{ID: id, Seed: string(info["seed"]), Base: baseURL(r)}
	for _, p := range served {
		raw, ok := info[p]
		if !ok {
			continue
		}
		var creds map[string]string
		_ = json.Unmarshal(raw, &creds)
		pc := providerCreds{Name: p, Title: c.titleOf(p)}
		if tv, ok := c.views[p]; ok && tv.Snippet != nil {
			pc.Snippet = tv.Snippet(v.Base, creds)
		}
		keys := make([]string, 0, len(creds))
		for k := range creds {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			pc.Fields = append(pc.Fields, kv{k, creds[k]})
		}
		v.Creds = append(v.Creds, pc)
		v.Tabs = append(v.Tabs, providerTab{Name: p, Title: c.titleOf(p)})
	}
	if err := c.adminCall(r, http.MethodGet, tp+"/clock", nil, &v.Clock); err != nil {
		return "", "", nil, err
	}
	var hooks map[string]string
	if err := c.adminCall(r, http.MethodGet, tp+"/webhooks", nil, &hooks); err != nil {
		return "", "", nil, err
	}
	for _, p := range served {
		if u, ok := hooks[p]; ok {
			v.Webhooks = append(v.Webhooks, kv{p, u})
		}
	}
	var faults struct {
		Faults []fault `json:"faults"`
	}
	if err := c.adminCall(r, http.MethodGet, "/faults", nil, &faults); err != nil {
		return "", "", nil, err
	}
	for _, f := range faults.Faults {
		if f.Tenant == id {
			v.Faults++
		}
	}
	q := r.URL.Query()
	if q.Get("preview") != "" {
		v.Preview = c.preview(r, id, v.Clock, v.Tabs, q.Get("advance"), q.Get("set"), q.Get("freeze"))
	}
	return "tenant", "Tenant " + id, v, nil
}

// preview lists the scheduled transitions of every provider that fall due
// by the time a clock move would reach.
func (c *Console) preview(r *http.Request, tenant string, now clockState, tabs []providerTab, advance, set, freeze string) *preview {
	pv := &preview{Advance: advance, Set: set, Freeze: freeze, To: now.Now}
	if set != "" {
		t, err := time.Parse(time.RFC3339, set)
		if err != nil {
			pv.Err = fmt.Sprintf("set: %q is not an RFC 3339 time such as 2027-01-01T00:00:00Z", set)
			return pv
		}
		pv.To = t
	}
	if advance != "" {
		d, err := parseDuration(advance)
		if err != nil {
			pv.Err = err.Error()
			return pv
		}
		if d < 0 {
			pv.Err = "advance: the clock only moves forward; use set to go back"
			return pv
		}
		pv.To = pv.To.Add(d)
	}
	for _, t := range tabs {
		tasks, err := c.tasks(r, tenant, t.Name, "")
		if err != nil {
			pv.Err = err.Error()
			return pv
		}
		var due []task
		for _, tk := range tasks {
			if !tk.At.After(pv.To) {
				due = append(due, tk)
			}
		}
		cards, err := c.cardIDs(r, tenant, t.Name, len(due) > 0)
		if err != nil {
			pv.Err = err.Error()
			return pv
		}
		for _, tk := range due {
			tk.Card = cardOfTask(cards, tk.Key)
			pv.Tasks = append(pv.Tasks, tk)
		}
	}
	sort.SliceStable(pv.Tasks, func(i, j int) bool { return pv.Tasks[i].At.Before(pv.Tasks[j].At) })
	return pv
}

// cardIDs reads the IDs of a provider's cards (none when it has no
// tailored card section, or when not needed).
func (c *Console) cardIDs(r *http.Request, tenant, provider string, needed bool) (map[string]bool, error) {
	p, ok := c.views[provider]
	if !needed || !ok || p.Cards == "" {
		return nil, nil
	}
	sec, _ := p.section(p.Cards)
	recs, err := c.readAll(r, tenant, provider, url.Values{"section": {sec.Path}, "fields": {p.CardID}})
	if err != nil {
		return nil, err
	}
	ids := make(map[string]bool, len(recs))
	for _, rec := range recs {
		ids[topString(rec, p.CardID)] = true
	}
	return ids, nil
}

// cardOfTask returns the ID of the card a task's key names, if any: keys
// are a card's ID, or end in one ("account/card").
func cardOfTask(cards map[string]bool, key string) string {
	last := key
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		last = key[i+1:]
	}
	if cards[last] {
		return last
	}
	return ""
}

// parseDuration reads a Go duration or days ("30d", "1d12h"), as the admin
// API does.
func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if days, rest, ok := strings.Cut(s, "d"); ok && days != "" {
		n, err := strconv.ParseFloat(days, 64)
		if err != nil {
			return 0, fmt.Errorf("advance %q: want Go syntax like 90s, 15m, 720h or 30d", s)
		}
		d := time.Duration(n * 24 * float64(time.Hour))
		if rest != "" {
			r, err := time.ParseDuration(rest)
			if err != nil {
				return 0, fmt.Errorf("advance %q: want Go syntax like 90s, 15m, 720h or 30d", s)
			}
			d += r
		}
		return d, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("advance %q: want Go syntax like 90s, 15m, 720h or 30d", s)
	}
	return d, nil
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (c *Console) handleTenantReset(w http.ResponseWriter, r *http.Request) (string, string, error) {
	id := r.PathValue("id")
	if err := c.adminCall(r, http.MethodPost, "/tenants/"+url.PathEscape(id)+"/reset", nil, nil); err != nil {
		return "", "", err
	}
	return c.link("tenants", id), "Tenant " + id + " reset: its state, journal and deliveries are gone; credentials and clock stay.", nil
}

func (c *Console) handleTenantDelete(w http.ResponseWriter, r *http.Request) (string, string, error) {
	id := r.PathValue("id")
	if r.PostFormValue("confirm") != id {
		return "", "", fmt.Errorf("to delete tenant %s, type its ID in the confirmation field", id)
	}
	if err := c.adminCall(r, http.MethodDelete, "/tenants/"+url.PathEscape(id), nil, nil); err != nil {
		return "", "", err
	}
	return c.link(), "Tenant " + id + " deleted.", nil
}

// handleClockMove moves a tenant's clock: set, freeze or unfreeze, then
// advance, as the admin API applies them.
func (c *Console) handleClockMove(w http.ResponseWriter, r *http.Request) (string, string, error) {
	id := r.PathValue("id")
	body := map[string]any{}
	if a := strings.TrimSpace(r.PostFormValue("advance")); a != "" {
		body["advance"] = a
	}
	if s := strings.TrimSpace(r.PostFormValue("set")); s != "" {
		body["set"] = s
	}
	switch r.PostFormValue("freeze") {
	case "freeze":
		body["freeze"] = true
	case "unfreeze":
		body["freeze"] = false
	}
	if len(body) == 0 {
		return "", "", fmt.Errorf("say how to move the clock: advance by a duration, set a time, or freeze or unfreeze it")
	}
	var st clockState
	if err := c.adminCall(r, http.MethodPost, "/tenants/"+url.PathEscape(id)+"/clock", body, &st); err != nil {
		return "", "", err
	}
	mode := "running"
	if st.Frozen {
		mode = "frozen"
	}
	return c.link("tenants", id), fmt.Sprintf("Clock of %s now %s (%s); transitions due by then have happened.", id, fmtTime(st.Now), mode), nil
}

// handleTenantWebhooks points a tenant's webhooks of one provider at a URL
// ("" goes back to the server-wide URL, if any).
func (c *Console) handleTenantWebhooks(w http.ResponseWriter, r *http.Request) (string, string, error) {
	id := r.PathValue("id")
	p := r.PostFormValue("provider")
	served, err := c.served(r)
	if err != nil {
		return "", "", err
	}
	if !slices.Contains(served, p) {
		return "", "", fmt.Errorf("this mocksrv serves no provider %q", p)
	}
	u := strings.TrimSpace(r.PostFormValue("url"))
	if u != "" {
		pu, err := url.Parse(u)
		if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
			return "", "", fmt.Errorf("webhook URL %q: want an http:// or https:// URL", u)
		}
	}
	if err := c.adminCall(r, http.MethodPost, "/tenants/"+url.PathEscape(id)+"/webhooks", map[string]string{p: u}, nil); err != nil {
		return "", "", err
	}
	if u == "" {
		return c.link("tenants", id), c.titleOf(p) + " webhooks of " + id + " no longer have a URL of their own.", nil
	}
	return c.link("tenants", id), c.titleOf(p) + " webhooks of " + id + " now go to " + u + ".", nil
}
