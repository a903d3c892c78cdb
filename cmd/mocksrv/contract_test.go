package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/internal/readmetest"
)

func TestContractCheckExitCodes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "card.list.response.json")
	bad := filepath.Join(dir, "drift", "card.list.response.json")
	require.NoError(t, os.WriteFile(good, []byte(`{"code":1004,"msg":"Invalid request parameter: size","data":null}`), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Dir(bad), 0o755))
	require.NoError(t, os.WriteFile(bad, []byte(`{"code":0,"msg":"Success","data":{"list":[{"card_no":1}]}}`), 0o644))
	junit := filepath.Join(dir, "out.xml")

	var out, errb bytes.Buffer
	assert.Equal(t, 0, run([]string{"contract", "check", "--provider", "keysecure", good}, &out, &errb), out.String())
	out.Reset()
	assert.Equal(t, 1, run([]string{"contract", "check", "--provider", "keysecure", "--junit", junit, bad}, &out, &errb))
	assert.Contains(t, out.String(), "/data/list/0/card_no")
	b, err := os.ReadFile(junit)
	require.NoError(t, err)
	assert.True(t, strings.Contains(string(b), "<failure"), "JUnit report written")
	assert.Equal(t, 2, run([]string{"contract", "check", good}, &out, &errb), "--provider is required")
	assert.Equal(t, 0, run([]string{"contract", "--help"}, &out, &errb))
	assert.Equal(t, 2, run([]string{"contract", "frob"}, &out, &errb))
}

// TestContractCommandsHaveHelp checks that every contract command answers
// --help with exit 0 and documents every flag with its variable.
func TestContractCommandsHaveHelp(t *testing.T) {
	t.Parallel()
	for _, cmd := range []string{"test", "check", "proxy"} {
		t.Run(cmd, func(t *testing.T) {
			t.Parallel()
			var out, errb bytes.Buffer
			require.Equal(t, 0, run([]string{"contract", cmd, "--help"}, &out, &errb))
			help := out.String()
			assert.Empty(t, errb.String(), "help asked for goes to stdout")
			assert.Contains(t, help, "Usage: mocksrv contract "+cmd)
			for _, f := range []string{"provider", "junit", "json", "strict"} {
				assert.Contains(t, help, "--"+f+"  ["+envName("contract "+cmd, f)+"]", "flag --%s is documented", f)
			}
			lines := strings.Split(help, "\n")
			for i, l := range lines {
				if strings.HasPrefix(l, "  --") {
					require.Less(t, i+1, len(lines))
					assert.NotEmpty(t, strings.TrimSpace(lines[i+1]), "%s has help text", l)
				}
			}
		})
	}
	var out, errb bytes.Buffer
	run([]string{"contract", "test", "--help"}, &out, &errb)
	assert.Contains(t, out.String(), "uqpay", "--provider lists every scripted provider")
	assert.Contains(t, out.String(), `"client_id"`, "--credentials shows UQPay's shape")
}

// newTenant makes a tenant on a running mocksrv and returns the answer.
func newTenant(t *testing.T, base string) map[string]json.RawMessage {
	t.Helper()
	res, err := http.Post(base+"/_mocksrv/tenants", "application/json", strings.NewReader(`{}`))
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusCreated, res.StatusCode)
	var tenant map[string]json.RawMessage
	require.NoError(t, json.NewDecoder(res.Body).Decode(&tenant))
	return tenant
}

// TestContractTestPassesAgainstServe is the promise of the README: "mocksrv
// contract test --provider P --base-url http://127.0.0.1:8080" passes
// against "mocksrv serve" for every provider, read-only and with
// --allow-writes. Each provider gets a tenant of its own: the read-only run
// takes the whole tenant answer from a file, the write run the provider's
// object inline.
func TestContractTestPassesAgainstServe(t *testing.T) {
	t.Parallel()
	base := startServe(t)
	for _, p := range []string{"keysecure", "bkj", "decard", "uqpay"} {
		t.Run(p, func(t *testing.T) {
			t.Parallel()
			tenant := newTenant(t, base)
			dir := t.TempDir()
			whole, err := json.Marshal(tenant)
			require.NoError(t, err)
			credFile := filepath.Join(dir, "tenant.json")
			require.NoError(t, os.WriteFile(credFile, whole, 0o600))
			runs := []struct {
				name string
				args []string
			}{
				{name: "read only", args: []string{"--credentials", credFile}},
				{name: "with writes", args: []string{"--credentials", string(tenant[p]), "--allow-writes"}},
			}
			for _, r := range runs {
				var out, errb bytes.Buffer
				junit, report := filepath.Join(dir, r.name+".xml"), filepath.Join(dir, r.name+".json")
				args := append([]string{"contract", "test", "--provider", p, "--base-url", base, "--junit", junit, "--json", report}, r.args...)
				code := run(args, &out, &errb)
				require.Equal(t, 0, code, "%s %s\n%s\n%s", p, r.name, out.String(), errb.String())
				last := lastLine(out.String())
				assert.True(t, strings.HasPrefix(last, "OK: "), last)
				assert.Contains(t, out.String(), "coverage: ")
				t.Logf("%s %s: %s", p, r.name, last)

				var rep struct {
					OK       bool `json:"ok"`
					Provider string
					Results  []struct {
						Skipped string `json:"skipped"`
					} `json:"results"`
					Coverage struct {
						Touched int `json:"touched"`
					} `json:"coverage"`
				}
				b, err := os.ReadFile(report)
				require.NoError(t, err)
				require.NoError(t, json.Unmarshal(b, &rep))
				assert.True(t, rep.OK)
				assert.Equal(t, p, rep.Provider)
				assert.Positive(t, rep.Coverage.Touched)
				b, err = os.ReadFile(junit)
				require.NoError(t, err)
				var suites struct {
					Suites []struct {
						Tests    int `xml:"tests,attr"`
						Failures int `xml:"failures,attr"`
					} `xml:"testsuite"`
				}
				require.NoError(t, xml.Unmarshal(b, &suites))
				require.Len(t, suites.Suites, 1)
				assert.Equal(t, len(rep.Results), suites.Suites[0].Tests)
				assert.Zero(t, suites.Suites[0].Failures)
			}
		})
	}
	t.Run("default tenant", func(t *testing.T) {
		t.Parallel()
		var out, errb bytes.Buffer
		require.Equal(t, 0, run([]string{"contract", "test", "--provider", "uqpay", "--base-url", base}, &out, &errb), "%s\n%s", out.String(), errb.String())
	})
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// driftedUQPay issues tokens and answers the card list with a card that
// has an extra field, a wrong type, a missing required field and an
// undocumented status; everything else is an empty list.
func driftedUQPay(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.URL.Path == "/api/v1/connect/token":
			_, _ = io.WriteString(w, `{"auth_token":"eyJhbGciOiJIUzI1NiJ9.e30.c2ln","expired_at":1757449854}`)
		case r.URL.Path == "/api/v1/issuing/cards" && r.Method == http.MethodGet:
			_, _ = io.WriteString(w, driftedCardList)
		default:
			_, _ = io.WriteString(w, `{"total_pages":0,"total_items":0,"data":[]}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

const driftedCard = `{"card_id":"0c9e2f5a-8d1b-4c77-9f0e-1a2b3c4d5e6f","card_bin":"40963608","card_scheme":"VISA",
"card_number":"************1234","form_factor":"VIRTUAL","mode_type":"SINGLE","card_limit":"lots","available_balance":"10.00",
"card_status":"MELTED","card_currency":"USD","card_product_id":"5f0c2d1e-3b4a-4c5d-8e6f-7a8b9c0d1e2f","consumed_amount":"0.00","nickname":"x"}`

const driftedCardList = `{"total_pages":1,"total_items":1,"data":[` + driftedCard + `]}`

func TestContractTestCatchesADriftedUQPay(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	report := filepath.Join(t.TempDir(), "report.json")
	code := run([]string{"contract", "test", "--provider", "uqpay", "--base-url", driftedUQPay(t).URL,
		"--credentials", `{"client_id":"c","api_key":"k"}`, "--json", report}, &out, &errb)
	assert.Equal(t, 1, code)
	text := out.String()
	for _, want := range []string{
		"/data/0/card_status: value must be one of", "[rule: enum] value: \"MELTED\"",
		"/data/0/card_limit: expected number, but got string [rule: type]",
		"/data/0: missing properties: 'cardholder'", "[rule: required]",
		"~ /data/0/nickname: not allowed [rule: unevaluatedProperties]",
		"expected error unauthorized_error, got success",
		"drift (what a maintainer would update in the contract)",
	} {
		assert.Contains(t, text, want)
	}
	assert.Contains(t, lastLine(text), "FAILED: ")
	assertReportHas(t, report, "/data/0/card_status", "enum")
}

// assertReportHas reads a --json report and looks for a violation.
func assertReportHas(t *testing.T, path, pointer, keyword string) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var rep struct {
		OK      bool `json:"ok"`
		Results []struct {
			Violations []contracts.Violation `json:"violations"`
		} `json:"results"`
	}
	require.NoError(t, json.Unmarshal(b, &rep))
	assert.False(t, rep.OK)
	for _, r := range rep.Results {
		for _, v := range r.Violations {
			if v.Pointer == pointer && v.Keyword == keyword {
				return
			}
		}
	}
	t.Errorf("%s has no %s violation at %q", path, keyword, pointer)
}

func TestContractCheckUQPayFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	conforming := `{"total_pages":1,"total_items":0,"data":[]}`
	good := write("card.list.response.json", conforming)
	extra := write("extra.json", `{"total_pages":1,"total_items":0,"data":[],"next_cursor":"x"}`)
	card := write("captured-card.json", driftedCard)

	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string
	}{
		{name: "a conforming body named after its operation", args: []string{good}},
		{name: "an unknown field is reported", args: []string{"--operation", "GET /api/v1/issuing/cards", extra},
			want: []string{"~ /next_cursor: not allowed [rule: unevaluatedProperties]"}},
		{name: "and fails with --strict", args: []string{"--strict", "--operation", "GET /api/v1/issuing/cards", extra}, wantCode: 1,
			want: []string{"✗ /next_cursor: not allowed [rule: unevaluatedProperties]"}},
		{name: "a drifted body, its operation found from a real path", args: []string{"--operation", "GET /api/v1/issuing/cards/0c9e2f5a-8d1b-4c77-9f0e-1a2b3c4d5e6f", card},
			wantCode: 1, want: []string{"card.retrieve response", "/card_status: value must be one of", "[rule: enum]", "/card_limit: expected number", "[rule: type]"}},
		{name: "an operationId works too", args: []string{"--operation", "card.retrieve", card}, wantCode: 1, want: []string{"[rule: required]"}},
		{name: "an unknown operation", args: []string{"--operation", "GET /api/v1/nowhere", card}, wantCode: 1, want: []string{"uqpay has no operation GET /api/v1/nowhere"}},
		{name: "a published webhook", args: []string{"--webhook", "card.create.succeeded", "../../contracts/uqpay/examples/webhook-card.create.succeeded.json"}},
		{name: "a webhook checked against another event", args: []string{"--webhook", "card.activation.code", "../../contracts/uqpay/examples/webhook-card.create.succeeded.json"},
			wantCode: 1, want: []string{"/event_type: value must be \"card.activation.code\" [rule: const]"}},
		{name: "an unknown webhook", args: []string{"--webhook", "card.exploded", good}, wantCode: 1, want: []string{"uqpay has no contract for webhook \"card.exploded\"", "card.create.succeeded"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out, errb bytes.Buffer
			code := run(append([]string{"contract", "check", "--provider", "uqpay"}, tt.args...), &out, &errb)
			assert.Equal(t, tt.wantCode, code, "%s\n%s", out.String(), errb.String())
			for _, w := range tt.want {
				assert.Contains(t, out.String(), w)
			}
		})
	}
}

// uqpayHAR is a recording with a client that sent a malformed card create
// (no card_currency, an unknown usage_type) and a server that answered the
// card list with a drifted card.
const uqpayHAR = `{"log":{"version":"1.2","creator":{"name":"test","version":"1"},"entries":[
{"startedDateTime":"2026-01-01T00:00:00Z","time":1,"request":{"method":"POST","url":"https://api-sandbox.uqpaytech.com/api/v1/issuing/cards","httpVersion":"HTTP/1.1",
 "headers":[],"queryString":[],"cookies":[],"headersSize":-1,"bodySize":2,"postData":{"mimeType":"application/json","text":"{\"card_product_id\":\"p\",\"usage_type\":\"SOMETIMES\"}"}},
 "response":{"status":400,"statusText":"Bad Request","httpVersion":"HTTP/1.1","headers":[],"cookies":[],
 "content":{"size":1,"mimeType":"application/json","text":"{\"type\":\"invalid_request_error\",\"code\":\"invalid_request_error\",\"message\":\"card_currency is required\"}"},"headersSize":-1,"bodySize":1},
 "cache":{},"timings":{"send":0,"wait":1,"receive":0}},
{"startedDateTime":"2026-01-01T00:00:01Z","time":1,"request":{"method":"GET","url":"https://api-sandbox.uqpaytech.com/api/v1/issuing/cards?page_size=10","httpVersion":"HTTP/1.1",
 "headers":[],"queryString":[],"cookies":[],"headersSize":-1,"bodySize":0},
 "response":{"status":200,"statusText":"OK","httpVersion":"HTTP/1.1","headers":[],"cookies":[],
 "content":{"size":1,"mimeType":"application/json","encoding":"base64","text":"BASE64"},"headersSize":-1,"bodySize":1},
 "cache":{},"timings":{"send":0,"wait":1,"receive":0}},
{"startedDateTime":"2026-01-01T00:00:02Z","time":1,"request":{"method":"GET","url":"https://api-sandbox.uqpaytech.com/other/thing","httpVersion":"HTTP/1.1",
 "headers":[],"queryString":[],"cookies":[],"headersSize":-1,"bodySize":0},
 "response":{"status":200,"statusText":"OK","httpVersion":"HTTP/1.1","headers":[],"cookies":[],"content":{"size":0,"mimeType":"text/html","text":""},"headersSize":-1,"bodySize":0},
 "cache":{},"timings":{"send":0,"wait":1,"receive":0}}]}}`

func TestContractCheckUQPayHAR(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	har := filepath.Join(dir, "session.har")
	body := strings.Replace(uqpayHAR, "BASE64", base64Std(driftedCardList), 1)
	require.NoError(t, os.WriteFile(har, []byte(body), 0o644))
	report, junit := filepath.Join(dir, "report.json"), filepath.Join(dir, "report.xml")
	var out, errb bytes.Buffer
	code := run([]string{"contract", "check", "--provider", "uqpay", "--json", report, "--junit", junit, har}, &out, &errb)
	assert.Equal(t, 1, code, errb.String())
	text := out.String()
	for _, want := range []string{
		"card.create request", "/: missing properties: 'card_currency' [rule: required]", "/usage_type: value must be one of",
		"card.create response (400 error invalid_request_error)",
		"card.list response (200 success)", "/data/0/card_status", "[rule: enum] value: \"MELTED\"", "/data/0/card_limit: expected number",
		"SKIP", "no uqpay operation for this method and path",
	} {
		assert.Contains(t, text, want)
	}
	assertReportHas(t, report, "/usage_type", "enum")
	assertReportHas(t, report, "/data/0/card_limit", "type")
	assertReportHas(t, report, "/data/0/nickname", "unevaluatedProperties")
	assertReportHas(t, report, "/data/0", "required")
	b, err := os.ReadFile(junit)
	require.NoError(t, err)
	assert.Contains(t, string(b), `failures="2"`, "the client's request and the drifted answer")
	assert.Contains(t, string(b), `skipped="1"`)
}

func base64Std(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// TestContractCheckDocExamplesOfEveryProvider pins that the published
// examples of every provider pass --doc-examples (the shared fixtures when
// this checkout has them, always the embedded copies), and that the
// placeholders in them do fail the exact schemas.
func TestContractCheckDocExamplesOfEveryProvider(t *testing.T) {
	t.Parallel()
	for _, p := range contracts.Providers {
		dirs := []string{filepath.Join("..", "..", "contracts", p, "examples")}
		if d := filepath.Join("..", "..", "..", "shared", "providers", "fixtures", p); dirExists(d) {
			dirs = append(dirs, d)
		}
		for _, dir := range dirs {
			t.Run(p+" "+dir, func(t *testing.T) {
				t.Parallel()
				var out, errb bytes.Buffer
				code := run([]string{"contract", "check", "--provider", p, "--doc-examples", dir}, &out, &errb)
				assert.Equal(t, 0, code, "%s\n%s", out.String(), errb.String())
				assert.Contains(t, out.String(), "(doc-examples mode)")
				assert.NotContains(t, out.String(), "FAIL ")
			})
		}
	}
	var out, errb bytes.Buffer
	assert.Equal(t, 1, run([]string{"contract", "check", "--provider", "keysecure", "../../contracts/keysecure/examples"}, &out, &errb),
		"without --doc-examples the placeholders fail their rules")
}

func dirExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// TestContractProxyCommand runs the proxy command between a client that
// breaks UQPay's rules and a drifted upstream, stops it as Ctrl-C would,
// and checks the exit code, the live lines, the reports and the redacted
// recording, which contract check then re-validates.
func TestContractProxyCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	har, report := filepath.Join(dir, "session.har"), filepath.Join(dir, "report.json")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- contractProxy(ctx, []string{"--provider", "uqpay", "--upstream", driftedUQPay(t).URL, "--listen", "127.0.0.1:0",
			"--record", har, "--json", report}, &out, io.Discard)
	}()
	var front string
	require.Eventually(t, func() bool {
		for _, l := range strings.Split(out.String(), "\n") {
			if i := strings.Index(l, ": http://"); i >= 0 && strings.HasPrefix(l, "mocksrv contract proxy for uqpay") {
				front = strings.Fields(l[i+2:])[0]
				return true
			}
		}
		return false
	}, 5*time.Second, 5*time.Millisecond)

	const token = "eyJhbGciOiJIUzI1NiJ9.e30.c2ln"
	tok, err := http.NewRequest(http.MethodPost, front+"/api/v1/connect/token", nil)
	require.NoError(t, err)
	tok.Header.Set("x-client-id", "client")
	tok.Header.Set("x-api-key", "secret-api-key")
	list, err := http.NewRequest(http.MethodGet, front+"/api/v1/issuing/cards?page_size=500", nil)
	require.NoError(t, err)
	list.Header.Set("x-auth-token", token) // no "Bearer "
	create, err := http.NewRequest(http.MethodPost, front+"/api/v1/issuing/cards", strings.NewReader(`{"card_product_id":"p","usage_type":"SOMETIMES"}`))
	require.NoError(t, err)
	create.Header.Set("x-auth-token", "Bearer "+token)
	create.Header.Set("x-idempotency-key", "not-a-uuid")
	for _, req := range []*http.Request{tok, list, create} {
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if req == list {
			assert.JSONEq(t, driftedCardList, string(b), "the upstream's answer reaches the client unchanged")
		}
	}
	cancel()
	select {
	case code := <-done:
		assert.Equal(t, 1, code, out.String())
	case <-time.After(10 * time.Second):
		t.Fatal("the proxy did not stop")
	}
	text := out.String()
	for _, want := range []string{
		"FAIL GET /api/v1/issuing/cards card.list request", "(query) page_size", "(header) x-auth-token",
		"(header) x-idempotency-key", "/data/0/card_status", "recording written to " + har,
	} {
		assert.Contains(t, text, want)
	}
	assertReportHas(t, report, "/usage_type", "enum")
	assertReportHas(t, report, "(query) page_size", "parameter")

	b, err := os.ReadFile(har)
	require.NoError(t, err)
	for _, secret := range []string{token, "secret-api-key"} {
		assert.NotContains(t, string(b), secret, "the recording is redacted")
	}
	var again, errb bytes.Buffer
	assert.Equal(t, 1, run([]string{"contract", "check", "--provider", "uqpay", har}, &again, &errb))
	assert.Contains(t, again.String(), "/usage_type: value must be one of")
	assert.Contains(t, again.String(), "/data/0/card_status")
}

// TestReadmeContractSectionNamesRealFlags keeps the README's "Contract
// testing" section true: every contract command it shows exists, and every
// flag it passes is one that command's --help lists; every --provider it
// names has contracts.
func TestReadmeContractSectionNamesRealFlags(t *testing.T) {
	t.Parallel()
	sec := strings.ReplaceAll(readmetest.Section(t, "## Contract testing"), "\\\n", " ")
	help := map[string]string{}
	seen := 0
	for _, line := range strings.Split(sec, "\n") {
		i := strings.Index(line, "mocksrv contract ")
		if i < 0 || strings.Contains(line, "`") {
			continue
		}
		fields := strings.Fields(line[i:])
		if len(fields) < 3 {
			continue
		}
		cmd := fields[2]
		if _, ok := help[cmd]; !ok {
			var out, errb bytes.Buffer
			require.Equal(t, 0, run([]string{"contract", cmd, "--help"}, &out, &errb), "README shows mocksrv contract %s", cmd)
			help[cmd] = out.String()
		}
		for j, f := range fields {
			if !strings.HasPrefix(f, "--") {
				continue
			}
			name, _, _ := strings.Cut(strings.TrimPrefix(f, "--"), "=")
			assert.Contains(t, help[cmd], "--"+name+"  [", "README passes --%s to contract %s", name, cmd)
			if name == "provider" && j+1 < len(fields) {
				assert.Contains(t, contracts.Providers, fields[j+1])
			}
		}
		seen++
	}
	assert.GreaterOrEqual(t, seen, 10, "the section's command lines were found")
	assert.Contains(t, sec, "--provider uqpay", "the section shows UQPay")
}

func TestContractCredentials(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/_mocksrv/tenants/default" {
			http.NotFound(w, r)
			return
		}
		_, _ = io.WriteString(w, `{"id":"default","uqpay":{"client_id":"default-client","api_key":"default-key","webhook_secret":"default-secret"}}`)
	}))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "uqpay.json")
	require.NoError(t, os.WriteFile(file, []byte(`{"client_id":"file-client","api_key":"file-key"}`), 0o600))

	tests := []struct {
		name    string
		src     string
		environ []string
		want    map[string]string
		wantErr string
	}{
		{name: "a file with the provider's object", src: file, want: map[string]string{"client_id": "file-client", "api_key": "file-key"}},
		{name: "inline JSON of the whole tenant", src: `{"id":"t1","uqpay":{"client_id":"c1","api_key":"k1","webhook_secret":"w1"},"bkj":{"api_key":"b"}}`,
			want: map[string]string{"client_id": "c1", "api_key": "k1", "webhook_secret": "w1"}},
		{name: "variables win over the file", src: file, environ: []string{"MOCKSRV_UQPAY_API_KEY=env-key", "MOCKSRV_BKJ_API_KEY=other", "PATH=/bin"},
			want: map[string]string{"client_id": "file-client", "api_key": "env-key"}},
		{name: "variables alone", environ: []string{"MOCKSRV_UQPAY_CLIENT_ID=env-client", "MOCKSRV_UQPAY_API_KEY=env-key", "MOCKSRV_UQPAY_SUB_ACCOUNT_ID=sub"},
			want: map[string]string{"client_id": "env-client", "api_key": "env-key", "sub_account_id": "sub"}},
		{name: "nothing given: the mocksrv's default tenant", want: map[string]string{"client_id": "default-client", "api_key": "default-key", "webhook_secret": "default-secret"}},
		{name: "not JSON", src: "{nope", wantErr: "want a JSON object"},
		{name: "no such file", src: filepath.Join(t.TempDir(), "missing.json"), wantErr: "--credentials"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := loadCredentials(ctx, "uqpay", tt.src, srv.URL, "", tt.environ)
			if tt.wantErr != "" {
				assert.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	_, err := loadCredentials(ctx, "uqpay", "", srv.URL+"/not-a-mocksrv", "", nil)
	assert.ErrorContains(t, err, "MOCKSRV_UQPAY_API_KEY", "without credentials or a mocksrv the error says what to set")
}

// TestContractTestBehindAnAdminToken runs the UQPay conversation against a
// mocksrv whose admin API wants a token: with --admin-token it finds the
// default tenant, seeds its fixtures and checks its webhooks; without, it
// it says the admin API wants the token.
func TestContractTestBehindAnAdminToken(t *testing.T) {
	t.Parallel()
	base := startServe(t, "--admin-token", "sekret")
	var out, errb bytes.Buffer
	assert.Equal(t, 2, run([]string{"contract", "test", "--provider", "uqpay", "--base-url", base}, &out, &errb))
	assert.Contains(t, errb.String(), "needs its admin token", "not \"is not a mocksrv\"")
	out.Reset()
	errb.Reset()
	require.Equal(t, 0, run([]string{"contract", "test", "--provider", "uqpay", "--base-url", base, "--admin-token", "sekret"}, &out, &errb),
		"%s\n%s", out.String(), errb.String())
	assert.Contains(t, out.String(), "webhook wh_", "the admin API answered: webhooks were checked")
	assert.Contains(t, lastLine(out.String()), ", 0 skipped", "the admin API answered: the fixtures were seeded")
}
