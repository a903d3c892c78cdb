package keysecure_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/keysecure"
)

func TestStatusUpdateTransitions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from     keysecure.CardStatus
		to       string
		wantCode int
	}{
		{keysecure.StatusActivated, "Frozen", 0},
		{keysecure.StatusActivated, "Delete", 0},
		{keysecure.StatusFrozen, "Activated", 0},
		{keysecure.StatusFrozen, "Delete", 0},
		{keysecure.StatusToActivate, "Delete", 0},
		{keysecure.StatusActivated, "Activated", 4002},
		{keysecure.StatusFrozen, "Frozen", 4002},
		{keysecure.StatusPending, "Frozen", 4002},
		{keysecure.StatusToActivate, "Activated", 4002},
		{keysecure.StatusDelete, "Activated", 4002},
		{keysecure.StatusFail, "Delete", 4002},
		{keysecure.StatusActivated, "ToActivate", 1004},
	}
	for _, tt := range tests {
		t.Run(string(tt.from)+" to "+tt.to, func(t *testing.T) {
			t.Parallel()
			ks := runT(t)
			card, err := ks.AddCard(keysecure.Card{Status: tt.from})
			require.NoError(t, err)
			resp := call(t, ks.NewClient(), "card.status_update", http.MethodPost, "/open-api/v1/card/status/update",
				map[string]any{"card_no": card.ID, "status": tt.to})
			assert.Equal(t, tt.wantCode, resp.Code, resp.Msg)
			if tt.wantCode == 0 {
				ks.CheckCardStatus(t, card.ID, keysecure.CardStatus(tt.to))
			} else {
				ks.CheckCardStatus(t, card.ID, tt.from)
			}
		})
	}
}

func TestPhysicalCardActivationAndPIN(t *testing.T) {
	t.Parallel()
	ks := runT(t)
	c := ks.NewClient()
	h, err := ks.AddCardholder(keysecure.Cardholder{})
	require.NoError(t, err)
	address := map[string]any{"first_name": "Ada", "last_name": "Lovelace", "phone_code": "44", "phone": "2079460000",
		"postal_code": "SW1A 1AA", "country": "GB", "state": "London", "city": "London", "address_line1": "10 Downing St", "address_line2": "Flat 1"}
	apply := map[string]any{"cardholder_no": h.ID, "package_no": "PKG-PHYSICAL-STD", "card_type": "Physical", "card_unique_no": "phys-1"}
	mustCode(t, c, "card.apply", http.MethodPost, "/open-api/v1/card/apply", apply, 1004) // no address
	apply["address_info"] = address
	var ref struct {
		CardNo string `json:"card_no"`
	}
	mustOK(t, c, "card.apply", http.MethodPost, "/open-api/v1/card/apply", apply, &ref)
	_, _ = ks.Clock.Advance(time.Minute)
	ks.CheckCardStatus(t, ref.CardNo, keysecure.StatusToActivate)

	card, _ := ks.Card(ref.CardNo)
	pinBody := map[string]any{"card_no": card.ID, "cardholder_no": h.ID, "pin": c.Encrypt("246802")}
	mustCode(t, c, "card.pin_set", http.MethodPost, "/open-api/v1/card/pin/set", pinBody, 4005)

	activate := map[string]any{"cardholder_no": h.ID, "card_no": card.ID, "card_last_no": card.LastNo(), "cvv": c.Encrypt("000")}
	if card.CVV == "000" {
		activate["cvv"] = c.Encrypt("111")
	}
	mustCode(t, c, "card.active", http.MethodPost, "/open-api/v1/card/active", activate, 4007)
	activate["cvv"] = "not-base64!"
	mustCode(t, c, "card.active", http.MethodPost, "/open-api/v1/card/active", activate, 4010)
	activate["cvv"], activate["card_last_no"] = c.Encrypt(card.CVV), "0000"
	if card.LastNo() == "0000" {
		activate["card_last_no"] = "1111"
	}
	mustCode(t, c, "card.active", http.MethodPost, "/open-api/v1/card/active", activate, 4008)
	activate["card_last_no"] = card.LastNo()
	mustOK(t, c, "card.active", http.MethodPost, "/open-api/v1/card/active", activate, nil)
	ks.CheckCardStatus(t, card.ID, keysecure.StatusActivated)

	for pin, code := range map[string]int{"123456": 4016, "111222": 4016, "98765": 4016, "654321": 4016, "246802": 0} {
		pinBody["pin"] = c.Encrypt(pin)
		mustCode(t, c, "card.pin_set", http.MethodPost, "/open-api/v1/card/pin/set", pinBody, code)
	}
	virtual, err := ks.AddCard(keysecure.Card{CardholderNo: h.ID})
	require.NoError(t, err)
	pinBody["card_no"] = virtual.ID
	mustCode(t, c, "card.pin_set", http.MethodPost, "/open-api/v1/card/pin/set", pinBody, 4017)
}

func TestApplyValidationAndOutcomes(t *testing.T) {
	t.Parallel()
	ks := runT(t)
	c := ks.NewClient()
	h, err := ks.AddCardholder(keysecure.Cardholder{})
	require.NoError(t, err)
	other, err := ks.AddCardholder(keysecure.Cardholder{})
	require.NoError(t, err)
	base := func() map[string]any {
		return map[string]any{"cardholder_no": h.ID, "package_no": "PKG-VIRTUAL-STD", "card_type": "Virtual", "card_unique_no": "u"}
	}
	tests := []struct {
		name     string
		edit     func(m map[string]any)
		wantCode int
		wantMsg  string
	}{
		{name: "neither bin nor package", edit: func(m map[string]any) { delete(m, "package_no") }, wantCode: 1004, wantMsg: "card_bin_no"},
		{name: "bad card type", edit: func(m map[string]any) { m["card_type"] = "Plastic" }, wantCode: 1004, wantMsg: "card_type"},
		{name: "unknown package", edit: func(m map[string]any) { m["package_no"] = "PKG-NOPE" }, wantCode: 4004},
		{name: "package of another type", edit: func(m map[string]any) { m["package_no"] = "PKG-PHYSICAL-STD" }, wantCode: 1004, wantMsg: "issues Physical cards"},
		{name: "unknown cardholder", edit: func(m map[string]any) { m["cardholder_no"] = "U404" }, wantCode: 2002},
		{name: "address with non-latin city", edit: func(m map[string]any) {
			m["address_info"] = map[string]any{"postal_code": "1", "country": "CN", "state": "SH", "city": "上海", "address_line1": "1 Road"}
		}, wantCode: 2007, wantMsg: "address_info.city"},
		{name: "address with lower-case country", edit: func(m map[string]any) {
			m["address_info"] = map[string]any{"postal_code": "1", "country": "cn", "state": "SH", "city": "Shanghai", "address_line1": "1 Road"}
		}, wantCode: 1004, wantMsg: "address_info.country"},
		{name: "by bin in both mode", edit: func(m map[string]any) { delete(m, "package_no"); m["card_bin_no"] = "BIN-48655511" }, wantCode: 0},
	}
	for _, tt := range tests {
		m := base()
		m["card_unique_no"] = "u-" + tt.name
		tt.edit(m)
		resp := call(t, c, "card.apply", http.MethodPost, "/open-api/v1/card/apply", m)
		assert.Equal(t, tt.wantCode, resp.Code, "%s: %s", tt.name, resp.Msg)
		assert.Contains(t, resp.Msg, tt.wantMsg, tt.name)
	}

	m := base()
	m["card_unique_no"] = "shared"
	mustOK(t, c, "card.apply", http.MethodPost, "/open-api/v1/card/apply", m, nil)
	m["cardholder_no"] = other.ID
	mustCode(t, c, "card.apply", http.MethodPost, "/open-api/v1/card/apply", m, 4003)

	m = base()
	m["card_unique_no"] = "mocksrv:card-fail:please"
	var ref struct {
		CardNo string `json:"card_no"`
	}
	mustOK(t, c, "card.apply", http.MethodPost, "/open-api/v1/card/apply", m, &ref)
	_, _ = ks.Clock.Advance(time.Minute)
	ks.CheckCardStatus(t, ref.CardNo, keysecure.StatusFail)
}

func TestKYCOutcomes(t *testing.T) {
	t.Parallel()
	ks := runT(t)
	c := ks.NewClient()
	apply := func(unique, token string) string {
		var ref struct {
			CardholderNo string `json:"cardholder_no"`
		}
		mustOK(t, c, "cardholder.apply", http.MethodPost, "/open-api/v1/cardholder/apply",
			map[string]any{"cardholder_unique_no": unique, "sumsub_share_token": token}, &ref)
		return ref.CardholderNo
	}
	ok, rejected, held := apply("a", "tok"), apply("b", "mocksrv:kyc-reject"), apply("c", "mocksrv:kyc-hold")
	mustCode(t, c, "cardholder.apply", http.MethodPost, "/open-api/v1/cardholder/apply",
		map[string]any{"cardholder_unique_no": "a", "sumsub_share_token": "t"}, 2001)
	_, _ = ks.Clock.Advance(30 * time.Second)
	ks.CheckCardholderStatus(t, ok, keysecure.CardholderInProgress)
	_, _ = ks.Clock.Advance(90 * time.Second)
	ks.CheckCardholderStatus(t, ok, keysecure.CardholderApproved)
	ks.CheckCardholderStatus(t, rejected, keysecure.CardholderRejected)
	ks.CheckCardholderStatus(t, held, keysecure.CardholderInProgress)

	mustCode(t, c, "cardholder.apply", http.MethodPost, "/open-api/v1/cardholder/apply",
		map[string]any{"cardholder_no": ok, "cardholder_unique_no": "a", "sumsub_share_token": "t"}, 2003)
	mustCode(t, c, "cardholder.apply", http.MethodPost, "/open-api/v1/cardholder/apply",
		map[string]any{"cardholder_no": held, "cardholder_unique_no": "c", "sumsub_share_token": "t"}, 2004)
	mustCode(t, c, "card.apply", http.MethodPost, "/open-api/v1/card/apply",
		map[string]any{"cardholder_no": rejected, "package_no": "PKG-VIRTUAL-STD", "card_type": "Virtual", "card_unique_no": "x"}, 2005)
	mustOK(t, c, "cardholder.apply", http.MethodPost, "/open-api/v1/cardholder/apply",
		map[string]any{"cardholder_no": rejected, "cardholder_unique_no": "b", "sumsub_share_token": "fine-now"}, nil)
	_, _ = ks.Clock.Advance(2 * time.Minute)
	ks.CheckCardholderStatus(t, rejected, keysecure.CardholderApproved)
}

func TestCardExpiresWhenTheClockPassesItsMonth(t *testing.T) {
	t.Parallel()
	ks := runT(t)
	card, err := ks.AddCard(keysecure.Card{})
	require.NoError(t, err)
	assert.Equal(t, 2029, card.ExpYear)
	assert.Equal(t, 1, card.ExpMonth)
	ks.Clock.Set(time.Date(2029, 1, 31, 23, 59, 59, 0, time.UTC))
	ks.CheckCardStatus(t, card.ID, keysecure.StatusActivated)
	ks.Clock.Set(time.Date(2029, 2, 1, 0, 0, 0, 0, time.UTC))
	ks.CheckCardStatus(t, card.ID, keysecure.StatusDelete)
	c, _ := ks.Card(card.ID)
	assert.Equal(t, "Card expired", c.Reason)
}

func TestPrivateInfoDecrypts(t *testing.T) {
	t.Parallel()
	ks := runT(t)
	card, err := ks.AddCard(keysecure.Card{})
	require.NoError(t, err)
	c := ks.NewClient()
	var data string
	mustOK(t, c, "card.private_info", http.MethodGet, "/open-api/v1/card/"+card.ID+"/private/info", nil, &data)
	plain, err := keysecure.Decrypt(keysecure.DefaultAPISecret, "raw", data)
	require.NoError(t, err)
	var info map[string]string
	require.NoError(t, json.Unmarshal(plain, &info))
	assert.Equal(t, card.PAN, info["pan"])
	assert.Equal(t, card.CVV, info["cvv"])
	assert.Len(t, info["exp_month"], 2)
	assert.Len(t, info["exp_year"], 4)

	var tok struct {
		Token     string `json:"client_access_token"`
		ExpiresIn int    `json:"expires_in"`
	}
	mustOK(t, c, "client_token.get", http.MethodGet, "/open-api/v1/merchant/client/"+card.ID+"/token", nil, &tok)
	assert.NotEmpty(t, tok.Token)
	assert.Equal(t, 300, tok.ExpiresIn)
	pending, err := ks.AddCard(keysecure.Card{Status: keysecure.StatusPending})
	require.NoError(t, err)
	mustCode(t, c, "card.private_info", http.MethodGet, "/open-api/v1/card/"+pending.ID+"/private/info", nil, 4002)
}

func TestModesRefuseTheOtherModesEndpoints(t *testing.T) {
	t.Parallel()
	credit := runT(t, keysecure.WithMode(keysecure.ModeCredit))
	mustCode(t, credit.NewClient(), "card_bin.list", http.MethodPost, "/open-api/v1/card/support/bins", `{}`, 1012)
	auth := runT(t, keysecure.WithMode(keysecure.ModeAuthorization))
	c := auth.NewClient()
	mustCode(t, c, "card_package.list", http.MethodPost, "/open-api/v1/card/package/list", `{}`, 1012)
	h, err := auth.AddCardholder(keysecure.Cardholder{})
	require.NoError(t, err)
	mustCode(t, c, "account.transfer", http.MethodPost, "/open-api/v1/account/transfer",
		map[string]any{"cardholder_no": h.ID, "transfer_unique_no": "t", "type": "in", "balance": "1.00"}, 1012)
	mustCode(t, c, "card.apply", http.MethodPost, "/open-api/v1/card/apply",
		map[string]any{"cardholder_no": h.ID, "package_no": "PKG-VIRTUAL-STD", "card_type": "Virtual", "card_unique_no": "m"}, 1012)
}

func TestTransferValidation(t *testing.T) {
	t.Parallel()
	ks := runT(t)
	c := ks.NewClient()
	h, err := ks.AddCardholder(keysecure.Cardholder{})
	require.NoError(t, err)
	pending, err := ks.AddCardholder(keysecure.Cardholder{Status: keysecure.CardholderPending})
	require.NoError(t, err)
	for _, tt := range []struct {
		body     map[string]any
		wantCode int
		wantMsg  string
	}{
		{map[string]any{"cardholder_no": h.ID, "transfer_unique_no": "a", "type": "In", "balance": 100}, 1004, "must be a string"},
		{map[string]any{"cardholder_no": h.ID, "transfer_unique_no": "a", "type": "In", "balance": "1.001"}, 1004, "at most 2 decimals"},
		{map[string]any{"cardholder_no": h.ID, "transfer_unique_no": "a", "type": "In", "balance": "-1"}, 1004, "positive"},
		{map[string]any{"cardholder_no": h.ID, "transfer_unique_no": "a", "type": "Sideways", "balance": "1"}, 1004, "In or Out"},
		{map[string]any{"cardholder_no": "U404", "transfer_unique_no": "a", "type": "In", "balance": "1"}, 2002, ""},
		{map[string]any{"cardholder_no": pending.ID, "transfer_unique_no": "a", "type": "In", "balance": "1"}, 2004, ""},
		{map[string]any{"cardholder_no": h.ID, "transfer_unique_no": "ok", "type": "in", "balance": "1.5"}, 0, ""},
	} {
		resp := call(t, c, "account.transfer", http.MethodPost, "/open-api/v1/account/transfer", tt.body)
		assert.Equal(t, tt.wantCode, resp.Code, "%v: %s", tt.body, resp.Msg)
		assert.Contains(t, resp.Msg, tt.wantMsg)
	}
	ks.CheckBalance(t, h.ID, "1.50")
}

func TestConsumptionsMoveMoneyAndDecline(t *testing.T) {
	t.Parallel()
	ks := runT(t)
	c := ks.NewClient()
	h, err := ks.AddCardholder(keysecure.Cardholder{})
	require.NoError(t, err)
	card, err := ks.AddCard(keysecure.Card{CardholderNo: h.ID, PackageNo: "PKG-VIRTUAL-PLUS"})
	require.NoError(t, err)
	require.NoError(t, ks.Fund(h.ID, "100"))
	consume := func(body map[string]any) map[string]any {
		var out map[string]any
		mustOK(t, c, "sandbox.consume", http.MethodPost, "/open-api/v1/sandbox/consume", body, &out)
		return out
	}
	buy := consume(map[string]any{"card_no": card.ID, "amount": "10.00", "merchant_name": "Coffee"})
	assert.Equal(t, "Success", buy["status"])
	assert.Equal(t, "0.15", buy["fee"], "PKG-VIRTUAL-PLUS charges 1.5%")
	ks.CheckBalance(t, h.ID, "89.85")
	big := consume(map[string]any{"card_no": card.ID, "amount": 500})
	assert.Equal(t, "Fail", big["status"])
	assert.Equal(t, "Insufficient balance", big["remark"])
	declined := consume(map[string]any{"card_no": card.ID, "amount": "1", "merchant_name": "mocksrv:decline"})
	assert.Equal(t, "Fail", declined["status"])
	refund := consume(map[string]any{"card_no": card.ID, "amount": "4", "type": "Refund", "consume_relate_no": buy["consume_no"]})
	assert.Equal(t, "Success", refund["status"])
	ks.CheckBalance(t, h.ID, "93.85")
	mustCode(t, c, "sandbox.consume", http.MethodPost, "/open-api/v1/sandbox/consume",
		map[string]any{"card_no": card.ID, "amount": "7", "type": "Refund", "consume_relate_no": buy["consume_no"]}, 1004)
	require.NoError(t, ks.FreezeCard(card.ID))
	frozen := consume(map[string]any{"card_no": card.ID, "amount": "1"})
	assert.Equal(t, "Card is not activated: status Frozen", frozen["remark"], "the remark starts with the decline reason's text")
	assert.Equal(t, "1000000", ks.Ledger().Total.String(), "money is conserved")
}
