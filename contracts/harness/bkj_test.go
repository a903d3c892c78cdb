package harness_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/contracts/harness"
	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/bkj"
)

func TestBKJOpenAPIDeclaresEnvelopeAndErrorCodes(t *testing.T) {
	t.Parallel()
	doc, err := contracts.Document("bkj")
	require.NoError(t, err)
	assert.Equal(t, "/code", doc.Envelope.Code, "x-envelope names where the code is")
	assert.True(t, doc.Envelope.IsSuccess("0"))
	assert.False(t, doc.Envelope.IsSuccess("40102"))
	for _, code := range bkj.ErrorCodes() {
		assert.Contains(t, doc.ErrorCodes, strconv.Itoa(code.Code), "x-error-codes lists every code of bkj's table")
	}
}

func TestBKJConversationAgainstMocksrv(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	var log bytes.Buffer
	rep, err := harness.Test(context.Background(), harness.TestOptions{Provider: "bkj", BaseURL: f.URL(),
		Credentials: map[string]string{"api_key": bkj.DefaultAPIKey, "api_secret": bkj.DefaultAPISecret},
		AllowWrites: true, Log: &log})
	require.NoError(t, err)
	var text bytes.Buffer
	rep.WriteText(&text)
	require.True(t, rep.OK(), "%s\n%s", text.String(), log.String())
	_, _, skipped := rep.Counts()
	assert.Zero(t, skipped, "with writes on mocksrv every step has what it needs\n%s", log.String())
	assert.GreaterOrEqual(t, rep.Coverage.Touched, 38, text.String())

	variants := map[string]bool{}
	for _, r := range rep.Results {
		variants[r.Variant] = true
	}
	for _, v := range []string{"success", "error 40000", "error 40100", "error 40101", "error 40102", "error 40103", "error 40104",
		"error 40400", "error 40900", "error 40901", "error 40902"} {
		assert.True(t, variants[v], "the conversation provokes %s", v)
	}
	for _, ev := range []string{"card.status", "card.transaction", "wallet.transaction", "user.kyc"} {
		assert.Contains(t, rep.Coverage.Webhooks, ev, "webhooks the run caused are checked against their contracts")
	}
	f.BKJ.CheckLedger(t)
}

func TestBKJConversationReadOnly(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	_, err := f.BKJ.AddCard(bkj.Card{})
	require.NoError(t, err)
	var log bytes.Buffer
	rep, err := harness.Test(context.Background(), harness.TestOptions{Provider: "bkj", BaseURL: f.URL(),
		Credentials: map[string]string{"api_key": bkj.DefaultAPIKey, "api_secret": bkj.DefaultAPISecret}, Log: &log})
	require.NoError(t, err)
	var text bytes.Buffer
	rep.WriteText(&text)
	assert.True(t, rep.OK(), text.String())
	assert.NotContains(t, log.String(), "card.freeze", "read-only runs change nothing")
	assert.Len(t, f.BKJ.Cards(), 1)
}

func TestBKJConversationStopsOnBadCredentials(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	rep, err := harness.Test(context.Background(), harness.TestOptions{Provider: "bkj", BaseURL: f.URL(),
		Credentials: map[string]string{"api_key": bkj.DefaultAPIKey, "api_secret": "wrong"}})
	require.NoError(t, err)
	assert.False(t, rep.OK())
	last := rep.Results[len(rep.Results)-1]
	assert.Contains(t, last.Error, "check the credentials")
}

// wrongBKJ answers every signed call with success and an empty list, and
// the debug echo with a body missing its required fields.
func wrongBKJ(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/config") {
			_, _ = io.WriteString(w, `{"code":0,"data":{},"message":"success","timestamp":1}`)
			return
		}
		_, _ = io.WriteString(w, `{"code":0,"data":{"page":1,"take":10,"total":0,"list":[]},"message":"success","timestamp":1}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestBKJConversationFailsAServerThatAnswersWrongly(t *testing.T) {
	t.Parallel()
	rep, err := harness.Test(context.Background(), harness.TestOptions{Provider: "bkj", BaseURL: wrongBKJ(t).URL,
		Credentials: map[string]string{"api_key": "k", "api_secret": "s"}})
	require.NoError(t, err)
	assert.False(t, rep.OK())
	want := map[string]bool{}
	for _, r := range rep.Results {
		for _, code := range []string{"40000", "40100", "40101", "40102", "40103", "40104", "40400"} {
			if strings.Contains(r.Error, "expected error "+code+", got success") {
				want[code] = true
			}
		}
	}
	assert.Len(t, want, 7, "every provoked error that comes back as success fails its step: %v", want)
}
