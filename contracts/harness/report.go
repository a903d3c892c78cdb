package harness

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/mocksrv/mocksrv/internal/junit"
)

// textWidth is where WriteText wraps long lists (coverage, error codes).
const textWidth = 100

// WriteText writes the human summary: one line per check with its
// verdict, then every violation (pointer, rule, value), coverage and drift,
// then the verdict line.
func (rep *Report) WriteText(w io.Writer) { rep.writeText(w, false) }

// WriteFailures writes only the checks that failed, with their violations,
// and the verdict line: the short form of WriteText (--quiet).
func (rep *Report) WriteFailures(w io.Writer) { rep.writeText(w, true) }

func (rep *Report) writeText(w io.Writer, failuresOnly bool) {
	passed, failed, skipped := rep.Counts()
	if !failuresOnly {
		fmt.Fprintf(w, "mocksrv contract %s — %s (%s mode%s)\n\n", rep.Tool, rep.Provider, rep.Mode, map[bool]string{true: ", strict"}[rep.Strict])
	}
	for _, r := range rep.Results {
		verdict := "PASS"
		switch {
		case r.Skipped != "":
			verdict = "SKIP"
		case r.Failed(rep.Strict):
			verdict = "FAIL"
		}
		if failuresOnly && verdict != "FAIL" {
			continue
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
	if !failuresOnly {
		rep.writeCoverage(w)
	}
	verdict := "OK"
	if !rep.OK() {
		verdict = "FAILED"
	}
	if !failuresOnly || failed > 0 {
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "%s: %d passed, %d failed, %d skipped\n", verdict, passed, failed, skipped)
}

// writeCoverage writes the coverage and drift sections, long lines
// wrapped at textWidth.
func (rep *Report) writeCoverage(w io.Writer) {
	c := rep.Coverage
	fmt.Fprintf(w, "\ncoverage: %d of %d operations exercised\n", c.Touched, c.Total)
	for _, o := range c.Operations {
		if len(o.Variants) > 0 || o.Requests > 0 {
			words := commas(o.Variants)
			if o.Requests > 0 {
				words = append(words, fmt.Sprintf("(%d request(s) checked)", o.Requests))
			}
			writeWrapped(w, fmt.Sprintf("  ✓ %-28s ", o.Operation), words)
		}
	}
	var untouched []string
	for _, o := range c.Operations {
		if len(o.Variants) == 0 && o.Requests == 0 {
			untouched = append(untouched, o.Operation)
		}
	}
	if len(untouched) > 0 {
		writeWrapped(w, "  never touched: ", commas(untouched))
	}
	if len(c.ErrorCodesSeen)+len(c.ErrorCodesUnseen) > 0 {
		writeWrapped(w, "  error codes provoked: ", commas(orNone(c.ErrorCodesSeen)))
		writeWrapped(w, "  error codes never seen: ", commas(orNone(c.ErrorCodesUnseen)))
	}
	if len(c.Webhooks)+len(c.WebhooksUnseen) > 0 {
		writeWrapped(w, "  webhooks checked: ", commas(orNone(c.Webhooks)))
		writeWrapped(w, "  webhooks never seen: ", commas(orNone(c.WebhooksUnseen)))
	}
	if len(rep.Drift) > 0 {
		fmt.Fprintf(w, "\ndrift (what a maintainer would update in the contract):\n")
		for _, d := range rep.Drift {
			writeWrapped(w, fmt.Sprintf("  %-18s ", d.Kind), strings.Fields(fmt.Sprintf("%s %s — %s (×%d)", d.Schema, d.Pointer, d.Detail, d.Examples)))
		}
	}
}

// commas puts a comma after every item but the last.
func commas(items []string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it
		if i < len(items)-1 {
			out[i] += ","
		}
	}
	return out
}

// writeWrapped writes label and words, separated by spaces, wrapped at
// textWidth with continuation lines indented under the first word. A word
// longer than the line stays whole.
func writeWrapped(w io.Writer, label string, words []string) {
	indent := strings.Repeat(" ", utf8.RuneCountInString(label))
	var b strings.Builder
	b.WriteString(label)
	n := utf8.RuneCountInString(label)
	for i, word := range words {
		width := utf8.RuneCountInString(word)
		if i > 0 {
			if n+1+width > textWidth {
				b.WriteString("\n" + indent)
				n = len(indent)
			} else {
				b.WriteString(" ")
				n++
			}
		}
		b.WriteString(word)
		n += width
	}
	fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
}

func orNone(s []string) []string {
	if len(s) == 0 {
		return []string{"none"}
	}
	return s
}

// WriteJUnit writes JUnit XML (internal/junit's shape, the same as
// scenario run's): one suite for the run, one test case per check. A check
// that could not be made (no schema for the answer, the conversation
// stopped) is an error; a body that breaks its contract, or a step that
// got another outcome than it expected, a failure.
func (rep *Report) WriteJUnit(w io.Writer) error {
	suite := junit.Suite{Name: fmt.Sprintf("mocksrv contract %s %s", rep.Tool, rep.Provider), Started: rep.Started, Time: rep.Elapsed}
	for _, r := range rep.Results {
		c := junit.Case{Name: strings.TrimSpace(r.Name() + " — " + r.Source), Classname: rep.Provider, Time: r.Elapsed}
		if r.Operation != "" {
			c.Classname += "." + r.Operation
		}
		switch {
		case r.Skipped != "":
			c.Skipped = r.Skipped
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
			if r.Error != "" && r.Schema == "" {
				c.Error = &junit.Problem{Type: "not checked", Message: msg, Detail: b.String()}
			} else {
				c.Failure = &junit.Problem{Type: "contract", Message: msg, Detail: b.String()}
			}
		}
		suite.Cases = append(suite.Cases, c)
	}
	return junit.Write(w, []junit.Suite{suite})
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

// WriteFiles writes the JUnit and JSON reports when their paths are set,
// creating their directories.
func (rep *Report) WriteFiles(junitPath, jsonPath string) error {
	for path, write := range map[string]func(io.Writer) error{junitPath: rep.WriteJUnit, jsonPath: rep.WriteJSON} {
		if path == "" {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
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
