// Package scenarios runs QA scenarios: YAML files that set a stage (a
// tenant, a seed, cardholders, cards, balances), move the clock, drive
// cards, inject faults and call provider endpoints signed the provider's
// way, with expectations on the answers, the webhooks delivered and the
// journal. QA writes them without Go; CI runs the library in
// library/*.yaml as part of the project's tests.
//
// The format is described by scenario.schema.json (for editors) and the
// guide docs/scenarios.md. Errors in a file name the file,
// line and field.
//
// A scenario runs in-process against a fresh Fleet (RunFile with no
// Target, and Run for Go tests), or against a running mocksrv over its
// admin API (Options.Target). Load applies only the given section, to set
// up a QA environment for manual testing in an app.
package scenarios
