package decard

// Crypto wallet endpoints — DeCard "wallet" section: network-coin, deposit
// addresses (v1, and v2 for FOMO deposits), withdraw-apply, bank-address.

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Network is a blockchain network DeCard's wallet supports.
type Network struct {
	Name         string
	Native       string
	AddressRegex string
	TxURL        string
	BlockURL     string
	AddressURL   string
	Coins        []string
	WithdrawFee  string
	MinConfirm   int
	ArrivalMins  int
}

// networks are the sandbox's networks: the v2 deposit list (BSC SOL BASE
// TRON Ethereum ARB) with TRON's published parameters.
var networks = []Network{
	{"TRON", "TRX", `^T[a-zA-Z0-9]{33,34}$`, "https://tronscan.org/#/transaction/", "https://tronscan.org/#/block/", "https://tronscan.org/#/address/", []string{"USDT", "USDC"}, "6.5", 1, 30},
	{"Ethereum", "ETH", `^0x[a-fA-F0-9]{40}$`, "https://etherscan.io/tx/", "https://etherscan.io/block/", "https://etherscan.io/address/", []string{"USDT", "USDC"}, "8", 12, 30},
	{"BSC", "BNB", `^0x[a-fA-F0-9]{40}$`, "https://bscscan.com/tx/", "https://bscscan.com/block/", "https://bscscan.com/address/", []string{"USDT", "USDC"}, "1", 15, 10},
	{"SOL", "SOL", `^[1-9A-HJ-NP-Za-km-z]{32,44}$`, "https://solscan.io/tx/", "https://solscan.io/block/", "https://solscan.io/account/", []string{"USDT", "USDC"}, "1", 1, 5},
	{"BASE", "ETH", `^0x[a-fA-F0-9]{40}$`, "https://basescan.org/tx/", "https://basescan.org/block/", "https://basescan.org/address/", []string{"USDC"}, "1", 10, 10},
	{"ARB", "ETH", `^0x[a-fA-F0-9]{40}$`, "https://arbiscan.io/tx/", "https://arbiscan.io/block/", "https://arbiscan.io/address/", []string{"USDT", "USDC"}, "1", 10, 10},
}

func findNetwork(name string) Network {
	for _, n := range networks {
		if strings.EqualFold(n.Name, name) {
			return n
		}
	}
	return networks[0]
}

func lookupNetwork(name, coin string) (Network, error) {
	for _, n := range networks {
		if n.Name == name {
			for _, c := range n.Coins {
				if c == coin {
					return n, nil
				}
			}
			return n, fail("CARD_TRANSACTION_UNSUPPORTED_CURRENCY", text{"network %s does not carry %q (it carries %s)", "网络 %s 不支持 %q（支持 %s）"}, name, coin, strings.Join(n.Coins, ", "))
		}
	}
	names := make([]string, len(networks))
	for i, n := range networks {
		names[i] = n.Name
	}
	return Network{}, invalid("network must be one of %s, got %q", strings.Join(names, ", "), name)
}

type networkCoinJSON struct {
	Network                 string  `json:"network"`
	NetworkNativeAsset      string  `json:"networkNativeAsset"`
	Asset                   string  `json:"asset"`
	Logo                    string  `json:"logo"`
	DepositEnable           bool    `json:"depositEnable"`
	WithdrawEnable          bool    `json:"withdrawEnable"`
	WithdrawIsTag           bool    `json:"withdrawIsTag"`
	BlockURL                string  `json:"blockUrl"`
	TxURL                   string  `json:"txUrl"`
	AddressURL              string  `json:"addressUrl"`
	AddressRegex            string  `json:"addressRegex"`
	MemoRegex               string  `json:"memoRegex"`
	MinConfirm              int     `json:"minConfirm"`
	LockConfirm             int     `json:"lockConfirm"`
	EstimatedArrivalTime    int     `json:"estimatedArrivalTime"`
	WithdrawIntegerMultiple string  `json:"withdrawIntegerMultiple"`
	DepositDesc             *string `json:"depositDesc"`
	WithdrawDesc            *string `json:"withdrawDesc"`
	SpecialTips             *string `json:"specialTips"`
	WithdrawFee             string  `json:"withdrawFee"`
	WithdrawMin             string  `json:"withdrawMin"`
	WithdrawMax             string  `json:"withdrawMax"`
	DepositDust             string  `json:"depositDust"`
	ContractAddress         string  `json:"contractAddress"`
}

// handleNetworkCoin handles "GET /crypto/v1/network-coin" (deprecated):
// every network and coin; type DEPOSIT or WITHDRAW (optional) filters
// nothing, since all are enabled both ways.
func (s *Server) handleNetworkCoin(r *http.Request) (any, error) {
	if t := r.URL.Query().Get("type"); t != "" && t != "DEPOSIT" && t != "WITHDRAW" {
		return nil, invalid("type must be DEPOSIT or WITHDRAW, got %q", t)
	}
	var out []networkCoinJSON
	for _, n := range networks {
		for _, c := range n.Coins {
			a, _ := findAsset(c)
			out = append(out, networkCoinJSON{
				Network: n.Name, NetworkNativeAsset: n.Native, Asset: c, Logo: a.Logo, DepositEnable: true, WithdrawEnable: true,
				BlockURL: n.BlockURL, TxURL: n.TxURL, AddressURL: n.AddressURL, AddressRegex: n.AddressRegex,
				MinConfirm: n.MinConfirm, LockConfirm: n.MinConfirm, EstimatedArrivalTime: n.ArrivalMins,
				WithdrawIntegerMultiple: "0.000001", WithdrawFee: n.WithdrawFee, WithdrawMin: "0.5", WithdrawMax: "9999999",
				DepositDust: "0.00000001",
			})
		}
	}
	return out, nil
}

// addressLocked returns the user's deposit address on a network, making it
// the first time.
func (w *world) addressLocked(user string, n Network) string {
	key := user + "/" + n.Name
	if a, ok := w.userAddress[key]; ok {
		return a
	}
	var addr string
	switch {
	case n.Name == "TRON":
		addr = "T" + base58(w, 33)
	case n.Name == "SOL":
		addr = base58(w, 44)
	default:
		addr = "0x" + w.Faker.HexID(20)
	}
	w.userAddress[key] = addr
	w.addresses[addr] = Address{UserID: user, Network: n.Name, Address: addr}
	return addr
}

func base58(w *world, n int) string {
	const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[w.Faker.IntN(len(alphabet))]
	}
	return string(b)
}

type depositAddressJSON struct {
	Network            string `json:"network"`
	NetworkName        string `json:"networkName"`
	NetworkNativeAsset string `json:"networkNativeAsset"`
	Coin               string `json:"coin"`
	Address            string `json:"address"`
	AddressTips        string `json:"addressTips"`
	MinDepositAmount   string `json:"minDepositAmount"`
	MinConfirmationNo  int    `json:"minConfirmationNo"`
}

// handleDepositAddress handles "GET /crypto/v1/deposit-address" (deprecated).
func (s *Server) handleDepositAddress(r *http.Request) (any, error) {
	q := r.URL.Query()
	n, err := lookupNetwork(q.Get("network"), q.Get("coin"))
	if err != nil {
		return nil, err
	}
	return s.withUser(r, func(w *world, u User) (any, error) {
		return depositAddressJSON{n.Name, n.Name, n.Native, q.Get("coin"), w.addressLocked(u.ID, n), "crypto_spec_tips", "0.00000001", n.MinConfirm}, nil
	})
}

// depositAddressV2JSON is the FOMO deposit address.
type depositAddressV2JSON struct {
	Coin    string      `json:"coin"`
	Network string      `json:"network"`
	Address string      `json:"address"`
	FxRate  json.Number `json:"fxRate"` // Quirk: documented String, published as a JSON number.
	Status  string      `json:"status"`
}

// handleDepositAddressV2 handles "GET /crypto/v2/deposit-address": the
// address and the SGD rate a deposit of the coin is credited at.
func (s *Server) handleDepositAddressV2(r *http.Request) (any, error) {
	q := r.URL.Query()
	n, err := lookupNetwork(q.Get("network"), q.Get("coin"))
	if err != nil {
		return nil, err
	}
	return s.withUser(r, func(w *world, u User) (any, error) {
		sgd, _ := w.rate("SGD")
		coin, _ := w.rate(q.Get("coin"))
		num, den := ratio(coin)
		fx := sgd.MulRat(den, num)
		return depositAddressV2JSON{q.Get("coin"), n.Name, w.addressLocked(u.ID, n), json.Number(fx.String()), StatusSuccess}, nil
	})
}

type withdrawRequest struct {
	ExternalUserID string       `json:"externalUserId"`
	SMSCode        string       `json:"smsCode"`
	Network        string       `json:"network"`
	Coin           string       `json:"coin"`
	Address        string       `json:"address"`
	AddressTag     string       `json:"addressTag"`
	Amount         core.Decimal `json:"amount"`
	Fee            core.Decimal `json:"fee"`
}

type withdrawJSON struct {
	ExternalTranID       string `json:"externalTranId"`
	ApplyTime            string `json:"applyTime"`
	EstimatedArrivalTime string `json:"estimatedArrivalTime"`
}

// handleWithdrawApply handles "POST /crypto/v1/withdraw-apply": amount plus
// fee leave the free balance into freeze, and leave the wallet when the
// withdrawal arrives (the network's estimated arrival time later).
func (s *Server) handleWithdrawApply(r *http.Request) (any, error) {
	var req withdrawRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	n, err := lookupNetwork(req.Network, req.Coin)
	if err != nil {
		return nil, err
	}
	switch {
	case !regexp.MustCompile(n.AddressRegex).MatchString(req.Address):
		return nil, invalid("address %q is not a %s address", req.Address, n.Name)
	case req.Amount.Sign() <= 0 || req.Fee.Sign() <= 0:
		return nil, fail("CARD_TRANSACTION_UNREASONABLE_AMOUNT", text{"amount and fee must be positive", "amount 与 fee 必须为正数"})
	case req.Amount.LessThan(core.MustDecimal("0.5")):
		return nil, fail("CARD_TRANSACTION_UNREASONABLE_AMOUNT", text{"the minimum withdrawal is 0.5 %s", "最小提现金额为 0.5 %s"}, req.Coin)
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	u, err := w.userLocked(req.ExternalUserID)
	if err != nil {
		return nil, err
	}
	if u.ForbidWithdraw {
		return nil, fail("ACCOUNT_UNSUPPORTED_OPERATE", text{"withdrawals are forbidden for user %s", "用户 %s 禁止提现"}, u.ID)
	}
	if req.SMSCode != w.set.SMSCode {
		return nil, fail("ACCOUNT_CAPTCHA_CODE_ERROR", text{"smsCode is wrong (the sandbox code is fixed)", "smsCode 错误（沙箱验证码固定）"})
	}
	total := req.Amount.Add(req.Fee)
	if w.balanceLocked(u.ID, req.Coin).Free.Cmp(total) < 0 {
		return nil, fail("CARD_WALLET_BALANCE_LOW", text{"amount plus fee is %s %s", "提现金额加手续费为 %s %s"}, total.String(), req.Coin)
	}
	now := w.Now()
	ext := w.numID(19)
	x := w.moveLocked(AssetTxn{UserID: u.ID, Type: TypeWithdraw, Asset: req.Coin, Network: n.Name, FreeDelta: total.Neg(), FreezeDelta: total,
		ExternalID: ext, Status: StatusPending, ReceiveAddress: req.Address, Fee: req.Fee, ActualReceived: req.Amount}, now)
	w.withdrawals[ext] = x.TranID
	arrive := now.Add(time.Duration(n.ArrivalMins) * time.Minute)
	w.Agenda.Schedule(arrive, taskWithdrawDone, ext)
	return withdrawJSON{ext, ms(now), ms(arrive)}, nil
}

// withdrawDoneLocked completes a withdrawal: its frozen amount leaves the
// wallet and the ledger entry turns SUCCESS.
func (w *world) withdrawDoneLocked(ext string, at time.Time) {
	tranID, ok := w.withdrawals[ext]
	if !ok {
		return
	}
	delete(w.withdrawals, ext)
	x, ok := w.assetTxns.Get(tranID)
	if !ok {
		return
	}
	x.Status, x.TxHash = StatusSuccess, "0x"+w.Faker.HexID(32)
	w.assetTxns.Put(x.TranID, x)
	b := w.balanceLocked(x.UserID, x.Asset)
	b.Freeze = b.Freeze.Sub(x.FreezeDelta)
	w.setBalanceLocked(x.UserID, x.Asset, b)
	w.flowLocked(x.Asset, x.FreezeDelta.Neg()) // amount and fee leave for the address and the network
	w.pushLocked(eventBalanceChange, x.UserID, at, balanceChangeData{
		Asset: x.Asset, Network: x.Network, FreeDelta: "0", FreezeDelta: x.FreezeDelta.Neg().String(), TranID: x.TranID,
		ExternalTranID: ext, Free: b.Free.String(), Freeze: b.Freeze.String(), Type: TypeWithdraw,
	})
}

type bankAddressRequest struct {
	ExternalUserID string `json:"externalUserId"`
	Network        string `json:"network"`
}

type bankAddressJSON struct {
	Account string `json:"account"`
	Name    string `json:"name"`
}

// handleBankAddress handles "POST /crypto/v1/bank-address": the user's
// bank-transfer deposit account.
func (s *Server) handleBankAddress(r *http.Request) (any, error) {
	var req bankAddressRequest
	if err := decode(r, &req); err != nil {
		return nil, err
	}
	if req.Network == "" {
		return nil, invalid("network is required")
	}
	w := s.worlds.Enter(r)
	defer w.Unlock()
	u, err := w.userLocked(req.ExternalUserID)
	if err != nil {
		return nil, err
	}
	key := u.ID + "/bank"
	acct, ok := w.userAddress[key]
	if !ok {
		acct = "885" + w.Faker.Digits(9)
		w.userAddress[key] = acct
	}
	name := u.Name
	if u.TravelRule != nil {
		name = u.TravelRule.Name
	}
	return bankAddressJSON{acct, name}, nil
}

// depositStepLocked moves a deposit order on: PENDING_NORMAL →
// PENDING_CREDIT → SUCCESS, crediting the wallet; as its outcome says,
// through PENDING_AUDIT (for 60 steps) first, or FAILED at the first step.
func (w *world) depositStepLocked(txHash string, at time.Time) {
	d, ok := w.deposits.Get(txHash)
	if !ok {
		return
	}
	next := DepositStatus("")
	switch d.Status {
	case DepositPendingNormal:
		switch d.Outcome {
		case ruleDepositFail:
			next = DepositFailed
		case ruleDepositAudit:
			next = DepositPendingAudit
		default:
			next = DepositPendingCredit
		}
	case DepositPendingAudit:
		next = DepositPendingCredit
	case DepositPendingCredit:
		next = DepositSuccess
	default:
		return
	}
	d.Status = next
	if next == DepositSuccess {
		x := w.moveLocked(AssetTxn{UserID: d.UserID, Type: TypeDeposit, Asset: d.Asset, Network: d.Network, FreeDelta: d.Amount,
			ExternalID: d.TxHash, TxHash: d.TxHash, SendAddress: d.From}, at)
		w.flowLocked(d.Asset, d.Amount)
		d.TranID = x.TranID
		w.depositFiatLocked(d, at)
	}
	w.deposits.Put(d.TxHash, d)
	w.pushLocked(eventOrderStatus, d.UserID, at, orderData(d))
	if next != DepositSuccess && next != DepositFailed {
		delay := w.set.DepositDelay.D()
		if next == DepositPendingAudit {
			delay *= auditSteps
		}
		w.Agenda.Schedule(at.Add(delay), taskDepositStep, d.TxHash)
	}
}

// depositFiatLocked records a credited on-chain deposit in the user's fiat
// ledger (card/v1/fiat/transactions, "查询入账记录"): a C row of its USD
// value (transactionCurrency 840), channel T (D Token), with the units
// sent, the asset, network, addresses and txHash in transferDetails.
func (w *world) depositFiatLocked(d Deposit, at time.Time) {
	f := FiatTxn{ID: w.numID(21), UserID: d.UserID, DC: "C", TransType: "AU007", Amount: w.toUSD(d.Amount, d.Asset).Round(2), Currency: "USD",
		Merchant: "ON-CHAIN DEPOSIT", At: at, Channel: "T", Sender: d.From, Receiving: d.To, TxHash: d.TxHash, Network: d.Network,
		Asset: d.Asset, TxnAmount: d.Amount, TxnCurrency: d.Asset}
	w.fiat.Put(f.ID, f)
}

// auditSteps is how many deposit steps a deposit waits in PENDING_AUDIT.
const auditSteps = 60
