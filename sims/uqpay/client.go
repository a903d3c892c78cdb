package uqpay

// A client for UQPay's API the way UQPay prescribes it (and the official
// Go SDK does it), used by the contract harness, the scenario runner and
// tests: it fetches an auth_token when it has none or the one it has
// expires within 5 minutes, and sends Content-Type, "x-auth-token: Bearer
// <token>" and a fresh UUID x-idempotency-key on every call.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Client calls a UQPay API — the real sandbox or mocksrv.
type Client struct {
	BaseURL    string // up to and including /api, e.g. http://127.0.0.1:8080/api (the SDK's Environment.BaseURL)
	ClientID   string
	APIKey     string
	OnBehalfOf string // default x-on-behalf-of; "" acts as the master account
	HTTP       *http.Client
	Now        func() time.Time // the client's clock for token refresh; core.WallNow when nil

	mu        sync.Mutex // guards token and expiresAt
	token     string
	expiresAt time.Time
}

// NewClient returns a client for baseURL — a host ("http://127.0.0.1:8080")
// or the SDK's BaseURL ending in /api — with the given credentials.
func NewClient(baseURL, clientID, apiKey string) *Client {
	base := strings.TrimRight(baseURL, "/")
	if !strings.HasSuffix(base, "/api") {
		base += "/api"
	}
	return &Client{BaseURL: base, ClientID: clientID, APIKey: apiKey, HTTP: http.DefaultClient}
}

// NewClient returns a client for a RunT server with the default tenant's
// credentials.
func (s *Server) NewClient() *Client {
	c := NewClient(s.URL(), s.ClientID(), s.APIKey())
	c.HTTP = s.Client()
	return c
}

// APIError is UQPay's error body with the HTTP status.
type APIError struct {
	Status  int    `json:"-"`
	Type    string `json:"type"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Error formats the error as the SDK does: "code: message (HTTP status)".
func (e *APIError) Error() string {
	return fmt.Sprintf("%s: %s (HTTP %d)", e.Code, e.Message, e.Status)
}

// Response is a UQPay answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	Err    *APIError // set for a status ≥ 400 with an error body
}

// OK reports a 2xx answer.
func (r *Response) OK() bool { return r.Status >= 200 && r.Status < 300 }

// Decode unmarshals the body into v.
func (r *Response) Decode(v any) error { return json.Unmarshal(r.Body, v) }

// CallOption adjusts one call.
type CallOption func(h http.Header)

// WithIdempotencyKey sends key instead of a fresh UUID.
func WithIdempotencyKey(key string) CallOption {
	return func(h http.Header) { h.Set("x-idempotency-key", key) }
}

// WithOnBehalfOf acts for a sub-account on this call.
func WithOnBehalfOf(accountID string) CallOption {
	return func(h http.Header) { h.Set("x-on-behalf-of", accountID) }
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return core.WallNow()
}

// Token returns the cached auth_token, fetching a new one when there is
// none or it expires within 5 minutes (the SDK's rule).
func (c *Client) Token(ctx context.Context) (string, error) {
	c.mu.Lock()
	tok, exp := c.token, c.expiresAt
	c.mu.Unlock()
	if tok != "" && c.now().Add(5*time.Minute).Before(exp) {
		return tok, nil
	}
	return c.fetch(ctx)
}

// fetch gets a new auth_token from POST /v1/connect/token.
func (c *Client) fetch(ctx context.Context) (string, error) {
	h := http.Header{}
	h.Set("Accept", "application/json")
	resp, err := c.send(ctx, http.MethodPost, tokenPath, nil, h)
	if err != nil {
		return "", err
	}
	if resp.Status != http.StatusOK {
		if resp.Err != nil {
			return "", resp.Err
		}
		return "", fmt.Errorf("uqpay token: status %d: %s", resp.Status, resp.Body)
	}
	c.Observe(c.BaseURL+tokenPath, resp.Body)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token == "" {
		return "", fmt.Errorf("uqpay token: no auth_token in %s", resp.Body)
	}
	return c.token, nil
}

// tokenPath is the token endpoint, below BaseURL.
const tokenPath = "/v1/connect/token"

// Authorize adds what the SDK sends: x-client-id and x-api-key to the
// token endpoint; "x-auth-token: Bearer <auth_token>" (fetched when none is
// held or it is about to expire) to every other call, a fresh UUID
// x-idempotency-key to a POST that names none, and the client's
// x-on-behalf-of. now is unused: UQPay signs nothing with the time.
func (c *Client) Authorize(ctx context.Context, r *http.Request, _ []byte, _ time.Time) error {
	if strings.HasSuffix(r.URL.Path, "/connect/token") {
		r.Header.Set("x-client-id", c.ClientID)
		r.Header.Set("x-api-key", c.APIKey)
		return nil
	}
	tok, err := c.Token(ctx)
	if err != nil {
		return err
	}
	r.Header.Set("x-auth-token", "Bearer "+tok)
	if r.Method == http.MethodPost && r.Header.Get("x-idempotency-key") == "" {
		r.Header.Set("x-idempotency-key", NewIdempotencyKey())
	}
	if c.OnBehalfOf != "" && r.Header.Get("x-on-behalf-of") == "" {
		r.Header.Set("x-on-behalf-of", c.OnBehalfOf)
	}
	return nil
}

// Observe keeps the auth_token of a token answer.
func (c *Client) Observe(path string, body []byte) {
	if !strings.HasSuffix(path, "/connect/token") {
		return
	}
	var tok tokenResponse
	if json.Unmarshal(body, &tok) == nil && tok.AuthToken != "" {
		c.mu.Lock()
		c.token, c.expiresAt = tok.AuthToken, time.Unix(tok.ExpiredAt, 0)
		c.mu.Unlock()
	}
}

// Expired reports a 401 unauthorized_error and forgets the token held, so
// the next call fetches a new one.
func (c *Client) Expired(status int, body []byte) (string, bool) {
	var e APIError
	if status != http.StatusUnauthorized || json.Unmarshal(body, &e) != nil || e.Code != "unauthorized_error" {
		return "", false
	}
	c.mu.Lock()
	c.token, c.expiresAt = "", time.Time{}
	c.mu.Unlock()
	return e.Code, true
}

// Do calls path (starting with /v1) with body marshalled as JSON (nil
// sends none; []byte and json.RawMessage go as they are). On a 401 it
// fetches a new token once and retries with the same idempotency key.
func (c *Client) Do(ctx context.Context, method, path string, body any, opts ...CallOption) (*Response, error) {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("x-idempotency-key", NewIdempotencyKey())
	for _, o := range opts {
		o(h)
	}
	resp, err := c.send(ctx, method, path, body, h)
	if err == nil {
		if _, stale := c.Expired(resp.Status, resp.Body); stale {
			resp, err = c.send(ctx, method, path, body, h)
		}
	}
	return resp, err
}

// DoRaw sends exactly the headers given, for tests of bad credentials.
func (c *Client) DoRaw(ctx context.Context, method, path string, body any, h http.Header) (*Response, error) {
	return c.exchange(ctx, method, path, body, h.Clone(), nil)
}

// NewIdempotencyKey returns a random UUID v4.
func NewIdempotencyKey() string {
	h := []byte(core.RandomHex(16))
	h[12] = '4'
	h[16] = "89ab"[h[16]%4]
	s := string(h)
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}

// send sends a call with headers h, authorized as of now.
func (c *Client) send(ctx context.Context, method, path string, body any, h http.Header) (*Response, error) {
	return c.exchange(ctx, method, path, body, h.Clone(), func(r *http.Request, b []byte) error {
		return c.Authorize(ctx, r, b, c.now())
	})
}

func (c *Client) exchange(ctx context.Context, method, path string, body any, h http.Header, prepare func(*http.Request, []byte) error) (*Response, error) {
	raw, err := core.RequestBody(body)
	if err != nil {
		return nil, err
	}
	if h == nil {
		h = http.Header{}
	}
	x, err := core.Send(ctx, c.HTTP, method, c.BaseURL+path, raw, h, prepare)
	if err != nil {
		return nil, err
	}
	out := &Response{Status: x.Status, Header: x.Header, Body: x.Body}
	if x.Status >= 400 {
		var e APIError
		if json.Unmarshal(x.Body, &e) == nil && e.Message != "" {
			e.Status = x.Status
			out.Err = &e
		}
	}
	return out, nil
}

// Spec is how the scenario runner, the load test and the contract harness
// talk to UQPay: a Client per tenant, webhooks checked as the SDK's
// verifier checks them.
func Spec() core.ClientSpec {
	return core.ClientSpec{
		Name: Name, Prefixes: []string{"/api/"},
		Connect: core.Connect(Name, "client_id", "api_key", func(baseURL, id, key string, hc *http.Client) core.Caller {
			c := NewClient(baseURL, id, key)
			c.HTTP = hc
			return c
		}),
		VerifyWebhook: func(creds map[string]string, h http.Header, body []byte) error {
			_, err := VerifyWebhook(creds["webhook_secret"], body, h.Get("x-wk-signature"), h.Get("x-wk-timestamp"),
				core.WallNow(), webhookTolerance)
			return err
		},
		WebhookReply: `{"received":true}`,
	}
}

// webhookTolerance is how far a delivery's x-wk-timestamp may be from the
// wall clock when a receiver checks it (the SDK's verifier default).
const webhookTolerance = 5 * time.Minute
