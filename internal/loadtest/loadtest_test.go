package loadtest_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/internal/loadtest"
	"github.com/mocksrv/mocksrv/sims"
)

// TestLoad is the small CI form of the load test (bench/load runs it
// bigger against a binary): 3 tenants × 4 clients for 2 seconds, under
// -race in CI. The server guards its admin API with a token, as a shared
// CI mocksrv would.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	f := sims.RunT(t, sims.WithAdminToken("load-token"))
	rep, err := loadtest.Run(context.Background(), loadtest.Options{Target: f.URL(), Tenants: 3, Workers: 4, Duration: 2 * time.Second, Seed: 1, AdminToken: "load-token"})
	require.NoError(t, err)
	assert.True(t, rep.OK(), "%v", rep.Errors)
	assert.Positive(t, rep.Requests)
	t.Logf("%d requests in %s (%.0f/s): %v; refused: %v", rep.Requests, rep.Duration.Round(time.Millisecond), rep.Throughput, rep.ByRoute, rep.Refused)
}
