package decard_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/decard"
)

// The X-DAPI-SIGN of a GET: HMAC-SHA256 keyed with the secret's text, over
// apiKey + timestamp + nonce + the query string.
func ExampleSign() {
	sig := decard.Sign(decard.DefaultAPIKey, decard.DefaultAPISecret, "1767225600000", "12345",
		"externalUserId=298fe06f-0066-4565-ae20-3697cd9d664e")
	fmt.Println(sig)
	// Output: 5265ff8ec2ba995434439019f3bf5013d5f75df7e7877fee1f718b27d6b3bec1
}

// A client registers a user with the sandbox SMS code and reads its KYC
// status. In tests, decard.RunT(t) does the server part in one line.
func ExampleClient() {
	s, _ := decard.New(decard.WithSeed(1), decard.WithClock(core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))))
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	c := decard.NewClient(ts.URL, decard.DefaultAPIKey, decard.DefaultAPISecret)
	ctx := context.Background()

	_, _ = c.Post(ctx, "/captcha/v1/send-mobile-code", map[string]any{"mobileCode": "SG", "mobile": "88998878", "behavioral": "REGISTER"})
	resp, _ := c.Post(ctx, "/account/v1/register", map[string]any{"mobileCode": "SG", "mobile": "88998878", "smsCode": decard.DefaultSMSCode})
	var user string
	_ = resp.Decode(&user)
	resp, _ = c.Get(ctx, "/account/v1/kyc-status", decard.Q("externalUserId", user)...)
	fmt.Println(resp.Code, string(resp.Data))
	// Output: SYS_SUCCESS "UNDO"
}

// Direct helpers set up state without HTTP: a user with a balance, a card,
// a purchase.
func ExampleServer_Authorize() {
	s, _ := decard.New(decard.WithSeed(1), decard.WithClock(core.NewFrozenClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))))
	u, _ := s.AddUser(decard.NewUser{Balances: map[string]string{"USDT": "20"}})
	card, _ := s.AddCard(decard.NewCard{UserID: u.ID, Mantissa: "0643"})
	out, _ := s.Authorize(decard.NewTransaction{UserID: u.ID, CardID: card.ID, Amount: "12.5"})
	fmt.Println(out.Approved, s.Balance(u.ID, "USDT").Free)
	_ = s.FreezeCard(card.ID)
	out, _ = s.Authorize(decard.NewTransaction{UserID: u.ID, CardID: card.ID, Amount: "1"})
	fmt.Println(out.Approved, out.ErrorCode)
	// Output:
	// true 7.5
	// false CARD_FROZEN_STATUS_UNSUPPORTED
}

// Verifying a webhook the way DeCard's Java connector does.
func ExampleVerifyWebhook() {
	body := []byte(`{"data":{"status":"PASS"},"eventTimestamp":1767225600000,"externalUserId":"u1","notificationTimestamp":1767225600000,"type":"KYC_STATUS","webhookId":"1"}`)
	sig := decard.WebhookSignature(decard.DefaultAPISecret, body) // what mocksrv sends in X-Signature
	fmt.Println(decard.VerifyWebhook(decard.DefaultAPISecret, body, sig))
	// Output: true
}
