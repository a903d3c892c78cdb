package keysecure_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/keysecure"
)

type cardItem struct {
	CardNo     string `json:"card_no"`
	Status     string `json:"status"`
	CardType   string `json:"card_type"`
	CardLastNo string `json:"card_last_no"`
}

// TestClientFromThePublicDocs walks the "done means" flow as a
// client written only from KeySecure's docs would.
func TestClientFromThePublicDocs(t *testing.T) {
	t.Parallel()
	ks := runT(t)
	c := ks.NewClient()

	var holder struct {
		CardholderNo string `json:"cardholder_no"`
	}
	mustOK(t, c, "cardholder.apply", http.MethodPost, "/open-api/v1/cardholder/apply",
		map[string]any{"cardholder_unique_no": "user-1", "sumsub_share_token": "tok-approve"}, &holder)
	require.NotEmpty(t, holder.CardholderNo)
	ks.CheckCardholderStatus(t, holder.CardholderNo, keysecure.CardholderPending)

	// A card cannot be applied for before the KYC is approved.
	apply := map[string]any{"cardholder_no": holder.CardholderNo, "package_no": "PKG-VIRTUAL-STD",
		"card_type": "Virtual", "card_unique_no": "card-1"}
	mustCode(t, c, "card.apply", http.MethodPost, "/open-api/v1/card/apply", apply, 2004)

	_, err := ks.Clock.Advance(2 * time.Minute)
	require.NoError(t, err)
	ks.CheckCardholderStatus(t, holder.CardholderNo, keysecure.CardholderApproved)

	var card struct {
		CardNo       string `json:"card_no"`
		CardUniqueNo string `json:"card_unique_no"`
	}
	mustOK(t, c, "card.apply", http.MethodPost, "/open-api/v1/card/apply", apply, &card)
	var again struct {
		CardNo string `json:"card_no"`
	}
	mustOK(t, c, "card.apply", http.MethodPost, "/open-api/v1/card/apply", apply, &again)
	assert.Equal(t, card.CardNo, again.CardNo, "card_unique_no is idempotent")

	today := ks.Clock.Now().In(time.FixedZone("UTC+8", 8*3600)).Format("2006-01-02")
	listBody := map[string]any{"start_time": today, "end_time": today}
	var list struct{ List []cardItem }
	mustOK(t, c, "card.list", http.MethodPost, "/open-api/v1/card/list", listBody, &list)
	require.Len(t, list.List, 1)
	assert.Equal(t, "Pending", list.List[0].Status)

	_, err = ks.Clock.Advance(time.Minute)
	require.NoError(t, err)
	var detail struct {
		Status    string         `json:"status"`
		FeeDetail map[string]any `json:"fee_detail"`
	}
	mustOK(t, c, "card.detail", http.MethodGet, "/open-api/v1/card/"+card.CardNo+"/detail", nil, &detail)
	assert.Equal(t, "Activated", detail.Status)
	assert.Len(t, detail.FeeDetail, 22)

	mustOK(t, c, "card.status_update", http.MethodPost, "/open-api/v1/card/status/update",
		map[string]any{"card_no": card.CardNo, "status": "Frozen"}, nil)
	mustOK(t, c, "card.list", http.MethodPost, "/open-api/v1/card/list", listBody, &list)
	require.Len(t, list.List, 1)
	assert.Equal(t, "Frozen", list.List[0].Status, "a freeze shows in the list")
	mustCode(t, c, "card.status_update", http.MethodPost, "/open-api/v1/card/status/update",
		map[string]any{"card_no": card.CardNo, "status": "Frozen"}, 4002)

	var tr struct {
		TransferNo    string `json:"transfer_no"`
		BeforeBalance string `json:"before_balance"`
		AfterBalance  string `json:"after_balance"`
	}
	transfer := map[string]any{"cardholder_no": holder.CardholderNo, "transfer_unique_no": "tr-1", "type": "In", "balance": "100.00"}
	mustOK(t, c, "account.transfer", http.MethodPost, "/open-api/v1/account/transfer", transfer, &tr)
	assert.Equal(t, "0.00", tr.BeforeBalance)
	assert.Equal(t, "100.00", tr.AfterBalance)
	ks.CheckBalance(t, holder.CardholderNo, "100")
	mustOK(t, c, "account.transfer", http.MethodPost, "/open-api/v1/account/transfer", transfer, &tr)
	ks.CheckBalance(t, holder.CardholderNo, "100") // the same transfer_unique_no moves nothing twice
	transfer["balance"] = "5.00"
	mustCode(t, c, "account.transfer", http.MethodPost, "/open-api/v1/account/transfer", transfer, 3002)
	mustCode(t, c, "account.transfer", http.MethodPost, "/open-api/v1/account/transfer",
		map[string]any{"cardholder_no": holder.CardholderNo, "transfer_unique_no": "tr-2", "type": "Out", "balance": "100.01"}, 3001)

	assert.Equal(t, "1000000", ks.Ledger().Total.String(), "money is conserved")
}

// TestFreezeShowsInList is the README's "Go helper" example, run for real.
func TestFreezeShowsInList(t *testing.T) {
	t.Parallel()
	ks := runT(t)
	card, err := ks.AddCard(keysecure.Card{}) // Activated, cardholder and data from the seeded faker
	require.NoError(t, err)

	client := keysecure.NewClient(ks.URL(), ks.APIKey(), ks.Secret())
	resp, err := client.Do(context.Background(), http.MethodPost, "/open-api/v1/card/status/update",
		map[string]any{"card_no": card.ID, "status": "Frozen"})
	require.NoError(t, err)
	require.Equal(t, 0, resp.Code, resp.Msg)

	ks.CheckCardStatus(t, card.ID, keysecure.StatusFrozen)
	assert.Len(t, ks.Journal.Entries(core.ByRoute("card.status_update")), 1)
	var list struct{ List []cardItem }
	mustOK(t, client, "card.list", http.MethodPost, "/open-api/v1/card/list",
		map[string]any{"start_time": "2026-01-01", "end_time": "2026-01-01"}, &list)
	require.Len(t, list.List, 1)
	assert.Equal(t, "Frozen", list.List[0].Status)
}
