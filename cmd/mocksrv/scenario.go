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
	if len(args) == 0 || args[0] == "help" || args[0] == "--help" || args[0] == "-h" {
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
		_, _ = stdout.Write(scenarios.SchemaJSON)
		return 0
	}
	fmt.Fprintf(stderr, "mocksrv scenario: unknown command %q\n\n%s", args[0], scenarioUsage)
	return 2
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
	var target, junit, jsonOut, adminToken string
	var keep, verbose bool
	var timeout time.Duration
	fs.StringVar(&target, "target", "", "a running mocksrv to run against (default: in-process)")
	fs.StringVar(&junit, "junit", "", "write a JUnit XML report to this file")
	fs.StringVar(&jsonOut, "json", "", "write a JSON report to this file")
	fs.StringVar(&adminToken, "admin-token", "", "admin token of the target")
	fs.BoolVar(&keep, "keep", false, "keep each scenario's tenant on the target after the run")
	fs.BoolVar(&verbose, "verbose", false, "print every step")
	fs.DurationVar(&timeout, "timeout", 5*time.Minute, "time limit for all scenarios")
	fs.Usage = usage(fs, "mocksrv scenario run [flags] FILE|DIR|NAME...",
		"Runs scenarios, each in a fresh tenant, and reports every failed expectation with its step, expected and got. No argument runs the whole library. Flags may come before or after the scenarios.")
	if code, ok := parseOrExit(fs, flagsFirst(fs, args), stdout, stderr); !ok {
		return code
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
		opts.Log = stdout
	}
	var results []*scenarios.Result
	for _, sc := range list {
		results = append(results, scenarios.RunScenario(ctx, sc, opts))
	}
	scenarios.WriteText(stdout, results)
	if junit != "" {
		if err := writeTo(junit, func(w io.Writer) error { return scenarios.WriteJUnit(w, results) }); err != nil {
			fmt.Fprintln(stderr, "mocksrv scenario run:", err)
			return 2
		}
	}
	if jsonOut != "" {
		if err := writeTo(jsonOut, func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(results)
		}); err != nil {
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

// flagsFirst moves the flags of args (with their values) before the
// scenario names, so "scenario load NAME --target URL" works as well as
// "scenario load --target URL NAME". A "--" ends the flags.
func flagsFirst(fs *flag.FlagSet, args []string) []string {
	var flags, names []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			names = append(names, args[i+1:]...)
			i = len(args)
			continue
		case a == "-" || !strings.HasPrefix(a, "-"):
			names = append(names, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		f := fs.Lookup(name)
		if f == nil {
			continue // parse reports it
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			continue
		}
		if i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
	}
	return append(append(flags, "--"), names...)
}

func writeTo(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func scenarioList(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("scenario list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var asJSON bool
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	fs.Usage = usage(fs, "mocksrv scenario list [--json]", "Lists the scenario library.")
	if code, ok := parseOrExit(fs, args, stdout, stderr); !ok {
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
	if code, ok := parseOrExit(fs, flagsFirst(fs, args), stdout, stderr); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "mocksrv scenario load: give one scenario file or library name")
		return 2
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
