package keysecure

// Cardholder endpoints — KeySecure Open API "Cardholder" section.

import (
	"net/http"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

type cardholderApplyRequest struct {
	CardholderNo       string `json:"cardholder_no"`
	CardholderUniqueNo string `json:"cardholder_unique_no"`
	SumsubShareToken   string `json:"sumsub_share_token"`
}

type cardholderRef struct {
	CardholderNo       string `json:"cardholder_no"`
	CardholderUniqueNo string `json:"cardholder_unique_no"`
}

// handleCardholderApply handles "POST /open-api/v1/cardholder/apply":
// create a cardholder (no cardholder_no) or resubmit a rejected one's KYC.
func (s *Server) handleCardholderApply(r *http.Request) (any, error) {
	var req cardholderApplyRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if err := requireString("cardholder_unique_no", req.CardholderUniqueNo, 64); err != nil {
		return nil, err
	}
	if req.SumsubShareToken == "" {
		return nil, invalid(text{"sumsub_share_token is required", "sumsub_share_token 不能为空"})
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()

	if req.CardholderNo == "" {
		if no, dup := w.holderByUnique[req.CardholderUniqueNo]; dup {
			return nil, fail(2001, text{"cardholder_unique_no %s is cardholder %s; pass cardholder_no to update it", "cardholder_unique_no %s 已是持卡人 %s，更新请传 cardholder_no"}, req.CardholderUniqueNo, no)
		}
		now := w.Now()
		h := Cardholder{
			ID: w.nextNoLocked("U"), UniqueNo: req.CardholderUniqueNo, ShareToken: req.SumsubShareToken,
			FirstName: w.Faker.FirstName(), LastName: w.Faker.LastName(), CreatedAt: now,
		}
		h.Email = w.Faker.Email()
		steerKYC(r, &h)
		w.submitLocked(&h, w.set.KYCStart.D(), w.set.KYCDecide.D())
		w.cardholders.Put(h.ID, h)
		w.holderByUnique[h.UniqueNo] = h.ID
		return cardholderRef{h.ID, h.UniqueNo}, nil
	}

	h, ok := w.cardholders.Get(req.CardholderNo)
	switch {
	case !ok:
		return nil, fail(2002, text{"cardholder_no %s", "cardholder_no %s"}, req.CardholderNo)
	case h.UniqueNo != req.CardholderUniqueNo:
		return nil, invalid(text{"cardholder_unique_no must be %s, the one cardholder %s was created with", "cardholder_unique_no 必须为持卡人 %[2]s 创建时的 %[1]s"}, h.UniqueNo, h.ID)
	case h.Status == CardholderApproved:
		return nil, fail(2003, text{"cardholder %s", "持卡人 %s"}, h.ID)
	case h.Status != CardholderRejected:
		return nil, fail(2004, text{"cardholder %s is %s", "持卡人 %s 当前为 %s"}, h.ID, h.Status)
	}
	h.ShareToken = req.SumsubShareToken
	steerKYC(r, &h)
	w.submitLocked(&h, w.set.KYCStart.D(), w.set.KYCDecide.D())
	w.cardholders.Put(h.ID, h)
	return cardholderRef{h.ID, h.UniqueNo}, nil
}

type cardholderListRequest struct {
	CardholderNo       string `json:"cardholder_no"`
	CardholderUniqueNo string `json:"cardholder_unique_no"`
	timeWindow
	pageParams
}

type cardholderJSON struct {
	CardholderNo       string           `json:"cardholder_no"`
	CardholderUniqueNo string           `json:"cardholder_unique_no"`
	Email              string           `json:"email"`
	FailReason         string           `json:"fail_reason"`
	Status             CardholderStatus `json:"status"`
	Time               int64            `json:"time"`
}

func holderJSON(h Cardholder) cardholderJSON {
	return cardholderJSON{h.ID, h.UniqueNo, h.Email, h.FailReason, h.Status, h.CreatedAt.UnixMilli()}
}

// handleCardholderList handles "POST /open-api/v1/cardholder/list".
func (s *Server) handleCardholderList(r *http.Request) (any, error) {
	var req cardholderListRequest
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

	no := req.CardholderNo
	if req.CardholderUniqueNo != "" {
		byUnique, ok := w.holderByUnique[req.CardholderUniqueNo]
		if !ok || (no != "" && no != byUnique) {
			return listData[cardholderJSON]{List: []cardholderJSON{}}, nil
		}
		no = byUnique
	}
	var items []Cardholder
	if no != "" {
		h, ok := w.cardholders.Get(no)
		items = only(h, ok, func(h Cardholder) time.Time { return h.CreatedAt }, from, to, win, nil)
	} else {
		items = w.cardholders.Query(core.Query[Cardholder]{From: from, To: to, Desc: true, Window: win}).Items
	}
	out := make([]cardholderJSON, 0, len(items))
	for _, h := range items {
		out = append(out, holderJSON(h))
	}
	return listData[cardholderJSON]{List: out}, nil
}

type accountJSON struct {
	CardholderNo    string `json:"cardholder_no"`
	Symbol          string `json:"symbol"`
	SymbolChain     string `json:"symbol_chain"`
	Balance         string `json:"balance"`
	USDBalance      string `json:"usd_balance"`
	BonusBalance    string `json:"bonus_balance"`
	USDBonusBalance string `json:"usd_bonus_balance"`
}

func accountOf(h Cardholder) accountJSON {
	b := h.Balance.StringFixed(2)
	return accountJSON{h.ID, Currency, "TRON", b, b, "0.00", "0.00"}
}

type cardholderInfoJSON struct {
	cardholderRef
	Email        string           `json:"email"`
	Status       CardholderStatus `json:"status"`
	TotalBalance string           `json:"total_balance"`
	Time         int64            `json:"time"`
	AccountList  []accountJSON    `json:"account_list"`
	CardList     []cardListJSON   `json:"card_list"`
}

// handleCardholderInfo handles "GET /open-api/v1/cardholder/{cardholder_no}/info".
func (s *Server) handleCardholderInfo(r *http.Request) (any, error) {
	no := core.PathVar(r, "cardholder_no")
	w := s.worlds.Enter(r)
	defer w.Unlock()
	h, ok := w.cardholders.Get(no)
	if !ok {
		return nil, fail(2002, text{"cardholder_no %s", "cardholder_no %s"}, no)
	}
	info := cardholderInfoJSON{
		cardholderRef: cardholderRef{h.ID, h.UniqueNo}, Email: h.Email, Status: h.Status,
		TotalBalance: h.Balance.StringFixed(2), Time: h.CreatedAt.UnixMilli(),
		AccountList: []accountJSON{accountOf(h)}, CardList: []cardListJSON{},
	}
	for _, c := range w.cards.Query(core.Query[Card]{Index: "cardholder", Value: h.ID, Window: core.Window{Limit: 1 << 30}}).Items {
		if c.Status == StatusActivated || c.Status == StatusFrozen || c.Status == StatusToActivate {
			info.CardList = append(info.CardList, cardJSON(c))
		}
	}
	return info, nil
}

// requireString is the 1004 check of a required string field with a
// maximum length.
func requireString(field, v string, max int) error {
	if v == "" {
		return invalid(text{"%s is required", "%s 不能为空"}, field)
	}
	if max > 0 && len(v) > max {
		return invalid(text{"%s is longer than %d characters", "%s 长度超过 %d"}, field, max)
	}
	return nil
}
