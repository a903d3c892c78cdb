package decard

// Card model — DeCard "card" section (detail, block, virtual-card apply)
// and Guides card/status.md, card/block.md.

import (
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// CardStatus is a card's status, verbatim.
type CardStatus string

// Card statuses.
const (
	CardNormal    CardStatus = "NORMAL"
	CardFrozen    CardStatus = "FROZEN"
	CardCancelled CardStatus = "CANCELLED" // terminal: re-apply for a new card
	CardInactive  CardStatus = "INACTIVE"
)

// PhysicalStatus is a card's physical-card status, verbatim.
type PhysicalStatus string

// Physical-card statuses.
const (
	PhysicalUnapplied PhysicalStatus = "UN_APPLY"
	PhysicalInactive  PhysicalStatus = "INACTIVE"
	PhysicalActive    PhysicalStatus = "ACTIVE"
	PhysicalReplace   PhysicalStatus = "REPLACE"
	PhysicalFrozen    PhysicalStatus = "FROZEN"
	PhysicalCancelled PhysicalStatus = "CANCELLED"
)

// CardType is VIP or NORMAL.
type CardType string

// Card types.
const (
	CardTypeVIP    CardType = "VIP"
	CardTypeNormal CardType = "NORMAL"
)

// Category is a card category a partner applies under (categoryId, given
// by DCS to each partner; these are mocksrv's).
type Category struct {
	ID          string
	Type        CardType
	Association string // MASTER_CARD
	Scheme      string // MASTERCARD
	BIN         string
	Name        string
	Badge       string
	Image       string
	Tags        []string
	FC          bool // applied for through /financial-connection/v1/virtual-card/apply only
}

// categories are the card categories every tenant may apply for.
var categories = []Category{
	{ID: "10102000", Type: CardTypeNormal, Association: "MASTER_CARD", Scheme: "MASTERCARD", BIN: "531993", Name: "Normal card",
		Image: "https://static.thedecard.com/card/apply/normal.webp", Tags: []string{"Tap to pay", "Travel worry-free", "Choose your card face"}},
	{ID: "40102000", Type: CardTypeNormal, Association: "MASTER_CARD", Scheme: "MASTERCARD", BIN: "522981", Name: "Normal card (crypto)",
		Image: "https://static.thedecard.com/card/apply/normal.webp", Tags: []string{"Tap to pay", "Auto-convert crypto at spend"}},
	{ID: "20102000", Type: CardTypeVIP, Association: "MASTER_CARD", Scheme: "MASTERCARD", BIN: "544765", Name: "VIP card", Badge: "VIP",
		Image: "https://static.thedecard.com/card/apply/vip.webp", Tags: []string{"Unlimited spending", "Auto-convert to U at spend", "Exclusive privileges"}},
	{ID: "30102001", Type: CardTypeNormal, Association: "MASTER_CARD", Scheme: "MASTERCARD", BIN: "559666", Name: "Business card",
		Image: "https://static.thedecard.com/card/apply/normal.webp", Tags: []string{"Spend from your business account"}, FC: true},
}

func findCategory(id string) (Category, bool) {
	for _, c := range categories {
		if c.ID == id {
			return c, true
		}
	}
	return Category{}, false
}

// Shipping is a physical card's delivery (physical-shipping-info).
type Shipping struct {
	Status          string `json:"status,omitempty"` // PENDING, SHIPPED, DELIVERED
	TrackingNumber  string `json:"trackingNumber,omitempty"`
	TrackingCompany string `json:"trackingCompanyName,omitempty"`
}

// Card is an issued card.
type Card struct {
	ID             string           `json:"cardId"`
	UserID         string           `json:"externalUserId"`
	CategoryID     string           `json:"categoryId"`
	ApplyID        string           `json:"applyId,omitempty"`
	Type           CardType         `json:"cardType"`
	PAN            string           `json:"pan"`
	Holder         string           `json:"cardHolder"`
	EmbossingName  string           `json:"cardEmbossingName"`
	Status         CardStatus       `json:"cardStatus"`
	Physical       PhysicalStatus   `json:"physicalCardStatus"`
	PhysicalBefore PhysicalStatus   `json:"physicalBeforeFreeze,omitempty"` // restored on unfreeze
	Shipping       Shipping         `json:"shipping"`
	Points         int              `json:"points"`
	Tokens         []WalletToken    `json:"walletTokens,omitempty"` // digital-wallet provisionings; replaced whole, never changed in place
	Reason         string           `json:"reason,omitempty"`       // why the last status change happened
	History        core.CardHistory `json:"history,omitempty"`      // its last status changes, oldest first (core.CardHistory)
	CreatedAt      time.Time        `json:"createdAt"`
	UpdatedAt      time.Time        `json:"updatedAt"`
}

// Mantissa returns the last four digits of the card number (cardMantissa).
func (c Card) Mantissa() string {
	if len(c.PAN) < 4 {
		return c.PAN
	}
	return c.PAN[len(c.PAN)-4:]
}

// category returns the card's category.
func (c Card) category() Category {
	cat, ok := findCategory(c.CategoryID)
	if !ok {
		return categories[0]
	}
	return cat
}

// maskedNo is the card number as card detail shows it: "************0643".
func (c Card) maskedNo() string { return core.Mask(c.PAN, 4) }

// spacedNo is the card number as statements and pushes show it:
// "**** **** **** 0601".
func (c Card) spacedNo() string { return "**** **** **** " + c.Mantissa() }

// maskedHolder is the holder name as card detail shows it: "****HAO".
func (c Card) maskedHolder() string {
	name := strings.ReplaceAll(c.Holder, " ", "")
	if len(name) <= 3 {
		return name
	}
	return "****" + name[len(name)-3:]
}

// cardSelector picks one of a user's cards: by cardMantissa (v1 endpoints)
// or cardId (v2 endpoints).
type cardSelector struct {
	user     string
	mantissa string
	id       string
}

// cardLocked returns the selected card. Quirk: without cardMantissa a v1
// endpoint uses the user's first card ("多卡区分，默认第一张卡"): the oldest
// that is not CANCELLED, else the oldest.
func (w *world) cardLocked(sel cardSelector) (Card, error) {
	if sel.id != "" {
		c, ok := w.cards.Get(sel.id)
		if !ok || c.UserID != sel.user {
			return c, fail("CARD_NOT_EXISTED", text{"cardId %s of user %s", "用户 %[2]s 的 cardId %[1]s"}, sel.id, sel.user)
		}
		return c, nil
	}
	if sel.mantissa != "" && !isDigits(sel.mantissa, 4) {
		return Card{}, invalid("cardMantissa must be the card number's last 4 digits, got %q", sel.mantissa)
	}
	var first, firstLive *Card
	res := w.cards.Query(core.Query[Card]{Index: "user", Value: sel.user, Window: core.Window{Limit: 1 << 30}})
	for i := range res.Items {
		c := &res.Items[i]
		if sel.mantissa != "" {
			if c.Mantissa() == sel.mantissa {
				return *c, nil
			}
			continue
		}
		if first == nil {
			first = c
		}
		if firstLive == nil && c.Status != CardCancelled {
			firstLive = c
		}
	}
	switch {
	case sel.mantissa != "":
		return Card{}, fail("CARD_NOT_EXISTED", text{"user %s has no card ending in %s", "用户 %s 没有尾号 %s 的卡"}, sel.user, sel.mantissa)
	case firstLive != nil:
		return *firstLive, nil
	case first != nil:
		return *first, nil
	}
	return Card{}, fail("CARD_NOT_EXISTED", text{"user %s has no card", "用户 %s 没有卡"}, sel.user)
}

// userCardsLocked returns a user's cards, oldest first.
func (w *world) userCardsLocked(user string) []Card {
	return w.cards.Query(core.Query[Card]{Index: "user", Value: user, Window: core.Window{Limit: 1 << 30}}).Items
}

// newCardLocked issues a NORMAL virtual card for an application and starts
// its statement cycle.
func (w *world) newCardLocked(u User, cat Category, applyID string, at time.Time) Card {
	c := w.buildCardLocked(u, cat, at)
	c.ApplyID = applyID
	w.storeCardLocked(c)
	return c
}

// buildCardLocked makes a NORMAL virtual card, with a last 4 unique among
// the user's cards, without storing it.
func (w *world) buildCardLocked(u User, cat Category, at time.Time) Card {
	taken := map[string]bool{}
	for _, c := range w.userCardsLocked(u.ID) {
		taken[c.Mantissa()] = true
	}
	pan := w.Faker.PAN(cat.BIN, 16)
	for taken[pan[12:]] {
		pan = w.Faker.PAN(cat.BIN, 16)
	}
	emboss := u.EmbossingName
	if emboss == "" {
		emboss = u.Name
	}
	return Card{
		ID: w.numID(19), UserID: u.ID, CategoryID: cat.ID, Type: cat.Type, PAN: pan,
		Holder: u.Name, EmbossingName: emboss, Status: CardNormal, Physical: PhysicalUnapplied,
		Reason: "issued", CreatedAt: at, UpdatedAt: at,
	}
}

// storeCardLocked stores a new card, its history starting with the status
// it is made in, and schedules its first statement.
func (w *world) storeCardLocked(c Card) {
	c.History = core.CardHistory(nil).With(c.CreatedAt, string(c.Status), c.Reason)
	w.cards.Put(c.ID, c)
	w.Agenda.Schedule(w.cycleEnd(w.cycleStart(c.CreatedAt)), taskStatementClose, c.ID)
}

// moveCardLocked changes a card's status and physical status and sends
// CARD_STATUS. A change of status (not one of the physical card alone) is
// recorded in the card's history with its reason.
func (w *world) moveCardLocked(c Card, to CardStatus, physical PhysicalStatus, reason string, at time.Time) Card {
	if to != c.Status {
		c.History = c.History.With(at, string(to), reason)
	}
	c.Status, c.Physical, c.Reason, c.UpdatedAt = to, physical, reason, at
	w.cards.Put(c.ID, c)
	w.notifyLocked(eventCardStatus, c.UserID, at, cardStatusData{
		CardID: c.ID, CardMantissa: c.Mantissa(), CardStatus: c.Status, PhysicalCardStatus: c.Physical,
	})
	return c
}

// errCardState is the error a card in status st gives for an operation
// that needs another status.
func errCardState(c Card, want string) *core.Error {
	switch c.Status {
	case CardCancelled:
		return fail("CARD_TXN_1122020016", text{"card %s is CANCELLED (terminal); apply for a new card", "卡片 %s 已销卡，请重新申请"}, c.Mantissa())
	case CardInactive:
		return fail("CARD_CARD_INACTIVE", text{"card %s is INACTIVE", "卡片 %s 未激活"}, c.Mantissa())
	}
	return fail("CARD_FROZEN_STATUS_UNSUPPORTED", text{"card %s is %s; %s", "卡片 %s 当前为 %s；%s"}, c.Mantissa(), c.Status, want)
}

// freezeLocked is block:true: only a NORMAL card freezes, and its physical
// card freezes with it.
func (w *world) freezeLocked(c Card, reason string) (Card, error) {
	if c.Status != CardNormal {
		return c, errCardState(c, "only a NORMAL card can be frozen")
	}
	c.PhysicalBefore = c.Physical
	physical := c.Physical
	if physical == PhysicalActive || physical == PhysicalInactive {
		physical = PhysicalFrozen
	}
	return w.moveCardLocked(c, CardFrozen, physical, reason, w.Now()), nil
}

// unfreezeLocked is block:false: only a FROZEN card unfreezes, back to
// NORMAL with its physical card's earlier status.
func (w *world) unfreezeLocked(c Card, reason string) (Card, error) {
	if c.Status != CardFrozen {
		return c, errCardState(c, "only a FROZEN card can be unfrozen")
	}
	physical := c.Physical
	if physical == PhysicalFrozen {
		physical = c.PhysicalBefore
		if physical == "" || physical == PhysicalFrozen {
			physical = PhysicalActive
		}
	}
	c.PhysicalBefore = ""
	return w.moveCardLocked(c, CardNormal, physical, reason, w.Now()), nil
}

func isDigits(s string, n int) bool {
	if n > 0 && len(s) != n {
		return false
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
