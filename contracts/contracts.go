package contracts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// Mode selects which variant of the schemas a check uses.
type Mode int

// The schema variants. All three are compiled from the same files.
const (
	Exact       Mode = iota // the schema as written
	Strict                  // also refuses properties a schema does not declare
	DocExamples             // placeholders satisfy string rules; x-doc-values accepted
	DocStrict               // DocExamples plus Strict
)

func (m Mode) String() string {
	return [...]string{"exact", "strict", "doc-examples", "doc-strict"}[m]
}

// Violation is one way a body breaks its contract.
type Violation struct {
	Pointer string `json:"pointer"` // JSON pointer into the body ("" is the root)
	Keyword string `json:"keyword"` // the schema rule broken: required, type, enum, …
	Schema  string `json:"schema"`  // keyword location inside the schema
	Message string `json:"message"`
	Value   string `json:"value,omitempty"` // the value seen, compact and shortened
}

func (v Violation) String() string {
	p := v.Pointer
	if p == "" {
		p = "/"
	}
	s := fmt.Sprintf("%s: %s (%s)", p, v.Message, v.Keyword)
	if v.Value != "" {
		s += " — got " + v.Value
	}
	return s
}

// Error is returned by Check when a body violates its contract.
type Error struct {
	ID         string
	Violations []Violation
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d contract violation(s)", e.ID, len(e.Violations))
	for _, v := range e.Violations {
		b.WriteString("\n  ")
		b.WriteString(v.String())
	}
	return b.String()
}

type compiled struct {
	once    sync.Once
	schemas map[string]*jsonschema.Schema
	err     error
}

var modes [4]compiled

// IDs returns the id ("keysecure/card_list.response.json") of every
// embedded schema, sorted.
func IDs() []string {
	var ids []string
	_ = fs.WalkDir(FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") && !strings.Contains(p, "/examples/") {
			ids = append(ids, p)
		}
		return nil
	})
	sort.Strings(ids)
	return ids
}

// Schemas compiles every embedded schema in mode m once and returns them by
// id. Safe for concurrent use.
func Schemas(m Mode) (map[string]*jsonschema.Schema, error) {
	c := &modes[m]
	c.once.Do(func() { c.schemas, c.err = compile(m) })
	return c.schemas, c.err
}

func compile(m Mode) (map[string]*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	c.LoadURL = func(s string) (io.ReadCloser, error) {
		return nil, fmt.Errorf("contracts: schema %s is not embedded (remote refs are not loaded)", s)
	}
	ids := IDs()
	for _, id := range ids {
		raw, err := FS.ReadFile(id)
		if err != nil {
			return nil, err
		}
		var doc any
		if err := json.Unmarshal(raw, &doc); err != nil {
			return nil, fmt.Errorf("contracts: %s: %w", id, err)
		}
		if obj, ok := doc.(map[string]any); ok {
			if want := BaseURI + id; obj["$id"] != want {
				return nil, fmt.Errorf("contracts: %s: $id must be %q, got %v", id, want, obj["$id"])
			}
		}
		if m == Strict || m == DocStrict {
			doc = strictify(doc)
		}
		if m == DocExamples || m == DocStrict {
			doc = docify(doc)
		}
		out, _ := json.Marshal(doc)
		if err := c.AddResource(BaseURI+id, bytes.NewReader(out)); err != nil {
			return nil, fmt.Errorf("contracts: %s: %w", id, err)
		}
	}
	schemas := make(map[string]*jsonschema.Schema, len(ids))
	for _, id := range ids {
		s, err := c.Compile(BaseURI + id)
		if err != nil {
			return nil, fmt.Errorf("contracts: compile %s: %w", id, err)
		}
		schemas[id] = s
	}
	return schemas, nil
}

// ErrNoSchema is returned for an id that names no embedded schema.
var ErrNoSchema = errors.New("no such contract schema")

// Check validates body against the schema id in Exact mode.
func Check(id string, body []byte) error { return CheckMode(id, body, Exact) }

// CheckMode validates body against the schema id in mode m. It returns nil,
// an *Error listing every violation, or another error when the schema is
// unknown or the body is not JSON.
func CheckMode(id string, body []byte, m Mode) error {
	vs, err := Violations(id, body, m)
	if err != nil {
		return err
	}
	if len(vs) > 0 {
		return &Error{ID: id, Violations: vs}
	}
	return nil
}

// Violations returns every way body breaks schema id in mode m.
func Violations(id string, body []byte, m Mode) ([]Violation, error) {
	schemas, err := Schemas(m)
	if err != nil {
		return nil, err
	}
	s, ok := schemas[id]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNoSchema, id)
	}
	inst, err := Decode(body)
	if err != nil {
		return []Violation{{Keyword: "json", Message: "body is not valid JSON: " + err.Error()}}, nil
	}
	return ValidateValue(s, inst), nil
}

// Decode parses JSON keeping numbers exact (json.Number), as validation
// needs: a float64 would turn 2011377754139471874 into 2011377754139471872.
func Decode(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("trailing data after the JSON value")
	}
	return v, nil
}

// ValidateValue validates an already decoded instance (numbers as
// json.Number) and returns its violations.
func ValidateValue(s *jsonschema.Schema, inst any) []Violation {
	err := s.Validate(inst)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []Violation{{Keyword: "schema", Message: err.Error()}}
	}
	var out []Violation
	seen := map[string]bool{}
	var walk func(*jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		v := Violation{
			Pointer: e.InstanceLocation,
			Keyword: lastSegment(e.KeywordLocation),
			Schema:  e.KeywordLocation,
			Message: e.Message,
			Value:   show(pointerValue(inst, e.InstanceLocation)),
		}
		if k := v.Pointer + "\x00" + v.Schema + "\x00" + v.Message; !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	walk(ve)
	return out
}

func lastSegment(loc string) string {
	seg := path.Base(loc)
	if seg == "/" || seg == "." {
		return "schema"
	}
	return seg
}

// pointerValue returns the value at a JSON pointer, or nil.
func pointerValue(v any, ptr string) any {
	if ptr == "" {
		return v
	}
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch c := v.(type) {
		case map[string]any:
			v = c[tok]
		case []any:
			var i int
			if _, err := fmt.Sscan(tok, &i); err != nil || i < 0 || i >= len(c) {
				return nil
			}
			v = c[i]
		default:
			return nil
		}
	}
	return v
}

func show(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 120 {
		return string(b[:117]) + "..."
	}
	return string(b)
}

// T is the subset of testing.TB that Validate uses.
type T interface {
	Helper()
	Errorf(format string, args ...any)
}

// Validate checks body against schema id in Strict mode — no property the
// schema does not declare — and fails t with every violation. Use it on
// every response a simulator gives in tests.
func Validate(t T, id string, body []byte) {
	t.Helper()
	if err := CheckMode(id, body, Strict); err != nil {
		t.Errorf("contract %v\nbody: %s", err, clipBody(body))
	}
}

func clipBody(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "…"
	}
	return string(b)
}
