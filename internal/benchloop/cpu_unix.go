//go:build unix

package benchloop

import (
	"syscall"
	"time"
)

// CPUTime returns the CPU time (user and system, every thread, the garbage
// collector's included) the process has used so far. On a machine shared
// with other work, CPU time per operation stays steady where wall time
// does not.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
