package decard

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/mocksrv/mocksrv/sims/core"
)

// TenantOptions are the DeCard settings a tenant can be created with (the
// "decard" object of POST /_mocksrv/tenants).
type TenantOptions struct {
	APIKey    string `json:"api_key,omitempty"`
	APISecret string `json:"api_secret,omitempty"`
}

// newCredentials makes a tenant's credentials: the documented fixed ones
// for the default tenant, else a random key and a Base64 32-byte secret.
func newCredentials(tenant string) Credentials {
	if tenant == core.DefaultTenant {
		return Credentials{DefaultAPIKey, DefaultAPISecret}
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never fails on supported platforms
	}
	return Credentials{"dc-" + core.RandomHex(12), base64.StdEncoding.EncodeToString(b)}
}

// AddTenant gives a tenant its DeCard world and returns its credentials.
// The default tenant gets the documented fixed credentials; others get
// random ones unless opts name them.
func (s *Server) AddTenant(t *core.Tenant, opts json.RawMessage) (any, error) {
	var o TenantOptions
	if len(opts) > 0 && string(opts) != "null" {
		if err := json.Unmarshal(opts, &o); err != nil {
			return nil, fmt.Errorf("decard options: %w", err)
		}
	}
	creds := Credentials{APIKey: o.APIKey, APISecret: o.APISecret}
	switch {
	case (creds.APIKey == "") != (creds.APISecret == ""):
		return nil, fmt.Errorf("decard options: give both api_key and api_secret, or neither")
	case creds.APIKey == "":
		creds = newCredentials(t.ID)
	}
	w := newWorld(t, s.Webhooks, creds, &s.opts)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.keys[creds.APIKey]; taken {
		return nil, fmt.Errorf("decard: api_key %q is already used by another tenant", creds.APIKey)
	}
	if _, exists := s.worlds[t.ID]; exists {
		return nil, fmt.Errorf("decard: tenant %q already exists", t.ID)
	}
	s.worlds[t.ID], s.keys[creds.APIKey] = w, w
	return creds, nil
}

// RemoveTenant drops a tenant's world and closes its streams.
func (s *Server) RemoveTenant(id string) {
	s.mu.Lock()
	w, ok := s.worlds[id]
	if ok {
		delete(s.keys, w.creds.APIKey)
		delete(s.worlds, id)
	}
	s.mu.Unlock()
	if ok {
		w.mu.Lock()
		ch := w.channel.ID
		w.dropSubscribersLocked()
		w.mu.Unlock()
		s.registerChannel("", "", ch)
	}
}

// ResetTenant empties a tenant's world, keeping its credentials.
func (s *Server) ResetTenant(id string) error {
	s.mu.Lock()
	old, ok := s.worlds[id]
	if !ok {
		s.mu.Unlock()
		return fmt.Errorf("decard: no tenant %q", id)
	}
	old.mu.Lock()
	fresh := newWorld(old.tenant, s.Webhooks, old.creds, &s.opts)
	ch := old.channel.ID
	old.dropSubscribersLocked()
	old.mu.Unlock()
	s.worlds[id], s.keys[old.creds.APIKey] = fresh, fresh
	s.mu.Unlock()
	s.registerChannel("", "", ch)
	return nil
}

// Credentials returns a tenant's DeCard credentials.
func (s *Server) Credentials(id string) (any, bool) {
	w, ok := s.world(id)
	if !ok {
		return nil, false
	}
	return w.creds, true
}

// Settle applies a tenant's due transitions (and queues their pushes).
func (s *Server) Settle(id string) {
	if w, ok := s.world(id); ok {
		w.mu.Lock()
		s.settleLocked(w)
		w.mu.Unlock()
	}
}
