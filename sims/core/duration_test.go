package core

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A null Duration leaves the value as it is, as a null pointer field did
// before settings became plain values.
func TestDurationNull(t *testing.T) {
	t.Parallel()
	v := struct {
		D Duration `json:"d"`
	}{D: Duration(time.Minute)}
	require.NoError(t, json.Unmarshal([]byte(`{"d":null}`), &v))
	assert.Equal(t, Duration(time.Minute), v.D)
	require.NoError(t, json.Unmarshal([]byte(`{"d":"2s"}`), &v))
	assert.Equal(t, Duration(2*time.Second), v.D)
	require.NoError(t, json.Unmarshal([]byte(`{"d":1500}`), &v))
	assert.Equal(t, Duration(1500*time.Millisecond), v.D)
	assert.Error(t, json.Unmarshal([]byte(`{"d":""}`), &v))
}
