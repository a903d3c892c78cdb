package scenarios

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"go.yaml.in/yaml/v3"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims/core"
)

// SchemaJSON is the JSON Schema of the scenario format.
//
//go:embed scenario.schema.json
var SchemaJSON []byte

// Scenario is one parsed scenario file.
type Scenario struct {
	Name        string                  `json:"name"`
	Description string                  `json:"description"`
	Tags        []string                `json:"tags"`
	Seed        uint64                  `json:"seed"`
	Tenant      string                  `json:"tenant"`
	Clock       *Clock                  `json:"clock"`
	Options     map[string]any          `json:"options"` // provider → tenant options, as POST /_mocksrv/tenants takes them
	Webhooks    map[string]ReceiverSpec `json:"webhooks"`
	Given       []GivenGroup            `json:"-"` // in file order
	Steps       []Step                  `json:"steps"`

	File        string `json:"-"`
	OptionsLine int    `json:"-"` // where options: is, for errors the server finds in them
}

// Clock sets or moves a tenant's business clock.
type Clock struct {
	Set     string `json:"set,omitempty"`
	Freeze  *bool  `json:"freeze,omitempty"`
	Advance string `json:"advance,omitempty"`
}

// ReceiverSpec says how the runner's webhook receiver answers.
type ReceiverSpec struct {
	FailFirst int    `json:"fail_first"`
	Reply     string `json:"reply"`
}

// GivenGroup is one provider's list of objects to create.
type GivenGroup struct {
	Provider string
	Items    []GivenItem
}

// GivenItem creates one object: POST /_mocksrv/tenants/{id}/{provider}/{kind}.
type GivenItem struct {
	Kind string
	As   string
	Body map[string]any
	Line int
}

// Step is one step; exactly one action (call, advance, clock, card,
// create, fault, clear_faults, flush) or expectation block is set, except
// that call goes with expect and save.
type Step struct {
	Name             string            `json:"name"`
	Call             *Call             `json:"call"`
	Expect           *Expect           `json:"expect"`
	Save             map[string]string `json:"save"`
	Advance          string            `json:"advance"`
	Clock            *Clock            `json:"clock"`
	Card             *CardStep         `json:"card"`
	CardEvent        *CardEventStep    `json:"card_event"`
	Create           *CreateStep       `json:"create"`
	Fault            json.RawMessage   `json:"fault"`
	ClearFaults      bool              `json:"clear_faults"`
	Flush            bool              `json:"flush"`
	ExpectWebhooks   *ExpectWebhooks   `json:"expect_webhooks"`
	ExpectJournal    *ExpectJournal    `json:"expect_journal"`
	ExpectDeliveries *ExpectDeliveries `json:"expect_deliveries"`
	ExpectState      *ExpectState      `json:"expect_state"`
	Line             int               `json:"-"`
}

// Label names the step in reports: "step 3 (line 27) “freeze the card”".
func (s Step) Label(i int) string {
	l := fmt.Sprintf("step %d (line %d)", i+1, s.Line)
	if s.Name != "" {
		l += " “" + s.Name + "”"
	}
	return l
}

// Call is a request to a provider endpoint.
type Call struct {
	Provider        string            `json:"provider"`
	Method          string            `json:"method"`
	Path            string            `json:"path"`
	Query           map[string]any    `json:"query"`
	Body            json.RawMessage   `json:"body"`
	Headers         map[string]string `json:"headers"`
	Auth            *bool             `json:"auth"`
	TimestampOffset string            `json:"timestamp_offset"`
	Replay          bool              `json:"replay"`
	Timeout         string            `json:"timeout"`
}

// Expect holds expectations on a call's answer.
type Expect struct {
	Status   int                        `json:"status"`
	Code     json.RawMessage            `json:"code"`
	JSON     map[string]json.RawMessage `json:"json"`
	Headers  map[string]json.RawMessage `json:"headers"`
	Contract *bool                      `json:"contract"`
	Error    string                     `json:"error"`
}

// CardStep drives a card through the admin API.
type CardStep struct {
	Provider string `json:"provider"`
	Card     string `json:"card"`
	Action   string `json:"action"`
}

// CardEventStep sends a card-network event to a card (an authorization,
// its increment, reversal, expiry, clearing, a refund, a chargeback): the
// admin API's POST …/cards/{card}/events, in the provider's own terms.
type CardEventStep struct {
	Provider string `json:"provider"`
	Card     string `json:"card"`
	core.CardEvent
	As string `json:"as"` // save what the provider answers (the transaction) under this name
}

// CreateStep creates state mid-scenario.
type CreateStep struct {
	Provider string         `json:"provider"`
	Kind     string         `json:"kind"`
	With     map[string]any `json:"with"`
	As       string         `json:"as"`
}

// ExpectWebhooks checks what the runner's receiver got.
type ExpectWebhooks struct {
	Provider  string                     `json:"provider"`
	Events    []string                   `json:"events"`
	Count     *int                       `json:"count"`
	Signature string                     `json:"signature"`
	Contract  *bool                      `json:"contract"`
	JSON      map[string]json.RawMessage `json:"json"`
}

// ExpectJournal counts journal entries of the scenario's tenant.
type ExpectJournal struct {
	Provider string `json:"provider"`
	Route    string `json:"route"`
	Status   int    `json:"status"`
	Type     string `json:"type"`
	Count    *int   `json:"count"`
	Min      *int   `json:"min"`
}

// ExpectDeliveries checks the outbox's record of deliveries.
type ExpectDeliveries struct {
	Provider string `json:"provider"`
	Event    string `json:"event"`
	State    string `json:"state"`
	Attempts *int   `json:"attempts"`
}

// ExpectState matches the provider's state dump for the tenant.
type ExpectState struct {
	Provider string                     `json:"provider"`
	JSON     map[string]json.RawMessage `json:"json"`
}

// FileError is an error in a scenario file, with its place.
type FileError struct {
	File  string
	Line  int
	Field string // "steps[2].call.method"
	Msg   string
}

func (e *FileError) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc += ":" + strconv.Itoa(e.Line)
	}
	if e.Field != "" {
		return fmt.Sprintf("%s: %s: %s", loc, e.Field, e.Msg)
	}
	return fmt.Sprintf("%s: %s", loc, e.Msg)
}

// LoadFile reads and parses a scenario file.
func LoadFile(path string) (*Scenario, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(path, b)
}

var schema = sync.OnceValues(func() (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	if err := c.AddResource("https://mocksrv.local/scenarios/scenario.schema.json", strings.NewReader(string(SchemaJSON))); err != nil {
		return nil, err
	}
	return c.Compile("https://mocksrv.local/scenarios/scenario.schema.json")
})

// Parse parses a scenario from YAML (or JSON). name is the file name used
// in errors and as the default scenario name.
func Parse(name string, src []byte) (*Scenario, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		return nil, yamlError(name, err)
	}
	if len(root.Content) == 0 {
		return nil, &FileError{File: name, Msg: "empty scenario"}
	}
	doc := root.Content[0]
	inst, err := toJSON(doc)
	if err != nil {
		return nil, &FileError{File: name, Line: doc.Line, Msg: err.Error()}
	}
	s, err := schema()
	if err != nil {
		return nil, err
	}
	if vs := contracts.ValidateValue(s, inst); len(vs) > 0 {
		v := mostSpecific(vs)
		n := nodeAt(doc, v.Pointer)
		return nil, &FileError{File: name, Line: n.Line, Field: fieldName(v.Pointer), Msg: schemaMessage(v)}
	}
	raw, _ := json.Marshal(inst)
	var sc Scenario
	if err := json.Unmarshal(raw, &sc); err != nil {
		return nil, &FileError{File: name, Msg: err.Error()}
	}
	sc.File = name
	if sc.Name == "" {
		sc.Name = strings.TrimSuffix(strings.TrimSuffix(filepath.Base(name), ".yaml"), ".yml")
	}
	if sc.Seed == 0 {
		sc.Seed = 1
	}
	if opts := mapValue(doc, "options"); opts != nil {
		sc.OptionsLine = opts.Line
	}
	steps := mapValue(doc, "steps")
	for i := range sc.Steps {
		if steps != nil && i < len(steps.Content) {
			sc.Steps[i].Line = steps.Content[i].Line
		}
	}
	if given := mapValue(doc, "given"); given != nil {
		for i := 0; i+1 < len(given.Content); i += 2 {
			g := GivenGroup{Provider: given.Content[i].Value}
			for _, item := range given.Content[i+1].Content {
				kind := item.Content[0].Value
				var body map[string]any
				v, _ := toJSON(item.Content[1])
				body, _ = v.(map[string]any)
				as, _ := body["as"].(string)
				delete(body, "as")
				g.Items = append(g.Items, GivenItem{Kind: kind, As: as, Body: body, Line: item.Line})
			}
			sc.Given = append(sc.Given, g)
		}
	}
	if err := sc.check(steps); err != nil {
		return nil, err
	}
	return &sc, nil
}

// check enforces what the schema cannot say: one action per step, and
// expect or save only after a call.
func (sc *Scenario) check(steps *yaml.Node) error {
	for i, st := range sc.Steps {
		actions := 0
		for _, set := range []bool{st.Call != nil, st.Advance != "", st.Clock != nil, st.Card != nil, st.CardEvent != nil, st.Create != nil,
			len(st.Fault) > 0, st.ClearFaults, st.Flush, st.ExpectWebhooks != nil, st.ExpectJournal != nil,
			st.ExpectDeliveries != nil, st.ExpectState != nil} {
			if set {
				actions++
			}
		}
		field := fmt.Sprintf("steps[%d]", i)
		switch {
		case actions == 0:
			return &FileError{File: sc.File, Line: st.Line, Field: field, Msg: "a step needs an action: call, advance, clock, card, card_event, create, fault, clear_faults, flush or an expect_* block"}
		case actions > 1:
			return &FileError{File: sc.File, Line: st.Line, Field: field, Msg: "one action per step (split it in two)"}
		case (st.Expect != nil || len(st.Save) > 0) && st.Call == nil:
			return &FileError{File: sc.File, Line: st.Line, Field: field + ".expect", Msg: "expect and save belong to a call step"}
		}
		if st.Advance != "" {
			if _, err := parseDuration(st.Advance); err != nil {
				return &FileError{File: sc.File, Line: st.Line, Field: field + ".advance", Msg: err.Error()}
			}
		}
		if st.Clock != nil && st.Clock.Set != "" {
			if _, err := time.Parse(time.RFC3339, st.Clock.Set); err != nil {
				return &FileError{File: sc.File, Line: st.Line, Field: field + ".clock.set", Msg: "want RFC 3339, like 2027-01-01T00:00:00Z"}
			}
		}
	}
	return nil
}

func yamlError(file string, err error) error {
	msg := err.Error()
	line := 0
	if i := strings.Index(msg, "line "); i >= 0 {
		fmt.Sscanf(msg[i:], "line %d", &line)
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	if line > 0 {
		msg = strings.TrimPrefix(msg, fmt.Sprintf("line %d: ", line))
	}
	return &FileError{File: file, Line: line, Msg: "not valid YAML: " + msg}
}

// mostSpecific picks the violation deepest in the document: the one a
// person should fix.
func mostSpecific(vs []contracts.Violation) contracts.Violation {
	sort.SliceStable(vs, func(i, j int) bool { return strings.Count(vs[i].Pointer, "/") > strings.Count(vs[j].Pointer, "/") })
	for _, v := range vs {
		if v.Keyword != "anyOf" && v.Keyword != "oneOf" {
			return v
		}
	}
	return vs[0]
}

func schemaMessage(v contracts.Violation) string {
	switch v.Keyword {
	case "additionalProperties":
		return "unknown field: " + v.Message
	case "required":
		return "missing field: " + v.Message
	}
	return v.Message
}

// fieldName turns /steps/2/call/method into steps[2].call.method.
func fieldName(ptr string) string {
	var b strings.Builder
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		if tok == "" {
			continue
		}
		if _, err := strconv.Atoi(tok); err == nil {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	if b.Len() == 0 {
		return "(top level)"
	}
	return b.String()
}

// nodeAt returns the YAML node a JSON pointer names (or the deepest one
// found), for its line.
func nodeAt(n *yaml.Node, ptr string) *yaml.Node {
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		if tok == "" {
			continue
		}
		var next *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == tok {
					next = n.Content[i+1]
					if next.Kind == yaml.ScalarNode {
						next = n.Content[i] // point at the key for scalars
					}
				}
			}
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(tok); err == nil && i < len(n.Content) {
				next = n.Content[i]
			}
		}
		if next == nil {
			return n
		}
		n = next
	}
	return n
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// toJSON converts a YAML node to JSON-compatible values (numbers as
// json.Number, timestamps as the text written).
func toJSON(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return toJSON(n.Content[0])
	case yaml.AliasNode:
		return toJSON(n.Alias)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: keys must be plain strings", k.Line)
			}
			v, err := toJSON(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[k.Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := toJSON(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	switch n.Tag {
	case "!!null":
		return nil, nil
	case "!!bool":
		var b bool
		err := n.Decode(&b)
		return b, err
	case "!!int", "!!float":
		if _, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64); err == nil {
			return json.Number(strings.ReplaceAll(n.Value, "_", "")), nil
		}
		return n.Value, nil
	}
	return n.Value, nil
}
