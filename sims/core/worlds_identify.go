package core

// Identify guesses a request's tenant from the credential it names (an API
// key, a client id), unverified, for a provider's Wire.Identify: fault
// rules match by tenant before authentication runs. An unknown credential
// is the default tenant's unless auth is strict, as the provider's auth
// then treats it; under strict auth it is no tenant ("").
func (ws *Worlds[W]) Identify(key string, auth AuthMode) string {
	ws.mu.RLock()
	s, ok := ws.byKey[key]
	ws.mu.RUnlock()
	switch {
	case ok:
		return s.tenant
	case auth != AuthStrict:
		return DefaultTenant
	}
	return ""
}
