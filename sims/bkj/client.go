package bkj

// A client for bkj's OpenAPI that signs requests with the canonical form
// and verifies signed responses, used by the contract harness, the
// scenario runner and tests (yours and ours).

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Client calls a bkj OpenAPI — the real UAT or mocksrv. Every call but
// /config is signed (X-Api-Key, X-Timestamp in wall-clock seconds, a fresh
// X-Nonce, X-Signature); a signed response is verified, and a response
// whose signature does not verify is an error.
type Client struct {
	BaseURL   string // scheme and host, e.g. http://127.0.0.1:8080
	APIKey    string
	APISecret string
	HTTP      *http.Client
	Language  string // optional Accept-Language (en-US, zh-CN)
	Timezone  string // optional Timezone (UTC+8, Asia/Shanghai)

	// Now and Nonce make timestamps and nonces; nil uses the wall clock and
	// 16 random bytes in hex.
	Now   func() time.Time
	Nonce func() string
}

// NewClient returns a client for baseURL with the given credentials.
func NewClient(baseURL, apiKey, apiSecret string) *Client {
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), APIKey: apiKey, APISecret: apiSecret, HTTP: http.DefaultClient}
}

// NewClient returns a client for a RunT server with the default tenant's
// credentials.
func (s *Server) NewClient() *Client {
	c := NewClient(s.URL(), s.APIKey(), s.Secret())
	c.HTTP = s.Client()
	return c
}

// Response is a bkj answer: the HTTP status, headers, the raw body and its
// envelope.
type Response struct {
	Status    int
	Header    http.Header
	Body      []byte
	Code      int
	Message   string
	Data      json.RawMessage
	Timestamp int64
	// Signed says whether the response carried a signature (verified: an
	// invalid one makes Send fail).
	Signed bool
}

// OK reports whether the envelope's code is 0.
func (r *Response) OK() bool { return r.Code == 0 && r.Status == http.StatusOK }

// Decode unmarshals the envelope's data into v, keeping big numbers exact
// when v holds json.Number fields.
func (r *Response) Decode(v any) error {
	dec := json.NewDecoder(bytes.NewReader(r.Data))
	dec.UseNumber()
	return dec.Decode(v)
}

// Request is one call, with every part under the caller's control (tests
// of bad signatures use it).
type Request struct {
	Method string
	Path   string     // starting with /openapi/v1; may carry a query
	Query  url.Values // appended to Path's query
	Body   any        // nil: none; []byte, json.RawMessage and string are sent as is
	Header http.Header

	IdempotencyKey string // X-Idempotency-Key
	Timestamp      string // X-Timestamp override
	Nonce          string // X-Nonce override
	Signature      string // X-Signature override
	Unsigned       bool   // send no signing headers at all
	NoVerify       bool   // do not verify the response signature
}

// Do calls path (which may carry a query) with body marshalled as JSON.
func (c *Client) Do(ctx context.Context, method, path string, body any) (*Response, error) {
	return c.Send(ctx, Request{Method: method, Path: path, Body: body})
}

// Get calls a GET endpoint with query parameters.
func (c *Client) Get(ctx context.Context, path string, query url.Values) (*Response, error) {
	return c.Send(ctx, Request{Method: http.MethodGet, Path: path, Query: query})
}

// Post calls a POST endpoint with a JSON body.
func (c *Client) Post(ctx context.Context, path string, body any) (*Response, error) {
	return c.Send(ctx, Request{Method: http.MethodPost, Path: path, Body: body})
}

// Sign sets X-Api-Key, X-Timestamp, X-Nonce and X-Signature on req for the
// given body bytes (which must be what req sends).
func (c *Client) Sign(req *http.Request, body []byte) error {
	return signRequest(req, body, c.APIKey, c.APISecret, c.timestamp(), c.nonce())
}

// SignRequest signs req (whose body is body) with the canonical form at
// wall time now, with a fresh random nonce: the four headers every call but
// /config carries. The scenario runner and other tools use it.
func SignRequest(req *http.Request, body []byte, apiKey, apiSecret string, now time.Time) error {
	return signRequest(req, body, apiKey, apiSecret, strconv.FormatInt(now.Unix(), 10), core.RandomHex(16))
}

func signRequest(req *http.Request, body []byte, key, secret, ts, nonce string) error {
	sts, err := StringToSign(req.Method, req.URL.Path, req.URL.RawQuery, ts, nonce, body)
	if err != nil {
		return err
	}
	req.Header.Set(HeaderAPIKey, key)
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderNonce, nonce)
	req.Header.Set(HeaderSignature, Sign(secret, sts))
	return nil
}

func (c *Client) timestamp() string {
	now := core.WallNow()
	if c.Now != nil {
		now = c.Now()
	}
	return strconv.FormatInt(now.Unix(), 10)
}

func (c *Client) nonce() string {
	if c.Nonce != nil {
		return c.Nonce()
	}
	return core.RandomHex(16)
}

// Send makes one call as req describes.
func (c *Client) Send(ctx context.Context, r Request) (*Response, error) {
	body, err := core.RequestBody(r.Body)
	if err != nil {
		return nil, err
	}
	target := c.BaseURL + r.Path
	if len(r.Query) > 0 {
		sep := "?"
		if strings.Contains(r.Path, "?") {
			sep = "&"
		}
		target += sep + r.Query.Encode()
	}
	h := http.Header{}
	for k, v := range r.Header {
		h[k] = v
	}
	if body != nil && h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	if c.Language != "" && h.Get("Accept-Language") == "" {
		h.Set("Accept-Language", c.Language)
	}
	if c.Timezone != "" && h.Get("Timezone") == "" {
		h.Set("Timezone", c.Timezone)
	}
	if r.IdempotencyKey != "" {
		h.Set("X-Idempotency-Key", r.IdempotencyKey)
	}
	var sign func(*http.Request, []byte) error
	if !r.Unsigned {
		sign = func(req *http.Request, body []byte) error { return c.signWith(req, body, r) }
	}
	x, err := core.Send(ctx, c.HTTP, r.Method, target, body, h, sign)
	if err != nil {
		return nil, err
	}
	out := &Response{Status: x.Status, Header: x.Header, Body: x.Body}
	var env struct {
		Code      int             `json:"code"`
		Message   string          `json:"message"`
		Data      json.RawMessage `json:"data"`
		Timestamp int64           `json:"timestamp"`
	}
	if json.Unmarshal(x.Body, &env) == nil {
		out.Code, out.Message, out.Data, out.Timestamp = env.Code, env.Message, env.Data, env.Timestamp
	}
	if x.Header.Get(HeaderSignature) != "" {
		out.Signed = true
		if !r.NoVerify {
			if err := VerifyResponse(c.APISecret, x.Header, x.Body); err != nil {
				return out, fmt.Errorf("%s %s: %w", r.Method, r.Path, err)
			}
		}
	}
	return out, nil
}

func (c *Client) signWith(req *http.Request, body []byte, r Request) error {
	ts, nonce := r.Timestamp, r.Nonce
	if ts == "" {
		ts = c.timestamp()
	}
	if nonce == "" {
		nonce = c.nonce()
	}
	sts, err := StringToSign(req.Method, req.URL.Path, req.URL.RawQuery, ts, nonce, body)
	if err != nil {
		return err
	}
	sig := r.Signature
	if sig == "" {
		sig = Sign(c.APISecret, sts)
	}
	req.Header.Set(HeaderAPIKey, c.APIKey)
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderNonce, nonce)
	req.Header.Set(HeaderSignature, sig)
	return nil
}

// Authorize signs a request built elsewhere (by the scenario runner or a
// proxy) at wall time now, with a fresh nonce: body must be what r sends.
func (c *Client) Authorize(_ context.Context, r *http.Request, body []byte, now time.Time) error {
	return signRequest(r, body, c.APIKey, c.APISecret, strconv.FormatInt(now.Unix(), 10), c.nonce())
}

// Observe does nothing: bkj has no tokens.
func (c *Client) Observe(string, []byte) {}

// Expired is always false: bkj has no tokens.
func (c *Client) Expired(int, []byte) (string, bool) { return "", false }

// Spec is how the scenario runner, the load test and the contract harness
// talk to bkj: a Client per tenant, webhooks checked as a merchant checks
// them.
func Spec() core.ClientSpec {
	return core.ClientSpec{
		Name: Name, Prefixes: []string{"/openapi/"},
		Connect: core.Connect(Name, "api_key", "api_secret", func(baseURL, key, secret string, hc *http.Client) core.Caller {
			c := NewClient(baseURL, key, secret)
			c.HTTP = hc
			return c
		}),
		VerifyWebhook: func(creds map[string]string, h http.Header, body []byte) error {
			if got := h.Get(HeaderAPIKey); got != creds["api_key"] {
				return fmt.Errorf("%s %q is not the tenant's", HeaderAPIKey, got)
			}
			return VerifyWebhook(creds["api_secret"], h, body)
		},
		WebhookReply: `{"code":0,"message":"success"}`,
	}
}
