package uqpay

// Card endpoints — UQPay Card Issuance v1.6 "Cards" API reference.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"time"
	"unicode/utf8"

	"github.com/mocksrv/mocksrv/sims/core"
)

type spendingControlRequest struct {
	Amount   amount `json:"amount"`
	Interval string `json:"interval"`
}

type riskControlsRequest struct {
	Allow3DS   *string  `json:"allow_3ds_transactions"`
	Enable3DS  *string  `json:"enable_3ds"`
	AllowedMCC []string `json:"allowed_mcc"`
	BlockedMCC []string `json:"blocked_mcc"`
}

// requiredFields is cardholder_required_fields: one-step issuance creates
// the cardholder from them when cardholder_id is empty (v3 adds the four
// identity fields).
type requiredFields struct {
	Email       string `json:"email"`
	FirstName   string `json:"first_name"`
	LastName    string `json:"last_name"`
	CountryCode string `json:"country_code"`
	PhoneNumber string `json:"phone_number"`
	cardholderFields
}

type cardCreateRequest struct {
	CardLimit         amount                   `json:"card_limit"`
	CardCurrency      string                   `json:"card_currency"`
	CardholderID      string                   `json:"cardholder_id"`
	CardProductID     string                   `json:"card_product_id"`
	SpendingControls  []spendingControlRequest `json:"spending_controls"`
	RiskControls      *riskControlsRequest     `json:"risk_controls"`
	Metadata          json.RawMessage          `json:"metadata"`
	UsageType         *string                  `json:"usage_type"`
	AutoCancelTrigger *string                  `json:"auto_cancel_trigger"`
	ExpiryAt          *string                  `json:"expiry_at"`
	RequiredFields    *requiredFields          `json:"cardholder_required_fields"`
}

type cardCreateResponse struct {
	CardID            string           `json:"card_id"`
	CardOrderID       string           `json:"card_order_id"`
	CardStatus        CardStatus       `json:"card_status"`
	OrderStatus       OrderStatus      `json:"order_status"`
	CreateTime        string           `json:"create_time"`
	CardholderID      string           `json:"cardholder_id,omitempty"`
	CardholderCreated bool             `json:"cardholder_created,omitempty"`
	CardholderStatus  CardholderStatus `json:"cardholder_status,omitempty"`
	Message           string           `json:"message,omitempty"`
}

var mccPattern = regexp.MustCompile(`^[0-9]{4}$`)

// parseControls validates spending controls: known intervals, once each,
// amounts above 0 with two decimals.
func parseControls(in []spendingControlRequest) ([]SpendingControl, error) {
	var out []SpendingControl
	seen := map[string]bool{}
	for i, sc := range in {
		ok := false
		for _, iv := range intervals {
			ok = ok || iv == sc.Interval
		}
		if !ok {
			return nil, invalid("spending_controls[%d].interval must be one of %v, got %q", i, intervals, sc.Interval)
		}
		if seen[sc.Interval] {
			return nil, invalid("spending_controls has interval %s twice", sc.Interval)
		}
		seen[sc.Interval] = true
		if !sc.Amount.set {
			return nil, invalid("spending_controls[%d].amount is required", i)
		}
		d, err := sc.Amount.parse(fmt.Sprintf("spending_controls[%d].amount", i), 2, true)
		if err != nil {
			return nil, err
		}
		out = append(out, SpendingControl{Amount: d, Interval: sc.Interval})
	}
	return out, nil
}

// parseRisk validates risk controls onto base: Y or N for 3DS, four-digit
// MCCs, and allowed_mcc and blocked_mcc never both.
func parseRisk(in *riskControlsRequest, base RiskControls) (RiskControls, error) {
	if in == nil {
		return base, nil
	}
	for name, v := range map[string]*string{"allow_3ds_transactions": in.Allow3DS, "enable_3ds": in.Enable3DS} {
		if v != nil && *v != "Y" && *v != "N" {
			return base, invalid("risk_controls.%s must be Y or N, got %q", name, *v)
		}
	}
	if len(in.AllowedMCC) > 0 && len(in.BlockedMCC) > 0 {
		return base, invalid("risk_controls.allowed_mcc and risk_controls.blocked_mcc are mutually exclusive: set one of them")
	}
	for name, list := range map[string][]string{"allowed_mcc": in.AllowedMCC, "blocked_mcc": in.BlockedMCC} {
		for _, m := range list {
			if !mccPattern.MatchString(m) {
				return base, invalid("risk_controls.%s: %q is not a four-digit MCC", name, m)
			}
		}
	}
	if in.Allow3DS != nil {
		base.Allow3DS = *in.Allow3DS
	}
	if in.AllowedMCC != nil || in.BlockedMCC != nil {
		base.AllowedMCC, base.BlockedMCC = in.AllowedMCC, in.BlockedMCC
	}
	return base, nil
}

// parseMetadata checks metadata is a JSON object of at most 3200 bytes and
// returns it compacted.
func parseMetadata(raw json.RawMessage) (json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] != '{' {
		return nil, invalid("metadata must be a JSON object of key-value pairs")
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, invalid("metadata is not valid JSON")
	}
	if buf.Len() > maxMetadataBytes {
		return nil, invalid("metadata is %d bytes; the maximum is %d bytes", buf.Len(), maxMetadataBytes)
	}
	return json.RawMessage(buf.Bytes()), nil
}

// handleCardCreate handles "POST /api/v1/issuing/cards". The card is
// PENDING with its order PROCESSING; it turns ACTIVE (card.create.succeeded)
// or FAILED (card.create.failed) after the issue delay. A cardholder short
// of the product's required fields is kyc_insufficient (holderForCardLocked).
func (s *Server) handleCardCreate(r *http.Request) (any, error) {
	var req cardCreateRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	w, a := core.WorldOf[*world](r), accountOf(r)
	c, err := s.validateCardCreate(w, req)
	if err != nil {
		return nil, err
	}
	s.worlds.Lock(w)
	defer w.Unlock()

	p, _ := findProduct(req.CardProductID)
	h, created, err := w.holderForCardLocked(r, a, req.CardholderID, req.RequiredFields, p)
	if err != nil {
		return nil, err
	}
	if c.Mode == ModeSingle && c.Limit.Sign() > 0 && a.available(c.Currency).LessThan(c.Limit) {
		return nil, fail("insufficient_balance", "the %s issuing balance (%s) cannot fund a card_limit of %s",
			c.Currency, money(a.available(c.Currency)), money(c.Limit))
	}
	c.CardholderID, c.AccountID = h.ID, a.ID
	c = w.newCardLocked(a, c, p)
	o := w.newOrderLocked(a, c, OrderCreate, "", c.Limit, OrderProcessing)
	c.OrderID = o.ID
	if c.Mode == ModeSingle && c.Limit.Sign() > 0 { // hold the opening load until the card is issued
		bt := w.moveBalanceLocked(a, c.Currency, c.Limit.Neg(), c.Limit, BalCardRecharge, BalPending,
			"Creation card "+last4(c.PAN)+", opening load", o.ID, c.Limit.Neg())
		o.BalTxnID = bt.ID
		a.orders.Put(o.ID, o)
	}
	a.cards.Put(c.ID, c)
	w.Agenda.Schedule(w.Now().Add(w.set.IssueDelay.D()), taskCardIssue, a.ID+"/"+c.ID)

	out := cardCreateResponse{CardID: c.ID, CardOrderID: o.ID, CardStatus: c.Status, OrderStatus: o.Status,
		CreateTime: w.fmtTime(c.CreatedAt)}
	if created {
		out.CardholderID, out.CardholderCreated = h.ID, true
	}
	if h.Status != CardholderSuccess {
		out.CardholderStatus = h.Status
		out.Message = fmt.Sprintf("cardholder KYC is %s: the card is issued once the cardholder is approved", h.Status)
		if h.Status != CardholderPending {
			out.Message = fmt.Sprintf("cardholder KYC is %s: the card cannot be issued until the cardholder is approved", h.Status)
		}
	}
	return out, nil
}

// validateCardCreate checks everything that needs no state and returns
// the card's settings.
func (s *Server) validateCardCreate(w *world, req cardCreateRequest) (Card, error) {
	var c Card
	if req.CardProductID == "" {
		return c, invalid("card_product_id is required")
	}
	p, ok := findProduct(req.CardProductID)
	if !ok || p.Status != "ENABLED" {
		return c, fail("product_not_found", "card_product_id %s is not an enabled card product of this account", req.CardProductID)
	}
	if req.CardCurrency == "" {
		return c, invalid("card_currency is required")
	}
	if !p.supports(req.CardCurrency) {
		return c, invalid("card_currency %q is not offered by product %s (it offers %v)", req.CardCurrency, p.ID, p.Currencies)
	}
	limit := core.Zero
	if req.CardLimit.set {
		var err error
		if limit, err = req.CardLimit.parse("card_limit", 2, false); err != nil {
			return c, err
		}
	}
	if limitRequiredBINs[p.BIN] && limit.LessThan(core.DecimalFromCents(1)) {
		return c, invalid("card_limit is required and must be at least 0.01 for cards of BIN %s", p.BIN)
	}
	controls, err := parseControls(req.SpendingControls)
	if err != nil {
		return c, err
	}
	risk, err := parseRisk(req.RiskControls, RiskControls{Allow3DS: "Y"})
	if err != nil {
		return c, err
	}
	meta, err := parseMetadata(req.Metadata)
	if err != nil {
		return c, err
	}
	c = Card{ProductID: p.ID, Currency: req.CardCurrency, Limit: limit, SpendingControls: controls, Risk: risk, Metadata: meta,
		Mode: p.Mode, Usage: UsageNormal}
	if req.UsageType != nil {
		switch *req.UsageType {
		case UsageNormal:
		case UsageOneTime:
			if !p.OneTime {
				return c, invalid("usage_type ONE_TIME is not enabled for BIN %s (use product BIN %s)", p.BIN, SimulationBIN)
			}
			c.Usage = UsageOneTime
		default:
			return c, invalid("usage_type must be NORMAL or ONE_TIME, got %q", *req.UsageType)
		}
	}
	if req.AutoCancelTrigger != nil {
		if c.Usage != UsageOneTime {
			return c, invalid("auto_cancel_trigger applies to usage_type ONE_TIME only")
		}
		if *req.AutoCancelTrigger != OnAuth && *req.AutoCancelTrigger != OnCapture {
			return c, invalid("auto_cancel_trigger must be ON_AUTH or ON_CAPTURE, got %q", *req.AutoCancelTrigger)
		}
		c.AutoCancel = *req.AutoCancelTrigger
	}
	if c.Usage == UsageOneTime && c.AutoCancel == "" {
		return c, invalid("auto_cancel_trigger (ON_AUTH or ON_CAPTURE) is required when usage_type is ONE_TIME")
	}
	if req.ExpiryAt != nil {
		if c.Usage != UsageOneTime {
			return c, invalid("expiry_at applies to usage_type ONE_TIME only")
		}
		t, err := time.Parse(time.RFC3339, *req.ExpiryAt)
		if err != nil {
			return c, invalid("expiry_at %q must be a date-time with a zone offset, like 2026-03-19T18:46:43+08:00", *req.ExpiryAt)
		}
		if !t.After(w.Tenant.Clock.Now()) { // unlocked: the clock, not Now
			return c, invalid("expiry_at %s is not in the future", *req.ExpiryAt)
		}
		c.ExpiryAt = &t
	}
	return c, nil
}

// newCardLocked fills a new PENDING virtual card's numbers from the faker.
func (w *world) newCardLocked(a *account, c Card, p Product) Card {
	now := w.Now()
	c.ID, c.BIN, c.Scheme, c.Mode = w.Faker.UUID(), p.BIN, p.Scheme, p.Mode
	c.PAN = w.uniquePANLocked(a, p.BIN)
	c.CVV = w.Faker.Digits(3)
	exp := now.In(w.zone).AddDate(cardValidity, 0, 0)
	c.ExpMonth, c.ExpYear = int(exp.Month()), exp.Year()
	if c.FormFactor == "" {
		c.FormFactor = Virtual
	}
	if c.Status == "" {
		c.Status = StatusPending
	}
	if c.NoPIN.IsZero() {
		c.NoPIN = p.NoPIN
	}
	if c.Risk.Allow3DS == "" {
		c.Risk.Allow3DS = "Y"
	}
	if c.Usage == "" {
		c.Usage = UsageNormal
	}
	c.CreatedAt, c.UpdatedAt = now, now
	c.History = nil
	c.record(now, "created")
	a.cardByPAN[c.PAN] = c.ID
	w.scheduleExpiryLocked(a, c)
	return c
}

// uniquePANLocked draws a Luhn-valid card number of the BIN no card of the
// account has.
func (w *world) uniquePANLocked(a *account, bin string) string {
	for {
		pan := w.Faker.PAN(bin, 16)
		if _, taken := a.cardByPAN[pan]; !taken {
			return pan
		}
	}
}

type riskControlsJSON struct {
	Enable3DS  string   `json:"enable_3ds"`
	Allow3DS   string   `json:"allow_3ds_transactions"`
	AllowedMCC []string `json:"allowed_mcc"`
	BlockedMCC []string `json:"blocked_mcc"`
}

type spendingControlJSON struct {
	Amount   string `json:"amount"` // SDK v2 reads a string
	Interval string `json:"interval"`
}

// cardJSON is the Retrieve Card shape, field for field and in the seed's
// key order (shared/seeds/uqpay-retrieve-card.txt).
//
// Quirk: available_balance, consumed_amount and spending_controls[].amount
// are decimal strings while card_limit is a number; no_pin_payment_amount
// carries its currency ("2000USD") though requests send a bare number.
type cardJSON struct {
	CardID             string                `json:"card_id"`
	CardBin            string                `json:"card_bin"`
	CardScheme         string                `json:"card_scheme"`
	CardNumber         string                `json:"card_number"`
	FormFactor         FormFactor            `json:"form_factor"`
	ModeType           Mode                  `json:"mode_type"`
	CardLimit          jsonNumber            `json:"card_limit"`
	AvailableBalance   string                `json:"available_balance"`
	Cardholder         cardholderJSON        `json:"cardholder"`
	NoPinPaymentAmount string                `json:"no_pin_payment_amount"`
	CardStatus         CardStatus            `json:"card_status"`
	CardCurrency       string                `json:"card_currency"`
	CardProductID      string                `json:"card_product_id"`
	SpendingControls   []spendingControlJSON `json:"spending_controls"`
	RiskControls       riskControlsJSON      `json:"risk_controls"`
	Metadata           json.RawMessage       `json:"metadata"`
	UpdateReason       string                `json:"update_reason"`
	ConsumedAmount     string                `json:"consumed_amount"`
}

func riskJSON(r RiskControls) riskControlsJSON {
	return riskControlsJSON{Enable3DS: "Y", Allow3DS: r.Allow3DS, AllowedMCC: r.AllowedMCC, BlockedMCC: r.BlockedMCC}
}

func (w *world) cardJSON(a *account, c Card) cardJSON {
	h, _ := a.cardholders.Get(c.CardholderID)
	out := cardJSON{
		CardID: c.ID, CardBin: c.BIN, CardScheme: c.Scheme, CardNumber: c.Masked(), FormFactor: c.FormFactor,
		ModeType: c.Mode, CardLimit: number(c.Limit), AvailableBalance: money(a.cardAvailable(c)),
		Cardholder: w.holderJSON(a, h), NoPinPaymentAmount: amountText(c.NoPIN) + c.Currency, CardStatus: c.Status,
		CardCurrency: c.Currency, CardProductID: c.ProductID, SpendingControls: []spendingControlJSON{},
		RiskControls: riskJSON(c.Risk), Metadata: metadataOf(c), UpdateReason: c.UpdateReason,
		ConsumedAmount: money(c.Consumed),
	}
	for _, sc := range c.SpendingControls {
		out.SpendingControls = append(out.SpendingControls, spendingControlJSON{Amount: money(sc.Amount), Interval: sc.Interval})
	}
	return out
}

// cardholderShortJSON is the cardholder inside List Cards items.
type cardholderShortJSON struct {
	CardholderID     string           `json:"cardholder_id"`
	CardholderStatus CardholderStatus `json:"cardholder_status"`
	CreateTime       string           `json:"create_time"`
	Email            string           `json:"email"`
	FirstName        string           `json:"first_name"`
	LastName         string           `json:"last_name"`
}

// cardListJSON is a List Cards item, as the docs' example shows it.
type cardListJSON struct {
	CardID           string              `json:"card_id"`
	CardBin          string              `json:"card_bin"`
	CardScheme       string              `json:"card_scheme"`
	CardNumber       string              `json:"card_number"`
	FormFactor       FormFactor          `json:"form_factor"`
	ModeType         Mode                `json:"mode_type"`
	CardLimit        jsonNumber          `json:"card_limit"`
	AvailableBalance string              `json:"available_balance"`
	Cardholder       cardholderShortJSON `json:"cardholder"`
	CardStatus       CardStatus          `json:"card_status"`
	CardCurrency     string              `json:"card_currency"`
	CardProductID    string              `json:"card_product_id"`
	RiskControls     riskControlsJSON    `json:"risk_controls"`
	Metadata         json.RawMessage     `json:"metadata"`
	UpdateReason     string              `json:"update_reason"`
	ConsumedAmount   string              `json:"consumed_amount"`
}

func (w *world) cardListJSON(a *account, c Card) cardListJSON {
	h, _ := a.cardholders.Get(c.CardholderID)
	return cardListJSON{
		CardID: c.ID, CardBin: c.BIN, CardScheme: c.Scheme, CardNumber: c.Masked(), FormFactor: c.FormFactor,
		ModeType: c.Mode, CardLimit: number(c.Limit), AvailableBalance: money(a.cardAvailable(c)),
		Cardholder: cardholderShortJSON{CardholderID: h.ID, CardholderStatus: h.Status,
			CreateTime: h.CreatedAt.In(w.zone).Format(layoutSpaced), Email: h.Email, FirstName: h.FirstName, LastName: h.LastName},
		CardStatus: c.Status, CardCurrency: c.Currency, CardProductID: c.ProductID, RiskControls: riskJSON(c.Risk),
		Metadata: metadataOf(c), UpdateReason: c.UpdateReason, ConsumedAmount: money(c.Consumed),
	}
}

// cardStatuses is the card_status filter's enum.
var cardStatuses = []CardStatus{StatusPending, StatusActive, StatusFrozen, StatusBlocked, StatusPreCancel,
	StatusCancelled, StatusLost, StatusStolen, StatusFailed}

// handleCardList handles "GET /api/v1/issuing/cards", newest first,
// filtered by card_number (the full PAN), card_status and cardholder_id.
func (s *Server) handleCardList(r *http.Request) (any, error) {
	p, err := s.pageOf(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	status := CardStatus(q.Get("card_status"))
	if status != "" {
		ok := false
		for _, st := range cardStatuses {
			ok = ok || st == status
		}
		if !ok {
			return nil, invalid("card_status must be one of %v, got %q", cardStatuses, status)
		}
	}
	w, a := s.worlds.Enter(r), accountOf(r)
	defer w.Unlock()
	var keeps []func(Card) bool
	if status != "" {
		keeps = append(keeps, func(c Card) bool { return c.Status == status })
	}
	if pan := q.Get("card_number"); pan != "" {
		id := a.cardByPAN[pan]
		keeps = append(keeps, func(c Card) bool { return c.ID == id })
	}
	var keep func(Card) bool
	if len(keeps) > 0 {
		keep = func(c Card) bool {
			for _, k := range keeps {
				if !k(c) {
					return false
				}
			}
			return true
		}
	}
	index, value := "", ""
	if hid := q.Get("cardholder_id"); hid != "" {
		index, value = "cardholder", hid
	}
	res := queryTable(a.cards, p, index, value, time.Time{}, time.Time{}, keep)
	out := make([]cardListJSON, 0, len(res.Items))
	for _, c := range res.Items {
		out = append(out, w.cardListJSON(a, c))
	}
	return listOf(out, res.Total, p), nil
}

// handleCardRetrieve handles "GET /api/v1/issuing/cards/{id}" (no secure
// data).
func (s *Server) handleCardRetrieve(r *http.Request) (any, error) {
	w, a, c, unlock, err := s.lockCard(r)
	defer unlock()
	if err != nil {
		return nil, err
	}
	return w.cardJSON(a, c), nil
}

type cardUpdateRequest struct {
	CardLimit          amount                   `json:"card_limit"`
	NoPinPaymentAmount amount                   `json:"no_pin_payment_amount"`
	SpendingControls   []spendingControlRequest `json:"spending_controls"`
	RiskControls       *riskControlsRequest     `json:"risk_controls"`
	Metadata           json.RawMessage          `json:"metadata"`
	CardArtID          *string                  `json:"card_art_id"`
	NameOnCard         *string                  `json:"name_on_card"`
}

type cardUpdateResponse struct {
	CardID      string      `json:"card_id"`
	CardOrderID string      `json:"card_order_id"`
	CardStatus  CardStatus  `json:"card_status"`
	OrderStatus OrderStatus `json:"order_status"`
}

// handleCardUpdate handles "POST /api/v1/issuing/cards/{id}": card_limit,
// no_pin_payment_amount, spending and risk controls, metadata. The order
// completes at once and card.update.succeeded follows.
func (s *Server) handleCardUpdate(r *http.Request) (any, error) {
	var req cardUpdateRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	var limit, noPIN core.Decimal
	var err error
	if req.CardLimit.set {
		if limit, err = req.CardLimit.parse("card_limit", 2, false); err != nil {
			return nil, err
		}
	}
	if req.NoPinPaymentAmount.set {
		if noPIN, err = req.NoPinPaymentAmount.parse("no_pin_payment_amount", 2, false); err != nil {
			return nil, err
		}
	}
	controls, err := parseControls(req.SpendingControls)
	if err != nil {
		return nil, err
	}
	meta, err := parseMetadata(req.Metadata)
	if err != nil {
		return nil, err
	}
	if req.NameOnCard != nil && (*req.NameOnCard == "" || utf8.RuneCountInString(*req.NameOnCard) > 26) {
		return nil, invalid("name_on_card must be 1 to 26 characters")
	}
	w, a, c, unlock, err := s.lockCard(r)
	defer unlock()
	if err != nil {
		return nil, err
	}
	if !c.live() || c.Status == StatusPreCancel {
		return nil, fail("card_status_invalid", "card %s is %s and cannot be updated", c.ID, c.Status)
	}
	if req.CardLimit.set {
		if c.Usage == UsageOneTime {
			return nil, errOneTimeLock
		}
		if limitRequiredBINs[c.BIN] && limit.LessThan(core.DecimalFromCents(1)) {
			return nil, invalid("card_limit must be at least 0.01 for cards of BIN %s", c.BIN)
		}
		c.Limit, c.BaseLimit = limit, nil
	}
	if req.NoPinPaymentAmount.set {
		c.NoPIN = noPIN
	}
	if req.SpendingControls != nil {
		c.SpendingControls = controls
	}
	if c.Risk, err = parseRisk(req.RiskControls, c.Risk); err != nil {
		return nil, err
	}
	if req.Metadata != nil {
		c.Metadata = meta
	}
	if req.CardArtID != nil {
		art, ok := findArt(*req.CardArtID)
		if !ok || art.ProductID != c.ProductID {
			return nil, fail("card_art_not_found", "card_art_id %s is not a card art of product %s", *req.CardArtID, c.ProductID)
		}
		c.ArtID = art.ID
	}
	if req.NameOnCard != nil {
		c.NameOnCard = *req.NameOnCard
	}
	c.UpdatedAt = w.Now()
	a.cards.Put(c.ID, c)
	o := w.newOrderLocked(a, c, OrderUpdate, "", core.Zero, OrderSuccess)
	w.emitLocked(eventUpdateSucceeded, o.ID, w.updatedData(a, c, o.ID))
	return cardUpdateResponse{CardID: c.ID, CardOrderID: o.ID, CardStatus: c.Status, OrderStatus: o.Status}, nil
}

type secureJSON struct {
	CVV        string `json:"cvv"`
	ExpireDate string `json:"expire_date"`
	CardNumber string `json:"card_number"`
}

func secureOf(c Card) secureJSON {
	return secureJSON{CVV: c.CVV, ExpireDate: fmt.Sprintf("%02d/%02d", c.ExpMonth, c.ExpYear%100), CardNumber: c.PAN}
}

// handleCardSecure handles "GET /api/v1/issuing/cards/{id}/secure": the
// full card number, CVV and expiry (MM/YY).
func (s *Server) handleCardSecure(r *http.Request) (any, error) {
	_, _, c, unlock, err := s.lockCard(r)
	defer unlock()
	if err != nil {
		return nil, err
	}
	if c.Status == StatusFailed || (c.Status == StatusPending && c.FormFactor == Virtual) {
		return nil, fail("card_status_invalid", "card %s is %s: it has no card details yet", c.ID, c.Status)
	}
	return secureOf(c), nil
}

type statusRequest struct {
	CardStatus   CardStatus `json:"card_status"`
	UpdateReason *string    `json:"update_reason"`
}

type statusResponse struct {
	CardID       string      `json:"card_id"`
	CardOrderID  string      `json:"card_order_id"`
	OrderStatus  OrderStatus `json:"order_status"`
	UpdateReason string      `json:"update_reason,omitempty"`
}

// handleCardUpdateStatus handles "POST /api/v1/issuing/cards/{id}/status":
// ACTIVE, FROZEN or CANCELLED. The change is an order, PENDING until it
// completes and card.status.update.succeeded follows; CANCELLED goes to
// PRE_CANCEL first.
func (s *Server) handleCardUpdateStatus(r *http.Request) (any, error) {
	var req statusRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if req.CardStatus == "" {
		return nil, invalid("card_status is required (ACTIVE, FROZEN or CANCELLED)")
	}
	reason := ""
	if req.UpdateReason != nil {
		if len(*req.UpdateReason) > 100 {
			return nil, invalid("update_reason is longer than 100 characters")
		}
		reason = *req.UpdateReason
	}
	w, a, c, unlock, err := s.lockCard(r)
	defer unlock()
	if err != nil {
		return nil, err
	}
	o, err := w.requestStatusLocked(a, c, req.CardStatus, reason)
	if err != nil {
		return nil, err
	}
	return statusResponse{CardID: c.ID, CardOrderID: o.ID, OrderStatus: o.Status, UpdateReason: reason}, nil
}
