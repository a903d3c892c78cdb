package harness_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts/harness"
	"github.com/mocksrv/mocksrv/sims"
	"github.com/mocksrv/mocksrv/sims/keysecure"
)

// drifted is a KeySecure card list answer with four kinds of drift: an
// extra field, a wrong type, a missing required field and an enum value the
// docs never list.
const drifted = `{"code":0,"msg":"Success","data":{"list":[{"card_no":"C1","cardholder_no":"H1","card_type":"Virtual",
"card_last_no":"1234","organization":"VISA","status":"Exploded","time":"yesterday","nickname":"x"}]}}`

const conforming = `{"code":0,"msg":"Success","data":{"list":[{"card_no":"C1","card_unique_no":"u1","cardholder_no":"H1",
"card_type":"Virtual","card_last_no":"1234","organization":"VISA","status":"Activated","time":1716307200000}]}}`

// upstream answers card.list with body and everything else like a token
// endpoint would.
func upstream(t *testing.T, body string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/merchant/token") {
			_, _ = io.WriteString(w, `{"code":0,"msg":"Success","data":{"access_token":"t","expired_time":1}}`)
			return
		}
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func violation(rep *harness.Report, pointer, keyword string) bool {
	for _, r := range rep.Results {
		for _, v := range r.Violations {
			if v.Pointer == pointer && v.Keyword == keyword {
				return true
			}
		}
	}
	return false
}

func TestProxyPassesAConformingUpstream(t *testing.T) {
	t.Parallel()
	p, err := harness.NewProxy(harness.ProxyOptions{Provider: "keysecure", Upstream: upstream(t, conforming).URL, Record: true})
	require.NoError(t, err)
	front := httptest.NewServer(p)
	defer front.Close()
	c := keysecure.NewClient(front.URL, "k", "s")
	resp, err := c.Do(context.Background(), http.MethodPost, "/open-api/v1/card/list", map[string]any{"start_time": "2026-01-01", "end_time": "2026-01-31"})
	require.NoError(t, err)
	assert.Equal(t, conforming, string(resp.Body), "the answer reaches the client unchanged")
	rep := p.Report()
	assert.True(t, rep.OK(), "%+v", rep.Results)
	assert.Equal(t, 2, rep.Coverage.Touched, "token.get and card.list")
}

func TestProxyCatchesDriftAndBadRequests(t *testing.T) {
	t.Parallel()
	var live bytes.Buffer
	p, err := harness.NewProxy(harness.ProxyOptions{Provider: "keysecure", Upstream: upstream(t, drifted).URL, Live: &live, Record: true})
	require.NoError(t, err)
	front := httptest.NewServer(p)
	defer front.Close()
	c := keysecure.NewClient(front.URL, "k", "s")
	_, err = c.Do(context.Background(), http.MethodPost, "/open-api/v1/card/list", map[string]any{"end_time": "2026-01-31", "size": 500})
	require.NoError(t, err)

	rep := p.Report()
	assert.False(t, rep.OK())
	assert.True(t, violation(rep, "/data/list/0/time", "type"), "wrong type")
	assert.True(t, violation(rep, "/data/list/0/status", "enum"), "bad enum")
	assert.True(t, violation(rep, "/data/list/0", "required"), "missing required field")
	assert.True(t, violation(rep, "/data/list/0/nickname", "unevaluatedProperties"), "extra field")
	assert.True(t, violation(rep, "/size", "maximum"), "the client sent size 500")
	assert.True(t, violation(rep, "", "required"), "the client left out start_time")
	assert.Contains(t, live.String(), "FAIL POST /open-api/v1/card/list", "violations print live")

	kinds := map[string]bool{}
	for _, d := range rep.Drift {
		kinds[d.Kind+" "+d.Pointer] = true
	}
	assert.True(t, kinds["unknown-field /data/list/*/nickname"])
	assert.True(t, kinds["type-differs /data/list/*/time"])
	assert.True(t, kinds["undocumented-value /data/list/*/status"])
	assert.True(t, kinds["never-seen /data/list/*/card_unique_no"])

	res, err := http.Get(front.URL + "/_mocksrv/journal")
	require.NoError(t, err)
	var j struct{ Count int }
	require.NoError(t, json.NewDecoder(res.Body).Decode(&j))
	res.Body.Close()
	assert.Positive(t, j.Count, "checks are kept in the proxy's journal")

	// The recording holds both problems, and check finds them again.
	har := filepath.Join(t.TempDir(), "rec.har")
	require.NoError(t, harness.WriteHAR(har, p.HAR()))
	again, err := harness.CheckFiles(harness.CheckOptions{Provider: "keysecure"}, har)
	require.NoError(t, err)
	assert.True(t, violation(again, "/data/list/0/time", "type"))
	assert.True(t, violation(again, "/size", "maximum"))
}

func TestUnknownFieldsFailOnlyWhenStrict(t *testing.T) {
	t.Parallel()
	body := strings.Replace(conforming, `"status":"Activated"`, `"status":"Activated","nickname":"x"`, 1)
	dir := t.TempDir()
	f := filepath.Join(dir, "card.list.response.json")
	require.NoError(t, os.WriteFile(f, []byte(body), 0o644))
	lax, err := harness.CheckFiles(harness.CheckOptions{Provider: "keysecure"}, f)
	require.NoError(t, err)
	assert.True(t, lax.OK(), "reported, not failing")
	assert.True(t, violation(lax, "/data/list/0/nickname", "unevaluatedProperties"))
	strict, err := harness.CheckFiles(harness.CheckOptions{Provider: "keysecure", Strict: true}, f)
	require.NoError(t, err)
	assert.False(t, strict.OK())
}

func TestCheckByOperationAndWebhook(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	f := filepath.Join(dir, "captured.json")
	require.NoError(t, os.WriteFile(f, []byte(drifted), 0o644))
	rep, err := harness.CheckFiles(harness.CheckOptions{Provider: "keysecure", Operation: "POST /open-api/v1/card/list"}, f)
	require.NoError(t, err)
	assert.True(t, violation(rep, "/data/list/0/status", "enum"))

	push := filepath.Join(dir, "push.json")
	require.NoError(t, os.WriteFile(push, []byte(`{"id":"1","action":"Card_update","data":{"card_no":"C1","before_status":"Activated","after_status":"Melted","reason":"","time":1}}`), 0o644))
	rep, err = harness.CheckFiles(harness.CheckOptions{Provider: "keysecure", Webhook: "Card_update"}, push)
	require.NoError(t, err)
	assert.True(t, violation(rep, "/data/after_status", "enum"))
	rep, err = harness.CheckFiles(harness.CheckOptions{Provider: "keysecure", Webhook: "Nope"}, push)
	require.NoError(t, err)
	assert.False(t, rep.OK())
	rep, err = harness.CheckFiles(harness.CheckOptions{Provider: "keysecure"}, f)
	require.NoError(t, err)
	assert.Contains(t, rep.Results[0].Error, "cannot tell which operation")
}

func TestPublishedExamplesPassInDocMode(t *testing.T) {
	t.Parallel()
	dir := "../../../shared/providers/fixtures/keysecure"
	if _, err := os.Stat(dir); err != nil {
		dir = "../keysecure/examples"
	}
	rep, err := harness.CheckFiles(harness.CheckOptions{Provider: "keysecure", DocExamples: true}, dir)
	require.NoError(t, err)
	assert.True(t, rep.OK())
	assert.GreaterOrEqual(t, len(rep.Results), 19)
	strict, err := harness.CheckFiles(harness.CheckOptions{Provider: "keysecure"}, dir)
	require.NoError(t, err)
	assert.False(t, strict.OK(), "without --doc-examples the placeholders fail their rules")
}

func TestTestAgainstMocksrv(t *testing.T) {
	t.Parallel()
	f := sims.RunT(t)
	var out bytes.Buffer
	rep, err := harness.Test(context.Background(), harness.TestOptions{Provider: "keysecure", BaseURL: f.URL(),
		Credentials: map[string]string{"api_key": keysecure.DefaultAPIKey, "api_secret": keysecure.DefaultAPISecret},
		AllowWrites: true, Log: &out})
	require.NoError(t, err)
	var text bytes.Buffer
	rep.WriteText(&text)
	assert.True(t, rep.OK(), text.String())
	assert.GreaterOrEqual(t, rep.Coverage.Touched, 15, text.String())
	assert.Contains(t, rep.Coverage.Webhooks, "Card_update", "callbacks the run caused are checked against their contracts")

	var junit bytes.Buffer
	require.NoError(t, rep.WriteJUnit(&junit))
	var parsed struct {
		Suites []struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(junit.Bytes(), &parsed))
	assert.Equal(t, len(rep.Results), parsed.Suites[0].Tests)
	assert.Zero(t, parsed.Suites[0].Failures)
}

func TestTestFailsAServerThatAnswersWrongly(t *testing.T) {
	t.Parallel()
	rep, err := harness.Test(context.Background(), harness.TestOptions{Provider: "keysecure", BaseURL: upstream(t, drifted).URL,
		Credentials: map[string]string{"api_key": "k", "api_secret": "s"}})
	require.NoError(t, err)
	assert.False(t, rep.OK())
	failed := false
	for _, r := range rep.Results {
		if strings.Contains(r.Error, "expected error 1004, got success") {
			failed = true
		}
	}
	assert.True(t, failed, "a provoked error that comes back as success fails the step")
}

func TestRecordingsAreRedacted(t *testing.T) {
	t.Parallel()
	body := `{"code":0,"msg":"Success","data":{"pan":"4111111111111111","cvv":"123","note":"card 4111111111111111","email":"a@b.c","access_token":"secret-token","amount":"10.00"}}`
	out := string(harness.RedactBody([]byte(body)))
	for _, leak := range []string{"4111111111111111", `"123"`, "a@b.c", "secret-token"} {
		assert.NotContains(t, out, leak)
	}
	assert.Contains(t, out, "************1111")
	assert.Contains(t, out, `"amount":"10.00"`, "other data stays")
	uq := string(harness.RedactBody([]byte(`{"card_number":"4096360812345678","cvv":"123","expire_date":"01/29","auth_token":"jwt",
		"cardholder":{"email":"a@b.c","phone_number":"86683306","first_name":"Emily","date_of_birth":"1990-01-01",
		"identity":{"type":"PASSPORT","number":"E1234567"},"residential_address":{"city":"Singapore","line1":"9 N Buona Vista Dr","postal_code":"138666"}},
		"card_status":"ACTIVE"}`)))
	for _, leak := range []string{"4096360812345678", `"123"`, "01/29", "jwt", "a@b.c", "86683306", "Emily", "1990-01-01", "E1234567", "PASSPORT",
		"Buona Vista", "138666", "Singapore"} {
		assert.NotContains(t, uq, leak, "UQPay card data, identity and address are redacted")
	}
	assert.Contains(t, uq, `"card_status":"ACTIVE"`)
	assert.Contains(t, uq, "5678")
	hs := harness.RedactHeaders([]harness.HARHeader{{Name: "Access-Token", Value: "t"}, {Name: "Content-Type", Value: "application/json"},
		{Name: "x-auth-token", Value: "Bearer t"}, {Name: "x-api-key", Value: "k"}, {Name: "x-client-id", Value: "c"}})
	assert.Equal(t, "REDACTED", hs[0].Value)
	assert.Equal(t, "application/json", hs[1].Value)
	for _, h := range hs[2:] {
		assert.Equal(t, "REDACTED", h.Value, h.Name)
	}
}
