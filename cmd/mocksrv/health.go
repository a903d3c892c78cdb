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
	"net/url"
	"os"
	"strings"
	"time"
)

// healthPath is the admin API's health endpoint (open even with
// --admin-token).
const healthPath = "/_mocksrv/health"

func healthFlags(stderr io.Writer) (fs *flag.FlagSet, wait, timeout *time.Duration, token *string) {
	fs = flag.NewFlagSet("health", flag.ContinueOnError)
	fs.SetOutput(stderr)
	token = fs.String("admin-token", "", "the server's admin token, if it has one: with it the answer names the server's version (without it, a guarded server says only that it is up)")
	wait = fs.Duration("wait", 0, "keep trying (every 100ms) for up to this long before giving up, e.g. 30s; 0 = try once")
	timeout = fs.Duration("timeout", 2*time.Second, "time limit of each try")
	fs.Usage = usage(fs, "mocksrv health [--wait DURATION] [URL]",
		"Exits 0 when the mocksrv at URL answers GET /_mocksrv/health, 1 when it does not (within --wait), 2 on\n"+
			"a usage error. URL is http://HOST:PORT or HOST:PORT; by default the address serve reads, MOCKSRV_ADDR\n"+
			"(0.0.0.0 or [::] as loopback), else http://127.0.0.1:8080. It is the same static binary, so it works\n"+
			"in the scratch image without curl: the image's HEALTHCHECK runs it.")
	return fs, wait, timeout, token
}

// health checks that a running mocksrv answers, waiting for it up to
// --wait: what a CI job runs between starting serve in the background and
// its first test, and the Docker image's HEALTHCHECK.
func health(args []string, stdout, stderr io.Writer) int {
	fs, wait, timeout, token := healthFlags(stderr)
	if code, ok := parseArgs(fs, args, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() > 1 {
		return usageError(fs, stderr, "unexpected argument %q (give at most one URL)", fs.Arg(1))
	}
	if *wait < 0 || *timeout <= 0 {
		return usageError(fs, stderr, "--wait must be 0 or more and --timeout more than 0")
	}
	target, err := healthURL(fs.Arg(0), os.Getenv(envName("serve", "addr")))
	if err != nil {
		return usageError(fs, stderr, "%v", err)
	}
	version, err := waitHealthy(context.Background(), target, *token, *wait, *timeout)
	if err != nil {
		fmt.Fprintf(stderr, "mocksrv health: %v\n", err)
		return 1
	}
	name := "mocksrv"
	if version != "" {
		name += " " + version
	}
	fmt.Fprintf(stdout, "%s is up at %s\n", name, strings.TrimSuffix(target, healthPath))
	return 0
}

// healthURL builds the health endpoint's URL from the URL argument, or
// else from serve's address (addr, MOCKSRV_ADDR), whose unspecified host
// (0.0.0.0, [::], none) is reached on loopback.
func healthURL(arg, addr string) (string, error) {
	if arg == "" {
		if addr == "" {
			addr = "127.0.0.1:8080"
		}
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return "", fmt.Errorf("MOCKSRV_ADDR %q: want host:port", addr)
		}
		if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
			host = "127.0.0.1"
		}
		arg = "http://" + net.JoinHostPort(host, port)
	}
	if !strings.Contains(arg, "://") {
		arg = "http://" + arg
	}
	u, err := url.Parse(arg)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return "", fmt.Errorf("URL %q: want http://HOST:PORT or HOST:PORT", arg)
	}
	u.Path = strings.TrimSuffix(strings.TrimRight(u.Path, "/"), healthPath) + healthPath
	return u.String(), nil
}

// waitHealthy polls target until it answers as a healthy mocksrv, or wait
// has passed (at least one try; each try ends by timeout and by the end of
// the wait), and returns the server's version or why it is not healthy.
func waitHealthy(ctx context.Context, target, token string, wait, timeout time.Duration) (string, error) {
	const every = 100 * time.Millisecond
	deadline := time.Now().Add(wait)
	for {
		try := timeout
		if left := time.Until(deadline); wait > 0 && left < try {
			try = max(left, every)
		}
		version, err := checkHealth(ctx, target, token, try)
		if err == nil {
			return version, nil
		}
		left := time.Until(deadline)
		if left <= 0 {
			if wait > 0 {
				return "", fmt.Errorf("%s: not healthy after %s: %w", target, wait, err)
			}
			return "", fmt.Errorf("%s: %w (--wait 30s waits for a server that is starting)", target, err)
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(min(every, left)):
		}
	}
}

// checkHealth makes one try, of at most timeout.
func checkHealth(ctx context.Context, target, token string, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return "", err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return "", fmt.Errorf("no answer within %s", timeout)
		}
		return "", err
	}
	defer res.Body.Close()
	var h struct {
		Status  string `json:"status"`
		Version string `json:"version"`
	}
	b, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if err != nil {
		return "", fmt.Errorf("reading the answer: %w", err)
	}
	if res.StatusCode != http.StatusOK || json.Unmarshal(b, &h) != nil || h.Status != "ok" {
		return "", fmt.Errorf("answered %s, not a healthy mocksrv (%s)", res.Status, snippet(b))
	}
	return h.Version, nil
}

// snippet is the start of a body, on one line.
func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	if s == "" {
		s = "empty body"
	}
	return s
}
