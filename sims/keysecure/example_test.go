package keysecure_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/keysecure"
	"github.com/stretchr/testify/require"
)

// Example runs KeySecure in-process, applies for a virtual card the way a
// client written from KeySecure's docs does, and moves the business clock
// to see the card issued.
func Example() {
	ks, _ := keysecure.New(keysecure.WithClock(core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))))
	srv := httptest.NewServer(ks.Handler())
	defer srv.Close()
	holder, _ := ks.AddCardholder(keysecure.Cardholder{}) // KYC approved, from the seeded faker

	c := keysecure.NewClient(srv.URL, ks.APIKey(), ks.Secret()) // fetches the Access-Token itself
	resp, _ := c.Do(context.Background(), http.MethodPost, "/open-api/v1/card/apply", map[string]any{
		"cardholder_no": holder.ID, "package_no": "PKG-VIRTUAL-STD", "card_type": "Virtual", "card_unique_no": "order-1",
	})
	var card struct {
		CardNo string `json:"card_no"`
	}
	_ = resp.Decode(&card)
	fmt.Println(resp.Code, resp.Msg, ks.CardStatus(card.CardNo))

	_, _ = ks.Clock.Advance(time.Minute) // issuing takes a minute of business time
	fmt.Println(ks.CardStatus(card.CardNo))

	bad, _ := c.Do(context.Background(), http.MethodPost, "/open-api/v1/card/list", map[string]any{"start_time": "2026-01-01"})
	fmt.Println(bad.Code, bad.Msg)
	// Output:
	// 0 Success Pending
	// Activated
	// 1004 Invalid request parameter: end_time is required (yyyy-MM-dd or yyyy-MM-dd HH:mm:ss)
}

// ExampleRunT is the shape of an application test: RunT starts KeySecure
// on loopback with a frozen clock and seed 1, closed when the test ends.
// (Compiled, not run: it needs the test's *testing.T.)
func ExampleRunT() {
	_ = func(t *testing.T) {
		ks := keysecure.RunT(t)
		card, err := ks.AddCard(keysecure.Card{}) // Activated, its cardholder made for it
		require.NoError(t, err)

		client := keysecure.NewClient(ks.URL(), ks.APIKey(), ks.Secret()) // or your own client
		_, err = client.Do(context.Background(), http.MethodPost, "/open-api/v1/card/status/update",
			map[string]any{"card_no": card.ID, "status": "Frozen"})
		if err != nil {
			t.Fatal(err)
		}
		ks.CheckCardStatus(t, card.ID, keysecure.StatusFrozen)
		if n := len(ks.Journal.Entries(core.ByRoute("card.status_update"))); n != 1 {
			t.Errorf("status updates: %d", n)
		}
	}
}

// ExampleServer_FreezeCard drives a card directly and asserts on it, the
// way an application test sets up a scenario.
func ExampleServer_FreezeCard() {
	ks, _ := keysecure.New(keysecure.WithClock(core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))))
	card, _ := ks.AddCard(keysecure.Card{})
	_ = ks.FreezeCard(card.ID)
	fmt.Println(ks.CardStatus(card.ID))
	fmt.Println(ks.UnfreezeCard(card.ID) == nil, ks.CardStatus(card.ID))
	fmt.Println(ks.UnfreezeCard(card.ID))
	// Output:
	// Frozen
	// true Activated
	// 4002: Card status does not allow this operation: card C20260101321469 is already Activated
}

// ExampleServer_ExpireCard: KeySecure has no expired status; an expired
// card is deleted, with a Card_update callback saying why.
func ExampleServer_ExpireCard() {
	ks, _ := keysecure.New(keysecure.WithClock(core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))))
	card, _ := ks.AddCard(keysecure.Card{})
	_ = ks.ExpireCard(card.ID)
	c, _ := ks.Card(card.ID)
	fmt.Println(c.Status, c.Reason)
	// Output:
	// Delete Card expired
}

// ExampleEncrypt encrypts a CVV for POST /card/active the way KeySecure
// expects: AES/ECB/PKCS5Padding keyed by the api secret's bytes, Base64.
func ExampleEncrypt() {
	enc, _ := keysecure.Encrypt(keysecure.DefaultAPISecret, "raw", []byte("123"))
	plain, _ := keysecure.Decrypt(keysecure.DefaultAPISecret, "raw", enc)
	fmt.Println(enc, string(plain))
	// Output:
	// 3ec926zCpz2Ulm5q7Sv1Xg== 123
}

// ExampleCallbackSignature verifies a callback the way a merchant does:
// the Signature header is HMAC-SHA256 over the sorted k=v pairs of appId,
// timestamp and the data fields.
func ExampleCallbackSignature() {
	body := []byte(`{"id":"e1","action":"Card_update","data":{"card_no":"C1","before_status":"Activated","after_status":"Frozen","reason":"Frozen by merchant","time":1767225600000}}`)
	// The header values a merchant receives with this body:
	sig, _ := keysecure.CallbackSignature(keysecure.DefaultAPIKey, "1767225600000", body, keysecure.DefaultAPISecret)
	fmt.Println(sig)
	// Output:
	// 68a36242af4fa4ef4493ef0f0a3f5a4bb147b691a26b2697e7d0a85f42fce670
}
