package main

import (
	"errors"
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

// splitArgs separates the flags of args (each with its value) from the
// positional arguments, so flags may come before, between or after them:
// "contract check FILE --provider P" is "contract check --provider P FILE".
// A "--" ends the flags; "-" alone is an argument. help reports a -h,
// -help or --help among the flags (not as a flag's value); missing names a
// flag that wants a value and ends args without one.
func splitArgs(fs *flag.FlagSet, args []string) (flags, positional []string, help bool, missing string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return flags, append(positional, args[i+1:]...), help, ""
		}
		if a == "-" || !strings.HasPrefix(a, "-") {
			positional = append(positional, a)
			continue
		}
		flags = append(flags, a)
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f := fs.Lookup(name)
		if f == nil {
			if name == "h" || name == "help" {
				help = help || !hasValue || value == "true"
			}
			continue // parse reports an unknown flag
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); hasValue || ok && b.IsBoolFlag() {
			continue
		}
		if i+1 == len(args) {
			return flags, positional, help, name
		}
		flags = append(flags, args[i+1])
		i++
	}
	return flags, positional, help, ""
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

// parse parses args (flags anywhere, see splitArgs), then fills the rest
// from the environment; fs.Args() are the positional arguments. Help asked
// for prints the usage on stdout (so "mocksrv serve --help | less" works)
// and returns flag.ErrHelp. A usage error is returned with a message of our
// own — an unknown flag names the one meant — and nothing printed.
func parse(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	flags, positional, help, missing := splitArgs(fs, args)
	if help {
		out := fs.Output()
		fs.SetOutput(stdout)
		fs.Usage()
		fs.SetOutput(out)
		return flag.ErrHelp
	}
	if missing != "" {
		return fmt.Errorf("--%s needs a value", missing)
	}
	out, usage := fs.Output(), fs.Usage
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(append(append(flags, "--"), positional...))
	fs.SetOutput(out)
	fs.Usage = usage
	if err != nil {
		return flagError(fs, err)
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	return applyEnv(fs, given, os.Getenv)
}

// flagError rewrites the flag package's errors in this command's terms:
// flags with two dashes, and a suggestion for a misspelt one.
func flagError(fs *flag.FlagSet, err error) error {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		if s := suggest(name, names); s != "" {
			return fmt.Errorf("unknown flag --%s (did you mean --%s?)", name, s)
		}
		return fmt.Errorf("unknown flag --%s", name)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: -"); ok {
		return fmt.Errorf("--%s needs a value", name)
	}
	return errors.New(strings.Replace(msg, " for flag -", " for --", 1))
}

// parseArgs parses a command's args (see parse). ok is false when the
// command must stop: it exits with code (0 after help, 2 after a usage
// error, printed with a pointer to --help).
func parseArgs(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (code int, ok bool) {
	if err := parse(fs, args, stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		return usageError(fs, stderr, "%v", err), false
	}
	return 0, true
}

// usageError prints a usage error of command fs and returns exit code 2.
func usageError(fs *flag.FlagSet, stderr io.Writer, format string, args ...any) int {
	fmt.Fprintf(stderr, "mocksrv %s: %s\nRun \"mocksrv %s --help\" for its usage and flags.\n", fs.Name(), fmt.Sprintf(format, args...), fs.Name())
	return 2
}

// noArgs refuses positional arguments for a command that takes none.
func noArgs(fs *flag.FlagSet, stderr io.Writer) (code int, ok bool) {
	if fs.NArg() > 0 {
		return usageError(fs, stderr, "unexpected argument %q (mocksrv %s takes flags only)", fs.Arg(0), fs.Name()), false
	}
	return 0, true
}

// suggest returns the candidate closest to name when it is close enough
// to be a typo (an edit distance of at most 2, and less than the name's
// length), or the only candidate name is a prefix of; "" otherwise.
func suggest(name string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		if d := editDistance(name, c); d < bestD && d < len(name) {
			best, bestD = c, d
		}
	}
	if best != "" {
		return best
	}
	var prefixed []string
	for _, c := range candidates {
		if len(name) >= 3 && strings.HasPrefix(c, name) {
			prefixed = append(prefixed, c)
		}
	}
	if len(prefixed) == 1 {
		return prefixed[0]
	}
	return ""
}

// editDistance is the optimal string alignment distance of a and b:
// insertions, deletions, substitutions and swaps of neighbours each count 1.
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
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
