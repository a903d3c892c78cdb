// Package junit writes test reports as JUnit XML in the shape CI servers
// read: Jenkins (its jenkins-junit.xsd), GitLab and GitHub test reporters.
// Both of mocksrv's tools — contract and scenario — write their JUnit
// reports through it, so the two have one shape:
//
//	<testsuites tests failures errors skipped time>
//	  <testsuite name tests failures errors skipped time timestamp hostname id>
//	    <testcase name classname time>
//	      <failure message type>detail</failure>   (the check ran and failed)
//	      <error message type>detail</error>       (the check could not be made)
//	      <skipped message/>                       (the check did not run)
//
// Counts are computed from the cases, times are seconds with millisecond
// precision, and timestamps are UTC in the zone-less form Ant writes
// (2026-01-02T15:04:05), which every reader accepts.
package junit

import (
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// TimestampLayout is the layout of a suite's timestamp attribute.
const TimestampLayout = "2006-01-02T15:04:05"

// Suite is a group of cases: one contract run, one scenario.
type Suite struct {
	Name    string
	Started time.Time     // when the suite started; zero: when Write runs
	Time    time.Duration // how long it took; zero: the sum of its cases' times
	Cases   []Case
}

// Case is one check or step. At most one of Failure, Error and Skipped is
// set; none means it passed.
type Case struct {
	Name      string
	Classname string
	Time      time.Duration
	Failure   *Problem // the check ran and found something wrong
	Error     *Problem // the check could not be made
	Skipped   string   // why the check did not run
}

// Problem is a failure or an error: a short type, a one-line message and
// the full detail.
type Problem struct {
	Type    string
	Message string
	Detail  string
}

type xmlSuites struct {
	XMLName  xml.Name   `xml:"testsuites"`
	Tests    int        `xml:"tests,attr"`
	Failures int        `xml:"failures,attr"`
	Errors   int        `xml:"errors,attr"`
	Skipped  int        `xml:"skipped,attr"`
	Time     seconds    `xml:"time,attr"`
	Suites   []xmlSuite `xml:"testsuite"`
}

type xmlSuite struct {
	Name      string    `xml:"name,attr"`
	Tests     int       `xml:"tests,attr"`
	Failures  int       `xml:"failures,attr"`
	Errors    int       `xml:"errors,attr"`
	Skipped   int       `xml:"skipped,attr"`
	Time      seconds   `xml:"time,attr"`
	Timestamp string    `xml:"timestamp,attr"`
	Hostname  string    `xml:"hostname,attr"`
	ID        int       `xml:"id,attr"`
	Cases     []xmlCase `xml:"testcase"`
}

type xmlCase struct {
	Name      string      `xml:"name,attr"`
	Classname string      `xml:"classname,attr"`
	Time      seconds     `xml:"time,attr"`
	Failure   *xmlProblem `xml:"failure,omitempty"`
	Error     *xmlProblem `xml:"error,omitempty"`
	Skipped   *xmlSkipped `xml:"skipped,omitempty"`
}

type xmlProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Detail  string `xml:",chardata"`
}

type xmlSkipped struct {
	Message string `xml:"message,attr"`
}

// seconds renders a duration as decimal seconds, "1.250".
type seconds time.Duration

func (s seconds) MarshalText() ([]byte, error) {
	return fmt.Appendf(nil, "%.3f", time.Duration(s).Seconds()), nil
}

// Write writes suites as one JUnit XML document.
func Write(w io.Writer, suites []Suite) error {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	now := time.Now()
	out := xmlSuites{Suites: []xmlSuite{}}
	for i, s := range suites {
		xs := xmlSuite{Name: s.Name, Hostname: host, ID: i, Cases: []xmlCase{}}
		started := s.Started
		if started.IsZero() {
			started = now
		}
		xs.Timestamp = started.UTC().Format(TimestampLayout)
		var sum time.Duration
		for _, c := range s.Cases {
			xc := xmlCase{Name: c.Name, Classname: c.Classname, Time: seconds(c.Time)}
			switch {
			case c.Failure != nil:
				xc.Failure = c.Failure.xml()
				xs.Failures++
			case c.Error != nil:
				xc.Error = c.Error.xml()
				xs.Errors++
			case c.Skipped != "":
				xc.Skipped = &xmlSkipped{Message: c.Skipped}
				xs.Skipped++
			}
			sum += c.Time
			xs.Cases = append(xs.Cases, xc)
		}
		xs.Tests = len(xs.Cases)
		xs.Time = seconds(s.Time)
		if s.Time == 0 {
			xs.Time = seconds(sum)
		}
		out.Tests += xs.Tests
		out.Failures += xs.Failures
		out.Errors += xs.Errors
		out.Skipped += xs.Skipped
		out.Time += xs.Time
		out.Suites = append(out.Suites, xs)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n")
	return err
}

// xml renders a problem; the message attribute is its first line.
func (p *Problem) xml() *xmlProblem {
	msg, _, _ := strings.Cut(strings.TrimSpace(p.Message), "\n")
	detail := p.Detail
	if detail == "" {
		detail = p.Message
	}
	return &xmlProblem{Message: msg, Type: p.Type, Detail: detail}
}
