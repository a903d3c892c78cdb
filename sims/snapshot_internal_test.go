package sims

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/keysecure"
)

// TestSaveCopiesUnchangedWorldsFromTheKeptFile: a save writes a world
// whose tenant has not changed by copying its bytes from the last state
// file, not by encoding it again; a changed tenant's worlds are encoded
// afresh. (The kept file is tampered with, its size and time kept, to tell
// a copy from an encoding.) A kept file changed in place since, as a copy
// over it would, is not copied from.
func TestSaveCopiesUnchangedWorldsFromTheKeptFile(t *testing.T) {
	if !keepFiles {
		t.Skip("no file is kept on this platform")
	}
	t.Parallel()
	f, err := NewFleet(WithClock(core.NewFrozenClock(core.TestEpoch)))
	require.NoError(t, err)
	_, err = f.CreateTenant(TenantRequest{ID: "quiet"})
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "state.json")
	require.NoError(t, f.SaveState(path))

	at := f.snaps.worlds["quiet"]["uqpay"]
	first, err := os.ReadFile(path)
	require.NoError(t, err)
	world := first[at.off : at.off+at.n]
	require.JSONEq(t, worldOf(t, first, "quiet", "uqpay"), string(world), "the layout points at the quiet tenant's UQPay world")
	tamper := func(keepTime bool) {
		fi, err := os.Stat(path)
		require.NoError(t, err)
		file, err := os.OpenFile(path, os.O_WRONLY, 0)
		require.NoError(t, err)
		at := f.snaps.worlds["quiet"]["uqpay"]
		_, err = file.WriteAt([]byte(`{"credentialX"`), at.off) // same length as {"credentials"
		require.NoError(t, err)
		require.NoError(t, file.Close())
		if keepTime {
			require.NoError(t, os.Chtimes(path, fi.ModTime(), fi.ModTime()))
		} else {
			require.NoError(t, os.Chtimes(path, fi.ModTime().Add(time.Second), fi.ModTime().Add(time.Second)))
		}
	}
	tamper(true)

	_, err = f.UQPay.AddCard(uqpayCard()) // the default tenant changes
	require.NoError(t, err)
	require.NoError(t, f.SaveState(path))
	second, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Contains(t, worldOf(t, second, "quiet", "uqpay"), `"credentialX"`, "the quiet tenant's world was copied from the kept file")
	assert.NotContains(t, worldOf(t, second, "default", "uqpay"), `"credentialX"`)
	assert.NotEqual(t, worldOf(t, first, "default", "uqpay"), worldOf(t, second, "default", "uqpay"), "the default tenant was encoded again")
	again := f.snaps.worlds["quiet"]["uqpay"]
	assert.Equal(t, at.changes, again.changes)
	assert.True(t, bytes.HasPrefix(second[again.off:again.off+again.n], []byte(`{"credentialX"`)), "the layout follows the new file")

	tamper(false)
	require.NoError(t, f.SaveState(path))
	third, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.NotContains(t, string(third), `"credentialX"`, "a file changed in place is not copied from")
	assert.JSONEq(t, worldOf(t, first, "quiet", "uqpay"), worldOf(t, third, "quiet", "uqpay"))
}

// TestLoadStateKeepsTheFile: LoadState restores the file a tenant at a
// time and records where every world is, so a save right after it copies
// every world unchanged, byte for byte.
func TestLoadStateKeepsTheFile(t *testing.T) {
	if !keepFiles {
		t.Skip("no file is kept on this platform")
	}
	t.Parallel()
	full, err := NewFleet(WithClock(core.NewFrozenClock(core.TestEpoch)))
	require.NoError(t, err)
	_, err = full.CreateTenant(TenantRequest{ID: "job-1", Seed: 9})
	require.NoError(t, err)
	card, err := full.UQPay.AddCard(uqpayCard())
	require.NoError(t, err)
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	require.NoError(t, full.SaveState(path))
	saved, err := os.ReadFile(path)
	require.NoError(t, err)

	f, err := NewFleet(WithClock(core.NewFrozenClock(core.TestEpoch)))
	require.NoError(t, err)
	require.NoError(t, f.LoadState(path))
	_, ok := f.UQPay.Card(card.ID)
	assert.True(t, ok, "the card is back")
	_, ok = f.Tenants.Get("job-1")
	assert.True(t, ok, "the tenant is back")
	for _, tenant := range []string{"default", "job-1"} {
		for _, p := range AllProviders {
			at, ok := f.snaps.worlds[tenant][p]
			require.True(t, ok, "%s/%s placed", tenant, p)
			assert.Equal(t, worldOf(t, saved, tenant, p), string(saved[at.off:at.off+at.n]), "%s/%s", tenant, p)
		}
	}
	again := filepath.Join(dir, "again.json")
	require.NoError(t, f.SaveState(again))
	resaved, err := os.ReadFile(again)
	require.NoError(t, err)
	for _, tenant := range []string{"default", "job-1"} {
		for _, p := range AllProviders {
			assert.Equal(t, worldOf(t, saved, tenant, p), worldOf(t, resaved, tenant, p), "%s/%s copied unchanged", tenant, p)
		}
	}
}

// TestSubsetServerKeepsTheOthersWorldsByteForByte: through files (LoadState,
// SaveState), a server of one provider writes the other providers' worlds
// back exactly as it read them, without holding them in memory.
func TestSubsetServerKeepsTheOthersWorldsByteForByte(t *testing.T) {
	t.Parallel()
	full, err := NewFleet(WithClock(core.NewFrozenClock(core.TestEpoch)))
	require.NoError(t, err)
	_, err = full.CreateTenant(TenantRequest{ID: "job-1"})
	require.NoError(t, err)
	_, err = full.UQPay.AddCard(uqpayCard())
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "state.json")
	require.NoError(t, full.SaveState(path))
	saved, err := os.ReadFile(path)
	require.NoError(t, err)

	subset, err := NewFleet(WithClock(core.NewFrozenClock(core.TestEpoch)), WithProviders("keysecure"))
	require.NoError(t, err)
	require.NoError(t, subset.LoadState(path))
	for range 2 { // the second save copies from the file the first wrote
		_, err = subset.KeySecure.AddCard(keysecureCard())
		require.NoError(t, err)
		require.NoError(t, subset.SaveState(path))
	}
	resaved, err := os.ReadFile(path)
	require.NoError(t, err)
	for _, p := range []string{"bkj", "uqpay", "decard"} {
		for _, tenant := range []string{"default", "job-1"} {
			assert.Equal(t, worldOf(t, saved, tenant, p), worldOf(t, resaved, tenant, p), "%s of %s kept byte for byte", p, tenant)
		}
	}
	assert.NotEqual(t, worldOf(t, saved, "default", "keysecure"), worldOf(t, resaved, "default", "keysecure"))
}

// TestTenantDeletedWhileSavedIsMarked: a tenant deleted while a save writes
// it is marked deleted in the file, and loading skips it.
func TestTenantDeletedWhileSavedIsMarked(t *testing.T) {
	t.Parallel()
	f, err := NewFleet(WithClock(core.NewFrozenClock(core.TestEpoch)))
	require.NoError(t, err)
	_, err = f.CreateTenant(TenantRequest{ID: "gone"})
	require.NoError(t, err)
	gone, _ := f.Tenants.Get("gone")
	require.NoError(t, f.DeleteTenant("gone"))

	var buf bytes.Buffer
	out := &offsetWriter{w: bufio.NewWriter(&buf)}
	out.printf(`{"version":1,"tenants":[`)
	require.NoError(t, f.writeTenant(out, gone, nil, nil, nil))
	out.printf(`]}`)
	require.NoError(t, out.w.Flush())
	var file snapshotFile
	require.NoError(t, json.Unmarshal(buf.Bytes(), &file), buf.String())
	require.Len(t, file.Tenants, 1)
	assert.True(t, file.Tenants[0].Deleted)

	g, err := NewFleet(WithClock(core.NewFrozenClock(core.TestEpoch)))
	require.NoError(t, err)
	require.NoError(t, g.UnmarshalState(buf.Bytes()))
	_, ok := g.Tenants.Get("gone")
	assert.False(t, ok, "a tenant marked deleted is not restored")
}

// TestUnmarshalStateRefusesBadFiles: a file of another version, or that is
// not a state file, is an error naming what is wrong.
func TestUnmarshalStateRefusesBadFiles(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`{"version":2,"tenants":[]}`:           "state file: version: 2 is not supported (want 1)",
		`{"tenants":[]}`:                       `state file: tenants: "tenants" before "version"`,
		`{}`:                                   "state file: no version",
		`[]`:                                   "state file: want '{'",
		`{"version":1,"tenants":[{"seed":1}]}`: "state file: tenants: [0]: a tenant without an id",
		`{"version":1,"tenants":[{"id":"x","seed":"a"}]}`: "state file: tenants: [0]: seed: json: cannot unmarshal",
	} {
		f, err := NewFleet(WithClock(core.NewFrozenClock(core.TestEpoch)))
		require.NoError(t, err)
		assert.ErrorContains(t, f.UnmarshalState([]byte(in)), want, in)
	}
}

// TestSavesSeeEveryChange: what a save copies from the kept file must be
// current. A token minted by a request (under the world's own lock, not
// Worlds.Lock) and a reset tenant are both saved afresh.
func TestSavesSeeEveryChange(t *testing.T) {
	t.Parallel()
	f, err := NewFleet(WithClock(core.NewFrozenClock(core.TestEpoch)))
	require.NoError(t, err)
	_, err = f.UQPay.AddCard(uqpayCard())
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "state.json")
	require.NoError(t, f.SaveState(path))

	srv := httptest.NewServer(f.Handler())
	defer srv.Close()
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/open-api/v1/merchant/token", nil)
	require.NoError(t, err)
	req.Header.Set("Api-Key", keysecure.DefaultAPIKey)
	req.Header.Set("Timestamp", strconv.FormatInt(core.WallNow().UnixMilli(), 10))
	res, err := srv.Client().Do(req)
	require.NoError(t, err)
	var tok struct {
		Data struct {
			Token string `json:"access_token"`
		} `json:"data"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&tok))
	res.Body.Close()
	require.NotEmpty(t, tok.Data.Token)
	require.NoError(t, f.SaveState(path))
	saved, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Contains(t, worldOf(t, saved, "default", "keysecure"), tok.Data.Token, "the minted token is saved")

	require.NoError(t, f.ResetTenant(core.DefaultTenant))
	require.NoError(t, f.SaveState(path))
	g, err := NewFleet(WithClock(core.NewFrozenClock(core.TestEpoch)))
	require.NoError(t, err)
	require.NoError(t, g.LoadState(path))
	assert.Empty(t, g.UQPay.Cards(), "the reset tenant comes back empty")
}

// TestTenantMadeAgainIsEncodedAfresh: a tenant deleted and made again
// under the same ID is another tenant; a save never copies the old one's
// world for it, whatever its change count.
func TestTenantMadeAgainIsEncodedAfresh(t *testing.T) {
	if !keepFiles {
		t.Skip("no file is kept on this platform")
	}
	t.Parallel()
	f, err := NewFleet(WithClock(core.NewFrozenClock(core.TestEpoch)))
	require.NoError(t, err)
	old, err := f.CreateTenant(TenantRequest{ID: "job"})
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "state.json")
	require.NoError(t, f.SaveState(path))
	stale := f.snaps.worlds["job"]
	gone, _ := f.Tenants.Get("job")
	// The layout of a save that wrote the tenant just before it was deleted.
	require.NoError(t, f.DeleteTenant("job"))
	again, err := f.CreateTenant(TenantRequest{ID: "job"})
	require.NoError(t, err)
	made, _ := f.Tenants.Get("job")
	for made.Changes() < gone.Changes() {
		made.Touch()
	}
	require.Equal(t, gone.Changes(), made.Changes())
	f.snaps.mu.Lock()
	f.snaps.worlds["job"] = stale
	f.snaps.mu.Unlock()
	require.NoError(t, f.SaveState(path))
	saved, err := os.ReadFile(path)
	require.NoError(t, err)
	for _, p := range AllProviders {
		assert.NotContains(t, worldOf(t, saved, "job", p), credentialOf(t, old, p), "%s: the old tenant's world", p)
		assert.Contains(t, worldOf(t, saved, "job", p), credentialOf(t, again, p), "%s: the new tenant's world", p)
	}
}

// credentialOf returns a provider credential of a tenant, as its info
// shows it.
func credentialOf(t *testing.T, info TenantInfo, provider string) string {
	t.Helper()
	b, err := json.Marshal(info.Credentials[provider])
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	for _, k := range []string{"api_key", "client_id"} {
		if v, ok := m[k].(string); ok && v != "" {
			return v
		}
	}
	t.Fatalf("no key in %s", b)
	return ""
}
