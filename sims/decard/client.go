package decard

// A client for DeCard's API that signs requests exactly as DeCard's
// official clients do, used by the contract harness, the scenario runner
// and tests (yours and ours).

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/mocksrv/mocksrv/sims/core"
)

// SignStyle says which published client a Client imitates. The two differ
// only in what a GET signs and how a body is written.
type SignStyle int

const (
	// StyleConnector imitates the Java connector (decard-tech/dcs-connector-java):
	// a GET signs its parameters joined unencoded ("k=v&k2=v2", in the order
	// given) and sends them encoded with java.net.URLEncoder; a body is
	// compact JSON with Gson's HTML escaping (= < > & ' as \u003d …).
	StyleConnector SignStyle = iota
	// StylePostman imitates the official Postman collection
	// (decard-tech/dcs-api-postman): a GET signs the query as typed and
	// sends it with only unsafe characters escaped; a body is indented JSON.
	StylePostman
)

// Param is one query parameter; a GET's parameters are signed in order.
type Param struct{ Key, Value string }

// Q makes query parameters from key, value pairs: Q("externalUserId", id,
// "cardMantissa", "0643").
func Q(kv ...string) []Param {
	out := make([]Param, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, Param{kv[i], kv[i+1]})
	}
	return out
}

// Client calls a DeCard API — the real sandbox or mocksrv — signing every
// request with X-DAPI-API-KEY, X-DAPI-TIMESTAMP (wall-clock ms),
// X-DAPI-NONCE (10000–99999) and X-DAPI-SIGN.
type Client struct {
	BaseURL   string // scheme and host, e.g. http://127.0.0.1:8080
	APIKey    string
	APISecret string
	HTTP      *http.Client
	Style     SignStyle
	Header    http.Header      // extra headers for every request
	Now       func() time.Time // timestamp source; nil is the wall clock
	Nonce     func() int       // nonce source; nil draws from 10000–99999
}

// NewClient returns a connector-style client for baseURL.
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

// Response is a DeCard answer: the HTTP status, the raw body and its
// envelope.
type Response struct {
	Status  int
	Header  http.Header
	Body    []byte
	Code    string
	Message string
	Success bool
	Data    json.RawMessage
}

// OK applies the connector's success rule: HTTP 2xx, success true and code
// SYS_SUCCESS.
func (r *Response) OK() bool {
	return r.Status/100 == 2 && r.Success && r.Code == codeSuccess
}

// Decode unmarshals the envelope's data into v.
func (r *Response) Decode(v any) error { return json.Unmarshal(r.Data, v) }

// Get calls a GET endpoint with its query parameters, in order.
func (c *Client) Get(ctx context.Context, path string, params ...Param) (*Response, error) {
	return c.Do(ctx, http.MethodGet, path, params, nil)
}

// Post calls a POST endpoint with body marshalled as JSON in the client's
// style. A []byte, json.RawMessage or string body is sent (and signed) as
// is.
func (c *Client) Post(ctx context.Context, path string, body any) (*Response, error) {
	return c.Do(ctx, http.MethodPost, path, nil, body)
}

// Do signs and sends a request.
func (c *Client) Do(ctx context.Context, method, path string, params []Param, body any) (*Response, error) {
	raw, err := c.Body(body)
	if err != nil {
		return nil, err
	}
	query, h := c.Sign(method, params, raw)
	target := path
	if query != "" {
		target += "?" + query
	}
	return c.DoRaw(ctx, method, target, raw, h)
}

// Body renders a request body in the client's style.
func (c *Client) Body(body any) ([]byte, error) {
	switch b := body.(type) {
	case nil:
		return nil, nil
	case []byte:
		return b, nil
	case json.RawMessage:
		return b, nil
	case string:
		return []byte(b), nil
	}
	if c.Style == StylePostman {
		return json.MarshalIndent(body, "", "    ")
	}
	raw, err := json.Marshal(body) // escapes < > & like Gson
	if err != nil {
		return nil, err
	}
	return gsonEscape(raw), nil
}

// gsonEscape adds the escapes Gson's HTML-safe writer makes beyond Go's:
// '=' and '\” (outside strings they cannot occur in compact JSON).
func gsonEscape(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("="), []byte(`\u003d`))
	return bytes.ReplaceAll(b, []byte("'"), []byte(`\u0027`))
}

// Sign returns the wire query string of a request and the headers that
// sign it, as the client's style does.
func (c *Client) Sign(method string, params []Param, body []byte) (query string, h http.Header) {
	signed, wire := make([]string, 0, len(params)), make([]string, 0, len(params))
	for _, p := range params {
		signed = append(signed, p.Key+"="+p.Value)
		if c.Style == StylePostman {
			wire = append(wire, postmanEscape(p.Key)+"="+postmanEscape(p.Value))
		} else {
			wire = append(wire, javaURLEncode(p.Key)+"="+javaURLEncode(p.Value))
		}
	}
	query = strings.Join(wire, "&")
	payload := string(body)
	switch {
	case method == http.MethodGet:
		payload = strings.Join(signed, "&")
	case method != http.MethodPost && c.Style == StylePostman:
		payload = "" // the collection's script signs "" for other methods
	}
	now := core.WallNow
	if c.Now != nil {
		now = c.Now
	}
	ts, n := strconv.FormatInt(now().UnixMilli(), 10), strconv.Itoa(c.nonce())
	h = http.Header{}
	for k, v := range c.Header {
		h[k] = append([]string(nil), v...)
	}
	h.Set(HeaderAPIKey, c.APIKey)
	h.Set(HeaderTimestamp, ts)
	h.Set(HeaderNonce, n)
	h.Set(HeaderSign, Sign(c.APIKey, c.APISecret, ts, n, payload))
	if c.Style == StyleConnector {
		h.Set("Accept", "application/json")
		h.Set("User-Agent", "dicard-connector-java/1.0.0 (Java/17; Linux; amd64)")
		h.Set("x-trace-id", fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", rand.Uint32(), rand.IntN(1<<16), rand.IntN(1<<12), rand.IntN(1<<12), rand.Uint64()&(1<<48-1)))
		h.Set("Content-Type", "application/json")
		if body != nil {
			h.Set("Content-Type", "application/json; charset=utf-8")
		}
	} else if body != nil {
		h.Set("Content-Type", "application/json")
	}
	return query, h
}

// javaURLEncode is java.net.URLEncoder.encode(s, "UTF-8"): letters,
// digits and . - * _ stay, space becomes +, every other byte %XX.
func javaURLEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '-', c == '*', c == '_':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// postmanEscape escapes what a URL cannot carry as typed (space, %, #, &,
// quotes, angle brackets, control and non-ASCII bytes), as Postman does.
func postmanEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`%#&"<>\^`+"`{|}", c) >= 0 {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// DoRaw sends exactly the method, path (with its query), body and headers
// given, for tests of bad credentials.
func (c *Client) DoRaw(ctx context.Context, method, pathAndQuery string, body []byte, h http.Header) (*Response, error) {
	x, err := core.Send(ctx, c.HTTP, method, c.BaseURL+pathAndQuery, body, h, nil)
	if err != nil {
		return nil, err
	}
	out := &Response{Status: x.Status, Header: x.Header, Body: x.Body}
	var env struct {
		Code    string          `json:"code"`
		Message *string         `json:"message"`
		Success bool            `json:"success"`
		Data    json.RawMessage `json:"data"`
	}
	if json.Unmarshal(x.Body, &env) == nil {
		out.Code, out.Success, out.Data = env.Code, env.Success, env.Data
		if env.Message != nil {
			out.Message = *env.Message
		}
	}
	return out, nil
}

// Authorize signs a request built elsewhere (by the scenario runner or a
// proxy) at wall time now: the payload is r's raw query for a GET and body
// otherwise (body must be what r sends).
func (c *Client) Authorize(_ context.Context, r *http.Request, body []byte, now time.Time) error {
	SignRequest(r, body, c.APIKey, c.APISecret, now, c.nonce())
	return nil
}

// Observe does nothing: DeCard has no tokens.
func (c *Client) Observe(string, []byte) {}

// Expired is always false: DeCard has no tokens.
func (c *Client) Expired(int, []byte) (string, bool) { return "", false }

func (c *Client) nonce() int {
	if c.Nonce != nil {
		return c.Nonce()
	}
	return 10000 + rand.IntN(90000)
}

// Spec is how the scenario runner, the load test and the contract harness
// talk to DeCard: a Client per tenant, pushes checked as the Java
// connector's WebhookVerifier checks them.
func Spec() core.ClientSpec {
	return core.ClientSpec{
		Name: Name, Prefixes: append([]string(nil), prefixes...),
		Connect: core.Connect(Name, "api_key", "api_secret", func(baseURL, key, secret string, hc *http.Client) core.Caller {
			c := NewClient(baseURL, key, secret)
			c.HTTP = hc
			return c
		}),
		VerifyWebhook: func(creds map[string]string, h http.Header, body []byte) error {
			got := h.Get(HeaderWebhookSignature)
			if got == "" {
				return errors.New("no " + HeaderWebhookSignature + " header")
			}
			if !VerifyWebhook(creds["api_secret"], body, got) {
				return fmt.Errorf("%s %q, want %q (HMAC-SHA256 of the raw body)", HeaderWebhookSignature, got,
					WebhookSignature(creds["api_secret"], body))
			}
			return nil
		},
		WebhookReply: `{"code":"SYS_SUCCESS","success":true}`,
	}
}

// StreamMessage is one message of the WebSocket stream.
type StreamMessage struct {
	Type           string          `json:"type"`
	Timestamp      string          `json:"timestamp"`
	Version        string          `json:"version"`
	ExternalUserID string          `json:"externalUserId"`
	Data           json.RawMessage `json:"data"`
	Raw            []byte          `json:"-"`
}

// Stream is an open WebSocket stream of a channel.
type Stream struct{ conn *websocket.Conn }

// StreamURL returns the stream URL of a channel on the client's host:
// ws(s)://host/ws/{channel}.
func (c *Client) StreamURL(channel string) string {
	return "ws" + strings.TrimPrefix(c.BaseURL, "http") + "/ws/" + channel
}

// Dial opens the stream of a channel from /websocket/v1/get-channel.
func (c *Client) Dial(ctx context.Context, channel string) (*Stream, error) {
	conn, resp, err := websocket.Dial(ctx, c.StreamURL(channel), &websocket.DialOptions{HTTPClient: c.HTTP})
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	if err != nil {
		return nil, err
	}
	conn.SetReadLimit(1 << 20)
	return &Stream{conn}, nil
}

// Next waits for the next message.
func (s *Stream) Next(ctx context.Context) (StreamMessage, error) {
	_, raw, err := s.conn.Read(ctx)
	if err != nil {
		return StreamMessage{}, err
	}
	var m StreamMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return m, fmt.Errorf("decard stream: %w: %s", err, raw)
	}
	m.Raw = raw
	return m, nil
}

// Close closes the stream.
func (s *Stream) Close() error { return s.conn.Close(websocket.StatusNormalClosure, "") }

// SignRequest sets the four X-DAPI headers on r, signed at wall time now
// with nonce (10000–99999): the payload is r's raw query for a GET and body
// otherwise (body must be what r sends). Proxies, scenario runners and
// harnesses that build their own requests use it.
func SignRequest(r *http.Request, body []byte, apiKey, apiSecret string, now time.Time, nonce int) {
	payload := string(body)
	if r.Method == http.MethodGet {
		payload = r.URL.RawQuery
	}
	ts, n := strconv.FormatInt(now.UnixMilli(), 10), strconv.Itoa(nonce)
	r.Header.Set(HeaderAPIKey, apiKey)
	r.Header.Set(HeaderTimestamp, ts)
	r.Header.Set(HeaderNonce, n)
	r.Header.Set(HeaderSign, Sign(apiKey, apiSecret, ts, n, payload))
}
