// Package sims is mocksrv's Fleet: the four provider simulators — bkj,
// KeySecure, UQPay and DeCard — on one handler at their real paths, sharing
// one Env (tenants and their clocks, journal, fault rules, webhook outbox),
// plus the admin API under /_mocksrv/.
//
// Paths never collide, so a client swaps only the host of its base URL:
//
//	bkj        /openapi/v1/...
//	KeySecure  /open-api/v1/...
//	UQPay      /api/v1/...
//	DeCard     /card/v1/..., /account/v1/..., /captcha/v1/..., /user-asset/v1/...,
//	           /crypto/v1/..., /redirect/v1/..., /websocket/v1/..., /simulation/v1/...,
//	           /kyc/v1/..., /qrpay/v1/..., /financial-connection/v1/...
//
// A path under a provider's prefix that it does not serve answers in that
// provider's own error envelope and is journaled; so does every path of a
// provider left out with WithProviders, with a message saying it is not
// served. Paths outside every prefix get the admin API's JSON error.
//
// In tests, RunT starts a Fleet on loopback with a frozen clock and seed 1:
//
//	f := sims.RunT(t)
//	card := f.KeySecure.AddCard(keysecure.Card{})
//	f.Clock.Advance(24 * time.Hour)
//	f.KeySecure.CheckCardStatus(t, card.No, keysecure.StatusActivated)
package sims
