package scenarios

import (
	"context"
	"strings"
)

// T is the subset of testing.TB that Run uses.
type T interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
}

// Run runs a scenario file (or a library scenario by name) in-process and
// fails t with the report when it does not pass:
//
//	scenarios.Run(t, "scenarios/library/keysecure-card-expiry.yaml")
func Run(t T, file string) *Result {
	t.Helper()
	var sc *Scenario
	var err error
	if strings.HasSuffix(file, ".yaml") || strings.HasSuffix(file, ".yml") || strings.Contains(file, "/") {
		sc, err = LoadFile(file)
	} else {
		sc, err = FromLibrary(file)
	}
	if err != nil {
		t.Fatalf("%v", err)
		return nil
	}
	res := RunScenario(context.Background(), sc, Options{})
	if !res.Passed {
		var b strings.Builder
		WriteText(&b, []*Result{res})
		t.Errorf("scenario %s failed:\n%s", sc.Name, b.String())
	}
	return res
}
