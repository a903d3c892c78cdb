package core

// T is the subset of testing.TB that RunT and the Check* helpers use.
// *testing.T, *testing.B and testing.TB satisfy it; the binary never
// imports package testing.
type T interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Cleanup(func())
}
