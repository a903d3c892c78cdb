package core

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDecodeSettings pins the strict read of a tenant's options (and of
// admin bodies, DecodeStrict): nothing means no change, a field left out
// keeps what was there, a misspelt field or trailing data is refused.
func TestDecodeSettings(t *testing.T) {
	t.Parallel()
	type opts struct {
		APIKey string `json:"api_key,omitempty"`
		PCI    *bool  `json:"pci,omitempty"`
	}
	for _, raw := range []string{"", "  \n", "null", " null "} {
		o := opts{APIKey: "kept"}
		require.NoError(t, DecodeSettings("acme", []byte(raw), &o), "%q", raw)
		assert.Equal(t, opts{APIKey: "kept"}, o, "%q means no options", raw)
	}

	var o opts
	require.NoError(t, DecodeSettings("acme", []byte(`{"api_key":"k","pci":false}`), &o))
	require.NotNil(t, o.PCI)
	assert.Equal(t, "k", o.APIKey)
	assert.False(t, *o.PCI)

	err := DecodeSettings("acme", []byte(`{"api_kye":"k"}`), &o)
	assert.EqualError(t, err, `acme options: json: unknown field "api_kye"`, "a misspelt option is refused")
	err = DecodeSettings("acme", []byte(`{"api_key":"k"} {"pci":true}`), &o)
	assert.EqualError(t, err, "acme options: one JSON object expected")
	err = DecodeStrict([]byte(`{"api_key":`), &o)
	assert.Equal(t, KindInvalid, AsError(err).Kind)
}
