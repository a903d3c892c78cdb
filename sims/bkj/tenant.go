package bkj

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// TenantOptions are the bkj settings a tenant can be created with (the
// "bkj" object of POST /_mocksrv/tenants): fixed credentials and any of
// TenantSettings.
type TenantOptions struct {
	APIKey    string `json:"api_key,omitempty"`
	APISecret string `json:"api_secret,omitempty"`
	TenantSettings
}

// TenantSettings are the choices mocksrv makes where bkj's docs are silent
// (doc.go, "Deviations"), set per tenant: each field is the With… option
// named beside it, checked the same way. A field left out keeps the
// Server's setting (its option, or the default).
type TenantSettings struct {
	TimestampWindow   *core.Duration `json:"timestamp_window,omitempty"`    // WithTimestampWindow
	NonceTTL          *core.Duration `json:"nonce_ttl,omitempty"`           // WithNonceTTL
	ShowStringToSign  *bool          `json:"show_string_to_sign,omitempty"` // WithStringToSign
	SignResponses     *bool          `json:"sign_responses,omitempty"`      // WithResponseSigning
	Timezone          *string        `json:"timezone,omitempty"`            // WithTimezone: "UTC+8", "Asia/Shanghai"
	WebhookTimezone   *string        `json:"webhook_timezone,omitempty"`    // WithWebhookTimezone
	IdempotencyTTL    *core.Duration `json:"idempotency_ttl,omitempty"`     // WithIdempotencyTTL
	CardValidityYears *int           `json:"card_validity_years,omitempty"` // WithCardValidity
	KYCLinkBase       *string        `json:"kyc_link_base,omitempty"`       // WithKYCLink (base URL)
	KYCLinkTTL        *core.Duration `json:"kyc_link_ttl,omitempty"`        // WithKYCLink (token and link lifetime)
	TakeDefault       *int           `json:"take_default,omitempty"`        // WithPaging (default take)
	TakeMax           *int           `json:"take_max,omitempty"`            // WithPaging (largest take)
	RateLimit         *int           `json:"rate_limit,omitempty"`          // WithRateLimit (requests per second; 0 is none)
	Delays            *DelaySettings `json:"delays,omitempty"`              // WithDelays, step by step
}

// DelaySettings are the business-clock delays of Delays a tenant sets; a
// step left out keeps the Server's.
type DelaySettings struct {
	Open             *core.Duration `json:"open,omitempty"`
	Produce          *core.Duration `json:"produce,omitempty"`
	Ship             *core.Duration `json:"ship,omitempty"`
	Deliver          *core.Duration `json:"deliver,omitempty"`
	ActivationReview *core.Duration `json:"activation_review,omitempty"`
	Freeze           *core.Duration `json:"freeze,omitempty"`
	Unfreeze         *core.Duration `json:"unfreeze,omitempty"`
	Delete           *core.Duration `json:"delete,omitempty"`
	KYCReview        *core.Duration `json:"kyc_review,omitempty"`
	Withdrawal       *core.Duration `json:"withdrawal,omitempty"`
	Clearing         *core.Duration `json:"clearing,omitempty"`
}

// apply returns base with the settings that are set, each checked by its
// With… option.
func (ts TenantSettings) apply(base options) (options, error) {
	o := base
	dur := func(d *core.Duration) time.Duration { return time.Duration(*d) }
	var opts []Option
	if ts.TimestampWindow != nil {
		opts = append(opts, WithTimestampWindow(dur(ts.TimestampWindow)))
	}
	if ts.NonceTTL != nil {
		opts = append(opts, WithNonceTTL(dur(ts.NonceTTL)))
	}
	if ts.ShowStringToSign != nil {
		opts = append(opts, WithStringToSign(*ts.ShowStringToSign))
	}
	if ts.SignResponses != nil {
		opts = append(opts, WithResponseSigning(*ts.SignResponses))
	}
	for _, z := range []struct {
		name string
		v    *string
		opt  func(*time.Location) Option
	}{{"timezone", ts.Timezone, WithTimezone}, {"webhook_timezone", ts.WebhookTimezone, WithWebhookTimezone}} {
		if z.v == nil {
			continue
		}
		loc, err := parseZone(*z.v)
		if err != nil {
			return base, fmt.Errorf("bkj options: %s %q: want UTC+8, UTC-05:30 or an IANA name like Asia/Shanghai", z.name, *z.v)
		}
		opts = append(opts, z.opt(loc))
	}
	if ts.IdempotencyTTL != nil {
		opts = append(opts, WithIdempotencyTTL(dur(ts.IdempotencyTTL)))
	}
	if ts.CardValidityYears != nil {
		opts = append(opts, WithCardValidity(*ts.CardValidityYears))
	}
	if ts.KYCLinkBase != nil || ts.KYCLinkTTL != nil {
		link, ttl := base.kycLinkBase, base.kycTokenTTL
		if ts.KYCLinkBase != nil {
			link = *ts.KYCLinkBase
		}
		if ts.KYCLinkTTL != nil {
			ttl = dur(ts.KYCLinkTTL)
		}
		opts = append(opts, WithKYCLink(link, ttl))
	}
	if ts.TakeDefault != nil || ts.TakeMax != nil {
		def, max := base.pageDefault, base.pageMax
		if ts.TakeDefault != nil {
			def = *ts.TakeDefault
		}
		if ts.TakeMax != nil {
			max = *ts.TakeMax
		}
		opts = append(opts, WithPaging(def, max))
	}
	if ts.RateLimit != nil {
		opts = append(opts, WithRateLimit(*ts.RateLimit))
	}
	if d := ts.Delays; d != nil {
		delays := base.delays
		for _, step := range []struct {
			dst *time.Duration
			v   *core.Duration
		}{
			{&delays.Open, d.Open}, {&delays.Produce, d.Produce}, {&delays.Ship, d.Ship}, {&delays.Deliver, d.Deliver},
			{&delays.ActivationReview, d.ActivationReview}, {&delays.Freeze, d.Freeze}, {&delays.Unfreeze, d.Unfreeze},
			{&delays.Delete, d.Delete}, {&delays.KYCReview, d.KYCReview}, {&delays.Withdrawal, d.Withdrawal},
			{&delays.Clearing, d.Clearing},
		} {
			if step.v != nil {
				*step.dst = dur(step.v)
			}
		}
		opts = append(opts, WithDelays(delays))
	}
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return base, fmt.Errorf("bkj options: %w", err)
		}
	}
	return o, nil
}

// AddTenant gives a tenant its bkj world and returns its credentials. The
// default tenant gets the documented fixed credentials; others get random
// ones unless opts name them.
func (s *Server) AddTenant(t *core.Tenant, opts json.RawMessage) (any, error) {
	var o TenantOptions
	if err := core.DecodeTenantOptions(opts, &o); err != nil {
		return nil, fmt.Errorf("bkj options: %w", err)
	}
	wopts, err := o.TenantSettings.apply(s.opts)
	if err != nil {
		return nil, err
	}
	creds := Credentials{APIKey: o.APIKey, APISecret: o.APISecret}
	switch {
	case (creds.APIKey == "") != (creds.APISecret == ""):
		return nil, fmt.Errorf("bkj options: give both api_key and api_secret, or neither")
	case creds.APIKey == "":
		creds = newCredentials(t.ID)
	}
	w := newWorld(t, s.Webhooks, creds, &wopts)
	w.settings = o.TenantSettings
	if err := s.worlds.Add(t.ID, creds.APIKey, w); err != nil {
		return nil, err
	}
	return creds, nil
}

// RemoveTenant drops a tenant's world.
func (s *Server) RemoveTenant(id string) { s.worlds.Remove(id) }

// ResetTenant empties a tenant's world, keeping its credentials.
func (s *Server) ResetTenant(id string) error {
	_, err := s.worlds.Reset(id, func(old *world) *world {
		old.mu.Lock()
		defer old.mu.Unlock()
		fresh := newWorld(old.tenant, s.Webhooks, old.creds, old.opts)
		// A reset keeps the tenant's settings, spent nonces and rate window.
		fresh.settings, fresh.nonces, fresh.limiter = old.settings, old.nonces, old.limiter
		return fresh
	})
	return err
}

// Credentials returns a tenant's bkj credentials.
func (s *Server) Credentials(id string) (any, bool) {
	w, ok := s.worlds.Get(id)
	if !ok {
		return nil, false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.creds, true
}

// Settle applies a tenant's due transitions (and queues their webhooks).
func (s *Server) Settle(id string) {
	if w, ok := s.worlds.Get(id); ok {
		w.mu.Lock()
		s.settleLocked(w)
		w.mu.Unlock()
	}
}
