// Package adminclient calls a running mocksrv's admin API (/_mocksrv/...):
// the one client behind the scenario runner, the load test and bench/fill.
package adminclient

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// maxAnswer bounds how much of an answer is read: a state dump of a large
// tenant runs to tens of megabytes.
const maxAnswer = 256 << 20

// Client sends admin requests to Base (http://host:port, no trailing
// slash), with Token as the bearer token when the server has one.
type Client struct {
	Base  string
	Token string
	HTTP  *http.Client // nil: http.DefaultClient
}

// New returns a client of the mocksrv at base.
func New(base, token string, hc *http.Client) *Client {
	return &Client{Base: strings.TrimRight(base, "/"), Token: token, HTTP: hc}
}

// Do sends method path with body as JSON (nil for none) and decodes a 2xx
// answer into out (nil to ignore it). Any other status is an error naming
// the request and carrying the admin API's message.
func (c *Client) Do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("admin %s %s: %w", method, path, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.Base+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("admin %s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("admin %s %s: %w", method, path, err)
	}
	if res.StatusCode >= 300 {
		var e struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(b, &e)
		if e.Message == "" {
			e.Message = strings.TrimSpace(string(b))
		}
		return fmt.Errorf("admin %s %s: %d: %s", method, path, res.StatusCode, e.Message)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("admin %s %s: %w", method, path, err)
		}
	}
	return nil
}
