package timetravel

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestSplitSumsToTheWhole(t *testing.T) {
	t.Parallel()
	for seed := uint64(0); seed < 50; seed++ {
		for _, n := range []int{1, 2, 5, 12} {
			parts := Split(31*24*time.Hour, n, seed)
			assert.Len(t, parts, n)
			var sum time.Duration
			for _, p := range parts {
				assert.Positive(t, p)
				sum += p
			}
			assert.Equal(t, 31*24*time.Hour, sum)
		}
	}
	assert.Equal(t, Split(time.Hour, 5, 3), Split(time.Hour, 5, 3), "the same seed cuts the same steps")
}
