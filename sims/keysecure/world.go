package keysecure

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// world is one tenant's KeySecure state. WorldBase's mutex guards every
// field.
type world struct {
	core.WorldBase

	outbox       *core.Outbox
	creds        Credentials
	set          Settings          // the tenant's settings
	tokenLimiter *core.RateLimiter // Access-Tokens minted per Api-Key and minute
	uniques      *core.IdemStore   // first request and answer per business unique number
	seq          int               // order-number sequence
	tokSeq       int               // access-token sequence

	cardholders *core.Table[Cardholder]
	cards       *core.Table[Card]
	consumes    *core.Table[Consumption]
	transfers   *core.Table[Transfer]

	holderByUnique   map[string]string    // cardholder_unique_no → cardholder_no
	cardByUnique     map[string]string    // card_unique_no → card_no
	transferByUnique map[string]string    // transfer_unique_no → transfer_no
	numbers          map[string]bool      // every order number issued, to keep them unique
	tokens           map[string]time.Time // Access-Token → expiry (business time)
	tokenOrder       []string             // Access-Tokens in minting order, for pruning
	clientTokens     map[string]time.Time // one-time PCI client tokens → expiry

	// Money, all in TUSDT. The merchant's reserve funds cardholders through
	// transfers; authorizations hold money (held) until they clear, and
	// clearing pays merchants (settled) and fees. Authorization-mode cards
	// spend what the merchant approves: funded is what it owes for them.
	// reserve + balances + held + settled + fees − funded is constant.
	reserve core.Decimal
	held    core.Decimal
	settled core.Decimal
	fees    core.Decimal
	funded  core.Decimal
}

func newWorld(t *core.Tenant, outbox *core.Outbox, creds Credentials, set Settings) *world {
	w := &world{
		WorldBase: core.NewWorldBase(t, Name),
		outbox:    outbox, creds: creds, set: set,
		tokenLimiter:     core.NewRateLimiter(set.TokenRateLimit, time.Minute),
		uniques:          core.NewIdemStore(uniqueNoLife),
		cardholders:      core.NewTable(func(c Cardholder) time.Time { return c.CreatedAt }),
		cards:            core.NewTable(func(c Card) time.Time { return c.CreatedAt }),
		consumes:         core.NewTable(func(c Consumption) time.Time { return c.CreatedAt }),
		transfers:        core.NewTable(func(t Transfer) time.Time { return t.CreatedAt }),
		holderByUnique:   map[string]string{},
		cardByUnique:     map[string]string{},
		transferByUnique: map[string]string{},
		numbers:          map[string]bool{},
		tokens:           map[string]time.Time{},
		clientTokens:     map[string]time.Time{},
		reserve:          set.Reserve,
	}
	w.cards.AddIndex("cardholder", func(c Card) string { return c.CardholderNo })
	w.consumes.AddIndex("card", func(c Consumption) string { return c.CardNo })
	w.consumes.AddIndex("cardholder", func(c Consumption) string { return c.CardholderNo })
	w.transfers.AddIndex("cardholder", func(t Transfer) string { return t.CardholderNo })
	return w
}

// nextNoLocked returns a new order number: a letter, the business date
// (UTC+8) and six digits from the tenant's seeded faker, like the docs'
// "C202605220001" — reproducible for a seed, and distinct across tenants so
// numbers never suggest a leak between them.
func (w *world) nextNoLocked(prefix string) string {
	w.seq++
	day := w.Now().In(zoneCN).Format("20060102")
	for {
		no := prefix + day + w.Faker.Digits(6)
		if !w.numbers[no] {
			w.numbers[no] = true
			return no
		}
	}
}

// uniqueNoLife is how long a business unique number (card_unique_no,
// cardholder_unique_no, transfer_unique_no) answers its first request: for
// the tenant's life, as KeySecure documents them as unique, not as keys
// that expire.
const uniqueNoLife = 100 * 365 * 24 * time.Hour

// zoneCN is KeySecure's home zone, UTC+8.
var zoneCN = time.FixedZone("UTC+8", 8*3600)

// newTokenLocked mints an Access-Token: deterministic for a seed and
// sequence, unguessable without the api secret, and independent of the
// fake-data stream.
func (w *world) newTokenLocked() string {
	w.tokSeq++
	m := hmac.New(sha256.New, []byte(w.creds.APISecret))
	fmt.Fprintf(m, "access-token/%s/%d", w.Tenant.ID, w.tokSeq)
	return "ks_at_" + hex.EncodeToString(m.Sum(nil))[:40]
}

// conserved reports the money invariant: reserve + balances + held +
// settled + fees − funded. It never changes after the tenant starts.
func (w *world) conservedLocked() core.Decimal {
	total := w.reserve.Add(w.held).Add(w.settled).Add(w.fees).Sub(w.funded)
	w.cardholders.Each(func(c Cardholder) bool { total = total.Add(c.Balance); return true })
	return total
}
