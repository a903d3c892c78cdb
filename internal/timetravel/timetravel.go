// Package timetravel checks DESIGN.md's rule that time is a simulation:
// moving a tenant's business clock by D in one jump and in many smaller
// steps that sum to D must end in the same state and the same webhooks,
// byte for byte. Each provider's property test drives a seeded random flow
// and calls Check.
package timetravel

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/core"
)

// Flow drives one provider of a fresh Fleet (a frozen clock at
// core.TestEpoch, seed 1) at random from rng: the same rng gives the same
// calls. It may move the clock itself.
type Flow func(f *sims.Fleet, rng *rand.Rand) error

// Outcome is what a run ended with: the provider's state dump and the
// webhooks queued, in order, with their business times.
type Outcome struct {
	State    string
	Webhooks []string
}

// Run drives flow from seed, then advances the clock by d in steps (one
// step when steps is 1; otherwise steps random parts summing to d, drawn
// from a second rng seeded by seed) and returns what it ended with.
func Run(provider string, seed uint64, flow Flow, d time.Duration, steps int) (Outcome, error) {
	f, err := sims.NewFleet(sims.WithClock(core.NewFrozenClock(core.TestEpoch)), sims.WithProviders(provider))
	if err != nil {
		return Outcome{}, err
	}
	if err := flow(f, rand.New(rand.NewPCG(seed, 1))); err != nil {
		return Outcome{}, fmt.Errorf("flow: %w", err)
	}
	for _, part := range Split(d, steps, seed) {
		if _, err := f.MoveClock(core.DefaultTenant, sims.ClockRequest{Advance: part.String()}); err != nil {
			return Outcome{}, err
		}
	}
	p, _ := f.Provider(provider)
	st, err := p.State(core.DefaultTenant)
	if err != nil {
		return Outcome{}, err
	}
	b, err := json.Marshal(st)
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{State: string(b)}
	for _, d := range f.Webhooks.Deliveries() {
		out.Webhooks = append(out.Webhooks, d.Created.Format(time.RFC3339Nano)+" "+d.Event+" "+d.Body)
	}
	return out, nil
}

// Split cuts d into n random positive parts (whole seconds where d allows)
// that sum to d exactly.
func Split(d time.Duration, n int, seed uint64) []time.Duration {
	if n <= 1 || d < time.Duration(n) {
		return []time.Duration{d}
	}
	rng := rand.New(rand.NewPCG(seed, 2))
	cuts := make([]time.Duration, 0, n-1)
	unit := time.Second
	if d < time.Duration(n)*unit {
		unit = 1
	}
	for len(cuts) < n-1 {
		c := time.Duration(rng.Int64N(int64(d/unit))) * unit
		if c > 0 {
			cuts = append(cuts, c)
		}
	}
	sortDurations(cuts)
	parts := make([]time.Duration, 0, n)
	prev := time.Duration(0)
	for _, c := range cuts {
		parts = append(parts, c-prev)
		prev = c
	}
	return append(parts, d-prev)
}

func sortDurations(ds []time.Duration) {
	for i := 1; i < len(ds); i++ {
		for j := i; j > 0 && ds[j] < ds[j-1]; j-- {
			ds[j], ds[j-1] = ds[j-1], ds[j]
		}
	}
}

// T is the part of testing.TB Check needs.
type T interface {
	Helper()
	Fatalf(format string, args ...any)
	Errorf(format string, args ...any)
}

// Check runs flow from seed twice — one jump of d, then k random steps
// summing to d (k from 2 to 12, drawn from seed) — and fails t unless both
// end with the same state and webhooks.
func Check(t T, provider string, seed uint64, flow Flow, d time.Duration) {
	t.Helper()
	jump, err := Run(provider, seed, flow, d, 1)
	if err != nil {
		t.Fatalf("seed %d, one jump: %v", seed, err)
		return
	}
	k := 2 + int(seed%11)
	steps, err := Run(provider, seed, flow, d, k)
	if err != nil {
		t.Fatalf("seed %d, %d steps: %v", seed, k, err)
		return
	}
	if jump.State != steps.State {
		t.Errorf("seed %d: the state after one jump of %s differs from the state after %d steps %v:\n%s",
			seed, d, k, Split(d, k, seed), firstDiff(jump.State, steps.State))
	}
	if len(jump.Webhooks) != len(steps.Webhooks) {
		t.Errorf("seed %d: %d webhooks after one jump, %d after %d steps", seed, len(jump.Webhooks), len(steps.Webhooks), k)
		return
	}
	for i := range jump.Webhooks {
		if jump.Webhooks[i] != steps.Webhooks[i] {
			t.Errorf("seed %d: webhook %d differs:\n one jump: %s\n %d steps:  %s", seed, i, jump.Webhooks[i], k, steps.Webhooks[i])
			return
		}
	}
}

// firstDiff shows where two long strings part.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(i-120, 0)
	return fmt.Sprintf("one jump: …%s\nsteps:    …%s", clip(a[from:], 240), clip(b[from:], 240))
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
