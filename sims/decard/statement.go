package decard

// Card transactions and statements — DeCard "card" §3 statements, §4
// statements/detail (assetMovements), the deprecated §… transactions, and
// the sandbox fund-auth simulation.

import (
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Movement is one asset movement behind a card transaction
// (assetMovements).
type Movement struct {
	Asset  string       `json:"asset"`
	Amount core.Decimal `json:"amount"` // negative is a deduction, positive a refund
	At     time.Time    `json:"movementTime"`
	Type   string       `json:"movementType"`
}

// Movement types.
const (
	MovementConversion = "CONVERSION"
	MovementRefund     = "CARD_TRANSACTION_REFUND"
)

// Debit/credit indicators of statement rows.
const (
	Debit  = "D" // a spend
	Credit = "C" // a refund
)

// CardTxn is an approved card authorisation and, once posted, its
// statement row.
type CardTxn struct {
	ID             string       `json:"outstandingTransactionId"`
	PostedID       string       `json:"postedTransactionId"`
	ExternalTranID string       `json:"externalTranId"`
	STAN           string       `json:"systemTraceAuditNumber"`
	CardID         string       `json:"cardId"`
	UserID         string       `json:"externalUserId"`
	DC             string       `json:"debitCredit"` // D spend, C refund
	Amount         core.Decimal `json:"transactionAmount"`
	Currency       string       `json:"transactionCurrency"`
	USD            core.Decimal `json:"postingAmountInUsd"`
	SGD            core.Decimal `json:"postingAmountInSgd"`
	Merchant       string       `json:"merchantName"`
	MerchantNo     string       `json:"merchantNo"`
	At             time.Time    `json:"transactionDateTime"`
	Cycle          time.Time    `json:"cycleStart"`
	Posted         bool         `json:"posted"`
	PostedAt       time.Time    `json:"postingDate"`
	Movements      []Movement   `json:"assetMovements"` // replaced whole, never changed in place

	// Card events (cardevent.go). Kind is "" for an authorisation, else
	// REVERSAL, EXPIRY or REFUND: a C row following the authorisation
	// Related.
	Kind    string `json:"kind,omitempty"`
	Related string `json:"related,omitempty"`
	// ExpiresAt is when an authorisation that waits for clearing (or a
	// reversal posting with it) is released; zero when it posts by itself
	// after posting_delay.
	ExpiresAt time.Time `json:"expiresAt,omitzero"`
	// AuthAmount is what was authorized, once clearing changed Amount.
	AuthAmount core.Decimal `json:"authAmount,omitzero"`
	// Reversed and Refunded are how much of an authorisation its C rows
	// gave back, in Currency and in USD.
	Reversed    core.Decimal `json:"reversed,omitzero"`
	ReversedUSD core.Decimal `json:"reversedUsd,omitzero"`
	Refunded    core.Decimal `json:"refunded,omitzero"`
	RefundedUSD core.Decimal `json:"refundedUsd,omitzero"`
}

// Statement is a closed (POSTED) statement of one card.
type Statement struct {
	ID         string       `json:"statementId"`
	CardID     string       `json:"cardId"`
	Start      time.Time    `json:"statementDateStart"`
	End        time.Time    `json:"statementDateEnd"` // the statement date
	PaymentSGD core.Decimal `json:"paymentAmountInSgd"`
	PaymentUSD core.Decimal `json:"paymentAmountInUsd"`
	DebitSGD   core.Decimal `json:"debitAmountExcludePayment"`
}

// Quirk: the open cycle's statementId is the literal "NO_POSTED" while its
// type is "NOT_POSTED".
const (
	statementOpenID   = "NO_POSTED"
	statementOpenType = "NOT_POSTED"
	statementPosted   = "POSTED"
)

// Task kinds of card transactions.
const (
	taskTxnPost        = "txn.post"
	taskStatementClose = "statement.close"
)

// cycleStart returns the start of the statement cycle holding t: 00:00 UTC
// on the day after the statement day (the published example: cycles run
// from the 2nd to the 1st, statement dated the 1st).
func (w *world) cycleStart(t time.Time) time.Time {
	t = t.UTC()
	s := time.Date(t.Year(), t.Month(), w.set.StatementDay+1, 0, 0, 0, 0, time.UTC)
	if t.Before(s) {
		s = s.AddDate(0, -1, 0)
	}
	return s
}

// cycleEnd returns when a cycle closes: the next cycle's start.
func (w *world) cycleEnd(start time.Time) time.Time { return start.AddDate(0, 1, 0) }

// statementDate returns a cycle's statement date (statementDateEnd): the
// day before the next cycle starts.
func (w *world) statementDate(start time.Time) time.Time { return w.cycleEnd(start).AddDate(0, 0, -1) }

func cycleKey(card string, start time.Time) string { return card + "/" + itoa(start.Unix()) }

// cycleTotals sums a cycle's rows: amounts due (debits minus credits) in
// SGD and USD, posted and not yet posted, and the debits alone in SGD.
type cycleTotals struct {
	postedSGD, postedUSD, openSGD, openUSD, debitSGD core.Decimal
}

func (w *world) cycleTotalsLocked(card string, start time.Time) cycleTotals {
	var t cycleTotals
	for _, x := range bucket(w.txns, "cycle", cycleKey(card, start)) {
		sgd, usd := x.SGD, x.USD
		if x.DC == Credit {
			sgd, usd = sgd.Neg(), usd.Neg()
		} else {
			t.debitSGD = t.debitSGD.Add(x.SGD)
		}
		if x.Posted {
			t.postedSGD, t.postedUSD = t.postedSGD.Add(sgd), t.postedUSD.Add(usd)
		} else {
			t.openSGD, t.openUSD = t.openSGD.Add(sgd), t.openUSD.Add(usd)
		}
	}
	return t
}

// postTxnLocked posts an authorisation (postIndicator 0 → 1) and the
// reversals waiting with it, each with a CARD_TRANSACTION_SETTLEMENT.
func (w *world) postTxnLocked(id string, at time.Time) {
	x, ok := w.txns.Get(id)
	if !ok || x.Posted {
		return
	}
	x.Posted, x.PostedAt, x.ExpiresAt = true, at, time.Time{}
	w.txns.Put(x.ID, x)
	c, _ := w.cards.Get(x.CardID)
	w.notifyLocked(eventSettlement, x.UserID, at, statementRow(c, x))
	if x.Kind != "" {
		return
	}
	for _, r := range bucket(w.txns, "related", x.ID) {
		if !r.Posted && r.Kind != KindRefund {
			w.postTxnLocked(r.ID, at)
		}
	}
}

// closeStatementLocked closes the cycle of a card that ends at: its
// authorisations still open post on the statement date, a POSTED statement
// with the cycle's exact totals is stored, and the next close is scheduled
// (none after a card is CANCELLED).
func (w *world) closeStatementLocked(card string, at time.Time) {
	c, ok := w.cards.Get(card)
	if !ok {
		return
	}
	start := at.AddDate(0, -1, 0)
	date := w.statementDate(start)
	for _, x := range bucket(w.txns, "cycle", cycleKey(card, start)) {
		switch {
		case x.Posted:
		case x.ExpiresAt.IsZero():
			w.postTxnLocked(x.ID, date)
		default: // waiting for clearing: carried into the next cycle
			w.txns.Delete(x.ID)
			x.Cycle = at
			w.txns.Put(x.ID, x)
		}
	}
	t := w.cycleTotalsLocked(card, start)
	w.statements.Put(card+"/"+itoa(start.Unix()), Statement{
		ID: w.numID(24), CardID: card, Start: start, End: date,
		PaymentSGD: t.postedSGD, PaymentUSD: t.postedUSD, DebitSGD: t.debitSGD,
	})
	if c.Status != CardCancelled {
		w.Agenda.Schedule(w.cycleEnd(at), taskStatementClose, card)
	}
}

// statementByIDLocked returns a card's POSTED statement by id.
func (w *world) statementByIDLocked(card, id string) (Statement, bool) {
	for _, st := range bucket(w.statements, "card", card) {
		if st.ID == id {
			return st, true
		}
	}
	return Statement{}, false
}

// AuthType is a fund-auth simulation's authType.
type AuthType string

// Authorisation types. EXPEND is the one the Postman collection shows;
// REFUND is mocksrv's (see Deviations).
const (
	AuthExpend AuthType = "EXPEND"
	AuthRefund AuthType = "REFUND"
)

// authOutcome is what a simulated authorisation did. Steered is set when
// the authorisation's steered outcome (auth.decline) declined it.
type authOutcome struct {
	Approved  bool
	ErrorCode string
	Steered   bool
	Txn       CardTxn
}

// codeSteeredDecline is the errorCode of an authorisation the auth.decline
// rule declines.
const codeSteeredDecline = "CARD_TRANSACTION_DEDUCT_FUNDS_FAIL"

// declineReasonLocked returns why an authorisation is declined, or "":
// the card's and the user's state first, then its steered outcome, then
// the wallet.
func (w *world) declineReasonLocked(u User, c Card, typ AuthType, usd core.Decimal, outcome string) string {
	switch {
	case c.Status == CardCancelled:
		return "CARD_TXN_1122020016"
	case c.Status == CardFrozen:
		return "CARD_FROZEN_STATUS_UNSUPPORTED"
	case c.Status == CardInactive:
		return "CARD_CARD_INACTIVE"
	case u.ForbidCardTransaction:
		return "ACCOUNT_UNSUPPORTED_OPERATE"
	case outcome == ruleAuthDecline:
		return codeSteeredDecline
	}
	if typ == AuthExpend {
		if _, ok := w.planSpendLocked(u.ID, usd); !ok {
			return "CARD_WALLET_BALANCE_LOW"
		}
	}
	return ""
}

// authorizeLocked simulates a card-network authorisation: on approval a
// statement row (postIndicator 0) with its asset movements, wallet
// movements, CARD_TRANSACTION and BALANCE_CHANGE pushes; on decline a
// CARD_TRANSACTION push with response D. outcome is the authorisation's
// steered outcome (auth.decline, or "").
func (w *world) authorizeLocked(u User, c Card, typ AuthType, amount core.Decimal, currency, merchant, outcome string) authOutcome {
	return w.authorizeWithLocked(u, c, typ, amount, currency, merchant, outcome, "")
}

// authorizeWithLocked is authorizeLocked declining with the reason decline
// (a Declines code) when it is not "".
//
// An approved spend posts by itself after posting_delay when that is
// shorter than auth_expiry; otherwise it waits for a clear event and is
// released (an EXPIRY row) when auth_expiry runs out.
func (w *world) authorizeWithLocked(u User, c Card, typ AuthType, amount core.Decimal, currency, merchant, outcome, decline string) authOutcome {
	at := w.Now()
	usd := w.toUSD(amount, currency).Round(2)
	if usd.Sign() <= 0 {
		usd = core.MustDecimal("0.01")
	}
	sgdRate, _ := w.rate("SGD")
	x := CardTxn{
		ID: w.numID(24), PostedID: w.numID(24), ExternalTranID: w.numID(19), STAN: w.Faker.Digits(6),
		CardID: c.ID, UserID: u.ID, DC: Debit, Amount: amount, Currency: currency,
		USD: usd, SGD: usd.Mul(sgdRate).Round(2), Merchant: merchant, MerchantNo: w.Faker.Digits(13),
		At: at, Cycle: w.cycleStart(at),
	}
	if typ == AuthRefund {
		x.DC = Credit
	}
	code := decline
	if code == "" {
		code = w.declineReasonLocked(u, c, typ, usd, outcome)
	}
	if code != "" {
		w.pushLocked(eventCardTransaction, u.ID, at, cardTxnData(c, x, false))
		return authOutcome{ErrorCode: code, Steered: outcome != "" && code == codeSteeredDecline, Txn: x}
	}
	if typ == AuthRefund {
		x.Movements = []Movement{{Asset: "USD", Amount: usd, At: at, Type: MovementRefund}}
		w.moveLocked(AssetTxn{UserID: u.ID, Type: TypeConversion, Asset: "USD", FreeDelta: usd, ExternalID: x.ExternalTranID,
			BaseAsset: "USD", QuoteAsset: "USD", Price: "1"}, at)
		w.flowLocked("USD", usd)
	} else {
		x.Movements = w.spendLocked(u.ID, x, at)
	}
	if typ == AuthExpend && w.set.PostingDelay >= w.set.AuthExpiry {
		x.ExpiresAt = at.Add(w.set.AuthExpiry.D())
		w.Agenda.Schedule(x.ExpiresAt, taskTxnExpire, x.ID)
	} else {
		w.Agenda.Schedule(at.Add(w.set.PostingDelay.D()), taskTxnPost, x.ID)
	}
	w.txns.Put(x.ID, x)
	w.pushLocked(eventCardTransaction, u.ID, at, cardTxnData(c, x, true))
	return authOutcome{Approved: true, Txn: x}
}

// spendLocked takes a spend out of the wallet and returns its asset
// movements.
//
// Quirk: as in the published statement-detail example, every movement of
// a spend is typed CONVERSION — the stablecoin leaving the wallet, the USD
// it becomes, and the USD the card consumes — not CARD_TRANSACTION.
func (w *world) spendLocked(user string, x CardTxn, at time.Time) []Movement {
	plan, _ := w.planSpendLocked(user, x.USD)
	var mv []Movement
	tick := func() time.Time { return at.Add(time.Duration(len(mv)) * time.Millisecond) }
	for _, d := range plan {
		r, _ := w.rate(d.asset)
		w.moveLocked(AssetTxn{UserID: user, Type: TypeConversion, Asset: d.asset, FreeDelta: d.units.Neg(),
			ExternalID: x.ExternalTranID, BaseAsset: d.asset, QuoteAsset: "USD", Price: priceOf(r)}, at)
		w.flowLocked(d.asset, d.units.Neg())
		if d.asset != "USD" {
			mv = append(mv, Movement{Asset: d.asset, Amount: d.units.Neg(), At: tick(), Type: MovementConversion})
			mv = append(mv, Movement{Asset: "USD", Amount: d.usd, At: tick(), Type: MovementConversion})
		}
	}
	mv = append(mv, Movement{Asset: "USD", Amount: x.USD.Neg(), At: tick(), Type: MovementConversion})
	return mv
}

// priceOf renders a units-per-USD rate as the USD price of one unit.
func priceOf(r core.Decimal) string {
	num, den := ratio(r)
	return core.DecimalFromInt(1).MulRat(den, num).String()
}

// merchantName pads a merchant like the processor does: name, city and
// country in fixed columns.
func merchantName(name, city, country string) string {
	pad := func(s string, n int) string {
		if len(s) >= n {
			return s[:n]
		}
		return s + strings.Repeat(" ", n-len(s))
	}
	return pad(strings.ToUpper(name), 25) + pad(strings.ToUpper(city), 14) + strings.ToUpper(country)
}
