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
		if !c.live() || c.Status == StatusPreCancel { // the money goes back
			w.moveBalanceLocked(a, c.Currency, o.Amount, o.Amount.Neg(), "", "", "", "", core.Zero)
			w.completeBalTxnLocked(a, o.BalTxnID, BalFailed)
			o.Status, o.FailureCode = OrderFailed, "card_status_invalid"
			a.orders.Put(o.ID, o)
			w.emitLocked(eventRechargeFailed, o.ID, w.rechargeData(a, c, o))
			return
		}
		w.moveBalanceLocked(a, c.Currency, core.Zero, o.Amount.Neg(), "", "", "", "", core.Zero)
		w.completeBalTxnLocked(a, o.BalTxnID, BalCompleted)
		c.Balance, c.UpdatedAt = c.Balance.Add(o.Amount), now
		a.cards.Put(c.ID, c)
		o.Status = OrderSuccess
		a.orders.Put(o.ID, o)
		w.emitLocked(eventRechargeSucceeded, o.ID, w.rechargeData(a, c, o))
	case actionWithdraw:
		w.moveBalanceLocked(a, c.Currency, o.Amount, o.Amount.Neg(), "", "", "", "", core.Zero)
		w.completeBalTxnLocked(a, o.BalTxnID, BalCompleted)
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
