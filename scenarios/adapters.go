package scenarios

import (
	"fmt"

	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/core"
)

// caller returns the runner's caller for a provider: the provider's own
// client for the tenant's credentials, made on first use and kept for the
// run, so a token it fetches serves every later call.
func (r *runner) caller(provider string) (core.Caller, error) {
	if c, ok := r.callers[provider]; ok {
		return c, nil
	}
	spec, ok := sims.SpecOf(provider, "")
	if !ok {
		return nil, fmt.Errorf("unknown provider %q (want one of %v)", provider, sims.AllProviders)
	}
	c, err := spec.Connect(r.base, r.creds[provider], r.opts.HTTP)
	if err != nil {
		return nil, err
	}
	r.callers[provider] = c
	return c, nil
}

// providerOf returns the provider that owns a call: the step's provider,
// or the one whose path prefix the path carries.
func providerOf(c *Call) (string, error) {
	if c.Provider != "" {
		return c.Provider, nil
	}
	spec, ok := sims.SpecOf("", c.Path)
	if !ok {
		return "", fmt.Errorf("no provider serves %s: start the path with a provider's prefix or name the provider (provider: %v)", c.Path, sims.AllProviders)
	}
	return spec.Name, nil
}
