package bkj

import (
	"encoding/json"
	"fmt"

	"github.com/mocksrv/mocksrv/sims/core"
)

// TenantOptions are the bkj settings a tenant can be created with (the
// "bkj" object of POST /_mocksrv/tenants).
type TenantOptions struct {
	APIKey    string `json:"api_key,omitempty"`
	APISecret string `json:"api_secret,omitempty"`
}

// AddTenant gives a tenant its bkj world and returns its credentials. The
// default tenant gets the documented fixed credentials; others get random
// ones unless opts name them.
func (s *Server) AddTenant(t *core.Tenant, opts json.RawMessage) (any, error) {
	var o TenantOptions
	if len(opts) > 0 && string(opts) != "null" {
		if err := json.Unmarshal(opts, &o); err != nil {
			return nil, fmt.Errorf("bkj options: %w", err)
		}
	}
	creds := Credentials{APIKey: o.APIKey, APISecret: o.APISecret}
	switch {
	case (creds.APIKey == "") != (creds.APISecret == ""):
		return nil, fmt.Errorf("bkj options: give both api_key and api_secret, or neither")
	case creds.APIKey == "":
		creds = newCredentials(t.ID)
	}
	w := newWorld(t, s.Webhooks, creds, s.opts.idemTTL)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.keys[creds.APIKey]; taken {
		return nil, fmt.Errorf("bkj: api_key %q is already used by another tenant", creds.APIKey)
	}
	if _, exists := s.worlds[t.ID]; exists {
		return nil, fmt.Errorf("bkj: tenant %q already exists", t.ID)
	}
	s.worlds[t.ID], s.keys[creds.APIKey] = w, w
	return creds, nil
}

// RemoveTenant drops a tenant's world.
func (s *Server) RemoveTenant(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w, ok := s.worlds[id]; ok {
		delete(s.keys, w.creds.APIKey)
		delete(s.worlds, id)
	}
}

// ResetTenant empties a tenant's world, keeping its credentials.
func (s *Server) ResetTenant(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.worlds[id]
	if !ok {
		return fmt.Errorf("bkj: no tenant %q", id)
	}
	old.mu.Lock()
	fresh := newWorld(old.tenant, s.Webhooks, old.creds, s.opts.idemTTL)
	old.mu.Unlock()
	s.worlds[id], s.keys[old.creds.APIKey] = fresh, fresh
	return nil
}

// Credentials returns a tenant's bkj credentials.
func (s *Server) Credentials(id string) (any, bool) {
	w, ok := s.world(id)
	if !ok {
		return nil, false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.creds, true
}

// Settle applies a tenant's due transitions (and queues their webhooks).
func (s *Server) Settle(id string) {
	if w, ok := s.world(id); ok {
		w.mu.Lock()
		s.settleLocked(w)
		w.mu.Unlock()
	}
}
