package bkj

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mocksrv/mocksrv/sims/core"
)

// hooks tells the Host how bkj's tenant worlds are made, reset, shown,
// driven, saved and restored.
func (s *Server) hooks() core.Hooks[*world] {
	return core.Hooks[*world]{
		NewWorld:    s.newTenantWorld,
		Restore:     s.restoreWorld,
		Fresh:       s.freshWorld,
		Key:         func(w *world) string { return w.creds.APIKey },
		Credentials: func(w *world) any { return w.creds },
		Snapshot:    func(w *world) any { return w.snapshotLocked() },
		Dump:        func(w *world) any { return w.dumpLocked() },
		Act:         s.actHook,
		Create:      s.createLocked,
		CardEvent:   s.cardEvent,
		Declines:    declines,
	}
}

// newTenantWorld makes a tenant's world: the Server's settings with the
// tenant's options over them. The default tenant gets the documented fixed
// credentials; others random ones unless their options name them.
func (s *Server) newTenantWorld(t *core.Tenant, opts json.RawMessage) (*world, error) {
	set := s.set
	if t.ID != core.DefaultTenant {
		set.APIKey, set.APISecret = "", ""
	}
	if err := core.DecodeSettings(Name, opts, &set); err != nil {
		return nil, err
	}
	if set.APIKey == "" && set.APISecret == "" {
		c := newCredentials(t.ID)
		set.APIKey, set.APISecret = c.APIKey, c.APISecret
	}
	if err := set.check(); err != nil {
		return nil, fmt.Errorf("bkj options: %w", err)
	}
	return newWorld(t, s.Webhooks, set), nil
}

// freshWorld empties a tenant's world, keeping its credentials, settings,
// spent nonces and rate window.
func (s *Server) freshWorld(old *world) *world {
	fresh := newWorld(old.Tenant, s.Webhooks, old.set)
	fresh.nonces, fresh.limiter = old.nonces, old.limiter
	return fresh
}

// snapshot is a tenant's bkj world as --state saves it. Settings were
// once only the tenant's own options (the same names, fewer of them);
// restoreWorld reads those over the Server's settings.
type snapshot struct {
	Creds     Credentials      `json:"credentials"`
	Settings  Settings         `json:"settings"`
	Faker     []byte           `json:"faker"`
	Seq       uint64           `json:"seq"`
	TxSeq     int              `json:"tx_seq"`
	Users     []User           `json:"users"`
	Addresses []MailingAddress `json:"card_addresses"`
	Cards     []Card           `json:"cards"`
	Wallets   []Wallet         `json:"wallets"`
	Deposits  []DepositAddress `json:"deposit_addresses"`
	Payees    []Payee          `json:"payees"`
	WalletTxs []WalletTx       `json:"wallet_transactions"`
	CardTxs   []CardTx         `json:"card_transactions"`
	Agenda    []core.Task      `json:"agenda"`
	Ledger    Ledger           `json:"ledger"`
}

// snapshotLocked copies the world into its saved form.
func (w *world) snapshotLocked() snapshot {
	fk, _ := w.Faker.MarshalBinary()
	return snapshot{Creds: w.creds, Settings: w.set, Faker: fk, Seq: w.seq, TxSeq: w.txSeq, Users: w.users.All(),
		Addresses: w.mailing.All(), Cards: w.cards.All(), Wallets: w.wallets.All(), Deposits: w.deposits.All(),
		Payees: w.payees.All(), WalletTxs: w.walletTxs.All(), CardTxs: w.cardTxs.All(), Agenda: w.Agenda.Tasks(), Ledger: w.ledger}
}

// restoreWorld rebuilds a tenant's world from its saved form.
func (s *Server) restoreWorld(t *core.Tenant, state json.RawMessage) (*world, error) {
	snap := snapshot{Settings: s.set} // what the saved settings leave out is the Server's
	if err := json.Unmarshal(state, &snap); err != nil {
		return nil, err
	}
	if snap.Creds.APIKey == "" {
		snap.Creds = newCredentials(t.ID)
	}
	set := snap.Settings
	set.APIKey, set.APISecret = snap.Creds.APIKey, snap.Creds.APISecret
	if err := set.check(); err != nil {
		return nil, err
	}
	w := newWorld(t, s.Webhooks, set)
	if len(snap.Faker) > 0 {
		if err := w.Faker.UnmarshalBinary(snap.Faker); err != nil {
			return nil, fmt.Errorf("faker: %w", err)
		}
	}
	w.seq, w.txSeq, w.ledger = snap.Seq, snap.TxSeq, snap.Ledger
	for _, u := range snap.Users {
		w.users.Put(u.ID, u)
		w.userByEmail[strings.ToLower(u.Email)] = u.ID
		if u.ExternalID != "" {
			w.userByExternal[u.ExternalID] = u.ID
		}
	}
	for _, a := range snap.Addresses {
		w.mailing.Put(a.ID, a)
	}
	for _, c := range snap.Cards {
		w.cards.Put(c.ID, c)
	}
	for _, x := range snap.Wallets {
		w.wallets.Put(x.ID, x)
		w.walletOf[x.AccountID+"/"+x.Currency] = x.ID
	}
	for _, a := range snap.Deposits {
		w.deposits.Put(a.ID, a)
	}
	for _, p := range snap.Payees {
		w.payees.Put(p.ID, p)
	}
	for _, x := range snap.WalletTxs {
		w.walletTxs.Put(x.ID, x)
	}
	for _, x := range snap.CardTxs {
		w.cardTxs.Put(x.ID, x)
	}
	w.Agenda.Restore(snap.Agenda)
	return w, nil
}
