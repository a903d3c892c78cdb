package uqpay_test

// A mirror of what the official Node SDK (uqpay/uqpay-node @d9d5b59,
// @uqpay/sdk 0.3.1) reads where it differs from the Go SDK: the error
// normalisation of src/error.ts (missing_fields on a kyc_insufficient
// error), the product fields of src/resources/issuing/types.ts
// (kyc_level, required_fields), its Cardholder's idv_* fields and the
// simulator's deposit answer (src/resources/simulator/types.ts). The
// structs carry the declared TypeScript types, so decoding fails on a
// string where the SDK declares a number and so on.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// KycMissingField is src/error.ts KycMissingField (and
// ProductRequiredField, the same shape).
type KycMissingField struct {
	Name        string            `json:"name"`
	Type        string            `json:"type"` // 'string' | 'object'
	Required    bool              `json:"required"`
	Description *string           `json:"description,omitempty"`
	Fields      []KycMissingField `json:"fields,omitempty"`
}

// NodeError is the UQPayError normaliseApiError builds from an answer.
type NodeError struct {
	Class         string // ValidationError, IdempotencyError, AuthenticationError, …
	Type          string
	Code          string
	Message       string
	HTTPStatus    int
	MissingFields []KycMissingField
}

// nodeError is normaliseApiError for a JSON body in the modern
// {type, code, message} format; missing_fields is kept when it is an array.
func nodeError(status int, body []byte) (NodeError, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		return NodeError{}, fmt.Errorf("not a JSON object: %w", err)
	}
	var e NodeError
	if json.Unmarshal(obj["type"], &e.Type) != nil || json.Unmarshal(obj["message"], &e.Message) != nil {
		return NodeError{}, fmt.Errorf("not the modern format: %s", body)
	}
	if json.Unmarshal(obj["code"], &e.Code) != nil {
		e.Code = string(obj["code"])
	}
	if raw, ok := obj["missing_fields"]; ok && bytes.HasPrefix(bytes.TrimSpace(raw), []byte("[")) {
		if err := json.Unmarshal(raw, &e.MissingFields); err != nil {
			return NodeError{}, fmt.Errorf("missing_fields: %w", err)
		}
	}
	e.HTTPStatus = status
	switch {
	case status == 401:
		e.Class = "AuthenticationError"
	case status == 403:
		e.Class = "ForbiddenError"
	case status == 404:
		e.Class = "NotFoundError"
	case status == 409:
		e.Class = "ConflictError"
	case status == 429:
		e.Class = "RateLimitError"
	case status >= 500:
		e.Class = "ServerError"
	case e.Type == "idempotency_error":
		e.Class = "IdempotencyError"
	default:
		e.Class = "ValidationError"
	}
	return e, nil
}

// NodeCardProduct is CardProduct.
type NodeCardProduct struct {
	ProductID          string   `json:"product_id"`
	ModeType           string   `json:"mode_type"`
	CardBin            string   `json:"card_bin"`
	CardForm           []string `json:"card_form"`
	MaxCardQuota       *int     `json:"max_card_quota,omitempty"`
	CardScheme         *string  `json:"card_scheme,omitempty"`
	NoPinPaymentAmount []struct {
		Amount   json.RawMessage `json:"amount"` // typed number; the Go SDK reads a string (both decode in JS)
		Currency string          `json:"currency"`
	} `json:"no_pin_payment_amount,omitempty"`
	CardCurrency   []string          `json:"card_currency,omitempty"`
	CreateTime     *string           `json:"create_time,omitempty"`
	UpdateTime     *string           `json:"update_time,omitempty"`
	ProductStatus  string            `json:"product_status"`
	KycLevel       *string           `json:"kyc_level,omitempty"` // 'SIMPLIFIED' | 'STANDARD' | 'ENHANCED'
	RequiredFields []KycMissingField `json:"required_fields,omitempty"`
}

// NodeCardholder is Cardholder's identity-verification part.
type NodeCardholder struct {
	CardholderID       string  `json:"cardholder_id"`
	CardholderStatus   string  `json:"cardholder_status"`
	IdvStatus          *string `json:"idv_status,omitempty"` // 'PENDING' | 'PASSED' | 'FAILED'
	IdvVerificationURL *string `json:"idv_verification_url,omitempty"`
	IdvURLExpiresAt    *string `json:"idv_url_expires_at,omitempty"`
	ResidentialAddress *struct {
		Country    string  `json:"country"`
		City       string  `json:"city"`
		Line1      string  `json:"line1"`
		State      *string `json:"state,omitempty"`
		Line2      *string `json:"line2,omitempty"`
		District   *string `json:"district,omitempty"`
		LineEn     *string `json:"line_en,omitempty"`
		PostalCode *string `json:"postal_code,omitempty"`
	} `json:"residential_address,omitempty"`
}

// NodeDepositResponse is SimulateDepositResponse.
type NodeDepositResponse struct {
	DepositID             string  `json:"deposit_id"`
	ShortReferenceID      string  `json:"short_reference_id"`
	Amount                string  `json:"amount"`
	Currency              string  `json:"currency"`
	DepositStatus         string  `json:"deposit_status"` // 'PENDING' | 'COMPLETED' | 'FAILED'
	CreateTime            string  `json:"create_time"`
	CompleteTime          *string `json:"complete_time,omitempty"`
	ReceiverAccountNumber *string `json:"receiver_account_number,omitempty"`
	Sender                *struct {
		SenderName          *string `json:"sender_name,omitempty"`
		SenderCountry       *string `json:"sender_country,omitempty"`
		SenderAccountNumber *string `json:"sender_account_number,omitempty"`
		SenderSwiftCode     *string `json:"sender_swift_code,omitempty"`
	} `json:"sender,omitempty"`
}

// checkRequiredFields checks the TypeScript unions of a required_fields or
// missing_fields list, recursively.
func checkRequiredFields(fs []KycMissingField) error {
	for _, f := range fs {
		if f.Name == "" {
			return fmt.Errorf("a field without a name")
		}
		if !slices.Contains([]string{"string", "object"}, f.Type) {
			return fmt.Errorf("field %s: type %q is not 'string' or 'object'", f.Name, f.Type)
		}
		if (f.Type == "object") != (len(f.Fields) > 0) {
			return fmt.Errorf("field %s: type %s with %d sub-fields", f.Name, f.Type, len(f.Fields))
		}
		if err := checkRequiredFields(f.Fields); err != nil {
			return fmt.Errorf("%s.%w", f.Name, err)
		}
	}
	return nil
}
