package decard_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/decard"
)

// rawJSON renders v as JSON, indented when pretty: the same value spelled
// another way.
func rawJSON(t *testing.T, v any, pretty bool) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if pretty {
		b, err = json.MarshalIndent(v, "", "   ")
	}
	require.NoError(t, err)
	return b
}

// TestApplyRefIsIdempotent pins issue 13's one idempotency rule on
// DeCard's applyRef: the same request again — JSON compared as values, so
// key order and whitespace do not matter — gets the first answer byte for
// byte, even after the application moved on; a different request under the
// same applyRef gets CARD_TRANSACTION_REPEAT_REQUEST naming applyRef and
// the first field that differs.
func TestApplyRefIsIdempotent(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	c := s.NewClient()
	ann, bob, dee := register(t, c, "87770001"), register(t, c, "87770002"), register(t, c, "87770004")
	fc, err := s.AddFCUser(decard.NewFCUser{})
	require.NoError(t, err)
	std := func(user, ref string, overrides ...any) map[string]any {
		return map[string]any{"externalUserId": user, "categoryId": "10102000", "applyRef": ref, "kycInfo": kycInfo(overrides...)}
	}
	kyb := func(ref, company string) map[string]any {
		return map[string]any{"externalUserId": fc.ID, "categoryId": "30102001", "applyRef": ref, "kybInfo": map[string]any{"companyName": company}}
	}
	const stdPath, fcPath = "/card/v1/virtual-card/apply", "/financial-connection/v1/virtual-card/apply"
	tests := []struct {
		name, route, path string
		first, other      map[string]any
		otherPath         string
		differs           string
	}{
		{"another kycInfo", "card.virtual_apply", stdPath, std(ann, "order-1"), std(ann, "order-1", "email", "ann.other@example.com"), stdPath, "kycInfo.email"},
		{"another user", "card.virtual_apply", stdPath, std(bob, "order-2", "email", "bob@example.com"), std(ann, "order-2"), stdPath, "externalUserId"},
		{"another category", "financial_connection.virtual_apply", fcPath, kyb("kyb-1", "Acme Pte Ltd"), kyb("kyb-1", "Acme Holdings Pte Ltd"), fcPath, "kybInfo.companyName"},
		{"another route", "card.virtual_apply", stdPath, std(dee, "order-3", "email", "dee@example.com"), kyb("order-3", "Acme Pte Ltd"), fcPath, "path"},
	}
	firsts := map[string][]byte{}
	for _, tt := range tests {
		first := call(t, c, tt.route, http.MethodPost, tt.path, nil, rawJSON(t, tt.first, false))
		require.True(t, first.OK(), "%s: %s %s", tt.name, first.Code, first.Message)
		firsts[tt.name] = first.Body
		again := call(t, c, tt.route, http.MethodPost, tt.path, nil, rawJSON(t, tt.first, true))
		assert.Equal(t, string(first.Body), string(again.Body), "%s: the first answer, byte for byte", tt.name)
		otherRoute := map[string]string{stdPath: "card.virtual_apply", fcPath: "financial_connection.virtual_apply"}[tt.otherPath]
		other := mustCode(t, c, otherRoute, http.MethodPost, tt.otherPath, nil, tt.other, "CARD_TRANSACTION_REPEAT_REQUEST")
		ref := tt.first["applyRef"].(string)
		assert.Contains(t, other.Message, "applyRef "+ref+" was first used with a different request ("+tt.differs+" differs)", tt.name)
	}

	// The application moves on; the same request still answers as first.
	advance(t, s, time.Hour)
	var now applyData
	get(t, c, "card.virtual_detail", "/card/v1/virtual-card/detail", &now, decard.Q("externalUserId", ann, "applyRef", "order-1")...)
	require.Equal(t, "SUCCESS", now.Status)
	again := call(t, c, "card.virtual_apply", http.MethodPost, stdPath, nil, tests[0].first)
	assert.Equal(t, string(firsts["another kycInfo"]), string(again.Body), "still the first (PENDING) answer")
	assert.Len(t, s.Cards(ann), 1, "the replays made no second application or card")

	// A refused request keeps nothing: the applyRef is free for a good one.
	bad := std(bob, "order-4", "occupation", "ASTRONAUT")
	mustCode(t, c, "card.virtual_apply", http.MethodPost, stdPath, nil, bad, "ACCOUNT_INVALID_PARAMETER")
	s2 := decard.RunT(t)
	c2 := s2.NewClient()
	cy := register(t, c2, "87770003")
	good := call(t, c2, "card.virtual_apply", http.MethodPost, stdPath, nil, std(cy, "order-4", "email", "cy@example.com"))
	require.True(t, good.OK())
	mustCode(t, c2, "card.virtual_apply", http.MethodPost, stdPath, nil, bad, "CARD_TRANSACTION_REPEAT_REQUEST")

	// An application the admin API made has no request to compare with.
	made, err := s.AddApplication(decard.NewApply{ApplyRef: "admin-1"})
	require.NoError(t, err)
	resp := mustCode(t, c, "card.virtual_apply", http.MethodPost, stdPath, nil, std(made.UserID, "admin-1"), "CARD_TRANSACTION_REPEAT_REQUEST")
	assert.Contains(t, resp.Message, "applyRef admin-1 is application "+made.ID+"'s")
}

// TestApplyRefSurvivesARestore: a snapshot keeps each applyRef's first
// request and answer, so the restored tenant replays and refuses as the
// original did.
func TestApplyRefSurvivesARestore(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	c := s.NewClient()
	user := register(t, c, "87770009")
	body := map[string]any{"externalUserId": user, "categoryId": "10102000", "applyRef": "keep-1", "kycInfo": kycInfo()}
	first := call(t, c, "card.virtual_apply", http.MethodPost, "/card/v1/virtual-card/apply", nil, body)
	require.True(t, first.OK())
	snap, err := core.ProviderOf(s.Host).Snapshot(core.DefaultTenant)
	require.NoError(t, err)

	r := decard.RunT(t, decard.WithClock(core.NewFrozenClock(s.Clock.Now())))
	require.NoError(t, core.ProviderOf(r.Host).Restore(r.Env.Default(), snap))
	rc := r.NewClient()
	again := call(t, rc, "card.virtual_apply", http.MethodPost, "/card/v1/virtual-card/apply", nil, rawJSON(t, body, true))
	assert.Equal(t, string(first.Body), string(again.Body))
	body["categoryId"] = "40102000"
	resp := mustCode(t, rc, "card.virtual_apply", http.MethodPost, "/card/v1/virtual-card/apply", nil, body, "CARD_TRANSACTION_REPEAT_REQUEST")
	assert.Contains(t, resp.Message, "applyRef keep-1 was first used with a different request (categoryId differs)")
}
