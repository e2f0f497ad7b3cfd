package sshd

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"sshbox/internal/getopt"
)

// optString is OpenSSH 10 sshd's getopt string. -b, -k (protocol 1), -u
// (utmp host name length), -Q and -r (no re-exec: sshbox never re-execs)
// are accepted and change nothing, as in OpenSSH where they are
// obsolete or only tune what sshbox does not do.
const optString = "C:E:b:c:f:g:h:k:o:p:u:46DGQTdeiqrtV"

// Arguments that only sshbox's applets put in front of sshd's command
// line, for what Dropbear's command line asks and neither OpenSSH's sshd
// nor its sshd_config has a flag or keyword for; no OpenSSH flag or
// keyword is borrowed for them. They are on the command line (not passed
// in memory) because sshd runs itself again with its command line, to
// detach and under an anchor. Anywhere else on the line they are what
// OpenSSH makes of a long option: an error.
const (
	// IdleTimeoutArg carries Dropbear's -I: "--idle-timeout=SECONDS" sets
	// server.Server.IdleTimeout.
	IdleTimeoutArg = "--idle-timeout="
	// RootKeysArg carries OpenWrt's Dropbear patch: root's keys in
	// "--root-authorized-keys=FILE" when FILE exists
	// (server.Server.RootAuthorizedKeysFile).
	RootKeysArg = "--root-authorized-keys="
	// PassEnvArg carries Dropbear's -e: sessions start from sshd's own
	// environment (server.Server.InheritEnv).
	PassEnvArg = "--pass-environment"
	// DropbearEnvArg carries what every Dropbear session gets and no
	// OpenSSH session does: LANG from the server's environment and
	// SSH_PUBKEYINFO from the key's line (server.Server.DropbearEnv).
	DropbearEnvArg = "--dropbear-environment"
	// RecvWindowArg carries Dropbear's -W: "--receive-window=BYTES" sets
	// server.Server.ChannelWindow.
	RecvWindowArg = "--receive-window="
)

// internalArgs are the prefixes of those arguments.
var internalArgs = []string{IdleTimeoutArg, RootKeysArg, PassEnvArg, DropbearEnvArg, RecvWindowArg}

func isInternal(arg string) bool {
	for _, p := range internalArgs {
		if strings.HasPrefix(arg, p) {
			return true
		}
	}
	return false
}

// splitInternal takes the arguments that only sshbox's applets put in
// front of sshd's command line off it.
func splitInternal(args []string) (internal, rest []string) {
	n := 0
	for n < len(args) && isInternal(args[n]) {
		n++
	}
	return args[:n], args[n:]
}

// plainError is a command line mistake OpenSSH reports in one line of its
// own, without the usage.
type plainError string

func (e plainError) Error() string { return string(e) }

// parseFlags reads sshd's command line (without the program name).
func parseFlags(args []string) (f flags, version bool, err error) {
	f.configFile = defaultConfigFile
	internal, args := splitInternal(args)
	for _, a := range internal {
		switch {
		case strings.HasPrefix(a, IdleTimeoutArg):
			n, err := strconv.ParseUint(strings.TrimPrefix(a, IdleTimeoutArg), 10, 32)
			if err != nil {
				return f, false, plainError(fmt.Sprintf(msgBadIdleTimeout, a))
			}
			f.idleTimeout = time.Duration(n) * time.Second
		case strings.HasPrefix(a, RootKeysArg):
			p := strings.TrimPrefix(a, RootKeysArg)
			if !filepath.IsAbs(p) {
				return f, false, plainError(fmt.Sprintf(msgBadRootKeys, a))
			}
			f.rootKeys = p
		case a == PassEnvArg:
			f.passEnv = true
		case a == DropbearEnvArg:
			f.dropbearEnv = true
		case strings.HasPrefix(a, RecvWindowArg):
			n, err := strconv.ParseUint(strings.TrimPrefix(a, RecvWindowArg), 10, 32)
			if err != nil || n == 0 {
				return f, false, plainError(fmt.Sprintf(msgBadInternal, a))
			}
			f.recvWindow = uint32(n)
		default:
			return f, false, plainError(fmt.Sprintf(msgBadInternal, a))
		}
	}
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
