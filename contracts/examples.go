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
	// BadJSON marks an example published as invalid JSON (a typo in the
	// docs); a fixed copy is listed under the same schema.
	BadJSON bool `json:"bad_json,omitempty"`
	// Unchecked says why a published example is not an API body (a
	// signing input, say), from x-published-examples-unchecked.
	Unchecked string `json:"unchecked,omitempty"`
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
	// Examples that belong to no operation (a one-off document, say):
	// x-published-examples-unrouted: {file: "schema.json [note]"}.
	unrouted, _ := d.T.Extensions["x-published-examples-unrouted"].(map[string]any)
	for file, v := range unrouted {
		spec, _ := v.(string)
		fields := strings.Fields(spec)
		if len(fields) == 0 {
			continue
		}
		out = append(out, Example{Provider: provider, File: file, Schema: provider + "/" + fields[0], Part: "response",
			BadJSON: strings.Contains(spec, "invalid JSON")})
	}
	unchecked, _ := d.T.Extensions["x-published-examples-unchecked"].(map[string]any)
	for file, v := range unchecked {
		why, _ := v.(string)
		out = append(out, Example{Provider: provider, File: file, Unchecked: why})
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
