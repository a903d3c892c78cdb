package decard

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// TenantOptions are the DeCard settings a tenant can be created with (the
// "decard" object of POST /_mocksrv/tenants): fixed credentials and any of
// TenantSettings.
type TenantOptions struct {
	APIKey    string `json:"api_key,omitempty"`
	APISecret string `json:"api_secret,omitempty"`
	TenantSettings
}

// TenantSettings are the choices mocksrv makes where DeCard's docs are
// silent (doc.go, "Deviations"), set per tenant: each field is the With…
// option named beside it, checked the same way. A field left out keeps the
// Server's setting (its option, or the default).
type TenantSettings struct {
	TimestampWindow *core.Duration    `json:"timestamp_window,omitempty"`       // WithTimestampWindow
	AnyNonce        *bool             `json:"any_nonce,omitempty"`              // WithAnyNonce
	NonceOnlyReplay *bool             `json:"nonce_only_replay,omitempty"`      // WithNonceOnlyReplay
	SMSCode         *string           `json:"sms_code,omitempty"`               // WithSMSCode
	SMSValidity     *core.Duration    `json:"sms_validity,omitempty"`           // WithSMSValidity
	SMSInterval     *core.Duration    `json:"sms_interval,omitempty"`           // WithSMSInterval
	SMSAttempts     *int              `json:"sms_attempts,omitempty"`           // WithSMSAttempts
	KYCSubmitDelay  *core.Duration    `json:"kyc_submit_delay,omitempty"`       // WithKYCDelays (INIT → PENDING)
	KYCReviewDelay  *core.Duration    `json:"kyc_review_delay,omitempty"`       // WithKYCDelays (PENDING → PASS/REFUSE)
	IssueDelay      *core.Duration    `json:"issue_delay,omitempty"`            // WithIssueDelay
	PostingDelay    *core.Duration    `json:"posting_delay,omitempty"`          // WithPostingDelay
	StatementDay    *int              `json:"statement_day,omitempty"`          // WithStatementDay
	ChannelTTL      *core.Duration    `json:"channel_ttl,omitempty"`            // WithChannelTTL
	MessageLog      *int              `json:"message_log,omitempty"`            // WithMessageLog
	LenientKYCInfo  *bool             `json:"lenient_kyc_info,omitempty"`       // WithLenientKYCInfo
	POAMaxAge       *core.Duration    `json:"poa_max_age,omitempty"`            // WithPOAMaxAge
	FundPool        *string           `json:"fund_pool,omitempty"`              // WithFundPool
	LinkBase        *string           `json:"link_base,omitempty"`              // WithLinkBase
	DepositDelay    *core.Duration    `json:"deposit_delay,omitempty"`          // WithDepositDelay
	Rates           map[string]string `json:"rates,omitempty"`                  // WithRate, units per USD by code
	StrictQuerySign *bool             `json:"strict_query_signature,omitempty"` // WithStrictQuerySignature
	QROrderTTL      *core.Duration    `json:"qr_order_ttl,omitempty"`           // WithQROrderTTL
	FCSettleDelay   *core.Duration    `json:"fc_settle_delay,omitempty"`        // WithFCSettleDelay
	FCWithdrawFee   *string           `json:"fc_withdraw_fee,omitempty"`        // WithFCWithdrawFee
}

// apply returns base with the settings that are set, each checked by its
// With… option.
func (ts TenantSettings) apply(base options) (options, error) {
	o := base
	o.rates = maps.Clone(base.rates)
	dur := func(d *core.Duration) time.Duration { return time.Duration(*d) }
	var opts []Option
	add := func(set bool, opt func() Option) {
		if set {
			opts = append(opts, opt())
		}
	}
	add(ts.TimestampWindow != nil, func() Option { return WithTimestampWindow(dur(ts.TimestampWindow)) })
	add(ts.AnyNonce != nil, func() Option { return WithAnyNonce(*ts.AnyNonce) })
	add(ts.NonceOnlyReplay != nil, func() Option { return WithNonceOnlyReplay(*ts.NonceOnlyReplay) })
	add(ts.SMSCode != nil, func() Option { return WithSMSCode(*ts.SMSCode) })
	add(ts.SMSValidity != nil, func() Option { return WithSMSValidity(dur(ts.SMSValidity)) })
	add(ts.SMSInterval != nil, func() Option { return WithSMSInterval(dur(ts.SMSInterval)) })
	add(ts.SMSAttempts != nil, func() Option { return WithSMSAttempts(*ts.SMSAttempts) })
	if ts.KYCSubmitDelay != nil || ts.KYCReviewDelay != nil {
		submit, review := base.kycSubmit, base.kycReview
		if ts.KYCSubmitDelay != nil {
			submit = dur(ts.KYCSubmitDelay)
		}
		if ts.KYCReviewDelay != nil {
			review = dur(ts.KYCReviewDelay)
		}
		opts = append(opts, WithKYCDelays(submit, review))
	}
	add(ts.IssueDelay != nil, func() Option { return WithIssueDelay(dur(ts.IssueDelay)) })
	add(ts.PostingDelay != nil, func() Option { return WithPostingDelay(dur(ts.PostingDelay)) })
	add(ts.StatementDay != nil, func() Option { return WithStatementDay(*ts.StatementDay) })
	add(ts.ChannelTTL != nil, func() Option { return WithChannelTTL(dur(ts.ChannelTTL)) })
	add(ts.MessageLog != nil, func() Option { return WithMessageLog(*ts.MessageLog) })
	add(ts.LenientKYCInfo != nil, func() Option { return WithLenientKYCInfo(*ts.LenientKYCInfo) })
	add(ts.POAMaxAge != nil, func() Option { return WithPOAMaxAge(dur(ts.POAMaxAge)) })
	add(ts.FundPool != nil, func() Option { return WithFundPool(*ts.FundPool) })
	add(ts.LinkBase != nil, func() Option { return WithLinkBase(*ts.LinkBase) })
	add(ts.DepositDelay != nil, func() Option { return WithDepositDelay(dur(ts.DepositDelay)) })
	add(ts.StrictQuerySign != nil, func() Option { return WithStrictQuerySignature(*ts.StrictQuerySign) })
	add(ts.QROrderTTL != nil, func() Option { return WithQROrderTTL(dur(ts.QROrderTTL)) })
	add(ts.FCSettleDelay != nil, func() Option { return WithFCSettleDelay(dur(ts.FCSettleDelay)) })
	add(ts.FCWithdrawFee != nil, func() Option { return WithFCWithdrawFee(*ts.FCWithdrawFee) })
	for code, rate := range ts.Rates {
		opts = append(opts, WithRate(code, rate))
	}
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return base, fmt.Errorf("decard options: %w", err)
		}
	}
	for name, d := range map[string]time.Duration{"sms_validity": o.smsTTL, "sms_interval": o.smsGap, "issue_delay": o.issueDelay,
		"posting_delay": o.postDelay, "channel_ttl": o.channelTTL, "poa_max_age": o.poaMaxAge, "deposit_delay": o.depDelay,
		"fc_settle_delay": o.fcSettle} {
		if d < 0 {
			return base, fmt.Errorf("decard options: %s must not be negative, got %s", name, d)
		}
	}
	return o, nil
}

// newCredentials makes a tenant's credentials: the documented fixed ones
// for the default tenant, else a random key and a Base64 32-byte secret.
func newCredentials(tenant string) Credentials {
	if tenant == core.DefaultTenant {
		return Credentials{DefaultAPIKey, DefaultAPISecret}
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never fails on supported platforms
	}
	return Credentials{"dc-" + core.RandomHex(12), base64.StdEncoding.EncodeToString(b)}
}

// AddTenant gives a tenant its DeCard world and returns its credentials.
// The default tenant gets the documented fixed credentials; others get
// random ones unless opts name them. opts may also carry TenantSettings.
func (s *Server) AddTenant(t *core.Tenant, opts json.RawMessage) (any, error) {
	var o TenantOptions
	if err := core.DecodeTenantOptions(opts, &o); err != nil {
		return nil, fmt.Errorf("decard options: %w", err)
	}
	wopts, err := o.TenantSettings.apply(s.opts)
	if err != nil {
		return nil, err
	}
	creds := Credentials{APIKey: o.APIKey, APISecret: o.APISecret}
	switch {
	case (creds.APIKey == "") != (creds.APISecret == ""):
		return nil, fmt.Errorf("decard options: give both api_key and api_secret, or neither")
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

// RemoveTenant drops a tenant's world and closes its streams.
func (s *Server) RemoveTenant(id string) {
	if w, ok := s.worlds.Remove(id); ok {
		w.mu.Lock()
		ch := w.channel.ID
		w.dropSubscribersLocked()
		w.mu.Unlock()
		s.registerChannel("", "", ch)
	}
}

// ResetTenant empties a tenant's world, keeping its credentials.
func (s *Server) ResetTenant(id string) error {
	var ch string
	_, err := s.worlds.Reset(id, func(old *world) *world {
		old.mu.Lock()
		defer old.mu.Unlock()
		fresh := newWorld(old.tenant, s.Webhooks, old.creds, old.opts)
		fresh.settings, fresh.nonces = old.settings, old.nonces // a reset keeps the tenant's settings and spent nonces
		ch = old.channel.ID
		old.dropSubscribersLocked()
		return fresh
	})
	if err != nil {
		return err
	}
	s.registerChannel("", "", ch)
	return nil
}

// Credentials returns a tenant's DeCard credentials.
func (s *Server) Credentials(id string) (any, bool) {
	w, ok := s.worlds.Get(id)
	if !ok {
		return nil, false
	}
	return w.creds, true
}

// Settle applies a tenant's due transitions (and queues their pushes).
func (s *Server) Settle(id string) {
	if w, ok := s.worlds.Get(id); ok {
		w.mu.Lock()
		s.settleLocked(w)
		w.mu.Unlock()
	}
}
