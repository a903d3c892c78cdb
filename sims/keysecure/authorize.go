package keysecure

// Authorizations — KeySecure's "Access guide" (authorization mode: the
// platform asks the merchant, who must answer within 800 ms) and the
// "Auth Order Notification" callback page: the merchant decides each
// authorization of an authorization-mode card through its answer to the
// Auth callback, {code, message}, code 0 meaning success.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// authorizeLocked decides an authorization and records it. The platform
// declines first what it would never send to the merchant: a card that is
// not Activated, a decline steered by the admin API or a magic value, and
// — for a credit-extension card — an amount and fee above the cardholder's
// balance. An authorization-mode card's authorization is then decided by
// the merchant: the Auth callback goes out synchronously and its answer
// (or the fallback) decides. capture clears an approved authorization at
// once (the sandbox consume endpoint's one-shot purchase).
//
// w's lock is held on entry and on return, but not while the merchant
// answers (see outside): one slow merchant stalls nobody else, not even its
// own tenant's other requests.
func (s *Server) authorizeLocked(w *world, c Consumption, decline string, capture bool) (Consumption, error) {
	card, err := w.cardLocked(c.CardNo)
	if err != nil {
		return c, err
	}
	fees := productOf(card).Fees
	c = w.newConsumeLocked(c, card)
	c.Funding = w.fundingLocked(card)
	c.Fees = consumeFees(c.Type, c.Amount, fees)
	platform := AuthDecision{By: ByPlatform}
	switch {
	case card.Status != StatusActivated:
		return w.declineLocked(c, DeclineCardInactive, "status "+string(card.Status), platform), nil
	case decline != "":
		return w.declineLocked(c, decline, "", platform), nil
	case c.Outcome == ruleConsumeDecline:
		return w.declineLocked(c, DeclineIssuer, "sandbox rule "+ruleConsumeDecline, platform), nil
	case c.Funding == FundBalance:
		if h, _ := w.cardholders.Get(card.CardholderNo); h.Balance.LessThan(c.Amount.Add(c.Fee())) {
			return w.declineLocked(c, DeclineInsufficientBalance, "", platform), nil
		}
		return w.approveLocked(c, fees, platform, capture), nil
	}

	ask := authAsk{tenant: w.Tenant.ID, url: s.Webhooks.URL(w.Tenant.ID, Name), window: w.set.AuthWindow.D(), at: c.CreatedAt}
	ask.body, err = core.Marshal(callback{ID: w.Faker.UUID(), Action: actionAuth, Data: authData(c)})
	if err != nil {
		return c, err
	}
	var ans merchantAnswer
	s.outside(w, func() { ans = s.askMerchant(ask) })

	d := ans.decision(w.set)
	if card, err = w.cardLocked(c.CardNo); err != nil || card.Status != StatusActivated {
		d.By, d.Reason = ByPlatform, "the card became "+string(card.Status)+" while the merchant answered"
		return w.declineLocked(c, DeclineCardInactive, "status "+string(card.Status), d), nil
	}
	switch {
	case d.Approved:
		return w.approveLocked(c, fees, d, capture), nil
	case d.By == ByMerchant:
		return w.declineLocked(c, DeclineMerchant, ans.message, d), nil
	default:
		return w.declineLocked(c, DeclineNoAnswer, ans.reason, d), nil
	}
}

// outside runs call with w's lock released, then takes it back and
// applies what fell due meanwhile, as Worlds.Lock does. w's lock must be
// held; whatever was read under it may have changed when outside returns.
func (s *Server) outside(w *world, call func()) {
	w.Unlock()
	defer s.worlds.Lock(w)
	call()
}

// authAsk is one Auth callback to send and wait for.
type authAsk struct {
	tenant string
	url    string // the tenant's KeySecure webhook URL ("" when none is set)
	body   []byte
	window time.Duration // how long the merchant has (Settings.AuthWindow)
	at     time.Time     // business time of the authorization
}

// merchantAnswer is what came of an Auth callback.
type merchantAnswer struct {
	usable  bool   // the merchant answered HTTP 2xx with {code, message} in time
	code    int64  // its code: 0 approves
	message string // its message: the reason of a refusal
	reason  string // why the answer is not usable (no URL, timeout, garbage)
}

// decision applies the tenant's strategy to the answer: code 0 approves;
// a non-zero code does what auth_on_refusal says (decline by default); no
// usable answer does what auth_fallback says (decline by default — the
// access guide: "otherwise the transaction fails").
func (a merchantAnswer) decision(set Settings) AuthDecision {
	if !a.usable {
		return AuthDecision{By: ByFallback, Approved: set.AuthFallback == AuthApprove,
			Reason: a.reason + "; auth_fallback " + set.AuthFallback}
	}
	code := a.code
	d := AuthDecision{By: ByMerchant, Approved: code == 0, Code: &code, Message: a.message}
	if code != 0 {
		d.Approved, d.Reason = set.AuthOnRefusal == AuthApprove, fmt.Sprintf("code %d; auth_on_refusal %s", code, set.AuthOnRefusal)
	}
	return d
}

// maxAuthAnswer is how much of the merchant's answer is read.
const maxAuthAnswer = 64 << 10

// askMerchant POSTs the Auth callback to the merchant — signed as every
// callback is, within the tenant's window, through the tenant's webhook
// fault rules for "Auth" (a delay, a drop, a raw status; a 2xx status with
// a body scripts the merchant's answer) — reads its answer, and journals
// the round trip
// (a webhook entry, route Auth; the reason in error when the answer is
// not usable). It holds no lock.
func (s *Server) askMerchant(a authAsk) merchantAnswer {
	start := core.WallNow()
	e := core.Entry{Type: "webhook", Tenant: a.tenant, Provider: Name, Route: actionAuth, Method: http.MethodPost,
		Path: a.url, At: a.at, Wall: start.UTC(), Request: string(a.body)}
	ans := s.sendAuth(a, &e)
	e.DurationMS = float64(core.WallNow().Sub(start).Microseconds()) / 1000
	if !ans.usable {
		e.Error = ans.reason
	}
	s.Journal.Add(e)
	return ans
}

func (s *Server) sendAuth(a authAsk, e *core.Entry) merchantAnswer {
	if a.url == "" {
		return merchantAnswer{reason: "no KeySecure webhook URL is set for the tenant"}
	}
	ctx, cancel := context.WithTimeout(context.Background(), a.window)
	defer cancel()
	noAnswer := merchantAnswer{reason: "the merchant did not answer within " + a.window.String()}
	if f := s.Faults.Match(a.tenant, Name, actionAuth, http.MethodPost, true); f != nil {
		e.Fault = f.Describe()
		if !core.Sleep(ctx, f.Delay.D()) {
			return noAnswer
		}
		switch {
		case f.Drop:
			return merchantAnswer{reason: "the Auth callback was dropped by a fault rule"}
		case f.Status >= 200 && f.Status <= 299:
			// A 2xx rule scripts the merchant's answer: its body is read
			// as the merchant's, which is never asked.
			e.Status, e.Response = f.Status, f.Body
			return parseAuthAnswer([]byte(f.Body))
		case f.Status != 0:
			e.Status, e.Response = f.Status, f.Body
			return merchantAnswer{reason: fmt.Sprintf("a fault rule answered HTTP %d for the merchant", f.Status)}
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.url, bytes.NewReader(a.body))
	if err != nil {
		return merchantAnswer{reason: "the webhook URL is not usable: " + err.Error()}
	}
	h, err := s.signCallback(a.tenant, a.body, core.WallNow())
	if err != nil {
		return merchantAnswer{reason: "signing: " + err.Error()}
	}
	req.Header = h
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "mocksrv-webhooks/1")
	e.Headers = map[string]string{}
	for k := range req.Header {
		e.Headers[k] = req.Header.Get(k)
	}
	resp, err := s.authClient.Do(req)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return noAnswer
		}
		return merchantAnswer{reason: "the merchant could not be reached: " + err.Error()}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAuthAnswer))
	e.Status, e.Response = resp.StatusCode, string(body)
	switch {
	case err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		return noAnswer
	case err != nil:
		return merchantAnswer{reason: "reading the merchant's answer: " + err.Error()}
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return merchantAnswer{reason: fmt.Sprintf("the merchant answered HTTP %d", resp.StatusCode)}
	}
	return parseAuthAnswer(body)
}

// parseAuthAnswer reads the merchant's {code, message} (webhooks/reply.json):
// code must be a JSON integer; message, when present, a string.
func parseAuthAnswer(body []byte) merchantAnswer {
	var reply struct {
		Code    json.RawMessage `json:"code"`
		Message *string         `json:"message"`
	}
	if err := json.Unmarshal(body, &reply); err != nil {
		return merchantAnswer{reason: "the merchant's answer is not {code, message}: " + core.Shorten(string(body), 80)}
	}
	if len(reply.Code) == 0 || string(reply.Code) == "null" {
		return merchantAnswer{reason: "the merchant's answer has no code: " + core.Shorten(string(body), 80)}
	}
	var code int64
	if reply.Code[0] == '"' || json.Unmarshal(reply.Code, &code) != nil {
		return merchantAnswer{reason: "the merchant's code is not an integer: " + core.Shorten(string(reply.Code), 40)}
	}
	a := merchantAnswer{usable: true, code: code}
	if reply.Message != nil {
		a.message = *reply.Message
	}
	return a
}

// newAuthClient returns the client that asks merchants: its own pool of
// connections, kept per merchant host, so one tenant's slow merchant holds
// no connection another tenant's needs. Each call is bounded by its
// tenant's AuthWindow.
func newAuthClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: t}
}
