// Command delayproxy relays TCP connections with a delay each way, for
// scripts/bench: delayproxy LISTEN_ADDR TARGET_ADDR DELAY (e.g. 25ms).
package main

import (
	"fmt"
	"net"
	"os"
	"time"

	"sshbox/internal/delayproxy"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: delayproxy listen_addr target_addr delay")
		os.Exit(2)
	}
	d, err := time.ParseDuration(os.Args[3])
	if err != nil {
		fmt.Fprintf(os.Stderr, "delayproxy: bad delay %q\n", os.Args[3])
		os.Exit(2)
	}
	l, err := net.Listen("tcp", os.Args[1])
	if err != nil {
		fmt.Fprintf(os.Stderr, "delayproxy: %v\n", err)
		os.Exit(1)
	}
	p := &delayproxy.Proxy{Target: os.Args[2], Delay: d}
	fmt.Fprintln(os.Stderr, p.Serve(l))
	os.Exit(1)
}
