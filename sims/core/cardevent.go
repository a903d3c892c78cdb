package core

import (
	"encoding/json"
	"fmt"
	"strings"
)

// CardEvent is something that happens to a card at the card network, not
// through the client's API: an authorization and what follows it — an
// increment, a reversal, its expiry, clearing for the same or another
// amount, a refund of what cleared, a chargeback. The admin API (POST
// /_mocksrv/tenants/{id}/{provider}/cards/{card}/events) and scenario
// card_event steps send them; each provider applies them in its own terms
// (its transaction types, statuses, decline reasons and webhooks), or
// refuses a type its transaction model cannot express, naming the types it
// takes.
type CardEvent struct {
	// Type is authorize, increment, reverse, expire, clear, refund or
	// chargeback.
	Type string `json:"type"`
	// Transaction is the authorization (or, for refund and chargeback, the
	// cleared transaction) the event follows; authorize needs none.
	Transaction string `json:"transaction,omitempty"`
	// Amount is a decimal in Currency: authorize's and increment's amount;
	// for reverse, clear and refund, the part of the original (all of it
	// when empty); for clear, an amount above the authorization is a tip or
	// an exchange-rate difference, moved exactly.
	Amount   AmountText `json:"amount,omitempty"`
	Currency string     `json:"currency,omitempty"`
	// Merchant describes where the card was used.
	Merchant EventMerchant `json:"merchant,omitzero"`
	// Kind is what an authorization is for, where the provider tells them
	// apart: purchase (the default), atm, transfer_out, refund.
	Kind string `json:"kind,omitempty"`
	// Decline declines the authorization with a reason from the
	// provider's documented list (its code or name).
	Decline string `json:"decline,omitempty"`
	// Approve, when set on authorize or increment, approves only this much
	// (partial approval), where the provider's fields can carry it.
	Approve AmountText `json:"approve,omitempty"`
}

// AmountText is a decimal amount as a request gives it: a JSON string
// ("12.50") or number (12.5), kept as its text.
type AmountText string

// UnmarshalJSON accepts a string or a number.
func (a *AmountText) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*a = AmountText(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("amount: want a decimal string or number, got %s", b)
	}
	*a = AmountText(n.String())
	return nil
}

// EventMerchant is a card event's merchant.
type EventMerchant struct {
	Name    string `json:"name,omitempty"`
	MCC     string `json:"mcc,omitempty"`
	City    string `json:"city,omitempty"`
	Country string `json:"country,omitempty"`
}

// The card event types.
const (
	EventAuthorize  = "authorize"
	EventIncrement  = "increment"
	EventReverse    = "reverse"
	EventExpire     = "expire"
	EventClear      = "clear"
	EventRefund     = "refund"
	EventChargeback = "chargeback"
)

// Decline is one reason a provider declines an authorization, as it
// documents it.
type Decline struct {
	Code    string `json:"code"`    // the provider's code or name: "1116", "insufficient_funds"
	Message string `json:"message"` // its published text
}

// Declines is a provider's one documented list of decline reasons
// (Hooks.Declines, GET /_mocksrv/providers/{provider}/declines).
type Declines []Decline

// Find returns the reason whose code or text is s, in any case.
func (l Declines) Find(s string) (Decline, bool) {
	for _, d := range l {
		if strings.EqualFold(s, d.Code) || strings.EqualFold(s, d.Message) {
			return d, true
		}
	}
	return Decline{}, false
}

// Named is Find, or an error naming s and the provider's codes.
func (l Declines) Named(provider, s string) (Decline, error) {
	if d, ok := l.Find(s); ok {
		return d, nil
	}
	codes := make([]string, len(l))
	for i, d := range l {
		codes[i] = d.Code
	}
	return Decline{}, Errorf(KindInvalid, "decline %q: want one of %s (GET /_mocksrv/providers/%s/declines)", s, strings.Join(codes, ", "), provider)
}
