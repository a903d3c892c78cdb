package scenarios

import (
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

func parseDuration(s string) (time.Duration, error) { return core.ParseDuration(s) }

// pointer reads a JSON pointer (/data/list/0/status) or a dotted path
// (data.list[0].status) from a decoded value; nil when absent.
func pointer(v any, path string) any {
	v, _ = lookup(v, path)
	return v
}

func lookup(v any, path string) (any, bool) {
	var toks []string
	if strings.HasPrefix(path, "/") {
		for _, t := range strings.Split(path[1:], "/") {
			toks = append(toks, strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~"))
		}
	} else {
		for _, part := range strings.Split(path, ".") {
			name, rest, _ := strings.Cut(part, "[")
			if name != "" {
				toks = append(toks, name)
			}
			for rest != "" {
				idx, after, _ := strings.Cut(rest, "]")
				toks = append(toks, idx)
				rest = strings.TrimPrefix(after, "[")
			}
		}
	}
	for _, t := range toks {
		switch c := v.(type) {
		case map[string]any:
			x, ok := c[t]
			if !ok {
				return nil, false
			}
			v = x
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			v = c[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// matchAll checks every path → matcher against v and returns the failures.
func matchAll(what string, ms map[string]json.RawMessage, v any, vars map[string]any) []string {
	keys := make([]string, 0, len(ms))
	for k := range ms {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var fails []string
	for _, k := range keys {
		got, found := lookup(v, k)
		if f := match(what+" "+k, ms[k], got, found, vars); f != "" {
			fails = append(fails, f)
		}
	}
	return fails
}

// match checks one value against a matcher: a plain value to equal, or an
// object with one operator (eq, ne, exists, contains, matches, len, gt,
// gte, lt, lte, one_of).
func match(what string, raw json.RawMessage, got any, found bool, vars map[string]any) string {
	var m any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	_ = dec.Decode(&m)
	m = expand(m, vars)
	ops, isOp := m.(map[string]any)
	if !isOp || !isOperator(ops) {
		if !found {
			return fmt.Sprintf("%s: expected %s, got nothing (absent)", what, show(m))
		}
		if !equal(m, got) {
			return fmt.Sprintf("%s: expected %s, got %s", what, show(m), show(got))
		}
		return ""
	}
	for op, want := range ops {
		fail := ""
		switch op {
		case "eq":
			if !found || !equal(want, got) {
				fail = fmt.Sprintf("expected %s, got %s", show(want), showFound(got, found))
			}
		case "ne":
			if found && equal(want, got) {
				fail = fmt.Sprintf("expected anything but %s", show(want))
			}
		case "exists":
			if w, _ := want.(bool); w != found {
				fail = fmt.Sprintf("expected exists=%v, got %s", w, showFound(got, found))
			}
		case "contains":
			s := fmt.Sprint(want)
			switch g := got.(type) {
			case string:
				if !strings.Contains(g, s) {
					fail = fmt.Sprintf("expected a string containing %q, got %s", s, show(got))
				}
			case []any:
				ok := false
				for _, x := range g {
					if equal(want, x) {
						ok = true
					}
				}
				if !ok {
					fail = fmt.Sprintf("expected an array containing %s, got %s", show(want), show(got))
				}
			default:
				fail = fmt.Sprintf("expected a string or array containing %s, got %s", show(want), showFound(got, found))
			}
		case "matches":
			re, err := regexp.Compile(fmt.Sprint(want))
			if err != nil {
				fail = "bad regular expression: " + err.Error()
			} else if s, ok := got.(string); !ok || !re.MatchString(s) {
				fail = fmt.Sprintf("expected a string matching %s, got %s", re, showFound(got, found))
			}
		case "len":
			n, _ := strconv.Atoi(fmt.Sprint(want))
			l := -1
			switch g := got.(type) {
			case []any:
				l = len(g)
			case map[string]any:
				l = len(g)
			case string:
				l = len(g)
			}
			if l != n {
				fail = fmt.Sprintf("expected length %d, got %d (%s)", n, l, showFound(got, found))
			}
		case "gt", "gte", "lt", "lte":
			a, okA := num(got)
			b, okB := num(want)
			if !okA || !okB {
				fail = fmt.Sprintf("expected a number %s %s, got %s", op, show(want), showFound(got, found))
				break
			}
			c := a.Cmp(b)
			if !(op == "gt" && c > 0 || op == "gte" && c >= 0 || op == "lt" && c < 0 || op == "lte" && c <= 0) {
				fail = fmt.Sprintf("expected %s %s %s", show(got), op, show(want))
			}
		case "one_of":
			ok := false
			list, _ := want.([]any)
			for _, x := range list {
				if found && equal(x, got) {
					ok = true
				}
			}
			if !ok {
				fail = fmt.Sprintf("expected one of %s, got %s", show(want), showFound(got, found))
			}
		}
		if fail != "" {
			return what + ": " + fail
		}
	}
	return ""
}

var operators = map[string]bool{"eq": true, "ne": true, "exists": true, "contains": true, "matches": true, "len": true,
	"gt": true, "gte": true, "lt": true, "lte": true, "one_of": true}

func isOperator(m map[string]any) bool {
	if len(m) == 0 {
		return false
	}
	for k := range m {
		if !operators[k] {
			return false
		}
	}
	return true
}

// equal compares decoded JSON values; numbers compare by value, so 100,
// 100.0 and "100"-the-number are equal, but "100"-the-string is not.
func equal(a, b any) bool {
	na, okA := num(a)
	nb, okB := num(b)
	if okA && okB && isNumber(a) && isNumber(b) {
		return na.Cmp(nb) == 0
	}
	return reflect.DeepEqual(normalize(a), normalize(b))
}

func isNumber(v any) bool {
	switch v.(type) {
	case json.Number, float64, int, int64:
		return true
	}
	return false
}

func num(v any) (*big.Float, bool) {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case float64:
		return big.NewFloat(x), true
	case int:
		return big.NewFloat(float64(x)), true
	case string:
		s = x
	default:
		return nil, false
	}
	f, _, err := big.ParseFloat(s, 10, 200, big.ToNearestEven)
	return f, err == nil
}

func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, vv := range x {
			out[k] = normalize(vv)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, vv := range x {
			out[i] = normalize(vv)
		}
		return out
	case json.Number:
		return x.String()
	}
	return v
}

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}

func showFound(v any, found bool) string {
	if !found {
		return "nothing (absent)"
	}
	return show(v)
}

var template = regexp.MustCompile(`\{\{\s*([A-Za-z_][A-Za-z0-9_.\[\]]*)\s*\}\}`)

// expand replaces {{name.path}} templates in every string of v. A string
// that is exactly one template takes the variable's own type.
func expand(v any, vars map[string]any) any {
	switch x := v.(type) {
	case string:
		if m := template.FindStringSubmatch(x); m != nil && m[0] == strings.TrimSpace(x) {
			if val, ok := resolve(m[1], vars); ok {
				return val
			}
			return x
		}
		return expandString(x, vars)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, vv := range x {
			out[k] = expand(vv, vars)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, vv := range x {
			out[i] = expand(vv, vars)
		}
		return out
	}
	return v
}

func expandString(s string, vars map[string]any) string {
	return template.ReplaceAllStringFunc(s, func(t string) string {
		m := template.FindStringSubmatch(t)
		val, ok := resolve(m[1], vars)
		if !ok {
			return t
		}
		if s, isString := val.(string); isString {
			return s
		}
		return strings.Trim(show(val), `"`)
	})
}

func resolve(path string, vars map[string]any) (any, bool) {
	name, rest, _ := strings.Cut(path, ".")
	root, ok := vars[name]
	if !ok {
		return nil, false
	}
	if rest == "" {
		return root, true
	}
	return lookup(root, rest)
}
