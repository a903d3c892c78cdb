package core

import "net/http"

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
