package bkj

// Card transaction endpoints — bkj "卡交易列表", "卡交易详情", and mocksrv's
// sandbox authorization extension.

import (
	"net/http"

	"github.com/mocksrv/mocksrv/sims/core"
)

type cardTxJSON struct {
	ID               string       `json:"id"`
	CreatedAt        string       `json:"created_at"`
	UpdateAt         string       `json:"update_at"`
	Remarks          *string      `json:"remarks"`
	IDNo             jsonInt      `json:"id_no"`
	CardID           string       `json:"card_id"`
	AccountID        string       `json:"account_id"`
	Type             CardTxType   `json:"type"`
	Status           CardTxStatus `json:"status"`
	Amount           string       `json:"amount"`
	Currency         string       `json:"currency"`
	MerchantAmount   string       `json:"merchant_amount"`
	MerchantCurrency string       `json:"merchant_currency"`
	MerchantName     string       `json:"merchant_name"`
	MCC              string       `json:"mcc"`
	City             string       `json:"city"`
	Country          string       `json:"country"`
	AuthCode         string       `json:"auth_code"`
	DeclineCode      string       `json:"decline_code"` // mocksrv's: a reason of GET /_mocksrv/providers/bkj/declines, "" unless declined
	DeclineReason    string       `json:"decline_reason"`
	RelatedID        string       `json:"related_id"`
	BalanceAfter     string       `json:"balance_after"`
	TransactionTime  string       `json:"transaction_time"`
}

func cardTxOut(v view, t CardTx) cardTxJSON {
	return cardTxJSON{
		ID: t.ID, CreatedAt: v.time(t.CreatedAt), UpdateAt: v.time(t.UpdatedAt), Remarks: remarks(cmpOr(t.DeclineReason, t.Remarks)),
		IDNo: jsonInt(t.IDNo), CardID: t.CardID, AccountID: t.AccountID, Type: t.Type, Status: t.Status,
		Amount: t.Amount.String(), Currency: t.Currency, MerchantAmount: t.MerchantAmount.String(),
		MerchantCurrency: t.MerchantCurrency, MerchantName: t.MerchantName, MCC: t.MCC, City: t.City, Country: t.Country,
		AuthCode: t.AuthCode, DeclineCode: t.DeclineCode, DeclineReason: t.DeclineReason, RelatedID: t.RelatedID, BalanceAfter: t.BalanceAfter.String(),
		TransactionTime: v.time(t.CreatedAt),
	}
}

var (
	cardTxTypes    = []CardTxType{CardTopUp, CardPurchase, CardRefund, CardReversal}
	cardTxStatuses = []CardTxStatus{CardTxPending, CardTxSuccess, CardTxDeclined, CardTxReversed}
)

// handleCardTxList handles "GET /openapi/v1/card/transactions", newest
// first; filters card_id, account_id, type, status.
func (s *Server) handleCardTxList(r *http.Request) (any, error) {
	q, p, err := s.pageRequest(r)
	if err != nil {
		return nil, err
	}
	typ, st := CardTxType(q.Get("type")), CardTxStatus(q.Get("status"))
	switch {
	case typ != "" && !oneOf(typ, cardTxTypes):
		return nil, invalid(text{"type must be topup, purchase, refund or reversal, got %q", "type 只能为 topup、purchase、refund、reversal，实际为 %q"}, typ)
	case st != "" && !oneOf(st, cardTxStatuses):
		return nil, invalid(text{"status must be pending, success, declined or reversed, got %q", "status 只能为 pending、success、declined、reversed，实际为 %q"}, st)
	}
	card, account := q.Get("card_id"), q.Get("account_id")
	index, value := "", ""
	switch {
	case card != "":
		index, value = "card", card
	case account != "":
		index, value = "account", account
	}
	var keep func(CardTx) bool
	if typ != "" || st != "" || (card != "" && account != "") {
		keep = func(t CardTx) bool {
			return (typ == "" || t.Type == typ) && (st == "" || t.Status == st) && (account == "" || t.AccountID == account)
		}
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	rows, total := query(w.cardTxs, p, index, value, keep)
	v := s.viewOf(r)
	return listOf(p, rows, total, func(t CardTx) cardTxJSON { return cardTxOut(v, t) }), nil
}

// handleCardTxDetail handles "GET /openapi/v1/card/transactions/{id}".
func (s *Server) handleCardTxDetail(r *http.Request) (any, error) {
	w := s.worlds.Enter(r)
	defer w.Unlock()
	t, err := w.cardTxLocked(core.PathVar(r, "id"))
	if err != nil {
		return nil, err
	}
	return cardTxOut(s.viewOf(r), t), nil
}

type authorizeRequest struct {
	CardID           string      `json:"card_id"`
	Type             CardTxType  `json:"type"`
	Amount           amountField `json:"amount"`
	MerchantAmount   amountField `json:"merchant_amount"`
	MerchantCurrency string      `json:"merchant_currency"`
	MerchantName     string      `json:"merchant_name"`
	MCC              string      `json:"mcc"`
	City             string      `json:"city"`
	Country          string      `json:"country"`
	RelatedID        string      `json:"related_id"`
}

func (req authorizeRequest) authorization() (Authorization, error) {
	a := Authorization{CardID: req.CardID, Type: req.Type, MerchantCurrency: req.MerchantCurrency, MerchantName: req.MerchantName,
		MCC: req.MCC, City: req.City, Country: req.Country, RelatedID: req.RelatedID}
	if err := requireString("card_id", req.CardID, 64); err != nil {
		return a, err
	}
	if a.Type == "" {
		a.Type = CardPurchase
	}
	if a.Type != CardPurchase && a.Type != CardRefund && a.Type != CardReversal {
		return a, invalid(text{"type must be purchase, refund or reversal, got %q", "type 只能为 purchase、refund、reversal，实际为 %q"}, a.Type)
	}
	var err error
	if a.Type != CardReversal || len(req.Amount) > 0 {
		if a.Amount, err = req.Amount.parse("amount", 2); err != nil {
			return a, err
		}
	}
	if len(req.MerchantAmount) > 0 {
		if a.MerchantAmount, err = req.MerchantAmount.parse("merchant_amount", 2); err != nil {
			return a, err
		}
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"merchant_name", a.MerchantName, 64}, {"mcc", a.MCC, 4}, {"city", a.City, 64}, {"merchant_currency", a.MerchantCurrency, 3}} {
		if err := maxLen(f.name, f.v, f.max); err != nil {
			return a, err
		}
	}
	if a.Country != "" {
		if err := checkCountry("country", a.Country); err != nil {
			return a, err
		}
	}
	return a, nil
}

// handleSandboxAuthorize handles "POST /openapi/v1/sandbox/card/authorize",
// a mocksrv extension: simulate a purchase (authorized now, cleared after
// Delays.Clearing), a refund of a cleared purchase or a reversal of a
// pending one. A declined purchase answers code 0 with status declined.
func (s *Server) handleSandboxAuthorize(r *http.Request) (any, error) {
	var req authorizeRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	a, err := req.authorization()
	if err != nil {
		return nil, err
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	t, err := s.authorizeLocked(w, a)
	if err != nil {
		return nil, err
	}
	announce(r, t.Outcome) // a magic merchant_name declined it
	return cardTxOut(s.viewOf(r), t), nil
}
