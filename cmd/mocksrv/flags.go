package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// envPrefix prefixes the environment variable of every flag:
// --state-interval reads MOCKSRV_STATE_INTERVAL.
const envPrefix = "MOCKSRV_"

func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// applyEnv sets every flag not given on the command line from its
// environment variable, so the command line always wins.
func applyEnv(fs *flag.FlagSet, given map[string]bool, getenv func(string) string) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if err != nil || given[f.Name] {
			return
		}
		if v := getenv(envName(f.Name)); v != "" {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s=%q: %w", envName(f.Name), v, e)
			}
		}
	})
	return err
}

// parse parses args, then fills the rest from the environment.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	return applyEnv(fs, given, os.Getenv)
}

// usage prints a command's synopsis and every flag with its default and
// environment variable.
func usage(w io.Writer, fs *flag.FlagSet, synopsis, about string) func() {
	return func() {
		fmt.Fprintf(w, "Usage: %s\n\n%s\n\nFlags (each also read from the environment variable shown):\n", synopsis, about)
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		sort.Strings(names)
		for _, n := range names {
			f := fs.Lookup(n)
			def := ""
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "[]" {
				def = fmt.Sprintf(" (default %s)", f.DefValue)
			}
			fmt.Fprintf(w, "  --%s  [%s]%s\n      %s\n", n, envName(n), def, f.Usage)
		}
	}
}

// listFlag is a repeatable flag; each value may also hold several
// comma-separated items (that is how its environment variable lists them).
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			*l = append(*l, item)
		}
	}
	return nil
}

// pairs splits "name=value" items.
func pairs(items []string, what string) (map[string]string, error) {
	out := map[string]string{}
	for _, it := range items {
		k, v, ok := strings.Cut(it, "=")
		if !ok || k == "" || v == "" {
			return nil, fmt.Errorf("%s %q: want provider=value", what, it)
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return out, nil
}
