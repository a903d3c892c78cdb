package bkj

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Name is the provider's name in the journal, fault rules and admin API.
const Name = "bkj"

// BasePath is where bkj's OpenAPI lives on the host (uat.bkj.com in real
// life).
const BasePath = "/openapi/v1"

// Default credentials of the default tenant.
const (
	DefaultAPIKey    = "mocksrv-bkj-key-default"
	DefaultAPISecret = "mocksrv-bkj-secret-default"
)

// Credentials are a tenant's bkj API credentials.
type Credentials struct {
	APIKey    string `json:"api_key"`
	APISecret string `json:"api_secret"`
}

func newCredentials(tenant string) Credentials {
	if tenant == core.DefaultTenant {
		return Credentials{DefaultAPIKey, DefaultAPISecret}
	}
	return Credentials{"bkj-" + core.RandomHex(12), core.RandomHex(16)}
}

// Delays are the business-clock durations of bkj's asynchronous steps.
// A zero delay makes a step complete at the next request (the response of
// the call that started it still shows the intermediate status).
type Delays struct {
	Open             time.Duration // opening → active (virtual cards)
	Produce          time.Duration // pre_producing → producing (physical)
	Ship             time.Duration // producing → shipping
	Deliver          time.Duration // shipping → processing (delivered, awaiting activation)
	ActivationReview time.Duration // activate_reviewing → active
	Freeze           time.Duration // processing_frozen → frozen
	Unfreeze         time.Duration // processing_unfrozen → active
	Delete           time.Duration // pre_delete → deleted
	KYCReview        time.Duration // KYC pending → approved or rejected
	Withdrawal       time.Duration // withdrawal pending → success or failed
	Clearing         time.Duration // card purchase pending → success
}

// DefaultDelays are the delays of a Server from New: realistic enough for
// a client's polling code, short enough for manual QA.
func DefaultDelays() Delays {
	return Delays{
		Open: 30 * time.Second, Produce: time.Hour, Ship: 24 * time.Hour, Deliver: 72 * time.Hour,
		ActivationReview: time.Minute, Freeze: 5 * time.Second, Unfreeze: 5 * time.Second,
		Delete: 24 * time.Hour, KYCReview: 2 * time.Minute, Withdrawal: 10 * time.Minute, Clearing: 24 * time.Hour,
	}
}

// step is one asynchronous step of Delays, by its JSON name.
type step struct {
	name string
	d    *time.Duration
}

// steps lists d's delays by their JSON names, pointing into d: the one
// list that JSON, checks and RunT read.
func (d *Delays) steps() []step {
	return []step{
		{"open", &d.Open}, {"produce", &d.Produce}, {"ship", &d.Ship}, {"deliver", &d.Deliver},
		{"activation_review", &d.ActivationReview}, {"freeze", &d.Freeze}, {"unfreeze", &d.Unfreeze},
		{"delete", &d.Delete}, {"kyc_review", &d.KYCReview}, {"withdrawal", &d.Withdrawal}, {"clearing", &d.Clearing},
	}
}

// MarshalJSON writes the delays as durations: {"open":"30s",…}.
func (d Delays) MarshalJSON() ([]byte, error) {
	m := map[string]core.Duration{}
	for _, st := range d.steps() {
		m[st.name] = core.Duration(*st.d)
	}
	return json.Marshal(m)
}

// UnmarshalJSON reads delays as durations ("5s", "1d"); a step left out
// (or null) keeps its value, an unknown one is refused.
func (d *Delays) UnmarshalJSON(b []byte) error {
	var m map[string]*core.Duration
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	steps := d.steps()
	for name, v := range m {
		i := slices.IndexFunc(steps, func(st step) bool { return st.name == name })
		if i < 0 {
			return fmt.Errorf("json: unknown field %q", name)
		}
		if v != nil {
			*steps[i].d = time.Duration(*v)
		}
	}
	return nil
}

// Settings are every choice a bkj tenant is simulated with where bkj's
// docs are silent (doc.go, "Deviations"). The Server's come from New's
// options over DefaultSettings; a tenant's "bkj" object of POST
// /_mocksrv/tenants (or serve --tenant-options) sets any of them for that
// tenant, a field left out keeping the Server's.
type Settings struct {
	// APIKey and APISecret fix a tenant's credentials (both or neither).
	// The default tenant has DefaultAPIKey and DefaultAPISecret; others
	// random ones.
	APIKey    string `json:"api_key,omitempty"`
	APISecret string `json:"api_secret,omitempty"`

	TimestampWindow   core.Duration `json:"timestamp_window"`    // how far X-Timestamp may be from wall time, either way
	NonceTTL          core.Duration `json:"nonce_ttl"`           // how long a nonce stays used per API key
	ShowStringToSign  bool          `json:"show_string_to_sign"` // signature errors and the debug endpoints show the server's signing
	SignResponses     bool          `json:"sign_responses"`      // answers carry X-Timestamp, X-Nonce and X-Signature
	Timezone          string        `json:"timezone"`            // times without a Timezone header: "UTC+8", "Asia/Shanghai"; "" is UTC
	WebhookTimezone   string        `json:"webhook_timezone"`    // webhook payload times
	IdempotencyTTL    core.Duration `json:"idempotency_ttl"`     // how long an X-Idempotency-Key remembers (business clock)
	CardValidityYears int           `json:"card_validity_years"` // how many years a new card is valid
	KYCLinkBase       string        `json:"kyc_link_base"`       // base URL of the KYC H5 links
	KYCLinkTTL        core.Duration `json:"kyc_link_ttl"`        // KYC token and link lifetime (business clock)
	TakeDefault       int           `json:"take_default"`        // default take of list endpoints
	TakeMax           int           `json:"take_max"`            // largest take of list endpoints
	RateLimit         int           `json:"rate_limit"`          // requests per second per API key; 0 is none
	Delays            Delays        `json:"delays"`              // the business-clock delays of the asynchronous steps
	// AuthExpiry is how long an approved purchase that never clears stays
	// authorized before it expires (a reversal of what it still holds,
	// "authorization expired"); 0 never. bkj publishes none: 7 days,
	// the card networks' usual window.
	AuthExpiry core.Duration `json:"auth_expiry"`
	// ManualClearing leaves approved purchases to the card network's clear
	// event (the admin API's card events) instead of clearing them by
	// themselves after delays.clearing.
	ManualClearing bool `json:"manual_clearing"`
}

// DefaultSettings returns the settings a Server has when no option changes
// them.
func DefaultSettings() Settings {
	return Settings{
		TimestampWindow: core.Duration(300 * time.Second), NonceTTL: core.Duration(10 * time.Minute),
		ShowStringToSign: true, SignResponses: true, Timezone: "UTC", WebhookTimezone: "UTC",
		IdempotencyTTL: core.Duration(24 * time.Hour), CardValidityYears: 3,
		KYCLinkBase: "https://kyc.sandbox.mocksrv.local/h5", KYCLinkTTL: core.Duration(30 * time.Minute),
		TakeDefault: 10, TakeMax: 100, Delays: DefaultDelays(), AuthExpiry: core.Duration(7 * 24 * time.Hour),
	}
}

// check reports the first setting that is out of range, naming it.
func (st Settings) check() error {
	switch {
	case (st.APIKey == "") != (st.APISecret == ""):
		return errors.New("give both api_key and api_secret, or neither")
	case st.TimestampWindow <= 0:
		return fmt.Errorf("timestamp_window %s: timestamp window must be positive", st.TimestampWindow.D())
	case st.NonceTTL <= 0:
		return fmt.Errorf("nonce_ttl %s: nonce TTL must be positive", st.NonceTTL.D())
	case st.IdempotencyTTL <= 0:
		return fmt.Errorf("idempotency_ttl %s: idempotency TTL must be positive", st.IdempotencyTTL.D())
	case st.CardValidityYears < 1 || st.CardValidityYears > 10:
		return fmt.Errorf("card_validity_years %d: card validity must be 1 to 10 years", st.CardValidityYears)
	case st.KYCLinkBase == "" || st.KYCLinkTTL <= 0:
		return fmt.Errorf("kyc_link_base %q, kyc_link_ttl %s: KYC link needs a base URL and a positive TTL", st.KYCLinkBase, st.KYCLinkTTL.D())
	case st.TakeDefault < 1 || st.TakeMax < st.TakeDefault:
		return fmt.Errorf("take_default %d, take_max %d: paging needs 1 <= take_default <= take_max", st.TakeDefault, st.TakeMax)
	case st.RateLimit < 0:
		return fmt.Errorf("rate_limit %d: rate limit must not be negative", st.RateLimit)
	case st.AuthExpiry < 0:
		return fmt.Errorf("auth_expiry %s: the authorization window must not be negative (0 never expires)", st.AuthExpiry.D())
	}
	for _, z := range []struct{ name, v string }{{"timezone", st.Timezone}, {"webhook_timezone", st.WebhookTimezone}} {
		if _, err := settingZone(z.v); err != nil {
			return fmt.Errorf("%s %q: want UTC+8, UTC-05:30 or an IANA name like Asia/Shanghai", z.name, z.v)
		}
	}
	for _, d := range st.Delays.steps() {
		if *d.d < 0 {
			return fmt.Errorf("delays.%s %s: delays must not be negative", d.name, *d.d)
		}
	}
	return nil
}

// zones returns the settings' time zones, which check has read.
func (st Settings) zones() (api, webhook *time.Location) {
	api, _ = settingZone(st.Timezone)
	webhook, _ = settingZone(st.WebhookTimezone)
	return api, webhook
}

// settingZone reads a timezone setting: as the Timezone header names a
// zone, or "" for UTC.
func settingZone(v string) (*time.Location, error) {
	if v == "" {
		return time.UTC, nil
	}
	return core.ParseZone(v)
}

// zoneName names loc as the timezone settings do: by its own name when
// that reads back, else by its UTC offset ("UTC+08:00"); nil is UTC.
func zoneName(loc *time.Location) string {
	if loc == nil {
		return "UTC"
	}
	if _, err := core.ParseZone(loc.String()); err == nil {
		return loc.String()
	}
	_, off := time.Date(2026, 1, 1, 0, 0, 0, 0, loc).Zone()
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	return fmt.Sprintf("UTC%s%02d:%02d", sign, off/3600, off%3600/60)
}

// Option configures a Server.
type Option = core.Option[Settings]

// The options every provider has.
var (
	// WithEnv shares an Env (clock, tenants, journal, faults, outbox) with
	// other providers; the Fleet does this. It conflicts with WithSeed and
	// WithClock, which configure an Env of the Server's own.
	WithEnv = core.WithEnv[Settings]
	// WithSeed seeds the fake data of a Server with its own Env. RunT
	// rejects 0.
	WithSeed = core.WithSeed[Settings]
	// WithClock gives a Server with its own Env this default-tenant clock.
	WithClock = core.WithClock[Settings]
	// WithAuth sets how strictly requests are checked (default strict):
	// lenient wants the four signing headers but verifies nothing, off
	// wants nothing and serves the tenant of X-Api-Key, or the default one.
	WithAuth = core.WithAuth[Settings]
)

// WithSettings replaces the Server's settings: every tenant's, unless its
// options say otherwise.
func WithSettings(st Settings) Option { return core.Set(func(s *Settings) { *s = st }) }

// WithDelays sets the business-clock delays of every asynchronous step.
// New uses DefaultDelays; RunT uses zero delays unless this option (or
// WithFreezeDelay) is given.
func WithDelays(d Delays) Option { return core.Set(func(s *Settings) { s.Delays = d }) }

// WithFreezeDelay sets how long a freeze stays processing_frozen and an
// unfreeze processing_unfrozen (STYLE.md's knob; WithDelays sets them all).
func WithFreezeDelay(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.Delays.Freeze, s.Delays.Unfreeze = d, d })
}

// WithTimestampWindow sets how far X-Timestamp may be from wall time,
// either way (default 300 s).
func WithTimestampWindow(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.TimestampWindow = core.Duration(d) })
}

// WithNonceTTL sets how long a nonce stays used per API key (default
// 10 min).
func WithNonceTTL(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.NonceTTL = core.Duration(d) })
}

// WithStringToSign says whether a signature mismatch error shows the
// string-to-sign the server computed, and the debug endpoints the expected
// signature (default true).
func WithStringToSign(show bool) Option {
	return core.Set(func(s *Settings) { s.ShowStringToSign = show })
}

// WithResponseSigning says whether responses carry X-Timestamp, X-Nonce
// and X-Signature (default true).
func WithResponseSigning(on bool) Option { return core.Set(func(s *Settings) { s.SignResponses = on }) }

// WithTimezone sets the zone times render in when a request sends no
// Timezone header (default UTC; nil is UTC). The setting holds the zone's name (GET
// /config shows it); a zone whose name the Timezone header could not
// name, like time.FixedZone("CST", 8*3600), is kept as its UTC offset.
func WithTimezone(loc *time.Location) Option {
	return core.Set(func(s *Settings) { s.Timezone = zoneName(loc) })
}

// WithWebhookTimezone sets the zone webhook payload times render in
// (default UTC; nil is UTC).
func WithWebhookTimezone(loc *time.Location) Option {
	return core.Set(func(s *Settings) { s.WebhookTimezone = zoneName(loc) })
}

// WithIdempotencyTTL sets how long, on the business clock, an
// X-Idempotency-Key remembers its first response (default 24 h).
func WithIdempotencyTTL(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.IdempotencyTTL = core.Duration(d) })
}

// WithCardValidity sets how many years a new card is valid (default 3); a
// card expires at the end of its expiry month.
func WithCardValidity(years int) Option {
	return core.Set(func(s *Settings) { s.CardValidityYears = years })
}

// WithKYCLink sets the base URL of the KYC H5 links (default
// https://kyc.sandbox.mocksrv.local/h5) and how long tokens and links live
// on the business clock (default 30 min).
func WithKYCLink(base string, ttl time.Duration) Option {
	return core.Set(func(s *Settings) { s.KYCLinkBase, s.KYCLinkTTL = base, core.Duration(ttl) })
}

// WithPaging sets the default and largest take of list endpoints (default
// 10 and 100).
func WithPaging(def, max int) Option {
	return core.Set(func(s *Settings) { s.TakeDefault, s.TakeMax = def, max })
}

// WithRateLimit allows at most n requests per second per API key before
// the rate-limit error (default 0: no limit; faults can still inject it).
func WithRateLimit(n int) Option { return core.Set(func(s *Settings) { s.RateLimit = n }) }

// WithAuthExpiry sets how long an approved purchase that never clears
// stays authorized before it expires on the business clock (default 7
// days; 0 never).
func WithAuthExpiry(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.AuthExpiry = core.Duration(d) })
}

// WithManualClearing leaves approved purchases to card events' clear (the
// admin API's POST /_mocksrv/tenants/{id}/bkj/cards/{card}/events) instead
// of clearing them by themselves after Delays.Clearing.
func WithManualClearing(on bool) Option { return core.Set(func(s *Settings) { s.ManualClearing = on }) }

// WithCards adds cards to the default tenant at start, as AddCard does.
func WithCards(cards ...Card) Option {
	return core.Setup[Settings](func(server any) error {
		s := server.(*Server)
		for _, c := range cards {
			if _, err := s.AddCard(c); err != nil {
				return fmt.Errorf("bkj: WithCards: %w", err)
			}
		}
		return nil
	})
}

// Server simulates bkj's OpenAPI for every tenant of its Env.
type Server struct {
	*core.Host[*world] // Handler, URL, Client, Close, Reset, FlushWebhooks; Clock, Journal, Faults

	worlds *core.Worlds[*world] // by tenant and by X-Api-Key
	set    Settings             // the Server's settings, every tenant's starting point
	zone   *time.Location       // set.Timezone, for requests of no known tenant
}

// New returns a Server holding the default tenant. It does not listen; use
// Handler, or RunT for a test server.
func New(opts ...Option) (*Server, error) {
	o, env, err := core.ReadOptions(Name, DefaultSettings(), opts)
	if err != nil {
		return nil, err
	}
	if err := o.Settings.check(); err != nil {
		return nil, fmt.Errorf("bkj: %w", err)
	}
	s := &Server{set: o.Settings}
	s.zone, _ = o.Settings.zones()
	s.worlds = core.NewWorlds(Name, "api_key", s.settleLocked)
	s.Host = core.NewHost(env, core.HostConfig[*world]{
		Name: Name, Prefixes: []string{"/openapi/"}, Worlds: s.worlds, Routes: s.routes,
		Wire:    core.Wire{Provider: Name, Identify: s.identify, WriteError: s.writeError},
		Webhook: core.Endpoint{Sign: s.signWebhook},
		Hooks:   s.hooks(),
	})
	if err := core.AddDefaultTenant(s.Host); err != nil {
		return nil, err
	}
	return s, o.RunSetup(s)
}

// RunT starts a test server on loopback with a frozen clock
// (2026-01-01T00:00:00Z), seed 1, strict auth and zero delays (each
// asynchronous step shows in the response that starts it and is done by the
// next request; WithDelays brings them back), closed when the test ends.
func RunT(t core.T, opts ...Option) *Server {
	t.Helper()
	var zero []Option
	if !setsDelays(opts) {
		zero = append(zero, WithDelays(Delays{}))
	}
	return core.RunT(t, Name, New, opts, zero...)
}

// setsDelays reports whether opts change any delay (WithDelays,
// WithFreezeDelay, WithSettings): then RunT keeps New's delays under them.
func setsDelays(opts []Option) bool {
	var probe core.Options[Settings]
	for _, st := range probe.Settings.Delays.steps() {
		*st.d = -1
	}
	for _, opt := range opts {
		_ = opt(&probe)
	}
	for _, st := range probe.Settings.Delays.steps() {
		if *st.d != -1 {
			return true
		}
	}
	return false
}

// APIKey returns the default tenant's X-Api-Key (DefaultAPIKey unless a
// restored state file says otherwise).
func (s *Server) APIKey() string { return s.worlds.Default().creds.APIKey }

// Secret returns the default tenant's api_secret.
func (s *Server) Secret() string { return s.worlds.Default().creds.APISecret }

// SetWebhookURL sends the default tenant's bkj webhooks to url.
func (s *Server) SetWebhookURL(url string) { s.Webhooks.SetURL(core.DefaultTenant, Name, url) }
