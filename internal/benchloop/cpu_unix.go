//go:build unix

package benchloop

import (
	"os"
	"strconv"
	"strings"
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

// RSS returns the process's resident memory in bytes (Linux
// /proc/self/status VmRSS), or 0 where it cannot be read.
func RSS() int64 { return rssOf("self") }

// RSSOf returns the resident memory of process pid in bytes, or 0 where it
// cannot be read.
func RSSOf(pid int) int64 { return rssOf(strconv.Itoa(pid)) }

func rssOf(proc string) int64 {
	b, err := os.ReadFile("/proc/" + proc + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}
