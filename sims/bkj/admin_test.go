package bkj_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/bkj"
	"github.com/mocksrv/mocksrv/sims/core"
)

func TestCreateKinds(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	out, err := s.Create("default", "users", []byte(`{"email":"seed@example.com","first_name":"Seed","last_name":"User"}`))
	require.NoError(t, err)
	u := out.(bkj.User)
	assert.Equal(t, bkj.KYCApproved, u.KYCStatus, "admin users are approved unless told otherwise")

	for _, st := range bkj.AllStatuses {
		body := `{"account_id":"` + u.ID + `","status":"` + string(st) + `"}`
		if st == bkj.StatusProducing || st == bkj.StatusShipping || st == bkj.StatusActivateReviewing || st == bkj.StatusPreProducing {
			body = `{"account_id":"` + u.ID + `","status":"` + string(st) + `","channel_id":"visa-physical-usd"}`
		}
		out, err := s.Create("default", "cards", []byte(body))
		require.NoError(t, err, st)
		assert.Equal(t, st, out.(bkj.Card).Status, "a card can be created in status %s", st)
	}
	_, err = s.Create("default", "wallets", []byte(`{"account_id":"`+u.ID+`","currency":"USDC","balance":"12.5"}`))
	require.NoError(t, err)
	s.CheckWalletBalance(t, u.ID, "USDC", "12.5")
	_, err = s.Create("default", "deposits", []byte(`{"account_id":"`+u.ID+`","amount":"3"}`))
	require.NoError(t, err)
	s.CheckWalletBalance(t, u.ID, "USDT", "3")
	_, err = s.Create("default", "addresses", []byte(`{"account_id":"`+u.ID+`","first_name":"A","last_name":"B","address":{"line1":"x","city":"y","state":"z","postCode":"1","country":"US"}}`))
	require.NoError(t, err)
	_, err = s.Create("default", "payees", []byte(`{"account_id":"`+u.ID+`","name":"P","chain":"TRON","currency":"USDT","address":"`+tronAddr+`"}`))
	require.NoError(t, err)
	card := s.AddCard(bkj.Card{AccountID: u.ID, Balance: core.MustDecimal("9")})
	_, err = s.Create("default", "transactions", []byte(`{"card_id":"`+card.ID+`","amount":"4"}`))
	require.NoError(t, err)
	s.CheckCardBalance(t, card.ID, "5")
	s.CheckMoney(t)

	for _, bad := range []struct{ kind, body, want string }{
		{"cards", `{"status":"melted"}`, "not a bkj card status"},
		{"cards", `{"stauts":"active"}`, "unknown field"},
		{"cards", `{"channel_id":"visa-virtual-usd","type":"physical"}`, "issues virtual cards"},
		{"kyc", `{"user_id":"` + u.ID + `","decision":"maybe"}`, "approve"},
		{"users", `{"kyc_status":"great"}`, "kyc_status"},
		{"deposits", `{"account_id":"` + u.ID + `","amount":"0"}`, "positive"},
		{"withdrawals", `{"id":"nope","decision":"success"}`, "does not exist"},
		{"spaceships", `{}`, "bkj has no \"spaceships\""},
	} {
		_, err := s.Create("default", bad.kind, []byte(bad.body))
		assert.ErrorContains(t, err, bad.want, bad.kind)
	}
}

func TestStateSnapshotRestore(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t, bkj.WithDelays(bkj.Delays{Freeze: time.Minute}))
	c := s.NewClient()
	acct := approved(t, c, "snap@example.com")
	card := applyCard(t, c, acct, "visa-virtual-usd", nil)
	cardDetail(t, c, card.ID)
	ok(t, c, "card.freeze", post("/openapi/v1/card/freeze", map[string]string{"id": card.ID}), nil)
	_, err := s.Deposit(acct, "USDT", "42")
	require.NoError(t, err)

	raw, err := s.Snapshot("default")
	require.NoError(t, err)
	st, err := s.State("default")
	require.NoError(t, err)
	dump := st.(bkj.StateDump)
	assert.Len(t, dump.Cards, 1)
	assert.Len(t, dump.Pending, 2, "the freeze step and the card's expiry are scheduled")
	assert.True(t, dump.Money.Balanced)

	fresh, err := bkj.New(bkj.WithClock(core.NewFrozenClock(s.Clock.Now())), bkj.WithSeed(1))
	require.NoError(t, err)
	require.NoError(t, fresh.Restore(fresh.Env.Default(), raw))
	again, err := fresh.Snapshot("default")
	require.NoError(t, err)
	assert.JSONEq(t, string(raw), string(again), "a restored world saves the same")
	fresh.CheckCardStatus(t, card.ID, bkj.StatusProcessingFrozen)
	_, _ = fresh.Clock.Advance(time.Minute)
	fresh.CheckCardStatus(t, card.ID, bkj.StatusFrozen) // the agenda survived
	fresh.CheckWalletBalance(t, acct, "USDT", "42")

	require.NoError(t, s.ResetTenant("default"))
	_, ok := s.Card(card.ID)
	assert.False(t, ok, "reset empties the world")
	creds, _ := s.Credentials("default")
	assert.Equal(t, bkj.Credentials{APIKey: bkj.DefaultAPIKey, APISecret: bkj.DefaultAPISecret}, creds)
}

// The Fleet's admin API drives bkj cards in bkj's vocabulary.
func TestFleetAdminAPI(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	card := f.BKJ.AddCard(bkj.Card{})
	adminPost := func(path, body string) (int, string) {
		res, err := http.Post(f.URL()+path, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	for _, action := range []string{"freeze", "unfreeze", "block", "activate", "expire", "cancel"} {
		status, body := adminPost("/_mocksrv/tenants/default/bkj/cards/"+card.ID+"/"+action, "")
		require.Equal(t, http.StatusOK, status, "%s: %s", action, body)
	}
	f.BKJ.CheckCardStatus(t, card.ID, bkj.StatusPreDelete)
	status, body := adminPost("/_mocksrv/tenants/default/bkj/cards/"+card.ID+"/freeze", "")
	assert.Equal(t, http.StatusConflict, status, body)
	status, body = adminPost("/_mocksrv/tenants/default/bkj/users", `{"email":"fleet@example.com"}`)
	assert.Equal(t, http.StatusCreated, status, body)

	res, err := http.Post(f.URL()+"/_mocksrv/tenants", "application/json", strings.NewReader(`{"id":"ci-1","bkj":{"api_key":"ci-key","api_secret":"ci-secret"}}`))
	require.NoError(t, err)
	defer res.Body.Close()
	var info map[string]json.RawMessage
	require.NoError(t, json.NewDecoder(res.Body).Decode(&info))
	assert.JSONEq(t, `{"api_key":"ci-key","api_secret":"ci-secret"}`, string(info["bkj"]))
	c := bkj.NewClient(f.URL(), "ci-key", "ci-secret")
	resp, err := c.Send(context.Background(), get("/openapi/v1/card/list", nil))
	require.NoError(t, err)
	assert.Equal(t, 0, resp.Code)
	assert.Contains(t, string(resp.Body), `"total":0`, "the new tenant starts empty")
}
