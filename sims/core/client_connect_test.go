package core

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type connectedClient struct {
	base, id, secret string
	hc               *http.Client
}

func (connectedClient) Authorize(context.Context, *http.Request, []byte, time.Time) error { return nil }
func (connectedClient) Observe(string, []byte)                                            {}
func (connectedClient) Expired(int, []byte) (string, bool)                                { return "", false }

// TestConnect: the two named credentials reach the client with the base URL
// and HTTP client; a missing one is an error naming it.
func TestConnect(t *testing.T) {
	t.Parallel()
	connect := Connect("acme", "client_id", "api_key", func(baseURL, id, secret string, hc *http.Client) Caller {
		return connectedClient{baseURL, id, secret, hc}
	})
	hc := &http.Client{}
	c, err := connect("http://127.0.0.1:1", map[string]string{"client_id": "ci", "api_key": "k", "other": "x"}, hc)
	require.NoError(t, err)
	assert.Equal(t, connectedClient{"http://127.0.0.1:1", "ci", "k", hc}, c)

	_, err = connect("http://127.0.0.1:1", map[string]string{"client_id": "ci"}, hc)
	assert.EqualError(t, err, "acme: the tenant's credentials have no api_key")
}
