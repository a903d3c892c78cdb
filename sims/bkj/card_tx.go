package bkj

// Card transactions — bkj "卡交易列表", "卡交易详情"; made by wallet
// top-ups, by mocksrv's sandbox authorization endpoint and by the admin
// API.

import (
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
	ID               string       `json:"id"`
	IDNo             string       `json:"id_no"`
	CardID           string       `json:"card_id"`
	AccountID        string       `json:"account_id"`
	Type             CardTxType   `json:"type"`
	Status           CardTxStatus `json:"status"`
	Amount           core.Decimal `json:"amount"` // in the card's currency
	Currency         string       `json:"currency"`
	MerchantAmount   core.Decimal `json:"merchant_amount"`
	MerchantCurrency string       `json:"merchant_currency"`
	MerchantName     string       `json:"merchant_name"`
	MCC              string       `json:"mcc"`
	City             string       `json:"city"`
	Country          string       `json:"country"`
	AuthCode         string       `json:"auth_code"`
	DeclineReason    string       `json:"decline_reason"`
	RelatedID        string       `json:"related_id"` // the purchase a refund or reversal returns
	BalanceAfter     core.Decimal `json:"balance_after"`
	WalletTxID       string       `json:"wallet_tx_id,omitempty"`
	Outcome          string       `json:"outcome,omitempty"` // the steering rule that decided it: "auth.decline"
	CreatedAt        time.Time    `json:"created_at"`
	UpdatedAt        time.Time    `json:"updated_at"`
}

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
	switch {
	case a.Outcome != "" && a.Type != CardPurchase:
		return CardTx{}, core.Errorf(core.KindInvalid, "outcome %q steers purchases, not a %s", a.Outcome, a.Type)
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
		return s.purchaseLocked(w, c, t, a.Outcome), nil
	case CardRefund, CardReversal:
		return s.returnLocked(w, c, t)
	}
	return CardTx{}, invalid(text{"type must be purchase, refund or reversal, got %q", "type 必须为 purchase、refund 或 reversal，实际为 %q"}, a.Type)
}

// purchaseLocked authorizes a purchase, or records its decline: the card
// not active, the issuer steered to decline (outcome auth.decline, stored
// on the transaction), or too little balance.
func (s *Server) purchaseLocked(w *world, c Card, t CardTx, outcome string) CardTx {
	switch {
	case c.Status != StatusActive:
		t.Status, t.DeclineReason = CardTxDeclined, "card is "+string(c.Status)
	case outcome == ruleAuthDecline:
		t.Status, t.DeclineReason, t.Outcome = CardTxDeclined, "declined by issuer (sandbox outcome "+ruleAuthDecline+")", outcome
	case c.Balance.LessThan(t.Amount):
		t.Status, t.DeclineReason = CardTxDeclined, "insufficient balance"
	default:
		t.Status = CardTxPending
		c.Balance, c.UpdatedAt = c.Balance.Sub(t.Amount), w.Now()
		w.cards.Put(c.ID, c)
		w.ledger.Spent = w.ledger.Spent.Add(t.Amount)
	}
	t.BalanceAfter = c.Balance
	t = s.newCardTxLocked(w, t)
	if t.Status == CardTxPending {
		w.Agenda.Schedule(t.CreatedAt.Add(w.set.Delays.Clearing), taskClearing, t.ID)
	}
	return t
}

// returnLocked refunds a cleared purchase (partly or wholly) or reverses a
// pending one (wholly).
func (s *Server) returnLocked(w *world, c Card, t CardTx) (CardTx, error) {
	orig, ok := w.cardTxs.Get(t.RelatedID)
	switch {
	case t.RelatedID == "" || !ok:
		return t, invalid(text{"related_id %q: a %s needs the purchase it returns", "related_id %q：%s 需要关联原消费"}, t.RelatedID, t.Type)
	case orig.CardID != c.ID || orig.Type != CardPurchase:
		return t, invalid(text{"related_id %s is not a purchase of card %s", "related_id %s 不是卡片 %s 的消费"}, orig.ID, c.ID)
	case t.Type == CardReversal && orig.Status != CardTxPending:
		return t, fail(codeConflict, text{"purchase %s is %s; only pending purchases can be reversed (refund a cleared one)", "消费 %s 当前为 %s，仅未清算的消费可冲正（已清算请退款）"}, orig.ID, orig.Status)
	case t.Type == CardRefund && orig.Status != CardTxSuccess:
		return t, fail(codeConflict, text{"purchase %s is %s; only cleared purchases can be refunded", "消费 %s 当前为 %s，仅已清算的消费可退款"}, orig.ID, orig.Status)
	}
	if t.Type == CardReversal {
		if !t.Amount.IsZero() && t.Amount.Cmp(orig.Amount) != 0 {
			return t, invalid(text{"a reversal returns the whole purchase (%s), got amount %s", "冲正金额必须为原消费全额 %s，实际为 %s"}, orig.Amount, t.Amount)
		}
		t.Amount, t.MerchantAmount = orig.Amount, orig.MerchantAmount
		orig.Status, orig.UpdatedAt = CardTxReversed, w.Now()
		w.cardTxs.Put(orig.ID, orig)
		s.emitCardTxLocked(w, orig, CardTxPending)
	} else if left := orig.Amount.Sub(w.refundedLocked(orig.ID)); left.LessThan(t.Amount) {
		return t, invalid(text{"amount %s exceeds the %s left to refund on purchase %s", "amount %[1]s 超过消费 %[3]s 可退金额 %[2]s"}, t.Amount, left, orig.ID)
	}
	if t.MerchantName == "" || t.MerchantName != orig.MerchantName {
		t.MerchantName, t.MCC, t.City, t.Country = orig.MerchantName, orig.MCC, orig.City, orig.Country
	}
	c.Balance, c.UpdatedAt = c.Balance.Add(t.Amount), w.Now()
	w.cards.Put(c.ID, c)
	w.ledger.Spent = w.ledger.Spent.Sub(t.Amount)
	t.Status, t.BalanceAfter = CardTxSuccess, c.Balance
	return s.newCardTxLocked(w, t), nil
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

// clearCardTxLocked clears a pending purchase at the world's Now.
func (s *Server) clearCardTxLocked(w *world, id string) {
	t, ok := w.cardTxs.Get(id)
	if !ok || t.Status != CardTxPending {
		return
	}
	t.Status, t.UpdatedAt = CardTxSuccess, w.Now()
	w.cardTxs.Put(t.ID, t)
	s.emitCardTxLocked(w, t, CardTxPending)
}
