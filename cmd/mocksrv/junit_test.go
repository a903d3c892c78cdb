package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mocksrv/mocksrv/internal/junit"
)

// The JUnit schema CI servers accept, after jenkins-junit.xsd (the
// junit-10.xsd of Jenkins' xUnit plugin; GitLab and GitHub reporters read
// the same shape): for each element, the elements it may hold and its
// attributes with their types. No other element or attribute is allowed
// (the schema has no xs:any or xs:anyAttribute).
type xsdAttr struct {
	required bool
	typ      string // string, int (xs:int ≥ 0 here: a count), time (SUREFIRE_TIME)
}

type xsdElement struct {
	children []string
	text     bool // mixed or simple content
	attrs    map[string]xsdAttr
}

var (
	optString = xsdAttr{typ: "string"}
	reqString = xsdAttr{required: true, typ: "string"}
	reqCount  = xsdAttr{required: true, typ: "int"}
	optCount  = xsdAttr{typ: "int"}
	optTime   = xsdAttr{typ: "time"}

	junitXSD = map[string]xsdElement{
		"testsuites": {children: []string{"testsuite"},
			attrs: map[string]xsdAttr{"name": optString, "time": optTime, "tests": optCount, "failures": optCount, "errors": optCount,
				"skipped": optCount, "disabled": optCount}},
		"testsuite": {children: []string{"testsuite", "properties", "testcase", "system-out", "system-err"},
			attrs: map[string]xsdAttr{"name": reqString, "tests": reqCount, "failures": reqCount, "errors": reqCount, "group": optString,
				"time": optTime, "skipped": optCount, "timestamp": optString, "hostname": optString, "id": optString, "package": optString,
				"file": optString, "log": optString, "url": optString}},
		"testcase": {children: []string{"skipped", "error", "failure", "rerunFailure", "rerunError", "flakyFailure", "flakyError", "system-out", "system-err"},
			attrs: map[string]xsdAttr{"name": reqString, "time": optTime, "classname": optString, "group": optString}},
		"failure":    {text: true, attrs: map[string]xsdAttr{"type": optString, "message": optString}},
		"error":      {text: true, attrs: map[string]xsdAttr{"type": optString, "message": optString}},
		"skipped":    {text: true, attrs: map[string]xsdAttr{"type": optString, "message": optString}},
		"properties": {children: []string{"property"}},
		"property":   {attrs: map[string]xsdAttr{"name": reqString, "value": reqString}},
		"system-out": {text: true},
		"system-err": {text: true},
	}

	surefireTime = regexp.MustCompile(`^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?$`)
	isoTimestamp = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$`) // Ant's, no zone
)

// xmlNode is a parsed element.
type xmlNode struct {
	name     string
	attrs    map[string]string
	children []*xmlNode
	text     string
}

func parseXML(doc []byte) (*xmlNode, error) {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var stack []*xmlNode
	var root *xmlNode
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &xmlNode{name: t.Name.Local, attrs: map[string]string{}}
			for _, a := range t.Attr {
				n.attrs[a.Name.Local] = a.Value
			}
			if len(stack) == 0 {
				if root != nil {
					return nil, fmt.Errorf("more than one root element")
				}
				root = n
			} else {
				parent := stack[len(stack)-1]
				parent.children = append(parent.children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(t)
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("no root element")
	}
	return root, nil
}

// junitProblems checks doc against junitXSD, and against what mocksrv
// promises on top: every suite has tests, failures, errors, skipped, time,
// timestamp (ISO 8601) and hostname, counts that match its cases, and
// every case a time. It returns every problem found.
func junitProblems(doc []byte) []string {
	root, err := parseXML(doc)
	if err != nil {
		return []string{"not XML: " + err.Error()}
	}
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if root.name != "testsuites" && root.name != "testsuite" {
		return []string{fmt.Sprintf("root element <%s>: want <testsuites> or <testsuite>", root.name)}
	}
	var walk func(n *xmlNode, path string)
	walk = func(n *xmlNode, path string) {
		path += "/" + n.name
		el, ok := junitXSD[n.name]
		if !ok {
			add("%s: element not in the schema", path)
			return
		}
		for name, v := range n.attrs {
			a, ok := el.attrs[name]
			if !ok {
				add("%s: attribute %q not in the schema", path, name)
				continue
			}
			switch a.typ {
			case "int":
				if i, err := strconv.Atoi(v); err != nil || i < 0 {
					add("%s/@%s %q: want a count", path, name, v)
				}
			case "time":
				if !surefireTime.MatchString(v) || v == "" {
					add("%s/@%s %q: want seconds (SUREFIRE_TIME)", path, name, v)
				}
			}
		}
		for name, a := range el.attrs {
			if _, ok := n.attrs[name]; a.required && !ok {
				add("%s: required attribute %q missing", path, name)
			}
		}
		if !el.text && strings.TrimSpace(n.text) != "" {
			add("%s: text not allowed", path)
		}
		for _, c := range n.children {
			if !slices.Contains(el.children, c.name) {
				add("%s: <%s> not allowed here", path, c.name)
				continue
			}
			walk(c, path)
		}
	}
	walk(root, "")

	suites := []*xmlNode{root}
	if root.name == "testsuites" {
		suites = root.children
	}
	for _, s := range suites {
		path := fmt.Sprintf("testsuite %q", s.attrs["name"])
		for _, a := range []string{"tests", "failures", "errors", "skipped", "time", "timestamp", "hostname"} {
			if _, ok := s.attrs[a]; !ok {
				add("%s: no %s", path, a)
			}
		}
		if ts := s.attrs["timestamp"]; !isoTimestamp.MatchString(ts) {
			add("%s: timestamp %q is not ISO 8601 (2006-01-02T15:04:05)", path, ts)
		} else if _, err := time.Parse(junit.TimestampLayout, ts); err != nil {
			add("%s: timestamp %q: %v", path, ts, err)
		}
		if strings.TrimSpace(s.attrs["hostname"]) == "" {
			add("%s: empty hostname", path)
		}
		count := map[string]int{}
		for _, c := range s.children {
			if c.name != "testcase" {
				continue
			}
			count["tests"]++
			if _, ok := c.attrs["time"]; !ok {
				add("%s: testcase %q has no time", path, c.attrs["name"])
			}
			for _, r := range c.children {
				switch r.name {
				case "failure":
					count["failures"]++
				case "error":
					count["errors"]++
				case "skipped":
					count["skipped"]++
				}
			}
		}
		for _, a := range []string{"tests", "failures", "errors", "skipped"} {
			if got, _ := strconv.Atoi(s.attrs[a]); got != count[a] {
				add("%s: %s=%q but it holds %d", path, a, s.attrs[a], count[a])
			}
		}
	}
	return problems
}

// junitTotals are a valid JUnit document's totals over its suites.
type junitTotals struct{ suites, tests, failures, errors, skipped int }

// checkJUnit fails t unless doc is valid JUnit (junitProblems), and
// returns its totals.
func checkJUnit(t *testing.T, doc []byte) junitTotals {
	t.Helper()
	require.Empty(t, junitProblems(doc), "JUnit report:\n%s", doc)
	root, err := parseXML(doc)
	require.NoError(t, err)
	var tot junitTotals
	suites := []*xmlNode{root}
	if root.name == "testsuites" {
		suites = root.children
	}
	for _, s := range suites {
		tot.suites++
		n := func(a string) int { v, _ := strconv.Atoi(s.attrs[a]); return v }
		tot.tests += n("tests")
		tot.failures += n("failures")
		tot.errors += n("errors")
		tot.skipped += n("skipped")
	}
	return tot
}

// TestJUnitCheckerCatchesWhatCIRejects: the checker is not vacuous.
func TestJUnitCheckerCatchesWhatCIRejects(t *testing.T) {
	t.Parallel()
	bad := `<testsuites><testsuite name="s" tests="2" failures="0" skipped="x" time="1.5s" timestamp="yesterday">
<testcase name="a" classname="c" time="0.1"><failure message="m" kind="k"/></testcase>
<testcase classname="c"><output/></testcase>
</testsuite></testsuites>`
	got := strings.Join(junitProblems([]byte(bad)), "\n")
	for _, want := range []string{
		`required attribute "errors" missing`,   // jenkins-junit.xsd requires errors
		`/@skipped "x": want a count`,           // a count
		`/@time "1.5s": want seconds`,           // SUREFIRE_TIME
		`attribute "kind" not in the schema`,    // no such attribute
		`required attribute "name" missing`,     // testcase name
		`<output> not allowed here`,             // no such element
		`no hostname`,                           // mocksrv's promise
		`timestamp "yesterday" is not ISO 8601`, // mocksrv's promise
		`testcase "" has no time`,               // mocksrv's promise
		`failures="0" but it holds 1`,           // counts match
	} {
		assert.Contains(t, got, want)
	}
	assert.Equal(t, []string{"root element <report>: want <testsuites> or <testsuite>"}, junitProblems([]byte(`<report/>`)))
}

// TestJUnitWriterShape writes every kind of case through internal/junit,
// the writer both tools use, and checks it against the schema.
func TestJUnitWriterShape(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	started := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	require.NoError(t, junit.Write(&b, []junit.Suite{
		{Name: "one", Started: started, Time: 1500 * time.Millisecond, Cases: []junit.Case{
			{Name: "passes", Classname: "c", Time: 250 * time.Millisecond},
			{Name: "fails", Classname: "c", Failure: &junit.Problem{Type: "contract", Message: "line one\nline two", Detail: "all of it"}},
			{Name: "cannot run", Classname: "c", Error: &junit.Problem{Type: "setup", Message: "no server"}},
			{Name: "not run", Classname: "c", Skipped: "no card"},
		}},
		{Name: "empty"},
	}))
	tot := checkJUnit(t, b.Bytes())
	assert.Equal(t, junitTotals{suites: 2, tests: 4, failures: 1, errors: 1, skipped: 1}, tot)
	doc := b.String()
	assert.Contains(t, doc, `<testsuite name="one" tests="4" failures="1" errors="1" skipped="1" time="1.500" timestamp="2026-01-02T03:04:05"`)
	assert.Contains(t, doc, `<testcase name="passes" classname="c" time="0.250">`)
	assert.Contains(t, doc, `<failure message="line one" type="contract">all of it</failure>`, "the message is the first line")
	assert.Contains(t, doc, `<error message="no server" type="setup">no server</error>`)
	assert.Contains(t, doc, `<skipped message="no card"></skipped>`)
	assert.Contains(t, doc, `<testsuites tests="4" failures="1" errors="1" skipped="1" time="1.500">`)
}
