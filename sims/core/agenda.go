package core

import (
	"container/heap"
	"time"
)

// Task is a state transition scheduled on the business clock: "card c42
// becomes ACTIVE at t". Kind says what to do, Key which record.
type Task struct {
	At   time.Time `json:"at"`
	Kind string    `json:"kind"`
	Key  string    `json:"key"`
	Seq  uint64    `json:"seq"`
}

// Agenda is a min-heap of Tasks by time (then scheduling order). A provider
// world keeps one and, on every access, pops what is due and applies it:
// settle-on-access with no background goroutine and a cost of O(due·log n),
// however many records the world holds.
//
// Agenda is not safe for concurrent use; the owning world's mutex guards it.
// A task may be stale by the time it is due (the card was cancelled in the
// meantime); the applier checks the record's current state.
type Agenda struct {
	h   taskHeap
	seq uint64
}

// Schedule adds a task.
func (a *Agenda) Schedule(at time.Time, kind, key string) {
	a.seq++
	heap.Push(&a.h, Task{At: at, Kind: kind, Key: key, Seq: a.seq})
}

// Due pops and returns every task due at or before now, in order.
func (a *Agenda) Due(now time.Time) []Task {
	var out []Task
	for len(a.h) > 0 && !a.h[0].At.After(now) {
		out = append(out, heap.Pop(&a.h).(Task))
	}
	return out
}

// pop removes the earliest pending task.
func (a *Agenda) pop() { heap.Pop(&a.h) }

// Next returns the earliest pending task.
func (a *Agenda) Next() (Task, bool) {
	if len(a.h) == 0 {
		return Task{}, false
	}
	return a.h[0], true
}

// Len returns the number of pending tasks.
func (a *Agenda) Len() int { return len(a.h) }

// Tasks returns the pending tasks in order, for snapshots.
func (a *Agenda) Tasks() []Task {
	c := append(taskHeap(nil), a.h...)
	out := make([]Task, 0, len(c))
	for len(c) > 0 {
		out = append(out, heap.Pop(&c).(Task))
	}
	return out
}

// Restore replaces the pending tasks.
func (a *Agenda) Restore(tasks []Task) {
	a.h = append(taskHeap(nil), tasks...)
	for _, t := range tasks {
		a.seq = max(a.seq, t.Seq)
	}
	heap.Init(&a.h)
}

type taskHeap []Task

func (h taskHeap) Len() int { return len(h) }
func (h taskHeap) Less(i, j int) bool {
	return h[i].At.Before(h[j].At) || (h[i].At.Equal(h[j].At) && h[i].Seq < h[j].Seq)
}
func (h taskHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *taskHeap) Push(x any)   { *h = append(*h, x.(Task)) }
func (h *taskHeap) Pop() any {
	old := *h
	n := len(old)
	t := old[n-1]
	*h = old[:n-1]
	return t
}
