package main

import (
	"bufio"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// meter reads a server's memory: its resident memory (Linux /proc), or,
// for a race-built binary, what its Go runtime has mapped and not given
// back (runtime.MemStats Sys − HeapReleased, read from --pprof-addr), since
// the race detector's shadow memory would swell the resident figure.
type meter struct {
	pid   int
	pprof string
	hc    *http.Client
}

func (s *suite) meter(sv *server) *meter {
	return &meter{pid: sv.PID, pprof: sv.Pprof, hc: &http.Client{Timeout: 10 * time.Second}}
}

// what names the figure the meter reads.
func (m *meter) what() string {
	if m.pprof != "" {
		return "Go-mapped memory (race build)"
	}
	return "resident memory"
}

// now returns the memory in use now (0 where it cannot be read).
func (m *meter) now() int64 {
	if m.pprof != "" {
		return goMapped(m.hc, m.pprof)
	}
	return procStatus(m.pid, "VmRSS")
}

// watch samples the memory until the returned stop is called, which
// returns the peak. Resident memory's peak is exact where the kernel keeps
// a high-water mark that can be reset (Linux VmHWM through clear_refs);
// otherwise it is the largest sample.
func (m *meter) watch() (stop func() int64) {
	hwm := m.pprof == "" && os.WriteFile("/proc/"+strconv.Itoa(m.pid)+"/clear_refs", []byte("5"), 0) == nil
	var peak atomic.Int64
	peak.Store(m.now())
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		every := 10 * time.Millisecond
		if m.pprof != "" {
			every = 25 * time.Millisecond
		}
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if v := m.now(); v > peak.Load() {
					peak.Store(v)
				}
			}
		}
	}()
	return func() int64 {
		close(done)
		wg.Wait()
		p := max(peak.Load(), m.now())
		if hwm {
			p = max(p, procStatus(m.pid, "VmHWM"))
		}
		return p
	}
}

// procStatus returns a kB field of /proc/PID/status in bytes, or 0.
func procStatus(pid int, field string) int64 {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// goMapped reads Sys − HeapReleased from the runtime.MemStats a Go
// program's /debug/pprof/heap?debug=1 ends with, or 0.
func goMapped(hc *http.Client, base string) int64 {
	res, err := hc.Get(base + "/debug/pprof/heap?debug=1")
	if err != nil {
		return 0
	}
	defer res.Body.Close()
	var sys, released int64
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "# Sys = "); ok {
			sys, _ = strconv.ParseInt(v, 10, 64)
		} else if v, ok := strings.CutPrefix(line, "# HeapReleased = "); ok {
			released, _ = strconv.ParseInt(v, 10, 64)
		}
	}
	return sys - released
}
