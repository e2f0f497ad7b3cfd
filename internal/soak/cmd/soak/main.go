// Command soak is the load side of scripts/bench's soak phase:
//
//	soak gen -n BYTES -seed N [-sum FILE]   BYTES pseudo-random bytes on stdout; their sha256 to FILE
//	soak seq -n N [target flags]            N connections one after another, each running "true"
//	soak hold -n N [target flags]           N idle sessions held open until stdin ends
//
// Target flags: -addr HOST:PORT -user NAME -key FILE -hostkey FILE.PUB.
package main

import (
	"bufio"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"sshbox/internal/soak"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "gen":
		err = gen(os.Args[2:])
	case "seq":
		err = seq(os.Args[2:])
	case "hold":
		err = hold(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "soak %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: soak gen|seq|hold [flags] (see the package comment)")
	os.Exit(2)
}

func gen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	n := fs.Int64("n", 0, "bytes to write")
	seed := fs.Uint64("seed", 0, "stream seed")
	sumFile := fs.String("sum", "", "file to write the sha256 to")
	fs.Parse(args)
	w := bufio.NewWriterSize(os.Stdout, 256<<10)
	sum, err := soak.Stream(w, *n, *seed)
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		return err
	}
	if *sumFile != "" {
		return os.WriteFile(*sumFile, []byte(hex.EncodeToString(sum[:])+"\n"), 0o644)
	}
	return nil
}

func target(fs *flag.FlagSet, args []string) (*soak.Target, int) {
	addr := fs.String("addr", "", "server HOST:PORT")
	user := fs.String("user", "", "account")
	key := fs.String("key", "", "private key file")
	hostKey := fs.String("hostkey", "", "the server's public host key file")
	n := fs.Int("n", 1, "connections")
	fs.Parse(args)
	t, err := soak.LoadTarget(*addr, *user, *key, *hostKey)
	if err != nil {
		fmt.Fprintf(os.Stderr, "soak %s: %v\n", fs.Name(), err)
		os.Exit(1)
	}
	return t, *n
}

// seq prints "N connections, F failed, S s" and fails when any did.
func seq(args []string) error {
	t, n := target(flag.NewFlagSet("seq", flag.ExitOnError), args)
	t0 := time.Now()
	failed, first := t.Sequential(n, "true")
	fmt.Printf("%d connections, %d failed, %.1f s\n", n, failed, time.Since(t0).Seconds())
	if failed > 0 {
		return fmt.Errorf("%d of %d failed, first: %v", failed, n, first)
	}
	return nil
}

// hold prints "open N failed F" once the sessions are up, keeps them until
// its stdin ends (scripts/bench measures the server meanwhile), then closes
// them and prints "closed".
func hold(args []string) error {
	t, n := target(flag.NewFlagSet("hold", flag.ExitOnError), args)
	h, failed, first := t.Hold(n, 32)
	fmt.Printf("open %d failed %d\n", h.Len(), failed)
	if first != nil {
		fmt.Fprintf(os.Stderr, "soak hold: first failure: %v\n", first)
	}
	io.Copy(io.Discard, os.Stdin)
	err := h.Close()
	fmt.Println("closed")
	return err
}
