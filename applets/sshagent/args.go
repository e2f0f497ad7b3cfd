package sshagent

import (
	"fmt"
	"io"

	"sshbox/configfmt"
	"sshbox/internal/getopt"
	"sshbox/sshcore/keys"
)

// optstring is OpenSSH ssh-agent's getopt string.
const optstring = "cDdksE:a:O:P:t:"

// opts is the parsed command line.
type opts struct {
	csh, sh, foreground, debug, kill bool
	bind                             string
	hash                             string
	lifetime                         int
	command                          []string
}

// parseArgs reads ssh-agent's command line; a mistake is printed with the
// usage, and the returned status is the one to exit with.
func parseArgs(args []string, stderr io.Writer) (*opts, int, bool) {
	o := &opts{hash: "sha256"}
	list, rest, err := getopt.Parse(optstring, args)
	if err != nil {
		fmt.Fprintf(stderr, "%s\r\n%s", err, msgUsage)
		return nil, 1, false
	}
	for _, op := range list {
		switch op.Name {
		case "c":
			if o.sh {
				fmt.Fprint(stderr, msgUsage)
				return nil, 1, false
			}
			o.csh = true
		case "s":
			if o.csh {
				fmt.Fprint(stderr, msgUsage)
				return nil, 1, false
			}
			o.sh = true
		case "D":
			o.foreground = true
		case "d":
			o.debug = true
		case "k":
			o.kill = true
		case "a":
			o.bind = op.Arg
		case "E":
			if !keys.ValidHash(op.Arg) {
				fmt.Fprintf(stderr, msgBadHash, op.Arg)
				return nil, 255, false
			}
			o.hash = op.Arg
		case "O":
			// OpenSSH's -O options relax PKCS#11/FIDO rules; sshbox loads
			// no providers, so they change nothing, but others are errors.
			if op.Arg != "no-restrict-websafe" && op.Arg != "allow-remote-pkcs11" {
				fmt.Fprint(stderr, msgBadOption)
				return nil, 255, false
			}
		case "P":
			// Allowed PKCS#11 providers: none are ever loaded.
		case "t":
			n, err := configfmt.ParseTime(op.Arg)
			if err != nil {
				fmt.Fprint(stderr, msgInvalidLifetime)
				fmt.Fprint(stderr, msgUsage)
				return nil, 1, false
			}
			o.lifetime = n
		}
	}
	if (o.foreground || o.debug) && o.kill || o.foreground && o.debug {
		fmt.Fprint(stderr, msgUsage)
		return nil, 1, false
	}
	o.command = rest
	if len(rest) > 0 && (o.csh || o.sh || o.kill || o.debug || o.foreground) {
		fmt.Fprint(stderr, msgUsage)
		return nil, 1, false
	}
	return o, 0, true
}
