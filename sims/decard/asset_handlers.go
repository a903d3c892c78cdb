package decard

// Wallet endpoints — DeCard "asset" section: balance, transactions,
// transaction-detail, fund-pool credit and debit, transfer-query.

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/mocksrv/mocksrv/sims/core"
)

type balanceJSON struct {
	Asset   string `json:"asset"`
	Logo    string `json:"logo"`
	Network string `json:"network"`
	Free    string `json:"free"`
	Freeze  string `json:"freeze"`
	Total   string `json:"total"`
}

// handleBalance handles "GET /user-asset/v1/balance": every wallet asset,
// zero balances included.
func (s *Server) handleBalance(r *http.Request) (any, error) {
	return s.withUser(r, func(w *world, u User) (any, error) {
		out := make([]balanceJSON, 0, len(assets))
		for _, a := range assets {
			b := w.balanceLocked(u.ID, a.Code)
			out = append(out, balanceJSON{a.Code, a.Logo, a.Network, b.Free.String(), b.Freeze.String(), b.Free.Add(b.Freeze).String()})
		}
		return out, nil
	})
}

// assetTypes are the user-asset transaction types (asset §2).
var assetTypes = set("DEPOSIT WITHDRAW CARD_PRINTING_FEE CARD_POSTAL_FEE CARD_VIP_FROZEN_FEE CONVERSION REWARD_DISTRIBUTION REWARD_PAY REWARD_REFUND")

type assetTxnRequest struct {
	ExternalUserID string  `json:"externalUserId"`
	Type           string  `json:"type"`
	StartTime      string  `json:"startTime"`
	EndTime        string  `json:"endTime"`
	Page           flexInt `json:"page"`
	Size           flexInt `json:"size"`
}

type assetTxnJSON struct {
	TranID     string `json:"tranId"`
	ExternalID string `json:"externalId"`
	Type       string `json:"type"`
	FreeDelta  string `json:"freeDelta"`
	Time       string `json:"time"`
	Asset      string `json:"asset"`
	ID         string `json:"id"`
}

// handleAssetTransactions handles "POST /user-asset/v1/transactions": the
// wallet ledger, newest first.
func (s *Server) handleAssetTransactions(r *http.Request) (any, error) {
	var req assetTxnRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	win, err := pageAssetTxns.bodyWindow(req.Page, req.Size)
	if err != nil {
		return nil, err
	}
	if req.Type != "" && !assetTypes[req.Type] {
		return nil, invalid("type must be one of %s, got %q", keys(assetTypes), req.Type)
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
	q := core.Query[AssetTxn]{Index: "user", Value: u.ID, From: from, To: to, Desc: true, Window: win}
	if req.Type != "" {
		q.Keep = func(x AssetTxn) bool { return x.Type == req.Type }
	}
	res := w.assetTxns.Query(q)
	out := make([]assetTxnJSON, 0, len(res.Items))
	for _, x := range res.Items {
		out = append(out, assetTxnJSON{x.TranID, x.ExternalID, x.Type, x.FreeDelta.String(), ms(x.At), x.Asset, x.ID})
	}
	return out, nil
}

type assetDetailRequest struct {
	ExternalUserID string     `json:"externalUserId"`
	TranID         flexString `json:"tranId"`
	ExternalTranID flexString `json:"externalTranId"`
	Type           string     `json:"type"`
}

// assetDetailJSON is a ledger entry in detail; the per-type fields appear
// for their type only.
type assetDetailJSON struct {
	Type               string `json:"type"`
	Time               string `json:"time"`
	FreeDelta          string `json:"freeDelta"`
	Asset              string `json:"asset"`
	Logo               string `json:"logo"`
	OrderID            string `json:"orderId"`
	Status             string `json:"status"`
	BaseAsset          string `json:"baseAsset,omitempty"`
	QuoteAsset         string `json:"quoteAsset,omitempty"`
	Price              string `json:"price,omitempty"`
	Network            string `json:"network,omitempty"`
	NetworkName        string `json:"networkName,omitempty"`
	NetworkNativeAsset string `json:"networkNativeAsset,omitempty"`
	TransactionHash    string `json:"transactionHash,omitempty"`
	NetworkTxURL       string `json:"networkTxUrl,omitempty"`
	SendAddress        string `json:"sendAddress,omitempty"`
	ActualReceived     string `json:"actualReceived,omitempty"`
	FeeAmount          string `json:"feeAmount,omitempty"`
	ReceivedAddress    string `json:"receivedAddress,omitempty"`
}

// handleAssetDetail handles "POST /user-asset/v1/transaction-detail".
func (s *Server) handleAssetDetail(r *http.Request) (any, error) {
	var req assetDetailRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if req.TranID == "" || req.Type == "" {
		return nil, invalid("tranId and type are required")
	}
	if !assetTypes[req.Type] {
		return nil, invalid("type must be one of %s, got %q", keys(assetTypes), req.Type)
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	u, err := w.userLocked(req.ExternalUserID)
	if err != nil {
		return nil, err
	}
	x, ok := w.assetTxns.Get(string(req.TranID))
	if !ok || x.UserID != u.ID || x.Type != req.Type || (req.ExternalTranID != "" && string(req.ExternalTranID) != x.ExternalID) {
		return nil, fail("CARD_TRANSACTION_NO_SUCH_TRANSACTION", text{"user %s has no %s transaction %s", "用户 %s 没有 %s 交易 %s"}, u.ID, req.Type, req.TranID)
	}
	a, _ := findAsset(x.Asset)
	d := assetDetailJSON{Type: x.Type, Time: ms(x.At), FreeDelta: x.FreeDelta.String(), Asset: x.Asset, Logo: a.Logo,
		OrderID: x.OrderID, Status: x.Status}
	n := findNetwork(x.Network)
	switch x.Type {
	case TypeConversion:
		d.BaseAsset, d.QuoteAsset, d.Price = x.BaseAsset, x.QuoteAsset, x.Price
	case TypeDeposit:
		d.Network, d.NetworkName, d.NetworkNativeAsset = n.Name, n.Name, n.Native
		d.TransactionHash, d.NetworkTxURL, d.SendAddress = x.TxHash, n.TxURL, x.SendAddress
	case TypeWithdraw:
		d.Network, d.NetworkName, d.NetworkNativeAsset = n.Name, n.Name, n.Native
		d.TransactionHash, d.NetworkTxURL = x.TxHash, n.TxURL
		d.ActualReceived, d.FeeAmount, d.ReceivedAddress = x.ActualReceived.String(), x.Fee.String(), x.ReceiveAddress
	}
	return d, nil
}

type transferRequest struct {
	ExternalTranID flexString   `json:"externalTranId"`
	Asset          string       `json:"asset"`
	Amount         core.Decimal `json:"amount"`
	ExternalUserID string       `json:"externalUserId"`
	Remark         string       `json:"remark"`
}

type transferDataJSON struct {
	ExternalTranID string `json:"externalTranId"`
	Asset          string `json:"asset"`
	Amount         string `json:"amount"`
	ExternalUserID string `json:"externalUserId"`
	Direction      string `json:"direction"`
	Remark         string `json:"remark"`
	Status         string `json:"status"`
	TranID         string `json:"tranId"`
}

var amountLiteral = regexp.MustCompile(`^[0-9]{1,10}(\.[0-9]{1,8})?$`)

// handleCredit handles "POST /user-asset/v1/credit": the partner's fund
// pool tops up a user.
func (s *Server) handleCredit(r *http.Request) (any, error) { return s.transfer(r, "CREDIT") }

// handleDebit handles "POST /user-asset/v1/debit": a user's funds go back
// to the partner's fund pool.
func (s *Server) handleDebit(r *http.Request) (any, error) { return s.transfer(r, "DEBIT") }

// transfer moves funds between the fund pool and a user. externalTranId
// (10–20 characters) is unique per partner.
func (s *Server) transfer(r *http.Request, direction string) (any, error) {
	var req transferRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	ext := string(req.ExternalTranID)
	if n := len(ext); n < 10 || n > 20 {
		return nil, invalid("externalTranId must be 10-20 characters, got %d", n)
	}
	if _, ok := findAsset(req.Asset); !ok {
		return nil, fail("CARD_TRANSACTION_UNSUPPORTED_CURRENCY", text{"asset %q (supported: USD, USDT, USDC, SGD)", "asset %q（支持 USD、USDT、USDC、SGD）"}, req.Asset)
	}
	if req.Amount.Sign() <= 0 || !amountLiteral.MatchString(req.Amount.String()) {
		return nil, fail("CARD_TRANSACTION_UNREASONABLE_AMOUNT", text{"amount must be positive with at most 10 integer digits and 8 decimals, got %s",
			"amount 必须为正数，最多 10 位整数、8 位小数，实际为 %s"}, req.Amount.String())
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	u, err := w.userLocked(req.ExternalUserID)
	if err != nil {
		return nil, err
	}
	if w.transfers.Has(ext) {
		return nil, fail("CARD_TRANSACTION_REPEAT_REQUEST", text{"externalTranId %s was already used", "externalTranId %s 已使用"}, ext)
	}
	delta := req.Amount
	if direction == "DEBIT" {
		if u.ForbidWithdraw {
			return nil, fail("ACCOUNT_UNSUPPORTED_OPERATE", text{"withdrawals are forbidden for user %s", "用户 %s 禁止提现"}, u.ID)
		}
		if w.balanceLocked(u.ID, req.Asset).Free.Cmp(req.Amount) < 0 {
			return nil, fail("CARD_WALLET_BALANCE_LOW", text{"user %s holds %s %s", "用户 %s 余额 %s %s"}, u.ID, w.balanceLocked(u.ID, req.Asset).Free.String(), req.Asset)
		}
		delta = delta.Neg()
	}
	if err := w.fundPoolLocked(req.Asset, delta); err != nil {
		return nil, err
	}
	typ := TypeDeposit
	if direction == "DEBIT" {
		typ = TypeWithdraw
	}
	now := w.Now()
	x := w.moveLocked(AssetTxn{UserID: u.ID, Type: typ, Asset: req.Asset, FreeDelta: delta, ExternalID: ext}, now)
	t := Transfer{ExternalTranID: ext, TranID: x.TranID, UserID: u.ID, Asset: req.Asset, Amount: req.Amount,
		Direction: direction, Remark: req.Remark, Status: StatusSuccess, At: now}
	w.transfers.Put(ext, t)
	if a, _ := findAsset(req.Asset); a.Network == "" {
		w.fiatLocked(t)
	}
	return transferOut(t, t.Amount.String()), nil
}

// fiatLocked records a fiat transfer in the user's fiat ledger.
func (w *world) fiatLocked(t Transfer) {
	f := FiatTxn{ID: w.numID(21), UserID: t.UserID, DC: "C", TransType: "AU007", Amount: t.Amount, Currency: t.Asset,
		Merchant: "DECARD FUND POOL", At: t.At, Channel: "R", Sender: "partner fund pool", Receiving: t.UserID, Asset: t.Asset}
	if t.Direction == "DEBIT" {
		f.DC, f.TransType, f.Channel, f.Sender, f.Receiving = "D", "AU008", "W", t.UserID, "partner fund pool"
	}
	w.fiat.Put(f.ID, f)
}

func transferOut(t Transfer, amount string) transferDataJSON {
	return transferDataJSON{t.ExternalTranID, t.Asset, amount, t.UserID, t.Direction, t.Remark, t.Status, t.TranID}
}

// handleTransferQuery handles "GET /user-asset/v1/transfer-query": credits
// and debits by externalTranIds (comma-separated, as the connector sends
// them, or repeated).
//
// Quirk: amounts here have 18 decimal places ("10.000000000000000000")
// while credit and debit answer them as sent.
func (s *Server) handleTransferQuery(r *http.Request) (any, error) {
	win, err := pageTransfers.fromQuery(r)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, v := range r.URL.Query()["externalTranIds"] {
		for _, id := range strings.Split(v, ",") {
			if id = strings.TrimSpace(id); id != "" {
				ids = append(ids, id)
			}
		}
	}
	if len(ids) == 0 {
		return nil, invalid("externalTranIds is required")
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	var found []transferDataJSON
	for _, id := range ids {
		if t, ok := w.transfers.Get(id); ok {
			found = append(found, transferOut(t, t.Amount.StringFixed(18)))
		}
	}
	return listOf(core.Paginate(found, win)), nil
}
