package decard

// WebSocket endpoints — DeCard "websocket" section: get-channel, search,
// and the stream itself (wss://stream.uatdcd.com/ws/{channel}, served here
// at /ws/{channel} on the same listener).

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/mocksrv/mocksrv/sims/core"
)

// handleGetChannel handles "GET /websocket/v1/get-channel": a new channel
// id for the partner — random, unique on the Server and bound to the
// tenant that asked (server.go, newChannel). The previous channel stops at
// once; the new one lives 24 hours of business time. Parameters (Postman
// sends channel=TEST) are ignored.
func (s *Server) handleGetChannel(r *http.Request) (any, error) {
	w := s.worlds.Enter(r)
	defer w.Unlock()
	w.channel = Channel{ID: s.newChannel(w, w.channel.ID)}
	if w.set.ChannelTTL.D() > 0 {
		w.channel.ExpiresAt = w.Now().Add(w.set.ChannelTTL.D())
	}
	w.dropSubscribersLocked()
	return w.channel.ID, nil
}

// handleSearch handles "GET /websocket/v1/search?version=n": the pushed
// message with that version, as a JSON string, or null when there is none
// (not pushed yet, or older than the kept log).
func (s *Server) handleSearch(r *http.Request) (any, error) {
	v := r.URL.Query().Get("version")
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return nil, invalid("version must be a message version (1, 2, …), got %q", v)
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	m, ok := w.messageLocked(n)
	if !ok {
		return nil, nil
	}
	return m.searchText(), nil
}

// handleStream serves GET /ws/{channel}: a WebSocket on which every push of
// the channel's tenant arrives as a text frame. The connection carries no
// X-DAPI headers (DeCard's stream takes only the channel); it is checked
// as DeCard documents its access: the channel must be one get-channel
// gave the tenant (unguessable, bound to it) and the client address must
// be on the tenant's IP allow-list. Requests that are not WebSocket
// handshakes, addresses off the list, and unknown, retired or expired
// channels get DeCard's failure envelope instead of an upgrade.
//
// This handler is the exception to "handlers return (any, error)": after
// the upgrade it owns the connection.
func (s *Server) handleStream(rw http.ResponseWriter, r *http.Request) {
	channel := core.PathVar(r, "channel")
	w, ok := s.byChannel(channel)
	if !ok {
		s.writeError(rw, r, fail("DAPI_PERMISSION_DENIED", text{"channel %q is unknown or was replaced by a newer one (get one from /websocket/v1/get-channel)",
			"频道 %q 不存在或已被新频道取代（请调用 /websocket/v1/get-channel）"}, channel))
		return
	}
	if s.Auth == core.AuthStrict && !w.Tenant.Allow.Allows(r) { // as API calls: lenient and off skip the list
		s.writeError(rw, r, fail("DAPI_PERMISSION_DENIED", text{"%s is not on the IP allow-list of channel %s's API key",
			"%s 不在频道 %s 所属 API Key 的 IP 白名单内"}, r.RemoteAddr, channel))
		return
	}
	if err := core.Bind(r, w); err != nil {
		s.writeError(rw, r, err)
		return
	}
	if !headerHas(r.Header, "Connection", "upgrade") || !headerHas(r.Header, "Upgrade", "websocket") {
		s.writeError(rw, r, invalid("connect with a WebSocket client (Connection: Upgrade, Upgrade: websocket)"))
		return
	}
	s.worlds.Lock(w)
	if w.channel.ID != channel || (!w.channel.ExpiresAt.IsZero() && !w.Now().Before(w.channel.ExpiresAt)) {
		w.Unlock()
		s.writeError(rw, r, fail("DAPI_PERMISSION_DENIED", text{"channel %q expired or was replaced", "频道 %q 已过期或已被取代"}, channel))
		return
	}
	sub := w.subscribeLocked()
	w.Unlock()
	defer func() {
		w.Lock()
		w.unsubscribeLocked(sub)
		w.Unlock()
	}()

	conn, err := websocket.Accept(rw, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		return // Accept answered the client
	}
	defer conn.CloseNow()
	ctx := conn.CloseRead(context.Background()) // the request's context is not safe after the hijack
	for {
		select {
		case <-ctx.Done():
			return
		case <-sub.done:
			drain(ctx, conn, sub)
			_ = conn.Close(websocket.StatusGoingAway, "channel retired")
			return
		case f := <-sub.ch:
			if err := write(ctx, conn, f); err != nil {
				return
			}
		}
	}
}

// drain writes the frames queued before a subscriber was stopped.
func drain(ctx context.Context, conn *websocket.Conn, sub *subscriber) {
	for {
		select {
		case f := <-sub.ch:
			if write(ctx, conn, f) != nil {
				return
			}
		default:
			return
		}
	}
}

func write(ctx context.Context, conn *websocket.Conn, frame []byte) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return conn.Write(ctx, websocket.MessageText, frame)
}

func headerHas(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}
