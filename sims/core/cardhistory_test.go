package core_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/core"
)

func TestCardHistory(t *testing.T) {
	t.Parallel()
	var h core.CardHistory
	h = h.With(core.TestEpoch, "PENDING", "created")
	h = h.With(core.TestEpoch.Add(time.Minute), "ACTIVE", "issued")
	assert.Equal(t, core.CardHistory{
		{At: core.TestEpoch, To: "PENDING", Cause: "created"},
		{At: core.TestEpoch.Add(time.Minute), From: "PENDING", To: "ACTIVE", Cause: "issued"},
	}, h)

	earlier := h
	for i := range 2 * core.CardHistoryLimit {
		h = h.With(core.TestEpoch.Add(time.Duration(i+2)*time.Minute), []string{"FROZEN", "ACTIVE"}[i%2], fmt.Sprint("change ", i))
	}
	require.Len(t, h, core.CardHistoryLimit, "bounded")
	last := h[len(h)-1]
	assert.Equal(t, "change 63", last.Cause)
	assert.Equal(t, "FROZEN", last.From)
	assert.Equal(t, "ACTIVE", last.To)
	assert.Len(t, earlier, 2, "a copy taken earlier keeps its own history")
	assert.Equal(t, "issued", earlier[1].Cause)
}
