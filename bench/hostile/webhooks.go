package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mocksrv/mocksrv/internal/adminclient"
)

// blackHole is item 2: tenant a's KeySecure receiver accepts connections
// and never answers; tenant b's answers at once. Each round freezes or
// unfreezes a card of a, then one of b, through the admin API (each sends
// a Card_update callback), and times how long b's callback takes to
// arrive. The long form first runs as many rounds with a idle, the
// control. Both receivers run in this process, on loopback.
func blackHole(s *suite, r *Result) error {
	sv, err := s.start()
	if err != nil {
		return err
	}
	admin := sv.admin("")
	ctx := context.Background()

	hole, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer hole.Close()
	var held []net.Conn
	var heldMu sync.Mutex
	go func() {
		for {
			conn, err := hole.Accept()
			if err != nil {
				return
			}
			heldMu.Lock()
			held = append(held, conn) // read nothing, answer nothing
			heldMu.Unlock()
		}
	}()
	defer func() {
		heldMu.Lock()
		defer heldMu.Unlock()
		for _, conn := range held {
			conn.Close()
		}
	}()

	arrived := make(chan time.Time, 64)
	rcv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		arrived <- time.Now()
		_, _ = w.Write([]byte(`{"code":0}`))
	}), ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go func() { _ = rcv.Serve(ln) }()
	defer rcv.Close()

	cards := map[string]string{}
	for tenant, url := range map[string]string{"a": "http://" + hole.Addr().String(), "b": "http://" + ln.Addr().String()} {
		card, err := webhookTenant(ctx, admin, tenant, url)
		if err != nil {
			return err
		}
		cards[tenant] = "/_mocksrv/tenants/" + tenant + "/keysecure/cards/" + card + "/"
	}

	rounds := s.size(5, 3)
	acted := map[string]int{} // actions on each tenant's card so far: even ones freeze, odd ones unfreeze
	act := func(tenant string) error {
		action := "freeze"
		if acted[tenant]%2 == 1 {
			action = "unfreeze"
		}
		acted[tenant]++
		return admin.Do(ctx, http.MethodPost, cards[tenant]+action, nil, nil)
	}
	measure := func(control bool) ([]time.Duration, error) {
		var lat []time.Duration
		for i := 0; i < rounds; i++ {
			if !control {
				if err := act("a"); err != nil {
					return nil, err
				}
			}
			sent := time.Now()
			if err := act("b"); err != nil {
				return nil, err
			}
			select {
			case at := <-arrived:
				lat = append(lat, at.Sub(sent))
			case <-time.After(3 * time.Minute):
				return nil, fmt.Errorf("round %d: b's callback did not arrive within 3 minutes", i+1)
			}
		}
		return lat, nil
	}
	var control []time.Duration
	if !s.Short {
		// The control first, while a has sent nothing yet.
		if control, err = measure(true); err != nil {
			return err
		}
	}
	lat, err := measure(false)
	if err != nil {
		return err
	}
	worst := slices.Max(lat)
	r.figure("b's Card_update arrived after %s with a's receiver black-holed (worst %s)", durations(lat), worst.Round(100*time.Microsecond))
	if control != nil {
		r.figure("control, a idle: %s", durations(control))
	}
	if worst > time.Second {
		r.fail("b waited %s for a callback", worst.Round(time.Millisecond))
	}
	return nil
}

func durations(ds []time.Duration) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.Round(100 * time.Microsecond).String()
	}
	return strings.Join(parts, ", ")
}

// webhookTenant makes tenant id, whose KeySecure callbacks go to url, with
// one Activated card, and returns the card's number.
func webhookTenant(ctx context.Context, admin *adminclient.Client, id, url string) (string, error) {
	if err := admin.Do(ctx, http.MethodPost, "/_mocksrv/tenants", map[string]any{"id": id, "webhooks": map[string]string{"keysecure": url}}, nil); err != nil {
		return "", err
	}
	base := "/_mocksrv/tenants/" + id + "/keysecure/"
	var h struct {
		No string `json:"cardholder_no"`
	}
	if err := admin.Do(ctx, http.MethodPost, base+"cardholders", map[string]any{}, &h); err != nil {
		return "", err
	}
	var card json.RawMessage
	if err := admin.Do(ctx, http.MethodPost, base+"cards", map[string]any{"cardholder_no": h.No, "status": "Activated"}, &card); err != nil {
		return "", err
	}
	var cd struct {
		No string `json:"card_no"`
	}
	if err := json.Unmarshal(card, &cd); err != nil || cd.No == "" {
		return "", fmt.Errorf("card of tenant %s: %s", id, card)
	}
	return cd.No, nil
}
