package sims_test

// Tests of one mocksrv shared by many tenants, some careless or hostile:
// the journal bounded in bytes and read as a stream, the admin token's
// rules, /health without it, and webhook flushes that never wait on a
// neighbour (DESIGN.md, "A shared server: tenants as hostile neighbours").

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/keysecure"
)

type journalAnswer struct {
	Entries []core.Entry `json:"entries"`
	Count   int          `json:"count"`
}

// junkRequests sends n unauthenticated KeySecure requests, each with a
// header of size bytes, straight to the Fleet's handler.
func junkRequests(f *sims.Fleet, n, size int) {
	junk := strings.Repeat("j", size)
	for i := 0; i < n; i++ {
		req := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/open-api/v1/card/list?i=%d", i), nil)
		req.RemoteAddr = "127.0.0.1:9999"
		req.Header.Set("X-Junk", junk)
		f.Handler().ServeHTTP(httptest.NewRecorder(), req)
	}
}

// TestJournalFloodIsBoundedInBytes: a flood of large unauthenticated
// requests costs the journal its byte bound, each header cut with a marker,
// and evicts nothing of a tenant that was quiet meanwhile.
func TestJournalFloodIsBoundedInBytes(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t, sims.WithJournalBytes(256<<10, 1<<20))
	c := keysecure.NewClient(f.URL(), keysecure.DefaultAPIKey, keysecure.DefaultAPISecret)
	_, err := c.Do(context.Background(), http.MethodPost, "/open-api/v1/card/list", `{"start_time":"2026-01-01","end_time":"2026-01-01"}`)
	require.NoError(t, err)
	quiet := len(f.Journal.Entries(core.ByTenant(core.DefaultTenant)))
	require.NotZero(t, quiet)

	junkRequests(f, 500, 60<<10)

	assert.Less(t, f.Journal.Bytes(), int64(256<<10)+int64(quiet*(16<<10)), "the flood holds at most its tenant's 256 KiB")
	var j journalAnswer
	admin(t, f, http.MethodGet, "/_mocksrv/journal?tenant=", "", http.StatusOK, &j)
	flood := f.Journal.Entries(core.ByTenant(""))
	require.NotEmpty(t, flood)
	assert.Less(t, len(flood), 500, "the oldest junk went")
	assert.Equal(t, "i=499", flood[len(flood)-1].Query, "the newest stays")
	h := flood[0].Headers["X-Junk"]
	assert.Len(t, h, core.DefaultJournalValue)
	assert.True(t, strings.HasSuffix(h, "…[truncated by mocksrv: 61440 bytes in all]"), "the cut is visible")
	assert.True(t, flood[0].Truncated)
	assert.Len(t, f.Journal.Entries(core.ByTenant(core.DefaultTenant)), quiet, "the quiet tenant keeps its history")
}

// TestJournalAdminStreamsWithLimit: GET /_mocksrv/journal streams its
// answer (chunked, never one buffer) and limit keeps the newest entries,
// oldest first.
func TestJournalAdminStreamsWithLimit(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	junkRequests(f, 300, 100)

	res, err := http.Get(f.URL() + "/_mocksrv/journal")
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "application/json", res.Header.Get("Content-Type"))
	assert.Equal(t, int64(-1), res.ContentLength, "no length known up front: the answer is streamed")
	assert.Equal(t, []string{"chunked"}, res.TransferEncoding)
	var all journalAnswer
	require.NoError(t, json.NewDecoder(res.Body).Decode(&all))
	require.Equal(t, 300, all.Count)
	require.Len(t, all.Entries, 300)
	for i := 1; i < len(all.Entries); i++ {
		require.Less(t, all.Entries[i-1].Seq, all.Entries[i].Seq, "oldest first")
	}

	var last journalAnswer
	admin(t, f, http.MethodGet, "/_mocksrv/journal?limit=3&provider=keysecure", "", http.StatusOK, &last)
	assert.Equal(t, 3, last.Count)
	require.Len(t, last.Entries, 3)
	assert.Equal(t, []string{"i=297", "i=298", "i=299"}, []string{last.Entries[0].Query, last.Entries[1].Query, last.Entries[2].Query})

	var none journalAnswer
	admin(t, f, http.MethodGet, "/_mocksrv/journal?limit=0", "", http.StatusOK, &none)
	assert.Zero(t, none.Count)
	assert.NotNil(t, none.Entries, "an empty list, not null")
	for _, bad := range []string{"limit=abc", "limit=-1", "status=abc", "since=yesterday"} {
		var e map[string]string
		admin(t, f, http.MethodGet, "/_mocksrv/journal?"+bad, "", http.StatusBadRequest, &e)
		assert.Equal(t, "invalid", e["error"], bad)
	}
}

// TestJournalAdminRefusesUnknownFilters: a misspelt filter is an error
// naming it, not the whole journal (nor, for DELETE, a cleared one).
func TestJournalAdminRefusesUnknownFilters(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	junkRequests(f, 2, 10)
	var e map[string]string
	admin(t, f, http.MethodGet, "/_mocksrv/journal?tennant=a&provider=keysecure&foo=1", "", http.StatusBadRequest, &e)
	assert.Equal(t, "invalid", e["error"])
	assert.Equal(t, `journal: unknown filter parameters "foo", "tennant" (known: tenant, provider, route, status, type, since, limit, header.NAME, body.PATH)`, e["message"])
	admin(t, f, http.MethodGet, "/_mocksrv/journal?Tenant=a", "", http.StatusBadRequest, &e)
	assert.Contains(t, e["message"], `unknown filter parameter "Tenant"`)
	admin(t, f, http.MethodDelete, "/_mocksrv/journal?provider=keysecure", "", http.StatusBadRequest, &e)
	assert.Contains(t, e["message"], `"provider" (known: tenant)`)
	assert.Len(t, f.Journal.Entries(), 2, "a refused clear clears nothing")
	admin(t, f, http.MethodDelete, "/_mocksrv/journal?tenant=", "", http.StatusOK, nil)
	assert.Empty(t, f.Journal.Entries())
}

// TestAdminTokenScheme: only "Authorization: Bearer TOKEN" opens the
// admin API, with the scheme in any case (RFC 7235).
func TestAdminTokenScheme(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t, sims.WithAdminToken("s3cret"))
	for _, tt := range []struct {
		auth string
		want int
	}{
		{"Bearer s3cret", http.StatusOK},
		{"bearer s3cret", http.StatusOK},
		{"BEARER s3cret", http.StatusOK},
		{"bEaReR  s3cret", http.StatusOK},
		{"s3cret", http.StatusUnauthorized},
		{"", http.StatusUnauthorized},
		{"Bearer", http.StatusUnauthorized},
		{"Bearer ", http.StatusUnauthorized},
		{"Bearers3cret", http.StatusUnauthorized},
		{"Basic s3cret", http.StatusUnauthorized},
		{"Token s3cret", http.StatusUnauthorized},
		{"Bearer S3CRET", http.StatusUnauthorized},
		{"Bearer s3cret s3cret", http.StatusUnauthorized},
	} {
		req, _ := http.NewRequest(http.MethodGet, f.URL()+"/_mocksrv/tenants", nil)
		if tt.auth != "" {
			req.Header.Set("Authorization", tt.auth)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, tt.want, res.StatusCode, "Authorization: %q", tt.auth)
		if tt.want == http.StatusUnauthorized {
			assert.Equal(t, `Bearer realm="mocksrv admin"`, res.Header.Get("WWW-Authenticate"), "RFC 7235: a 401 names its scheme")
		}
	}
}

// TestHealthSaysLittleWithoutTheToken: /health stays open, but without the
// token it says only that the server is up.
func TestHealthSaysLittleWithoutTheToken(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t, sims.WithAdminToken("s3cret"))
	res, err := http.Get(f.URL() + "/_mocksrv/health")
	require.NoError(t, err)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.JSONEq(t, `{"status":"ok"}`, string(b))
	for _, auth := range []string{"s3cret", "Bearer nope"} {
		req, _ := http.NewRequest(http.MethodGet, f.URL()+"/_mocksrv/health", nil)
		req.Header.Set("Authorization", auth)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		assert.JSONEq(t, `{"status":"ok"}`, string(b), "a wrong token is no token: %q", auth)
	}

	req, _ := http.NewRequest(http.MethodGet, f.URL()+"/_mocksrv/health", nil)
	req.Header.Set("Authorization", "Bearer s3cret")
	res, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	var full map[string]any
	require.NoError(t, json.NewDecoder(res.Body).Decode(&full))
	res.Body.Close()
	assert.Equal(t, "ok", full["status"])
	assert.Equal(t, sims.Version, full["version"])
	assert.EqualValues(t, 1, full["tenants"])

	open := sims.RunT(t)
	var free map[string]any
	admin(t, open, http.MethodGet, "/_mocksrv/health", "", http.StatusOK, &free)
	assert.Equal(t, sims.Version, free["version"], "a server without a token has nothing to hide")
}

// TestFleetLimitOptions: the journal and webhook settings reach the Env;
// nonsense is refused.
func TestFleetLimitOptions(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t, sims.WithJournalBytes(1<<20, 8<<20), sims.WithWebhookTimeout(2*time.Second), sims.WithWebhookConcurrency(3))
	assert.Equal(t, int64(1<<20), f.Journal.Limits().TenantBytes)
	assert.Equal(t, int64(8<<20), f.Journal.Limits().TotalBytes)
	assert.Equal(t, 2*time.Second, f.WebhookTimeout)
	assert.Equal(t, 3, f.WebhookConcurrency)

	d := sims.RunT(t)
	assert.Equal(t, int64(core.DefaultJournalTenantBytes), d.Journal.Limits().TenantBytes)
	assert.Equal(t, int64(core.DefaultJournalTotalBytes), d.Journal.Limits().TotalBytes)
	assert.Equal(t, core.DefaultWebhookTimeout, d.WebhookTimeout)
	assert.Equal(t, core.DefaultWebhookConcurrency, d.WebhookConcurrency)

	for _, o := range []sims.Option{sims.WithJournalBytes(-1, 0), sims.WithWebhookTimeout(-time.Second), sims.WithWebhookConcurrency(-2)} {
		_, err := sims.NewFleet(o)
		assert.Error(t, err)
	}
}

// TestAdminFlushOfOneTenantSkipsANeighboursHangingReceiver: POST
// /_mocksrv/flush?tenant=b delivers b's webhooks and answers while a's
// receiver holds a's delivery open.
func TestAdminFlushOfOneTenantSkipsANeighboursHangingReceiver(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t, sims.WithWebhookTimeout(time.Minute))
	var a, b creds
	admin(t, f, http.MethodPost, "/_mocksrv/tenants", `{"id":"a"}`, http.StatusCreated, &a)
	admin(t, f, http.MethodPost, "/_mocksrv/tenants", `{"id":"b"}`, http.StatusCreated, &b)
	hole, accepted := hangingReceiver(t)
	got := make(chan string, 4)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- string(body)
		_, _ = w.Write([]byte(`{"code":0}`))
	}))
	t.Cleanup(rcv.Close)
	admin(t, f, http.MethodPost, "/_mocksrv/tenants/a/webhooks", `{"keysecure":"`+hole+`"}`, http.StatusOK, nil)
	admin(t, f, http.MethodPost, "/_mocksrv/tenants/b/webhooks", `{"keysecure":"`+rcv.URL+`"}`, http.StatusOK, nil)

	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	f.Webhooks.Enqueue("a", "keysecure", "Card_update", []byte(`{"id":"a"}`))
	go f.Webhooks.Flush(ctx) // sends a's, then waits for its receiver
	<-accepted
	f.Webhooks.Enqueue("b", "keysecure", "Card_update", []byte(`{"id":"b"}`))
	var out struct{ Attempts int }
	admin(t, f, http.MethodPost, "/_mocksrv/flush?tenant=b", "", http.StatusOK, &out)
	assert.Equal(t, 1, out.Attempts)
	assert.Equal(t, `{"id":"b"}`, <-got)
	ds := f.Webhooks.Deliveries(func(d core.Delivery) bool { return d.Tenant == "a" })
	require.Len(t, ds, 1)
	assert.Empty(t, ds[0].Attempts, "a's attempt is still waiting for its receiver")
}

// hangingReceiver accepts connections and never answers, until the test
// ends.
func hangingReceiver(t *testing.T) (string, <-chan struct{}) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	accepted := make(chan struct{}, 16)
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			accepted <- struct{}{}
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String(), accepted
}
