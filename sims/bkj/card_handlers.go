package bkj

// Card endpoints — bkj "卡业务" section (card list fields from the seed).

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/mocksrv/mocksrv/sims/core"
)

// cardJSON is the card object, field for field (and in the order) of the
// seed's card list.
type cardJSON struct {
	ID                  string      `json:"id"`
	CreatedAt           string      `json:"created_at"`
	UpdateAt            string      `json:"update_at"` // Quirk: update_at, not updated_at (seed card list).
	Remarks             *string     `json:"remarks"`
	IDNo                jsonInt     `json:"id_no"` // Quirk: a JSON number beyond 2^53 (a snowflake), printed with every digit.
	AccountID           string      `json:"account_id"`
	Label               string      `json:"label"`
	Currency            string      `json:"currency"`
	Last4               string      `json:"last4"`
	First8              string      `json:"first8"` // Quirk: named first8 but carries the 6-digit BIN ("438214" in the seed).
	Status              CardStatus  `json:"status"`
	VelocityLimitWindow string      `json:"velocity_limit_window"` // Quirk: "na" when no limit is set.
	VelocityAmountLimit string      `json:"velocity_amount_limit"`
	Type                CardType    `json:"type"`
	ChannelBalance      string      `json:"channel_balance"` // Quirk: amounts are strings with as few decimals as needed ("1670.6", "0").
	Raw                 cardRawJSON `json:"raw"`
	FirstName           string      `json:"first_name"`
	LastName            string      `json:"last_name"`
	CardAddress         Address     `json:"card_address"`
	PhysicalStatus      *CardStatus `json:"physical_status"` // Quirk: null for virtual cards.
}

// cardRawJSON is the channel's own card record. Quirk: DeCard's camelCase
// field names and vocabulary (cardStatus NORMAL, physicalCardStatus
// UN_APPLY) inside bkj's snake_case object.
type cardRawJSON struct {
	Association string `json:"association"`
	// Quirk: balanceCurrency and billingCurrency are absent for some
	// channels (the seed's second card).
	BalanceCurrency    string `json:"balanceCurrency,omitempty"`
	BillingCurrency    string `json:"billingCurrency,omitempty"`
	CABalance          string `json:"caBalance"`
	CardBalance        string `json:"cardBalance"`
	CardEmbossingName  string `json:"cardEmbossingName"`
	CardHolder         string `json:"cardHolder"`
	CardImage          string `json:"cardImage"`
	CardNo             string `json:"cardNo"`
	CardStatus         string `json:"cardStatus"`
	CardType           string `json:"cardType"`
	PhysicalCardStatus string `json:"physicalCardStatus"`
	Points             int    `json:"points"`
	WalletBalance      string `json:"walletBalance"`
}

// first8 returns what bkj's first8 field carries: the six-digit BIN.
func first8(pan string) string {
	if len(pan) < 6 {
		return pan
	}
	return pan[:6]
}

func cardOut(v view, c Card) cardJSON {
	ch := channelOfCard(c)
	out := cardJSON{
		ID: c.ID, CreatedAt: v.time(c.CreatedAt), UpdateAt: v.time(c.UpdatedAt), Remarks: remarks(c.Remarks),
		IDNo: jsonInt(c.IDNo), AccountID: c.AccountID, Label: c.Label, Currency: c.Currency, Last4: c.Last4(),
		First8: first8(c.PAN), Status: c.Status, VelocityLimitWindow: c.VelocityWindow,
		VelocityAmountLimit: c.VelocityLimit.String(), Type: c.Type, ChannelBalance: c.Balance.String(),
		Raw: cardRawJSON{
			Association: ch.Association, BalanceCurrency: ch.RawCurrency, BillingCurrency: ch.RawCurrency,
			CABalance: c.Balance.String(), CardBalance: c.Balance.String(), CardEmbossingName: c.EmbossingName,
			CardHolder: c.HolderTag, CardImage: ch.Image, CardNo: core.Mask(c.PAN, 4), CardStatus: rawCardStatus(c),
			CardType: "NORMAL", PhysicalCardStatus: rawPhysicalStatus(c), Points: 0, WalletBalance: "0",
		},
		FirstName: c.FirstName, LastName: c.LastName, CardAddress: c.Address,
	}
	if c.Type == Physical && c.PhysicalStatus != "" {
		ps := c.PhysicalStatus
		out.PhysicalStatus = &ps
	}
	return out
}

type cardApplyRequest struct {
	AccountID     string   `json:"account_id"`
	ChannelID     string   `json:"channel_id"`
	Label         string   `json:"label"`
	FirstName     string   `json:"first_name"`
	LastName      string   `json:"last_name"`
	EmbossingName string   `json:"embossing_name"`
	AddressID     string   `json:"address_id"`
	CardAddress   *Address `json:"card_address"`
}

func (req cardApplyRequest) validate() (Channel, error) {
	if err := requireString("account_id", req.AccountID, 64); err != nil {
		return Channel{}, err
	}
	if err := requireString("channel_id", req.ChannelID, 64); err != nil {
		return Channel{}, err
	}
	ch, ok := findChannel(req.ChannelID)
	if !ok {
		return ch, notFound("card channel", req.ChannelID)
	}
	if err := maxLen("label", req.Label, 64); err != nil {
		return ch, err
	}
	for _, f := range []struct{ name, v string }{{"first_name", req.FirstName}, {"last_name", req.LastName}} {
		if f.v != "" {
			if err := checkName(f.name, f.v); err != nil {
				return ch, err
			}
		}
	}
	if req.EmbossingName != "" {
		if err := checkName("embossing_name", req.EmbossingName); err != nil {
			return ch, err
		}
	}
	if ch.Type == Physical && req.AddressID == "" {
		return ch, invalid(text{"address_id is required for physical cards (create one with POST /card/addresses)", "实体卡必须传 address_id（可通过 POST /card/addresses 创建）"})
	}
	if req.CardAddress != nil {
		return ch, req.CardAddress.check("card_address.")
	}
	return ch, nil
}

// handleCardApply handles "POST /openapi/v1/card/apply". A virtual card
// starts opening, a physical one pre_producing; the user's KYC must be
// approved.
func (s *Server) handleCardApply(r *http.Request) (any, error) {
	var req cardApplyRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	ch, err := req.validate()
	if err != nil {
		return nil, err
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	u, err := w.approvedLocked(req.AccountID)
	if err != nil {
		return nil, err
	}
	c := Card{AccountID: u.ID, ChannelID: ch.ID, Type: ch.Type, Label: req.Label, FirstName: req.FirstName,
		LastName: req.LastName, EmbossingName: req.EmbossingName, Address: u.Address}
	if c.FirstName == "" {
		c.FirstName = u.FirstName
	}
	if c.LastName == "" {
		c.LastName = u.LastName
	}
	if req.CardAddress != nil {
		c.Address = *req.CardAddress
	}
	if req.AddressID != "" {
		a, err := w.mailingLocked(req.AddressID)
		if err != nil {
			return nil, err
		}
		if a.AccountID != u.ID {
			return nil, invalid(text{"address_id %s belongs to another account", "address_id %s 属于其他账户"}, a.ID)
		}
		c.AddressID, c.Address = a.ID, a.Address
	}
	c, err = s.newCardLocked(w, c, "card applied")
	if err != nil {
		return nil, err
	}
	announce(r, c.Outcome) // a magic label decided the application
	return cardOut(s.viewOf(r), c), nil
}

// cardFilter is the card list's query, exactly as the seed's curl sends it.
type cardFilter struct {
	AccountID, Currency, FirstName, LastName string
	Status                                   CardStatus
	Type                                     CardType
}

func (f cardFilter) keep() func(Card) bool {
	if f.Currency == "" && f.FirstName == "" && f.LastName == "" && f.Status == "" && f.Type == "" {
		return nil
	}
	return func(c Card) bool {
		return (f.Currency == "" || c.Currency == f.Currency) && (f.Status == "" || c.Status == f.Status) &&
			(f.Type == "" || c.Type == f.Type) && (f.FirstName == "" || strings.EqualFold(c.FirstName, f.FirstName)) &&
			(f.LastName == "" || strings.EqualFold(c.LastName, f.LastName))
	}
}

// handleCardList handles "GET /openapi/v1/card/list", newest first.
// Filters: account_id, currency, status, type, first_name, last_name.
func (s *Server) handleCardList(r *http.Request) (any, error) {
	q, p, err := s.pageRequest(r)
	if err != nil {
		return nil, err
	}
	f := cardFilter{AccountID: q.Get("account_id"), Currency: q.Get("currency"), Status: CardStatus(q.Get("status")),
		Type: CardType(q.Get("type")), FirstName: q.Get("first_name"), LastName: q.Get("last_name")}
	if f.Status != "" && !oneOf(f.Status, AllStatuses) {
		return nil, invalid(text{"status %q is not a card status (%s)", "status %q 不是有效的卡片状态（%s）"}, f.Status, statusList())
	}
	if f.Type != "" && f.Type != Virtual && f.Type != Physical {
		return nil, invalid(text{"type must be virtual or physical, got %q", "type 必须为 virtual 或 physical，实际为 %q"}, f.Type)
	}
	index := ""
	if f.AccountID != "" {
		index = "account"
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	rows, total := query(w.cards, p, index, f.AccountID, f.keep())
	v := s.viewOf(r)
	return listOf(p, rows, total, func(c Card) cardJSON { return cardOut(v, c) }), nil
}

func statusList() string {
	parts := make([]string, len(AllStatuses))
	for i, s := range AllStatuses {
		parts[i] = string(s)
	}
	return strings.Join(parts, ", ")
}

// requireID reads the required id query parameter.
func requireID(r *http.Request) (string, error) {
	id := r.URL.Query().Get("id")
	if id == "" {
		return "", invalid(text{"id is required (the query parameter ?id=)", "id 不能为空（查询参数 ?id=）"})
	}
	return id, nil
}

// handleCardDetail handles "GET /openapi/v1/card/detail?id=".
func (s *Server) handleCardDetail(r *http.Request) (any, error) {
	id, err := requireID(r)
	if err != nil {
		return nil, err
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	c, err := w.cardLocked(id)
	if err != nil {
		return nil, err
	}
	return cardOut(s.viewOf(r), c), nil
}

type cvvJSON struct {
	ID       string `json:"id"`
	CardNo   string `json:"card_no"`
	CVV      string `json:"cvv"`
	ExpMonth string `json:"exp_month"`
	ExpYear  string `json:"exp_year"`
}

// handleCardCVV handles "GET /openapi/v1/card/cvv?id=": the full number,
// CVV and expiry of an issued card.
func (s *Server) handleCardCVV(r *http.Request) (any, error) {
	id, err := requireID(r)
	if err != nil {
		return nil, err
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	c, err := w.cardLocked(id)
	if err != nil {
		return nil, err
	}
	if !issued(c) {
		return nil, fail(codeConflict, text{"card %s is %s; its number and CVV exist once it is made", "卡片 %s 当前为 %s，制卡完成后才有卡号和 CVV"}, c.ID, c.Status)
	}
	return cvvJSON{ID: c.ID, CardNo: c.PAN, CVV: c.CVV, ExpMonth: fmt.Sprintf("%02d", c.ExpMonth()), ExpYear: fmt.Sprintf("%d", c.ExpYear())}, nil
}

type cardIDRequest struct {
	ID string `json:"id"`
}

// changeStatus decodes {id}, checks the card is in from, and moves it.
func (s *Server) changeStatus(r *http.Request, action string, from, to CardStatus) (any, error) {
	var req cardIDRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := requireString("id", req.ID, 64); err != nil {
		return nil, err
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	c, err := w.cardLocked(req.ID)
	if err != nil {
		return nil, err
	}
	if c.Status != from {
		if c.Status == to || (to == StatusProcessingFrozen && c.Status == StatusFrozen) || (to == StatusProcessingUnfrozen && c.Status == StatusActive) {
			return nil, fail(codeConflict, text{"card %s is already %s", "卡片 %s 已是 %s 状态"}, c.ID, c.Status)
		}
		return nil, errStatus(c, action, from)
	}
	return cardOut(s.viewOf(r), s.moveLocked(w, c, to, "")), nil
}

// handleCardFreeze handles "POST /openapi/v1/card/freeze": active →
// processing_frozen → frozen (after Delays.Freeze).
func (s *Server) handleCardFreeze(r *http.Request) (any, error) {
	return s.changeStatus(r, "freeze", StatusActive, StatusProcessingFrozen)
}

// handleCardUnfreeze handles "POST /openapi/v1/card/unfreeze": frozen →
// processing_unfrozen → active (after Delays.Unfreeze).
func (s *Server) handleCardUnfreeze(r *http.Request) (any, error) {
	return s.changeStatus(r, "unfreeze", StatusFrozen, StatusProcessingUnfrozen)
}

type cardActivateRequest struct {
	ID   string `json:"id"`
	Last string `json:"last4"`
}

// handleCardActivate handles "POST /openapi/v1/card/activate": a physical
// card that was shipped or delivered goes to activate_reviewing, then
// active. last4, when sent, must match the card.
func (s *Server) handleCardActivate(r *http.Request) (any, error) {
	var req cardActivateRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := requireString("id", req.ID, 64); err != nil {
		return nil, err
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	c, err := w.cardLocked(req.ID)
	if err != nil {
		return nil, err
	}
	switch {
	case c.Type != Physical:
		return nil, fail(codeConflict, text{"card %s is virtual; only physical cards are activated", "卡片 %s 为虚拟卡，仅实体卡需要激活"}, c.ID)
	case c.Status != StatusShipping && c.Status != StatusProcessing:
		return nil, errStatus(c, "activate", StatusShipping, StatusProcessing)
	case req.Last != "" && req.Last != c.Last4():
		return nil, invalid(text{"last4 %q does not match card %s", "last4 %q 与卡片 %s 不匹配"}, req.Last, c.ID)
	}
	return cardOut(s.viewOf(r), s.moveLocked(w, c, StatusActivateReviewing, "")), nil
}

type noPinRequest struct {
	ID     string      `json:"id"`
	Amount amountField `json:"amount"`
}

type noPinJSON struct {
	ID          string `json:"id"`
	NoPinAmount string `json:"no_pin_amount"`
	Currency    string `json:"currency"`
}

// maxNoPin is the highest no-PIN (contactless) amount.
var maxNoPin = core.MustDecimal("500")

// handleCardNoPinAmount handles "POST /openapi/v1/card/no-pin-amount": set
// the amount up to which payments need no PIN (0 to 500).
func (s *Server) handleCardNoPinAmount(r *http.Request) (any, error) {
	var req noPinRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := requireString("id", req.ID, 64); err != nil {
		return nil, err
	}
	amt := core.Zero
	if raw := strings.Trim(strings.TrimSpace(string(req.Amount)), `"`); raw != "0" && raw != "0.00" {
		var err error
		if amt, err = req.Amount.parse("amount", 2); err != nil {
			return nil, err
		}
	}
	if amt.Cmp(maxNoPin) > 0 {
		return nil, invalid(text{"amount must be from 0 to %s, got %s", "amount 必须在 0 到 %s 之间，实际为 %s"}, maxNoPin, amt)
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	c, err := w.cardLocked(req.ID)
	if err != nil {
		return nil, err
	}
	if c.Status != StatusActive {
		return nil, errStatus(c, "no-pin-amount", StatusActive)
	}
	c.NoPinAmount, c.UpdatedAt = amt, w.Now()
	w.cards.Put(c.ID, c)
	return noPinJSON{ID: c.ID, NoPinAmount: amt.String(), Currency: c.Currency}, nil
}

type pinRequest struct {
	ID  string `json:"id"`
	PIN string `json:"pin"`
}

type resultJSON struct {
	ID     string `json:"id"`
	Result bool   `json:"result"`
}

// handleCardPIN handles "POST /openapi/v1/card/pin": reset an active
// physical card's 6-digit PIN.
func (s *Server) handleCardPIN(r *http.Request) (any, error) {
	var req pinRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := requireString("id", req.ID, 64); err != nil {
		return nil, err
	}
	if len(req.PIN) != 6 || !digitsPattern.MatchString(req.PIN) || core.WeakPIN(req.PIN) {
		return nil, invalid(text{"pin must be 6 digits without 3 identical or consecutive digits in a row", "pin 必须为 6 位数字，且不能有 3 位相同或连续的数字"})
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	c, err := w.cardLocked(req.ID)
	if err != nil {
		return nil, err
	}
	switch {
	case c.Type != Physical:
		return nil, fail(codeConflict, text{"card %s is virtual; only physical cards have a PIN", "卡片 %s 为虚拟卡，仅实体卡有 PIN"}, c.ID)
	case c.Status != StatusActive:
		return nil, errStatus(c, "pin", StatusActive)
	}
	c.PIN, c.UpdatedAt = req.PIN, w.Now()
	w.cards.Put(c.ID, c)
	return resultJSON{ID: c.ID, Result: true}, nil
}
