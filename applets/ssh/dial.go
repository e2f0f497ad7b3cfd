package ssh

import (
	"fmt"
	"os"
	"strconv"

	"sshbox/sshcore/client"
	"sshbox/sshcore/loglevel"
)

// Dest is what scp and sftp tell ssh about a connection: the flags they
// share with ssh, already split from their own command lines.
type Dest struct {
	Host, User string
	Port       int      // 0 = from the configuration
	ConfigFile string   // -F
	ConfigSet  bool     // -F was given
	Identities []string // -i
	Jump       string   // -J
	Cipher     string   // -c
	Options    []string // -o, in order
	IPv4, IPv6 bool     // -4 -6
	Compress   bool     // -C
	Verbose    int      // -v count
	Quiet      bool     // -q
	Batch      bool     // sftp -b: never prompt
	// What the connection is for, as OpenSSH's scp and sftp tell their
	// ssh and its Match command and Match sessiontype see it: a
	// subsystem's name with Subsystem (ssh -s host sftp), else a command.
	Command   string
	Subsystem bool
}

// NewClient computes the effective options for d exactly as the ssh applet
// does for its command line (files, -o, flags, hops) and returns a client
// ready to Connect, so that scp and sftp honour ssh_config, known_hosts and
// every ssh option the same way ssh does.
func NewClient(d Dest) (*client.Client, error) {
	var lines []string
	if d.Port != 0 {
		lines = append(lines, "Port "+strconv.Itoa(d.Port))
	}
	if d.Jump != "" {
		lines = append(lines, "ProxyJump "+quoteValue(d.Jump))
	}
	if d.Cipher != "" {
		lines = append(lines, "Ciphers "+quoteValue(d.Cipher))
	}
	for _, f := range d.Identities {
		lines = append(lines, "IdentityFile "+quoteValue(f))
	}
	switch {
	case d.IPv4:
		lines = append(lines, "AddressFamily inet")
	case d.IPv6:
		lines = append(lines, "AddressFamily inet6")
	}
	if d.Compress {
		lines = append(lines, "Compression yes")
	}
	if d.Batch {
		lines = append(lines, "BatchMode yes")
	}
	switch {
	case d.Verbose >= 3:
		lines = append(lines, "LogLevel DEBUG3")
	case d.Verbose == 2:
		lines = append(lines, "LogLevel DEBUG2")
	case d.Verbose == 1:
		lines = append(lines, "LogLevel DEBUG1")
	case d.Quiet:
		lines = append(lines, "LogLevel QUIET")
	}
	lines = append(lines, d.Options...)
	if d.Subsystem {
		// After the -o options, where OpenSSH's sftp puts its -s.
		lines = append(lines, "SessionType subsystem")
	}
	pre := client.NewLogger(os.Stderr, loglevel.Info)
	if d.Verbose > 0 {
		pre = client.NewLogger(os.Stderr, loglevel.Level(int(loglevel.Debug1)+min(d.Verbose, 3)-1))
	}
	o, err := loadConfig(pre, d.ConfigFile, d.ConfigSet, lines, d.Host, d.User, d.Command)
	if err != nil {
		return nil, err
	}
	level, _ := loglevel.Parse(o.LogLevel)
	return &client.Client{
		Opts:       o,
		Log:        client.NewLogger(os.Stderr, level),
		Prompt:     &client.Prompter{Batch: o.BatchMode, Askpass: true},
		HopOptions: hopOptions(d.ConfigFile, d.ConfigSet, lines),
	}, nil
}

// ParsePort checks a -P/-p value as ssh does.
func ParsePort(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf(msgBadPort, s)
	}
	return n, nil
}
