package console

import (
	"crypto/rand"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"sync"
	"time"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Options configures a console.
type Options struct {
	// Prefix is the path the console is mounted at (default "/_mocksrv/ui").
	Prefix string
	// AdminPrefix is the admin API's path (default "/_mocksrv").
	AdminPrefix string
	// PageSize is how many records a state table shows per page (default 50).
	PageSize int
	// StreamInterval is how often the traffic stream polls the journal
	// (default 250 ms).
	StreamInterval time.Duration
	// StreamBatch is the most journal entries one poll sends; when more
	// arrived since the last poll, the newest are sent and the rest
	// counted as skipped (default 200).
	StreamBatch int
	// StreamWriteTimeout ends a stream whose browser does not take an event
	// within it (default 10 s).
	StreamWriteTimeout time.Duration
}

// Console serves the QA console. Make one with New.
type Console struct {
	admin     http.Handler
	views     map[string]*providerView // tailored views by provider; others are generic
	opts      Options
	key       []byte                        // CSRF HMAC key, fresh per process
	pages     map[string]*template.Template // parsed on the first page served
	pagesOnce sync.Once
	mux       *http.ServeMux
}

// New returns the console's handler. Every read and action is a request to
// admin, the admin API's handler, made in-process with the logged-in
// user's token.
func New(admin http.Handler, opts Options) http.Handler {
	return newConsole(admin, opts)
}

func newConsole(admin http.Handler, opts Options) *Console {
	if opts.Prefix == "" {
		opts.Prefix = "/_mocksrv/ui"
	}
	opts.Prefix = strings.TrimRight(opts.Prefix, "/")
	if opts.AdminPrefix == "" {
		opts.AdminPrefix = "/_mocksrv"
	}
	if opts.PageSize <= 0 {
		opts.PageSize = 50
	}
	if opts.StreamInterval <= 0 {
		opts.StreamInterval = 250 * time.Millisecond
	}
	if opts.StreamBatch <= 0 {
		opts.StreamBatch = 200
	}
	if opts.StreamWriteTimeout <= 0 {
		opts.StreamWriteTimeout = 10 * time.Second
	}
	c := &Console{admin: admin, opts: opts, key: make([]byte, 32), views: tailoredViews}
	if _, err := rand.Read(c.key); err != nil {
		panic(fmt.Sprintf("console: no randomness for the CSRF key: %v", err)) // crypto/rand never fails on supported platforms
	}
	c.routes()
	return c
}

func (c *Console) routes() {
	p := c.opts.Prefix
	m := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	m.Handle("GET "+p+"/static/", http.StripPrefix(p+"/static/", cacheStatic(http.FileServerFS(static))))
	m.HandleFunc("GET "+p+"/{$}", c.page(c.handleTenants))
	m.HandleFunc("GET "+p+"/login", c.handleLoginForm)
	m.HandleFunc("POST "+p+"/login", c.handleLogin)
	m.HandleFunc("POST "+p+"/logout", c.action(c.handleLogout))
	m.HandleFunc("POST "+p+"/tenants", c.action(c.handleTenantCreate))
	m.HandleFunc("GET "+p+"/tenants/{id}", c.page(c.handleTenant))
	m.HandleFunc("POST "+p+"/tenants/{id}/reset", c.action(c.handleTenantReset))
	m.HandleFunc("POST "+p+"/tenants/{id}/delete", c.action(c.handleTenantDelete))
	m.HandleFunc("POST "+p+"/tenants/{id}/clock", c.action(c.handleClockMove))
	m.HandleFunc("POST "+p+"/tenants/{id}/webhooks", c.action(c.handleTenantWebhooks))
	m.HandleFunc("GET "+p+"/tenants/{id}/{provider}", c.page(c.handleState))
	m.HandleFunc("POST "+p+"/tenants/{id}/{provider}/create/{kind}", c.action(c.handleCreate))
	m.HandleFunc("GET "+p+"/tenants/{id}/{provider}/cards/{card}", c.page(c.handleCard))
	m.HandleFunc("POST "+p+"/tenants/{id}/{provider}/cards/{card}/{action}", c.action(c.handleCardAction))
	m.HandleFunc("GET "+p+"/traffic", c.page(c.handleTraffic))
	m.HandleFunc("GET "+p+"/traffic/stream", c.handleStream)
	m.HandleFunc("GET "+p+"/traffic/{seq}", c.page(c.handleEntry))
	m.HandleFunc("GET "+p+"/webhooks", c.page(c.handleWebhooks))
	m.HandleFunc("GET "+p+"/webhooks/{id}", c.page(c.handleDelivery))
	m.HandleFunc("POST "+p+"/webhooks/{id}/redeliver", c.action(c.handleRedeliver))
	m.HandleFunc("GET "+p+"/faults", c.page(c.handleFaults))
	m.HandleFunc("POST "+p+"/faults", c.action(c.handleFaultAdd))
	m.HandleFunc("POST "+p+"/faults/clear", c.action(c.handleFaultClear))
	m.HandleFunc("POST "+p+"/faults/{id}/delete", c.action(c.handleFaultDelete))
	m.HandleFunc("GET "+p+"/scenarios", c.page(c.handleScenarios))
	m.HandleFunc("POST "+p+"/scenarios", c.action(c.handleScenarioLoad))
	m.HandleFunc("POST "+p+"/scenarios/run", c.action(c.handleScenarioRun))
	m.HandleFunc(p+"/", c.handleNotFound)
	c.mux = m
}

// ServeHTTP serves the console's pages and actions. Every answer forbids
// framing and sniffing, and allows scripts and styles from the console
// only.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	if r.URL.Path == c.opts.Prefix {
		http.Redirect(w, r, c.opts.Prefix+"/", http.StatusFound)
		return
	}
	c.mux.ServeHTTP(w, r)
}

func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		h.ServeHTTP(w, r)
	})
}

func (c *Console) handleNotFound(w http.ResponseWriter, r *http.Request) {
	c.render(w, r, http.StatusNotFound, "error", "Not found", errorView{
		Title:   "Not found",
		Message: fmt.Sprintf("The console has no page %s %s.", r.Method, r.URL.Path),
	})
}
