package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// saveWatch watches a --state file from outside the server and records
// when each save ran: a save ends when a new file is renamed over the
// state file (its inode changes), and began at the last tick of the
// server's save timer before its temporary file appeared (a save writes
// the temporary file as it goes, or, in older binaries, once it has
// encoded everything), or when the previous save ended, if later.
type saveWatch struct {
	path  string
	ready time.Time     // when the server started: its timer's ticks are ready + k × every
	every time.Duration // --state-interval
	mu    sync.Mutex
	saves []saveWindow
	done  chan struct{}
	wg    sync.WaitGroup
}

// saveWindow is one save: when it ran and the file it wrote.
type saveWindow struct {
	Start, End time.Time
	Size       int64
}

func (w saveWindow) took() time.Duration { return w.End.Sub(w.Start) }

func watchSaves(path string, ready time.Time, every time.Duration) *saveWatch {
	w := &saveWatch{path: path, ready: ready, every: every, done: make(chan struct{})}
	w.wg.Add(1)
	go w.poll()
	return w
}

func (w *saveWatch) poll() {
	defer w.wg.Done()
	dir, prefix := filepath.Dir(w.path), "."+filepath.Base(w.path)+".tmp-"
	last := fileID(w.path)
	var tempSeen, prevEnd time.Time
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-w.done:
			return
		case <-t.C:
		}
		now := time.Now()
		if tempSeen.IsZero() {
			if entries, err := os.ReadDir(dir); err == nil {
				for _, e := range entries {
					if strings.HasPrefix(e.Name(), prefix) {
						tempSeen = now
						break
					}
				}
			}
		}
		id := fileID(w.path)
		if id == last || id == "" {
			continue
		}
		last = id
		ref := tempSeen
		if ref.IsZero() {
			ref = now
		}
		start := w.lastTick(ref)
		if start.Before(prevEnd) {
			start = prevEnd
		}
		var size int64
		if fi, err := os.Stat(w.path); err == nil {
			size = fi.Size()
		}
		w.mu.Lock()
		w.saves = append(w.saves, saveWindow{Start: start, End: now, Size: size})
		w.mu.Unlock()
		tempSeen, prevEnd = time.Time{}, now
	}
}

// lastTick returns the save timer's last tick at or before t.
func (w *saveWatch) lastTick(t time.Time) time.Time {
	if w.every <= 0 || t.Before(w.ready) {
		return t
	}
	return w.ready.Add(t.Sub(w.ready) / w.every * w.every)
}

func (w *saveWatch) stop() {
	select {
	case <-w.done:
	default:
		close(w.done)
	}
	w.wg.Wait()
}

// between returns the saves that ended in [from, to].
func (w *saveWatch) between(from, to time.Time) []saveWindow {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []saveWindow
	for _, s := range w.saves {
		if !s.End.Before(from) && !s.End.After(to) {
			out = append(out, s)
		}
	}
	return out
}

// next waits for a save that starts after from, and returns it.
func (w *saveWatch) next(from time.Time, within time.Duration) (saveWindow, error) {
	deadline := time.Now().Add(within)
	for {
		w.mu.Lock()
		for _, s := range w.saves {
			if s.Start.After(from) {
				w.mu.Unlock()
				return s, nil
			}
		}
		w.mu.Unlock()
		if time.Now().After(deadline) {
			return saveWindow{}, fmt.Errorf("no save of %s began within %s", w.path, within)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// lastBefore returns the last save that ended before t (ok false if none).
func (w *saveWatch) lastBefore(t time.Time) (saveWindow, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i := len(w.saves) - 1; i >= 0; i-- {
		if w.saves[i].End.Before(t) {
			return w.saves[i], true
		}
	}
	return saveWindow{}, false
}
