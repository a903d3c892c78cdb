package uqpay

// Assertion helpers for users' tests (miniredis's check.go).

import (
	"strings"

	"github.com/mocksrv/mocksrv/sims/core"
)

// CheckCardStatus fails t unless the default tenant's card has status want.
func (s *Server) CheckCardStatus(t core.T, cardID string, want CardStatus) {
	t.Helper()
	c, ok := s.Card(cardID)
	switch {
	case !ok:
		t.Errorf("uqpay: card %s does not exist", cardID)
	case c.Status != want:
		t.Errorf("uqpay: card %s is %s, want %s (reason: %q)", cardID, c.Status, want, c.UpdateReason)
	}
}

// CheckCardholderStatus fails t unless the cardholder has status want.
func (s *Server) CheckCardholderStatus(t core.T, cardholderID string, want CardholderStatus) {
	t.Helper()
	h, ok := s.Cardholder(cardholderID)
	switch {
	case !ok:
		t.Errorf("uqpay: cardholder %s does not exist", cardholderID)
	case h.Status != want:
		t.Errorf("uqpay: cardholder %s is %s, want %s", cardholderID, h.Status, want)
	}
}

// CheckCardAvailable fails t unless a card's available_balance equals want
// (a decimal string: "100", "100.00").
func (s *Server) CheckCardAvailable(t core.T, cardID, want string) {
	t.Helper()
	w, err := core.ParseDecimal(want)
	if err != nil {
		t.Errorf("uqpay: CheckCardAvailable: %v", err)
		return
	}
	got, ok := s.CardAvailable(cardID)
	switch {
	case !ok:
		t.Errorf("uqpay: card %s does not exist", cardID)
	case got.Cmp(w) != 0:
		t.Errorf("uqpay: card %s has %s available, want %s", cardID, got.StringFixed(2), w.StringFixed(2))
	}
}

// CheckBalance fails t unless the master account's available issuing
// balance in currency equals want.
func (s *Server) CheckBalance(t core.T, currency, want string) {
	t.Helper()
	w, err := core.ParseDecimal(want)
	if err != nil {
		t.Errorf("uqpay: CheckBalance: %v", err)
		return
	}
	if got := s.Balance(currency).Available; got.Cmp(w) != 0 {
		t.Errorf("uqpay: %s issuing balance is %s, want %s", currency, got.StringFixed(2), w.StringFixed(2))
	}
}

// CheckLedger fails t unless every currency's books balance: no money was
// created or destroyed.
func (s *Server) CheckLedger(t core.T) {
	t.Helper()
	for _, l := range s.Ledger() {
		if !l.Balanced {
			t.Errorf("uqpay: %s ledger does not balance: available %s + frozen %s + cards %s + spent %s + fees %s - refunded %s != funded %s",
				l.Currency, l.Available, l.Frozen, l.Cards, l.Spent, l.Fees, l.Refunded, l.Funded)
		}
	}
}

// CheckWebhook fails t unless a webhook of eventType about sourceID ("" for
// any) was queued for the default tenant, and returns how many were.
func (s *Server) CheckWebhook(t core.T, eventType, sourceID string) int {
	t.Helper()
	n := 0
	for _, d := range s.Deliveries() {
		if d.Event != eventType {
			continue
		}
		if sourceID == "" || containsSource(d.Body, sourceID) {
			n++
		}
	}
	if n == 0 {
		t.Errorf("uqpay: no %s webhook for %q was sent", eventType, sourceID)
	}
	return n
}

func containsSource(body, id string) bool {
	return strings.Contains(body, `"source_id":"`+id+`"`) || strings.Contains(body, `"card_id":"`+id+`"`)
}
