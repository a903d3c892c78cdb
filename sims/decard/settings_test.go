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

// New checks every setting once the options have run, and its error names
// the setting's JSON field.
func TestOptionsChecked(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		opt  decard.Option
		want string
	}{
		{"timestamp window", decard.WithTimestampWindow(0), "decard: timestamp_window 0s"},
		{"SMS code", decard.WithSMSCode(""), "decard: sms_code"},
		{"SMS validity", decard.WithSMSValidity(-time.Second), "decard: sms_validity must not be negative"},
		{"SMS attempts", decard.WithSMSAttempts(0), "decard: sms_attempts 0"},
		{"KYC delays", decard.WithKYCDelays(0, -time.Second), "decard: kyc_submit_delay 0s, kyc_review_delay -1s"},
		{"statement day", decard.WithStatementDay(29), "decard: statement_day: statement day 29"},
		{"message log", decard.WithMessageLog(0), "decard: message_log 0"},
		{"fund pool", decard.WithFundPool("lots"), `decard: fund_pool: fund pool "lots"`},
		{"rate", decard.WithRate("sgd", "0"), `decard: rates: rate SGD "0"`},
		{"QR order lifetime", decard.WithQROrderTTL(0), "decard: qr_order_ttl 0s"},
		{"withdrawal fee", decard.WithFCWithdrawFee("-1"), `decard: fc_withdraw_fee: withdrawal fee "-1"`},
		{"credentials", decard.WithSettings(decard.Settings{APIKey: "k"}), "decard: give both api_key and api_secret"},
	} {
		_, err := decard.New(tt.opt)
		assert.ErrorContains(t, err, tt.want, tt.name)
	}
}

// Settings read and write the tenant options' JSON: durations as strings,
// amounts and rates as decimal strings.
func TestSettingsJSON(t *testing.T) {
	t.Parallel()
	st := decard.DefaultSettings()
	raw, err := json.Marshal(st)
	require.NoError(t, err)
	for _, want := range []string{`"timestamp_window":"5s"`, `"fund_pool":"1000000"`, `"fc_withdraw_fee":"0"`, `"SGD":"1.35"`, `"statement_day":1`} {
		assert.Contains(t, string(raw), want)
	}
	assert.NotContains(t, string(raw), "api_key", "no credentials unless fixed")
	var back decard.Settings
	require.NoError(t, json.Unmarshal(raw, &back))
	assert.Equal(t, st, back, "a round trip keeps every setting")
}

// WithSettings configures the Server; its tenants start from it, their
// options over it, a field left out keeping the Server's.
func TestWithSettings(t *testing.T) {
	t.Parallel()
	st := decard.DefaultSettings()
	st.SMSCode, st.FundPool = "424242", "500"
	s := decard.RunT(t, decard.WithSettings(st), decard.WithRate("XAU", "0.0005"))
	assert.Equal(t, "500", s.Ledger()["USD"].Opening.String())
	c := s.NewClient()
	post(t, c, "captcha.send_mobile_code", "/captcha/v1/send-mobile-code", map[string]any{"mobileCode": "SG", "mobile": "81230001", "behavioral": "REGISTER"}, nil)
	post(t, c, "account.register", "/account/v1/register", map[string]any{"mobileCode": "SG", "mobile": "81230001", "smsCode": "424242"}, nil)
	assert.Equal(t, "1.35", st.Rates["SGD"], "WithRate changed a copy of the caller's rates")
	assert.NotContains(t, st.Rates, "XAU")

	tenant := &core.Tenant{ID: "job", Seed: 2, Clock: s.Clock}
	require.NoError(t, s.Tenants.Add(tenant))
	_, err := core.ProviderOf(s.Host).AddTenant(tenant, json.RawMessage(`{"fund_pool":"7"}`))
	require.NoError(t, err)
	dump, err := core.ProviderOf(s.Host).State("job")
	require.NoError(t, err)
	assert.Equal(t, "7", dump.(decard.StateDump).Money["USD"].Opening.String(), "the tenant's own")
	assert.Equal(t, "500", s.Ledger()["USD"].Opening.String(), "the default tenant keeps the Server's")
}

// A snapshot saved before Settings held every setting carries only the
// tenant's own options: the restoring Server's settings fill in the rest.
func TestRestoreFirstSnapshotFormat(t *testing.T) {
	t.Parallel()
	s := decard.RunT(t)
	raw, err := core.ProviderOf(s.Host).Snapshot(core.DefaultTenant)
	require.NoError(t, err)
	var snap map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &snap))
	snap["settings"] = json.RawMessage(`{"sms_code":"999999"}`)
	old, err := json.Marshal(snap)
	require.NoError(t, err)

	r := decard.RunT(t, decard.WithFundPool("123"))
	require.NoError(t, core.ProviderOf(r.Host).Restore(r.Env.Default(), old))
	assert.Equal(t, "123", r.Ledger()["USD"].Opening.String(), "the restoring Server's setting")
	c := r.NewClient()
	post(t, c, "captcha.send_mobile_code", "/captcha/v1/send-mobile-code", map[string]any{"mobileCode": "SG", "mobile": "81230002", "behavioral": "REGISTER"}, nil)
	mustCode(t, c, "account.register", http.MethodPost, "/account/v1/register", nil,
		map[string]any{"mobileCode": "SG", "mobile": "81230002", "smsCode": decard.DefaultSMSCode}, "MFA_SMS_FAILED")
	post(t, c, "account.register", "/account/v1/register", map[string]any{"mobileCode": "SG", "mobile": "81230002", "smsCode": "999999"}, nil)
}
