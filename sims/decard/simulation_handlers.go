package decard

// Sandbox simulations — POST /simulation/v1/fund-auth (Postman changelog
// 20260106), /simulation/v2/fund-auth, and the Java connector's
// /simulation/v1/deposit and /simulation/v1/generate-kyc-token.

import (
	"net/http"
	"strings"

	"github.com/mocksrv/mocksrv/sims/core"
)

type fundAuthRequest struct {
	ExternalUserID string       `json:"externalUserId"`
	CardMantissa   string       `json:"cardMantissa"`
	CardID         flexString   `json:"cardId"`
	AuthType       string       `json:"authType"`
	Amount         core.Decimal `json:"amount"`
	Currency       string       `json:"currency"`
	MerchantName   string       `json:"merchantName"` // mocksrv extension, optional
}

// fundAuthJSON is fund-auth's data, as the Java connector reads it.
type fundAuthJSON struct {
	Approved  bool    `json:"approved"`
	ErrorCode *string `json:"errorCode"`
}

// handleFundAuth handles "POST /simulation/v1/fund-auth": a card-network
// authorisation on the card cardMantissa selects.
func (s *Server) handleFundAuth(r *http.Request) (any, error) { return s.fundAuth(r, false) }

// handleFundAuthV2 handles "POST /simulation/v2/fund-auth": the same, by
// cardId.
func (s *Server) handleFundAuthV2(r *http.Request) (any, error) { return s.fundAuth(r, true) }

func (s *Server) fundAuth(r *http.Request, v2 bool) (any, error) {
	var req fundAuthRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	typ := AuthType(req.AuthType)
	switch {
	case typ != AuthExpend && typ != AuthRefund:
		return nil, invalid("authType must be EXPEND (or REFUND), got %q", req.AuthType)
	case v2 && req.CardID == "":
		return nil, invalid("cardId is required")
	case !v2 && req.CardMantissa == "":
		return nil, invalid("cardMantissa is required")
	case req.Amount.Sign() <= 0 || req.Amount.Places() > 2 || req.Amount.Cmp(core.MustDecimal("1000000")) > 0:
		return nil, fail("CARD_TRANSACTION_UNREASONABLE_AMOUNT", text{"amount must be more than 0 and at most 1000000 with at most 2 decimals, got %s",
			"amount 必须大于 0、不超过 1000000 且最多 2 位小数，实际为 %s"}, req.Amount.String())
	}
	currency := strings.ToUpper(req.Currency)
	if _, ok := currencyNumeric[currency]; !ok {
		return nil, fail("CARD_TRANSACTION_UNSUPPORTED_CURRENCY", text{"currency %q (supported: USD, SGD, EUR, GBP, HKD, CNY, JPY)", "currency %q（支持 USD、SGD、EUR、GBP、HKD、CNY、JPY）"}, req.Currency)
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	if _, ok := w.rate(currency); !ok {
		return nil, fail("CARD_TRANSACTION_UNSUPPORTED_CURRENCY", text{"currency %q has no rate", "currency %q 无汇率"}, currency)
	}
	u, err := w.userLocked(req.ExternalUserID)
	if err != nil {
		return nil, err
	}
	sel := cardSelector{user: u.ID, mantissa: req.CardMantissa}
	if v2 {
		sel = cardSelector{user: u.ID, id: string(req.CardID)}
	}
	c, err := w.cardLocked(sel)
	if err != nil {
		return nil, err
	}
	merchant := req.MerchantName
	if merchant == "" {
		merchant = merchantName(w.Faker.Company(), w.Faker.City(), "SG")
	}
	rule := ""
	if m, ok := magic.Find(fieldAuthAmount, req.Amount.String()); ok {
		rule = m.Rule
	}
	res := w.authorizeLocked(u, c, typ, req.Amount, currency, merchant, rule)
	if res.Steered {
		announce(r, rule)
	}
	if !res.Approved {
		return fundAuthJSON{Approved: false, ErrorCode: &res.ErrorCode}, nil
	}
	return fundAuthJSON{Approved: true}, nil
}

type depositRequest struct {
	Chain    string       `json:"chain"`
	Currency string       `json:"currency"`
	Amount   core.Decimal `json:"amount"`
	Address  string       `json:"address"`
}

// handleSimDeposit handles "POST /simulation/v1/deposit": an on-chain
// deposit to a user's deposit address, which runs through ORDER_STATUS
// pushes to a credited wallet. data is null.
func (s *Server) handleSimDeposit(r *http.Request) (any, error) {
	var req depositRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if _, err := lookupNetwork(req.Chain, req.Currency); err != nil {
		return nil, err
	}
	if req.Amount.Sign() <= 0 {
		return nil, fail("CARD_TRANSACTION_UNREASONABLE_AMOUNT", text{"amount must be positive, got %s", "amount 必须为正数，实际为 %s"}, req.Amount.String())
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	a, ok := w.addresses[req.Address]
	if !ok || a.Network != req.Chain {
		return nil, invalid("address %q is not a %s deposit address of this partner's users (get one from /crypto/v1/deposit-address)", req.Address, req.Chain)
	}
	w.depositLocked(a, req.Currency, req.Amount, "", find(r, fieldDepositAmount, req.Amount.String()))
	return nil, nil
}

// depositLocked opens a deposit order (PENDING_NORMAL) and schedules its
// next step; outcome (deposit.fail, deposit.audit or "") is how it goes on.
func (w *world) depositLocked(a Address, asset string, amount core.Decimal, from, outcome string) Deposit {
	now := w.Now()
	if from == "" {
		from = "0x" + w.Faker.HexID(20)
	}
	d := Deposit{TxHash: "0x" + w.Faker.HexID(32), UserID: a.UserID, Asset: asset, Network: a.Network, Amount: amount,
		From: from, To: a.Address, Status: DepositPendingNormal, Outcome: outcome, CreatedAt: now}
	w.deposits.Put(d.TxHash, d)
	w.pushLocked(eventOrderStatus, d.UserID, now, orderData(d))
	w.Agenda.Schedule(now.Add(w.set.DepositDelay.D()), taskDepositStep, d.TxHash)
	return d
}

type kycTokenRequest struct {
	ExternalUserID string `json:"externalUserId"`
}

type kycTokenJSON struct {
	Token string `json:"token"`
}

// handleKYCToken handles "POST /simulation/v1/generate-kyc-token": a
// sandbox Sumsub share token for kycInfo.sumsubShareToken.
func (s *Server) handleKYCToken(r *http.Request) (any, error) {
	var req kycTokenRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	if _, err := w.userLocked(req.ExternalUserID); err != nil {
		return nil, err
	}
	return kycTokenJSON{"_act-sbx-jwt-mocksrv." + w.Faker.HexID(24)}, nil
}
