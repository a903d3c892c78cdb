package keysecure_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/internal/corpus"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/keysecure"
)

// TestMagicValuesNeverFireOnOrdinaryData: no rule of KeySecure's table
// matches any of the corpus's ordinary inputs, and ordinary share tokens,
// unique numbers and merchant names pushed through the real flows take the
// happy path with no outcome announced.
func TestMagicValuesNeverFireOnOrdinaryData(t *testing.T) {
	t.Parallel()
	all := corpus.All()
	for _, m := range keysecure.Magic() {
		for _, in := range all {
			assert.False(t, m.Matches(in.Value), "rule %s fires on the ordinary %s %q", m.Rule, in.Kind, in.Value)
		}
	}

	ks := runT(t, keysecure.WithKYCDelay(0, time.Minute), keysecure.WithIssueDelay(time.Minute))
	c := ks.NewClient()
	tokens := append(corpus.Of(corpus.Tokens)[:60], corpus.Of(corpus.Labels)...)
	var holders []string
	for i, tok := range tokens {
		var ref struct {
			CardholderNo string `json:"cardholder_no"`
		}
		mustOK(t, c, "cardholder.apply", http.MethodPost, "/open-api/v1/cardholder/apply",
			map[string]any{"cardholder_unique_no": fmt.Sprintf("h-%d", i), "sumsub_share_token": tok}, &ref)
		holders = append(holders, ref.CardholderNo)
	}
	_, _ = ks.Clock.Advance(time.Minute)
	for _, h := range holders {
		ks.CheckCardholderStatus(t, h, keysecure.CardholderApproved)
	}
	owner := holders[0]
	require.NoError(t, ks.Fund(owner, "1000"))
	var cards []string
	for _, ref := range corpus.Of(corpus.References) {
		var out struct {
			CardNo string `json:"card_no"`
		}
		mustOK(t, c, "card.apply", http.MethodPost, "/open-api/v1/card/apply",
			map[string]any{"cardholder_no": owner, "package_no": "PKG-VIRTUAL-STD", "card_type": "Virtual", "card_unique_no": ref}, &out)
		cards = append(cards, out.CardNo)
	}
	_, _ = ks.Clock.Advance(time.Minute)
	for _, card := range cards {
		ks.CheckCardStatus(t, card, keysecure.StatusActivated)
	}
	for _, name := range append(corpus.Of(corpus.Labels), corpus.Of(corpus.Names)[:100]...) {
		var out map[string]any
		mustOK(t, c, "sandbox.consume", http.MethodPost, "/open-api/v1/sandbox/consume",
			map[string]any{"card_no": cards[0], "amount": "0.01", "merchant_name": name}, &out)
		require.Equal(t, "Success", out["status"], "merchant %q", name)
	}
	for _, e := range ks.Journal.Entries() {
		assert.Empty(t, e.Outcomes, "%s %s announced an outcome", e.Method, e.Path)
	}
}

// TestMagicValuesAnnounceThemselves: a reserved value fires its rule and
// the request that carried it says so; the admin API reaches the same
// outcomes by rule name without a magic value.
func TestMagicValuesAnnounceThemselves(t *testing.T) {
	t.Parallel()
	ks := runT(t, keysecure.WithKYCDelay(0, time.Minute))
	c := ks.NewClient()
	resp := call(t, c, "cardholder.apply", http.MethodPost, "/open-api/v1/cardholder/apply",
		map[string]any{"cardholder_unique_no": "m-1", "sumsub_share_token": "mocksrv:kyc-reject"})
	require.Equal(t, 0, resp.Code)
	entries := ks.Journal.Entries(core.ByRoute("cardholder.apply"))
	require.NotEmpty(t, entries)
	assert.Equal(t, []string{"kyc.reject"}, entries[len(entries)-1].Outcomes)

	held, err := ks.AddCardholder(keysecure.Cardholder{Status: keysecure.CardholderPending, Outcome: "kyc.hold"})
	require.NoError(t, err)
	_, err = ks.AddCardholder(keysecure.Cardholder{Outcome: "kyc.maybe"})
	assert.ErrorContains(t, err, `outcome "kyc.maybe"`)
	failing, err := ks.AddCard(keysecure.Card{Status: keysecure.StatusPending, Outcome: "card.fail"})
	require.NoError(t, err)
	_, _ = ks.Clock.Advance(time.Hour)
	ks.CheckCardholderStatus(t, held.ID, keysecure.CardholderInProgress)
	ks.CheckCardStatus(t, failing.ID, keysecure.StatusFail)
}

func TestOutcomeHeaderNamesTheRule(t *testing.T) {
	t.Parallel()
	ks := runT(t)
	c := ks.NewClient()
	card, err := ks.AddCard(keysecure.Card{})
	require.NoError(t, err)
	resp := call(t, c, "sandbox.consume", http.MethodPost, "/open-api/v1/sandbox/consume",
		map[string]any{"card_no": card.ID, "amount": "1", "merchant_name": "mocksrv:decline"})
	assert.Equal(t, "consume.decline", resp.Header.Get(core.OutcomeHeader))
	resp = call(t, c, "sandbox.consume", http.MethodPost, "/open-api/v1/sandbox/consume",
		map[string]any{"card_no": card.ID, "amount": "1", "merchant_name": "Decline Street Deli"})
	assert.Empty(t, resp.Header.Get(core.OutcomeHeader))
}
