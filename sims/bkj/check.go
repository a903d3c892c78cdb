package bkj

// Assertion helpers for users' tests (miniredis's check.go).

import "github.com/mocksrv/mocksrv/sims/core"

// CheckCardStatus fails t unless the default tenant's card has status want.
func (s *Server) CheckCardStatus(t core.T, id string, want CardStatus) {
	t.Helper()
	c, ok := s.Card(id)
	switch {
	case !ok:
		t.Errorf("bkj: card %s does not exist", id)
	case c.Status != want:
		t.Errorf("bkj: card %s is %s, want %s", id, c.Status, want)
	}
}

// CheckKYCStatus fails t unless the user's KYC status is want.
func (s *Server) CheckKYCStatus(t core.T, userID string, want KYCStatus) {
	t.Helper()
	u, ok := s.User(userID)
	switch {
	case !ok:
		t.Errorf("bkj: user %s does not exist", userID)
	case u.KYCStatus != want:
		t.Errorf("bkj: user %s has KYC status %s, want %s", userID, u.KYCStatus, want)
	}
}

// CheckCardBalance fails t unless the card's channel_balance equals want
// (a decimal string: "100", "100.00").
func (s *Server) CheckCardBalance(t core.T, id, want string) {
	t.Helper()
	d, err := core.ParseDecimal(want)
	if err != nil {
		t.Errorf("bkj: CheckCardBalance: %v", err)
		return
	}
	c, ok := s.Card(id)
	switch {
	case !ok:
		t.Errorf("bkj: card %s does not exist", id)
	case c.Balance.Cmp(d) != 0:
		t.Errorf("bkj: card %s holds %s %s, want %s", id, c.Balance, c.Currency, d)
	}
}

// CheckWalletBalance fails t unless the account's wallet of currency holds
// want available.
func (s *Server) CheckWalletBalance(t core.T, accountID, currency, want string) {
	t.Helper()
	d, err := core.ParseDecimal(want)
	if err != nil {
		t.Errorf("bkj: CheckWalletBalance: %v", err)
		return
	}
	x, ok := s.Wallet(accountID, currency)
	switch {
	case !ok:
		t.Errorf("bkj: account %s has no %s wallet", accountID, currency)
	case x.Balance.Cmp(d) != 0:
		t.Errorf("bkj: account %s holds %s %s, want %s", accountID, x.Balance, currency, d)
	}
}

// CheckLedger fails t unless the default tenant's money is conserved:
// deposited = withdrawn + fees + spent + held.
func (s *Server) CheckLedger(t core.T) {
	t.Helper()
	if m := s.Ledger(); !m.Balanced {
		t.Errorf("bkj: money not conserved: deposited %s, withdrawn %s, fees %s, spent %s, held %s",
			m.Deposited, m.Withdrawn, m.Fees, m.Spent, m.Held)
	}
}
