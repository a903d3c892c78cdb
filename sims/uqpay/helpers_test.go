package uqpay_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// contractTransport checks every answer the simulator gives against its
// contract (strict: no undeclared field), and every request it accepts
// against the request contract.
type contractTransport struct {
	t    *testing.T
	base http.RoundTripper
}

func (ct contractTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	resp, err := ct.base.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	checkAnswer(ct.t, req.Method, req.URL.Path, resp.StatusCode, resp.Header.Get("Content-Type"), reqBody, body)
	return resp, nil
}

// checkAnswer validates one exchange against the uqpay contracts.
func checkAnswer(t *testing.T, method, path string, status int, contentType string, reqBody, body []byte) {
	t.Helper()
	doc, err := contracts.Document(uqpay.Name)
	require.NoError(t, err)
	op, _, found := doc.Find(method, path)
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt != "application/json" {
		if status == http.StatusBadGateway || status == http.StatusGatewayTimeout {
			return // a gateway's raw answer (an injected fault), not UQPay's
		}
		require.True(t, found && op.ID == "report.download" && status == http.StatusOK,
			"%s %s answered %d with Content-Type %q", method, path, status, contentType)
		return
	}
	id := "uqpay/error.json"
	if found {
		id = op.Response(status)
	}
	require.NotEmpty(t, id, "no contract for %s %s status %d", method, path, status)
	contracts.Validate(t, id, body)
	if found && op.Request != "" && status < 300 && len(bytes.TrimSpace(reqBody)) > 0 {
		contracts.Validate(t, op.Request, reqBody)
	}
}

// delivery is one webhook the receiver got.
type delivery struct {
	Header http.Header
	Body   []byte
}

// receiver is a webhook endpoint that records what it gets and answers 200.
type receiver struct {
	mu   sync.Mutex
	got  []delivery
	srv  *httptest.Server
	code int
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{code: http.StatusOK}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, delivery{Header: r.Header.Clone(), Body: b})
		code := rc.code
		rc.mu.Unlock()
		w.WriteHeader(code)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) deliveries() []delivery {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]delivery(nil), rc.got...)
}

// events verifies every delivery with the SDK's verifier, checks it against
// its webhook contract and returns the parsed events in delivery order.
func (rc *receiver) events(t *testing.T, secret string) []*Event {
	t.Helper()
	doc, err := contracts.Document(uqpay.Name)
	require.NoError(t, err)
	v := NewVerifier(secret)
	var out []*Event
	for _, d := range rc.deliveries() {
		ev, err := v.ConstructEvent(d.Body, d.Header.Get("x-wk-signature"), d.Header.Get("x-wk-timestamp"))
		require.NoError(t, err, "the SDK verifier refuses %s", d.Body)
		id, ok := doc.Webhooks[ev.EventType]
		require.True(t, ok, "no contract for webhook %s", ev.EventType)
		contracts.Validate(t, id, d.Body)
		out = append(out, ev)
	}
	return out
}

// byType returns the events of one type.
func byType(evs []*Event, typ string) []*Event {
	var out []*Event
	for _, e := range evs {
		if e.EventType == typ {
			out = append(out, e)
		}
	}
	return out
}

// fixture is everything a test of the simulator needs: the server, an SDK
// mirror whose every exchange is checked against the contracts, and a
// webhook receiver.
type fixture struct {
	t   *testing.T
	s   *uqpay.Server
	sdk *sdk
	rc  *receiver
	ctx context.Context
}

func newFixture(t *testing.T, opts ...uqpay.Option) *fixture {
	t.Helper()
	s := uqpay.RunT(t, opts...)
	rc := newReceiver(t)
	s.SetWebhookURL(rc.srv.URL)
	hc := &http.Client{Transport: contractTransport{t: t, base: s.Client().Transport}}
	return &fixture{t: t, s: s, sdk: newSDK(s.URL()+"/api", s.ClientID(), s.APIKey(), hc), rc: rc, ctx: context.Background()}
}

// flush settles the tenant and delivers the webhooks due now.
func (f *fixture) flush() { f.s.FlushWebhooks(f.ctx) }

// events flushes and returns every verified event so far.
func (f *fixture) events() []*Event {
	f.t.Helper()
	f.flush()
	return f.rc.events(f.t, f.s.WebhookSecret())
}

// raw sends a request with exactly the given headers (plus a valid token
// unless the headers carry x-auth-token or skipAuth) and returns the
// status and body, checked against the contract.
func (f *fixture) raw(method, path string, body any, h http.Header) (int, []byte) {
	f.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		require.NoError(f.t, err)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, f.s.URL()+path, rd)
	require.NoError(f.t, err)
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := (&http.Client{Transport: contractTransport{t: f.t, base: f.s.Client().Transport}}).Do(req)
	require.NoError(f.t, err)
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// authed returns headers with a fresh token, Content-Type and a new
// idempotency key.
func (f *fixture) authed() http.Header {
	f.t.Helper()
	tok, err := f.sdk.GetToken(f.ctx)
	require.NoError(f.t, err)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("x-auth-token", "Bearer "+tok)
	h.Set("x-idempotency-key", uqpay.NewIdempotencyKey())
	return h
}

// errBody decodes an error answer.
func errBody(t *testing.T, body []byte) uqpay.APIError {
	t.Helper()
	var e uqpay.APIError
	require.NoError(t, json.Unmarshal(body, &e), "%s", body)
	require.NotEmpty(t, e.Message)
	return e
}

// apiErr unwraps the SDK mirror's typed error.
func apiErr(t *testing.T, err error) *APIError {
	t.Helper()
	require.Error(t, err)
	var e *APIError
	require.ErrorAs(t, err, &e, "want an SDK APIError, got %v", err)
	return e
}

// holder makes an approved cardholder through the SDK.
func (f *fixture) holder(email string) string {
	f.t.Helper()
	r, err := f.sdk.CreateCardholder(f.ctx, &CreateCardholderRequest{Email: email, PhoneNumber: phoneFor(email),
		FirstName: "Emily", LastName: "Toy", CountryCode: "SG"})
	require.NoError(f.t, err)
	return r.CardholderID
}

var phones sync.Map

// phoneFor gives each email its own phone number.
func phoneFor(email string) string {
	h := 0
	for _, c := range email {
		h = h*31 + int(c)
	}
	if h < 0 {
		h = -h
	}
	p := "9" + strings.Repeat("0", 7)
	digits := []byte(p)
	for i := 1; i < 8 && h > 0; i++ {
		digits[i] = byte('0' + h%10)
		h /= 10
	}
	phones.Store(email, string(digits))
	return string(digits)
}

// card makes a card through the SDK and settles it to its outcome.
func (f *fixture) card(holderID, product string, limit float64) string {
	f.t.Helper()
	r, err := f.sdk.CreateCard(f.ctx, &CreateCardRequest{CardholderID: holderID, CardProductID: product, CardCurrency: "USD",
		CardLimit: ptr(limit)})
	require.NoError(f.t, err)
	f.flush()
	return r.CardID
}

// mustDec parses a decimal literal.
func mustDec(s string) core.Decimal { return core.MustDecimal(s) }

// post sends an authenticated POST with a fresh idempotency key.
func (f *fixture) post(path string, body any) (int, []byte) {
	f.t.Helper()
	return f.raw(http.MethodPost, path, body, f.authed())
}

// get sends an authenticated GET.
func (f *fixture) get(path string) (int, []byte) {
	f.t.Helper()
	return f.raw(http.MethodGet, path, nil, f.authed())
}

// wantError requires an error answer with the status, type and code, and a
// message containing msg.
func wantError(t *testing.T, status int, body []byte, wantStatus int, wantType, wantCode, msg string) {
	t.Helper()
	require.Equal(t, wantStatus, status, "%s", body)
	e := errBody(t, body)
	assert.Equal(t, wantType, e.Type, "%s", body)
	assert.Equal(t, wantCode, e.Code, "%s", body)
	assert.Contains(t, e.Message, msg)
}

// decodeJSON unmarshals an answer.
func decodeJSON[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(body, &v), "%s", body)
	return v
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
