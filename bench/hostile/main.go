// Command hostile is issue 14's robustness suite: one mocksrv shared by a
// whole CI fleet, attacked by hostile or careless neighbours. It builds the
// binary (or takes -binary), starts it as each attack needs, runs the
// eight attacks and prints each one's figures and a PASS, FAIL or SKIP
// against its target (DESIGN.md, "A shared server" and "Performance
// budgets"):
//
//  1. guess another tenant's DeCard stream channel — a guess gets nothing
//  2. a black-holed webhook receiver next door — another tenant's callback
//     is delayed by at most 1 s
//  3. a flood of unauthenticated requests with 60 KiB headers, then a full
//     journal read — resident memory stays under 64 MiB (the long form also
//     floods as 16 tenants at once: the journal keeps 32 MiB in all)
//  4. forged requests naming tenant B — B's times:1 fault rule and its
//     journal untouched
//  5. a server of one provider on a four-provider state file — the others'
//     state byte-equal after its save
//  6. a snapshot at ~80 MB of state — save memory ≤ 2× the file, write p99
//     ≤ 5 ms while saving, kill -9 loses at most 2 × --state-interval
//  7. tenants created until refused — capped with HTTP 429; idle ones
//     expire with --tenant-ttl
//  8. admin token forms — only Authorization: Bearer TOKEN; /health says
//     only {"status":"ok"} without it
//
// The long form (the README's figures) takes a few minutes, most of it
// filling and saving 80 MB; -short runs the CI sizes:
//
//	go run ./bench/hostile                      # builds ./cmd/mocksrv, runs all eight
//	go run ./bench/hostile -only 6 -state-mb 160
//	go run ./bench/hostile -binary /tmp/mocksrv-old -markdown before.md
//
// It exits 1 when an attack fails. Resident memory is read from Linux's
// /proc; elsewhere the memory targets are skipped.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func main() {
	var o Options
	flag.StringVar(&o.Binary, "binary", "", "the mocksrv binary to attack (default: go build ./cmd/mocksrv into a temporary directory)")
	flag.BoolVar(&o.Short, "short", false, "the short form CI runs: small sizes, a few seconds an attack")
	only := flag.String("only", "", "comma-separated attacks to run, by issue item (1-8); default all")
	flag.Uint64Var(&o.Seed, "seed", uint64(time.Now().UnixNano()), "picks the kill -9 moment and the random channel ids")
	stateMB := flag.Int("state-mb", 0, "item 6: the state file to fill up to, in MB (default 80; -short 2)")
	flag.DurationVar(&o.StateInterval, "state-interval", 0, "item 6: the server's --state-interval (default 5s; -short 400ms)")
	flag.IntVar(&o.Requests, "requests", 0, "item 3: requests in the flood (default 3000; -short 300)")
	flag.IntVar(&o.MaxCreate, "max-create", 0, "item 7: stop creating tenants here when none is refused (default 5000; -short 200)")
	markdown := flag.String("markdown", "", "also write the results as a Markdown table to this file")
	flag.Parse()
	o.StateBytes = int64(*stateMB) * 1_000_000
	for _, f := range strings.Split(*only, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || n > len(attacks) {
			fmt.Fprintf(os.Stderr, "hostile: -only %q: want attack numbers 1-%d\n", *only, len(attacks))
			os.Exit(2)
		}
		o.Only = append(o.Only, n)
	}
	if err := run(o, *markdown); err != nil {
		fmt.Fprintln(os.Stderr, "hostile:", err)
		os.Exit(1)
	}
}

func run(o Options, markdown string) error {
	dir, err := os.MkdirTemp("", "mocksrv-hostile-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	o.Dir, o.Out = dir, os.Stdout
	if o.Binary == "" {
		fmt.Println("building ./cmd/mocksrv …")
		if o.Binary, err = build(dir, false); err != nil {
			return err
		}
	}
	form := "long"
	if o.Short {
		form = "short"
	}
	fmt.Printf("mocksrv robustness suite, %s form: %s (seed %d)\n", form, o.Binary, o.Seed)
	results, err := Run(context.Background(), o)
	if err != nil {
		return err
	}
	fmt.Println()
	fmt.Print(table(results))
	if markdown != "" {
		if err := os.WriteFile(markdown, []byte(table(results)), 0o644); err != nil {
			return err
		}
	}
	failed := 0
	for _, r := range results {
		if r.Status == Fail {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d attacks failed", failed, len(results))
	}
	return nil
}

// table renders results as a Markdown table.
func table(results []Result) string {
	var b strings.Builder
	b.WriteString("| # | attack | target | figure | verdict |\n| ---: | --- | --- | --- | --- |\n")
	for _, r := range results {
		verdict := string(r.Status)
		if r.Why != "" {
			verdict += ": " + r.Why
		}
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s |\n", r.Item, r.Attack, r.Target, strings.Join(r.Figure, "; "), verdict)
	}
	return b.String()
}

// build compiles ./cmd/mocksrv of the module this bench belongs to into
// dir, with the race detector when race is set, and returns the binary.
func build(dir string, race bool) (string, error) {
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(gomod)))
	if root == "." || root == "" {
		return "", errors.New("not inside the mocksrv module: run from its checkout, or pass -binary")
	}
	bin := filepath.Join(dir, "mocksrv")
	args := []string{"build", "-o", bin}
	if race {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, "./cmd/mocksrv")...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/mocksrv: %w\n%s", err, out)
	}
	return bin, nil
}
