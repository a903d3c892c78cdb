// Command mocksrv runs local, stateful simulators of four card-issuing
// providers — bkj, KeySecure, UQPay and DeCard — at their real paths, and
// the contract-test and scenario tools around them.
//
//	mocksrv                      # serve on 127.0.0.1:8080 (same as "mocksrv serve")
//	mocksrv serve --help         # every flag and its MOCKSRV_* variable
//	mocksrv health --wait 30s    # exit 0 once the server answers
//	mocksrv version
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"

	"github.com/mocksrv/mocksrv/sims"

	_ "time/tzdata" // zone names (Asia/Shanghai) in scratch images
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

const topUsage = `Usage: mocksrv [command] [flags]

Local, stateful simulators of bkj, KeySecure, UQPay and DeCard at their real
paths, on one listener, plus the contract-test and scenario tools.

Commands:
  serve      run the simulators (the default when no command is given)
  health     exit 0 once a running mocksrv answers (for CI and container health checks)
  contract   contract tests: test a sandbox, check recordings, proxy a client
  scenario   run QA scenario files
  version    print the version

Run "mocksrv <command> --help" for a command's flags (they may come before or
after its arguments); every flag also reads a MOCKSRV_* environment variable:
serve's --state-interval reads MOCKSRV_STATE_INTERVAL, contract test's --json
MOCKSRV_CONTRACT_TEST_JSON.
`

// commands are the top-level commands, for "did you mean".
var commands = []string{"serve", "health", "contract", "scenario", "version", "help"}

func run(args []string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	} else if len(args) > 0 && isHelp(args[0]) {
		cmd = "help" // "mocksrv --help": the commands, then the default command's flags
	}
	switch cmd {
	case "serve":
		return serve(args, stdout, stderr)
	case "health":
		return health(args, stdout, stderr)
	case "version":
		return version(args, stdout, stderr)
	case "help":
		if len(args) > 0 && args[0] != "help" && !isHelp(args[0]) { // "mocksrv help contract" is "mocksrv contract --help"
			return run(append(args[:1:1], "--help"), stdout, stderr)
		}
		fmt.Fprint(stdout, topUsage)
		fmt.Fprintln(stdout)
		fs, _ := serveFlags(stdout)
		fs.Usage()
		return 0
	case "contract":
		return contract(args, stdout, stderr)
	case "scenario":
		return scenario(args, stdout, stderr)
	}
	return unknownCommand(stderr, "mocksrv", cmd, commands)
}

// unknownCommand reports a command that does not exist, with the one
// meant when it looks like a typo, and returns exit code 2.
func unknownCommand(stderr io.Writer, parent, cmd string, known []string) int {
	fmt.Fprintf(stderr, "%s: unknown command %q", parent, cmd)
	if s := suggest(cmd, known); s != "" {
		fmt.Fprintf(stderr, " (did you mean %q?)", s)
	}
	fmt.Fprintf(stderr, "\nRun \"%s --help\" for the commands.\n", parent)
	return 2
}

func isHelp(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

// version prints mocksrv's version (set at build time with
// -ldflags "-X github.com/mocksrv/mocksrv/sims.Version=v1.2.3") and the Go
// release it was built with.
func version(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: mocksrv version\n\nPrints mocksrv's version and the Go release it was built with. It takes no flags.\n")
	}
	if code, ok := parseArgs(fs, args, stdout, stderr); !ok {
		return code
	}
	if code, ok := noArgs(fs, stderr); !ok {
		return code
	}
	fmt.Fprintln(stdout, "mocksrv", sims.Version, runtime.Version())
	return 0
}
