package uqpay

// A client for UQPay's API the way UQPay prescribes it (and the official
// Go SDK does it), used by the contract harness, the scenario runner and
// tests: it fetches an auth_token when it has none or the one it has
// expires within 5 minutes, and sends Content-Type, "x-auth-token: Bearer
// <token>" and a fresh UUID x-idempotency-key on every call.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
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
	defer c.mu.Unlock()
	if c.token != "" && c.now().Add(5*time.Minute).Before(c.expiresAt) {
		return c.token, nil
	}
	return c.fetchLocked(ctx)
}

func (c *Client) fetchLocked(ctx context.Context) (string, error) {
	h := http.Header{}
	h.Set("Accept", "application/json")
	h.Set("x-client-id", c.ClientID)
	h.Set("x-api-key", c.APIKey)
	resp, err := c.send(ctx, http.MethodPost, "/v1/connect/token", nil, h)
	if err != nil {
		return "", err
	}
	if resp.Status != http.StatusOK {
		if resp.Err != nil {
			return "", resp.Err
		}
		return "", fmt.Errorf("uqpay token: status %d: %s", resp.Status, resp.Body)
	}
	var tok tokenResponse
	if err := resp.Decode(&tok); err != nil {
		return "", fmt.Errorf("uqpay token: %w", err)
	}
	c.token, c.expiresAt = tok.AuthToken, time.Unix(tok.ExpiredAt, 0)
	return c.token, nil
}

// Do calls path (starting with /v1) with body marshalled as JSON (nil
// sends none; []byte and json.RawMessage go as they are). On a 401 it
// fetches a new token once and retries with the same idempotency key.
func (c *Client) Do(ctx context.Context, method, path string, body any, opts ...CallOption) (*Response, error) {
	tok, err := c.Token(ctx)
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("x-idempotency-key", NewIdempotencyKey())
	if c.OnBehalfOf != "" {
		h.Set("x-on-behalf-of", c.OnBehalfOf)
	}
	for _, o := range opts {
		o(h)
	}
	h.Set("x-auth-token", "Bearer "+tok)
	resp, err := c.send(ctx, method, path, body, h)
	if err == nil && resp.Status == http.StatusUnauthorized {
		c.mu.Lock()
		tok, err = c.fetchLocked(ctx)
		c.mu.Unlock()
		if err != nil {
			return nil, err
		}
		h.Set("x-auth-token", "Bearer "+tok)
		resp, err = c.send(ctx, method, path, body, h)
	}
	return resp, err
}

// DoRaw sends exactly the headers given, for tests of bad credentials.
func (c *Client) DoRaw(ctx context.Context, method, path string, body any, h http.Header) (*Response, error) {
	return c.send(ctx, method, path, body, h)
}

// NewIdempotencyKey returns a random UUID v4.
func NewIdempotencyKey() string {
	h := []byte(core.RandomHex(16))
	h[12] = '4'
	h[16] = "89ab"[h[16]%4]
	s := string(h)
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}

func (c *Client) send(ctx context.Context, method, path string, body any, h http.Header) (*Response, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case json.RawMessage:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, rd)
	if err != nil {
		return nil, err
	}
	for k, v := range h {
		req.Header[k] = v
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	out := &Response{Status: res.StatusCode, Header: res.Header, Body: raw}
	if res.StatusCode >= 400 {
		var e APIError
		if json.Unmarshal(raw, &e) == nil && e.Message != "" {
			e.Status = res.StatusCode
			out.Err = &e
		}
	}
	return out, nil
}
