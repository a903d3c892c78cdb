package bkj

import (
	"fmt"
	"strconv"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// world is one tenant's bkj state. WorldBase's mutex guards every field
// but those that say otherwise.
type world struct {
	core.WorldBase

	outbox   *core.Outbox
	creds    Credentials
	set      Settings          // the tenant's settings; never change
	zone     *time.Location    // set.Timezone
	hookZone *time.Location    // set.WebhookTimezone
	nonces   *core.ReplayGuard // has its own lock; spent X-Nonces of this tenant's key
	limiter  *core.RateLimiter // has its own lock; nil without a rate limit
	idem     *core.IdemStore   // has its own lock; keyed by X-Idempotency-Key
	seq      uint64            // snowflake sequence (id_no)
	txSeq    int               // wallet-transaction id_no sequence

	users     *core.Table[User]
	mailing   *core.Table[MailingAddress]
	cards     *core.Table[Card]
	wallets   *core.Table[Wallet]
	deposits  *core.Table[DepositAddress]
	payees    *core.Table[Payee]
	walletTxs *core.Table[WalletTx]
	cardTxs   *core.Table[CardTx]

	userByEmail    map[string]string // lower-cased email → user id
	userByExternal map[string]string // external_id → user id
	walletOf       map[string]string // account id + "/" + currency → wallet id

	ledger Ledger
}

// Ledger is the tenant's money from outside in and back out. In equals
// Out plus everything held (wallet balances and holds, card balances),
// always.
type Ledger struct {
	Deposited core.Decimal `json:"deposited"` // deposits and admin-funded balances
	Withdrawn core.Decimal `json:"withdrawn"` // settled withdrawals (without fees)
	Fees      core.Decimal `json:"fees"`      // withdrawal fees
	Spent     core.Decimal `json:"spent"`     // card purchases net of refunds and reversals
}

// newWorld returns an empty world for tenant t with settings set, which
// check has passed and which name its credentials.
func newWorld(t *core.Tenant, outbox *core.Outbox, set Settings) *world {
	w := &world{
		WorldBase: core.NewWorldBase(t, Name),
		outbox:    outbox, creds: Credentials{set.APIKey, set.APISecret}, set: set,
		nonces:         core.NewReplayGuard(set.NonceTTL.D(), 1<<20),
		idem:           core.NewIdemStore(set.IdempotencyTTL.D()),
		users:          core.NewTable(func(u User) time.Time { return u.CreatedAt }),
		mailing:        core.NewTable(func(a MailingAddress) time.Time { return a.CreatedAt }),
		cards:          core.NewTable(func(c Card) time.Time { return c.CreatedAt }),
		wallets:        core.NewTable(func(w Wallet) time.Time { return w.CreatedAt }),
		deposits:       core.NewTable(func(a DepositAddress) time.Time { return a.CreatedAt }),
		payees:         core.NewTable(func(p Payee) time.Time { return p.CreatedAt }),
		walletTxs:      core.NewTable(func(t WalletTx) time.Time { return t.CreatedAt }),
		cardTxs:        core.NewTable(func(t CardTx) time.Time { return t.CreatedAt }),
		userByEmail:    map[string]string{},
		userByExternal: map[string]string{},
		walletOf:       map[string]string{},
	}
	w.zone, w.hookZone = set.zones()
	w.mailing.AddIndex("account", func(a MailingAddress) string { return a.AccountID })
	w.cards.AddIndex("account", func(c Card) string { return c.AccountID })
	w.wallets.AddIndex("account", func(x Wallet) string { return x.AccountID })
	w.deposits.AddIndex("wallet", func(a DepositAddress) string { return a.WalletID })
	w.payees.AddIndex("account", func(p Payee) string { return p.AccountID })
	w.walletTxs.AddIndex("wallet", func(t WalletTx) string { return t.WalletID })
	w.walletTxs.AddIndex("account", func(t WalletTx) string { return t.AccountID })
	w.cardTxs.AddIndex("card", func(t CardTx) string { return t.CardID })
	w.cardTxs.AddIndex("account", func(t CardTx) string { return t.AccountID })
	if set.RateLimit > 0 {
		w.limiter = core.NewRateLimiter(set.RateLimit, time.Second)
	}
	return w
}

// snowflakeEpoch is Twitter's snowflake epoch (ms), which makes 2026 ids
// nineteen digits long like the seed's id_no 2011377754139471874.
const snowflakeEpoch = 1288834974657

// idNoLocked returns a new id_no: a snowflake of the business time and a
// sequence, deterministic for a seed and far beyond 2^53.
func (w *world) idNoLocked(at time.Time) string {
	w.seq++
	ms := max(at.UnixMilli()-snowflakeEpoch, 0)
	return strconv.FormatUint(uint64(ms)<<22|(w.seq&0x3fffff), 10)
}

// zoneCN is bkj's home zone, UTC+8, used for date-based numbers.
var zoneCN = time.FixedZone("UTC+8", 8*3600)

// txNoLocked returns a wallet transaction's id_no: the business date in
// UTC+8 and a sequence, like the published "202603270001".
func (w *world) txNoLocked() string {
	w.txSeq++
	return fmt.Sprintf("%s%04d", w.Now().In(zoneCN).Format("20060102"), w.txSeq)
}

// Task kinds on the agenda. Keys are record ids; card steps carry the
// card's step number ("id/n") so a superseded step does nothing.
const (
	taskCardStep   = "card.step"
	taskCardExpire = "card.expire"
	taskKYC        = "kyc.decide"
	taskWithdrawal = "withdrawal.settle"
	taskClearing   = "card_tx.clear"
	taskAuthExpire = "card_tx.expire"
)

// settleLocked applies every scheduled transition that is due on the
// business clock, one at a time in due order, each at its own due time:
// while a task is applied the world's Now is the time it fell due, so
// whatever it stamps (update and close times, transaction numbers, webhook
// payloads and their queueing) and whatever it schedules starts from then,
// and a task it schedules within the span runs too. One jump of the clock
// and many small steps over the same span end alike (TestClockJumpEqualsSteps).
// Worlds calls it whenever it locks a world.
func (s *Server) settleLocked(w *world) {
	w.RunDue(func(t core.Task) {
		switch t.Kind {
		case taskCardStep:
			s.stepCardLocked(w, t.Key)
		case taskCardExpire:
			s.expireCardLocked(w, t.Key)
		case taskKYC:
			s.reviewKYCLocked(w, t.Key)
		case taskWithdrawal:
			s.settleWithdrawalLocked(w, t.Key)
		case taskClearing:
			s.clearCardTxLocked(w, t.Key)
		case taskAuthExpire:
			s.expireAuthTaskLocked(w, t.Key)
		}
	})
}

// heldLocked sums what the tenant holds: wallet balances and holds, card
// balances.
func (w *world) heldLocked() core.Decimal {
	sum := core.Zero
	w.wallets.Each(func(x Wallet) bool { sum = sum.Add(x.Balance).Add(x.Frozen); return true })
	w.cards.Each(func(c Card) bool { sum = sum.Add(c.Balance); return true })
	return sum
}
