package uqpay

// Card orders — UQPay Card Issuance v1.6 "Retrieve Card Order", "Card
// Recharge", "Card Withdraw" and "Update Card Status": every change to a
// card is an order that is PENDING or PROCESSING until it completes.

import (
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// OrderStatus is a card order's status, verbatim.
type OrderStatus string

// Order statuses.
const (
	OrderPending    OrderStatus = "PENDING"
	OrderProcessing OrderStatus = "PROCESSING"
	OrderSuccess    OrderStatus = "SUCCESS"
	OrderFailed     OrderStatus = "FAILED"
)

// Order types (docs enum, plus PIN_MANAGEMENT from SDK v3).
const (
	OrderCreate   = "CARD_CREATE"
	OrderRecharge = "CARD_RECHARGE"
	OrderWithdraw = "CARD_WITHDRAW"
	OrderUpdate   = "CARD_UPDATE"
	OrderPIN      = "PIN_MANAGEMENT"
)

// What an order does when it completes (orders of type CARD_UPDATE serve
// several purposes).
const (
	actionStatus   = "status"
	actionRecharge = "recharge"
	actionWithdraw = "withdraw"
)

// CardOrder is one change to a card.
type CardOrder struct {
	ID           string       `json:"card_order_id"`
	CardID       string       `json:"card_id"`
	Type         string       `json:"order_type"`
	Action       string       `json:"action,omitempty"`
	Amount       core.Decimal `json:"amount"`
	Currency     string       `json:"card_currency"`
	Status       OrderStatus  `json:"order_status"`
	FailureCode  string       `json:"failure_code,omitempty"`
	Target       CardStatus   `json:"target_status,omitempty"`
	UpdateReason string       `json:"update_reason,omitempty"`
	BalTxnID     string       `json:"balance_transaction_id,omitempty"`
	CreatedAt    time.Time    `json:"create_time"`
	UpdatedAt    time.Time    `json:"update_time"`
	CompletedAt  time.Time    `json:"complete_time"`
}

// newOrderLocked stores an order for card c.
func (w *world) newOrderLocked(a *account, c Card, typ, action string, amount core.Decimal, status OrderStatus) CardOrder {
	now := w.Now()
	o := CardOrder{ID: w.Faker.UUID(), CardID: c.ID, Type: typ, Action: action, Amount: amount, Currency: c.Currency,
		Status: status, CreatedAt: now, UpdatedAt: now}
	if status == OrderSuccess || status == OrderFailed {
		o.CompletedAt = now
	}
	a.orders.Put(o.ID, o)
	return o
}

// moneyCardLocked returns a card that can take a recharge or withdrawal.
func moneyCardLocked(a *account, id string) (Card, error) {
	c, err := a.cardLocked(id)
	switch {
	case err != nil:
		return c, err
	case c.Mode != ModeSingle:
		return c, errNotSingle
	case c.Usage == UsageOneTime:
		return c, errOneTimeLock
	case c.Status != StatusActive && c.Status != StatusFrozen:
		return c, fail("card_status_invalid", "card %s is %s; only ACTIVE or FROZEN cards can be recharged or withdrawn", c.ID, c.Status)
	}
	return c, nil
}

// rechargeLocked starts a recharge of a SINGLE card: the amount leaves
// the issuing balance now (frozen while the order is PENDING) and reaches
// the card when the order completes.
func (w *world) rechargeLocked(a *account, cardID string, amt core.Decimal) (CardOrder, error) {
	c, err := moneyCardLocked(a, cardID)
	if err != nil {
		return CardOrder{}, err
	}
	if a.available(c.Currency).LessThan(amt) {
		return CardOrder{}, fail("insufficient_balance", "the %s issuing balance (%s) is less than %s",
			c.Currency, money(a.available(c.Currency)), money(amt))
	}
	o := w.newOrderLocked(a, c, OrderRecharge, actionRecharge, amt, OrderPending)
	bt := w.moveBalanceLocked(a, c.Currency, amt.Neg(), amt, BalCardRecharge, BalPending,
		"Recharge card "+last4(c.PAN), o.ID, amt.Neg())
	o.BalTxnID = bt.ID
	a.orders.Put(o.ID, o)
	w.scheduleOrderLocked(a, o)
	return o, nil
}

// withdrawLocked starts a withdrawal from a SINGLE card: the amount leaves
// the card now and reaches the issuing balance when the order completes.
func (w *world) withdrawLocked(a *account, cardID string, amt core.Decimal) (CardOrder, error) {
	c, err := moneyCardLocked(a, cardID)
	if err != nil {
		return CardOrder{}, err
	}
	if c.Balance.LessThan(amt) {
		return CardOrder{}, fail("insufficient_balance", "card %s holds %s %s, less than %s", c.ID, money(c.Balance), c.Currency, money(amt))
	}
	c.Balance, c.UpdatedAt = c.Balance.Sub(amt), w.Now()
	a.cards.Put(c.ID, c)
	o := w.newOrderLocked(a, c, OrderWithdraw, actionWithdraw, amt, OrderPending)
	bt := w.moveBalanceLocked(a, c.Currency, core.Zero, amt, BalCardWithdraw, BalPending,
		"Withdraw from card "+last4(c.PAN), o.ID, amt)
	o.BalTxnID = bt.ID
	a.orders.Put(o.ID, o)
	w.scheduleOrderLocked(a, o)
	return o, nil
}

// requestStatusLocked starts the merchant's status change of a card (POST
// /cards/{id}/status): an order, PENDING until it completes; CANCELLED
// goes to PRE_CANCEL first.
func (w *world) requestStatusLocked(a *account, c Card, to CardStatus, reason string) (CardOrder, error) {
	if c.PendingOrder != "" {
		return CardOrder{}, fail("card_order_in_progress", "card %s has a status change in progress (order %s)", c.ID, c.PendingOrder)
	}
	if _, err := requestStatus(c.Status, to); err != nil {
		return CardOrder{}, err
	}
	o := w.newOrderLocked(a, c, OrderUpdate, actionStatus, core.Zero, OrderPending)
	o.Target, o.UpdateReason = to, reason
	a.orders.Put(o.ID, o)
	c.PendingOrder = o.ID
	a.cards.Put(c.ID, c)
	w.scheduleOrderLocked(a, o)
	return o, nil
}

// scheduleOrderLocked makes an order complete after the order delay.
func (w *world) scheduleOrderLocked(a *account, o CardOrder) {
	w.Agenda.Schedule(w.Now().Add(w.set.OrderDelay.D()), taskOrder, a.ID+"/"+o.ID)
}

// finishOrderLocked completes a due status, recharge or withdraw order.
func (w *world) finishOrderLocked(a *account, id string) {
	o, ok := a.orders.Get(id)
	if !ok || o.Status == OrderSuccess || o.Status == OrderFailed {
		return
	}
	c, ok := a.cards.Get(o.CardID)
	if !ok {
		return
	}
	now := w.Now()
	o.UpdatedAt, o.CompletedAt = now, now
	switch o.Action {
	case actionStatus:
		c.PendingOrder = ""
		next, err := requestStatus(c.Status, o.Target)
		if err != nil {
			a.cards.Put(c.ID, c)
			o.Status, o.FailureCode = OrderFailed, "card_status_invalid"
			a.orders.Put(o.ID, o)
			w.emitLocked(eventStatusFailed, o.ID, w.statusData(c))
			return
		}
		o.Status = OrderSuccess
		a.orders.Put(o.ID, o)
		w.moveCardLocked(a, c, next, o.UpdateReason, o.ID)
	case actionRecharge:
		if c.Status != StatusActive && c.Status != StatusFrozen {
			// The card was blocked, reported lost or stolen, or cancelled
			// while the order ran: UQPay recharges only ACTIVE or FROZEN
			// cards, so the order fails as a refused recharge would
			// (card_status_invalid, card.recharge.failed) and the money goes
			// back to the issuing balance.
			w.moveBalanceLocked(a, c.Currency, o.Amount, o.Amount.Neg(), "", "", "", "", core.Zero)
			w.completeBalTxnLocked(a, o.BalTxnID, BalFailed, true)
			o.Status, o.FailureCode = OrderFailed, "card_status_invalid"
			a.orders.Put(o.ID, o)
			w.emitLocked(eventRechargeFailed, o.ID, w.rechargeData(a, c, o))
			return
		}
		w.moveBalanceLocked(a, c.Currency, core.Zero, o.Amount.Neg(), "", "", "", "", core.Zero)
		w.completeBalTxnLocked(a, o.BalTxnID, BalCompleted, false)
		c.Balance, c.UpdatedAt = c.Balance.Add(o.Amount), now
		a.cards.Put(c.ID, c)
		o.Status = OrderSuccess
		a.orders.Put(o.ID, o)
		w.emitLocked(eventRechargeSucceeded, o.ID, w.rechargeData(a, c, o))
	case actionWithdraw:
		w.moveBalanceLocked(a, c.Currency, o.Amount, o.Amount.Neg(), "", "", "", "", core.Zero)
		w.completeBalTxnLocked(a, o.BalTxnID, BalCompleted, true)
		o.Status = OrderSuccess
		a.orders.Put(o.ID, o)
		w.emitLocked(eventWithdrawSucceeded, o.ID, w.rechargeData(a, c, o))
	}
}

// orderJSON is the Retrieve Card Order shape (also the answer of recharge
// and withdraw).
type orderJSON struct {
	CardID       string      `json:"card_id"`
	CardOrderID  string      `json:"card_order_id"`
	OrderType    string      `json:"order_type"`
	Amount       jsonNumber  `json:"amount"`
	CardCurrency string      `json:"card_currency"`
	CreateTime   string      `json:"create_time"`
	UpdateTime   string      `json:"update_time"`
	CompleteTime string      `json:"complete_time"`
	OrderStatus  OrderStatus `json:"order_status"`
	FailureCode  string      `json:"failure_code,omitempty"`
}

func (w *world) orderJSON(o CardOrder) orderJSON {
	return orderJSON{CardID: o.CardID, CardOrderID: o.ID, OrderType: o.Type, Amount: number(o.Amount),
		CardCurrency: o.Currency, CreateTime: w.fmtTime(o.CreatedAt), UpdateTime: w.fmtTime(o.UpdatedAt),
		CompleteTime: w.fmtTime(o.CompletedAt), OrderStatus: o.Status, FailureCode: o.FailureCode}
}
