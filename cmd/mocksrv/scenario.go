package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/scenarios"
)

const scenarioUsage = `Usage: mocksrv scenario <run|list|load|schema> [flags]

  run     run scenario files, directories or library names (in-process, or --target a running mocksrv)
  list    list the scenario library with one-line descriptions
  load    apply only a scenario's "given" section to a tenant of a running mocksrv (QA setup)
  schema  print the JSON Schema of the scenario format (for editors)

Run "mocksrv scenario <cmd> --help".
`

func scenario(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || isHelp(args[0]) {
		fmt.Fprint(stdout, scenarioUsage)
		return 0
	}
	switch args[0] {
	case "run":
		return scenarioRun(args[1:], stdout, stderr)
	case "list":
		return scenarioList(args[1:], stdout, stderr)
	case "load":
		return scenarioLoad(args[1:], stdout, stderr)
	case "schema":
		return scenarioSchema(args[1:], stdout, stderr)
	}
	return unknownCommand(stderr, "mocksrv scenario", args[0], []string{"run", "list", "load", "schema"})
}

func scenarioSchema(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("scenario schema", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: mocksrv scenario schema > scenario.schema.json\n\n"+
			"Prints the JSON Schema of the scenario format, for editors (yaml-language-server). It takes no flags.\n")
	}
	if code, ok := parseArgs(fs, args, stdout, stderr); !ok {
		return code
	}
	if code, ok := noArgs(fs, stderr); !ok {
		return code
	}
	_, _ = stdout.Write(scenarios.SchemaJSON)
	return 0
}

// resolveScenarios expands files, directories (*.yaml) and library names.
func resolveScenarios(args []string) ([]*scenarios.Scenario, error) {
	var out []*scenarios.Scenario
	for _, a := range args {
		st, err := os.Stat(a)
		switch {
		case err == nil && st.IsDir():
			var files []string
			_ = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
				if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
					files = append(files, p)
				}
				return nil
			})
			sort.Strings(files)
			for _, f := range files {
				sc, err := scenarios.LoadFile(f)
				if err != nil {
					return nil, err
				}
				out = append(out, sc)
			}
		case err == nil:
			sc, err := scenarios.LoadFile(a)
			if err != nil {
				return nil, err
			}
			out = append(out, sc)
		default:
			sc, lerr := scenarios.FromLibrary(a)
			if lerr != nil {
				return nil, fmt.Errorf("%s: not a file, a directory or a library scenario", a)
			}
			out = append(out, sc)
		}
	}
	return out, nil
}

func scenarioRun(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("scenario run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var target, junitPath, jsonPath, adminToken string
	var keep, verbose, quiet bool
	var timeout time.Duration
	fs.StringVar(&target, "target", "", "a running mocksrv to run against (default: in-process)")
	fs.StringVar(&junitPath, "junit", "", "write a JUnit XML report to this file (its directory is created; - for standard output)")
	fs.StringVar(&jsonPath, "json", "", "write a JSON report to this file (its directory is created; - for standard output)")
	fs.StringVar(&adminToken, "admin-token", "", "admin token of the target")
	fs.BoolVar(&keep, "keep", false, "keep each scenario's tenant on the target after the run")
	fs.BoolVar(&verbose, "verbose", false, "print every step")
	fs.BoolVar(&quiet, "quiet", false, "print only the failed scenarios and the verdict line, and no live progress")
	fs.DurationVar(&timeout, "timeout", 5*time.Minute, "time limit for all scenarios")
	fs.Usage = usage(fs, "mocksrv scenario run [flags] FILE|DIR|NAME...",
		"Runs scenarios, each in a fresh tenant, and reports every failed expectation with its step, expected and got. No argument runs the whole library. Flags may come before or after the scenarios. Live progress (a line per scenario) goes to standard error when it is a terminal.")
	if code, ok := parseArgs(fs, args, stdout, stderr); !ok {
		return code
	}
	if verbose && quiet {
		return usageError(fs, stderr, "--verbose and --quiet contradict each other")
	}
	outs := []output{{"junit", junitPath}, {"json", jsonPath}}
	text, err := prepareOutputs(stdout, stderr, outs...)
	if err != nil {
		return usageError(fs, stderr, "%v", err)
	}
	names := fs.Args()
	if len(names) == 0 {
		lib, err := scenarios.List()
		if err != nil {
			fmt.Fprintln(stderr, "mocksrv scenario run:", err)
			return 2
		}
		for _, e := range lib {
			names = append(names, e.Name)
		}
	}
	list, err := resolveScenarios(names)
	if err != nil {
		fmt.Fprintln(stderr, "mocksrv scenario run:", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	opts := scenarios.Options{Target: target, AdminToken: adminToken, Keep: keep}
	if verbose {
		opts.Log = text
	}
	live := progress(stderr, quiet)
	var results []*scenarios.Result
	for i, sc := range list {
		r := scenarios.RunScenario(ctx, sc, opts)
		results = append(results, r)
		if live != nil {
			fmt.Fprintf(live, "[%d/%d] %s %s (%s)\n", i+1, len(list), map[bool]string{true: "ok  ", false: "FAIL"}[r.Passed], r.Scenario, r.Duration.Round(time.Millisecond))
		}
	}
	if quiet {
		scenarios.WriteFailures(text, results)
	} else {
		scenarios.WriteText(text, results)
	}
	renders := []func(io.Writer) error{
		func(w io.Writer) error { return scenarios.WriteJUnit(w, results) },
		func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(results)
		},
	}
	for i, o := range outs {
		if err := o.write(stdout, renders[i]); err != nil {
			fmt.Fprintln(stderr, "mocksrv scenario run:", err)
			return 2
		}
	}
	for _, r := range results {
		if !r.Passed {
			return 1
		}
	}
	return 0
}

func scenarioList(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("scenario list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var asJSON bool
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	fs.Usage = usage(fs, "mocksrv scenario list [--json]", "Lists the scenario library.")
	if code, ok := parseArgs(fs, args, stdout, stderr); !ok {
		return code
	}
	if code, ok := noArgs(fs, stderr); !ok {
		return code
	}
	lib, err := scenarios.List()
	if err != nil {
		fmt.Fprintln(stderr, "mocksrv scenario list:", err)
		return 1
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(lib)
		return 0
	}
	for _, e := range lib {
		fmt.Fprintf(stdout, "%-40s %s\n", e.Name, e.Description)
	}
	return 0
}

func scenarioLoad(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("scenario load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var target, tenant, adminToken string
	fs.StringVar(&target, "target", "http://127.0.0.1:8080", "the running mocksrv")
	fs.StringVar(&tenant, "tenant", "", "tenant to load into, created if missing (default: the scenario's tenant, else default)")
	fs.StringVar(&adminToken, "admin-token", "", "admin token of the target")
	fs.Usage = usage(fs, "mocksrv scenario load [flags] FILE|NAME",
		"Applies only the scenario's given section (cardholders, cards, balances…) so QA can test an app by hand; prints the tenant's credentials and the objects created.")
	if code, ok := parseArgs(fs, args, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() != 1 {
		return usageError(fs, stderr, "give one scenario file or library name")
	}
	list, err := resolveScenarios(fs.Args())
	if err != nil {
		fmt.Fprintln(stderr, "mocksrv scenario load:", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	loaded, err := scenarios.Load(ctx, list[0], target, tenant, nil, adminToken)
	if err != nil {
		fmt.Fprintln(stderr, "mocksrv scenario load:", err)
		return 1
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(loaded)
	return 0
}
