package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/decard"
)

// streamGuess is item 1: tenant a wants tenant v's DeCard push stream.
// Channel ids must be unguessable and bound to their tenant, so a guessed
// channel gets nothing.
//
// a knows what a neighbour can: v's seed (CI fleets use a few fixed seeds;
// the default tenant's is 1), so a creates its own tenant with that seed,
// asks for a channel first and takes it as its prediction of v's, then v
// asks for its own; a also tries random ids of the same form. Then v's
// balance moves, which v's own stream must report (else the attack proves
// nothing), and every stream a opened is read for a second.
//
// PASS when the prediction misses (sims/decard draws channel ids from
// crypto/rand, not the seed), no guess opens a stream and none gets a
// message.
func streamGuess(s *suite, r *Result) error {
	sv, err := s.start()
	if err != nil {
		return err
	}
	admin := sv.admin("")
	ctx := context.Background()
	clients := map[string]*decard.Client{}
	for _, id := range []string{"v", "a"} {
		var t struct {
			DeCard struct {
				APIKey    string `json:"api_key"`
				APISecret string `json:"api_secret"`
			} `json:"decard"`
		}
		if err := admin.Do(ctx, http.MethodPost, "/_mocksrv/tenants", map[string]any{"id": id, "seed": 7}, &t); err != nil {
			return err
		}
		clients[id] = decard.NewClient(sv.Base, t.DeCard.APIKey, t.DeCard.APISecret)
	}
	channel := func(id string) (string, error) {
		res, err := clients[id].Get(ctx, "/websocket/v1/get-channel")
		if err != nil {
			return "", err
		}
		var ch string
		if !res.OK() || res.Decode(&ch) != nil || ch == "" {
			return "", fmt.Errorf("%s's get-channel: HTTP %d %s", id, res.Status, res.Body)
		}
		return ch, nil
	}
	predicted, err := channel("a") // a's first channel: what v's first is, if the seed decides it
	if err != nil {
		return err
	}
	own, err := channel("v")
	if err != nil {
		return err
	}
	predictable := predicted == own

	dial := func(c *decard.Client, ch string) (*decard.Stream, error) {
		dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		return c.Dial(dctx, ch)
	}
	victim, err := dial(clients["v"], own)
	if err != nil {
		return fmt.Errorf("v's own stream: %w", err)
	}
	defer victim.Close()

	// The prediction is a's own channel (a stream a may open) unless it is
	// v's too; the random ids are nobody's.
	prediction, err := dial(clients["a"], predicted)
	if err != nil {
		return fmt.Errorf("a's own channel: %w", err)
	}
	defer prediction.Close()
	rng := rand.New(rand.NewPCG(s.Seed, 1))
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	guesses := s.size(50, 10)
	var opened []*decard.Stream
	for range guesses {
		b := make([]byte, len(own))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		if st, err := dial(clients["a"], string(b)); err == nil {
			opened = append(opened, st)
			defer st.Close()
		}
	}

	var user struct {
		ID string `json:"externalUserId"`
	}
	base := "/_mocksrv/tenants/v/decard/"
	if err := admin.Do(ctx, http.MethodPost, base+"users", map[string]any{}, &user); err != nil {
		return err
	}
	if err := admin.Do(ctx, http.MethodPost, base+"balances", map[string]any{"externalUserId": user.ID, "asset": "USD", "amount": "5"}, nil); err != nil {
		return err
	}
	if n := readFor(victim, 5*time.Second, user.ID, true); n == 0 {
		return fmt.Errorf("v's own stream got no message of its user %s: the attack proves nothing", user.ID)
	}
	got := readFor(prediction, time.Second, user.ID, false)
	for _, st := range opened {
		got += readFor(st, time.Second, user.ID, false)
	}
	r.figure("a, of v's seed, predicted v's channel: %v; %d random ids opened %d streams; a received %d of v's messages",
		predictable, guesses, len(opened), got)
	switch {
	case predictable:
		r.fail("a, of v's seed, was handed v's channel id")
	case len(opened) > 0 || got > 0:
		r.fail("random ids opened %d streams; a got %d of v's messages", len(opened), got)
	}
	return nil
}

// readFor reads a stream for up to d and counts the messages about user;
// with first, it returns at the first.
func readFor(st *decard.Stream, d time.Duration, user string, first bool) int {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	n := 0
	for {
		m, err := st.Next(ctx)
		if err != nil {
			return n
		}
		if m.ExternalUserID == user || strings.Contains(string(m.Raw), user) {
			n++
			if first {
				return n
			}
		}
	}
}
