package bkj

// Card transactions — bkj "卡交易列表", "卡交易详情"; made by wallet
// top-ups, by mocksrv's sandbox authorization endpoint and by the admin
// API.

import (
	"fmt"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// CardTxType is what a card transaction does.
type CardTxType string

// Card transaction types.
const (
	CardTopUp    CardTxType = "topup"    // wallet → card
	CardPurchase CardTxType = "purchase" // an authorization, cleared later
	CardRefund   CardTxType = "refund"   // money back for a cleared purchase
	CardReversal CardTxType = "reversal" // a pending purchase undone
)

// CardTxStatus is a card transaction's status.
type CardTxStatus string

// Card transaction statuses.
const (
	CardTxPending  CardTxStatus = "pending" // authorized, not yet cleared
	CardTxSuccess  CardTxStatus = "success"
	CardTxDeclined CardTxStatus = "declined"
	CardTxReversed CardTxStatus = "reversed"
)

// CardTx is one movement (or refused movement) of a card's money.
type CardTx struct {
	ID        string       `json:"id"`
	IDNo      string       `json:"id_no"`
	CardID    string       `json:"card_id"`
	AccountID string       `json:"account_id"`
	Type      CardTxType   `json:"type"`
	Status    CardTxStatus `json:"status"`
	// Amount is in the card's currency. A purchase's is what was
	// authorized until it clears, then what it reversed plus what cleared,
	// so amount minus its reversals is always what it holds or spent.
	Amount           core.Decimal `json:"amount"`
	Currency         string       `json:"currency"`
	MerchantAmount   core.Decimal `json:"merchant_amount"`
	MerchantCurrency string       `json:"merchant_currency"`
	MerchantName     string       `json:"merchant_name"`
	MCC              string       `json:"mcc"`
	City             string       `json:"city"`
	Country          string       `json:"country"`
	AuthCode         string       `json:"auth_code"`
	DeclineCode      string       `json:"decline_code,omitempty"` // a reason of Declines
	DeclineReason    string       `json:"decline_reason"`
	Remarks          string       `json:"remarks,omitempty"`   // what happened besides a decline: "authorization expired"
	RelatedID        string       `json:"related_id"`          // the purchase a refund or reversal returns
	Reversed         core.Decimal `json:"reversed,omitzero"`   // a purchase's reversed part
	ExpiresAt        time.Time    `json:"expires_at,omitzero"` // when a pending purchase's authorization expires (auth_expiry)
	BalanceAfter     core.Decimal `json:"balance_after"`       // the card's balance after the transaction's last movement
	WalletTxID       string       `json:"wallet_tx_id,omitempty"`
	Outcome          string       `json:"outcome,omitempty"` // the steering rule that decided it: "auth.decline"
	CreatedAt        time.Time    `json:"created_at"`
	UpdatedAt        time.Time    `json:"updated_at"`
}

// Held returns what a pending purchase still holds of the card's money:
// its amount less what was reversed.
func (t CardTx) Held() core.Decimal { return t.Amount.Sub(t.Reversed) }

// newCardTxLocked stores a card transaction and queues its webhook.
func (s *Server) newCardTxLocked(w *world, t CardTx) CardTx {
	now := w.Now()
	t.ID, t.CreatedAt, t.UpdatedAt = w.Faker.UUID(), now, now
	t.IDNo = w.idNoLocked(now)
	if t.Status != CardTxDeclined {
		t.AuthCode = w.Faker.Digits(6)
	}
	w.cardTxs.Put(t.ID, t)
	s.emitCardTxLocked(w, t, "")
	return t
}

func (w *world) cardTxLocked(id string) (CardTx, error) {
	t, ok := w.cardTxs.Get(id)
	if !ok {
		return t, notFound("card transaction", id)
	}
	return t, nil
}

// Authorization is a simulated card transaction request (the sandbox
// endpoint's body, the admin API's "transactions").
type Authorization struct {
	CardID           string       `json:"card_id"`
	Type             CardTxType   `json:"type"` // purchase (default), refund or reversal
	Amount           core.Decimal `json:"amount"`
	MerchantAmount   core.Decimal `json:"merchant_amount"`
	MerchantCurrency string       `json:"merchant_currency"`
	MerchantName     string       `json:"merchant_name"`
	MCC              string       `json:"mcc"`
	City             string       `json:"city"`
	Country          string       `json:"country"`
	RelatedID        string       `json:"related_id"`
	// Outcome steers a purchase by rule name ("auth.decline"); without it a
	// magic merchant_name decides.
	Outcome string `json:"outcome,omitempty"`
	// Decline declines a purchase with a reason of Declines (its code or
	// text).
	Decline string `json:"decline,omitempty"`
}

// authorizeLocked runs a purchase, refund or reversal on a card. A refused
// purchase is recorded as declined (and still answered with code 0, as a
// card network would); bad requests are errors.
func (s *Server) authorizeLocked(w *world, a Authorization) (CardTx, error) {
	c, err := w.cardLocked(a.CardID)
	if err != nil {
		return CardTx{}, err
	}
	if a.Type == "" {
		a.Type = CardPurchase
	}
	if err := checkOutcome("outcome", a.Outcome, authRules); err != nil {
		return CardTx{}, err
	}
	decline := ""
	if a.Decline != "" {
		d, err := declines.Named("bkj", a.Decline)
		if err != nil {
			return CardTx{}, err
		}
		decline = d.Code
	}
	switch {
	case a.Outcome != "" && a.Type != CardPurchase:
		return CardTx{}, core.Errorf(core.KindInvalid, "outcome %q steers purchases, not a %s", a.Outcome, a.Type)
	case decline != "" && a.Type != CardPurchase:
		return CardTx{}, core.Errorf(core.KindInvalid, "decline %q steers purchases, not a %s", a.Decline, a.Type)
	case a.Outcome == "" && a.Type == CardPurchase:
		a.Outcome = steer(fieldMerchantName, a.MerchantName)
	}
	if a.MerchantCurrency == "" {
		a.MerchantCurrency = c.Currency
	}
	if a.MerchantAmount.IsZero() {
		a.MerchantAmount = a.Amount
	}
	t := CardTx{CardID: c.ID, AccountID: c.AccountID, Type: a.Type, Amount: a.Amount, Currency: c.Currency,
		MerchantAmount: a.MerchantAmount, MerchantCurrency: a.MerchantCurrency, MerchantName: a.MerchantName,
		MCC: a.MCC, City: a.City, Country: a.Country, RelatedID: a.RelatedID}
	if t.MerchantName == "" {
		t.MerchantName = w.Faker.Company()
	}
	if t.MCC == "" {
		t.MCC = "5734"
	}
	if t.City == "" {
		t.City, t.Country = "Singapore", "SG"
	}
	switch a.Type {
	case CardPurchase:
		return s.purchaseLocked(w, c, t, a.Outcome, decline), nil
	case CardRefund, CardReversal:
		return s.returnLocked(w, c, t)
	}
	return CardTx{}, invalid(text{"type must be purchase, refund or reversal, got %q", "type 必须为 purchase、refund 或 reversal，实际为 %q"}, a.Type)
}

// purchaseLocked authorizes a purchase, or records its decline, in this
// order: the card not active (card_inactive), a decline steered by reason
// (decline, a code of Declines), the issuer steered to decline (outcome
// auth.decline, stored on the transaction; issuer_declined), too little
// balance (insufficient_balance). An approved purchase takes its amount
// from the card at once; it clears after Delays.Clearing (unless
// manual_clearing leaves it to a clear event) and expires after
// auth_expiry if it never clears.
func (s *Server) purchaseLocked(w *world, c Card, t CardTx, outcome, decline string) CardTx {
	switch {
	case c.Status != StatusActive:
		t.Status, t.DeclineCode, t.DeclineReason = CardTxDeclined, DeclineCardInactive, "card is "+string(c.Status)
	case decline != "":
		d, _ := declines.Find(decline)
		t.Status, t.DeclineCode, t.DeclineReason = CardTxDeclined, d.Code, d.Message
	case outcome == ruleAuthDecline:
		t.Status, t.DeclineCode, t.DeclineReason, t.Outcome = CardTxDeclined, DeclineIssuer, "declined by issuer (sandbox outcome "+ruleAuthDecline+")", outcome
	case c.Balance.LessThan(t.Amount):
		t.Status, t.DeclineCode, t.DeclineReason = CardTxDeclined, DeclineInsufficientBalance, "insufficient balance"
	default:
		t.Status = CardTxPending
		c.Balance, c.UpdatedAt = c.Balance.Sub(t.Amount), w.Now()
		w.cards.Put(c.ID, c)
		w.ledger.Spent = w.ledger.Spent.Add(t.Amount)
		if w.set.AuthExpiry > 0 {
			t.ExpiresAt = w.Now().Add(w.set.AuthExpiry.D())
		}
	}
	t.BalanceAfter = c.Balance
	t = s.newCardTxLocked(w, t)
	if t.Status == CardTxPending {
		if !w.set.ManualClearing {
			w.Agenda.Schedule(t.CreatedAt.Add(w.set.Delays.Clearing), taskClearing, t.ID)
		}
		if !t.ExpiresAt.IsZero() {
			w.Agenda.Schedule(t.ExpiresAt, taskAuthExpire, t.ID)
		}
	}
	return t
}

// returnLocked refunds a cleared purchase or reverses a pending one, each
// wholly or in part (t.Amount; zero is all that is left), as the sandbox
// endpoint and the admin API's transactions ask.
func (s *Server) returnLocked(w *world, c Card, t CardTx) (CardTx, error) {
	orig, err := w.returnableLocked(c, t.RelatedID, t.Type)
	if err != nil {
		return t, err
	}
	if t.Type == CardReversal {
		return s.reverseLocked(w, orig, t, "")
	}
	return s.refundLocked(w, orig, t)
}

// returnableLocked finds the purchase of card c that a refund or reversal
// (typ) returns, in the status that allows it.
func (w *world) returnableLocked(c Card, id string, typ CardTxType) (CardTx, error) {
	orig, ok := w.cardTxs.Get(id)
	switch {
	case id == "" || !ok:
		return orig, invalid(text{"related_id %q: a %s needs the purchase it returns", "related_id %q：%s 需要关联原消费"}, id, typ)
	case orig.CardID != c.ID || orig.Type != CardPurchase:
		return orig, invalid(text{"related_id %s is not a purchase of card %s", "related_id %s 不是卡片 %s 的消费"}, orig.ID, c.ID)
	case typ == CardReversal && orig.Status != CardTxPending:
		return orig, fail(codeConflict, text{"purchase %s is %s; only pending purchases can be reversed (refund a cleared one)", "消费 %s 当前为 %s，仅未清算的消费可冲正（已清算请退款）"}, orig.ID, orig.Status)
	case typ == CardRefund && orig.Status != CardTxSuccess:
		return orig, fail(codeConflict, text{"purchase %s is %s; only cleared purchases can be refunded", "消费 %s 当前为 %s，仅已清算的消费可退款"}, orig.ID, orig.Status)
	}
	return orig, nil
}

// reverseLocked reverses a pending purchase: t.Amount of what it holds
// (zero: all of it), as a reversal transaction naming it. Reversed in full
// the purchase is reversed; remark, when set, is on both ("authorization
// expired").
func (s *Server) reverseLocked(w *world, orig CardTx, t CardTx, remark string) (CardTx, error) {
	held := orig.Held()
	switch {
	case t.Amount.IsZero():
		t.Amount = held
	case held.LessThan(t.Amount):
		return t, invalid(text{"amount %s exceeds the %s purchase %s still holds", "amount %[1]s 超过消费 %[3]s 尚未冲正的金额 %[2]s"}, t.Amount, held, orig.ID)
	}
	t.Type, t.RelatedID, t.Remarks = CardReversal, orig.ID, remark
	t.MerchantAmount, t.MerchantCurrency = t.Amount, orig.Currency
	if t.Amount.Cmp(orig.Amount) == 0 {
		t.MerchantAmount, t.MerchantCurrency = orig.MerchantAmount, orig.MerchantCurrency
	}
	orig.Reversed, orig.UpdatedAt = orig.Reversed.Add(t.Amount), w.Now()
	if orig.Held().IsZero() {
		orig.Status = CardTxReversed
		if remark != "" {
			orig.Remarks = remark
		}
		w.cardTxs.Put(orig.ID, orig)
		s.emitCardTxLocked(w, orig, CardTxPending)
	} else {
		w.cardTxs.Put(orig.ID, orig)
	}
	return s.giveBackLocked(w, orig, t), nil
}

// refundLocked refunds t.Amount (zero: all that is left) of a cleared
// purchase.
func (s *Server) refundLocked(w *world, orig CardTx, t CardTx) (CardTx, error) {
	left := orig.Held().Sub(w.refundedLocked(orig.ID))
	switch {
	case left.Sign() <= 0:
		return t, fail(codeConflict, text{"purchase %s has nothing left to refund", "消费 %s 已无可退金额"}, orig.ID)
	case t.Amount.IsZero():
		t.Amount, t.MerchantAmount = left, left
	case left.LessThan(t.Amount):
		return t, invalid(text{"amount %s exceeds the %s left to refund on purchase %s", "amount %[1]s 超过消费 %[3]s 可退金额 %[2]s"}, t.Amount, left, orig.ID)
	}
	t.Type, t.RelatedID = CardRefund, orig.ID
	if t.MerchantCurrency == "" {
		t.MerchantCurrency = orig.Currency
	}
	if t.MerchantAmount.IsZero() {
		t.MerchantAmount = t.Amount
	}
	return s.giveBackLocked(w, orig, t), nil
}

// giveBackLocked books a reversal or refund t of purchase orig: the money
// back on the card, the merchant the purchase's.
func (s *Server) giveBackLocked(w *world, orig CardTx, t CardTx) CardTx {
	c, _ := w.cards.Get(orig.CardID)
	t.CardID, t.AccountID, t.Currency = c.ID, c.AccountID, c.Currency
	t.MerchantName, t.MCC, t.City, t.Country = orig.MerchantName, orig.MCC, orig.City, orig.Country
	c.Balance, c.UpdatedAt = c.Balance.Add(t.Amount), w.Now()
	w.cards.Put(c.ID, c)
	w.ledger.Spent = w.ledger.Spent.Sub(t.Amount)
	t.Status, t.BalanceAfter = CardTxSuccess, c.Balance
	return s.newCardTxLocked(w, t)
}

// refundedLocked sums the refunds of a purchase.
func (w *world) refundedLocked(id string) core.Decimal {
	sum := core.Zero
	w.cardTxs.Each(func(t CardTx) bool {
		if t.RelatedID == id && t.Type == CardRefund && t.Status == CardTxSuccess {
			sum = sum.Add(t.Amount)
		}
		return true
	})
	return sum
}

// clearCardTxLocked clears a pending purchase at the world's Now for what
// it holds (the scheduled clearing, after Delays.Clearing).
func (s *Server) clearCardTxLocked(w *world, id string) {
	if t, ok := w.cardTxs.Get(id); ok && t.Status == CardTxPending {
		s.clearLocked(w, t, core.Zero)
	}
}

// clearLocked clears a pending purchase for amount (zero: what it holds).
// Another amount — a tip, an exchange-rate difference — moves the
// difference exactly between the card and what was spent, even past the
// card's balance (the network presents clearing; it cannot be refused),
// and says so in remarks ("cleared 120.00 of 100.00 authorized").
func (s *Server) clearLocked(w *world, t CardTx, amount core.Decimal) CardTx {
	held := t.Held()
	if amount.IsZero() {
		amount = held
	}
	if diff := amount.Sub(held); !diff.IsZero() {
		c, _ := w.cards.Get(t.CardID)
		c.Balance, c.UpdatedAt = c.Balance.Sub(diff), w.Now()
		w.cards.Put(c.ID, c)
		w.ledger.Spent = w.ledger.Spent.Add(diff)
		t.BalanceAfter = c.Balance
		t.Remarks = fmt.Sprintf("cleared %s of %s authorized", amount.StringFixed(2), held.StringFixed(2))
	}
	t.Amount = t.Reversed.Add(amount)
	if t.MerchantCurrency == t.Currency {
		t.MerchantAmount = t.Amount
	}
	t.Status, t.UpdatedAt = CardTxSuccess, w.Now()
	w.cardTxs.Put(t.ID, t)
	s.emitCardTxLocked(w, t, CardTxPending)
	return t
}

// remarkExpired is the remark of an expired authorization and of the
// reversal that returns it.
const remarkExpired = "authorization expired"

// expireAuthTaskLocked expires a purchase still pending when its
// auth_expiry falls due.
func (s *Server) expireAuthTaskLocked(w *world, id string) {
	if t, ok := w.cardTxs.Get(id); ok && t.Status == CardTxPending && !t.ExpiresAt.IsZero() && !w.Now().Before(t.ExpiresAt) {
		_, _ = s.reverseLocked(w, t, CardTx{}, remarkExpired)
	}
}
