package main

import (
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims"
)

func TestHealth(t *testing.T) {
	t.Parallel()
	t.Run("a running mocksrv", func(t *testing.T) {
		t.Parallel()
		base := startServe(t, "--admin-token", "s3cret") // /health stays open
		var out, errb bytes.Buffer
		require.Equal(t, 0, run([]string{"health", base}, &out, &errb), errb.String())
		assert.Equal(t, "mocksrv is up at "+base+"\n", out.String(), "without the token a guarded server says only that it is up")
		out.Reset()
		require.Equal(t, 0, run([]string{"health", "--admin-token", "s3cret", base}, &out, &errb), errb.String())
		assert.Equal(t, "mocksrv "+sims.Version+" is up at "+base+"\n", out.String())
		out.Reset()
		require.Equal(t, 0, run([]string{"health", strings.TrimPrefix(base, "http://") + "/_mocksrv/health", "--wait", "1s"}, &out, &errb),
			"host:port, the full health URL, and a flag after the URL")
	})
	t.Run("waits for a server that is starting", func(t *testing.T) {
		t.Parallel()
		var calls atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) < 3 {
				http.Error(w, "starting", http.StatusServiceUnavailable)
				return
			}
			_, _ = w.Write([]byte(`{"status":"ok","version":"v9"}`))
		}))
		t.Cleanup(srv.Close)
		var out, errb bytes.Buffer
		require.Equal(t, 0, run([]string{"health", "--wait", "30s", srv.URL}, &out, &errb), errb.String())
		assert.Contains(t, out.String(), "mocksrv v9 is up at "+srv.URL)
		assert.EqualValues(t, 3, calls.Load(), "it polled until the server was healthy")
	})
	t.Run("nothing listens", func(t *testing.T) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		url := "http://" + ln.Addr().String()
		require.NoError(t, ln.Close())
		var out, errb bytes.Buffer
		assert.Equal(t, 1, run([]string{"health", url}, &out, &errb))
		assert.Contains(t, errb.String(), "mocksrv health: "+url+"/_mocksrv/health: ")
		assert.Contains(t, errb.String(), "connection refused")
		assert.Contains(t, errb.String(), "--wait 30s waits for a server that is starting", "one try says how to wait")
		errb.Reset()
		assert.Equal(t, 1, run([]string{"health", "--wait", "300ms", url}, &out, &errb))
		assert.Contains(t, errb.String(), "not healthy after 300ms")
		assert.Empty(t, out.String())
	})
	t.Run("a server that never answers", func(t *testing.T) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0") // accepts (the kernel does), never answers
		require.NoError(t, err)
		t.Cleanup(func() { ln.Close() })
		var out, errb bytes.Buffer
		assert.Equal(t, 1, run([]string{"health", "--timeout", "200ms", ln.Addr().String()}, &out, &errb))
		assert.Contains(t, errb.String(), "no answer within 200ms")
		errb.Reset()
		assert.Equal(t, 1, run([]string{"health", "--wait", "400ms", ln.Addr().String()}, &out, &errb), "a try ends with the wait, not after --timeout")
		assert.Contains(t, errb.String(), "not healthy after 400ms")
	})
	t.Run("something that is not a mocksrv", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.NotFoundHandler())
		t.Cleanup(srv.Close)
		var out, errb bytes.Buffer
		assert.Equal(t, 1, run([]string{"health", srv.URL}, &out, &errb))
		assert.Contains(t, errb.String(), "answered 404 Not Found, not a healthy mocksrv (404 page not found)")
	})
	t.Run("usage errors", func(t *testing.T) {
		t.Parallel()
		for _, args := range [][]string{{"health", "a", "b"}, {"health", "ftp://x"}, {"health", "--wait", "-1s"}, {"health", "--wiat", "1s"}} {
			var out, errb bytes.Buffer
			assert.Equal(t, 2, run(args, &out, &errb), "%q", args)
			assert.Contains(t, errb.String(), `Run "mocksrv health --help"`)
		}
	})
}

// With no URL, health looks where serve listens: MOCKSRV_ADDR, whose
// unspecified host (the container's 0.0.0.0) is reached on loopback.
func TestHealthURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ arg, addr, want, wantErr string }{
		{want: "http://127.0.0.1:8080/_mocksrv/health"},
		{addr: "0.0.0.0:8080", want: "http://127.0.0.1:8080/_mocksrv/health"},
		{addr: "[::]:9000", want: "http://127.0.0.1:9000/_mocksrv/health"},
		{addr: ":7000", want: "http://127.0.0.1:7000/_mocksrv/health"},
		{addr: "[::1]:7000", want: "http://[::1]:7000/_mocksrv/health"},
		{arg: "127.0.0.1:1", addr: "0.0.0.0:8080", want: "http://127.0.0.1:1/_mocksrv/health"},
		{arg: "https://qa-host/mocksrv/", want: "https://qa-host/mocksrv/_mocksrv/health"},
		{arg: "http://h:1/_mocksrv/health", want: "http://h:1/_mocksrv/health"},
		{addr: "8080", wantErr: `MOCKSRV_ADDR "8080": want host:port`},
		{arg: "ftp://h", wantErr: "want http://HOST:PORT"},
	}
	for _, tt := range tests {
		got, err := healthURL(tt.arg, tt.addr)
		if tt.wantErr != "" {
			assert.ErrorContains(t, err, tt.wantErr, "%+v", tt)
			continue
		}
		require.NoError(t, err, "%+v", tt)
		assert.Equal(t, tt.want, got, "%+v", tt)
	}
	var out bytes.Buffer
	fs, _, _, _ := healthFlags(&out)
	fs.Usage()
	assert.Contains(t, out.String(), "--wait  [MOCKSRV_HEALTH_WAIT]")
	assert.Contains(t, out.String(), "--timeout  [MOCKSRV_HEALTH_TIMEOUT] (default 2s)")
}
