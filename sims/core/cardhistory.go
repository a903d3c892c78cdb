package core

import "time"

// CardHistoryLimit bounds a CardHistory: a card keeps its last 32 status
// changes, so a card frozen and unfrozen all day costs the same memory as
// one that never changed.
const CardHistoryLimit = 32

// CardChange is one change of a card's status: when on the business
// clock, from what (empty for the first), to what, and why.
type CardChange struct {
	At    time.Time `json:"at"`
	From  string    `json:"from,omitempty"`
	To    string    `json:"to"`
	Cause string    `json:"cause"`
}

// CardHistory is a card's last CardHistoryLimit status changes, oldest
// first. Every provider's card carries one under the JSON name "history":
// the state dump shows it, snapshots keep it, and the console's card
// timeline reads it.
type CardHistory []CardChange

// With returns h with one more change to status to, dropping the oldest
// past CardHistoryLimit. The change's From is the status the last change
// reached. With never writes into h's array, so a copy of the card taken
// earlier (a response, a snapshot) keeps the history it had.
func (h CardHistory) With(at time.Time, to, cause string) CardHistory {
	ch := CardChange{At: at, To: to, Cause: cause}
	if len(h) > 0 {
		ch.From = h[len(h)-1].To
	}
	keep := h
	if len(keep) >= CardHistoryLimit {
		keep = keep[len(keep)-CardHistoryLimit+1:]
	}
	out := make(CardHistory, 0, len(keep)+1)
	return append(append(out, keep...), ch)
}
