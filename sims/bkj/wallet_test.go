package bkj_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/bkj"
	"github.com/mocksrv/mocksrv/sims/core"
)

type walletTxOut struct {
	ID            string `json:"id"`
	IDNo          string `json:"id_no"`
	BalanceID     string `json:"balance_id"`
	Action        string `json:"action"`
	BusinessType  string `json:"business_type"`
	Amount        string `json:"amount"`
	Fee           string `json:"fee"`
	Status        string `json:"status"`
	Address       string `json:"address"`
	Chain         string `json:"chain"`
	PayeeID       string `json:"payee_id"`
	RecipientType string `json:"recipient_type"`
	CloseTime     string `json:"close_time"`
	CardID        string `json:"card_id"`
}

const tronAddr = "TN3W4H6rK2ce4vX9YnFQHwKENnHjoxb3m9"

func TestChainsAndDepositAddresses(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	c := s.NewClient()
	var chains struct {
		Total int
		List  []struct {
			Chain       string `json:"chain"`
			WithdrawFee string `json:"withdraw_fee"`
		}
	}
	ok(t, c, "chain.list", get("/openapi/v1/wallet/chains", nil), &chains)
	assert.Equal(t, 4, chains.Total)
	ok(t, c, "chain.list", get("/openapi/v1/wallet/chains", url.Values{"currency": {"USDC"}}), &chains)
	assert.Equal(t, 3, chains.Total, "TRON carries USDT only")

	acct := register(t, c, "addr@example.com")
	usdt := walletOf(t, c, acct, "USDT")
	usdc := walletOf(t, c, acct, "USDC")
	var a1, a2 struct {
		ID      string `json:"id"`
		Address string `json:"address"`
		Chain   string `json:"chain"`
	}
	ok(t, c, "wallet_address.create", post("/openapi/v1/wallet/address", map[string]string{"wallet_id": usdt.ID, "chain": "TRON"}), &a1)
	assert.Regexp(t, `^T[1-9A-HJ-NP-Za-km-z]{33}$`, a1.Address)
	ok(t, c, "wallet_address.create", post("/openapi/v1/wallet/address", map[string]string{"wallet_id": usdt.ID, "chain": "TRON"}), &a2)
	assert.Equal(t, a1, a2, "one address per wallet and chain")
	ok(t, c, "wallet_address.create", post("/openapi/v1/wallet/address", map[string]string{"wallet_id": usdt.ID, "chain": "ETH"}), &a2)
	assert.Regexp(t, `^0x[0-9a-f]{40}$`, a2.Address)
	code(t, c, "wallet_address.create", post("/openapi/v1/wallet/address", map[string]string{"wallet_id": usdc.ID, "chain": "TRON"}), 40000, "TRON does not carry USDC")
	code(t, c, "wallet_address.create", post("/openapi/v1/wallet/address", map[string]string{"wallet_id": usdc.ID, "chain": "DOGE"}), 40000, `chain "DOGE"`)
	var detail struct {
		Addresses []struct{ Chain string } `json:"addresses"`
	}
	ok(t, c, "wallet.detail", get("/openapi/v1/wallet/detail", url.Values{"id": {usdt.ID}}), &detail)
	assert.Len(t, detail.Addresses, 2)
	code(t, c, "wallet.detail", get("/openapi/v1/wallet/detail", url.Values{"id": {"nope"}}), 40400, `wallet "nope"`)
	code(t, c, "wallet.detail", get("/openapi/v1/wallet/detail", nil), 40000, "id is required")
}

func TestWithdrawalLifecycle(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t, bkj.WithDelays(bkj.Delays{Withdrawal: 10 * time.Minute}))
	c := s.NewClient()
	acct := approved(t, c, "wd@example.com")
	_, err := s.Deposit(acct, "USDT", "500")
	require.NoError(t, err)
	w := walletOf(t, c, acct, "USDT")

	var wd walletTxOut
	ok(t, c, "withdrawal.create", post("/openapi/v1/wallet/withdraw", map[string]any{"account_id": acct, "wallet_id": w.ID, "chain": "TRON",
		"amount": "100", "address": tronAddr, "memo": "rent"}), &wd)
	assert.Equal(t, "pending", wd.Status)
	assert.Equal(t, "100.00", wd.Amount)
	assert.Equal(t, "1.00", wd.Fee)
	assert.Equal(t, "", wd.CloseTime)
	assert.Regexp(t, `^202601010\d{3}$`, wd.IDNo)
	got := walletOf(t, c, acct, "USDT")
	assert.Equal(t, "399", got.Balance, "amount plus fee is held")
	assert.Equal(t, "101", got.FrozenBalance)

	_, _ = s.Clock.Advance(10 * time.Minute)
	var done walletTxOut
	ok(t, c, "wallet_transaction.detail", get("/openapi/v1/wallet/transactions/"+wd.ID, nil), &done)
	assert.Equal(t, "success", done.Status)
	assert.Equal(t, "2026-01-01T00:10:00Z", done.CloseTime)
	got = walletOf(t, c, acct, "USDT")
	assert.Equal(t, "399", got.Balance)
	assert.Equal(t, "0", got.FrozenBalance)
	code(t, c, "withdrawal.cancel", post("/openapi/v1/wallet/withdraw/cancel", map[string]string{"id": wd.ID}), 40900, "only pending withdrawals")

	// Cancel while pending: the hold comes back.
	ok(t, c, "withdrawal.create", post("/openapi/v1/wallet/withdraw", map[string]any{"wallet_id": w.ID, "chain": "TRON", "amount": 50, "address": tronAddr}), &wd)
	var cancelled walletTxOut
	ok(t, c, "withdrawal.cancel", post("/openapi/v1/wallet/withdraw/cancel", map[string]string{"id": wd.ID}), &cancelled)
	assert.Equal(t, "cancelled", cancelled.Status)
	s.CheckWalletBalance(t, acct, "USDT", "399")
	_, _ = s.Clock.Advance(time.Hour)
	s.CheckWalletBalance(t, acct, "USDT", "399") // the cancelled withdrawal does not settle later

	// Magic memos: reject fails (money back), hold waits for the admin.
	ok(t, c, "withdrawal.create", post("/openapi/v1/wallet/withdraw", map[string]any{"wallet_id": w.ID, "chain": "TRON", "amount": "10", "address": tronAddr, "memo": "mocksrv:withdrawal-reject"}), &wd)
	_, _ = s.Clock.Advance(10 * time.Minute)
	ok(t, c, "wallet_transaction.detail", get("/openapi/v1/wallet/transactions/"+wd.ID, nil), &done)
	assert.Equal(t, "failed", done.Status)
	s.CheckWalletBalance(t, acct, "USDT", "399")
	ok(t, c, "withdrawal.create", post("/openapi/v1/wallet/withdraw", map[string]any{"wallet_id": w.ID, "chain": "TRON", "amount": "10", "address": tronAddr, "memo": "mocksrv:withdrawal-hold:payout-7"}), &wd)
	_, _ = s.Clock.Advance(48 * time.Hour)
	ok(t, c, "wallet_transaction.detail", get("/openapi/v1/wallet/transactions/"+wd.ID, nil), &done)
	assert.Equal(t, "pending", done.Status)
	_, err = core.ProviderOf(s.Host).Create("default", "withdrawals", []byte(`{"id":"`+wd.ID+`","decision":"success"}`))
	require.NoError(t, err)
	s.CheckWalletBalance(t, acct, "USDT", "388")
	s.CheckLedger(t)
}

// bkj publishes the withdrawal at POST /wallet/create-withdrawal, with its
// Idempotency-Key header; that path is the same operation as
// /wallet/withdraw, under its own route name.
func TestPublishedWithdrawalPath(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	c := s.NewClient()
	acct := approved(t, c, "published@example.com")
	_, err := s.Deposit(acct, "USDT", "200")
	require.NoError(t, err)
	w := walletOf(t, c, acct, "USDT")
	body := map[string]any{"account_id": acct, "wallet_id": w.ID, "chain": "TRON", "amount": "100.00", "address": tronAddr, "memo": "rent"}
	req := post("/openapi/v1/wallet/create-withdrawal", body)
	req.Header = http.Header{"Idempotency-Key": {"published-1"}}

	var wd walletTxOut
	first := ok(t, c, "wallet.create_withdrawal", req, &wd)
	assert.Equal(t, "pending", wd.Status)
	assert.Equal(t, "100.00", wd.Amount)
	again := ok(t, c, "wallet.create_withdrawal", req, nil)
	assert.Equal(t, string(first.Body), string(again.Body), "the published Idempotency-Key replays the first answer")
	s.CheckWalletBalance(t, acct, "USDT", "99")
	assert.Len(t, s.Journal.Entries(core.ByRoute("wallet.create_withdrawal")), 2)

	body["amount"] = "1000"
	code(t, c, "wallet.create_withdrawal", post("/openapi/v1/wallet/create-withdrawal", body), 40901, "")
}

func TestWithdrawalErrors(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	c := s.NewClient()
	acct := approved(t, c, "wde@example.com")
	_, err := s.Deposit(acct, "USDT", "50")
	require.NoError(t, err)
	w := walletOf(t, c, acct, "USDT")
	pending := register(t, c, "unverified@example.com")
	pw := walletOf(t, c, pending, "USDT")
	_, err = s.Deposit(pending, "USDT", "50")
	require.NoError(t, err)
	tests := []struct {
		name string
		body map[string]any
		code int
		want string
	}{
		{name: "insufficient", body: map[string]any{"wallet_id": w.ID, "chain": "TRON", "amount": "49.5", "address": tronAddr}, code: 40901, want: "holds 50 USDT; the withdrawal needs 50.5 (49.5 plus fee 1)"},
		{name: "below minimum", body: map[string]any{"wallet_id": w.ID, "chain": "TRON", "amount": "5", "address": tronAddr}, code: 40000, want: "at least 10 USDT on TRON"},
		{name: "bad address", body: map[string]any{"wallet_id": w.ID, "chain": "ETH", "amount": "20", "address": tronAddr}, code: 40000, want: "is not a ETH address (0x followed by 40 hex digits)"},
		{name: "account mismatch", body: map[string]any{"wallet_id": w.ID, "chain": "TRON", "amount": "20", "address": tronAddr, "account_id": "x"}, code: 40000, want: "does not belong to account_id x"},
		{name: "chain without the currency", body: map[string]any{"wallet_id": walletOf(t, c, acct, "USDC").ID, "chain": "TRON", "amount": "20", "address": tronAddr}, code: 40000, want: "TRON does not carry USDC"},
		{name: "amount as garbage", body: map[string]any{"wallet_id": w.ID, "chain": "TRON", "amount": "1e3", "address": tronAddr}, code: 40000, want: "amount must be a positive amount"},
		{name: "amount missing", body: map[string]any{"wallet_id": w.ID, "chain": "TRON", "address": tronAddr}, code: 40000, want: "amount is required"},
		{name: "unknown wallet", body: map[string]any{"wallet_id": "nope", "chain": "TRON", "amount": "20", "address": tronAddr}, code: 40400, want: `wallet "nope"`},
		{name: "KYC not approved", body: map[string]any{"wallet_id": pw.ID, "chain": "TRON", "amount": "20", "address": tronAddr}, code: 40900, want: "KYC status unverified"},
		{name: "unknown payee", body: map[string]any{"wallet_id": w.ID, "amount": "20", "payee_id": "nope"}, code: 40400, want: `payee "nope"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code(t, c, "withdrawal.create", post("/openapi/v1/wallet/withdraw", tt.body), tt.code, tt.want)
		})
	}
	code(t, c, "withdrawal.cancel", post("/openapi/v1/wallet/withdraw/cancel", map[string]string{"id": "nope"}), 40400, "wallet transaction")
}

func TestPayees(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t, bkj.WithDelays(bkj.Delays{Withdrawal: time.Minute}))
	c := s.NewClient()
	acct := approved(t, c, "payee@example.com")
	body := map[string]any{"account_id": acct, "name": "Cold wallet", "chain": "ETH", "currency": "USDC", "address": "0x1a2b3c4d5e6f7890abcdef1234567890abcdef12", "memo": ""}
	var p struct {
		ID      string `json:"id"`
		Name    string `json:"name"`
		Address string `json:"address"`
	}
	ok(t, c, "payee.create", post("/openapi/v1/wallet/payees", body), &p)
	body["name"] = "Treasury"
	delete(body, "account_id")
	ok(t, c, "payee.update", bkj.Request{Method: "PUT", Path: "/openapi/v1/wallet/payees/" + p.ID, Body: body}, &p)
	assert.Equal(t, "Treasury", p.Name)
	ok(t, c, "payee.detail", get("/openapi/v1/wallet/payees/"+p.ID, nil), &p)
	assert.Equal(t, "Treasury", p.Name)
	var list struct{ Total int }
	ok(t, c, "payee.list", get("/openapi/v1/wallet/payees", url.Values{"account_id": {acct}, "chain": {"ETH"}}), &list)
	assert.Equal(t, 1, list.Total)
	body["address"] = tronAddr
	code(t, c, "payee.update", bkj.Request{Method: "PUT", Path: "/openapi/v1/wallet/payees/" + p.ID, Body: body}, 40000, "not a ETH address")
	body["currency"] = "DAI"
	code(t, c, "payee.create", post("/openapi/v1/wallet/payees", body), 40000, "account_id is required")

	_, err := s.Deposit(acct, "USDC", "100")
	require.NoError(t, err)
	var wd walletTxOut
	ok(t, c, "withdrawal.create", post("/openapi/v1/wallet/withdraw", map[string]any{"wallet_id": walletOf(t, c, acct, "USDC").ID, "amount": "20", "payee_id": p.ID}), &wd)
	assert.Equal(t, p.ID, wd.PayeeID)
	assert.Equal(t, "payee", wd.RecipientType)
	assert.Equal(t, "ETH", wd.Chain)
	assert.Equal(t, "0x1a2b3c4d5e6f7890abcdef1234567890abcdef12", wd.Address)

	ok(t, c, "payee.delete", bkj.Request{Method: "DELETE", Path: "/openapi/v1/wallet/payees/" + p.ID}, nil)
	code(t, c, "payee.detail", get("/openapi/v1/wallet/payees/"+p.ID, nil), 40400, "payee")
	code(t, c, "payee.delete", bkj.Request{Method: "DELETE", Path: "/openapi/v1/wallet/payees/" + p.ID}, 40400, "payee")
}

func TestMailingAddresses(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	c := s.NewClient()
	acct := register(t, c, "mail@example.com")
	body := map[string]any{"account_id": acct, "first_name": "John", "last_name": "Mock-Doe", "phone": "15125550100",
		"line1": "3415 Greystone Drive", "line2": "Suite 205", "city": "Austin", "state": "TX", "postCode": "78731", "country": "US"}
	var a struct {
		ID   string `json:"id"`
		City string `json:"city"`
	}
	ok(t, c, "card_address.create", post("/openapi/v1/card/addresses", body), &a)
	body["city"] = "Dallas"
	ok(t, c, "card_address.update", bkj.Request{Method: "PUT", Path: "/openapi/v1/card/addresses/" + a.ID, Body: body}, &a)
	assert.Equal(t, "Dallas", a.City)
	body["account_id"] = "someone-else"
	code(t, c, "card_address.update", bkj.Request{Method: "PUT", Path: "/openapi/v1/card/addresses/" + a.ID, Body: body}, 40000, "account_id cannot change")
	var list struct{ Total int }
	ok(t, c, "card_address.list", get("/openapi/v1/card/addresses", url.Values{"account_id": {acct}}), &list)
	assert.Equal(t, 1, list.Total)
	ok(t, c, "card_address.delete", bkj.Request{Method: "DELETE", Path: "/openapi/v1/card/addresses/" + a.ID}, nil)
	ok(t, c, "card_address.list", get("/openapi/v1/card/addresses", nil), &list)
	assert.Zero(t, list.Total)
	body["account_id"], body["country"] = acct, "United States"
	code(t, c, "card_address.create", post("/openapi/v1/card/addresses", body), 40000, "country must be an ISO 3166-1")
	body["country"], body["account_id"] = "US", "ghost"
	code(t, c, "card_address.create", post("/openapi/v1/card/addresses", body), 40400, `user "ghost"`)
}

// Internal transfers and wallet-to-card transfers move money exactly, and
// never below zero; transactions list consistently with balances.
func TestTransfersMoveMoneyExactly(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	c := s.NewClient()
	alice := approved(t, c, "alice@example.com")
	bob := approved(t, c, "bob@example.com")
	_, err := s.Deposit(alice, "USDT", "100.10")
	require.NoError(t, err)
	aw, bw := walletOf(t, c, alice, "USDT"), walletOf(t, c, bob, "USDT")

	var out walletTxOut
	ok(t, c, "wallet.transfer", post("/openapi/v1/wallet/transfer", map[string]any{"from_wallet_id": aw.ID, "to_wallet_id": bw.ID, "amount": "30.05", "memo": "lunch"}), &out)
	assert.Equal(t, "transfer_out", out.Action)
	assert.Equal(t, "internal_transfer", out.BusinessType)
	assert.Equal(t, "30.05", out.Amount)
	s.CheckWalletBalance(t, alice, "USDT", "70.05")
	s.CheckWalletBalance(t, bob, "USDT", "30.05")
	code(t, c, "wallet.transfer", post("/openapi/v1/wallet/transfer", map[string]any{"from_wallet_id": bw.ID, "to_wallet_id": aw.ID, "amount": "30.06"}), 40901, "less than 30.06")
	code(t, c, "wallet.transfer", post("/openapi/v1/wallet/transfer", map[string]any{"from_wallet_id": aw.ID, "to_wallet_id": aw.ID, "amount": "1"}), 40000, "same wallet")
	code(t, c, "wallet.transfer", post("/openapi/v1/wallet/transfer", map[string]any{"from_wallet_id": aw.ID, "to_wallet_id": walletOf(t, c, bob, "USDC").ID, "amount": "1"}), 40000, "stay within one currency")

	card := applyCard(t, c, alice, "visa-virtual-usd", nil)
	cardDetail(t, c, card.ID) // opening → active
	ok(t, c, "wallet.transfer_to_card", post("/openapi/v1/wallet/transfer-to-card", map[string]any{"wallet_id": aw.ID, "card_id": card.ID, "amount": "70.05"}), &out)
	assert.Equal(t, "card_topup", out.BusinessType)
	assert.Equal(t, card.ID, out.CardID)
	s.CheckWalletBalance(t, alice, "USDT", "0")
	got := cardDetail(t, c, card.ID)
	assert.Equal(t, "70.05", got.ChannelBalance)
	assert.Equal(t, "70.05", got.Raw.CardBalance, "raw balances follow channel_balance")
	assert.Equal(t, "70.05", got.Raw.CABalance)
	code(t, c, "wallet.transfer_to_card", post("/openapi/v1/wallet/transfer-to-card", map[string]any{"wallet_id": aw.ID, "card_id": card.ID, "amount": "0.01"}), 40901, "less than 0.01")
	code(t, c, "wallet.transfer_to_card", post("/openapi/v1/wallet/transfer-to-card", map[string]any{"wallet_id": bw.ID, "card_id": card.ID, "amount": "1"}), 40000, "another account")
	require.NoError(t, s.FreezeCard(card.ID))
	code(t, c, "wallet.transfer_to_card", post("/openapi/v1/wallet/transfer-to-card", map[string]any{"wallet_id": aw.ID, "card_id": card.ID, "amount": "1"}), 40900, "needs active")

	// The wallet's transactions add up to its balance.
	var txs struct {
		Total int
		List  []walletTxOut
	}
	ok(t, c, "wallet_transaction.list", get("/openapi/v1/wallet/transactions", url.Values{"wallet_id": {aw.ID}}), &txs)
	require.Equal(t, 3, txs.Total)
	assert.Equal(t, []string{"transfer_out", "transfer_out", "deposit"}, []string{txs.List[0].Action, txs.List[1].Action, txs.List[2].Action})
	ok(t, c, "wallet_transaction.list", get("/openapi/v1/wallet/transactions", url.Values{"account_id": {bob}, "action": {"transfer_in"}}), &txs)
	assert.Equal(t, 1, txs.Total)
	ok(t, c, "wallet_transaction.list", get("/openapi/v1/wallet/transactions", url.Values{"business_type": {"card_topup"}}), &txs)
	assert.Equal(t, 1, txs.Total)
	code(t, c, "wallet_transaction.list", get("/openapi/v1/wallet/transactions", url.Values{"status": {"done"}}), 40000, "status must be")
	code(t, c, "wallet_transaction.detail", get("/openapi/v1/wallet/transactions/nope", nil), 40400, "wallet transaction")

	var ctx struct {
		Total int
		List  []struct {
			Type         string `json:"type"`
			Amount       string `json:"amount"`
			BalanceAfter string `json:"balance_after"`
		}
	}
	ok(t, c, "card_transaction.list", get("/openapi/v1/card/transactions", url.Values{"card_id": {card.ID}}), &ctx)
	require.Equal(t, 1, ctx.Total)
	assert.Equal(t, "topup", ctx.List[0].Type)
	assert.Equal(t, "70.05", ctx.List[0].BalanceAfter)
	s.CheckLedger(t)
}
