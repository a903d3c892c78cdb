package keysecure

// Assertion helpers for users' tests (miniredis's check.go).

import "github.com/mocksrv/mocksrv/sims/core"

// CheckCardStatus fails t unless the default tenant's card has status want.
func (s *Server) CheckCardStatus(t core.T, cardNo string, want CardStatus) {
	t.Helper()
	c, ok := s.Card(cardNo)
	switch {
	case !ok:
		t.Errorf("keysecure: card %s does not exist", cardNo)
	case c.Status != want:
		t.Errorf("keysecure: card %s is %s, want %s (last change: %s)", cardNo, c.Status, want, c.Reason)
	}
}

// CheckCardholderStatus fails t unless the cardholder has status want.
func (s *Server) CheckCardholderStatus(t core.T, cardholderNo string, want CardholderStatus) {
	t.Helper()
	h, ok := s.Cardholder(cardholderNo)
	switch {
	case !ok:
		t.Errorf("keysecure: cardholder %s does not exist", cardholderNo)
	case h.Status != want:
		t.Errorf("keysecure: cardholder %s is %s, want %s", cardholderNo, h.Status, want)
	}
}

// CheckBalance fails t unless the cardholder's TUSDT balance equals want
// (a decimal string: "100", "100.00").
func (s *Server) CheckBalance(t core.T, cardholderNo, want string) {
	t.Helper()
	w, err := core.ParseDecimal(want)
	if err != nil {
		t.Errorf("keysecure: CheckBalance: %v", err)
		return
	}
	h, ok := s.Cardholder(cardholderNo)
	switch {
	case !ok:
		t.Errorf("keysecure: cardholder %s does not exist", cardholderNo)
	case h.Balance.Cmp(w) != 0:
		t.Errorf("keysecure: cardholder %s holds %s %s, want %s", cardholderNo, h.Balance.StringFixed(2), Currency, w.StringFixed(2))
	}
}

// CheckConsumption fails t unless the default tenant's consumption has
// status want (and, for a decline, names the reason in its remark).
func (s *Server) CheckConsumption(t core.T, consumeNo string, want Status) {
	t.Helper()
	c, ok := s.Consumption(consumeNo)
	switch {
	case !ok:
		t.Errorf("keysecure: consumption %s does not exist", consumeNo)
	case c.Status != want:
		t.Errorf("keysecure: consumption %s is %s, want %s (remark %q)", consumeNo, c.Status, want, c.Remark)
	}
}

// CheckMoney fails t unless the default tenant's books balance: the ledger
// total is the opening reserve, what the consumptions hold adds up to the
// ledger's holds, and no consumption holds or returns more than it may.
func (s *Server) CheckMoney(t core.T) {
	t.Helper()
	var errs []string
	_ = s.do(func(w *world) error { errs = w.checkMoneyLocked(); return nil })
	for _, e := range errs {
		t.Errorf("keysecure: %s", e)
	}
}
