package decard_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/decard"
)

// Issue 14: a tenant's stream channel is its own. Channel ids come from
// crypto/rand, not the tenant's seeded faker; they are unique on the
// Server and bound to the tenant that asked; the stream checks the
// tenant's IP allow-list.

// addTenant adds a tenant of seed to s and returns a client with its
// credentials.
func addTenant(t *testing.T, s *decard.Server, id string, seed uint64) *decard.Client {
	t.Helper()
	tenant := &core.Tenant{ID: id, Seed: seed, Clock: s.Clock}
	require.NoError(t, s.Tenants.Add(tenant))
	raw, err := core.ProviderOf(s.Host).AddTenant(tenant, nil)
	require.NoError(t, err)
	creds := raw.(decard.Credentials)
	c := decard.NewClient(s.URL(), creds.APIKey, creds.APISecret)
	c.HTTP = s.Client()
	return c
}

func channelOf(t *testing.T, c *decard.Client) string {
	t.Helper()
	var ch string
	get(t, c, "websocket.get_channel", "/websocket/v1/get-channel", &ch)
	assert.Regexp(t, `^[0-9A-Za-z]{22}$`, ch, "22 base-62 characters: 130 random bits")
	return ch
}

// fund makes a user in tenant with a USD balance, which pushes one
// BALANCE_CHANGE of freeDelta amount.
func fund(t *testing.T, s *decard.Server, tenant, amount string) {
	t.Helper()
	_, err := core.ProviderOf(s.Host).Create(tenant, "users", []byte(`{"balances":{"USD":"`+amount+`"}}`))
	require.NoError(t, err)
}

// freeDelta reads a BALANCE_CHANGE message's freeDelta.
func freeDelta(t *testing.T, m decard.StreamMessage) string {
	t.Helper()
	require.Equal(t, "BALANCE_CHANGE", m.Type)
	var d struct {
		FreeDelta string `json:"freeDelta"`
	}
	require.NoError(t, json.Unmarshal(m.Data, &d))
	return d.FreeDelta
}

// TestStreamChannelsAreTenantsOwn: two tenants of the same seed make the
// same fake data, but get different channels, and each stream carries
// only its own tenant's pushes — also after one of them takes new
// channels.
func TestStreamChannelsAreTenantsOwn(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	a, b := addTenant(t, s, "same-seed-a", 7), addTenant(t, s, "same-seed-b", 7)
	chA, chB := channelOf(t, a), channelOf(t, b)
	require.NotEqual(t, chA, chB, "the same seed draws the same fake data, never the same channel")
	streamA, err := a.Dial(ctx, chA)
	require.NoError(t, err)
	t.Cleanup(func() { _ = streamA.Close() })
	streamB, err := b.Dial(ctx, chB)
	require.NoError(t, err)
	t.Cleanup(func() { _ = streamB.Close() })

	fund(t, s, "same-seed-a", "5")
	fund(t, s, "same-seed-b", "9")
	m, err := streamA.Next(ctx)
	require.NoError(t, err)
	assert.Equal(t, "5", freeDelta(t, m), "A's stream carries A's push")
	m, err = streamB.Next(ctx)
	require.NoError(t, err)
	assert.Equal(t, "9", freeDelta(t, m), "B's first message is its own: it never saw A's")

	// A takes two new channels: B's stream goes on, A's old one ends.
	channelOf(t, a)
	chA2 := channelOf(t, a)
	fund(t, s, "same-seed-b", "11")
	m, err = streamB.Next(ctx)
	require.NoError(t, err)
	assert.Equal(t, "11", freeDelta(t, m), "A's new channels did not disturb B's")
	_, err = streamA.Next(ctx)
	assert.Error(t, err, "A's retired channel ended")
	streamA2, err := a.Dial(ctx, chA2)
	require.NoError(t, err)
	t.Cleanup(func() { _ = streamA2.Close() })
	fund(t, s, "same-seed-a", "3")
	m, err = streamA2.Next(ctx)
	require.NoError(t, err)
	assert.Equal(t, "3", freeDelta(t, m))
	_, err = b.Dial(ctx, chA)
	assert.Error(t, err, "a retired channel streams nobody")
}

// TestGuessedChannelGetsNothing: a channel is not predictable from the
// tenant's id and seed — two fresh servers hand the default tenant
// different ones — and one that get-channel never gave out (another
// server's, a guess) is refused.
func TestGuessedChannelGetsNothing(t *testing.T) {
	t.Parallel()
	s1, s2 := decard.RunT(t), decard.RunT(t)
	ch1, ch2 := channelOf(t, s1.NewClient()), channelOf(t, s2.NewClient())
	require.NotEqual(t, ch1, ch2, "same tenant, same seed, fresh servers: different channels")
	c := s1.NewClient()
	for _, guess := range []string{ch2, strings.Repeat("A", 22), "HBHmMK99SJEVMVUqCb4"} {
		_, err := c.Dial(ctx, guess)
		assert.Error(t, err, "channel %q", guess)
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/ws/"+guess, nil)
		req.RemoteAddr = "127.0.0.1:4000"
		s1.Handler().ServeHTTP(rec, req)
		assert.Contains(t, rec.Body.String(), `"code":"DAPI_PERMISSION_DENIED"`)
		assert.Contains(t, rec.Body.String(), "is unknown")
	}
}

// TestStreamChecksTheAllowList: the stream carries no X-DAPI headers, so
// the tenant's IP allow-list is what guards it besides the channel: a
// client off the list is refused before any upgrade.
func TestStreamChecksTheAllowList(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	ch := channelOf(t, s.NewClient())
	serve := func(remote string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/ws/"+ch, nil)
		req.RemoteAddr = remote
		s.Handler().ServeHTTP(rec, req)
		return rec
	}
	off := serve("192.0.2.1:1234")
	assert.Equal(t, http.StatusOK, off.Code, "DeCard answers HTTP 200 for failures")
	assert.Contains(t, off.Body.String(), `"code":"DAPI_PERMISSION_DENIED"`)
	assert.Contains(t, off.Body.String(), "192.0.2.1:1234 is not on the IP allow-list")
	on := serve("127.0.0.1:1234")
	assert.Contains(t, on.Body.String(), "connect with a WebSocket client", "loopback is on the default list: the check passed")
	stream, err := s.NewClient().Dial(ctx, ch)
	require.NoError(t, err)
	_ = stream.Close()
}

// TestRestoreNeverTakesAnotherTenantsChannel: a snapshot keeps the
// tenant's channel and a restore binds it again; a snapshot naming a
// channel another tenant streams is restored without it, and that
// tenant's stream goes on.
func TestRestoreNeverTakesAnotherTenantsChannel(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	a, b := addTenant(t, s, "keep-a", 3), addTenant(t, s, "keep-b", 3)
	chA, chB := channelOf(t, a), channelOf(t, b)
	p := core.ProviderOf(s.Host)
	tenantB, ok := s.Tenants.Get("keep-b")
	require.True(t, ok)

	snap, err := p.Snapshot("keep-b")
	require.NoError(t, err)
	require.NoError(t, p.Restore(tenantB, snap))
	stream, err := b.Dial(ctx, chB)
	require.NoError(t, err, "the restored world streams its own channel again")
	_ = stream.Close()

	streamA, err := a.Dial(ctx, chA)
	require.NoError(t, err)
	t.Cleanup(func() { _ = streamA.Close() })
	forged := strings.Replace(string(snap), chB, chA, 1)
	require.NotEqual(t, string(snap), forged)
	require.NoError(t, p.Restore(tenantB, json.RawMessage(forged)))
	st, err := p.State("keep-b")
	require.NoError(t, err)
	assert.Empty(t, st.(decard.StateDump).Channel.ID, "the id is tenant A's: B must get a new channel")
	fund(t, s, "keep-a", "4")
	m, err := streamA.Next(ctx)
	require.NoError(t, err)
	assert.Equal(t, "4", freeDelta(t, m), "A's stream is still A's")
}
