package uqpay_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// A client calls the simulator the way UQPay prescribes (token, Bearer
// header, idempotency key); in tests, uqpay.RunT(t) does the server part.
func Example() {
	s, _ := uqpay.New(uqpay.WithClock(core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))), uqpay.WithIssueDelay(0))
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	c := uqpay.NewClient(srv.URL+"/api", uqpay.DefaultClientID, uqpay.DefaultAPIKey)
	ctx := context.Background()

	var holder struct {
		CardholderID     string `json:"cardholder_id"`
		CardholderStatus string `json:"cardholder_status"`
	}
	resp, _ := c.Do(ctx, http.MethodPost, "/v1/issuing/cardholders", map[string]any{
		"email": "emily@example.com", "phone_number": "86683306", "first_name": "Emily", "last_name": "Toy", "country_code": "SG"})
	_ = resp.Decode(&holder)
	fmt.Println("cardholder:", holder.CardholderStatus)

	var card struct {
		CardID      string `json:"card_id"`
		CardStatus  string `json:"card_status"`
		OrderStatus string `json:"order_status"`
	}
	resp, _ = c.Do(ctx, http.MethodPost, "/v1/issuing/cards", map[string]any{
		"cardholder_id": holder.CardholderID, "card_product_id": uqpay.ProductSingle, "card_currency": "USD", "card_limit": 100})
	_ = resp.Decode(&card)
	fmt.Println("created:", card.CardStatus, card.OrderStatus)

	var got struct {
		CardStatus       string `json:"card_status"`
		AvailableBalance string `json:"available_balance"`
	}
	resp, _ = c.Do(ctx, http.MethodGet, "/v1/issuing/cards/"+card.CardID, nil)
	_ = resp.Decode(&got)
	fmt.Println("later:", got.CardStatus, got.AvailableBalance)

	resp, _ = c.Do(ctx, http.MethodGet, "/v1/issuing/cards/nope", nil)
	fmt.Println("error:", resp.Status, resp.Err.Type, resp.Err.Code)
	// Output:
	// cardholder: SUCCESS
	// created: PENDING PROCESSING
	// later: ACTIVE 100.00
	// error: 400 card_error card_not_found
}

// Direct helpers set up state without HTTP; Check helpers assert on it.
func ExampleServer_AddCard() {
	s, _ := uqpay.New(uqpay.WithClock(core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))))
	card, err := s.AddCard(uqpay.Card{Balance: core.MustDecimal("50")})
	if err != nil {
		fmt.Println(err)
		return
	}
	t, _ := s.Authorize(card.ID, "20", "mocksrv:decline-funds")
	fmt.Println(t.Status, t.Description)
	t, _ = s.Authorize(card.ID, "20", "Coffee")
	fmt.Println(t.Status, t.Description)
	left, _ := s.CardAvailable(card.ID)
	fmt.Println("available:", left)
	// Output:
	// DECLINED 1116 - Insufficient Funds
	// APPROVED 1000 - Authorization Approval
	// available: 30
}

// Webhook receivers verify deliveries the way the official SDK does.
func ExampleVerifyWebhook() {
	body := []byte(`{"version":"V1.6.0","event_name":"ISSUING","event_type":"card.create.succeeded","event_id":"e1","source_id":"o1","data":{}}`)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ts := fmt.Sprint(now.Unix())
	sig := uqpay.WebhookSignature(uqpay.DefaultWebhookSecret, body, ts)
	ev, err := uqpay.VerifyWebhook(uqpay.DefaultWebhookSecret, body, sig, ts, now, 5*time.Minute)
	fmt.Println(ev.EventType, err)
	_, err = uqpay.VerifyWebhook("wrong secret", body, sig, ts, now, 5*time.Minute)
	fmt.Println(err)
	// Output:
	// card.create.succeeded <nil>
	// webhook signature verification failed
}
