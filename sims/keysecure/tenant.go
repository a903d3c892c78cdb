package keysecure

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/mocksrv/mocksrv/sims/core"
)

// TenantOptions are the KeySecure settings a tenant can be created with
// (the "keysecure" object of POST /_mocksrv/tenants).
type TenantOptions struct {
	APIKey    string `json:"api_key,omitempty"`
	APISecret string `json:"api_secret,omitempty"`
	Mode      Mode   `json:"mode,omitempty"` // CREDIT_EXTENSION, AUTHORIZATION or BOTH (default)
	PCI       *bool  `json:"pci,omitempty"`  // PCI card display enabled (default true)

	// TokenTTL is this tenant's Access-Token lifetime on its business clock
	// ("30m", "2h"; default the server's, 2 h), so QA can expire tokens fast.
	TokenTTL core.Duration `json:"token_ttl,omitempty"`
}

// AddTenant gives a tenant its KeySecure world and returns its
// credentials. The default tenant gets the documented fixed credentials;
// others get random ones unless opts name them.
func (s *Server) AddTenant(t *core.Tenant, opts json.RawMessage) (any, error) {
	var o TenantOptions
	if len(opts) > 0 && string(opts) != "null" {
		dec := json.NewDecoder(bytes.NewReader(opts))
		dec.DisallowUnknownFields() // a misspelt option must not be ignored silently
		if err := dec.Decode(&o); err != nil {
			return nil, fmt.Errorf("keysecure options (api_key, api_secret, mode, pci, token_ttl): %w", err)
		}
	}
	creds := Credentials{APIKey: o.APIKey, APISecret: o.APISecret}
	switch {
	case creds.APIKey != "" && creds.APISecret == "", creds.APIKey == "" && creds.APISecret != "":
		return nil, fmt.Errorf("keysecure options: give both api_key and api_secret, or neither")
	case creds.APIKey == "" && t.ID == core.DefaultTenant:
		creds = Credentials{DefaultAPIKey, DefaultAPISecret}
	case creds.APIKey == "":
		creds = Credentials{"ks-" + core.RandomHex(12), core.RandomHex(16)}
	}
	if _, err := aesKey(creds.APISecret, s.opts.aesKey); err != nil {
		return nil, fmt.Errorf("keysecure options: api_secret cannot key AES (%s derivation): %w", s.opts.aesKey, err)
	}
	mode := s.opts.mode
	if o.Mode != "" {
		if o.Mode != ModeCredit && o.Mode != ModeAuthorization && o.Mode != ModeBoth {
			return nil, fmt.Errorf("keysecure options: mode %q: want CREDIT_EXTENSION, AUTHORIZATION or BOTH", o.Mode)
		}
		mode = o.Mode
	}
	if o.TokenTTL < 0 {
		return nil, fmt.Errorf("keysecure options: token_ttl %s must be positive", o.TokenTTL.D())
	}
	w := newWorld(t, s.Webhooks, creds, mode, s.opts.reserve)
	w.tokenTTL = o.TokenTTL.D()
	if o.PCI != nil {
		w.pci = *o.PCI
	}
	if err := s.worlds.Add(t.ID, creds.APIKey, w); err != nil {
		return nil, err
	}
	return creds, nil
}

// RemoveTenant drops a tenant's world.
func (s *Server) RemoveTenant(id string) { s.worlds.Remove(id) }

// ResetTenant empties a tenant's world, keeping its credentials and
// settings.
func (s *Server) ResetTenant(id string) error {
	_, err := s.worlds.Reset(id, func(old *world) *world {
		old.mu.Lock()
		defer old.mu.Unlock()
		fresh := newWorld(old.tenant, s.Webhooks, old.creds, old.mode, s.opts.reserve)
		fresh.pci, fresh.tokenTTL = old.pci, old.tokenTTL
		return fresh
	})
	return err
}

// Credentials returns a tenant's KeySecure credentials.
func (s *Server) Credentials(id string) (any, bool) {
	w, ok := s.worlds.Get(id)
	if !ok {
		return nil, false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.creds, true
}

// Settle applies a tenant's due transitions (and queues their callbacks).
func (s *Server) Settle(id string) {
	if w, ok := s.worlds.Get(id); ok {
		w.mu.Lock()
		s.settleLocked(w)
		w.mu.Unlock()
	}
}
