package keysecure

// What the admin API (/_mocksrv/...) and scenario "given" sections do to a
// tenant's KeySecure state.

import (
	"encoding/json"
	"fmt"
	"sort"
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

// Money is the tenant's TUSDT ledger. Total never changes.
type Money struct {
	Reserve  core.Decimal `json:"reserve"`
	Balances core.Decimal `json:"cardholder_balances"`
	Settled  core.Decimal `json:"paid_to_merchants"`
	Fees     core.Decimal `json:"fees"`
	Total    core.Decimal `json:"total"`
}

// State returns a tenant's KeySecure state.
func (s *Server) State(id string) (any, error) {
	w, ok := s.worlds.Get(id)
	if !ok {
		return nil, fmt.Errorf("keysecure: no tenant %q", id)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	s.settleLocked(w)
	return w.dumpLocked(), nil
}

func (w *world) moneyLocked() Money {
	m := Money{Reserve: w.reserve, Settled: w.settled, Fees: w.fees}
	w.cardholders.Each(func(h Cardholder) bool { m.Balances = m.Balances.Add(h.Balance); return true })
	m.Total = w.conservedLocked()
	return m
}

func (w *world) dumpLocked() StateDump {
	live := 0
	for _, exp := range w.tokens {
		if w.now().Before(exp) {
			live++
		}
	}
	return StateDump{Credentials: w.creds, Mode: w.mode, PCI: w.pci, Money: w.moneyLocked(),
		Cardholders: w.cardholders.All(), Cards: w.cards.All(), Consumes: w.consumes.All(),
		Transfers: w.transfers.All(), Tokens: live, Pending: w.agenda.Tasks()}
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

// CardAction drives a card: freeze, unfreeze, activate, cancel, expire or
// fail. KeySecure has no blocked status, so block is refused.
func (s *Server) CardAction(tenant, cardNo, action string) (any, error) {
	w, ok := s.worlds.Get(tenant)
	if !ok {
		return nil, fmt.Errorf("keysecure: no tenant %q", tenant)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	s.settleLocked(w)
	c, err := w.actLocked(cardNo, action)
	if err != nil {
		return nil, err
	}
	return cardJSON(c), nil
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
				c.ExpYear, c.ExpMonth = w.now().AddDate(0, -1, 0).Year(), int(w.now().AddDate(0, -1, 0).Month())
			}
			return w.moveLocked(c, a.to, a.reason), nil
		}
	}
	return c, errStatus(c, a.to)
}

// Create adds state directly (the admin API's POST
// /_mocksrv/tenants/{id}/keysecure/{kind} and scenario "given"): kind is
// cardholders, cards, consumptions, transfers or kyc.
func (s *Server) Create(tenant, kind string, body json.RawMessage) (any, error) {
	w, ok := s.worlds.Get(tenant)
	if !ok {
		return nil, fmt.Errorf("keysecure: no tenant %q", tenant)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	s.settleLocked(w)
	switch kind {
	case "cardholders":
		var h Cardholder
		if err := strictJSON(body, &h); err != nil {
			return nil, err
		}
		return w.addCardholderLocked(h)
	case "cards":
		var c Card
		if err := strictJSON(body, &c); err != nil {
			return nil, err
		}
		return s.addCardLocked(w, c)
	case "consumptions":
		var req sandboxConsumeRequest
		if err := strictJSON(body, &req); err != nil {
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
		if err := strictJSON(body, &req); err != nil {
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
			req.UniqueNo = "admin-" + w.faker.HexID(8)
		}
		t, err := w.transferLocked(h, req.UniqueNo, typ, req.Amount)
		if err != nil {
			return nil, err
		}
		return t, nil
	case "kyc":
		var req struct {
			CardholderNo string `json:"cardholder_no"`
			Decision     string `json:"decision"` // approve or reject
			Reason       string `json:"reason"`
		}
		if err := strictJSON(body, &req); err != nil {
			return nil, err
		}
		if req.Decision != "approve" && req.Decision != "reject" {
			return nil, core.Errorf(core.KindInvalid, `kyc decision must be "approve" or "reject"`)
		}
		if req.Reason == "" {
			req.Reason = "Rejected by platform"
		}
		h, ok := w.decideLocked(req.CardholderNo, req.Decision == "approve", req.Reason)
		if !ok {
			return nil, core.Errorf(core.KindConflict, "cardholder %q does not exist or was already decided", req.CardholderNo)
		}
		return h, nil
	}
	return nil, core.Errorf(core.KindNotFound, "keysecure has no %q to create: use cardholders, cards, consumptions, transfers or kyc", kind)
}

// strictJSON decodes an admin body, refusing unknown fields so a typo in a
// scenario file is caught.
func strictJSON(body []byte, v any) error {
	if len(body) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytesReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return core.Errorf(core.KindInvalid, "%v", err)
	}
	return nil
}

// addCardholderLocked inserts a cardholder in any status, filling blanks
// from the faker; an Approved one (the default) is ready for cards.
func (w *world) addCardholderLocked(h Cardholder) (Cardholder, error) {
	now := w.now()
	if h.No == "" {
		h.No = w.nextNoLocked("U")
	}
	if w.cardholders.Has(h.No) {
		return h, core.Errorf(core.KindConflict, "cardholder %q already exists", h.No)
	}
	w.numbers[h.No] = true
	if h.UniqueNo == "" {
		h.UniqueNo = "holder-" + w.faker.HexID(6)
	}
	if _, dup := w.holderByUnique[h.UniqueNo]; dup {
		return h, core.Errorf(core.KindConflict, "cardholder_unique_no %q already exists", h.UniqueNo)
	}
	if h.Status == "" {
		h.Status = CardholderApproved
	}
	if h.ShareToken == "" {
		h.ShareToken = "sandbox-" + w.faker.HexID(8)
	}
	if h.FirstName == "" {
		h.FirstName, h.LastName = w.faker.FirstName(), w.faker.LastName()
	}
	if h.Email == "" {
		h.Email = w.faker.Email()
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
	w.cardholders.Put(h.No, h)
	w.holderByUnique[h.UniqueNo] = h.No
	return h, nil
}

// addCardLocked inserts a card in any status (default Activated), making an
// approved cardholder when none is named.
func (s *Server) addCardLocked(w *world, c Card) (Card, error) {
	if c.CardholderNo == "" {
		h, err := w.addCardholderLocked(Cardholder{})
		if err != nil {
			return c, err
		}
		c.CardholderNo = h.No
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
		c.UniqueNo = "card-" + w.faker.HexID(6)
	}
	if _, dup := w.cardByUnique[c.UniqueNo]; dup {
		return c, core.Errorf(core.KindConflict, "card_unique_no %q already exists", c.UniqueNo)
	}
	made := w.buildCardLocked(h, c.UniqueNo, c.Type, pkg, c.Address, s.opts.cardValidity)
	if c.No != "" {
		if w.cards.Has(c.No) {
			return c, core.Errorf(core.KindConflict, "card %q already exists", c.No)
		}
		made.No = c.No
		w.numbers[c.No] = true
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
	made.Status, made.Reason = StatusActivated, "Created by admin"
	if c.Status != "" {
		made.Status = c.Status
	}
	w.storeCardLocked(made, s.opts.issueDelay)
	return made, nil
}

// snapshot is a tenant's KeySecure world as --state saves it.
type snapshot struct {
	Creds        Credentials          `json:"credentials"`
	Mode         Mode                 `json:"mode"`
	PCI          bool                 `json:"pci"`
	TokenTTL     core.Duration        `json:"token_ttl,omitempty"`
	Faker        []byte               `json:"faker"`
	Seq          int                  `json:"seq"`
	TokSeq       int                  `json:"token_seq"`
	Cardholders  []Cardholder         `json:"cardholders"`
	Cards        []Card               `json:"cards"`
	Consumes     []Consumption        `json:"consumptions"`
	Transfers    []Transfer           `json:"transfers"`
	Tokens       map[string]time.Time `json:"tokens"`
	ClientTokens map[string]time.Time `json:"client_tokens"`
	Agenda       []core.Task          `json:"agenda"`
	Reserve      core.Decimal         `json:"reserve"`
	Settled      core.Decimal         `json:"settled"`
	Fees         core.Decimal         `json:"fees"`
}

// Snapshot returns a tenant's world in its saved form.
func (s *Server) Snapshot(id string) (json.RawMessage, error) {
	w, ok := s.worlds.Get(id)
	if !ok {
		return nil, fmt.Errorf("keysecure: no tenant %q", id)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	fk, _ := w.faker.MarshalBinary()
	return json.Marshal(snapshot{
		Creds: w.creds, Mode: w.mode, PCI: w.pci, TokenTTL: core.Duration(w.tokenTTL), Faker: fk, Seq: w.seq, TokSeq: w.tokSeq,
		Cardholders: w.cardholders.All(), Cards: w.cards.All(), Consumes: w.consumes.All(), Transfers: w.transfers.All(),
		Tokens: w.tokens, ClientTokens: w.clientTokens, Agenda: w.agenda.Tasks(),
		Reserve: w.reserve, Settled: w.settled, Fees: w.fees,
	})
}

// Restore replaces a tenant's world with a saved one (registering the
// tenant if it is new to this server).
func (s *Server) Restore(t *core.Tenant, state json.RawMessage) error {
	var snap snapshot
	if err := json.Unmarshal(state, &snap); err != nil {
		return fmt.Errorf("keysecure: restore %s: %w", t.ID, err)
	}
	w := newWorld(t, s.Webhooks, snap.Creds, snap.Mode, snap.Reserve)
	w.pci, w.seq, w.tokSeq, w.settled, w.fees = snap.PCI, snap.Seq, snap.TokSeq, snap.Settled, snap.Fees
	w.tokenTTL = snap.TokenTTL.D()
	if err := w.faker.UnmarshalBinary(snap.Faker); err != nil {
		return fmt.Errorf("keysecure: restore %s: faker: %w", t.ID, err)
	}
	for _, h := range snap.Cardholders {
		w.cardholders.Put(h.No, h)
		w.holderByUnique[h.UniqueNo] = h.No
		w.numbers[h.No] = true
	}
	for _, c := range snap.Cards {
		w.cards.Put(c.No, c)
		w.cardByUnique[c.UniqueNo] = c.No
		w.numbers[c.No] = true
	}
	for _, c := range snap.Consumes {
		w.consumes.Put(c.No, c)
		w.numbers[c.No] = true
	}
	for _, tr := range snap.Transfers {
		w.transfers.Put(tr.No, tr)
		w.transferByUnique[tr.UniqueNo] = tr.No
		w.numbers[tr.No] = true
	}
	if snap.Tokens != nil {
		w.tokens = snap.Tokens
		for t := range w.tokens {
			w.tokenOrder = append(w.tokenOrder, t)
		}
		sort.Slice(w.tokenOrder, func(i, j int) bool {
			a, b := w.tokenOrder[i], w.tokenOrder[j]
			return w.tokens[a].Before(w.tokens[b]) || (w.tokens[a].Equal(w.tokens[b]) && a < b)
		})
	}
	if snap.ClientTokens != nil {
		w.clientTokens = snap.ClientTokens
	}
	w.agenda.Restore(snap.Agenda)
	_, _, err := s.worlds.Restore(t.ID, w.creds.APIKey, w)
	return err
}
