package uqpay

// Physical card endpoints — UQPay Card Issuance v1.6 "Activate Card",
// "Reset PIN", "Manage PIN" and "Assign Card".

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/mocksrv/mocksrv/sims/core"
)

var (
	pinPattern = regexp.MustCompile(`^[0-9]{6}$`)
	panPattern = regexp.MustCompile(`^[0-9]{13,19}$`)
)

// validPIN checks a PIN: six digits, not all the same (mocksrv's rule; the
// docs publish none).
func validPIN(field, pin string) error {
	if !pinPattern.MatchString(pin) {
		return fail("invalid_pin", "%s must be 6 digits", field)
	}
	if pin == strings.Repeat(pin[:1], len(pin)) {
		return fail("invalid_pin", "%s must not be one digit repeated", field)
	}
	return nil
}

type activateRequest struct {
	CardID             string `json:"card_id"`
	ActivationCode     string `json:"activation_code"`
	PIN                string `json:"pin"`
	NoPinPaymentAmount amount `json:"no_pin_payment_amount"`
}

type requestStatusResponse struct {
	RequestStatus string `json:"request_status"`
}

// handleCardActivate handles "POST /api/v1/issuing/cards/activate": a
// physical card turns ACTIVE with the activation code sent in
// card.activation.code, and card.activation.status follows.
func (s *Server) handleCardActivate(r *http.Request) (any, error) {
	var req activateRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	switch {
	case req.CardID == "":
		return nil, invalid("card_id is required")
	case req.ActivationCode == "":
		return nil, invalid("activation_code is required")
	}
	if err := validPIN("pin", req.PIN); err != nil {
		return nil, err
	}
	var noPIN core.Decimal
	if req.NoPinPaymentAmount.set {
		var err error
		if noPIN, err = req.NoPinPaymentAmount.parse("no_pin_payment_amount", 2, false); err != nil {
			return nil, err
		}
	}
	w, a := s.worlds.Enter(r), accountOf(r)
	defer w.Unlock()
	c, err := a.cardLocked(req.CardID)
	if err != nil {
		return nil, err
	}
	switch {
	case c.FormFactor != Physical:
		return nil, fail("card_operation_not_supported", "card %s is virtual; only physical cards are activated", c.ID)
	case c.Status != StatusPending:
		return nil, fail("card_status_invalid", "card %s is %s, not waiting for activation", c.ID, c.Status)
	case c.ActivationCode != req.ActivationCode:
		return nil, fail("invalid_activation_code", "activation_code does not match the code sent for card %s", c.ID)
	}
	c.PIN, c.ActivationCode, c.Status, c.UpdatedAt = req.PIN, "", StatusActive, w.Now()
	if req.NoPinPaymentAmount.set {
		c.NoPIN = noPIN
	}
	c.record(c.UpdatedAt, "activated with its activation code")
	a.cards.Put(c.ID, c)
	w.startFeesLocked(a, c)
	w.emitLocked(eventActivationStatus, c.ID, activationStatusData{ActivationStatus: "Activated", CardID: c.ID, CardNumber: c.maskedWebhook()})
	return requestStatusResponse{RequestStatus: "SUCCESS"}, nil
}

// pinCardLocked returns a physical card whose PIN may change.
func pinCardLocked(a *account, id string) (Card, error) {
	c, err := a.cardLocked(id)
	switch {
	case err != nil:
		return c, err
	case c.FormFactor != Physical:
		return c, fail("card_operation_not_supported", "card %s is virtual; PINs exist on physical cards only", c.ID)
	case c.Status == StatusPending:
		return c, fail("card_status_invalid", "card %s is PENDING: activate it with POST /api/v1/issuing/cards/activate, which sets the PIN", c.ID)
	case !c.live() || c.Status == StatusPreCancel:
		return c, fail("card_status_invalid", "card %s is %s", c.ID, c.Status)
	}
	return c, nil
}

type resetPINRequest struct {
	CardID string `json:"card_id"`
	PIN    string `json:"pin"`
	Type   string `json:"type"`
	OldPIN string `json:"old_pin"`
}

type resetPINResponse struct {
	RequestStatus string      `json:"request_status"`
	CardID        string      `json:"card_id"`
	CardOrderID   string      `json:"card_order_id"`
	OrderStatus   OrderStatus `json:"order_status"`
	CreateTime    string      `json:"create_time"`
}

// handleCardResetPIN handles "POST /api/v1/issuing/cards/pin".
func (s *Server) handleCardResetPIN(r *http.Request) (any, error) {
	var req resetPINRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if req.CardID == "" {
		return nil, invalid("card_id is required")
	}
	if err := validPIN("pin", req.PIN); err != nil {
		return nil, err
	}
	w, a := s.worlds.Enter(r), accountOf(r)
	defer w.Unlock()
	c, err := pinCardLocked(a, req.CardID)
	if err != nil {
		return nil, err
	}
	if err := c.changePIN(req.Type, req.PIN, req.OldPIN); err != nil {
		return nil, err
	}
	c.UpdatedAt = w.Now()
	a.cards.Put(c.ID, c)
	o := w.newOrderLocked(a, c, OrderPIN, "", core.Zero, OrderSuccess)
	return resetPINResponse{RequestStatus: "SUCCESS", CardID: c.ID, CardOrderID: o.ID, OrderStatus: o.Status,
		CreateTime: w.fmtTime(o.CreatedAt)}, nil
}

// changePIN applies a PIN change of type SET (no PIN yet), RESET or UPDATE
// (old_pin must match); an empty type resets.
func (c *Card) changePIN(typ, pin, old string) error {
	switch typ {
	case "", "RESET":
	case "SET":
		if c.PIN != "" {
			return fail("invalid_pin", "card %s already has a PIN: use RESET or UPDATE", c.ID)
		}
	case "UPDATE":
		if c.PIN == "" || old != c.PIN {
			return fail("invalid_pin", "old_pin does not match the card's PIN")
		}
	default:
		return invalid("type must be SET, RESET or UPDATE, got %q", typ)
	}
	c.PIN = pin
	return nil
}

type managePINResponse struct {
	CardID      string `json:"card_id"`
	CardOrderID string `json:"card_order_id"`
	CreateTime  string `json:"create_time"`
}

// handleCardManagePIN handles "POST /api/v1/issuing/cards/manage/pin".
func (s *Server) handleCardManagePIN(r *http.Request) (any, error) {
	var req resetPINRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if req.CardID == "" {
		return nil, invalid("card_id is required")
	}
	if req.Type == "" {
		return nil, invalid("type is required (SET, RESET or UPDATE)")
	}
	if err := validPIN("pin", req.PIN); err != nil {
		return nil, err
	}
	w, a := s.worlds.Enter(r), accountOf(r)
	defer w.Unlock()
	c, err := pinCardLocked(a, req.CardID)
	if err != nil {
		return nil, err
	}
	if err := c.changePIN(req.Type, req.PIN, req.OldPIN); err != nil {
		return nil, err
	}
	c.UpdatedAt = w.Now()
	a.cards.Put(c.ID, c)
	o := w.newOrderLocked(a, c, OrderPIN, "", core.Zero, OrderSuccess)
	return managePINResponse{CardID: c.ID, CardOrderID: o.ID, CreateTime: w.fmtTime(o.CreatedAt)}, nil
}

type assignRequest struct {
	CardholderID string `json:"cardholder_id"`
	CardNumber   string `json:"card_number"`
	CardCurrency string `json:"card_currency"`
	CardMode     Mode   `json:"card_mode"`
}

type assignResponse struct {
	CardID      string      `json:"card_id"`
	CardOrderID string      `json:"card_order_id"`
	CreateTime  string      `json:"create_time"`
	CardStatus  CardStatus  `json:"card_status"`
	OrderStatus OrderStatus `json:"order_status"`
}

// handleCardAssign handles "POST /api/v1/issuing/cards/assign": a
// pre-made card number is given to a cardholder. A card of a product with
// physical cards is PHYSICAL and waits for activation (its code arrives in
// card.activation.code); otherwise it is a bulk virtual card, ACTIVE at
// once.
func (s *Server) handleCardAssign(r *http.Request) (any, error) {
	var req assignRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	switch {
	case req.CardholderID == "":
		return nil, invalid("cardholder_id is required")
	case !panPattern.MatchString(req.CardNumber):
		return nil, invalid("card_number %q must be the 13- to 19-digit number of a card UQPAY provisioned to you", req.CardNumber)
	case req.CardMode != ModeSingle && req.CardMode != ModeShare:
		return nil, invalid("card_mode must be SINGLE or SHARE, got %q", req.CardMode)
	}
	p, ok := productForPAN(req.CardNumber, req.CardMode)
	if !ok {
		return nil, fail("card_not_found", "card_number %s is not a %s card provisioned to this account", req.CardNumber, req.CardMode)
	}
	if !p.supports(req.CardCurrency) {
		return nil, invalid("card_currency %q is not offered for this card (it offers %v)", req.CardCurrency, p.Currencies)
	}
	w, a := s.worlds.Enter(r), accountOf(r)
	defer w.Unlock()
	h, err := a.cardholderLocked(req.CardholderID)
	if err != nil {
		return nil, err
	}
	if h.Status != CardholderSuccess {
		return nil, fail("cardholder_status_invalid", "cardholder %s is %s; cards can be assigned to approved cardholders only", h.ID, h.Status)
	}
	if id, taken := a.cardByPAN[req.CardNumber]; taken {
		return nil, fail("card_status_invalid", "card_number %s is already assigned (card %s)", req.CardNumber, id)
	}
	c := Card{CardholderID: h.ID, AccountID: a.ID, ProductID: p.ID, Currency: req.CardCurrency, Risk: RiskControls{Allow3DS: "Y"}}
	if p.physical() {
		c.FormFactor = Physical
	} else {
		c.Status = StatusActive
	}
	c = w.newCardLocked(a, c, p)
	delete(a.cardByPAN, c.PAN)
	c.PAN = req.CardNumber
	a.cardByPAN[c.PAN] = c.ID
	a.issued[p.ID]++
	o := w.newOrderLocked(a, c, OrderCreate, "", core.Zero, OrderSuccess)
	c.OrderID = o.ID
	if c.FormFactor == Physical {
		c.ActivationCode = w.Faker.Digits(8)
		w.emitLocked(eventActivationCode, c.ID, activationCodeData{ActivationCode: c.ActivationCode, CardID: c.ID, CardNumber: c.maskedWebhook()})
	}
	a.cards.Put(c.ID, c)
	if c.Status == StatusActive {
		w.startFeesLocked(a, c)
	}
	return assignResponse{CardID: c.ID, CardOrderID: o.ID, CreateTime: w.fmtTime(c.CreatedAt), CardStatus: c.Status,
		OrderStatus: o.Status}, nil
}
