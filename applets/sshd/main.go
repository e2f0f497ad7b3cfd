// Package sshd is the sshd applet: OpenSSH's command line (-f -D -d -e -E
// -i -t -T -C -p -h -o -V) on top of sshcore/server.
package sshd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"sshbox/internal/errtext"
	"sshbox/internal/gcpace"
	"sshbox/internal/help"
	"sshbox/internal/procs"
	"sshbox/internal/supervise"

	"sshbox/applets/sftpserver"
	"sshbox/configfmt"
	"sshbox/sshcore"
	"sshbox/sshcore/loginrec"
	"sshbox/sshcore/loglevel"
	"sshbox/sshcore/server"
)

const defaultConfigFile = "/etc/ssh/sshd_config"

// flags is the parsed command line.
type flags struct {
	configFile  string
	configGiven bool
	foreground  bool
	stderr      bool
	logFile     string
	debug       int
	ports       []int
	options     []string
	test        bool
	testDump    bool
	connSpec    string
	inetd       bool
	quiet       bool
	idleTimeout time.Duration // IdleTimeoutArg (Dropbear's -I)
	recvWindow  uint32        // RecvWindowArg (Dropbear's -W)
	rootKeys    string        // RootKeysArg (OpenWrt's Dropbear)
	passEnv     bool          // PassEnvArg (Dropbear's -e)
	dropbearEnv bool          // DropbearEnvArg
	// argv is the command line after the applet name, which the
	// detaching daemon passes on to its background self.
	argv []string
}

// Main runs the sshd applet with args[0] the applet name; it returns the
// exit status.
func Main(args []string) int {
	if len(args) > 1 && args[1] == server.ChrootChildArg {
		// sshd itself, re-executed to run a session inside its
		// ChrootDirectory (sshcore/server/chroot.go).
		return server.RunChrootChild(args[2:], sftpserver.Main)
	}
	if len(args) > 1 && args[1] == server.SessionRCArg {
		// sshd itself, re-executed as the user to run ~/.ssh/rc or
		// /etc/ssh/sshrc before the session's program (userrc.go).
		return server.RunSessionRC(args[2:])
	}
	if help.Asked(args[1:], false) {
		help.Print(os.Stderr, usageText)
		return 1
	}
	// One P per SSH connection held (internal/procs).
	procs.Enable()
	// Fewer collections while bulk data arrives, more between logins
	// (internal/gcpace).
	gcpace.Enable(gcpace.IdleServer)
	f, version, err := parseFlags(args[1:])
	f.argv = args[1:]
	if e, ok := err.(plainError); ok {
		fmt.Fprintln(os.Stderr, e)
		return 1
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "sshd: %v\n%s\n", err, usageText)
		return 1
	}
	if version {
		fmt.Fprintln(os.Stderr, sshcore.VersionLine())
		return 0
	}
	if f.debug > 0 {
		f.foreground, f.stderr = true, true
	}
	if f.foreground && f.debug == 0 && !f.inetd && !f.test && !f.testDump {
		anchored, err := supervise.Wanted()
		if err != nil {
			fmt.Fprintf(os.Stderr, "sshd: %v\n", err)
			return 255
		}
		if anchored {
			// Before the configuration is read: the anchor stays as
			// small as a Go process can be; the server it starts reads
			// it and reports what is wrong with it.
			return supervise.RunAnchor(append([]string{"sshd"}, f.argv...), anchorLog(&f))
		}
	}
	return run(&f)
}

func run(f *flags) int {
	cfg, err := loadConfig(f)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%v\n", err)
		return 255
	}
	global, err := cfg.For(configfmt.MatchConn{})
	if err != nil {
		fmt.Fprintf(os.Stderr, "%v\n", err)
		return 255
	}
	if f.testDump {
		return dumpConfig(cfg, f, os.Stdout)
	}
	log, err := openLog(f, global)
	if err != nil {
		fmt.Fprintf(os.Stderr, "sshd: %v\n", err)
		return 255
	}
	if !f.stderr && !f.inetd {
		// As OpenSSH, whoever started sshd sees its errors until it
		// detaches (daemon stops the copy).
		log.CopyErrorsTo(os.Stderr)
	}
	for _, w := range cfg.src.Warnings {
		log.Infof("%s", w)
	}
	keys, err := server.HostKeysWithAgent(global.HostKeys, global.HostKeyAgent, global.RequiredRSASize, log.Errorf)
	if err != nil {
		log.Errorf("%v", err)
		return 1
	}
	keys = server.AddHostCertificates(keys, global.HostCertificates, log.Errorf)
	if f.test {
		if err := server.CheckListenAddrs(global); err != nil {
			log.Errorf("%v", err)
			return 255
		}
		return 0
	}
	srv := &server.Server{Config: cfg.For, HostKeys: keys, Log: log, LoginRecords: loginrec.System,
		IdleTimeout: f.idleTimeout, RootAuthorizedKeysFile: f.rootKeys, DropbearEnv: f.dropbearEnv,
		ChannelWindow: f.recvWindow}
	if f.passEnv {
		srv.InheritEnv = passedEnv()
	}
	if f.inetd {
		if err := srv.ServeConn(server.StdioConn(os.Stdin, os.Stdout)); err != nil {
			return 255
		}
		return 0
	}
	return daemon(f, srv, global)
}

// cmdlineConfig lays the -p flags over a configuration: they replace the
// configured ports, as in OpenSSH.
type cmdlineConfig struct {
	src   *configfmt.ServerConfig
	ports []int
}

func (c *cmdlineConfig) For(m configfmt.MatchConn) (*configfmt.ServerOptions, error) {
	o, err := c.src.For(m)
	if err != nil {
		return nil, err
	}
	if len(c.ports) > 0 {
		o = o.Clone() // For may return options shared between connections
		o.Port = append([]int(nil), c.ports...)
	}
	return o, nil
}

// loadConfig reads the configuration file; a missing default file means
// the built-in defaults, a missing file named with -f is an error.
func loadConfig(f *flags) (*cmdlineConfig, error) {
	path := f.configFile
	if _, err := os.Stat(path); os.IsNotExist(err) && !f.configGiven {
		path = os.DevNull
	} else if err != nil {
		return nil, fmt.Errorf("%s: %s", path, errtext.Reason(err))
	}
	sc, err := configfmt.LoadServer(path, f.options)
	var pe *os.PathError
	if errors.As(err, &pe) {
		// An unreadable file (or Include): the file, then the reason.
		return nil, fmt.Errorf("%s: %s", pe.Path, errtext.Reason(err))
	}
	if err != nil {
		return nil, err
	}
	return &cmdlineConfig{src: sc, ports: f.ports}, nil
}

// dumpConfig is sshd -T: the effective options, for the connection -C
// describes if given.
func dumpConfig(cfg *cmdlineConfig, f *flags, w io.Writer) int {
	var m configfmt.MatchConn
	if f.connSpec != "" {
		var err error
		if m, err = configfmt.ParseMatchConn(f.connSpec); err != nil {
			fmt.Fprintf(os.Stderr, "sshd: %v\n", err)
			return 1
		}
	}
	o, err := cfg.For(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 255
	}
	if err := o.WriteT(w); err != nil {
		fmt.Fprintf(os.Stderr, "sshd: %v\n", err)
		return 255
	}
	return 0
}

// openLog picks where the log goes: stderr with -e (and -d), the file of
// -E, otherwise syslog, as OpenSSH does.
func openLog(f *flags, o *configfmt.ServerOptions) (*server.Logger, error) {
	level, err := loglevel.Parse(o.LogLevel)
	if err != nil {
		return nil, err
	}
	if f.debug > 0 {
		level = loglevel.Debug1 + loglevel.Level(min(f.debug, 3)-1)
	}
	if f.quiet {
		level = loglevel.Quiet
	}
	switch {
	case f.logFile != "":
		lf, err := os.OpenFile(f.logFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf(msgLogFile, f.logFile, err)
		}
		return server.NewLogger(lf, level), nil
	case f.stderr:
		return server.NewLogger(os.Stderr, level), nil
	}
	l, err := server.NewSyslogLogger(o.SyslogFacility, level)
	if err != nil {
		// No syslog daemon (a container): the lines are lost, as they are
		// for OpenSSH. Writing them to stderr instead would put them in
		// front of the user of sshd -i under a ProxyCommand.
		return server.NewLogger(io.Discard, level), nil
	}
	return l, nil
}

// anchorLog is where the anchor writes its few lines: the -E file when one
// is given, else standard error (the journal, under systemd).
func anchorLog(f *flags) io.Writer {
	if f.logFile != "" {
		if lf, err := os.OpenFile(f.logFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600); err == nil {
			return lf
		}
	}
	return os.Stderr
}

// passedEnv is what dropbear -e passes on to sessions: sshd's environment
// as it was started, less what systemd, a detaching sshd or an anchor
// handed sshd itself (its sockets, its readiness channel).
func passedEnv() []string {
	env := []string{}
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); !supervise.HandOverEnv(name) {
			env = append(env, kv)
		}
	}
	return env
}
