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
	"sshbox/internal/help"
	"strings"

	"github.com/urfave/cli/v2"
)

// app carries what every subcommand needs.
type app struct {
	file           string
	stdin          io.Reader
	stdout, stderr io.Writer
	status         int
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

func fileFlag() cli.Flag {
	return &cli.StringFlag{Name: "f", Usage: "known_hosts `FILE` (default ~/.ssh/known_hosts)"}
}

func (a *app) run(args []string) int {
	if help.Asked(args[1:], true) {
		help.Print(a.stderr, usageText)
		return 1
	}
	// Wrap each action so that -f given before or after the subcommand
	// both count.
	do := func(fn func(c *cli.Context) int) cli.ActionFunc {
		return func(c *cli.Context) error {
			a.file = defaultFile()
			for _, ctx := range c.Lineage() {
				if ctx.IsSet("f") {
					a.file = ctx.String("f")
					break
				}
			}
			a.status = fn(c)
			return nil
		}
	}
	cliApp := &cli.App{
		Name:        "known-hosts",
		Usage:       "list and edit known_hosts files",
		HideVersion: true,
		// No help command or flag: "help" and "h" are host names here
		// (usage.Asked answers --help and -h before the parser runs).
		HideHelp:        true,
		HideHelpCommand: true,
		Writer:          a.stdout,
		ErrWriter:       a.stderr,
		Flags:           []cli.Flag{fileFlag()},
		CommandNotFound: func(c *cli.Context, name string) { fmt.Fprintf(a.stderr, msgUnknownCommand, name); a.status = 1 },
		OnUsageError: func(c *cli.Context, err error, _ bool) error {
			fmt.Fprintf(a.stderr, "known-hosts: %s\n%s", help.Getopt(err), usageText)
			a.status = 1
			return nil
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				fmt.Fprintf(a.stderr, msgUnknownCommand, c.Args().First())
			} else {
				fmt.Fprint(a.stderr, usageText)
			}
			a.status = 1
			return nil
		},
		Commands: []*cli.Command{
			{Name: "list", HideHelp: true, Usage: "one line per entry", Flags: []cli.Flag{fileFlag()}, Action: do(a.list)},
			{Name: "find", HideHelp: true, Usage: "entries for HOST or [HOST]:PORT", ArgsUsage: "HOST", Flags: []cli.Flag{fileFlag()}, Action: do(a.find)},
			{Name: "add", HideHelp: true, Usage: "add HOST with the key in KEYFILE (- for stdin)", ArgsUsage: "HOST KEYFILE|-",
				Flags: []cli.Flag{fileFlag(), &cli.BoolFlag{Name: "hash", Aliases: []string{"H"}, Usage: "write the host name hashed"}}, Action: do(a.add)},
			{Name: "remove", HideHelp: true, Usage: "remove HOST (that host and port only)", ArgsUsage: "HOST", Flags: []cli.Flag{fileFlag()}, Action: do(a.remove)},
			{Name: "hash", HideHelp: true, Usage: "hash every host name", Flags: []cli.Flag{fileFlag()}, Action: do(a.hash)},
			{Name: "scan", HideHelp: true, Usage: "fetch host keys from servers, as ssh-keyscan", ArgsUsage: "HOST...",
				Flags: []cli.Flag{fileFlag(),
					&cli.IntFlag{Name: "p", Value: 22, Usage: "`PORT`"},
					&cli.StringFlag{Name: "t", Usage: "key `TYPES` (rsa,ecdsa,ed25519)"},
					&cli.IntFlag{Name: "T", Value: 5, Usage: "timeout in `SECONDS`"},
					&cli.BoolFlag{Name: "add", Usage: "add new keys to the file"},
					&cli.BoolFlag{Name: "hash", Aliases: []string{"H"}, Usage: "hash the names added or printed"},
				}, Action: do(a.scan)},
			{Name: "import-ssh2", HideHelp: true, Usage: "add the keys of an ssh2 host key directory", ArgsUsage: "DIR",
				Flags: []cli.Flag{fileFlag(), &cli.BoolFlag{Name: "hash", Aliases: []string{"H"}, Usage: "write host names hashed"}}, Action: do(a.importSSH2)},
			{Name: "export-ssh2", HideHelp: true, Usage: "write an ssh2 host key directory", ArgsUsage: "DIR", Flags: []cli.Flag{fileFlag()}, Action: do(a.exportSSH2)},
		},
	}
	if err := cliApp.Run(reorder(args)); err != nil {
		fmt.Fprintf(a.stderr, "known-hosts: %v\n", err)
		return 1
	}
	return a.status
}

// valueFlags are the options that take a value.
var valueFlags = map[string]bool{"f": true, "p": true, "t": true, "T": true}

// reorder moves options given after operands (find HOST -f FILE) in front
// of them, since urfave/cli stops at the first operand. "--" ends options.
func reorder(args []string) []string {
	if len(args) < 2 {
		return args
	}
	out := []string{args[0]}
	i := 1
	// Global options, then the subcommand name.
	for i < len(args) && strings.HasPrefix(args[i], "-") && args[i] != "--" {
		out = append(out, args[i])
		if name := strings.TrimLeft(args[i], "-"); valueFlags[name] && i+1 < len(args) {
			i++
			out = append(out, args[i])
		}
		i++
	}
	if i >= len(args) {
		return out
	}
	out = append(out, args[i])
	i++
	var opts, operands []string
	for ; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			operands = append(operands, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "-") && a != "-":
			opts = append(opts, a)
			if name := strings.TrimLeft(a, "-"); valueFlags[name] && i+1 < len(args) {
				i++
				opts = append(opts, args[i])
			}
		default:
			operands = append(operands, a)
		}
	}
	out = append(out, opts...)
	if len(operands) > 0 {
		out = append(out, "--")
	}
	return append(out, operands...)
}
