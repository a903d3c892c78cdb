package bkj_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/bkj"
	"github.com/mocksrv/mocksrv/sims/core"
)

// TestIdempotencyTable is issue 13's one rule on bkj's POSTs, under both
// header names: the same key with the same request — the JSON re-formatted,
// keys reordered, a number spelled another way — answers the first answer
// byte for byte and changes nothing; the same key with a different request
// is 40902, naming the header the client sent, the key and the first field
// that differs.
func TestIdempotencyTable(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	c := s.NewClient()
	alice, err := s.AddUser(bkj.User{})
	require.NoError(t, err)
	bob, err := s.AddUser(bkj.User{})
	require.NoError(t, err)
	_, err = s.Deposit(alice.ID, "USDT", "1000")
	require.NoError(t, err)
	from, to := walletOf(t, c, alice.ID, "USDT"), walletOf(t, c, bob.ID, "USDT")
	card, err := s.AddCard(bkj.Card{AccountID: alice.ID, Balance: core.MustDecimal("100")})
	require.NoError(t, err)
	frozen, err := s.AddCard(bkj.Card{AccountID: alice.ID})
	require.NoError(t, err)

	tests := []struct {
		name, route, path, header string
		first, same, other        string
		wantField                 string
	}{
		{name: "register, keys reordered and spaced", route: "user.register", path: "/openapi/v1/users", header: "X-Idempotency-Key",
			first:     `{"email":"idem@example.com","first_name":"Zoë","last_name":"Ng","address":{"line1":"1 Main St","city":"Singapore","state":"SG","postCode":"018956","country":"SG"}}`,
			same:      "{\n  \"last_name\": \"Ng\",\n  \"address\": {\"country\": \"SG\", \"postCode\": \"018956\", \"state\": \"SG\", \"city\": \"Singapore\", \"line1\": \"1 Main St\"},\n  \"first_name\": \"Zoë\",\n  \"email\": \"idem@example.com\"\n}",
			other:     `{"email":"idem@example.com","first_name":"Zoë","last_name":"Ng","address":{"line1":"1 Main St","city":"Jurong","state":"SG","postCode":"018956","country":"SG"}}`,
			wantField: "address.city"},
		{name: "card apply under the published header", route: "card.apply", path: "/openapi/v1/card/apply", header: "Idempotency-Key",
			first:     fmt.Sprintf(`{"account_id":%q,"channel_id":"visa-virtual-usd","label":"Travel"}`, alice.ID),
			same:      fmt.Sprintf(`{ "label" : "Travel" , "channel_id" : "visa-virtual-usd" , "account_id" : %q }`, alice.ID),
			other:     fmt.Sprintf(`{"account_id":%q,"channel_id":"visa-virtual-usd","label":"Travel 2"}`, alice.ID),
			wantField: "label"},
		{name: "transfer, the amount spelled another way", route: "wallet.transfer", path: "/openapi/v1/wallet/transfer", header: "X-Idempotency-Key",
			first:     fmt.Sprintf(`{"from_wallet_id":%q,"to_wallet_id":%q,"amount":30}`, from.ID, to.ID),
			same:      fmt.Sprintf(`{"to_wallet_id":%q,"amount":30.00,"from_wallet_id":%q}`, to.ID, from.ID),
			other:     fmt.Sprintf(`{"from_wallet_id":%q,"to_wallet_id":%q,"amount":"30"}`, from.ID, to.ID),
			wantField: "amount"},
		{name: "withdrawal, a field added", route: "withdrawal.create", path: "/openapi/v1/wallet/withdraw", header: "X-Idempotency-Key",
			first:     fmt.Sprintf(`{"wallet_id":%q,"chain":"TRON","amount":"25","address":%q}`, from.ID, tronAddr),
			same:      fmt.Sprintf("{\"address\":%q,\r\n\"amount\":\"25\",\"chain\":\"TRON\",\"wallet_id\":%q}", tronAddr, from.ID),
			other:     fmt.Sprintf(`{"wallet_id":%q,"chain":"TRON","amount":"25","address":%q,"memo":"rent"}`, from.ID, tronAddr),
			wantField: "memo"},
		{name: "top-up", route: "wallet.transfer_to_card", path: "/openapi/v1/wallet/transfer-to-card", header: "Idempotency-Key",
			first:     fmt.Sprintf(`{"wallet_id":%q,"card_id":%q,"amount":"10.5"}`, from.ID, card.ID),
			same:      fmt.Sprintf(`{"card_id":%q,"amount":"10.5","wallet_id":%q}`, card.ID, from.ID),
			other:     fmt.Sprintf(`{"wallet_id":%q,"card_id":%q,"amount":"10.50"}`, from.ID, card.ID),
			wantField: "amount"},
		{name: "purchase", route: "sandbox.authorize", path: "/openapi/v1/sandbox/card/authorize", header: "X-Idempotency-Key",
			first:     fmt.Sprintf(`{"card_id":%q,"amount":"12.34","merchant_name":"Coffee Lab"}`, card.ID),
			same:      fmt.Sprintf(` {"merchant_name":"Coffee Lab","card_id":%q,"amount":"12.34"} `, card.ID),
			other:     fmt.Sprintf(`{"card_id":%q,"amount":"12.34","merchant_name":"Coffee Lab SG"}`, card.ID),
			wantField: "merchant_name"},
		{name: "freeze", route: "card.freeze", path: "/openapi/v1/card/freeze", header: "X-Idempotency-Key",
			first: fmt.Sprintf(`{"id":%q}`, frozen.ID), same: fmt.Sprintf(`{ "id" : %q }`, frozen.ID),
			other: fmt.Sprintf(`{"id":%q}`, card.ID), wantField: "id"},
	}
	for i, tt := range tests {
		key := fmt.Sprintf("idem-%d-%s", i, tt.route)
		send := func(body string) *bkj.Response {
			t.Helper()
			return call(t, c, tt.route, bkj.Request{Method: http.MethodPost, Path: tt.path, Body: body, Header: http.Header{tt.header: {key}}})
		}
		first := send(tt.first)
		require.Equal(t, 0, first.Code, "%s: %s", tt.name, first.Message)
		assert.Empty(t, first.Header.Get("X-Idempotent-Replayed"), tt.name)
		journal := len(s.Journal.Entries())
		state := stateOf(t, s)

		again := send(tt.same)
		assert.Equal(t, string(first.Body), string(again.Body), "%s: the same request re-formatted answers the first answer, byte for byte", tt.name)
		assert.Equal(t, "true", again.Header.Get("X-Idempotent-Replayed"), tt.name)
		assert.True(t, again.Signed, "a replay is signed afresh")
		assert.Equal(t, state, stateOf(t, s), "%s: a replay changes nothing", tt.name)

		conflict := send(tt.other)
		assert.Equal(t, 40902, conflict.Code, tt.name)
		assert.Equal(t, fmt.Sprintf("Idempotency key conflict: %s %q was first used with a different request (%s differs); the same key must carry the same request",
			tt.header, key, tt.wantField), conflict.Message, tt.name)
		assert.Equal(t, state, stateOf(t, s), "%s: a conflict changes nothing", tt.name)
		assert.Len(t, s.Journal.Entries(), journal+2, "both were journaled")
	}
	s.CheckLedger(t)
}

// stateOf returns the tenant's whole bkj state, as the admin API shows it.
func stateOf(t *testing.T, s *bkj.Server) string {
	t.Helper()
	st, err := core.ProviderOf(s.Host).State(core.DefaultTenant)
	require.NoError(t, err)
	b, err := json.Marshal(st)
	require.NoError(t, err)
	return string(b)
}

// TestIdempotencyConflictInChinese: the conflict message in Chinese names
// the same header, key and field.
func TestIdempotencyConflictInChinese(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	c := s.NewClient()
	c.Language = "zh-CN"
	req := bkj.Request{Method: http.MethodPost, Path: "/openapi/v1/users", Header: http.Header{"Idempotency-Key": {"zh-1"}},
		Body: `{"email":"zh@example.com","first_name":"张","last_name":"伟"}`}
	ok(t, c, "user.register", req, nil)
	req.Body = `{"email":"zh@example.com","first_name":"张","last_name":"伟伟"}`
	code(t, c, "user.register", req, 40902, `幂等键冲突：Idempotency-Key "zh-1" 已用于不同的请求（last_name 不同）`)
}

// TestIdempotencyReadsTheQueryInOrder: a POST's query is part of the
// request, compared in its canonical order (as signing sorts it); another
// query under the same key is 40902 naming the path.
func TestIdempotencyReadsTheQueryInOrder(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	c := s.NewClient()
	card, err := s.AddCard(bkj.Card{})
	require.NoError(t, err)
	req := func(path string) bkj.Request {
		return bkj.Request{Method: http.MethodPost, Path: path, Body: fmt.Sprintf(`{"id":%q}`, card.ID), IdempotencyKey: "q-1"}
	}
	first := ok(t, c, "card.freeze", req("/openapi/v1/card/freeze?b=2&a=1"), nil)
	again := ok(t, c, "card.freeze", req("/openapi/v1/card/freeze?a=1&b=2"), nil)
	assert.Equal(t, string(first.Body), string(again.Body))
	code(t, c, "card.freeze", req("/openapi/v1/card/freeze?a=1"), 40902, `X-Idempotency-Key "q-1" was first used with a different request (path differs)`)
}
