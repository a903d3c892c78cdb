package uqpay

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/mocksrv/mocksrv/sims/core"
)

func TestMoney(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"0": "0.00", "5": "5.00", "5.5": "5.50", "5.55": "5.55", "-0.1": "-0.10",
		"100000": "100000.00", "1.005": "1.01", "2.004": "2.00"} {
		assert.Equal(t, want, money(core.MustDecimal(in)), in)
	}
}
