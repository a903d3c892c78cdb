package keysecure

// Consumption endpoints — KeySecure Open API "Consumption" section, and
// mocksrv's sandbox consume extension.

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

type feeJSON struct {
	FeeType string `json:"fee_type"`
	Amount  string `json:"amount"`
}

type consumeJSON struct {
	ConsumeNo       string       `json:"consume_no"`
	ConsumeRelateNo string       `json:"consume_relate_no"`
	CardNo          string       `json:"card_no"`
	CardholderNo    string       `json:"cardholder_no"`
	Type            ConsumeType  `json:"type"`
	Amount          string       `json:"amount"`
	LocalAmount     string       `json:"local_amount"`
	LocalCurrency   string       `json:"local_currency"`
	Fee             string       `json:"fee"`
	FeeList         []feeJSON    `json:"fee_list"`
	MerchantInfo    merchantJSON `json:"merchant_info"`
	Remark          string       `json:"remark"`
	Status          Status       `json:"status"`
	Time            int64        `json:"time"`
}

func consumeInfoJSON(c Consumption) consumeJSON {
	out := consumeJSON{
		ConsumeNo: c.ID, ConsumeRelateNo: c.RelateNo, CardNo: c.CardNo, CardholderNo: c.CardholderNo, Type: c.Type,
		Amount: c.Amount.StringFixed(2), LocalAmount: c.LocalAmount.StringFixed(2), LocalCurrency: c.LocalCurrency,
		Fee: c.Fee().StringFixed(2), FeeList: []feeJSON{}, MerchantInfo: merchantOf(c.Merchant),
		Remark: c.Remark, Status: c.Status, Time: c.CreatedAt.UnixMilli(),
	}
	for _, f := range c.Fees {
		out.FeeList = append(out.FeeList, feeJSON{f.Type, f.Amount.StringFixed(2)})
	}
	return out
}

// handleConsumeInfo handles "GET /open-api/v1/card/consume/{consume_no}/info".
func (s *Server) handleConsumeInfo(r *http.Request) (any, error) {
	no := core.PathVar(r, "consume_no")
	w := s.worlds.Enter(r)
	defer w.Unlock()
	c, ok := w.consumes.Get(no)
	if !ok {
		return nil, fail(4011, text{"consume_no %s", "consume_no %s"}, no)
	}
	return consumeInfoJSON(c), nil
}

type consumeListRequest struct {
	CardholderNo string `json:"cardholder_no"`
	ConsumeNo    string `json:"consume_no"`
	CardNo       string `json:"card_no"`
	timeWindow
	pageParams
}

type consumeListJSON struct {
	ConsumeNo string      `json:"consume_no"`
	CardNo    string      `json:"card_no"`
	Type      ConsumeType `json:"type"`
	Amount    string      `json:"amount"`
	Status    Status      `json:"status"`
	Time      int64       `json:"time"`
}

// handleConsumeList handles "POST /open-api/v1/card/consume/list", newest
// first.
func (s *Server) handleConsumeList(r *http.Request) (any, error) {
	var req consumeListRequest
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
	keep := func(c Consumption) bool {
		return (req.CardNo == "" || c.CardNo == req.CardNo) && (req.CardholderNo == "" || c.CardholderNo == req.CardholderNo)
	}
	var items []Consumption
	if req.ConsumeNo != "" {
		c, ok := w.consumes.Get(req.ConsumeNo)
		items = only(c, ok, func(c Consumption) time.Time { return c.CreatedAt }, from, to, win, keep)
	} else {
		q := core.Query[Consumption]{From: from, To: to, Desc: true, Window: win}
		switch {
		case req.CardNo != "":
			q.Index, q.Value = "card", req.CardNo
			if req.CardholderNo != "" {
				q.Keep = keep // a card belongs to one cardholder: skips nothing unless they disagree
			}
		case req.CardholderNo != "":
			q.Index, q.Value = "cardholder", req.CardholderNo
		}
		items = w.consumes.Query(q).Items
	}
	out := make([]consumeListJSON, 0, len(items))
	for _, c := range items {
		out = append(out, consumeListJSON{c.ID, c.CardNo, c.Type, c.Amount.StringFixed(2), c.Status, c.CreatedAt.UnixMilli()})
	}
	return listData[consumeListJSON]{List: out}, nil
}

// sandboxConsumeRequest asks mocksrv to simulate a card transaction.
type sandboxConsumeRequest struct {
	CardNo          string          `json:"card_no"`
	Amount          json.RawMessage `json:"amount"`
	Type            ConsumeType     `json:"type"`
	ConsumeRelateNo string          `json:"consume_relate_no"`
	LocalAmount     json.RawMessage `json:"local_amount"`
	LocalCurrency   string          `json:"local_currency"`
	MerchantName    string          `json:"merchant_name"`
	MerchantMCC     string          `json:"merchant_mcc"`
	City            string          `json:"city"`
	Country         string          `json:"country"`
	Outcome         string          `json:"outcome,omitempty"` // mocksrv: consume.decline steers a decline
}

// parseAmount reads a positive amount of at most two decimals given as a
// JSON string or number.
func parseAmount(field string, raw json.RawMessage, required bool) (core.Decimal, error) {
	s := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	if len(raw) == 0 || s == "null" || s == "" {
		if required {
			return core.Zero, invalid(text{"%s is required", "%s 不能为空"}, field)
		}
		return core.Zero, nil
	}
	d, err := core.ParseDecimal(s)
	if err != nil || d.Sign() <= 0 || d.Places() > 2 {
		return core.Zero, invalid(text{"%s must be a positive amount with at most 2 decimals, got %s", "%s 必须为最多两位小数的正数，实际为 %s"}, field, string(raw))
	}
	return d, nil
}

// handleSandboxConsume handles "POST /open-api/v1/sandbox/consume", a
// mocksrv extension: simulate a purchase or ATM withdrawal — authorized
// and cleared at once, an authorization-mode card's after the merchant
// approves it through the Auth callback — or a refund or reversal of one.
// Declines are recorded as consumptions with status Fail; the callbacks
// fire as they would.
func (s *Server) handleSandboxConsume(r *http.Request) (any, error) {
	var req sandboxConsumeRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := requireString("card_no", req.CardNo, 0); err != nil {
		return nil, err
	}
	amount, err := parseAmount("amount", req.Amount, true)
	if err != nil {
		return nil, err
	}
	local, err := parseAmount("local_amount", req.LocalAmount, false)
	if err != nil {
		return nil, err
	}
	if req.Type == "" {
		req.Type = ConsumeConsumption
	}
	switch req.Type {
	case ConsumeConsumption, ConsumeATM, ConsumeRefund, ConsumeReversal:
	default:
		return nil, invalid(text{"type must be Consumption, Atm, Refund or Reversal, got %q", "type 必须为 Consumption、Atm、Refund 或 Reversal，实际为 %q"}, req.Type)
	}
	if m, ok := magic.Find("merchant_name", req.MerchantName); ok {
		req.Outcome = m.Rule
		core.Announce(r, m)
	}
	if err := checkOutcome("outcome", req.Outcome, ruleConsumeDecline); err != nil {
		return nil, invalid(text{"%s", "%s"}, core.AsError(err).Message)
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	c, err := s.consumeRequestLocked(w, req, amount, local)
	if err != nil {
		return nil, err
	}
	return consumeInfoJSON(c), nil
}

// consumeRequestLocked applies a sandbox consume request (the endpoint, the
// admin API's consumptions, the Consume helper). A purchase may release
// w's lock while the merchant decides (authorizeLocked).
func (s *Server) consumeRequestLocked(w *world, req sandboxConsumeRequest, amount, local core.Decimal) (Consumption, error) {
	card, err := w.cardLocked(req.CardNo)
	if err != nil {
		return Consumption{}, err
	}
	if req.Type == ConsumeRefund || req.Type == ConsumeReversal {
		orig, err := w.relatedLocked(card.ID, "consume_relate_no", req.ConsumeRelateNo, string(req.Type))
		if err != nil {
			return Consumption{}, err
		}
		fees := productOf(card).Fees
		if req.Type == ConsumeRefund {
			return w.refundLocked(orig, amount, fees)
		}
		return w.reverseLocked(orig, amount, "", fees)
	}
	m := w.merchantLocked(Merchant{Name: req.MerchantName, MCC: req.MerchantMCC, City: req.City, Country: req.Country})
	c := Consumption{CardNo: card.ID, Type: req.Type, Amount: amount,
		LocalAmount: local, LocalCurrency: req.LocalCurrency, Merchant: m, Outcome: req.Outcome}
	return s.authorizeLocked(w, c, "", true)
}
