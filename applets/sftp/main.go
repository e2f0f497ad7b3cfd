// Package sftp is the sftp applet: OpenSSH's sftp command line and its
// interactive and batch commands over github.com/pkg/sftp's client and
// sshcore/transfer.
package sftp

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"sshbox/applets/ssh"
	"sshbox/applets/xferconn"
	"sshbox/internal/help"
	"sshbox/sshcore/transfer"
)

// Main runs the sftp applet with args[0] the applet name; it returns the
// exit status.
func Main(args []string) int {
	if help.Asked(args[1:], true) {
		help.Print(os.Stderr, usage)
		return 1
	}
	opts, operands, err := parseArgs(args[1:])
	if err != nil {
		// getopt's complaint is a log line in OpenSSH's sftp (CR LF).
		fmt.Fprintf(os.Stderr, "%v\r\n%s\n", err, usage)
		return 1
	}
	s := &session{progress: true}
	var batchFile, direct string
	noisy := false
	for _, o := range opts {
		switch o.Name[0] {
		case '4':
			s.flags.IPv4, s.flags.IPv6 = true, false
		case '6':
			s.flags.IPv6, s.flags.IPv4 = true, false
		case 'A':
			s.flags.Options = append(s.flags.Options, "ForwardAgent yes")
		case 'a':
			s.set.Resume = true
		case 'C':
			s.flags.Compress = true
		case 'f':
			s.set.Fsync = true
		case 'N':
			noisy = true // undoes the quiet mode -b and -q set, after them all
		case 'p':
			s.set.Preserve = true
		case 'q':
			s.quiet, s.flags.Quiet = true, true
		case 'r':
			s.recursive = true
		case 'v':
			s.flags.Verbose++
		case 'c':
			s.flags.Cipher = o.Arg
		case 'D':
			direct = o.Arg
		case 'i':
			s.flags.Identities = append(s.flags.Identities, o.Arg)
		case 'l':
			n, ok := xferconn.LimitKbps(o.Arg)
			if !ok {
				fmt.Fprintln(os.Stderr, usage)
				return 1
			}
			s.set.Limit = transfer.NewLimiter(n)
		case 'o':
			s.flags.Options = append(s.flags.Options, o.Arg)
		case 's':
			s.flags.Subsystem = o.Arg
		case 'S':
			s.flags.Program = o.Arg
		case 'b':
			batchFile = o.Arg
		case 'B':
			n, err := strconv.Atoi(o.Arg)
			if err != nil || n <= 0 {
				return fatal(msgBadBuffer, o.Arg)
			}
			s.set.BufSize = min(n, transfer.MaxRequest)
		case 'F':
			s.flags.ConfigFile, s.flags.ConfigSet = o.Arg, true
		case 'J':
			s.flags.Jump = o.Arg
		case 'P':
			n, err := ssh.ParsePort(o.Arg)
			if err != nil {
				return fatal(msgBadPort, o.Arg) // its own "\n" too, as OpenSSH's
			}
			s.flags.Port = n
		case 'X':
			buf, reqs, msg := xferconn.SFTPOption(o.Arg)
			if msg != "" {
				return fatal("%s", msg)
			}
			if buf > 0 {
				s.set.BufSize = buf
			}
			if reqs > 0 {
				s.set.Requests = reqs
			}
		case 'R':
			n, err := strconv.Atoi(o.Arg)
			if err != nil || n <= 0 {
				return fatal(msgBadNumber, o.Arg)
			}
			s.set.Requests = n
		}
	}
	if noisy {
		s.quiet = false // -N wins over the quiet mode of -q and -b
	}
	var in io.Reader = os.Stdin
	if batchFile != "" && !noisy {
		s.quiet = true
	}
	// The meter starts on only where OpenSSH's does: standard output a
	// terminal, neither -b nor -q given ("progress" turns it on anyway).
	s.progress = isTerminal(os.Stdout) && batchFile == "" && !s.flags.Quiet
	if batchFile != "" {
		s.batch = true
		s.flags.Batch = true
		if batchFile != "-" {
			f, err := os.Open(batchFile)
			if err != nil {
				return fatal(msgBatchOpen, transfer.Reason(err), batchFile)
			}
			defer f.Close()
			in = f
		}
	}
	if direct == "" && len(operands) != 1 {
		fmt.Fprintln(os.Stderr, usage)
		return 1
	}
	var start, host string
	var conn transfer.Conn
	if direct != "" {
		conn = &transfer.ProgramConn{Program: "/bin/sh", Args: []string{"-c", direct}, Direct: true}
	} else {
		loc, err := transfer.ParseLocation(operands[0], "sftp")
		if err != nil {
			fmt.Fprintf(os.Stderr, "sftp: %s: %v\n", operands[0], err)
			return 1
		}
		if !loc.Remote {
			// "host" alone: no colon, so the whole operand is the host.
			loc = transfer.Location{Remote: true, Host: operands[0]}
			if h, err := parseHost(operands[0]); err == nil {
				loc.User, loc.Host = h.user, h.host
			}
		}
		start = loc.Path
		host = loc.Host
		conn, err = xferconn.Open(s.flags, loc.User, loc.Host, loc.Port)
		if err != nil {
			if !xferconn.IsConnect(err) {
				fmt.Fprintf(os.Stderr, "sftp: %v\n", err)
			}
			return connectionClosed()
		}
	}
	defer conn.Close()
	s.set.Progress = !s.quiet
	pool, err := transfer.NewPool(conn, s.set)
	if err != nil {
		return connectionClosed()
	}
	// As OpenSSH's: said once the session answers.
	if !s.quiet && direct != "" {
		fmt.Fprintf(os.Stderr, msgAttached+"\n", direct)
	} else if !s.quiet {
		fmt.Fprintf(os.Stderr, msgConnected+"\n", host)
	}
	defer pool.Close()
	s.pool, s.cl = pool, pool.Main
	if s.cwd, err = s.cl.RealPath("."); err != nil {
		s.cwd = "/"
	}
	s.startDir = s.cwd
	if start != "" {
		if status, done := s.startPath(start); done {
			return status
		}
	}
	if !s.batch && isTerminal(os.Stdin) {
		return s.interactive()
	}
	return s.script(bufio.NewReader(in))
}

type hostUser struct{ user, host string }

func parseHost(s string) (hostUser, error) {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '@' {
			return hostUser{s[:i], s[i+1:]}, nil
		}
	}
	return hostUser{host: s}, nil
}

// startPath is "host:path": a directory becomes the working directory, a
// file (or glob) is fetched into the current directory and sftp exits.
func (s *session) startPath(p string) (int, bool) {
	abs := s.abs(p)
	if st, err := s.cl.Stat(abs); err == nil && st.IsDir() {
		s.cwd = abs
		return 0, false
	}
	words := []string{"get", p}
	if s.recursive {
		words = []string{"get", "-r", p}
	}
	if err := s.run(words); err != nil {
		return 1, true
	}
	return 0, true
}

// abs makes a remote path absolute against the working directory as
// OpenSSH's sftp_make_absolute does: appended, not cleaned, so that the
// server resolves "." and ".." and messages name the path as it was given.
func (s *session) abs(p string) string {
	switch {
	case p == "":
		return s.cwd
	case strings.HasPrefix(p, "/"):
		return p
	case strings.HasSuffix(s.cwd, "/"):
		return s.cwd + p
	}
	return s.cwd + "/" + p
}

// absPattern is a glob pattern made absolute as OpenSSH's
// make_absolute_pwd_glob makes it: the working directory's own glob
// characters escaped, the pattern kept as typed (quoted ones escaped).
func (s *session) absPattern(p string) string {
	if strings.HasPrefix(p, "/") {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(s.cwd); i++ {
		if strings.IndexByte("[]?*\\", s.cwd[i]) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(s.cwd[i])
	}
	if p == "" {
		return b.String()
	}
	if !strings.HasSuffix(b.String(), "/") {
		b.WriteByte('/')
	}
	return b.String() + p
}

// connectionClosed is what OpenSSH's sftp says when the session cannot
// start: its SIGCHLD handler's line for the ssh (or -D program) that
// ended, then fatal()'s; status 255.
func connectionClosed() int {
	fmt.Fprint(os.Stderr, msgTransportGone)
	return fatal(msgConnClosed)
}

// fatal is OpenSSH's fatal() on sftp's command line: the line (CR LF, as
// log.c ends it) and status 255.
func fatal(format string, args ...any) int {
	logLine(format, args...)
	return 255
}
