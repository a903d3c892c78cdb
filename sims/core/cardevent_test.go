package core_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/core"
)

func TestDeclinesFindAndNamed(t *testing.T) {
	t.Parallel()
	l := core.Declines{{Code: "insufficient_balance", Message: "Insufficient balance"}, {Code: "1116", Message: "Insufficient funds"}}
	d, ok := l.Find("INSUFFICIENT_BALANCE")
	require.True(t, ok)
	assert.Equal(t, "insufficient_balance", d.Code)
	d, ok = l.Find("insufficient funds")
	require.True(t, ok, "by its text, in any case")
	assert.Equal(t, "1116", d.Code)
	_, ok = l.Find("insufficient")
	assert.False(t, ok, "never by a part of a code or text")

	_, err := l.Named("keysecure", "nope")
	require.Error(t, err)
	assert.Equal(t, core.KindInvalid, core.KindOf(err))
	assert.Contains(t, err.Error(), `decline "nope": want one of insufficient_balance, 1116 (GET /_mocksrv/providers/keysecure/declines)`)
}
