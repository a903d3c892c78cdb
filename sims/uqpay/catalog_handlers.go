package uqpay

// Catalogue endpoints — UQPay Card Issuance v1.6 "List Card Products",
// "List Card Arts", "Set Default Card Art" and "List Merchant Brands".

import (
	"net/http"
	"strings"

	"github.com/mocksrv/mocksrv/sims/core"
)

type noPinJSON struct {
	Amount   string `json:"amount"`
	Currency string `json:"currency"`
}

type productJSON struct {
	ProductID          string          `json:"product_id"`
	ModeType           Mode            `json:"mode_type"`
	CardBin            string          `json:"card_bin"`
	CardForm           []string        `json:"card_form"`
	MaxCardQuota       int             `json:"max_card_quota"`
	CardScheme         string          `json:"card_scheme"`
	CardCurrency       []string        `json:"card_currency"`
	ProductStatus      string          `json:"product_status"`
	NoPinPaymentAmount []noPinJSON     `json:"no_pin_payment_amount"`
	CreateTime         string          `json:"create_time"`
	UpdateTime         string          `json:"update_time"`
	KYCLevel           string          `json:"kyc_level"`
	RequiredFields     []RequiredField `json:"required_fields"`
}

// handleProductList handles "GET /api/v1/issuing/products". Each product
// carries its kyc_level and the required_fields a cardholder needs before
// a card of it is issued (the Node SDK's CardProduct; Create Card answers
// kyc_insufficient with the ones missing).
func (s *Server) handleProductList(r *http.Request) (any, error) {
	p, err := s.pageOf(r)
	if err != nil {
		return nil, err
	}
	w := core.WorldOf[*world](r)
	out := make([]productJSON, 0, len(products))
	for _, pr := range core.Paginate(products, p.window()) {
		j := productJSON{
			ProductID: pr.ID, ModeType: pr.Mode, CardBin: pr.BIN, CardForm: pr.Forms, MaxCardQuota: w.set.CardQuota,
			CardScheme: pr.Scheme, CardCurrency: pr.Currencies, ProductStatus: pr.Status,
			CreateTime: w.fmtTime(productsCreated), UpdateTime: w.fmtTime(productsCreated),
			KYCLevel: pr.KYCLevel, RequiredFields: pr.RequiredFields(),
		}
		for _, c := range pr.Currencies {
			j.NoPinPaymentAmount = append(j.NoPinPaymentAmount, noPinJSON{Amount: pr.NoPIN.String(), Currency: c})
		}
		out = append(out, j)
	}
	return listOf(out, len(products), p), nil
}

type cardArtJSON struct {
	CardArtID     string `json:"card_art_id"`
	CardProductID string `json:"card_product_id"`
	Name          string `json:"name"`
	ImageURL      string `json:"image_url"`
}

type cardArtListResponse struct {
	DefaultCardArtID string        `json:"default_card_art_id"`
	CardArts         []cardArtJSON `json:"card_arts"`
}

// defaultArtLocked returns the account's default art of a product.
func (a *account) defaultArtLocked(productID string) string {
	if id, ok := a.defaultArt[productID]; ok {
		return id
	}
	if arts := cardArts(productID); len(arts) > 0 {
		return arts[0].ID
	}
	return ""
}

// handleCardArtList handles "GET /api/v1/issuing/cards/arts", optionally
// for one card_product_id.
func (s *Server) handleCardArtList(r *http.Request) (any, error) {
	pid := r.URL.Query().Get("card_product_id")
	ids := []string{}
	if pid != "" {
		if _, ok := findProduct(pid); !ok {
			return nil, fail("product_not_found", "card_product_id %s is not a card product of this account", pid)
		}
		ids = append(ids, pid)
	} else {
		for _, p := range products {
			ids = append(ids, p.ID)
		}
	}
	w, a := s.worlds.Enter(r), accountOf(r)
	defer w.Unlock()
	out := cardArtListResponse{CardArts: []cardArtJSON{}}
	if pid != "" {
		out.DefaultCardArtID = a.defaultArtLocked(pid)
	}
	for _, id := range ids {
		for _, art := range cardArts(id) {
			out.CardArts = append(out.CardArts, cardArtJSON{art.ID, art.ProductID, art.Name, art.ImageURL})
		}
	}
	return out, nil
}

type setDefaultArtRequest struct {
	CardArtID string `json:"card_art_id"`
}

type setDefaultArtResponse struct {
	DefaultCardArtID string `json:"default_card_art_id"`
	UpdatedAt        string `json:"updated_at"`
}

// handleCardArtSetDefault handles "POST /api/v1/issuing/cards/arts/default".
func (s *Server) handleCardArtSetDefault(r *http.Request) (any, error) {
	var req setDefaultArtRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if req.CardArtID == "" {
		return nil, invalid("card_art_id is required")
	}
	art, ok := findArt(req.CardArtID)
	if !ok {
		return nil, fail("card_art_not_found", "card_art_id %s is not a card art of this account", req.CardArtID)
	}
	w, a := s.worlds.Enter(r), accountOf(r)
	defer w.Unlock()
	a.defaultArt[art.ProductID] = art.ID
	return setDefaultArtResponse{DefaultCardArtID: art.ID, UpdatedAt: w.fmtTime(w.Now())}, nil
}

// handleMerchantBrandList handles "GET /api/v1/issuing/merchant_brands",
// filtered by display_name (substring, any case) and merchant_code.
func (s *Server) handleMerchantBrandList(r *http.Request) (any, error) {
	p, err := s.pageOf(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	name, code := strings.ToLower(q.Get("display_name")), q.Get("merchant_code")
	var match []MerchantBrand
	for _, b := range merchantBrands {
		if (name == "" || strings.Contains(strings.ToLower(b.DisplayName), name)) && (code == "" || b.Code == code) {
			match = append(match, b)
		}
	}
	return listOf(core.Paginate(match, p.window()), len(match), p), nil
}
