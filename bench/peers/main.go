// Command peers measures mocksrv against the tools a user would otherwise
// pick, on one machine in one run: a bare net/http server returning the
// same bytes (the practical ceiling), stripe-mock, Stoplight Prism and
// WireMock, each serving an equivalent card-detail response on loopback.
// For each it prints requests/s, p50/p99 latency (wrk), time to first
// response, resident memory after the load, and the ratios to mocksrv.
//
// bench/run.sh installs the peers and calls it; peers that are not
// installed are reported as such and skipped.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

var (
	duration = flag.Duration("duration", 10*time.Second, "wrk run length per server")
	conns    = flag.Int("connections", 16, "wrk connections")
	threads  = flag.Int("threads", 2, "wrk threads")
	bin      = flag.String("mocksrv", "./mocksrv", "mocksrv binary")
	bare     = flag.String("bare", "./bare", "bare server binary")
	stripe   = flag.String("stripe-mock", "stripe-mock", "stripe-mock binary")
	npmDir   = flag.String("npm", "bench/.npm", "directory with node_modules/.bin/prism and wiremock")
	work     = flag.String("work", "", "scratch directory (default: a temp dir)")
	mdOut    = flag.String("markdown", "", "also write the table as Markdown to this file")
	rounds   = flag.Int("rounds", 3, "interleaved rounds per server; medians are reported (background load hits every server alike)")
	only     = flag.String("only", "", "comma-separated servers to run (mocksrv,bare,stripe-mock,prism,wiremock); default all")
	port     = flag.Int("port", 18400, "first of the five loopback ports the servers listen on")
	provider = flag.String("provider", "keysecure", "whose card detail mocksrv serves and the peers imitate: keysecure or uqpay")
)

// addr returns the i-th server's loopback address.
func addr(i int) string { return fmt.Sprintf("127.0.0.1:%d", *port+i) }

// detail is a provider's card-detail route: the path template the Prism
// document declares, the URL pattern WireMock matches, and a concrete path
// the peers are loaded on.
type detail struct{ template, pattern, path, note string }

var details = map[string]detail{
	"keysecure": {"/open-api/v1/card/{card_no}/detail", "/open-api/v1/card/[^/]+/detail", "/open-api/v1/card/C1/detail",
		"KeySecure card detail: auth (Api-Key, Timestamp, Access-Token), journal, faults on"},
	"uqpay": {"/api/v1/issuing/cards/{card_id}", "/api/v1/issuing/cards/[^/]+", "/api/v1/issuing/cards/c1",
		"UQPay Retrieve Card: auth (Bearer token), journal, faults on"},
}

type server struct {
	name    string
	cmd     []string
	env     []string
	ready   string            // URL polled until it answers
	url     string            // URL wrk loads
	headers map[string]string // request headers for wrk
	setup   func(*server) error
	note    string
}

type result struct {
	name          string
	rps, p50, p99 float64 // requests/s, ms, ms
	cpu           float64 // server CPU µs per request (process tree, from /proc)
	ttfr          time.Duration
	rssMiB        float64
	errors        string
	skipped, note string
}

func main() {
	flag.Parse()
	dir := *work
	if dir == "" {
		dir, _ = os.MkdirTemp("", "mocksrv-bench-")
	}
	must(os.MkdirAll(dir, 0o755))
	body := filepath.Join(dir, "card.json")
	d, ok := details[*provider]
	if !ok {
		must(fmt.Errorf("-provider %q: want keysecure or uqpay", *provider))
	}
	servers := []*server{
		{name: "mocksrv", cmd: []string{*bin, "serve", "--addr", addr(0), "--log-level", "error"},
			ready: "http://" + addr(0) + "/_mocksrv/health", setup: func(s *server) error { return mocksrvSetup(s, "http://"+addr(0), body) },
			note: d.note},
		{name: "bare net/http", cmd: []string{*bare, "-addr", addr(1), "-body", body},
			ready: "http://" + addr(1) + "/", url: "http://" + addr(1) + d.path, note: "the same bytes, no logic"},
		{name: "stripe-mock", cmd: []string{*stripe, "-http-port", strconv.Itoa(*port + 2)}, ready: "http://" + addr(2) + "/v1/issuing/cards/ic_123",
			url: "http://" + addr(2) + "/v1/issuing/cards/ic_123", headers: map[string]string{"Authorization": "Bearer sk_test_123"},
			note: "its own Issuing card detail"},
		{name: "Prism", cmd: []string{filepath.Join(*npmDir, "node_modules/.bin/prism"), "mock", "-p", strconv.Itoa(*port + 3), "-h", "127.0.0.1", filepath.Join(dir, "prism.yaml")},
			ready: "http://" + addr(3) + d.path, url: "http://" + addr(3) + d.path,
			setup: func(*server) error { return prismSpec(dir, body, d) }, note: "static example from an OpenAPI document"},
		{name: "WireMock", cmd: []string{filepath.Join(*npmDir, "node_modules/.bin/wiremock"), "--port", strconv.Itoa(*port + 4), "--root-dir", filepath.Join(dir, "wiremock"), "--disable-banner"},
			ready: "http://" + addr(4) + d.path, url: "http://" + addr(4) + d.path,
			setup: func(*server) error { return wiremockStub(dir, body, d) }, note: "stub mapping, warmed up by a first wrk run"},
	}
	// mocksrv starts first: its answer is the body every peer serves.
	var live []*running
	var results []result
	for _, s := range servers {
		if *only != "" && s.name != "mocksrv" && !strings.Contains(","+strings.ToLower(*only)+",", ","+strings.ToLower(strings.Fields(s.name)[0])+",") {
			continue
		}
		if s.name == "bare net/http" {
			s.headers = servers[0].headers // the same request bytes as mocksrv gets, so only the servers differ
		}
		run, res := start(s)
		results = append(results, res)
		if run != nil {
			live = append(live, run)
		}
	}
	defer func() {
		for _, r := range live {
			r.stop()
		}
	}()
	for _, r := range live { // warm-up: the JVM and Node need it, the others do not mind
		_, _ = runWrk(r.s, 3*time.Second)
	}
	samples := map[string][][4]float64{}
	errs := map[string]string{}
	for round := 0; round < *rounds; round++ {
		for _, r := range live {
			cpu0 := treeCPU(r.cmd.Process.Pid)
			out, err := runWrk(r.s, *duration)
			cpu := treeCPU(r.cmd.Process.Pid) - cpu0
			if err != nil {
				errs[r.s.name] = err.Error()
				continue
			}
			rps, p50, p99, e := parseWrk(out)
			perReq := 0.0
			if n := totalRequests(out); n > 0 && cpu > 0 {
				perReq = cpu.Seconds() * 1e6 / n
			}
			samples[r.s.name] = append(samples[r.s.name], [4]float64{rps, p50, p99, perReq})
			if e != "" {
				errs[r.s.name] = e
			}
		}
	}
	for i := range results {
		name := results[i].name
		for _, r := range live {
			if r.s.name == name {
				results[i].rssMiB = treeRSS(r.cmd.Process.Pid)
			}
		}
		results[i].rps, results[i].p50, results[i].p99 = median(samples[name], 0), median(samples[name], 1), median(samples[name], 2)
		results[i].cpu = median(samples[name], 3)
		results[i].errors = errs[name]
		if len(samples[name]) == 0 && results[i].skipped == "" {
			results[i].skipped = "no successful wrk run: " + errs[name]
		}
	}
	print(results, dir)
}

func median(xs [][4]float64, k int) float64 {
	if len(xs) == 0 {
		return 0
	}
	v := make([]float64, len(xs))
	for i, x := range xs {
		v[i] = x[k]
	}
	sort.Float64s(v)
	return v[len(v)/2]
}

// running is a started server.
type running struct {
	s   *server
	cmd *exec.Cmd
}

func (r *running) stop() {
	_ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
	_ = r.cmd.Wait()
}

// start launches a server and measures its time to first response.
func start(s *server) (*running, result) {
	r := result{name: s.name, note: s.note}
	if _, err := exec.LookPath(s.cmd[0]); err != nil {
		r.skipped = "not installed (" + s.cmd[0] + ")"
		return nil, r
	}
	if s.name != "mocksrv" && s.setup != nil {
		if err := s.setup(s); err != nil {
			r.skipped = err.Error()
			return nil, r
		}
	}
	cmd := exec.Command(s.cmd[0], s.cmd[1:]...)
	cmd.Env = append(os.Environ(), s.env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		r.skipped = err.Error()
		return nil, r
	}
	run := &running{s: s, cmd: cmd}
	if !waitReady(s.ready, 60*time.Second) {
		run.stop()
		r.skipped = "did not answer within 60 s: " + tail(logs.String())
		return nil, r
	}
	r.ttfr = time.Since(t0)
	if s.name == "mocksrv" && s.setup != nil {
		if err := s.setup(s); err != nil {
			run.stop()
			r.skipped = err.Error()
			return nil, r
		}
	}
	return run, r
}

func waitReady(url string, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	c := &http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		res, err := c.Get(url)
		if err == nil {
			res.Body.Close()
			if res.StatusCode < 500 {
				return true
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	return false
}

// mocksrvSetup creates a card, fetches a token, saves the exact card
// detail bytes for the peers, and points wrk at the authenticated endpoint.
func mocksrvSetup(s *server, base, bodyFile string) error {
	if *provider == "uqpay" {
		return uqpaySetup(s, base, bodyFile)
	}
	res, err := http.Post(base+"/_mocksrv/tenants/default/keysecure/cards", "application/json", strings.NewReader(`{}`))
	if err != nil {
		return err
	}
	var card struct {
		No string `json:"card_no"`
	}
	_ = json.NewDecoder(res.Body).Decode(&card)
	res.Body.Close()
	const key = "mocksrv-keysecure-key-default"
	ts := func() string { return strconv.FormatInt(time.Now().UnixMilli(), 10) }
	req, _ := http.NewRequest(http.MethodGet, base+"/open-api/v1/merchant/token", nil)
	req.Header.Set("Api-Key", key)
	req.Header.Set("Timestamp", ts())
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	var tok struct {
		Data struct {
			AccessToken string `json:"access_token"`
		} `json:"data"`
	}
	_ = json.NewDecoder(res.Body).Decode(&tok)
	res.Body.Close()
	s.url = base + "/open-api/v1/card/" + card.No + "/detail"
	s.headers = map[string]string{"Api-Key": key, "Access-Token": tok.Data.AccessToken, "Timestamp": ts()}
	req, _ = http.NewRequest(http.MethodGet, s.url, nil)
	for k, v := range s.headers {
		req.Header.Set(k, v)
	}
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !bytes.Contains(b, []byte(`"code":0`)) {
		return fmt.Errorf("mocksrv card detail failed: %s", b)
	}
	return os.WriteFile(bodyFile, b, 0o644)
}

// uqpaySetup is mocksrvSetup for UQPay: a card of the default tenant, a
// token from its credentials, and Retrieve Card.
func uqpaySetup(s *server, base, bodyFile string) error {
	var card struct {
		ID string `json:"card_id"`
	}
	if err := postJSON(base+"/_mocksrv/tenants/default/uqpay/cards", nil, `{}`, &card); err != nil {
		return err
	}
	var tenant struct {
		UQPay struct {
			ClientID string `json:"client_id"`
			APIKey   string `json:"api_key"`
		} `json:"uqpay"`
	}
	res, err := http.Get(base + "/_mocksrv/tenants/default")
	if err != nil {
		return err
	}
	_ = json.NewDecoder(res.Body).Decode(&tenant)
	res.Body.Close()
	var tok struct {
		AuthToken string `json:"auth_token"`
	}
	if err := postJSON(base+"/api/v1/connect/token", map[string]string{"x-client-id": tenant.UQPay.ClientID, "x-api-key": tenant.UQPay.APIKey}, "", &tok); err != nil {
		return err
	}
	s.url = base + "/api/v1/issuing/cards/" + card.ID
	s.headers = map[string]string{"x-auth-token": "Bearer " + tok.AuthToken}
	req, _ := http.NewRequest(http.MethodGet, s.url, nil)
	req.Header.Set("x-auth-token", s.headers["x-auth-token"])
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("mocksrv UQPay card detail failed: %d %s", res.StatusCode, b)
	}
	return os.WriteFile(bodyFile, b, 0o644)
}

// postJSON posts body with headers and decodes a 2xx answer into out.
func postJSON(url string, headers map[string]string, body string, out any) error {
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		return fmt.Errorf("POST %s: %d %s", url, res.StatusCode, b)
	}
	return json.Unmarshal(b, out)
}

func prismSpec(dir, bodyFile string, d detail) error {
	b, err := os.ReadFile(bodyFile)
	if err != nil {
		return err
	}
	spec := `openapi: 3.0.3
info: {title: card detail, version: "1"}
paths:
  ` + d.template + `:
    get:
      parameters: [{name: ` + pathParam(d.template) + `, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              example: ` + string(b) + "\n"
	return os.WriteFile(filepath.Join(dir, "prism.yaml"), []byte(spec), 0o644)
}

// pathParam returns the name of a template's last {parameter}.
func pathParam(template string) string {
	i := strings.LastIndex(template, "{")
	return template[i+1 : i+strings.Index(template[i:], "}")]
}

func wiremockStub(dir, bodyFile string, d detail) error {
	b, err := os.ReadFile(bodyFile)
	if err != nil {
		return err
	}
	m := map[string]any{"request": map[string]any{"method": "GET", "urlPathPattern": d.pattern},
		"response": map[string]any{"status": 200, "body": string(b), "headers": map[string]string{"Content-Type": "application/json;charset=UTF-8"}}}
	out, _ := json.Marshal(m)
	must(os.MkdirAll(filepath.Join(dir, "wiremock", "mappings"), 0o755))
	return os.WriteFile(filepath.Join(dir, "wiremock", "mappings", "card.json"), out, 0o644)
}

func runWrk(s *server, d time.Duration) (string, error) {
	args := []string{"-t", strconv.Itoa(*threads), "-c", strconv.Itoa(*conns), "-d", fmt.Sprintf("%ds", int(d.Seconds())), "--latency"}
	keys := make([]string, 0, len(s.headers))
	for k := range s.headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := s.headers[k]
		if k == "Timestamp" {
			v = strconv.FormatInt(time.Now().UnixMilli(), 10) // fresh for this run (valid 60 s)
		}
		args = append(args, "-H", k+": "+v)
	}
	out, err := exec.Command("wrk", append(args, s.url)...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("wrk: %v: %s", err, out)
	}
	return string(out), nil
}

var (
	reqSec  = regexp.MustCompile(`Requests/sec:\s+([\d.]+)`)
	reqTot  = regexp.MustCompile(`(\d+) requests in`)
	pct     = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([\d.]+)(us|ms|s)`)
	non2xx  = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	sockErr = regexp.MustCompile(`Socket errors: (.*)`)
)

func parseWrk(out string) (rps, p50, p99 float64, errs string) {
	if m := reqSec.FindStringSubmatch(out); m != nil {
		rps, _ = strconv.ParseFloat(m[1], 64)
	}
	for _, m := range pct.FindAllStringSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		switch m[3] {
		case "us":
			v /= 1000
		case "s":
			v *= 1000
		}
		if m[1] == "50" {
			p50 = v
		} else {
			p99 = v
		}
	}
	var e []string
	if m := non2xx.FindStringSubmatch(out); m != nil {
		e = append(e, m[1]+" non-2xx")
	}
	if m := sockErr.FindStringSubmatch(out); m != nil {
		e = append(e, "socket errors: "+m[1])
	}
	return rps, p50, p99, strings.Join(e, "; ")
}

// totalRequests is the number of requests a wrk run completed.
func totalRequests(out string) float64 {
	if m := reqTot.FindStringSubmatch(out); m != nil {
		n, _ := strconv.ParseFloat(m[1], 64)
		return n
	}
	return 0
}

// treeCPU sums the user and system CPU time of a process and its
// descendants (/proc/<pid>/stat, clock ticks of 10 ms). CPU per request
// stays steady on a machine shared with other work, where requests per
// second do not.
func treeCPU(pid int) time.Duration {
	var ticks int64
	for _, p := range tree(pid) {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p))
		if err != nil {
			continue
		}
		// Fields after the command (which may hold spaces) in parentheses.
		f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
		if len(f) > 12 {
			u, _ := strconv.ParseInt(f[11], 10, 64)
			s, _ := strconv.ParseInt(f[12], 10, 64)
			ticks += u + s
		}
	}
	return time.Duration(ticks) * 10 * time.Millisecond
}

// tree returns a process and its descendants.
func tree(pid int) []int {
	out := []int{}
	for pids := []int{pid}; len(pids) > 0; pids = pids[1:] {
		p := pids[0]
		out = append(out, p)
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", p, p)); err == nil {
			for _, c := range strings.Fields(string(b)) {
				n, _ := strconv.Atoi(c)
				pids = append(pids, n)
			}
		}
	}
	return out
}

// treeRSS sums VmRSS of a process and its descendants (Prism is Node,
// WireMock's npm launcher starts a JVM).
func treeRSS(pid int) float64 {
	total := 0.0
	for _, p := range tree(pid) {
		if f, err := os.Open(fmt.Sprintf("/proc/%d/status", p)); err == nil {
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				if strings.HasPrefix(sc.Text(), "VmRSS:") {
					kb, _ := strconv.ParseFloat(strings.Fields(sc.Text())[1], 64)
					total += kb / 1024
				}
			}
			f.Close()
		}
	}
	return total
}

func print(rs []result, dir string) {
	var ref result
	for _, r := range rs {
		if r.name == "mocksrv" {
			ref = r
		}
	}
	host, _ := os.Hostname()
	var b strings.Builder
	fmt.Fprintf(&b, "Card detail as %s serves it. Measured %s on %s (%d CPUs, %s/%s), wrk -t%d -c%d, %d interleaved rounds of %s per server (medians), loopback.\n\n",
		*provider, time.Now().UTC().Format("2006-01-02"), host, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, *threads, *conns, *rounds, *duration)
	fmt.Fprintln(&b, "| server | requests/s | ratio to mocksrv | p50 ms | p99 ms | server CPU per request | first response | RSS after load | notes |")
	fmt.Fprintln(&b, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
	for _, r := range rs {
		if r.skipped != "" {
			fmt.Fprintf(&b, "| %s | — | — | — | — | — | — | — | skipped: %s |\n", r.name, r.skipped)
			continue
		}
		ratio := "1.00×"
		if r.name != "mocksrv" && ref.rps > 0 {
			ratio = fmt.Sprintf("%.2f×", r.rps/ref.rps)
		}
		note := r.note
		if r.errors != "" {
			note += " (" + r.errors + ")"
		}
		fmt.Fprintf(&b, "| %s | %.0f | %s | %.2f | %.2f | %.0f µs | %s | %.1f MiB | %s |\n",
			r.name, r.rps, ratio, r.p50, r.p99, r.cpu, r.ttfr.Round(time.Millisecond), r.rssMiB, note)
	}
	for _, r := range rs {
		if r.name == "bare net/http" && r.rps > 0 && ref.rps > 0 {
			fmt.Fprintf(&b, "\nmocksrv serves %.2f× the requests/s of a bare net/http handler returning the same bytes (budget ≥ 0.60×)", ref.rps/r.rps)
			if r.cpu > 0 && ref.cpu > 0 {
				fmt.Fprintf(&b, "; per CPU-second of the server, %.2f×", r.cpu/ref.cpu)
			}
			fmt.Fprintln(&b, ".")
		}
	}
	fmt.Print(b.String())
	if *mdOut != "" {
		must(os.WriteFile(*mdOut, []byte(b.String()), 0o644))
	}
	_ = dir
}

func tail(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 300 {
		return "…" + s[len(s)-300:]
	}
	return s
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
