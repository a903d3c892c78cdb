package decard_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/decard"
)

// TestCardEventsOverTheAdminAPI drives a tenant's card through the admin
// route: authorize, a decline by reason, reverse, clear, refund, and the
// refusals, each answer checked against the card-event contract; the
// transactions read the same through DeCard's own statements/detail.
func TestCardEventsOverTheAdminAPI(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	status, body := f.Admin(t, http.MethodPost, "/_mocksrv/tenants", map[string]any{"id": "events",
		"decard": map[string]any{"posting_delay": "720h", "auth_expiry": "48h"}})
	require.Equal(t, http.StatusCreated, status, "%s", body)
	status, body = f.Admin(t, http.MethodPost, "/_mocksrv/tenants/events/decard/users", map[string]any{"balances": map[string]string{"USD": "60"}})
	require.Equal(t, http.StatusCreated, status, "%s", body)
	var u decard.User
	require.NoError(t, json.Unmarshal(body, &u))
	status, body = f.Admin(t, http.MethodPost, "/_mocksrv/tenants/events/decard/cards", map[string]any{"externalUserId": u.ID})
	require.Equal(t, http.StatusCreated, status, "%s", body)
	var card decard.Card
	require.NoError(t, json.Unmarshal(body, &card))

	event := func(ev map[string]any) eventAnswer {
		t.Helper()
		status, body := f.Admin(t, http.MethodPost, "/_mocksrv/tenants/events/decard/cards/"+card.ID+"/events", ev)
		require.Equal(t, http.StatusCreated, status, "%s", body)
		contracts.Validate(t, "decard/card_event.response.json", body)
		var out eventAnswer
		require.NoError(t, json.Unmarshal(body, &out))
		return out
	}
	auth := event(map[string]any{"type": "authorize", "amount": "40", "currency": "USD",
		"merchant": map[string]any{"name": "Book Shop", "city": "Berlin", "country": "DE"}})
	require.True(t, auth.Approved)
	assert.Equal(t, "BOOK SHOP                BERLIN        DE", auth.Transaction.MerchantName)
	id := auth.Transaction.PostedTransactionID
	declined := event(map[string]any{"type": "authorize", "amount": "1", "decline": "CARD_CARD_INACTIVE"})
	assert.False(t, declined.Approved)
	assert.Equal(t, "CARD_CARD_INACTIVE", *declined.ErrorCode)
	event(map[string]any{"type": "reverse", "transaction": id, "amount": 10})
	cleared := event(map[string]any{"type": "clear", "transaction": id, "amount": "35"})
	assert.Equal(t, "45", cleared.Transaction.PostingAmountInUsd, "10 reversed plus 35 cleared")
	event(map[string]any{"type": "refund", "transaction": id, "amount": "5"})

	status, body = f.Admin(t, http.MethodPost, "/_mocksrv/tenants/events/decard/cards/"+card.ID+"/events", map[string]any{"type": "chargeback", "transaction": id})
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, string(body), "chargeback is not published")
	assert.Contains(t, string(body), "it takes authorize, reverse, expire, clear, refund")
	status, body = f.Admin(t, http.MethodPost, "/_mocksrv/tenants/events/decard/cards/"+card.ID+"/events", map[string]any{"type": "reverse", "transaction": "42"})
	assert.Equal(t, http.StatusNotFound, status, "%s", body)
	assert.Contains(t, string(body), "no transaction 42")

	status, body = f.Admin(t, http.MethodGet, "/_mocksrv/providers/decard/declines", nil)
	require.Equal(t, http.StatusOK, status)
	var list struct {
		Declines []core.Decline `json:"declines"`
	}
	require.NoError(t, json.Unmarshal(body, &list))
	assert.Equal(t, decard.Declines(), list.Declines)

	// DeCard's own API shows the same rows.
	var creds struct {
		DeCard decard.Credentials `json:"decard"`
	}
	_, body = f.Admin(t, http.MethodGet, "/_mocksrv/tenants/events", nil)
	require.NoError(t, json.Unmarshal(body, &creds))
	c := decard.NewClient(f.URL(), creds.DeCard.APIKey, creds.DeCard.APISecret)
	var rows []eventRow
	get(t, c, "card.statement_detail", "/card/v1/statements/detail", &rows, decard.Q("externalUserId", u.ID, "statementId", "NO_POSTED")...)
	require.Len(t, rows, 3, "the refund, the reversal and the cleared spend")
	assert.Equal(t, *cleared.Transaction, rows[2])

	var state struct {
		Money map[string]decard.MoneyLine `json:"money"`
	}
	_, body = f.Admin(t, http.MethodGet, "/_mocksrv/tenants/events/decard/state", nil)
	require.NoError(t, json.Unmarshal(body, &state))
	require.Contains(t, state.Money, "USD", "%s", body)
	assert.True(t, state.Money["USD"].Conserved)
	assert.Equal(t, "30", state.Money["USD"].Wallets.String(), "60 − 40 authorized + 10 reversed − 5 cleared above + 5 refunded")
}

// TestSnapshotKeepsOpenAuthorisations: a snapshot keeps an authorisation
// waiting for clearing and its expiry; restored, it expires on time.
func TestSnapshotKeepsOpenAuthorisations(t *testing.T) {
	t.Parallel()
	opts := []decard.Option{decard.WithPostingDelay(30 * 24 * time.Hour), decard.WithAuthExpiry(72 * time.Hour)}
	f := sims.RunT(t, sims.WithDeCard(opts...))
	u, card := cardWith(t, f.DeCard, map[string]string{"USD": "40"})
	auth := applyEvent(t, f.DeCard, card.ID, authorize("15"))
	saved, err := f.MarshalState()
	require.NoError(t, err)

	g := sims.RunT(t, sims.WithDeCard(opts...))
	require.NoError(t, g.UnmarshalState(saved))
	g.DeCard.CheckBalance(t, u.ID, "USD", "25")
	_, err = g.DeCard.Clock.Advance(71 * time.Hour)
	require.NoError(t, err)
	clr := applyEvent(t, g.DeCard, card.ID, core.CardEvent{Type: core.EventReverse, Transaction: auth.Transaction.PostedTransactionID, Amount: "5"})
	assert.Equal(t, 0, clr.Authorization.PostIndicator, "still open after 71 h")
	_, err = g.DeCard.Clock.Advance(time.Hour)
	require.NoError(t, err)
	g.DeCard.CheckBalance(t, u.ID, "USD", "40")
	g.DeCard.CheckMoney(t)
}

// TestCardHistory: every card records its creation and each status change
// with its cause, bounded, shown by the state dump and kept by snapshots.
func TestCardHistory(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	s := f.DeCard
	_, card := cardWith(t, s, nil)
	_, err := s.Clock.Advance(time.Minute)
	require.NoError(t, err)
	require.NoError(t, s.FreezeCard(card.ID))
	c, _ := s.Card(card.ID)
	require.Len(t, c.History, 2)
	assert.Equal(t, core.CardChange{At: core.TestEpoch, To: string(decard.CardNormal), Cause: "created by admin"}, c.History[0])
	assert.Equal(t, core.CardChange{At: core.TestEpoch.Add(time.Minute), From: string(decard.CardNormal), To: string(decard.CardFrozen), Cause: "frozen by platform"}, c.History[1])
	for i := range 40 {
		if i%2 == 0 {
			require.NoError(t, s.UnfreezeCard(card.ID))
		} else {
			require.NoError(t, s.FreezeCard(card.ID))
		}
	}
	c, _ = s.Card(card.ID)
	require.Len(t, c.History, core.CardHistoryLimit, "bounded")
	assert.Equal(t, string(decard.CardFrozen), c.History[core.CardHistoryLimit-1].To)

	_, body := f.Admin(t, http.MethodGet, "/_mocksrv/tenants/default/decard/state", nil)
	assert.Contains(t, string(body), `"history"`, "the state dump shows it")
	saved, err := f.MarshalState()
	require.NoError(t, err)
	g := sims.RunT(t)
	require.NoError(t, g.UnmarshalState(saved))
	back, _ := g.DeCard.Card(card.ID)
	assert.Equal(t, c.History, back.History, "snapshots keep it")
}
