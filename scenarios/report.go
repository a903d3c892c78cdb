package scenarios

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// WriteText writes a human report of results.
func WriteText(w io.Writer, results []*Result) {
	passed := 0
	for _, r := range results {
		verdict := "PASS"
		if !r.Passed {
			verdict = "FAIL"
		} else {
			passed++
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
	fmt.Fprintf(w, "\n%d of %d scenarios passed\n", passed, len(results))
}

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Time     float64     `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes JUnit XML: a suite per scenario, a case per step.
func WriteJUnit(w io.Writer, results []*Result) error {
	var out junitSuites
	for _, r := range results {
		s := junitSuite{Name: r.Scenario, Time: r.Duration.Seconds()}
		if r.Error != "" {
			s.Cases = append(s.Cases, junitCase{Name: "setup", Classname: r.Scenario, Failure: &junitFailure{Message: r.Error, Text: r.Error}})
			s.Failures++
		}
		for _, st := range r.Steps {
			c := junitCase{Name: st.Step, Classname: r.Scenario}
			if !st.OK {
				c.Failure = &junitFailure{Message: st.Failures[0], Text: st.Detail + "\n" + strings.Join(st.Failures, "\n")}
				s.Failures++
			}
			s.Cases = append(s.Cases, c)
		}
		s.Tests = len(s.Cases)
		out.Suites = append(out.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	return enc.Encode(out)
}
