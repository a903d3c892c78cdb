package contracts

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Example is a provider's published example and the contract it belongs
// to, as the provider's OpenAPI document lists it under
// x-published-examples.
type Example struct {
	Provider string `json:"provider"`
	File     string `json:"file"`                // file name as published (fixtures/<provider>/…)
	Schema   string `json:"schema"`              // schema id it must satisfy
	Op       string `json:"operation,omitempty"` // operationId, for request and response examples
	Webhook  string `json:"webhook,omitempty"`   // event type, for webhook examples
	Part     string `json:"part"`                // request, response, push or reply
}

// Examples returns every published example named in a provider's OpenAPI
// document, including those not embedded here (the harness finds them by
// file name in a directory it is given).
func Examples(provider string) ([]Example, error) {
	d, err := Document(provider)
	if err != nil {
		return nil, err
	}
	var out []Example
	for _, o := range d.Operations {
		op := d.T.Paths.Find(o.Path).GetOperation(strings.ToUpper(o.Method))
		ex, _ := op.Extensions["x-published-examples"].(map[string]any)
		for part, files := range ex {
			schema := o.Request
			if part == "response" {
				schema = o.Response(200)
			}
			for _, f := range asStrings(files) {
				out = append(out, Example{Provider: provider, File: f, Schema: schema, Op: o.ID, Part: part})
			}
		}
	}
	wh, _ := d.T.Extensions["x-webhooks"].(map[string]any)
	for event, v := range wh {
		m, _ := v.(map[string]any)
		ex, _ := m["x-published-examples"].(map[string]any)
		for part, files := range ex {
			key := "x-contract"
			if part == "reply" {
				key = "x-contract-reply"
			}
			id, _ := m[key].(string)
			for _, f := range asStrings(files) {
				out = append(out, Example{Provider: provider, File: f, Schema: provider + "/" + id, Webhook: event, Part: part})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].File < out[j].File })
	return out, nil
}

func asStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// EmbeddedExample returns the bytes of a published example copied into
// contracts/<provider>/examples, if it is there.
func EmbeddedExample(provider, file string) ([]byte, error) {
	b, err := fs.ReadFile(FS, path.Join(provider, "examples", file))
	if err != nil {
		return nil, fmt.Errorf("contracts: example %s/%s is not embedded", provider, file)
	}
	return b, nil
}
