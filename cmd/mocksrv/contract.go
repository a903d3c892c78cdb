package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/mocksrv/mocksrv/contracts"
	"github.com/mocksrv/mocksrv/contracts/harness"
)

const contractUsage = `Usage: mocksrv contract <test|check|proxy> [flags]

  test    run a scripted conversation against a server that speaks a provider
          (the real sandbox or mocksrv) and validate every response
  check   validate recorded bodies: JSON files or HAR files
  proxy   a validating, recording proxy between your client and a provider

Each exits 0 only when everything conforms. Run "mocksrv contract <cmd> --help".
`

func contract(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || isHelp(args[0]) {
		fmt.Fprint(stdout, contractUsage)
		return 0
	}
	switch args[0] {
	case "test":
		return contractTest(args[1:], stdout, stderr)
	case "check":
		return contractCheck(args[1:], stdout, stderr)
	case "proxy":
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return contractProxy(ctx, args[1:], stdout, stderr)
	}
	return unknownCommand(stderr, "mocksrv contract", args[0], []string{"test", "check", "proxy"})
}

// reportFlags are the output flags every contract command has.
type reportFlags struct {
	junit, json string
	strict      bool
	quiet       *bool // nil: the command has no --quiet
	text        io.Writer
}

func (rf *reportFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&rf.junit, "junit", "", "write a JUnit XML report to this file (its directory is created; - for standard output)")
	fs.StringVar(&rf.json, "json", "", "write a JSON report to this file (its directory is created; - for standard output)")
	fs.BoolVar(&rf.strict, "strict", false, "fail on fields the schemas do not declare (they are always reported)")
}

// addQuiet adds --quiet, for the commands that run long.
func (rf *reportFlags) addQuiet(fs *flag.FlagSet) {
	rf.quiet = fs.Bool("quiet", false, "print only the failed checks and the verdict line, and no live progress")
}

func (rf *reportFlags) outputs() []output {
	return []output{{"junit", rf.junit}, {"json", rf.json}}
}

// prepare checks the report outputs before the run (see prepareOutputs)
// and decides where the text report goes.
func (rf *reportFlags) prepare(stdout, stderr io.Writer) error {
	text, err := prepareOutputs(stdout, stderr, rf.outputs()...)
	rf.text = text
	return err
}

// finish prints the text report, writes the report outputs and returns
// the exit code.
func (rf *reportFlags) finish(rep *harness.Report, stdout, stderr io.Writer) int {
	if rf.quiet != nil && *rf.quiet {
		rep.WriteFailures(rf.text)
	} else {
		rep.WriteText(rf.text)
	}
	o := rf.outputs()
	for i, render := range []func(io.Writer) error{rep.WriteJUnit, rep.WriteJSON} {
		if err := o[i].write(stdout, render); err != nil {
			fmt.Fprintln(stderr, "mocksrv contract:", err)
			return 2
		}
	}
	if !rep.OK() {
		return 1
	}
	return 0
}

func contractTest(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("contract test", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var rf reportFlags
	var provider, baseURL, credFile, adminToken string
	var allowWrites bool
	var timeout time.Duration
	fs.StringVar(&provider, "provider", "", "provider: "+strings.Join(scriptedProviders(), ", "))
	fs.StringVar(&baseURL, "base-url", "http://127.0.0.1:8080", "the server to test: a real sandbox or mocksrv")
	fs.StringVar(&credFile, "credentials", "", "JSON file (or inline JSON) with the provider's credentials object, as POST /_mocksrv/tenants returns it "+
		`({"api_key","api_secret"}; UQPay {"client_id","api_key","webhook_secret"}) or the whole answer; `+
		"MOCKSRV_<PROVIDER>_<FIELD> variables (MOCKSRV_KEYSECURE_API_KEY, MOCKSRV_UQPAY_CLIENT_ID) work too; default: mocksrv's default tenant")
	fs.BoolVar(&allowWrites, "allow-writes", false, "also run the steps that create, freeze and transfer")
	fs.StringVar(&adminToken, "admin-token", "", "the admin token of a mocksrv started with --admin-token, for its default tenant and the fixtures the conversation seeds")
	fs.DurationVar(&timeout, "timeout", 2*time.Minute, "time limit for the whole conversation")
	rf.add(fs)
	rf.addQuiet(fs)
	fs.Usage = usage(fs, "mocksrv contract test --provider P [--base-url URL] [--credentials FILE] [flags]",
		"Runs a scripted conversation against a provider API, signing requests the provider's way, and validates every response (successes and provoked errors) against the contracts. Read-only unless --allow-writes. Live progress goes to standard error when it is a terminal.")
	if code, ok := parseArgs(fs, args, stdout, stderr); !ok {
		return code
	}
	if code, ok := noArgs(fs, stderr); !ok {
		return code
	}
	if provider == "" {
		return usageError(fs, stderr, "--provider is required: %s", strings.Join(scriptedProviders(), ", "))
	}
	if err := knownProvider("--provider", provider, scriptedProviders()); err != nil {
		return usageError(fs, stderr, "%v", err)
	}
	if err := rf.prepare(stdout, stderr); err != nil {
		return usageError(fs, stderr, "%v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	creds, err := loadCredentials(ctx, provider, credFile, baseURL, adminToken, os.Environ())
	if err != nil {
		fmt.Fprintln(stderr, "mocksrv contract test:", err)
		return 2
	}
	rep, err := harness.Test(ctx, harness.TestOptions{Provider: provider, BaseURL: baseURL, Credentials: creds,
		AllowWrites: allowWrites, Strict: rf.strict, Log: progress(stderr, *rf.quiet), AdminToken: adminToken})
	if err != nil {
		fmt.Fprintln(stderr, "mocksrv contract test:", err)
		return 2
	}
	return rf.finish(rep, stdout, stderr)
}

// scriptedProviders are the providers contract test has a conversation
// for, in the usual order.
func scriptedProviders() []string {
	var out []string
	for _, p := range contracts.Providers {
		if slices.Contains(harness.Scripted(), p) {
			out = append(out, p)
		}
	}
	return out
}

// loadCredentials reads a provider's credentials from a file or inline
// JSON, then MOCKSRV_<PROVIDER>_<FIELD> variables of environ (which win),
// then — when there are none and the target is a mocksrv — its default
// tenant's.
func loadCredentials(ctx context.Context, provider, src, baseURL, adminToken string, environ []string) (map[string]string, error) {
	creds := map[string]string{}
	if src != "" {
		b := []byte(src)
		if !strings.HasPrefix(strings.TrimSpace(src), "{") {
			var err error
			if b, err = os.ReadFile(src); err != nil {
				return nil, fmt.Errorf("--credentials: %w", err)
			}
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("--credentials: want a JSON object like {\"api_key\":…,\"api_secret\":…}: %w", err)
		}
		if inner, ok := m[provider].(map[string]any); ok { // the whole POST /_mocksrv/tenants answer
			m = inner
		}
		for k, v := range m {
			if s, ok := v.(string); ok {
				creds[k] = s
			}
		}
	}
	prefix := "MOCKSRV_" + strings.ToUpper(provider) + "_"
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, prefix) {
			creds[strings.ToLower(strings.TrimPrefix(k, prefix))] = v
		}
	}
	if len(creds) > 0 {
		return creds, nil
	}
	return defaultTenantCredentials(ctx, provider, baseURL, adminToken)
}

// defaultTenantCredentials asks a mocksrv's admin API for its default
// tenant's credentials of provider, and says what to do when it cannot.
func defaultTenantCredentials(ctx context.Context, provider, baseURL, adminToken string) (map[string]string, error) {
	vars := "MOCKSRV_" + strings.ToUpper(provider) + "_API_KEY and friends"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(baseURL, "/")+"/_mocksrv/tenants/default", nil)
	if err != nil {
		return nil, fmt.Errorf("--base-url %q: %w", baseURL, err)
	}
	if adminToken != "" {
		req.Header.Set("Authorization", "Bearer "+adminToken)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("no credentials given, and %s did not answer to lend a mocksrv's default tenant: %w "+
			"(a server just started in the background? \"mocksrv health --wait 30s %s\" waits for it)", baseURL, errors.Unwrap(err), baseURL)
	}
	defer res.Body.Close()
	switch res.StatusCode {
	case http.StatusOK:
	case http.StatusUnauthorized:
		if adminToken == "" {
			return nil, fmt.Errorf("no credentials given, and the admin API of the mocksrv at %s needs its admin token to lend its default tenant: "+
				"pass --admin-token TOKEN or set MOCKSRV_ADMIN_TOKEN (or give --credentials)", baseURL)
		}
		return nil, fmt.Errorf("the admin API of the mocksrv at %s refused the admin token (--admin-token or MOCKSRV_ADMIN_TOKEN)", baseURL)
	default:
		return nil, fmt.Errorf("no credentials: pass --credentials FILE or set %s (%s is not a mocksrv whose default tenant could be used: "+
			"GET /_mocksrv/tenants/default answered %s)", vars, baseURL, res.Status)
	}
	var tenant map[string]json.RawMessage
	if err := json.NewDecoder(res.Body).Decode(&tenant); err != nil {
		return nil, fmt.Errorf("no credentials: pass --credentials FILE or set %s (%s answered GET /_mocksrv/tenants/default with no JSON tenant)", vars, baseURL)
	}
	var p map[string]any
	if json.Unmarshal(tenant[provider], &p) != nil || p == nil {
		return nil, fmt.Errorf("the mocksrv at %s does not serve %s (see its --providers)", baseURL, provider)
	}
	creds := map[string]string{}
	for k, v := range p {
		creds[k], _ = v.(string)
	}
	return creds, nil
}

func contractCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("contract check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var rf reportFlags
	var o harness.CheckOptions
	fs.StringVar(&o.Provider, "provider", "", "provider: "+strings.Join(contracts.Providers, ", "))
	fs.StringVar(&o.Operation, "operation", "", `the operation plain JSON files belong to: "METHOD /real/path" (templates matched) or an operationId; default: from the file name`)
	fs.StringVar(&o.Part, "part", "", "request or response (webhooks: push or reply); default: from the file name")
	fs.StringVar(&o.Webhook, "webhook", "", "the files are payloads of this webhook or callback event")
	fs.BoolVar(&o.DocExamples, "doc-examples", false, `published examples: a placeholder ("", "<string>") satisfies any string rule of its field; keys, types and required fields are still checked`)
	rf.add(fs)
	fs.Usage = usage(fs, "mocksrv contract check --provider P [flags] FILE|DIR...",
		"Validates recorded bodies against the contracts: plain JSON files (named <operationId>.response.json, a published example's name, or given --operation) and HAR files from a browser, Postman or a proxy (operations found from method and path). Flags may come before or after the files.")
	if code, ok := parseArgs(fs, args, stdout, stderr); !ok {
		return code
	}
	o.Strict = rf.strict
	if o.Provider == "" || fs.NArg() == 0 {
		return usageError(fs, stderr, "--provider and at least one FILE or DIR are required")
	}
	if err := knownProvider("--provider", o.Provider, contracts.Providers); err != nil {
		return usageError(fs, stderr, "%v", err)
	}
	if err := rf.prepare(stdout, stderr); err != nil {
		return usageError(fs, stderr, "%v", err)
	}
	rep, err := harness.CheckFiles(o, fs.Args()...)
	if err != nil {
		fmt.Fprintln(stderr, "mocksrv contract check:", err)
		return 2
	}
	return rf.finish(rep, stdout, stderr)
}

// contractProxy runs the proxy until ctx ends (Ctrl-C), then writes the
// recording and the reports.
func contractProxy(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("contract proxy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var rf reportFlags
	var provider, upstream, listen, record string
	fs.StringVar(&provider, "provider", "", "provider: "+strings.Join(contracts.Providers, ", "))
	fs.StringVar(&upstream, "upstream", "", "where requests go, unchanged: the real sandbox or a mocksrv")
	fs.StringVar(&listen, "listen", "127.0.0.1:8081", "address your client calls instead of the upstream")
	fs.StringVar(&record, "record", "", "write a HAR recording (PANs, CVVs, PINs, tokens, secrets and personal data redacted) here on exit")
	rf.add(fs)
	fs.Usage = usage(fs, "mocksrv contract proxy --provider P --upstream URL [--listen ADDR] [--record FILE.har] [flags]",
		"Forwards every request unchanged and validates it against the request contract (checking your client) and the answer against the response contract. Violations print live; stop with Ctrl-C to get the summary and reports.")
	if code, ok := parseArgs(fs, args, stdout, stderr); !ok {
		return code
	}
	if code, ok := noArgs(fs, stderr); !ok {
		return code
	}
	if provider == "" || upstream == "" {
		return usageError(fs, stderr, "--provider and --upstream are required")
	}
	if err := knownProvider("--provider", provider, contracts.Providers); err != nil {
		return usageError(fs, stderr, "%v", err)
	}
	if err := rf.prepare(stdout, stderr); err != nil {
		return usageError(fs, stderr, "%v", err)
	}
	if err := (output{"record", record}).prepare(); err != nil {
		return usageError(fs, stderr, "%v", err)
	}
	p, err := harness.NewProxy(harness.ProxyOptions{Provider: provider, Upstream: upstream, Strict: rf.strict, Live: rf.text, Record: record != ""})
	if err != nil {
		fmt.Fprintln(stderr, "mocksrv contract proxy:", err)
		return 2
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		fmt.Fprintln(stderr, "mocksrv contract proxy:", err)
		return 2
	}
	fmt.Fprintf(rf.text, "mocksrv contract proxy for %s: http://%s → %s (journal: http://%s/_mocksrv/journal)\n", provider, ln.Addr(), upstream, ln.Addr())
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	<-ctx.Done()
	shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shut)
	if record != "" {
		if err := harness.WriteHAR(record, p.HAR()); err != nil {
			fmt.Fprintln(stderr, "mocksrv contract proxy:", err)
			return 2
		}
		fmt.Fprintln(rf.text, "recording written to", record)
	}
	return rf.finish(p.Report(), stdout, stderr)
}
