package keysecure

// Card model — KeySecure Open API "Card" section and constants 8.2/8.3
// (docs-payment-merchant.keysecure.io/en/API/api-list/card).

import (
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// CardStatus is a card's status, verbatim (constants 8.2).
type CardStatus string

// Card statuses.
const (
	StatusPending    CardStatus = "Pending"    // being made
	StatusToActivate CardStatus = "ToActivate" // physical, awaiting the cardholder's activation
	StatusActivated  CardStatus = "Activated"
	StatusFail       CardStatus = "Fail" // the application failed
	StatusFrozen     CardStatus = "Frozen"
	StatusDelete     CardStatus = "Delete" // deleted or cancelled; terminal
)

// CardType is Virtual or Physical (constants 8.3).
type CardType string

// Card types.
const (
	Virtual  CardType = "Virtual"
	Physical CardType = "Physical"
)

// Address is a physical card's mailing address (card apply address_info).
type Address struct {
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name"`
	PhoneCode    string `json:"phone_code"`
	Phone        string `json:"phone"`
	PostalCode   string `json:"postal_code"`
	Country      string `json:"country"`
	State        string `json:"state"`
	City         string `json:"city"`
	AddressLine1 string `json:"address_line1"`
	AddressLine2 string `json:"address_line2"`
}

// Card is an issued (or being issued) card.
type Card struct {
	ID           string     `json:"card_no"`
	UniqueNo     string     `json:"card_unique_no"`
	CardholderNo string     `json:"cardholder_no"`
	Type         CardType   `json:"card_type"`
	Name         string     `json:"card_name"`
	PackageNo    string     `json:"package_no,omitempty"`
	BinNo        string     `json:"card_bin_no,omitempty"`
	Organization string     `json:"organization"`
	PAN          string     `json:"pan"`
	CVV          string     `json:"cvv"`
	ExpMonth     int        `json:"exp_month"`
	ExpYear      int        `json:"exp_year"`
	Status       CardStatus `json:"status"`
	Reason       string     `json:"reason,omitempty"`  // why the last status change happened
	Outcome      string     `json:"outcome,omitempty"` // a steered outcome: card.fail (magic.go)
	Address      *Address   `json:"address_info,omitempty"`
	PIN          string     `json:"pin,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`

	// History is the card's last status changes, oldest first, creation
	// included.
	History core.CardHistory `json:"history,omitempty"`
}

// LastNo returns the card number's last four digits.
func (c Card) LastNo() string {
	if len(c.PAN) < 4 {
		return c.PAN
	}
	return c.PAN[len(c.PAN)-4:]
}

// ExpiresAt returns the first instant after the card's expiry month.
func (c Card) ExpiresAt() time.Time {
	return time.Date(c.ExpYear, time.Month(c.ExpMonth)+1, 1, 0, 0, 0, 0, time.UTC)
}

// Task kinds of the card lifecycle.
const (
	taskCardIssue  = "card.issue"
	taskCardExpire = "card.expire"
)

// errStatus is the 4002 error for a transition the card's status refuses.
func errStatus(c Card, to CardStatus) *core.Error {
	if c.Status == to {
		return fail(4002, text{"card %s is already %s", "卡片 %s 已是 %s 状态"}, c.ID, c.Status)
	}
	return fail(4002, text{"card %s is %s and cannot become %s", "卡片 %s 当前为 %s，不能变更为 %s"}, c.ID, c.Status, to)
}

// moveLocked changes a card's status, records why, and queues the
// Card_update callback. The caller has checked the transition.
func (w *world) moveLocked(c Card, to CardStatus, reason string) Card {
	before := c.Status
	c.Status, c.Reason, c.UpdatedAt = to, reason, w.Now()
	c.History = c.History.With(c.UpdatedAt, string(to), reason)
	w.cards.Put(c.ID, c)
	w.emitLocked(actionCardUpdate, cardUpdateData{
		CardNo: c.ID, BeforeStatus: before, AfterStatus: to, Reason: reason, Time: c.UpdatedAt.UnixMilli(),
	})
	return c
}

// cardLocked returns the card with the given number or 4001.
func (w *world) cardLocked(no string) (Card, error) {
	c, ok := w.cards.Get(no)
	if !ok {
		return c, fail(4001, text{"card_no %s", "card_no %s"}, no)
	}
	return c, nil
}

// newCardLocked makes a Pending card and schedules its issuing.
func (w *world) newCardLocked(h Cardholder, uniqueNo string, typ CardType, pkg Package, address *Address, issueDelay time.Duration, validityYears int) Card {
	c := w.buildCardLocked(h, uniqueNo, typ, pkg, address, validityYears)
	w.storeCardLocked(c, issueDelay)
	return c
}

// buildCardLocked fills a new Pending card from the faker without storing
// it.
func (w *world) buildCardLocked(h Cardholder, uniqueNo string, typ CardType, pkg Package, address *Address, validityYears int) Card {
	now := w.Now()
	c := Card{
		ID: w.nextNoLocked("C"), UniqueNo: uniqueNo, CardholderNo: h.ID, Type: typ,
		Name: pkg.NameEN, PackageNo: pkg.PackageNo, BinNo: pkg.BinNo, Organization: pkg.Organization,
		PAN: w.Faker.PAN(pkg.CardBin, 16), CVV: w.Faker.Digits(3),
		ExpMonth: int(now.Month()), ExpYear: now.Year() + validityYears,
		Status: StatusPending, Address: address, CreatedAt: now, UpdatedAt: now,
	}
	if pkg.PackageNo == "" {
		c.Name = pkg.Organization + " " + pkg.CardBin
	}
	return c
}

// storeCardLocked stores a card, indexes its unique number and schedules
// its issuing (while Pending) and its expiry.
func (w *world) storeCardLocked(c Card, issueDelay time.Duration) {
	cause := c.Reason
	if cause == "" {
		cause = "Card applied"
	}
	c.History = c.History.With(w.Now(), string(c.Status), cause)
	w.cards.Put(c.ID, c)
	w.cardByUnique[c.UniqueNo] = c.ID
	if c.Status == StatusPending {
		w.Agenda.Schedule(c.CreatedAt.Add(issueDelay), taskCardIssue, c.ID)
	}
	w.Agenda.Schedule(c.ExpiresAt(), taskCardExpire, c.ID)
}

// issueLocked ends a card's manufacturing: Fail when the unique number
// asks for it, ToActivate for physical cards, Activated for virtual ones.
func (w *world) issueLocked(no string) {
	c, ok := w.cards.Get(no)
	if !ok || c.Status != StatusPending {
		return
	}
	switch {
	case c.Outcome == ruleCardFail:
		w.moveLocked(c, StatusFail, "Card application failed (sandbox rule "+ruleCardFail+")")
	case c.Type == Physical:
		w.moveLocked(c, StatusToActivate, "Card made; awaiting activation")
	default:
		w.moveLocked(c, StatusActivated, "Card issued")
	}
}

// expireLocked cancels a card whose expiry month has passed. KeySecure has
// no expired status; an expired card is deleted.
func (w *world) expireLocked(no string) {
	c, ok := w.cards.Get(no)
	if !ok || c.Status == StatusDelete || c.Status == StatusFail || w.Now().Before(c.ExpiresAt()) {
		return
	}
	w.moveLocked(c, StatusDelete, "Card expired")
}

// settleLocked applies every scheduled transition that is due on the
// business clock, each at its own due time (core.WorldBase.RunDue).
// Worlds.Enter and Worlds.Do call it after taking the lock.
func (s *Server) settleLocked(w *world) {
	w.RunDue(func(t core.Task) {
		switch t.Kind {
		case taskKYCStart:
			if h, ok := w.cardholders.Get(t.Key); ok && h.Status == CardholderPending {
				h.Status, h.UpdatedAt = CardholderInProgress, w.Now()
				w.cardholders.Put(h.ID, h)
			}
		case taskKYCDecide:
			if h, ok := w.cardholders.Get(t.Key); ok {
				w.decideLocked(t.Key, h.Outcome != ruleKYCReject, "Identity document rejected (sandbox rule "+ruleKYCReject+")")
			}
		case taskCardIssue:
			w.issueLocked(t.Key)
		case taskCardExpire:
			w.expireLocked(t.Key)
		case taskAuthExpire, taskAuthClear:
			w.settleConsumeTask(t)
		}
	})
}
