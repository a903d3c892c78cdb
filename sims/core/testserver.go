package core

import (
	"net/http"
	"net/http/httptest"
)

// TestServer is the loopback HTTP server a provider's RunT starts. A
// provider keeps one as a field and delegates its URL, Client and Close to
// it, so each keeps its own doc comments (which name its base path). The
// zero value is a Server from New: no listener, URL "", Client
// http.DefaultClient, Close a no-op. Start it before sharing the Server
// between goroutines, as RunT does.
type TestServer struct {
	srv *httptest.Server
}

// Start serves h on a loopback port.
func (t *TestServer) Start(h http.Handler) { t.srv = httptest.NewServer(h) }

// URL returns the server's base URL ("http://127.0.0.1:port"), or "" when
// it was never started.
func (t *TestServer) URL() string {
	if t.srv == nil {
		return ""
	}
	return t.srv.URL
}

// Client returns an HTTP client for the server, or http.DefaultClient when
// it was never started.
func (t *TestServer) Client() *http.Client {
	if t.srv == nil {
		return http.DefaultClient
	}
	return t.srv.Client()
}

// CloseClientConnections cuts every connection the server still tracks at
// once, as httptest.Server's does; it is a no-op when it was never started.
func (t *TestServer) CloseClientConnections() {
	if t.srv != nil {
		t.srv.CloseClientConnections()
	}
}

// Close stops the server and waits for the requests in flight, as
// httptest.Server's does; it is a no-op when it was never started.
func (t *TestServer) Close() {
	if t.srv != nil {
		t.srv.Close()
	}
}
