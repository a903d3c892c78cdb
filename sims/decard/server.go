package decard

import (
	"crypto/rand"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Name is the provider's name in the journal, fault rules and admin API.
const Name = "decard"

// prefixes are the path prefixes DeCard owns on a shared listener: every
// API group of the host root, and /ws/ for the WebSocket stream (which the
// real service serves on its own stream host).
var prefixes = []string{"/card/", "/account/", "/captcha/", "/user-asset/", "/crypto/", "/redirect/", "/websocket/", "/simulation/",
	"/qrpay/", "/financial-connection/", "/kyc/", "/ws/"}

// Default credentials of the default tenant. The secret is the Base64 of
// 32 bytes, as DeCard's are: HMAC signing uses its UTF-8 text, and the
// optional AES encryption of mobile numbers uses its Base64-decoded bytes
// as an AES-256 key (see doc.go, "Auth").
const (
	DefaultAPIKey    = "mocksrv-decard-key-default"
	DefaultAPISecret = "e8uMRJCOfeSOZpNrdr7hh4nilIDY/Erayt0KxsEHmzM="
)

// DefaultSMSCode is the sandbox SMS verification code (the Postman
// collection's samples all send 111111).
const DefaultSMSCode = "111111"

// Credentials are a tenant's DeCard API credentials.
type Credentials struct {
	APIKey    string `json:"api_key"`
	APISecret string `json:"api_secret"`
}

// Settings are every choice a DeCard tenant is simulated with, where the
// docs are silent or a test wants another value (doc.go, "Deviations").
// The Server's come from New's options over DefaultSettings; a tenant's
// object of POST /_mocksrv/tenants (or serve --tenant-options) sets any of
// them for that tenant, a field left out keeping the Server's. Each field
// is also a With… option, named beside it.
type Settings struct {
	// APIKey and APISecret fix a tenant's credentials (both or neither).
	// The default tenant has the documented DefaultAPIKey and
	// DefaultAPISecret; others random ones.
	APIKey    string `json:"api_key,omitempty"`
	APISecret string `json:"api_secret,omitempty"`

	TimestampWindow      core.Duration     `json:"timestamp_window"`       // WithTimestampWindow
	AnyNonce             bool              `json:"any_nonce"`              // WithAnyNonce
	NonceOnlyReplay      bool              `json:"nonce_only_replay"`      // WithNonceOnlyReplay
	SMSCode              string            `json:"sms_code"`               // WithSMSCode
	SMSValidity          core.Duration     `json:"sms_validity"`           // WithSMSValidity
	SMSInterval          core.Duration     `json:"sms_interval"`           // WithSMSInterval
	SMSAttempts          int               `json:"sms_attempts"`           // WithSMSAttempts
	KYCSubmitDelay       core.Duration     `json:"kyc_submit_delay"`       // WithKYCDelays (INIT → PENDING)
	KYCReviewDelay       core.Duration     `json:"kyc_review_delay"`       // WithKYCDelays (PENDING → PASS/REFUSE)
	IssueDelay           core.Duration     `json:"issue_delay"`            // WithIssueDelay
	PostingDelay         core.Duration     `json:"posting_delay"`          // WithPostingDelay
	AuthExpiry           core.Duration     `json:"auth_expiry"`            // WithAuthExpiry
	StatementDay         int               `json:"statement_day"`          // WithStatementDay
	ChannelTTL           core.Duration     `json:"channel_ttl"`            // WithChannelTTL
	MessageLog           int               `json:"message_log"`            // WithMessageLog
	LenientKYCInfo       bool              `json:"lenient_kyc_info"`       // WithLenientKYCInfo
	POAMaxAge            core.Duration     `json:"poa_max_age"`            // WithPOAMaxAge
	FundPool             string            `json:"fund_pool"`              // WithFundPool: a decimal
	LinkBase             string            `json:"link_base"`              // WithLinkBase
	DepositDelay         core.Duration     `json:"deposit_delay"`          // WithDepositDelay
	Rates                map[string]string `json:"rates"`                  // WithRate: units per USD by code ({"SGD":"1.35"})
	StrictQuerySignature bool              `json:"strict_query_signature"` // WithStrictQuerySignature
	QROrderTTL           core.Duration     `json:"qr_order_ttl"`           // WithQROrderTTL
	FCSettleDelay        core.Duration     `json:"fc_settle_delay"`        // WithFCSettleDelay
	FCWithdrawFee        string            `json:"fc_withdraw_fee"`        // WithFCWithdrawFee: a decimal
}

// DefaultSettings returns the settings a Server has when no option changes
// them.
func DefaultSettings() Settings {
	return Settings{
		TimestampWindow: core.Duration(5 * time.Second), SMSCode: DefaultSMSCode, SMSValidity: core.Duration(5 * time.Minute),
		SMSInterval: core.Duration(time.Minute), SMSAttempts: 5,
		KYCSubmitDelay: core.Duration(time.Minute), KYCReviewDelay: core.Duration(3 * time.Minute),
		IssueDelay: core.Duration(time.Minute), PostingDelay: core.Duration(24 * time.Hour), StatementDay: 1,
		AuthExpiry: core.Duration(7 * 24 * time.Hour),
		ChannelTTL: core.Duration(24 * time.Hour), MessageLog: 10_000, POAMaxAge: core.Duration(90 * 24 * time.Hour),
		FundPool: "1000000", LinkBase: "https://h5.decard.mocksrv.local", DepositDelay: core.Duration(time.Minute),
		Rates: defaultRates(), QROrderTTL: core.Duration(15 * time.Minute), FCSettleDelay: core.Duration(10 * time.Minute), FCWithdrawFee: "0",
	}
}

// check reports the first setting that is out of range, naming it.
func (st Settings) check() error {
	switch {
	case (st.APIKey == "") != (st.APISecret == ""):
		return errors.New("give both api_key and api_secret, or neither")
	case st.TimestampWindow <= 0:
		return fmt.Errorf("timestamp_window %s: the timestamp window must be positive", st.TimestampWindow.D())
	case st.SMSCode == "":
		return errors.New("sms_code: the SMS code must not be empty")
	case st.SMSAttempts < 1:
		return fmt.Errorf("sms_attempts %d: SMS attempts must be at least 1", st.SMSAttempts)
	case st.KYCSubmitDelay < 0 || st.KYCReviewDelay < 0:
		return fmt.Errorf("kyc_submit_delay %s, kyc_review_delay %s: KYC delays must not be negative", st.KYCSubmitDelay.D(), st.KYCReviewDelay.D())
	case st.StatementDay < 1 || st.StatementDay > 28:
		return fmt.Errorf("statement_day: statement day %d: want 1-28", st.StatementDay)
	case st.MessageLog < 1:
		return fmt.Errorf("message_log %d: the message log must hold at least one message", st.MessageLog)
	case st.AuthExpiry <= 0:
		return fmt.Errorf("auth_expiry %s: the authorisation lifetime must be positive", st.AuthExpiry.D())
	case st.QROrderTTL <= 0:
		return fmt.Errorf("qr_order_ttl %s: the QR order lifetime must be positive", st.QROrderTTL.D())
	}
	for _, d := range []struct {
		name string
		d    core.Duration
	}{{"sms_validity", st.SMSValidity}, {"sms_interval", st.SMSInterval}, {"issue_delay", st.IssueDelay},
		{"posting_delay", st.PostingDelay}, {"channel_ttl", st.ChannelTTL}, {"poa_max_age", st.POAMaxAge},
		{"deposit_delay", st.DepositDelay}, {"fc_settle_delay", st.FCSettleDelay}} {
		if d.d < 0 {
			return fmt.Errorf("%s must not be negative, got %s", d.name, d.d.D())
		}
	}
	if d, err := core.ParseDecimal(st.FundPool); err != nil || d.Sign() < 0 {
		return fmt.Errorf("fund_pool: fund pool %q: want a non-negative decimal", st.FundPool)
	}
	if d, err := core.ParseDecimal(st.FCWithdrawFee); err != nil || d.Sign() < 0 {
		return fmt.Errorf("fc_withdraw_fee: withdrawal fee %q: want a non-negative decimal", st.FCWithdrawFee)
	}
	for _, code := range slices.Sorted(maps.Keys(st.Rates)) {
		if d, err := core.ParseDecimal(st.Rates[code]); err != nil || d.Sign() <= 0 {
			return fmt.Errorf("rates: rate %s %q: want a positive decimal", code, st.Rates[code])
		}
	}
	return nil
}

// amounts returns the decimal settings parsed; check has vouched for them.
func (st Settings) amounts() (pool, fee core.Decimal, rates map[string]core.Decimal) {
	pool, _ = core.ParseDecimal(st.FundPool)
	fee, _ = core.ParseDecimal(st.FCWithdrawFee)
	rates = make(map[string]core.Decimal, len(st.Rates))
	for code, r := range st.Rates {
		rates[code], _ = core.ParseDecimal(r)
	}
	return pool, fee, rates
}

// canon returns the settings in the form the simulator reads them: rate
// codes in upper case (in a map of their own, so a world never shares the
// Server's) and the link host without a trailing slash.
func (st Settings) canon() Settings {
	rates := make(map[string]string, len(st.Rates))
	for code, r := range st.Rates {
		if code == strings.ToUpper(code) {
			rates[code] = r
		}
	}
	// A code given in lower case was a tenant's (its options are decoded
	// over the Server's upper-case codes): it wins, as WithRate's did.
	for _, code := range slices.Sorted(maps.Keys(st.Rates)) {
		if up := strings.ToUpper(code); code != up {
			rates[up] = st.Rates[code]
		}
	}
	st.Rates, st.LinkBase = rates, strings.TrimRight(st.LinkBase, "/")
	return st
}

// Option configures a Server.
type Option = core.Option[Settings]

// The options every provider has.
var (
	// WithEnv shares an Env (clock, tenants, journal, faults, outbox) with
	// other providers; the Fleet does this. It conflicts with WithSeed and
	// WithClock, which configure an Env of the Server's own.
	WithEnv = core.WithEnv[Settings]
	// WithSeed seeds the fake data of a Server with its own Env.
	WithSeed = core.WithSeed[Settings]
	// WithClock gives a Server with its own Env this default-tenant clock.
	WithClock = core.WithClock[Settings]
	// WithAuth sets how strictly credentials are checked (default strict).
	WithAuth = core.WithAuth[Settings]
)

// WithSettings replaces the Server's settings: every tenant's, unless its
// options say otherwise.
func WithSettings(st Settings) Option { return core.Set(func(s *Settings) { *s = st }) }

// WithTimestampWindow sets how far X-DAPI-TIMESTAMP may be from the wall
// clock, either way (default 5 s, as published).
func WithTimestampWindow(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.TimestampWindow = core.Duration(d) })
}

// WithAnyNonce accepts any non-empty X-DAPI-NONCE of up to 64 characters
// instead of only integers 10000–99999 (what every published client sends).
func WithAnyNonce(on bool) Option { return core.Set(func(s *Settings) { s.AnyNonce = on }) }

// WithNonceOnlyReplay refuses a nonce used by the same API key within the
// timestamp window whatever its timestamp. By default a replay is the same
// (API key, timestamp, nonce), so two requests that happen to draw the same
// random nonce in different milliseconds both pass.
func WithNonceOnlyReplay(on bool) Option {
	return core.Set(func(s *Settings) { s.NonceOnlyReplay = on })
}

// WithSMSCode sets the sandbox SMS code every send-mobile-code "sends"
// (default 111111).
func WithSMSCode(code string) Option { return core.Set(func(s *Settings) { s.SMSCode = code }) }

// WithSMSValidity sets how long an SMS code stays valid on the business
// clock (default 5 minutes, as published).
func WithSMSValidity(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.SMSValidity = core.Duration(d) })
}

// WithSMSInterval sets the shortest business-time gap between two codes
// for the same phone and purpose; a faster send is RISK_FAILED (default
// 60 s; 0 turns the limit off).
func WithSMSInterval(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.SMSInterval = core.Duration(d) })
}

// WithSMSAttempts sets how many wrong codes a phone may try before
// MFA_FAILED_FREEZE (default 5).
func WithSMSAttempts(n int) Option { return core.Set(func(s *Settings) { s.SMSAttempts = n }) }

// WithKYCDelays sets the business-time steps of a KYC review: INIT to
// PENDING (submit, default 1 min) and PENDING to PASS or REFUSE (review,
// default 3 min, DeCard's published auto-review time).
func WithKYCDelays(submit, review time.Duration) Option {
	return core.Set(func(s *Settings) { s.KYCSubmitDelay, s.KYCReviewDelay = core.Duration(submit), core.Duration(review) })
}

// WithIssueDelay sets how long after the KYC passes a virtual card is
// issued and its application turns SUCCESS (default 1 min).
func WithIssueDelay(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.IssueDelay = core.Duration(d) })
}

// WithAuthExpiry sets how long an approved spend waits for clearing
// before it is released (default 7 days). It matters when posting_delay
// is not shorter: then spends wait for a clear event instead of posting by
// themselves.
func WithAuthExpiry(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.AuthExpiry = core.Duration(d) })
}

// WithPostingDelay sets how long an approved authorisation stays
// unposted (postIndicator 0) before it posts (default 24 h).
func WithPostingDelay(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.PostingDelay = core.Duration(d) })
}

// WithStatementDay sets the day of the month (1–28) statements close on,
// at 00:00 UTC; the next cycle starts the day after (default 1, as the
// published example dates show).
func WithStatementDay(day int) Option { return core.Set(func(s *Settings) { s.StatementDay = day }) }

// WithChannelTTL sets a WebSocket channel's lifetime on the business clock
// (default 24 h, as published; 0 never expires).
func WithChannelTTL(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.ChannelTTL = core.Duration(d) })
}

// WithMessageLog sets how many pushed messages a tenant keeps for
// /websocket/v1/search (default 10,000).
func WithMessageLog(n int) Option { return core.Set(func(s *Settings) { s.MessageLog = n }) }

// WithLenientKYCInfo accepts virtual-card applications the way the Java
// connector sends them: email, jobSeniority and sourceOfFundsCountry may be
// missing and dictionary values are not checked. By default every kycInfo
// field is required and checked against the published dictionaries.
func WithLenientKYCInfo(on bool) Option { return core.Set(func(s *Settings) { s.LenientKYCInfo = on }) }

// WithPOAMaxAge sets how old a dated proof-of-address document may be
// (default 90 days, 75 for France, per the poaDocType dictionary; 0 turns
// the age check off).
func WithPOAMaxAge(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.POAMaxAge = core.Duration(d) })
}

// WithFundPool sets how much of each asset a tenant's fund pool holds for
// /user-asset/v1/credit (default 1,000,000).
func WithFundPool(amount string) Option { return core.Set(func(s *Settings) { s.FundPool = amount }) }

// WithLinkBase sets the host of the one-time links guidance-link returns
// (default https://h5.decard.mocksrv.local).
func WithLinkBase(base string) Option { return core.Set(func(s *Settings) { s.LinkBase = base }) }

// WithDepositDelay sets each business-time step of a simulated deposit
// order (PENDING_NORMAL → PENDING_CREDIT → SUCCESS; default 1 min).
func WithDepositDelay(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.DepositDelay = core.Duration(d) })
}

// WithRate sets how many units of a currency or asset one USD buys
// ("SGD", "1.35"), for fund-auth conversions and SGD statement amounts.
func WithRate(code, unitsPerUSD string) Option {
	return core.Set(func(s *Settings) {
		rates := maps.Clone(s.Rates) // the map may be a caller's (WithSettings)
		if rates == nil {
			rates = map[string]string{}
		}
		rates[strings.ToUpper(code)] = unitsPerUSD
		s.Rates = rates
	})
}

// WithStrictQuerySignature refuses a GET whose X-DAPI-SIGN covers the query
// decoded (what the Java connector signs) rather than the query exactly as
// sent (what DeCard's docs and Postman collection sign). By default both
// pass and the decoded form is journaled with a warning.
func WithStrictQuerySignature(on bool) Option {
	return core.Set(func(s *Settings) { s.StrictQuerySignature = on })
}

// WithQROrderTTL sets how long a created QR-pay order waits for its
// confirm before it is CLOSED (business time, default 15 minutes).
func WithQROrderTTL(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.QROrderTTL = core.Duration(d) })
}

// WithFCSettleDelay sets how long a financial-connection payment takes to
// settle into the partner's fund pool and a withdrawal to reach the payee's
// bank (business time, default 10 minutes).
func WithFCSettleDelay(d time.Duration) Option {
	return core.Set(func(s *Settings) { s.FCSettleDelay = core.Duration(d) })
}

// WithFCWithdrawFee sets the flat fee a financial-connection withdrawal
// pays, in the withdrawal's currency, into the partner's fund pool
// (default 0: settleAmount equals amount).
func WithFCWithdrawFee(amount string) Option {
	return core.Set(func(s *Settings) { s.FCWithdrawFee = amount })
}

// Server simulates DeCard for every tenant of its Env.
type Server struct {
	*core.Host[*world] // Handler, URL, Client, Reset, FlushWebhooks; Clock, Journal, Faults

	worlds *core.Worlds[*world] // by tenant and by API key
	set    Settings             // the Server's settings, every tenant's starting point

	chMu     sync.Mutex        // guards channels; taken after a world's lock, never before one
	channels map[string]*world // WebSocket channel → the world it streams; every id bound to one tenant's world
}

// New returns a Server holding the default tenant. It does not listen; use
// Handler, or RunT for a test server.
func New(opts ...Option) (*Server, error) {
	o, env, err := core.ReadOptions(Name, DefaultSettings(), opts)
	if err != nil {
		return nil, err
	}
	set := o.Settings.canon()
	if err := set.check(); err != nil {
		return nil, fmt.Errorf("decard: %w", err)
	}
	s := &Server{set: set, channels: map[string]*world{}}
	s.worlds = core.NewWorlds(Name, "api_key", (*world).settleLocked)
	s.Host = core.NewHost(env, core.HostConfig[*world]{
		Name: Name, Prefixes: Spec().Prefixes, Worlds: s.worlds, Routes: s.routes,
		Wire:    core.Wire{Provider: Name, Identify: s.identify, WriteError: s.writeError},
		Webhook: core.Endpoint{Sign: s.signWebhook, Accept: acceptWebhook},
		Hooks:   s.hooks(),
	})
	if err := core.AddDefaultTenant(s.Host); err != nil {
		return nil, err
	}
	return s, o.RunSetup(s)
}

// RunT starts a test server on loopback with a frozen clock
// (2026-01-01T00:00:00Z), seed 1 and strict auth, closed when the test
// ends.
func RunT(t core.T, opts ...Option) *Server { t.Helper(); return core.RunT(t, Name, New, opts) }

// StreamURL returns the WebSocket URL of a channel on a RunT server
// ("ws://127.0.0.1:port/ws/{channel}").
func (s *Server) StreamURL(channel string) string {
	return "ws" + strings.TrimPrefix(s.URL(), "http") + "/ws/" + channel
}

// Close stops a RunT server and ends its WebSocket streams.
func (s *Server) Close() {
	for _, id := range s.worlds.IDs() {
		if w, ok := s.worlds.Get(id); ok {
			w.Lock()
			w.dropSubscribersLocked()
			w.Unlock()
		}
	}
	core.CutConnections(s.Host)
	s.Host.Close()
}

// APIKey returns the default tenant's API key.
func (s *Server) APIKey() string { return s.worlds.Default().creds.APIKey }

// Secret returns the default tenant's API secret.
func (s *Server) Secret() string { return s.worlds.Default().creds.APISecret }

// byChannel returns the world a WebSocket channel streams, while that
// world is still its tenant's.
func (s *Server) byChannel(channel string) (*world, bool) {
	s.chMu.Lock()
	w, ok := s.channels[channel]
	s.chMu.Unlock()
	if !ok {
		return nil, false
	}
	cur, ok := s.worlds.Get(w.Tenant.ID)
	return cur, ok && cur == w
}

// newChannel binds a new channel id to w and retires w's previous one
// (retired; "" for none): an id no other channel of the Server has, so a
// new channel never takes over another tenant's stream.
func (s *Server) newChannel(w *world, retired string) string {
	s.chMu.Lock()
	defer s.chMu.Unlock()
	if retired != "" && s.channels[retired] == w {
		delete(s.channels, retired)
	}
	for {
		id := randomChannelID()
		if _, taken := s.channels[id]; !taken {
			s.channels[id] = w
			return id
		}
	}
}

// bindChannel binds a restored world's channel to it, unless another
// tenant's current world streams that id; it reports whether it did. An
// earlier world of the same tenant (the one the restore replaces) gives
// the id up.
func (s *Server) bindChannel(w *world, channel string) bool {
	s.chMu.Lock()
	defer s.chMu.Unlock()
	if other, taken := s.channels[channel]; taken && other.Tenant.ID != w.Tenant.ID {
		if cur, ok := s.worlds.Get(other.Tenant.ID); ok && cur == other {
			return false
		}
	}
	s.channels[channel] = w
	return true
}

// unbindChannel forgets channel if w still holds it (a newer world of the
// tenant, a restored copy, may stream it now).
func (s *Server) unbindChannel(w *world, channel string) {
	s.chMu.Lock()
	defer s.chMu.Unlock()
	if channel != "" && s.channels[channel] == w {
		delete(s.channels, channel)
	}
}

// channelAlphabet is the alphabet of channel ids: DeCard's are
// alphanumeric ("HBHmMK99SJEVMVUqCb4").
const channelAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// channelLen is a channel id's length: 22 characters of 62 carry 130 bits,
// more than the 128 an unguessable id needs (DeCard's published example
// has 19, 113 bits).
const channelLen = 22

// randomChannelID draws a channel id from crypto/rand: not fake data, so
// never the tenant's seeded faker, whose ids another tenant with the same
// seed, or anyone on a fresh server, would draw again.
func randomChannelID() string {
	out := make([]byte, 0, channelLen)
	var buf [32]byte
	for len(out) < channelLen {
		if _, err := rand.Read(buf[:]); err != nil {
			panic(fmt.Sprintf("crypto/rand: %v", err)) // never fails on supported platforms
		}
		for _, b := range buf {
			if b < 248 && len(out) < channelLen { // 248 = 4 × 62: no bias
				out = append(out, channelAlphabet[b%62])
			}
		}
	}
	return string(out)
}
