package core

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http/httptest"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestEnvelopeMessage(t *testing.T) {
	t.Parallel()
	en, zh := "Invalid parameter", "参数错误"
	own := Error{Kind: KindInvalid, Code: "E1", Message: "amount is required", Lang: map[string]string{"zh": "amount 必填"}}
	assert.Equal(t, "amount is required", EnvelopeMessage(own, "en", en, zh), "the error's own message")
	assert.Equal(t, "amount 必填", EnvelopeMessage(own, "zh", en, zh))
	assert.Equal(t, "Invalid parameter", EnvelopeMessage(Error{Code: "E1"}, "en", en, zh), "none: the code's text")
	assert.Equal(t, "参数错误", EnvelopeMessage(Error{Code: "E1"}, "zh", en, zh))
	mine := Error{Kind: KindInvalid, Message: "json: unexpected end"}
	assert.Equal(t, "Invalid parameter: json: unexpected end", EnvelopeMessage(mine, "en", en, zh), "core's: prefixed")
	assert.Equal(t, "json: unexpected end", EnvelopeMessage(mine, "en", "", ""), "no table text")
	assert.Empty(t, EnvelopeMessage(Error{Code: "E9"}, "en", "", ""))
}

func TestErrorOfHidesInternalErrors(t *testing.T) {
	t.Parallel()
	var logged bytes.Buffer
	env := NewEnv(EnvConfig{Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	r := httptest.NewRequest("GET", "/x", nil)

	e := env.ErrorOf(r, "acme", &Error{Kind: KindInternal, Message: "nil map write"})
	assert.Equal(t, KindInternal, e.Kind)
	assert.Empty(t, e.Message, "no Go error text for the client")
	assert.Contains(t, logged.String(), "acme internal error")
	assert.Contains(t, logged.String(), "nil map write")

	logged.Reset()
	e = env.ErrorOf(r, "acme", &Error{Kind: KindInternal, Code: "SYS", Message: "the provider's own"})
	assert.Equal(t, "the provider's own", e.Message, "a provider code is the provider's answer")
	e = env.ErrorOf(r, "acme", &Error{Kind: KindInvalid, Message: "amount is required"})
	assert.Equal(t, "amount is required", e.Message)
	assert.Empty(t, logged.String(), "only code-less internal errors are logged")

	e = env.ErrorOf(r, "acme", errors.New("plain"))
	assert.Equal(t, KindInternal, e.Kind, "a plain error is an internal one")
	assert.Empty(t, e.Message)
	assert.Contains(t, logged.String(), "err=plain")
}

func TestShorten(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "short", Shorten("short", 10))
	assert.Equal(t, "abc…", Shorten("abcdef", 3))
	assert.Equal(t, "张…", Shorten("张伟伟", 4), "never cuts a character in two")
	assert.True(t, utf8.ValidString(Shorten("Zoë Zoë", 3)))
}

func TestWeakPIN(t *testing.T) {
	t.Parallel()
	for _, pin := range []string{"111234", "123580", "987501", "502000"} {
		assert.True(t, WeakPIN(pin), pin)
	}
	for _, pin := range []string{"135792", "502816", "190283"} {
		assert.False(t, WeakPIN(pin), pin)
	}
}

func TestCodedError(t *testing.T) {
	t.Parallel()
	e := CodedError(KindInvalid, "4002", "Parameter error", "参数错误", "card %s is %s", "卡片 %s 为 %s", "C1", "Frozen")
	assert.Equal(t, "Parameter error: card C1 is Frozen", e.Message)
	assert.Equal(t, "参数错误：卡片 C1 为 Frozen", e.Lang["zh"])
	assert.Equal(t, "Parameter error", CodedError(KindInvalid, "4002", "Parameter error", "参数错误", "", "").Message)
}
