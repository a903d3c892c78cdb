package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/decard"
)

// forged is item 4: an attacker who knows tenant B's DeCard API key (it
// travels in a header) but not its secret sends more badly signed
// requests than B's journal holds. Only verified requests are charged to
// a tenant, so B's times:1 fault rule must be left for B's own next call,
// and B's own journal entries must all still be there.
func forged(s *suite, r *Result) error {
	journal := s.size(1000, 40) // --journal-size: entries kept per tenant
	var args []string
	if s.Short {
		args = append(args, "--journal-size", strconv.Itoa(journal))
	}
	sv, err := s.start(args...)
	if err != nil {
		return err
	}
	admin := sv.admin("")
	ctx := context.Background()
	var b struct {
		DeCard struct {
			APIKey    string `json:"api_key"`
			APISecret string `json:"api_secret"`
		} `json:"decard"`
	}
	if err := admin.Do(ctx, http.MethodPost, "/_mocksrv/tenants", map[string]any{"id": "b"}, &b); err != nil {
		return err
	}
	hc := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	own := decard.NewClient(sv.Base, b.DeCard.APIKey, b.DeCard.APISecret)
	own.HTTP = hc
	const mine = 10
	for range mine {
		res, err := own.Get(ctx, "/websocket/v1/search", decard.Q("version", "1")...)
		if err != nil {
			return err
		}
		if res.Status != http.StatusOK {
			return fmt.Errorf("B's own search: HTTP %d %s", res.Status, res.Body)
		}
	}
	var rule struct {
		ID string `json:"id"`
	}
	if err := admin.Do(ctx, http.MethodPost, "/_mocksrv/faults", map[string]any{
		"tenant": "b", "provider": "decard", "route": "websocket.get_channel", "times": 1, "status": 503,
	}, &rule); err != nil {
		return err
	}

	forger := decard.NewClient(sv.Base, b.DeCard.APIKey, "not-"+b.DeCard.APISecret)
	forger.HTTP = hc
	n := journal + 100
	answered := map[int]int{}
	for range n {
		res, err := forger.Get(ctx, "/websocket/v1/get-channel")
		if err != nil {
			return err
		}
		answered[res.Status]++
	}
	var faults struct {
		Faults []struct {
			ID      string `json:"id"`
			Matched int    `json:"matched"`
			Fired   int    `json:"fired"`
		} `json:"faults"`
	}
	if err := admin.Do(ctx, http.MethodGet, "/_mocksrv/faults", nil, &faults); err != nil {
		return err
	}
	matched, fired := -1, -1
	for _, f := range faults.Faults {
		if f.ID == rule.ID {
			matched, fired = f.Matched, f.Fired
		}
	}
	res, err := own.Get(ctx, "/websocket/v1/get-channel")
	if err != nil {
		return err
	}
	met := res.Status == http.StatusServiceUnavailable

	var kept, guessed, charged int
	_, err = journalEntries(hc, sv.Base, url.Values{"tenant": {"b"}}, func(e journalEntry) {
		switch {
		case e.Guess == "b":
			guessed++
		case e.Tenant == "b" && e.Route == "websocket.search":
			kept++
		case e.Tenant == "b" && e.Route == "websocket.get_channel" && e.Status != http.StatusServiceUnavailable:
			charged++
		}
	})
	if err != nil {
		return err
	}
	r.figure("%d requests with B's API key and a bad signature (answered %s): B's times:1 rule matched %d, fired %d; B's own next call met it: %v",
		n, statuses(answered), matched, fired, met)
	r.figure("B's own %d journal entries kept: %d (--journal-size %d); forged entries charged to B: %d; kept as no tenant's with guessed_tenant b: %d",
		mine, kept, journal, charged, guessed)
	if matched != 0 || fired != 0 {
		r.fail("forged requests reached B's rule (matched %d, fired %d)", matched, fired)
	}
	if !met {
		r.fail("B's own call did not meet its rule: HTTP %d", res.Status)
	}
	if kept != mine {
		r.fail("B's journal lost %d of its %d entries", mine-kept, mine)
	}
	return nil
}

// statuses renders a count of HTTP statuses: "HTTP 200 ×130, 503 ×1".
func statuses(n map[int]int) string {
	codes := slices.Sorted(maps.Keys(n))
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = fmt.Sprintf("%d ×%d", c, n[c])
	}
	return "HTTP " + strings.Join(parts, ", ")
}

// journalEntry is the part of a journal entry the suite reads.
type journalEntry struct {
	Seq    uint64 `json:"seq"`
	Tenant string `json:"tenant"`
	Route  string `json:"route"`
	Status int    `json:"status"`
	Guess  string `json:"guessed_tenant"`
}

// journalEntries streams GET /_mocksrv/journal?query to fn.
func journalEntries(hc *http.Client, base string, query url.Values, fn func(journalEntry)) (int, error) {
	res, err := hc.Get(base + "/_mocksrv/journal?" + query.Encode())
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET /_mocksrv/journal?%s: HTTP %d", query.Encode(), res.StatusCode)
	}
	return eachEntry(json.NewDecoder(bufio.NewReader(res.Body)), func(raw json.RawMessage) error {
		var e journalEntry
		if err := json.Unmarshal(raw, &e); err != nil {
			return err
		}
		fn(e)
		return nil
	})
}
