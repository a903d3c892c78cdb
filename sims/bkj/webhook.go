package bkj

// Webhooks — bkj "Webhook Beta" (content not public): card status, card
// transaction, wallet transaction and KYC events, signed like responses
// and delivered through the core outbox.

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/mocksrv/mocksrv/sims/core"
)

// Webhook event types.
const (
	EventCardStatus        = "card.status"
	EventCardTransaction   = "card.transaction"
	EventWalletTransaction = "wallet.transaction"
	EventKYC               = "user.kyc"
)

// webhookBody is what bkj POSTs to the merchant.
type webhookBody struct {
	ID        string `json:"id"`
	Event     string `json:"event"`
	CreatedAt string `json:"created_at"`
	Timestamp int64  `json:"timestamp"` // Unix ms, like the envelope
	Data      any    `json:"data"`
}

type cardStatusData struct {
	BeforeStatus CardStatus `json:"before_status"`
	Card         cardJSON   `json:"card"`
}

type cardTxData struct {
	BeforeStatus CardTxStatus `json:"before_status"`
	Transaction  cardTxJSON   `json:"transaction"`
}

type walletTxData struct {
	BeforeStatus TxStatus     `json:"before_status"`
	Transaction  walletTxJSON `json:"transaction"`
}

type kycData struct {
	BeforeStatus KYCStatus `json:"before_status"`
	User         userJSON  `json:"user"`
}

// webhookView renders webhook payloads: English, in the webhook zone.
func webhookView(w *world) view { return view{lang: "en", loc: w.hookZone} }

// emitLocked queues an event for the tenant at the world's Now (a
// scheduled task's due time while settling: a clock jump queues its
// webhooks in due order, stamped when each was due); the outbox signs and
// delivers it to the tenant's bkj webhook URL, retrying until a 2xx.
func (s *Server) emitLocked(w *world, event string, data any) {
	now := w.Now()
	body, err := core.Marshal(webhookBody{ID: w.Faker.UUID(), Event: event, CreatedAt: webhookView(w).time(now), Timestamp: now.UnixMilli(), Data: data})
	if err != nil {
		return // the payload types above always marshal
	}
	w.outbox.EnqueueAt(w.Tenant.ID, Name, event, now, body)
}

func (s *Server) emitCardStatusLocked(w *world, c Card, before CardStatus) {
	s.emitLocked(w, EventCardStatus, cardStatusData{BeforeStatus: before, Card: cardOut(webhookView(w), c)})
}

func (s *Server) emitCardTxLocked(w *world, t CardTx, before CardTxStatus) {
	s.emitLocked(w, EventCardTransaction, cardTxData{BeforeStatus: before, Transaction: cardTxOut(webhookView(w), t)})
}

func (s *Server) emitWalletTxLocked(w *world, t WalletTx, before TxStatus) {
	s.emitLocked(w, EventWalletTransaction, walletTxData{BeforeStatus: before, Transaction: walletTxOut(webhookView(w), t)})
}

func (s *Server) emitKYCLocked(w *world, u User, before KYCStatus) {
	s.emitLocked(w, EventKYC, kycData{BeforeStatus: before, User: userOut(webhookView(w), u)})
}

// signWebhook signs a webhook body like a response: X-Timestamp, X-Nonce,
// X-Signature over the exact body, plus X-Api-Key (whose secret signed it)
// and X-Webhook-Event.
func (s *Server) signWebhook(tenant string, body []byte, wall time.Time) (http.Header, error) {
	w, ok := s.worlds.Get(tenant)
	if !ok {
		return nil, errors.New("bkj: tenant " + tenant + " is gone")
	}
	creds := w.creds // fixed for the world's life
	h := signatureHeaders(creds.APISecret, body, wall)
	h.Set(HeaderAPIKey, creds.APIKey)
	var ev struct {
		Event string `json:"event"`
	}
	if json.Unmarshal(body, &ev) == nil && ev.Event != "" {
		h.Set("X-Webhook-Event", ev.Event)
	}
	return h, nil
}

// VerifyWebhook checks a received webhook's signature headers against its
// exact body, for merchants' receivers.
func VerifyWebhook(secret string, h http.Header, body []byte) error {
	return VerifyResponse(secret, h, body)
}
