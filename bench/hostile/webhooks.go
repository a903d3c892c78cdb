package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/mocksrv/mocksrv/internal/adminclient"
)

// webhooks measures DESIGN.md's webhook budget in the binary: tenant a's
// KeySecure receiver accepts connections and never answers; tenant b's
// answers at once. Each round freezes or unfreezes a card of a, then one
// of b, through the admin API (each sends a Card_update callback), and
// times how long b's callback takes to arrive. With -control, a's events
// are left out. Both receivers run in this process, on loopback.
func webhooks(c config, rounds int, control bool) error {
	hc := &http.Client{Timeout: 5 * time.Minute}
	admin := adminclient.New(c.target, c.token, hc)
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
		id, card, err := webhookTenant(ctx, admin, url)
		if err != nil {
			return err
		}
		defer admin.Do(ctx, http.MethodDelete, "/_mocksrv/tenants/"+id, nil, nil)
		cards[tenant] = "/_mocksrv/tenants/" + id + "/keysecure/cards/" + card + "/"
	}

	var lat []time.Duration
	for i := 0; i < rounds; i++ {
		action := "freeze"
		if i%2 == 1 {
			action = "unfreeze"
		}
		if !control {
			if err := admin.Do(ctx, http.MethodPost, cards["a"]+action, nil, nil); err != nil {
				return err
			}
		}
		sent := time.Now()
		if err := admin.Do(ctx, http.MethodPost, cards["b"]+action, nil, nil); err != nil {
			return err
		}
		select {
		case at := <-arrived:
			lat = append(lat, at.Sub(sent))
		case <-time.After(3 * time.Minute):
			return fmt.Errorf("round %d: b's callback did not arrive within 3 minutes", i+1)
		}
	}
	what := "with a's receiver black-holed"
	if control {
		what = "control, a idle"
	}
	fmt.Printf("webhooks (%s): b's Card_update arrived after", what)
	for _, d := range lat {
		fmt.Printf(" %s", d.Round(100*time.Microsecond))
	}
	sorted := append([]time.Duration(nil), lat...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	fmt.Printf(" (worst %s; DESIGN.md: a black-holed neighbour delays no delivery by more than 1 s)\n", sorted[len(sorted)-1].Round(100*time.Microsecond))
	if !control && sorted[len(sorted)-1] > time.Second {
		return fmt.Errorf("b waited %s for a callback", sorted[len(sorted)-1])
	}
	return nil
}

// webhookTenant makes a tenant whose KeySecure callbacks go to url, with
// one Activated card, and returns their ids.
func webhookTenant(ctx context.Context, admin *adminclient.Client, url string) (string, string, error) {
	var t struct {
		ID string `json:"id"`
	}
	if err := admin.Do(ctx, http.MethodPost, "/_mocksrv/tenants", map[string]any{"webhooks": map[string]string{"keysecure": url}}, &t); err != nil {
		return "", "", err
	}
	base := "/_mocksrv/tenants/" + t.ID + "/keysecure/"
	var h struct {
		No string `json:"cardholder_no"`
	}
	if err := admin.Do(ctx, http.MethodPost, base+"cardholders", map[string]any{}, &h); err != nil {
		return "", "", err
	}
	var card json.RawMessage
	if err := admin.Do(ctx, http.MethodPost, base+"cards", map[string]any{"cardholder_no": h.No, "status": "Activated"}, &card); err != nil {
		return "", "", err
	}
	var cd struct {
		No string `json:"card_no"`
	}
	if err := json.Unmarshal(card, &cd); err != nil || cd.No == "" {
		return "", "", fmt.Errorf("card of tenant %s: %s", t.ID, card)
	}
	return t.ID, cd.No, nil
}
