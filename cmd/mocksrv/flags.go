package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// envPrefix prefixes the environment variable of every flag. serve's flags
// read MOCKSRV_<FLAG> (--state-interval: MOCKSRV_STATE_INTERVAL); the tools'
// flags read MOCKSRV_<COMMAND>_<FLAG> (contract test --json:
// MOCKSRV_CONTRACT_TEST_JSON), so a variable meant for one command never
// changes another (scenario list's --json is a switch, scenario run's a
// file; serve's --listen is a provider=addr list, contract proxy's one
// address). --admin-token means the same token everywhere and reads
// MOCKSRV_ADMIN_TOKEN in every command.
const envPrefix = "MOCKSRV_"

// sharedEnv are the flags whose variable is the same in every command.
var sharedEnv = map[string]bool{"admin-token": true}

// envName is the environment variable of flag flagName of command (a
// FlagSet's name: "serve", "contract test").
func envName(command, flagName string) string {
	name := flagName
	if command != "serve" && !sharedEnv[flagName] {
		name = command + "_" + flagName
	}
	return envPrefix + strings.ToUpper(strings.NewReplacer("-", "_", " ", "_").Replace(name))
}

// wantsHelp reports whether args ask for help before any "--".
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help", "-h=true", "-help=true", "--help=true":
			return true
		}
	}
	return false
}

// applyEnv sets every flag not given on the command line from its
// environment variable, so the command line always wins.
func applyEnv(fs *flag.FlagSet, given map[string]bool, getenv func(string) string) error {
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if err != nil || given[f.Name] {
			return
		}
		if v := getenv(envName(fs.Name(), f.Name)); v != "" {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s=%q: %w", envName(fs.Name(), f.Name), v, e)
			}
		}
	})
	return err
}

// parse parses args, then fills the rest from the environment. Help asked
// for goes to stdout (so "mocksrv serve --help | less" works); usage errors
// stay on the FlagSet's output (stderr).
func parse(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	if wantsHelp(args) {
		fs.SetOutput(stdout)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	return applyEnv(fs, given, os.Getenv)
}

// usage prints a command's synopsis and every flag with its default and
// environment variable to the FlagSet's output.
func usage(fs *flag.FlagSet, synopsis, about string) func() {
	return func() {
		w := fs.Output()
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
			fmt.Fprintf(w, "  --%s  [%s]%s\n      %s\n", n, envName(fs.Name(), n), def, f.Usage)
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
