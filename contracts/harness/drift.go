package harness

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/mocksrv/mocksrv/contracts"
)

// Drift is one difference between what bodies carry and what the schema
// says: the list a maintainer needs to update a contract.
type Drift struct {
	Kind     string `json:"kind"` // unknown-field, type-differs, undocumented-value, never-seen
	Schema   string `json:"schema"`
	Pointer  string `json:"pointer"` // array indices shown as *
	Detail   string `json:"detail"`
	Examples int    `json:"occurrences"`
}

var index = regexp.MustCompile(`/\d+(/|$)`)

func generalize(ptr string) string {
	for index.MatchString(ptr) {
		ptr = index.ReplaceAllString(ptr, "/*$1")
	}
	return ptr
}

// drift derives the drift list from every checked body.
func drift(results []Result, mode string) []Drift {
	type key struct{ kind, schema, ptr, detail string }
	counts := map[key]int{}
	fields := map[string]*fieldSet{} // schema + "|" + generalized object pointer
	schemas, _ := contracts.Schemas(modeOf(mode))
	for _, r := range results {
		if r.Part == "request" {
			continue // drift is about what servers send; request problems are the client's
		}
		for _, v := range r.Violations {
			k := key{schema: r.Schema, ptr: generalize(v.Pointer)}
			switch v.Keyword {
			case "unevaluatedProperties", "additionalProperties":
				k.kind, k.detail = "unknown-field", "the schema does not declare it"
			case "type":
				k.kind, k.detail = "type-differs", fmt.Sprintf("%s; seen %s", v.Message, v.Value)
			case "enum", "const":
				k.kind, k.detail = "undocumented-value", fmt.Sprintf("value %s is not in the schema", v.Value)
			default:
				continue
			}
			counts[k]++
		}
		if s := schemas[r.Schema]; s != nil && r.instance != nil {
			walkFields(s, r.instance, "", r.Schema, fields, 0)
		}
	}
	var out []Drift
	for k, n := range counts {
		out = append(out, Drift{Kind: k.kind, Schema: k.schema, Pointer: k.ptr, Detail: k.detail, Examples: n})
	}
	for id, fs := range fields {
		schema, ptr, _ := strings.Cut(id, "|")
		for name := range fs.documented {
			if !fs.seen[name] {
				out = append(out, Drift{Kind: "never-seen", Schema: schema, Pointer: ptr + "/" + name,
					Detail: fmt.Sprintf("documented, absent from all %d bodies checked", fs.objects), Examples: fs.objects})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Schema != b.Schema {
			return a.Schema < b.Schema
		}
		return a.Pointer < b.Pointer
	})
	return out
}

type fieldSet struct {
	documented map[string]bool
	seen       map[string]bool
	objects    int
}

// walkFields follows the schema along the instance (through $ref, allOf,
// matching anyOf/oneOf branches and if/then/else) and records, for each
// object it meets, the properties the schema documents and those present.
func walkFields(s *jsonschema.Schema, inst any, ptr, schemaID string, acc map[string]*fieldSet, depth int) {
	if s == nil || depth > 64 {
		return
	}
	if s.Ref != nil {
		walkFields(s.Ref, inst, ptr, schemaID, acc, depth+1)
	}
	for _, sub := range s.AllOf {
		walkFields(sub, inst, ptr, schemaID, acc, depth+1)
	}
	for _, list := range [][]*jsonschema.Schema{s.AnyOf, s.OneOf} {
		for _, sub := range list {
			if sub.Validate(inst) == nil {
				walkFields(sub, inst, ptr, schemaID, acc, depth+1)
			}
		}
	}
	if s.If != nil {
		if s.If.Validate(inst) == nil {
			walkFields(s.Then, inst, ptr, schemaID, acc, depth+1)
		} else {
			walkFields(s.Else, inst, ptr, schemaID, acc, depth+1)
		}
	}
	switch v := inst.(type) {
	case map[string]any:
		if len(s.Properties) == 0 {
			return
		}
		id := schemaID + "|" + generalize(ptr)
		fs := acc[id]
		if fs == nil {
			fs = &fieldSet{documented: map[string]bool{}, seen: map[string]bool{}}
			acc[id] = fs
		}
		fs.objects++
		for name, ps := range s.Properties {
			fs.documented[name] = true
			if x, ok := v[name]; ok {
				fs.seen[name] = true
				walkFields(ps, x, ptr+"/"+name, schemaID, acc, depth+1)
			}
		}
	case []any:
		item := s.Items2020
		if is, ok := s.Items.(*jsonschema.Schema); ok && item == nil {
			item = is
		}
		for i, x := range v {
			walkFields(item, x, fmt.Sprintf("%s/%d", ptr, i), schemaID, acc, depth+1)
		}
	}
}

func modeOf(name string) contracts.Mode {
	switch name {
	case "doc-examples":
		return contracts.DocStrict
	}
	return contracts.Strict
}
