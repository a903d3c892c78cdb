package core

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestWorldsIdentify: a known credential names its tenant under every
// auth mode; an unknown one is the default tenant's unless auth is strict.
func TestWorldsIdentify(t *testing.T) {
	t.Parallel()
	ws := newTestWorlds(t)
	for _, mode := range []AuthMode{AuthStrict, AuthLenient, AuthOff} {
		assert.Equal(t, "t2", ws.Identify("k-2", mode), mode)
	}
	assert.Equal(t, "", ws.Identify("k-unknown", AuthStrict))
	assert.Equal(t, "", ws.Identify("", AuthStrict))
	assert.Equal(t, DefaultTenant, ws.Identify("k-unknown", AuthLenient))
	assert.Equal(t, DefaultTenant, ws.Identify("", AuthOff))
}
