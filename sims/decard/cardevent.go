package decard

// Card events — what happens to a card at the card network (core.CardEvent:
// the admin API's POST /_mocksrv/tenants/{id}/decard/cards/{cardId}/events
// and scenario card_event steps), in DeCard's model: an authorisation is a
// statement row (debitCreditIndcator D, postIndicator 0 until it posts)
// paid from the wallet when approved, announced by CARD_TRANSACTION
// (response A or D, direction DEBIT or CREDIT); credits back to the wallet
// are C rows with a CARD_TRANSACTION_REFUND asset movement; posting is
// clearing (postIndicator 1, postingDate, CARD_TRANSACTION_SETTLEMENT).

import (
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Row kinds of card transactions (CardTxn.Kind): an authorisation is "".
const (
	KindReversal = "REVERSAL" // a reverse event: part or all of an open authorisation released
	KindExpiry   = "EXPIRY"   // an authorisation never cleared, released after auth_expiry
	KindRefund   = "REFUND"   // a refund of a posted (cleared) authorisation
)

// transactionDescription of each row kind (statements/detail).
var kindDescription = map[string]string{
	KindReversal: "Reversal",
	KindExpiry:   "Authorization expired",
	KindRefund:   "Refund",
}

// taskTxnExpire releases an authorisation that waits for clearing when
// its auth_expiry runs out.
const taskTxnExpire = "txn.expire"

// declines is DeCard's one list of decline reasons (Hooks.Declines, GET
// /_mocksrv/providers/decard/declines): the errorCodes a declined
// authorisation carries (fund-auth's errorCode), from DeCard's error-code
// table, with its English text.
var declines = func() core.Declines {
	codes := []string{"CARD_WALLET_BALANCE_LOW", codeSteeredDecline, "CARD_FROZEN_STATUS_UNSUPPORTED",
		"CARD_CARD_INACTIVE", "CARD_TXN_1122020016", "ACCOUNT_UNSUPPORTED_OPERATE"}
	out := make(core.Declines, len(codes))
	for i, c := range codes {
		out[i] = core.Decline{Code: c, Message: codeText[c].en}
	}
	return out
}()

// Declines returns DeCard's decline reasons, for documentation and tests.
func Declines() []core.Decline { return append([]core.Decline(nil), declines...) }

// eventTypes are the card events DeCard's model carries.
var eventTypes = []string{core.EventAuthorize, core.EventReverse, core.EventExpire, core.EventClear, core.EventRefund}

// errEvent refuses a card event, naming the types the model takes when the
// type itself is the problem.
func errEvent(format string, args ...any) error {
	return core.Errorf(core.KindInvalid, "decard card events: "+format, args...)
}

func errEventType(typ, why string) error {
	return errEvent("%s %s; it takes %s", typ, why, strings.Join(eventTypes, ", "))
}

// cardEventJSON is the admin API's answer to a card event: what the client
// sees of it.
type cardEventJSON struct {
	// Approved and ErrorCode are fund-auth's answer (authorize; true and
	// null for the other types).
	Approved  bool    `json:"approved"`
	ErrorCode *string `json:"errorCode"`
	// Transaction is the row the event made or changed, as
	// statements/detail shows it: the authorisation (authorize, clear),
	// the C row of a reverse, expire or refund; null for a decline.
	Transaction *statementRowJSON `json:"transaction"`
	// Authorization is, for reverse, expire and refund, the authorisation
	// it follows as it now stands.
	Authorization *statementRowJSON `json:"authorization,omitempty"`
	// CardTransaction is the CARD_TRANSACTION push the event sent (null for
	// clear, which sends CARD_TRANSACTION_SETTLEMENT).
	CardTransaction *cardTxnPush `json:"cardTransaction"`
}

// cardEvent applies a card-network event to a card (Hooks.CardEvent). It
// runs locked and settled.
func (s *Server) cardEvent(w *world, cardID string, ev core.CardEvent) (any, error) {
	switch ev.Type {
	case core.EventAuthorize:
		return w.authorizeEventLocked(cardID, ev)
	case core.EventReverse, core.EventExpire, core.EventClear, core.EventRefund:
	case core.EventIncrement:
		return nil, errEventType(ev.Type, "is not published: a DeCard authorisation is one statement row, with no link from a later one")
	case core.EventChargeback:
		return nil, errEventType(ev.Type, "is not published: DeCard's statement rows and pushes have no chargeback")
	default:
		return nil, errEventType(strings.TrimSpace(ev.Type+" (unknown)"), "is not a card event")
	}
	if ev.Decline != "" || ev.Approve != "" || ev.Kind != "" {
		return nil, errEvent("decline, approve and kind go with authorize, not %s", ev.Type)
	}
	if ev.Transaction == "" {
		return nil, errEvent("%s needs transaction: the postedTransactionId, externalTranId or outstandingTransactionId it follows", ev.Type)
	}
	amount, err := eventAmount(string(ev.Amount), false)
	if err != nil {
		return nil, err
	}
	c, ok := w.cards.Get(cardID)
	if !ok {
		return nil, fail("CARD_NOT_EXISTED", text{"cardId %s", "cardId %s"}, cardID)
	}
	x, ok := w.cardTxnLocked(c.ID, ev.Transaction)
	if !ok {
		return nil, fail("CARD_TRANSACTION_NO_SUCH_TRANSACTION", text{"card %s has no transaction %s", "卡片 %s 没有交易 %s"}, c.Mantissa(), ev.Transaction)
	}
	if ev.Currency != "" && !strings.EqualFold(ev.Currency, x.Currency) {
		return nil, errEvent("currency %s: transaction %s is in %s", ev.Currency, ev.Transaction, x.Currency)
	}
	if x.Kind != "" || x.DC != Debit {
		return nil, errEvent("transaction %s is a %s row; %s follows a spend (debitCreditIndcator D)", ev.Transaction, rowKind(x), ev.Type)
	}
	switch ev.Type {
	case core.EventRefund:
		if !x.Posted {
			return nil, errEvent("transaction %s has not posted (cleared); reverse or clear it instead of refunding", ev.Transaction)
		}
		return w.refundEventLocked(c, x, amount)
	case core.EventClear:
		if x.Posted {
			return nil, errEvent("transaction %s posted at %s; it clears once", ev.Transaction, x.PostedAt.Format(time.RFC3339))
		}
		return w.clearLocked(c, x, amount)
	case core.EventExpire:
		if !amount.IsZero() {
			return nil, errEvent("expire takes no amount: an authorisation expires in full")
		}
	}
	if x.Posted {
		return nil, errEvent("transaction %s posted at %s; a posted spend is refunded, not %sd", ev.Transaction, x.PostedAt.Format(time.RFC3339), ev.Type)
	}
	kind := KindReversal
	if ev.Type == core.EventExpire {
		kind = KindExpiry
	}
	return w.releaseLocked(c, x, amount, kind)
}

func rowKind(x CardTxn) string {
	if x.Kind != "" {
		return x.Kind
	}
	return "credit"
}

// authorizeEventLocked applies an authorize event: a purchase (EXPEND) or
// a refund authorisation (REFUND), decided as fund-auth decides, or
// declined with the reason the event names.
func (w *world) authorizeEventLocked(cardID string, ev core.CardEvent) (any, error) {
	typ := AuthExpend
	switch ev.Kind {
	case "", "purchase":
	case "refund":
		typ = AuthRefund
	case "atm", "transfer_out":
		return nil, errEvent("kind %s is not published: DeCard's authorisations are EXPEND (purchase) and REFUND", ev.Kind)
	default:
		return nil, errEvent("kind %q: want purchase or refund", ev.Kind)
	}
	if ev.Approve != "" {
		return nil, errEvent("partial approval is not published: CARD_TRANSACTION carries response A or D and the requested amount, no approved amount")
	}
	if ev.Transaction != "" {
		return nil, errEvent("authorize starts a transaction; it takes no transaction")
	}
	amount, err := eventAmount(string(ev.Amount), true)
	if err != nil {
		return nil, err
	}
	currency := strings.ToUpper(ev.Currency)
	if currency == "" {
		currency = "USD"
	}
	if _, ok := currencyNumeric[currency]; !ok {
		return nil, errEvent("currency %q: want USD, SGD, EUR, GBP, HKD, CNY or JPY", ev.Currency)
	}
	if _, ok := w.rate(currency); !ok {
		return nil, errEvent("currency %q has no rate", currency)
	}
	decline := ""
	if ev.Decline != "" {
		d, ok := declines.Find(ev.Decline)
		if !ok {
			codes := make([]string, len(declines))
			for i, d := range declines {
				codes[i] = d.Code
			}
			return nil, errEvent("decline %q: want one of %s (GET /_mocksrv/providers/decard/declines)", ev.Decline, strings.Join(codes, ", "))
		}
		decline = d.Code
	}
	c, ok := w.cards.Get(cardID)
	if !ok {
		return nil, fail("CARD_NOT_EXISTED", text{"cardId %s", "cardId %s"}, cardID)
	}
	u, err := w.userLocked(c.UserID)
	if err != nil {
		return nil, err
	}
	m := ev.Merchant
	if m.Name == "" {
		m.Name = w.Faker.Company()
	}
	if m.City == "" && m.Country == "" {
		m.City, m.Country = "Singapore", "SG"
	}
	rule := ""
	if hit, ok := magic.Find(fieldAuthAmount, amount.String()); ok {
		rule = hit.Rule
	}
	res := w.authorizeWithLocked(u, c, typ, amount, currency, merchantName(m.Name, m.City, m.Country), rule, decline)
	push := cardTxnData(c, res.Txn, res.Approved)
	if !res.Approved {
		return cardEventJSON{ErrorCode: &res.ErrorCode, CardTransaction: &push}, nil
	}
	row := statementRow(c, res.Txn)
	return cardEventJSON{Approved: true, Transaction: &row, CardTransaction: &push}, nil
}

// eventAmount reads a card event's amount: a positive decimal of at most
// two places, at most 1,000,000; empty is zero (all of it) unless
// required.
func eventAmount(s string, required bool) (core.Decimal, error) {
	if s == "" {
		if required {
			return core.Zero, errEvent("amount is required")
		}
		return core.Zero, nil
	}
	d, err := core.ParseDecimal(s)
	if err != nil || d.Sign() <= 0 || d.Places() > 2 || d.Cmp(core.MustDecimal("1000000")) > 0 {
		return core.Zero, errEvent("amount must be a positive amount with at most 2 decimals, at most 1000000, got %q", s)
	}
	return d, nil
}

// cardTxnLocked finds a card's transaction by any of its ids.
func (w *world) cardTxnLocked(card, id string) (CardTxn, bool) {
	if x, ok := w.txns.Get(id); ok && x.CardID == card {
		return x, true
	}
	for _, index := range []string{"posted", "ext"} {
		for _, x := range w.txns.Query(core.Query[CardTxn]{Index: index, Value: id, Window: core.Window{Limit: 4}}).Items {
			if x.CardID == card {
				return x, true
			}
		}
	}
	return CardTxn{}, false
}

// share is the USD part of a transaction's amount: part of amount, whose
// USD value is usd, rounded to cents.
func share(usd, part, amount core.Decimal) core.Decimal {
	pn, pd := ratio(part)
	an, ad := ratio(amount)
	return usd.MulRat(pn*ad, pd*an).Round(2) // exact to the last place: part and amount have at most 2 decimals
}

func minDecimal(a, b core.Decimal) core.Decimal {
	if a.Cmp(b) <= 0 {
		return a
	}
	return b
}

// creditBackLocked returns usd to a user's wallet (in USD) for a card
// transaction and returns its asset movement.
func (w *world) creditBackLocked(user, externalTranID string, usd core.Decimal, at time.Time) Movement {
	w.moveLocked(AssetTxn{UserID: user, Type: TypeConversion, Asset: "USD", FreeDelta: usd, ExternalID: externalTranID,
		BaseAsset: "USD", QuoteAsset: "USD", Price: "1"}, at)
	w.flowLocked("USD", usd)
	return Movement{Asset: "USD", Amount: usd, At: at, Type: MovementRefund}
}

// creditRow makes the C row of a reversal, expiry or refund of x.
func (w *world) creditRow(x CardTxn, kind string, amount, usd core.Decimal, at time.Time) CardTxn {
	sgdRate, _ := w.rate("SGD")
	return CardTxn{
		ID: w.numID(24), PostedID: w.numID(24), ExternalTranID: w.numID(19), STAN: w.Faker.Digits(6),
		CardID: x.CardID, UserID: x.UserID, DC: Credit, Amount: amount, Currency: x.Currency,
		USD: usd, SGD: usd.Mul(sgdRate).Round(2), Merchant: x.Merchant, MerchantNo: x.MerchantNo,
		At: at, Cycle: x.Cycle, Kind: kind, Related: x.ID, ExpiresAt: x.ExpiresAt,
	}
}

// releaseLocked reverses amount of an open authorisation (all that is
// left when zero): a C row of kind REVERSAL or EXPIRY in the
// authorisation's cycle, posting with it, its USD back to the wallet and a
// CARD_TRANSACTION push (direction CREDIT). An authorisation released in
// full posts at once, with its C rows: its statement nets to nothing.
func (w *world) releaseLocked(c Card, x CardTxn, amount core.Decimal, kind string) (any, error) {
	left := x.Amount.Sub(x.Reversed)
	leftUSD := x.USD.Sub(x.ReversedUSD)
	if amount.IsZero() {
		amount = left
	}
	if amount.Cmp(left) > 0 {
		return nil, errEvent("amount %s is more than the %s %s still authorized on %s", amount.String(), left.String(), x.Currency, x.PostedID)
	}
	usd := leftUSD
	if amount.Cmp(left) != 0 {
		usd = minDecimal(share(x.USD, amount, x.Amount), leftUSD)
	}
	at := w.Now()
	r := w.creditRow(x, kind, amount, usd, at)
	r.Movements = []Movement{w.creditBackLocked(x.UserID, r.ExternalTranID, usd, at)}
	w.txns.Put(r.ID, r)
	x.Reversed, x.ReversedUSD = x.Reversed.Add(amount), x.ReversedUSD.Add(usd)
	w.txns.Put(x.ID, x)
	push := cardTxnData(c, r, true)
	w.pushLocked(eventCardTransaction, x.UserID, at, push)
	if x.Reversed.Cmp(x.Amount) == 0 {
		w.postTxnLocked(x.ID, at)
	}
	r, _ = w.txns.Get(r.ID)
	x, _ = w.txns.Get(x.ID)
	row, auth := statementRow(c, r), statementRow(c, x)
	return cardEventJSON{Approved: true, Transaction: &row, Authorization: &auth, CardTransaction: &push}, nil
}

// expireTxnLocked releases what is left of an authorisation whose
// auth_expiry ran out, if it is still open.
func (w *world) expireTxnLocked(id string) {
	x, ok := w.txns.Get(id)
	if !ok || x.Posted || x.Kind != "" || x.Reversed.Cmp(x.Amount) >= 0 {
		return
	}
	c, _ := w.cards.Get(x.CardID)
	_, _ = w.releaseLocked(c, x, core.Zero, KindExpiry)
}

// clearLocked clears an open authorisation for amount (what is still
// authorized when zero) and posts it: above the authorisation (a tip, an
// exchange-rate difference) the wallet pays the difference exactly, as a
// spend does; below, the difference goes back to the wallet. The row's
// transactionAmount and posting amounts become what cleared.
func (w *world) clearLocked(c Card, x CardTxn, amount core.Decimal) (any, error) {
	left := x.Amount.Sub(x.Reversed)
	leftUSD := x.USD.Sub(x.ReversedUSD)
	if amount.IsZero() {
		amount = left
	}
	cleared := leftUSD
	if amount.Cmp(left) != 0 {
		cleared = share(x.USD, amount, x.Amount)
	}
	at := w.Now()
	mv := append([]Movement(nil), x.Movements...)
	switch diff := cleared.Sub(leftUSD); diff.Sign() {
	case 1:
		if _, ok := w.planSpendLocked(x.UserID, diff); !ok {
			return nil, fail("CARD_WALLET_BALANCE_LOW", text{"clearing %s %s needs %s USD more than authorized; user %s's wallet holds %s USD",
				"清算 %s %s 需比授权多 %s USD；用户 %s 钱包余额 %s USD"}, amount.String(), x.Currency, diff.String(), x.UserID, w.walletUSDLocked(x.UserID).String())
		}
		mv = append(mv, w.spendLocked(x.UserID, CardTxn{USD: diff, ExternalTranID: x.ExternalTranID}, at)...)
	case -1:
		mv = append(mv, w.creditBackLocked(x.UserID, x.ExternalTranID, diff.Neg(), at))
	}
	sgdRate, _ := w.rate("SGD")
	if x.AuthAmount.IsZero() {
		x.AuthAmount = x.Amount
	}
	x.Amount = x.Amount.Add(amount.Sub(left))
	x.USD = x.USD.Add(cleared.Sub(leftUSD))
	x.SGD = x.USD.Mul(sgdRate).Round(2)
	x.Movements = mv
	w.txns.Put(x.ID, x)
	w.postTxnLocked(x.ID, at)
	x, _ = w.txns.Get(x.ID)
	row := statementRow(c, x)
	return cardEventJSON{Approved: true, Transaction: &row}, nil
}

// refundEventLocked refunds amount of a posted spend (all that is not yet
// refunded when zero): a C row of kind REFUND, posted at once (a refund
// comes through clearing), its USD back to the wallet, CARD_TRANSACTION
// (direction CREDIT) and CARD_TRANSACTION_SETTLEMENT.
func (w *world) refundEventLocked(c Card, x CardTxn, amount core.Decimal) (any, error) {
	net := x.Amount.Sub(x.Reversed)
	netUSD := x.USD.Sub(x.ReversedUSD)
	left, leftUSD := net.Sub(x.Refunded), netUSD.Sub(x.RefundedUSD)
	if net.Sign() <= 0 {
		return nil, errEvent("transaction %s was reversed in full; nothing cleared to refund", x.PostedID)
	}
	if left.Sign() <= 0 {
		return nil, errEvent("transaction %s is refunded in full", x.PostedID)
	}
	if amount.IsZero() {
		amount = left
	}
	if amount.Cmp(left) > 0 {
		return nil, errEvent("amount %s is more than the %s %s not yet refunded on %s", amount.String(), left.String(), x.Currency, x.PostedID)
	}
	usd := leftUSD
	if amount.Cmp(left) != 0 {
		usd = minDecimal(share(netUSD, amount, net), leftUSD)
	}
	at := w.Now()
	r := w.creditRow(x, KindRefund, amount, usd, at)
	r.Cycle, r.ExpiresAt = w.cycleStart(at), time.Time{}
	r.Movements = []Movement{w.creditBackLocked(x.UserID, r.ExternalTranID, usd, at)}
	w.txns.Put(r.ID, r)
	x.Refunded, x.RefundedUSD = x.Refunded.Add(amount), x.RefundedUSD.Add(usd)
	w.txns.Put(x.ID, x)
	push := cardTxnData(c, r, true)
	w.pushLocked(eventCardTransaction, x.UserID, at, push)
	w.postTxnLocked(r.ID, at)
	r, _ = w.txns.Get(r.ID)
	row, auth := statementRow(c, r), statementRow(c, x)
	return cardEventJSON{Approved: true, Transaction: &row, Authorization: &auth, CardTransaction: &push}, nil
}
