// Package scp is the scp applet: OpenSSH's scp command line over
// sshcore/transfer. It speaks SFTP by default and the old scp protocol
// with -O, and it is also that protocol's remote end (scp -t, scp -f), so
// that OpenSSH's and Dropbear's scp can copy to and from a host whose only
// scp is sshbox.
package scp

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"sshbox/applets/ssh"
	"sshbox/applets/xferconn"
	"sshbox/internal/getopt"
	"sshbox/internal/help"
	"sshbox/internal/vis"
	"sshbox/sshcore/transfer"
)

// invocation is what the command line said.
type invocation struct {
	prog                       string // argv[0], which begins its messages
	flags                      xferconn.Flags
	recursive, preserve, quiet bool
	legacy                     bool // -O
	through, direct            bool // -3, -R
	serverTo, serverFrom       bool // -t, -f
	toDir                      bool // -d
	sftpServer                 string
	set                        transfer.Settings
}

// Main runs the scp applet with args[0] the applet name; it returns the
// exit status.
func Main(args []string) int {
	if help.Asked(args[1:], true) {
		help.Print(os.Stderr, usage)
		return 1
	}
	opts, operands, err := parseArgs(args[1:])
	if err != nil {
		// getopt's complaint, a log line in OpenSSH's scp (CR LF).
		fmt.Fprintf(os.Stderr, "%s: %v\r\n%s\n", args[0], err, usage)
		return 1
	}
	// Its lines begin with the program's name as it was called, as
	// OpenSSH's scp's do (log.c with its argv[0]: "/usr/bin/scp: ...").
	inv := &invocation{prog: args[0]}
	if msg := inv.apply(opts); msg != "" {
		// fatal()'s line, status 255; the usage, status 1.
		if line, ok := strings.CutPrefix(msg, fatalMark); ok {
			fmt.Fprint(os.Stderr, inv.prog+": "+line+"\r\n")
			return 255
		}
		fmt.Fprint(os.Stderr, msg)
		return 1
	}
	if inv.serverTo || inv.serverFrom {
		return inv.serve(operands)
	}
	if len(operands) < 2 {
		fmt.Fprintln(os.Stderr, usage)
		return 1
	}
	inv.set.Progress = transfer.ShowProgress(inv.quiet)
	// What the server names (files, its scp's complaints) is escaped
	// before it reaches the terminal, as OpenSSH's utf8.c and log.c do.
	utf8 := vis.UTF8Locale()
	// In SFTP mode OpenSSH's scp says its failures through log.c's
	// error() and fatal(), whose lines end in "\r\n"; the old protocol's
	// run_err ends them in "\n".
	lineEnd := "\r\n"
	if inv.legacy {
		lineEnd = "\n"
	}
	c := &transfer.Copier{Dial: inv.dial, Set: inv.set, Recursive: inv.recursive, Preserve: inv.preserve,
		Quiet: inv.quiet, Legacy: inv.legacy, Through: inv.through, Direct: inv.direct, TargetDir: inv.toDir,
		Warn: func(msg string) { fmt.Fprintf(os.Stderr, "%s: %s%s", inv.prog, vis.Safe(msg), lineEnd) },
		Show: func(text string) { fmt.Fprint(os.Stderr, vis.Terminal(text, utf8)) }}
	defer c.Close()
	c.Run(operands)
	if c.Fatal {
		return 255
	}
	if c.Errs > 0 {
		return 1
	}
	return 0
}

// dial connects for the copier: a local sftp server with -D, otherwise
// the host, through sshbox's client or the -S program.
func (inv *invocation) dial(l transfer.Location) (transfer.Conn, error) {
	if inv.sftpServer != "" && !inv.legacy {
		return &transfer.ProgramConn{Program: "/bin/sh", Args: []string{"-c", inv.sftpServer}, Direct: true}, nil
	}
	f := inv.flags
	f.Exec = inv.legacy
	c, err := xferconn.Open(f, l.User, l.Host, l.Port)
	if err != nil && !xferconn.IsConnect(err) {
		fmt.Fprintf(os.Stderr, "%s: %v\n", inv.prog, err)
	}
	return c, err
}

// fatalMark marks apply's message as OpenSSH's fatal(): said as a log line,
// status 255.
const fatalMark = "\x00fatal:"

func fatalLine(msg string) string { return fatalMark + msg }

// apply records the options; it returns what to say of a bad value: the
// usage, or a fatal() line (fatalLine).
func (inv *invocation) apply(opts []getopt.Option) string {
	f := &inv.flags
	for _, o := range opts {
		switch o.Name[0] {
		case '3':
			inv.through = true
		case 'R':
			inv.direct = true
		case '4':
			f.IPv4, f.IPv6 = true, false
		case '6':
			f.IPv6, f.IPv4 = true, false
		case 'A':
			f.Options = append(f.Options, "ForwardAgent yes")
		case 'B':
			f.Batch = true
		case 'C':
			f.Compress = true
		case 'O':
			inv.legacy = true
		case 's':
			inv.legacy = false
		case 'p':
			inv.preserve = true
		case 'q':
			inv.quiet, f.Quiet = true, true
		case 'r':
			inv.recursive = true
		case 'v':
			f.Verbose++
		case 't':
			inv.serverTo = true
		case 'f':
			inv.serverFrom = true
		case 'd':
			inv.toDir = true
		case 'T', '1', '2':
			// -T: no name checks relaxed here; sshbox always checks.
		case 'c':
			f.Cipher = o.Arg
		case 'D':
			inv.sftpServer = o.Arg
		case 'F':
			f.ConfigFile, f.ConfigSet = o.Arg, true
		case 'i':
			f.Identities = append(f.Identities, o.Arg)
		case 'J':
			f.Jump = o.Arg
		case 'o':
			f.Options = append(f.Options, o.Arg)
		case 'P':
			n, err := ssh.ParsePort(o.Arg)
			if err != nil {
				return fatalLine(fmt.Sprintf(msgBadPort, o.Arg))
			}
			f.Port = n
		case 'S':
			f.Program = o.Arg
		case 'l':
			n, ok := xferconn.LimitKbps(o.Arg)
			if !ok {
				return usage + "\n"
			}
			inv.set.Limit = transfer.NewLimiter(n)
		case 'X':
			buf, reqs, msg := xferconn.SFTPOption(o.Arg)
			if msg != "" {
				return fatalLine(msg)
			}
			if buf > 0 {
				inv.set.BufSize = buf
			}
			if reqs > 0 {
				inv.set.Requests = reqs
			}
		}
	}
	inv.set.Preserve = inv.preserve
	return ""
}

// serve is the remote end of the old protocol: -t receives into the
// target, -f sends the operands.
func (inv *invocation) serve(operands []string) int {
	s := &transfer.SCP{In: bufio.NewReader(os.Stdin), Out: os.Stdout, Recursive: inv.recursive,
		Preserve: inv.preserve, TargetDir: inv.toDir, Remote: true}
	var err error
	if inv.serverTo {
		if len(operands) != 1 {
			fmt.Fprintln(os.Stderr, "scp: ambiguous target")
			return 1
		}
		err = s.Receive(operands[0])
	} else {
		err = s.Send(operands)
	}
	if err != nil || s.Errs > 0 {
		return 1
	}
	return 0
}
