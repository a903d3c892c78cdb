package uqpay

// Card model and lifecycle — UQPay Card Issuance v1.6 "Create Card",
// "Retrieve Card", "Update Card Status" and the "Card lifecycle and
// statuses" guide (shared/seeds/uqpay-retrieve-card.txt).

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// CardStatus is a card's status, verbatim.
type CardStatus string

// Card statuses (API enum plus PRE_CANCEL from the lifecycle guide).
const (
	StatusPending   CardStatus = "PENDING" // being created; physical cards until activated
	StatusActive    CardStatus = "ACTIVE"
	StatusFrozen    CardStatus = "FROZEN"     // declines every authorization; reversible
	StatusBlocked   CardStatus = "BLOCKED"    // by UQPAY; the merchant cannot change it
	StatusPreCancel CardStatus = "PRE_CANCEL" // cancelled, waiting out the settlement period
	StatusCancelled CardStatus = "CANCELLED"  // terminal
	StatusLost      CardStatus = "LOST"
	StatusStolen    CardStatus = "STOLEN"
	StatusFailed    CardStatus = "FAILED" // creation failed; terminal
)

// FormFactor is VIRTUAL or PHYSICAL.
type FormFactor string

// Form factors.
const (
	Virtual  FormFactor = "VIRTUAL"
	Physical FormFactor = "PHYSICAL"
)

// Usage types and one-time card triggers (Create Card, 2026-03-20).
const (
	UsageNormal  = "NORMAL"
	UsageOneTime = "ONE_TIME"
	OnAuth       = "ON_AUTH"
	OnCapture    = "ON_CAPTURE"
)

// SpendingControl caps spending over an interval.
type SpendingControl struct {
	Amount   core.Decimal `json:"amount"`
	Interval string       `json:"interval"`
}

// Spending control intervals.
var intervals = []string{"PER_TRANSACTION", "DAILY", "WEEKLY", "MONTHLY", "YEARLY", "ALL_TIME"}

// RiskControls are a card's 3DS and MCC settings; the MCC lists are
// mutually exclusive.
type RiskControls struct {
	Allow3DS   string   `json:"allow_3ds_transactions"`
	AllowedMCC []string `json:"allowed_mcc,omitempty"`
	BlockedMCC []string `json:"blocked_mcc,omitempty"`
}

// NetworkProtection is a card's scheme network-protection enrolment.
type NetworkProtection struct {
	RiskControl string    `json:"risk_control"`
	ActionCode  string    `json:"action_code"`
	Enabled     bool      `json:"enabled"`
	Status      string    `json:"status"`
	UpdatedAt   time.Time `json:"update_time"`
}

// Card is an issued (or being issued) card.
type Card struct {
	ID               string             `json:"card_id"`
	AccountID        string             `json:"account_id,omitempty"`
	CardholderID     string             `json:"cardholder_id"`
	ProductID        string             `json:"card_product_id"`
	BIN              string             `json:"card_bin"`
	Scheme           string             `json:"card_scheme"`
	PAN              string             `json:"card_number"`
	CVV              string             `json:"cvv"`
	ExpMonth         int                `json:"exp_month"`
	ExpYear          int                `json:"exp_year"`
	FormFactor       FormFactor         `json:"form_factor"`
	Mode             Mode               `json:"mode_type"`
	Currency         string             `json:"card_currency"`
	Status           CardStatus         `json:"card_status"`
	UpdateReason     string             `json:"update_reason,omitempty"`
	Limit            core.Decimal       `json:"card_limit"`
	Balance          core.Decimal       `json:"balance"`  // SINGLE: the prepaid balance available
	Held             core.Decimal       `json:"held"`     // SINGLE: authorized, not yet settled
	Consumed         core.Decimal       `json:"consumed"` // approved spending, net of reversals
	NoPIN            core.Decimal       `json:"no_pin_payment_amount"`
	SpendingControls []SpendingControl  `json:"spending_controls,omitempty"`
	Risk             RiskControls       `json:"risk_controls"`
	Metadata         json.RawMessage    `json:"metadata,omitempty"`
	Usage            string             `json:"usage_type,omitempty"`
	AutoCancel       string             `json:"auto_cancel_trigger,omitempty"`
	ExpiryAt         *time.Time         `json:"expiry_at,omitempty"`
	ActivationCode   string             `json:"activation_code,omitempty"`
	PIN              string             `json:"pin,omitempty"`
	ArtID            string             `json:"card_art_id,omitempty"` // "" is the product's default art
	NameOnCard       string             `json:"name_on_card,omitempty"`
	Protection       *NetworkProtection `json:"network_protection,omitempty"`
	BaseLimit        *core.Decimal      `json:"base_limit,omitempty"` // card_limit to restore when an elevation ends
	AwaitingKYC      bool               `json:"awaiting_kyc,omitempty"`
	PendingOrder     string             `json:"pending_order,omitempty"` // status order in flight
	OrderID          string             `json:"card_order_id"`           // the creation order
	FailureCode      string             `json:"failure_code,omitempty"`
	CreatedAt        time.Time          `json:"create_time"`
	UpdatedAt        time.Time          `json:"update_time"`
	History          core.CardHistory   `json:"history,omitempty"` // its last status changes, oldest first
}

// record adds the card's current status to its history.
func (c *Card) record(at time.Time, cause string) {
	c.History = c.History.With(at, string(c.Status), cause)
}

// Masked returns the card number as REST answers show it.
// Quirk: REST masks all but the last four ("************5668"), webhooks
// keep the BIN ("40963608****8664").
func (c Card) Masked() string { return core.Mask(c.PAN, 4) }

// maskedWebhook returns the card number as webhooks show it.
func (c Card) maskedWebhook() string {
	if len(c.PAN) < 12 {
		return c.Masked()
	}
	return c.PAN[:8] + strings.Repeat("*", len(c.PAN)-12) + c.PAN[len(c.PAN)-4:]
}

// ExpiresAt returns the first instant after the card's expiry month.
func (c Card) ExpiresAt() time.Time {
	return time.Date(c.ExpYear, time.Month(c.ExpMonth)+1, 1, 0, 0, 0, 0, zoneSG)
}

// live reports whether a card can still change (not terminal).
func (c Card) live() bool { return c.Status != StatusCancelled && c.Status != StatusFailed }

// cardValidity is how many years a new card is valid.
const cardValidity = 3

// Task kinds of the card lifecycle.
const (
	taskCardIssue   = "card.issue"   // PENDING → ACTIVE or FAILED
	taskCardCancel  = "card.cancel"  // PRE_CANCEL → CANCELLED
	taskCardExpire  = "card.expire"  // end of an expiry month: its cards are cancelled
	taskCardExpiry  = "card.expiry"  // a ONE_TIME card's expiry_at
	taskLimitRevert = "card.limit"   // an elevated limit ends
	taskOrder       = "order.finish" // a status, recharge or withdraw order completes
	taskSettle      = "txn.settle"   // an authorization settles
	taskAuthExpire  = "txn.expire"   // an authorization that never cleared reverses
)

// Errors of the card family.
var (
	errCardNotFound = fail("card_not_found", "card not found or deactivated")
	errNotSingle    = fail("card_operation_not_supported", "only SINGLE (prepaid) cards can be recharged or withdrawn; SHARE cards draw on the issuing balance")
	errOneTimeLock  = fail("card_operation_not_supported", "a ONE_TIME card's limit is locked at creation: no recharge, withdraw or limit change")
)

// lockCard locks the request's world, settles what its clock has made due
// and loads the card the path names ({id}) from the request's account: the
// opening of every handler that acts on one card. The caller must call
// unlock, also when err is set.
func (s *Server) lockCard(r *http.Request) (w *world, a *account, c Card, unlock func(), err error) {
	w, a = s.worlds.Enter(r), accountOf(r)
	c, err = a.cardLocked(core.PathVar(r, "id"))
	return w, a, c, w.Unlock, err
}

// cardLocked returns a card of the account or card_not_found.
func (a *account) cardLocked(id string) (Card, error) {
	c, ok := a.cards.Get(id)
	if !ok {
		return c, errCardNotFound.With("card %s not found or deactivated", id)
	}
	return c, nil
}

// requestStatus checks a merchant's POST /cards/{id}/status and returns the
// status the card will move to (CANCELLED goes through PRE_CANCEL).
func requestStatus(from, to CardStatus) (CardStatus, error) {
	switch to {
	case StatusActive, StatusFrozen, StatusCancelled:
	default:
		return "", invalid("card_status must be ACTIVE, FROZEN or CANCELLED, got %q", to)
	}
	if from == to {
		return "", fail("card_status_invalid", "the card is already %s", from)
	}
	switch from {
	case StatusActive:
		if to == StatusCancelled {
			return StatusPreCancel, nil
		}
		return to, nil
	case StatusFrozen:
		if to == StatusCancelled {
			return StatusPreCancel, nil
		}
		return to, nil
	case StatusPending:
		return "", fail("card_status_invalid", "the card is PENDING: wait for card.create.succeeded, or activate a physical card with POST /api/v1/issuing/cards/activate")
	case StatusBlocked:
		return "", fail("card_status_invalid", "the card was BLOCKED by UQPAY and cannot be changed by the merchant")
	case StatusPreCancel:
		return "", fail("card_status_invalid", "the card is PRE_CANCEL: it becomes CANCELLED when the waiting period ends, and cannot be reactivated")
	}
	return "", fail("card_status_invalid", "the card is %s and its status cannot change", from)
}

// cardActions are what the admin API can do to a card, in UQPay's
// vocabulary: the status each leads to and the statuses it applies to.
var cardActions = map[string]struct {
	to     CardStatus
	from   []CardStatus
	reason string
}{
	"freeze":   {StatusFrozen, []CardStatus{StatusActive}, "Frozen by UQPAY"},
	"unfreeze": {StatusActive, []CardStatus{StatusFrozen}, "Unfrozen by UQPAY"},
	"block":    {StatusBlocked, []CardStatus{StatusPending, StatusActive, StatusFrozen}, "Blocked by UQPAY"},
	"unblock":  {StatusActive, []CardStatus{StatusBlocked}, "Unblocked by UQPAY"},
	"cancel":   {StatusPreCancel, []CardStatus{StatusActive, StatusFrozen, StatusBlocked, StatusLost, StatusStolen}, "Cancelled by UQPAY"},
	"expire":   {StatusCancelled, []CardStatus{StatusPending, StatusActive, StatusFrozen, StatusBlocked, StatusPreCancel, StatusLost, StatusStolen}, "Card expired"},
	"activate": {StatusActive, []CardStatus{StatusPending}, "Activated by UQPAY"},
	"fail":     {StatusFailed, []CardStatus{StatusPending}, "Card creation failed"},
	"lost":     {StatusLost, []CardStatus{StatusActive, StatusFrozen}, "Reported lost"},
	"stolen":   {StatusStolen, []CardStatus{StatusActive, StatusFrozen}, "Reported stolen"},
}

// actLocked applies an admin card action.
func (w *world) actLocked(cardID, action string) (Card, error) {
	act, ok := cardActions[action]
	if !ok {
		return Card{}, core.Errorf(core.KindInvalid,
			"unknown card action %q: uqpay knows freeze, unfreeze, block, unblock, cancel, expire, activate, fail, lost, stolen", action)
	}
	a, c, ok := w.findCardLocked(cardID)
	if !ok {
		return Card{}, errCardNotFound.With("card %s not found", cardID)
	}
	for _, from := range act.from {
		if c.Status != from {
			continue
		}
		switch action {
		case "activate":
			if c.Status == StatusPending && c.FormFactor == Virtual {
				w.finishCreateLocked(a, c, true, "", "")
				c, _ = a.cards.Get(c.ID)
				return c, nil
			}
		case "fail":
			w.finishCreateLocked(a, c, false, "card_creation_failed", "failed by UQPAY")
			c, _ = a.cards.Get(c.ID)
			return c, nil
		}
		return w.moveCardLocked(a, c, act.to, act.reason, ""), nil
	}
	return c, fail("card_status_invalid", "card %s is %s; %s applies to %v", c.ID, c.Status, action, act.from)
}

// moveCardLocked changes a card's status and sends card.status.update.succeeded
// (source_id: orderID, or a fresh id for UQPAY's own changes). PRE_CANCEL
// schedules the cancellation; CANCELLED refunds a SINGLE card's balance.
func (w *world) moveCardLocked(a *account, c Card, to CardStatus, reason, orderID string) Card {
	now := w.Now()
	c.Status, c.UpdateReason, c.UpdatedAt = to, reason, now
	cause := reason
	if cause == "" {
		cause = "status changed to " + string(to)
	}
	c.record(now, cause)
	switch to {
	case StatusPreCancel:
		w.Agenda.Schedule(now.Add(w.set.CancelWait.D()), taskCardCancel, a.ID+"/"+c.ID)
	case StatusCancelled:
		c = w.refundCardLocked(a, c, "Refund of cancelled card")
	case StatusActive:
		if c.FormFactor == Physical && c.ActivationCode != "" {
			c.ActivationCode = ""
		}
	}
	a.cards.Put(c.ID, c)
	if orderID == "" {
		orderID = w.Faker.UUID()
	}
	w.emitLocked(eventStatusSucceeded, orderID, w.statusData(c))
	return c
}

// refundCardLocked returns a SINGLE card's available balance to the
// issuing balance.
func (w *world) refundCardLocked(a *account, c Card, desc string) Card {
	if c.Mode != ModeSingle || c.Balance.Sign() <= 0 {
		return c
	}
	amt := c.Balance
	c.Balance = core.Zero
	w.moveBalanceLocked(a, c.Currency, amt, core.Zero, BalCardWithdraw, BalCompleted, desc, c.ID, amt)
	return c
}

// issueLocked ends a card's creation when it is due: ACTIVE when its
// cardholder is approved and the BIN pool has room, FAILED otherwise; a
// cardholder still in KYC makes it wait for the decision.
func (w *world) issueLocked(a *account, id string) {
	c, ok := a.cards.Get(id)
	if !ok || c.Status != StatusPending || c.FormFactor == Physical {
		return
	}
	h, _ := a.cardholders.Get(c.CardholderID)
	switch h.Status {
	case CardholderPending:
		c.AwaitingKYC = true
		a.cards.Put(c.ID, c)
		return
	case CardholderFailed, CardholderIncomplete:
		w.finishCreateLocked(a, c, false, "cardholder_not_approved",
			fmt.Sprintf("cardholder %s is %s: %s", h.ID, h.Status, h.Reason))
		return
	}
	if w.set.CardQuota > 0 && a.issued[c.ProductID] >= w.set.CardQuota {
		w.finishCreateLocked(a, c, false, "insufficient_sub_bin",
			fmt.Sprintf("the card pool of BIN %s is exhausted (%d cards issued)", c.BIN, a.issued[c.ProductID]))
		return
	}
	w.finishCreateLocked(a, c, true, "", "")
}

// finishCreateLocked completes a card's creation order either way and
// sends card.create.succeeded or card.create.failed.
func (w *world) finishCreateLocked(a *account, c Card, ok bool, failureCode, reason string) {
	now := w.Now()
	c.AwaitingKYC, c.UpdatedAt = false, now
	o, _ := a.orders.Get(c.OrderID)
	if ok {
		a.issued[c.ProductID]++
		if c.Mode == ModeSingle && c.Limit.Sign() > 0 { // the opening load moves from frozen into the card
			w.moveBalanceLocked(a, c.Currency, core.Zero, c.Limit.Neg(), "", "", "", "", core.Zero)
			c.Balance = c.Balance.Add(c.Limit)
			w.completeBalTxnLocked(a, o.BalTxnID, BalCompleted, false)
		}
		c.Status = StatusActive
		o.Status = OrderSuccess
		c.record(now, "issued (card.create.succeeded)")
	} else {
		if c.Mode == ModeSingle && c.Limit.Sign() > 0 { // release the opening load
			w.moveBalanceLocked(a, c.Currency, c.Limit, c.Limit.Neg(), "", "", "", "", core.Zero)
			w.completeBalTxnLocked(a, o.BalTxnID, BalFailed, true)
		}
		c.Status, c.FailureCode, c.UpdateReason = StatusFailed, failureCode, reason
		o.Status, o.FailureCode = OrderFailed, failureCode
		c.record(now, "creation failed: "+reason)
	}
	o.UpdatedAt, o.CompletedAt = now, now
	a.orders.Put(o.ID, o)
	a.cards.Put(c.ID, c)
	if ok {
		w.emitLocked(eventCreateSucceeded, o.ID, w.createdData(a, c, ""))
		w.startFeesLocked(a, c)
		if c.Usage == UsageOneTime && c.ExpiryAt != nil {
			w.Agenda.Schedule(*c.ExpiryAt, taskCardExpiry, a.ID+"/"+c.ID)
		}
		return
	}
	w.emitLocked(eventCreateFailed, o.ID, w.createdData(a, c, reason))
}

// scheduleExpiryLocked makes sure the end of a card's expiry month is on
// the agenda: one task per account and month, not one per card, so that a
// hundred thousand cards cost the agenda a few dozen entries.
func (w *world) scheduleExpiryLocked(a *account, c Card) {
	month := c.ExpiresAt().Format("2006-01")
	if a.expiryMonths[month] {
		return
	}
	a.expiryMonths[month] = true
	w.Agenda.Schedule(c.ExpiresAt(), taskCardExpire, a.ID+"/"+month)
}

// expireMonthLocked cancels every live card of the account whose expiry
// month has ended.
func (w *world) expireMonthLocked(a *account, month string) {
	delete(a.expiryMonths, month)
	var due []Card
	a.cards.Each(func(c Card) bool {
		if c.live() && c.ExpiresAt().Format("2006-01") == month && !w.Now().Before(c.ExpiresAt()) {
			due = append(due, c)
		}
		return true
	})
	for _, c := range due {
		w.moveCardLocked(a, c, StatusCancelled, "Card expired", "")
	}
}

// cancelNowLocked cancels a card at once (a ONE_TIME trigger, expiry),
// releasing its unused balance.
func (w *world) cancelNowLocked(a *account, c Card, reason string) Card {
	if !c.live() {
		return c
	}
	return w.moveCardLocked(a, c, StatusCancelled, reason, "")
}

// cardAvailable returns what a card can spend now: a SINGLE card's balance; a
// SHARE card's card_limit minus what it consumed (no cap when the limit is
// 0), never more than the issuing balance.
func (a *account) cardAvailable(c Card) core.Decimal {
	if c.Mode == ModeSingle {
		return c.Balance
	}
	issuing := a.available(c.Currency)
	if c.Limit.Sign() == 0 {
		return issuing
	}
	left := c.Limit.Sub(c.Consumed)
	if left.Sign() < 0 {
		left = core.Zero
	}
	if issuing.LessThan(left) {
		return issuing
	}
	return left
}
