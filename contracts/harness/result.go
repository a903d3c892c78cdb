package harness

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/contracts"
)

// Result is one body checked against one schema.
type Result struct {
	Provider   string                `json:"provider"`
	Operation  string                `json:"operation"`         // operationId, or the webhook event type
	Webhook    bool                  `json:"webhook,omitempty"` // Operation is an event type
	Part       string                `json:"part"`              // request, response, push or reply
	Source     string                `json:"source"`            // file, HAR entry, or conversation step
	Method     string                `json:"method,omitempty"`
	Path       string                `json:"path,omitempty"`
	Status     int                   `json:"status,omitempty"`
	Variant    string                `json:"variant,omitempty"` // "success", "error 1004", "http 502"
	Schema     string                `json:"schema,omitempty"`
	Violations []contracts.Violation `json:"violations,omitempty"`
	Error      string                `json:"error,omitempty"` // could not check at all
	Skipped    string                `json:"skipped,omitempty"`
	Elapsed    time.Duration         `json:"duration_ns,omitempty"` // the exchange's round trip, when the tool timed it

	instance any // decoded body, for drift
}

// Failed reports whether the result breaks its contract. Unknown fields
// fail only in strict mode.
func (r Result) Failed(strict bool) bool {
	if r.Error != "" {
		return true
	}
	for _, v := range r.Violations {
		if strict || !isUnknownField(v) {
			return true
		}
	}
	return false
}

func isUnknownField(v contracts.Violation) bool {
	return v.Keyword == "unevaluatedProperties" || v.Keyword == "additionalProperties"
}

// Name is a short label: "card.list response (status 200)".
func (r Result) Name() string {
	s := r.Operation + " " + r.Part
	if r.Status != 0 {
		s += fmt.Sprintf(" (%d %s)", r.Status, r.Variant)
	}
	return s
}

// Report gathers every result of a run with its coverage and drift.
type Report struct {
	Tool     string   `json:"tool"` // test, check or proxy
	Provider string   `json:"provider"`
	Strict   bool     `json:"strict"`
	Mode     string   `json:"mode"`
	Results  []Result `json:"results"`
	Coverage Coverage `json:"coverage"`
	Drift    []Drift  `json:"drift"`
	// Started and Elapsed time the run (zero when the tool did not): the
	// JUnit report's timestamp and time.
	Started time.Time     `json:"started,omitzero"`
	Elapsed time.Duration `json:"duration_ns,omitempty"`
}

// OK reports whether everything conformed.
func (rep *Report) OK() bool {
	for _, r := range rep.Results {
		if r.Failed(rep.Strict) {
			return false
		}
	}
	return true
}

// Counts returns how many results passed, failed and were skipped.
func (rep *Report) Counts() (passed, failed, skipped int) {
	for _, r := range rep.Results {
		switch {
		case r.Skipped != "":
			skipped++
		case r.Failed(rep.Strict):
			failed++
		default:
			passed++
		}
	}
	return
}

// Coverage says which operations and response variants a run exercised.
type Coverage struct {
	Operations []OpCoverage `json:"operations"`
	Touched    int          `json:"touched"`
	Total      int          `json:"total"`
	// ErrorCodesSeen lists the provider's documented error codes a run
	// provoked (every code seen, when its document lists none), and
	// ErrorCodesUnseen those it never provoked.
	ErrorCodesSeen   []string `json:"error_codes_seen"`
	ErrorCodesUnseen []string `json:"error_codes_unseen"`
	Webhooks         []string `json:"webhooks_seen,omitempty"`
	WebhooksUnseen   []string `json:"webhooks_unseen,omitempty"`
}

// OpCoverage is one operation's coverage.
type OpCoverage struct {
	Operation string   `json:"operation"`
	Method    string   `json:"method"`
	Path      string   `json:"path"`
	Variants  []string `json:"variants"` // e.g. ["success", "error 1004"]
	Requests  int      `json:"requests_checked"`
	Extension bool     `json:"extension,omitempty"`
}

// Finish computes coverage and drift from the results.
func (rep *Report) Finish() {
	doc, err := contracts.Document(rep.Provider)
	if err != nil {
		return
	}
	seen := map[string]map[string]bool{}
	reqs := map[string]int{}
	codes := map[string]bool{}
	hooks := map[string]bool{}
	for _, r := range rep.Results {
		if r.Skipped != "" || r.Error != "" && r.Schema == "" {
			continue
		}
		if r.Webhook {
			hooks[r.Operation] = true
			continue
		}
		if r.Part == "request" {
			reqs[r.Operation]++
			continue
		}
		if seen[r.Operation] == nil {
			seen[r.Operation] = map[string]bool{}
		}
		if r.Variant != "" {
			seen[r.Operation][r.Variant] = true
			if code, ok := strings.CutPrefix(r.Variant, "error "); ok {
				codes[code] = true
			}
		}
	}
	var cov Coverage
	for _, o := range doc.Operations {
		oc := OpCoverage{Operation: o.ID, Method: strings.ToUpper(o.Method), Path: o.Path, Requests: reqs[o.ID], Extension: o.Extension}
		for v := range seen[o.ID] {
			oc.Variants = append(oc.Variants, v)
		}
		sort.Strings(oc.Variants)
		if len(oc.Variants) > 0 || oc.Requests > 0 {
			cov.Touched++
		}
		cov.Operations = append(cov.Operations, oc)
	}
	cov.Total = len(doc.Operations)
	for _, c := range doc.ErrorCodes {
		if codes[c] {
			cov.ErrorCodesSeen = append(cov.ErrorCodesSeen, c)
		} else {
			cov.ErrorCodesUnseen = append(cov.ErrorCodesUnseen, c)
		}
	}
	if len(doc.ErrorCodes) == 0 {
		// The document lists no error codes (no x-error-codes): report the
		// codes seen, with nothing to call unseen.
		cov.ErrorCodesSeen = sortedKeys(codes)
	}
	for _, ev := range sortedKeys(doc.Webhooks) {
		if hooks[ev] {
			cov.Webhooks = append(cov.Webhooks, ev)
		} else {
			cov.WebhooksUnseen = append(cov.WebhooksUnseen, ev)
		}
	}
	rep.Coverage = cov
	rep.Drift = drift(rep.Results, rep.Mode)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
