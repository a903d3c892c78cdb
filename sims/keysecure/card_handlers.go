package keysecure

// Card endpoints — KeySecure Open API "Card" section.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

type cardApplyRequest struct {
	CardBinNo    string   `json:"card_bin_no"`
	CardholderNo string   `json:"cardholder_no"`
	PackageNo    string   `json:"package_no"`
	CardType     CardType `json:"card_type"`
	CardUniqueNo string   `json:"card_unique_no"`
	AddressInfo  *Address `json:"address_info"`
}

type cardRef struct {
	CardNo       string `json:"card_no"`
	CardUniqueNo string `json:"card_unique_no"`
}

var (
	addressChars = regexp.MustCompile(`^[A-Za-z0-9 ,.#'/()&:;+\-]+$`)
	nameChars    = regexp.MustCompile(`^[A-Za-z][A-Za-z .'\-]*$`)
	digits       = regexp.MustCompile(`^[0-9]+$`)
	countryCode  = regexp.MustCompile(`^[A-Z]{2}$`)
)

// validate checks the fields the docs constrain, naming the field.
func (req cardApplyRequest) validate() error {
	if err := requireString("cardholder_no", req.CardholderNo, 64); err != nil {
		return err
	}
	if err := requireString("card_unique_no", req.CardUniqueNo, 64); err != nil {
		return err
	}
	if req.CardType != Virtual && req.CardType != Physical {
		return invalid(text{"card_type must be Virtual or Physical, got %q", "card_type 必须为 Virtual 或 Physical，实际为 %q"}, req.CardType)
	}
	if req.CardBinNo == "" && req.PackageNo == "" {
		return invalid(text{"one of card_bin_no (authorization mode) or package_no (credit-extension mode) is required",
			"card_bin_no（授权模式）与 package_no（授信模式）至少传一个"})
	}
	if req.CardType == Physical && req.AddressInfo == nil {
		return invalid(text{"address_info is required for Physical cards", "实体卡必须传 address_info"})
	}
	if req.AddressInfo != nil {
		return req.AddressInfo.validate(req.CardType == Physical)
	}
	return nil
}

func (a Address) validate(physical bool) error {
	fields := []struct {
		name, v  string
		required bool
	}{
		{"first_name", a.FirstName, physical}, {"last_name", a.LastName, physical},
		{"phone_code", a.PhoneCode, physical}, {"phone", a.Phone, physical},
		{"postal_code", a.PostalCode, true}, {"country", a.Country, true}, {"state", a.State, true},
		{"city", a.City, true}, {"address_line1", a.AddressLine1, true}, {"address_line2", a.AddressLine2, physical},
	}
	for _, f := range fields {
		field := "address_info." + f.name
		switch {
		case f.v == "" && f.required:
			return invalid(text{"%s is required", "%s 不能为空"}, field)
		case f.v == "":
		case f.name == "first_name" || f.name == "last_name":
			if !nameChars.MatchString(f.v) {
				return fail(2008, text{"%s %q", "%s %q"}, field, f.v)
			}
		case f.name == "phone_code" || f.name == "phone":
			if !digits.MatchString(f.v) {
				return fail(2009, text{"%s %q (no '+', spaces or dashes)", "%s %q（不含 '+'、空格或横线）"}, field, f.v)
			}
		case f.name == "country":
			if !countryCode.MatchString(f.v) {
				return invalid(text{"%s must be an ISO 3166-1 alpha-2 code like US, got %q", "%s 必须为 ISO 3166-1 两位国家码（如 US），实际为 %q"}, field, f.v)
			}
		default:
			if !addressChars.MatchString(f.v) {
				return fail(2007, text{"%s %q", "%s %q"}, field, f.v)
			}
		}
	}
	return nil
}

// pickProduct resolves the package or BIN a card is applied under, honouring
// the tenant's integration mode (1012 when the mode does not offer it).
func pickProduct(mode Mode, req cardApplyRequest) (Package, error) {
	if req.PackageNo != "" && mode != ModeAuthorization {
		p, ok := findPackage(req.PackageNo)
		if !ok {
			return p, fail(4004, text{"package_no %s", "package_no %s"}, req.PackageNo)
		}
		if p.Type != req.CardType {
			return p, invalid(text{"package %s issues %s cards, not %s", "套餐 %s 仅发行 %s 卡，不支持 %s"}, p.PackageNo, p.Type, req.CardType)
		}
		return p, nil
	}
	if req.CardBinNo != "" && mode != ModeCredit {
		b, ok := findBin(req.CardBinNo)
		if !ok {
			return b, fail(4004, text{"card_bin_no %s", "card_bin_no %s"}, req.CardBinNo)
		}
		return b, nil
	}
	return Package{}, fail(1012, text{"this merchant is in %s mode", "该商户为 %s 模式"}, mode)
}

// handleCardApply handles "POST /open-api/v1/card/apply". card_unique_no
// is idempotent: applying again returns the same card.
func (s *Server) handleCardApply(r *http.Request) (any, error) {
	var req cardApplyRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()

	if no, ok := w.cardByUnique[req.CardUniqueNo]; ok {
		c, _ := w.cards.Get(no)
		if c.CardholderNo != req.CardholderNo {
			return nil, fail(4003, text{"card_unique_no %s belongs to card %s of another cardholder", "card_unique_no %s 已用于其他持卡人的卡片 %s"}, req.CardUniqueNo, no)
		}
		return cardRef{c.ID, c.UniqueNo}, nil
	}
	pkg, err := pickProduct(w.set.Mode, req)
	if err != nil {
		return nil, err
	}
	h, err := w.requireApprovedLocked(req.CardholderNo)
	if err != nil {
		return nil, err
	}
	c := w.newCardLocked(h, req.CardUniqueNo, req.CardType, pkg, req.AddressInfo, w.set.IssueDelay.D(), w.set.CardValidity)
	if m, ok := magic.Find("card_unique_no", req.CardUniqueNo); ok {
		c.Outcome = m.Rule
		w.cards.Put(c.ID, c)
		core.Announce(r, m)
	}
	return cardRef{c.ID, c.UniqueNo}, nil
}

type cardListRequest struct {
	CardholderNo string `json:"cardholder_no"`
	CardUniqueNo string `json:"card_unique_no"`
	CardNo       string `json:"card_no"`
	timeWindow
	pageParams
}

type cardListJSON struct {
	CardNo       string     `json:"card_no"`
	CardUniqueNo string     `json:"card_unique_no"`
	CardholderNo string     `json:"cardholder_no"`
	CardType     CardType   `json:"card_type"`
	CardLastNo   string     `json:"card_last_no"`
	Organization string     `json:"organization"`
	Status       CardStatus `json:"status"`
	Time         int64      `json:"time"`
}

func cardCreated(c Card) time.Time { return c.CreatedAt }

func cardJSON(c Card) cardListJSON {
	return cardListJSON{c.ID, c.UniqueNo, c.CardholderNo, c.Type, c.LastNo(), c.Organization, c.Status, c.CreatedAt.UnixMilli()}
}

// handleCardList handles "POST /open-api/v1/card/list". Cards come newest
// first within the time window.
func (s *Server) handleCardList(r *http.Request) (any, error) {
	var req cardListRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	win, err := req.window()
	if err != nil {
		return nil, err
	}
	from, to, err := req.span(r)
	if err != nil {
		return nil, err
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()

	no := req.CardNo
	if req.CardUniqueNo != "" {
		byUnique, ok := w.cardByUnique[req.CardUniqueNo]
		if !ok || (no != "" && no != byUnique) {
			return listData[cardListJSON]{List: []cardListJSON{}}, nil
		}
		no = byUnique
	}
	var items []Card
	if no != "" {
		c, ok := w.cards.Get(no)
		items = only(c, ok, cardCreated, from, to, win, func(c Card) bool {
			return req.CardholderNo == "" || c.CardholderNo == req.CardholderNo
		})
	} else {
		q := core.Query[Card]{From: from, To: to, Desc: true, Window: win}
		if req.CardholderNo != "" {
			q.Index, q.Value = "cardholder", req.CardholderNo
		}
		items = w.cards.Query(q).Items
	}
	out := make([]cardListJSON, 0, len(items))
	for _, c := range items {
		out = append(out, cardJSON(c))
	}
	return listData[cardListJSON]{List: out}, nil
}

type cardDetailJSON struct {
	CardNo        string     `json:"card_no"`
	CardUniqueNo  string     `json:"card_unique_no"`
	CardholderNo  string     `json:"cardholder_no"`
	CardName      string     `json:"card_name"`
	PackageNameEN string     `json:"package_name_en"`
	PackageNameCN string     `json:"package_name_cn"`
	CardType      CardType   `json:"card_type"`
	Organization  string     `json:"organization"`
	CardLastNo    string     `json:"card_last_no"`
	FeeDetail     FeeDetail  `json:"fee_detail"`
	Status        CardStatus `json:"status"`
	Time          int64      `json:"time"`
}

// productOf returns the package or BIN a card was issued under.
func productOf(c Card) Package {
	if p, ok := findPackage(c.PackageNo); ok {
		return p
	}
	b, _ := findBin(c.BinNo)
	return b
}

// handleCardDetail handles "GET /open-api/v1/card/{card_no}/detail".
func (s *Server) handleCardDetail(r *http.Request) (any, error) {
	no := core.PathVar(r, "card_no")
	w := s.worlds.Enter(r)
	defer w.Unlock()
	c, err := w.cardLocked(no)
	if err != nil {
		return nil, err
	}
	p := productOf(c)
	return cardDetailJSON{
		CardNo: c.ID, CardUniqueNo: c.UniqueNo, CardholderNo: c.CardholderNo, CardName: c.Name,
		PackageNameEN: p.NameEN, PackageNameCN: p.NameCN, CardType: c.Type, Organization: c.Organization,
		CardLastNo: c.LastNo(), FeeDetail: p.Fees, Status: c.Status, Time: c.CreatedAt.UnixMilli(),
	}, nil
}

// privateInfo is the plaintext of the card privacy data.
type privateInfo struct {
	CardNo       string `json:"card_no"`
	CardUniqueNo string `json:"card_unique_no"`
	CVV          string `json:"cvv"`
	PAN          string `json:"pan"`
	ExpYear      string `json:"exp_year"`
	ExpMonth     string `json:"exp_month"`
}

// handleCardPrivateInfo handles "GET /open-api/v1/card/{card_no}/private/info".
// The data is Base64 of AES/ECB/PKCS5Padding ciphertext of a JSON object.
func (s *Server) handleCardPrivateInfo(r *http.Request) (any, error) {
	no := core.PathVar(r, "card_no")
	w := s.worlds.Enter(r)
	defer w.Unlock()
	if !w.set.PCI {
		return nil, fail(1013, text{})
	}
	c, err := w.cardLocked(no)
	if err != nil {
		return nil, err
	}
	if c.Status == StatusPending || c.Status == StatusFail {
		return nil, fail(4002, text{"card %s is %s; its data exists once it is issued", "卡片 %s 为 %s 状态，发卡完成后才有卡片信息"}, c.ID, c.Status)
	}
	plain, _ := json.Marshal(privateInfo{c.ID, c.UniqueNo, c.CVV, c.PAN, strconv.Itoa(c.ExpYear), fmt.Sprintf("%02d", c.ExpMonth)})
	enc, err := Encrypt(w.creds.APISecret, w.set.AESKey, plain)
	if err != nil {
		return nil, fmt.Errorf("keysecure: encrypting private info: %w", err)
	}
	return enc, nil
}

type cardActiveRequest struct {
	CardholderNo string `json:"cardholder_no"`
	CardNo       string `json:"card_no"`
	CVV          string `json:"cvv"`
	CardLastNo   string `json:"card_last_no"`
}

type resultJSON struct {
	Result bool `json:"result"`
}

// decryptField decrypts an AES-encrypted request field, answering 4010
// (naming the field) when it does not decrypt.
func (s *Server) decryptField(w *world, field, v string) (string, error) {
	plain, err := Decrypt(w.creds.APISecret, w.set.AESKey, v)
	if err != nil {
		return "", fail(4010, text{"%s does not decrypt with this merchant's api secret (AES/ECB/PKCS5Padding, Base64): %s",
			"%s 无法用该商户 api secret 解密（AES/ECB/PKCS5Padding，Base64）：%s"}, field, err.Error())
	}
	return string(plain), nil
}

// handleCardActive handles "POST /open-api/v1/card/active": a physical card
// in ToActivate becomes Activated when the encrypted CVV and last four
// digits match.
func (s *Server) handleCardActive(r *http.Request) (any, error) {
	var req cardActiveRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	for _, f := range []struct{ name, v string }{{"cardholder_no", req.CardholderNo}, {"card_no", req.CardNo}, {"cvv", req.CVV}, {"card_last_no", req.CardLastNo}} {
		if err := requireString(f.name, f.v, 0); err != nil {
			return nil, err
		}
	}
	w := core.WorldOf[*world](r)
	cvv, err := s.decryptField(w, "cvv", req.CVV)
	if err != nil {
		return nil, err
	}
	if len(cvv) != 3 || !digits.MatchString(cvv) {
		return nil, invalid(text{"cvv must decrypt to 3 digits", "cvv 解密后必须为 3 位数字"})
	}
	s.worlds.Lock(w)
	defer w.Unlock()
	c, err := w.cardLocked(req.CardNo)
	if err != nil {
		return nil, err
	}
	switch {
	case c.CardholderNo != req.CardholderNo:
		return nil, fail(4009, text{"card %s, cardholder %s", "卡片 %s，持卡人 %s"}, c.ID, req.CardholderNo)
	case c.Type != Physical:
		return nil, fail(4017, text{"card %s is Virtual", "卡片 %s 为虚拟卡"}, c.ID)
	case c.Status != StatusToActivate:
		return nil, fail(4002, text{"card %s is %s; only ToActivate cards can be activated", "卡片 %s 为 %s，仅待激活卡片可激活"}, c.ID, c.Status)
	case c.LastNo() != req.CardLastNo:
		return nil, fail(4008, text{})
	case c.CVV != cvv:
		return nil, fail(4007, text{})
	}
	w.moveLocked(c, StatusActivated, "Activated by cardholder")
	return resultJSON{true}, nil
}

type cardStatusRequest struct {
	CardNo string     `json:"card_no"`
	Status CardStatus `json:"status"`
}

// merchantMoves are the transitions a merchant may ask for through
// card/status/update; the others belong to the platform.
var merchantMoves = map[CardStatus][]CardStatus{
	StatusActivated:  {StatusFrozen, StatusDelete},
	StatusFrozen:     {StatusActivated, StatusDelete},
	StatusToActivate: {StatusDelete},
}

var moveReasons = map[CardStatus]string{
	StatusFrozen: "Frozen by merchant", StatusActivated: "Unfrozen by merchant", StatusDelete: "Deleted by merchant",
}

// handleCardStatusUpdate handles "POST /open-api/v1/card/status/update".
func (s *Server) handleCardStatusUpdate(r *http.Request) (any, error) {
	var req cardStatusRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := requireString("card_no", req.CardNo, 0); err != nil {
		return nil, err
	}
	if req.Status != StatusActivated && req.Status != StatusFrozen && req.Status != StatusDelete {
		return nil, invalid(text{"status must be one of Activated, Frozen, Delete, got %q", "status 只能为 Activated、Frozen、Delete，实际为 %q"}, req.Status)
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	c, err := w.cardLocked(req.CardNo)
	if err != nil {
		return nil, err
	}
	if !allowed(merchantMoves, c.Status, req.Status) {
		return nil, errStatus(c, req.Status)
	}
	w.moveLocked(c, req.Status, moveReasons[req.Status])
	return resultJSON{true}, nil
}

func allowed(moves map[CardStatus][]CardStatus, from, to CardStatus) bool {
	for _, s := range moves[from] {
		if s == to {
			return true
		}
	}
	return false
}

type pinSetRequest struct {
	CardNo       string `json:"card_no"`
	CardholderNo string `json:"cardholder_no"`
	PIN          string `json:"pin"`
}

// handleCardPinSet handles "POST /open-api/v1/card/pin/set".
func (s *Server) handleCardPinSet(r *http.Request) (any, error) {
	var req pinSetRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	for _, f := range []struct{ name, v string }{{"card_no", req.CardNo}, {"cardholder_no", req.CardholderNo}, {"pin", req.PIN}} {
		if err := requireString(f.name, f.v, 0); err != nil {
			return nil, err
		}
	}
	w := core.WorldOf[*world](r)
	pin, err := s.decryptField(w, "pin", req.PIN)
	if err != nil {
		return nil, err
	}
	s.worlds.Lock(w)
	defer w.Unlock()
	c, err := w.cardLocked(req.CardNo)
	if err != nil {
		return nil, err
	}
	switch {
	case c.CardholderNo != req.CardholderNo:
		return nil, fail(4009, text{"card %s, cardholder %s", "卡片 %s，持卡人 %s"}, c.ID, req.CardholderNo)
	case c.Type != Physical:
		return nil, fail(4017, text{"card %s is Virtual", "卡片 %s 为虚拟卡"}, c.ID)
	case c.Status != StatusActivated:
		return nil, fail(4005, text{"card %s is %s", "卡片 %s 为 %s"}, c.ID, c.Status)
	case len(pin) != 6 || !digits.MatchString(pin) || core.WeakPIN(pin):
		return nil, fail(4016, text{})
	}
	c.PIN, c.UpdatedAt = pin, w.Now()
	w.cards.Put(c.ID, c)
	return resultJSON{true}, nil
}

type clientTokenJSON struct {
	ClientAccessToken string `json:"client_access_token"`
	ExpiresIn         int    `json:"expires_in"`
}

// handleClientTokenGet handles "GET /open-api/v1/merchant/client/{card_no}/token".
func (s *Server) handleClientTokenGet(r *http.Request) (any, error) {
	no := core.PathVar(r, "card_no")
	w := s.worlds.Enter(r)
	defer w.Unlock()
	if !w.set.PCI {
		return nil, fail(1013, text{})
	}
	if _, err := w.cardLocked(no); err != nil {
		return nil, err
	}
	pruneTokens(w.clientTokens, w.Now(), maxLiveTokens)
	tok := "ks_ct_" + w.Faker.HexID(16)
	w.clientTokens[tok] = w.Now().Add(w.set.ClientTokenTTL.D())
	return clientTokenJSON{tok, int(w.set.ClientTokenTTL.D().Seconds())}, nil
}
