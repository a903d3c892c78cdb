package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// subsetServer is item 5: a state file written by a server of all four
// providers is loaded by one started with --providers keysecure, which
// changes KeySecure's state and saves on its timer. The other providers'
// worlds in the file must come out of that save byte for byte as they
// went in.
func subsetServer(s *suite, r *Result) error {
	state := filepath.Join(s.Dir, "subset-state.json")
	_ = os.Remove(state)
	full, err := s.start("--state", state, "--state-interval", "0")
	if err != nil {
		return err
	}
	admin := full.admin("")
	ctx := context.Background()
	if err := admin.Do(ctx, http.MethodPost, "/_mocksrv/tenants", map[string]any{"id": "x", "seed": 5}, nil); err != nil {
		return err
	}
	providers := []string{"bkj", "keysecure", "uqpay", "decard"}
	for _, tenant := range []string{"default", "x"} {
		for _, p := range providers {
			for range 3 {
				if err := admin.Do(ctx, http.MethodPost, "/_mocksrv/tenants/"+tenant+"/"+p+"/cards", map[string]any{}, nil); err != nil {
					return err
				}
			}
		}
	}
	if err := full.stop(); err != nil {
		return err
	}
	before, err := readWorlds(state)
	if err != nil {
		return err
	}

	sub, err := s.start("--state", state, "--state-interval", "200ms", "--providers", "keysecure")
	if err != nil {
		return err
	}
	saved := fileID(state)
	if err := sub.admin("").Do(ctx, http.MethodPost, "/_mocksrv/tenants/x/keysecure/cards", map[string]any{}, nil); err != nil {
		return err
	}
	deadline := time.Now().Add(30 * time.Second)
	for fileID(state) == saved {
		if time.Now().After(deadline) {
			return fmt.Errorf("the subset server did not save %s within 30 s of a change: %s", state, strings.TrimSpace(sub.tail.String()))
		}
		time.Sleep(10 * time.Millisecond)
	}
	after, err := readWorlds(state)
	if err != nil {
		return err
	}
	if err := sub.stop(); err != nil {
		return err
	}

	kept, total := 0, 0
	var lost []string
	for _, tenant := range []string{"default", "x"} {
		for _, p := range providers {
			if p == "keysecure" {
				continue
			}
			total++
			if a, ok := after[tenant][p]; ok && bytes.Equal(a, before[tenant][p]) {
				kept++
				continue
			}
			what := "changed"
			if _, ok := after[tenant][p]; !ok {
				what = "gone"
			}
			lost = append(lost, fmt.Sprintf("%s/%s %s", tenant, p, what))
		}
	}
	slices.Sort(lost)
	r.figure("%d of %d worlds of the providers it does not serve byte-equal after its save (bkj, uqpay, decard × 2 tenants, %s of state)",
		kept, total, mb(int64(worldBytes(before))))
	changed := !bytes.Equal(after["x"]["keysecure"], before["x"]["keysecure"])
	r.figure("its own provider's change saved: %v", changed)
	if kept < total {
		r.fail("%v", lost)
	}
	if !changed {
		r.fail("the KeySecure card it made is not in the file")
	}
	return nil
}

// readWorlds reads a state file's worlds: tenant → provider → raw JSON,
// as the file has it.
func readWorlds(path string) (map[string]map[string]json.RawMessage, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f struct {
		Tenants []struct {
			ID        string                     `json:"id"`
			Providers map[string]json.RawMessage `json:"providers"`
		} `json:"tenants"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := map[string]map[string]json.RawMessage{}
	for _, t := range f.Tenants {
		out[t.ID] = t.Providers
	}
	return out, nil
}

func worldBytes(w map[string]map[string]json.RawMessage) int {
	n := 0
	for _, ps := range w {
		for _, raw := range ps {
			n += len(raw)
		}
	}
	return n
}

// fileID tells one save of path from the next: saves rename a new file
// over it, so its inode changes (its modification time and size too).
func fileID(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%d/%d/%d", inode(fi), fi.ModTime().UnixNano(), fi.Size())
}
