package harness

import (
	"fmt"
	"strings"

	"github.com/mocksrv/mocksrv/contracts"
)

// variant names a response's outcome for coverage: "success", "error
// <code>" (the provider's code, read where the provider's OpenAPI
// x-envelope says), or "http <status>" for a non-2xx answer without one.
// A provider whose document declares no envelope signals failure by the
// HTTP status alone (UQPay); its error bodies name the error in a
// top-level "code", which is read instead.
func variant(env contracts.Envelope, status int, body any) string {
	code := pointerString(body, env.Code)
	if code == "" && env.Code == "" && status >= 400 {
		code = pointerString(body, "/code")
	}
	if status >= 400 {
		if code != "" {
			return "error " + code
		}
		return fmt.Sprintf("http %d", status)
	}
	if env.Code == "" || code == "" || env.IsSuccess(code) {
		if env.SuccessField != "" {
			if ok, isBool := pointerValue(body, env.SuccessField).(bool); isBool && !ok {
				return "error " + code
			}
		}
		return "success"
	}
	return "error " + code
}

func pointerString(v any, ptr string) string {
	x := pointerValue(v, ptr)
	if x == nil {
		return ""
	}
	return strings.Trim(fmt.Sprint(x), `"`)
}

func pointerValue(v any, ptr string) any {
	if ptr == "" {
		return nil
	}
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[tok]
	}
	return v
}
