package decard

// Guidance links — DeCard account §2 "POST /redirect/v1/guidance-link"
// (v2 selects the card by cardId). The H5 pages are not simulated: the
// link stands for a user who opens it at once and completes the page, so
// its action takes effect when the link is made (see doc.go).

import (
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"time"
)

// Link actions: the two the docs list, and the ones the Java connector
// adds.
var linkActions = set("KYC_GUIDE CARD_INFO CREATE_PHYSICAL_CARD ACTIVE_PHYSICAL_CARD UPDATE_PIN TRAVEL_RULE KYC_EXTRA_DOC")

// Link is a one-time H5 link (valid 5 minutes, single use).
type Link struct {
	Secret    string    `json:"secret"`
	Action    string    `json:"action"`
	UserID    string    `json:"externalUserId"`
	CardID    string    `json:"cardId,omitempty"`
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expiresAt"`
}

type guidanceLinkRequest struct {
	Action             string     `json:"action"`
	ExternalUserID     string     `json:"externalUserId"`
	SuccessRedirectURL string     `json:"successRedirectUrl"`
	ErrorRedirectURL   string     `json:"errorRedirectUrl"`
	Referer            string     `json:"referer"`
	UserAgent          string     `json:"userAgent"`
	Language           string     `json:"language"`
	CardMantissa       string     `json:"cardMantissa"`
	CardID             flexString `json:"cardId"`
	SelectCardPageShow string     `json:"selectCardPageShow"`
	Theme              string     `json:"theme"`
	Mode               string     `json:"mode"`
	PrimaryColor       string     `json:"primaryColor"`
}

// Task kind of physical-card delivery.
const taskShippingStep = "shipping.step"

// handleGuidanceLink handles "POST /redirect/v1/guidance-link".
func (s *Server) handleGuidanceLink(r *http.Request) (any, error) { return s.guidanceLink(r, false) }

// handleGuidanceLinkV2 handles "POST /redirect/v2/guidance-link".
func (s *Server) handleGuidanceLinkV2(r *http.Request) (any, error) { return s.guidanceLink(r, true) }

func (s *Server) guidanceLink(r *http.Request, v2 bool) (any, error) {
	var req guidanceLinkRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if !linkActions[req.Action] {
		return nil, invalid("action must be one of %s, got %q", keys(linkActions), req.Action)
	}
	if req.SuccessRedirectURL == "" || req.ErrorRedirectURL == "" {
		return nil, invalid("successRedirectUrl and errorRedirectUrl are required")
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	u, err := w.userLocked(req.ExternalUserID)
	if err != nil {
		return nil, err
	}
	sel := cardSelector{user: u.ID, mantissa: req.CardMantissa}
	if v2 {
		sel = cardSelector{user: u.ID, id: string(req.CardID)}
	}
	cardID, page, err := w.linkActionLocked(r, u, req.Action, sel)
	if err != nil {
		return nil, err
	}
	lang := "en"
	if req.Language == "zh" || req.Language == "zh-CN" || req.Language == "zh_CN" {
		lang = "zh"
	}
	raw, _ := hex.DecodeString(w.Faker.HexID(32))
	secret := base64.RawURLEncoding.EncodeToString(raw)
	l := Link{Secret: secret, Action: req.Action, UserID: u.ID, CardID: cardID,
		URL: w.set.LinkBase + "/" + lang + "/card/" + page + "?secret=" + secret, ExpiresAt: w.Now().Add(5 * time.Minute)}
	for k, old := range w.links { // links live 5 minutes
		if !w.Now().Before(old.ExpiresAt) {
			delete(w.links, k)
		}
	}
	w.links[secret] = l
	return l.URL, nil
}

// linkActionLocked applies what the user does on the linked page and
// returns the card involved and the page's path.
func (w *world) linkActionLocked(r *http.Request, u User, action string, sel cardSelector) (cardID, page string, err error) {
	switch action {
	case "KYC_GUIDE":
		switch u.KYC {
		case KYCPass:
			return "", "", fail("KYC_KYC_ALREADY_PASSED", text{"user %s", "用户 %s"}, u.ID)
		case KYCInit, KYCPending:
			return "", "", fail("KYC_WORKFLOW_PROCESSING", text{"user %s is %s", "用户 %s 当前为 %s"}, u.ID, u.KYC)
		}
		w.startKYCLocked(u, u.Outcome) // the outcome the user's magic mobile (or the admin API) decided
		announce(r, u.Outcome)
		return "", "scheme", nil
	case "TRAVEL_RULE", "KYC_EXTRA_DOC":
		return "", "detail", nil
	}
	c, err := w.cardLocked(sel)
	if err != nil {
		return "", "", err
	}
	switch c.Status {
	case CardCancelled, CardFrozen:
		return "", "", errCardState(c, "unfreeze it first")
	}
	switch action {
	case "CREATE_PHYSICAL_CARD":
		if c.Physical != PhysicalUnapplied {
			return "", "", fail("CARD_PHYSICAL_CARD_APPLIED", text{"card %s's physical card is %s", "卡片 %s 的实体卡状态为 %s"}, c.Mantissa(), c.Physical)
		}
		c.Shipping = Shipping{Status: "PENDING"}
		c = w.moveCardLocked(c, c.Status, PhysicalInactive, "physical card applied", w.Now())
		w.notifyLocked(eventShipping, u.ID, w.Now(), shippingJSON(c))
		w.Agenda.Schedule(w.Now().Add(24*time.Hour), taskShippingStep, c.ID)
		return c.ID, "scheme", nil
	case "ACTIVE_PHYSICAL_CARD":
		switch c.Physical {
		case PhysicalUnapplied:
			return "", "", fail("CARD_PHYSICAL_CARD_UNAPPLY", text{"card %s", "卡片 %s"}, c.Mantissa())
		case PhysicalActive:
			return "", "", fail("CARD_TXN_1122020023", text{"card %s", "卡片 %s"}, c.Mantissa())
		}
		w.moveCardLocked(c, c.Status, PhysicalActive, "physical card activated", w.Now())
	case "UPDATE_PIN":
		if c.Physical != PhysicalActive {
			return "", "", fail("CARD_PHYSICAL_CARD_INACTIVE", text{"card %s's physical card is %s", "卡片 %s 的实体卡状态为 %s"}, c.Mantissa(), c.Physical)
		}
	}
	return c.ID, "detail", nil
}

// shippingStepLocked moves a physical card's delivery on: PENDING →
// SHIPPED (a day after the application) → DELIVERED (three days later).
func (w *world) shippingStepLocked(cardID string, at time.Time) {
	c, ok := w.cards.Get(cardID)
	if !ok {
		return
	}
	switch c.Shipping.Status {
	case "PENDING":
		c.Shipping = Shipping{Status: "SHIPPED", TrackingNumber: w.Faker.Digits(10), TrackingCompany: "DHL"}
		w.Agenda.Schedule(at.Add(72*time.Hour), taskShippingStep, c.ID)
	case "SHIPPED":
		c.Shipping.Status = "DELIVERED"
	default:
		return
	}
	c.UpdatedAt = at
	w.cards.Put(c.ID, c)
	w.notifyLocked(eventShipping, c.UserID, at, shippingJSON(c))
}

// shippingInfo is the data of physical-shipping-info and the
// CARD_PHYSICAL_SHIPPING webhook.
type shippingInfo struct {
	ExternalUserID      string `json:"externalUserId"`
	CardMantissa        string `json:"cardMantissa"`
	Status              string `json:"status"`
	TrackingNumber      string `json:"trackingNumber"`
	TrackingCompanyName string `json:"trackingCompanyName"`
}

func shippingJSON(c Card) shippingInfo {
	return shippingInfo{c.UserID, c.Mantissa(), c.Shipping.Status, c.Shipping.TrackingNumber, c.Shipping.TrackingCompany}
}
