package keysecure_test

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
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/keysecure"
)

type merchant struct {
	mu      sync.Mutex
	pushes  []map[string]any
	raw     [][]byte
	headers []http.Header
	reply   []string
}

func (m *merchant) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	m.mu.Lock()
	defer m.mu.Unlock()
	var p map[string]any
	_ = json.Unmarshal(b, &p)
	m.pushes, m.raw, m.headers = append(m.pushes, p), append(m.raw, b), append(m.headers, r.Header.Clone())
	reply := `{"code":0,"message":""}`
	if len(m.reply) > 0 {
		reply, m.reply = m.reply[0], m.reply[1:]
	}
	_, _ = w.Write([]byte(reply))
}

func TestCallbacksAreSignedAndRetried(t *testing.T) {
	t.Parallel()
	ks := runT(t)
	m := &merchant{reply: []string{`{"code":1,"message":"busy"}`}}
	srv := httptest.NewServer(m)
	defer srv.Close()
	ks.Webhooks.SetURL("", keysecure.Name, srv.URL)

	card, err := ks.AddCard(keysecure.Card{})
	require.NoError(t, err)
	require.NoError(t, ks.FreezeCard(card.ID))
	ctx := context.Background()
	ks.FlushWebhooks(ctx)
	require.Len(t, m.pushes, 1)
	d := ks.Webhooks.Deliveries(func(d core.Delivery) bool { return d.Event == "Card_update" })
	require.Len(t, d, 1)
	assert.Equal(t, core.DeliveryPending, d[0].State, "a reply with code != 0 is a failure: retried")

	_, _ = ks.Clock.Advance(10 * time.Second)
	ks.FlushWebhooks(ctx)
	require.Len(t, m.pushes, 2)
	assert.Equal(t, "Card_update", m.pushes[1]["action"])
	data := m.pushes[1]["data"].(map[string]any)
	assert.Equal(t, "Activated", data["before_status"])
	assert.Equal(t, "Frozen", data["after_status"])

	h := m.headers[1]
	assert.Equal(t, "V1", h.Get("Sign-Version"))
	assert.Equal(t, "UTC+8", h.Get("Timezone"))
	want, err := keysecure.CallbackSignature(keysecure.DefaultAPIKey, h.Get("Timestamp"), m.raw[1], keysecure.DefaultAPISecret)
	require.NoError(t, err)
	assert.Equal(t, want, h.Get("Signature"))
	contracts.Validate(t, "keysecure/webhooks/card_update.json", m.raw[1])
}

// TestCallbackSignatureFollowsSignUtils pins the canonical string: sorted
// k=v of appId, timestamp and data's fields, nulls skipped, nested values
// as compact JSON.
func TestCallbackSignatureFollowsSignUtils(t *testing.T) {
	t.Parallel()
	body := []byte(`{"id":"x","action":"Auth","data":{"card_no":"C1","amount":10.50,"note":null,"merchant_info":{"z":1,"a":"b"}}}`)
	got, err := keysecure.CallbackSignature("key", "1700000000000", body, "secret")
	require.NoError(t, err)
	// Computed independently (Python hmac) over the canonical string
	// amount=10.50&appId=key&card_no=C1&merchant_info={"a":"b","z":1}&timestamp=1700000000000
	assert.Equal(t, "cc0507105c58ae2859d7a01df118487fdfdddb764ec4abb8398f52c50ab8d873", got)
}

func TestAuthAndConsumptionCallbacks(t *testing.T) {
	t.Parallel()
	ks := runT(t, keysecure.WithAuthWindow(10*time.Second)) // the merchant answers; a loaded machine must not time it out
	m := &merchant{}
	srv := httptest.NewServer(m)
	defer srv.Close()
	ks.Webhooks.SetURL("", keysecure.Name, srv.URL)
	h, err := ks.AddCardholder(keysecure.Cardholder{})
	require.NoError(t, err)
	card, err := ks.AddCard(keysecure.Card{CardholderNo: h.ID, BinNo: "BIN-48655511"})
	require.NoError(t, err)
	require.NoError(t, ks.Fund(h.ID, "20"))
	_, err = ks.Consume(card.ID, "5")
	require.NoError(t, err)
	ks.FlushWebhooks(context.Background())
	var actions []string
	for i, p := range m.pushes {
		actions = append(actions, p["action"].(string))
		switch p["action"] {
		case "Auth":
			contracts.Validate(t, "keysecure/webhooks/auth.json", m.raw[i])
		case "Consumption":
			contracts.Validate(t, "keysecure/webhooks/consumption.json", m.raw[i])
			assert.Equal(t, 5.0, p["data"].(map[string]any)["amount"], "Quirk: callbacks send amounts as numbers")
		}
	}
	assert.ElementsMatch(t, []string{"Auth", "Consumption"}, actions)
}
