// Package sshkeyscan is the ssh-keyscan applet: OpenSSH's command line and
// output over sshcore/knownhosts' scanner, one connection per key type.
package sshkeyscan

import (
	"bufio"
	"crypto/sha1"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/internal/errtext"
	"sshbox/internal/help"
	kh "sshbox/sshcore/knownhosts"
)

// Main runs ssh-keyscan with argv and returns its exit status.
func Main(args []string) int {
	if help.Asked(args[1:], true) {
		help.Print(os.Stderr, msgUsage)
		return 1
	}
	return run(args[1:], os.Stdin, os.Stdout, os.Stderr)
}

type app struct {
	*opts
	stdout, stderr io.Writer
	found          bool
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, status := parseArgs(args, stderr)
	if o == nil {
		return status
	}
	a := &app{opts: o, stdout: stdout, stderr: stderr}
	for _, f := range o.files {
		if !a.scanFile(f, stdin) {
			return 255 // OpenSSH's fatal()
		}
	}
	for _, h := range o.hosts {
		a.scanHost(h)
	}
	if a.found {
		return 0
	}
	return 1
}

// scanFile reads "addrlist [namelist]" lines from a file ("-": stdin).
func (a *app) scanFile(name string, stdin io.Reader) bool {
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(a.stderr, msgOpenFile, name, errtext.Reason(err))
			return false
		}
		defer f.Close()
		r = f
	}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		a.scanHost(line)
	}
	return true
}

// scanHost handles one "addrlist [namelist]": each address is asked, and
// its keys are printed under every name (the addresses when no names).
func (a *app) scanHost(spec string) {
	f := strings.Fields(spec)
	if len(f) == 0 {
		return
	}
	names := f[0]
	if len(f) > 1 {
		names = f[1]
	}
	for _, addr := range strings.Split(f[0], ",") {
		if addr == "" {
			continue
		}
		results := kh.ScanWith(addr, kh.ScanOptions{Port: a.port, Types: a.types,
			Timeout: time.Duration(a.timeout) * time.Second, Network: a.network, Certs: a.certs})
		for _, r := range results {
			a.report(addr, names, r)
		}
	}
}

func (a *app) report(addr, names string, r kh.ScanResult) {
	if r.Err != nil {
		// A refused or silent host prints nothing, as OpenSSH; only a name
		// that does not resolve is worth a line.
		var dnsErr *net.DNSError
		if errors.As(r.Err, &dnsErr) {
			why := dnsErr.Err
			if dnsErr.IsNotFound {
				why = "Name or service not known"
			}
			fmt.Fprintf(a.stderr, msgResolve, addr, why)
		} else if a.verbose > 0 {
			fmt.Fprintf(a.stderr, msgDebugConnected, addr, a.port, r.Type, r.Err)
		}
		return
	}
	if !a.quiet {
		mark := '#'
		if a.sshfp {
			mark = ';'
		}
		fmt.Fprintf(a.stderr, msgComment, mark, addr, a.port, r.Version)
	}
	if r.Key == nil {
		return // the server has no key of this type: the normal case
	}
	a.found = true
	// As OpenSSH's keyprint: a certificate, or an unhashed name on port 22,
	// is printed once for the whole name list; otherwise once per name.
	list := []string{names}
	if !a.certs && (a.hash || a.port != 22) {
		list = strings.Split(names, ",")
	}
	for _, name := range list {
		if name == "" {
			continue
		}
		name = strings.ToLower(name)
		switch {
		case a.sshfp:
			a.printSSHFP(name, r.Key)
		case a.certs:
			// Certificates name their hosts themselves; OpenSSH prints
			// them without a host field.
			fmt.Fprintln(a.stdout, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(r.Key))))
		default:
			fmt.Fprintln(a.stdout, kh.FormatLine(name, a.port, r.Key, a.hash))
		}
	}
}

// sshfpAlgo is RFC 4255/6594/7479's algorithm number per key type.
func sshfpAlgo(k ssh.PublicKey) int {
	switch t := k.Type(); {
	case t == ssh.KeyAlgoRSA:
		return 1
	case strings.HasPrefix(t, "ecdsa-"):
		return 3
	case t == ssh.KeyAlgoED25519:
		return 4
	}
	return 0
}

// printSSHFP is -D: SHA-1 and SHA-256 records of the key blob.
func (a *app) printSSHFP(name string, key ssh.PublicKey) {
	alg := sshfpAlgo(key)
	if alg == 0 {
		return
	}
	blob := key.Marshal()
	s1 := sha1.Sum(blob)
	s256 := sha256.Sum256(blob)
	fmt.Fprintf(a.stdout, msgSSHFP, name, alg, 1, s1[:])
	fmt.Fprintf(a.stdout, msgSSHFP, name, alg, 2, s256[:])
}
