package bkj_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/bkj"
	"github.com/mocksrv/mocksrv/sims/core"
)

// TestCardActions is the table of admin transitions: from each status,
// each verb either lands on its status or is refused.
func TestCardActions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		from    bkj.CardStatus
		action  string
		want    bkj.CardStatus
		wantErr bool
	}{
		{name: "freeze active", from: bkj.StatusActive, action: "freeze", want: bkj.StatusFrozen},
		{name: "freeze finishes processing_frozen", from: bkj.StatusProcessingFrozen, action: "freeze", want: bkj.StatusFrozen},
		{name: "freeze frozen", from: bkj.StatusFrozen, action: "freeze", wantErr: true},
		{name: "freeze deleted", from: bkj.StatusDeleted, action: "freeze", wantErr: true},
		{name: "unfreeze frozen", from: bkj.StatusFrozen, action: "unfreeze", want: bkj.StatusActive},
		{name: "unfreeze active", from: bkj.StatusActive, action: "unfreeze", wantErr: true},
		{name: "block active", from: bkj.StatusActive, action: "block", want: bkj.StatusBlocked},
		{name: "block expired", from: bkj.StatusExpired, action: "block", wantErr: true},
		{name: "cancel active", from: bkj.StatusActive, action: "cancel", want: bkj.StatusPreDelete},
		{name: "cancel deleted", from: bkj.StatusDeleted, action: "cancel", wantErr: true},
		{name: "expire frozen", from: bkj.StatusFrozen, action: "expire", want: bkj.StatusExpired},
		{name: "expire expired", from: bkj.StatusExpired, action: "expire", wantErr: true},
		{name: "activate blocked", from: bkj.StatusBlocked, action: "activate", want: bkj.StatusActive},
		{name: "activate opening", from: bkj.StatusOpening, action: "activate", want: bkj.StatusActive},
		{name: "activate frozen", from: bkj.StatusFrozen, action: "activate", wantErr: true},
		{name: "delete pre_delete", from: bkj.StatusPreDelete, action: "delete", want: bkj.StatusDeleted},
		{name: "unknown verb", from: bkj.StatusActive, action: "melt", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := bkj.RunT(t, bkj.WithDelays(bkj.DefaultDelays()))
			c, err := s.AddCard(bkj.Card{Status: tt.from})
			require.NoError(t, err)
			_, err = core.ProviderOf(s.Host).CardAction("default", c.ID, tt.action)
			if tt.wantErr {
				assert.Error(t, err)
				s.CheckCardStatus(t, c.ID, tt.from)
				return
			}
			require.NoError(t, err)
			s.CheckCardStatus(t, c.ID, tt.want)
		})
	}
}

func TestVirtualCardLifecycle(t *testing.T) {
	t.Parallel()
	d := bkj.Delays{Open: time.Minute, Freeze: 10 * time.Second, Unfreeze: 20 * time.Second}
	s := bkj.RunT(t, bkj.WithDelays(d))
	c := s.NewClient()
	acct := approved(t, c, "life@example.com")

	card := applyCard(t, c, acct, "visa-virtual-usd", nil)
	assert.Equal(t, "opening", card.Status)
	assert.Equal(t, "INACTIVE", card.Raw.CardStatus)
	code(t, c, "card.freeze", post("/openapi/v1/card/freeze", map[string]string{"id": card.ID}), 40900, "freeze needs active")

	_, _ = s.Clock.Advance(time.Minute)
	assert.Equal(t, "active", cardDetail(t, c, card.ID).Status)

	var frozen cardOut
	ok(t, c, "card.freeze", post("/openapi/v1/card/freeze", map[string]string{"id": card.ID}), &frozen)
	assert.Equal(t, "processing_frozen", frozen.Status)
	code(t, c, "card.freeze", post("/openapi/v1/card/freeze", map[string]string{"id": card.ID}), 40900, "already processing_frozen")
	_, _ = s.Clock.Advance(9 * time.Second)
	assert.Equal(t, "processing_frozen", cardDetail(t, c, card.ID).Status)
	_, _ = s.Clock.Advance(time.Second)
	assert.Equal(t, "frozen", cardDetail(t, c, card.ID).Status)
	code(t, c, "card.freeze", post("/openapi/v1/card/freeze", map[string]string{"id": card.ID}), 40900, "already frozen")

	var thawing cardOut
	ok(t, c, "card.unfreeze", post("/openapi/v1/card/unfreeze", map[string]string{"id": card.ID}), &thawing)
	assert.Equal(t, "processing_unfrozen", thawing.Status)
	_, _ = s.Clock.Advance(20 * time.Second)
	assert.Equal(t, "active", cardDetail(t, c, card.ID).Status)
	code(t, c, "card.unfreeze", post("/openapi/v1/card/unfreeze", map[string]string{"id": card.ID}), 40900, "already active")

	code(t, c, "card.activate", post("/openapi/v1/card/activate", map[string]string{"id": card.ID}), 40900, "only physical cards")
	code(t, c, "card.freeze", post("/openapi/v1/card/freeze", map[string]string{"id": "nope"}), 40400, `card "nope" does not exist`)
	code(t, c, "card.freeze", post("/openapi/v1/card/freeze", map[string]string{}), 40000, "id is required")
}

func TestPhysicalCardLifecycle(t *testing.T) {
	t.Parallel()
	d := bkj.Delays{Produce: time.Hour, Ship: 2 * time.Hour, Deliver: 3 * time.Hour, ActivationReview: time.Minute}
	s := bkj.RunT(t, bkj.WithDelays(d))
	c := s.NewClient()
	acct := approved(t, c, "phys@example.com")
	code(t, c, "card.apply", post("/openapi/v1/card/apply", map[string]any{"account_id": acct, "channel_id": "visa-physical-usd"}), 40000, "address_id is required")
	var addr idOnly
	ok(t, c, "card_address.create", post("/openapi/v1/card/addresses", map[string]any{"account_id": acct, "first_name": "John", "last_name": "Mock-Doe",
		"phone": "15125550100", "line1": "3415 Greystone Drive", "line2": "Suite 205", "city": "Austin", "state": "TX", "postCode": "78731", "country": "US"}), &addr)

	card := applyCard(t, c, acct, "visa-physical-usd", map[string]any{"address_id": addr.ID})
	seen := []string{card.Status}
	require.NotNil(t, card.PhysicalStatus)
	assert.Equal(t, "pre_producing", *card.PhysicalStatus)
	code(t, c, "card.cvv", get("/openapi/v1/card/cvv", url.Values{"id": {card.ID}}), 40900, "once it is made")
	for _, step := range []time.Duration{time.Hour, 2 * time.Hour, 3 * time.Hour} {
		_, _ = s.Clock.Advance(step)
		got := cardDetail(t, c, card.ID)
		seen = append(seen, got.Status)
		assert.Equal(t, got.Status, *got.PhysicalStatus, "physical_status follows the production track")
	}
	assert.Equal(t, []string{"pre_producing", "producing", "shipping", "processing"}, seen)
	code(t, c, "card.activate", post("/openapi/v1/card/activate", map[string]string{"id": card.ID, "last4": "0000"}), 40000, "does not match")
	var reviewing cardOut
	ok(t, c, "card.activate", post("/openapi/v1/card/activate", map[string]string{"id": card.ID, "last4": card.Last4}), &reviewing)
	assert.Equal(t, "activate_reviewing", reviewing.Status)
	_, _ = s.Clock.Advance(time.Minute)
	active := cardDetail(t, c, card.ID)
	assert.Equal(t, "active", active.Status)
	assert.Equal(t, "active", *active.PhysicalStatus)

	ok(t, c, "card.pin", post("/openapi/v1/card/pin", map[string]string{"id": card.ID, "pin": "482915"}), nil)
	code(t, c, "card.pin", post("/openapi/v1/card/pin", map[string]string{"id": card.ID, "pin": "123456"}), 40000, "3 identical or consecutive")
	var cvv struct {
		CardNo   string `json:"card_no"`
		CVV      string `json:"cvv"`
		ExpMonth string `json:"exp_month"`
		ExpYear  string `json:"exp_year"`
	}
	ok(t, c, "card.cvv", get("/openapi/v1/card/cvv", url.Values{"id": {card.ID}}), &cvv)
	assert.Len(t, cvv.CardNo, 16)
	assert.Equal(t, card.Last4, cvv.CardNo[12:])
	assert.Len(t, cvv.CVV, 3)
	assert.Equal(t, "01", cvv.ExpMonth)
	assert.Equal(t, "2029", cvv.ExpYear)
}

func TestCardApplyRules(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	c := s.NewClient()
	pending := register(t, c, "new@example.com")
	code(t, c, "card.apply", post("/openapi/v1/card/apply", map[string]any{"account_id": pending, "channel_id": "visa-virtual-usd"}), 40900, "KYC status unverified")
	code(t, c, "card.apply", post("/openapi/v1/card/apply", map[string]any{"account_id": "ghost", "channel_id": "visa-virtual-usd"}), 40400, `user "ghost" does not exist`)
	code(t, c, "card.apply", post("/openapi/v1/card/apply", map[string]any{"account_id": pending, "channel_id": "amex"}), 40400, `card channel "amex"`)
	code(t, c, "card.apply", post("/openapi/v1/card/apply", map[string]any{"channel_id": "visa-virtual-usd"}), 40000, "account_id is required")
	code(t, c, "card.apply", post("/openapi/v1/card/apply", `{"account_id":`), 40000, "not valid JSON")
	code(t, c, "card.apply", post("/openapi/v1/card/apply", map[string]any{"account_id": pending, "channel_id": "visa-virtual-usd", "first_name": "J0hn"}), 40000, "first_name")

	acct := approved(t, c, "ok@example.com")
	failing := applyCard(t, c, acct, "visa-virtual-usd", map[string]any{"label": "mocksrv:card-fail"})
	var deleted struct {
		Status  string  `json:"status"`
		Remarks *string `json:"remarks"`
	}
	ok(t, c, "card.detail", get("/openapi/v1/card/detail", url.Values{"id": {failing.ID}}), &deleted)
	assert.Equal(t, "deleted", deleted.Status, `magic: the label mocksrv:card-fail fails the application`)
	require.NotNil(t, deleted.Remarks)
	assert.Contains(t, *deleted.Remarks, "application failed")

	var channels struct {
		Total int
		List  []struct {
			ID   string `json:"id"`
			Type string `json:"type"`
		}
	}
	ok(t, c, "card_channel.list", get("/openapi/v1/card/channels", nil), &channels)
	assert.Equal(t, 3, channels.Total)
	ok(t, c, "card_channel.list", get("/openapi/v1/card/channels", url.Values{"type": {"physical"}}), &channels)
	assert.Equal(t, 1, channels.Total)
}

func TestCardExpiresOnTheBusinessClock(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	now := s.Clock.Now()
	card, err := s.AddCard(bkj.Card{ExpiresAt: now.AddDate(0, 1, 0)})
	require.NoError(t, err)
	dflt, err := s.AddCard(bkj.Card{})
	require.NoError(t, err)
	assert.Equal(t, time.Date(2029, 2, 1, 0, 0, 0, 0, time.UTC), dflt.ExpiresAt, "3 years, to the end of the month")
	_, _ = s.Clock.Advance(29 * 24 * time.Hour)
	s.CheckCardStatus(t, card.ID, bkj.StatusActive)
	_, _ = s.Clock.Advance(2 * 24 * time.Hour)
	s.CheckCardStatus(t, card.ID, bkj.StatusExpired)
	s.CheckCardStatus(t, dflt.ID, bkj.StatusActive)
	_, _ = s.Clock.Advance(4 * 365 * 24 * time.Hour)
	s.CheckCardStatus(t, dflt.ID, bkj.StatusExpired)
}

func TestCancelGoesThroughPreDelete(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t, bkj.WithDelays(bkj.Delays{Delete: time.Hour}))
	card, err := s.AddCard(bkj.Card{})
	require.NoError(t, err)
	require.NoError(t, s.CancelCard(card.ID))
	s.CheckCardStatus(t, card.ID, bkj.StatusPreDelete)
	_, _ = s.Clock.Advance(time.Hour)
	s.CheckCardStatus(t, card.ID, bkj.StatusDeleted)
	other, err := s.AddCard(bkj.Card{})
	require.NoError(t, err)
	require.NoError(t, s.BlockCard(other.ID))
}

// Every one of the fourteen statuses is reachable through the API, the
// clock and the admin verbs.
func TestAllFourteenStatusesReachable(t *testing.T) {
	t.Parallel()
	d := bkj.Delays{Open: time.Minute, Produce: time.Minute, Ship: time.Minute, Deliver: time.Minute, ActivationReview: time.Minute,
		Freeze: time.Minute, Unfreeze: time.Minute, Delete: time.Minute}
	s := bkj.RunT(t, bkj.WithDelays(d))
	c := s.NewClient()
	seen := map[string]bool{}
	step := func(id string) string {
		got := cardDetail(t, c, id).Status
		seen[got] = true
		return got
	}
	acct := approved(t, c, "all@example.com")
	v := applyCard(t, c, acct, "visa-virtual-usd", nil)
	seen[v.Status] = true // opening
	_, _ = s.Clock.Advance(time.Minute)
	require.Equal(t, "active", step(v.ID))
	ok(t, c, "card.freeze", post("/openapi/v1/card/freeze", map[string]string{"id": v.ID}), nil)
	step(v.ID) // processing_frozen
	_, _ = s.Clock.Advance(time.Minute)
	step(v.ID) // frozen
	ok(t, c, "card.unfreeze", post("/openapi/v1/card/unfreeze", map[string]string{"id": v.ID}), nil)
	step(v.ID) // processing_unfrozen
	_, _ = s.Clock.Advance(time.Minute)
	step(v.ID)

	var addr idOnly
	ok(t, c, "card_address.create", post("/openapi/v1/card/addresses", map[string]any{"account_id": acct, "first_name": "John", "last_name": "Doe",
		"phone": "15125550100", "line1": "1 Main St", "city": "Austin", "state": "TX", "postCode": "78731", "country": "US"}), &addr)
	p := applyCard(t, c, acct, "visa-physical-usd", map[string]any{"address_id": addr.ID})
	for i := 0; i < 4; i++ {
		step(p.ID) // pre_producing, producing, shipping, processing
		_, _ = s.Clock.Advance(time.Minute)
	}
	ok(t, c, "card.activate", post("/openapi/v1/card/activate", map[string]string{"id": p.ID}), nil)
	step(p.ID) // activate_reviewing

	for _, verb := range []string{"block", "expire", "cancel"} {
		x, err := s.AddCard(bkj.Card{AccountID: acct})
		require.NoError(t, err)
		_, err = core.ProviderOf(s.Host).CardAction("default", x.ID, verb)
		require.NoError(t, err)
		step(x.ID)
		if verb == "cancel" {
			_, _ = s.Clock.Advance(time.Minute)
			step(x.ID) // deleted
		}
	}
	for _, st := range bkj.AllStatuses {
		assert.True(t, seen[string(st)], "status %s was never reached", st)
	}
	assert.Len(t, bkj.AllStatuses, 14)
}

func TestNoPinAmount(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	c := s.NewClient()
	card, err := s.AddCard(bkj.Card{})
	require.NoError(t, err)
	var out struct {
		NoPinAmount string `json:"no_pin_amount"`
	}
	ok(t, c, "card.no_pin_amount", post("/openapi/v1/card/no-pin-amount", map[string]any{"id": card.ID, "amount": "300.5"}), &out)
	assert.Equal(t, "300.5", out.NoPinAmount)
	ok(t, c, "card.no_pin_amount", post("/openapi/v1/card/no-pin-amount", map[string]any{"id": card.ID, "amount": 0}), &out)
	assert.Equal(t, "0", out.NoPinAmount)
	code(t, c, "card.no_pin_amount", post("/openapi/v1/card/no-pin-amount", map[string]any{"id": card.ID, "amount": "500.01"}), 40000, "from 0 to 500")
	code(t, c, "card.no_pin_amount", post("/openapi/v1/card/no-pin-amount", map[string]any{"id": card.ID, "amount": "-1"}), 40000, "positive amount")
	require.NoError(t, s.FreezeCard(card.ID))
	code(t, c, "card.no_pin_amount", post("/openapi/v1/card/no-pin-amount", map[string]any{"id": card.ID, "amount": "1"}), 40900, "needs active")
	code(t, c, "card.pin", post("/openapi/v1/card/pin", map[string]any{"id": card.ID, "pin": "482915"}), 40900, "virtual")
}

// One long jump of the clock plays a chain of steps through, each at the
// time it fell due.
func TestLongClockJumpPlaysTheChain(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t, bkj.WithDelays(bkj.DefaultDelays()))
	c := s.NewClient()
	u, err := s.AddUser(bkj.User{})
	require.NoError(t, err)
	var addr idOnly
	ok(t, c, "card_address.create", post("/openapi/v1/card/addresses", map[string]any{"account_id": u.ID, "first_name": "John", "last_name": "Doe",
		"phone": "15125550100", "line1": "1 Main St", "city": "Austin", "state": "TX", "postCode": "78731", "country": "US"}), &addr)
	card := applyCard(t, c, u.ID, "visa-physical-usd", map[string]any{"address_id": addr.ID})
	_, _ = s.Clock.Advance(100 * time.Hour) // 1 h + 24 h + 72 h of production and shipping
	var got struct {
		Status   string `json:"status"`
		UpdateAt string `json:"update_at"`
	}
	ok(t, c, "card.detail", get("/openapi/v1/card/detail", url.Values{"id": {card.ID}}), &got)
	assert.Equal(t, "processing", got.Status)
	assert.Equal(t, "2026-01-05 01:00:00", got.UpdateAt, "delivered 97 h after the application")
}
