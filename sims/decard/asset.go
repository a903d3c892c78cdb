package decard

// Wallet model — DeCard "asset" section (balance, transactions, detail,
// credit, debit, transfer-query), "wallet" section (deposit addresses,
// withdrawals) and the BALANCE_CHANGE and ORDER_STATUS pushes.

import (
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Asset ledger types (user-asset transactions "type").
const (
	TypeDeposit    = "DEPOSIT"
	TypeWithdraw   = "WITHDRAW"
	TypeConversion = "CONVERSION"
)

// Transaction statuses of the asset ledger.
const (
	StatusSuccess = "SUCCESS"
	StatusPending = "PENDING"
	StatusFail    = "FAIL"
)

// AssetTxn is one entry of a user's wallet ledger.
type AssetTxn struct {
	TranID      string       `json:"tranId"`
	ExternalID  string       `json:"externalId"` // the business id it belongs to (card externalTranId, deposit order…)
	ID          string       `json:"id"`
	UserID      string       `json:"externalUserId"`
	Type        string       `json:"type"`
	Asset       string       `json:"asset"`
	Network     string       `json:"network,omitempty"`
	FreeDelta   core.Decimal `json:"freeDelta"`
	FreezeDelta core.Decimal `json:"freezeDelta"`
	Status      string       `json:"status"`
	OrderID     string       `json:"orderId"`
	At          time.Time    `json:"time"`

	// Conversions.
	BaseAsset  string `json:"baseAsset,omitempty"`
	QuoteAsset string `json:"quoteAsset,omitempty"`
	Price      string `json:"price,omitempty"`
	// Deposits and withdrawals.
	TxHash         string       `json:"transactionHash,omitempty"`
	SendAddress    string       `json:"sendAddress,omitempty"`
	ReceiveAddress string       `json:"receivedAddress,omitempty"`
	Fee            core.Decimal `json:"feeAmount"`
	ActualReceived core.Decimal `json:"actualReceived"`
}

// Transfer is a fund-pool credit or debit (user-asset credit/debit).
type Transfer struct {
	ExternalTranID string       `json:"externalTranId"`
	TranID         string       `json:"tranId"`
	UserID         string       `json:"externalUserId"`
	Asset          string       `json:"asset"`
	Amount         core.Decimal `json:"amount"`
	Direction      string       `json:"direction"` // CREDIT or DEBIT
	Remark         string       `json:"remark"`
	Status         string       `json:"status"`
	At             time.Time    `json:"at"`
}

// FiatTxn is one entry of a user's fiat ledger (card/v1/fiat/transactions).
type FiatTxn struct {
	ID        string       `json:"postedTransactionId"`
	UserID    string       `json:"externalUserId"`
	DC        string       `json:"debitCredit"` // C or D
	TransType string       `json:"postingTransType"`
	Amount    core.Decimal `json:"transactionAmount"`
	Currency  string       `json:"currency"` // alpha; rendered as ISO numeric
	Merchant  string       `json:"merchantName"`
	At        time.Time    `json:"transactionDateTime"`
	Channel   string       `json:"channelCode"`
	Sender    string       `json:"sender"`
	Receiving string       `json:"receiving"`
	TxHash    string       `json:"txHash"`
	Network   string       `json:"network"`
	Asset     string       `json:"asset"`
	// TxnAmount and TxnCurrency are what was sent (transferDetails txnAmt
	// and txnCcy) when it is not Amount and Currency: an on-chain deposit's
	// units of its asset.
	TxnAmount   core.Decimal `json:"txnAmt,omitzero"`
	TxnCurrency string       `json:"txnCcy,omitempty"`
}

// DepositStatus is a deposit order's transStatus, verbatim.
type DepositStatus string

// Deposit order statuses.
const (
	DepositPendingNormal DepositStatus = "PENDING_NORMAL" // processing, auto review
	DepositPendingCredit DepositStatus = "PENDING_CREDIT" // awaiting credit
	DepositPendingAudit  DepositStatus = "PENDING_AUDIT"  // manual review
	DepositSuccess       DepositStatus = "SUCCESS"
	DepositFailed        DepositStatus = "FAILED"
)

// Deposit is an on-chain deposit order (simulation/v1/deposit).
type Deposit struct {
	TxHash    string        `json:"txHash"`
	UserID    string        `json:"externalUserId"`
	Asset     string        `json:"asset"`
	Network   string        `json:"network"`
	Amount    core.Decimal  `json:"amount"`
	From      string        `json:"fromAddress"`
	To        string        `json:"toAddress"`
	Status    DepositStatus `json:"transStatus"`
	TranID    string        `json:"tranId,omitempty"`
	Outcome   string        `json:"outcome,omitempty"` // a steered outcome: deposit.fail or deposit.audit (magic.go)
	CreatedAt time.Time     `json:"createdAt"`
}

// Address is a user's deposit address on one network.
type Address struct {
	UserID  string `json:"externalUserId"`
	Network string `json:"network"`
	Address string `json:"address"`
}

// Task kinds of deposits and withdrawals.
const (
	taskDepositStep  = "deposit.step"
	taskWithdrawDone = "withdraw.done"
)

// moveLocked changes a user's balance of an asset, records the ledger
// entry and pushes BALANCE_CHANGE. It does not check for overdraft.
func (w *world) moveLocked(x AssetTxn, at time.Time) AssetTxn {
	a, _ := findAsset(x.Asset)
	if x.Network == "" {
		x.Network = a.Network
	}
	if x.TranID == "" {
		x.TranID = w.numID(19)
	}
	if x.ID == "" {
		x.ID = w.numID(19)
	}
	if x.OrderID == "" {
		x.OrderID = w.numID(19)
	}
	if x.Status == "" {
		x.Status = StatusSuccess
	}
	x.At = at
	b := w.balanceLocked(x.UserID, x.Asset)
	b.Free, b.Freeze = b.Free.Add(x.FreeDelta), b.Freeze.Add(x.FreezeDelta)
	w.setBalanceLocked(x.UserID, x.Asset, b)
	w.assetTxns.Put(x.TranID, x)
	network := x.Network
	if a.Network == "" {
		network = ""
	}
	w.pushLocked(eventBalanceChange, x.UserID, at, balanceChangeData{
		Asset: x.Asset, Network: network, FreeDelta: x.FreeDelta.String(), FreezeDelta: x.FreezeDelta.String(),
		TranID: x.TranID, ExternalTranID: x.ExternalID, Free: b.Free.String(), Freeze: b.Freeze.String(), Type: x.Type,
	})
	return x
}

// walletUSDLocked is the USD value of a user's wallet, cut to cents: the
// card's walletBalance.
func (w *world) walletUSDLocked(user string) core.Decimal {
	total := core.Zero
	for _, a := range assets {
		if b := w.balanceLocked(user, a.Code); b.Free.Sign() > 0 {
			total = total.Add(w.toUSD(b.Free, a.Code))
		}
	}
	return floor2(total)
}

// draw is the part of a card spend one wallet asset pays.
type draw struct {
	asset string
	units core.Decimal // of the asset
	usd   core.Decimal // what they convert to
}

// planSpendLocked chooses how a user's wallet pays usd: USD first, then
// USDT, USDC and SGD converted at the configured rates. ok is false when
// the wallet cannot cover it.
func (w *world) planSpendLocked(user string, usd core.Decimal) (plan []draw, ok bool) {
	need := usd
	for _, a := range assets {
		if need.Sign() <= 0 {
			break
		}
		free := w.balanceLocked(user, a.Code).Free
		if free.Sign() <= 0 {
			continue
		}
		r, _ := w.rate(a.Code)
		units := need.Mul(r)
		if free.Cmp(units) >= 0 {
			plan = append(plan, draw{a.Code, units, need})
			need = core.Zero
			break
		}
		got := w.toUSD(free, a.Code)
		plan = append(plan, draw{a.Code, free, got})
		need = need.Sub(got)
	}
	return plan, need.Sign() <= 0
}

// fundPoolLocked moves amount between the tenant's fund pool and a user:
// positive credits the user.
func (w *world) fundPoolLocked(asset string, userDelta core.Decimal) error {
	p := w.pool[asset]
	if p.Sub(userDelta).Sign() < 0 {
		return fail("CARD_WALLET_BALANCE_LOW", text{"the partner's %s fund pool holds %s", "渠道 %s 资金池余额 %s"}, asset, p.String())
	}
	w.pool[asset] = p.Sub(userDelta)
	return nil
}

// flowLocked records money crossing the tenant's boundary: delta > 0 came
// in from outside (an on-chain deposit, a bank transfer into a virtual
// account, a card refund), delta < 0 left it (a card spend, a QR payment,
// a withdrawal reaching its address or bank). Moves inside the tenant —
// the fund pool, wallets and virtual accounts — record nothing.
func (w *world) flowLocked(asset string, delta core.Decimal) {
	w.flows[asset] = w.flows[asset].Add(delta)
}

// MoneyLine is one asset's books in a tenant: where its money is, and how
// much came in from outside net of what left. Conserved says the two
// sides agree: FundPool + Wallets + Accounts + InTransit = Opening +
// NetInflow.
type MoneyLine struct {
	FundPool  core.Decimal `json:"fund_pool"`
	Wallets   core.Decimal `json:"wallets"`    // every user's wallet, free and frozen
	Accounts  core.Decimal `json:"accounts"`   // financial-connection virtual accounts, free and frozen
	InTransit core.Decimal `json:"in_transit"` // financial-connection payments not yet settled into the fund pool
	Opening   core.Decimal `json:"opening"`    // the fund pool the tenant started with
	NetInflow core.Decimal `json:"net_inflow"`
	Conserved bool         `json:"conserved"`
}

// moneyLocked draws up the books of every asset. It reads the balances
// and the recorded flows independently, so a money path that forgets to
// record a flow, or moves money it does not take from somewhere, shows as
// not conserved.
func (w *world) moneyLocked() map[string]MoneyLine {
	out := map[string]MoneyLine{}
	for _, a := range assets {
		out[a.Code] = MoneyLine{FundPool: w.pool[a.Code], Opening: w.opening, NetInflow: w.flows[a.Code]}
	}
	add := func(asset string, f func(l *MoneyLine)) {
		l := out[asset]
		f(&l)
		out[asset] = l
	}
	for k, b := range w.wallet {
		add(k.asset, func(l *MoneyLine) { l.Wallets = l.Wallets.Add(b.Free).Add(b.Freeze) })
	}
	w.fcAccounts.Each(func(a FCAccount) bool {
		add(a.Currency, func(l *MoneyLine) { l.Accounts = l.Accounts.Add(a.Free).Add(a.Freeze) })
		return true
	})
	w.fcTxns.Each(func(x FCTxn) bool {
		if x.Kind == FCPayment && x.Status == FCSuccess && x.Settle == FCSettlePending {
			add(x.Currency, func(l *MoneyLine) { l.InTransit = l.InTransit.Add(x.Amount) })
		}
		return true
	})
	for a, l := range out {
		l.Conserved = l.FundPool.Add(l.Wallets).Add(l.Accounts).Add(l.InTransit).Cmp(l.Opening.Add(l.NetInflow)) == 0
		out[a] = l
	}
	return out
}
