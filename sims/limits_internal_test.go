package sims

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/keysecure"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

func TestMaxTenants(t *testing.T) {
	t.Parallel()
	f, err := NewFleet(WithMaxTenants(3))
	require.NoError(t, err)
	for i := 0; i < 2; i++ {
		_, err := f.CreateTenant(TenantRequest{})
		require.NoError(t, err)
	}
	rec := httptest.NewRecorder()
	f.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/_mocksrv/tenants", strings.NewReader(`{}`)))
	assert.Equal(t, http.StatusTooManyRequests, rec.Code)
	assert.Contains(t, rec.Body.String(), `"error":"limit"`)
	assert.Contains(t, rec.Body.String(), "limit of 3 tenants (--max-tenants")
	assert.Equal(t, 3, f.Tenants.Len(), "the default tenant counts")
	_, err = NewFleet(WithMaxTenants(-1))
	assert.Error(t, err)
}

func TestIdleTenantsExpire(t *testing.T) {
	t.Parallel()
	f, err := NewFleet(WithTenantTTL(time.Hour))
	require.NoError(t, err)
	idle, err := f.CreateTenant(TenantRequest{ID: "idle"})
	require.NoError(t, err)
	busy, err := f.CreateTenant(TenantRequest{ID: "busy"})
	require.NoError(t, err)
	start := core.WallNow()

	f.expireIdle(start.Add(59 * time.Minute))
	assert.Equal(t, 3, f.Tenants.Len(), "nothing idle for an hour yet")

	// An admin call uses a tenant; say busy's last was half an hour in.
	bt, _ := f.Tenants.Get(busy.ID)
	before := bt.LastUsed()
	rec := httptest.NewRecorder()
	f.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/_mocksrv/tenants/"+busy.ID+"/clock", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	assert.False(t, bt.LastUsed().Before(before), "an admin call uses the tenant")
	bt.UseAt(start.Add(30 * time.Minute))

	f.expireIdle(start.Add(61 * time.Minute))
	_, ok := f.Tenants.Get(idle.ID)
	assert.False(t, ok, "idle for over an hour: expired")
	_, ok = f.Tenants.Get(busy.ID)
	assert.True(t, ok, "used since: kept")
	_, ok = f.Tenants.Get(core.DefaultTenant)
	assert.True(t, ok, "the default tenant never expires")
	es := f.Journal.Entries(core.ByRoute("tenant.expired"))
	require.Len(t, es, 1)
	assert.Contains(t, es[0].Error, "tenant idle expired: no request or admin call for 1h1m0s (--tenant-ttl 1h0m0s)")
}

// TestSubsetServerKeepsTheOthersState pins issue 14's item 5: a server
// started with a subset of the providers on a full state file writes the
// other providers' worlds back as it found them, and a later full server
// gets them back.
func TestSubsetServerKeepsTheOthersState(t *testing.T) {
	t.Parallel()
	full, err := NewFleet(WithClock(core.NewFrozenClock(core.TestEpoch)))
	require.NoError(t, err)
	_, err = full.CreateTenant(TenantRequest{ID: "job-1"})
	require.NoError(t, err)
	card, err := full.UQPay.AddCard(uqpayCard())
	require.NoError(t, err)
	saved, err := full.MarshalState()
	require.NoError(t, err)

	subset, err := NewFleet(WithClock(core.NewFrozenClock(core.TestEpoch)), WithProviders("keysecure"))
	require.NoError(t, err)
	require.NoError(t, subset.UnmarshalState(saved))
	_, err = subset.KeySecure.AddCard(keysecureCard())
	require.NoError(t, err)
	resaved, err := subset.MarshalState()
	require.NoError(t, err)
	for _, p := range []string{"bkj", "uqpay", "decard"} {
		for _, tenant := range []string{"default", "job-1"} {
			assert.JSONEq(t, worldOf(t, saved, tenant, p), worldOf(t, resaved, tenant, p), "%s of %s kept as found", p, tenant)
		}
	}
	assert.NotEqual(t, worldOf(t, saved, "default", "keysecure"), worldOf(t, resaved, "default", "keysecure"), "the served provider saves its new state")

	again, err := NewFleet(WithClock(core.NewFrozenClock(core.TestEpoch)))
	require.NoError(t, err)
	require.NoError(t, again.UnmarshalState(resaved))
	_, ok := again.UQPay.Card(card.ID)
	assert.True(t, ok, "the UQPay card made before the subset run is back")
}

func worldOf(t *testing.T, state []byte, tenant, provider string) string {
	t.Helper()
	var snap snapshotFile
	require.NoError(t, json.Unmarshal(state, &snap))
	for _, ts := range snap.Tenants {
		if ts.ID == tenant {
			return string(ts.Providers[provider])
		}
	}
	t.Fatalf("no tenant %s in the state", tenant)
	return ""
}

func uqpayCard() uqpay.Card         { return uqpay.Card{} }
func keysecureCard() keysecure.Card { return keysecure.Card{} }
