package keysecure

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/mocksrv/mocksrv/sims/core"
)

// envelope is KeySecure's wire format for every answer, success or not.
type envelope struct {
	Code int    `json:"code"`
	Msg  string `json:"msg"`
	Data any    `json:"data"`
}

// text is a message in KeySecure's two languages.
type text struct{ en, zh string }

// codeText is KeySecure's error table (docs "Error Codes"). Codes 1001–2007
// and 4005/4016/4017 are published; the texts of 2008, 2009, 3xxx and the
// other 4xxx codes are not, so those are ours (see Deviations in doc.go).
var codeText = map[int]text{
	0:    {"Success", "成功"},
	1001: {"System error, please try again later", "系统错误，请稍后重试"},
	1002: {"Api-Key is required", "Api-Key 不能为空"},
	1003: {"IP address not allowed", "IP 地址不在白名单内"},
	1004: {"Invalid request parameter", "请求参数无效"},
	1005: {"Timestamp invalid or expired", "时间戳已失效"},
	1006: {"Access-Token is required", "Access-Token 不能为空"},
	1007: {"Access-Token invalid or expired", "Access-Token 无效或已过期"},
	1008: {"Api-Key does not exist", "Api-Key 不存在"},
	1009: {"Operation too frequent, please try again later", "操作过于频繁，请稍后重试"},
	1012: {"Merchant integration mode not supported", "商户接入模式不支持"},
	1013: {"PCI sensitive card display is not enabled", "未开通 PCI 敏感卡信息展示"},
	1019: {"Query end time must be after start time", "查询结束时间必须晚于开始时间"},
	1020: {"Query time range exceeds the allowed limit", "查询时间范围超出限制"},
	2001: {"Cardholder already exists", "持卡人已存在"},
	2002: {"Cardholder does not exist", "持卡人不存在"},
	2003: {"Cardholder already verified", "持卡人已认证"},
	2004: {"Cardholder has a pending verification", "持卡人存在进行中的认证"},
	2005: {"Cardholder verification failed", "持卡人认证失败"},
	2007: {"Please use English letters, numbers, spaces, or common address symbols", "请使用英文字母、数字、空格或常用地址符号"},
	2008: {"Please use English letters for names", "姓名请使用英文字母"},
	2009: {"Phone code and phone must be digits", "电话区号和电话号码必须为数字"},
	3001: {"Insufficient balance", "余额不足"},
	3002: {"Transfer order already exists", "划转单号已存在"},
	4001: {"Card does not exist", "卡片不存在"},
	4002: {"Card status does not allow this operation", "卡片状态不允许此操作"},
	4003: {"Card unique number already used", "卡片唯一单号已被使用"},
	4004: {"Card package or card BIN does not exist", "卡套餐或卡 BIN 不存在"},
	4005: {"Card status is not Activated", "卡片状态非正常"},
	4007: {"CVV is incorrect", "CVV 不正确"},
	4008: {"Card last number does not match", "卡号后四位不匹配"},
	4009: {"Card does not belong to the cardholder", "卡片不属于该持卡人"},
	4010: {"Invalid encrypted parameter", "加密参数无效"},
	4011: {"Consumption record does not exist", "消费记录不存在"},
	4016: {"PIN must be 6 digits without 3 identical or sequential digits", "PIN 必须为 6 位数字，且不能包含 3 位及以上相同或连续数字"},
	4017: {"Only physical cards support this operation", "仅实体卡支持此操作"},
}

// kindOfCode classifies a KeySecure code for core (fault rules, logs).
func kindOfCode(code int) core.Kind {
	switch code {
	case 1002, 1005, 1006, 1007, 1008:
		return core.KindUnauthorized
	case 1003, 1012, 1013:
		return core.KindForbidden
	case 1009:
		return core.KindRateLimited
	case 1004, 1019, 1020, 2007, 2008, 2009, 4010, 4016:
		return core.KindInvalid
	case 2002, 4001, 4004, 4011:
		return core.KindNotFound
	case 1001:
		return core.KindInternal
	}
	return core.KindConflict
}

// fail returns KeySecure error code with its table text, followed by a
// detail in both languages when detail is not empty. The same args format
// both details.
func fail(code int, detail text, args ...any) *core.Error {
	t := codeText[code]
	return core.CodedError(kindOfCode(code), strconv.Itoa(code), t.en, t.zh, detail.en, detail.zh, args...)
}

// invalid is a 1004 parameter error naming the snake_case field.
func invalid(detail text, args ...any) *core.Error { return fail(1004, detail, args...) }

// defaultCode picks KeySecure's code for a core error that carries none (a
// decoding failure, an injected fault): the code a real failure of that
// kind on that route would carry, so injected errors look organic.
func defaultCode(e core.Error, route string) int {
	resource, _, _ := strings.Cut(route, ".")
	switch e.Kind {
	case core.KindInvalid:
		return 1004
	case core.KindUnauthorized:
		return 1007
	case core.KindForbidden:
		return 1003
	case core.KindRateLimited:
		return 1009
	case core.KindNotFound:
		if e.Status == http.StatusNotFound || e.Status == http.StatusMethodNotAllowed {
			return e.Status
		}
		switch resource {
		case "cardholder", "account":
			return 2002
		case "consume":
			return 4011
		case "card_package", "card_bin":
			return 4004
		}
		return 4001
	case core.KindConflict:
		switch resource {
		case "cardholder":
			return 2004
		case "account":
			return 3001
		}
		return 4002
	}
	return 1001
}

// lang returns "zh" when the Language header asks for Chinese, else "en".
func lang(r *http.Request) string {
	if strings.HasPrefix(strings.ToLower(r.Header.Get("Language")), "zh") {
		return "zh"
	}
	return "en"
}

// apiFunc returns the value for the envelope's data field, or an error that
// writeError renders as KeySecure's error envelope.
type apiFunc func(r *http.Request) (any, error)

// api adapts a handler to HTTP. It is the only code that writes success
// bodies.
func (s *Server) api(h apiFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, err := h(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		out.Write(w, http.StatusOK, success(r, data))
	})
}

// success is the envelope of a successful answer.
func success(r *http.Request, data any) envelope {
	msg := codeText[0].en
	if lang(r) == "zh" {
		msg = codeText[0].zh
	}
	return envelope{Code: 0, Msg: msg, Data: data}
}

// unique adapts a handler whose request carries a business unique number
// (the field key names; conflict is the code for its reuse): the same
// request again gets the first answer byte for byte, a different request
// under the same number gets conflict naming the number and the first
// field that differs. Only successes are kept. A request without the
// number, or one that names an existing record to update (update), is
// answered as api answers it.
func (s *Server) unique(key, update string, conflict int, h apiFunc) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w := core.WorldOf[*world](r)
		no := core.BodyField(r, key)
		if no == "" || (update != "" && core.BodyField(r, update) != "") {
			s.api(h).ServeHTTP(rw, r)
			return
		}
		resp, failed, err := w.uniques.DoBody(key+":"+no, r, w.Tenant.Clock.Now(), func() ([]byte, error) {
			data, err := h(r)
			if err != nil {
				return nil, err
			}
			return core.Marshal(success(r, data))
		})
		var c *core.IdemConflict
		switch {
		case errors.As(err, &c):
			s.writeError(rw, r, fail(conflict, text{"%s %s was first used with a different request (%s differs)",
				"%s %s 已用于另一个请求（%s 不同）"}, key, no, c.Field))
		case err != nil: // still in flight
			s.writeError(rw, r, fail(1009, text{"%s %s: %v", "%s %s：%v"}, key, no, err))
		case failed != nil:
			s.writeError(rw, r, failed)
		default:
			out.WriteBytes(rw, resp.Status, resp.Body)
		}
	})
}

// writeError renders err as KeySecure's error envelope.
//
// Quirk: KeySecure answers success and business errors alike with HTTP 200;
// only the body's code tells them apart (docs "Error Codes"). mocksrv uses
// 404/405 only for paths KeySecure does not have.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := core.AsError(err)
	route := core.RouteName(r)
	if e.Kind == core.KindInternal && e.Code == "" {
		s.Logger.ErrorContext(r.Context(), "keysecure internal error", "route", route, "err", err)
		e.Message = ""
	}
	code, convErr := strconv.Atoi(e.Code)
	if convErr != nil || e.Code == "" {
		code = defaultCode(e, route)
	}
	msg := e.MessageIn(lang(r))
	if t, ok := codeText[code]; ok {
		def := t.en
		if lang(r) == "zh" {
			def = t.zh
		}
		switch {
		case msg == "":
			msg = def
		case e.Code == "": // a core message: prefix the code's own text
			msg = def + ": " + msg
		}
	}
	if msg == "" {
		msg = "Not found"
	}
	status := http.StatusOK
	if e.Status == http.StatusNotFound || e.Status == http.StatusMethodNotAllowed {
		status = e.Status
	}
	out.Write(w, status, envelope{Code: code, Msg: msg})
}

// out writes KeySecure's answers. HTML characters stay as they are, as
// KeySecure's Jackson-based server sends them.
var out = core.JSONWriter{
	ContentType: "application/json;charset=UTF-8",
	Fallback:    `{"code":1001,"msg":"System error, please try again later","data":null}`,
}

// decode reads the JSON body into v, answering 1004 for a wrong
// Content-Type or a body that does not decode.
func decode(r *http.Request, v any) error {
	if !core.IsJSONContentType(r) {
		e := core.ContentTypeError(r)
		return invalid(text{e.Message, "Content-Type 必须为 application/json"})
	}
	if err := core.DecodeJSON(core.Body(r), v); err != nil {
		e := core.AsError(err)
		return invalid(text{"%s", "%s"}, e.Message)
	}
	return nil
}
