package scenarios

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"

	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// decisionEndpoint is the runner's stand-in for a client's real-time
// authorization decision endpoint: UQPay's Authorization Decision, as its
// guide publishes it. It holds a PGP key pair of its own, decrypts each
// request with it, and answers as the scenario says, encrypted with the
// key the provider gave at registration.
type decisionEndpoint struct {
	spec   DecisionSpec
	delay  time.Duration
	pub    string             // armored public key, registered with the provider
	priv   openpgp.EntityList // its private half
	srv    *httptest.Server
	closed chan struct{} // ends delayed answers when the run ends

	mu    sync.Mutex         // guards their
	their openpgp.EntityList // the provider's public key, once registered
}

// newDecisionEndpoint starts an endpoint for a provider that publishes
// one (UQPay only).
func newDecisionEndpoint(provider string, spec DecisionSpec) (*decisionEndpoint, error) {
	if provider != uqpay.Name {
		return nil, fmt.Errorf("decision: %s publishes no real-time decision endpoint the runner can play (uqpay does)", provider)
	}
	e := &decisionEndpoint{spec: spec, closed: make(chan struct{})}
	if spec.Delay != "" {
		d, err := parseDuration(spec.Delay)
		if err != nil {
			return nil, fmt.Errorf("decision.%s.delay: %v", provider, err)
		}
		e.delay = d
	}
	pub, priv, err := uqpay.GenerateDecisionKey("mocksrv scenario runner", "decisions@mocksrv.test")
	if err != nil {
		return nil, err
	}
	if e.priv, err = openpgp.ReadArmoredKeyRing(strings.NewReader(priv)); err != nil {
		return nil, err
	}
	e.pub = pub
	e.srv = httptest.NewServer(http.HandlerFunc(e.serve))
	return e, nil
}

func (e *decisionEndpoint) close() {
	close(e.closed)
	e.srv.Close()
}

// register tells the provider where the endpoint is and which key to
// encrypt to, and keeps the provider's key to answer with.
func (e *decisionEndpoint) register(ctx context.Context, a *admin, tenant, provider string) error {
	body := map[string]any{"url": e.srv.URL + "/decision", "public_key": e.pub}
	if e.spec.Timeout != "" {
		body["timeout"] = e.spec.Timeout
	}
	if e.spec.DefaultAction != "" {
		body["default_action"] = e.spec.DefaultAction
	}
	var out struct {
		UQPayPublicKey string `json:"uqpay_public_key"`
	}
	if err := a.do(ctx, http.MethodPost, a.tenantPath(tenant, provider, "decision"), body, &out); err != nil {
		return fmt.Errorf("decision: registering the endpoint: %w", err)
	}
	ring, err := openpgp.ReadArmoredKeyRing(strings.NewReader(out.UQPayPublicKey))
	if err != nil {
		return fmt.Errorf("decision: the provider's public key: %w", err)
	}
	e.mu.Lock()
	e.their = ring
	e.mu.Unlock()
	return nil
}

func (e *decisionEndpoint) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	block, err := armor.Decode(bytes.NewReader(raw))
	if err != nil {
		http.Error(w, "the request is not an armored PGP message", http.StatusBadRequest)
		return
	}
	md, err := openpgp.ReadMessage(block.Body, e.priv, nil, nil)
	if err != nil {
		http.Error(w, "the request does not decrypt with the registered key", http.StatusBadRequest)
		return
	}
	var tx struct {
		TransactionID string `json:"transaction_id"`
	}
	if err := json.NewDecoder(md.UnverifiedBody).Decode(&tx); err != nil {
		http.Error(w, "the request is not JSON", http.StatusBadRequest)
		return
	}
	if e.delay > 0 {
		t := time.NewTimer(e.delay)
		select {
		case <-t.C:
		case <-e.closed:
		case <-r.Context().Done():
		}
		t.Stop()
	}
	code := e.spec.ResponseCode
	if code == "" {
		code = "00"
	}
	answer, _ := json.Marshal(map[string]string{"transaction_id": tx.TransactionID, "response_code": code, "partner_reference_id": "scenario"})
	switch e.spec.Reply {
	case "none":
		panic(http.ErrAbortHandler) // what the official SDK's handler does on an error
	case "plaintext":
	default:
		e.mu.Lock()
		their := e.their
		e.mu.Unlock()
		if answer, err = encryptArmored(their, answer); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(answer)
}

func encryptArmored(to openpgp.EntityList, plain []byte) ([]byte, error) {
	if to == nil {
		return nil, fmt.Errorf("decision: the endpoint is not registered yet")
	}
	var buf bytes.Buffer
	aw, err := armor.Encode(&buf, "PGP MESSAGE", nil)
	if err != nil {
		return nil, err
	}
	pw, err := openpgp.Encrypt(aw, to, nil, nil, nil)
	if err != nil {
		return nil, err
	}
	if _, err := pw.Write(plain); err != nil {
		return nil, err
	}
	if err := pw.Close(); err != nil {
		return nil, err
	}
	if err := aw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// startDecisions starts the scenario's decision endpoints.
func startDecisions(sc *Scenario) (map[string]*decisionEndpoint, func(), error) {
	out := map[string]*decisionEndpoint{}
	stop := func() {
		for _, e := range out {
			e.close()
		}
	}
	for _, p := range sortedKeys(sc.Decision) {
		e, err := newDecisionEndpoint(p, sc.Decision[p])
		if err != nil {
			stop()
			return nil, nil, err
		}
		out[p] = e
	}
	return out, stop, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
