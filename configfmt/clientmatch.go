package configfmt

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// The client Match criteria that look outside the configuration: exec
// runs a command, localnetwork looks at the machine's interfaces.

// matchExec runs a Match exec command through the user's shell, as
// OpenSSH's execute_in_shell: tokens expanded with the values known so
// far, stdin and stdout on /dev/null, stderr left to the terminal; exit
// status 0 is a match. A command that cannot be started is an error.
func (e *clientEval) matchExec(arg string) (bool, error) {
	host := e.hostname()
	user := e.o.User
	if user == "" {
		user = e.local.name
	}
	port := strconv.Itoa(e.o.Port)
	alias := strings.ToLower(e.o.HostKeyAlias)
	if alias == "" {
		alias = host
	}
	jump := e.o.ProxyJump
	if jump == "none" {
		jump = ""
	}
	shortHost, _, _ := strings.Cut(e.local.host, ".")
	sum := sha1.Sum([]byte(e.local.host + host + port + user))
	cmdline, err := expandTokens(arg, map[byte]string{
		'C': hex.EncodeToString(sum[:]), 'L': shortHost, 'd': e.local.home, 'h': host,
		'k': alias, 'l': e.local.host, 'n': e.orig, 'p': port, 'r': user,
		'u': e.local.name, 'i': e.local.uid, 'j': jump,
	})
	if err != nil {
		return false, err
	}
	return execShell(cmdline)
}

// execShell runs Match exec commands; the fuzz targets replace it, so that
// what they make up is never run.
var execShell = runInShell

// runInShell runs cmdline with $SHELL -c (/bin/sh when unset) and reports
// whether it exited 0.
func runInShell(cmdline string) (bool, error) {
	shell := os.Getenv("SHELL")
	if shell == "" {
		shell = "/bin/sh"
	}
	cmd := exec.Command(shell, "-c", cmdline)
	cmd.Stderr = os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &exit) && exit.ExitCode() >= 0:
		return false, nil
	case errors.As(err, &exit):
		// Killed by a signal: OpenSSH's "exited abnormally", an error.
		return false, fmt.Errorf("command exited abnormally: %v", err)
	}
	return false, err
}

// matchLocalNetwork: some address of a local interface lies in one of the
// CIDR blocks of list (OpenSSH 9.4's Match localnetwork).
func matchLocalNetwork(list string) (bool, error) {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return false, err
	}
	for _, a := range addrs {
		n, ok := a.(*net.IPNet)
		if !ok {
			continue
		}
		switch matchAddrList(n.IP.String(), list) {
		case 1:
			return true, nil
		case -2:
			return false, errors.New("invalid CIDR list")
		}
	}
	return false, nil
}
