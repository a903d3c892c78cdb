package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims/core"
)

// TestOptions configures Test.
type TestOptions struct {
	Provider    string
	BaseURL     string            // the server that speaks Provider: a real sandbox or mocksrv
	Credentials map[string]string // the provider's object from POST /_mocksrv/tenants
	AllowWrites bool              // also create, freeze, transfer
	Strict      bool
	AdminToken  string // a mocksrv's admin token (serve --admin-token), for the fixtures it seeds
	HTTP        *http.Client
	Log         io.Writer // progress, one line per step (nil: quiet)
}

// script is a provider's scripted conversation.
type script func(ctx context.Context, c *conversation) error

var scripts = map[string]script{}

// Scripted returns the providers that have a conversation script.
func Scripted() []string {
	var out []string
	for p := range scripts {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Test runs a provider's scripted conversation against opts.BaseURL and
// validates every response against its contract. Each step says what it
// expects — success, or the error it provokes — and a different outcome
// fails the step too.
func Test(ctx context.Context, opts TestOptions) (*Report, error) {
	run, ok := scripts[opts.Provider]
	if !ok {
		return nil, fmt.Errorf("no contract conversation for %q (have: %s)", opts.Provider, strings.Join(Scripted(), ", "))
	}
	doc, err := contracts.Document(opts.Provider)
	if err != nil {
		return nil, err
	}
	if opts.HTTP == nil {
		opts.HTTP = &http.Client{Timeout: 30 * time.Second}
	}
	start := core.WallNow()
	c := &conversation{opts: opts, doc: doc, last: start,
		rep: &Report{Tool: "test", Provider: opts.Provider, Strict: opts.Strict, Mode: "strict", Started: start}}
	if err := run(ctx, c); err != nil {
		c.rep.Results = append(c.rep.Results, Result{Provider: opts.Provider, Source: "conversation", Error: "conversation stopped: " + err.Error()})
	}
	c.rep.Finish()
	c.rep.Elapsed = core.WallNow().Sub(start)
	return c.rep, nil
}

// conversation records the steps of a scripted run.
type conversation struct {
	opts TestOptions
	doc  *contracts.Doc
	rep  *Report
	step int
	last time.Time // when the previous step was recorded
}

// expect lists the acceptable outcomes of a step: "success", "error 1004",
// "http 401", or "error *" for any error the provider's envelope names
// (for a server whose exact code the docs do not fix).
type expect []string

func (e expect) String() string { return strings.Join(e, " or ") }

func (e expect) has(v string) bool {
	for _, x := range e {
		if x == v || x == anyError && strings.HasPrefix(v, "error ") {
			return true
		}
	}
	return false
}

// anyError is the expectation met by any error in the provider's envelope.
const anyError = "error *"

// record checks one exchange against its contract and against what the
// step expected, and returns the decoded body for the script to use.
func (c *conversation) record(op, method, path string, reqBody []byte, status int, respBody []byte, want expect) map[string]any {
	c.step++
	o, ok := c.doc.Op(op)
	if !ok {
		c.rep.Results = append(c.rep.Results, Result{Provider: c.doc.Provider, Operation: op, Source: fmt.Sprintf("step %d", c.step),
			Error: "the script names an operation the OpenAPI document lacks"})
		return nil
	}
	src := fmt.Sprintf("step %d: %s %s", c.step, method, path)
	now := core.WallNow()
	elapsed := now.Sub(c.last) // the step's request, and what the script did since the last one
	c.last = now
	if status == 0 {
		// No answer at all (the client could not connect, or gave up):
		// respBody holds its error.
		r := Result{Provider: c.doc.Provider, Operation: op, Part: "response", Source: src, Method: method, Path: path,
			Error: "no answer: " + string(respBody), Elapsed: elapsed}
		c.rep.Results = append(c.rep.Results, r)
		if c.opts.Log != nil {
			fmt.Fprintf(c.opts.Log, "FAIL %-24s %s %s → no answer\n", op, method, path)
		}
		return nil
	}
	if len(want) > 0 && !want.has("success") {
		reqBody = nil // a provoked error sends a bad request on purpose
	}
	results := checkExchange(c.doc, o, contracts.Strict, src, method, path, reqBody, status, respBody)
	for i := range results {
		results[i].Elapsed = elapsed
	}
	last := &results[len(results)-1]
	if len(want) > 0 && last.Variant != "" && !want.has(last.Variant) {
		msg := fmt.Sprintf("expected %s, got %s", want, last.Variant)
		if said := messageOf(last.instance); said != "" {
			msg += fmt.Sprintf(" (%q)", said)
		}
		if last.Error != "" {
			msg = last.Error + "; " + msg
		}
		last.Error = msg
	}
	c.rep.Results = append(c.rep.Results, results...)
	if c.opts.Log != nil {
		verdict := "ok  "
		if last.Failed(c.opts.Strict) {
			verdict = "FAIL"
		}
		fmt.Fprintf(c.opts.Log, "%s %-24s %s %s → %d %s\n", verdict, op, method, path, status, last.Variant)
	}
	var out map[string]any
	_ = json.Unmarshal(respBody, &out)
	return out
}

// skip records a step the script could not run, with the reason.
func (c *conversation) skip(op, why string) {
	c.step++
	c.rep.Results = append(c.rep.Results, Result{Provider: c.doc.Provider, Operation: op, Part: "response",
		Source: fmt.Sprintf("step %d", c.step), Skipped: why})
	if c.opts.Log != nil {
		fmt.Fprintf(c.opts.Log, "skip %-24s %s\n", op, why)
	}
}

// dig walks a decoded body: dig(m, "data", "list", 0, "card_no").
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func digString(v any, path ...any) string {
	s, _ := dig(v, path...).(string)
	return s
}

// admin calls the mocksrv admin API at path, with the admin token when
// there is one.
func (c *conversation) admin(ctx context.Context, method, path, body string) (*http.Response, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.opts.BaseURL, "/")+path, rd)
	if err != nil {
		return nil, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.opts.AdminToken != "" {
		req.Header.Set("Authorization", "Bearer "+c.opts.AdminToken)
	}
	return c.opts.HTTP.Do(req)
}

// mocksrvAdmin reports whether baseURL is a mocksrv (its admin API
// answers), so a write-enabled run can seed fixtures it cannot create
// through the provider API alone (an approved KYC, say).
func (c *conversation) mocksrvAdmin(ctx context.Context) bool {
	res, err := c.admin(ctx, http.MethodGet, "/_mocksrv/health", "")
	if err != nil {
		return false
	}
	defer res.Body.Close()
	return res.StatusCode == http.StatusOK
}

// serverNow returns the business time of the mocksrv tenant whose
// credentials field matches value, or wall time for any other server, so
// list windows cover what the server just created.
func (c *conversation) serverNow(ctx context.Context, field, value string) time.Time {
	if c.mocksrvAdmin(ctx) {
		if tenant := c.tenantOf(ctx, field, value); tenant != "" {
			if res, err := c.admin(ctx, http.MethodGet, "/_mocksrv/tenants/"+tenant+"/clock", ""); err == nil {
				defer res.Body.Close()
				var st struct {
					Now time.Time `json:"now"`
				}
				if json.NewDecoder(res.Body).Decode(&st) == nil && !st.Now.IsZero() {
					return st.Now
				}
			}
		}
	}
	return core.WallNow()
}

// tenantOf finds the mocksrv tenant whose provider credentials field
// matches value.
func (c *conversation) tenantOf(ctx context.Context, field, value string) string {
	res, err := c.admin(ctx, http.MethodGet, "/_mocksrv/tenants", "")
	if err != nil {
		return ""
	}
	defer res.Body.Close()
	var out struct {
		Tenants []map[string]any `json:"tenants"`
	}
	_ = json.NewDecoder(res.Body).Decode(&out)
	for _, t := range out.Tenants {
		if digString(t, c.opts.Provider, field) == value {
			id, _ := t["id"].(string)
			return id
		}
	}
	return ""
}

// adminPost calls the mocksrv admin API and decodes the answer.
func (c *conversation) adminPost(ctx context.Context, path, body string) (map[string]any, error) {
	res, err := c.admin(ctx, http.MethodPost, path, body)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	if res.StatusCode >= 300 {
		return out, fmt.Errorf("admin %s: %d %v", path, res.StatusCode, out["message"])
	}
	return out, nil
}

// reqBytes renders a request body as the client sent it.
func reqBytes(body any) []byte {
	switch b := body.(type) {
	case nil:
		return nil
	case []byte:
		return b
	case string:
		return []byte(b)
	case json.RawMessage:
		return b
	}
	out, _ := json.Marshal(body)
	return out
}

// recordWebhook checks one webhook or push payload of event against its
// contract; problem, when set, fails it too (a signature that does not
// verify, say).
func (c *conversation) recordWebhook(event, source string, body []byte, problem string) {
	c.step++
	r := Result{Provider: c.doc.Provider, Operation: event, Webhook: true, Part: "push",
		Source: fmt.Sprintf("step %d: %s", c.step, source), Schema: c.doc.Webhooks[event]}
	if r.Schema == "" {
		r.Error = fmt.Sprintf("no contract for %s event %q", c.doc.Provider, event)
	} else {
		r.instance, _ = contracts.Decode(body)
		vs, err := contracts.Violations(r.Schema, body, contracts.Strict)
		if err != nil {
			r.Error = err.Error()
		}
		r.Violations = vs
	}
	if problem != "" {
		r.Error = strings.TrimPrefix(r.Error+"; "+problem, "; ")
	}
	c.rep.Results = append(c.rep.Results, r)
	if c.opts.Log != nil {
		verdict := "ok  "
		if r.Failed(c.opts.Strict) {
			verdict = "FAIL"
		}
		fmt.Fprintf(c.opts.Log, "%s %-24s %s\n", verdict, event, source)
	}
}

// delivery is a webhook delivery as a mocksrv's admin API lists it.
type delivery struct {
	ID       string `json:"id"`
	Event    string `json:"event"`
	Body     string `json:"body"`
	Seq      int    `json:"seq"`
	Attempts []struct {
		Headers map[string]string `json:"headers"`
	} `json:"attempts"`
}

// deliveries lists a mocksrv tenant's webhook deliveries of the provider,
// oldest first.
func (c *conversation) deliveries(ctx context.Context, tenant string) ([]delivery, error) {
	q := url.Values{"tenant": {tenant}, "provider": {c.opts.Provider}}
	res, err := c.admin(ctx, http.MethodGet, "/_mocksrv/webhooks?"+q.Encode(), "")
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /_mocksrv/webhooks: status %d", res.StatusCode)
	}
	var out struct {
		Deliveries []delivery `json:"deliveries"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		return nil, err
	}
	sort.Slice(out.Deliveries, func(i, j int) bool { return out.Deliveries[i].Seq < out.Deliveries[j].Seq })
	return out.Deliveries, nil
}

// webhookMark returns the sequence number of a mocksrv tenant's newest
// webhook delivery of the provider (0 for none), so a run checks only the
// deliveries it caused.
func (c *conversation) webhookMark(ctx context.Context, tenant string) int {
	ds, _ := c.deliveries(ctx, tenant)
	mark := 0
	for _, d := range ds {
		mark = max(mark, d.Seq)
	}
	return mark
}

// checkWebhooks settles a mocksrv tenant (delivering what is due) and
// checks every webhook delivery newer than mark against its event's
// contract. verify, when set, checks the signature headers of each
// delivery attempt (there are attempts only when the tenant has a
// webhook URL).
func (c *conversation) checkWebhooks(ctx context.Context, tenant string, mark int, verify func(body []byte, headers map[string]string) error) {
	if _, err := c.adminPost(ctx, "/_mocksrv/flush?tenant="+url.QueryEscape(tenant), ""); err != nil {
		c.skip("webhooks", "could not settle the tenant: "+err.Error())
		return
	}
	ds, err := c.deliveries(ctx, tenant)
	if err != nil {
		c.skip("webhooks", "could not list the webhook deliveries: "+err.Error())
		return
	}
	for _, d := range ds {
		if d.Seq <= mark {
			continue
		}
		problem := ""
		if verify != nil {
			for i, a := range d.Attempts {
				if len(a.Headers) == 0 {
					continue
				}
				if err := verify([]byte(d.Body), a.Headers); err != nil {
					problem = fmt.Sprintf("attempt %d: %v", i+1, err)
					break
				}
			}
		}
		c.recordWebhook(d.Event, "webhook "+d.ID+" "+d.Event, []byte(d.Body), problem)
	}
}

// header reads a header from a delivery attempt's map, whatever its case.
func header(h map[string]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// messageOf returns the message an answer carries ("message" or "msg" at
// the top level), to show why a step did not go as expected.
func messageOf(body any) string {
	for _, k := range []string{"/message", "/msg"} {
		if s, ok := pointerValue(body, k).(string); ok && s != "" {
			if len(s) > 200 {
				s = s[:197] + "..."
			}
			return s
		}
	}
	return ""
}
