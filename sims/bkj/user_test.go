package bkj_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/sims/bkj"
	"github.com/mocksrv/mocksrv/sims/core"
)

type userOut struct {
	ID        string `json:"id"`
	Email     string `json:"email"`
	FirstName string `json:"first_name"`
	KYCStatus string `json:"kyc_status"`
	KYCReason string `json:"kyc_reason"`
}

func TestUserRegistration(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	c := s.NewClient()
	var u userOut
	ok(t, c, "user.register", post("/openapi/v1/users", map[string]any{"external_id": "crm-1", "email": "jane@example.com", "first_name": "Jane",
		"last_name": "Doe", "country": "SG", "phone": "6591234567"}), &u)
	assert.Equal(t, "unverified", u.KYCStatus)
	var wallets struct{ Total int }
	ok(t, c, "wallet.list", get("/openapi/v1/wallet/list", url.Values{"account_id": {u.ID}}), &wallets)
	assert.Equal(t, 2, wallets.Total, "one wallet per currency")

	tests := []struct {
		name string
		body map[string]any
		code int
		want string
	}{
		{name: "email taken", body: map[string]any{"email": "JANE@example.com", "first_name": "J", "last_name": "D"}, code: 40900, want: "already registered"},
		{name: "external_id taken", body: map[string]any{"external_id": "crm-1", "email": "x@example.com", "first_name": "J", "last_name": "D"}, code: 40900, want: "external_id crm-1"},
		{name: "email missing", body: map[string]any{"first_name": "J", "last_name": "D"}, code: 40000, want: "email is required"},
		{name: "email malformed", body: map[string]any{"email": "nope", "first_name": "J", "last_name": "D"}, code: 40000, want: `email "nope"`},
		{name: "name with digits", body: map[string]any{"email": "y@example.com", "first_name": "J4", "last_name": "D"}, code: 40000, want: "first_name"},
		{name: "country not ISO", body: map[string]any{"email": "y@example.com", "first_name": "J", "last_name": "D", "country": "USA"}, code: 40000, want: "country must be an ISO 3166-1"},
		{name: "phone with plus", body: map[string]any{"email": "y@example.com", "first_name": "J", "last_name": "D", "phone": "+1555"}, code: 40000, want: "phone"},
		{name: "wrong type", body: map[string]any{"email": 5, "first_name": "J", "last_name": "D"}, code: 40000, want: "field email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code(t, c, "user.register", post("/openapi/v1/users", tt.body), tt.code, tt.want)
		})
	}
	code(t, c, "user.detail", get("/openapi/v1/users/ghost", nil), 40400, `user "ghost" does not exist`)
	code(t, c, "user.register", bkj.Request{Method: "POST", Path: "/openapi/v1/users", Body: "{}", Header: map[string][]string{"Content-Type": {"text/plain"}}},
		40000, `Content-Type "text/plain" is not supported`)
}

func TestKYC(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t, bkj.WithDelays(bkj.Delays{KYCReview: 2 * time.Minute}))
	c := s.NewClient()
	id := register(t, c, "kyc@example.com")

	var tok struct {
		Token     string `json:"token"`
		ExpiresAt string `json:"expires_at"`
		KYCStatus string `json:"kyc_status"`
	}
	ok(t, c, "user.kyc_token", get("/openapi/v1/users/"+id+"/kyc-token", nil), &tok)
	assert.True(t, strings.HasPrefix(tok.Token, "kyc_sbx_"))
	assert.Equal(t, "2026-01-01 00:30:00", tok.ExpiresAt)
	assert.Equal(t, "pending", tok.KYCStatus)

	var link struct {
		URL string `json:"url"`
	}
	c2 := *c
	c2.Language = "zh-CN"
	ok(t, &c2, "user.kyc_link", get("/openapi/v1/users/"+id+"/kyc-link", nil), &link)
	assert.True(t, strings.HasPrefix(link.URL, "https://kyc.sandbox.mocksrv.local/h5?token=kyc_sbx_"))
	assert.True(t, strings.HasSuffix(link.URL, "&lang=zh-CN"))

	_, _ = s.Clock.Advance(time.Minute)
	s.CheckKYCStatus(t, id, bkj.KYCPending)
	_, _ = s.Clock.Advance(time.Minute)
	s.CheckKYCStatus(t, id, bkj.KYCApproved)
	code(t, c, "user.kyc_token", get("/openapi/v1/users/"+id+"/kyc-token", nil), 40900, "already passed KYC")

	var list struct{ Total int }
	ok(t, c, "user.list", get("/openapi/v1/users", url.Values{"kyc_status": {"approved"}}), &list)
	assert.Equal(t, 1, list.Total)
	code(t, c, "user.list", get("/openapi/v1/users", url.Values{"kyc_status": {"ok"}}), 40000, "kyc_status must be one of")
}

func TestKYCMagicValues(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t, bkj.WithDelays(bkj.Delays{KYCReview: time.Minute}))
	c := s.NewClient()
	rejected := register(t, c, "kyc.reject+jane@mocksrv.test")
	held := register(t, c, "kyc.hold+jane@mocksrv.test")
	for _, id := range []string{rejected, held} {
		ok(t, c, "user.kyc_token", get("/openapi/v1/users/"+id+"/kyc-token", nil), nil)
	}
	_, _ = s.Clock.Advance(24 * time.Hour)
	var u userOut
	ok(t, c, "user.detail", get("/openapi/v1/users/"+rejected, nil), &u)
	assert.Equal(t, "rejected", u.KYCStatus)
	assert.Contains(t, u.KYCReason, "reject")
	code(t, c, "card.apply", post("/openapi/v1/card/apply", map[string]any{"account_id": rejected, "channel_id": "visa-virtual-usd"}), 40900, "failed KYC")
	s.CheckKYCStatus(t, held, bkj.KYCPending)

	require.NoError(t, s.DecideKYC(held, true), "the admin decides a held review")
	s.CheckKYCStatus(t, held, bkj.KYCApproved)
	assert.Error(t, s.DecideKYC(held, false), "a decided review stays decided")

	// A rejected user may try again; the admin approves this time.
	ok(t, c, "user.kyc_token", get("/openapi/v1/users/"+rejected+"/kyc-token", nil), &u)
	assert.Equal(t, "pending", u.KYCStatus)
	_, err := core.ProviderOf(s.Host).Create("default", "kyc", []byte(`{"user_id":"`+rejected+`","decision":"approve"}`))
	require.NoError(t, err)
	s.CheckKYCStatus(t, rejected, bkj.KYCApproved)
	_, _ = s.Clock.Advance(time.Hour)
	s.CheckKYCStatus(t, rejected, bkj.KYCApproved) // the review it replaced does not come back
}

// TestNamesOfEveryScript: bkj publishes no rule for names, so a name is
// letters of any script (with combining marks), spaces, dots, apostrophes
// and hyphens, starting with a letter — registration, card applications
// (names and embossing) and mailing addresses alike; what is no name is
// 40000 naming the field (issue 13: Seán, Zoë and 张伟 were refused).
func TestNamesOfEveryScript(t *testing.T) {
	t.Parallel()
	s := bkj.RunT(t)
	c := s.NewClient()
	names := [][2]string{
		{"Seán", "Ó Briain"}, {"Zoë", "Saldaña"}, {"张", "伟"}, {"Jane", "O'Brien"}, {"Zoe\u0308", "Mu\u0308ller"}, // ë and ü decomposed
		{"Анна", "Иванова"}, {"Αλέξανδρος", "Παπαδόπουλος"}, {"Nguyễn", "Thị Minh"}, {"Min-jun", "Kim"}, {"Fatima", "Al-Farsi"},
		{"J.", "Doe"}, {"محمد", "حداد"},
	}
	for i, n := range names {
		var u userOut
		ok(t, c, "user.register", post("/openapi/v1/users", map[string]any{"email": fmt.Sprintf("name-%d@example.com", i), "first_name": n[0], "last_name": n[1]}), &u)
		assert.Equal(t, n[0], u.FirstName)
	}
	acct := approved(t, c, "cards@example.com")
	applyCard(t, c, acct, "visa-virtual-usd", map[string]any{"first_name": "Seán", "last_name": "Ó Briain", "embossing_name": "SEÁN Ó BRIAIN"})
	ok(t, c, "card_address.create", post("/openapi/v1/card/addresses", map[string]any{"account_id": acct, "first_name": "张", "last_name": "伟",
		"phone": "8613800138000", "line1": "1 Century Ave", "city": "Shanghai", "state": "SH", "postCode": "200120", "country": "CN"}), nil)

	for _, bad := range []struct{ field, v string }{
		{"first_name", "J0hn"}, {"first_name", "-Ann"}, {"last_name", "O'Brien!"}, {"last_name", "🙂"}, {"first_name", "\u0308e"},
		{"last_name", strings.Repeat("ü", 33)}, {"first_name", " "},
	} {
		body := map[string]any{"email": "bad@example.com", "first_name": "Ann", "last_name": "Lee"}
		body[bad.field] = bad.v
		code(t, c, "user.register", post("/openapi/v1/users", body), 40000, bad.field)
	}
}
