package console

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"sync"
	"time"
)

// view is what every template gets: the page's own data under Data.
type view struct {
	Title    string
	Prefix   string
	CSRF     string
	LoggedIn bool
	Flash    *flash
	Nav      string // the navigation entry to mark current
	Here     string // this page's URL, where forms come back to on error
	Live     string // the stream whose activity refreshes the page's live regions
	Data     any
}

// parsePages parses every page template with the shared layout.
func parsePages(funcs template.FuncMap) map[string]*template.Template {
	base := template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/_*.html"))
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	pages := map[string]*template.Template{}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if strings.HasPrefix(name, "_") {
			continue
		}
		t := template.Must(template.Must(base.Clone()).ParseFS(templateFS, f))
		pages[name] = t
	}
	return pages
}

var bufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, tmpl, title string, data any) {
	// Pages are parsed when first needed: a Fleet whose console is never
	// opened (every test Fleet, every property-test run) pays nothing.
	c.pagesOnce.Do(func() { c.pages = parsePages(c.funcs()) })
	t, ok := c.pages[tmpl]
	if !ok {
		http.Error(w, "console: no template "+tmpl, http.StatusInternalServerError)
		return
	}
	sess := c.session(w, r)
	v := view{Title: title, Prefix: c.opts.Prefix, CSRF: c.csrfToken(sess), LoggedIn: token(r) != "",
		Flash: c.takeFlash(w, r), Nav: navOf(c.opts.Prefix, r.URL.Path), Here: r.URL.RequestURI(), Live: c.liveStream(r, tmpl), Data: data}
	buf := bufs.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 1<<20 {
			buf.Reset()
			bufs.Put(buf)
		}
	}()
	if err := t.ExecuteTemplate(buf, "layout", v); err != nil {
		http.Error(w, "console: rendering "+tmpl+": "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// liveStream is the stream URL a page's live regions refresh from: the
// tenant's journal on a tenant's pages, all of it on lists.
func (c *Console) liveStream(r *http.Request, tmpl string) string {
	q := url.Values{"since": {"now"}}
	switch tmpl {
	case "state", "card", "tenant":
		q.Set("tenant", r.PathValue("id"))
	case "tenants", "webhooks", "delivery", "faults":
	default:
		return ""
	}
	return c.opts.Prefix + "/traffic/stream?" + q.Encode()
}

func navOf(prefix, p string) string {
	rest := strings.TrimPrefix(p, prefix+"/")
	switch {
	case strings.HasPrefix(rest, "traffic"):
		return "traffic"
	case strings.HasPrefix(rest, "webhooks"):
		return "webhooks"
	case strings.HasPrefix(rest, "faults"):
		return "faults"
	case strings.HasPrefix(rest, "scenarios"):
		return "scenarios"
	case strings.HasPrefix(rest, "login"):
		return "login"
	}
	return "tenants"
}

func (c *Console) funcs() template.FuncMap {
	return template.FuncMap{
		// ui builds a console URL from path segments, each escaped.
		"ui": func(parts ...string) string { return c.link(parts...) },
		// query adds key/value pairs (empty values left out) to a URL.
		"query":   withQuery,
		"time":    fmtTime,
		"timeish": timeish,
		"pretty":  prettyJSON,
		"json":    toJSON,
		"str":     str,
		"field":   field,
		"add":     func(a, b int) int { return a + b },
		"title":   titleCase,
		"last4":   last4,
		"mask":    mask,
		"joinStr": strings.Join,
		"list":    func(s ...string) []string { return s },
		"lookup": func(m any, k string) string {
			if mm, ok := m.(map[string]string); ok {
				return mm[k]
			}
			return ""
		},
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[str(kv[i])] = kv[i+1]
			}
			return m
		},
		"statusClass": func(code int) string {
			switch {
			case code >= 500 || code == 0:
				return "s5"
			case code >= 400:
				return "s4"
			case code >= 300:
				return "s3"
			}
			return "s2"
		},
	}
}

// link returns the console URL of the escaped path segments.
func (c *Console) link(parts ...string) string {
	var b strings.Builder
	b.WriteString(c.opts.Prefix)
	for _, p := range parts {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(p))
	}
	if len(parts) == 0 {
		b.WriteByte('/')
	}
	return b.String()
}

func withQuery(u string, kv ...any) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if v := str(kv[i+1]); v != "" && v != "0" {
			q.Set(str(kv[i]), v)
		}
	}
	if len(q) == 0 {
		return u
	}
	return u + "?" + q.Encode()
}

// str renders a JSON scalar as text.
func str(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		if x {
			return "true"
		}
		return "false"
	case int:
		return fmt.Sprint(x)
	case map[string]any, []any:
		b, _ := json.Marshal(x)
		return string(b)
	}
	return fmt.Sprint(v)
}

func field(m map[string]any, key string) any {
	if m == nil {
		return nil
	}
	return m[key]
}

// fmtTime shows an RFC 3339 time (string or time.Time) in UTC, to the
// second; the zero time is "—".
func fmtTime(v any) string {
	var t time.Time
	switch x := v.(type) {
	case time.Time:
		t = x
	case string:
		p, err := time.Parse(time.RFC3339Nano, x)
		if err != nil {
			return x
		}
		t = p
	default:
		return str(v)
	}
	if t.IsZero() || t.Year() <= 1 {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}

// timeish reports whether a value is an RFC 3339 time, shown as one.
func timeish(v any) bool {
	s, ok := v.(string)
	if !ok || len(s) < 20 || s[4] != '-' || s[10] != 'T' {
		return false
	}
	_, err := time.Parse(time.RFC3339Nano, s)
	return err == nil
}

// prettyJSON indents s when it is JSON and leaves it alone otherwise.
func prettyJSON(s string) string {
	var buf bytes.Buffer
	if json.Indent(&buf, []byte(s), "", "  ") != nil {
		return s
	}
	return buf.String()
}

func toJSON(v any) string {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err.Error()
	}
	return string(b)
}

func titleCase(s string) string {
	s = strings.ReplaceAll(s, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func last4(s string) string {
	if len(s) <= 4 {
		return s
	}
	return s[len(s)-4:]
}

// mask shows a secret's first four characters only.
func mask(s string) string {
	if len(s) <= 8 {
		return strings.Repeat("•", len(s))
	}
	return s[:4] + strings.Repeat("•", 8)
}
