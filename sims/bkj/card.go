package bkj

// Card model — bkj "卡业务" section; statuses and fields from the card list
// page (shared/seeds/bkj-openapi-card-list.txt). The raw object mirrors
// DeCard's card detail (providers.md §1.5, §4).

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// CardStatus is a card's status, verbatim from the card list docs.
type CardStatus string

// The fourteen card statuses.
const (
	StatusActive             CardStatus = "active"              // 正常
	StatusDeleted            CardStatus = "deleted"             // 已删除
	StatusFrozen             CardStatus = "frozen"              // 冻结
	StatusOpening            CardStatus = "opening"             // 开卡中
	StatusProcessing         CardStatus = "processing"          // 待激活 (physical, delivered)
	StatusPreDelete          CardStatus = "pre_delete"          // 预删除
	StatusExpired            CardStatus = "expired"             // 卡过期
	StatusBlocked            CardStatus = "blocked"             // 被锁定
	StatusProcessingFrozen   CardStatus = "processing_frozen"   // 冻结中 — Quirk: freezing is asynchronous at bkj.
	StatusProcessingUnfrozen CardStatus = "processing_unfrozen" // 解冻中
	StatusPreProducing       CardStatus = "pre_producing"       // 预制卡中
	StatusProducing          CardStatus = "producing"           // 制卡中
	StatusShipping           CardStatus = "shipping"            // 邮寄中
	StatusActivateReviewing  CardStatus = "activate_reviewing"  // 激活审核中
)

// AllStatuses lists the fourteen statuses in the docs' order.
var AllStatuses = []CardStatus{StatusActive, StatusDeleted, StatusFrozen, StatusOpening, StatusProcessing,
	StatusPreDelete, StatusExpired, StatusBlocked, StatusProcessingFrozen, StatusProcessingUnfrozen,
	StatusPreProducing, StatusProducing, StatusShipping, StatusActivateReviewing}

// physicalTrack are the statuses physical_status takes.
var physicalTrack = []CardStatus{StatusActive, StatusProcessing, StatusPreProducing, StatusProducing, StatusShipping, StatusActivateReviewing}

// CardType is virtual or physical.
type CardType string

// Card types.
const (
	Virtual  CardType = "virtual"
	Physical CardType = "physical"
)

// Card is an issued (or being issued) card.
type Card struct {
	ID             string       `json:"id"`
	IDNo           string       `json:"id_no"` // digits; beyond 2^53
	AccountID      string       `json:"account_id"`
	ChannelID      string       `json:"channel_id"`
	Type           CardType     `json:"type"`
	Status         CardStatus   `json:"status"`
	PhysicalStatus CardStatus   `json:"physical_status,omitempty"` // "" for virtual cards
	Label          string       `json:"label"`
	Currency       string       `json:"currency"`
	Balance        core.Decimal `json:"balance"` // channel_balance
	PAN            string       `json:"pan"`
	CVV            string       `json:"cvv"`
	PIN            string       `json:"pin,omitempty"`
	ExpiresAt      time.Time    `json:"expires_at"` // the first instant after the expiry month
	NoPinAmount    core.Decimal `json:"no_pin_amount"`
	VelocityWindow string       `json:"velocity_limit_window"`
	VelocityLimit  core.Decimal `json:"velocity_amount_limit"`
	FirstName      string       `json:"first_name"`
	LastName       string       `json:"last_name"`
	EmbossingName  string       `json:"embossing_name"`
	HolderTag      string       `json:"holder_tag"` // raw.cardHolder, "****AZBK"
	Address        Address      `json:"card_address"`
	AddressID      string       `json:"address_id,omitempty"` // the mailing address of a physical card
	Remarks        string       `json:"remarks,omitempty"`
	Step           int          `json:"step"`              // asynchronous steps scheduled; a superseded one does nothing
	Outcome        string       `json:"outcome,omitempty"` // a stored steering decision: "card.fail" (doc.go, "Magic values")
	CreatedAt      time.Time    `json:"created_at"`
	UpdatedAt      time.Time    `json:"updated_at"`
	// History is the card's last status changes (core.CardHistoryLimit),
	// oldest first, creation included, each with its business time and
	// cause.
	History core.CardHistory `json:"history,omitempty"`
}

// Last4 returns the card number's last four digits.
func (c Card) Last4() string {
	if len(c.PAN) < 4 {
		return c.PAN
	}
	return c.PAN[len(c.PAN)-4:]
}

// ExpMonth and ExpYear are the month and year printed on the card.
func (c Card) ExpMonth() int { return int(c.ExpiresAt.Add(-time.Nanosecond).Month()) }

// ExpYear is the year printed on the card.
func (c Card) ExpYear() int { return c.ExpiresAt.Add(-time.Nanosecond).Year() }

// expiryAfter returns the first instant after the month years from t.
func expiryAfter(t time.Time, years int) time.Time {
	return time.Date(t.Year()+years, t.Month()+1, 1, 0, 0, 0, 0, time.UTC)
}

// steps are bkj's asynchronous card steps: from a status, where the card
// goes next and which delay leads there.
func (s *Server) nextStep(w *world, c Card) (CardStatus, time.Duration, bool) {
	d := w.set.Delays
	switch c.Status {
	case StatusOpening:
		return StatusActive, d.Open, true
	case StatusPreProducing:
		return StatusProducing, d.Produce, true
	case StatusProducing:
		return StatusShipping, d.Ship, true
	case StatusShipping:
		return StatusProcessing, d.Deliver, true
	case StatusActivateReviewing:
		return StatusActive, d.ActivationReview, true
	case StatusProcessingFrozen:
		return StatusFrozen, d.Freeze, true
	case StatusProcessingUnfrozen:
		return StatusActive, d.Unfreeze, true
	case StatusPreDelete:
		return StatusDeleted, d.Delete, true
	}
	return "", 0, false
}

// moveLocked changes a card's status at the world's Now (a scheduled step's
// due time while settling), keeps physical_status in step, records the
// change in the card's history (its cause the remark, or what the step
// is), schedules the next asynchronous step, and queues the card.status
// webhook. The caller has checked the transition.
func (s *Server) moveLocked(w *world, c Card, to CardStatus, remark string) Card {
	return s.moveWhyLocked(w, c, to, remark, cmpOr(remark, stepCause(c.Status, to)))
}

// moveWhyLocked is moveLocked with the history's cause given.
func (s *Server) moveWhyLocked(w *world, c Card, to CardStatus, remark, cause string) Card {
	before := c.Status
	c.Status, c.UpdatedAt = to, w.Now()
	if remark != "" {
		c.Remarks = remark
	}
	c.History = c.History.With(c.UpdatedAt, string(to), cause)
	if c.Type == Physical && oneOf(to, physicalTrack) {
		c.PhysicalStatus = to
	}
	s.scheduleStepLocked(w, &c)
	w.cards.Put(c.ID, c)
	s.emitCardStatusLocked(w, c, before)
	return c
}

// stepCause names what a status change without a remark is: an
// asynchronous step or the API call that started one.
func stepCause(from, to CardStatus) string {
	switch to {
	case StatusActive:
		switch from {
		case StatusOpening:
			return "card issued"
		case StatusActivateReviewing:
			return "activation approved"
		case StatusProcessingUnfrozen:
			return "unfreeze completed"
		}
	case StatusProducing:
		return "production started"
	case StatusShipping:
		return "card shipped"
	case StatusProcessing:
		return "card delivered, awaiting activation"
	case StatusActivateReviewing:
		return "activation requested"
	case StatusProcessingFrozen:
		return "freeze requested"
	case StatusFrozen:
		return "freeze completed"
	case StatusProcessingUnfrozen:
		return "unfreeze requested"
	case StatusDeleted:
		return "deletion completed"
	}
	return "status changed to " + string(to)
}

// scheduleStepLocked schedules the card's next asynchronous step, if its
// status has one.
func (s *Server) scheduleStepLocked(w *world, c *Card) {
	c.Step++
	if _, d, ok := s.nextStep(w, *c); ok {
		w.Agenda.Schedule(c.UpdatedAt.Add(d), taskCardStep, c.ID+"/"+strconv.Itoa(c.Step))
	}
}

// stepCardLocked takes a card's due asynchronous step; an application
// steered to fail (its stored outcome, rule card.fail) ends deleted
// instead of taking its first step.
func (s *Server) stepCardLocked(w *world, key string) {
	id, step, _ := strings.Cut(key, "/")
	c, ok := w.cards.Get(id)
	if !ok || strconv.Itoa(c.Step) != step {
		return
	}
	to, _, ok := s.nextStep(w, c)
	if !ok {
		return
	}
	if (c.Status == StatusOpening || c.Status == StatusPreProducing) && c.Outcome == ruleCardFail {
		s.moveLocked(w, c, StatusDeleted, "card application failed (sandbox outcome "+ruleCardFail+")")
		return
	}
	s.moveLocked(w, c, to, "")
}

// expireCardLocked expires a card whose expiry has passed.
func (s *Server) expireCardLocked(w *world, id string) {
	c, ok := w.cards.Get(id)
	if !ok || w.Now().Before(c.ExpiresAt) || c.Status == StatusDeleted || c.Status == StatusPreDelete || c.Status == StatusExpired {
		return
	}
	s.moveLocked(w, c, StatusExpired, "card expired")
}

// cardLocked returns a card or 40400.
func (w *world) cardLocked(id string) (Card, error) {
	c, ok := w.cards.Get(id)
	if !ok {
		return c, notFound("card", id)
	}
	return c, nil
}

// errStatus is the 40900 for a transition the card's status refuses.
func errStatus(c Card, action string, want ...CardStatus) *core.Error {
	ws := make([]string, len(want))
	for i, s := range want {
		ws[i] = string(s)
	}
	return fail(codeConflict, text{"card %s is %s; %s needs %s", "卡片 %s 当前为 %s，%s 需要卡片状态为 %s"},
		c.ID, c.Status, action, strings.Join(ws, " or "))
}

// newCardLocked builds and stores a card applied for under a channel,
// starting its lifecycle (opening, or pre_producing for physical cards).
// A magic label decides the application's outcome, unless the card names
// one already.
func (s *Server) newCardLocked(w *world, c Card, cause string) (Card, error) {
	now := w.Now()
	ch, ok := findChannel(c.ChannelID)
	if !ok {
		ch = channelOfCard(c)
		c.ChannelID = ch.ID
	}
	if c.Type == "" {
		c.Type = ch.Type
	}
	if c.ID == "" {
		c.ID = w.Faker.UUID()
	}
	if w.cards.Has(c.ID) {
		return c, fail(codeConflict, text{"card %s already exists", "卡片 %s 已存在"}, c.ID)
	}
	if c.Outcome == "" {
		c.Outcome = steer(fieldLabel, c.Label)
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now
	}
	if c.IDNo == "" {
		c.IDNo = w.idNoLocked(c.CreatedAt)
	}
	if c.Currency == "" {
		c.Currency = ch.Currency
	}
	if c.PAN == "" {
		c.PAN = w.Faker.PAN(ch.BIN, 16)
	}
	if c.CVV == "" {
		c.CVV = w.Faker.Digits(3)
	}
	if c.ExpiresAt.IsZero() {
		c.ExpiresAt = expiryAfter(c.CreatedAt, w.set.CardValidityYears)
	}
	if c.VelocityWindow == "" {
		c.VelocityWindow = "na"
	}
	if c.HolderTag == "" {
		tag := make([]byte, 4)
		for i := range tag {
			tag[i] = byte('A' + w.Faker.IntN(26))
		}
		c.HolderTag = "****" + string(tag)
	}
	if c.Status == "" {
		c.Status = StatusOpening
		if c.Type == Physical {
			c.Status = StatusPreProducing
		}
	}
	if !oneOf(c.Status, AllStatuses) {
		return c, invalid(text{"status %q is not a bkj card status", "status %q 不是有效的卡片状态"}, c.Status)
	}
	if c.Type == Physical && c.PhysicalStatus == "" {
		c.PhysicalStatus = StatusPreProducing
		if oneOf(c.Status, physicalTrack) {
			c.PhysicalStatus = c.Status
		} else if c.Status != StatusOpening {
			c.PhysicalStatus = StatusActive
		}
	}
	if c.Type == Virtual {
		c.PhysicalStatus = ""
	}
	c.UpdatedAt = now
	c.History = core.CardHistory(nil).With(now, string(c.Status), cause)
	c.Step = 0
	s.scheduleStepLocked(w, &c)
	w.cards.Put(c.ID, c)
	w.Agenda.Schedule(c.ExpiresAt, taskCardExpire, c.ID)
	return c, nil
}

// Card actions of the admin API and direct helpers, in bkj's vocabulary.
// They force a status immediately (no asynchronous step), as bkj's
// operators would.
var cardActions = map[string]struct {
	to     CardStatus
	from   []CardStatus
	remark string
	cause  string // the history's cause when there is no remark
}{
	"freeze":   {StatusFrozen, []CardStatus{StatusActive, StatusProcessingFrozen}, "", "frozen by platform"},
	"unfreeze": {StatusActive, []CardStatus{StatusFrozen, StatusProcessingUnfrozen}, "", "unfrozen by platform"},
	"block":    {StatusBlocked, []CardStatus{StatusActive, StatusFrozen, StatusProcessingFrozen, StatusProcessingUnfrozen, StatusOpening, StatusProcessing, StatusActivateReviewing, StatusPreProducing, StatusProducing, StatusShipping}, "blocked by platform", ""},
	"cancel":   {StatusPreDelete, []CardStatus{StatusActive, StatusFrozen, StatusProcessingFrozen, StatusProcessingUnfrozen, StatusOpening, StatusProcessing, StatusActivateReviewing, StatusPreProducing, StatusProducing, StatusShipping, StatusBlocked, StatusExpired}, "cancelled by platform", ""},
	"expire":   {StatusExpired, []CardStatus{StatusActive, StatusFrozen, StatusProcessingFrozen, StatusProcessingUnfrozen, StatusOpening, StatusProcessing, StatusActivateReviewing, StatusPreProducing, StatusProducing, StatusShipping, StatusBlocked}, "card expired", ""},
	"activate": {StatusActive, []CardStatus{StatusOpening, StatusPreProducing, StatusProducing, StatusShipping, StatusProcessing, StatusActivateReviewing, StatusBlocked}, "", "activated by platform"},
	"delete":   {StatusDeleted, []CardStatus{StatusActive, StatusFrozen, StatusProcessingFrozen, StatusProcessingUnfrozen, StatusOpening, StatusProcessing, StatusActivateReviewing, StatusPreProducing, StatusProducing, StatusShipping, StatusBlocked, StatusExpired, StatusPreDelete}, "deleted by platform", ""},
}

// actionNames lists the admin card actions, in the order errors name them.
var actionNames = []string{"freeze", "unfreeze", "expire", "block", "cancel", "activate", "delete"}

// actLocked applies an admin card action.
func (s *Server) actLocked(w *world, id, action string) (Card, error) {
	a, ok := cardActions[action]
	if !ok {
		return Card{}, core.Errorf(core.KindInvalid, "unknown card action %q: bkj knows %s", action, strings.Join(actionNames, ", "))
	}
	c, err := w.cardLocked(id)
	if err != nil {
		return c, err
	}
	if !oneOf(c.Status, a.from) {
		if c.Status == a.to {
			return c, fail(codeConflict, text{"card %s is already %s", "卡片 %s 已是 %s 状态"}, c.ID, c.Status)
		}
		return c, fail(codeConflict, text{"card %s is %s and cannot %s", "卡片 %s 当前为 %s，不能执行 %s"}, c.ID, c.Status, action)
	}
	if action == "expire" {
		c.ExpiresAt = w.Now()
	}
	return s.moveWhyLocked(w, c, a.to, a.remark, cmpOr(a.remark, a.cause)), nil
}

// rawCardStatus maps a status onto DeCard's cardStatus vocabulary.
func rawCardStatus(c Card) string {
	switch c.Status {
	case StatusActive, StatusProcessingFrozen:
		return "NORMAL"
	case StatusFrozen, StatusProcessingUnfrozen, StatusBlocked:
		return "FROZEN"
	case StatusDeleted, StatusPreDelete, StatusExpired:
		return "CANCELLED"
	}
	return "INACTIVE"
}

// rawPhysicalStatus maps a card onto DeCard's physicalCardStatus.
func rawPhysicalStatus(c Card) string {
	if c.Type != Physical {
		return "UN_APPLY"
	}
	switch c.Status {
	case StatusActive, StatusProcessingFrozen:
		return "ACTIVE"
	case StatusFrozen, StatusProcessingUnfrozen, StatusBlocked:
		return "FROZEN"
	case StatusDeleted, StatusPreDelete, StatusExpired:
		return "CANCELLED"
	}
	return "INACTIVE"
}

// issued reports whether the card's number and CVV exist (made, not
// deleted).
func issued(c Card) bool {
	switch c.Status {
	case StatusOpening, StatusPreProducing, StatusProducing, StatusDeleted:
		return false
	}
	return true
}

func (c Card) String() string { return fmt.Sprintf("card %s (%s %s)", c.ID, c.Type, c.Status) }
