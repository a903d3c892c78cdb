package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims"
)

// startServe runs serve in-process on a free port and returns its base URL.
func startServe(t *testing.T, args ...string) string {
	t.Helper()
	fs, c := serveFlags(io.Discard)
	require.NoError(t, fs.Parse(append([]string{"--addr", "127.0.0.1:0", "--log-level", "error"}, args...)))
	fleet := newFleetT(t, c)
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, c, fleet, mustLogger(t), &out) }()
	t.Cleanup(func() { cancel(); <-done })
	var base string
	require.Eventually(t, func() bool {
		for _, line := range strings.Split(out.String(), "\n") {
			if i := strings.Index(line, "listening on "); i >= 0 {
				base = strings.Fields(line[i+len("listening on "):])[0]
				return true
			}
		}
		return false
	}, 5*time.Second, 2*time.Millisecond)
	return base
}

// TestSlowLorisClientsTimeOut: a client that trickles its headers is cut
// off after --read-header-timeout, and the server keeps answering others.
func TestSlowLorisClientsTimeOut(t *testing.T) {
	t.Parallel()
	base := startServe(t, "--read-header-timeout", "300ms")
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	require.NoError(t, err)
	defer conn.Close()
	_, err = fmt.Fprint(conn, "GET /_mocksrv/health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
	require.NoError(t, err)
	start := time.Now()
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = bufio.NewReader(conn).ReadString('\n') // the server answers 408 or just closes
	assert.Less(t, time.Since(start), 3*time.Second, "the slow client was dropped promptly")
	_ = err
	res, err := http.Get(base + "/_mocksrv/health")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode, "others are still served")
}

// TestCrashDuringSnapshot kills the server with SIGKILL many times while it
// writes its state file on a short timer under load — cards of every
// provider, created one after another. Every time, the file that is left
// loads, and for each provider it holds exactly the cards created up to
// some point (old or new state, never a torn or mixed one).
func TestCrashDuringSnapshot(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills child processes")
	}
	t.Parallel()
	state := filepath.Join(t.TempDir(), "state.json")
	providers := []struct{ name, idField string }{{"bkj", "id"}, {"keysecure", "card_no"}, {"uqpay", "card_id"}, {"decard", "cardId"}}
	kept := map[string][]string{} // provider → card ids the last loaded file held
	loaded, seen := 0, map[string]bool{}
	for round := 0; round < 12; round++ {
		created := map[string][]string{} // provider → card ids made this round, in order
		cmd := exec.Command(os.Args[0], "-test.run=TestCrashChild")
		cmd.Env = append(os.Environ(), "MOCKSRV_CRASH_CHILD=1", "MOCKSRV_STATE="+state)
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		base := ""
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if i := strings.Index(sc.Text(), "listening on "); i >= 0 {
				base = strings.Fields(sc.Text()[i+len("listening on "):])[0]
				break
			}
		}
		go func() { _, _ = io.Copy(io.Discard, out) }()
		require.NotEmpty(t, base, "child did not start")
		// Load: cards of each provider in turn while snapshots run every few ms.
		deadline := time.Now().Add(time.Duration(60+round*17) * time.Millisecond)
		for i := 0; time.Now().Before(deadline); i++ {
			p := providers[i%len(providers)]
			res, err := http.Post(base+"/_mocksrv/tenants/default/"+p.name+"/cards", "application/json", strings.NewReader("{}"))
			if err != nil {
				continue
			}
			var card map[string]any
			if res.StatusCode == http.StatusCreated && json.NewDecoder(res.Body).Decode(&card) == nil {
				if id, _ := card[p.idField].(string); id != "" {
					created[p.name] = append(created[p.name], id)
				}
			}
			res.Body.Close()
		}
		require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
		_ = cmd.Wait()

		b, err := os.ReadFile(state)
		if os.IsNotExist(err) {
			continue // killed before the first save
		}
		require.NoError(t, err)
		require.True(t, json.Valid(b), "round %d: torn state file", round)
		f, err := sims.NewFleet()
		require.NoError(t, err)
		require.NoError(t, f.UnmarshalState(b), "round %d", round)
		loaded++
		for _, p := range f.Providers() {
			st, err := p.State("default")
			require.NoError(t, err)
			dump, _ := json.Marshal(st)
			// The file holds what the last one held, plus a prefix of the
			// cards created since: the state at one moment, never some of
			// one and some of another.
			for _, id := range kept[p.Name()] {
				assert.Contains(t, string(dump), id, "round %d: %s lost card %s of an earlier snapshot", round, p.Name(), id)
			}
			ids, in := created[p.Name()], 0
			for in < len(ids) && strings.Contains(string(dump), ids[in]) {
				in++
			}
			for _, id := range ids[in:] {
				assert.NotContains(t, string(dump), id, "round %d: %s holds card %s but not the %d cards before it", round, p.Name(), id, in)
			}
			kept[p.Name()] = append(kept[p.Name()], ids[:in]...)
			if len(kept[p.Name()]) > 0 {
				seen[p.Name()] = true
			}
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(state), ".state.json.tmp-*"))
	assert.LessOrEqual(t, len(leftovers), 1, "each start sweeps the temp files a killed writer left")
	assert.Positive(t, loaded, "at least one snapshot was written and reloaded")
	for _, p := range providers {
		assert.True(t, seen[p.name], "some reloaded snapshot holds %s cards", p.name)
	}
}

// TestCrashChild is the child process of TestCrashDuringSnapshot.
func TestCrashChild(t *testing.T) {
	if os.Getenv("MOCKSRV_CRASH_CHILD") != "1" {
		t.Skip("helper process")
	}
	os.Exit(run([]string{"serve", "--addr", "127.0.0.1:0", "--state-interval", "3ms", "--log-level", "error"}, os.Stdout, io.Discard))
}

// TestAdminAPIIsLoopbackByDefault: with no flags, mocksrv (providers and
// admin API alike) listens on loopback only and the default tenant's
// allow-list is loopback; a listener beyond loopback without --admin-token
// is flagged.
func TestAdminAPIIsLoopbackByDefault(t *testing.T) {
	t.Parallel()
	fs, c := serveFlags(io.Discard)
	require.NoError(t, fs.Parse(nil))
	host, _, err := net.SplitHostPort(c.addr)
	require.NoError(t, err)
	assert.True(t, net.ParseIP(host).IsLoopback(), "default --addr %s", c.addr)
	assert.Equal(t, "loopback", c.allowIPs)
	assert.Empty(t, c.adminToken)

	base := startServe(t)
	assert.True(t, strings.HasPrefix(base, "http://127.0.0.1:"), base)

	for _, tt := range []struct {
		addr  string
		token string
		want  bool
	}{
		{"127.0.0.1:8080", "", false}, {"[::1]:8080", "", false}, {"0.0.0.0:8080", "", true},
		{"192.0.2.7:8080", "", true}, {"0.0.0.0:8080", "s3cret", false},
	} {
		a, err := net.ResolveTCPAddr("tcp", tt.addr)
		require.NoError(t, err)
		assert.Equal(t, tt.want, adminExposed(a, tt.token), "%s token %q", tt.addr, tt.token)
	}
}

// TestAdminTokenGuardsEveryAdminRoute runs the binary with --admin-token:
// every admin route answers 401 without it (or with a provider's
// credentials), /health stays open, and provider routes keep their own
// auth.
func TestAdminTokenGuardsEveryAdminRoute(t *testing.T) {
	t.Parallel()
	base := startServe(t, "--admin-token", "s3cret")
	call := func(method, path, token string) int {
		req, err := http.NewRequest(method, base+path, strings.NewReader(`{}`))
		require.NoError(t, err)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		return res.StatusCode
	}
	routes := [][2]string{
		{"GET", "/_mocksrv/tenants"}, {"POST", "/_mocksrv/tenants"}, {"GET", "/_mocksrv/tenants/default"},
		{"DELETE", "/_mocksrv/tenants/x"}, {"POST", "/_mocksrv/tenants/default/reset"}, {"GET", "/_mocksrv/tenants/default/clock"},
		{"GET", "/_mocksrv/tenants/default/webhooks"}, {"POST", "/_mocksrv/tenants/default/uqpay/cards"},
		{"POST", "/_mocksrv/tenants/default/bkj/cards/x/freeze"}, {"GET", "/_mocksrv/faults"}, {"POST", "/_mocksrv/faults"},
		{"DELETE", "/_mocksrv/faults"}, {"GET", "/_mocksrv/journal"}, {"DELETE", "/_mocksrv/journal"}, {"GET", "/_mocksrv/webhooks"},
		{"POST", "/_mocksrv/webhooks/x/redeliver"}, {"POST", "/_mocksrv/flush"}, {"POST", "/_mocksrv/scenarios"},
	}
	for _, p := range []string{"bkj", "keysecure", "uqpay", "decard"} {
		routes = append(routes, [2]string{"GET", "/_mocksrv/tenants/default/" + p + "/state"})
	}
	for _, rt := range routes {
		for _, tok := range []string{"", "s3cre", "mocksrv-keysecure-key-default"} {
			assert.Equal(t, http.StatusUnauthorized, call(rt[0], rt[1], tok), "%s %s with %q", rt[0], rt[1], tok)
		}
	}
	assert.Equal(t, http.StatusOK, call("GET", "/_mocksrv/health", ""))
	assert.Equal(t, http.StatusOK, call("GET", "/_mocksrv/tenants/default/uqpay/state", "s3cret"))
	assert.Equal(t, http.StatusUnauthorized, call("GET", "/api/v1/issuing/cards", "s3cret"), "the admin token is no UQPay token")
}

// TestReleaseLoopReturnsFreedMemory: memory freed while the server idles
// (nothing allocates, so the collector would not run) is collected and
// handed back by releaseLoop. Not parallel: it measures the process's heap.
func TestReleaseLoopReturnsFreedMemory(t *testing.T) {
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	burst := make([][]byte, 64)
	for i := range burst {
		burst[i] = make([]byte, 1<<20)
		burst[i][0] = 1
	}
	runtime.KeepAlive(burst)
	burst = nil
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go releaseLoop(ctx, 20*time.Millisecond)
	assert.Eventually(t, func() bool {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc < before.HeapAlloc+16<<20 && m.HeapIdle-m.HeapReleased < 16<<20
	}, 5*time.Second, 20*time.Millisecond, "the freed 64 MiB is collected and released")
}
