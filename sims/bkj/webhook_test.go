package bkj_test

import (
	"context"
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
	"github.com/mocksrv/mocksrv/sims/bkj"
	"github.com/mocksrv/mocksrv/sims/core"
)

type delivery struct {
	header http.Header
	body   []byte
}

// receiver is a merchant's webhook endpoint that answers status.
type receiver struct {
	mu     sync.Mutex
	got    []delivery
	status int
}

func (rv *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rv.mu.Lock()
	defer rv.mu.Unlock()
	rv.got = append(rv.got, delivery{r.Header.Clone(), b})
	w.WriteHeader(rv.status)
}

func (rv *receiver) deliveries() []delivery {
	rv.mu.Lock()
	defer rv.mu.Unlock()
	return append([]delivery(nil), rv.got...)
}

func newReceiver(t *testing.T, status int) (*receiver, string) {
	rv := &receiver{status: status}
	srv := httptest.NewServer(rv)
	t.Cleanup(srv.Close)
	return rv, srv.URL
}

func TestWebhooks(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t, bkj.WithDelays(bkj.Delays{Freeze: 5 * time.Second}))
	rv, url := newReceiver(t, http.StatusOK)
	s.SetWebhookURL(url)
	c := s.NewClient()
	ctx := context.Background()

	user := register(t, c, "hook@example.com")
	ok(t, c, "user.kyc_token", get("/openapi/v1/users/"+user+"/kyc-token", nil), nil) // user.kyc: unverified → pending, then approved
	_, err := s.Deposit(user, "USDT", "20")                                           // wallet.transaction
	require.NoError(t, err)
	card, err := s.AddCard(bkj.Card{AccountID: user, Balance: core.MustDecimal("5")})
	require.NoError(t, err)
	ok(t, c, "card.freeze", post("/openapi/v1/card/freeze", map[string]string{"id": card.ID}), nil) // card.status active → processing_frozen
	_, _ = s.Clock.Advance(5 * time.Second)                                                         // → frozen
	_, err = s.Authorize(bkj.Authorization{CardID: card.ID, Amount: core.MustDecimal("1")})         // card.transaction (declined: frozen)
	require.NoError(t, err)

	n := s.FlushWebhooks(ctx)
	got := rv.deliveries()
	require.Equal(t, n, len(got))
	doc, err := contracts.Document(bkj.Name)
	require.NoError(t, err)
	events := map[string][]string{}
	for _, d := range got {
		require.NoError(t, bkj.VerifyWebhook(bkj.DefaultAPISecret, d.header, d.body), "every webhook is signed like a response")
		assert.Equal(t, bkj.DefaultAPIKey, d.header.Get("X-Api-Key"))
		var body struct {
			Event string `json:"event"`
			Data  struct {
				BeforeStatus string `json:"before_status"`
			} `json:"data"`
		}
		require.NoError(t, json.Unmarshal(d.body, &body))
		assert.Equal(t, body.Event, d.header.Get("X-Webhook-Event"))
		id, ok := doc.Webhooks[body.Event]
		require.True(t, ok, "no contract for %s", body.Event)
		contracts.Validate(t, id, d.body)
		events[body.Event] = append(events[body.Event], body.Data.BeforeStatus)
	}
	assert.ElementsMatch(t, []string{"unverified", "pending"}, events[bkj.EventKYC], "deliveries run concurrently: any order")
	assert.Equal(t, []string{""}, events[bkj.EventWalletTransaction])
	assert.ElementsMatch(t, []string{"active", "processing_frozen"}, events[bkj.EventCardStatus])
	assert.Equal(t, []string{""}, events[bkj.EventCardTransaction])

	tampered := got[0].body
	tampered = append([]byte(nil), tampered...)
	tampered[len(tampered)-2] ^= 1
	assert.ErrorIs(t, bkj.VerifyWebhook(bkj.DefaultAPISecret, got[0].header, tampered), bkj.ErrResponseSignature)
}

func TestWebhookRetriesOnTheBusinessClock(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	rv, url := newReceiver(t, http.StatusInternalServerError)
	s.SetWebhookURL(url)
	card, err := s.AddCard(bkj.Card{})
	require.NoError(t, err)
	require.NoError(t, s.FreezeCard(card.ID))
	ctx := context.Background()
	assert.Equal(t, 1, s.FlushWebhooks(ctx))
	assert.Equal(t, 0, s.FlushWebhooks(ctx), "the retry waits 10 s of business time")
	_, _ = s.Clock.Advance(10 * time.Second)
	rv.mu.Lock()
	rv.status = http.StatusOK
	rv.mu.Unlock()
	assert.Equal(t, 1, s.FlushWebhooks(ctx))
	ds := s.Webhooks.Deliveries(func(d core.Delivery) bool { return d.Provider == bkj.Name })
	require.Len(t, ds, 1)
	assert.Equal(t, core.DeliveryDelivered, ds[0].State)
	assert.Len(t, ds[0].Attempts, 2)
	assert.Len(t, rv.deliveries(), 2)
}
