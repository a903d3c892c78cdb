package harness_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts/harness"
	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/core"
	"github.com/mocksrv/mocksrv/sims/decard"
)

func decardCreds() map[string]string {
	return map[string]string{"api_key": decard.DefaultAPIKey, "api_secret": decard.DefaultAPISecret}
}

func TestDeCardConversationAgainstMocksrv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		writes      bool
		wantTouched int
		wantCodes   []string
	}{
		{name: "read only", wantTouched: 40, wantCodes: []string{"DAPI_SIGNATURE_ERROR", "DAPI_TIMESTAMP_EXPIRED", "DAPI_NONCE_ILLEGAL",
			"DAPI_API_KEY_EMPTY", "DAPI_SECRET_KEY_EMPTY", "CARD_NOT_EXISTED", "ACCOUNT_INVALID_PARAMETER", "ACCOUNT_USER_NOT_EXIST"}},
		{name: "with writes", writes: true, wantTouched: 70, wantCodes: []string{"MFA_SMS_FAILED", "ACCOUNT_CAPTCHA_CODE_ERROR", "CARD_NOT_EXISTED",
			"CARD_FROZEN_STATUS_UNSUPPORTED", "CARD_TRANSACTION_REPEAT_REQUEST", "CARD_WALLET_BALANCE_LOW", "RISK_FAILED"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := sims.RunT(t)
			var log bytes.Buffer
			rep, err := harness.Test(context.Background(), harness.TestOptions{Provider: "decard", BaseURL: f.URL(),
				Credentials: decardCreds(), AllowWrites: tt.writes, Log: &log})
			require.NoError(t, err)
			var text bytes.Buffer
			rep.WriteText(&text)
			require.True(t, rep.OK(), "%s\n%s", text.String(), log.String())
			assert.GreaterOrEqual(t, rep.Coverage.Touched, tt.wantTouched, text.String())
			assert.Equal(t, 70, rep.Coverage.Total)
			for _, code := range tt.wantCodes {
				assert.Contains(t, rep.Coverage.ErrorCodesSeen, code)
			}
			assert.Contains(t, rep.Coverage.Webhooks, "BALANCE_CHANGE", "stream pushes are checked against their contracts")
			assert.Contains(t, rep.Coverage.Webhooks, "BANK_TRANSFER_INFO", "the seeded financial-connection user's money arrived by bank transfer")
			if tt.writes {
				for _, event := range []string{"QR_ORDER_STATUS", "FC_PAYMENT_INFO", "FC_TRANSFER_INFO", "FC_WITHDRAW_INFO"} {
					assert.Contains(t, rep.Coverage.Webhooks, event)
				}
				assert.Contains(t, rep.Coverage.Webhooks, "CARD_TRANSACTION")
				assert.Contains(t, rep.Coverage.Webhooks, "KYC_STATUS")
				assert.Contains(t, rep.Coverage.Webhooks, "CARD_STATUS", "webhooks from the outbox are checked too")
			}
		})
	}
}

func TestDeCardConversationWithoutAUserOrTheAdminAPI(t *testing.T) {
	t.Parallel()
	// A real sandbox has no admin API: hide mocksrv's, so a read-only run
	// covers only what needs no user and says why it skipped the rest.
	f := sims.RunT(t)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/_mocksrv/") {
			http.NotFound(w, r)
			return
		}
		f.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	rep, err := harness.Test(context.Background(), harness.TestOptions{Provider: "decard", BaseURL: front.URL, Credentials: decardCreds()})
	require.NoError(t, err)
	var text bytes.Buffer
	rep.WriteText(&text)
	assert.True(t, rep.OK(), text.String())
	skipped := map[string]string{}
	for _, r := range rep.Results {
		if r.Skipped != "" {
			skipped[r.Operation] = r.Skipped
		}
	}
	assert.Contains(t, skipped["account.kyc_status"], "no user")
	assert.Contains(t, skipped["websocket.get_channel"], "retires")
	st, err := core.ProviderOf(f.DeCard.Host).State("default")
	require.NoError(t, err)
	assert.Empty(t, st.(decard.StateDump).Users, "a read-only run creates nothing")
}

func TestDeCardConversationFailsAServerThatAnswersWrongly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, body, want string
	}{
		{name: "success for everything", body: `{"code":"SYS_SUCCESS","message":null,"messageDetail":null,"data":[],"success":true}`,
			want: "expected error DAPI_API_KEY_EMPTY, got success"},
		{name: "an error without its message", body: `{"code":"DAPI_SIGNATURE_ERROR","success":false}`,
			want: "expected success, got error DAPI_SIGNATURE_ERROR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, tt.body)
			}))
			t.Cleanup(srv.Close)
			rep, err := harness.Test(context.Background(), harness.TestOptions{Provider: "decard", BaseURL: srv.URL, Credentials: decardCreds()})
			require.NoError(t, err)
			assert.False(t, rep.OK())
			var errs []string
			for _, r := range rep.Results {
				if r.Error != "" {
					errs = append(errs, r.Error)
				}
			}
			assert.Contains(t, strings.Join(errs, "\n"), tt.want)
		})
	}
}
