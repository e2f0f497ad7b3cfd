package sshkeyscan

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"sshbox/configfmt"
	"sshbox/internal/getopt"
	kh "sshbox/sshcore/knownhosts"
)

// optstring is OpenSSH ssh-keyscan's getopt string (with -q, which newer
// OpenSSH has).
const optstring = "46cDHqvf:p:T:t:"

// typeNames maps every name OpenSSH's -t accepts for a type sshbox can
// fetch onto ScanTypes' name.
var typeNames = map[string]string{
	"rsa": "rsa", "ssh-rsa": "rsa", "rsa-sha2-256": "rsa", "rsa-sha2-512": "rsa",
	"ecdsa": "ecdsa", "ecdsa-sha2-nistp256": "ecdsa", "ecdsa-sha2-nistp384": "ecdsa", "ecdsa-sha2-nistp521": "ecdsa",
	"ed25519": "ed25519", "ssh-ed25519": "ed25519",
}

// unsupportedTypes are OpenSSH's types that x/crypto cannot take as host
// keys: asked for explicitly they are an error rather than a silent miss.
var unsupportedTypes = map[string]bool{
	"dsa": true, "ssh-dss": true, "ecdsa-sk": true, "ed25519-sk": true,
	"sk-ecdsa-sha2-nistp256@openssh.com": true, "sk-ssh-ed25519@openssh.com": true,
}

type opts struct {
	network            string
	certs, sshfp, hash bool
	quiet              bool
	verbose            int
	files              []string
	port, timeout      int
	types              []string
	hosts              []string
}

// parseArgs reads the command line; the second result is the exit status
// when the first is nil.
func parseArgs(args []string, stderr io.Writer) (*opts, int) {
	o := &opts{network: "tcp", port: 22, timeout: 5, types: kh.DefaultScanTypes}
	list, rest, err := getopt.Parse(optstring, args)
	if err != nil {
		fmt.Fprintf(stderr, "%s\r\n%s", err, msgUsage)
		return nil, 1
	}
	for _, op := range list {
		switch op.Name {
		case "4":
			o.network = "tcp4"
		case "6":
			o.network = "tcp6"
		case "c":
			o.certs = true
		case "D":
			o.sshfp = true
		case "H":
			o.hash = true
		case "q":
			o.quiet = true
		case "v":
			o.verbose++
		case "f":
			o.files = append(o.files, op.Arg)
		case "p":
			n, err := strconv.Atoi(op.Arg)
			if err != nil || n < 1 || n > 65535 {
				fmt.Fprintf(stderr, msgBadPort, op.Arg)
				return nil, 1
			}
			o.port = n
		case "T":
			n, err := configfmt.ParseTime(op.Arg)
			if err != nil || n == 0 {
				fmt.Fprintf(stderr, msgBadTimeout, op.Arg)
				fmt.Fprint(stderr, msgUsage)
				return nil, 1
			}
			o.timeout = n
		case "t":
			o.types = nil
			seen := map[string]bool{}
			for _, name := range strings.Split(op.Arg, ",") {
				t, ok := typeNames[name]
				if !ok {
					if unsupportedTypes[name] {
						fmt.Fprintf(stderr, msgUnsupported, name)
					} else {
						fmt.Fprintf(stderr, msgUnknownType, name)
					}
					return nil, 255
				}
				if !seen[t] {
					seen[t] = true
					o.types = append(o.types, t)
				}
			}
		}
	}
	o.hosts = rest
	if len(o.hosts) == 0 && len(o.files) == 0 {
		fmt.Fprint(stderr, msgUsage)
		return nil, 1
	}
	return o, 0
}
