package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// floodPaths are the flood's targets: one route of each provider, no
// credentials, so each request is refused by the provider's auth and
// journaled.
var floodPaths = []string{
	"/open-api/v1/card/list",
	"/api/v1/issuing/cards",
	"/openapi/v1/card/list",
	"/card/v1/cards",
}

// floodBudget is DESIGN.md's bound on the server's memory through a flood
// and a journal read.
const floodBudget = 64 << 20

// headerFlood is item 3: a careless or hostile neighbour sends thousands
// of unauthenticated requests, each with a 60 KiB header, round the four
// providers' paths; then someone reads the whole journal. The server's
// memory must stay under 64 MiB throughout.
func headerFlood(s *suite, r *Result) error {
	sv, err := s.start()
	if err != nil {
		return err
	}
	m := s.meter(sv)
	requests := s.Requests
	if requests == 0 {
		requests = s.size(3000, 300)
	}
	const headerBytes = 60 << 10
	hc := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	start := m.now()
	stop := m.watch()
	began := time.Now()
	err = flood(hc, sv.Base, requests, headerBytes, 8)
	took := time.Since(began)
	floodPeak := stop()
	if err != nil {
		return err
	}
	after := m.now()
	stop = m.watch()
	n, entries, err := readJournal(hc, sv.Base, "")
	readPeak := stop()
	if err != nil {
		return err
	}
	r.figure("%d unauthenticated requests with a %d KiB header in %s; the journal read back: %s, %d entries",
		requests, headerBytes>>10, took.Round(time.Millisecond), mb(n), entries)
	r.figure("%s: %s at start, %s at the flood's peak, %s after it, %s at the peak of the journal read",
		m.what(), mib(start), mib(floodPeak), mib(after), mib(readPeak))
	if top := max(floodPeak, readPeak); top == 0 {
		r.Status, r.Why = Skip, "memory cannot be read on this platform"
	} else if top >= floodBudget {
		r.fail("peak %s is over the %s budget", mib(top), mib(floodBudget))
	}
	if s.Short {
		return nil
	}
	return journalTotal(s, r)
}

// journalTotal floods as 16 tenants at once, each request verified (a
// KeySecure token), so each is its tenant's to keep: 16 × the 4 MiB a
// tenant may keep is more than the 32 MiB the journal keeps in all, which
// must hold. The memory is reported, not judged: the 64 MiB budget is the
// flood of no tenant's above; here the journal alone may hold 32 MiB, and
// the collector's headroom doubles what is live.
func journalTotal(s *suite, r *Result) error {
	sv, err := s.start()
	if err != nil {
		return err
	}
	const tenants, requests, headers = 16, 6000, 28
	hc := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	admin := sv.admin("")
	ctx := context.Background()
	var creds [][2]string // Api-Key, Access-Token
	for i := range tenants {
		var t struct {
			KeySecure struct {
				APIKey string `json:"api_key"`
			} `json:"keysecure"`
		}
		if err := admin.Do(ctx, http.MethodPost, "/_mocksrv/tenants", map[string]any{"id": fmt.Sprintf("flood-%d", i)}, &t); err != nil {
			return err
		}
		req, err := http.NewRequest(http.MethodGet, sv.Base+"/open-api/v1/merchant/token", nil)
		if err != nil {
			return err
		}
		req.Header.Set("Api-Key", t.KeySecure.APIKey)
		req.Header.Set("Timestamp", strconv.FormatInt(time.Now().UnixMilli(), 10))
		res, err := hc.Do(req)
		if err != nil {
			return err
		}
		var tok struct {
			Data struct {
				Token string `json:"access_token"`
			} `json:"data"`
		}
		err = json.NewDecoder(res.Body).Decode(&tok)
		res.Body.Close()
		if err != nil || tok.Data.Token == "" {
			return fmt.Errorf("KeySecure token of tenant flood-%d: HTTP %d %v", i, res.StatusCode, err)
		}
		creds = append(creds, [2]string{t.KeySecure.APIKey, tok.Data.Token})
	}
	m := s.meter(sv)
	stop := m.watch()
	junk := strings.Repeat("x", 2<<10)
	var next atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > requests {
					return
				}
				c := creds[int(i)%len(creds)]
				req, _ := http.NewRequest(http.MethodPost, sv.Base+"/open-api/v1/card/list", strings.NewReader("{}"))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Api-Key", c[0])
				req.Header.Set("Access-Token", c[1])
				req.Header.Set("Timestamp", strconv.FormatInt(time.Now().UnixMilli(), 10))
				for h := range headers {
					req.Header.Set(fmt.Sprintf("X-Junk-%d", h), junk)
				}
				res, err := hc.Do(req)
				if err != nil {
					once.Do(func() { first = err })
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return first
	}
	n, entries, err := readJournal(hc, sv.Base, "")
	peak := stop()
	if err != nil {
		return err
	}
	const total = 32 << 20 // --journal-total-bytes' default
	r.figure("16 tenants' verified floods at once (%d requests, %d × 2 KiB headers each): the journal read back %s, %d entries (bound: 32 MiB in all); %s at the peak %s",
		requests, headers, mb(n), entries, m.what(), mib(peak))
	if n > total*105/100 {
		r.fail("the journal held %s, over the 32 MiB it keeps in all", mb(n))
	}
	return nil
}

// flood sends n requests with a junk header of size bytes from workers
// clients, round the providers' paths.
func flood(hc *http.Client, base string, n, size, workers int) error {
	junk := strings.Repeat("x", size)
	var next atomic.Int64
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(n) {
					return
				}
				req, err := http.NewRequest(http.MethodGet, base+floodPaths[int(i)%len(floodPaths)], nil)
				if err != nil {
					once.Do(func() { first = err })
					return
				}
				req.Header.Set("X-Junk", junk)
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
func readJournal(hc *http.Client, base, token string) (int64, int, error) {
	req, err := http.NewRequest(http.MethodGet, base+"/_mocksrv/journal", nil)
	if err != nil {
		return 0, 0, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
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
	entries, err := eachEntry(json.NewDecoder(bufio.NewReader(cr)), func(json.RawMessage) error { return nil })
	return cr.n, entries, err
}

// eachEntry walks {"entries":[…], …} token by token, handing each entry
// to fn as it is decoded, and returns how many the array held.
func eachEntry(dec *json.Decoder, fn func(json.RawMessage) error) (int, error) {
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
			var e json.RawMessage
			if err := dec.Decode(&e); err != nil {
				return n, err
			}
			if err := fn(e); err != nil {
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
