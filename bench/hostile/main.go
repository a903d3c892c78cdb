// Command hostile measures DESIGN.md's "no growth without bound" budget in
// the binary: it floods a running mocksrv with unauthenticated requests
// that each carry one large header (a careless or hostile neighbour on a
// shared server), reads the whole journal once, and prints the server's
// resident memory at start, at the peak of the flood, after it, and at the
// peak of the journal read.
//
//	go build -o /tmp/mocksrv ./cmd/mocksrv
//	/tmp/mocksrv serve --addr 127.0.0.1:18482 --log-level error & PID=$!
//	go run ./bench/hostile -target http://127.0.0.1:18482 -pid $PID
//
// The requests go round the four providers' paths with no credentials, so
// they are journaled under no tenant. With -tenants N they go to KeySecure
// instead, each with the Api-Key of one of N new tenants (unsigned, so
// refused, but journaled under that tenant): N floods at once, which the
// journal's total bound, not only its per-tenant one, must hold. -headers
// splits the junk over that many headers (each is cut on its own, so many
// short headers make the largest entries). The journal is read with one
// GET /_mocksrv/journal and discarded as it arrives; the bench prints how
// many bytes and entries it held. -pid reads /proc/PID/status (Linux);
// without it only the sizes are printed. It exits 1 when the peak passes
// -budget-mib.
//
// With -webhook-rounds N it measures the webhook budget instead: one
// tenant's receiver never answers, and N times over the bench times how
// long another tenant's callback takes to arrive (-control: without the
// first tenant's events). It exits 1 when one takes more than a second.
//
//	go run ./bench/hostile -target http://127.0.0.1:18482 -webhook-rounds 5
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mocksrv/mocksrv/internal/adminclient"
	"github.com/mocksrv/mocksrv/internal/benchloop"
)

// paths are the flood's targets: one route of each provider, no
// credentials, so each request is refused by the provider's auth and
// journaled.
var paths = []string{
	"/open-api/v1/card/list",
	"/api/v1/issuing/cards",
	"/openapi/v1/card/list",
	"/card/v1/cards",
}

type config struct {
	target      string
	token       string
	pid         int
	requests    int
	headerBytes int
	headers     int
	workers     int
	tenants     int
	budget      int64
	keys        []string // KeySecure Api-Keys of the tenants made for -tenants
}

func main() {
	var c config
	flag.StringVar(&c.target, "target", "http://127.0.0.1:8080", "the mocksrv to flood")
	flag.StringVar(&c.token, "admin-token", os.Getenv("MOCKSRV_ADMIN_TOKEN"), "the server's admin token, if it has one")
	flag.IntVar(&c.pid, "pid", 0, "the server's process id, to sample its resident memory")
	flag.IntVar(&c.requests, "requests", 3000, "requests in the flood")
	flag.IntVar(&c.headerBytes, "header-bytes", 60<<10, "size of the junk header each request carries")
	flag.IntVar(&c.headers, "headers", 1, "how many headers the junk is split over")
	flag.IntVar(&c.workers, "workers", 8, "concurrent clients")
	flag.IntVar(&c.tenants, "tenants", 0, "flood as this many new tenants (KeySecure Api-Keys) instead of with no credentials; they are deleted at the end")
	budget := flag.Int("budget-mib", 64, "resident memory the peak must stay under (DESIGN.md: 64 MiB)")
	rounds := flag.Int("webhook-rounds", 0, "measure webhook latency next to a black-holed neighbour over this many rounds instead")
	control := flag.Bool("control", false, "with -webhook-rounds: leave the black-holed tenant idle")
	flag.Parse()
	c.budget = int64(*budget) << 20
	c.target = strings.TrimRight(c.target, "/")
	var err error
	if *rounds > 0 {
		err = webhooks(c, *rounds, *control)
	} else {
		err = run(c)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "hostile:", err)
		os.Exit(1)
	}
}

func run(c config) error {
	c.target = strings.TrimRight(c.target, "/")
	hc := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: c.workers}}
	if c.headers < 1 {
		return fmt.Errorf("-headers %d: want 1 or more", c.headers)
	}
	if c.tenants > 0 {
		admin := adminclient.New(c.target, c.token, hc)
		ctx := context.Background()
		for range c.tenants {
			var t struct {
				ID        string `json:"id"`
				KeySecure struct {
					APIKey string `json:"api_key"`
				} `json:"keysecure"`
			}
			if err := admin.Do(ctx, http.MethodPost, "/_mocksrv/tenants", map[string]any{}, &t); err != nil {
				return err
			}
			defer admin.Do(ctx, http.MethodDelete, "/_mocksrv/tenants/"+t.ID, nil, nil)
			c.keys = append(c.keys, t.KeySecure.APIKey)
		}
	}
	start := rss(c.pid)

	var peak atomic.Int64
	peak.Store(start)
	sampling, stop := context.WithCancel(context.Background())
	go sample(sampling, c.pid, &peak)
	began := time.Now()
	if err := flood(hc, c); err != nil {
		stop()
		return err
	}
	took := time.Since(began)
	stop()
	floodPeak, flooded := peak.Load(), rss(c.pid)
	who := "no credentials"
	if c.tenants > 0 {
		who = fmt.Sprintf("the Api-Keys of %d tenants", c.tenants)
	}
	fmt.Printf("flood: %d requests with %d bytes of junk in %d header(s), %s, in %s\n", c.requests, c.headerBytes, c.headers, who, took.Round(time.Millisecond))

	peak.Store(flooded)
	sampling, stop = context.WithCancel(context.Background())
	go sample(sampling, c.pid, &peak)
	n, entries, err := readJournal(hc, c)
	stop()
	if err != nil {
		return err
	}
	readPeak := peak.Load()
	fmt.Printf("journal read: %d bytes, %d entries\n", n, entries)
	if c.pid == 0 {
		return nil
	}
	fmt.Printf("resident: %s at start, %s at the peak of the flood, %s after it, %s at the peak of the journal read\n",
		mib(start), mib(floodPeak), mib(flooded), mib(readPeak))
	if top := max(floodPeak, readPeak); top >= c.budget {
		return fmt.Errorf("peak %s is over the %s budget", mib(top), mib(c.budget))
	}
	fmt.Printf("within the %s budget\n", mib(c.budget))
	return nil
}

// flood sends c.requests junk requests from c.workers clients.
func flood(hc *http.Client, c config) error {
	junk := strings.Repeat("x", c.headerBytes/c.headers)
	var next atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for range c.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(c.requests) {
					return
				}
				path := paths[int(i)%len(paths)]
				if len(c.keys) > 0 {
					path = paths[0] // KeySecure, which names the tenant by Api-Key
				}
				req, err := http.NewRequest(http.MethodGet, c.target+path, nil)
				if err != nil {
					once.Do(func() { first = err })
					return
				}
				if len(c.keys) > 0 {
					req.Header.Set("Api-Key", c.keys[int(i)%len(c.keys)])
				}
				for h := range c.headers {
					req.Header.Set(fmt.Sprintf("X-Junk-%d", h), junk)
				}
				res, err := hc.Do(req)
				if err != nil {
					once.Do(func() { first = fmt.Errorf("request %d: %w", i, err) })
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
		}()
	}
	wg.Wait()
	return first
}

// readJournal reads GET /_mocksrv/journal to the end, counting its bytes
// and entries without holding it.
func readJournal(hc *http.Client, c config) (int64, int, error) {
	req, err := http.NewRequest(http.MethodGet, c.target+"/_mocksrv/journal", nil)
	if err != nil {
		return 0, 0, err
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := hc.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 4<<10))
		return 0, 0, fmt.Errorf("GET /_mocksrv/journal: %d %s", res.StatusCode, b)
	}
	cr := &countingReader{r: res.Body}
	dec := json.NewDecoder(bufio.NewReader(cr))
	entries, err := countEntries(dec)
	return cr.n, entries, err
}

// countEntries walks {"entries":[…], …} token by token, decoding one entry
// at a time, and returns how many the array held.
func countEntries(dec *json.Decoder) (int, error) {
	if _, err := dec.Token(); err != nil { // {
		return 0, err
	}
	n := 0
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return n, err
		}
		if key != "entries" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return n, err
			}
			continue
		}
		if _, err := dec.Token(); err != nil { // [
			return n, err
		}
		for dec.More() {
			var e struct{ Seq uint64 }
			if err := dec.Decode(&e); err != nil {
				return n, err
			}
			n++
		}
		if _, err := dec.Token(); err != nil { // ]
			return n, err
		}
	}
	if _, err := dec.Token(); err != nil && !errors.Is(err, io.EOF) { // }
		return n, err
	}
	return n, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func sample(ctx context.Context, pid int, peak *atomic.Int64) {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if r := rss(pid); r > peak.Load() {
				peak.Store(r)
			}
		}
	}
}

// rss returns the resident memory of process pid in bytes (0 if pid is 0
// or unreadable).
func rss(pid int) int64 {
	if pid == 0 {
		return 0
	}
	return benchloop.RSSOf(pid)
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
