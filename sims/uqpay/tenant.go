package uqpay

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// TenantOptions are the UQPay settings a tenant can be created with (the
// "uqpay" object of POST /_mocksrv/tenants): fixed credentials and the
// switches of TenantSettings.
type TenantOptions struct {
	ClientID      string `json:"client_id,omitempty"`
	APIKey        string `json:"api_key,omitempty"`
	WebhookSecret string `json:"webhook_secret,omitempty"`
	TenantSettings
}

// TenantSettings are the choices mocksrv makes where UQPay's docs are
// silent or disagree (doc.go, "Deviations"), set per tenant. A field left
// out keeps the Server's setting (its With… option, or the default).
type TenantSettings struct {
	RevokeTokens           *bool             `json:"revoke_tokens,omitempty"`            // WithTokenRevocation
	TokenTTL               *core.Duration    `json:"token_ttl,omitempty"`                // WithTokenTTL
	TokenRateLimit         *int              `json:"token_rate_limit,omitempty"`         // WithTokenRateLimit
	TokenBusinessExpiry    *bool             `json:"token_business_expiry,omitempty"`    // WithTokenBusinessExpiry
	IssueDelay             *core.Duration    `json:"issue_delay,omitempty"`              // WithIssueDelay
	OrderDelay             *core.Duration    `json:"order_delay,omitempty"`              // WithOrderDelay
	CancelWait             *core.Duration    `json:"cancel_wait,omitempty"`              // WithCancelWait
	KYCDelay               *core.Duration    `json:"kyc_delay,omitempty"`                // WithKYCDelay
	SettlementDelay        *core.Duration    `json:"settlement_delay,omitempty"`         // WithSettlementDelay
	ReportDelay            *core.Duration    `json:"report_delay,omitempty"`             // WithReportDelay
	DepositDelay           *core.Duration    `json:"deposit_delay,omitempty"`            // WithDepositDelay
	DepositReview          *bool             `json:"deposit_review,omitempty"`           // WithDepositReview
	CardQuota              *int              `json:"card_quota,omitempty"`               // WithCardQuota
	InitialBalances        map[string]string `json:"initial_balances,omitempty"`         // WithInitialBalance
	StrictPaging           *bool             `json:"strict_paging,omitempty"`            // WithStrictPaging
	IdempotentErrors       *bool             `json:"idempotent_errors,omitempty"`        // WithIdempotentErrors
	LenientIdempotencyKeys *bool             `json:"lenient_idempotency_keys,omitempty"` // WithLenientIdempotencyKeys
	WebhookMillis          *bool             `json:"webhook_millis,omitempty"`           // WithWebhookMillis
	StringSimulatorAmounts *bool             `json:"string_simulator_amounts,omitempty"` // WithStringSimulatorAmounts
}

// apply returns base with the settings that are set.
func (ts TenantSettings) apply(base options) (options, error) {
	o := base
	setBool := func(dst *bool, v *bool) {
		if v != nil {
			*dst = *v
		}
	}
	setDur := func(name string, dst *time.Duration, v *core.Duration, positive bool) error {
		if v == nil {
			return nil
		}
		d := time.Duration(*v)
		if d < 0 || (positive && d == 0) {
			return fmt.Errorf("uqpay options: %s must be a positive duration, got %s", name, d)
		}
		*dst = d
		return nil
	}
	setBool(&o.revokeTokens, ts.RevokeTokens)
	setBool(&o.businessTokens, ts.TokenBusinessExpiry)
	setBool(&o.strictPaging, ts.StrictPaging)
	setBool(&o.idemErrors, ts.IdempotentErrors)
	setBool(&o.lenientIdemKeys, ts.LenientIdempotencyKeys)
	setBool(&o.webhookMillis, ts.WebhookMillis)
	setBool(&o.stringSimAmounts, ts.StringSimulatorAmounts)
	setBool(&o.depositReview, ts.DepositReview)
	for _, d := range []struct {
		name     string
		dst      *time.Duration
		v        *core.Duration
		positive bool
	}{
		{"token_ttl", &o.tokenTTL, ts.TokenTTL, true},
		{"issue_delay", &o.issueDelay, ts.IssueDelay, false},
		{"order_delay", &o.orderDelay, ts.OrderDelay, false},
		{"cancel_wait", &o.cancelWait, ts.CancelWait, false},
		{"kyc_delay", &o.kycDelay, ts.KYCDelay, false},
		{"settlement_delay", &o.settleDelay, ts.SettlementDelay, false},
		{"report_delay", &o.reportDelay, ts.ReportDelay, false},
		{"deposit_delay", &o.depositDelay, ts.DepositDelay, false},
	} {
		if err := setDur(d.name, d.dst, d.v, d.positive); err != nil {
			return base, err
		}
	}
	if ts.TokenRateLimit != nil {
		if *ts.TokenRateLimit < 0 {
			return base, fmt.Errorf("uqpay options: token_rate_limit must be 0 (off) or more, got %d", *ts.TokenRateLimit)
		}
		o.tokenLimit = *ts.TokenRateLimit
	}
	if ts.CardQuota != nil {
		if *ts.CardQuota < 0 {
			return base, fmt.Errorf("uqpay options: card_quota must be 0 (no limit) or more, got %d", *ts.CardQuota)
		}
		o.cardQuota = *ts.CardQuota
	}
	if len(ts.InitialBalances) > 0 {
		o.initial = map[string]core.Decimal{}
		for cur, amt := range base.initial {
			o.initial[cur] = amt
		}
		for cur, amt := range ts.InitialBalances {
			if err := WithInitialBalance(cur, amt)(&o); err != nil {
				return base, fmt.Errorf("uqpay options: initial_balances: %w", err)
			}
		}
	}
	return o, nil
}

// AddTenant gives a tenant its UQPay world and returns its credentials.
// The default tenant gets the documented fixed credentials; others get
// random ones unless opts name them. opts may also carry TenantSettings.
func (s *Server) AddTenant(t *core.Tenant, opts json.RawMessage) (any, error) {
	var o TenantOptions
	if err := core.DecodeTenantOptions(opts, &o); err != nil {
		return nil, fmt.Errorf("uqpay options: %w", err)
	}
	wopts, err := o.TenantSettings.apply(s.opts)
	if err != nil {
		return nil, err
	}
	creds := Credentials{ClientID: o.ClientID, APIKey: o.APIKey, WebhookSecret: o.WebhookSecret}
	switch {
	case (creds.ClientID == "") != (creds.APIKey == ""):
		return nil, fmt.Errorf("uqpay options: give both client_id and api_key, or neither")
	case creds.ClientID == "" && t.ID == core.DefaultTenant:
		creds.ClientID, creds.APIKey = DefaultClientID, DefaultAPIKey
	case creds.ClientID == "":
		creds.ClientID, creds.APIKey = "uq-"+core.RandomHex(12), core.RandomHex(16)
	}
	if creds.WebhookSecret == "" {
		creds.WebhookSecret = DefaultWebhookSecret
		if t.ID != core.DefaultTenant {
			creds.WebhookSecret = core.RandomHex(16)
		}
	}
	w := newWorld(t, s.Webhooks, &wopts, creds)
	w.settings = o.TenantSettings
	if err := s.worlds.Add(t.ID, creds.ClientID, w); err != nil {
		return nil, err
	}
	return creds, nil
}

// RemoveTenant drops a tenant's world and its tokens.
func (s *Server) RemoveTenant(id string) {
	if w, ok := s.worlds.Remove(id); ok {
		s.tokMu.Lock()
		defer s.tokMu.Unlock()
		s.dropTokensLocked(w)
	}
}

// dropTokensLocked forgets a world's auth_tokens. s.tokMu must be held.
func (s *Server) dropTokensLocked(w *world) {
	for _, t := range w.tokenOrder {
		delete(s.tokenRecs, t)
	}
	w.tokenOrder = nil
}

// ResetTenant empties a tenant's world, keeping its credentials. Its
// tokens die with the old world.
func (s *Server) ResetTenant(id string) error {
	old, err := s.worlds.Reset(id, func(old *world) *world {
		old.mu.Lock()
		defer old.mu.Unlock()
		fresh := newWorld(old.tenant, s.Webhooks, old.opts, old.creds)
		fresh.settings = old.settings
		return fresh
	})
	if err != nil {
		return err
	}
	s.tokMu.Lock()
	defer s.tokMu.Unlock()
	s.dropTokensLocked(old)
	return nil
}

// Credentials returns a tenant's UQPay credentials.
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
