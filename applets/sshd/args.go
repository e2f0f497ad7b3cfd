package sshd

import (
	"strconv"
	"strings"

	"sshbox/internal/getopt"
)

// optString is OpenSSH 10 sshd's getopt string. -b, -k (protocol 1), -u
// (utmp host name length), -Q and -r (no re-exec: sshbox never re-execs)
// are accepted and change nothing, as in OpenSSH where they are
// obsolete or only tune what sshbox does not do.
const optString = "C:E:b:c:f:g:h:k:o:p:u:46DGQTdeiqrtV"

// plainError is a command line mistake OpenSSH reports in one line of its
// own, without the usage.
type plainError string

func (e plainError) Error() string { return string(e) }

// parseFlags reads sshd's command line (without the program name).
func parseFlags(args []string) (f flags, version bool, err error) {
	f.configFile = defaultConfigFile
	opts, rest, err := getopt.Parse(optString, args)
	if err != nil {
		return f, false, err
	}
	if len(rest) > 0 {
		return f, false, plainError("Extra argument " + rest[0] + ".")
	}
	var specs []string
	for _, o := range opts {
		switch o.Name {
		case "f":
			f.configFile, f.configGiven = o.Arg, true
		case "D":
			f.foreground = true
		case "e":
			f.stderr = true
		case "E":
			f.logFile = o.Arg
		case "d":
			f.debug++
		case "p":
			p, err := strconv.Atoi(o.Arg)
			if err != nil || p <= 0 || p > 65535 {
				return f, false, plainError(msgBadPort)
			}
			f.ports = append(f.ports, p)
		case "h":
			// A HostKey line that comes before the file's, which also
			// replaces the default keys (OpenSSH's servconf does the
			// same).
			f.options = append(f.options, "HostKey="+o.Arg)
		case "c":
			f.options = append(f.options, "HostCertificate="+o.Arg)
		case "g":
			f.options = append(f.options, "LoginGraceTime="+o.Arg)
		case "o":
			f.options = append(f.options, o.Arg)
		case "t":
			f.test = true
		case "T", "G":
			f.testDump = true
		case "C":
			specs = append(specs, o.Arg)
		case "i":
			f.inetd = true
		case "q":
			f.quiet = true
		case "4":
			f.options = append(f.options, "AddressFamily=inet")
		case "6":
			f.options = append(f.options, "AddressFamily=inet6")
		case "V":
			version = true
		}
	}
	f.connSpec = strings.Join(specs, ",")
	return f, version, nil
}
