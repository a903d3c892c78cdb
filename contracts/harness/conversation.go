package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
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
	c := &conversation{opts: opts, doc: doc, rep: &Report{Tool: "test", Provider: opts.Provider, Strict: opts.Strict, Mode: "strict"}}
	if err := run(ctx, c); err != nil {
		c.rep.Results = append(c.rep.Results, Result{Provider: opts.Provider, Source: "conversation", Error: "conversation stopped: " + err.Error()})
	}
	c.rep.Finish()
	return c.rep, nil
}

// conversation records the steps of a scripted run.
type conversation struct {
	opts TestOptions
	doc  *contracts.Doc
	rep  *Report
	step int
}

// expect lists the acceptable outcomes of a step: "success", "error 1004",
// "http 401".
type expect []string

func (e expect) String() string { return strings.Join(e, " or ") }

func (e expect) has(v string) bool {
	for _, x := range e {
		if x == v {
			return true
		}
	}
	return false
}

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
	if len(want) > 0 && !want.has("success") {
		reqBody = nil // a provoked error sends a bad request on purpose
	}
	results := checkExchange(c.doc, o, contracts.Strict, src, method, path, reqBody, status, respBody)
	last := &results[len(results)-1]
	if len(want) > 0 && last.Variant != "" && !want.has(last.Variant) {
		msg := fmt.Sprintf("expected %s, got %s", want, last.Variant)
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

// mocksrvAdmin reports whether baseURL is a mocksrv (its admin API
// answers), so a write-enabled run can seed fixtures it cannot create
// through the provider API alone (an approved KYC, say).
func (c *conversation) mocksrvAdmin(ctx context.Context) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(c.opts.BaseURL, "/")+"/_mocksrv/health", nil)
	if err != nil {
		return false
	}
	res, err := c.opts.HTTP.Do(req)
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
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(c.opts.BaseURL, "/")+"/_mocksrv/tenants/"+tenant+"/clock", nil)
			if res, err := c.opts.HTTP.Do(req); err == nil {
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
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(c.opts.BaseURL, "/")+"/_mocksrv/tenants", nil)
	res, err := c.opts.HTTP.Do(req)
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
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(c.opts.BaseURL, "/")+path, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	res, err := c.opts.HTTP.Do(req)
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
