package sims

// The --state file: every tenant (its clock, seed, allow-list and each
// provider's saved world) and the webhook outbox.
//
// Saving streams the file a tenant at a time and a world at a time: each
// provider's world is copied under its lock, encoded outside it, written
// and dropped, so a save holds one world's encoding at most. A world whose
// tenant has not changed since the last save is not encoded again: its
// bytes are copied from the last state file this Fleet wrote or loaded,
// which the Fleet keeps open for that (a file, read through the page
// cache, rather than a copy of every encoding on the heap). The worlds of
// providers this run does not serve are kept as they were found and
// written back by every save. Loading streams the file too, a tenant at a
// time.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// stateVersion is the --state file format's version.
const stateVersion = 1

// snapshotFile is the --state file format, as tests read it. Saving and
// loading stream it instead of building this value.
type snapshotFile struct {
	Version  int              `json:"version"`
	SavedAt  time.Time        `json:"saved_at"`
	Tenants  []tenantSnapshot `json:"tenants"`
	Webhooks core.OutboxState `json:"webhooks"`
}

type tenantSnapshot struct {
	ID        string                     `json:"id"`
	Seed      uint64                     `json:"seed"`
	Clock     core.ClockState            `json:"clock"`
	Allow     core.AllowList             `json:"allow_ips"`
	Providers map[string]json.RawMessage `json:"providers"`
	// Deleted marks a tenant deleted while a save was writing it: loading
	// skips it.
	Deleted bool `json:"deleted,omitempty"`
}

// snapshots is what a Fleet keeps between saves: the last state file it
// wrote or loaded, open, and where each world's JSON is in it.
type snapshots struct {
	save sync.Mutex // one save or load at a time: it reads file, which the next one replaces

	mu     sync.Mutex                       // guards the fields below
	file   *os.File                         // the last state file written or loaded; nil if none is kept
	stamp  fileStamp                        // file's size and modification time when it was kept
	worlds map[string]map[string]savedWorld // tenant → provider → its JSON
}

// savedWorld is one world's JSON: where it is in the kept file, or, for a
// provider this run does not serve, the JSON itself.
type savedWorld struct {
	tenant  *core.Tenant    // whose world it is (a tenant deleted and made again under its ID is another)
	changes uint64          // the tenant's Changes when it was encoded
	off, n  int64           // where it is in file
	raw     json.RawMessage // a world of a provider this run does not serve, written back as found
}

// fileStamp tells whether a kept file was changed in place since: its
// size and modification time (Unix ns).
type fileStamp struct{ size, mod int64 }

func stampOf(f *os.File) (fileStamp, bool) {
	fi, err := f.Stat()
	if err != nil {
		return fileStamp{}, false
	}
	return fileStamp{fi.Size(), fi.ModTime().UnixNano()}, true
}

func newSnapshots() *snapshots {
	return &snapshots{worlds: map[string]map[string]savedWorld{}}
}

// keepFiles says whether a Fleet keeps its last state file open to copy
// unchanged worlds from. Windows cannot rename a new file over one that is
// open, so there every save encodes every world.
var keepFiles = runtime.GOOS != "windows"

// forget drops what is kept for a tenant that is gone.
func (s *snapshots) forget(tenant string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.worlds, tenant)
}

// replace makes file (nil for none) the kept file, with worlds as its
// layout, and closes the one it replaces.
func (s *snapshots) replace(file *os.File, worlds map[string]map[string]savedWorld) {
	stamp, ok := fileStamp{}, false
	if file != nil {
		if stamp, ok = stampOf(file); !ok {
			_ = file.Close()
			file = nil
		}
	}
	s.mu.Lock()
	old := s.file
	s.file, s.stamp, s.worlds = file, stamp, worlds
	s.mu.Unlock()
	if old != nil {
		_ = old.Close()
	}
}

// source returns the kept file and its layout. The file is left out when
// it was changed in place since it was kept (someone copied another file
// over it): its bytes are no longer the worlds the layout says.
func (s *snapshots) source() (*os.File, map[string]map[string]savedWorld) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.file != nil {
		if now, ok := stampOf(s.file); !ok || now != s.stamp {
			return nil, s.worlds
		}
	}
	return s.file, s.worlds
}

// SaveState writes the --state file at path atomically (core.WriteFileAtomic),
// streaming it, and keeps the new file to copy unchanged worlds from at the
// next save.
func (f *Fleet) SaveState(path string) error {
	f.snaps.save.Lock()
	defer f.snaps.save.Unlock()
	layout := map[string]map[string]savedWorld{}
	write := func(w io.Writer) error { return f.writeState(w, layout) }
	if !keepFiles {
		return core.WriteFileAtomicFunc(path, write)
	}
	file, err := core.WriteFileAtomicKeep(path, write)
	if err != nil {
		return err
	}
	f.snaps.replace(file, layout)
	return nil
}

// WriteState writes the --state file to w: every tenant (state, clock,
// credentials) and the webhook outbox, a tenant at a time. It holds no
// lock across tenants: tenants can be created and deleted meanwhile, and
// each provider world is locked only while it is copied.
func (f *Fleet) WriteState(w io.Writer) error {
	f.snaps.save.Lock()
	defer f.snaps.save.Unlock()
	return f.writeState(w, nil)
}

// MarshalState returns the --state file in memory (WriteState streams it).
func (f *Fleet) MarshalState() ([]byte, error) {
	var buf bytes.Buffer
	err := f.WriteState(&buf)
	return buf.Bytes(), err
}

// writeState writes the state file to w. With layout, w is the start of a
// file the Fleet will keep: it records where each world went.
func (f *Fleet) writeState(w io.Writer, layout map[string]map[string]savedWorld) error {
	out := &offsetWriter{w: bufio.NewWriterSize(w, 256<<10)}
	src, prev := f.snaps.source()
	head, _ := json.Marshal(core.WallNow().UTC())
	out.printf(`{"version":%d,"saved_at":%s,"tenants":[`, stateVersion, head)
	for i, t := range f.Tenants.List() {
		if i > 0 {
			out.byte(',')
		}
		if err := f.writeTenant(out, t, src, prev, layout); err != nil {
			return err
		}
	}
	hooks, err := json.Marshal(f.Webhooks.State())
	if err != nil {
		return err
	}
	out.printf(`],"webhooks":%s}`, hooks)
	if out.err != nil {
		return out.err
	}
	return out.w.Flush()
}

// writeTenant writes one tenant's object. A world is encoded afresh
// unless the tenant has not changed since src was written (its bytes are
// copied from src then); the worlds of providers this run does not serve
// are written as found. A tenant deleted while it was being written is
// marked deleted, so loading skips it.
func (f *Fleet) writeTenant(out *offsetWriter, t *core.Tenant, src *os.File, prev, layout map[string]map[string]savedWorld) error {
	f.snaps.mu.Lock()
	kept := prev[t.ID]
	f.snaps.mu.Unlock()
	clock, _ := json.Marshal(t.Clock.State())
	allow, _ := json.Marshal(t.Allow)
	id, _ := json.Marshal(t.ID)
	out.printf(`{"id":%s,"seed":%d,"clock":%s,"allow_ips":%s,"providers":{`, id, t.Seed, clock, allow)
	names := make([]string, 0, len(f.providers)+len(kept))
	for _, p := range f.providers {
		names = append(names, p.Name())
	}
	for name, sw := range kept {
		if sw.raw != nil {
			names = append(names, name)
		}
	}
	slices.Sort(names) // the order json.Marshal gave a map
	var placed map[string]savedWorld
	if layout != nil {
		placed = map[string]savedWorld{}
	}
	sep, gone := "", false
	for _, name := range names {
		p, served := f.byName[name]
		sw := kept[name]
		changes := t.Changes() // read before the copy: a change during it is caught next time
		key, _ := json.Marshal(name)
		head := &keyWriter{out: out, key: sep + string(key) + ":"}
		switch {
		case !served:
			_, _ = head.Write(sw.raw)
		case src != nil && sw.n > 0 && sw.tenant == t && sw.changes == changes:
			head.begin()
			out.copyFrom(src, sw.off, sw.n)
		default:
			if err := p.SnapshotTo(t.ID, head); err != nil {
				if _, still := f.Tenants.Get(t.ID); !still && !head.wrote {
					gone = true // deleted while the save ran
					break
				}
				return err
			}
		}
		if gone {
			break
		}
		sep = ","
		if placed != nil {
			if served {
				placed[name] = savedWorld{tenant: t, changes: changes, off: head.off, n: out.n - head.off}
			} else {
				placed[name] = sw
			}
		}
	}
	if _, still := f.Tenants.Get(t.ID); gone || !still {
		out.printf(`},"deleted":true}`)
		return out.err
	}
	out.printf(`}}`)
	if placed != nil {
		layout[t.ID] = placed
	}
	return out.err
}

// keyWriter writes an object key before the first bytes of its value, so
// a value that turns out to be gone leaves no key behind; off is where the
// value starts.
type keyWriter struct {
	out   *offsetWriter
	key   string
	off   int64
	wrote bool
}

func (k *keyWriter) begin() {
	if !k.wrote {
		k.wrote = true
		k.out.write([]byte(k.key))
		k.off = k.out.n
	}
}

func (k *keyWriter) Write(p []byte) (int, error) {
	k.begin()
	k.out.write(p)
	if k.out.err != nil {
		return 0, k.out.err
	}
	return len(p), nil
}

// offsetWriter counts what it writes (its offset in the file) and keeps
// the first error, so a writer of many small pieces checks once.
type offsetWriter struct {
	w   *bufio.Writer
	n   int64
	err error
}

func (o *offsetWriter) write(p []byte) {
	if o.err != nil {
		return
	}
	n, err := o.w.Write(p)
	o.n += int64(n)
	o.err = err
}

func (o *offsetWriter) byte(c byte) { o.write([]byte{c}) }

func (o *offsetWriter) printf(format string, args ...any) {
	o.write(fmt.Appendf(nil, format, args...))
}

// copyFrom copies n bytes at off of src.
func (o *offsetWriter) copyFrom(src *os.File, off, n int64) {
	if o.err != nil {
		return
	}
	c, err := o.w.ReadFrom(io.NewSectionReader(src, off, n))
	o.n += c
	if err == nil && c != n {
		err = fmt.Errorf("state file: %d of %d bytes of a saved world read back", c, n)
	}
	o.err = err
}

// LoadState replaces the Fleet's tenants with those saved in the --state
// file at path, reading it a tenant at a time, and keeps the file open to
// copy unchanged worlds from at the next save. A missing file is
// os.ErrNotExist.
func (f *Fleet) LoadState(path string) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	kept := file
	if !keepFiles {
		defer file.Close()
		kept = nil
	}
	if err := f.readState(bufio.NewReaderSize(file, 1<<20), kept); err != nil {
		_ = file.Close()
		return err
	}
	return nil
}

// UnmarshalState replaces the Fleet's tenants with saved ones. The worlds
// of providers this run does not serve are kept as they are and written
// back by every save, so a server started with --providers never drops
// the others' state.
func (f *Fleet) UnmarshalState(b []byte) error {
	return f.readState(bytes.NewReader(b), nil)
}

// readState restores the state file r reads. With file (r's source, which
// the Fleet keeps from then on), it records where each world is in it, so
// the next save copies those that have not changed.
func (f *Fleet) readState(r io.Reader, file *os.File) error {
	f.snaps.save.Lock()
	defer f.snaps.save.Unlock()
	f.tenantMu.Lock()
	defer f.tenantMu.Unlock()
	dec := json.NewDecoder(r)
	layout := map[string]map[string]savedWorld{}
	version := 0
	err := eachKey(dec, func(key string) error {
		switch key {
		case "version":
			if err := dec.Decode(&version); err != nil {
				return err
			}
			if version != stateVersion {
				return fmt.Errorf("%d is not supported (want %d)", version, stateVersion)
			}
		case "tenants":
			if version == 0 {
				return errors.New(`"tenants" before "version"`)
			}
			return eachElement(dec, func() error { return f.readTenant(dec, file != nil, layout) })
		case "webhooks":
			var hooks core.OutboxState
			if err := dec.Decode(&hooks); err != nil {
				return err
			}
			f.Webhooks.Restore(hooks)
		default:
			var skip json.RawMessage
			return dec.Decode(&skip)
		}
		return nil
	})
	if err == nil && version == 0 {
		err = errors.New("no version")
	}
	if err != nil {
		return fmt.Errorf("state file: %w", err)
	}
	if file == nil {
		f.snaps.mu.Lock()
		for id, ws := range layout {
			f.snaps.worlds[id] = ws
		}
		f.snaps.mu.Unlock()
		return nil
	}
	f.snaps.replace(file, layout)
	return nil
}

// readTenant restores the tenant object dec is at and records its worlds
// in layout: those of unserved providers in full, the others by where
// they are in the file dec reads, when the Fleet keeps it (inFile).
func (f *Fleet) readTenant(dec *json.Decoder, inFile bool, layout map[string]map[string]savedWorld) error {
	var ts tenantSnapshot
	where := map[string][2]int64{} // provider → offset and length in file
	err := eachKey(dec, func(key string) error {
		switch key {
		case "id":
			return dec.Decode(&ts.ID)
		case "seed":
			return dec.Decode(&ts.Seed)
		case "clock":
			return dec.Decode(&ts.Clock)
		case "allow_ips":
			return dec.Decode(&ts.Allow)
		case "deleted":
			return dec.Decode(&ts.Deleted)
		case "providers":
			ts.Providers = map[string]json.RawMessage{}
			return eachKey(dec, func(name string) error {
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					return err
				}
				ts.Providers[name] = raw
				end := dec.InputOffset() // a value's bytes end where the decoder stops
				where[name] = [2]int64{end - int64(len(raw)), int64(len(raw))}
				return nil
			})
		}
		var skip json.RawMessage
		return dec.Decode(&skip)
	})
	if err != nil || ts.Deleted {
		return err
	}
	if ts.ID == "" {
		return errors.New("a tenant without an id")
	}
	t, err := f.restoreTenant(ts)
	if err != nil {
		return fmt.Errorf("tenant %s: %w", ts.ID, err)
	}
	placed := map[string]savedWorld{}
	changes := t.Changes()
	for name, raw := range ts.Providers {
		switch _, served := f.byName[name]; {
		case !served:
			placed[name] = savedWorld{raw: raw}
		case inFile:
			at := where[name]
			placed[name] = savedWorld{tenant: t, changes: changes, off: at[0], n: at[1]}
		}
	}
	f.snaps.mu.Lock()
	delete(f.snaps.worlds, t.ID)
	f.snaps.mu.Unlock()
	if len(placed) > 0 {
		layout[t.ID] = placed
	}
	return nil
}

// restoreTenant puts one saved tenant in place (f.tenantMu held).
func (f *Fleet) restoreTenant(ts tenantSnapshot) (*core.Tenant, error) {
	t, ok := f.Tenants.Get(ts.ID)
	if !ok {
		t = &core.Tenant{ID: ts.ID, Seed: ts.Seed, Clock: core.NewClock(), Allow: ts.Allow}
		if err := f.Tenants.Add(t); err != nil {
			return nil, err
		}
	}
	if ts.ID != core.DefaultTenant {
		// The default tenant's allow-list is configuration (--allow-ips),
		// not state: the command line of this run wins over the file.
		t.Allow = ts.Allow
	}
	if err := t.Clock.Restore(ts.Clock); err != nil {
		return nil, err
	}
	for _, p := range f.providers {
		raw, ok := ts.Providers[p.Name()]
		if !ok {
			if _, err := p.AddTenant(t, nil); err != nil && ts.ID != core.DefaultTenant {
				return nil, err
			}
			continue
		}
		if err := p.Restore(t, raw); err != nil {
			return nil, err
		}
	}
	t.Touch()
	f.seeds[t.ID] = ts.Seed
	return t, nil
}

// eachKey calls fn with each key of the object dec is at; fn decodes the
// key's value.
func eachKey(dec *json.Decoder, fn func(key string) error) error {
	if err := expect(dec, '{'); err != nil {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, ok := tok.(string)
		if !ok {
			return fmt.Errorf("want an object key at byte %d, got %v", dec.InputOffset(), tok)
		}
		if err := fn(key); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
	}
	return expect(dec, '}')
}

// eachElement calls fn for each element of the array dec is at; fn
// decodes the element.
func eachElement(dec *json.Decoder, fn func() error) error {
	if err := expect(dec, '['); err != nil {
		return err
	}
	for i := 0; dec.More(); i++ {
		if err := fn(); err != nil {
			return fmt.Errorf("[%d]: %w", i, err)
		}
	}
	return expect(dec, ']')
}

func expect(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != want {
		return fmt.Errorf("want %s at byte %d, got %v", strconv.QuoteRune(rune(want)), dec.InputOffset(), tok)
	}
	return nil
}

// Changes returns a counter that moves whenever state may have changed
// (requests, webhook attempts, admin calls); the snapshot timer skips a
// save when it has not moved.
func (f *Fleet) Changes() uint64 {
	return f.Journal.LastSeq() + f.mutations.Load()<<32
}
