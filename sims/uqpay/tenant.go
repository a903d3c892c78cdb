package uqpay

import (
	"encoding/json"
	"fmt"
	"maps"
	"sort"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// hooks tells the Host how UQPay's tenant worlds are made, reset, shown,
// driven, saved and restored, and how a dropped world's auth_tokens leave
// the Server's token index. CardEvent and Create's decision kind run
// locked, as every hook does, but release the lock while they wait on the
// client's decision endpoint or generate a PGP key (whileUnlocked), and
// read the world afresh after.
func (s *Server) hooks() core.Hooks[*world] {
	return core.Hooks[*world]{
		NewWorld:    s.newTenantWorld,
		Key:         func(w *world) string { return w.creds.ClientID },
		Credentials: func(w *world) any { return w.creds },
		Fresh:       s.freshWorld,
		Release:     s.dropTokens,
		Dump:        s.dumpLocked,
		Act:         func(w *world, card, action string) (any, error) { return w.actLocked(card, action) },
		Create:      s.createLocked,
		CardEvent:   s.cardEventLocked,
		Declines:    Declines(),
		Snapshot:    s.snapshotLocked,
		Restore:     s.restoreWorld,
	}
}

// newTenantWorld makes a tenant's world: the Server's settings with the
// tenant's options over them. The default tenant gets the documented fixed
// credentials (or the Server's client_id and api_key settings); others
// random ones unless their options name them.
func (s *Server) newTenantWorld(t *core.Tenant, opts json.RawMessage) (*world, error) {
	set := s.set
	set.InitialBalances = maps.Clone(s.set.InitialBalances) // the tenant's maps are laid over copies
	set.CardFees = maps.Clone(s.set.CardFees)
	if t.ID != core.DefaultTenant {
		set.ClientID, set.APIKey, set.WebhookSecret = "", "", ""
	}
	if err := core.DecodeSettings(Name, opts, &set); err != nil {
		return nil, err
	}
	if err := set.check(); err != nil {
		return nil, fmt.Errorf("uqpay options: %w", err)
	}
	creds := Credentials{ClientID: set.ClientID, APIKey: set.APIKey, WebhookSecret: set.WebhookSecret}
	switch {
	case creds.ClientID == "" && t.ID == core.DefaultTenant:
		creds.ClientID, creds.APIKey = DefaultClientID, DefaultAPIKey
	case creds.ClientID == "":
		creds.ClientID, creds.APIKey = "uq-"+core.RandomHex(12), core.RandomHex(16)
	}
	if creds.WebhookSecret == "" {
		creds.WebhookSecret = DefaultWebhookSecret
		if t.ID != core.DefaultTenant {
			creds.WebhookSecret = core.RandomHex(16)
		}
	}
	set.ClientID, set.APIKey, set.WebhookSecret = creds.ClientID, creds.APIKey, creds.WebhookSecret
	w := newWorld(t, s.Webhooks, creds, set)
	if w.decision.URL != "" && w.decision.keys.own == nil {
		// A tenant made with a decision endpoint gets its key pair now;
		// others on first need (RSA generation is slow).
		_, priv, err := GenerateDecisionKey("UQPAY mocksrv", "decision@mocksrv.test")
		if err != nil {
			return nil, fmt.Errorf("uqpay: generating the tenant's PGP key: %w", err)
		}
		w.decision.OwnKey = priv
		if err := w.decision.parse(); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// freshWorld empties a tenant's world, keeping its credentials,
// settings and decision registration. Its tokens die with the old world
// (dropTokens).
func (s *Server) freshWorld(old *world) *world {
	w := newWorld(old.Tenant, s.Webhooks, old.creds, old.set)
	w.decision = old.decision // the registration and the key pair are the tenant's, like its credentials
	return w
}

// dropTokens forgets a world's auth_tokens: the Host calls it for a world
// that was removed, reset or replaced by a restore. A token a newer world
// took over (a snapshot restored over the tenant that minted it) stays.
func (s *Server) dropTokens(w *world) {
	s.tokMu.Lock()
	defer s.tokMu.Unlock()
	for _, t := range w.tokenOrder {
		if rec, ok := s.tokenRecs[t]; ok && rec.world == w {
			delete(s.tokenRecs, t)
		}
	}
	w.tokenOrder = nil
}

// snapshot is a tenant's UQPay world as --state saves it.
type snapshot struct {
	Creds     Credentials             `json:"credentials"`
	Faker     []byte                  `json:"faker"`
	TokSeq    int                     `json:"token_seq"`
	Master    string                  `json:"master"`
	Accounts  []accountSnapshot       `json:"accounts"`
	Transfers []Transfer              `json:"transfers"`
	Reports   []Report                `json:"reports"`
	Deposits  []Deposit               `json:"deposits,omitempty"`
	PanTokens map[string]panToken     `json:"pan_tokens"`
	Tokens    map[string]tokenRec     `json:"tokens"`
	Agenda    []core.Task             `json:"agenda"`
	Funded    map[string]core.Decimal `json:"funded"`
	Spent     map[string]core.Decimal `json:"spent"`
	Refunded  map[string]core.Decimal `json:"refunded"`
	Fees      map[string]core.Decimal `json:"fees,omitempty"`
	Decision  *decisionSnapshot       `json:"decision,omitempty"`

	// Settings are the tenant's, whole. The first snapshot format saved
	// only what the tenant's options set, over the Server's settings; it
	// has no zone (restoreWorld tells them apart by it).
	Settings json.RawMessage `json:"settings"`
}

// decisionSnapshot is a tenant's decision registration and mocksrv's own
// PGP key pair, as saved.
type decisionSnapshot struct {
	URL           string        `json:"url,omitempty"`
	PublicKey     string        `json:"public_key,omitempty"`
	Timeout       core.Duration `json:"timeout"`
	Default       string        `json:"default_action"`
	NumberAmounts bool          `json:"number_amounts,omitempty"`
	PrivateKey    string        `json:"private_key,omitempty"` // mocksrv's
}

type accountSnapshot struct {
	ID          string               `json:"account_id"`
	Name        string               `json:"name"`
	Master      bool                 `json:"master"`
	CreatedAt   time.Time            `json:"create_time"`
	Cardholders []Cardholder         `json:"cardholders"`
	Cards       []Card               `json:"cards"`
	Orders      []CardOrder          `json:"orders"`
	Txns        []Transaction        `json:"transactions"`
	BalTxns     []BalanceTransaction `json:"balance_transactions"`
	Balances    map[string]Balance   `json:"balances"`
	DefaultArt  map[string]string    `json:"default_art"`
	Issued      map[string]int       `json:"issued"`
}

// snapshotLocked copies the world into its saved form: nothing in it
// shares memory with the world, because the Host encodes it unlocked.
func (s *Server) snapshotLocked(w *world) any {
	tokens := map[string]tokenRec{}
	s.tokMu.RLock()
	for _, t := range w.tokenOrder {
		tokens[t] = s.tokenRecs[t]
	}
	s.tokMu.RUnlock()
	fk, _ := w.Faker.MarshalBinary()
	set, _ := json.Marshal(w.set)
	snap := snapshot{Creds: w.creds, Faker: fk, TokSeq: w.tokSeq, Master: w.master.ID, Transfers: w.transfers.All(),
		Reports: w.reports.All(), Deposits: w.deposits.All(), PanTokens: maps.Clone(w.panTokens), Tokens: tokens,
		Agenda: w.Agenda.Tasks(), Funded: maps.Clone(w.funded), Spent: maps.Clone(w.spent),
		Refunded: maps.Clone(w.refunded), Fees: maps.Clone(w.fees), Settings: set,
		Decision: &decisionSnapshot{URL: w.decision.URL, PublicKey: w.decision.ClientKey, Timeout: core.Duration(w.decision.Timeout),
			Default: w.decision.Default, NumberAmounts: w.decision.NumberAmounts, PrivateKey: w.decision.OwnKey}}
	for _, a := range w.allAccounts() {
		snap.Accounts = append(snap.Accounts, accountSnapshot{ID: a.ID, Name: a.Name, Master: a.Master,
			CreatedAt: a.CreatedAt, Cardholders: a.cardholders.All(), Cards: a.cards.All(), Orders: a.orders.All(),
			Txns: a.txns.All(), BalTxns: a.balTxns.All(), Balances: maps.Clone(a.balances),
			DefaultArt: maps.Clone(a.defaultArt), Issued: maps.Clone(a.issued)})
	}
	return snap
}

// restoreWorld rebuilds a tenant's world from its saved form, and puts its
// auth_tokens back in the Server's token index, taking over those of the
// world it replaces. If the Host cannot place it, dropTokens takes them
// out again.
func (s *Server) restoreWorld(t *core.Tenant, state json.RawMessage) (*world, error) {
	var snap snapshot
	if err := json.Unmarshal(state, &snap); err != nil {
		return nil, err
	}
	set, err := s.savedSettings(snap.Settings)
	if err != nil {
		return nil, fmt.Errorf("settings: %w", err)
	}
	set.ClientID, set.APIKey, set.WebhookSecret = snap.Creds.ClientID, snap.Creds.APIKey, snap.Creds.WebhookSecret
	w := newWorld(t, s.Webhooks, snap.Creds, set)
	if err := w.Faker.UnmarshalBinary(snap.Faker); err != nil {
		return nil, fmt.Errorf("faker: %w", err)
	}
	w.tokSeq, w.accounts, w.subs = snap.TokSeq, map[string]*account{}, nil
	for _, as := range snap.Accounts {
		a := newAccount(as.ID, as.Name, as.Master, as.CreatedAt)
		for _, h := range as.Cardholders {
			w.putCardholderLocked(a, h)
		}
		for _, c := range as.Cards {
			a.cards.Put(c.ID, c)
			a.cardByPAN[c.PAN] = c.ID
		}
		for _, o := range as.Orders {
			a.orders.Put(o.ID, o)
		}
		for _, x := range as.Txns {
			if x.Type == TxnAuthorization && x.Status == TxnApproved && x.OriginalID == "" && x.Open.IsZero() && x.Cleared.IsZero() {
				if x.Settled { // saved before authorizations kept their amounts apart
					x.Cleared = x.Billing
				} else {
					x.Open, x.OpenAmount = x.Billing, x.Amount
				}
			}
			a.txns.Put(x.ID, x)
		}
		for _, b := range as.BalTxns {
			a.balTxns.Put(b.ID, b)
		}
		if as.Balances != nil {
			a.balances = as.Balances
		}
		if as.DefaultArt != nil {
			a.defaultArt = as.DefaultArt
		}
		if as.Issued != nil {
			a.issued = as.Issued
		}
		for _, c := range as.Cards {
			a.expiryMonths[c.ExpiresAt().Format("2006-01")] = true // their tasks come back with the agenda
		}
		w.accounts[a.ID] = a
		if a.Master {
			w.master = a
		} else {
			w.subs = append(w.subs, a.ID)
		}
	}
	if _, ok := w.accounts[snap.Master]; !ok {
		return nil, fmt.Errorf("master account %s missing", snap.Master)
	}
	for _, x := range snap.Transfers {
		w.transfers.Put(x.ID, x)
	}
	for _, r := range snap.Reports {
		w.reports.Put(r.ID, r)
	}
	for _, d := range snap.Deposits {
		w.deposits.Put(d.ID, d)
	}
	for tok, pt := range snap.PanTokens {
		w.addPANTokenLocked(tok, pt, time.Time{})
	}
	w.funded, w.spent, w.refunded, w.fees = orEmpty(snap.Funded), orEmpty(snap.Spent), orEmpty(snap.Refunded), orEmpty(snap.Fees)
	if d := snap.Decision; d != nil {
		w.decision = decisionSetup{URL: d.URL, ClientKey: d.PublicKey, Timeout: d.Timeout.D(), Default: d.Default,
			NumberAmounts: d.NumberAmounts, OwnKey: d.PrivateKey}
		if err := w.decision.parse(); err != nil {
			return nil, err
		}
	}
	w.Agenda.Restore(snap.Agenda)

	s.tokMu.Lock()
	defer s.tokMu.Unlock()
	for tok, rec := range snap.Tokens {
		if cur, ok := s.tokenRecs[tok]; ok && cur.world.Tenant.ID != t.ID {
			continue // another tenant's client minted it: this restore will fail on the client id
		}
		rec.world = w
		s.tokenRecs[tok] = rec
		w.tokenOrder = append(w.tokenOrder, tok)
	}
	sort.Slice(w.tokenOrder, func(i, j int) bool {
		return s.tokenRecs[w.tokenOrder[i]].Exp.Before(s.tokenRecs[w.tokenOrder[j]].Exp)
	})
	return w, nil
}

// savedSettings reads a snapshot's settings: whole in the current format;
// in the first, only what the tenant's options set, over the Server's.
func (s *Server) savedSettings(raw json.RawMessage) (Settings, error) {
	var set Settings
	if err := json.Unmarshal(orNull(raw), &set); err != nil {
		return set, err
	}
	if set.Zone == "" { // the first format
		set = s.set
		set.InitialBalances, set.CardFees = maps.Clone(s.set.InitialBalances), maps.Clone(s.set.CardFees)
		if err := json.Unmarshal(orNull(raw), &set); err != nil {
			return set, err
		}
	}
	return set, set.check()
}

func orNull(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return json.RawMessage("null")
	}
	return raw
}

func orEmpty(m map[string]core.Decimal) map[string]core.Decimal {
	if m == nil {
		return map[string]core.Decimal{}
	}
	return m
}
