// Command minserver runs minserver for the benchmark:
//
//	minserver ADDR HOSTKEY AUTHORIZED_KEY_FILE
package main

import (
	"fmt"
	"net"
	"os"

	"golang.org/x/crypto/ssh"

	"sshbox/internal/minserver"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "minserver: %v\n", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) != 3 {
		return fmt.Errorf("usage: minserver ADDR HOSTKEY AUTHORIZED_KEY_FILE")
	}
	pem, err := os.ReadFile(args[1])
	if err != nil {
		return err
	}
	hostKey, err := ssh.ParsePrivateKey(pem)
	if err != nil {
		return fmt.Errorf("%s: %w", args[1], err)
	}
	line, err := os.ReadFile(args[2])
	if err != nil {
		return err
	}
	allowed, _, _, _, err := ssh.ParseAuthorizedKey(line)
	if err != nil {
		return fmt.Errorf("%s: %w", args[2], err)
	}
	l, err := net.Listen("tcp", args[0])
	if err != nil {
		return err
	}
	return minserver.Serve(l, minserver.Config(hostKey, allowed))
}
