package keysecure

// What the admin API (/_mocksrv/...) and scenario "given" sections do to a
// tenant's KeySecure state.

import (
	"fmt"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// StateDump is a tenant's KeySecure state as GET
// /_mocksrv/tenants/{id}/keysecure/state shows it.
type StateDump struct {
	Credentials Credentials   `json:"credentials"`
	Mode        Mode          `json:"mode"`
	PCI         bool          `json:"pci"`
	Money       Money         `json:"money"`
	Cardholders []Cardholder  `json:"cardholders"`
	Cards       []Card        `json:"cards"`
	Consumes    []Consumption `json:"consumptions"`
	Transfers   []Transfer    `json:"transfers"`
	Tokens      int           `json:"live_tokens"`
	Pending     []core.Task   `json:"scheduled"`
}

// Money is the tenant's TUSDT ledger: Reserve + Balances + Held + Settled
// + Fees − MerchantFunded is Total, which never changes.
type Money struct {
	Reserve        core.Decimal `json:"reserve"`
	Balances       core.Decimal `json:"cardholder_balances"`
	Held           core.Decimal `json:"authorized_holds"`  // authorized, not yet cleared (amount and fee)
	Settled        core.Decimal `json:"paid_to_merchants"` // cleared, less refunds and reversals
	Fees           core.Decimal `json:"fees"`
	MerchantFunded core.Decimal `json:"merchant_funded"` // what authorization-mode cards spent on the merchant's approval
	Total          core.Decimal `json:"total"`
}

func (w *world) moneyLocked() Money {
	m := Money{Reserve: w.reserve, Held: w.held, Settled: w.settled, Fees: w.fees, MerchantFunded: w.funded}
	w.cardholders.Each(func(h Cardholder) bool { m.Balances = m.Balances.Add(h.Balance); return true })
	m.Total = w.conservedLocked()
	return m
}

func (w *world) dumpLocked() StateDump {
	live := 0
	for _, exp := range w.tokens {
		if w.Now().Before(exp) {
			live++
		}
	}
	return StateDump{Credentials: w.creds, Mode: w.set.Mode, PCI: w.set.PCI, Money: w.moneyLocked(),
		Cardholders: w.cardholders.All(), Cards: w.cards.All(), Consumes: w.consumes.All(),
		Transfers: w.transfers.All(), Tokens: live, Pending: w.Agenda.Tasks()}
}

// Card actions the admin API offers, in KeySecure's vocabulary.
var cardActions = map[string]struct {
	to     CardStatus
	from   []CardStatus
	reason string
}{
	"freeze":   {StatusFrozen, []CardStatus{StatusActivated}, "Frozen by platform"},
	"unfreeze": {StatusActivated, []CardStatus{StatusFrozen}, "Unfrozen by platform"},
	"activate": {StatusActivated, []CardStatus{StatusPending, StatusToActivate}, "Activated by platform"},
	"cancel":   {StatusDelete, []CardStatus{StatusPending, StatusToActivate, StatusActivated, StatusFrozen}, "Cancelled by platform"},
	"expire":   {StatusDelete, []CardStatus{StatusPending, StatusToActivate, StatusActivated, StatusFrozen}, "Card expired"},
	"fail":     {StatusFail, []CardStatus{StatusPending}, "Card application failed"},
}

func (w *world) actLocked(cardNo, action string) (Card, error) {
	a, ok := cardActions[action]
	if !ok {
		if action == "block" {
			return Card{}, core.Errorf(core.KindInvalid, "keysecure has no blocked status; use freeze or cancel")
		}
		return Card{}, core.Errorf(core.KindInvalid, "unknown card action %q: keysecure knows freeze, unfreeze, activate, cancel, expire, fail", action)
	}
	c, err := w.cardLocked(cardNo)
	if err != nil {
		return c, err
	}
	for _, from := range a.from {
		if c.Status == from {
			if action == "expire" {
				c.ExpYear, c.ExpMonth = w.Now().AddDate(0, -1, 0).Year(), int(w.Now().AddDate(0, -1, 0).Month())
			}
			return w.moveLocked(c, a.to, a.reason), nil
		}
	}
	return c, errStatus(c, a.to)
}

// createLocked adds state directly (the admin API's POST
// /_mocksrv/tenants/{id}/keysecure/{kind} and scenario "given"): kind is
// cardholders, cards, consumptions, transfers or kyc.
func (s *Server) createLocked(w *world, kind string, body []byte) (any, error) {
	switch kind {
	case "cardholders":
		return core.DecodeThen(body, w.addCardholderLocked)
	case "cards":
		return core.DecodeThen(body, w.addCardLocked)
	case "consumptions":
		var req sandboxConsumeRequest
		if err := core.DecodeStrict(body, &req); err != nil {
			return nil, err
		}
		amount, err := parseAmount("amount", req.Amount, true)
		if err != nil {
			return nil, err
		}
		local, err := parseAmount("local_amount", req.LocalAmount, false)
		if err != nil {
			return nil, err
		}
		if req.Type == "" {
			req.Type = ConsumeConsumption
		}
		c, err := s.consumeRequestLocked(w, req, amount, local)
		if err != nil {
			return nil, err
		}
		return consumeInfoJSON(c), nil
	case "transfers":
		var req struct {
			CardholderNo string       `json:"cardholder_no"`
			Type         string       `json:"type"`
			Amount       core.Decimal `json:"amount"`
			UniqueNo     string       `json:"transfer_unique_no"`
		}
		if err := core.DecodeStrict(body, &req); err != nil {
			return nil, err
		}
		typ, ok := normalizeTransferType(req.Type)
		if !ok {
			typ = "In"
		}
		h, ok := w.cardholders.Get(req.CardholderNo)
		if !ok || req.Amount.Sign() <= 0 {
			return nil, core.Errorf(core.KindInvalid, "transfers need an existing cardholder_no and a positive amount")
		}
		if req.UniqueNo == "" {
			req.UniqueNo = "admin-" + w.Faker.HexID(8)
		}
		t, err := w.transferLocked(h, req.UniqueNo, typ, req.Amount)
		if err != nil {
			return nil, err
		}
		return t, nil
	case "kyc":
		var req struct {
			CardholderNo string `json:"cardholder_no"`
			core.Decision
		}
		if err := core.DecodeStrict(body, &req); err != nil {
			return nil, err
		}
		approve, reason, err := req.Verdict("kyc", "Rejected by platform")
		if err != nil {
			return nil, err
		}
		h, ok := w.decideLocked(req.CardholderNo, approve, reason)
		if !ok {
			return nil, core.Errorf(core.KindConflict, "cardholder %q does not exist or was already decided", req.CardholderNo)
		}
		return h, nil
	}
	return nil, core.Errorf(core.KindNotFound, "keysecure has no %q to create: use cardholders, cards, consumptions, transfers or kyc", kind)
}

// addCardholderLocked inserts a cardholder in any status, filling blanks
// from the faker; an Approved one (the default) is ready for cards.
func (w *world) addCardholderLocked(h Cardholder) (Cardholder, error) {
	now := w.Now()
	if h.ID == "" {
		h.ID = w.nextNoLocked("U")
	}
	if w.cardholders.Has(h.ID) {
		return h, core.Errorf(core.KindConflict, "cardholder %q already exists", h.ID)
	}
	w.numbers[h.ID] = true
	if h.UniqueNo == "" {
		h.UniqueNo = "holder-" + w.Faker.HexID(6)
	}
	if _, dup := w.holderByUnique[h.UniqueNo]; dup {
		return h, core.Errorf(core.KindConflict, "cardholder_unique_no %q already exists", h.UniqueNo)
	}
	if h.Status == "" {
		h.Status = CardholderApproved
	}
	if h.ShareToken == "" {
		h.ShareToken = "sandbox-" + w.Faker.HexID(8)
	}
	if m, ok := magic.Find("sumsub_share_token", h.ShareToken); ok && h.Outcome == "" {
		h.Outcome = m.Rule
	}
	if err := checkOutcome("outcome", h.Outcome, ruleKYCReject, ruleKYCHold); err != nil {
		return h, err
	}
	if h.FirstName == "" {
		h.FirstName, h.LastName = w.Faker.FirstName(), w.Faker.LastName()
	}
	if h.Email == "" {
		h.Email = w.Faker.Email()
	}
	if h.CreatedAt.IsZero() {
		h.CreatedAt = now
	}
	h.UpdatedAt = now
	if h.Balance.Sign() > 0 { // fund from the reserve so money stays conserved
		if w.reserve.LessThan(h.Balance) {
			return h, core.Errorf(core.KindConflict, "the reserve cannot fund a balance of %s", h.Balance)
		}
		w.reserve = w.reserve.Sub(h.Balance)
	}
	if h.Status == CardholderPending || h.Status == CardholderInProgress {
		w.submitLocked(&h, 0, 2*time.Minute)
	}
	w.cardholders.Put(h.ID, h)
	w.holderByUnique[h.UniqueNo] = h.ID
	return h, nil
}

// addCardLocked inserts a card in any status (default Activated), making an
// approved cardholder when none is named.
func (w *world) addCardLocked(c Card) (Card, error) {
	if err := checkOutcome("outcome", c.Outcome, ruleCardFail); err != nil {
		return c, err
	}
	if c.CardholderNo == "" {
		h, err := w.addCardholderLocked(Cardholder{})
		if err != nil {
			return c, err
		}
		c.CardholderNo = h.ID
	}
	h, ok := w.cardholders.Get(c.CardholderNo)
	if !ok {
		return c, core.Errorf(core.KindNotFound, "cardholder %q does not exist", c.CardholderNo)
	}
	if c.Type == "" {
		c.Type = Virtual
	}
	pkg, ok := findPackage(c.PackageNo)
	if c.BinNo != "" {
		pkg, ok = findBin(c.BinNo)
	}
	if !ok {
		pkg = packages[0]
		if c.Type == Physical {
			pkg = packages[2]
		}
	}
	if c.UniqueNo == "" {
		c.UniqueNo = "card-" + w.Faker.HexID(6)
	}
	if _, dup := w.cardByUnique[c.UniqueNo]; dup {
		return c, core.Errorf(core.KindConflict, "card_unique_no %q already exists", c.UniqueNo)
	}
	made := w.buildCardLocked(h, c.UniqueNo, c.Type, pkg, c.Address, w.set.CardValidity)
	if c.ID != "" {
		if w.cards.Has(c.ID) {
			return c, core.Errorf(core.KindConflict, "card %q already exists", c.ID)
		}
		made.ID = c.ID
		w.numbers[c.ID] = true
	}
	if c.PAN != "" {
		made.PAN = c.PAN
	}
	if c.CVV != "" {
		made.CVV = c.CVV
	}
	if c.ExpYear != 0 {
		made.ExpYear, made.ExpMonth = c.ExpYear, max(c.ExpMonth, 1)
	}
	if !c.CreatedAt.IsZero() {
		made.CreatedAt = c.CreatedAt
	}
	made.Outcome = c.Outcome
	made.Status, made.Reason = StatusActivated, "Created by admin"
	if c.Status != "" {
		made.Status = c.Status
	}
	w.storeCardLocked(made, w.set.IssueDelay.D())
	return made, nil
}

// checkMoneyLocked lists every way the tenant's books fail to balance.
func (w *world) checkMoneyLocked() []string {
	var errs []string
	if total := w.conservedLocked(); total.Cmp(w.set.Reserve) != 0 {
		errs = append(errs, fmt.Sprintf("money is not conserved: the ledger totals %s, the opening reserve was %s", total, w.set.Reserve))
	}
	held := core.Zero
	w.consumes.Each(func(c Consumption) bool {
		held = held.Add(c.Hold)
		switch {
		case c.Hold.Sign() != 0 && c.Status != Pending:
			errs = append(errs, fmt.Sprintf("consumption %s is %s and still holds %s", c.ID, c.Status, c.Hold))
		case c.Status == Pending && c.Hold.Cmp(c.Uncleared().Add(c.Fee())) != 0:
			errs = append(errs, fmt.Sprintf("consumption %s holds %s for %s uncleared and %s fee", c.ID, c.Hold, c.Uncleared(), c.Fee()))
		case c.Returned.Cmp(c.Cleared) > 0:
			errs = append(errs, fmt.Sprintf("consumption %s returned %s of %s cleared", c.ID, c.Returned, c.Cleared))
		}
		return true
	})
	if held.Cmp(w.held) != 0 {
		errs = append(errs, fmt.Sprintf("consumptions hold %s, the ledger %s", held, w.held))
	}
	return errs
}
