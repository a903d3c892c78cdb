package decard

// Assertion helpers for users' tests (miniredis's check.go).

import "github.com/mocksrv/mocksrv/sims/core"

// CheckCardStatus fails t unless the default tenant's card has status want.
func (s *Server) CheckCardStatus(t core.T, cardID string, want CardStatus) {
	t.Helper()
	c, ok := s.Card(cardID)
	switch {
	case !ok:
		t.Errorf("decard: card %s does not exist", cardID)
	case c.Status != want:
		t.Errorf("decard: card %s is %s, want %s (last change: %s)", cardID, c.Status, want, c.Reason)
	}
}

// CheckKYCStatus fails t unless the user's KYC status is want.
func (s *Server) CheckKYCStatus(t core.T, user string, want KYCStatus) {
	t.Helper()
	u, ok := s.User(user)
	switch {
	case !ok:
		t.Errorf("decard: user %s does not exist", user)
	case u.KYC != want:
		t.Errorf("decard: user %s's KYC is %s, want %s", user, u.KYC, want)
	}
}

// CheckBalance fails t unless the user's free balance of an asset equals
// want (a decimal string: "100", "100.00").
func (s *Server) CheckBalance(t core.T, user, asset, want string) {
	t.Helper()
	w, err := core.ParseDecimal(want)
	if err != nil {
		t.Errorf("decard: CheckBalance: %v", err)
		return
	}
	if _, ok := s.User(user); !ok {
		t.Errorf("decard: user %s does not exist", user)
		return
	}
	if got := s.Balance(user, asset).Free; got.Cmp(w) != 0 {
		t.Errorf("decard: user %s holds %s %s, want %s", user, got, asset, w)
	}
}

// CheckMoney fails t unless every asset of the default tenant is
// conserved: fund pool + wallets + virtual accounts + payments in transit
// equal the opening fund pool plus what came in from outside, net of what
// left (MoneyLine).
func (s *Server) CheckMoney(t core.T) {
	t.Helper()
	for asset, l := range s.Ledger() {
		if !l.Conserved {
			t.Errorf("decard: %s not conserved: fund pool %s + wallets %s + accounts %s + in transit %s != opening %s + net inflow %s",
				asset, l.FundPool, l.Wallets, l.Accounts, l.InTransit, l.Opening, l.NetInflow)
		}
	}
}
