// Package sftpserver is the sftp-server applet: the sftp protocol
// (github.com/pkg/sftp) on stdin and stdout, as sshd starts it for the
// sftp subsystem, already running as the user.
package sftpserver

import (
	"fmt"
	"io"
	"os"
	"os/user"
	"sshbox/internal/help"
	"strconv"
	"strings"
	"syscall"

	"github.com/pkg/sftp"
	"github.com/urfave/cli/v2"

	"sshbox/sshcore"
)

const usageText = "usage: sftp-server [-ehR] [-d start_directory] [-f log_facility] [-l log_level] [-u umask]"

// stdio joins stdin and stdout into the stream pkg/sftp serves.
type stdio struct{}

func (stdio) Read(p []byte) (int, error)  { return os.Stdin.Read(p) }
func (stdio) Write(p []byte) (int, error) { return os.Stdout.Write(p) }
func (stdio) Close() error {
	os.Stdin.Close()
	return os.Stdout.Close()
}

// Main runs the sftp-server applet with args[0] the applet name; it
// returns the exit status. Its flags are OpenSSH sftp-server's.
func Main(args []string) int {
	if help.Asked(args[1:], true) {
		help.Print(os.Stderr, usageText)
		return 1
	}
	var startDir, umask string
	var readOnly, logStderr, version, wantHelp bool
	app := &cli.App{
		Name:                   "sftp-server",
		HideHelp:               true,
		HideVersion:            true,
		UseShortOptionHandling: true,
		Writer:                 os.Stderr,
		ErrWriter:              os.Stderr,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "d", Destination: &startDir},
			&cli.BoolFlag{Name: "R", Destination: &readOnly},
			&cli.BoolFlag{Name: "e", Destination: &logStderr},
			&cli.StringFlag{Name: "f"},
			&cli.StringFlag{Name: "l"},
			&cli.StringFlag{Name: "u", Destination: &umask},
			&cli.BoolFlag{Name: "h", Destination: &wantHelp},
			&cli.BoolFlag{Name: "V", Destination: &version},
			// Accepted for compatibility with OpenSSH's command lines.
			&cli.StringFlag{Name: "P"},
			&cli.StringFlag{Name: "p"},
			&cli.BoolFlag{Name: "Q"},
		},
		Action: func(ctx *cli.Context) error {
			if ctx.NArg() > 0 {
				return fmt.Errorf("extra argument %s", ctx.Args().First())
			}
			return nil
		},
		OnUsageError: func(ctx *cli.Context, err error, _ bool) error { return err },
	}
	if err := app.Run(args); err != nil {
		fmt.Fprintf(os.Stderr, "sftp-server: %s\n%s\n", help.Getopt(err), usageText)
		return 1
	}
	if wantHelp {
		// OpenSSH's sftp-server answers -h with its usage and status 1.
		help.Print(os.Stderr, usageText)
		return 1
	}
	if version {
		fmt.Fprintln(os.Stderr, sshcore.VersionLine())
		return 0
	}
	if umask != "" {
		m, err := strconv.ParseUint(umask, 8, 32)
		if err != nil || m > 0o777 {
			fmt.Fprintf(os.Stderr, "sftp-server: invalid umask %q\n", umask)
			return 1
		}
		syscall.Umask(int(m))
	}
	var opts []sftp.ServerOption
	if readOnly {
		opts = append(opts, sftp.ReadOnly())
	}
	if logStderr {
		opts = append(opts, sftp.WithDebug(os.Stderr))
	}
	if startDir != "" {
		opts = append(opts, sftp.WithServerWorkingDirectory(expandStartDir(startDir)))
	} else if wd, err := os.Getwd(); err == nil {
		// Relative paths are the user's home, where sshd started us.
		opts = append(opts, sftp.WithServerWorkingDirectory(wd))
	}
	srv, err := sftp.NewServer(stdio{}, opts...)
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

// expandStartDir expands -d's %d (home directory), %u (user name) and %%.
func expandStartDir(dir string) string {
	u, err := user.Current()
	if err != nil {
		return dir
	}
	r := strings.NewReplacer("%%", "%", "%d", u.HomeDir, "%u", u.Username)
	return r.Replace(dir)
}
