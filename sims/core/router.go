package core

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"

	"github.com/gorilla/mux"
)

// Router routes one provider's requests to its named routes, each request
// through core's middleware. Routes are flat: a method, a path pattern
// ("/card/{card_no}/detail") and a route name. A path is matched segment by
// segment with no regular expression unless a variable asks for one
// ("{seq:[0-9]+}"): making a Router compiles nothing, so a Fleet starts in
// well under a millisecond per provider, and matching costs one pass over
// the path's segments whatever the number of routes. (gorilla/mux, which
// the admin API uses, compiled a regular expression per route per server
// and tried them one by one on every request: most of a Fleet's start-up
// time and a tenth of a request's.)
//
// A path no route has is answered by the provider's NotFound, a path some
// route has with another method by its MethodNotAllowed; both go through
// the middleware and answer in the provider's envelope. Paths are matched
// as sent, never cleaned or redirected.
type Router struct {
	env    *Env
	wire   Wire
	bySegs map[int][]*route // routes by their number of path segments
	all    []*route         // in registration order
}

// RouteInfo describes one route, for the contract surface check.
type RouteInfo struct {
	Name, Method, Path string
}

type route struct {
	RouteInfo
	segs []segment
	h    http.Handler
}

// segment is one segment of a path pattern: a literal, or a variable that
// takes any non-empty segment (or one matching re).
type segment struct {
	lit  string
	name string // a variable's name; "" for a literal
	re   *regexp.Regexp
}

func newRouter(env *Env, wire Wire) *Router {
	return &Router{env: env, wire: wire, bySegs: map[int][]*route{}}
}

// Handle routes method and path (a pattern) to h under the route name.
// It panics on a malformed pattern, a bug in the provider's route table.
func (rt *Router) Handle(method, path, name string, h http.Handler) {
	if !strings.HasPrefix(path, "/") {
		panic(fmt.Sprintf("core: route %s: path %q must start with /", name, path))
	}
	parts := strings.Split(path[1:], "/")
	segs := make([]segment, len(parts))
	for i, p := range parts {
		if !strings.HasPrefix(p, "{") || !strings.HasSuffix(p, "}") {
			segs[i] = segment{lit: p}
			continue
		}
		vname, pattern, hasRE := strings.Cut(p[1:len(p)-1], ":")
		segs[i] = segment{name: vname}
		if hasRE {
			segs[i].re = regexp.MustCompile("^(?:" + pattern + ")$")
		}
	}
	r := &route{RouteInfo: RouteInfo{Name: name, Method: method, Path: path}, segs: segs, h: h}
	rt.bySegs[len(segs)] = append(rt.bySegs[len(segs)], r)
	rt.all = append(rt.all, r)
}

// HandleFunc is Handle for a function.
func (rt *Router) HandleFunc(method, path, name string, h http.HandlerFunc) {
	rt.Handle(method, path, name, h)
}

// Routes returns every route, in registration order.
func (rt *Router) Routes() []RouteInfo {
	out := make([]RouteInfo, len(rt.all))
	for i, r := range rt.all {
		out[i] = r.RouteInfo
	}
	return out
}

// ServeHTTP routes r.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if !strings.HasPrefix(path, "/") {
		rt.env.serve(rt.wire, "", nil, rt.env.notFoundHandler(rt.wire), w, r)
		return
	}
	n := strings.Count(path, "/")
	var vars []string
	pathMatched := false
	for _, cand := range rt.bySegs[n] {
		vars = vars[:0]
		if !cand.match(path[1:], &vars) {
			continue
		}
		if cand.Method != r.Method {
			pathMatched = true
			continue
		}
		rt.env.serve(rt.wire, cand.Name, vars, cand.h, w, r)
		return
	}
	if pathMatched {
		rt.env.serve(rt.wire, "", nil, rt.env.methodNotAllowedHandler(rt.wire), w, r)
		return
	}
	rt.env.serve(rt.wire, "", nil, rt.notFound(), w, r)
}

// notFound answers a path no route has in the provider's envelope, naming
// the nearest routes (a client that misspelt a path sees the right one),
// and notes them in the journal entry's error.
func (rt *Router) notFound() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		msg := fmt.Sprintf("no %s endpoint %s %s", rt.wire.Provider, r.Method, r.URL.Path)
		if near := rt.nearest(r.Method, r.URL.Path, 3); len(near) > 0 {
			msg += "; nearest: " + strings.Join(near, ", ")
			CallOf(r).Err = "unknown path; nearest: " + strings.Join(near, ", ")
		}
		rt.wire.WriteError(w, r, &Error{Kind: KindNotFound, Status: http.StatusNotFound, Message: msg})
	})
}

// nearest returns up to n routes closest to method and path, as "METHOD
// /path/{var} (route.name)", nearest first: the fewest single-character
// edits from the path to the route's pattern, a variable standing for the
// path's segment at its place; a route of another method costs a little
// more. Routes further than about a third of the path are not suggested.
func (rt *Router) nearest(method, path string, n int) []string {
	type scored struct {
		d int
		s string
	}
	var best []scored
	limit := max(3, len(path)/3)
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for _, r := range rt.all {
		var b strings.Builder
		for i, s := range r.segs {
			b.WriteByte('/')
			switch {
			case s.name == "":
				b.WriteString(s.lit)
			case i < len(parts) && parts[i] != "":
				b.WriteString(parts[i]) // a variable takes the path's own segment
			default:
				b.WriteString("x")
			}
		}
		d := editDistance(path, b.String())
		if r.Method != method {
			d += 2
		}
		if d <= limit {
			best = append(best, scored{d, r.Method + " " + r.Path + " (" + r.Name + ")"})
		}
	}
	sort.SliceStable(best, func(i, j int) bool { return best[i].d < best[j].d })
	var out []string
	for i := 0; i < len(best) && i < n; i++ {
		out = append(out, best[i].s)
	}
	return out
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// match reports whether path (without its leading /) fits the route's
// segments, appending its variables as name, value pairs.
func (r *route) match(path string, vars *[]string) bool {
	for i, s := range r.segs {
		var part string
		if i == len(r.segs)-1 {
			part = path
		} else {
			j := strings.IndexByte(path, '/')
			if j < 0 {
				return false
			}
			part, path = path[:j], path[j+1:]
		}
		switch {
		case s.name == "":
			if part != s.lit {
				return false
			}
		case part == "" || (s.re != nil && !s.re.MatchString(part)):
			return false
		default:
			*vars = append(*vars, s.name, part)
		}
	}
	return true
}

// PathVar returns the path variable name of the route that matched r
// ("card_no" of "/card/{card_no}/detail"), or "".
func PathVar(r *http.Request, name string) string {
	vars := CallOf(r).vars
	for i := 0; i+1 < len(vars); i += 2 {
		if vars[i] == name {
			return vars[i+1]
		}
	}
	return mux.Vars(r)[name] // a handler mounted on a mux.Router (the admin API, tests)
}
