package core

// CutConnections cuts every connection h's RunT server still tracks, as
// httptest.Server's CloseClientConnections does, so a Close that follows
// does not wait on a request that never ends. A provider whose Close ends
// long-lived streams (DeCard's WebSocket) calls it before Host.Close; it is
// a no-op for a Server from New.
func CutConnections[W World](h *Host[W]) { h.ts.CloseClientConnections() }
