// Command fill measures DESIGN.md's memory budget in the binary: it adds
// cards to one tenant of a running mocksrv through the admin API, samples
// the server's resident memory while it fills, and again after the server
// has been idle for a while (serve returns freed memory once a minute).
//
//	go build -o /tmp/mocksrv ./cmd/mocksrv
//	/tmp/mocksrv serve --addr 127.0.0.1:18480 --log-level error & PID=$!
//	go run ./bench/fill -target http://127.0.0.1:18480 -provider uqpay -cards 100000 -pid $PID
//
// The cards go to a fresh tenant, one cardholder holds them all, and the
// tenant is deleted at the end unless -keep is given. -pid reads
// /proc/PID/status (Linux); without it only the fill rate is printed.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mocksrv/mocksrv/internal/adminclient"
	"github.com/mocksrv/mocksrv/internal/benchloop"
)

func main() {
	target := flag.String("target", "http://127.0.0.1:8080", "the mocksrv to fill")
	provider := flag.String("provider", "uqpay", "uqpay or keysecure")
	cards := flag.Int("cards", 100_000, "cards to add")
	workers := flag.Int("workers", 4, "concurrent admin clients")
	pid := flag.Int("pid", 0, "the server's process id, to sample its resident memory")
	settle := flag.Duration("settle", 70*time.Second, "how long to wait idle before the last sample")
	keep := flag.Bool("keep", false, "keep the tenant (default: delete it at the end)")
	token := flag.String("admin-token", os.Getenv("MOCKSRV_ADMIN_TOKEN"), "the server's admin token, if it has one")
	flag.Parse()
	if err := run(*target, *provider, *cards, *workers, *pid, *settle, *keep, *token); err != nil {
		fmt.Fprintln(os.Stderr, "fill:", err)
		os.Exit(1)
	}
}

func run(target, provider string, cards, workers, pid int, settle time.Duration, keep bool, token string) error {
	if provider != "uqpay" && provider != "keysecure" {
		return fmt.Errorf("-provider %q: want uqpay or keysecure", provider)
	}
	c := adminclient.New(target, token, &http.Client{Timeout: 30 * time.Second})
	ctx := context.Background()
	var tenant struct {
		ID string `json:"id"`
	}
	if err := c.Do(ctx, http.MethodPost, "/_mocksrv/tenants", map[string]any{}, &tenant); err != nil {
		return err
	}
	if !keep {
		defer c.Do(ctx, http.MethodDelete, "/_mocksrv/tenants/"+tenant.ID, nil, nil)
	}
	base := "/_mocksrv/tenants/" + tenant.ID + "/" + provider + "/"
	var card map[string]any
	switch provider {
	case "uqpay":
		var h struct {
			ID string `json:"cardholder_id"`
		}
		if err := c.Do(ctx, http.MethodPost, base+"cardholders", map[string]any{}, &h); err != nil {
			return err
		}
		card = map[string]any{"cardholder_id": h.ID}
	case "keysecure":
		var h struct {
			No string `json:"cardholder_no"`
		}
		if err := c.Do(ctx, http.MethodPost, base+"cardholders", map[string]any{"balance": "1000.00"}, &h); err != nil {
			return err
		}
		card = map[string]any{"cardholder_no": h.No}
	}

	start := rss(pid)
	var peak atomic.Int64
	peak.Store(start)
	sampling, stop := context.WithCancel(ctx)
	go sample(sampling, pid, &peak)
	began := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(cards) {
				if err := c.Do(ctx, http.MethodPost, base+"cards", card, nil); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(began)
	stop()
	select {
	case err := <-errs:
		return err
	default:
	}
	fmt.Printf("%s: %d cards in %s (%.0f/s)\n", provider, cards, took.Round(time.Millisecond), float64(cards)/took.Seconds())
	if pid == 0 {
		return nil
	}
	filled := rss(pid)
	fmt.Printf("resident: %s at start, %s at the peak of filling, %s when filled\n", mib(start), mib(peak.Load()), mib(filled))
	time.Sleep(settle)
	fmt.Printf("resident after %s idle: %s (DESIGN.md's budget: 100,000 cards under 150 MB = 143 MiB)\n", settle, mib(rss(pid)))
	return nil
}

func sample(ctx context.Context, pid int, peak *atomic.Int64) {
	t := time.NewTicker(20 * time.Millisecond)
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
