package uqpay

// Authorization Decision — UQPay Card Issuance v1.6 guide
// "Authorization Decisions" (developers.uqpay.com/card-issuance/v1.6/guide/
// authorization-decisions) and the official SDKs' handlers
// (uqpay-sdk-go authdecision, uqpay-node issuing.authDecision): for each
// authorization that passes UQPay's own checks, UQPay POSTs the
// transaction, PGP-encrypted with the client's public key, to the
// client's endpoint (Content-Type application/json; charset=utf-8 and a
// fresh x-request-id UUID) and waits the configured window (1–5 s) for an
// answer encrypted with UQPay's public key: {transaction_id,
// response_code, partner_reference_id}. "00" approves; any other code
// declines. No valid answer in time applies the tenant's default timeout
// action.
//
// The OpenPGP work uses github.com/ProtonMail/go-crypto, the maintained
// fork of golang.org/x/crypto/openpgp (frozen and deprecated) that the
// official Go SDK uses too.

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Decision timeout actions.
const (
	DecisionApprove = "approve"
	DecisionDecline = "decline"
)

// The decision window's published range, and the default the SDK's README
// names ("the default UQPAY window is two seconds").
const (
	minDecisionTimeout     = time.Second
	maxDecisionTimeout     = 5 * time.Second
	defaultDecisionTimeout = 2 * time.Second
)

// Transaction types of a decision request, as the guide numbers them.
const (
	decisionAuthorization = 1000
	decisionTransferOut   = 1100
	decisionCash          = 1200
	decisionRefund        = 2000
)

// What an authorization is for (core.CardEvent's kind).
const (
	kindPurchase    = "purchase"
	kindATM         = "atm"
	kindTransferOut = "transfer_out"
	kindRefund      = "refund"
)

// decisionType maps an authorization's kind to the request's
// transaction_type, and processingCode to its processing_code: ISO 8583's
// first two digits (00 goods and services, 01 cash, 10 account funding,
// 20 refund) — the guide calls it "card schema process code" and shows
// none, so these are ours.
var (
	decisionType   = map[string]int{kindPurchase: decisionAuthorization, kindTransferOut: decisionTransferOut, kindATM: decisionCash, kindRefund: decisionRefund}
	processingCode = map[string]string{kindPurchase: "00", kindATM: "01", kindTransferOut: "10", kindRefund: "20"}
)

// responseCodes are the ISO 8583 response codes a decision endpoint
// answers with and the text a declined transaction's description gives
// them. The guide's examples use "00" (approve) and "51" (insufficient
// funds); a code not listed still declines, described by its code.
var responseCodes = map[string]string{
	"00": "Approved",
	"01": "Refer to Card Issuer",
	"03": "Invalid Merchant",
	"04": "Pick Up Card",
	"05": "Do Not Honor",
	"12": "Invalid Transaction",
	"13": "Invalid Amount",
	"14": "Invalid Card Number",
	"41": "Lost Card",
	"43": "Stolen Card",
	"51": "Insufficient Funds",
	"54": "Expired Card",
	"57": "Transaction Not Permitted to Cardholder",
	"58": "Transaction Not Permitted to Terminal",
	"59": "Suspected Fraud",
	"61": "Exceeds Withdrawal Amount Limit",
	"62": "Restricted Card",
	"65": "Exceeds Withdrawal Frequency Limit",
	"91": "Issuer Unavailable",
	"96": "System Malfunction",
}

// ResponseCodes returns the decision response codes mocksrv describes, by
// code.
func ResponseCodes() map[string]string {
	out := make(map[string]string, len(responseCodes))
	for k, v := range responseCodes {
		out[k] = v
	}
	return out
}

var responseCodePattern = regexp.MustCompile(`^[0-9A-Z]{2}$`)

// pgpConfig is the OpenPGP profile of both directions: RSA 2048, SHA-256,
// AES-256 (what the official SDKs generate and expect), uncompressed (the
// Go SDK compresses with ZLIB, and reads either; a zlib writer per message
// cost ~0.9 MB of allocation and halved the decision rate). Keys and messages
// are stamped with wall time: they are transport, not business, and the
// client's library checks key validity against its own clock.
func pgpConfig() *packet.Config {
	return &packet.Config{
		DefaultHash: crypto.SHA256, DefaultCipher: packet.CipherAES256,
		DefaultCompressionAlgo: packet.CompressionNone, RSABits: 2048,
		Time: core.WallNow,
	}
}

// decisionKeys is the PGP side of a tenant's decision setup: the client's
// public key requests are encrypted to, and mocksrv's own key pair (its
// stand-in for UQPay's), whose public half the client encrypts answers
// with. The parsed key rings are never changed after they are built, so a
// decision call may use them with the world unlocked.
type decisionKeys struct {
	client    openpgp.EntityList // the client's public key
	own       openpgp.EntityList // mocksrv's private key
	ownPublic string             // its armored public half
}

// decisionSetup is a tenant's Authorization Decision registration: its
// endpoint, its public key, the window and the default action. It starts
// from the tenant's settings; the admin API's decision kind replaces it.
type decisionSetup struct {
	URL           string
	ClientKey     string // armored
	Timeout       time.Duration
	Default       string
	NumberAmounts bool
	OwnKey        string // mocksrv's armored private key; "" until generated

	keys decisionKeys
}

// on reports whether authorizations go to a decision endpoint.
func (d *decisionSetup) on() bool { return d.URL != "" && d.keys.client != nil }

// DecisionSetup is what the admin API shows of a tenant's decision
// registration (GET state's "decision", POST …/uqpay/decision).
type DecisionSetup struct {
	URL            string `json:"url"`
	PublicKeyID    string `json:"public_key_id,omitempty"` // the client key's id (hex), once registered
	Timeout        string `json:"timeout"`
	DefaultAction  string `json:"default_action"`
	NumberAmounts  bool   `json:"number_amounts"`
	UQPayPublicKey string `json:"uqpay_public_key,omitempty"` // mocksrv's public key: encrypt answers with it
}

func (d *decisionSetup) view() DecisionSetup {
	v := DecisionSetup{URL: d.URL, Timeout: d.Timeout.String(), DefaultAction: d.Default,
		NumberAmounts: d.NumberAmounts, UQPayPublicKey: d.keys.ownPublic}
	if len(d.keys.client) > 0 {
		v.PublicKeyID = fmt.Sprintf("%016X", d.keys.client[0].PrimaryKey.KeyId)
	}
	return v
}

// decisionFromSettings builds a tenant's starting registration.
func decisionFromSettings(set Settings) (decisionSetup, error) {
	d := decisionSetup{URL: set.DecisionURL, ClientKey: set.DecisionPublicKey, Timeout: set.DecisionTimeout.D(),
		Default: set.DecisionDefault, NumberAmounts: set.DecisionNumberAmounts, OwnKey: set.DecisionPrivateKey}
	return d, d.parse()
}

// parse reads the armored keys into key rings.
func (d *decisionSetup) parse() error {
	d.keys = decisionKeys{}
	if d.ClientKey != "" {
		ring, err := readPublicKey(d.ClientKey)
		if err != nil {
			return fmt.Errorf("decision_public_key: %w", err)
		}
		d.keys.client = ring
	}
	if d.OwnKey != "" {
		ring, pub, err := readPrivateKey(d.OwnKey)
		if err != nil {
			return fmt.Errorf("decision_private_key: %w", err)
		}
		d.keys.own, d.keys.ownPublic = ring, pub
	}
	return nil
}

// checkDecision reports the first decision setting out of range, naming
// it.
func checkDecision(url, key string, timeout time.Duration, def string) error {
	switch {
	case url != "" && !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://"):
		return fmt.Errorf("decision_url %q: want an http:// or https:// URL", url)
	case url != "" && key == "":
		return errors.New("decision_url needs decision_public_key: the client's armored PGP public key requests are encrypted to")
	case timeout < minDecisionTimeout || timeout > maxDecisionTimeout:
		return fmt.Errorf("decision_timeout must be 1s to 5s (UQPay's window), got %s", timeout)
	case def != DecisionApprove && def != DecisionDecline:
		return fmt.Errorf("decision_default %q: want %q or %q", def, DecisionApprove, DecisionDecline)
	}
	return nil
}

// readPublicKey parses an armored public key that can encrypt: RSA of at
// least 2048 bits, as the guide and the SDKs require.
func readPublicKey(armored string) (openpgp.EntityList, error) {
	ring, err := openpgp.ReadArmoredKeyRing(strings.NewReader(armored))
	if err != nil {
		return nil, fmt.Errorf("not an armored PGP public key: %v", err)
	}
	for _, e := range ring {
		if k, ok := e.EncryptionKey(core.WallNow()); ok {
			if rk, isRSA := k.PublicKey.PublicKey.(*rsa.PublicKey); isRSA && rk.N.BitLen() >= 2048 {
				return ring, nil
			}
		}
	}
	return nil, errors.New("the key has no valid RSA encryption key of at least 2048 bits")
}

// readPrivateKey parses an armored private key (unencrypted) and returns
// its armored public half.
func readPrivateKey(armored string) (openpgp.EntityList, string, error) {
	ring, err := openpgp.ReadArmoredKeyRing(strings.NewReader(armored))
	if err != nil {
		return nil, "", fmt.Errorf("not an armored PGP private key: %v", err)
	}
	if len(ring) == 0 || ring[0].PrivateKey == nil {
		return nil, "", errors.New("the key has no private material")
	}
	for _, e := range ring {
		if e.PrivateKey != nil && e.PrivateKey.Encrypted {
			return nil, "", errors.New("the private key is passphrase-protected; give it unprotected")
		}
	}
	pub, err := armorPublic(ring[0])
	return ring, pub, err
}

// GenerateDecisionKey returns a new armored RSA 2048 PGP key pair with an
// encryption subkey: what a decision endpoint and mocksrv each hold. It
// takes tens to hundreds of milliseconds.
func GenerateDecisionKey(name, email string) (publicKey, privateKey string, err error) {
	e, err := openpgp.NewEntity(name, "", email, pgpConfig())
	if err != nil {
		return "", "", err
	}
	var priv bytes.Buffer
	w, err := armor.Encode(&priv, openpgp.PrivateKeyType, nil)
	if err != nil {
		return "", "", err
	}
	if err := e.SerializePrivate(w, pgpConfig()); err != nil {
		return "", "", err
	}
	if err := w.Close(); err != nil {
		return "", "", err
	}
	pub, err := armorPublic(e)
	return pub, priv.String(), err
}

func armorPublic(e *openpgp.Entity) (string, error) {
	var b bytes.Buffer
	w, err := armor.Encode(&b, openpgp.PublicKeyType, nil)
	if err != nil {
		return "", err
	}
	if err := e.Serialize(w); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	return b.String(), nil
}

// encryptTo encrypts plaintext to a key ring, ASCII-armored as a PGP
// MESSAGE, unsigned (the guide asks for encryption only).
func encryptTo(to openpgp.EntityList, plaintext []byte) ([]byte, error) {
	var out bytes.Buffer
	aw, err := armor.Encode(&out, "PGP MESSAGE", nil)
	if err != nil {
		return nil, err
	}
	pw, err := openpgp.Encrypt(aw, to, nil, nil, pgpConfig())
	if err != nil {
		return nil, err
	}
	if _, err := pw.Write(plaintext); err != nil {
		return nil, err
	}
	if err := pw.Close(); err != nil {
		return nil, err
	}
	if err := aw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// maxDecisionBody bounds what is read of an endpoint's answer and of its
// decrypted text.
const maxDecisionBody = 64 << 10

// decryptWith decrypts an armored PGP MESSAGE with a private key ring.
func decryptWith(keys openpgp.EntityList, armored []byte) ([]byte, error) {
	block, err := armor.Decode(bytes.NewReader(armored))
	if err != nil {
		return nil, fmt.Errorf("the answer is not an ASCII-armored PGP message: %v", err)
	}
	if block.Type != "PGP MESSAGE" {
		return nil, fmt.Errorf("the answer is armored as %q, not PGP MESSAGE", block.Type)
	}
	md, err := openpgp.ReadMessage(block.Body, keys, nil, pgpConfig())
	if err != nil {
		return nil, fmt.Errorf("the answer does not decrypt with UQPay's (mocksrv's) private key — was it encrypted with the uqpay_public_key? %v", err)
	}
	b, err := io.ReadAll(io.LimitReader(md.UnverifiedBody, maxDecisionBody+1))
	if err != nil {
		return nil, fmt.Errorf("reading the decrypted answer: %v", err)
	}
	if len(b) > maxDecisionBody {
		return nil, fmt.Errorf("the decrypted answer is over %d bytes", maxDecisionBody)
	}
	return b, nil
}

// decisionRequest is the decrypted body of a decision request, in the
// guide's field order.
type decisionRequest struct {
	TransactionID                   string `json:"transaction_id"`
	TransactionType                 int    `json:"transaction_type"`
	CardID                          string `json:"card_id"`
	ProcessingCode                  string `json:"processing_code"`
	BillingAmount                   any    `json:"billing_amount"`
	TransactionAmount               any    `json:"transaction_amount"`
	AuthAmount                      any    `json:"auth_amount"`
	DateOfTransaction               string `json:"date_of_transaction"`
	BillingCurrencyCode             string `json:"billing_currency_code"`
	TransactionCurrencyCode         string `json:"transaction_currency_code"`
	AuthCurrencyCode                string `json:"auth_currency_code"`
	CardBalance                     any    `json:"card_balance"`
	MerchantID                      string `json:"merchant_id"`
	MerchantName                    string `json:"merchant_name"`
	MerchantCategoryCode            string `json:"merchant_category_code"`
	MerchantCity                    string `json:"merchant_city"`
	MerchantCountry                 string `json:"merchant_country"`
	TerminalID                      string `json:"terminal_id"`
	PosEntryMode                    string `json:"pos_entry_mode"`
	PosConditionCode                string `json:"pos_condition_code"`
	PosEnv                          string `json:"pos_env"`
	ECI                             string `json:"eci"`
	PinEntryCapability              string `json:"pin_entry_capability"`
	RetrievalReferenceNumber        string `json:"retrieval_reference_number"`
	SystemTraceAuditNumber          string `json:"system_trace_audit_number"`
	AcquiringInstitutionCountryCode string `json:"acquiring_institution_country_code"`
	AcquiringInstitutionID          string `json:"acquiring_institution_id"`
	WalletType                      string `json:"wallet_type"`
}

// decisionAnswer is the decrypted body of an endpoint's answer.
type decisionAnswer struct {
	TransactionID      string `json:"transaction_id"`
	ResponseCode       string `json:"response_code"`
	PartnerReferenceID string `json:"partner_reference_id"`
}

// DecisionOutcome records how a transaction's decision was made, on the
// transaction (the state dump shows it; the wire never does).
type DecisionOutcome struct {
	ResponseCode       string  `json:"response_code,omitempty"`
	PartnerReferenceID string  `json:"partner_reference_id,omitempty"`
	Approved           bool    `json:"approved"`
	Default            bool    `json:"default_applied,omitempty"` // no valid answer: the timeout action decided
	Reason             string  `json:"reason,omitempty"`          // why the default applied
	DurationMS         float64 `json:"duration_ms"`
}

// decisionCall is one decision request, built under the world's lock and
// sent without it.
type decisionCall struct {
	tenant    string
	url       string
	timeout   time.Duration
	def       string
	keys      decisionKeys
	requestID string
	txnID     string
	plaintext []byte
	at        time.Time // business time, for the journal
}

// decisionCallLocked builds the decision request for an authorization
// about to be approved by UQPay's own checks. w's lock is held.
func (w *world) decisionCallLocked(a *account, c Card, t Transaction, authAmount core.Decimal) decisionCall {
	d := &w.decision
	amt := func(x core.Decimal) any {
		if d.NumberAmounts {
			return number(x)
		}
		return x.String()
	}
	kind := t.Kind
	if kind == "" {
		kind = kindPurchase
	}
	entry, cond, env, eci, pin := "81", "59", "E", "07", "0" // e-commerce, no PIN pad
	if kind == kindATM {
		entry, cond, env, eci, pin = "05", "00", "", "", "1" // chip, cardholder present, PIN entered
	}
	req := decisionRequest{
		TransactionID: t.ID, TransactionType: decisionType[kind], CardID: c.ID, ProcessingCode: processingCode[kind],
		BillingAmount: amt(t.Billing), TransactionAmount: amt(t.Amount), AuthAmount: amt(authAmount),
		DateOfTransaction: t.CreatedAt.In(w.zone).Format(layoutSpaced), BillingCurrencyCode: t.BillingCurrency,
		TransactionCurrencyCode: t.Currency, AuthCurrencyCode: t.BillingCurrency,
		CardBalance: amt(a.cardAvailable(c)), MerchantID: t.Merchant.ID, MerchantName: t.Merchant.Name,
		MerchantCategoryCode: t.Merchant.CategoryCode, MerchantCity: t.Merchant.City,
		MerchantCountry: t.Merchant.Country, TerminalID: t.Network.Terminal, PosEntryMode: entry, PosConditionCode: cond,
		PosEnv: env, ECI: eci, PinEntryCapability: pin, RetrievalReferenceNumber: t.Network.RRN,
		SystemTraceAuditNumber: t.Network.STAN, AcquiringInstitutionCountryCode: t.Merchant.Country,
		AcquiringInstitutionID: t.Network.Acquirer, WalletType: t.WalletType,
	}
	body, _ := json.Marshal(req) // plain strings and numbers: always marshals
	return decisionCall{tenant: w.Tenant.ID, url: d.URL, timeout: d.Timeout, def: d.Default, keys: d.keys,
		requestID: w.Faker.UUID(), txnID: t.ID, plaintext: body, at: w.Now()}
}

// decide sends a decision request and reads the answer; it never holds a
// world's lock, so one tenant's slow endpoint stalls nobody else. Every
// call is journaled (type "decision", the decrypted request and answer,
// and when the default decided, the reason). A missing, late, undecryptable
// or malformed answer applies the tenant's default action.
func (s *Server) decide(call decisionCall) DecisionOutcome {
	start := core.WallNow()
	status, answer, reason := s.exchange(call)
	out := DecisionOutcome{DurationMS: float64(core.WallNow().Sub(start).Microseconds()) / 1000}
	if reason == "" {
		out.ResponseCode, out.PartnerReferenceID = answer.ResponseCode, answer.PartnerReferenceID
		out.Approved = answer.ResponseCode == "00"
	} else {
		out.Default, out.Approved = true, call.def == DecisionApprove
		out.Reason = reason + "; the default action (" + call.def + ") applied"
	}
	resp, _ := json.Marshal(answer)
	if answer == (decisionAnswer{}) {
		resp = nil
	}
	req, cut1 := core.Clip(string(call.plaintext), s.JournalBody)
	res, cut2 := core.Clip(string(resp), s.JournalBody)
	s.Journal.Add(core.Entry{
		Type: "decision", Tenant: call.tenant, Provider: Name, Route: "authorization.decision",
		Method: http.MethodPost, Path: call.url, Status: status, At: call.at, Wall: start, DurationMS: out.DurationMS,
		Headers: map[string]string{"Content-Type": "application/json; charset=utf-8", "x-request-id": call.requestID},
		Request: req, Response: res, Truncated: cut1 || cut2, Error: out.Reason,
	})
	return out
}

// exchange makes the HTTP round trip: it returns the HTTP status (0 when
// none came), the decrypted answer, and why the answer cannot decide ("" when
// it can).
func (s *Server) exchange(call decisionCall) (int, decisionAnswer, string) {
	body, err := encryptTo(call.keys.client, call.plaintext)
	if err != nil {
		return 0, decisionAnswer{}, "encrypting the request to the registered public key failed: " + err.Error()
	}
	ctx, cancel := context.WithTimeout(context.Background(), call.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, call.url, bytes.NewReader(body))
	if err != nil {
		return 0, decisionAnswer{}, "the decision_url is not usable: " + err.Error()
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("x-request-id", call.requestID)
	resp, err := s.decisionClient.Do(req)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return 0, decisionAnswer{}, fmt.Sprintf("no answer within the %s window", call.timeout)
		}
		return 0, decisionAnswer{}, "no answer: " + err.Error()
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxDecisionBody+1))
	switch {
	case err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		return resp.StatusCode, decisionAnswer{}, fmt.Sprintf("the answer did not finish within the %s window", call.timeout)
	case err != nil:
		return resp.StatusCode, decisionAnswer{}, "reading the answer: " + err.Error()
	case len(raw) > maxDecisionBody:
		return resp.StatusCode, decisionAnswer{}, fmt.Sprintf("the answer is over %d bytes", maxDecisionBody)
	case resp.StatusCode != http.StatusOK:
		return resp.StatusCode, decisionAnswer{}, fmt.Sprintf("the endpoint answered HTTP %d, not 200", resp.StatusCode)
	}
	plain, err := decryptWith(call.keys.own, raw)
	if err != nil {
		return resp.StatusCode, decisionAnswer{}, err.Error()
	}
	var ans decisionAnswer
	if err := json.Unmarshal(plain, &ans); err != nil {
		return resp.StatusCode, decisionAnswer{}, "the decrypted answer is not the JSON {transaction_id, response_code, partner_reference_id}: " + err.Error()
	}
	switch {
	case ans.TransactionID != call.txnID:
		return resp.StatusCode, ans, fmt.Sprintf("the answer's transaction_id %q is not the request's %q", ans.TransactionID, call.txnID)
	case !responseCodePattern.MatchString(ans.ResponseCode):
		return resp.StatusCode, ans, fmt.Sprintf("response_code %q is not a two-character response code", ans.ResponseCode)
	}
	return resp.StatusCode, ans, ""
}

// declineText is the description of a transaction an endpoint declined.
func declineText(code string) string {
	if text, ok := responseCodes[code]; ok {
		return code + " - " + text
	}
	return code + " - Declined by the authorization decision endpoint"
}

// newDecisionClient returns the HTTP client decision requests go out on:
// no redirects followed (an endpoint answers, it does not send UQPay
// elsewhere), each call bounded by its window.
func newDecisionClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// ensureOwnKeyLocked gives the tenant its PGP key pair if it has none yet,
// generating it with the world unlocked (RSA generation takes tens to
// hundreds of milliseconds). w's lock is held on entry and on return.
func (s *Server) ensureOwnKeyLocked(w *world) error {
	if w.decision.keys.own != nil {
		return nil
	}
	var priv string
	var err error
	s.whileUnlocked(w, func() { _, priv, err = GenerateDecisionKey("UQPAY mocksrv", "decision@mocksrv.test") })
	if err != nil {
		return core.Errorf(core.KindInternal, "generating the tenant's PGP key: %v", err)
	}
	if w.decision.keys.own != nil { // another request made one meanwhile
		return nil
	}
	ring, pub, err := readPrivateKey(priv)
	if err != nil {
		return core.Errorf(core.KindInternal, "reading the generated PGP key: %v", err)
	}
	w.decision.OwnKey, w.decision.keys.own, w.decision.keys.ownPublic = priv, ring, pub
	return nil
}

// whileUnlocked runs f with w's lock released and takes the lock back
// (settling what fell due meanwhile) before returning, even if f panics.
// The caller holds w's lock — a request's (Worlds.Enter) or a hook's
// (Worlds.Do) — and must read w afresh afterwards: other requests may have
// changed it.
func (s *Server) whileUnlocked(w *world, f func()) {
	w.Unlock()
	defer s.worlds.Lock(w)
	f()
}

// DecisionRegistration registers a tenant's decision endpoint (the admin
// API's POST /_mocksrv/tenants/{id}/uqpay/decision). Empty fields keep
// what is registered; url "off" turns decisions off.
type DecisionRegistration struct {
	URL           string  `json:"url"`
	PublicKey     string  `json:"public_key"`
	Timeout       string  `json:"timeout"`
	DefaultAction string  `json:"default_action"`
	NumberAmounts *bool   `json:"number_amounts"`
	AccountID     *string `json:"account_id,omitempty"` // ignored: the registration is the tenant's
}

// registerDecisionLocked applies a registration and returns the result,
// with mocksrv's public key (generated now if the tenant has none). w's
// lock is held.
func (s *Server) registerDecisionLocked(w *world, req DecisionRegistration) (DecisionSetup, error) {
	d := w.decision
	switch req.URL {
	case "":
	case "off":
		d.URL = ""
	default:
		d.URL = req.URL
	}
	if req.PublicKey != "" {
		ring, err := readPublicKey(req.PublicKey)
		if err != nil {
			return DecisionSetup{}, core.Errorf(core.KindInvalid, "public_key: %v", err)
		}
		d.ClientKey, d.keys.client = req.PublicKey, ring
	}
	if req.Timeout != "" {
		t, err := time.ParseDuration(req.Timeout)
		if err != nil {
			return DecisionSetup{}, core.Errorf(core.KindInvalid, "timeout %q: want a duration from 1s to 5s", req.Timeout)
		}
		d.Timeout = t
	}
	if req.DefaultAction != "" {
		d.Default = req.DefaultAction
	}
	if req.NumberAmounts != nil {
		d.NumberAmounts = *req.NumberAmounts
	}
	if err := checkDecision(d.URL, d.ClientKey, d.Timeout, d.Default); err != nil {
		msg := strings.NewReplacer("decision_url", "url", "decision_public_key", "public_key", "decision_timeout", "timeout",
			"decision_default", "default_action").Replace(err.Error())
		return DecisionSetup{}, core.Errorf(core.KindInvalid, "%s", msg)
	}
	if err := s.ensureOwnKeyLocked(w); err != nil {
		return DecisionSetup{}, err
	}
	d.OwnKey, d.keys.own, d.keys.ownPublic = w.decision.OwnKey, w.decision.keys.own, w.decision.keys.ownPublic
	w.decision = d
	return d.view(), nil
}
