package keysecure

// Account endpoints — KeySecure Open API "Account" section
// (credit-extension mode).

import (
	"cmp"
	"encoding/json"
	"net/http"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

type transferRequest struct {
	CardholderNo     string          `json:"cardholder_no"`
	TransferUniqueNo string          `json:"transfer_unique_no"`
	Type             string          `json:"type"`
	Balance          json.RawMessage `json:"balance"`
}

type transferJSON struct {
	TransferNo       string `json:"transfer_no"`
	TransferUniqueNo string `json:"transfer_unique_no"`
	BeforeBalance    string `json:"before_balance"`
	AfterBalance     string `json:"after_balance"`
}

// creditOnly refuses an endpoint of credit-extension mode for a merchant
// in authorization mode (1012).
func creditOnly(w *world) error {
	if w.set.Mode == ModeAuthorization {
		return fail(1012, text{"this endpoint is for credit-extension mode; this merchant is in %s mode", "该接口仅适用于授信模式，当前商户为 %s 模式"}, w.set.Mode)
	}
	return nil
}

// handleAccountTransfer handles "POST /open-api/v1/account/transfer": move
// TUSDT between the merchant reserve and a cardholder. transfer_unique_no
// is idempotent: the same request again returns the same transfer; the same
// number with a different request is 3002.
func (s *Server) handleAccountTransfer(r *http.Request) (any, error) {
	var req transferRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := requireString("cardholder_no", req.CardholderNo, 0); err != nil {
		return nil, err
	}
	if err := requireString("transfer_unique_no", req.TransferUniqueNo, 64); err != nil {
		return nil, err
	}
	typ, ok := normalizeTransferType(req.Type)
	if !ok {
		return nil, invalid(text{"type must be In or Out, got %q", "type 必须为 In 或 Out，实际为 %q"}, req.Type)
	}
	var raw string
	if json.Unmarshal(req.Balance, &raw) != nil {
		return nil, invalid(text{`balance must be a string amount like "100.00", got %s`, `balance 必须为字符串金额（如 "100.00"），实际为 %s`}, string(req.Balance))
	}
	amount, err := core.ParseDecimal(raw)
	if err != nil || amount.Sign() <= 0 || amount.Places() > 2 {
		return nil, invalid(text{"balance must be a positive amount with at most 2 decimals, got %q", "balance 必须为最多两位小数的正数，实际为 %q"}, raw)
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	if err := creditOnly(w); err != nil {
		return nil, err
	}
	if no, dup := w.transferByUnique[req.TransferUniqueNo]; dup {
		t, _ := w.transfers.Get(no)
		if t.CardholderNo != req.CardholderNo || t.Type != typ || t.Amount.Cmp(amount) != 0 {
			return nil, fail(3002, text{"transfer_unique_no %s is transfer %s with a different cardholder, type or balance", "transfer_unique_no %s 已用于另一笔划转 %s"}, req.TransferUniqueNo, no)
		}
		return transferOut(t), nil
	}
	h, err := w.requireApprovedLocked(req.CardholderNo)
	if err != nil {
		return nil, err
	}
	t, err := w.transferLocked(h, req.TransferUniqueNo, typ, amount)
	if err != nil {
		return nil, err
	}
	return transferOut(t), nil
}

func transferOut(t Transfer) transferJSON {
	return transferJSON{t.ID, t.UniqueNo, t.Before.StringFixed(2), t.After.StringFixed(2)}
}

// handleAccountInfo handles "GET /open-api/v1/account/{cardholder_no}/info".
func (s *Server) handleAccountInfo(r *http.Request) (any, error) {
	no := core.PathVar(r, "cardholder_no")
	w := s.worlds.Enter(r)
	defer w.Unlock()
	if err := creditOnly(w); err != nil {
		return nil, err
	}
	h, ok := w.cardholders.Get(no)
	if !ok {
		return nil, fail(2002, text{"cardholder_no %s", "cardholder_no %s"}, no)
	}
	return listData[accountJSON]{List: []accountJSON{accountOf(h)}}, nil
}

type transferListRequest struct {
	CardholderNo     string `json:"cardholder_no"`
	TransferNo       string `json:"transfer_no"`
	TransferUniqueNo string `json:"transfer_unique_no"`
	timeWindow
	pageParams
}

type transferListJSON struct {
	TransferNo       string `json:"transfer_no"`
	TransferUniqueNo string `json:"transfer_unique_no"`
	CardholderNo     string `json:"cardholder_no"`
	Type             string `json:"type"`
	Balance          string `json:"balance"`
	BeforeBalance    string `json:"before_balance"`
	AfterBalance     string `json:"after_balance"`
	Status           Status `json:"status"`
	Time             int64  `json:"time"`
}

// handleAccountTransferList handles "POST /open-api/v1/account/transfer/list",
// newest first.
func (s *Server) handleAccountTransferList(r *http.Request) (any, error) {
	var req transferListRequest
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
	if err := creditOnly(w); err != nil {
		return nil, err
	}
	var items []Transfer
	if no := cmp.Or(req.TransferNo, w.transferByUnique[req.TransferUniqueNo]); req.TransferNo != "" || req.TransferUniqueNo != "" {
		t, ok := w.transfers.Get(no)
		items = only(t, ok, func(t Transfer) time.Time { return t.CreatedAt }, from, to, win, func(t Transfer) bool {
			return (req.TransferUniqueNo == "" || t.UniqueNo == req.TransferUniqueNo) && (req.CardholderNo == "" || t.CardholderNo == req.CardholderNo)
		})
	} else {
		q := core.Query[Transfer]{From: from, To: to, Desc: true, Window: win}
		if req.CardholderNo != "" {
			q.Index, q.Value = "cardholder", req.CardholderNo
		}
		items = w.transfers.Query(q).Items
	}
	out := make([]transferListJSON, 0, len(items))
	for _, t := range items {
		out = append(out, transferListJSON{t.ID, t.UniqueNo, t.CardholderNo, t.Type, t.Amount.StringFixed(2),
			t.Before.StringFixed(2), t.After.StringFixed(2), t.Status, t.CreatedAt.UnixMilli()})
	}
	return listData[transferListJSON]{List: out}, nil
}
