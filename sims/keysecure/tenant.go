package keysecure

import (
	"encoding/json"
	"fmt"
	"maps"
	"sort"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// hooks tells the Host how KeySecure's tenant worlds are made, reset,
// shown, driven, saved and restored.
func (s *Server) hooks() core.Hooks[*world] {
	return core.Hooks[*world]{
		NewWorld:    s.newTenantWorld,
		Key:         func(w *world) string { return w.creds.APIKey },
		Credentials: func(w *world) any { return w.creds },
		Fresh:       s.freshWorld,
		Dump:        func(w *world) any { return w.dumpLocked() },
		Act: func(w *world, card, action string) (any, error) {
			c, err := w.actLocked(card, action)
			if err != nil {
				return nil, err
			}
			return cardJSON(c), nil
		},
		Create:    s.createLocked,
		CardEvent: s.cardEvent,
		Declines:  declines,
		Snapshot:  func(w *world) any { return w.snapshotLocked() },
		Restore:   s.restoreWorld,
	}
}

// newTenantWorld makes a tenant's world: the Server's settings with the
// tenant's options over them. The default tenant gets the documented fixed
// credentials (or the Server's api_key and api_secret settings); others
// random ones unless their options name them.
func (s *Server) newTenantWorld(t *core.Tenant, opts json.RawMessage) (*world, error) {
	set := s.set
	if t.ID != core.DefaultTenant {
		set.APIKey, set.APISecret = "", ""
	}
	if err := core.DecodeSettings(Name, opts, &set); err != nil {
		return nil, err
	}
	creds := Credentials{set.APIKey, set.APISecret}
	switch {
	case creds.APIKey == "" && t.ID == core.DefaultTenant:
		creds = Credentials{DefaultAPIKey, DefaultAPISecret}
	case creds.APIKey == "" && creds.APISecret == "":
		creds = Credentials{"ks-" + core.RandomHex(12), core.RandomHex(16)}
	}
	set.APIKey, set.APISecret = creds.APIKey, creds.APISecret
	if err := set.check(); err != nil {
		return nil, fmt.Errorf("keysecure options: %w", err)
	}
	return newWorld(t, s.Webhooks, creds, set), nil
}

// freshWorld empties a tenant's world, keeping its credentials, settings
// and token rate window.
func (s *Server) freshWorld(old *world) *world {
	fresh := newWorld(old.Tenant, s.Webhooks, old.creds, old.set)
	fresh.tokenLimiter = old.tokenLimiter
	return fresh
}

// snapshot is a tenant's KeySecure world as --state saves it.
type snapshot struct {
	Creds        Credentials          `json:"credentials"`
	Settings     Settings             `json:"settings"`
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
	Held         core.Decimal         `json:"held"`
	Settled      core.Decimal         `json:"settled"`
	Fees         core.Decimal         `json:"fees"`
	Funded       core.Decimal         `json:"merchant_funded"`

	// Fields of the first snapshot format, before Settings held them.
	Mode     Mode          `json:"mode,omitempty"`
	PCI      *bool         `json:"pci,omitempty"`
	TokenTTL core.Duration `json:"token_ttl,omitempty"`
}

// snapshotLocked copies the world into its saved form.
func (w *world) snapshotLocked() snapshot {
	fk, _ := w.Faker.MarshalBinary()
	return snapshot{
		Creds: w.creds, Settings: w.set, Faker: fk, Seq: w.seq, TokSeq: w.tokSeq,
		Cardholders: w.cardholders.All(), Cards: w.cards.All(), Consumes: w.consumes.All(), Transfers: w.transfers.All(),
		Tokens: maps.Clone(w.tokens), ClientTokens: maps.Clone(w.clientTokens), Agenda: w.Agenda.Tasks(),
		Reserve: w.reserve, Held: w.held, Settled: w.settled, Fees: w.fees, Funded: w.funded,
	}
}

// restoreWorld rebuilds a tenant's world from its saved form.
func (s *Server) restoreWorld(t *core.Tenant, state json.RawMessage) (*world, error) {
	var snap snapshot
	if err := json.Unmarshal(state, &snap); err != nil {
		return nil, err
	}
	set := snap.Settings
	if set.Mode == "" { // the first snapshot format: the Server's settings and three of the tenant's
		set = s.set
		set.Mode, set.PCI = snap.Mode, snap.PCI == nil || *snap.PCI
		if snap.TokenTTL > 0 {
			set.TokenTTL = snap.TokenTTL
		}
	}
	if set.AuthWindow == 0 { // saved before authorization decisions: the Server's choices
		set.AuthWindow, set.AuthOnRefusal, set.AuthFallback = s.set.AuthWindow, s.set.AuthOnRefusal, s.set.AuthFallback
		set.AuthExpiry, set.ClearAfter = s.set.AuthExpiry, s.set.ClearAfter
	}
	w := newWorld(t, s.Webhooks, snap.Creds, set)
	w.seq, w.tokSeq, w.reserve, w.settled, w.fees = snap.Seq, snap.TokSeq, snap.Reserve, snap.Settled, snap.Fees
	w.held, w.funded = snap.Held, snap.Funded
	if err := w.Faker.UnmarshalBinary(snap.Faker); err != nil {
		return nil, fmt.Errorf("faker: %w", err)
	}
	for _, h := range snap.Cardholders {
		w.cardholders.Put(h.ID, h)
		w.holderByUnique[h.UniqueNo] = h.ID
		w.numbers[h.ID] = true
	}
	for _, c := range snap.Cards {
		w.cards.Put(c.ID, c)
		w.cardByUnique[c.UniqueNo] = c.ID
		w.numbers[c.ID] = true
	}
	for _, c := range upgradeConsumes(snap.Consumes) {
		w.consumes.Put(c.ID, c)
		w.numbers[c.ID] = true
	}
	for _, tr := range snap.Transfers {
		w.transfers.Put(tr.ID, tr)
		w.transferByUnique[tr.UniqueNo] = tr.ID
		w.numbers[tr.ID] = true
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
	w.Agenda.Restore(snap.Agenda)
	return w, nil
}

// upgradeConsumes fills the lifecycle books of consumptions saved before
// mocksrv kept them: a successful debit cleared its whole amount, and its
// refunds and reversals returned part of it.
func upgradeConsumes(cs []Consumption) []Consumption {
	old := map[string]int{}
	for i, c := range cs {
		if !c.IsCredit() && c.Status == Success && c.Authorized.IsZero() && c.Cleared.IsZero() {
			cs[i].Authorized, cs[i].Cleared, cs[i].Funding = c.Amount, c.Amount, FundBalance
			old[c.ID] = i
		}
	}
	if len(old) == 0 {
		return cs
	}
	for _, c := range cs {
		if i, ok := old[c.RelateNo]; ok && c.IsCredit() && c.Status == Success {
			cs[i].Returned = cs[i].Returned.Add(c.Amount)
		}
	}
	return cs
}
