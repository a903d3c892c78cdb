package harness_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/contracts/harness"
	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/bkj"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/decard"
	"github.com/mocksrv/mocksrv/sims/keysecure"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// TestPublishedExamplesOfEveryProviderPass checks every provider's
// published examples — the shared fixtures when this checkout has them,
// and the copies embedded in contracts/<p>/examples — with --doc-examples.
func TestPublishedExamplesOfEveryProviderPass(t *testing.T) {
	t.Parallel()
	for _, p := range contracts.Providers {
		dirs := []string{filepath.Join("..", p, "examples")}
		if fixtures := filepath.Join("..", "..", "..", "shared", "providers", "fixtures", p); isDir(fixtures) {
			dirs = append(dirs, fixtures)
		}
		for _, dir := range dirs {
			t.Run(p+" "+dir, func(t *testing.T) {
				t.Parallel()
				rep, err := harness.CheckFiles(harness.CheckOptions{Provider: p, DocExamples: true}, dir)
				require.NoError(t, err)
				require.NotEmpty(t, rep.Results)
				for _, r := range rep.Results {
					assert.False(t, r.Failed(false), "%s: %s %v", r.Source, r.Error, r.Violations)
					assert.NotContains(t, r.Error, "cannot tell which operation", "every published example is listed in %s/openapi.yaml", p)
				}
				assert.True(t, rep.OK())
			})
		}
	}
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// TestWebhookCheckForEveryProvider makes each simulator send a webhook (a
// card frozen through the direct API), checks the delivery with --webhook
// EVENT, then checks a drifted copy: an unknown field, a wrong type and a
// missing required field are each caught with their pointer and rule.
func TestWebhookCheckForEveryProvider(t *testing.T) {
	t.Parallel()
	tests := []struct {
		provider string
		freeze   func(t *testing.T, f *sims.Fleet)
	}{
		{provider: "bkj", freeze: func(t *testing.T, f *sims.Fleet) {
			c, err := f.BKJ.AddCard(bkj.Card{})
			require.NoError(t, err)
			require.NoError(t, f.BKJ.FreezeCard(c.ID))
		}},
		{provider: "keysecure", freeze: func(t *testing.T, f *sims.Fleet) {
			h, err := f.KeySecure.AddCardholder(keysecure.Cardholder{})
			require.NoError(t, err)
			c, err := f.KeySecure.AddCard(keysecure.Card{CardholderNo: h.ID})
			require.NoError(t, err)
			require.NoError(t, f.KeySecure.FreezeCard(c.ID))
		}},
		{provider: "uqpay", freeze: func(t *testing.T, f *sims.Fleet) {
			c, err := f.UQPay.AddCard(uqpay.Card{})
			require.NoError(t, err)
			require.NoError(t, f.UQPay.FreezeCard(c.ID))
		}},
		{provider: "decard", freeze: func(t *testing.T, f *sims.Fleet) {
			u, err := f.DeCard.AddUser(decard.NewUser{})
			require.NoError(t, err)
			c, err := f.DeCard.AddCard(decard.NewCard{UserID: u.ID})
			require.NoError(t, err)
			require.NoError(t, f.DeCard.FreezeCard(c.ID))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.provider, func(t *testing.T) {
			t.Parallel()
			f := sims.RunT(t)
			tt.freeze(t, f)
			f.SettleAll()
			ds := f.Webhooks.Deliveries(func(d core.Delivery) bool { return d.Provider == tt.provider })
			require.NotEmpty(t, ds, "freezing a card sends a webhook")
			d := ds[len(ds)-1]
			dir := t.TempDir()
			good := filepath.Join(dir, "push.json")
			require.NoError(t, os.WriteFile(good, []byte(d.Body), 0o644))
			rep, err := harness.CheckFiles(harness.CheckOptions{Provider: tt.provider, Webhook: d.Event}, good)
			require.NoError(t, err)
			require.Len(t, rep.Results, 1)
			assert.True(t, rep.OK(), "%s %s: %+v", tt.provider, d.Event, rep.Results)
			assert.True(t, rep.Results[0].Webhook)
			assert.Contains(t, rep.Coverage.Webhooks, d.Event)

			var body map[string]any
			require.NoError(t, json.Unmarshal([]byte(d.Body), &body))
			typed := firstStringField(body)
			require.NotEmpty(t, typed, "the payload has a string field to break")
			body[typed] = 12345
			body["mocksrv_unknown"] = true
			delete(body, "data")
			raw, err := json.Marshal(body)
			require.NoError(t, err)
			bad := filepath.Join(dir, "drifted.json")
			require.NoError(t, os.WriteFile(bad, raw, 0o644))
			rep, err = harness.CheckFiles(harness.CheckOptions{Provider: tt.provider, Webhook: d.Event}, bad)
			require.NoError(t, err)
			assert.False(t, rep.OK())
			assert.True(t, violation(rep, "/"+typed, "type"), "wrong type at /%s: %+v", typed, rep.Results)
			assert.True(t, violation(rep, "/mocksrv_unknown", "unevaluatedProperties"), "unknown field: %+v", rep.Results)
			assert.True(t, violation(rep, "", "required"), "missing data: %+v", rep.Results)
		})
	}
}

// firstStringField returns the alphabetically first top-level field
// holding a string.
func firstStringField(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, ok := m[k].(string); ok {
			return k
		}
	}
	return ""
}
