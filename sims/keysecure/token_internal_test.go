package keysecure

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/core"
)

// TestPruneTokensBoundsLiveTokens pins that an Api-Key never holds more
// than the bound, even on a frozen clock where nothing expires: expired
// tokens go first, then the ones closest to expiry.
func TestPruneTokensBoundsLiveTokens(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tokens := map[string]time.Time{"expired": now.Add(-time.Second)}
	for i := 0; i < 5; i++ {
		tokens[fmt.Sprint("t", i)] = now.Add(time.Duration(i+1) * time.Hour)
	}
	pruneTokens(tokens, now, 4)
	assert.Len(t, tokens, 3, "room for one more under the bound")
	assert.NotContains(t, tokens, "expired")
	assert.NotContains(t, tokens, "t0", "the one closest to expiry is revoked first")
	assert.NotContains(t, tokens, "t1")
	assert.Contains(t, tokens, "t4")
}

// TestAccessTokensAreBoundedOnAFrozenClock mints past the bound with the
// business clock frozen (nothing expires) and checks the key holds at most
// maxLiveTokens, the newest ones, and that the oldest is refused.
func TestAccessTokensAreBoundedOnAFrozenClock(t *testing.T) {
	t.Parallel()
	s, err := New(WithSeed(1), WithTokenRateLimit(0), WithClock(core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))))
	require.NoError(t, err)
	mint := func() {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, BasePath+"/merchant/token", nil)
		req.RemoteAddr = "127.0.0.1:1"
		req.Header.Set("Api-Key", DefaultAPIKey)
		req.Header.Set("Timestamp", strconv.FormatInt(core.WallNow().UnixMilli(), 10))
		s.Handler().ServeHTTP(rec, req)
		require.Contains(t, rec.Body.String(), `"code":0`)
	}
	w := s.worlds.Default()
	mint()
	w.Lock()
	first := w.tokenOrder[0]
	w.Unlock()
	for i := 0; i < maxLiveTokens+5; i++ {
		mint()
	}
	w.Lock()
	defer w.Unlock()
	assert.Len(t, w.tokens, maxLiveTokens)
	assert.Len(t, w.tokenOrder, maxLiveTokens)
	assert.NotContains(t, w.tokens, first, "the oldest token was revoked to make room")
}
