package core

import (
	"fmt"
	"net/http"
	"unicode/utf8"
)

// EnvelopeMessage returns what a provider's error envelope says for e in
// lang ("zh" or "en"), given the table text of the code the envelope
// carries in English and Chinese ("" when the code has none): e's own
// message; the table text when e has none; the table text and then e's
// message for an error core made (one without a provider code: a decoding
// failure, an injected fault).
func EnvelopeMessage(e Error, lang, en, zh string) string {
	def := en
	if lang == "zh" {
		def = zh
	}
	msg := e.MessageIn(lang)
	switch {
	case def == "":
		return msg
	case msg == "":
		return def
	case e.Code == "":
		return def + ": " + msg
	}
	return msg
}

// ErrorOf returns err as a provider's error writer reads it. An internal
// error that carries no provider code is a bug: it is logged, naming the
// provider and route, and its message blanked, so no Go error text reaches
// a client.
func (e *Env) ErrorOf(r *http.Request, provider string, err error) Error {
	ce := AsError(err)
	if ce.Kind == KindInternal && ce.Code == "" {
		e.Logger.ErrorContext(r.Context(), provider+" internal error", "route", RouteName(r), "err", err)
		ce.Message = ""
	}
	return ce
}

// CodedError returns a provider error with its code's title in English
// and Chinese, followed, when detailEN is not empty, by a detail in both
// languages that the same args format. bkj and KeySecure answer this way.
func CodedError(kind Kind, code, titleEN, titleZH, detailEN, detailZH string, args ...any) *Error {
	e := &Error{Kind: kind, Code: code, Message: titleEN, Lang: map[string]string{"zh": titleZH}}
	if detailEN != "" {
		e.Message += ": " + fmt.Sprintf(detailEN, args...)
		e.Lang["zh"] += "：" + fmt.Sprintf(detailZH, args...)
	}
	return e
}

// Shorten returns s cut to at most n bytes at a UTF-8 boundary, with "…"
// after a cut, for quoting what a client sent in a message.
func Shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// WeakPIN reports a run of three identical or consecutive (up or down)
// digits in pin ("111", "123", "987"), which bkj and KeySecure refuse.
func WeakPIN(pin string) bool {
	for i := 2; i < len(pin); i++ {
		a, b, c := int(pin[i-2]), int(pin[i-1]), int(pin[i])
		if (a == b && b == c) || (b-a == 1 && c-b == 1) || (a-b == 1 && b-c == 1) {
			return true
		}
	}
	return false
}
