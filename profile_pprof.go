//go:build pprof

package main

import (
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"syscall"
)

// A build with -tags pprof writes a CPU profile of the whole process to
// $SSHBOX_CPUPROFILE (with the pid appended, since ssh and sshd may run
// side by side), so the data path can be profiled under real peers:
//
//	go build -tags pprof -o /tmp/sshbox-prof . && SSHBOX_CPUPROFILE=/tmp/cpu /tmp/sshbox-prof sshd ...
//	go tool pprof -top /tmp/sshbox-prof /tmp/cpu.PID
//
// With $SSHBOX_HEAPPROFILE set, every SIGUSR2 writes the heap (live
// objects, after a collection) to $SSHBOX_HEAPPROFILE.PID.N.heap and the
// goroutines to .N.goroutine, and the runtime's memory figures (heap,
// stacks, what was returned to the kernel) to .N.memstats, so a daemon holding idle connections can be
// looked at while it holds them. $SSHBOX_MEMSTATS instead writes only the
// .memstats files, leaving the allocator as the release build runs it:
//
//	go tool pprof -sample_index=inuse_space -top /tmp/sshbox-prof /tmp/heap.PID.1.heap
//
// The release build leaves runtime/pprof out.
func init() {
	startCPUProfile()
	heapProfileOnSignal()
}

func startCPUProfile() {
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

func heapProfileOnSignal() {
	path, stats := os.Getenv("SSHBOX_HEAPPROFILE"), false
	if path == "" {
		// Only the runtime's figures, with the allocator undisturbed by
		// profiling (which keeps a record per sampled allocation).
		path, stats = os.Getenv("SSHBOX_MEMSTATS"), true
	}
	if path == "" {
		return
	}
	if !stats {
		// Every allocation, not one per 512 KiB: a connection's few KiB
		// would otherwise show up in no sample or as a whole 512 KiB.
		runtime.MemProfileRate = 1
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGUSR2)
	go func() {
		for n := 1; ; n++ {
			<-sig
			runtime.GC()
			base := fmt.Sprintf("%s.%d.%d", path, os.Getpid(), n)
			if err := writeMemStats(base + ".memstats"); err != nil {
				fmt.Fprintf(os.Stderr, "sshbox: SSHBOX_HEAPPROFILE: %v\n", err)
			}
			if stats {
				continue
			}
			for _, p := range []struct{ name, ext string }{{"heap", ".heap"}, {"goroutine", ".goroutine"}} {
				if err := writeProfile(p.name, base+p.ext); err != nil {
					fmt.Fprintf(os.Stderr, "sshbox: SSHBOX_HEAPPROFILE: %v\n", err)
				}
			}
		}
	}()
}

func writeProfile(name, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup(name).WriteTo(f, 0); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// writeMemStats writes where the runtime's memory is, in KiB: the
// resident size of a Go daemon is its heap in use plus its goroutine stacks
// plus the runtime's own structures, less what it gave back to the kernel.
func writeMemStats(path string) error {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	text := fmt.Sprintf("goroutines %d\nHeapAlloc %d\nHeapInuse %d\nHeapIdle %d\nHeapReleased %d\n"+
		"StackInuse %d\nMSpanInuse %d\nMCacheInuse %d\nGCSys %d\nOtherSys %d\nSys %d\nNumGC %d\n",
		runtime.NumGoroutine(), m.HeapAlloc>>10, m.HeapInuse>>10, m.HeapIdle>>10, m.HeapReleased>>10,
		m.StackInuse>>10, m.MSpanInuse>>10, m.MCacheInuse>>10, m.GCSys>>10, m.OtherSys>>10, m.Sys>>10, m.NumGC)
	return os.WriteFile(path, []byte(text), 0o644)
}
