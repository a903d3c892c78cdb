package core

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeTenantOptions(t *testing.T) {
	t.Parallel()
	type opts struct {
		APIKey string `json:"api_key,omitempty"`
		PCI    *bool  `json:"pci,omitempty"`
	}
	for _, raw := range []string{"", "  \n", "null", " null "} {
		o := opts{APIKey: "kept"}
		require.NoError(t, DecodeTenantOptions([]byte(raw), &o), "%q", raw)
		assert.Equal(t, opts{APIKey: "kept"}, o, "%q means no options", raw)
	}

	var o opts
	require.NoError(t, DecodeTenantOptions([]byte(`{"api_key":"k","pci":false}`), &o))
	require.NotNil(t, o.PCI)
	assert.Equal(t, "k", o.APIKey)
	assert.False(t, *o.PCI)

	err := DecodeTenantOptions([]byte(`{"api_kye":"k"}`), &o)
	assert.EqualError(t, err, `json: unknown field "api_kye"`, "a misspelt option is refused")
	err = DecodeTenantOptions([]byte(`{"api_key":"k"} {"pci":true}`), &o)
	assert.EqualError(t, err, "one JSON object expected")
	err = DecodeTenantOptions([]byte(`{"api_key":`), &o)
	assert.Error(t, err)
}
