package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// tenantFlood is item 7: a script creates tenants in a loop. The server
// refuses one more than --max-tenants (HTTP 429, default cap 1,000; the
// short form sets 30) long before memory runs out; and with --tenant-ttl,
// tenants nobody uses are deleted. The bench stops at Options.MaxCreate
// tenants if none is refused.
func tenantFlood(s *suite, r *Result) error {
	limit := s.MaxCreate
	if limit == 0 {
		limit = s.size(5000, 200)
	}
	var args []string
	capacity := 1000 // the default tenant included
	if s.Short {
		capacity = 30
		if s.has("max-tenants") {
			args = append(args, "--max-tenants", "30")
		}
	}
	sv, err := s.start(args...)
	if err != nil {
		return err
	}
	m := s.meter(sv)
	before := m.now()
	created, refusal, took, err := createTenants(sv.Base, limit, 4)
	if err != nil {
		return err
	}
	after := m.now()
	per := ""
	if created > 0 && before > 0 {
		per = fmt.Sprintf("; %s grew %s, %.1f KiB a tenant", m.what(), mib(after-before), float64(after-before)/1024/float64(created))
	}
	if refusal == "" {
		r.figure("%d tenants created in %s, none refused%s", created, took.Round(time.Millisecond), per)
		r.fail("no cap: %d tenants created", created)
	} else {
		r.figure("%d tenants created in %s, the next refused: %s%s", created, took.Round(time.Millisecond), refusal, per)
		if !strings.HasPrefix(refusal, "429") {
			r.fail("refused with %s, want HTTP 429", refusal)
		}
		if created+1 != capacity {
			r.fail("%d tenants held with the default one, want the cap %d", created+1, capacity)
		}
	}
	return tenantExpiry(s, r)
}

// tenantExpiry starts a server with a short --tenant-ttl, makes a few
// tenants and waits for them to be deleted.
func tenantExpiry(s *suite, r *Result) error {
	if !s.has("tenant-ttl") {
		r.figure("idle tenants: the binary has no --tenant-ttl; they stay until deleted")
		r.fail("no idle expiry")
		return nil
	}
	ttl := time.Duration(s.size(3000, 1000)) * time.Millisecond
	sv, err := s.start("--tenant-ttl", ttl.String())
	if err != nil {
		return err
	}
	const n = 10
	if made, refusal, _, err := createTenants(sv.Base, n, 2); err != nil || made != n {
		return fmt.Errorf("%d of %d tenants made (%s): %v", made, n, refusal, err)
	}
	began := time.Now()
	for {
		held, err := tenantCount(sv.Base)
		if err != nil {
			return err
		}
		if held == 1 {
			r.figure("%d idle tenants gone %s after they were made, with --tenant-ttl %s (the default tenant stays)", n, time.Since(began).Round(10*time.Millisecond), ttl)
			return nil
		}
		if time.Since(began) > ttl+10*time.Second {
			r.fail("%d tenants still held %s after --tenant-ttl %s", held-1, time.Since(began).Round(time.Second), ttl)
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// createTenants creates tenants from workers clients until one is refused
// or limit are made. It returns how many were made and the first refusal
// ("429 message"; "" if none).
func createTenants(base string, limit, workers int) (int, string, time.Duration, error) {
	hc := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	var made, next atomic.Int64
	var mu sync.Mutex
	var refusal string
	var first error
	var wg sync.WaitGroup
	began := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(limit) {
				mu.Lock()
				stop := refusal != "" || first != nil
				mu.Unlock()
				if stop {
					return
				}
				res, err := hc.Post(base+"/_mocksrv/tenants", "application/json", strings.NewReader("{}"))
				if err != nil {
					mu.Lock()
					first = err
					mu.Unlock()
					return
				}
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode == http.StatusCreated || res.StatusCode == http.StatusOK {
					made.Add(1)
					continue
				}
				var e struct {
					Message string `json:"message"`
				}
				_ = json.Unmarshal(b, &e)
				if e.Message == "" {
					e.Message = string(bytes.TrimSpace(b))
				}
				msg, _, _ := strings.Cut(e.Message, ";") // its first clause
				mu.Lock()
				if refusal == "" {
					refusal = fmt.Sprintf("%d %q", res.StatusCode, msg)
				}
				mu.Unlock()
				return
			}
		}()
	}
	wg.Wait()
	return int(made.Load()), refusal, time.Since(began), first
}

// tenantCount reads how many tenants the server holds from /health.
func tenantCount(base string) (int, error) {
	res, err := http.Get(base + "/_mocksrv/health")
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	var h struct {
		Tenants int `json:"tenants"`
	}
	if err := json.NewDecoder(res.Body).Decode(&h); err != nil {
		return 0, err
	}
	return h.Tenants, nil
}
