package uqpay

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// world is one tenant's UQPay state: its master account, the connected
// sub-accounts (each with state of its own), PAN tokens, transfers and
// reports. Its auth_tokens live in the Server's token index. WorldBase's
// mutex guards every field and every account's tables.
type world struct {
	core.WorldBase

	outbox *core.Outbox
	set    Settings       // the tenant's settings; never change
	zone   *time.Location // set.Zone, read
	creds  Credentials
	idem   *core.IdemStore
	tokSeq int

	tokenLimiter *core.RateLimiter // token requests per client id per minute of wall time; safe for concurrent use

	panTokens map[string]panToken // one-time PAN token → record
	panOrder  []string            // PAN tokens in issue order, for pruning

	// tokenOrder lists this world's auth_tokens in issue order; the
	// Server's token index holds them. Guarded by the Server's tokMu.
	tokenOrder []string

	master   *account
	accounts map[string]*account // by account_id, the master included
	subs     []string            // sub-account ids in creation order

	transfers *core.Table[Transfer]
	reports   *core.Table[Report]
	deposits  *core.Table[Deposit] // simulated deposits of every account

	// Money that entered or left the tenant's books. Every balance, card
	// balance and hold of every account, plus spent minus refunded, always
	// equals funded (see ledgerLocked).
	funded   map[string]core.Decimal // opening balances and deposits, by currency
	spent    map[string]core.Decimal // settled card payments
	refunded map[string]core.Decimal // refunds, chargebacks and settlement reversals that came back
	fees     map[string]core.Decimal // card fees charged

	decision decisionSetup // the client's Authorization Decision registration and the PGP keys
}

// account is the master account or one connected sub-account. State is
// scoped to it: x-on-behalf-of selects which one a request sees.
type account struct {
	ID        string
	Name      string
	Master    bool
	CreatedAt time.Time

	cardholders *core.Table[Cardholder]
	cards       *core.Table[Card]
	orders      *core.Table[CardOrder]
	txns        *core.Table[Transaction]
	balTxns     *core.Table[BalanceTransaction]
	balances    map[string]Balance // by currency

	holderByEmail map[string]string
	holderByPhone map[string]string
	cardByPAN     map[string]string
	defaultArt    map[string]string // product → card art
	issued        map[string]int    // cards issued per product (the BIN pool used)
	expiryMonths  map[string]bool   // expiry months on the agenda ("2029-01")
}

func newAccount(id, name string, master bool, at time.Time) *account {
	a := &account{
		ID: id, Name: name, Master: master, CreatedAt: at,
		cardholders:   core.NewTable(func(h Cardholder) time.Time { return h.CreatedAt }),
		cards:         core.NewTable(func(c Card) time.Time { return c.CreatedAt }),
		orders:        core.NewTable(func(o CardOrder) time.Time { return o.CreatedAt }),
		txns:          core.NewTable(func(t Transaction) time.Time { return t.CreatedAt }),
		balTxns:       core.NewTable(func(t BalanceTransaction) time.Time { return t.CreatedAt }),
		balances:      map[string]Balance{},
		holderByEmail: map[string]string{},
		holderByPhone: map[string]string{},
		cardByPAN:     map[string]string{},
		defaultArt:    map[string]string{},
		issued:        map[string]int{},
		expiryMonths:  map[string]bool{},
	}
	a.cards.AddIndex("cardholder", func(c Card) string { return c.CardholderID })
	a.txns.AddIndex("card", func(t Transaction) string { return t.CardID })
	return a
}

func newWorld(t *core.Tenant, outbox *core.Outbox, creds Credentials, set Settings) *world {
	zone, _ := parseZone(set.Zone) // set passed check
	w := &world{
		WorldBase: core.NewWorldBase(t, Name),
		outbox:    outbox, set: set, zone: zone, creds: creds,
		idem:         core.NewIdemStore(set.IdempotencyTTL.D()),
		tokenLimiter: core.NewRateLimiter(set.TokenRateLimit, time.Minute),
		panTokens:    map[string]panToken{},
		accounts:     map[string]*account{},
		transfers:    core.NewTable(func(t Transfer) time.Time { return t.CreatedAt }),
		reports:      core.NewTable(func(r Report) time.Time { return r.CreatedAt }),
		deposits:     core.NewTable(func(d Deposit) time.Time { return d.CreatedAt }),
		funded:       map[string]core.Decimal{},
		spent:        map[string]core.Decimal{},
		refunded:     map[string]core.Decimal{},
		fees:         map[string]core.Decimal{},
	}
	w.decision, _ = decisionFromSettings(set) // set passed check
	now := w.Now()
	w.master = newAccount(w.Faker.UUID(), "Master account", true, now)
	w.accounts[w.master.ID] = w.master
	for _, cur := range currencies {
		amt, _ := core.ParseDecimal(set.InitialBalances[cur]) // checked; absent is zero
		w.openBalanceLocked(w.master, cur)
		if amt.Sign() > 0 {
			w.depositLocked(w.master, cur, amt, "Opening balance", "")
		}
	}
	return w
}

// wall returns real time, for token and PAN-token freshness.
func (w *world) wall() time.Time { return w.Tenant.Clock.Wall() }

// account returns the account with the given id.
func (w *world) account(id string) (*account, bool) {
	a, ok := w.accounts[id]
	return a, ok
}

// allAccounts returns the master then the sub-accounts in creation order.
func (w *world) allAccounts() []*account {
	out := []*account{w.master}
	for _, id := range w.subs {
		out = append(out, w.accounts[id])
	}
	return out
}

// findCardLocked looks a card up in every account (admin actions name a
// card without its account).
func (w *world) findCardLocked(id string) (*account, Card, bool) {
	for _, a := range w.allAccounts() {
		if c, ok := a.cards.Get(id); ok {
			return a, c, true
		}
	}
	return nil, Card{}, false
}

// newSecretLocked returns deterministic but unguessable bytes for a
// token: an HMAC of a label and a sequence under the api key, independent
// of the fake-data stream.
func (w *world) newSecretLocked(label string) string {
	w.tokSeq++
	m := hmac.New(sha256.New, []byte(w.creds.APIKey))
	fmt.Fprintf(m, "%s/%s/%d", label, w.Tenant.ID, w.tokSeq)
	return hex.EncodeToString(m.Sum(nil))
}

// shortIDLocked returns a short reference like "T260101-4K7QX2M9ZB1C": a prefix,
// the business date and twelve characters from the faker.
func (w *world) shortIDLocked(prefix string) string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	var b strings.Builder
	b.WriteString(prefix)
	b.WriteString(w.Now().In(w.zone).Format("060102"))
	b.WriteByte('-')
	for i := 0; i < 12; i++ {
		b.WriteByte(alphabet[w.Faker.IntN(len(alphabet))])
	}
	return b.String()
}

// zoneSG is UQPay's home zone (Singapore, UTC+8); times render in it.
var zoneSG = time.FixedZone("UTC+8", 8*3600)

// fixedZone matches the fixed-offset zone names Settings.Zone takes:
// "UTC+8", "UTC-5", "UTC+5:30".
var fixedZone = regexp.MustCompile(`^UTC([+-])(\d{1,2})(?::(\d{2}))?$`)

// parseZone returns the zone a Settings.Zone names: a fixed offset
// ("UTC+8") or a name time.LoadLocation knows ("UTC", "Asia/Singapore").
func parseZone(name string) (*time.Location, error) {
	if m := fixedZone.FindStringSubmatch(name); m != nil {
		h, _ := strconv.Atoi(m[2])
		min := 0
		if m[3] != "" {
			min, _ = strconv.Atoi(m[3])
		}
		if h > 14 || min > 59 {
			return nil, fmt.Errorf("zone %q: the offset must be at most 14 hours", name)
		}
		off := h*3600 + min*60
		if m[1] == "-" {
			off = -off
		}
		return time.FixedZone(name, off), nil
	}
	if name == "" {
		return nil, errors.New(`zone is empty: want a fixed offset like "UTC+8" or an IANA name like "Asia/Singapore"`)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf(`zone %q: want a fixed offset like "UTC+8" or an IANA name like "Asia/Singapore"`, name)
	}
	return loc, nil
}

// zoneName returns the Settings.Zone of loc: its name when parseZone reads
// it back, else its offset on 2026-01-01 as "UTC±h[:mm]"; "" for nil, which
// check refuses.
func zoneName(loc *time.Location) string {
	if loc == nil {
		return ""
	}
	if _, err := parseZone(loc.String()); err == nil {
		return loc.String()
	}
	_, off := core.TestEpoch.In(loc).Zone()
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	name := fmt.Sprintf("UTC%s%d", sign, off/3600)
	if m := off % 3600 / 60; m != 0 {
		name += fmt.Sprintf(":%02d", m)
	}
	return name
}

// Time layouts on the wire.
const (
	layoutTime       = "2006-01-02T15:04:05-07:00"     // create_time and most others
	layoutSpaced     = "2006-01-02 15:04:05"           // Quirk: a cardholder's create_time in REST answers
	layoutMillis     = "2006-01-02T15:04:05.000-07:00" // webhook posted_time
	layoutUTC        = "2006-01-02T15:04:05Z"          // PAN token expires_at
	layoutDate       = "2006-01-02"
	maxMetadataBytes = 3200
)

func (w *world) fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(w.zone).Format(layoutTime)
}

// currencies are the issuing balance and card currencies mocksrv keeps.
var currencies = []string{"USD", "SGD"}

func knownCurrency(c string) bool {
	for _, k := range currencies {
		if k == c {
			return true
		}
	}
	return false
}

// fxToUSD are the fixed sandbox rates mocksrv converts transaction amounts
// with: how many units of a currency make one USD (Deviation: the real
// rates are the scheme's).
var fxToUSD = map[string][2]int64{ // numerator/denominator
	"USD": {1, 1}, "SGD": {135, 100}, "EUR": {92, 100}, "GBP": {79, 100}, "HKD": {78, 10},
	"CNY": {72, 10}, "JPY": {150, 1}, "AUD": {152, 100},
}

// convert turns amount in from into to at the fixed rates, rounded to 2
// places.
func convert(amount core.Decimal, from, to string) (core.Decimal, bool) {
	if from == to {
		return amount, true
	}
	f, ok1 := fxToUSD[from]
	t, ok2 := fxToUSD[to]
	if !ok1 || !ok2 {
		return core.Zero, false
	}
	return amount.MulRat(f[1]*t[0], f[0]*t[1]).Round(2), true
}

// add is a map-accumulating helper for per-currency counters.
func add(m map[string]core.Decimal, cur string, d core.Decimal) { m[cur] = m[cur].Add(d) }

// sortedKeys returns a map's keys, sorted.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// settleLocked applies every scheduled transition that is due on the
// business clock, each at its own due time (core.WorldBase.RunDue): while a
// task runs, w.Now() is its due time, so what it stamps (order, card,
// transaction and balance times, webhook payloads) and what it schedules
// starts from when it was due, and one jump of the clock ends where many
// small steps do. Worlds.Enter and Worlds.Do call it after taking the lock.
func (s *Server) settleLocked(w *world) {
	w.RunDue(func(t core.Task) {
		accountID, id, _ := strings.Cut(t.Key, "/")
		a, ok := w.account(accountID)
		if !ok {
			return
		}
		switch t.Kind {
		case taskKYCDecide:
			w.kycDecisionLocked(a, id)
		case taskCardIssue:
			w.issueLocked(a, id)
		case taskOrder:
			w.finishOrderLocked(a, id)
		case taskSettle:
			w.settleTxnLocked(a, id)
		case taskAuthExpire:
			w.expireAuthLocked(a, id)
		case taskCardFee:
			w.chargeFeeLocked(a, id)
		case taskCardCancel:
			if c, ok := a.cards.Get(id); ok && c.Status == StatusPreCancel {
				w.moveCardLocked(a, c, StatusCancelled, c.UpdateReason, "")
			}
		case taskCardExpiry:
			if c, ok := a.cards.Get(id); ok {
				w.cancelNowLocked(a, c, "One-time card reached its expiry_at")
			}
		case taskCardExpire:
			w.expireMonthLocked(a, id)
		case taskDepositReview:
			w.decideDepositLocked(a, id, true, "")
		case taskLimitRevert:
			if c, ok := a.cards.Get(id); ok && c.BaseLimit != nil && c.live() {
				c.Limit, c.BaseLimit, c.UpdatedAt = *c.BaseLimit, nil, w.Now()
				a.cards.Put(c.ID, c)
			}
		}
	})
}
