package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestSaveLoopSavesTheFirstChange: a change made as soon as serve listens
// is saved on the next tick (the loop's baseline is taken before serving,
// not whenever its goroutine first runs).
func TestSaveLoopSavesTheFirstChange(t *testing.T) {
	t.Parallel()
	for round := range 5 {
		path := filepath.Join(t.TempDir(), "state.json")
		base := startServe(t, "--state", path, "--state-interval", "20ms")
		res, err := http.Post(base+"/_mocksrv/tenants/default/keysecure/cards", "application/json", strings.NewReader("{}"))
		require.NoError(t, err)
		var card struct {
			No string `json:"card_no"`
		}
		require.NoError(t, json.NewDecoder(res.Body).Decode(&card))
		res.Body.Close()
		require.NotEmpty(t, card.No)
		require.Eventually(t, func() bool {
			b, err := os.ReadFile(path)
			return err == nil && strings.Contains(string(b), card.No)
		}, 10*time.Second, 5*time.Millisecond, "round %d: the first change is saved", round)
	}
}
