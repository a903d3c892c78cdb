package core

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies a failure independently of any provider's wire format.
// Each provider's envelope.go maps a Kind (or a more specific Code) onto its
// own error code and HTTP status.
type Kind uint8

// The kinds of failure a simulator reports.
const (
	KindInternal     Kind = iota // zero value: anything unclassified is internal
	KindInvalid                  // a parameter is missing, malformed or out of range
	KindUnauthorized             // credentials missing, unknown, expired or wrong
	KindForbidden                // authenticated but not allowed (IP allow-list, permission)
	KindNotFound                 // the resource or route does not exist
	KindConflict                 // the resource's state does not allow the operation
	KindRateLimited              // too many requests
	KindUnavailable              // the provider is down or a dependency failed
)

var kindNames = [...]string{
	KindInternal:     "internal",
	KindInvalid:      "invalid",
	KindUnauthorized: "unauthorized",
	KindForbidden:    "forbidden",
	KindNotFound:     "not_found",
	KindConflict:     "conflict",
	KindRateLimited:  "rate_limited",
	KindUnavailable:  "unavailable",
}

// String returns the kind's snake_case name, as used by the admin API.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// ParseKind is the inverse of Kind.String.
func ParseKind(s string) (Kind, error) {
	for i, n := range kindNames {
		if strings.EqualFold(n, s) {
			return Kind(i), nil
		}
	}
	return 0, fmt.Errorf("unknown error kind %q (want one of %s)", s, strings.Join(kindNames[:], ", "))
}

// MarshalText implements encoding.TextMarshaler.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = v
	return nil
}

// Error is a failure a simulator reports to its client. Code, when set, is
// the provider's own error code as text ("1004", "CARD_NOT_EXISTED") and wins
// over the envelope's default for Kind. Status, when non-zero, overrides the
// HTTP status the envelope would choose.
type Error struct {
	Kind    Kind   `json:"kind"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	Status  int    `json:"status,omitempty"`

	// Lang holds the message in other languages, keyed by primary language
	// subtag ("zh"), for providers that localize their messages.
	Lang map[string]string `json:"-"`

	cause error // what went wrong underneath, for errors.Is (see Unwrap)
}

// Unwrap returns the error e was made from, if any: a request body whose
// amount is out of range answers errors.Is(err, ErrDecimalRange), so a
// provider can render that as its own "unreasonable amount" code.
func (e *Error) Unwrap() error { return e.cause }

// MessageIn returns the message in the given language ("zh", "en"),
// falling back to Message.
func (e *Error) MessageIn(lang string) string {
	if m, ok := e.Lang[lang]; ok && m != "" {
		return m
	}
	return e.Message
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Code != "" {
		return e.Code + ": " + e.Message
	}
	return e.Kind.String() + ": " + e.Message
}

// Errorf returns an *Error of kind k with a formatted message.
func Errorf(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// CodeErrorf returns an *Error of kind k carrying the provider's code.
func CodeErrorf(k Kind, code, format string, args ...any) *Error {
	return &Error{Kind: k, Code: code, Message: fmt.Sprintf(format, args...)}
}

// With returns a copy of e with its message replaced by a formatted one.
// Package-level error values are shared, so they are never mutated.
func (e *Error) With(format string, args ...any) *Error {
	c := *e
	c.Message = fmt.Sprintf(format, args...)
	return &c
}

// KindOf returns the Kind of err, or KindInternal when err is not an *Error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindInternal
}

// AsError returns err as a copy of its *Error, or a KindInternal error that
// wraps its text. The copy may be changed freely.
func AsError(err error) Error {
	var e *Error
	if errors.As(err, &e) {
		return *e
	}
	return Error{Kind: KindInternal, Message: err.Error()}
}
