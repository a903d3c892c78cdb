package core

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// ClientSpec is how a tool that builds its own requests — the scenario
// runner, the load test, the contract harness — talks to one provider,
// real sandbox or mocksrv. Each provider package's Spec returns its own;
// sims.Specs lists them all. The provider's exported Client does the work:
// a spec adds nothing a test author could not do with the Client.
type ClientSpec struct {
	Name     string
	Prefixes []string // the path prefixes the provider owns: "/open-api/"

	// Connect returns a caller for a tenant, from its credentials as the
	// admin API shows them ("api_key", "api_secret", "client_id", …).
	Connect func(baseURL string, creds map[string]string, hc *http.Client) (Caller, error)
	// VerifyWebhook checks a delivery's signature headers with the
	// tenant's credentials, as the provider's own verifier does.
	VerifyWebhook func(creds map[string]string, h http.Header, body []byte) error
	// WebhookReply is the body a receiver answers a delivery with to
	// accept it.
	WebhookReply string
}

// Owns reports whether path is under one of the provider's prefixes.
func (cs ClientSpec) Owns(path string) bool {
	for _, p := range cs.Prefixes {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// Caller authenticates requests as the provider's client does. Every
// provider's Client is one.
type Caller interface {
	// Authorize adds the provider's auth headers to r, whose body is body,
	// as of wall time now (a test shifts it to provoke a stale timestamp).
	// A provider with access tokens fetches one first when none is held.
	Authorize(ctx context.Context, r *http.Request, body []byte, now time.Time) error
	// Observe sees the answer to every request the tool sent itself, so a
	// token it fetched by hand is the one used from then on.
	Observe(path string, body []byte)
	// Expired reports whether an answer says the held token is no longer
	// accepted, naming the answer's code; the next Authorize then fetches
	// a new one, as the provider's own clients do.
	Expired(status int, body []byte) (code string, ok bool)
}

// Need returns the credential values names, or an error naming those
// missing: a ClientSpec's Connect checks its inputs with it.
func Need(provider string, creds map[string]string, names ...string) ([]string, error) {
	vals := make([]string, len(names))
	var missing []string
	for i, n := range names {
		if vals[i] = creds[n]; vals[i] == "" {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: the tenant's credentials have no %s", provider, strings.Join(missing, " and "))
	}
	return vals, nil
}

// RequestBody turns a client's body argument into bytes: nil is no body,
// []byte, json.RawMessage and string go as they are, anything else is
// marshalled as JSON.
func RequestBody(body any) ([]byte, error) {
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
	return json.Marshal(body)
}

// Exchange is one request a provider client sent and the answer it got.
type Exchange struct {
	Status int
	Header http.Header
	Body   []byte
}

// MaxAnswer is the largest answer a client reads (64 MiB).
const MaxAnswer = 64 << 20

// Send sends method url with body (nil for none) and headers h through hc
// (http.DefaultClient when nil), prepared by prepare when it is not nil,
// and reads the answer. It is the transport every provider client shares.
func Send(ctx context.Context, hc *http.Client, method, url string, body []byte, h http.Header,
	prepare func(r *http.Request, body []byte) error) (Exchange, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return Exchange{}, err
	}
	for k, v := range h {
		req.Header[k] = v
	}
	if prepare != nil {
		if err := prepare(req, body); err != nil {
			return Exchange{}, err
		}
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(req)
	if err != nil {
		return Exchange{}, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(res.Body, MaxAnswer+1))
	if err != nil {
		return Exchange{}, err
	}
	if len(raw) > MaxAnswer {
		return Exchange{}, errors.New("the answer is larger than 64 MiB")
	}
	return Exchange{Status: res.StatusCode, Header: res.Header, Body: raw}, nil
}
