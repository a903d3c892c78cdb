package decard

// Envelope and errors — DeCard "error-code" page and the response blocks
// every endpoint of the seed (shared/seeds/decard-card-api.md) repeats.

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/mocksrv/mocksrv/sims/core"
)

// codeSuccess is the code of every successful answer.
const codeSuccess = "SYS_SUCCESS"

// envelope is DeCard's success body. Key order as published: code,
// message, messageDetail, data, success.
type envelope struct {
	Code          string  `json:"code"`
	Message       *string `json:"message"`
	MessageDetail *string `json:"messageDetail"`
	Data          any     `json:"data"`
	Success       bool    `json:"success"`
}

// errorEnvelope is DeCard's failure body. Quirk: it has only code, message
// and success — no data and no messageDetail.
type errorEnvelope struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Success bool   `json:"success"`
}

// text is a message in English and Chinese. The Chinese texts are DeCard's
// published descriptions; the English ones are the published gateway
// (DAPI_*) texts or our glosses.
type text struct{ en, zh string }

// codeText is the part of DeCard's error-code table the simulator uses.
var codeText = map[string]text{
	// Gateway.
	"DAPI_API_KEY_EMPTY":          {"API Key cannot be empty", "API Key 不能为空"},
	"DAPI_SECRET_KEY_EMPTY":       {"Secret Key cannot be empty", "Secret Key 不能为空"},
	"DAPI_NONCE_ILLEGAL":          {"nonce illegal", "nonce 不合法"},
	"DAPI_TIMESTAMP_EMPTY":        {"request timestamp cannot be empty", "请求时间戳不能为空"},
	"DAPI_TIMESTAMP_FORMAT_ERROR": {"incorrectly formatted request timestamp", "请求时间戳格式错误"},
	"DAPI_TIMESTAMP_EXPIRED":      {"request timestamp has expired", "请求时间戳已过期"},
	"DAPI_SIGNATURE_ERROR":        {"signature error", "签名错误"},
	"DAPI_PERMISSION_DENIED":      {"permission denied", "权限限制"},
	"DAPI_OPERATION_UNSUPPORTED":  {"operation not supported", "不支持的操作"},
	"DAPI_SYSTEM_ERROR":           {"System error", "系统异常,请稍后再试。"},
	// Card transactions.
	"CARD_TRANSACTION_UNSUPPORTED_CURRENCY": {"Please choose another currency", "请选择其他币种继续操作。"},
	"CARD_TRANSACTION_UNREASONABLE_AMOUNT":  {"We cannot support a transaction of this amount", "我们无法支持该金额交易。"},
	"CARD_TRANSACTION_REPEAT_REQUEST":       {"Duplicate transaction request", "重复的交易请求。"},
	"CARD_TRANSACTION_NO_SUCH_TRANSACTION":  {"Transaction not found", "没有找到这笔交易。"},
	"CARD_TRANSACTION_DEDUCT_FUNDS_FAIL":    {"Deduction failed, please retry or contact support", "扣款失败。请重试或联系客服。"},
	// Accounts.
	"ACCOUNT_USER_NOT_EXIST":                          {"The user does not exist, please check and retry", "该用户不存在。请检查信息后重试。"},
	"ACCOUNT_USER_MOBILE_ALREADY_USED":                {"The mobile number is already used, please use another", "手机号已被使用。请使用其他手机号。"},
	"ACCOUNT_USER_MOBILE_FROM_BLACK_COUNTRY":          {"This country is not supported, please use another number", "目前不支持该国家,请使用其他号码。"},
	"ACCOUNT_UNSUPPORTED_OPERATE":                     {"This operation is not supported", "目前不支持该操作。"},
	"ACCOUNT_INVITATION_CODE_NOT_EXIST":               {"The invitation code does not exist", "邀请码不存在。"},
	"ACCOUNT_CAPTCHA_CODE_ERROR":                      {"Verification code check failed", "验证码校验不通过。"},
	"ACCOUNT_INVALID_PARAMETER":                       {"Invalid parameter", "系统异常,请稍后再试。"},
	"ACCOUNT_USER_INVITATION_CODE_RELATIONSHIP_EXIST": {"The user already has a referral relationship", "用户已绑定关系，无法绑定其他关系。"},
	"ACCOUNT_EMAIL_ALREADY_EXIST":                     {"The email is already used, please use another", "该邮箱已被占用，请更换其他邮箱。"},
	// KYC.
	"KYC_EMAIL_ALREADY_EXIST":   {"The email is already used, please use another", "该邮箱已被占用，请更换其他邮箱。"},
	"KYC_KYC_ALREADY_PASSED":    {"KYC already passed", "KYC 已完成。"},
	"KYC_WORKFLOW_PROCESSING":   {"KYC application is being processed", "KYC 申请正在处理中,请放心,我们正在尽力处理。"},
	"KYC_TOO_MANY_REQUEST":      {"Too many requests, please retry later", "您请求太多,请稍后再试。"},
	"KYC_UNSUPPORTED_FILE_TYPE": {"This file type is not supported", "不支持当前文件类型。"},
	// Cards.
	"CARD_NOT_EXISTED":                    {"Card does not exist", "卡不存在"},
	"CARD_EXISTED":                        {"Card already exists", "卡已存在"},
	"CARD_CARD_INACTIVE":                  {"Your card is not activated", "您的卡还未激活"},
	"CARD_UNSUPPORTED_CARD_TYPE":          {"This card type is not supported", "目前不支持该卡的类型"},
	"CARD_UNSUPPORTED_CARD_STATUS_ACTIVE": {"Only an inactive card can be activated", "您只有在未激活的状态下，才可激活该卡片"},
	"CARD_FROZEN_STATUS_UNSUPPORTED":      {"The card is frozen; unfreeze it to see its details", "卡片已冻结。请解冻以查看详情。"},
	"CARD_PHYSICAL_CARD_UNAPPLY":          {"No physical card applied", "未申请实体卡"},
	"CARD_PHYSICAL_CARD_APPLIED":          {"Physical card already applied", "实体卡已申请"},
	"CARD_PHYSICAL_CARD_INACTIVE":         {"Physical card inactive", "实体卡未激活"},
	"CARD_TXN_1122020023":                 {"An activated physical card cannot be activated again", "已激活实体卡无法重新激活"},
	"CARD_WALLET_BALANCE_LOW":             {"Wallet balance insufficient", "钱包余额不足"},
	"CARD_COUNTRY_NOT_EXISTED":            {"The country does not exist", "该国家不存在"},
	"CARD_TXN_SERVICE_ERROR":              {"System error, please retry later", "系统异常,请稍后再试。"},
	"CARD_TXN_1122020015":                 {"Your card has been reported lost", "您的卡片已挂失"},
	"CARD_TXN_1122020016":                 {"Your card has been cancelled", "您的卡片已销卡"},
	// Risk and MFA.
	"RISK_FAILED":            {"Verification codes requested too often, please retry later", "请求验证码过于频繁，请稍后尝试。"},
	"MFA_BEHAVIORAL_ERROR":   {"Behaviour mismatch", "行为不匹配"},
	"MFA_UNSUPPORTED_FAILED": {"This verification is not supported", "不支持该认证"},
	"MFA_SMS_FAILED":         {"SMS verification failed, you can try {{times}} more times", "短信验证失败，您还可以尝试 {{times}} 次。"},
	"MFA_FAILED_FREEZE":      {"Too many failed verifications, please retry later", "您验证失败次数太多，请稍后重试。"},
}

// kindOfCode classifies a DeCard code for core (fault rules, logs).
func kindOfCode(code string) core.Kind {
	switch {
	case code == "DAPI_PERMISSION_DENIED":
		return core.KindForbidden
	case code == "DAPI_OPERATION_UNSUPPORTED":
		return core.KindNotFound
	case code == "DAPI_SYSTEM_ERROR", code == "CARD_TXN_SERVICE_ERROR":
		return core.KindInternal
	case strings.HasPrefix(code, "DAPI_"):
		return core.KindUnauthorized
	case code == "RISK_FAILED", code == "KYC_TOO_MANY_REQUEST", code == "MFA_FAILED_FREEZE":
		return core.KindRateLimited
	case code == "ACCOUNT_USER_NOT_EXIST", code == "CARD_NOT_EXISTED", code == "CARD_TRANSACTION_NO_SUCH_TRANSACTION",
		code == "ACCOUNT_INVITATION_CODE_NOT_EXIST":
		return core.KindNotFound
	case code == "ACCOUNT_INVALID_PARAMETER", code == "CARD_TRANSACTION_UNREASONABLE_AMOUNT",
		code == "CARD_TRANSACTION_UNSUPPORTED_CURRENCY", code == "CARD_COUNTRY_NOT_EXISTED",
		code == "KYC_UNSUPPORTED_FILE_TYPE", code == "MFA_UNSUPPORTED_FAILED", code == "CARD_UNSUPPORTED_CARD_TYPE":
		return core.KindInvalid
	case code == "ACCOUNT_CAPTCHA_CODE_ERROR", code == "MFA_SMS_FAILED", code == "MFA_BEHAVIORAL_ERROR":
		return core.KindUnauthorized
	}
	return core.KindConflict
}

// fail returns DeCard error code with its table text, followed by a detail
// when detail is not empty. The same args format both languages.
func fail(code string, detail text, args ...any) *core.Error {
	t, ok := codeText[code]
	if !ok {
		t = text{code, code}
	}
	e := &core.Error{Kind: kindOfCode(code), Code: code, Message: t.en, Lang: map[string]string{"zh": t.zh}}
	if detail.en != "" {
		zh := detail.zh
		if zh == "" {
			zh = detail.en
		}
		e.Message += ": " + fmt.Sprintf(detail.en, args...)
		e.Lang["zh"] += "：" + fmt.Sprintf(zh, args...)
	}
	return e
}

// invalid is the ACCOUNT_INVALID_PARAMETER error naming the camelCase field.
func invalid(format string, args ...any) *core.Error {
	return fail("ACCOUNT_INVALID_PARAMETER", text{en: format}, args...)
}

// times fills the {{times}} placeholder of the MFA_* texts.
func times(e *core.Error, n int) *core.Error {
	e.Message = strings.ReplaceAll(e.Message, "{{times}}", itoa(int64(n)))
	for k, v := range e.Lang {
		e.Lang[k] = strings.ReplaceAll(v, "{{times}}", itoa(int64(n)))
	}
	return e
}

// defaultCode picks DeCard's code for a core error that carries none (a
// decoding failure, an injected fault): the code a real failure of that
// kind on that route would carry, so injected errors look organic.
func defaultCode(e core.Error, route string) string {
	resource, action, _ := strings.Cut(route, ".")
	switch e.Kind {
	case core.KindInvalid:
		return "ACCOUNT_INVALID_PARAMETER"
	case core.KindUnauthorized:
		return "DAPI_SIGNATURE_ERROR"
	case core.KindForbidden:
		return "DAPI_PERMISSION_DENIED"
	case core.KindRateLimited:
		if resource == "captcha" {
			return "RISK_FAILED"
		}
		return "KYC_TOO_MANY_REQUEST"
	case core.KindNotFound:
		switch {
		case e.Status == http.StatusNotFound || e.Status == http.StatusMethodNotAllowed:
			return "DAPI_OPERATION_UNSUPPORTED"
		case resource == "card" && strings.HasPrefix(action, "statement"), resource == "asset", resource == "qrpay",
			resource == "financial_connection" && strings.Contains(action, "_info") && action != "query_user_info":
			return "CARD_TRANSACTION_NO_SUCH_TRANSACTION"
		case resource == "card", resource == "simulation":
			return "CARD_NOT_EXISTED"
		}
		return "ACCOUNT_USER_NOT_EXIST"
	case core.KindConflict:
		switch resource {
		case "card":
			return "CARD_FROZEN_STATUS_UNSUPPORTED"
		case "asset", "simulation", "crypto", "qrpay", "financial_connection":
			return "CARD_TRANSACTION_REPEAT_REQUEST"
		}
		return "ACCOUNT_UNSUPPORTED_OPERATE"
	}
	return "DAPI_SYSTEM_ERROR"
}

// lang returns "zh" when Accept-Language prefers Chinese, else "en".
func lang(r *http.Request) string {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(r.Header.Get("Accept-Language"))), "zh") {
		return "zh"
	}
	return "en"
}

// apiFunc returns the value for the envelope's data field, or an error that
// writeError renders as DeCard's failure envelope.
type apiFunc = core.APIFunc

// api adapts a handler to HTTP. It is the only code that writes success
// bodies.
func (s *Server) api(h apiFunc) http.Handler { return core.Adapt(h, out, success, s.writeError) }

// applyOnce adapts a handler whose request carries an applyRef, the
// application's idempotency key (apply.go): the same request again —
// compared as JSON values, so key order and whitespace do not matter —
// gets the first answer byte for byte and changes nothing; a different
// request under the same applyRef gets CARD_TRANSACTION_REPEAT_REQUEST
// naming applyRef and the first field that differs. Only successes are
// kept. A request without an applyRef is answered as api answers it (the
// handler refuses it).
func (s *Server) applyOnce(h apiFunc) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w := core.WorldOf[*world](r)
		ref := applyRefOf(core.Body(r))
		if w == nil || ref == "" {
			s.api(h).ServeHTTP(rw, r)
			return
		}
		resp, failed, err := w.applyRefs.DoBody(applyRefKey(ref), r, w.Tenant.Clock.Now(), func() ([]byte, error) {
			data, err := h(r)
			if err != nil {
				return nil, err
			}
			return core.Marshal(success(r, data))
		})
		var c *core.IdemConflict
		switch {
		case errors.As(err, &c):
			s.writeError(rw, r, fail("CARD_TRANSACTION_REPEAT_REQUEST", text{"applyRef %s was first used with a different request (%s differs)",
				"applyRef %s 已用于另一个请求（%s 不同）"}, ref, c.Field))
		case err != nil: // the first request with it is still being answered
			s.writeError(rw, r, fail("CARD_TRANSACTION_REPEAT_REQUEST", text{"applyRef %s: the first request with it is still being answered",
				"applyRef %s：第一个请求仍在处理中"}, ref))
		case failed != nil:
			s.writeError(rw, r, failed)
		default:
			out.WriteBytes(rw, resp.Status, resp.Body)
		}
	})
}

// applyRefOf reads a request body's applyRef, a string or a number (the
// Java connector's Long), or "" when there is none.
func applyRefOf(body []byte) string {
	var req struct {
		ApplyRef flexString `json:"applyRef"`
	}
	if json.Unmarshal(body, &req) != nil {
		return ""
	}
	return string(req.ApplyRef)
}

// success is DeCard's success envelope around data.
func success(_ *http.Request, data any) any {
	return envelope{Code: codeSuccess, Data: data, Success: true}
}

// writeError renders err as DeCard's failure envelope.
//
// Quirk: DeCard answers business and gateway errors with HTTP 200 and
// success:false (its Java connector throws on any non-2xx before reading
// the body). mocksrv uses 404/405 only for paths DeCard does not have.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := s.ErrorOf(r, Name, err)
	code := e.Code
	if code == "" {
		code = defaultCode(e, core.RouteName(r))
	}
	t, ok := codeText[code]
	msg := core.EnvelopeMessage(e, lang(r), t.en, t.zh)
	if ok {
		msg = strings.ReplaceAll(msg, "{{times}}", "0")
	}
	if msg == "" {
		msg = code
	}
	status := http.StatusOK
	if e.Status == http.StatusNotFound || e.Status == http.StatusMethodNotAllowed {
		status = e.Status
	}
	out.Write(w, status, errorEnvelope{Code: code, Message: msg, Success: false})
}

// out writes DeCard's answers: compact, HTML characters as they are
// (DeCard's server is Jackson-based).
var out = core.JSONWriter{
	ContentType: "application/json",
	Fallback:    `{"code":"DAPI_SYSTEM_ERROR","message":"System error","success":false}`,
}

// decode reads the JSON body into v, answering ACCOUNT_INVALID_PARAMETER
// for a wrong Content-Type or a body that does not decode.
func decode(r *http.Request, v any) error {
	if !core.IsJSONContentType(r) {
		return invalid("Content-Type %q is not supported: send application/json", r.Header.Get("Content-Type"))
	}
	if err := core.DecodeJSON(core.Body(r), v); err != nil {
		if errors.Is(err, core.ErrDecimalRange) {
			return fail("CARD_TRANSACTION_UNREASONABLE_AMOUNT", text{"%s", "%s"}, core.AsError(err).Message)
		}
		return invalid("%s", core.AsError(err).Message)
	}
	return nil
}
