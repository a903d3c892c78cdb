package uqpay_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// addTokenTenant adds a tenant with fixed credentials and a client for it.
func addTokenTenant(t *testing.T, s *uqpay.Server, id string) *uqpay.Client {
	t.Helper()
	tn := &core.Tenant{ID: id, Seed: 3, Clock: core.NewFrozenClock(core.TestEpoch)}
	require.NoError(t, s.Tenants.Add(tn))
	_, err := s.AddTenant(tn, json.RawMessage(`{"client_id":"`+id+`-client","api_key":"`+id+`-key"}`))
	require.NoError(t, err)
	c := uqpay.NewClient(s.URL(), id+"-client", id+"-key")
	c.HTTP = s.Client()
	return c
}

// listWith lists cards with a raw auth_token and returns the status (0
// when the request fails). It never stops the test, so goroutines may call it.
func listWith(t *testing.T, c *uqpay.Client, tok string) int {
	t.Helper()
	resp, err := c.DoRaw(context.Background(), http.MethodGet, "/v1/issuing/cards", nil, http.Header{"X-Auth-Token": {"Bearer " + tok}})
	if !assert.NoError(t, err) {
		return 0
	}
	return resp.Status
}

// TestTokensDieWithTheirWorld pins that a tenant's auth_tokens go when its
// world is reset, replaced by a restore or removed, and that other tenants'
// tokens stay.
func TestTokensDieWithTheirWorld(t *testing.T) {
	t.Parallel()
	s := uqpay.RunT(t)
	c, bystander := addTokenTenant(t, s, "tok"), addTokenTenant(t, s, "tok-other")
	kept := mustToken(t, bystander)

	before := mustToken(t, c)
	require.Equal(t, http.StatusOK, listWith(t, c, before))
	require.NoError(t, s.ResetTenant("tok"))
	assert.Equal(t, http.StatusUnauthorized, listWith(t, c, before), "a reset drops the tenant's tokens")

	snap, err := s.Snapshot("tok") // no live tokens: the restored world brings none back
	require.NoError(t, err)
	live := mustToken(t, c)
	tn, _ := s.Tenants.Get("tok")
	require.NoError(t, s.Restore(tn, snap))
	assert.Equal(t, http.StatusUnauthorized, listWith(t, c, live), "a restore drops the replaced world's tokens")

	after := mustToken(t, c)
	assert.Equal(t, http.StatusOK, listWith(t, c, after))
	s.RemoveTenant("tok")
	assert.Equal(t, http.StatusUnauthorized, listWith(t, c, after), "a removal drops the tenant's tokens")

	assert.Equal(t, http.StatusOK, listWith(t, bystander, kept), "other tenants keep theirs")
}

// TestTokensWhileResetting mints and uses tokens while the tenant is reset
// and snapshotted; run with -race, it checks the token index's own lock.
func TestTokensWhileResetting(t *testing.T) {
	t.Parallel()
	s := uqpay.RunT(t, uqpay.WithTokenRateLimit(0))
	c := addTokenTenant(t, s, "busy")
	mint := func() (string, error) { // a client of its own fetches a token every time
		fresh := uqpay.NewClient(s.URL(), c.ClientID, c.APIKey)
		fresh.HTTP = s.Client()
		return fresh.Token(context.Background())
	}
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if tok, err := mint(); assert.NoError(t, err) {
					assert.Contains(t, []int{http.StatusOK, http.StatusUnauthorized}, listWith(t, c, tok))
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 20 {
			assert.NoError(t, s.ResetTenant("busy"))
			_, err := s.Snapshot("busy")
			assert.NoError(t, err)
			_, err = s.State("busy")
			assert.NoError(t, err)
		}
	}()
	wg.Wait()
	assert.Equal(t, http.StatusOK, listWith(t, c, mustToken(t, c)))
}
