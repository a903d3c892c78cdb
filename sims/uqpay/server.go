// Package uqpay will simulate UQPay. Until it lands, every path under
// its prefixes answers "not simulated yet" in UQPay's own error
// envelope (never a silent 404), and tenants already get their UQPay
// credentials.
package uqpay

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Name is the provider's name in the journal, fault rules and admin API.
const Name = "uqpay"

// Server answers every uqpay path with a "not simulated yet" error.
type Server struct {
	*core.Env
	handler http.Handler

	mu    sync.Mutex // guards creds
	creds map[string]Credentials
}

// New returns a placeholder server sharing env.
func New(env *core.Env) *Server {
	s := &Server{Env: env, creds: map[string]Credentials{}}
	wire := core.Wire{Provider: Name, WriteError: writeError}
	s.handler = env.Middleware(wire)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, &core.Error{Kind: core.KindUnavailable, Message: fmt.Sprintf(
			"UQPay is not simulated yet by mocksrv: %s %s has no handler", r.Method, r.URL.Path)})
	}))
	_, _ = s.AddTenant(env.Default(), nil)
	return s
}

// Name returns the provider name.
func (s *Server) Name() string { return Name }

// Prefixes returns the path prefixes the provider owns.
func (s *Server) Prefixes() []string { return prefixes }

// Handler returns the HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// RouteNames returns no names: nothing is simulated yet.
func (s *Server) RouteNames() []string { return nil }

// AddTenant issues a tenant's credentials.
func (s *Server) AddTenant(t *core.Tenant, _ json.RawMessage) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := newCredentials(t.ID)
	s.creds[t.ID] = c
	return c, nil
}

// RemoveTenant forgets a tenant.
func (s *Server) RemoveTenant(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.creds, id)
}

// ResetTenant has nothing to reset.
func (s *Server) ResetTenant(string) error { return nil }

// Credentials returns a tenant's credentials.
func (s *Server) Credentials(id string) (any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.creds[id]
	return c, ok
}

var errNotYet = core.Errorf(core.KindInvalid, "UQPay is not simulated yet")

// State has no state to show.
func (s *Server) State(string) (any, error) { return map[string]any{"simulated": false}, nil }

// CardAction is not available yet.
func (s *Server) CardAction(string, string, string) (any, error) { return nil, errNotYet }

// Create is not available yet.
func (s *Server) Create(string, string, json.RawMessage) (any, error) { return nil, errNotYet }

// Settle has nothing to settle.
func (s *Server) Settle(string) {}

// Snapshot saves the credentials.
func (s *Server) Snapshot(id string) (json.RawMessage, error) {
	c, _ := s.Credentials(id)
	return json.Marshal(c)
}

// Restore reloads the credentials.
func (s *Server) Restore(t *core.Tenant, raw json.RawMessage) error {
	var c Credentials
	if err := json.Unmarshal(raw, &c); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.creds[t.ID] = c
	return nil
}
