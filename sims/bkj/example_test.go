package bkj_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"time"

	"github.com/mocksrv/mocksrv/sims/bkj"
	"github.com/mocksrv/mocksrv/sims/core"
)

// The canonical form a request signature covers.
func ExampleStringToSign() {
	sts, _ := bkj.StringToSign("GET", "/openapi/v1/card/list", "take=2&page=1", "1767225600", "550e8400e29b41d4a716446655440000", nil)
	fmt.Printf("%q\n", sts)
	fmt.Println(bkj.Sign("mocksrv-bkj-secret-default", sts))
	// Output:
	// "GET\n/openapi/v1/card/list\npage=1&take=2\n1767225600\n550e8400e29b41d4a716446655440000\n"
	// 7e278fc3f3fe543e797ff56fcbcb4cc2e8ceb9efd5c2e88957e716a55f71f5b4
}

// BODY_HASH of the example on bkj's signature page.
func ExampleBodyHash() {
	hash, normalized := bkj.BodyHash([]byte(`{"name":"John","age":25,"email":null,"hobbies":["reading","gaming"],"address":{"zip":10001,"city":"New York"}}`))
	fmt.Println(string(normalized))
	fmt.Println(hash)
	// Output:
	// {"address":{"city":"New York","zip":10001},"age":25,"email":null,"hobbies":["reading","gaming"],"name":"John"}
	// a7b723934403b778527163797c0cd34ca20536c5409de092070b6e0efedb9a41
}

// A client signs every request and verifies every signed answer.
func ExampleClient() {
	s, _ := bkj.New(bkj.WithSeed(1), bkj.WithClock(core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))))
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	c := bkj.NewClient(srv.URL, bkj.DefaultAPIKey, bkj.DefaultAPISecret)
	ctx := context.Background()
	resp, _ := c.Post(ctx, "/openapi/v1/users", map[string]string{"email": "jane@example.com", "first_name": "Jane", "last_name": "Doe"})
	fmt.Println(resp.Code, resp.Message, resp.Signed)

	resp, _ = c.Get(ctx, "/openapi/v1/users", url.Values{"page": {"1"}, "take": {"10"}})
	var page struct{ Total int }
	_ = resp.Decode(&page)
	fmt.Println("users:", page.Total)
	// Output:
	// 0 success true
	// users: 1
}

// Direct helpers set up state and drive cards without HTTP.
func ExampleServer_AddCard() {
	s, _ := bkj.New(bkj.WithSeed(1), bkj.WithDelays(bkj.Delays{}), bkj.WithClock(core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))))
	card, _ := s.AddCard(bkj.Card{Balance: core.MustDecimal("25")})
	fmt.Println(card.Status, card.Type, card.Balance, card.PAN[:6])

	_ = s.FreezeCard(card.ID)
	fmt.Println(s.CardStatus(card.ID))

	_, _ = s.Clock.Advance(4 * 365 * 24 * time.Hour)
	fmt.Println(s.CardStatus(card.ID))
	// Output:
	// active virtual 25 438214
	// frozen
	// expired
}

// Asynchronous steps run on the business clock.
func ExampleWithDelays() {
	s, _ := bkj.New(bkj.WithSeed(1), bkj.WithDelays(bkj.Delays{Delete: time.Hour}),
		bkj.WithClock(core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))))
	card, _ := s.AddCard(bkj.Card{})
	_ = s.CancelCard(card.ID)
	fmt.Println(s.CardStatus(card.ID))
	_, _ = s.Clock.Advance(time.Hour)
	fmt.Println(s.CardStatus(card.ID))
	// Output:
	// pre_delete
	// deleted
}
