package decard_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/internal/timetravel"
	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/decard"
)

// TestClockJumpEqualsSteps is issue 13's property: from one seed, a random
// flow — users under KYC review (pending, held, refused, waiting for EDD
// documents, decided by the admin API), card applications and their
// issuing, cards frozen, unfrozen and cancelled, physical cards shipping,
// fund-auth authorisations posting and statements closing, deposits
// stepping (through audit, or failing), crypto withdrawals, QR orders paid
// or expiring, financial-connection payments settling, transfers and
// withdrawals — then the clock moved by D in one jump or in k random steps
// summing to D, ends in the same state and the same webhooks, byte for
// byte. 200 seeds. The flow takes no stream channel: channel ids come from
// crypto/rand, not the seed, so the state dumps it compares would differ.
func TestClockJumpEqualsSteps(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 200; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(seed, 3))
			d := time.Duration(1+rng.IntN(45*24)) * time.Hour
			timetravel.Check(t, decard.Name, seed, decardFlow, d)
		})
	}
}

// handlerTransport serves a client's requests from a handler in memory,
// from a loopback address (the default tenant's allow-list).
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r.RemoteAddr = "127.0.0.1:1"
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

// flowCall is one call of the flow: refusals (a card in the wrong status,
// too little money) are part of the flow and come back as !ok; only a
// transport failure is an error.
type flowCall func(method, path string, params []decard.Param, body any, out any) (ok bool, err error)

func inProcess(f *sims.Fleet) flowCall {
	c := decard.NewClient("http://decard.test", decard.DefaultAPIKey, decard.DefaultAPISecret)
	c.HTTP = &http.Client{Transport: handlerTransport{f.Handler()}}
	seq := 0
	c.Nonce = func() int { seq++; return 10000 + seq%90000 }
	return func(method, path string, params []decard.Param, body any, out any) (bool, error) {
		resp, err := c.Do(context.Background(), method, path, params, body)
		if err != nil {
			return false, err
		}
		if !resp.OK() {
			return false, nil
		}
		if out != nil {
			return true, resp.Decode(out)
		}
		return true, nil
	}
}

// decardFlow drives DeCard through its API and its direct helpers, with
// short and long clock moves between some steps so tasks are scheduled at
// many times.
func decardFlow(f *sims.Fleet, rng *rand.Rand) error {
	s := f.DeCard
	do := inProcess(f)
	var users, passed, cards, applies, fcUsers, orders []string
	pick := func(xs []string) string {
		if len(xs) == 0 {
			return ""
		}
		return xs[rng.IntN(len(xs))]
	}
	money := func() string { return fmt.Sprintf("%d.%02d", 1+rng.IntN(200), rng.IntN(100)) }
	newUser := func() error {
		n := decard.NewUser{Balances: map[string]string{"USD": money(), "USDT": money()}}
		switch rng.IntN(4) {
		case 0:
			n.KYC = decard.KYCUndo
		case 1:
			n.KYC, n.Outcome = []decard.KYCStatus{decard.KYCUndo, decard.KYCPending}[rng.IntN(2)], []string{"kyc.refuse", "kyc.hold"}[rng.IntN(2)]
		}
		u, err := s.AddUser(n)
		if err != nil {
			return err
		}
		users = append(users, u.ID)
		if u.KYC == decard.KYCPass {
			passed = append(passed, u.ID)
		}
		return nil
	}
	if err := newUser(); err != nil {
		return err
	}
	for i, n := 0, 5+rng.IntN(21); i < n; i++ {
		var err error
		switch op := rng.IntN(20); op {
		case 0:
			err = newUser()
		case 1: // an application through the API, its magic values drawn
			k := map[string]any{
				"sumsubShareToken": []string{"_act-sbx-jwt-flow", "_act-sbx-jwt-flow", "mocksrv:kyc-refuse", "mocksrv:kyc-hold"}[rng.IntN(4)],
				"email":            []string{fmt.Sprintf("flow%d@example.com", i), fmt.Sprintf("kyc.edd+%d@mocksrv.test", i)}[rng.IntN(2)],
				"poaDocType":       "UTILITY_BILL", "poaDocUrlList": []string{"uploads/b.pdf"}, "poaDocDate": "2025-12-01",
				"addressLine1": "1 Raffles Place", "addressLine2": "#20-01", "state": "SG", "city": "Singapore", "postalCode": "048616",
				"country": "SG", "employmentStatus": "EMPLOYED", "employerName": "Acme Pte Ltd", "employmentJobIndustry": "PAYMENTS",
				"occupation": "SYSTEMS_ENGINEER", "jobSeniority": "EXECUTIVE", "purposeOfAccount": "DAILY_SPENDING",
				"sourceOfFunds": "OWN_BANK_ACCOUNT", "sourceOfFundsCountry": "SG", "sourceOfWealth": "EMPLOYMENT",
			}
			var a struct{ ApplyID string }
			var ok bool
			ok, err = do(http.MethodPost, "/card/v1/virtual-card/apply", nil, map[string]any{
				"externalUserId": pick(users), "categoryId": []string{"10102000", "40102000", "20102000"}[rng.IntN(3)],
				"applyRef": []string{fmt.Sprintf("flow-%d", i), fmt.Sprintf("mocksrv:card-fail:%d", i)}[rng.IntN(2)], "kycInfo": k}, &a)
			if ok {
				applies = append(applies, a.ApplyID)
			}
		case 2: // an application the admin API steers by rule name
			var a decard.Apply
			a, err = s.AddApplication(decard.NewApply{Outcome: []string{"", "kyc.refuse", "kyc.hold", "kyc.edd", "card.fail"}[rng.IntN(5)]})
			if err == nil {
				users, applies = append(users, a.UserID), append(applies, a.ID)
			}
		case 3: // the user goes through a KYC_GUIDE link
			_, err = do(http.MethodPost, "/redirect/v1/guidance-link", nil, map[string]any{"externalUserId": pick(users), "action": "KYC_GUIDE",
				"successRedirectUrl": "https://app.example/ok", "errorRedirectUrl": "https://app.example/err"}, nil)
		case 4: // a person decides a review
			if u := pick(users); u != "" {
				_ = s.SetKYC(u, []decard.KYCStatus{decard.KYCPass, decard.KYCRefuse}[rng.IntN(2)])
			}
		case 5: // EDD documents for an application waiting for them
			if a, ok := s.Application(pick(applies)); ok && a.NeedEDD {
				var files []struct{ FileName, ObjectKey string }
				if _, err = do(http.MethodPost, "/account/v1/generate-file-upload-prepare", nil, map[string]any{"fileNames": []string{"sof.pdf"}}, &files); err == nil && len(files) == 1 {
					_, err = do(http.MethodPost, "/account/v1/upload-edd-file", nil, map[string]any{"externalUserId": a.UserID, "requestRef": fmt.Sprintf("edd-%d", i),
						"applyId": a.ID, "eddSowInvest": map[string]any{"typeOfInvestment": "stocks", "approximateValue": "1000",
							"docUrls": []map[string]string{{"fileName": files[0].FileName, "filePath": files[0].ObjectKey}}}}, nil)
				}
			}
		case 6:
			if u := pick(passed); u != "" {
				var c decard.Card
				if c, err = s.AddCard(decard.NewCard{UserID: u, CategoryID: []string{"10102000", "40102000", "20102000"}[rng.IntN(3)]}); err == nil {
					cards = append(cards, c.ID)
				} else {
					err = nil // the user already holds one of that category
				}
			}
		case 7, 8: // a purchase or a refund through fund-auth, or card events
			if c, ok := s.Card(pick(cards)); ok {
				if rng.IntN(3) == 0 {
					cardEvents(s, rng, c.ID, money())
					break
				}
				amount := money()
				if rng.IntN(6) == 0 {
					amount = "9999.01"
				}
				_, err = do(http.MethodPost, "/simulation/v2/fund-auth", nil, map[string]any{"externalUserId": c.UserID, "cardId": c.ID,
					"authType": []string{"EXPEND", "EXPEND", "REFUND"}[rng.IntN(3)], "amount": amount, "currency": []string{"USD", "SGD", "EUR"}[rng.IntN(3)]}, nil)
			}
		case 9:
			if c := pick(cards); c != "" {
				_ = []func(string) error{s.FreezeCard, s.UnfreezeCard, s.CancelCard}[rng.IntN(3)](c)
			}
		case 10: // a physical card, shipped and delivered over days
			if c, ok := s.Card(pick(cards)); ok {
				_, err = do(http.MethodPost, "/redirect/v2/guidance-link", nil, map[string]any{"externalUserId": c.UserID, "cardId": c.ID,
					"action": "CREATE_PHYSICAL_CARD", "successRedirectUrl": "https://app.example/ok", "errorRedirectUrl": "https://app.example/err"}, nil)
			}
		case 11: // an on-chain deposit, steered by amount or by rule name
			if u := pick(users); u != "" {
				d := decard.NewDeposit{UserID: u, Amount: core.MustDecimal([]string{money(), "9999.13", "9999.14"}[rng.IntN(3)])}
				if rng.IntN(4) == 0 {
					d.Amount, d.Outcome = core.MustDecimal(money()), []string{"deposit.fail", "deposit.audit"}[rng.IntN(2)]
				}
				_, err = s.AddDeposit(d)
			}
		case 12: // a crypto withdrawal
			if u := pick(users); u != "" {
				_, err = do(http.MethodPost, "/crypto/v1/withdraw-apply", nil, map[string]any{"externalUserId": u, "smsCode": decard.DefaultSMSCode,
					"network": "TRON", "coin": "USDT", "address": "TJX8Xzj3XzL1Bf9XR63TwTn5ynjnD1qwrh", "amount": "2", "fee": "1"}, nil)
			}
		case 13: // a QR order, paid or left to expire
			if u := pick(users); u != "" {
				var o struct{ OrderID string }
				var ok bool
				ok, err = do(http.MethodPost, "/qrpay/v1/create", nil, map[string]any{"externalUserId": u, "qrCodeValue": wechatQR,
					"clientIP": "127.0.0.1", "currency": "USD", "amount": money()}, &o)
				if ok {
					orders = append(orders, u+" "+o.OrderID)
				}
			}
		case 14:
			var user, order string
			if _, err = fmt.Sscan(pick(orders)+" x x", &user, &order); err == nil && order != "x" {
				_, err = do(http.MethodPost, "/qrpay/v1/confirm", nil, map[string]any{"externalUserId": user, "orderId": order}, nil)
			}
			err = ignoreEOF(err)
		case 15:
			var u decard.User
			if u, err = s.AddFCUser(decard.NewFCUser{Balances: map[string]string{"USD": "500", "SGD": "300"}}); err == nil {
				fcUsers = append(fcUsers, u.ID)
			}
		case 16: // a financial-connection payment, transfer or withdrawal
			if u := pick(fcUsers); u != "" {
				body := map[string]any{"externalTranId": fmt.Sprintf("fc-%d", i), "externalUserId": u, "amount": json.Number(money()), "currency": "USD"}
				path := []string{"/payment", "/transfer-to-spending", "/withdraw"}[rng.IntN(3)]
				if path == "/withdraw" {
					for k, v := range map[string]any{"payeeName": "DCS CARD CENTRE PTE. LTD", "payeeBankAccountNo": "0106561073", "payeeBankSwiftBic": "SCBLSG22XXX"} {
						body[k] = v
					}
					if rng.IntN(3) == 0 {
						_ = s.SetOutcome(decard.NewOutcome{UserID: u, Route: "financial_connection.withdraw"})
					}
				}
				_, err = do(http.MethodPost, "/financial-connection/v1"+path, nil, body, nil)
			}
		default:
			step := time.Duration(rng.IntN(180)) * time.Second
			if op >= 19 {
				step = time.Duration(rng.IntN(48)) * time.Hour
			}
			_, err = f.MoveClock(core.DefaultTenant, sims.ClockRequest{Advance: step.String()})
		}
		if err != nil {
			return fmt.Errorf("step %d: %w", i, err)
		}
	}
	return nil
}

// cardEvents authorizes amount on a card through the card-event hook and
// may reverse part of it, clear it above or below, expire it, and refund
// part of what cleared. Refusals (a declined authorisation, a clearing the
// wallet cannot pay) are part of the flow.
func cardEvents(s *decard.Server, rng *rand.Rand, card, amount string) {
	p := core.ProviderOf(s.Host)
	v, err := p.CardEvent(core.DefaultTenant, card, core.CardEvent{Type: core.EventAuthorize, Amount: core.AmountText(amount),
		Currency: []string{"USD", "SGD", "EUR"}[rng.IntN(3)]})
	if err != nil {
		return
	}
	raw, _ := json.Marshal(v)
	var a struct {
		Transaction *struct {
			ID string `json:"postedTransactionId"`
		} `json:"transaction"`
	}
	if json.Unmarshal(raw, &a) != nil || a.Transaction == nil {
		return
	}
	id := a.Transaction.ID
	if rng.IntN(2) == 0 {
		_, _ = p.CardEvent(core.DefaultTenant, card, core.CardEvent{Type: core.EventReverse, Transaction: id, Amount: "0.5"})
	}
	switch rng.IntN(4) {
	case 0:
		_, _ = p.CardEvent(core.DefaultTenant, card, core.CardEvent{Type: core.EventExpire, Transaction: id})
	case 1, 2:
		if _, err := p.CardEvent(core.DefaultTenant, card, core.CardEvent{Type: core.EventClear, Transaction: id,
			Amount: core.AmountText(fmt.Sprintf("%d.%02d", 1+rng.IntN(200), rng.IntN(100)))}); err == nil && rng.IntN(2) == 0 {
			_, _ = p.CardEvent(core.DefaultTenant, card, core.CardEvent{Type: core.EventRefund, Transaction: id, Amount: "0.25"})
		}
	}
}

// ignoreEOF drops the error of scanning an empty pick.
func ignoreEOF(err error) error {
	if err != nil && err.Error() == "unexpected EOF" {
		return nil
	}
	return err
}

// TestLateSettleStampsDueTimes: a webhook sent by a task carries the
// task's due time as its notificationTimestamp, and is queued at it,
// however late the clock is read — here a card posting 24 h after its
// authorisation, read two days on.
func TestLateSettleStampsDueTimes(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	advance(t, s, 4*24*time.Hour) // mid-cycle: the posting is not the statement's closing
	u, err := s.AddUser(decard.NewUser{Balances: map[string]string{"USD": "20"}})
	require.NoError(t, err)
	card, err := s.AddCard(decard.NewCard{UserID: u.ID})
	require.NoError(t, err)
	start := s.Clock.Now()
	_, err = s.Authorize(decard.NewTransaction{UserID: u.ID, CardID: card.ID, Amount: "5"})
	require.NoError(t, err)
	advance(t, s, 48*time.Hour)
	core.ProviderOf(s.Host).Settle(core.DefaultTenant)
	var found bool
	for _, d := range s.Webhooks.Deliveries() {
		if d.Event != "CARD_TRANSACTION_SETTLEMENT" {
			continue
		}
		found = true
		var body struct{ NotificationTimestamp, EventTimestamp int64 }
		require.NoError(t, json.Unmarshal([]byte(d.Body), &body))
		due := start.Add(24 * time.Hour)
		assert.Equal(t, due.UnixMilli(), body.NotificationTimestamp, "stamped when the posting was due, not when the clock was read")
		assert.Equal(t, due.UnixMilli(), body.EventTimestamp)
		assert.Equal(t, due, d.Created, "queued at the due time")
	}
	assert.True(t, found)
}
