package scenarios

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mocksrv/mocksrv/internal/junit"
)

// WriteText writes a human report of results.
func WriteText(w io.Writer, results []*Result) { writeText(w, results, false) }

// WriteFailures writes only the failed scenarios, with their failed steps,
// and the verdict line: the short form of WriteText.
func WriteFailures(w io.Writer, results []*Result) { writeText(w, results, true) }

func writeText(w io.Writer, results []*Result, failuresOnly bool) {
	passed := 0
	for _, r := range results {
		verdict := "PASS"
		if !r.Passed {
			verdict = "FAIL"
		} else {
			passed++
		}
		if failuresOnly && r.Passed {
			continue
		}
		fmt.Fprintf(w, "%s  %s (%s, tenant %s, %s)\n", verdict, r.Scenario, r.File, r.Tenant, r.Duration.Round(time.Millisecond))
		if r.Error != "" {
			fmt.Fprintf(w, "      %s\n", r.Error)
		}
		for _, s := range r.Steps {
			if s.OK {
				continue
			}
			fmt.Fprintf(w, "      %s: %s\n", s.Step, s.Detail)
			for _, f := range s.Failures {
				fmt.Fprintf(w, "        ✗ %s\n", f)
			}
		}
	}
	if !failuresOnly || passed < len(results) {
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%d of %d scenarios passed\n", passed, len(results))
}

// WriteJUnit writes JUnit XML (internal/junit's shape, the same as
// contract test's): a suite per scenario, a case per step. A scenario that
// could not be set up (or run) gets a "setup" case with an error; a step
// whose expectations fail, a failure naming the first.
func WriteJUnit(w io.Writer, results []*Result) error {
	var suites []junit.Suite
	for _, r := range results {
		s := junit.Suite{Name: r.Scenario, Started: r.Started, Time: r.Duration}
		if r.Error != "" {
			s.Cases = append(s.Cases, junit.Case{Name: "setup", Classname: r.Scenario, Error: &junit.Problem{Type: "setup", Message: r.Error}})
		}
		for _, st := range r.Steps {
			c := junit.Case{Name: st.Step, Classname: r.Scenario, Time: st.Duration}
			if !st.OK {
				msg := st.Detail
				if len(st.Failures) > 0 {
					msg = st.Failures[0]
				}
				c.Failure = &junit.Problem{Type: "expectation", Message: msg, Detail: st.Detail + "\n" + strings.Join(st.Failures, "\n")}
			}
			s.Cases = append(s.Cases, c)
		}
		suites = append(suites, s)
	}
	return junit.Write(w, suites)
}
