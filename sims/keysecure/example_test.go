package keysecure_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/mocksrv/mocksrv/sims/keysecure"
)

// Example shows a test against an in-process KeySecure: apply for a card,
// let the clock run, and see it activated.
func Example() {
	t := &testing.T{}
	ks := keysecure.RunT(t)
	defer ks.Close()
	holder := ks.AddCardholder(keysecure.Cardholder{}) // approved, from the seeded faker

	c := keysecure.NewClient(ks.URL(), ks.APIKey(), ks.Secret())
	resp, _ := c.Do(context.Background(), http.MethodPost, "/open-api/v1/card/apply", map[string]any{
		"cardholder_no": holder.No, "package_no": "PKG-VIRTUAL-STD", "card_type": "Virtual", "card_unique_no": "order-1",
	})
	var card struct {
		CardNo string `json:"card_no"`
	}
	_ = resp.Decode(&card)
	fmt.Println(resp.Code, ks.CardStatus(card.CardNo))

	_, _ = ks.Clock.Advance(time.Minute)
	fmt.Println(ks.CardStatus(card.CardNo))
	// Output:
	// 0 Pending
	// Activated
}

// ExampleServer_FreezeCard drives a card directly and asserts on it, the
// way an application test sets up a scenario.
func ExampleServer_FreezeCard() {
	ks, _ := keysecure.New()
	card := ks.AddCard(keysecure.Card{})
	_ = ks.FreezeCard(card.No)
	fmt.Println(ks.CardStatus(card.No))
	fmt.Println(ks.UnfreezeCard(card.No) == nil, ks.CardStatus(card.No))
	// Output:
	// Frozen
	// true Activated
}
