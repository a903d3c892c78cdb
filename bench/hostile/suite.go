package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/mocksrv/mocksrv/internal/adminclient"
)

// Options configure a run of the suite.
type Options struct {
	Binary string    // the mocksrv binary to attack
	Dir    string    // scratch directory (state files)
	Short  bool      // small sizes, a few seconds an attack: the form CI runs
	Out    io.Writer // figures, as they are measured
	Only   []int     // the attacks to run, by issue item; empty = all
	Seed   uint64    // picks the kill -9 moment

	// Race says the binary was built with -race: its resident memory then
	// holds the race detector's shadow memory too, so memory is judged on
	// what the Go runtime itself has mapped (from --pprof-addr) instead.
	Race bool

	StateBytes    int64         // item 6: the state file to fill up to (0: 80 MB; short 2 MB)
	StateInterval time.Duration // item 6: --state-interval (0: 5 s; short 400 ms)
	Requests      int           // item 3: requests in the flood (0: 3,000; short 300)
	MaxCreate     int           // item 7: stop creating tenants here if none is refused (0: 5,000; short 200)
}

// Status is an attack's verdict against its target.
type Status string

// Verdicts.
const (
	Pass Status = "PASS"
	Fail Status = "FAIL"
	Skip Status = "SKIP"
)

// Result is what one attack measured.
type Result struct {
	Item   int
	Attack string   // what the attack does, in a few words
	Target string   // the target
	Figure []string // what was measured, one fact a line
	Status Status
	Why    string // for FAIL and SKIP: what missed, or why it did not run
}

func (r *Result) figure(format string, args ...any) {
	r.Figure = append(r.Figure, fmt.Sprintf(format, args...))
}

// fail marks r failed, adding why (several misses are joined).
func (r *Result) fail(format string, args ...any) {
	r.Status = Fail
	if r.Why != "" {
		r.Why += "; "
	}
	r.Why += fmt.Sprintf(format, args...)
}

// attack is one of the eight. run fills in the Result it is given
// (Item, Attack and Target are set); an error means it could not be run.
type attack struct {
	item   int
	name   string
	target string
	run    func(s *suite, r *Result) error
}

var attacks = []attack{
	{1, "guess another tenant's DeCard stream channel", "a guessed channel gets nothing (ids unguessable, bound to the tenant)", streamGuess},
	{2, "black-holed webhook receiver next door", "another tenant's callback delayed ≤ 1 s", blackHole},
	{3, "header flood, then a full journal read", "resident memory < 64 MiB throughout", headerFlood},
	{4, "forged requests naming tenant B", "B's times:1 fault rule unspent, B's journal intact", forged},
	{5, "subset server on a full state file", "other providers' state byte-equal after its save", subsetServer},
	{6, "snapshot at ~80 MB of state", "save memory ≤ 2× the file, write p99 ≤ 5 ms while saving, kill -9 loses ≤ 2 × --state-interval", snapshot},
	{7, "create tenants until refused", "tenants capped (HTTP 429), idle ones expire", tenantFlood},
	{8, "admin token forms", "only Authorization: Bearer TOKEN (any case); /health says only {\"status\":\"ok\"}", tokenForms},
}

// suite is one run: the options, the binary's flags and the servers it
// started (stopped at the end, whatever happened).
type suite struct {
	Options
	flags   map[string]bool
	rng     *rand.Rand
	mu      sync.Mutex
	servers []*server
}

// Run runs the attacks Options select, in order, printing each one's
// figures and verdict to Out, and returns their results.
func Run(ctx context.Context, o Options) ([]Result, error) {
	if o.Out == nil {
		o.Out = io.Discard
	}
	s := &suite{Options: o, rng: rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))}
	if err := s.probeFlags(); err != nil {
		return nil, err
	}
	defer s.stopAll()
	var out []Result
	for _, a := range attacks {
		if len(o.Only) > 0 && !slices.Contains(o.Only, a.item) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return out, err
		}
		r := Result{Item: a.item, Attack: a.name, Target: a.target, Status: Pass}
		fmt.Fprintf(o.Out, "\n%d. %s (target: %s)\n", a.item, a.name, a.target)
		began := time.Now()
		if err := a.run(s, &r); err != nil {
			r.fail("could not run: %v", err)
		}
		s.stopAll()
		for _, f := range r.Figure {
			fmt.Fprintf(o.Out, "   %s\n", f)
		}
		verdict := string(r.Status)
		if r.Why != "" {
			verdict += ": " + r.Why
		}
		fmt.Fprintf(o.Out, "   %s (%s)\n", verdict, time.Since(began).Round(100*time.Millisecond))
		out = append(out, r)
	}
	return out, nil
}

// size picks the long or the short form's figure.
func (s *suite) size(long, short int) int {
	if s.Short {
		return short
	}
	return long
}

var flagLine = regexp.MustCompile(`(?m)^\s+--?([a-z][a-z0-9-]*)`)

// probeFlags reads the binary's serve flags, so attacks can leave out the
// ones an older binary does not have (and say so).
func (s *suite) probeFlags() error {
	out, _ := exec.Command(s.Binary, "serve", "-h").CombinedOutput()
	s.flags = map[string]bool{}
	for _, m := range flagLine.FindAllStringSubmatch(string(out), -1) {
		s.flags[m[1]] = true
	}
	if !s.flags["addr"] || !s.flags["state"] {
		return fmt.Errorf("%s serve -h lists no --addr or --state flag: is it mocksrv? %.300s", s.Binary, out)
	}
	return nil
}

// has reports whether the binary has serve flag name.
func (s *suite) has(name string) bool { return s.flags[name] }

// server is a mocksrv process the suite started.
type server struct {
	Base  string    // http://127.0.0.1:port
	PID   int       //
	Ready time.Time // when it printed "listening on"
	Pprof string    // http://host:port of --pprof-addr in race mode
	cmd   *exec.Cmd
	tail  *tailBuffer
	done  chan struct{}
}

// start runs the binary's serve on a free loopback port with args, and
// waits until it listens. MOCKSRV_ variables of this process are not
// passed on, so only args configure it.
func (s *suite) start(args ...string) (*server, error) {
	all := append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "error"}, args...)
	sv := &server{tail: &tailBuffer{max: 8 << 10}, done: make(chan struct{})}
	if s.Race && s.has("pprof-addr") {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		all = append(all, "--pprof-addr", addr)
		sv.Pprof = "http://" + addr
	}
	cmd := exec.Command(s.Binary, all...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MOCKSRV_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = sv.tail
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	sv.cmd, sv.PID = cmd, cmd.Process.Pid
	s.mu.Lock()
	s.servers = append(s.servers, sv)
	s.mu.Unlock()
	go func() { _ = cmd.Wait(); close(sv.done) }()
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if i := strings.Index(sc.Text(), "listening on "); i >= 0 {
				ready <- strings.Fields(sc.Text()[i+len("listening on "):])[0]
				break
			}
		}
		close(ready)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case base, ok := <-ready:
		if !ok {
			<-sv.done
			return nil, fmt.Errorf("mocksrv %s exited before listening: %s", strings.Join(all[1:], " "), strings.TrimSpace(sv.tail.String()))
		}
		sv.Base, sv.Ready = base, time.Now()
	case <-time.After(2 * time.Minute):
		sv.kill()
		return nil, fmt.Errorf("mocksrv %s did not listen within 2 minutes: %s", strings.Join(all[1:], " "), sv.tail.String())
	}
	if sv.Pprof != "" {
		if err := waitHTTP(sv.Pprof+"/debug/pprof/", 10*time.Second); err != nil {
			return nil, err
		}
	}
	return sv, nil
}

// stop ends the server as Ctrl-C does (it saves --state), waiting up to
// two minutes before it kills it.
func (sv *server) stop() error {
	_ = sv.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-sv.done:
		if st := sv.cmd.ProcessState; st != nil && !st.Success() {
			return fmt.Errorf("mocksrv stopped with %s: %s", st, strings.TrimSpace(sv.tail.String()))
		}
		return nil
	case <-time.After(2 * time.Minute):
		sv.kill()
		return errors.New("mocksrv did not stop within 2 minutes of SIGTERM")
	}
}

// kill ends the server with SIGKILL and waits for it.
func (sv *server) kill() {
	_ = sv.cmd.Process.Signal(syscall.SIGKILL)
	<-sv.done
}

func (sv *server) exited() bool {
	select {
	case <-sv.done:
		return true
	default:
		return false
	}
}

func (s *suite) stopAll() {
	s.mu.Lock()
	servers := s.servers
	s.servers = nil
	s.mu.Unlock()
	for _, sv := range servers {
		if !sv.exited() {
			sv.kill()
		}
	}
}

// admin returns an admin client of sv.
func (sv *server) admin(token string) *adminclient.Client {
	return adminclient.New(sv.Base, token, &http.Client{Timeout: 2 * time.Minute})
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func waitHTTP(url string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for {
		res, err := http.Get(url)
		if err == nil {
			res.Body.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: %w", url, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	b   []byte
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// mb renders a size in decimal megabytes (kilobytes below one).
func mb(b int64) string {
	if b < 1e6 {
		return fmt.Sprintf("%.1f kB", float64(b)/1e3)
	}
	return fmt.Sprintf("%.1f MB", float64(b)/1e6)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/1e6) }
