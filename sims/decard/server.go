// Package decard will simulate DeCard. Until it lands, every path under
// its prefixes answers "not simulated yet" in DeCard's own error
// envelope (never a silent 404), and tenants already get their DeCard
// credentials.
package decard

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"github.com/gorilla/mux"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Name is the provider's name in the journal, fault rules and admin API.
const Name = "decard"

// Option configures a Server.
type Option func(*Server) error

// WithEnv shares an Env with other providers; the Fleet does this.
func WithEnv(e *core.Env) Option { return func(s *Server) error { s.Env = e; return nil } }

// Server answers every decard path with a "not simulated yet" error.
type Server struct {
	*core.Env
	router *mux.Router

	mu    sync.Mutex // guards creds
	creds map[string]Credentials
}

// New returns a placeholder server.
func New(opts ...Option) (*Server, error) {
	s := &Server{creds: map[string]Credentials{}}
	for _, o := range opts {
		if err := o(s); err != nil {
			return nil, err
		}
	}
	if s.Env == nil {
		s.Env = core.NewEnv(core.EnvConfig{})
	}
	wire := core.Wire{Provider: Name, WriteError: writeError}
	s.router = mux.NewRouter()
	s.router.NotFoundHandler = s.Env.Middleware(wire)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, &core.Error{Kind: core.KindUnavailable, Message: fmt.Sprintf(
			"DeCard is not simulated yet by mocksrv: %s %s has no handler", r.Method, r.URL.Path)})
	}))
	_, err := s.AddTenant(s.Env.Default(), nil)
	return s, err
}

// Router returns the (empty) router.
func (s *Server) Router() *mux.Router { return s.router }

// Name returns the provider name.
func (s *Server) Name() string { return Name }

// Prefixes returns the path prefixes the provider owns.
func (s *Server) Prefixes() []string { return prefixes }

// Handler returns the HTTP handler.
func (s *Server) Handler() http.Handler { return s.router }

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

var errNotYet = core.Errorf(core.KindInvalid, "DeCard is not simulated yet")

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
