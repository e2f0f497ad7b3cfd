// Package knownhosts is the known-hosts applet: list, find, add, remove,
// hash, scan, import-ssh2 and export-ssh2 on a known_hosts file, for the
// system manager and the user. It parses the command line and calls into
// sshcore/knownhosts.
package knownhosts

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"sshbox/internal/getopt"
	"sshbox/internal/help"
)

// app carries what every subcommand needs.
type app struct {
	file           string
	stdin          io.Reader
	stdout, stderr io.Writer
}

// Main runs the known-hosts applet with args[0] the applet name; it returns
// the exit status.
func Main(args []string) int {
	a := &app{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr}
	return a.run(args)
}

func defaultFile() string {
	home := os.Getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return filepath.Join(home, ".ssh", "known_hosts")
}

// command is one subcommand: its name, operands, the options it takes
// besides -f, and what it does.
type command struct {
	name, argsUsage string
	options         string // letters and long names, "p t T add hash"
	run             func(a *app, c *call) int
}

var commands = []command{
	{"list", "", "", (*app).list},
	{"find", "HOST", "", (*app).find},
	{"add", "HOST KEYFILE|-", "hash H", (*app).add},
	{"remove", "HOST", "", (*app).remove},
	{"hash", "", "", (*app).hash},
	{"scan", "HOST...", "p t T add hash H", (*app).scan},
	{"import-ssh2", "DIR", "hash H", (*app).importSSH2},
	{"export-ssh2", "DIR", "", (*app).exportSSH2},
}

// call is one parsed command line.
type call struct {
	name          string // as given
	cmd           *command
	args          []string
	port, timeout int
	types         string
	add, hash     bool
}

func (c *call) arg(i int) string {
	if i < len(c.args) {
		return c.args[i]
	}
	return ""
}

// parser reads every subcommand's options; options may follow operands
// (find HOST -f FILE), which each subcommand then checks are its own.
var parser = getopt.Parser{Short: "f:p:t:T:H", Long: []string{"hash", "add", "file="}, Permute: true}

// parse reads the command line (without the program name).
func (a *app) parse(args []string) (*call, error) {
	opts, operands, err := parser.Parse(args)
	if err != nil {
		return nil, err
	}
	if len(operands) == 0 {
		return nil, nil
	}
	c := &call{name: operands[0], port: 22, timeout: 5}
	if len(operands) > 1 {
		c.args = operands[1:]
	}
	for i := range commands {
		if commands[i].name == operands[0] {
			c.cmd = &commands[i]
		}
	}
	if c.cmd == nil {
		return c, nil
	}
	a.file = defaultFile()
	for _, o := range opts {
		if o.Name != "f" && o.Name != "file" && !slices.Contains(strings.Fields(c.cmd.options), o.Name) {
			if len(o.Name) > 1 {
				return nil, &getopt.Error{Name: o.Name, Long: true}
			}
			return nil, &getopt.Error{Name: o.Name}
		}
		switch o.Name {
		case "f", "file":
			a.file = o.Arg
		case "p":
			if c.port, err = strconv.Atoi(o.Arg); err != nil || c.port < 1 || c.port > 65535 {
				return nil, fmt.Errorf("bad port %q", o.Arg)
			}
		case "T":
			if c.timeout, err = strconv.Atoi(o.Arg); err != nil || c.timeout < 1 {
				return nil, fmt.Errorf("bad timeout %q", o.Arg)
			}
		case "t":
			c.types = o.Arg
		case "add":
			c.add = true
		case "hash", "H":
			c.hash = true
		}
	}
	return c, nil
}

func (a *app) run(args []string) int {
	// --help and -h only: "help" and "h" are host names here.
	if help.Asked(args[1:], true) {
		help.Print(a.stderr, usageText)
		return 1
	}
	c, err := a.parse(args[1:])
	switch {
	case err != nil:
		fmt.Fprintf(a.stderr, "known-hosts: %v\n%s", err, usageText)
		return 1
	case c == nil:
		fmt.Fprint(a.stderr, usageText)
		return 1
	case c.cmd == nil:
		fmt.Fprintf(a.stderr, msgUnknownCommand, c.name)
		return 1
	}
	return c.cmd.run(a, c)
}
