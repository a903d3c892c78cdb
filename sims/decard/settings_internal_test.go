package decard

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/core"
)

// A tenant's rate codes are upper-cased as WithRate's are, and win over the
// Server's; its world reads a rates map of its own.
func TestTenantRatesCanon(t *testing.T) {
	t.Parallel()
	s, err := New(WithSeed(1), WithRate("gbp", "0.8"), WithLinkBase("https://links.example/"))
	require.NoError(t, err)
	tenant := &core.Tenant{ID: "job", Seed: 2, Clock: s.Clock}
	require.NoError(t, s.Tenants.Add(tenant))
	_, err = core.ProviderOf(s.Host).AddTenant(tenant, json.RawMessage(`{"rates":{"sgd":"2","XAU":"0.0005"}}`))
	require.NoError(t, err)
	w, ok := s.worlds.Get("job")
	require.True(t, ok)
	assert.Equal(t, "2", w.set.Rates["SGD"])
	assert.Equal(t, "0.8", w.set.Rates["GBP"], "WithRate's code, upper-cased")
	assert.NotContains(t, w.set.Rates, "sgd")
	assert.Equal(t, core.MustDecimal("0.0005"), w.rates["XAU"])
	assert.Equal(t, "1.35", s.set.Rates["SGD"], "the Server's rates are not the tenant's")
	assert.Equal(t, "https://links.example", w.set.LinkBase)

	other := &core.Tenant{ID: "null", Seed: 3, Clock: s.Clock}
	require.NoError(t, s.Tenants.Add(other))
	_, err = core.ProviderOf(s.Host).AddTenant(other, json.RawMessage(`{"rates":null,"fund_pool":null}`))
	require.NoError(t, err)
	w, ok = s.worlds.Get("null")
	require.True(t, ok)
	assert.Equal(t, s.set.Rates, w.set.Rates, "null keeps the Server's rates")
	assert.Equal(t, "1000000", w.set.FundPool)
}
