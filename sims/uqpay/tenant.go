package uqpay

import (
	"encoding/json"
	"fmt"

	"github.com/mocksrv/mocksrv/sims/core"
)

// TenantOptions are the UQPay settings a tenant can be created with (the
// "uqpay" object of POST /_mocksrv/tenants).
type TenantOptions struct {
	ClientID      string `json:"client_id,omitempty"`
	APIKey        string `json:"api_key,omitempty"`
	WebhookSecret string `json:"webhook_secret,omitempty"`
}

// AddTenant gives a tenant its UQPay world and returns its credentials.
// The default tenant gets the documented fixed credentials; others get
// random ones unless opts name them.
func (s *Server) AddTenant(t *core.Tenant, opts json.RawMessage) (any, error) {
	var o TenantOptions
	if len(opts) > 0 && string(opts) != "null" {
		if err := json.Unmarshal(opts, &o); err != nil {
			return nil, fmt.Errorf("uqpay options: %w", err)
		}
	}
	creds := Credentials{ClientID: o.ClientID, APIKey: o.APIKey, WebhookSecret: o.WebhookSecret}
	switch {
	case (creds.ClientID == "") != (creds.APIKey == ""):
		return nil, fmt.Errorf("uqpay options: give both client_id and api_key, or neither")
	case creds.ClientID == "" && t.ID == core.DefaultTenant:
		creds.ClientID, creds.APIKey = DefaultClientID, DefaultAPIKey
	case creds.ClientID == "":
		creds.ClientID, creds.APIKey = "uq-"+core.RandomHex(12), core.RandomHex(16)
	}
	if creds.WebhookSecret == "" {
		creds.WebhookSecret = DefaultWebhookSecret
		if t.ID != core.DefaultTenant {
			creds.WebhookSecret = core.RandomHex(16)
		}
	}
	w := newWorld(t, s.Webhooks, &s.opts, creds)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.clients[creds.ClientID]; taken {
		return nil, fmt.Errorf("uqpay: client_id %q is already used by another tenant", creds.ClientID)
	}
	if _, exists := s.worlds[t.ID]; exists {
		return nil, fmt.Errorf("uqpay: tenant %q already exists", t.ID)
	}
	s.worlds[t.ID], s.clients[creds.ClientID] = w, w
	return creds, nil
}

// RemoveTenant drops a tenant's world and its tokens.
func (s *Server) RemoveTenant(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w, ok := s.worlds[id]; ok {
		delete(s.clients, w.creds.ClientID)
		delete(s.worlds, id)
		s.dropTokensLocked(w)
	}
}

// dropTokensLocked forgets a world's auth_tokens. s.mu must be held.
func (s *Server) dropTokensLocked(w *world) {
	for _, t := range w.tokenOrder {
		delete(s.tokenRecs, t)
	}
	w.tokenOrder = nil
}

// ResetTenant empties a tenant's world, keeping its credentials. Its
// tokens die with the old world.
func (s *Server) ResetTenant(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.worlds[id]
	if !ok {
		return fmt.Errorf("uqpay: no tenant %q", id)
	}
	old.mu.Lock()
	fresh := newWorld(old.tenant, s.Webhooks, &s.opts, old.creds)
	old.mu.Unlock()
	s.dropTokensLocked(old)
	s.worlds[id], s.clients[old.creds.ClientID] = fresh, fresh
	return nil
}

// Credentials returns a tenant's UQPay credentials.
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
