package core

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestRunDueAppliesEachTaskAtItsDueTime: a transition scheduled by an
// earlier one starts from the earlier one's due time, so one jump of the
// clock and many small steps end in the same place (a card cancelled: a
// 2 s order, then CANCELLED 30 days after it).
func TestRunDueAppliesEachTaskAtItsDueTime(t *testing.T) {
	t.Parallel()
	run := func(steps []time.Duration) []string {
		clock := NewFrozenClock(TestEpoch)
		w := NewWorldBase(&Tenant{ID: "t", Seed: 1, Clock: clock}, "p")
		var log []string
		w.Agenda.Schedule(TestEpoch.Add(2*time.Second), "order", "c1")
		apply := func(task Task) {
			log = append(log, fmt.Sprintf("%s %s at %s", task.Kind, task.Key, w.Now().Format(time.RFC3339)))
			if task.Kind == "order" {
				w.Agenda.Schedule(w.Now().Add(30*24*time.Hour), "cancel", task.Key)
			}
		}
		for _, d := range steps {
			_, _ = clock.Advance(d)
			w.RunDue(apply)
		}
		assert.Equal(t, clock.Now(), w.Now(), "outside RunDue, Now is the clock's")
		return log
	}
	want := []string{"order c1 at 2026-01-01T00:00:02Z", "cancel c1 at 2026-01-31T00:00:02Z"}
	assert.Equal(t, want, run([]time.Duration{31 * 24 * time.Hour}), "one jump")
	var days []time.Duration
	for i := 0; i < 31; i++ {
		days = append(days, 24*time.Hour)
	}
	assert.Equal(t, want, run(days), "31 steps of a day")
	assert.Equal(t, want[:1], run([]time.Duration{29 * 24 * time.Hour}), "the cancel is not due yet")
}
