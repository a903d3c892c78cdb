package keysecure

// A client for KeySecure's API as the docs prescribe it, used by the
// contract harness, the scenario runner and tests (yours and ours).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Client calls a KeySecure API — the real sandbox or mocksrv. It fetches an
// Access-Token when it has none, sends Api-Key, Timestamp (wall-clock ms)
// and Access-Token on every call, and fetches a new token once when the
// server answers 1006 or 1007.
type Client struct {
	BaseURL   string // scheme and host, e.g. http://127.0.0.1:8080
	APIKey    string
	APISecret string
	HTTP      *http.Client
	Language  string // optional Language header
	Timezone  string // optional Timezone header

	mu    sync.Mutex // guards token
	token string
}

// NewClient returns a client for baseURL with the given credentials.
func NewClient(baseURL, apiKey, apiSecret string) *Client {
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), APIKey: apiKey, APISecret: apiSecret, HTTP: http.DefaultClient}
}

// NewClient returns a client for a RunT server with the default tenant's
// credentials.
func (s *Server) NewClient() *Client {
	c := NewClient(s.URL(), DefaultAPIKey, DefaultAPISecret)
	c.HTTP = s.Client()
	return c
}

// Response is a KeySecure answer: the HTTP status, the raw body and its
// envelope.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	Code   int
	Msg    string
	Data   json.RawMessage
}

// OK reports whether the envelope's code is 0.
func (r *Response) OK() bool { return r.Code == 0 && r.Status == http.StatusOK }

// Decode unmarshals the envelope's data into v.
func (r *Response) Decode(v any) error { return json.Unmarshal(r.Data, v) }

// Token fetches a new Access-Token, which later calls then use.
func (c *Client) Token(ctx context.Context) (string, error) {
	resp, err := c.send(ctx, http.MethodGet, BasePath+"/merchant/token", nil)
	if err != nil {
		return "", err
	}
	if !resp.OK() {
		return "", fmt.Errorf("keysecure token: %d %s", resp.Code, resp.Msg)
	}
	c.Observe(BasePath+"/merchant/token", resp.Body)
	return c.heldToken(), nil
}

func (c *Client) heldToken() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.token
}

// Authorize adds what every KeySecure call carries: Api-Key, Timestamp
// (Unix ms at now) and, on every call but Get Token, the Access-Token,
// fetched first when the client holds none.
func (c *Client) Authorize(ctx context.Context, r *http.Request, _ []byte, now time.Time) error {
	r.Header.Set("Api-Key", c.APIKey)
	r.Header.Set("Timestamp", strconv.FormatInt(now.UnixMilli(), 10))
	if c.Language != "" {
		r.Header.Set("Language", c.Language)
	}
	if c.Timezone != "" {
		r.Header.Set("Timezone", c.Timezone)
	}
	if strings.HasSuffix(r.URL.Path, "/merchant/token") {
		return nil
	}
	tok := c.heldToken()
	if tok == "" {
		var err error
		if tok, err = c.Token(ctx); err != nil {
			return err
		}
	}
	r.Header.Set("Access-Token", tok)
	return nil
}

// Observe keeps the Access-Token of a Get Token answer.
func (c *Client) Observe(path string, body []byte) {
	if !strings.HasSuffix(path, "/merchant/token") {
		return
	}
	var t struct {
		Data tokenData `json:"data"`
	}
	if json.Unmarshal(body, &t) == nil && t.Data.AccessToken != "" {
		c.mu.Lock()
		c.token = t.Data.AccessToken
		c.mu.Unlock()
	}
}

// Expired reports a 1006 or 1007 answer (no or a stale Access-Token) and
// forgets the token held, so the next call fetches a new one.
func (c *Client) Expired(_ int, body []byte) (string, bool) {
	var env struct {
		Code int `json:"code"`
	}
	if json.Unmarshal(body, &env) != nil || (env.Code != 1006 && env.Code != 1007) {
		return "", false
	}
	c.mu.Lock()
	c.token = ""
	c.mu.Unlock()
	return strconv.Itoa(env.Code), true
}

// Do calls path (starting with /open-api/v1) with body marshalled as JSON
// (nil sends none). A raw []byte or json.RawMessage body is sent as is. It
// fetches a new token and retries once when the answer says the token is
// stale.
func (c *Client) Do(ctx context.Context, method, path string, body any) (*Response, error) {
	resp, err := c.send(ctx, method, path, body)
	if err == nil {
		if _, stale := c.Expired(resp.Status, resp.Body); stale {
			resp, err = c.send(ctx, method, path, body)
		}
	}
	return resp, err
}

// DoRaw sends exactly the headers given plus Content-Type, for tests of
// bad credentials.
func (c *Client) DoRaw(ctx context.Context, method, path string, body any, header http.Header) (*Response, error) {
	h := header.Clone()
	if h == nil {
		h = http.Header{}
	}
	return c.sendHeader(ctx, method, path, body, h, nil)
}

// send sends a call authorized as of now.
func (c *Client) send(ctx context.Context, method, path string, body any) (*Response, error) {
	return c.sendHeader(ctx, method, path, body, http.Header{}, func(r *http.Request, b []byte) error {
		return c.Authorize(ctx, r, b, core.WallNow())
	})
}

func (c *Client) sendHeader(ctx context.Context, method, path string, body any, h http.Header, prepare func(*http.Request, []byte) error) (*Response, error) {
	raw, err := core.RequestBody(body)
	if err != nil {
		return nil, err
	}
	if raw != nil && h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/json")
	}
	x, err := core.Send(ctx, c.HTTP, method, c.BaseURL+path, raw, h, prepare)
	if err != nil {
		return nil, err
	}
	out := &Response{Status: x.Status, Header: x.Header, Body: x.Body}
	var env struct {
		Code int             `json:"code"`
		Msg  string          `json:"msg"`
		Data json.RawMessage `json:"data"`
	}
	if json.Unmarshal(x.Body, &env) == nil {
		out.Code, out.Msg, out.Data = env.Code, env.Msg, env.Data
	}
	return out, nil
}

// Encrypt encrypts a CVV or PIN the way the server expects, with this
// client's api secret and the default ("raw") key derivation.
func (c *Client) Encrypt(plain string) string {
	s, err := Encrypt(c.APISecret, "raw", []byte(plain))
	if err != nil {
		return ""
	}
	return s
}

// Spec is how the scenario runner, the load test and the contract harness
// talk to KeySecure: a Client per tenant, callbacks checked as a merchant
// checks them.
func Spec() core.ClientSpec {
	return core.ClientSpec{
		Name: Name, Prefixes: []string{"/open-api/"},
		Connect: core.Connect(Name, "api_key", "api_secret", func(baseURL, key, secret string, hc *http.Client) core.Caller {
			c := NewClient(baseURL, key, secret)
			c.HTTP = hc
			return c
		}),
		VerifyWebhook: func(creds map[string]string, h http.Header, body []byte) error {
			want, err := CallbackSignature(creds["api_key"], h.Get("Timestamp"), body, creds["api_secret"])
			if err != nil {
				return err
			}
			if h.Get("Signature") != want {
				return fmt.Errorf("Signature %q, want %q (SignUtils over appId, timestamp and data)", h.Get("Signature"), want)
			}
			if h.Get("Sign-Version") != "V1" {
				return errors.New("Sign-Version is not V1")
			}
			return nil
		},
		WebhookReply: `{"code":0,"message":""}`,
	}
}
