package decard

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/mocksrv/mocksrv/sims/core"
)

// hooks tells the Host how DeCard's tenant worlds are made, reset, shown,
// driven, saved, restored and released.
func (s *Server) hooks() core.Hooks[*world] {
	return core.Hooks[*world]{
		NewWorld:    s.newTenantWorld,
		Key:         func(w *world) string { return w.creds.APIKey },
		Credentials: func(w *world) any { return w.creds },
		Fresh:       s.freshWorld,
		Release:     s.release,
		Dump:        func(w *world) any { return w.dumpLocked() },
		Act: func(w *world, card, action string) (any, error) {
			c, err := w.actLocked(card, action)
			if err != nil {
				return nil, err
			}
			return cardDetailV2JSON{c.ID, w.cardDetailLocked(c)}, nil
		},
		Create:    (*world).createLocked,
		Snapshot:  func(w *world) any { return w.snapshotLocked() },
		Restore:   s.restoreWorld,
		CardEvent: s.cardEvent,
		Declines:  declines,
	}
}

// newCredentials makes a tenant's credentials: the documented fixed ones
// for the default tenant, else a random key and a Base64 32-byte secret.
func newCredentials(tenant string) Credentials {
	if tenant == core.DefaultTenant {
		return Credentials{DefaultAPIKey, DefaultAPISecret}
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never fails on supported platforms
	}
	return Credentials{"dc-" + core.RandomHex(12), base64.StdEncoding.EncodeToString(b)}
}

// settingsCopy returns the Server's settings with a rates map of their own,
// for a tenant's options to be decoded over.
func (s *Server) settingsCopy() Settings {
	set := s.set
	set.Rates = maps.Clone(s.set.Rates)
	return set
}

// newTenantWorld makes a tenant's world: the Server's settings with the
// tenant's options over them. The default tenant gets the documented fixed
// credentials (or the Server's api_key and api_secret settings); others
// random ones unless their options name them.
func (s *Server) newTenantWorld(t *core.Tenant, opts json.RawMessage) (*world, error) {
	set := s.settingsCopy()
	if t.ID != core.DefaultTenant {
		set.APIKey, set.APISecret = "", ""
	}
	if err := core.DecodeSettings(Name, opts, &set); err != nil {
		return nil, err
	}
	if set.Rates == nil { // "rates":null, like every null, keeps the Server's
		set.Rates = s.set.Rates
	}
	set = set.canon()
	if err := set.check(); err != nil {
		return nil, fmt.Errorf("decard options: %w", err)
	}
	creds := Credentials{set.APIKey, set.APISecret}
	if creds.APIKey == "" {
		creds = newCredentials(t.ID)
	}
	set.APIKey, set.APISecret = creds.APIKey, creds.APISecret
	return newWorld(t, s.Webhooks, creds, set), nil
}

// freshWorld empties a tenant's world, keeping its credentials, settings
// and spent nonces.
func (s *Server) freshWorld(old *world) *world {
	fresh := newWorld(old.Tenant, s.Webhooks, old.creds, old.set)
	fresh.nonces = old.nonces
	return fresh
}

// release ends the streams of a world that was dropped or replaced, and
// forgets its channel unless a newer world (a restored copy) streams it.
func (s *Server) release(w *world) {
	w.Lock()
	ch := w.channel.ID
	w.dropSubscribersLocked()
	w.Unlock()
	s.unbindChannel(w, ch)
}

// snapshot is a tenant's DeCard world as --state saves it.
type snapshot struct {
	Creds       Credentials          `json:"credentials"`
	Settings    Settings             `json:"settings"` // the first format saved only the tenant's own options
	Faker       []byte               `json:"faker"`
	Users       []User               `json:"users"`
	Cards       []Card               `json:"cards"`
	Applies     []Apply              `json:"applications"`
	Txns        []CardTxn            `json:"card_transactions"`
	Statements  []Statement          `json:"statements"`
	AssetTxns   []AssetTxn           `json:"asset_transactions"`
	Transfers   []Transfer           `json:"transfers"`
	Fiat        []FiatTxn            `json:"fiat"`
	Deposits    []Deposit            `json:"deposits"`
	Withdrawals map[string]string    `json:"withdrawals"`
	ApplyByRef  map[string]string    `json:"apply_refs"`
	ApplyUses   map[string]refUse    `json:"apply_ref_uses,omitempty"` // first request and answer per applyRef (absent in older snapshots)
	UserByEmail map[string]string    `json:"emails"`
	Wallet      []WalletEntry        `json:"wallet"`
	Pool        map[string]string    `json:"pool"`
	Addresses   []Address            `json:"addresses"`
	UserAddress map[string]string    `json:"user_addresses"`
	SMS         []smsCode            `json:"sms"`
	EDDRefs     map[string]string    `json:"edd_refs"`
	Links       []Link               `json:"links"`
	Uploads     map[string]string    `json:"uploads"`
	Channel     Channel              `json:"channel"`
	Messages    []Message            `json:"messages"`
	Version     int64                `json:"version"`
	Agenda      []core.Task          `json:"agenda"`
	Flows       map[string]string    `json:"flows"`
	QROrders    []QROrder            `json:"qr_orders"`
	FCAccounts  []FCAccount          `json:"fc_accounts"`
	FCTxns      []FCTxn              `json:"fc_transactions"`
	FCLedger    []FCEntry            `json:"fc_ledger"`
	Verdicts    map[string][]Verdict `json:"outcomes"`
}

// snapshotLocked copies the world into its saved form, sharing no mutable
// memory with it (the Host encodes it after unlocking).
func (w *world) snapshotLocked() snapshot {
	fk, _ := w.Faker.MarshalBinary()
	snap := snapshot{
		Creds: w.creds, Settings: w.set, Faker: fk, Users: w.users.All(), Cards: w.cards.All(), Applies: w.applies.All(), Txns: w.txns.All(),
		Statements: w.statements.All(), AssetTxns: w.assetTxns.All(), Transfers: w.transfers.All(), Fiat: w.fiat.All(),
		Deposits: w.deposits.All(), Withdrawals: maps.Clone(w.withdrawals), ApplyByRef: maps.Clone(w.applyByRef), ApplyUses: maps.Clone(w.applyUses),
		UserByEmail: maps.Clone(w.userByEmail), Wallet: []WalletEntry{}, Pool: map[string]string{}, UserAddress: maps.Clone(w.userAddress),
		EDDRefs: maps.Clone(w.eddRefs), Uploads: maps.Clone(w.uploads), Channel: w.channel, Messages: slices.Clone(w.messages),
		Version: w.version, Agenda: w.Agenda.Tasks(), Flows: map[string]string{}, QROrders: w.qrOrders.All(),
		FCAccounts: w.fcAccounts.All(), FCTxns: w.fcTxns.All(), FCLedger: w.fcLedger.All(), Verdicts: map[string][]Verdict{},
	}
	for k, v := range w.verdicts {
		snap.Verdicts[k] = slices.Clone(v)
	}
	for a, v := range w.flows {
		snap.Flows[a] = v.String()
	}
	for k, b := range w.wallet {
		snap.Wallet = append(snap.Wallet, WalletEntry{k.user, k.asset, b.Free, b.Freeze})
	}
	for a, v := range w.pool {
		snap.Pool[a] = v.String()
	}
	for _, a := range w.addresses {
		snap.Addresses = append(snap.Addresses, a)
	}
	for _, c := range w.sms {
		snap.SMS = append(snap.SMS, c)
	}
	for _, l := range w.links {
		snap.Links = append(snap.Links, l)
	}
	return snap
}

// restoreWorld rebuilds a tenant's world from its saved form. A snapshot
// of the first format saved only the settings the tenant's options set:
// the Server's fill in the rest.
func (s *Server) restoreWorld(t *core.Tenant, state json.RawMessage) (*world, error) {
	snap := snapshot{Settings: s.settingsCopy()}
	if err := json.Unmarshal(state, &snap); err != nil {
		return nil, err
	}
	set := snap.Settings.canon()
	set.APIKey, set.APISecret = snap.Creds.APIKey, snap.Creds.APISecret
	if err := set.check(); err != nil {
		return nil, fmt.Errorf("settings: %w", err)
	}
	w := newWorld(t, s.Webhooks, snap.Creds, set)
	if err := w.Faker.UnmarshalBinary(snap.Faker); err != nil {
		return nil, fmt.Errorf("faker: %w", err)
	}
	for _, u := range snap.Users {
		if rule, ok := legacyOutcomes[u.KYCOutcome]; ok { // the first format's pass, refuse, hold
			u.KYCOutcome = rule
		}
		w.users.Put(u.ID, u)
		w.userByMobile[mobileKey(u.MobileCode, u.Mobile)] = u.ID
		if u.UserRef != "" {
			w.userByRef[u.UserRef] = u.ID
		}
	}
	for _, c := range snap.Cards {
		w.cards.Put(c.ID, c)
	}
	for _, a := range snap.Applies {
		w.applies.Put(a.ID, a)
	}
	for _, x := range snap.Txns {
		w.txns.Put(x.ID, x)
	}
	for _, st := range snap.Statements {
		w.statements.Put(st.CardID+"/"+itoa(st.Start.Unix()), st)
	}
	for _, x := range snap.AssetTxns {
		w.assetTxns.Put(x.TranID, x)
	}
	for _, x := range snap.Transfers {
		w.transfers.Put(x.ExternalTranID, x)
	}
	for _, x := range snap.Fiat {
		w.fiat.Put(x.ID, x)
	}
	for _, d := range snap.Deposits {
		w.deposits.Put(d.TxHash, d)
	}
	for _, e := range snap.Wallet {
		w.wallet[walletKey{e.UserID, e.Asset}] = Balance{e.Free, e.Freeze}
	}
	for a, v := range snap.Pool {
		d, err := core.ParseDecimal(v)
		if err != nil {
			return nil, fmt.Errorf("pool %s: %w", a, err)
		}
		w.pool[a] = d
	}
	for _, a := range snap.Addresses {
		w.addresses[a.Address] = a
	}
	for a, v := range snap.Flows {
		d, err := core.ParseDecimal(v)
		if err != nil {
			return nil, fmt.Errorf("flows %s: %w", a, err)
		}
		w.flows[a] = d
	}
	for _, o := range snap.QROrders {
		w.qrOrders.Put(o.ID, o)
	}
	for _, a := range snap.FCAccounts {
		w.fcAccounts.Put(a.Number, a)
	}
	for _, x := range snap.FCTxns {
		w.putFCTxnLocked(x)
	}
	for _, e := range snap.FCLedger {
		w.fcLedger.Put(e.ID, e)
	}
	for k, v := range snap.Verdicts {
		w.verdicts[k] = v
	}
	for _, c := range snap.SMS {
		w.sms[smsKey(c.Behavioral, c.Target)] = c
	}
	for _, l := range snap.Links {
		w.links[l.Secret] = l
	}
	maps.Copy(w.withdrawals, snap.Withdrawals)
	maps.Copy(w.applyByRef, snap.ApplyByRef)
	maps.Copy(w.applyUses, snap.ApplyUses)
	w.seedApplyRefsLocked()
	maps.Copy(w.userByEmail, snap.UserByEmail)
	maps.Copy(w.userAddress, snap.UserAddress)
	maps.Copy(w.eddRefs, snap.EDDRefs)
	maps.Copy(w.uploads, snap.Uploads)
	w.channel, w.messages, w.version = snap.Channel, snap.Messages, snap.Version
	w.Agenda.Restore(snap.Agenda)
	// Channel ids are not fake data: the snapshot keeps the tenant's, and
	// the restored world streams it again — unless another tenant's world
	// holds that id, when the tenant must get a new channel.
	if w.channel.ID != "" && !s.bindChannel(w, w.channel.ID) {
		w.channel = Channel{}
	}
	return w, nil
}
