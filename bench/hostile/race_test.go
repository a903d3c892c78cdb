//go:build race

package main

// raceBuild says the test binary, and so the mocksrv it builds, has the
// race detector.
const raceBuild = true
