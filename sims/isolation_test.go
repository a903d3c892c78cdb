package sims_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/bkj"
	"github.com/mocksrv/mocksrv/sims/decard"
	"github.com/mocksrv/mocksrv/sims/keysecure"
	"github.com/mocksrv/mocksrv/sims/uqpay"
)

// isolated is one provider as a tenant's client sees it: make a card (and
// its owner) through the admin API, read a card by id, list the cards.
type isolated struct {
	name string
	// made returns the card id and, for DeCard, the user it belongs to.
	made func(body []byte) (card, user string)
	// read reports whether tenant c's credentials can read the card.
	read func(t *testing.T, base string, c creds, card, user string) bool
	// list returns the card ids tenant c's credentials list (for DeCard,
	// the cards of user).
	list func(t *testing.T, base string, c creds, user string) []string
}

var isolatedProviders = []isolated{
	{
		name: "bkj",
		made: func(b []byte) (string, string) { return field(b, "id"), "" },
		read: func(t *testing.T, base string, c creds, card, _ string) bool {
			resp, err := bkj.NewClient(base, c.BKJ["api_key"], c.BKJ["api_secret"]).Get(context.Background(), "/openapi/v1/card/detail", url.Values{"id": {card}})
			require.NoError(t, err)
			require.Contains(t, []int{0, 40400}, resp.Code, "%s", resp.Body)
			return resp.Code == 0
		},
		list: func(t *testing.T, base string, c creds, _ string) []string {
			resp, err := bkj.NewClient(base, c.BKJ["api_key"], c.BKJ["api_secret"]).Get(context.Background(), "/openapi/v1/card/list", url.Values{"take": {"100"}})
			require.NoError(t, err)
			require.Equal(t, 0, resp.Code, "%s", resp.Body)
			var out struct{ List []struct{ ID string } }
			require.NoError(t, resp.Decode(&out))
			var ids []string
			for _, c := range out.List {
				ids = append(ids, c.ID)
			}
			return ids
		},
	},
	{
		name: "keysecure",
		made: func(b []byte) (string, string) { return field(b, "card_no"), "" },
		read: func(t *testing.T, base string, c creds, card, _ string) bool {
			resp, err := keysecure.NewClient(base, c.KeySecure.APIKey, c.KeySecure.APISecret).Do(context.Background(), http.MethodGet, "/open-api/v1/card/"+card+"/detail", nil)
			require.NoError(t, err)
			require.Contains(t, []int{0, 4001}, resp.Code, "%s", resp.Body)
			return resp.Code == 0
		},
		list: func(t *testing.T, base string, c creds, _ string) []string {
			resp, err := keysecure.NewClient(base, c.KeySecure.APIKey, c.KeySecure.APISecret).Do(context.Background(), http.MethodPost, "/open-api/v1/card/list",
				`{"start_time":"2026-01-01","end_time":"2026-01-01","size":100}`)
			require.NoError(t, err)
			require.Equal(t, 0, resp.Code, "%s", resp.Body)
			var out struct {
				List []struct {
					No string `json:"card_no"`
				}
			}
			require.NoError(t, json.Unmarshal(resp.Data, &out))
			var ids []string
			for _, c := range out.List {
				ids = append(ids, c.No)
			}
			return ids
		},
	},
	{
		name: "uqpay",
		made: func(b []byte) (string, string) { return field(b, "card_id"), "" },
		read: func(t *testing.T, base string, c creds, card, _ string) bool {
			resp, err := uqpay.NewClient(base, c.UQPay["client_id"], c.UQPay["api_key"]).Do(context.Background(), http.MethodGet, "/v1/issuing/cards/"+card, nil)
			require.NoError(t, err)
			if !resp.OK() {
				require.NotNil(t, resp.Err, "%s", resp.Body)
				require.Equal(t, "card_not_found", resp.Err.Code)
			}
			return resp.OK()
		},
		list: func(t *testing.T, base string, c creds, _ string) []string {
			resp, err := uqpay.NewClient(base, c.UQPay["client_id"], c.UQPay["api_key"]).Do(context.Background(), http.MethodGet, "/v1/issuing/cards?page_size=100", nil)
			require.NoError(t, err)
			require.True(t, resp.OK(), "%s", resp.Body)
			var out struct {
				Data []struct {
					ID string `json:"card_id"`
				}
			}
			require.NoError(t, resp.Decode(&out))
			var ids []string
			for _, c := range out.Data {
				ids = append(ids, c.ID)
			}
			return ids
		},
	},
	{
		name: "decard",
		made: func(b []byte) (string, string) { return field(b, "cardId"), field(b, "externalUserId") },
		read: func(t *testing.T, base string, c creds, card, user string) bool {
			resp, err := decard.NewClient(base, c.DeCard["api_key"], c.DeCard["api_secret"]).Get(context.Background(), "/card/v2/detail",
				decard.Q("externalUserId", user, "cardId", card)...)
			require.NoError(t, err)
			if !resp.OK() {
				require.Equal(t, "ACCOUNT_USER_NOT_EXIST", resp.Code, "%s", resp.Body)
			}
			return resp.OK()
		},
		list: func(t *testing.T, base string, c creds, user string) []string {
			resp, err := decard.NewClient(base, c.DeCard["api_key"], c.DeCard["api_secret"]).Get(context.Background(), "/card/v2/detail",
				decard.Q("externalUserId", user)...)
			require.NoError(t, err)
			require.True(t, resp.OK(), "%s", resp.Body)
			var out []struct {
				ID string `json:"cardId"`
			}
			require.NoError(t, resp.Decode(&out))
			var ids []string
			for _, c := range out {
				ids = append(ids, c.ID)
			}
			return ids
		},
	},
}

func field(b []byte, key string) string {
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	s, _ := m[key].(string)
	return s
}

// TestTenantsCannotReadEachOther: for every provider, a tenant's
// credentials read and list only its own cards — another tenant's card is
// not found by id and never listed — and the admin API's tenant-scoped
// routes (card actions, state, journal, webhooks) never reach into
// another tenant.
func TestTenantsCannotReadEachOther(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	var a, b creds
	admin(t, f, http.MethodPost, "/_mocksrv/tenants", `{"id":"iso-a"}`, http.StatusCreated, &a)
	admin(t, f, http.MethodPost, "/_mocksrv/tenants", `{"id":"iso-b"}`, http.StatusCreated, &b)
	for _, p := range isolatedProviders {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			make := func(tenant string) (string, string) {
				var raw json.RawMessage
				admin(t, f, http.MethodPost, "/_mocksrv/tenants/"+tenant+"/"+p.name+"/cards", `{}`, http.StatusCreated, &raw)
				card, user := p.made(raw)
				require.NotEmpty(t, card, "%s", raw)
				return card, user
			}
			cardA, userA := make("iso-a")
			cardB, userB := make("iso-b")

			assert.True(t, p.read(t, f.URL(), a, cardA, userA), "a tenant reads its own card")
			assert.False(t, p.read(t, f.URL(), b, cardA, userA), "another tenant's card is not found by id")
			assert.False(t, p.read(t, f.URL(), a, cardB, userB))
			assert.Equal(t, []string{cardA}, p.list(t, f.URL(), a, userA))
			assert.Equal(t, []string{cardB}, p.list(t, f.URL(), b, userB))

			// Admin routes are addressed by tenant, and stay in it.
			res, err := http.Post(f.URL()+"/_mocksrv/tenants/iso-b/"+p.name+"/cards/"+cardA+"/freeze", "application/json", nil)
			require.NoError(t, err)
			res.Body.Close()
			assert.Equal(t, http.StatusNotFound, res.StatusCode, "tenant b's path cannot act on tenant a's card")
			var st json.RawMessage
			admin(t, f, http.MethodGet, "/_mocksrv/tenants/iso-b/"+p.name+"/state", "", http.StatusOK, &st)
			assert.NotContains(t, string(st), cardA, "tenant b's state holds nothing of tenant a")
			assert.Contains(t, string(st), cardB)
		})
	}
	t.Cleanup(func() {
		for _, tenant := range []string{"iso-a", "iso-b"} {
			var j struct {
				Entries []struct{ Tenant string }
			}
			admin(t, f, http.MethodGet, "/_mocksrv/journal?tenant="+tenant, "", http.StatusOK, &j)
			assert.NotEmpty(t, j.Entries)
			for _, e := range j.Entries {
				assert.Equal(t, tenant, e.Tenant, "the journal filtered by tenant shows only that tenant")
			}
			var w struct {
				Deliveries []struct{ Tenant string }
			}
			admin(t, f, http.MethodGet, "/_mocksrv/webhooks?tenant="+tenant, "", http.StatusOK, &w)
			for _, d := range w.Deliveries {
				assert.Equal(t, tenant, d.Tenant)
			}
		}
	})
}

// TestTenantCredentialsAreNotAdminCredentials: a tenant's provider
// credentials open nothing on an admin API that wants a token, and the
// token opens nothing on the provider routes (they keep their own auth).
func TestTenantCredentialsAreNotAdminCredentials(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t, sims.WithAdminToken("s3cret"))
	for _, path := range []string{"/_mocksrv/tenants", "/_mocksrv/tenants/default", "/_mocksrv/tenants/default/keysecure/state",
		"/_mocksrv/journal", "/_mocksrv/faults", "/_mocksrv/webhooks", "/_mocksrv/tenants/default/clock"} {
		for _, auth := range []string{"", "Bearer " + keysecure.DefaultAPIKey, "Bearer " + bkj.DefaultAPISecret, "Bearer s3cre", "Bearer s3cret2", "Basic s3cret"} {
			req, _ := http.NewRequest(http.MethodGet, f.URL()+path, nil)
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			res.Body.Close()
			assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "%s with %q", path, auth)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, f.URL()+"/open-api/v1/card/C1/detail", nil)
	req.Header.Set("Authorization", "Bearer s3cret")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var env struct{ Code int }
	require.NoError(t, json.NewDecoder(res.Body).Decode(&env))
	res.Body.Close()
	assert.Equal(t, 1002, env.Code, "the admin token is not a provider credential")
	assert.False(t, strings.HasPrefix(f.URL(), "http://0.0.0.0"))
}
