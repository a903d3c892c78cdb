package core

import (
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTestServerZeroValue(t *testing.T) {
	t.Parallel()
	var ts TestServer // a Server from New: never started
	assert.Empty(t, ts.URL())
	assert.Same(t, http.DefaultClient, ts.Client())
	ts.CloseClientConnections()
	ts.Close()
}

func TestTestServerServes(t *testing.T) {
	t.Parallel()
	var ts TestServer
	ts.Start(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "hello "+r.URL.Path) }))
	require.Contains(t, ts.URL(), "http://127.0.0.1:")

	resp, err := ts.Client().Get(ts.URL() + "/x")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	assert.Equal(t, "hello /x", string(body))

	ts.CloseClientConnections()
	ts.Close()
	ts.Close() // RunT's cleanup may follow a test's own Close
	_, err = http.Get(ts.URL() + "/x")
	assert.Error(t, err, "a closed server no longer answers")
}
