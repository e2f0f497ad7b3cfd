// Package ssh is the ssh applet: it reads OpenSSH's command line (through
// urfave/cli after a pass for OpenSSH's argv conventions), computes the
// effective options and hands them to sshcore/client.
package ssh

import (
	"cmp"
	"flag"
	"fmt"
	"io"
	"log/syslog"
	"os"
	"path/filepath"
	"sshbox/internal/errtext"
	"sshbox/internal/gcpace"
	"sshbox/internal/help"
	"sshbox/internal/procs"
	"sshbox/internal/syslogw"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"sshbox/sshcore"
	"sshbox/sshcore/algo"
	"sshbox/sshcore/client"
	"sshbox/sshcore/loglevel"
)

// Main runs the ssh applet with args[0] the applet name; it returns the exit
// status.
func Main(args []string) int { return MainWith(args, Extensions{}) }

// Extensions are what an applet standing in for another client (dbclient)
// asks of ssh beyond OpenSSH's command line and ssh_config: settings that
// no ssh option or keyword carries. ssh runs itself again only with its
// process's own command line (-f, ControlPersist), which brings that
// applet, and so these, back.
type Extensions struct {
	// IdleTimeout: dbclient's -I (client.Client.IdleTimeout).
	IdleTimeout time.Duration
	// ChannelWindow: dbclient's -W (client.Client.ChannelWindow).
	ChannelWindow uint32
}

// MainWith is Main with extensions.
func MainWith(args []string, x Extensions) int {
	if help.Asked(args[1:], true) {
		help.Print(os.Stderr, usage)
		return 255
	}
	// One P per SSH connection held (internal/procs).
	procs.Enable()
	// Fewer collections while bulk data arrives (internal/gcpace).
	gcpace.Enable(0)
	optArgs, before, dest, command, err := splitArgsAt(args[1:])
	if err != nil {
		// getopt's complaint: a log line in OpenSSH's ssh, no "ssh: ".
		fmt.Fprintf(os.Stderr, "%v\r\n%s\n", err, usage)
		return 255
	}
	for i := 0; i < len(optArgs); i++ {
		a := optArgs[i]
		if len(a) == 2 {
			if _, takes := argKind(a[1]); takes {
				i++ // its argument, which may look like a flag (-w -1)
			}
		}
		if a == "-1" {
			fmt.Fprintln(os.Stderr, msgProtocol1) // OpenSSH's words, without "ssh:"
			return 255
		}
		if why, ok := unsupported[a]; ok {
			fmt.Fprintf(os.Stderr, "ssh: %s\n", why)
			return 255
		}
	}
	inv := &invocation{dest: dest, command: command, optArgs: optArgs, before: before, x: x, ident: args[0]}
	ctx, err := inv.parse(optArgs)
	if err != nil {
		// getopt's complaint: a log line in OpenSSH's ssh, no "ssh: ".
		fmt.Fprintf(os.Stderr, "%v\r\n%s\n", err, usage)
		return 255
	}
	return inv.run(ctx)
}

// invocation holds what the command line said.
type invocation struct {
	dest    string
	command []string

	verbose, tty, quietCount int
	master                   int      // -M count: yes, then ask
	bgMaster                 bool     // this process is ControlPersist's background master
	optArgs                  []string // the options, one element each ("-l", "bob")
	before                   int      // how many of them came before the destination
	x                        Extensions
	// ident is what ssh -y logs under: the program as it was run
	// (argv[0]), as OpenSSH's log_init(av0, ...) has it.
	ident string
}

// parse reads the options (getopt has already split them, one per
// element) through urfave/cli's flags into a cli.Context. It applies the
// flags to a flag.FlagSet itself rather than through cli.App.Run: the App
// brings urfave/cli's help printer, whose text/template execution makes
// the linker keep every exported method of every type in the binary
// (1.3 MiB of the release build); ssh prints OpenSSH's usage text, never
// urfave/cli's.
func (inv *invocation) parse(optArgs []string) (*cli.Context, error) {
	flags := []cli.Flag{
		&cli.BoolFlag{Name: "4", Usage: "IPv4 only"},
		&cli.BoolFlag{Name: "6", Usage: "IPv6 only"},
		&cli.BoolFlag{Name: "1"}, &cli.BoolFlag{Name: "2"},
		&cli.BoolFlag{Name: "A", Usage: "forward the agent"},
		&cli.BoolFlag{Name: "a", Usage: "do not forward the agent"},
		&cli.BoolFlag{Name: "C", Usage: "compression (zlib@openssh.com)"},
		&cli.BoolFlag{Name: "f", Usage: "go to the background after authentication"},
		&cli.BoolFlag{Name: "G", Usage: "print the effective configuration"},
		&cli.BoolFlag{Name: "g", Usage: "allow remote hosts to use local forwardings"},
		&cli.BoolFlag{Name: "K"}, &cli.BoolFlag{Name: "k"},
		&cli.BoolFlag{Name: "M", Usage: "connection sharing master", Count: &inv.master},
		&cli.BoolFlag{Name: "N", Usage: "no remote command"},
		&cli.BoolFlag{Name: "n", Usage: "stdin from /dev/null"},
		&cli.BoolFlag{Name: "q", Usage: "quiet", Count: &inv.quietCount},
		&cli.BoolFlag{Name: "s", Usage: "the command is a subsystem"},
		&cli.BoolFlag{Name: "T", Usage: "no pty"},
		&cli.BoolFlag{Name: "t", Usage: "request a pty", Count: &inv.tty},
		&cli.BoolFlag{Name: "V", Usage: "print the version"},
		&cli.BoolFlag{Name: "v", Usage: "verbose", Count: &inv.verbose},
		&cli.BoolFlag{Name: "X", Usage: "forward X11"},
		&cli.BoolFlag{Name: "x", Usage: "do not forward X11"},
		&cli.BoolFlag{Name: "Y", Usage: "forward X11, trusted"},
		&cli.BoolFlag{Name: "y"},
		&cli.StringFlag{Name: "b", Usage: "bind address"},
		&cli.StringFlag{Name: "B", Usage: "bind interface"},
		&cli.StringFlag{Name: "P", Usage: "tag"},
		&cli.StringFlag{Name: "c", Usage: "ciphers"},
		&cli.GenericFlag{Name: "D", Value: &list{}, Usage: "dynamic forwarding"},
		&cli.StringFlag{Name: "E", Usage: "log file"},
		&cli.StringFlag{Name: "e", Usage: "escape character"},
		&cli.StringFlag{Name: "F", Usage: "configuration file"},
		&cli.GenericFlag{Name: "i", Value: &list{}, Usage: "identity file"},
		&cli.StringFlag{Name: "J", Usage: "jump hosts"},
		&cli.GenericFlag{Name: "L", Value: &list{}, Usage: "local forwarding"},
		&cli.StringFlag{Name: "l", Usage: "login name"},
		&cli.StringFlag{Name: "m", Usage: "MACs"},
		&cli.GenericFlag{Name: "o", Value: &list{}, Usage: "option"},
		&cli.StringFlag{Name: "O", Usage: "control command"},
		&cli.StringFlag{Name: "p", Usage: "port"},
		&cli.StringFlag{Name: "Q", Usage: "query"},
		&cli.GenericFlag{Name: "R", Value: &list{}, Usage: "remote forwarding"},
		&cli.StringFlag{Name: "S", Usage: "control socket"},
		&cli.StringFlag{Name: "W", Usage: "stdio forwarding"},
		&cli.StringFlag{Name: "w", Usage: "tunnel device forwarding"},
	}
	set := flag.NewFlagSet("ssh", flag.ContinueOnError)
	set.SetOutput(io.Discard)
	for _, f := range flags {
		if err := f.Apply(set); err != nil {
			return nil, err
		}
	}
	if err := set.Parse(optArgs); err != nil {
		return nil, err
	}
	return cli.NewContext(nil, set, nil), nil
}

// list is a repeatable option's values in command-line order, whole:
// urfave/cli's StringSliceFlag would split "-o Ciphers=a,b" at the comma.
type list []string

func (l *list) Set(v string) error { *l = append(*l, v); return nil }
func (l *list) String() string     { return strings.Join(*l, " ") }

// values is what the repeatable option name was given.
func values(ctx *cli.Context, name string) []string {
	if l, ok := ctx.Generic(name).(*list); ok {
		return *l
	}
	return nil
}

// overrides turns the flags into configuration lines; they come before -o
// (flags win over -o in OpenSSH) and before the files (first value wins).
func (inv *invocation) overrides(ctx *cli.Context) ([]string, error) {
	var lines []string
	add := func(flag, kw string) {
		if ctx.IsSet(flag) {
			lines = append(lines, kw+" "+quoteValue(ctx.String(flag)))
		}
	}
	add("p", "Port")
	add("J", "ProxyJump")
	add("c", "Ciphers")
	add("m", "MACs")
	add("b", "BindAddress")
	add("B", "BindInterface")
	add("P", "Tag")
	add("e", "EscapeChar")
	add("S", "ControlPath")
	switch {
	case inv.master >= 2:
		lines = append(lines, "ControlMaster ask")
	case inv.master == 1:
		lines = append(lines, "ControlMaster yes")
	}
	for _, f := range values(ctx, "i") {
		// OpenSSH's warning for -i (not for IdentityFile lines): the
		// file named on the command line is not there to offer.
		// As OpenSSH, such a file is then left out (the defaults apply).
		if _, err := os.Stat(expandTilde(f)); err != nil {
			fmt.Fprintf(os.Stderr, msgIdentityNotAccessible, expandTilde(f), errtext.Reason(err))
			continue
		}
		lines = append(lines, "IdentityFile "+quoteValue(f))
	}
	for _, flag := range []string{"L", "R"} {
		kw := map[string]string{"L": "LocalForward", "R": "RemoteForward"}[flag]
		for _, f := range values(ctx, flag) {
			line, err := forwardLine(f, flag == "R")
			if err != nil {
				return nil, err
			}
			lines = append(lines, kw+" "+line)
		}
	}
	for _, f := range values(ctx, "D") {
		lines = append(lines, "DynamicForward "+f)
	}
	switch {
	case ctx.Bool("4"):
		lines = append(lines, "AddressFamily inet")
	case ctx.Bool("6"):
		lines = append(lines, "AddressFamily inet6")
	}
	if ctx.Bool("A") {
		lines = append(lines, "ForwardAgent yes")
	} else if ctx.Bool("a") {
		lines = append(lines, "ForwardAgent no")
	}
	lines = append(lines, x11Lines(inv.optArgs)...)
	if ctx.Bool("C") {
		lines = append(lines, "Compression yes")
	}
	if ctx.Bool("g") {
		lines = append(lines, "GatewayPorts yes")
	}
	// -f, -n, -N, -s and -W set what ForkAfterAuthentication, StdinNull
	// and SessionType set: ssh -G shows them, and, as OpenSSH sets them
	// before it reads the files, no file can undo them.
	if ctx.Bool("f") {
		lines = append(lines, "ForkAfterAuthentication yes")
	}
	if ctx.Bool("n") || ctx.Bool("f") {
		lines = append(lines, "StdinNull yes")
	}
	// -t and -T reach the session through RequestTTY too.
	if tty := ttyRequest(inv.optArgs); tty != "" {
		lines = append(lines, "RequestTTY "+tty)
	}
	lines = append(lines, tunnelLines(inv.optArgs)...)
	if ctx.IsSet("W") {
		// OpenSSH's -W: only the one forwarding, and it must work.
		lines = append(lines, "ClearAllForwardings yes", "ExitOnForwardFailure yes")
	}
	switch {
	case ctx.Bool("N") || ctx.IsSet("W"):
		lines = append(lines, "SessionType none")
	case ctx.Bool("s"):
		lines = append(lines, "SessionType subsystem")
	}
	switch {
	case inv.verbose >= 3:
		lines = append(lines, "LogLevel DEBUG3")
	case inv.verbose == 2:
		lines = append(lines, "LogLevel DEBUG2")
	case inv.verbose == 1:
		lines = append(lines, "LogLevel DEBUG1")
	case inv.quietCount > 0:
		lines = append(lines, "LogLevel QUIET")
	}
	return append(lines, values(ctx, "o")...), nil
}

func (inv *invocation) run(ctx *cli.Context) int {
	if ctx.Bool("V") {
		fmt.Fprintln(os.Stderr, sshcore.VersionLine())
		return 0
	}
	if ctx.IsSet("Q") {
		return query(ctx.String("Q"))
	}
	if msg := flagError(inv.optArgs); msg != "" {
		fmt.Fprint(os.Stderr, msg)
		return 255
	}
	if inv.dest == "" {
		fmt.Fprintln(os.Stderr, usage)
		return 255
	}
	muxCmd := ctx.String("O")
	switch muxCmd {
	case "", "check", "forward", "cancel", "exit", "stop":
	case "proxy":
		fmt.Fprintln(os.Stderr, msgMuxProxy)
		return 255
	default:
		fmt.Fprint(os.Stderr, msgBadMuxCommand)
		return 255
	}
	d, err := client.ParseDestination(inv.dest)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ssh: %v\n", err)
		return 255
	}
	overrides, err := inv.overrides(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 255
	}
	if d.Port != 0 && !ctx.IsSet("p") {
		overrides = append([]string{"Port " + strconv.Itoa(d.Port)}, overrides...)
	}
	// OpenSSH takes the first user it is told, in argument order: -l,
	// -o User= or user@host. When that is not an -o User, later ones
	// count for nothing.
	user, fromOption := firstUser(inv.optArgs, inv.before, d.User)
	if !fromOption {
		kept := overrides[:0]
		for _, l := range overrides {
			if _, isUser := userOption(l); !isUser {
				kept = append(kept, l)
			}
		}
		overrides = kept
	}
	if ctx.Bool("y") && ctx.IsSet("E") {
		fmt.Fprint(os.Stderr, msgSyslogAndFile+"\r\n") // fatal(), as OpenSSH logs before log_init
		return 255
	}
	logw, closeLog, err := logWriter(ctx.String("E"))
	if err != nil {
		fmt.Fprintf(os.Stderr, "ssh: %v\n", err)
		return 255
	}
	defer closeLog()
	newLog := func(level loglevel.Level, facility string) *client.Logger {
		if !ctx.Bool("y") {
			return client.NewLogger(logw, level)
		}
		f, err := syslogw.Facility(facility, syslog.LOG_USER)
		if err != nil {
			f = syslog.LOG_USER // the files are not read yet: loadConfig says why
		}
		return client.NewSyslogLogger(syslogw.New("", "", f, inv.ident), level)
	}
	// As OpenSSH, what ssh says before it has read the files is logged
	// with -o SyslogFacility if one is given.
	var facility string
	for _, o := range values(ctx, "o") {
		if v, ok := optionValue(o, "syslogfacility"); ok {
			facility = v
			break
		}
	}
	pre := newLog(loglevel.Info, facility)
	if inv.verbose > 0 {
		pre = newLog(loglevel.Level(int(loglevel.Debug1)+min(inv.verbose, 3)-1), facility)
		pre.Info("%s", sshcore.VersionLine())
	}
	if msg := sessionConflict(inv.optArgs); msg != "" {
		pre.Fatal("%s", msg)
		return 255
	}
	// The command (with -s, the subsystem's name) is known before the
	// files are read: Match command and Match sessiontype test it.
	command := strings.Join(inv.command, " ")
	o, err := loadConfig(pre, ctx.String("F"), ctx.IsSet("F"), overrides, d.Host, user, command)
	if err != nil {
		if strings.HasPrefix(err.Error(), "command-line:") {
			// OpenSSH reads -o before it sets its log up (-E, -y):
			// a mistake there is said on stderr.
			fmt.Fprintln(os.Stderr, err)
		} else {
			pre.Fatal("%v", err)
		}
		return 255
	}
	if o.Canonicalized != "" {
		pre.Debug1("Canonicalized hostname %q => %q", o.Canonicalized, o.HostName)
	}
	// As OpenSSH, before -G: a subsystem needs its name, and going to
	// the background needs something to run there.
	if o.SessionType == "subsystem" && command == "" {
		fmt.Fprintln(os.Stderr, msgNoSubsystem)
		fmt.Fprintln(os.Stderr, usage)
		return 255
	}
	if o.ForkAfterAuthentication && command == "" && o.RemoteCommand == "" && o.SessionType != "none" {
		fmt.Fprintln(os.Stderr, msgForkNoCommand)
		return 255
	}
	if ctx.Bool("G") {
		if err := o.WriteG(os.Stdout); err != nil {
			fmt.Fprintf(os.Stderr, msgWriteG+"\n", err)
			return 255
		}
		return 0
	}
	level, _ := loglevel.Parse(o.LogLevel)
	c := &client.Client{
		Opts:          o,
		Log:           newLog(level, o.SyslogFacility),
		Prompt:        &client.Prompter{Batch: o.BatchMode, Askpass: true},
		Command:       command,
		NoShell:       o.SessionType == "none" && !ctx.IsSet("W"),
		StdinNull:     o.StdinNull || o.ForkAfterAuthentication,
		StdioForward:  ctx.String("W"),
		HopOptions:    hopOptions(ctx.String("F"), ctx.IsSet("F"), overrides),
		IdleTimeout:   cmp.Or(inv.x.IdleTimeout, o.IdleTimeout),
		ChannelWindow: inv.x.ChannelWindow,
	}
	if o.SessionType == "subsystem" {
		c.Subsystem = true
	}
	if c.StdioForward != "" && (c.Command != "" || ctx.Bool("N") || inv.tty > 0) {
		fmt.Fprintln(os.Stderr, msgStdioConflict)
		return 255
	}
	if muxCmd != "" {
		return inv.controlCommand(muxCmd, c)
	}
	if status, done := inv.share(c); done {
		return status
	}
	if o.ForkAfterAuthentication && !inv.bgMaster {
		bg, status, done := background(args0())
		if done {
			return status
		}
		c.Background = bg
	}
	return c.Run()
}

func args0() []string { return os.Args }

// logWriter opens the -E file (appended to, as OpenSSH does) or stderr.
func logWriter(path string) (io.Writer, func(), error) {
	if path == "" {
		return os.Stderr, func() {}, nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf(msgLogFile, path, err)
	}
	return f, func() { f.Close() }, nil
}

// query is -Q: the algorithms sshbox supports, one per line.
func query(kind string) int {
	answer, ok := algo.Query(kind)
	if !ok {
		fmt.Fprintf(os.Stderr, msgBadQuery+"\n", kind)
		return 255
	}
	for _, name := range answer {
		fmt.Println(name)
	}
	return 0
}

// expandTilde turns a leading ~/ into the home directory, for a -i path
// the shell did not expand (quoted).
func expandTilde(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return p
}

// x11Lines are -X, -x and -Y as OpenSSH's ssh.c applies them, in order:
// -X and -Y set forward_x11, -x clears it, -Y also sets
// forward_x11_trusted; the last of -X, -x and -Y decides forwarding.
func x11Lines(optArgs []string) []string {
	fwd, trusted := "", false
	for _, a := range optArgs {
		switch a {
		case "-X":
			fwd = "yes"
		case "-x":
			fwd = "no"
		case "-Y":
			fwd, trusted = "yes", true
		}
	}
	var lines []string
	if fwd != "" {
		lines = append(lines, "ForwardX11 "+fwd)
	}
	if trusted {
		lines = append(lines, "ForwardX11Trusted yes")
	}
	return lines
}
