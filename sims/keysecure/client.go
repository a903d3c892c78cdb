package keysecure

// A client for KeySecure's API as the docs prescribe it, used by the
// contract harness, the scenario runner and tests (yours and ours).

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

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

// Token fetches a new Access-Token.
func (c *Client) Token(ctx context.Context) (string, error) {
	resp, err := c.send(ctx, http.MethodGet, BasePath+"/merchant/token", nil, "")
	if err != nil {
		return "", err
	}
	if !resp.OK() {
		return "", fmt.Errorf("keysecure token: %d %s", resp.Code, resp.Msg)
	}
	var tok tokenData
	if err := resp.Decode(&tok); err != nil {
		return "", err
	}
	c.mu.Lock()
	c.token = tok.AccessToken
	c.mu.Unlock()
	return tok.AccessToken, nil
}

// Do calls path (starting with /open-api/v1) with body marshalled as JSON
// (nil sends none). A raw []byte or json.RawMessage body is sent as is.
func (c *Client) Do(ctx context.Context, method, path string, body any) (*Response, error) {
	c.mu.Lock()
	tok := c.token
	c.mu.Unlock()
	if tok == "" {
		var err error
		if tok, err = c.Token(ctx); err != nil {
			return nil, err
		}
	}
	resp, err := c.send(ctx, method, path, body, tok)
	if err == nil && (resp.Code == 1006 || resp.Code == 1007) {
		if tok, err = c.Token(ctx); err != nil {
			return nil, err
		}
		resp, err = c.send(ctx, method, path, body, tok)
	}
	return resp, err
}

// DoRaw sends exactly the headers given plus Content-Type, for tests of
// bad credentials.
func (c *Client) DoRaw(ctx context.Context, method, path string, body any, header http.Header) (*Response, error) {
	return c.request(ctx, method, path, body, header)
}

func (c *Client) send(ctx context.Context, method, path string, body any, token string) (*Response, error) {
	h := http.Header{}
	h.Set("Api-Key", c.APIKey)
	h.Set("Timestamp", strconv.FormatInt(core.WallNow().UnixMilli(), 10))
	if token != "" {
		h.Set("Access-Token", token)
	}
	if c.Language != "" {
		h.Set("Language", c.Language)
	}
	if c.Timezone != "" {
		h.Set("Timezone", c.Timezone)
	}
	return c.request(ctx, method, path, body, h)
}

func (c *Client) request(ctx context.Context, method, path string, body any, h http.Header) (*Response, error) {
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
	if rd != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
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
	var env struct {
		Code int             `json:"code"`
		Msg  string          `json:"msg"`
		Data json.RawMessage `json:"data"`
	}
	if json.Unmarshal(raw, &env) == nil {
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
