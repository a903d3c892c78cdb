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
)

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
	servers := []*server{
		{name: "mocksrv", cmd: []string{*bin, "serve", "--addr", "127.0.0.1:9200", "--log-level", "error"},
			ready: "http://127.0.0.1:9200/_mocksrv/health", setup: func(s *server) error { return mocksrvSetup(s, body) },
			note: "KeySecure card detail: auth (Api-Key, Timestamp, Access-Token), journal, faults on"},
		{name: "bare net/http", cmd: []string{*bare, "-addr", "127.0.0.1:9201", "-body", body},
			ready: "http://127.0.0.1:9201/", url: "http://127.0.0.1:9201/open-api/v1/card/C1/detail", note: "the same bytes, no logic"},
		{name: "stripe-mock", cmd: []string{*stripe, "-http-port", "9202"}, ready: "http://127.0.0.1:9202/v1/issuing/cards/ic_123",
			url: "http://127.0.0.1:9202/v1/issuing/cards/ic_123", headers: map[string]string{"Authorization": "Bearer sk_test_123"},
			note: "its own Issuing card detail"},
		{name: "Prism", cmd: []string{filepath.Join(*npmDir, "node_modules/.bin/prism"), "mock", "-p", "9203", "-h", "127.0.0.1", filepath.Join(dir, "prism.yaml")},
			ready: "http://127.0.0.1:9203/open-api/v1/card/C1/detail", url: "http://127.0.0.1:9203/open-api/v1/card/C1/detail",
			setup: func(*server) error { return prismSpec(dir, body) }, note: "static example from an OpenAPI document"},
		{name: "WireMock", cmd: []string{filepath.Join(*npmDir, "node_modules/.bin/wiremock"), "--port", "9204", "--root-dir", filepath.Join(dir, "wiremock"), "--disable-banner"},
			ready: "http://127.0.0.1:9204/open-api/v1/card/C1/detail", url: "http://127.0.0.1:9204/open-api/v1/card/C1/detail",
			setup: func(*server) error { return wiremockStub(dir, body) }, note: "stub mapping, warmed up by a first wrk run"},
	}
	// mocksrv starts first: its answer is the body every peer serves.
	var live []*running
	var results []result
	for _, s := range servers {
		if *only != "" && s.name != "mocksrv" && !strings.Contains(","+strings.ToLower(*only)+",", ","+strings.ToLower(strings.Fields(s.name)[0])+",") {
			continue
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
	samples := map[string][][3]float64{}
	errs := map[string]string{}
	for round := 0; round < *rounds; round++ {
		for _, r := range live {
			out, err := runWrk(r.s, *duration)
			if err != nil {
				errs[r.s.name] = err.Error()
				continue
			}
			rps, p50, p99, e := parseWrk(out)
			samples[r.s.name] = append(samples[r.s.name], [3]float64{rps, p50, p99})
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
		results[i].errors = errs[name]
		if len(samples[name]) == 0 && results[i].skipped == "" {
			results[i].skipped = "no successful wrk run: " + errs[name]
		}
	}
	print(results, dir)
}

func median(xs [][3]float64, k int) float64 {
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
func mocksrvSetup(s *server, bodyFile string) error {
	base := "http://127.0.0.1:9200"
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

func prismSpec(dir, bodyFile string) error {
	b, err := os.ReadFile(bodyFile)
	if err != nil {
		return err
	}
	spec := `openapi: 3.0.3
info: {title: card detail, version: "1"}
paths:
  /open-api/v1/card/{card_no}/detail:
    get:
      parameters: [{name: card_no, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              example: ` + string(b) + "\n"
	return os.WriteFile(filepath.Join(dir, "prism.yaml"), []byte(spec), 0o644)
}

func wiremockStub(dir, bodyFile string) error {
	b, err := os.ReadFile(bodyFile)
	if err != nil {
		return err
	}
	m := map[string]any{"request": map[string]any{"method": "GET", "urlPathPattern": "/open-api/v1/card/[^/]+/detail"},
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

// treeRSS sums VmRSS of a process and its descendants (Prism is Node,
// WireMock's npm launcher starts a JVM).
func treeRSS(pid int) float64 {
	total := 0.0
	pids := []int{pid}
	for len(pids) > 0 {
		p := pids[0]
		pids = pids[1:]
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
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", p, p)); err == nil {
			for _, c := range strings.Fields(string(b)) {
				n, _ := strconv.Atoi(c)
				pids = append(pids, n)
			}
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
	fmt.Fprintf(&b, "Measured %s on %s (%d CPUs, %s/%s), wrk -t%d -c%d, %d interleaved rounds of %s per server (medians), loopback.\n\n",
		time.Now().UTC().Format("2006-01-02"), host, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, *threads, *conns, *rounds, *duration)
	fmt.Fprintln(&b, "| server | requests/s | ratio to mocksrv | p50 ms | p99 ms | first response | RSS after load | notes |")
	fmt.Fprintln(&b, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
	for _, r := range rs {
		if r.skipped != "" {
			fmt.Fprintf(&b, "| %s | — | — | — | — | — | — | skipped: %s |\n", r.name, r.skipped)
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
		fmt.Fprintf(&b, "| %s | %.0f | %s | %.2f | %.2f | %s | %.1f MiB | %s |\n",
			r.name, r.rps, ratio, r.p50, r.p99, r.ttfr.Round(time.Millisecond), r.rssMiB, note)
	}
	for _, r := range rs {
		if r.name == "bare net/http" && r.rps > 0 && ref.rps > 0 {
			fmt.Fprintf(&b, "\nmocksrv serves %.2f× the requests/s of a bare net/http handler returning the same bytes (budget ≥ 0.60×).\n", ref.rps/r.rps)
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
