package decard_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/decard"
)

// TestQuirks pins every "Quirk:" comment of the package: the provider's
// oddities users depend on.
func TestQuirks(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	c := s.NewClient()
	u, err := s.AddUser(decard.NewUser{Mobile: "80000001", Balances: map[string]string{"USDT": "100", "SGD": "50"}})
	require.NoError(t, err)
	card, err := s.AddCard(decard.NewCard{UserID: u.ID, Mantissa: "0643"})
	require.NoError(t, err)
	_, err = s.Authorize(decard.NewTransaction{UserID: u.ID, CardID: card.ID, Amount: "21.22"})
	require.NoError(t, err)

	t.Run("kyc-status v1 data is a bare string", func(t *testing.T) {
		resp := get(t, c, "account.kyc_status", "/account/v1/kyc-status", nil, decard.Q("externalUserId", u.ID)...)
		assert.Equal(t, `"PASS"`, string(resp.Data))
	})
	t.Run("debitCreditIndcator is misspelled", func(t *testing.T) {
		resp := get(t, c, "card.statement_detail", "/card/v1/statements/detail", nil, decard.Q("externalUserId", u.ID, "statementId", "NO_POSTED")...)
		assert.Contains(t, string(resp.Body), `"debitCreditIndcator":"D"`)
		assert.NotContains(t, string(resp.Body), "debitCreditIndicator")
		post(t, c, "asset.debit", "/user-asset/v1/debit", map[string]any{"externalTranId": "quirk-0001", "asset": "SGD", "amount": "5", "externalUserId": u.ID}, nil)
		resp = get(t, c, "card.fiat_transactions", "/card/v1/fiat/transactions", nil, decard.Q("externalUserId", u.ID)...)
		assert.Contains(t, string(resp.Body), `"debitCreditIndcator":"D"`)
	})
	t.Run("fiat transactionCurrency is ISO numeric", func(t *testing.T) {
		resp := get(t, c, "card.fiat_transactions", "/card/v1/fiat/transactions", nil, decard.Q("externalUserId", u.ID)...)
		assert.Contains(t, string(resp.Body), `"transactionCurrency":"702"`)
		assert.Contains(t, string(resp.Body), `"txnCcy":"SGD"`)
	})
	t.Run("the open statement is id NO_POSTED, type NOT_POSTED", func(t *testing.T) {
		resp := get(t, c, "card.statements", "/card/v1/statements", nil, decard.Q("externalUserId", u.ID)...)
		assert.Contains(t, string(resp.Body), `"type":"NOT_POSTED"`)
		assert.Contains(t, string(resp.Body), `"statementId":"NO_POSTED"`)
		mustCode(t, c, "card.statement_detail", http.MethodGet, "/card/v1/statements/detail",
			decard.Q("externalUserId", u.ID, "statementId", "NOT_POSTED"), nil, "CARD_TRANSACTION_NO_SUCH_TRANSACTION")
	})
	t.Run("a spend's asset movements are all CONVERSION", func(t *testing.T) {
		var rows []struct {
			AssetMovements []struct{ Asset, Amount, MovementType string } `json:"assetMovements"`
		}
		get(t, c, "card.statement_detail", "/card/v1/statements/detail", &rows, decard.Q("externalUserId", u.ID, "statementId", "NO_POSTED")...)
		require.Len(t, rows, 1)
		mv := rows[0].AssetMovements
		require.Len(t, mv, 3)
		assert.Equal(t, []string{"USDT -21.22", "USD 21.22", "USD -21.22"},
			[]string{mv[0].Asset + " " + mv[0].Amount, mv[1].Asset + " " + mv[1].Amount, mv[2].Asset + " " + mv[2].Amount})
		for _, m := range mv {
			assert.Equal(t, "CONVERSION", m.MovementType)
		}
	})
	t.Run("card detail data is an array even for one card", func(t *testing.T) {
		resp := get(t, c, "card.detail", "/card/v1/detail", nil, decard.Q("externalUserId", u.ID, "cardMantissa", "0643")...)
		assert.True(t, bytes.HasPrefix(resp.Data, []byte("[{")), string(resp.Data))
		assert.Contains(t, string(resp.Data), `"cardNo":"************0643"`)
	})
	t.Run("without cardMantissa the first card that is not CANCELLED", func(t *testing.T) {
		second, err := s.AddCard(decard.NewCard{UserID: u.ID, Mantissa: "7777", CategoryID: "20102000"})
		require.NoError(t, err)
		require.NoError(t, s.CancelCard(card.ID))
		post(t, c, "card.block", "/card/v1/block", map[string]any{"externalUserId": u.ID, "block": true}, nil)
		s.CheckCardStatus(t, second.ID, decard.CardFrozen)
	})
	t.Run("categoryId is a string though documented Long", func(t *testing.T) {
		other := register(t, c, "80000002")
		resp := post(t, c, "card.virtual_apply", "/card/v1/virtual-card/apply",
			map[string]any{"externalUserId": other, "categoryId": 40102000, "applyRef": "long", "kycInfo": kycInfo("email", "q@example.com")}, nil)
		assert.Contains(t, string(resp.Data), `"categoryId":"40102000"`)
	})
	t.Run("occupation BEAUTY_CONSULTNT_STYLIST is the accepted spelling", func(t *testing.T) {
		other := register(t, c, "80000003")
		apply(t, c, other, "10102000", "beauty", kycInfo("email", "b@example.com", "occupation", "BEAUTY_CONSULTNT_STYLIST"))
	})
	t.Run("crypto v2 fxRate is a JSON number", func(t *testing.T) {
		resp := get(t, c, "crypto.deposit_address_v2", "/crypto/v2/deposit-address", nil, decard.Q("externalUserId", u.ID, "network", "TRON", "coin", "USDT")...)
		assert.Contains(t, string(resp.Data), `"fxRate":1.35,`)
	})
	t.Run("transfer-query amounts have 18 decimals", func(t *testing.T) {
		credit(t, c, u.ID, "USDT", "10", "quirk-0002")
		resp := get(t, c, "asset.transfer_query", "/user-asset/v1/transfer-query", nil, decard.Q("externalTranIds", "quirk-0002")...)
		assert.Contains(t, string(resp.Data), `"amount":"10.000000000000000000"`)
	})
	t.Run("failures have no data and no messageDetail, and HTTP 200", func(t *testing.T) {
		for _, resp := range []*decard.Response{
			mustCode(t, c, "account.kyc_status", http.MethodGet, "/account/v1/kyc-status", decard.Q("externalUserId", "nobody"), nil, "ACCOUNT_USER_NOT_EXIST"),
			mustCode(t, decard.NewClient(s.URL(), "bad", "key"), "card.list", http.MethodGet, "/card/v1/list", nil, nil, "DAPI_SECRET_KEY_EMPTY"),
		} {
			assert.Equal(t, http.StatusOK, resp.Status)
			var keys map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(resp.Body, &keys))
			assert.Len(t, keys, 3)
			assert.Contains(t, keys, "code")
			assert.Contains(t, keys, "message")
			assert.JSONEq(t, "false", string(keys["success"]))
		}
	})
	t.Run("pages start at 1; fiat rows default to 20", func(t *testing.T) {
		for i := 0; i < 25; i++ {
			credit(t, c, u.ID, "USD", "1", "fiat-"+jsonNumber(int64(100000+i)))
		}
		var rows []json.RawMessage
		get(t, c, "card.fiat_transactions", "/card/v1/fiat/transactions", &rows, decard.Q("externalUserId", u.ID)...)
		assert.Len(t, rows, 20)
		get(t, c, "card.fiat_transactions", "/card/v1/fiat/transactions", &rows, decard.Q("externalUserId", u.ID, "page", "2")...)
		assert.Len(t, rows, 6, "25 USD credits and one SGD debit")
		var page struct {
			Total int               `json:"total"`
			Rows  []json.RawMessage `json:"rows"`
		}
		post(t, c, "card.transactions", "/card/v1/transactions", map[string]any{"externalUserId": u.ID, "cardMantissa": "0643", "page": "1", "size": "1"}, &page)
		assert.Equal(t, 1, page.Total, "the only list with a total")
	})
	t.Run("a GET signs the decoded query too", func(t *testing.T) {
		assert.Equal(t, []string{"a=x%20y&b=%2B", "a=x y&b=+"}, decard.SignedPayloads(http.MethodGet, "a=x%20y&b=%2B", nil))
		assert.Equal(t, []string{"a=x+y", "a=x y"}, decard.SignedPayloads(http.MethodGet, "a=x+y", nil))
		assert.Equal(t, []string{`{"a":1}`}, decard.SignedPayloads(http.MethodPost, "a=1", []byte(`{"a":1}`)))
	})
}

// TestPushQuirks pins the stream/search/webhook format quirks.
func TestPushQuirks(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var bodies [][]byte
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, b)
		mu.Unlock()
	}))
	t.Cleanup(receiver.Close)
	s := decard.RunT(t)
	s.Webhooks.SetURL("", decard.Name, receiver.URL)
	c := s.NewClient()
	u, err := s.AddUser(decard.NewUser{Mobile: "80000004"})
	require.NoError(t, err)
	_, err = core.ProviderOf(s.Host).Create("default", "deposits", []byte(`{"externalUserId":"`+u.ID+`","amount":"2.59"}`))
	require.NoError(t, err)
	advance(t, s, time.Minute)
	msgs := s.Messages()
	require.Len(t, msgs, 2)

	t.Run("ORDER_STATUS spells toaddress with a lower-case a", func(t *testing.T) {
		assert.Contains(t, string(msgs[0].Data), `"toaddress":`)
		assert.NotContains(t, string(msgs[0].Data), `"toAddress"`)
	})
	t.Run("search returns a JSON string with spaced separators", func(t *testing.T) {
		var text string
		get(t, c, "websocket.search", "/websocket/v1/search", &text, decard.Q("version", "1")...)
		assert.Regexp(t, regexp.MustCompile(`^\{"data": \{"txHash": "0x[0-9a-f]+", "transStatus": "PENDING_NORMAL", `), text)
		assert.Regexp(t, `, "type": "ORDER_STATUS", "version": "1", "timestamp": "[0-9]{13}", "externalUserId": "`+u.ID+`"}$`, text)
	})
	t.Run("webhooks sort keys and send numbers; the stream sends strings", func(t *testing.T) {
		require.Equal(t, 2, s.FlushWebhooks(ctx))
		mu.Lock()
		defer mu.Unlock()
		body := string(bodies[0])
		order := []string{`"data":`, `"eventTimestamp":`, `"externalUserId":`, `"notificationTimestamp":`, `"type":`, `"webhookId":`}
		last := -1
		for _, k := range order {
			i := strings.Index(body, k)
			require.Greater(t, i, last, "%s after the previous key in %s", k, body)
			last = i
		}
		assert.Regexp(t, `"amount":"2.59000000","asset":"USDT","convertAmount"`, body, "nested keys sorted too")
		assert.Regexp(t, `"eventTimestamp":[0-9]{13},`, body)
		assert.Regexp(t, `^\{"type":"ORDER_STATUS","timestamp":"[0-9]{13}","version":"1",`, wsFrame(t, msgs[0]))
	})
}

// wsFrame renders a kept message as the stream sends it, through search's
// data: the stream and the kept message agree on every field.
func wsFrame(t *testing.T, m decard.Message) string {
	t.Helper()
	b, err := json.Marshal(struct {
		Type      string          `json:"type"`
		Timestamp string          `json:"timestamp"`
		Version   string          `json:"version"`
		UserID    string          `json:"externalUserId"`
		Data      json.RawMessage `json:"data"`
	}{m.Type, jsonNumber(m.Timestamp), jsonNumber(m.Version), m.UserID, m.Data})
	require.NoError(t, err)
	return string(b)
}
