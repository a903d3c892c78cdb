package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mocksrv/mocksrv/scenarios"
	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/core"
)

type serveConfig struct {
	addr, providers, state, auth, start, allowIPs, logLevel, logFormat, adminToken, pprofAddr, tenantOptions string
	listen, webhookURLs                                                                                      listFlag
	seed                                                                                                     uint64
	stateInterval, readHeaderTimeout, idleTimeout                                                            time.Duration
	validate, freeze                                                                                         bool
	journalSize                                                                                              int
	journalBytes, journalTotalBytes                                                                          byteSize
	webhookTimeout                                                                                           time.Duration
	webhookConcurrency, maxTenants                                                                           int
	tenantTTL                                                                                                time.Duration
}

func serveFlags(stderr io.Writer) (*flag.FlagSet, *serveConfig) {
	c := &serveConfig{}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8080", "address every provider and the admin API listen on")
	fs.StringVar(&c.providers, "providers", strings.Join(sims.AllProviders, ","), "comma-separated providers to serve; the others answer at their paths with an error saying so")
	fs.Var(&c.listen, "listen", "extra listener serving one provider (and the admin API), provider=host:port; repeatable, comma-separated in the environment")
	fs.Uint64Var(&c.seed, "seed", 1, "seed of the default tenant's fake data (0 = random)")
	fs.StringVar(&c.state, "state", "", "state file: loaded at start, saved atomically on a timer and at shutdown")
	fs.DurationVar(&c.stateInterval, "state-interval", 30*time.Second, "how often to save --state when something changed (0 = only at shutdown)")
	fs.StringVar(&c.auth, "auth", "strict", "credential checks: strict, lenient (present but not verified) or off")
	fs.BoolVar(&c.validate, "validate", false, "check every response against its contract; violations are logged and journaled")
	fs.Var(&c.webhookURLs, "webhook-url", "where a provider's webhooks go for every tenant without its own URL, provider=URL; repeatable, comma-separated in the environment")
	fs.BoolVar(&c.freeze, "freeze", false, "freeze the default tenant's business clock at start (move it with the admin API)")
	fs.StringVar(&c.start, "start", "", "business time at start, RFC 3339 (default: now)")
	fs.StringVar(&c.allowIPs, "allow-ips", "loopback", "client addresses providers with an IP allow-list accept: loopback, any, IPs or CIDRs")
	fs.IntVar(&c.journalSize, "journal-size", core.DefaultJournalSize, "journal entries kept per tenant")
	c.journalBytes, c.journalTotalBytes = core.DefaultJournalTenantBytes, core.DefaultJournalTotalBytes
	fs.Var(&c.journalBytes, "journal-bytes", "bytes of journal kept per tenant, oldest entries evicted first (header values, paths and queries are cut at 2KiB, bodies at 8KiB, with a marker)")
	fs.Var(&c.journalTotalBytes, "journal-total-bytes", "bytes of journal kept in all; past it the tenant holding the most loses its oldest entries first")
	fs.DurationVar(&c.webhookTimeout, "webhook-timeout", core.DefaultWebhookTimeout, "bound on one webhook delivery attempt; a receiver that has not answered by then fails it and it is retried")
	fs.IntVar(&c.maxTenants, "max-tenants", sims.DefaultMaxTenants, "tenants this mocksrv holds at most, the default tenant included; creating one more is refused (HTTP 429) until one is deleted or expires")
	fs.DurationVar(&c.tenantTTL, "tenant-ttl", 0, "delete a tenant (never the default one) after this long with no request or admin call, e.g. 2h for CI jobs that do not clean up; 0 keeps tenants until deleted")
	fs.IntVar(&c.webhookConcurrency, "webhook-concurrency", core.DefaultWebhookConcurrency, "webhook deliveries in flight at once, across tenants (one at a time per tenant and provider, in event order)")
	fs.StringVar(&c.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.StringVar(&c.logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&c.adminToken, "admin-token", "", "token the admin API requires as Authorization: Bearer TOKEN (/health stays open, and says only that the server is up without it; empty = no token)")
	fs.DurationVar(&c.readHeaderTimeout, "read-header-timeout", 10*time.Second, "drop clients that take longer than this to send request headers (slow-loris)")
	fs.DurationVar(&c.idleTimeout, "idle-timeout", 2*time.Minute, "close idle keep-alive connections after this")
	fs.StringVar(&c.tenantOptions, "tenant-options", "", `the default tenant's provider options as JSON, or @FILE: the provider objects of POST /_mocksrv/tenants, e.g. {"uqpay":{"revoke_tokens":true},"keysecure":{"token_ttl":"5m"}}`)
	fs.StringVar(&c.pprofAddr, "pprof-addr", "", "serve Go's /debug/pprof profiles on this address (off by default)")
	fs.Usage = usage(fs, "mocksrv serve [flags]",
		"Serves bkj (/openapi/v1), KeySecure (/open-api/v1), UQPay (/api/v1), DeCard (/card/v1, ...) and the admin\n"+
			"API (/_mocksrv/) on one listener, prints the default tenant's credentials, and stops gracefully on\n"+
			"Ctrl-C or SIGTERM (finishing requests in flight and saving --state). \"mocksrv\" alone is \"mocksrv serve\".")
	return fs, c
}

func serve(args []string, stdout, stderr io.Writer) int {
	fs, c := serveFlags(stderr)
	if code, ok := parseArgs(fs, args, stdout, stderr); !ok {
		return code
	}
	if code, ok := noArgs(fs, stderr); !ok {
		return code
	}
	// Every configuration error stops serve here, before it listens.
	logger, err := newLogger(stderr, c.logLevel, c.logFormat)
	if err != nil {
		return usageError(fs, stderr, "%v", err)
	}
	opts, err := fleetOptions(c, logger)
	if err != nil {
		return usageError(fs, stderr, "%v", err)
	}
	fleet, err := sims.NewFleet(opts...)
	if err != nil {
		return usageError(fs, stderr, "%v", err)
	}
	if c.state != "" {
		if err := checkStateWritable(c.state); err != nil {
			return usageError(fs, stderr, "%v", err)
		}
		if err := loadState(fleet, c.state); err != nil {
			return usageError(fs, stderr, "%v", err)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := runServe(ctx, c, fleet, logger, stdout); err != nil {
		logger.Error("mocksrv stopped", "err", err)
		return 1
	}
	return 0
}

func newLogger(w io.Writer, level, format string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("--log-format %q: want text or json", format)
}

// fleetOptions turns the flags into Fleet options.
func fleetOptions(c *serveConfig, logger *slog.Logger) ([]sims.Option, error) {
	auth, err := core.ParseAuthMode(c.auth)
	if err != nil {
		return nil, err
	}
	allow, err := core.ParseAllowList(c.allowIPs)
	if err != nil {
		return nil, err
	}
	clock := core.NewClock()
	if c.start != "" {
		t, err := time.Parse(time.RFC3339, c.start)
		if err != nil {
			return nil, fmt.Errorf("--start %q: want RFC 3339, like 2027-01-01T00:00:00Z", c.start)
		}
		clock.Set(t)
	}
	if c.freeze {
		clock.Freeze()
	}
	var names []string
	for _, n := range strings.Split(c.providers, ",") {
		if n = strings.TrimSpace(n); n != "" {
			if err := knownProvider("--providers", n, sims.AllProviders); err != nil {
				return nil, err
			}
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("--providers is empty: want some of %s", strings.Join(sims.AllProviders, ", "))
	}
	if err := checkAddr("--addr", c.addr); err != nil {
		return nil, err
	}
	extra, err := pairs(c.listen, "--listen")
	if err != nil {
		return nil, err
	}
	for p, addr := range extra {
		if err := knownProvider("--listen", p, sims.AllProviders); err != nil {
			return nil, err
		}
		if err := checkAddr("--listen "+p, addr); err != nil {
			return nil, err
		}
	}
	if c.pprofAddr != "" {
		if err := checkAddr("--pprof-addr", c.pprofAddr); err != nil {
			return nil, err
		}
	}
	opts := []sims.Option{
		sims.WithSeed(c.seed), sims.WithClock(clock), sims.WithAuth(auth), sims.WithAllowList(allow),
		sims.WithProviders(names...), sims.WithLogger(logger), sims.WithJournalSize(c.journalSize),
		sims.WithValidate(c.validate), sims.WithAdminToken(c.adminToken), sims.WithScenarioLoader(scenarios.Loader), sims.WithScenarioRunner(scenarios.Runner),
		sims.WithJournalBytes(int64(c.journalBytes), int64(c.journalTotalBytes)),
		sims.WithWebhookTimeout(c.webhookTimeout), sims.WithWebhookConcurrency(c.webhookConcurrency),
		sims.WithMaxTenants(c.maxTenants), sims.WithTenantTTL(c.tenantTTL),
	}
	if c.tenantOptions != "" {
		to, err := tenantOptions(c.tenantOptions)
		if err != nil {
			return nil, err
		}
		opts = append(opts, sims.WithTenantOptions(to))
	}
	urls, err := pairs(c.webhookURLs, "--webhook-url")
	if err != nil {
		return nil, err
	}
	for p, u := range urls {
		if err := knownProvider("--webhook-url", p, sims.AllProviders); err != nil {
			return nil, err
		}
		if pu, err := url.Parse(u); err != nil || pu.Scheme != "http" && pu.Scheme != "https" || pu.Host == "" {
			return nil, fmt.Errorf("--webhook-url %s=%s: want an http:// or https:// URL", p, u)
		}
		opts = append(opts, sims.WithWebhookURL(p, u))
	}
	return opts, nil
}

// knownProvider reports a provider name that is not one of known, naming
// the flag, the names it wants and the one probably meant.
func knownProvider(flagName, name string, known []string) error {
	if slices.Contains(known, name) {
		return nil
	}
	hint := ""
	if s := suggest(name, known); s != "" {
		hint = fmt.Sprintf("; did you mean %q?", s)
	}
	return fmt.Errorf("%s: unknown provider %q (want %s%s)", flagName, name, strings.Join(known, ", "), hint)
}

// checkAddr reports a listen address whose form net.Listen would refuse:
// no port, or a port out of range.
func checkAddr(flagName, addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%s %q: want host:port, like 127.0.0.1:8080", flagName, addr)
	}
	if n, err := strconv.Atoi(port); err == nil {
		if n < 0 || n > 65535 {
			return fmt.Errorf("%s %q: port %d is out of range (0-65535)", flagName, addr, n)
		}
		return nil
	}
	if _, err := net.LookupPort("tcp", port); err != nil {
		return fmt.Errorf("%s %q: port %q is not a number", flagName, addr, port)
	}
	return nil
}

// tenantOptions reads --tenant-options: a JSON object of provider objects,
// inline or from @FILE.
func tenantOptions(v string) (map[string]json.RawMessage, error) {
	b := []byte(v)
	if name, ok := strings.CutPrefix(v, "@"); ok {
		var err error
		if b, err = os.ReadFile(name); err != nil {
			return nil, fmt.Errorf("--tenant-options: %w", err)
		}
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("--tenant-options: want a JSON object of provider objects ({\"uqpay\":{…}}) or @FILE: %w", err)
	}
	return m, nil
}

// runServe serves fleet as c says until ctx ends.
func runServe(ctx context.Context, c *serveConfig, fleet *sims.Fleet, logger *slog.Logger, stdout io.Writer) error {
	listeners, err := listen(fleet, c)
	if err != nil {
		return err
	}
	printBanner(stdout, fleet, listeners)
	for _, l := range listeners {
		if adminExposed(l.ln.Addr(), c.adminToken) {
			logger.Warn("the admin API answers anyone who can reach this address: set --admin-token", "addr", l.ln.Addr().String())
		}
	}

	bg, cancel := context.WithCancel(context.Background())
	defer cancel()
	go fleet.Run(bg)
	go releaseLoop(bg, time.Minute)
	if c.state != "" && c.stateInterval > 0 {
		// What the file holds is the state as it is now, before any
		// request: the loop saves from the first change on.
		go saveLoop(bg, fleet, c.state, c.stateInterval, fleet.Changes(), logger)
	}

	errc := make(chan error, len(listeners))
	var servers []*http.Server
	for _, l := range listeners {
		srv := &http.Server{Handler: l.handler, ReadHeaderTimeout: c.readHeaderTimeout, ReadTimeout: c.readHeaderTimeout + 30*time.Second,
			WriteTimeout: core.MaxFaultDelay + time.Minute, IdleTimeout: c.idleTimeout, MaxHeaderBytes: 64 << 10,
			ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
		servers = append(servers, srv)
		go func(l served) { errc <- srv.Serve(l.ln) }(l)
	}
	if c.pprofAddr != "" {
		go func() {
			mux := http.NewServeMux()
			mux.HandleFunc("/debug/pprof/", pprof.Index)
			mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
			mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
			mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
			logger.Info("pprof", "addr", c.pprofAddr, "err", http.ListenAndServe(c.pprofAddr, mux))
		}()
	}
	logger.Info("mocksrv ready", "addr", listeners[0].ln.Addr().String(), "version", sims.Version)

	select {
	case <-ctx.Done():
		logger.Info("shutting down")
	case err = <-errc:
		logger.Error("listener failed", "err", err)
	}
	shutdown, done := context.WithTimeout(context.Background(), 5*time.Second)
	defer done()
	for _, s := range servers {
		_ = s.Shutdown(shutdown)
	}
	cancel()
	if c.state != "" {
		if serr := saveState(fleet, c.state); serr != nil {
			return serr
		}
		logger.Info("state saved", "file", c.state)
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

type served struct {
	name    string
	ln      net.Listener
	handler http.Handler
}

func listen(fleet *sims.Fleet, c *serveConfig) ([]served, error) {
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return nil, fmt.Errorf("--addr: %w", err)
	}
	out := []served{{name: "all", ln: ln, handler: fleet.Handler()}}
	extra, err := pairs(c.listen, "--listen")
	if err != nil {
		ln.Close()
		return nil, err
	}
	for _, p := range sims.AllProviders {
		addr, ok := extra[p]
		if !ok {
			continue
		}
		h, err := fleet.ProviderHandler(p)
		if err != nil {
			closeAll(out)
			return nil, fmt.Errorf("--listen %s: %w", p, err)
		}
		l, err := net.Listen("tcp", addr)
		if err != nil {
			closeAll(out)
			return nil, fmt.Errorf("--listen %s=%s: %w", p, addr, err)
		}
		out = append(out, served{name: p, ln: l, handler: h})
		delete(extra, p)
	}
	for p := range extra {
		closeAll(out)
		return nil, fmt.Errorf("--listen: unknown provider %q", p)
	}
	return out, nil
}

// releaseLoop collects garbage and gives the freed memory back to the
// system every so often. An idle server allocates nothing, so its
// collector never runs and what a load run or a deleted tenant left stays
// resident; Go's own scavenger returns memory slowly. One forced
// collection a minute costs little (DESIGN.md: resident memory after a
// load run).
func releaseLoop(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			debug.FreeOSMemory()
		}
	}
}

// adminExposed reports whether a listener serves the admin API beyond
// loopback with no token to guard it.
func adminExposed(addr net.Addr, token string) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && token == "" && !tcp.IP.IsLoopback()
}

func closeAll(ls []served) {
	for _, l := range ls {
		l.ln.Close()
	}
}

// printBanner writes the banner in one write, so whoever watches the output
// for "listening on" sees the credentials with it.
func printBanner(w io.Writer, fleet *sims.Fleet, ls []served) {
	var b strings.Builder
	base := "http://" + ls[0].ln.Addr().String()
	fmt.Fprintf(&b, "mocksrv %s listening on %s (admin API: %s/_mocksrv/)\n", sims.Version, base, base)
	for _, l := range ls[1:] {
		fmt.Fprintf(&b, "  %s also on http://%s\n", l.name, l.ln.Addr())
	}
	info, _ := fleet.TenantInfo(core.DefaultTenant)
	b.WriteString("default tenant credentials:\n")
	for _, p := range sims.AllProviders {
		if creds, ok := info.Credentials[p]; ok {
			fmt.Fprintf(&b, "  %-10s %s\n", p, credLine(creds))
		}
	}
	io.WriteString(w, b.String())
}

func credLine(c any) string {
	m := map[string]any{}
	b, _ := json.Marshal(c)
	_ = json.Unmarshal(b, &m)
	var parts []string
	for _, k := range []string{"api_key", "api_secret", "client_id", "webhook_secret"} {
		if v, ok := m[k]; ok {
			parts = append(parts, fmt.Sprintf("%s=%v", k, v))
		}
	}
	return strings.Join(parts, " ")
}

func loadState(fleet *sims.Fleet, path string) error {
	core.RemoveStaleTemps(path)
	err := fleet.LoadState(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("--state %s: %w", path, err)
	}
	return nil
}

// checkStateWritable finds at start, not at the first save, a --state
// path the server could never write: its directory must take a new file
// (saves write a temporary file beside it and rename it over the old one).
func checkStateWritable(path string) error {
	dir := filepath.Dir(path)
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("--state %s is a directory; give a file path", path)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".check-*")
	if err != nil {
		return fmt.Errorf("--state %s: the server could not save it: %w", path, err)
	}
	name := f.Name()
	_ = f.Close()
	return os.Remove(name)
}

// saveState writes the --state file atomically, streaming it from the
// Fleet a tenant at a time.
func saveState(fleet *sims.Fleet, path string) error {
	return fleet.SaveState(path)
}

// saveLoop saves the state every so often when it changed since last (the
// Fleet's Changes when the file was last written or loaded). A save
// that takes longer than the interval is followed at once by the next (the
// ticker keeps one tick), so what kill -9 loses stays within two saves;
// the first such save is logged as a warning, since then it is the save's
// duration, not --state-interval, that bounds the loss.
func saveLoop(ctx context.Context, fleet *sims.Fleet, path string, every time.Duration, last uint64, logger *slog.Logger) {
	t := core.Ticker(every)
	defer t.Stop()
	warned := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := fleet.Changes()
		if now == last {
			continue
		}
		began := time.Now()
		if err := saveState(fleet, path); err != nil {
			logger.Error("saving state", "file", path, "err", err)
			continue
		}
		last = now
		took := time.Since(began)
		logger.Debug("state saved", "file", path, "took", took)
		if took > every && !warned {
			warned = true
			logger.Warn("saving state took longer than --state-interval: kill -9 may lose more than two intervals of changes; raise --state-interval",
				"file", path, "took", took.Round(time.Millisecond), "state-interval", every)
		}
	}
}

// byteSize is a flag of a size in bytes: a number, optionally with a
// binary unit (512KiB, 4MiB, 1GiB; KB, MB and GB mean the same here).
type byteSize int64

func (b *byteSize) String() string {
	switch v := int64(*b); {
	case v >= 1<<30 && v%(1<<30) == 0:
		return fmt.Sprintf("%dGiB", v>>30)
	case v >= 1<<20 && v%(1<<20) == 0:
		return fmt.Sprintf("%dMiB", v>>20)
	case v >= 1<<10 && v%(1<<10) == 0:
		return fmt.Sprintf("%dKiB", v>>10)
	default:
		return strconv.FormatInt(v, 10)
	}
}

func (b *byteSize) Set(s string) error {
	num, shift := strings.TrimSpace(s), 0
	for _, u := range []struct {
		suffix string
		shift  int
	}{{"GiB", 30}, {"GB", 30}, {"G", 30}, {"MiB", 20}, {"MB", 20}, {"M", 20}, {"KiB", 10}, {"KB", 10}, {"K", 10}, {"B", 0}} {
		if len(num) > len(u.suffix) && strings.EqualFold(num[len(num)-len(u.suffix):], u.suffix) {
			num, shift = strings.TrimSpace(num[:len(num)-len(u.suffix)]), u.shift
			break
		}
	}
	v, err := strconv.ParseInt(num, 10, 64)
	if err != nil || v <= 0 || v > (1<<62)>>shift {
		return fmt.Errorf("want a positive size in bytes, like 4MiB, 512KiB or 1048576, got %q", s)
	}
	*b = byteSize(v << shift)
	return nil
}
