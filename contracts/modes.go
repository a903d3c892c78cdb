package contracts

// schemaKeywordsWithData are keywords whose values are data, not
// subschemas; the transforms never descend into them.
var schemaKeywordsWithData = map[string]bool{
	"enum": true, "const": true, "examples": true, "default": true, "x-doc-values": true, "required": true,
}

// strictify returns a copy of a schema document in which every object
// schema that declares properties also refuses undeclared ones
// (unevaluatedProperties: false), unless it already says what extra
// properties may be. unevaluatedProperties sees through $ref, allOf and
// if/then, so a property declared by an envelope and one declared by a
// payload are both "evaluated".
func strictify(v any) any {
	switch n := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(n)+1)
		for k, c := range n {
			if schemaKeywordsWithData[k] {
				out[k] = c
				continue
			}
			out[k] = strictify(c)
		}
		_, hasProps := n["properties"]
		_, hasAP := n["additionalProperties"]
		_, hasUP := n["unevaluatedProperties"]
		if hasProps && isObjectType(n["type"]) && !hasAP && !hasUP {
			out["unevaluatedProperties"] = false
		}
		return out
	case []any:
		out := make([]any, len(n))
		for i, c := range n {
			out[i] = strictify(c)
		}
		return out
	}
	return v
}

func isObjectType(t any) bool {
	switch tt := t.(type) {
	case string:
		return tt == "object"
	case []any:
		for _, x := range tt {
			if x == "object" {
				return true
			}
		}
	}
	return false
}

// placeholder matches the stand-ins published examples use for "some
// string": the empty string and angle-bracketed tokens like "<string>".
var placeholder = map[string]any{"type": "string", "pattern": `^(|<[^<>]*>)$`}

var stringRules = []string{"enum", "const", "format", "pattern", "minLength", "maxLength"}

// docify returns a copy of a schema document in which every value rule
// (enum, const, format, pattern, minLength, maxLength) is moved into
// anyOf[rules, placeholder, x-doc-values], so a placeholder — or a value the
// schema lists as a known erratum of the published examples — satisfies it.
// Keys, types and required properties are untouched.
func docify(v any) any {
	switch n := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(n)+1)
		for k, c := range n {
			if schemaKeywordsWithData[k] {
				out[k] = c
				continue
			}
			out[k] = docify(c)
		}
		rules := map[string]any{}
		for _, k := range stringRules {
			if r, ok := out[k]; ok {
				rules[k] = r
				delete(out, k)
			}
		}
		if len(rules) == 0 {
			return out
		}
		alts := []any{rules, placeholder}
		if dv, ok := n["x-doc-values"].([]any); ok && len(dv) > 0 {
			alts = append(alts, map[string]any{"enum": dv})
		}
		allOf, _ := out["allOf"].([]any)
		out["allOf"] = append(append([]any(nil), allOf...), map[string]any{"anyOf": alts})
		return out
	case []any:
		out := make([]any, len(n))
		for i, c := range n {
			out[i] = docify(c)
		}
		return out
	}
	return v
}
