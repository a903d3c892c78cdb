package decard

// Card endpoints — DeCard "card" section (shared/seeds/decard-card-api.md
// §1, §2; Standard Authorization card §6) and the connector's apply-list,
// transaction/id/resolve and physical-shipping-info.

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

type cardTypeJSON struct {
	Association string   `json:"association"`
	Type        CardType `json:"type"`
	Name        string   `json:"name"`
	Badge       string   `json:"badge"`
	Image       string   `json:"image"`
	Tags        []string `json:"tags"`
}

// handleCardList handles "GET /card/v1/list" (deprecated): the card types
// a user can apply for, one per type.
func (s *Server) handleCardList(*http.Request) (any, error) {
	out := []cardTypeJSON{}
	for _, t := range []CardType{CardTypeVIP, CardTypeNormal} { // VIP first, as published
		for _, c := range categories {
			if c.Type == t {
				out = append(out, cardTypeJSON{c.Association, c.Type, c.Name, c.Badge, c.Image, c.Tags})
				break
			}
		}
	}
	return out, nil
}

// cardCurrency is what every card bills in and shows its balances in:
// authorisations convert to USD and the balances are USD values.
const cardCurrency = "USD"

// cardDetailJSON is one card of /card/v1/detail, fields as the seed lists
// them, plus billingCurrency and balanceCurrency (the Java connector's
// CardDetailResponse).
type cardDetailJSON struct {
	Association        string         `json:"association"`
	CardType           CardType       `json:"cardType"`
	CardNo             string         `json:"cardNo"`
	CardHolder         string         `json:"cardHolder"`
	CardImage          string         `json:"cardImage"`
	CardEmbossingName  string         `json:"cardEmbossingName"`
	CardStatus         CardStatus     `json:"cardStatus"`
	PhysicalCardStatus PhysicalStatus `json:"physicalCardStatus"`
	WalletBalance      string         `json:"walletBalance"`
	CaBalance          string         `json:"caBalance"`
	CardBalance        string         `json:"cardBalance"`
	Points             int            `json:"points"`
	BillingCurrency    string         `json:"billingCurrency"` // the Java connector's CardDetailResponse reads both
	BalanceCurrency    string         `json:"balanceCurrency"`
}

// cardDetailV2JSON adds the cardId v2 endpoints select cards by.
type cardDetailV2JSON struct {
	CardID string `json:"cardId"`
	cardDetailJSON
}

func (w *world) cardDetailLocked(c Card) cardDetailJSON {
	wallet := w.walletUSDLocked(c.UserID)
	ca := core.Zero
	cat := c.category()
	return cardDetailJSON{
		Association: cat.Association, CardType: c.Type, CardNo: c.maskedNo(), CardHolder: c.maskedHolder(),
		CardImage: strings.Replace(cat.Image, "/apply/", "/main/", 1), CardEmbossingName: c.EmbossingName,
		CardStatus: c.Status, PhysicalCardStatus: c.Physical, WalletBalance: money(wallet),
		CaBalance: money(ca), CardBalance: money(wallet.Add(ca)), Points: c.Points,
		BillingCurrency: cardCurrency, BalanceCurrency: cardCurrency,
	}
}

// handleCardDetail handles "GET /card/v1/detail". Quirk: data is an array
// even when cardMantissa selects one card; without it, every card of the
// user.
func (s *Server) handleCardDetail(r *http.Request) (any, error) {
	mantissa := r.URL.Query().Get("cardMantissa")
	return s.withUser(r, func(w *world, u User) (any, error) {
		out := []cardDetailJSON{}
		if mantissa != "" {
			c, err := w.cardLocked(cardSelector{user: u.ID, mantissa: mantissa})
			if err != nil {
				return nil, err
			}
			return append(out, w.cardDetailLocked(c)), nil
		}
		for _, c := range w.userCardsLocked(u.ID) {
			out = append(out, w.cardDetailLocked(c))
		}
		return out, nil
	})
}

// handleCardDetailV2 handles "GET /card/v2/detail": by cardId, each card
// with its cardId.
func (s *Server) handleCardDetailV2(r *http.Request) (any, error) {
	id := r.URL.Query().Get("cardId")
	return s.withUser(r, func(w *world, u User) (any, error) {
		out := []cardDetailV2JSON{}
		if id != "" {
			c, err := w.cardLocked(cardSelector{user: u.ID, id: id})
			if err != nil {
				return nil, err
			}
			return append(out, cardDetailV2JSON{c.ID, w.cardDetailLocked(c)}), nil
		}
		for _, c := range w.userCardsLocked(u.ID) {
			out = append(out, cardDetailV2JSON{c.ID, w.cardDetailLocked(c)})
		}
		return out, nil
	})
}

type blockRequest struct {
	ExternalUserID string     `json:"externalUserId"`
	Block          *bool      `json:"block"`
	CardMantissa   string     `json:"cardMantissa"`
	CardID         flexString `json:"cardId"`
	SMSCode        string     `json:"smsCode"`
}

// handleCardBlock handles "POST /card/v1/block".
func (s *Server) handleCardBlock(r *http.Request) (any, error) { return s.block(r, false) }

// handleCardBlockV2 handles "POST /card/v2/block".
func (s *Server) handleCardBlockV2(r *http.Request) (any, error) { return s.block(r, true) }

// block freezes (block:true, no SMS) or unfreezes (block:false, with a
// CARD_UNFROZEN smsCode) a card. data is true.
func (s *Server) block(r *http.Request, v2 bool) (any, error) {
	var req blockRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if req.Block == nil {
		return nil, invalid("block is required (true freezes, false unfreezes)")
	}
	if v2 && req.CardID == "" {
		return nil, invalid("cardId is required")
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
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
	if *req.Block {
		_, err = w.freezeLocked(c, "frozen by partner")
		return err == nil, err
	}
	if c.Status != CardFrozen {
		return nil, errCardState(c, "only a FROZEN card can be unfrozen")
	}
	if err := w.verifySMSLocked(BehavioralCardUnfrozen, mobileKey(u.MobileCode, u.Mobile), req.SMSCode); err != nil {
		return nil, err
	}
	_, err = w.unfreezeLocked(c, "unfrozen by partner")
	return err == nil, err
}

type cardTxnRequest struct {
	ExternalUserID string  `json:"externalUserId"`
	CardMantissa   string  `json:"cardMantissa"`
	StartTime      string  `json:"startTime"`
	EndTime        string  `json:"endTime"`
	Type           string  `json:"type"`
	Page           flexInt `json:"page"`
	Size           flexInt `json:"size"`
}

// cardTxnJSON is a row of the deprecated /card/v1/transactions.
type cardTxnJSON struct {
	ID           string `json:"id"`
	Status       string `json:"status"`
	Type         string `json:"type"`
	Asset        string `json:"asset"`
	Amount       string `json:"amount"`
	RefundAmount string `json:"refundAmount"`
	MerchantName string `json:"merchantName"`
	MerchantNo   string `json:"merchantNo"`
	Time         string `json:"time"`
}

func txnTypeOf(x CardTxn) string {
	if x.DC == Credit {
		return "REFUND"
	}
	return "SPEND"
}

// handleCardTransactions handles "POST /card/v1/transactions" (deprecated):
// a card's authorisations in USD, newest first, as {total, rows}.
func (s *Server) handleCardTransactions(r *http.Request) (any, error) {
	var req cardTxnRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	win, err := pageCardTxns.bodyWindow(req.Page, req.Size)
	if err != nil {
		return nil, err
	}
	if req.Type != "" && req.Type != "SPEND" && req.Type != "REFUND" && req.Type != "PARTIAL_REFUND" {
		return nil, invalid("type must be SPEND, REFUND or PARTIAL_REFUND, got %q", req.Type)
	}
	from, err := parseTime("startTime", req.StartTime, false)
	if err != nil {
		return nil, err
	}
	to, err := parseTime("endTime", req.EndTime, true)
	if err != nil {
		return nil, err
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	u, err := w.userLocked(req.ExternalUserID)
	if err != nil {
		return nil, err
	}
	c, err := w.cardLocked(cardSelector{user: u.ID, mantissa: req.CardMantissa})
	if err != nil {
		return nil, err
	}
	q := core.Query[CardTxn]{Index: "card", Value: c.ID, From: from, To: to, Desc: true, Window: win, Count: true}
	if req.Type != "" {
		q.Keep = func(x CardTxn) bool { return txnTypeOf(x) == req.Type }
	}
	res := w.txns.Query(q)
	out := cardTxnPage{Total: res.Total, Rows: make([]cardTxnJSON, 0, len(res.Items))}
	for _, x := range res.Items {
		out.Rows = append(out.Rows, cardTxnJSON{ID: x.PostedID, Status: "COMPLETE", Type: txnTypeOf(x), Asset: "USD",
			Amount: money(x.USD), RefundAmount: money(x.RefundedUSD.Add(x.ReversedUSD)), MerchantName: x.Merchant, MerchantNo: x.MerchantNo, Time: ms(x.At)})
	}
	return out, nil
}

// parseTime reads a startTime/endTime: Unix milliseconds (or seconds, 10
// digits), yyyy-MM-dd or yyyy-MM-dd HH:mm:ss (UTC).
//
// An end covers the whole unit it is written in — the millisecond, the
// second, the day — so an endTime equal to a time a list displays (in
// milliseconds) includes that row, though the stored time carries the
// sub-milliseconds the display drops. Times outside what the tables index
// (1677 to 2262; any longer number) are clamped into it: a window ending
// later holds everything, one starting later nothing.
func parseTime(field, v string, end bool) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	unitEnd := func(t time.Time, unit time.Duration) time.Time {
		if end && t.Before(lastIndexed) {
			t = t.Add(unit - time.Nanosecond)
		}
		switch {
		case t.After(lastIndexed):
			return lastIndexed
		case t.Before(firstIndexed):
			return firstIndexed
		}
		return t
	}
	if isDigits(v, 0) && len(v) >= 10 {
		n, err := strconv.ParseInt(v, 10, 64)
		switch {
		case err != nil || n > lastIndexed.UnixMilli():
			return lastIndexed, nil
		case len(v) <= 10:
			return unitEnd(time.Unix(n, 0).UTC(), time.Second), nil
		}
		return unitEnd(time.UnixMilli(n).UTC(), time.Millisecond), nil
	}
	for _, l := range []struct {
		layout string
		unit   time.Duration
	}{{"2006-01-02 15:04:05", time.Second}, {"2006-01-02T15:04:05", time.Second}, {"2006-01-02", 24 * time.Hour}} {
		if t, err := time.Parse(l.layout, v); err == nil {
			return unitEnd(t, l.unit), nil
		}
	}
	return time.Time{}, invalid("%s %q: want Unix milliseconds, yyyy-MM-dd or yyyy-MM-dd HH:mm:ss", field, v)
}

// firstIndexed and lastIndexed bound the times the tables index (they
// keep Unix nanoseconds in an int64): 1677-09-21 to 2262-04-11.
var (
	firstIndexed = time.Unix(0, math.MinInt64).UTC()
	lastIndexed  = time.Unix(0, math.MaxInt64).UTC()
)

type resolveRequest struct {
	IDs []flexString `json:"ids"`
}

type resolveJSON struct {
	ID                       string `json:"id"`
	OutstandingTransactionID string `json:"outstandingTransactionId"`
	PostedTransactionID      string `json:"postedTransactionId"`
	Posted                   bool   `json:"posted"`
}

// handleTransactionIDResolve handles "POST /card/v1/transaction/id/resolve":
// each known id (outstanding, posted or external) with the ids of its
// transaction; unknown ids are left out.
func (s *Server) handleTransactionIDResolve(r *http.Request) (any, error) {
	var req resolveRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if len(req.IDs) == 0 || len(req.IDs) > 100 {
		return nil, invalid("ids needs 1 to 100 ids, got %d", len(req.IDs))
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	out := []resolveJSON{}
	for _, raw := range req.IDs {
		id := string(raw)
		x, ok := w.txns.Get(id)
		if !ok {
			x, ok = w.txns.First(func(x CardTxn) bool { return x.PostedID == id || x.ExternalTranID == id })
		}
		if ok {
			out = append(out, resolveJSON{id, x.ID, x.PostedID, x.Posted})
		}
	}
	return out, nil
}

type applyRequest struct {
	ExternalUserID string     `json:"externalUserId"`
	CategoryID     flexString `json:"categoryId"`
	ApplyRef       flexString `json:"applyRef"`
	KYCInfo        *KYCInfo   `json:"kycInfo"`
}

// applyData is a virtual-card application as apply and its progress query
// return it.
type applyData struct {
	ApplyID     string      `json:"applyId"`
	CategoryID  string      `json:"categoryId"` // Quirk: documented Long, published as a string.
	ApplyRef    string      `json:"applyRef"`
	Status      ApplyStatus `json:"status"`
	ErrorCode   string      `json:"errorCode"`
	ErrorReason string      `json:"errorReason"`
	NeedEddFile bool        `json:"needEddFile"`
	Remark      string      `json:"remark"`
}

func applyJSON(a Apply) applyData {
	return applyData{a.ID, a.CategoryID, a.Ref, a.Status, a.ErrorCode, a.ErrorReason, a.NeedEDD, a.Remark}
}

// handleVirtualApply handles "POST /card/v1/virtual-card/apply". applyRef
// is the idempotency key (routes.go serves the route through applyOnce):
// the same request again answers the first answer, another request under
// the same applyRef is CARD_TRANSACTION_REPEAT_REQUEST.
func (s *Server) handleVirtualApply(r *http.Request) (any, error) {
	var req applyRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	switch {
	case req.CategoryID == "":
		return nil, invalid("categoryId is required")
	case req.ApplyRef == "":
		return nil, invalid("applyRef is required")
	case req.KYCInfo == nil:
		return nil, invalid("kycInfo is required")
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	u, err := w.userLocked(req.ExternalUserID)
	if err != nil {
		return nil, err
	}
	if err := w.refFreeLocked(string(req.ApplyRef)); err != nil {
		return nil, err
	}
	if err := req.KYCInfo.validate(w.set.LenientKYCInfo, w.set.POAMaxAge.D(), w.Now()); err != nil {
		return nil, err
	}
	cat, ok := findCategory(string(req.CategoryID))
	if !ok || cat.FC {
		return nil, fail("CARD_UNSUPPORTED_CARD_TYPE", text{"categoryId %s (this sandbox offers %s)", "categoryId %s（沙箱支持 %s）"}, req.CategoryID, categoryIDs(false))
	}
	if owner, ok := w.userByEmail[strings.ToLower(req.KYCInfo.Email)]; ok && req.KYCInfo.Email != "" && owner != u.ID {
		return nil, fail("KYC_EMAIL_ALREADY_EXIST", text{"%s", "%s"}, req.KYCInfo.Email)
	}
	a, err := w.openApplyLocked(r, u, cat, Apply{Ref: string(req.ApplyRef), KYC: *req.KYCInfo})
	if err != nil {
		return nil, err
	}
	return w.rememberApplyLocked(r, a), nil
}

// openApplyLocked starts an application of category cat for u, unless
// the user's KYC is under review, they hold a live card of the category
// or an application for it is in progress. The application's magic values
// are read here (steerApply; r is nil outside a request), once it is
// sure to be made.
func (w *world) openApplyLocked(r *http.Request, u User, cat Category, a Apply) (Apply, error) {
	switch u.KYC {
	case KYCInit, KYCPending:
		return a, fail("KYC_WORKFLOW_PROCESSING", text{"user %s's KYC is %s", "用户 %s 的 KYC 当前为 %s"}, u.ID, u.KYC)
	}
	for _, c := range w.userCardsLocked(u.ID) {
		if c.CategoryID == cat.ID && c.Status != CardCancelled {
			return a, fail("CARD_EXISTED", text{"user %s already has card %s of category %s", "用户 %[1]s 已有类别 %[3]s 的卡 %[2]s"}, u.ID, c.Mantissa(), cat.ID)
		}
	}
	busy := false
	for _, p := range bucket(w.applies, "user", u.ID) {
		busy = busy || (p.Status == ApplyPending && p.CategoryID == cat.ID)
	}
	if busy {
		return a, fail("KYC_WORKFLOW_PROCESSING", text{"an application for category %s is in progress", "类别 %s 的申请正在处理中"}, cat.ID)
	}
	now := w.Now()
	a.ID, a.UserID, a.CategoryID, a.Status, a.CreatedAt, a.UpdatedAt = w.numID(19), u.ID, cat.ID, ApplyPending, now, now
	steerApply(r, u, &a)
	return w.submitApplyLocked(u, a), nil
}

// categoryIDs lists the categories of the standard (fc false) or the
// financial-connection application.
func categoryIDs(fc bool) string {
	var ids []string
	for _, c := range categories {
		if c.FC == fc {
			ids = append(ids, c.ID)
		}
	}
	return strings.Join(ids, ", ")
}

// handleVirtualDetail handles "GET /card/v1/virtual-card/detail": an
// application's progress by applyId or applyRef.
func (s *Server) handleVirtualDetail(r *http.Request) (any, error) {
	q := r.URL.Query()
	applyID, ref := q.Get("applyId"), q.Get("applyRef")
	if applyID == "" && ref == "" {
		return nil, invalid("applyId or applyRef is required")
	}
	return s.withUser(r, func(w *world, u User) (any, error) {
		if applyID == "" {
			applyID = w.applyByRef[ref]
		}
		a, ok := w.applies.Get(applyID)
		if !ok || a.UserID != u.ID || (ref != "" && a.Ref != ref) {
			return nil, fail("CARD_TRANSACTION_NO_SUCH_TRANSACTION", text{"user %s has no application %s%s", "用户 %s 没有申请 %s%s"}, u.ID, applyID, ref)
		}
		return applyJSON(a), nil
	})
}

type applyListJSON struct {
	ApplyID    string      `json:"applyId"`
	CategoryID string      `json:"categoryId"`
	Network    string      `json:"network"`
	Currency   string      `json:"currency"`
	ApplyRef   string      `json:"applyRef"`
	Status     ApplyStatus `json:"status"`
	ErrorCode  string      `json:"errorCode"`
}

// handleApplyList handles "GET /card/v1/apply-list": the user's
// applications, newest first.
func (s *Server) handleApplyList(r *http.Request) (any, error) {
	return s.withUser(r, func(w *world, u User) (any, error) {
		res := w.applies.Query(core.Query[Apply]{Index: "user", Value: u.ID, Desc: true, Window: core.Window{Limit: 1000}})
		out := make([]applyListJSON, 0, len(res.Items))
		for _, a := range res.Items {
			cat, _ := findCategory(a.CategoryID)
			out = append(out, applyListJSON{a.ID, a.CategoryID, cat.Association, "USD", a.Ref, a.Status, a.ErrorCode})
		}
		return out, nil
	})
}

// handleShippingInfo handles "GET /card/v1/physical-shipping-info".
func (s *Server) handleShippingInfo(r *http.Request) (any, error) { return s.shippingInfo(r, false) }

// handleShippingInfoV2 handles "GET /card/v2/physical-shipping-info".
func (s *Server) handleShippingInfoV2(r *http.Request) (any, error) { return s.shippingInfo(r, true) }

func (s *Server) shippingInfo(r *http.Request, v2 bool) (any, error) {
	q := r.URL.Query()
	if v2 && q.Get("cardId") == "" {
		return nil, invalid("cardId is required")
	}
	return s.withUser(r, func(w *world, u User) (any, error) {
		sel := cardSelector{user: u.ID, mantissa: q.Get("cardMantissa")}
		if v2 {
			sel = cardSelector{user: u.ID, id: q.Get("cardId")}
		}
		c, err := w.cardLocked(sel)
		if err != nil {
			return nil, err
		}
		if c.Physical == PhysicalUnapplied {
			return nil, fail("CARD_PHYSICAL_CARD_UNAPPLY", text{"card %s has no physical card", "卡片 %s 未申请实体卡"}, c.Mantissa())
		}
		return shippingJSON(c), nil
	})
}
