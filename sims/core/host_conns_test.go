package core

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCutConnectionsEndsARequestInFlight(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	h := NewHost(NewEnv(EnvConfig{}), HostConfig[*testWorld]{
		Name: "acme", Prefixes: []string{"/acme/"}, Worlds: NewWorlds[*testWorld]("acme", "api_key", nil),
		Wire: Wire{Provider: "acme", Identify: func(*http.Request) string { return "" },
			WriteError: func(w http.ResponseWriter, _ *http.Request, err error) { http.Error(w, err.Error(), http.StatusTeapot) }},
		Routes: func(r *Router) {
			r.HandleFunc(http.MethodGet, "/acme/hang", "acme.hang", func(_ http.ResponseWriter, r *http.Request) {
				close(started)
				<-r.Context().Done() // a stream: it ends only when its connection does
			})
		},
	})
	CutConnections(h) // a Host that never listened: nothing to cut
	h.ts.Start(h.Handler())

	conn, err := net.Dial("tcp", h.URL()[len("http://"):])
	require.NoError(t, err)
	defer conn.Close()
	_, err = io.WriteString(conn, "GET /acme/hang HTTP/1.1\r\nHost: acme\r\n\r\n")
	require.NoError(t, err)
	<-started

	CutConnections(h)
	_, err = bufio.NewReader(conn).ReadByte()
	assert.Error(t, err, "the connection was cut before any answer")
	h.Close() // returns: the request in flight ended with its connection
}
