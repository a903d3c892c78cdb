package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// snapshot is item 6: a server holding ~80 MB of state (cards of UQPay and
// KeySecure over several tenants, made through the admin API) saves it on
// its timer while clients keep writing to every tenant. It measures:
//
//   - each save's duration and file size, watched from outside (saveWatch);
//   - the memory a save costs: from a settled server, one write to each
//     tenant makes the next save encode every world; the server's peak
//     while it saves against its memory before, next to the file's size
//     (budget: 2× the file);
//   - the latency of the writes that ran while a save did (budget: p99
//     ≤ 5 ms), against that of the writes that did not;
//   - what kill -9 loses: writes go on with each acknowledgement recorded,
//     the server is killed at a random moment, restarted on its file, and
//     every acknowledged write is looked for; the oldest one missing must
//     be younger than 2 × --state-interval.
func snapshot(s *suite, r *Result) error {
	target := s.StateBytes
	if target == 0 {
		target = int64(s.size(80_000_000, 2_000_000))
	}
	every := s.StateInterval
	if every == 0 {
		every = time.Duration(s.size(5000, 400)) * time.Millisecond
	}
	if s.Short && s.Race && s.StateBytes == 0 && s.StateInterval == 0 {
		// The race detector makes encoding ten times slower or more: a
		// smaller state on a longer timer keeps each save within it.
		target, every = 500_000, time.Second
	}
	state := filepath.Join(s.Dir, "snapshot-state.json")
	_ = os.Remove(state)
	args := []string{"--state", state, "--state-interval", every.String()}
	sv, err := s.start(args...)
	if err != nil {
		return err
	}
	saves := watchSaves(state, sv.Ready, every)
	defer saves.stop()
	st := &store{base: sv.Base, hc: &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}}
	ctx := context.Background()

	// Fill, then top up from what the first save shows a card costs.
	if err := st.setup(ctx, s.size(8, 4)); err != nil {
		return err
	}
	began := time.Now()
	perCard := int64(600)
	var last saveWindow
	for {
		want := int((target - last.Size) / perCard)
		if want <= 0 {
			break
		}
		if err := st.fill(ctx, want, 8); err != nil {
			return err
		}
		filled := time.Now()
		if last, err = saves.next(filled, 10*every+2*time.Minute); err != nil {
			return err
		}
		perCard = max(1, last.Size/int64(st.cards.Load()))
		if last.Size >= target*95/100 {
			break
		}
	}
	fill := time.Since(began)
	r.figure("state: %s in the file (%d cards over %d tenants, %d bytes a card), filled in %s; --state-interval %s",
		mb(last.Size), st.cards.Load(), len(st.tenants), perCard, fill.Round(100*time.Millisecond), every)

	// The memory a save takes: from a settled server, one write to each
	// tenant makes the next save encode every world again.
	m := s.meter(sv)
	if !s.Short && !s.Race {
		settle(m, 70*time.Second) // serve hands freed memory back once a minute
	}
	// Just after a tick of the save timer, so no save starts halfway
	// through the writes.
	time.Sleep(time.Until(saves.lastTick(time.Now()).Add(every + every/20)))
	before := m.now()
	stop := m.watch()
	touched := time.Now()
	for i := range st.tenants {
		if _, err := st.card(ctx, int64(i)); err != nil {
			return err
		}
	}
	save, err := saves.next(touched, 10*every+2*time.Minute)
	if err != nil {
		return err
	}
	peak := stop()
	extra := peak - before
	budget, allowance := 2*save.Size, int64(0)
	if s.Short {
		// At a few MB the collector's own minimum heap (4 MB) outweighs
		// the file; the long form measures the target as it stands.
		allowance = 8 << 20
	}
	r.figure("a save of every world: %s; %s %s before it, %s at its peak: +%s = %.2f× the %s file",
		save.took().Round(time.Millisecond), m.what(), mib(before), mib(peak), mib(extra), float64(extra)/float64(save.Size), mb(save.Size))
	if before > 0 && extra > budget+allowance {
		r.fail("a save took %s more memory, over 2× the file", mib(extra))
	}

	// Write latency across saves.
	phase := time.Now()
	rate := s.size(200, 100)
	writes, err := st.write(ctx, rate, 4, time.Duration(s.size(3, 4))*every+2*save.took()+time.Second, nil)
	if err != nil {
		return err
	}
	windows := saves.between(phase, time.Now())
	if len(windows) == 0 {
		return fmt.Errorf("no save ended while %d writes ran", len(writes))
	}
	var during, outside []time.Duration
	for _, w := range writes {
		if overlaps(w, windows) {
			during = append(during, w.took)
		} else {
			outside = append(outside, w.took)
		}
	}
	var took []time.Duration
	for _, w := range windows {
		took = append(took, w.took())
	}
	slices.Sort(took)
	r.figure("%d saves while writing, each %s (longest %s)", len(windows), durations(took), took[len(took)-1].Round(time.Millisecond))
	r.figure("%d writes at %d/s: while saving %s; otherwise %s", len(writes), rate, latencies(during), latencies(outside))
	switch {
	case len(during) == 0:
		r.fail("no write ran while a save did")
	case s.Short:
		// A few dozen writes carry no p99, and the short form runs under
		// -race on shared CI machines: it judges the median instead, which
		// a save that held writers back for its length would push up.
		if p, q := quantile(during, 0.5), quantile(outside, 0.5); p > max(5*time.Millisecond, 3*q) {
			r.fail("write p50 while saving %s > max(5 ms, 3 × %s otherwise)", ms(p), ms(q))
		}
	default:
		if p := quantile(during, 0.99); p > 5*time.Millisecond {
			r.fail("write p99 while saving %s > 5 ms", ms(p))
		}
	}
	if took[len(took)-1] > every && !s.Short {
		// Then the kill -9 bound rests on luck; the short form, on shared
		// CI machines, judges the bound itself below.
		r.fail("a save took %s, longer than --state-interval %s", took[len(took)-1].Round(time.Millisecond), every)
	}

	// kill -9 at a random moment while writing.
	killAfter := 2*every + time.Duration(s.rng.Int64N(int64(2*every)))
	var killedAt time.Time
	kill := func() { killedAt = time.Now(); sv.kill() }
	writes, err = st.write(ctx, rate, 4, killAfter, kill)
	if err != nil {
		return err
	}
	saved, ok := saves.lastBefore(killedAt)
	saves.stop()
	restart := time.Now()
	sv2, err := s.start(args...)
	if err != nil {
		return fmt.Errorf("restart on the state file: %w", err)
	}
	load := sv2.Ready.Sub(restart)
	found, err := st.present(ctx, sv2.Base)
	if err != nil {
		return err
	}
	acked, missing := 0, 0
	var oldest time.Duration
	for _, w := range writes {
		if w.id == "" {
			continue
		}
		acked++
		if !found[w.id] {
			missing++
			oldest = max(oldest, killedAt.Sub(w.acked))
		}
	}
	since := "no save had ended"
	if ok {
		since = fmt.Sprintf("the last save ended %s before", killedAt.Sub(saved.End).Round(time.Millisecond))
	}
	r.figure("kill -9 %s into writing (%s); restarted on the file in %s: %d of %d acknowledged writes missing, the oldest acknowledged %s before the kill (bound 2 × %s = %s)",
		killAfter.Round(time.Millisecond), since, load.Round(time.Millisecond), missing, acked, oldest.Round(time.Millisecond), every, 2*every)
	if oldest > 2*every {
		r.fail("kill -9 lost writes acknowledged %s before it", oldest.Round(time.Millisecond))
	}
	return nil
}

// settle waits, up to max, for the server's memory to drop: serve returns
// freed memory to the system once a minute, so the measure before a save
// is its working set rather than what filling left over.
func settle(m *meter, max time.Duration) {
	start := m.now()
	deadline := time.Now().Add(max)
	for time.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond)
		if m.now() < start*9/10 {
			return
		}
	}
}

// write is one acknowledged (or failed) card creation.
type write struct {
	start, acked time.Time
	took         time.Duration
	id           string // the new card's id; "" if it failed
}

func overlaps(w write, saves []saveWindow) bool {
	for _, s := range saves {
		if w.start.Before(s.End) && w.acked.After(s.Start) {
			return true
		}
	}
	return false
}

// store makes cards in a server's tenants through the admin API.
type store struct {
	base    string
	hc      *http.Client
	tenants []fillTenant
	cards   atomic.Int64
	next    atomic.Int64
}

type fillTenant struct {
	id, uqHolder, ksHolder string
}

func (st *store) do(ctx context.Context, path string, body any, out any) error {
	b, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, st.base+path, strings.NewReader(string(b)))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := st.hc.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("POST %s: HTTP %d %.300s", path, res.StatusCode, raw)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(raw, out)
}

// setup makes n tenants, each with a UQPay and a KeySecure cardholder.
func (st *store) setup(ctx context.Context, n int) error {
	for i := range n {
		t := fillTenant{id: fmt.Sprintf("fill-%d", i)}
		if err := st.do(ctx, "/_mocksrv/tenants", map[string]any{"id": t.id, "seed": i + 1}, nil); err != nil {
			return err
		}
		var uq struct {
			ID string `json:"cardholder_id"`
		}
		if err := st.do(ctx, "/_mocksrv/tenants/"+t.id+"/uqpay/cardholders", map[string]any{}, &uq); err != nil {
			return err
		}
		var ks struct {
			No string `json:"cardholder_no"`
		}
		if err := st.do(ctx, "/_mocksrv/tenants/"+t.id+"/keysecure/cardholders", map[string]any{"balance": "1000.00"}, &ks); err != nil {
			return err
		}
		t.uqHolder, t.ksHolder = uq.ID, ks.No
		st.tenants = append(st.tenants, t)
	}
	return nil
}

// card makes the i-th card: tenants in turn, UQPay and KeySecure in turn.
func (st *store) card(ctx context.Context, i int64) (string, error) {
	t := st.tenants[i%int64(len(st.tenants))]
	if (i/int64(len(st.tenants)))%2 == 0 {
		var c struct {
			ID string `json:"card_id"`
		}
		err := st.do(ctx, "/_mocksrv/tenants/"+t.id+"/uqpay/cards", map[string]any{"cardholder_id": t.uqHolder}, &c)
		return c.ID, err
	}
	var c struct {
		No string `json:"card_no"`
	}
	err := st.do(ctx, "/_mocksrv/tenants/"+t.id+"/keysecure/cards", map[string]any{"cardholder_no": t.ksHolder}, &c)
	return c.No, err
}

// fill makes n cards from workers clients as fast as the server takes them.
func (st *store) fill(ctx context.Context, n, workers int) error {
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	var left atomic.Int64
	left.Store(int64(n))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for left.Add(-1) >= 0 {
				if _, err := st.card(ctx, st.next.Add(1)); err != nil {
					once.Do(func() { first = err })
					return
				}
				st.cards.Add(1)
			}
		}()
	}
	wg.Wait()
	return first
}

// write makes cards at rate a second from workers clients for d, each
// paced, and returns every write. With then, it calls then at d and keeps
// no write answered after that (the server is gone).
func (st *store) write(ctx context.Context, rate, workers int, d time.Duration, then func()) ([]write, error) {
	var mu sync.Mutex
	var out []write
	var first error
	stopped := make(chan struct{})
	var wg sync.WaitGroup
	gap := time.Duration(int64(time.Second) * int64(workers) / int64(rate))
	for k := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			next := time.Now().Add(gap * time.Duration(k) / time.Duration(workers))
			for {
				if wait := time.Until(next); wait > 0 {
					select {
					case <-stopped:
						return
					case <-time.After(wait):
					}
				}
				select {
				case <-stopped:
					return
				default:
				}
				next = next.Add(gap)
				start := time.Now()
				id, err := st.card(ctx, st.next.Add(1))
				acked := time.Now()
				select {
				case <-stopped:
					return // answered or failed after the end
				default:
				}
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				out = append(out, write{start: start, acked: acked, took: acked.Sub(start), id: id})
				mu.Unlock()
			}
		}()
	}
	time.Sleep(d)
	if then != nil {
		mu.Lock() // no acknowledgement is recorded from here on
		close(stopped)
		then()
		mu.Unlock()
	} else {
		close(stopped)
	}
	wg.Wait()
	return out, first
}

// present dumps every tenant's UQPay and KeySecure state from the server
// at base and returns the set of strings in them (card ids among them).
func (st *store) present(ctx context.Context, base string) (map[string]bool, error) {
	found := map[string]bool{}
	for _, t := range st.tenants {
		for _, p := range []string{"uqpay", "keysecure"} {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/_mocksrv/tenants/"+t.id+"/"+p+"/state?compact=1", nil)
			if err != nil {
				return nil, err
			}
			res, err := st.hc.Do(req)
			if err != nil {
				return nil, err
			}
			if res.StatusCode != http.StatusOK {
				res.Body.Close()
				return nil, fmt.Errorf("GET %s state of %s: HTTP %d", p, t.id, res.StatusCode)
			}
			err = eachString(bufio.NewReaderSize(res.Body, 1<<20), func(s string) { found[s] = true })
			res.Body.Close()
			if err != nil {
				return nil, err
			}
		}
	}
	return found, nil
}

// eachString hands fn every JSON string of up to 64 bytes in r without
// escapes (ids are such strings), without decoding the document.
func eachString(r *bufio.Reader, fn func(string)) error {
	var buf []byte
	in, escaped := false, false
	for {
		c, err := r.ReadByte()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch {
		case !in:
			if c == '"' {
				in, escaped, buf = true, false, buf[:0]
			}
		case c == '\\':
			escaped = true
			_, _ = r.ReadByte()
		case c == '"':
			if !escaped && len(buf) <= 64 {
				fn(string(buf))
			}
			in = false
		default:
			if len(buf) <= 64 {
				buf = append(buf, c)
			}
		}
	}
}

// quantile returns the q-quantile of ds (0 for none).
func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(float64(len(s))*q+0.999999) - 1
	return s[max(0, min(i, len(s)-1))]
}

func latencies(ds []time.Duration) string {
	if len(ds) == 0 {
		return "none"
	}
	return fmt.Sprintf("%d, p50 %s, p99 %s, max %s", len(ds), ms(quantile(ds, 0.5)), ms(quantile(ds, 0.99)), ms(slices.Max(ds)))
}
