package decard_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/decard"
)

// TestCardLifecycle walks the flow as a client written only from
// DeCard's docs would: register with an SMS code, KYC by moving the clock,
// apply for cards, pick one by cardMantissa, freeze, unfreeze with an SMS
// code, spend, and read the statement.
func TestCardLifecycle(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	c := s.NewClient()

	user := register(t, c, "88998878")
	var kyc string
	get(t, c, "account.kyc_status", "/account/v1/kyc-status", &kyc, decard.Q("externalUserId", user)...)
	assert.Equal(t, "UNDO", kyc)

	a := apply(t, c, user, "10102000", "apply-1", kycInfo())
	assert.Equal(t, "PENDING", a.Status)
	assert.Equal(t, "10102000", a.CategoryID)
	again := apply(t, c, user, "10102000", "apply-1", kycInfo())
	assert.Equal(t, a.ApplyID, again.ApplyID, "applyRef is idempotent")

	steps := []struct {
		after time.Duration
		want  string
	}{{0, "INIT"}, {time.Minute, "PENDING"}, {3 * time.Minute, "PASS"}}
	for _, st := range steps {
		advance(t, s, st.after)
		get(t, c, "account.kyc_status", "/account/v1/kyc-status", &kyc, decard.Q("externalUserId", user)...)
		assert.Equal(t, st.want, kyc, "after %s", st.after)
	}
	var v2 struct {
		Status                string `json:"status"`
		DescriptionTimeMillis int64  `json:"descriptionTimeMillis"`
	}
	get(t, c, "account.kyc_status_v2", "/account/v2/kyc-status", &v2, decard.Q("externalUserId", user)...)
	assert.Equal(t, "PASS", v2.Status)
	assert.Equal(t, s.Clock.Now().UnixMilli(), v2.DescriptionTimeMillis)

	var progress applyData
	get(t, c, "card.virtual_detail", "/card/v1/virtual-card/detail", &progress, decard.Q("externalUserId", user, "applyRef", "apply-1")...)
	assert.Equal(t, "PENDING", progress.Status, "issuing takes a minute after the KYC")
	advance(t, s, time.Minute)
	get(t, c, "card.virtual_detail", "/card/v1/virtual-card/detail", &progress, decard.Q("externalUserId", user, "applyId", a.ApplyID)...)
	assert.Equal(t, "SUCCESS", progress.Status)

	// A second card (VIP): the KYC has passed, so it is issued after a minute.
	apply(t, c, user, "20102000", "apply-2", kycInfo())
	advance(t, s, time.Minute)
	cards := details(t, c, user)
	require.Len(t, cards, 2)
	first, vip := cards[0], cards[1]
	assert.Equal(t, "NORMAL", first.CardType)
	assert.Equal(t, "VIP", vip.CardType)
	one := details(t, c, user, vip.mantissa())
	require.Len(t, one, 1, "cardMantissa selects among the cards")
	assert.Equal(t, vip.CardNo, one[0].CardNo)
	var list []struct {
		ApplyRef string `json:"applyRef"`
		Status   string `json:"status"`
	}
	get(t, c, "card.apply_list", "/card/v1/apply-list", &list, decard.Q("externalUserId", user)...)
	assert.Equal(t, []string{"apply-2", "apply-1"}, []string{list[0].ApplyRef, list[1].ApplyRef})

	// Freeze the VIP card: no SMS.
	var ok bool
	post(t, c, "card.block", "/card/v1/block", map[string]any{"externalUserId": user, "block": true, "cardMantissa": vip.mantissa()}, &ok)
	assert.True(t, ok)
	assert.Equal(t, "FROZEN", details(t, c, user, vip.mantissa())[0].CardStatus)
	assert.Equal(t, "NORMAL", details(t, c, user, first.mantissa())[0].CardStatus, "only the selected card froze")

	// Unfreeze needs a CARD_UNFROZEN code.
	unfreeze := map[string]any{"externalUserId": user, "block": false, "cardMantissa": vip.mantissa()}
	mustCode(t, c, "card.block", http.MethodPost, "/card/v1/block", nil, unfreeze, "ACCOUNT_CAPTCHA_CODE_ERROR")
	post(t, c, "captcha.send_mobile_code", "/captcha/v1/send-mobile-code", map[string]any{"externalUserId": user, "behavioral": "CARD_UNFROZEN"}, nil)
	unfreeze["smsCode"] = decard.DefaultSMSCode
	post(t, c, "card.block", "/card/v1/block", unfreeze, &ok)
	assert.Equal(t, "NORMAL", details(t, c, user, vip.mantissa())[0].CardStatus)
	mustCode(t, c, "card.block", http.MethodPost, "/card/v1/block", nil, unfreeze, "CARD_FROZEN_STATUS_UNSUPPORTED")

	// Money: 50 USDT in, a 10.50 USD spend on the VIP card.
	credit(t, c, user, "USDT", "50", "credit-00001")
	var auth struct {
		Approved  bool    `json:"approved"`
		ErrorCode *string `json:"errorCode"`
	}
	spend := map[string]any{"externalUserId": user, "cardMantissa": vip.mantissa(), "authType": "EXPEND", "amount": "10.5", "currency": "USD"}
	post(t, c, "simulation.fund_auth", "/simulation/v1/fund-auth", spend, &auth)
	assert.True(t, auth.Approved)
	assert.Nil(t, auth.ErrorCode)
	s.CheckBalance(t, user, "USDT", "39.5")
	assert.Equal(t, "39.5", details(t, c, user, vip.mantissa())[0].WalletBalance)

	var rows []struct {
		PostIndicator       int    `json:"postIndicator"`
		PostingAmountInUsd  string `json:"postingAmountInUsd"`
		PostingAmountInSgd  string `json:"postingAmountInSgd"`
		DebitCreditIndcator string `json:"debitCreditIndcator"`
		AssetMovements      []struct {
			Asset, Amount, MovementType string
		} `json:"assetMovements"`
	}
	get(t, c, "card.statement_detail", "/card/v1/statements/detail", &rows,
		decard.Q("externalUserId", user, "statementId", "NO_POSTED", "cardMantissa", vip.mantissa())...)
	require.Len(t, rows, 1)
	assert.Equal(t, 0, rows[0].PostIndicator)
	assert.Equal(t, "10.5", rows[0].PostingAmountInUsd)
	assert.Equal(t, "14.18", rows[0].PostingAmountInSgd, "10.50 USD at 1.35")
	assert.Equal(t, "D", rows[0].DebitCreditIndcator)
	require.Len(t, rows[0].AssetMovements, 3)
	assert.Equal(t, "USDT", rows[0].AssetMovements[0].Asset)
	assert.Equal(t, "-10.5", rows[0].AssetMovements[0].Amount)
	get(t, c, "card.statement_detail", "/card/v1/statements/detail", &rows,
		decard.Q("externalUserId", user, "statementId", "NO_POSTED", "cardMantissa", first.mantissa())...)
	assert.Empty(t, rows, "the other card's statement is empty")
}

type statement struct {
	Type                      string  `json:"type"`
	StatementID               string  `json:"statementId"`
	StatementDateStart        string  `json:"statementDateStart"`
	StatementDateEnd          string  `json:"statementDateEnd"`
	PaymentAmountInSgd        string  `json:"paymentAmountInSgd"`
	PaymentAmountInUsd        string  `json:"paymentAmountInUsd"`
	NonPostedAmountInUsd      *string `json:"nonPostedAmountInUsd"`
	DebitAmountExcludePayment *string `json:"debitAmountExcludePayment"`
}

// TestStatementsCloseMonthly spends across a cycle, moves the clock past
// the statement date and checks the POSTED statement's exact totals.
func TestStatementsCloseMonthly(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	c := s.NewClient()
	advance(t, s, 2*24*time.Hour) // 2026-01-03: a fresh cycle, Jan 2 – Feb 1
	user, card := userWithCard(t, s, c, "81234567")
	credit(t, c, user, "USD", "1000", "credit-00002")

	spend := func(amount, currency, typ string) {
		post(t, c, "simulation.fund_auth_v2", "/simulation/v2/fund-auth", map[string]any{"externalUserId": user, "cardId": cardIDOf(t, c, user),
			"authType": typ, "amount": amount, "currency": currency}, nil)
	}
	spend("10.01", "USD", "EXPEND")
	spend("20.02", "USD", "EXPEND")
	advance(t, s, 2*24*time.Hour)   // both post after 24 h
	spend("13.50", "SGD", "EXPEND") // 10.00 USD
	spend("5", "USD", "REFUND")

	var list []statement
	get(t, c, "card.statements", "/card/v1/statements", &list, decard.Q("externalUserId", user, "cardMantissa", card.mantissa())...)
	require.Len(t, list, 1)
	open := list[0]
	assert.Equal(t, "NOT_POSTED", open.Type)
	assert.Equal(t, "NO_POSTED", open.StatementID)
	assert.Equal(t, "30.03", open.PaymentAmountInUsd, "posted so far")
	require.NotNil(t, open.NonPostedAmountInUsd)
	assert.Equal(t, "5", *open.NonPostedAmountInUsd, "10.00 spent minus 5 refunded, not posted yet")
	assert.Nil(t, open.DebitAmountExcludePayment)

	advance(t, s, 31*24*time.Hour) // past Feb 2 00:00
	get(t, c, "card.statements", "/card/v1/statements", &list, decard.Q("externalUserId", user, "cardMantissa", card.mantissa())...)
	require.Len(t, list, 2)
	posted := list[1]
	assert.Equal(t, "POSTED", posted.Type)
	assert.Len(t, posted.StatementID, 24)
	assert.Equal(t, ms(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)), posted.StatementDateStart)
	assert.Equal(t, ms(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)), posted.StatementDateEnd)
	assert.Equal(t, "35.03", posted.PaymentAmountInUsd, "10.01 + 20.02 + 10.00 − 5")
	assert.Equal(t, "47.29", posted.PaymentAmountInSgd, "13.51 + 27.03 + 13.5 − 6.75 (each row rounded to cents)")
	require.NotNil(t, posted.DebitAmountExcludePayment)
	assert.Equal(t, "54.04", *posted.DebitAmountExcludePayment, "debits only")
	assert.Nil(t, posted.NonPostedAmountInUsd)

	var rows []struct {
		PostIndicator int     `json:"postIndicator"`
		PostingDate   *string `json:"postingDate"`
	}
	get(t, c, "card.statement_detail", "/card/v1/statements/detail", &rows,
		decard.Q("externalUserId", user, "statementId", posted.StatementID, "cardMantissa", card.mantissa())...)
	require.Len(t, rows, 4)
	for _, r := range rows {
		assert.Equal(t, 1, r.PostIndicator)
		assert.NotNil(t, r.PostingDate)
	}
	var v2 []statement
	get(t, c, "card.statements_v2", "/card/v2/statements", &v2, decard.Q("externalUserId", user, "cardId", cardIDOf(t, c, user), "page", "1", "rows", "1")...)
	require.Len(t, v2, 1)
	assert.Equal(t, "NO_POSTED", v2[0].StatementID)
	get(t, c, "card.statements_v2", "/card/v2/statements", &v2, decard.Q("externalUserId", user, "cardId", cardIDOf(t, c, user), "page", "2", "rows", "1")...)
	require.Len(t, v2, 1)
	assert.Equal(t, posted.StatementID, v2[0].StatementID)
	var detail2 []json.RawMessage
	get(t, c, "card.statement_detail_v2", "/card/v2/statements/detail", &detail2,
		decard.Q("externalUserId", user, "statementId", posted.StatementID, "cardId", cardIDOf(t, c, user), "rows", "3")...)
	assert.Len(t, detail2, 3)
}

func cardIDOf(t *testing.T, c *decard.Client, user string) string {
	t.Helper()
	var cards []cardDetail
	get(t, c, "card.detail_v2", "/card/v2/detail", &cards, decard.Q("externalUserId", user)...)
	require.NotEmpty(t, cards)
	return cards[0].CardID
}

func ms(t time.Time) string { return jsonNumber(t.UnixMilli()) }

func jsonNumber(n int64) string { b, _ := json.Marshal(n); return string(b) }

// TestPushes connects to the WebSocket stream, makes events happen and
// checks the messages, their versions, search, and the signed webhooks.
func TestPushes(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var hooks []*http.Request
	var bodies [][]byte
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		hooks, bodies = append(hooks, r), append(bodies, b)
		mu.Unlock()
	}))
	t.Cleanup(receiver.Close)

	s := decard.RunT(t)
	s.Webhooks.SetURL("", decard.Name, receiver.URL)
	c := s.NewClient()
	var channel string
	get(t, c, "websocket.get_channel", "/websocket/v1/get-channel", &channel, decard.Q("channel", "TEST")...)
	stream, err := c.Dial(ctx, channel)
	require.NoError(t, err)
	t.Cleanup(func() { _ = stream.Close() })

	user, card := userWithCard(t, s, c, "87654321")
	credit(t, c, user, "USD", "20", "credit-00003")
	post(t, c, "simulation.fund_auth", "/simulation/v1/fund-auth", map[string]any{"externalUserId": user, "cardMantissa": card.mantissa(),
		"authType": "EXPEND", "amount": "7.25", "currency": "USD"}, nil)
	addr := depositAddress(t, c, user)
	post(t, c, "simulation.deposit", "/simulation/v1/deposit", map[string]any{"chain": "TRON", "currency": "USDT", "amount": "2.5", "address": addr}, nil)
	advance(t, s, 2*time.Minute)
	core.ProviderOf(s.Host).Settle("default")

	want := []string{"KYC_STATUS", "KYC_STATUS", "KYC_STATUS", "BALANCE_CHANGE", "BALANCE_CHANGE", "CARD_TRANSACTION",
		"ORDER_STATUS", "ORDER_STATUS", "BALANCE_CHANGE", "ORDER_STATUS"}
	var got []decard.StreamMessage
	for range want {
		m, err := stream.Next(ctx)
		require.NoError(t, err)
		got = append(got, m)
		schema := "decard/webhooks/" + lower(m.Type) + ".json"
		contracts.Validate(t, schema, m.Raw)
	}
	for i, m := range got {
		assert.Equal(t, want[i], m.Type, "message %d", i)
		assert.Equal(t, jsonNumber(int64(i+1)), m.Version, "versions count up")
		assert.Equal(t, user, m.ExternalUserID)
	}
	var kyc struct{ Status string }
	require.NoError(t, json.Unmarshal(got[2].Data, &kyc))
	assert.Equal(t, "PASS", kyc.Status)
	var order struct {
		TransStatus string `json:"transStatus"`
		ToAddress   string `json:"toaddress"`
	}
	require.NoError(t, json.Unmarshal(got[9].Data, &order))
	assert.Equal(t, "SUCCESS", order.TransStatus)
	assert.Equal(t, addr, order.ToAddress)

	// A client that missed version 6 fetches it with search.
	var found string
	get(t, c, "websocket.search", "/websocket/v1/search", &found, decard.Q("version", "6")...)
	var replay struct {
		Type    string `json:"type"`
		Version string `json:"version"`
	}
	require.NoError(t, json.Unmarshal([]byte(found), &replay))
	assert.Equal(t, "CARD_TRANSACTION", replay.Type)
	assert.Equal(t, "6", replay.Version)
	resp := call(t, c, "websocket.search", http.MethodGet, "/websocket/v1/search", decard.Q("version", "999"), nil)
	assert.JSONEq(t, "null", string(resp.Data), "an unknown version is null")

	// Webhooks: every push plus CARD_APPLY, each signed as the connector verifies.
	n := s.FlushWebhooks(ctx)
	assert.Equal(t, len(want)+1, n)
	mu.Lock()
	defer mu.Unlock()
	types := map[string]int{}
	for i, r := range hooks {
		sig := r.Header.Get("X-Signature")
		assert.True(t, decard.VerifyWebhook(s.Secret(), bodies[i], sig), "X-Signature verifies")
		assert.Regexp(t, `^[0-9a-f]{64}$`, sig)
		var body struct {
			Type string `json:"type"`
		}
		require.NoError(t, json.Unmarshal(bodies[i], &body))
		types[body.Type]++
		contracts.Validate(t, "decard/webhooks/"+lower(body.Type)+".json", bodies[i])
	}
	assert.Equal(t, map[string]int{"KYC_STATUS": 3, "BALANCE_CHANGE": 3, "CARD_TRANSACTION": 1, "ORDER_STATUS": 3, "CARD_APPLY": 1}, types)

	// A new channel retires the old one: its stream ends.
	get(t, c, "websocket.get_channel", "/websocket/v1/get-channel", &channel)
	_, err = stream.Next(ctx)
	require.Error(t, err)
}

func depositAddress(t *testing.T, c *decard.Client, user string) string {
	t.Helper()
	var a struct {
		Address string `json:"address"`
	}
	get(t, c, "crypto.deposit_address", "/crypto/v1/deposit-address", &a, decard.Q("externalUserId", user, "network", "TRON", "coin", "USDT")...)
	return a.Address
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
