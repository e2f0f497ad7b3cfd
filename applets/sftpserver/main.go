// Package sftpserver is the sftp-server applet: the sftp protocol
// (github.com/pkg/sftp) on stdin and stdout, as sshd starts it for the
// sftp subsystem, already running as the user.
package sftpserver

import (
	"fmt"
	"io"
	"log/syslog"
	"os"
	"os/user"
	"strconv"
	"strings"
	"syscall"

	"github.com/pkg/sftp"

	"sshbox/internal/expand"
	"sshbox/internal/getopt"
	"sshbox/internal/help"
	"sshbox/internal/procs"
	"sshbox/internal/syslogw"
	"sshbox/sshcore"
	"sshbox/sshcore/loglevel"
	"sshbox/sshcore/sftpfilter"
	"sshbox/sshcore/transfer"
)

const usageText = `usage: sftp-server [-ehR] [-d start_directory] [-f log_facility] [-l log_level]
	[-P denied_requests] [-p allowed_requests] [-u umask]
       sftp-server -Q protocol_feature`

// stdio joins stdin and stdout into the stream pkg/sftp serves.
type stdio struct{}

func (stdio) Read(p []byte) (int, error)  { return os.Stdin.Read(p) }
func (stdio) Write(p []byte) (int, error) { return os.Stdout.Write(p) }
func (stdio) Close() error {
	os.Stdin.Close()
	return os.Stdout.Close()
}

// optString is OpenSSH sftp-server's getopt string.
const optString = "d:f:l:P:p:Q:u:ehR"

// options is the parsed command line.
type options struct {
	startDir, umask, query             string
	logLevel, logFacility              string // -l, -f
	readOnly, logStderr, version, help bool
	policy                             sftpfilter.Policy
}

// parse reads the command line (without the program name). Operands are
// ignored, as OpenSSH's sftp-server ignores them: scp -D runs the server
// as "sftp-server -- host sftp".
func parse(args []string) (o options, err error) {
	opts, _, err := getopt.Parse(optString+"V", args)
	if err != nil {
		return o, err
	}
	for _, opt := range opts {
		switch opt.Name {
		case "d":
			o.startDir = opt.Arg
		case "u":
			o.umask = opt.Arg
		case "Q":
			o.query = opt.Arg
		case "R":
			o.readOnly = true
		case "e":
			o.logStderr = true
		case "h":
			o.help = true
		case "V":
			o.version = true
		case "P":
			o.policy.Denied = append(o.policy.Denied, sftpfilter.ParseList(opt.Arg)...)
		case "p":
			if o.policy.Allowed == nil {
				o.policy.Allowed = []string{}
			}
			o.policy.Allowed = append(o.policy.Allowed, sftpfilter.ParseList(opt.Arg)...)
		case "l":
			o.logLevel = opt.Arg
		case "f":
			o.logFacility = opt.Arg
		}
	}
	return o, nil
}

// Main runs the sftp-server applet with args[0] the applet name; it
// returns the exit status. Its flags are OpenSSH sftp-server's.
func Main(args []string) int {
	if help.Asked(args[1:], true) {
		help.Print(os.Stderr, usageText)
		return 1
	}
	o, err := parse(args[1:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "sftp-server: %v\n%s\n", err, usageText)
		return 1
	}
	if o.query != "" {
		return query(o.query)
	}
	if o.help {
		// OpenSSH's sftp-server answers -h with its usage and status 1.
		help.Print(os.Stderr, usageText)
		return 1
	}
	if o.version {
		fmt.Fprintln(os.Stderr, sshcore.VersionLine())
		return 0
	}
	if o.umask != "" {
		m, err := strconv.ParseUint(o.umask, 8, 32)
		if err != nil || m > 0o777 {
			fmt.Fprintf(os.Stderr, "sftp-server: invalid umask %q\n", o.umask)
			return 1
		}
		syscall.Umask(int(m))
	}
	// One client's requests are one stream of work: one P, as ssh and
	// sshd give a connection (internal/procs). pkg/sftp hands every
	// request from its reader to a worker, the packet manager and the
	// sender; with more Ps each hand-off wakes an idle one, which spins
	// and sleeps again on a core the client and sshd need, while a file
	// read that blocks still gives the P to the others. 256 MiB
	// downloaded on loopback from sshbox's sshd (docs/performance.md,
	// "sftp-server on one P"): 29-32 % less CPU in the server, 13-22 %
	// less time, and a smaller resident set.
	procs.Enable()
	// Reads as large as limits@openssh.com says (the filter answers it).
	opts := []sftp.ServerOption{sftp.WithMaxTxPacket(sftpfilter.MaxRead)}
	if o.readOnly {
		opts = append(opts, sftp.ReadOnly())
	}
	if o.logStderr {
		opts = append(opts, sftp.WithDebug(os.Stderr))
	}
	if o.startDir != "" {
		dir, err := expandStartDir(o.startDir)
		if err != nil {
			// OpenSSH's is fatal() too, to its log.
			fmt.Fprintf(os.Stderr, "sftp-server: -d %s: %v\n", o.startDir, err)
			return 255
		}
		// As OpenSSH's: a start directory that cannot be entered is
		// logged, and the session starts where sshd started it.
		if err := os.Chdir(dir); err != nil && o.logStderr {
			fmt.Fprintf(os.Stderr, "chdir to \"%s\" failed: %s\r\n", dir, transfer.Reason(err))
		}
	}
	// Relative paths are the start directory's: where sshd started us
	// (the home directory), or -d's.
	workDir, _ := os.Getwd()
	if workDir != "" {
		opts = append(opts, sftp.WithServerWorkingDirectory(workDir))
	}
	// The filter is always in front: it enforces -P/-p and serves
	// copy-data, fsync, limits and users-groups-by-id, which pkg/sftp
	// lacks.
	flt := sftpfilter.New(os.Stdin, os.Stdout, o.policy)
	flt.ServeCopyData(o.readOnly)
	flt.SetWorkDir(workDir)
	log := o.log()
	flt.SetLog(log)
	who := strconv.Itoa(os.Getuid())
	if u, err := user.Current(); err == nil {
		who = u.Username
	}
	log.Session(true, who)
	defer log.Session(false, who)
	srv, err := sftp.NewServer(filtered{flt}, opts...)
	if err != nil {
		fmt.Fprintf(os.Stderr, "sftp-server: %v\n", err)
		return 1
	}
	if err := srv.Serve(); err != nil && err != io.EOF {
		fmt.Fprintf(os.Stderr, "sftp-server: %v\n", err)
		return 1
	}
	return 0
}

// log is the log -l, -e and -f ask for, as OpenSSH's sftp-server keeps it:
// ERROR unless -l says more, on standard error with -e, else the system
// log under -f's facility (AUTH unless set). A level or facility it does
// not know is said and the default kept, as OpenSSH's does.
func (o options) log() *sftpfilter.Log {
	l := &sftpfilter.Log{Level: loglevel.Error}
	if o.logLevel != "" {
		if lv, err := loglevel.Parse(o.logLevel); err == nil {
			l.Level = lv
		} else {
			fmt.Fprintf(os.Stderr, "Invalid log level \"%s\"\r\n", o.logLevel)
		}
	}
	facility, err := syslogw.Facility(o.logFacility, syslog.LOG_AUTH)
	if err != nil {
		fmt.Fprintf(os.Stderr, "Invalid log facility \"%s\"\r\n", o.logFacility)
		facility = syslog.LOG_AUTH
	}
	if o.logStderr {
		l.Stderr = os.Stderr
	} else {
		l.Syslog = syslogw.New("", "", facility, "sftp-server")
	}
	return l
}

// expandStartDir expands -d as OpenSSH's sftp-server does: a leading ~
// or ~user, then %d (the home directory), %u (the user name), %U (the
// user id) and %%.
func expandStartDir(dir string) (string, error) {
	home, name := os.Getenv("HOME"), os.Getenv("USER")
	if u, err := user.Current(); err == nil {
		home, name = u.HomeDir, u.Username
	}
	dir, err := expand.Tilde(dir, home)
	if err != nil {
		return "", err
	}
	return expand.Tokens(dir, map[byte]string{'%': "%", 'd': home, 'u': name, 'U': strconv.Itoa(os.Getuid())})
}

// filtered is the -P/-p filter over stdin and stdout.
type filtered struct{ *sftpfilter.Filter }

func (filtered) Close() error { return stdio{}.Close() }

// query answers -Q: "requests" lists the request names -P and -p take.
func query(what string) int {
	if what != "requests" {
		fmt.Fprintln(os.Stderr, "Invalid query type")
		return 1
	}
	fmt.Println(strings.Join(sftpfilter.Supported, "\n"))
	return 0
}
