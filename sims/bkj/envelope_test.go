package bkj_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims/bkj"
	"github.com/mocksrv/mocksrv/sims/core"
)

func TestEnvelope(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	resp := ok(t, s.NewClient(), "card.list", get("/openapi/v1/card/list", nil), nil)
	var env map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(resp.Body, &env))
	assert.Len(t, env, 4)
	assert.JSONEq(t, `"success"`, string(env["message"]))
	assert.Equal(t, "1767225600000", string(env["timestamp"]), "Unix ms of the business clock")
	assert.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
}

func TestLanguage(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	c := s.NewClient()
	c.Language = "zh-CN,zh;q=0.9,en;q=0.8"
	resp := code(t, c, "card.list", get("/openapi/v1/card/list", url.Values{"take": {"101"}}), 40000, "参数错误：take 必须为 1 到 100 的整数")
	assert.Equal(t, "参数错误：take 必须为 1 到 100 的整数，实际为 \"101\"", resp.Message)
	c.Language = "en-US"
	resp = code(t, c, "card.list", get("/openapi/v1/card/list", url.Values{"take": {"101"}}), 40000, "")
	assert.Equal(t, `Invalid parameter: take must be an integer from 1 to 100, got "101"`, resp.Message)
	c.Language = "zh-CN"
	ok(t, c, "card.list", get("/openapi/v1/card/list", nil), nil) // success stays "success" (checked by the contract)

	// The Chinese sentence puts its arguments in its own order.
	stale := core.WallNow().Add(-time.Hour)
	resp = code(t, c, "card.list", bkj.Request{Method: http.MethodGet, Path: "/openapi/v1/card/list", Timestamp: strconv.FormatInt(stale.Unix(), 10)}, 40103, "")
	assert.Regexp(t, `^时间戳无效或已过期：X-Timestamp \d{10} 比服务器时间 \d{10} 慢 1h0m\ds（允许 ±5m0s）$`, resp.Message)
}

func TestTimezone(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	c := s.NewClient()
	id := register(t, c, "tz@example.com")
	tests := []struct {
		zone string
		want string
	}{
		{"", "2026-01-01 00:00:00"},
		{"UTC", "2026-01-01 00:00:00"},
		{"UTC+8", "2026-01-01 08:00:00"},
		{"Asia/Shanghai", "2026-01-01 08:00:00"},
		{"GMT-05:30", "2025-12-31 18:30:00"},
		{"+09:00", "2026-01-01 09:00:00"},
	}
	for _, tt := range tests {
		t.Run("zone "+tt.zone, func(t *testing.T) {
			t.Parallel()
			cc := *c
			cc.Timezone = tt.zone
			var u struct {
				CreatedAt string `json:"created_at"`
			}
			ok(t, &cc, "user.detail", get("/openapi/v1/users/"+id, nil), &u)
			assert.Equal(t, tt.want, u.CreatedAt)
		})
	}
	bad := *c
	bad.Timezone = "Mars/Olympus"
	code(t, &bad, "user.detail", get("/openapi/v1/users/"+id, nil), 40000, `Timezone "Mars/Olympus"`)
}

func TestIdempotency(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	c := s.NewClient()
	body := map[string]any{"email": "idem@example.com", "first_name": "Idem", "last_name": "Potent"}
	req := bkj.Request{Method: http.MethodPost, Path: "/openapi/v1/users", Body: body, IdempotencyKey: "crm-1767225600-abc"}
	first := ok(t, c, "user.register", req, nil)

	again := ok(t, c, "user.register", req, nil)
	assert.Equal(t, first.Body, again.Body, "same key and body: the first response, byte for byte")
	assert.Equal(t, "true", again.Header.Get("X-Idempotent-Replayed"))
	assert.True(t, again.Signed)

	reordered := req
	reordered.Body = []byte(`{"last_name":"Potent","first_name":"Idem","email":"idem@example.com"}`)
	ok(t, c, "user.register", reordered, nil) // same body once normalized

	conflict := req
	conflict.Body = map[string]any{"email": "other@example.com", "first_name": "Idem", "last_name": "Potent"}
	code(t, c, "user.register", conflict, 40902, `X-Idempotency-Key "crm-1767225600-abc" was first used with a different request`)

	var list struct{ Total int }
	ok(t, c, "user.list", get("/openapi/v1/users", nil), &list)
	assert.Equal(t, 1, list.Total, "replays created nothing")

	// The published header name works too; a failed first request keeps nothing.
	alias := bkj.Request{Method: http.MethodPost, Path: "/openapi/v1/users", Header: http.Header{"Idempotency-Key": {"k2"}},
		Body: map[string]any{"email": "idem@example.com", "first_name": "Idem", "last_name": "Potent"}}
	code(t, c, "user.register", alias, 40900, "already registered")
	alias.Body = map[string]any{"email": "fixed@example.com", "first_name": "Idem", "last_name": "Potent"}
	ok(t, c, "user.register", alias, nil)

	long := req
	long.IdempotencyKey = string(bytesOf('k', 256))
	code(t, c, "user.register", long, 40000, "longer than 255")
}

func bytesOf(b byte, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}

func TestUnknownPathAndWrongMethod(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	c := s.NewClient()
	resp, err := c.Send(context.Background(), get("/openapi/v1/card/nope", nil))
	require.NoError(t, err)
	assert.Equal(t, http.StatusNotFound, resp.Status)
	assert.Equal(t, 40400, resp.Code)
	assert.Contains(t, resp.Message, "no bkj endpoint GET /openapi/v1/card/nope")
	contracts.Validate(t, "bkj/error.json", resp.Body)

	resp, err = c.Send(context.Background(), bkj.Request{Method: http.MethodDelete, Path: "/openapi/v1/card/list"})
	require.NoError(t, err)
	assert.Equal(t, http.StatusMethodNotAllowed, resp.Status)
	assert.Equal(t, 40400, resp.Code)
	assert.Len(t, s.Journal.Entries(core.ByStatus(http.StatusNotFound)), 1, "unknown paths are journaled")
}

// Injected faults render exactly like organic errors.
func TestFaultsUseTheEnvelope(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind     core.Kind
		route    string
		wantCode int
		wantMsg  string
	}{
		{core.KindInvalid, "card.list", 40000, "Invalid parameter"},
		{core.KindUnauthorized, "card.list", 40102, "Signature mismatch"},
		{core.KindForbidden, "card.list", 40300, "Forbidden"},
		{core.KindNotFound, "card.detail", 40400, "Not found"},
		{core.KindConflict, "card.freeze", 40900, "State conflict"},
		{core.KindRateLimited, "card.list", 42900, "Too many requests"},
		{core.KindUnavailable, "card.list", 50300, "Service unavailable"},
		{core.KindInternal, "card.list", 50000, "System error"},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			t.Parallel()
			s := bkj.RunT(t)
			s.Faults.FailNext(tt.route, tt.kind)
			req := get("/openapi/v1/card/list", nil)
			switch tt.route {
			case "card.detail":
				req = get("/openapi/v1/card/detail", url.Values{"id": {"x"}})
			case "card.freeze":
				req = post("/openapi/v1/card/freeze", map[string]string{"id": "x"})
			}
			resp := code(t, s.NewClient(), tt.route, req, tt.wantCode, tt.wantMsg)
			assert.True(t, resp.Signed, "an injected error is signed like an organic one")
		})
	}
	s := bkj.RunT(t)
	_, err := s.Faults.Add(core.Fault{Provider: bkj.Name, Route: "card.list", Status: http.StatusBadGateway, Times: 1})
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/openapi/v1/card/list", nil))
	assert.Equal(t, http.StatusBadGateway, rec.Code, "a raw status bypasses the envelope")
}

func TestErrorCodeTable(t *testing.T) {
	t.Parallel()
	doc, err := contracts.Document(bkj.Name)
	require.NoError(t, err)
	var codes []string
	for _, e := range bkj.ErrorCodes() {
		codes = append(codes, jsonNumber(e.Code))
		assert.NotEmpty(t, e.English)
		assert.NotEmpty(t, e.Chinese)
	}
	assert.Equal(t, doc.ErrorCodes, codes, "x-error-codes lists the table")
}

func jsonNumber(n int) string { b, _ := json.Marshal(n); return string(b) }
