package uqpay

// Limit and protection endpoints — UQPay Card Issuance v1.6 "Elevate
// Limit" and "Network Protection" (enrol, remove).

import (
	"net/http"
	"time"
)

type elevateRequest struct {
	LimitAmount    amount `json:"limit_amount"`
	DurationInDays int    `json:"duration_in_days"`
}

type elevateResponse struct {
	CardID      string      `json:"card_id"`
	CardOrderID string      `json:"card_order_id"`
	OrderStatus OrderStatus `json:"order_status"`
}

// handleCardElevateLimit handles "POST /api/v1/issuing/cards/{id}/elevate_limit":
// a SHARE card's card_limit is raised to limit_amount for
// duration_in_days (default 1, at most 30), then restored.
func (s *Server) handleCardElevateLimit(r *http.Request) (any, error) {
	var req elevateRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if !req.LimitAmount.set {
		return nil, invalid("limit_amount is required")
	}
	limit, err := req.LimitAmount.parse("limit_amount", 2, true)
	if err != nil {
		return nil, err
	}
	days := req.DurationInDays
	if days == 0 {
		days = 1
	}
	if days < 1 || days > 30 {
		return nil, invalid("duration_in_days must be between 1 and 30, got %d", req.DurationInDays)
	}
	w, a, c, unlock, err := s.lockCard(r)
	defer unlock()
	if err != nil {
		return nil, err
	}
	switch {
	case c.Mode != ModeShare:
		return nil, fail("card_operation_not_supported", "only SHARE cards have a card_limit to elevate")
	case c.Usage == UsageOneTime:
		return nil, errOneTimeLock
	case c.Status != StatusActive && c.Status != StatusFrozen:
		return nil, fail("card_status_invalid", "card %s is %s", c.ID, c.Status)
	case limit.Cmp(c.Limit) <= 0:
		return nil, invalid("limit_amount %s must be above the current card_limit %s", money(limit), money(c.Limit))
	}
	if c.BaseLimit == nil {
		base := c.Limit
		c.BaseLimit = &base
	}
	c.Limit, c.UpdatedAt = limit, w.Now()
	a.cards.Put(c.ID, c)
	w.Agenda.Schedule(w.Now().Add(time.Duration(days)*24*time.Hour), taskLimitRevert, a.ID+"/"+c.ID)
	o := w.newOrderLocked(a, c, OrderUpdate, "", limit, OrderSuccess)
	return elevateResponse{CardID: c.ID, CardOrderID: o.ID, OrderStatus: o.Status}, nil
}

type protectionRequest struct {
	RiskControl string `json:"risk_control"`
	ActionCode  string `json:"action_code"`
}

type protectionResponse struct {
	CardID       string  `json:"card_id"`
	CardNumber   string  `json:"card_number"`
	CardholderID string  `json:"cardholder_id"`
	CardScheme   string  `json:"card_scheme"`
	Enabled      bool    `json:"enabled"`
	Status       string  `json:"status"`
	ActionCode   string  `json:"action_code"`
	Definition   string  `json:"definition"`
	UpdateTime   *string `json:"update_time"`
}

func (w *world) protectionJSON(c Card) protectionResponse {
	p := c.Protection
	out := protectionResponse{CardID: c.ID, CardNumber: c.Masked(), CardholderID: c.CardholderID, CardScheme: c.Scheme}
	if p != nil {
		t := w.fmtTime(p.UpdatedAt)
		out.Enabled, out.Status, out.ActionCode, out.UpdateTime = p.Enabled, p.Status, p.ActionCode, &t
		out.Definition = "Scheme network protection " + p.RiskControl + " (action " + p.ActionCode + ")"
	}
	return out
}

// handleCardEnrollNetworkProtection handles "POST /api/v1/issuing/cards/{id}/risk".
func (s *Server) handleCardEnrollNetworkProtection(r *http.Request) (any, error) {
	var req protectionRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	switch {
	case req.RiskControl == "":
		return nil, invalid("risk_control is required")
	case req.ActionCode == "":
		return nil, invalid("action_code is required")
	}
	w, a, c, unlock, err := s.lockCard(r)
	defer unlock()
	if err != nil {
		return nil, err
	}
	if !c.live() {
		return nil, fail("card_status_invalid", "card %s is %s", c.ID, c.Status)
	}
	c.Protection = &NetworkProtection{RiskControl: req.RiskControl, ActionCode: req.ActionCode, Enabled: true,
		Status: "ENROLLED", UpdatedAt: w.Now()}
	a.cards.Put(c.ID, c)
	return w.protectionJSON(c), nil
}

// handleCardRemoveNetworkProtection handles "DELETE /api/v1/issuing/cards/{id}/risk"
// (a DELETE with a JSON body).
func (s *Server) handleCardRemoveNetworkProtection(r *http.Request) (any, error) {
	var req protectionRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if req.RiskControl == "" {
		return nil, invalid("risk_control is required")
	}
	w, a, c, unlock, err := s.lockCard(r)
	defer unlock()
	if err != nil {
		return nil, err
	}
	if c.Protection == nil || !c.Protection.Enabled || c.Protection.RiskControl != req.RiskControl {
		return nil, fail("card_status_invalid", "card %s is not enrolled in %s", c.ID, req.RiskControl)
	}
	p := *c.Protection
	p.Enabled, p.Status, p.UpdatedAt = false, "REMOVED", w.Now()
	c.Protection = &p
	a.cards.Put(c.ID, c)
	return w.protectionJSON(c), nil
}
