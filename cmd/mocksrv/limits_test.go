package main

import (
	"bytes"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/core"
)

// TestByteSizeFlag: sizes take a binary unit or none, print in the largest
// unit that divides them, and refuse nonsense with an example.
func TestByteSizeFlag(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int64{
		"4MiB": 4 << 20, "4mib": 4 << 20, "4M": 4 << 20, "4 MB": 4 << 20, "512KiB": 512 << 10,
		"1GiB": 1 << 30, "1048576": 1 << 20, "1000": 1000, "64B": 64,
	} {
		var b byteSize
		require.NoError(t, b.Set(in), in)
		assert.Equal(t, want, int64(b), in)
	}
	for _, bad := range []string{"", "0", "-1MiB", "4XB", "MiB", "1.5MiB", "99999999999GiB"} {
		var b byteSize
		assert.ErrorContains(t, b.Set(bad), "like 4MiB", "%q", bad)
	}
	for v, want := range map[int64]string{4 << 20: "4MiB", 32 << 20: "32MiB", 1536: "1536", 512 << 10: "512KiB", 2 << 30: "2GiB", 1000: "1000"} {
		b := byteSize(v)
		assert.Equal(t, want, b.String())
	}
}

// TestServeLimitFlags: the journal and webhook flags (and their variables)
// reach the Fleet's Env.
func TestServeLimitFlags(t *testing.T) {
	t.Parallel()
	fs, c := serveFlags(io.Discard)
	require.NoError(t, fs.Parse([]string{"--journal-bytes", "1MiB", "--webhook-timeout", "3s"}))
	env := map[string]string{"MOCKSRV_JOURNAL_TOTAL_BYTES": "8MiB", "MOCKSRV_WEBHOOK_CONCURRENCY": "5", "MOCKSRV_JOURNAL_BYTES": "2MiB"}
	require.NoError(t, applyEnv(fs, map[string]bool{"journal-bytes": true, "webhook-timeout": true}, func(k string) string { return env[k] }))
	opts, err := fleetOptions(c, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	f, err := sims.NewFleet(opts...)
	require.NoError(t, err)
	assert.Equal(t, core.JournalLimits{Entries: core.DefaultJournalSize, TenantBytes: 1 << 20, TotalBytes: 8 << 20, Value: core.DefaultJournalValue}, f.Journal.Limits())
	assert.Equal(t, 3*time.Second, f.WebhookTimeout)
	assert.Equal(t, 5, f.WebhookConcurrency)

	fs, c = serveFlags(io.Discard)
	require.NoError(t, fs.Parse(nil))
	opts, err = fleetOptions(c, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	f, err = sims.NewFleet(opts...)
	require.NoError(t, err)
	assert.Equal(t, int64(core.DefaultJournalTenantBytes), f.Journal.Limits().TenantBytes, "4 MiB per tenant by default")
	assert.Equal(t, int64(core.DefaultJournalTotalBytes), f.Journal.Limits().TotalBytes, "32 MiB in all by default")
	assert.Equal(t, 10*time.Second, f.WebhookTimeout)
	assert.Equal(t, 64, f.WebhookConcurrency)

	_, c = serveFlags(io.Discard)
	c.webhookConcurrency = -1
	_, err = fleetOptions(c, slog.New(slog.DiscardHandler))
	require.NoError(t, err, "options are checked when the Fleet is built")
	opts, _ = fleetOptions(c, slog.New(slog.DiscardHandler))
	_, err = sims.NewFleet(opts...)
	assert.ErrorContains(t, err, "webhook concurrency")
}

func TestServeRefusesAStatePathItCannotWrite(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	dir := t.TempDir()
	code := run([]string{"serve", "--addr", "127.0.0.1:0", "--state", filepath.Join(dir, "no-such-dir", "state.json")}, &out, &errb)
	assert.Equal(t, 2, code)
	assert.Contains(t, errb.String(), "--state "+filepath.Join(dir, "no-such-dir", "state.json")+": the server could not save it")
	code = run([]string{"serve", "--addr", "127.0.0.1:0", "--state", dir}, &out, &errb)
	assert.Equal(t, 2, code)
	assert.Contains(t, errb.String(), "is a directory")
}
