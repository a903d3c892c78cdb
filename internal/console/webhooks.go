package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

var deliveryFilterKeys = []string{"tenant", "provider", "event", "state"}

type webhooksView struct {
	Filters     map[string]string
	Deliveries  []delivery
	Total       int
	Page, Pages int
	Providers   []string
	States      []string
}

const deliveriesPerPage = 50

// handleWebhooks lists webhook deliveries, newest first, filtered.
func (c *Console) handleWebhooks(w http.ResponseWriter, r *http.Request) (string, string, any, error) {
	served, err := c.served(r)
	if err != nil {
		return "", "", nil, err
	}
	q := url.Values{}
	v := webhooksView{Filters: map[string]string{}, Providers: served, States: []string{"pending", "delivered", "failed", "no_endpoint"}}
	for _, k := range deliveryFilterKeys {
		if s := strings.TrimSpace(r.URL.Query().Get(k)); s != "" {
			q.Set(k, s)
			v.Filters[k] = s
		}
	}
	var out struct {
		Deliveries []delivery `json:"deliveries"`
	}
	if err := c.adminCall(r, http.MethodGet, "/webhooks?"+q.Encode(), nil, &out); err != nil {
		return "", "", nil, err
	}
	slices.Reverse(out.Deliveries)
	v.Total = len(out.Deliveries)
	v.Pages = max(1, (v.Total+deliveriesPerPage-1)/deliveriesPerPage)
	v.Page, _ = strconv.Atoi(r.URL.Query().Get("page"))
	v.Page = min(max(v.Page, 1), v.Pages)
	lo := (v.Page - 1) * deliveriesPerPage
	v.Deliveries = out.Deliveries[lo:min(lo+deliveriesPerPage, v.Total)]
	return "webhooks", "Webhooks", v, nil
}

type deliveryView struct {
	D    delivery
	Body string
}

// handleDelivery shows one delivery with every attempt: when, where, the
// signature headers sent, the receiver's answer.
func (c *Console) handleDelivery(w http.ResponseWriter, r *http.Request) (string, string, any, error) {
	id := r.PathValue("id")
	var d delivery
	if err := c.adminCall(r, http.MethodGet, "/webhooks/"+url.PathEscape(id), nil, &d); err != nil {
		return "", "", nil, err
	}
	slices.Reverse(d.Attempts)
	return "delivery", "Delivery " + id, deliveryView{D: d, Body: prettyJSON(d.Body)}, nil
}

func (c *Console) handleRedeliver(w http.ResponseWriter, r *http.Request) (string, string, error) {
	id := r.PathValue("id")
	var d delivery
	if err := c.adminCall(r, http.MethodPost, "/webhooks/"+url.PathEscape(id)+"/redeliver", nil, &d); err != nil {
		return "", "", err
	}
	return c.link("webhooks", id), fmt.Sprintf("Delivery %s queued again (%s): a new round of attempts starts now.", id, d.State), nil
}

// fault is a fault rule as the admin API shows it.
type fault struct {
	ID        string          `json:"id"`
	Tenant    string          `json:"tenant,omitempty"`
	Provider  string          `json:"provider,omitempty"`
	Route     string          `json:"route,omitempty"`
	Method    string          `json:"method,omitempty"`
	Webhook   bool            `json:"webhook,omitempty"`
	Nth       int             `json:"nth,omitempty"`
	Times     int             `json:"times,omitempty"`
	Delay     json.RawMessage `json:"delay,omitempty"`
	Error     json.RawMessage `json:"error,omitempty"`
	Status    int             `json:"status,omitempty"`
	Body      string          `json:"body,omitempty"`
	RateLimit bool            `json:"rate_limit,omitempty"`
	Drop      bool            `json:"drop,omitempty"`
	Duplicate bool            `json:"duplicate,omitempty"`
	Matched   int             `json:"matched"`
	Fired     int             `json:"fired"`
	Spent     bool            `json:"spent"`
}

// Does says what the rule does, in words.
func (f fault) Does() string {
	var parts []string
	if len(f.Delay) > 0 && string(f.Delay) != `"0s"` && string(f.Delay) != "0" {
		parts = append(parts, "delay "+strings.Trim(string(f.Delay), `"`))
	}
	switch {
	case len(f.Error) > 0 && string(f.Error) != "null":
		parts = append(parts, "error "+string(f.Error))
	case f.Status != 0:
		parts = append(parts, "status "+strconv.Itoa(f.Status))
	case f.RateLimit:
		parts = append(parts, "rate limit")
	case f.Drop:
		parts = append(parts, "drop the connection")
	case f.Duplicate:
		parts = append(parts, "deliver twice")
	}
	return strings.Join(parts, ", ")
}

type faultsView struct {
	Faults    []fault
	Providers []string
	Kinds     []string
	Tenant    string
}

var errorKinds = []string{"invalid", "unauthorized", "forbidden", "not_found", "conflict", "rate_limited", "unavailable", "internal"}

func (c *Console) handleFaults(w http.ResponseWriter, r *http.Request) (string, string, any, error) {
	var out struct {
		Faults []fault `json:"faults"`
	}
	if err := c.adminCall(r, http.MethodGet, "/faults", nil, &out); err != nil {
		return "", "", nil, err
	}
	served, err := c.served(r)
	if err != nil {
		return "", "", nil, err
	}
	return "faults", "Faults", faultsView{Faults: out.Faults, Providers: served, Kinds: errorKinds, Tenant: r.URL.Query().Get("tenant")}, nil
}

// handleFaultAdd adds a rule from the form: what it matches, then at most
// one action (plus an optional delay).
func (c *Console) handleFaultAdd(w http.ResponseWriter, r *http.Request) (string, string, error) {
	f := map[string]any{}
	for _, k := range []string{"tenant", "provider", "route", "method"} {
		if v := strings.TrimSpace(r.PostFormValue(k)); v != "" {
			f[k] = v
		}
	}
	if r.PostFormValue("webhook") != "" {
		f["webhook"] = true
	}
	for _, k := range []string{"nth", "times"} {
		if v := strings.TrimSpace(r.PostFormValue(k)); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return "", "", fmt.Errorf("%s must be a whole number ≥ 0, got %q", k, v)
			}
			f[k] = n
		}
	}
	if v := strings.TrimSpace(r.PostFormValue("delay")); v != "" {
		f["delay"] = v
	}
	switch a := r.PostFormValue("action"); a {
	case "", "delay":
	case "error":
		e := map[string]any{"kind": r.PostFormValue("kind")}
		if v := strings.TrimSpace(r.PostFormValue("code")); v != "" {
			e["code"] = v
		}
		if v := strings.TrimSpace(r.PostFormValue("message")); v != "" {
			e["message"] = v
		}
		f["error"] = e
	case "status":
		n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("status")))
		if err != nil || n < 100 || n > 599 {
			return "", "", fmt.Errorf("status must be an HTTP status (100–599), got %q", r.PostFormValue("status"))
		}
		f["status"] = n
		if b := r.PostFormValue("body"); b != "" {
			f["body"] = b
		}
	case "rate_limit", "drop", "duplicate":
		f[a] = true
	default:
		return "", "", fmt.Errorf("unknown fault action %q", a)
	}
	var out fault
	if err := c.adminCall(r, http.MethodPost, "/faults", f, &out); err != nil {
		return "", "", err
	}
	return c.back(r), "Fault rule " + out.ID + " added.", nil
}

func (c *Console) handleFaultDelete(w http.ResponseWriter, r *http.Request) (string, string, error) {
	id := r.PathValue("id")
	if err := c.adminCall(r, http.MethodDelete, "/faults/"+url.PathEscape(id), nil, nil); err != nil {
		return "", "", err
	}
	return c.back(r), "Fault rule " + id + " removed.", nil
}

func (c *Console) handleFaultClear(w http.ResponseWriter, r *http.Request) (string, string, error) {
	q := url.Values{}
	if t := strings.TrimSpace(r.PostFormValue("tenant")); t != "" {
		q.Set("tenant", t)
	}
	if err := c.adminCall(r, http.MethodDelete, "/faults?"+q.Encode(), nil, nil); err != nil {
		return "", "", err
	}
	if t := q.Get("tenant"); t != "" {
		return c.back(r), "Fault rules of tenant " + t + " cleared.", nil
	}
	return c.back(r), "Every fault rule cleared.", nil
}
