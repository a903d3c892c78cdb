package uqpay

// Wire format — UQPay Card Issuance v1.6 "Error codes" guide: success is
// the bare resource with HTTP 2xx; failure is a non-2xx status and
// {type, code, message}. This file is the only code that writes bodies.

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/mocksrv/mocksrv/sims/core"
)

// errorBody is UQPay's error envelope ("Envelope A").
//
// Quirk: a kyc_insufficient error also carries missing_fields, the
// product's required fields the cardholder lacks (the Node SDK reads them
// off the error body, in required_fields' shape).
type errorBody struct {
	Type          string          `json:"type"`
	Code          string          `json:"code"`
	Message       string          `json:"message"`
	MissingFields []RequiredField `json:"missing_fields,omitempty"`
}

// missingFieldsError is a kyc_insufficient error with the fields the card
// product needs and the cardholder has not given.
type missingFieldsError struct {
	err    *core.Error
	fields []RequiredField
}

func (e *missingFieldsError) Error() string { return e.err.Error() }

// Unwrap returns the UQPay error, so core.AsError sees its code.
func (e *missingFieldsError) Unwrap() error { return e.err }

// Error types (the type field), each tied to an HTTP status.
const (
	typeInvalid      = "invalid_request_error"
	typeCard         = "card_error"
	typeCardholder   = "cardholder_error"
	typeAccount      = "account_error"
	typeIdempotency  = "idempotency_error"
	typeUnauthorized = "unauthorized_error"
	typeAPI          = "api_error"
)

// codeType maps each error code mocksrv uses to its type. Codes the docs
// publish: card_not_found, invalid_request_error, unauthorized_error,
// forbidden, insufficient_sub_bin, sub_account_not_found, api_error, and
// kyc_insufficient (the Node SDK's). The others are ours (Deviations in
// doc.go).
var codeType = map[string]string{
	"invalid_request_error":          typeInvalid,
	"not_found":                      typeInvalid,
	"method_not_allowed":             typeInvalid,
	"report_not_found":               typeInvalid,
	"report_not_ready":               typeInvalid,
	"card_not_found":                 typeCard,
	"card_order_not_found":           typeCard,
	"card_status_invalid":            typeCard,
	"card_order_in_progress":         typeCard,
	"card_operation_not_supported":   typeCard,
	"invalid_activation_code":        typeCard,
	"invalid_pin":                    typeCard,
	"product_not_found":              typeCard,
	"card_art_not_found":             typeCard,
	"transaction_not_found":          typeCard,
	"transaction_not_reversible":     typeCard,
	"insufficient_sub_bin":           typeCard,
	"cardholder_not_found":           typeCardholder,
	"cardholder_email_exists":        typeCardholder,
	"cardholder_phone_number_exists": typeCardholder,
	"cardholder_name_immutable":      typeCardholder,
	"cardholder_status_invalid":      typeCardholder,
	"kyc_insufficient":               typeCardholder,
	"insufficient_balance":           typeAccount,
	"sub_account_not_found":          typeAccount,
	"account_not_found":              typeAccount,
	"transfer_not_allowed":           typeAccount,
	"transfer_not_found":             typeAccount,
	"idempotency_key_missing":        typeIdempotency,
	"idempotency_key_invalid":        typeIdempotency,
	"idempotency_key_reused":         typeIdempotency,
	"idempotency_key_in_use":         typeIdempotency,
	"unauthorized_error":             typeUnauthorized,
	"forbidden":                      typeUnauthorized,
	"api_error":                      typeAPI,
	"velocity_limit_exceeded":        typeAPI,
	"service_unavailable":            typeAPI,
}

// ErrorCodes returns every error code the simulator answers with, sorted:
// the published ones and ours (see Deviations). The OpenAPI document's
// x-error-codes lists the same, so contract coverage can name the codes a
// run never provoked.
func ErrorCodes() []string {
	codes := make([]string, 0, len(codeType))
	for c := range codeType {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	return codes
}

// defaultMessage is the text of a code when an error carries none (an
// injected fault): the message must never be empty, because the official
// SDK turns an error without one into an untyped error.
var defaultMessage = map[string]string{
	"invalid_request_error":     "invalid request",
	"not_found":                 "resource not found",
	"card_not_found":            "card not found or deactivated",
	"card_status_invalid":       "the card's status does not allow this operation",
	"cardholder_not_found":      "cardholder not found",
	"cardholder_status_invalid": "the cardholder's status does not allow this operation",
	"insufficient_balance":      "insufficient issuing balance",
	"transfer_not_found":        "transfer not found",
	"transaction_not_found":     "transaction not found",
	"unauthorized_error":        "Token expired, IP not allowed, or access token dependencies unavailable",
	"forbidden":                 "forbidden",
	"api_error":                 "internal error, please try again later",
	"velocity_limit_exceeded":   "too many requests, please retry later",
	"service_unavailable":       "service temporarily unavailable, please retry later",
}

// fail returns an error with UQPay code and message.
func fail(code, format string, args ...any) *core.Error {
	return &core.Error{Kind: kindOfCode(code), Code: code, Message: fmt.Sprintf(format, args...)}
}

// invalid is a 400 invalid_request_error naming what is wrong.
func invalid(format string, args ...any) *core.Error {
	return fail("invalid_request_error", format, args...)
}

// kindOfCode classifies a UQPay code for core (fault rules, logs).
func kindOfCode(code string) core.Kind {
	switch code {
	case "unauthorized_error":
		return core.KindUnauthorized
	case "forbidden":
		return core.KindForbidden
	case "velocity_limit_exceeded":
		return core.KindRateLimited
	case "api_error":
		return core.KindInternal
	case "service_unavailable":
		return core.KindUnavailable
	case "not_found", "card_not_found", "card_order_not_found", "product_not_found", "card_art_not_found",
		"transaction_not_found", "cardholder_not_found", "sub_account_not_found", "account_not_found",
		"transfer_not_found", "report_not_found":
		return core.KindNotFound
	case "invalid_request_error", "idempotency_key_missing", "idempotency_key_invalid", "invalid_pin",
		"method_not_allowed":
		return core.KindInvalid
	}
	return core.KindConflict
}

// kycInsufficient is Create Card's answer for a cardholder short of the
// product's required fields.
func kycInsufficient(fields []RequiredField, format string, args ...any) error {
	return &missingFieldsError{err: fail("kyc_insufficient", format, args...), fields: fields}
}

// defaultCode picks the code a real failure of kind k on route would carry,
// so injected faults look organic.
func defaultCode(e core.Error, route string) string {
	resource, _, _ := strings.Cut(route, ".")
	switch e.Kind {
	case core.KindInvalid:
		if e.Status == http.StatusMethodNotAllowed {
			return "method_not_allowed"
		}
		return "invalid_request_error"
	case core.KindUnauthorized:
		return "unauthorized_error"
	case core.KindForbidden:
		return "forbidden"
	case core.KindRateLimited:
		return "velocity_limit_exceeded"
	case core.KindUnavailable:
		return "service_unavailable"
	case core.KindNotFound:
		if e.Status == http.StatusNotFound || e.Status == http.StatusMethodNotAllowed {
			if e.Status == http.StatusMethodNotAllowed {
				return "method_not_allowed"
			}
			return "not_found"
		}
		switch resource {
		case "cardholder":
			return "cardholder_not_found"
		case "card_order":
			return "card_order_not_found"
		case "transaction", "simulation":
			return "transaction_not_found"
		case "transfer", "balance", "balance_transaction":
			return "transfer_not_found"
		case "report":
			return "report_not_found"
		case "product":
			return "product_not_found"
		case "card_art":
			return "card_art_not_found"
		}
		return "card_not_found"
	case core.KindConflict:
		switch resource {
		case "cardholder":
			return "cardholder_status_invalid"
		case "balance", "transfer", "balance_transaction":
			return "insufficient_balance"
		}
		return "card_status_invalid"
	}
	return "api_error"
}

// statusOf returns the HTTP status of an error type and code (guide "Error
// codes": every *_error type but unauthorized and api is 400).
func statusOf(typ, code string) int {
	switch {
	case code == "forbidden":
		return http.StatusForbidden
	case typ == typeUnauthorized:
		return http.StatusUnauthorized
	case code == "velocity_limit_exceeded":
		return http.StatusTooManyRequests
	case code == "service_unavailable":
		return http.StatusServiceUnavailable
	case code == "not_found":
		return http.StatusNotFound
	case code == "method_not_allowed":
		return http.StatusMethodNotAllowed
	case typ == typeAPI:
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

// apiFunc returns the resource to answer with, or an error that writeError
// renders as UQPay's error envelope.
type apiFunc func(r *http.Request) (any, error)

// api adapts a handler to HTTP. On POST it applies x-idempotency-key (see
// idempotency.go) around the handler; other answers are written straight
// from the encoder's pooled buffer.
func (s *Server) api(h apiFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && core.WorldOf[*world](r) != nil {
			s.idempotent(w, r, h)
			return
		}
		v, err := h(r)
		switch raw, ok := v.(rawBody); {
		case err != nil:
			writeResponse(w, s.errorResponse(r, err))
		case ok:
			writeResponse(w, raw.response())
		default:
			out.Write(w, http.StatusOK, v)
		}
	})
}

// out writes UQPay's JSON answers. An answer that cannot be encoded (a bug)
// is the api_error a failed handler gets.
var out = core.JSONWriter{
	ContentType: "application/json",
	Fallback:    `{"type":"api_error","code":"api_error","message":"internal error, please try again later"}`,
}

// render runs h and returns the answer it makes.
func (s *Server) render(r *http.Request, h apiFunc) core.IdemResponse {
	v, err := h(r)
	if err != nil {
		return s.errorResponse(r, err)
	}
	if raw, ok := v.(rawBody); ok {
		return raw.response()
	}
	b, err := core.Marshal(v)
	if err != nil {
		return s.errorResponse(r, err)
	}
	return core.IdemResponse{Status: http.StatusOK, Body: b}
}

// rawBody is a non-JSON answer (a report download).
type rawBody struct {
	contentType string
	body        []byte
}

func (b rawBody) response() core.IdemResponse {
	return core.IdemResponse{Status: http.StatusOK, Header: http.Header{"Content-Type": {b.contentType}}, Body: b.body}
}

// writeError renders err as UQPay's error envelope.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	writeResponse(w, s.errorResponse(r, err))
}

// errorResponse builds the answer to an error.
//
// Quirk: UQPay signals failure with the HTTP status and a body of
// {type, code, message}; not-found resources (card_not_found and friends)
// answer 400 like every other *_error type, not 404.
func (s *Server) errorResponse(r *http.Request, err error) core.IdemResponse {
	e := core.AsError(err)
	route := core.RouteName(r)
	if e.Kind == core.KindInternal && e.Code == "" {
		s.Logger.ErrorContext(r.Context(), "uqpay internal error", "route", route, "err", err)
		e.Message = ""
	}
	code := e.Code
	if code == "" {
		code = defaultCode(e, route)
	}
	typ, ok := codeType[code]
	if !ok {
		typ = typeInvalid
	}
	msg := e.Message
	if msg == "" {
		msg = defaultMessage[code]
	}
	if msg == "" {
		msg = strings.ReplaceAll(code, "_", " ")
	}
	status := e.Status
	if status == 0 {
		status = statusOf(typ, code)
	}
	core.CallOf(r).Err = code + ": " + msg
	body := errorBody{Type: typ, Code: code, Message: msg}
	var mf *missingFieldsError
	if errors.As(err, &mf) {
		body.MissingFields = mf.fields
	}
	b, _ := core.Marshal(body)
	return core.IdemResponse{Status: status, Body: b}
}

// writeResponse writes an answer: JSON unless its header says otherwise.
func writeResponse(w http.ResponseWriter, resp core.IdemResponse) {
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(resp.Status)
		_, _ = w.Write(resp.Body)
		return
	}
	out.WriteBytes(w, resp.Status, resp.Body)
}

// decode reads the JSON body into v: 400 invalid_request_error for a
// wrong Content-Type or a body that does not decode.
func decode(r *http.Request, v any) error {
	if !core.IsJSONContentType(r) {
		return invalid("%s", core.ContentTypeError(r).Message)
	}
	if err := core.DecodeJSON(core.Body(r), v); err != nil {
		return invalid("%s", core.AsError(err).Message)
	}
	return nil
}

// decodeOptional is decode for endpoints whose body may be empty.
func decodeOptional(r *http.Request, v any) error {
	if len(bytes.TrimSpace(core.Body(r))) == 0 {
		return nil
	}
	return decode(r, v)
}
