package keysecure

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
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
