//go:build !unix

package benchloop

import "time"

// CPUTime is not measured on this platform: it returns 0, and the
// cpu-ns/op metric is left out.
func CPUTime() time.Duration { return 0 }

// RSS is not measured on this platform: it returns 0.
func RSS() int64 { return 0 }

// RSSOf is not measured on this platform: it returns 0.
func RSSOf(pid int) int64 { return 0 }
