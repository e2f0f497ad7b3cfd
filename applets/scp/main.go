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
	"strconv"
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
		fmt.Fprintf(os.Stderr, "scp: %v\n%s\n", err, usage)
		return 1
	}
	inv := &invocation{}
	if msg := inv.apply(opts); msg != "" {
		fmt.Fprintf(os.Stderr, "scp: %s\n", msg)
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
		Warn: func(msg string) { fmt.Fprintf(os.Stderr, "scp: %s%s", vis.Safe(msg), lineEnd) },
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
		fmt.Fprintf(os.Stderr, "scp: %v\n", err)
	}
	return c, err
}

// apply records the options; it returns a message for a bad value.
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
				return err.Error()
			}
			f.Port = n
		case 'S':
			f.Program = o.Arg
		case 'l':
			n, err := strconv.ParseInt(o.Arg, 10, 64)
			if err != nil || n <= 0 {
				return fmt.Sprintf(msgBadLimit, o.Arg)
			}
			inv.set.Limit = transfer.NewLimiter(n)
		case 'X':
			if msg := inv.sftpOption(o.Arg); msg != "" {
				return msg
			}
		}
	}
	inv.set.Preserve = inv.preserve
	return ""
}

// sftpOption is -X buffer=N or -X nrequests=N.
func (inv *invocation) sftpOption(v string) string {
	k, val, _ := strings.Cut(v, "=")
	n, err := strconv.Atoi(val)
	if err != nil || n <= 0 {
		return msgBadX
	}
	switch k {
	case "buffer":
		inv.set.BufSize = n
	case "nrequests":
		inv.set.Requests = n
	default:
		return msgBadX
	}
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
