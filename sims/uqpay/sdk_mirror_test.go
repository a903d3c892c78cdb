package uqpay_test

// A mirror of the official Go SDK github.com/uqpay/uqpay-sdk-go/v2 (which
// the module proxy does not serve here), reproduced from its source as
// /work/notes/uqpay-sdk.md records it: the same request and response
// structs with the same json tags and Go types, the same token provider
// (lazy, refreshed when expired_at is less than 5 minutes away, never on a
// 401), the same headers (Content-Type always, "Bearer " + token, a fresh
// UUID x-idempotency-key on every call, GETs included), the same error
// rule (status >= 400 needs a non-empty message) and the same strict
// decoding. A response the real SDK could not decode fails here too.

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// ---- common (common/client.go, common/errors.go, common/flexible_types.go)

// FlexibleCode accepts a JSON string or number.
type FlexibleCode string

func (c *FlexibleCode) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		*c = FlexibleCode(s)
		return nil
	}
	var n json.Number
	if json.Unmarshal(b, &n) == nil {
		*c = FlexibleCode(n.String())
		return nil
	}
	*c = FlexibleCode(string(b))
	return nil
}

// APIError is the SDK's error.
type APIError struct {
	Code       FlexibleCode `json:"code"`
	Message    string       `json:"message"`
	StatusCode int          `json:"-"`
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s: %s (HTTP %d)", e.Code, e.Message, e.StatusCode)
}

// FlexibleString takes a JSON string or number (card_limit).
type FlexibleString string

func (f *FlexibleString) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = ""
		return nil
	}
	var s string
	if json.Unmarshal(b, &s) == nil {
		*f = FlexibleString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*f = FlexibleString(n.String())
	return nil
}

// FlexibleStringMap takes an object; anything else becomes nil silently.
type FlexibleStringMap map[string]string

func (m *FlexibleStringMap) UnmarshalJSON(b []byte) error {
	var v map[string]string
	if json.Unmarshal(b, &v) != nil {
		*m = nil
		return nil
	}
	*m = v
	return nil
}

// RequestOptions are the SDK's per-call options.
type RequestOptions struct {
	IdempotencyKey string
	AuthToken      string
	ClientID       string
	OnBehalfOf     string
}

// TokenResponse is the token endpoint's answer.
type TokenResponse struct {
	AuthToken string `json:"auth_token"`
	ExpiredAt int64  `json:"expired_at"`
}

// sdk is the SDK's APIClient with its TokenProvider.
type sdk struct {
	BaseURL  string
	ClientID string
	APIKey   string
	HTTP     *http.Client
	Now      func() time.Time

	mu          sync.Mutex
	token       string
	expiredAt   int64
	TokenFetchs int
	LastHeaders http.Header
}

func newSDK(baseURL, clientID, apiKey string, hc *http.Client) *sdk {
	return &sdk{BaseURL: baseURL, ClientID: clientID, APIKey: apiKey, HTTP: hc, Now: core.WallNow}
}

// call is the SDK's request-then-decode step every method repeats: do the
// request and wrap its error as the SDK does ("failed to …: %w").
func call[T any](ctx context.Context, c *sdk, method, path string, body any, failure string, o ...*RequestOptions) (*T, error) {
	var out T
	if err := c.do(ctx, method, path, body, &out, o...); err != nil {
		return nil, fmt.Errorf("%s: %w", failure, err)
	}
	return &out, nil
}

// GetToken is auth.TokenProvider.GetToken.
func (c *sdk) GetToken(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token != "" && c.Now().Add(5*time.Minute).Before(time.Unix(c.expiredAt, 0)) {
		return c.token, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BaseURL+"/v1/connect/token", nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("x-client-id", c.ClientID)
	req.Header.Set("x-api-key", c.APIKey)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("failed to get token: status %d, body: %s", resp.StatusCode, body)
	}
	var tr TokenResponse
	if err := json.Unmarshal(body, &tr); err != nil {
		return "", fmt.Errorf("failed to decode token: %w", err)
	}
	c.token, c.expiredAt = tr.AuthToken, tr.ExpiredAt
	c.TokenFetchs++
	return c.token, nil
}

// do is APIClient.DoWithOptions.
func (c *sdk) do(ctx context.Context, method, path string, in, out any, opts ...*RequestOptions) error {
	var o RequestOptions
	if len(opts) > 0 && opts[0] != nil {
		o = *opts[0]
	}
	tok := o.AuthToken
	if tok == "" {
		var err error
		if tok, err = c.GetToken(ctx); err != nil {
			return err
		}
	}
	var rd io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("x-auth-token", "Bearer "+tok)
	key := o.IdempotencyKey
	if key == "" {
		key = uqpay.NewIdempotencyKey()
	}
	req.Header.Set("x-idempotency-key", key)
	if o.ClientID != "" {
		req.Header.Set("x-client-id", o.ClientID)
	}
	if o.OnBehalfOf != "" {
		req.Header.Set("x-on-behalf-of", o.OnBehalfOf)
	}
	c.LastHeaders = req.Header.Clone()
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 {
		body, _ := io.ReadAll(resp.Body)
		var apiErr APIError
		if err := json.Unmarshal(body, &apiErr); err != nil || apiErr.Message == "" {
			return fmt.Errorf("request failed with status %d: %s", resp.StatusCode, body)
		}
		apiErr.StatusCode = resp.StatusCode
		return &apiErr
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("failed to decode response: %w", err)
	}
	return nil
}

// getRaw is GetRawWithOptions (the Download Center).
func (c *sdk) getRaw(ctx context.Context, path string) ([]byte, error) {
	tok, err := c.GetToken(ctx)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.BaseURL+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/octet-stream")
	req.Header.Set("x-auth-token", "Bearer "+tok)
	req.Header.Set("x-idempotency-key", uqpay.NewIdempotencyKey())
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 400 {
		var apiErr APIError
		if err := json.Unmarshal(body, &apiErr); err != nil || apiErr.Message == "" {
			return nil, fmt.Errorf("request failed with status %d: %s", resp.StatusCode, body)
		}
		apiErr.StatusCode = resp.StatusCode
		return nil, &apiErr
	}
	return body, nil
}

// ---- issuing/cardholders.go

type ResidentialAddress struct {
	Country    string  `json:"country"`
	State      *string `json:"state,omitempty"`
	City       string  `json:"city"`
	District   *string `json:"district,omitempty"`
	Line1      string  `json:"line1"`
	Line2      *string `json:"line2,omitempty"`
	LineEn     *string `json:"line_en,omitempty"`
	PostalCode *string `json:"postal_code,omitempty"`
}

type Identity struct {
	Type      string  `json:"type"`
	Number    string  `json:"number"`
	FrontFile string  `json:"front_file"`
	BackFile  *string `json:"back_file,omitempty"`
	HandFile  *string `json:"hand_file,omitempty"`
}

type KycProof struct {
	Provider    string `json:"provider"`
	ReferenceID string `json:"reference_id"`
}

type KycVerification struct {
	Method   string    `json:"method"`
	KycProof *KycProof `json:"kyc_proof,omitempty"`
}

type CreateCardholderRequest struct {
	Email              string              `json:"email"`
	PhoneNumber        string              `json:"phone_number"`
	FirstName          string              `json:"first_name"`
	LastName           string              `json:"last_name"`
	CountryCode        string              `json:"country_code"`
	DateOfBirth        *string             `json:"date_of_birth,omitempty"`
	Gender             *string             `json:"gender,omitempty"`
	Nationality        *string             `json:"nationality,omitempty"`
	ResidentialAddress *ResidentialAddress `json:"residential_address,omitempty"`
	Identity           *Identity           `json:"identity,omitempty"`
	KycVerification    *KycVerification    `json:"kyc_verification,omitempty"`
	DocumentType       *string             `json:"document_type,omitempty"`
	Document           *string             `json:"document,omitempty"`
}

type CreateCardholderResponse struct {
	CardholderID       string  `json:"cardholder_id"`
	CardholderStatus   string  `json:"cardholder_status"`
	IdvVerificationURL *string `json:"idv_verification_url,omitempty"`
	IdvURLExpiresAt    *string `json:"idv_url_expires_at,omitempty"`
}

type UpdateCardholderRequest struct {
	CountryCode        *string             `json:"country_code,omitempty"`
	Email              *string             `json:"email,omitempty"`
	PhoneNumber        *string             `json:"phone_number,omitempty"`
	DateOfBirth        *string             `json:"date_of_birth,omitempty"`
	Gender             *string             `json:"gender,omitempty"`
	Nationality        *string             `json:"nationality,omitempty"`
	ResidentialAddress *ResidentialAddress `json:"residential_address,omitempty"`
	Identity           *Identity           `json:"identity,omitempty"`
	KycVerification    *KycVerification    `json:"kyc_verification,omitempty"`
	DocumentType       *string             `json:"document_type,omitempty"`
	Document           *string             `json:"document,omitempty"`
}

type UpdateCardholderResponse = CreateCardholderResponse

type Cardholder struct {
	CardholderID       string              `json:"cardholder_id"`
	Email              string              `json:"email"`
	FirstName          string              `json:"first_name"`
	LastName           string              `json:"last_name"`
	CountryCode        string              `json:"country_code"`
	CardholderStatus   string              `json:"cardholder_status"`
	CreateTime         string              `json:"create_time"`
	NumberOfCards      int                 `json:"number_of_cards"`
	DateOfBirth        *string             `json:"date_of_birth,omitempty"`
	PhoneNumber        *string             `json:"phone_number,omitempty"`
	Gender             *string             `json:"gender,omitempty"`
	Nationality        *string             `json:"nationality,omitempty"`
	ResidentialAddress *ResidentialAddress `json:"residential_address,omitempty"`
	ReviewStatus       *string             `json:"review_status,omitempty"`
	IdvStatus          *string             `json:"idv_status,omitempty"`
	IdvVerificationURL *string             `json:"idv_verification_url,omitempty"`
	IdvURLExpiresAt    *string             `json:"idv_url_expires_at,omitempty"`
}

type ListCardholdersResponse struct {
	TotalPages int          `json:"total_pages"`
	TotalItems int          `json:"total_items"`
	Data       []Cardholder `json:"data"`
}

func (c *sdk) CreateCardholder(ctx context.Context, r *CreateCardholderRequest, o ...*RequestOptions) (*CreateCardholderResponse, error) {
	return call[CreateCardholderResponse](ctx, c, http.MethodPost, "/v1/issuing/cardholders", r, "failed to create cardholder", o...)
}

func (c *sdk) GetCardholder(ctx context.Context, id string, o ...*RequestOptions) (*Cardholder, error) {
	return call[Cardholder](ctx, c, http.MethodGet, "/v1/issuing/cardholders/"+id, nil, "failed to get cardholder", o...)
}

func (c *sdk) ListCardholders(ctx context.Context, pageSize, pageNumber int, o ...*RequestOptions) (*ListCardholdersResponse, error) {
	var out ListCardholdersResponse
	if err := c.do(ctx, http.MethodGet, fmt.Sprintf("/v1/issuing/cardholders?page_size=%d&page_number=%d", pageSize, pageNumber), nil, &out, o...); err != nil {
		return nil, fmt.Errorf("failed to list cardholders: %w", err)
	}
	return &out, nil
}

func (c *sdk) UpdateCardholder(ctx context.Context, id string, r *UpdateCardholderRequest, o ...*RequestOptions) (*UpdateCardholderResponse, error) {
	return call[UpdateCardholderResponse](ctx, c, http.MethodPost, "/v1/issuing/cardholders/"+id, r, "failed to update cardholder", o...)
}

// ---- issuing/products.go

type NoPinPaymentLimit struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

type CardProduct struct {
	ProductID          string              `json:"product_id"`
	ModeType           string              `json:"mode_type"`
	CardBin            string              `json:"card_bin"`
	CardForm           []string            `json:"card_form"`
	MaxCardQuota       int                 `json:"max_card_quota"`
	CardScheme         string              `json:"card_scheme"`
	CardCurrency       []string            `json:"card_currency"`
	ProductStatus      string              `json:"product_status"`
	NoPinPaymentAmount []NoPinPaymentLimit `json:"no_pin_payment_amount"`
	CreateTime         string              `json:"create_time"`
	UpdateTime         string              `json:"update_time"`
}

type ListProductsResponse struct {
	TotalPages int           `json:"total_pages"`
	TotalItems int           `json:"total_items"`
	Data       []CardProduct `json:"data"`
}

func (c *sdk) ListProducts(ctx context.Context, pageSize, pageNumber int, o ...*RequestOptions) (*ListProductsResponse, error) {
	var out ListProductsResponse
	if err := c.do(ctx, http.MethodGet, fmt.Sprintf("/v1/issuing/products?page_size=%d&page_number=%d", pageSize, pageNumber), nil, &out, o...); err != nil {
		return nil, fmt.Errorf("failed to list products: %w", err)
	}
	return &out, nil
}

// ---- issuing/cards.go

type SpendingControl struct {
	Amount   string `json:"amount"`
	Interval string `json:"interval"`
}

type RiskControls struct {
	Allow3DSTransactions *string  `json:"allow_3ds_transactions,omitempty"`
	AllowedMCC           []string `json:"allowed_mcc,omitempty"`
	BlockedMCC           []string `json:"blocked_mcc,omitempty"`
}

type CardholderRequiredFields struct {
	Gender             *string             `json:"gender,omitempty"`
	Nationality        *string             `json:"nationality,omitempty"`
	PhoneNumber        *string             `json:"phone_number,omitempty"`
	DateOfBirth        *string             `json:"date_of_birth,omitempty"`
	ResidentialAddress *ResidentialAddress `json:"residential_address,omitempty"`
	Identity           *Identity           `json:"identity,omitempty"`
	KycVerification    *KycVerification    `json:"kyc_verification,omitempty"`
}

type CreateCardRequest struct {
	CardLimit                *float64                  `json:"card_limit,omitempty"`
	CardCurrency             string                    `json:"card_currency"`
	CardholderID             string                    `json:"cardholder_id"`
	CardProductID            string                    `json:"card_product_id"`
	SpendingControls         []SpendingControl         `json:"spending_controls,omitempty"`
	RiskControls             *RiskControls             `json:"risk_controls,omitempty"`
	Metadata                 map[string]string         `json:"metadata,omitempty"`
	UsageType                *string                   `json:"usage_type,omitempty"`
	AutoCancelTrigger        *string                   `json:"auto_cancel_trigger,omitempty"`
	ExpiryAt                 *string                   `json:"expiry_at,omitempty"`
	CardholderRequiredFields *CardholderRequiredFields `json:"cardholder_required_fields,omitempty"`
}

type CardCreationResponse struct {
	CardID           string  `json:"card_id"`
	CardOrderID      string  `json:"card_order_id"`
	CreateTime       string  `json:"create_time"`
	CardStatus       string  `json:"card_status"`
	OrderStatus      string  `json:"order_status"`
	CardholderStatus *string `json:"cardholder_status,omitempty"`
	Message          *string `json:"message,omitempty"`
}

type CardUpdateRequest struct {
	CardLimit          *float64          `json:"card_limit,omitempty"`
	NoPINPaymentAmount *float64          `json:"no_pin_payment_amount,omitempty"`
	SpendingControls   []SpendingControl `json:"spending_controls,omitempty"`
	RiskControls       *RiskControls     `json:"risk_controls,omitempty"`
	Metadata           map[string]string `json:"metadata,omitempty"`
}

type CardUpdatedResponse struct {
	CardID      string `json:"card_id"`
	CardOrderID string `json:"card_order_id"`
	CardStatus  string `json:"card_status"`
	OrderStatus string `json:"order_status"`
}

type CardholderInfo struct {
	CardholderID     string  `json:"cardholder_id"`
	Email            string  `json:"email"`
	NumberOfCards    int     `json:"number_of_cards"`
	FirstName        string  `json:"first_name"`
	LastName         string  `json:"last_name"`
	CreateTime       string  `json:"create_time"`
	CardholderStatus string  `json:"cardholder_status"`
	DateOfBirth      *string `json:"date_of_birth,omitempty"`
	CountryCode      *string `json:"country_code,omitempty"`
	PhoneNumber      *string `json:"phone_number,omitempty"`
}

type RetrieveCardResponse struct {
	CardID             string            `json:"card_id"`
	CardBIN            string            `json:"card_bin"`
	CardScheme         string            `json:"card_scheme"`
	CardCurrency       string            `json:"card_currency"`
	CardNumber         string            `json:"card_number"`
	FormFactor         string            `json:"form_factor"`
	ModeType           string            `json:"mode_type"`
	CardProductID      string            `json:"card_product_id"`
	CardLimit          FlexibleString    `json:"card_limit"`
	AvailableBalance   string            `json:"available_balance"`
	Cardholder         CardholderInfo    `json:"cardholder"`
	SpendingControls   []SpendingControl `json:"spending_controls,omitempty"`
	NoPINPaymentAmount string            `json:"no_pin_payment_amount"`
	RiskControls       *RiskControls     `json:"risk_controls,omitempty"`
	Metadata           FlexibleStringMap `json:"metadata,omitempty"`
	CardStatus         string            `json:"card_status"`
	UpdateReason       *string           `json:"update_reason,omitempty"`
	ConsumedAmount     *string           `json:"consumed_amount,omitempty"`
}

type ListCardsRequest struct {
	PageSize     int
	PageNumber   int
	CardNumber   *string
	CardStatus   *string
	CardholderID *string
}

type ListCardsResponse struct {
	TotalPages int                    `json:"total_pages"`
	TotalItems int                    `json:"total_items"`
	Data       []RetrieveCardResponse `json:"data"`
}

type SecureCardInfo struct {
	CVV        string `json:"cvv"`
	ExpireDate string `json:"expire_date"`
	CardNumber string `json:"card_number"`
}

type UpdateCardStatusRequest struct {
	CardStatus   string  `json:"card_status"`
	UpdateReason *string `json:"update_reason,omitempty"`
}

type CardStatusResponse struct {
	CardID       string  `json:"card_id"`
	CardOrderID  string  `json:"card_order_id"`
	OrderStatus  string  `json:"order_status"`
	UpdateReason *string `json:"update_reason,omitempty"`
}

type CardOrderRequest struct {
	Amount float64 `json:"amount"`
}

type CardOrder struct {
	CardID       string  `json:"card_id"`
	CardOrderID  string  `json:"card_order_id"`
	OrderType    string  `json:"order_type"`
	Amount       float64 `json:"amount"`
	CardCurrency string  `json:"card_currency"`
	CreateTime   string  `json:"create_time"`
	UpdateTime   string  `json:"update_time"`
	CompleteTime string  `json:"complete_time"`
	OrderStatus  string  `json:"order_status"`
}

// UnmarshalJSON is the SDK's custom decoder: amount as number, string or null.
func (o *CardOrder) UnmarshalJSON(b []byte) error {
	type alias CardOrder
	aux := struct {
		*alias
		Amount json.RawMessage `json:"amount"`
	}{alias: (*alias)(o)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	raw := bytes.TrimSpace(aux.Amount)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		o.Amount = 0
	case raw[0] == '"':
		var s string
		_ = json.Unmarshal(raw, &s)
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return errors.New("invalid card order amount")
		}
		o.Amount = f
	default:
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil {
			return errors.New("invalid card order amount")
		}
		o.Amount = f
	}
	return nil
}

type ActivateCardRequest struct {
	CardID             string   `json:"card_id"`
	ActivationCode     string   `json:"activation_code"`
	PIN                string   `json:"pin"`
	NoPINPaymentAmount *float64 `json:"no_pin_payment_amount,omitempty"`
}

type ActivateCardResponse struct {
	RequestStatus string `json:"request_status"`
}

type SetPINRequest struct {
	CardID string `json:"card_id"`
	PIN    string `json:"pin"`
}

type SetPINResponse struct {
	RequestStatus string `json:"request_status"`
}

type ManageCardPINRequest struct {
	CardID string `json:"card_id"`
	Type   string `json:"type"`
	PIN    string `json:"pin"`
	OldPIN string `json:"old_pin,omitempty"`
}

type ManageCardPINResponse struct {
	CardID      string `json:"card_id"`
	CardOrderID string `json:"card_order_id"`
	CreateTime  string `json:"create_time"`
}

type AssignCardRequest struct {
	CardholderID string `json:"cardholder_id"`
	CardNumber   string `json:"card_number"`
	CardCurrency string `json:"card_currency"`
	CardMode     string `json:"card_mode"`
}

type AssignCardResponse struct {
	CardID      string `json:"card_id"`
	CardOrderID string `json:"card_order_id"`
	CreateTime  string `json:"create_time"`
	CardStatus  string `json:"card_status"`
	OrderStatus string `json:"order_status"`
}

type PANTokenResponse struct {
	Token     string `json:"token"`
	ExpiresIn int    `json:"expires_in"`
	ExpiresAt string `json:"expires_at"`
}

type ElevateLimitRequest struct {
	LimitAmount    float64 `json:"limit_amount"`
	DurationInDays int     `json:"duration_in_days,omitempty"`
}

type ElevateLimitResponse struct {
	CardID      string `json:"card_id"`
	CardOrderID string `json:"card_order_id"`
	OrderStatus string `json:"order_status"`
}

type EnrollNetworkProtectionRequest struct {
	RiskControl string `json:"risk_control"`
	ActionCode  string `json:"action_code"`
}

type RemoveNetworkProtectionRequest struct {
	RiskControl string `json:"risk_control"`
}

type NetworkProtectionResponse struct {
	CardID       string  `json:"card_id"`
	CardNumber   string  `json:"card_number"`
	CardholderID string  `json:"cardholder_id"`
	CardScheme   string  `json:"card_scheme"`
	Enabled      bool    `json:"enabled"`
	Status       string  `json:"status"`
	ActionCode   string  `json:"action_code"`
	Definition   string  `json:"definition"`
	UpdateTime   *string `json:"update_time"`
}

type CardArtItem map[string]interface{}

type CardArtListResponse struct {
	DefaultCardArtID string        `json:"default_card_art_id"`
	CardArts         []CardArtItem `json:"card_arts"`
}

type SetDefaultCardArtRequest struct {
	CardArtID string `json:"card_art_id"`
}

type SetDefaultCardArtResponse struct {
	DefaultCardArtID string `json:"default_card_art_id"`
	UpdatedAt        string `json:"updated_at"`
}

func (c *sdk) CreateCard(ctx context.Context, r *CreateCardRequest, o ...*RequestOptions) (*CardCreationResponse, error) {
	return call[CardCreationResponse](ctx, c, http.MethodPost, "/v1/issuing/cards", r, "failed to create card", o...)
}

func (c *sdk) GetCard(ctx context.Context, id string, o ...*RequestOptions) (*RetrieveCardResponse, error) {
	var out RetrieveCardResponse
	if err := c.do(ctx, http.MethodGet, fmt.Sprintf("/v1/issuing/cards/%s", id), nil, &out, o...); err != nil {
		return nil, fmt.Errorf("failed to get card: %w", err)
	}
	return &out, nil
}

func (c *sdk) ListCards(ctx context.Context, r *ListCardsRequest, o ...*RequestOptions) (*ListCardsResponse, error) {
	q := url.Values{}
	q.Set("page_size", strconv.Itoa(r.PageSize))
	q.Set("page_number", strconv.Itoa(r.PageNumber))
	if r.CardNumber != nil {
		q.Set("card_number", *r.CardNumber)
	}
	if r.CardStatus != nil {
		q.Set("card_status", *r.CardStatus)
	}
	if r.CardholderID != nil {
		q.Set("cardholder_id", *r.CardholderID)
	}
	var out ListCardsResponse
	if err := c.do(ctx, http.MethodGet, "/v1/issuing/cards?"+q.Encode(), nil, &out, o...); err != nil {
		return nil, fmt.Errorf("failed to list cards: %w", err)
	}
	return &out, nil
}

func (c *sdk) UpdateCard(ctx context.Context, id string, r *CardUpdateRequest, o ...*RequestOptions) (*CardUpdatedResponse, error) {
	return call[CardUpdatedResponse](ctx, c, http.MethodPost, "/v1/issuing/cards/"+id, r, "failed to update card", o...)
}

func (c *sdk) GetSecure(ctx context.Context, id string, o ...*RequestOptions) (*SecureCardInfo, error) {
	return call[SecureCardInfo](ctx, c, http.MethodGet, "/v1/issuing/cards/"+id+"/secure", nil, "failed to get secure card info", o...)
}

func (c *sdk) UpdateCardStatus(ctx context.Context, id string, r *UpdateCardStatusRequest, o ...*RequestOptions) (*CardStatusResponse, error) {
	return call[CardStatusResponse](ctx, c, http.MethodPost, "/v1/issuing/cards/"+id+"/status", r, "failed to update card status", o...)
}

func (c *sdk) Recharge(ctx context.Context, id string, r *CardOrderRequest, o ...*RequestOptions) (*CardOrder, error) {
	return call[CardOrder](ctx, c, http.MethodPost, "/v1/issuing/cards/"+id+"/recharge", r, "failed to recharge card", o...)
}

func (c *sdk) Withdraw(ctx context.Context, id string, r *CardOrderRequest, o ...*RequestOptions) (*CardOrder, error) {
	return call[CardOrder](ctx, c, http.MethodPost, "/v1/issuing/cards/"+id+"/withdraw", r, "failed to withdraw from card", o...)
}

func (c *sdk) GetOrder(ctx context.Context, orderID string, o ...*RequestOptions) (*CardOrder, error) {
	return call[CardOrder](ctx, c, http.MethodGet, "/v1/issuing/cards/"+orderID+"/order", nil, "failed to get card order", o...)
}

func (c *sdk) ActivateCard(ctx context.Context, r *ActivateCardRequest, o ...*RequestOptions) (*ActivateCardResponse, error) {
	return call[ActivateCardResponse](ctx, c, http.MethodPost, "/v1/issuing/cards/activate", r, "failed to activate card", o...)
}

func (c *sdk) ResetPIN(ctx context.Context, r *SetPINRequest, o ...*RequestOptions) (*SetPINResponse, error) {
	return call[SetPINResponse](ctx, c, http.MethodPost, "/v1/issuing/cards/pin", r, "failed to reset pin", o...)
}

func (c *sdk) ManagePIN(ctx context.Context, r *ManageCardPINRequest, o ...*RequestOptions) (*ManageCardPINResponse, error) {
	return call[ManageCardPINResponse](ctx, c, http.MethodPost, "/v1/issuing/cards/manage/pin", r, "failed to manage pin", o...)
}

func (c *sdk) AssignCard(ctx context.Context, r *AssignCardRequest, o ...*RequestOptions) (*AssignCardResponse, error) {
	return call[AssignCardResponse](ctx, c, http.MethodPost, "/v1/issuing/cards/assign", r, "failed to assign card", o...)
}

func (c *sdk) CreatePANToken(ctx context.Context, id string, o ...*RequestOptions) (*PANTokenResponse, error) {
	return call[PANTokenResponse](ctx, c, http.MethodPost, "/v1/issuing/cards/"+id+"/token", nil, "failed to create pan token", o...)
}

func (c *sdk) ElevateLimit(ctx context.Context, id string, r *ElevateLimitRequest, o ...*RequestOptions) (*ElevateLimitResponse, error) {
	return call[ElevateLimitResponse](ctx, c, http.MethodPost, "/v1/issuing/cards/"+id+"/elevate_limit", r, "failed to elevate limit", o...)
}

func (c *sdk) EnrollNetworkProtection(ctx context.Context, id string, r *EnrollNetworkProtectionRequest, o ...*RequestOptions) (*NetworkProtectionResponse, error) {
	return call[NetworkProtectionResponse](ctx, c, http.MethodPost, "/v1/issuing/cards/"+id+"/risk", r, "failed to enroll network protection", o...)
}

func (c *sdk) RemoveNetworkProtection(ctx context.Context, id string, r *RemoveNetworkProtectionRequest, o ...*RequestOptions) (*NetworkProtectionResponse, error) {
	return call[NetworkProtectionResponse](ctx, c, http.MethodDelete, "/v1/issuing/cards/"+id+"/risk", r, "failed to remove network protection", o...)
}

func (c *sdk) ListArts(ctx context.Context, productID string, o ...*RequestOptions) (*CardArtListResponse, error) {
	path := "/v1/issuing/cards/arts"
	if productID != "" {
		path += "?card_product_id=" + url.QueryEscape(productID)
	}
	var out CardArtListResponse
	if err := c.do(ctx, http.MethodGet, path, nil, &out, o...); err != nil {
		return nil, fmt.Errorf("failed to list card arts: %w", err)
	}
	return &out, nil
}

func (c *sdk) SetDefaultArt(ctx context.Context, r *SetDefaultCardArtRequest, o ...*RequestOptions) (*SetDefaultCardArtResponse, error) {
	return call[SetDefaultCardArtResponse](ctx, c, http.MethodPost, "/v1/issuing/cards/arts/default", r, "failed to set default card art", o...)
}

// ---- issuing/transactions.go

type MerchantData struct {
	CategoryCode string `json:"category_code"`
	City         string `json:"city"`
	Country      string `json:"country"`
	Name         string `json:"name"`
}

type Transaction struct {
	TransactionID          string        `json:"transaction_id"`
	CardID                 string        `json:"card_id"`
	CardNumber             string        `json:"card_number"`
	CardholderID           string        `json:"cardholder_id"`
	TransactionType        string        `json:"transaction_type"`
	TransactionAmount      string        `json:"transaction_amount"`
	TransactionCurrency    string        `json:"transaction_currency"`
	BillingAmount          string        `json:"billing_amount"`
	BillingCurrency        string        `json:"billing_currency"`
	TransactionFee         string        `json:"transaction_fee"`
	TransactionFeeCurrency string        `json:"transaction_fee_currency"`
	FeePassThrough         string        `json:"fee_pass_through"`
	CardAvailableBalance   string        `json:"card_available_balance"`
	AuthorizationCode      string        `json:"authorization_code"`
	ShortTransactionID     string        `json:"short_transaction_id"`
	OriginalTransactionID  string        `json:"original_transaction_id"`
	TransactionStatus      string        `json:"transaction_status"`
	TransactionTime        string        `json:"transaction_time"`
	PostedTime             *string       `json:"posted_time,omitempty"`
	MerchantData           *MerchantData `json:"merchant_data,omitempty"`
	Description            string        `json:"description"`
	WalletType             *string       `json:"wallet_type,omitempty"`
}

type ListTransactionsRequest struct {
	PageSize   int
	PageNumber int
	CardID     string
	StartTime  string
	EndTime    string
}

type ListTransactionsResponse struct {
	TotalPages int           `json:"total_pages"`
	TotalItems int           `json:"total_items"`
	Data       []Transaction `json:"data"`
}

type ClaimUnsolicitedRefundRequest struct {
	RelatedTransactionID string `json:"related_transaction_id"`
	Remark               string `json:"remark,omitempty"`
}

type ClaimUnsolicitedRefundResponse struct {
	RequestStatus string `json:"request_status"`
}

func (c *sdk) ListTransactions(ctx context.Context, r *ListTransactionsRequest, o ...*RequestOptions) (*ListTransactionsResponse, error) {
	q := url.Values{}
	q.Set("page_size", strconv.Itoa(r.PageSize))
	q.Set("page_number", strconv.Itoa(r.PageNumber))
	if r.CardID != "" {
		q.Set("card_id", r.CardID)
	}
	if r.StartTime != "" {
		q.Set("start_time", r.StartTime)
	}
	if r.EndTime != "" {
		q.Set("end_time", r.EndTime)
	}
	var out ListTransactionsResponse
	if err := c.do(ctx, http.MethodGet, "/v1/issuing/transactions?"+q.Encode(), nil, &out, o...); err != nil {
		return nil, fmt.Errorf("failed to list transactions: %w", err)
	}
	return &out, nil
}

func (c *sdk) GetTransaction(ctx context.Context, id string, o ...*RequestOptions) (*Transaction, error) {
	return call[Transaction](ctx, c, http.MethodGet, "/v1/issuing/transactions/"+id, nil, "failed to get transaction", o...)
}

func (c *sdk) ClaimUnsolicitedRefund(ctx context.Context, r *ClaimUnsolicitedRefundRequest, o ...*RequestOptions) (*ClaimUnsolicitedRefundResponse, error) {
	return call[ClaimUnsolicitedRefundResponse](ctx, c, http.MethodPost, "/v1/issuing/transactions/unsolicited_refund/release", r, "failed to claim unsolicited refund", o...)
}

// ---- issuing/balances.go, transfers.go, reports.go, merchant_brands.go

type IssuingBalance struct {
	BalanceID        string `json:"balance_id"`
	Currency         string `json:"currency"`
	AvailableBalance string `json:"available_balance"`
	MarginBalance    string `json:"margin_balance"`
	FrozenBalance    string `json:"frozen_balance"`
	CreateTime       string `json:"create_time"`
	LastTradeTime    string `json:"last_trade_time"`
	BalanceStatus    string `json:"balance_status"`
}

type ListBalancesResponse struct {
	TotalPages int              `json:"total_pages"`
	TotalItems int              `json:"total_items"`
	Data       []IssuingBalance `json:"data"`
}

type IssuingBalanceTransaction struct {
	TransactionID      string `json:"transaction_id"`
	ShortTransactionID string `json:"short_transaction_id"`
	AccountID          string `json:"account_id"`
	BalanceID          string `json:"balance_id"`
	TransactionType    string `json:"transaction_type"`
	Currency           string `json:"currency"`
	Amount             string `json:"amount"`
	CreateTime         string `json:"create_time"`
	CompleteTime       string `json:"complete_time"`
	TransactionStatus  string `json:"transaction_status"`
	EndingBalance      string `json:"ending_balance"`
	Description        string `json:"description"`
}

type ListBalanceTransactionsResponse struct {
	TotalPages int                         `json:"total_pages"`
	TotalItems int                         `json:"total_items"`
	Data       []IssuingBalanceTransaction `json:"data"`
}

type RetrieveBalanceRequest struct {
	Currency string `json:"currency"`
}

type CreateTransferRequest struct {
	SourceAccountID      string  `json:"source_account_id"`
	DestinationAccountID string  `json:"destination_account_id"`
	Currency             string  `json:"currency"`
	Amount               float64 `json:"amount"`
	Remark               string  `json:"remark,omitempty"`
}

type CreateTransferResponse struct {
	TransferID string `json:"transfer_id"`
}

type Transfer struct {
	TransferID           string `json:"transfer_id"`
	ReferenceID          string `json:"reference_id"`
	SourceAccountID      string `json:"source_account_id"`
	DestinationAccountID string `json:"destination_account_id"`
	Amount               string `json:"amount"`
	FeeAmount            string `json:"fee_amount"`
	Currency             string `json:"currency"`
	TransferStatus       string `json:"transfer_status"`
	CreateTime           string `json:"create_time"`
	CompleteTime         string `json:"complete_time"`
	CreatorID            string `json:"creator_id"`
	Remark               string `json:"remark"`
}

type CreateReportRequest struct {
	ReportType string `json:"report_type"`
	StartTime  string `json:"start_time"`
	EndTime    string `json:"end_time"`
}

type CreateReportResponse struct {
	ReportID string `json:"report_id"`
}

type MerchantBrand struct {
	MerchantCode string `json:"merchant_code"`
	DisplayName  string `json:"display_name"`
}

type ListMerchantBrandsResponse struct {
	TotalItems int             `json:"total_items"`
	TotalPages int             `json:"total_pages"`
	Data       []MerchantBrand `json:"data"`
}

func (c *sdk) RetrieveBalance(ctx context.Context, currency string, o ...*RequestOptions) (*IssuingBalance, error) {
	var out IssuingBalance
	if err := c.do(ctx, http.MethodPost, "/v1/issuing/balances", &RetrieveBalanceRequest{Currency: currency}, &out, o...); err != nil {
		return nil, fmt.Errorf("failed to retrieve balance: %w", err)
	}
	return &out, nil
}

func (c *sdk) ListBalances(ctx context.Context, pageSize, pageNumber int, o ...*RequestOptions) (*ListBalancesResponse, error) {
	var out ListBalancesResponse
	if err := c.do(ctx, http.MethodGet, fmt.Sprintf("/v1/issuing/balances?page_size=%d&page_number=%d", pageSize, pageNumber), nil, &out, o...); err != nil {
		return nil, fmt.Errorf("failed to list balances: %w", err)
	}
	return &out, nil
}

func (c *sdk) ListBalanceTransactions(ctx context.Context, pageSize, pageNumber int, start, end string, o ...*RequestOptions) (*ListBalanceTransactionsResponse, error) {
	q := url.Values{}
	q.Set("page_size", strconv.Itoa(pageSize))
	q.Set("page_number", strconv.Itoa(pageNumber))
	if start != "" {
		q.Set("start_time", start)
	}
	if end != "" {
		q.Set("end_time", end)
	}
	var out ListBalanceTransactionsResponse
	if err := c.do(ctx, http.MethodGet, "/v1/issuing/balances/transactions?"+q.Encode(), nil, &out, o...); err != nil {
		return nil, fmt.Errorf("failed to list balance transactions: %w", err)
	}
	return &out, nil
}

func (c *sdk) CreateTransfer(ctx context.Context, r *CreateTransferRequest, o ...*RequestOptions) (*CreateTransferResponse, error) {
	return call[CreateTransferResponse](ctx, c, http.MethodPost, "/v1/issuing/transfers", r, "failed to create transfer", o...)
}

func (c *sdk) GetTransfer(ctx context.Context, id string, o ...*RequestOptions) (*Transfer, error) {
	return call[Transfer](ctx, c, http.MethodGet, "/v1/issuing/transfers/"+id, nil, "failed to get transfer", o...)
}

func (c *sdk) CreateReport(ctx context.Context, r *CreateReportRequest, o ...*RequestOptions) (*CreateReportResponse, error) {
	return call[CreateReportResponse](ctx, c, http.MethodPost, "/v1/issuing/reports", r, "failed to create report", o...)
}

func (c *sdk) DownloadReport(ctx context.Context, id string) ([]byte, error) {
	if id == "" {
		return nil, errors.New("report id is required")
	}
	return c.getRaw(ctx, "/v1/issuing/reports/"+id)
}

func (c *sdk) ListMerchantBrands(ctx context.Context, pageNumber, pageSize int, displayName, code string, o ...*RequestOptions) (*ListMerchantBrandsResponse, error) {
	q := url.Values{}
	q.Set("page_number", strconv.Itoa(pageNumber))
	q.Set("page_size", strconv.Itoa(pageSize))
	if displayName != "" {
		q.Set("display_name", displayName)
	}
	if code != "" {
		q.Set("merchant_code", code)
	}
	var out ListMerchantBrandsResponse
	if err := c.do(ctx, http.MethodGet, "/v1/issuing/merchant_brands?"+q.Encode(), nil, &out, o...); err != nil {
		return nil, fmt.Errorf("failed to list merchant brands: %w", err)
	}
	return &out, nil
}

// ---- simulator/issuing.go

type AuthorizationRequest struct {
	CardID               string  `json:"card_id"`
	TransactionAmount    float64 `json:"transaction_amount"`
	TransactionCurrency  string  `json:"transaction_currency"`
	MerchantName         string  `json:"merchant_name"`
	MerchantCategoryCode string  `json:"merchant_category_code"`
}

type ReversalRequest struct {
	TransactionID string `json:"transaction_id"`
}

type AuthorizationResponse struct {
	CardID               string                 `json:"card_id"`
	CardNumber           string                 `json:"card_number"`
	CardholderID         string                 `json:"cardholder_id"`
	TransactionID        string                 `json:"transaction_id"`
	TransactionType      string                 `json:"transaction_type"`
	CardAvailableBalance float64                `json:"card_available_balance"`
	AuthorizationCode    string                 `json:"authorization_code"`
	BillingAmount        float64                `json:"billing_amount"`
	BillingCurrency      string                 `json:"billing_currency"`
	TransactionAmount    float64                `json:"transaction_amount"`
	TransactionCurrency  string                 `json:"transaction_currency"`
	TransactionTime      string                 `json:"transaction_time"`
	PostedTime           string                 `json:"posted_time"`
	MerchantData         map[string]interface{} `json:"merchant_data"`
	FailureReason        string                 `json:"failure_reason"`
	TransactionStatus    string                 `json:"transaction_status"`
}

func (c *sdk) SimulateAuthorization(ctx context.Context, r *AuthorizationRequest, o ...*RequestOptions) (*AuthorizationResponse, error) {
	return call[AuthorizationResponse](ctx, c, http.MethodPost, "/v1/simulation/issuing/authorization", r, "failed to simulate authorization", o...)
}

func (c *sdk) SimulateReversal(ctx context.Context, r *ReversalRequest, o ...*RequestOptions) (*AuthorizationResponse, error) {
	return call[AuthorizationResponse](ctx, c, http.MethodPost, "/v1/simulation/issuing/reversal", r, "failed to simulate reversal", o...)
}

// ---- simulator/deposits.go (@51129d6)

type CreateDepositRequest struct {
	Amount                float64 `json:"amount"`
	Currency              string  `json:"currency"`
	ReceiverAccountNumber string  `json:"receiver_account_number,omitempty"`
	SenderSwiftCode       string  `json:"sender_swift_code"`
	SenderAccountNumber   string  `json:"sender_account_number,omitempty"`
	SenderCountry         string  `json:"sender_country,omitempty"`
	SenderName            string  `json:"sender_name,omitempty"`
}

type DepositSender struct {
	SenderName          string `json:"sender_name"`
	SenderCountry       string `json:"sender_country"`
	SenderAccountNumber string `json:"sender_account_number"`
	SenderSwiftCode     string `json:"sender_swift_code"`
}

type CreateDepositResponse struct {
	DepositID             string        `json:"deposit_id"`
	ShortReferenceID      string        `json:"short_reference_id"`
	Amount                string        `json:"amount"`
	Currency              string        `json:"currency"`
	DepositStatus         string        `json:"deposit_status"`
	CreateTime            string        `json:"create_time"`
	CompleteTime          string        `json:"complete_time"`
	ReceiverAccountNumber string        `json:"receiver_account_number"`
	Sender                DepositSender `json:"sender"`
}

func (c *sdk) SimulateDeposit(ctx context.Context, r *CreateDepositRequest, o ...*RequestOptions) (*CreateDepositResponse, error) {
	return call[CreateDepositResponse](ctx, c, http.MethodPost, "/v1/simulation/deposit", r, "failed to simulate deposit", o...)
}

// ---- webhook (webhook/webhook.go, issuing.go, verifier.go @038fb5be)

type Event struct {
	Version   string          `json:"version"`
	EventName string          `json:"event_name"`
	EventType string          `json:"event_type"`
	EventID   string          `json:"event_id"`
	SourceID  string          `json:"source_id"`
	Data      json.RawMessage `json:"data"`
}

type WebhookCardholder struct {
	Reason           string `json:"reason,omitempty"`
	CardholderID     string `json:"cardholder_id"`
	CardholderStatus string `json:"cardholder_status"`
	FirstName        string `json:"first_name"`
	LastName         string `json:"last_name"`
	Email            string `json:"email,omitempty"`
	PhoneNumber      string `json:"phone_number,omitempty"`
	CountryCode      string `json:"country_code,omitempty"`
	DateOfBirth      string `json:"date_of_birth,omitempty"`
	NumberOfCards    int    `json:"number_of_cards,omitempty"`
	CreateTime       string `json:"create_time,omitempty"`
}

type SpendingLimit struct {
	Amount   string `json:"amount"`
	Interval string `json:"interval"`
}

type RiskControl struct {
	Allow3DSTransactions           string `json:"allow_3ds_transactions,omitempty"`
	AllowOnlineTransactions        string `json:"allow_online_transactions,omitempty"`
	AllowATMTransactions           string `json:"allow_atm_transactions,omitempty"`
	AllowContactlessTransactions   string `json:"allow_contactless_transactions,omitempty"`
	AllowInternationalTransactions string `json:"allow_international_transactions,omitempty"`
}

type CardData struct {
	CardID               string             `json:"card_id"`
	CardProductID        string             `json:"card_product_id,omitempty"`
	CardOrderID          string             `json:"card_order_id,omitempty"`
	CardNumber           string             `json:"card_number"`
	CardBin              string             `json:"card_bin,omitempty"`
	CardScheme           string             `json:"card_scheme"`
	CardStatus           string             `json:"card_status"`
	CardCurrency         string             `json:"card_currency,omitempty"`
	CardLimit            string             `json:"card_limit,omitempty"`
	CardAvailableBalance string             `json:"card_available_balance,omitempty"`
	AvailableBalance     string             `json:"available_balance,omitempty"`
	FormFactor           string             `json:"form_factor"`
	ModeType             string             `json:"mode_type"`
	OrderStatus          string             `json:"order_status,omitempty"`
	NoPinPaymentAmount   string             `json:"no_pin_payment_amount,omitempty"`
	Cardholder           *WebhookCardholder `json:"cardholder,omitempty"`
	SpendingLimits       []SpendingLimit    `json:"spending_limits,omitempty"`
	SpendingControls     []SpendingLimit    `json:"spending_controls,omitempty"`
	RiskControl          *RiskControl       `json:"risk_control,omitempty"`
	Metadata             map[string]string  `json:"metadata,omitempty"`
}

type CardStatusUpdateData struct {
	CardID       string `json:"card_id"`
	CardNumber   string `json:"card_number"`
	CardStatus   string `json:"card_status"`
	UpdateReason string `json:"update_reason,omitempty"`
	UpdateTime   string `json:"update_time,omitempty"`
}

type CardActivationCodeData struct {
	CardID         string `json:"card_id"`
	CardNumber     string `json:"card_number"`
	ActivationCode string `json:"activation_code"`
}

type CardRechargeData struct {
	CardID               string `json:"card_id"`
	Amount               string `json:"amount"`
	CardCurrency         string `json:"card_currency"`
	CardAvailableBalance string `json:"card_available_balance"`
	CardStatus           string `json:"card_status"`
	OrderStatus          string `json:"order_status"`
	CompleteTime         string `json:"complete_time,omitempty"`
	UpdateTime           string `json:"update_time,omitempty"`
}

func (e *Event) ParseCardData() (*CardData, error) {
	switch e.EventType {
	case "card.create.succeeded", "card.create.failed", "card.update.succeeded", "card.update.failed":
	default:
		return nil, fmt.Errorf("event type %s is not a card event", e.EventType)
	}
	var d CardData
	return &d, json.Unmarshal(e.Data, &d)
}

func (e *Event) ParseCardStatusUpdateData() (*CardStatusUpdateData, error) {
	if e.EventType != "card.status.update.succeeded" && e.EventType != "card.status.update.failed" {
		return nil, fmt.Errorf("event type %s is not a status event", e.EventType)
	}
	var d CardStatusUpdateData
	return &d, json.Unmarshal(e.Data, &d)
}

func (e *Event) ParseCardRechargeData() (*CardRechargeData, error) {
	if e.EventType != "card.recharge.succeeded" && e.EventType != "card.recharge.failed" {
		return nil, fmt.Errorf("event type %s is not a recharge event", e.EventType)
	}
	var d CardRechargeData
	return &d, json.Unmarshal(e.Data, &d)
}

func (e *Event) ParseCardActivationCodeData() (*CardActivationCodeData, error) {
	if e.EventType != "card.activation.code" {
		return nil, fmt.Errorf("event type %s is not card.activation.code", e.EventType)
	}
	var d CardActivationCodeData
	return &d, json.Unmarshal(e.Data, &d)
}

// DepositData is webhook/deposit.go (@51129d6).
type DepositData struct {
	DirectID         string `json:"direct_id"`
	AccountID        string `json:"account_id"`
	AccountName      string `json:"account_name"`
	DepositID        string `json:"deposit_id"`
	ShortReferenceID string `json:"short_reference_id"`
	DepositCurrency  string `json:"deposit_currency"`
	DepositAmount    string `json:"deposit_amount"`
	DepositFee       string `json:"deposit_fee"`
	CreateTime       string `json:"create_time"`
	CompleteTime     string `json:"complete_time"`
	UpdateTime       string `json:"update_time"`
	DepositStatus    string `json:"deposit_status"`
	DepositReference string `json:"deposit_reference"`
}

// ParseDepositData is Event.ParseDepositData: event_name must be DEPOSIT.
func (e *Event) ParseDepositData() (*DepositData, error) {
	if e.EventName != "DEPOSIT" {
		return nil, fmt.Errorf("event type %s is not a deposit event", e.EventType)
	}
	var d DepositData
	if err := json.Unmarshal(e.Data, &d); err != nil {
		return nil, fmt.Errorf("failed to parse deposit data: %w", err)
	}
	return &d, nil
}

// Verifier is webhook.Verifier as stored at 038fb5be: seconds only.
type Verifier struct {
	secret    []byte
	tolerance time.Duration
	now       func() time.Time
}

func NewVerifier(secret string) *Verifier {
	return &Verifier{secret: []byte(secret), tolerance: 5 * time.Minute, now: core.WallNow}
}

func (v *Verifier) ConstructEvent(payload []byte, signatureHeader, timestampHeader string) (*Event, error) {
	if signatureHeader == "" {
		return nil, fmt.Errorf("webhook header missing: x-wk-signature")
	}
	if timestampHeader == "" {
		return nil, fmt.Errorf("webhook header missing: x-wk-timestamp")
	}
	timestamp, err := strconv.ParseInt(timestampHeader, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("invalid x-wk-timestamp %q: %w", timestampHeader, err)
	}
	if delta := v.now().Sub(time.Unix(timestamp, 0)); delta > v.tolerance || delta < -v.tolerance {
		return nil, fmt.Errorf("webhook timestamp is outside the allowed tolerance of %s", v.tolerance)
	}
	received, err := hex.DecodeString(signatureHeader)
	if err != nil {
		return nil, fmt.Errorf("webhook signature verification failed")
	}
	mac := hmac.New(sha512.New, v.secret)
	_, _ = mac.Write(payload)
	_, _ = mac.Write([]byte(timestampHeader))
	if !hmac.Equal(mac.Sum(nil), received) {
		return nil, fmt.Errorf("webhook signature verification failed")
	}
	var event Event
	if err := json.Unmarshal(payload, &event); err != nil {
		return nil, fmt.Errorf("webhook body is not valid JSON: %w", err)
	}
	return &event, nil
}

func ptr[T any](v T) *T { return &v }
