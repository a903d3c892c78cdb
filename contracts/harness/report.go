package harness

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"strings"
)

// WriteText writes the human summary: one line per check with its
// verdict, then every violation (pointer, rule, value), coverage and drift.
func (rep *Report) WriteText(w io.Writer) {
	passed, failed, skipped := rep.Counts()
	fmt.Fprintf(w, "mocksrv contract %s — %s (%s mode%s)\n\n", rep.Tool, rep.Provider, rep.Mode, map[bool]string{true: ", strict"}[rep.Strict])
	for _, r := range rep.Results {
		verdict := "PASS"
		switch {
		case r.Skipped != "":
			verdict = "SKIP"
		case r.Failed(rep.Strict):
			verdict = "FAIL"
		}
		fmt.Fprintf(w, "%s  %-40s %s\n", verdict, r.Name(), r.Source)
		if r.Skipped != "" {
			fmt.Fprintf(w, "      %s\n", r.Skipped)
		}
		if r.Error != "" {
			fmt.Fprintf(w, "      %s\n", r.Error)
		}
		for _, v := range r.Violations {
			mark := "✗"
			if isUnknownField(v) && !rep.Strict {
				mark = "~" // reported, not failing outside --strict
			}
			p := v.Pointer
			if p == "" {
				p = "/"
			}
			fmt.Fprintf(w, "      %s %s: %s [rule: %s]", mark, p, v.Message, v.Keyword)
			if v.Value != "" {
				fmt.Fprintf(w, " value: %s", v.Value)
			}
			fmt.Fprintf(w, "  (%s)\n", r.Schema)
		}
	}
	c := rep.Coverage
	fmt.Fprintf(w, "\ncoverage: %d of %d operations exercised\n", c.Touched, c.Total)
	for _, o := range c.Operations {
		if len(o.Variants) > 0 || o.Requests > 0 {
			fmt.Fprintf(w, "  ✓ %-28s %s", o.Operation, strings.Join(o.Variants, ", "))
			if o.Requests > 0 {
				fmt.Fprintf(w, " (%d request(s) checked)", o.Requests)
			}
			fmt.Fprintln(w)
		}
	}
	var untouched []string
	for _, o := range c.Operations {
		if len(o.Variants) == 0 && o.Requests == 0 {
			untouched = append(untouched, o.Operation)
		}
	}
	if len(untouched) > 0 {
		fmt.Fprintf(w, "  never touched: %s\n", strings.Join(untouched, ", "))
	}
	if len(c.ErrorCodesSeen)+len(c.ErrorCodesUnseen) > 0 {
		fmt.Fprintf(w, "  error codes provoked: %s\n", orNone(c.ErrorCodesSeen))
		fmt.Fprintf(w, "  error codes never seen: %s\n", orNone(c.ErrorCodesUnseen))
	}
	if len(c.Webhooks)+len(c.WebhooksUnseen) > 0 {
		fmt.Fprintf(w, "  webhooks checked: %s; never seen: %s\n", orNone(c.Webhooks), orNone(c.WebhooksUnseen))
	}
	if len(rep.Drift) > 0 {
		fmt.Fprintf(w, "\ndrift (what a maintainer would update in the contract):\n")
		for _, d := range rep.Drift {
			fmt.Fprintf(w, "  %-18s %s %s — %s (×%d)\n", d.Kind, d.Schema, d.Pointer, d.Detail, d.Examples)
		}
	}
	verdict := "OK"
	if !rep.OK() {
		verdict = "FAILED"
	}
	fmt.Fprintf(w, "\n%s: %d passed, %d failed, %d skipped\n", verdict, passed, failed, skipped)
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit writes JUnit XML: one test case per check, grouped by
// operation, with every violation in the failure text.
func (rep *Report) WriteJUnit(w io.Writer) error {
	suite := junitSuite{Name: fmt.Sprintf("mocksrv contract %s %s", rep.Tool, rep.Provider)}
	for _, r := range rep.Results {
		c := junitCase{Name: r.Name() + " — " + r.Source, Classname: rep.Provider + "." + r.Operation}
		switch {
		case r.Skipped != "":
			c.Skipped = &junitSkipped{Message: r.Skipped}
			suite.Skipped++
		case r.Failed(rep.Strict):
			var b strings.Builder
			if r.Error != "" {
				b.WriteString(r.Error + "\n")
			}
			for _, v := range r.Violations {
				fmt.Fprintf(&b, "%s: %s [rule: %s] value: %s (schema %s)\n", orRoot(v.Pointer), v.Message, v.Keyword, v.Value, r.Schema)
			}
			msg := r.Error
			if msg == "" && len(r.Violations) > 0 {
				msg = orRoot(r.Violations[0].Pointer) + ": " + r.Violations[0].Message
			}
			c.Failure = &junitFailure{Message: msg, Text: b.String()}
			suite.Failures++
		}
		suite.Cases = append(suite.Cases, c)
	}
	suite.Tests = len(suite.Cases)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	return enc.Encode(junitSuites{Suites: []junitSuite{suite}})
}

func orRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// WriteJSON writes the whole report as JSON.
func (rep *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	type out struct {
		*Report
		OK bool `json:"ok"`
	}
	return enc.Encode(out{rep, rep.OK()})
}

// WriteFiles writes the JUnit and JSON reports when their paths are set.
func (rep *Report) WriteFiles(junitPath, jsonPath string) error {
	for path, write := range map[string]func(io.Writer) error{junitPath: rep.WriteJUnit, jsonPath: rep.WriteJSON} {
		if path == "" {
			continue
		}
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		err = write(f)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}
