package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// output is where a report flag (--junit, --json) sends its report: a
// file, "-" for standard output, or nowhere ("").
type output struct {
	flag, path string
}

// toStdout reports whether the report goes to standard output.
func (o output) toStdout() bool { return o.path == "-" }

// prepare makes sure the report can be written before the run starts, so
// a long run never ends by losing it: it creates the file's directory and
// checks that the file can be written there (without leaving one behind).
func (o output) prepare() error {
	if o.path == "" || o.toStdout() {
		return nil
	}
	if st, err := os.Stat(o.path); err == nil && st.IsDir() {
		return fmt.Errorf("--%s %s: is a directory; want a file name", o.flag, o.path)
	}
	dir := filepath.Dir(o.path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--%s %s: cannot create its directory: %w", o.flag, o.path, err)
	}
	if f, err := os.OpenFile(o.path, os.O_WRONLY, 0); err == nil {
		return f.Close() // it exists and can be overwritten
	} else if !os.IsNotExist(err) {
		return fmt.Errorf("--%s %s: cannot write it: %w", o.flag, o.path, err)
	}
	probe, err := os.CreateTemp(dir, ".mocksrv-probe-*")
	if err != nil {
		return fmt.Errorf("--%s %s: cannot write in %s: %w", o.flag, o.path, dir, err)
	}
	probe.Close()
	return os.Remove(probe.Name())
}

// write renders the report with render and writes it to its destination.
func (o output) write(stdout io.Writer, render func(io.Writer) error) error {
	switch o.path {
	case "":
		return nil
	case "-":
		return render(stdout)
	}
	var b bytes.Buffer
	if err := render(&b); err != nil {
		return fmt.Errorf("--%s %s: %w", o.flag, o.path, err)
	}
	if err := os.WriteFile(o.path, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("--%s %s: %w", o.flag, o.path, err)
	}
	return nil
}

// prepareOutputs prepares a command's report outputs: at most one of them
// may be standard output. text is where the human report goes: standard
// output, or standard error when a report takes standard output.
func prepareOutputs(stdout, stderr io.Writer, outs ...output) (text io.Writer, err error) {
	text = stdout
	var toStdout []string
	for _, o := range outs {
		if err := o.prepare(); err != nil {
			return nil, err
		}
		if o.toStdout() {
			toStdout = append(toStdout, "--"+o.flag)
			text = stderr
		}
	}
	if len(toStdout) > 1 {
		return nil, fmt.Errorf("%s and %s both ask for standard output (-); give one of them a file", toStdout[0], toStdout[1])
	}
	return text, nil
}

// progress returns where live progress lines go: standard error when it is
// a terminal and quiet is off, else nowhere (nil). In a CI log, where
// standard error and output are merged, each check then shows once, in the
// report.
func progress(stderr io.Writer, quiet bool) io.Writer {
	if f, ok := stderr.(*os.File); ok && !quiet && isTerminal(f) {
		return stderr
	}
	return nil
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
