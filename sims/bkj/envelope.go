package bkj

// The wire envelope — bkj "response.Response", 错误码指引 (error codes),
// 多语言 (Accept-Language), 时区相关 (Timezone) and 业务幂等相关
// (idempotency). This file is the only code that writes response bodies.

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// envelope is bkj's wire format for every answer, success or not.
type envelope struct {
	Code      int    `json:"code"`
	Data      any    `json:"data"`
	Message   string `json:"message"`
	Timestamp int64  `json:"timestamp"` // Quirk: Unix milliseconds, while X-Timestamp is seconds.
}

// bkj's error codes (our table; bkj's 错误码指引 page is not public — see
// doc.go, "Error codes").
const (
	codeOK             = 0
	codeInvalid        = 40000 // a parameter is missing, malformed or out of range
	codeAuthHeader     = 40100 // a signing header is missing or malformed
	codeUnknownKey     = 40101 // X-Api-Key is not known
	codeSignature      = 40102 // X-Signature does not match
	codeTimestamp      = 40103 // X-Timestamp is not Unix seconds within the window
	codeNonceReplay    = 40104 // X-Nonce was already used
	codeForbidden      = 40300 // not allowed
	codeNotFound       = 40400 // the resource (or endpoint) does not exist
	codeConflict       = 40900 // the resource's state does not allow the operation
	codeInsufficient   = 40901 // the balance is too low
	codeIdemConflict   = 40902 // X-Idempotency-Key reused with another body
	codeIdemProcessing = 40903 // X-Idempotency-Key's first request is still running
	codeRateLimited    = 42900 // too many requests
	codeSystem         = 50000 // system error
	codeUnavailable    = 50300 // the service is unavailable
)

// text is a message in bkj's two languages.
type text struct{ en, zh string }

// codeText is the title of each code; error messages start with it and
// then name the problem.
var codeText = map[int]text{
	codeOK:             {"success", "success"},
	codeInvalid:        {"Invalid parameter", "参数错误"},
	codeAuthHeader:     {"Missing or malformed signing header", "签名请求头缺失或格式错误"},
	codeUnknownKey:     {"Unknown API key", "API Key 不存在"},
	codeSignature:      {"Signature mismatch", "签名错误"},
	codeTimestamp:      {"Timestamp invalid or expired", "时间戳无效或已过期"},
	codeNonceReplay:    {"Nonce already used", "Nonce 已被使用"},
	codeForbidden:      {"Forbidden", "无权限"},
	codeNotFound:       {"Not found", "资源不存在"},
	codeConflict:       {"State conflict", "状态不允许此操作"},
	codeInsufficient:   {"Insufficient balance", "余额不足"},
	codeIdemConflict:   {"Idempotency key conflict", "幂等键冲突"},
	codeIdemProcessing: {"ErrOperationIsProcessing", "ErrOperationIsProcessing"},
	codeRateLimited:    {"Too many requests", "请求过于频繁"},
	codeSystem:         {"System error", "系统错误"},
	codeUnavailable:    {"Service unavailable", "服务暂不可用"},
}

// ErrorCode is one row of bkj's error-code table, for documentation.
type ErrorCode struct {
	Code    int
	Kind    core.Kind
	English string
	Chinese string
}

// ErrorCodes returns the error-code table, ordered by code.
func ErrorCodes() []ErrorCode {
	codes := []int{codeInvalid, codeAuthHeader, codeUnknownKey, codeSignature, codeTimestamp, codeNonceReplay,
		codeForbidden, codeNotFound, codeConflict, codeInsufficient, codeIdemConflict, codeIdemProcessing,
		codeRateLimited, codeSystem, codeUnavailable}
	out := make([]ErrorCode, 0, len(codes))
	for _, c := range codes {
		out = append(out, ErrorCode{Code: c, Kind: kindOfCode(c), English: codeText[c].en, Chinese: codeText[c].zh})
	}
	return out
}

// kindOfCode classifies a bkj code for core (fault rules, logs).
func kindOfCode(code int) core.Kind {
	switch code {
	case codeInvalid:
		return core.KindInvalid
	case codeAuthHeader, codeUnknownKey, codeSignature, codeTimestamp, codeNonceReplay:
		return core.KindUnauthorized
	case codeForbidden:
		return core.KindForbidden
	case codeNotFound:
		return core.KindNotFound
	case codeRateLimited:
		return core.KindRateLimited
	case codeUnavailable:
		return core.KindUnavailable
	case codeSystem:
		return core.KindInternal
	}
	return core.KindConflict
}

// fail returns bkj error code with its title, then a detail in both
// languages formatted with args.
func fail(code int, detail text, args ...any) *core.Error {
	t := codeText[code]
	return core.CodedError(kindOfCode(code), strconv.Itoa(code), t.en, t.zh, detail.en, detail.zh, args...)
}

// invalid is a 40000 parameter error naming the field.
func invalid(detail text, args ...any) *core.Error { return fail(codeInvalid, detail, args...) }

// notFound is a 40400 naming the resource and its id.
func notFound(what, id string) *core.Error {
	return fail(codeNotFound, text{"%s %q does not exist", "%s %q 不存在"}, what, id)
}

// defaultCode picks bkj's code for a core error that carries none (a
// decoding failure, an injected fault), so injected errors look organic.
func defaultCode(e core.Error) int {
	switch e.Kind {
	case core.KindInvalid:
		return codeInvalid
	case core.KindUnauthorized:
		return codeSignature
	case core.KindForbidden:
		return codeForbidden
	case core.KindNotFound:
		return codeNotFound
	case core.KindConflict:
		return codeConflict
	case core.KindRateLimited:
		return codeRateLimited
	case core.KindUnavailable:
		return codeUnavailable
	}
	return codeSystem
}

// langOf returns "zh" when Accept-Language asks for Chinese first
// (zh-CN, zh;q=0.9…), else "en".
func langOf(r *http.Request) string {
	first, _, _ := strings.Cut(r.Header.Get("Accept-Language"), ",")
	first, _, _ = strings.Cut(first, ";")
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(first)), "zh") {
		return "zh"
	}
	return "en"
}

// view is how one request wants its answer rendered: message language and
// time zone.
type view struct {
	lang string
	loc  *time.Location
}

// viewOf returns how the request wants its answer rendered: the language
// of Accept-Language, and the zone of the Timezone header or else its
// tenant's (api has refused a Timezone header that does not parse).
func (s *Server) viewOf(r *http.Request) view {
	loc, err := s.zoneOf(r)
	if err != nil {
		loc = time.UTC
	}
	return view{lang: langOf(r), loc: loc}
}

// layoutTime is how bkj renders times: "2026-01-14 10:00:00".
const layoutTime = "2006-01-02 15:04:05"

// time renders t as yyyy-MM-dd HH:mm:ss in the view's zone ("" for zero).
func (v view) time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(v.loc).Format(layoutTime)
}

// rfc3339 renders t as RFC 3339 with the view's offset ("" for zero).
func (v view) rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(v.loc).Format(time.RFC3339)
}

// zoneOf reads the Timezone header: "UTC+8", "UTC-05:30", "GMT+8",
// "+08:00", "UTC", or an IANA name like "Asia/Shanghai"; absent, the
// tenant's timezone setting (default UTC).
func (s *Server) zoneOf(r *http.Request) (*time.Location, error) {
	if v := strings.TrimSpace(r.Header.Get("Timezone")); v != "" {
		return parseZone(v)
	}
	if w := s.worldFor(r); w != nil {
		return w.zone, nil
	}
	return s.zone, nil
}

// parseZone reads a zone as the Timezone header names it.
func parseZone(v string) (*time.Location, error) {
	loc, err := core.ParseZone(v)
	switch {
	case errors.Is(err, core.ErrZoneOffset):
		return nil, invalid(text{"Timezone %q: offset out of range", "Timezone %q：时区偏移超出范围"}, v)
	case err != nil:
		return nil, invalid(text{"Timezone %q: want UTC+8, UTC-05:30 or an IANA name like Asia/Shanghai", "Timezone %q：应为 UTC+8、UTC-05:30 或 IANA 时区名（如 Asia/Shanghai）"}, v)
	}
	return loc, nil
}

// apiFunc returns the value for the envelope's data field, or an error that
// writeError renders as bkj's error envelope.
type apiFunc func(r *http.Request) (any, error)

// api adapts a handler to HTTP: it refuses a Timezone header that does not
// parse, applies X-Idempotency-Key to POSTs, and writes the signed
// envelope.
func (s *Server) api(h apiFunc) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if _, err := s.zoneOf(r); err != nil {
			s.writeError(rw, r, err)
			return
		}
		if header, key := idempotencyKey(r); key != "" && r.Method == http.MethodPost && core.RouteName(r) != "debug.post" {
			s.idempotent(rw, r, header, key, h)
			return
		}
		body, err := s.run(r, h)
		if err != nil {
			s.writeError(rw, r, err)
			return
		}
		s.writeBody(rw, r, http.StatusOK, body)
	})
}

// run calls the handler and renders its success envelope.
func (s *Server) run(r *http.Request, h apiFunc) ([]byte, error) {
	data, err := h(r)
	if err != nil {
		return nil, err
	}
	return core.Marshal(envelope{Code: codeOK, Data: data, Message: codeText[codeOK].en, Timestamp: s.nowOf(r).UnixMilli()})
}

// idempotencyKey returns the request's idempotency key and the header that
// carried it: X-Idempotency-Key, or the published Idempotency-Key when that
// is absent.
func idempotencyKey(r *http.Request) (header, key string) {
	for _, h := range []string{"X-Idempotency-Key", "Idempotency-Key"} {
		if k := r.Header.Get(h); k != "" {
			return h, k
		}
	}
	return "", ""
}

const maxIdemKey = 255

// idemRequest is what makes two POSTs the same for idempotency: the method,
// the path with its canonical query (parameters sorted), and the body as a
// JSON value — key order, whitespace and the spelling of a number do not
// count (core.IdemStore.Claim).
func idemRequest(r *http.Request) core.IdemRequest {
	path := r.URL.Path
	if r.URL.RawQuery != "" {
		q, err := CanonicalQuery(r.URL.RawQuery)
		if err != nil { // a query that does not decode is compared as sent
			q = r.URL.RawQuery
		}
		path += "?" + q
	}
	return core.IdemRequest{Method: r.Method, Path: path, Body: core.Body(r)}
}

// idempotent answers a POST carrying an idempotency key, by the one rule
// of every mocksrv provider: the first request with a key runs and, when it
// succeeds, its response is kept; the same request again gets that
// response byte for byte (re-signed, with X-Idempotent-Replayed: true);
// the same key with a different request is 40902, naming the header, the
// key and the first field that differs; while the first is still running,
// 40903 ErrOperationIsProcessing. A failed first request keeps nothing, so
// a corrected retry may reuse the key. It runs before the world is locked,
// so it reads the tenant's clock, not the world's Now.
func (s *Server) idempotent(rw http.ResponseWriter, r *http.Request, header, key string, h apiFunc) {
	w := core.WorldOf[*world](r)
	if w == nil {
		w = s.worlds.Default()
	}
	if len(key) > maxIdemKey {
		s.writeError(rw, r, invalid(text{"%s is longer than %d characters", "%s 超过 %d 个字符"}, header, maxIdemKey))
		return
	}
	prev, err := w.idem.Claim(key, idemRequest(r), w.Tenant.Clock.Now())
	var conflict *core.IdemConflict
	switch {
	case errors.As(err, &conflict):
		s.writeError(rw, r, fail(codeIdemConflict, text{"%s %q was first used with a different request (%s differs); the same key must carry the same request",
			"%s %q 已用于不同的请求（%s 不同），同一幂等键必须对应同一请求"}, header, key, conflict.Field))
		return
	case errors.Is(err, core.ErrIdemInFlight):
		s.writeError(rw, r, fail(codeIdemProcessing, text{"the request with %s %q is still being processed", "%s %q 对应的请求仍在处理中"}, header, key))
		return
	case prev != nil:
		rw.Header().Set("X-Idempotent-Replayed", "true")
		s.writeBody(rw, r, prev.Status, prev.Body)
		return
	}
	finished := false
	defer func() {
		if !finished { // the handler panicked: free the key for a retry
			w.idem.Abort(key)
		}
	}()
	body, herr := s.run(r, h)
	finished = true
	if herr != nil {
		w.idem.Abort(key)
		s.writeError(rw, r, herr)
		return
	}
	w.idem.Finish(key, core.IdemResponse{Status: http.StatusOK, Body: body})
	s.writeBody(rw, r, http.StatusOK, body)
}

// nowOf returns the business time of the request's tenant. The world is
// not locked: its tenant's clock is read directly.
func (s *Server) nowOf(r *http.Request) time.Time {
	if w := s.worldFor(r); w != nil {
		return w.Tenant.Clock.Now()
	}
	return s.Clock.Now()
}

// settingsOf returns the settings of the request's tenant, or the
// Server's when no tenant is known.
func (s *Server) settingsOf(r *http.Request) *Settings {
	if w := s.worldFor(r); w != nil {
		return &w.set
	}
	return &s.set
}

// worldFor returns the world the request was authenticated for, or the
// one its X-Api-Key names (unverified: an injected fault, an auth error,
// /config).
func (s *Server) worldFor(r *http.Request) *world {
	if w := core.WorldOf[*world](r); w != nil {
		return w
	}
	w, _ := s.worlds.ByKey(r.Header.Get(HeaderAPIKey))
	return w
}

// writeError renders err as bkj's error envelope.
//
// Quirk: bkj answers business and auth errors with HTTP 200 and the same
// envelope, data null; only the non-zero code tells (issue 5). mocksrv
// uses 404/405 only for paths bkj does not have.
func (s *Server) writeError(rw http.ResponseWriter, r *http.Request, err error) {
	e := core.AsError(err)
	if e.Kind == core.KindInternal && e.Code == "" {
		s.Logger.ErrorContext(r.Context(), "bkj internal error", "route", core.RouteName(r), "err", err)
		e.Message = ""
	}
	code, convErr := strconv.Atoi(e.Code)
	if convErr != nil || code == codeOK {
		code = defaultCode(e)
	}
	lang := langOf(r)
	msg := e.MessageIn(lang)
	if t, ok := codeText[code]; ok {
		title := t.en
		if lang == "zh" {
			title = t.zh
		}
		switch {
		case msg == "":
			msg = title
		case e.Code == "": // a core message: prefix the code's own title
			sep := ": "
			if lang == "zh" {
				sep = "："
			}
			msg = title + sep + msg
		}
	}
	status := http.StatusOK
	if e.Status == http.StatusNotFound || e.Status == http.StatusMethodNotAllowed {
		status = e.Status
	}
	body, merr := core.Marshal(envelope{Code: code, Message: msg, Timestamp: s.nowOf(r).UnixMilli()})
	if merr != nil {
		body = []byte(out.Fallback)
	}
	s.writeBody(rw, r, status, body)
}

// out writes bkj's answers.
var out = core.JSONWriter{
	ContentType: "application/json; charset=utf-8",
	Fallback:    `{"code":50000,"data":null,"message":"System error","timestamp":0}`,
}

// writeBody writes an envelope, signed with the tenant's secret whenever
// the request names a known X-Api-Key.
func (s *Server) writeBody(rw http.ResponseWriter, r *http.Request, status int, body []byte) {
	if w := s.worldFor(r); w != nil && w.set.SignResponses {
		setSignature(rw.Header(), w.creds.APISecret, body, s.Clock.Wall())
	}
	out.WriteBytes(rw, status, body)
}

// decode reads the JSON body into v, answering 40000 for a wrong
// Content-Type or a body that does not decode.
func decode(r *http.Request, v any) error {
	if !core.IsJSONContentType(r) {
		return invalid(text{"Content-Type %q is not supported: send application/json", "不支持 Content-Type %q，请使用 application/json"}, r.Header.Get("Content-Type"))
	}
	if err := core.DecodeJSON(core.Body(r), v); err != nil {
		e := core.AsError(err)
		return invalid(text{"%s", "%s"}, e.Message)
	}
	return nil
}

// jsonInt is an integer kept as its decimal text and rendered as a JSON
// number, so ids beyond 2^53 print with every digit.
type jsonInt string

// MarshalJSON renders the digits as a JSON number.
func (n jsonInt) MarshalJSON() ([]byte, error) {
	if n == "" {
		return []byte("0"), nil
	}
	return []byte(n), nil
}

// remarks renders an optional remark: null when empty.
//
// Quirk: bkj sends "remarks": null, not "", when there is none (seed card
// list).
func remarks(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
