// Command mocksrv runs local, stateful simulators of four card-issuing
// providers — bkj, KeySecure, UQPay and DeCard — at their real paths, and
// the contract-test and scenario tools around them.
//
//	mocksrv                      # serve on 127.0.0.1:8080 (same as "mocksrv serve")
//	mocksrv serve --help         # every flag and its MOCKSRV_* variable
//	mocksrv version
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/mocksrv/mocksrv/sims"

	_ "time/tzdata" // zone names (Asia/Shanghai) in scratch images
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

const topUsage = `Usage: mocksrv [command] [flags]

Commands:
  serve      run the simulators (the default when no command is given)
  contract   contract tests: test a sandbox, check recordings, proxy a client
  scenario   run QA scenario files
  version    print the version

Run "mocksrv <command> --help" for a command's flags.
`

func run(args []string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(args, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "mocksrv", sims.Version)
		return 0
	case "help":
		fmt.Fprint(stdout, topUsage)
		return 0
	case "contract":
		return contract(args, stdout, stderr)
	case "scenario":
		return scenario(args, stdout, stderr)
	}
	fmt.Fprintf(stderr, "mocksrv: unknown command %q\n\n%s", cmd, topUsage)
	return 2
}
