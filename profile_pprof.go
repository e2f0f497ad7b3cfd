//go:build pprof

package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// A build with -tags pprof writes a CPU profile of the whole process to
// $SSHBOX_CPUPROFILE (with the pid appended, since ssh and sshd may run
// side by side), so the data path can be profiled under real peers:
//
//	go build -tags pprof -o /tmp/sshbox-prof . && SSHBOX_CPUPROFILE=/tmp/cpu /tmp/sshbox-prof sshd ...
//	go tool pprof -top /tmp/sshbox-prof /tmp/cpu.PID
//
// The release build leaves runtime/pprof out.
func init() {
	path := os.Getenv("SSHBOX_CPUPROFILE")
	if path == "" {
		return
	}
	f, err := os.Create(fmt.Sprintf("%s.%d", path, os.Getpid()))
	if err != nil {
		fmt.Fprintf(os.Stderr, "sshbox: SSHBOX_CPUPROFILE: %v\n", err)
		return
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(os.Stderr, "sshbox: SSHBOX_CPUPROFILE: %v\n", err)
		return
	}
	stopProfile = func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
