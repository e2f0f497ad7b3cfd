// Package xferconn opens the connection scp and sftp work over: sshbox's
// own client (configured exactly as the ssh applet configures itself) or,
// with -S, an ssh program run once per session as OpenSSH's tools do.
package xferconn

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"sshbox/applets/ssh"
	"sshbox/sshcore/transfer"
)

// Flags are the ssh options scp and sftp share.
type Flags struct {
	ssh.Dest
	Program   string // -S
	Subsystem string // sftp -s
	Exec      bool   // scp -O: sessions run scp commands, not sftp
}

// ProgramFlags are the flags passed to an -S program, in ssh's syntax.
func (f Flags) programFlags() []string {
	a := transfer.ProgramArgs()
	if f.IPv4 {
		a = append(a, "-4")
	}
	if f.IPv6 {
		a = append(a, "-6")
	}
	if f.Compress {
		a = append(a, "-C")
	}
	for i := 0; i < f.Verbose; i++ {
		a = append(a, "-v")
	}
	if f.Quiet {
		a = append(a, "-q")
	}
	if f.ConfigSet {
		a = append(a, "-F", f.ConfigFile)
	}
	for _, i := range f.Identities {
		a = append(a, "-i", i)
	}
	if f.Jump != "" {
		a = append(a, "-J", f.Jump)
	}
	if f.Cipher != "" {
		a = append(a, "-c", f.Cipher)
	}
	if f.Batch {
		a = append(a, "-oBatchMode=yes")
	}
	for _, o := range f.Options {
		a = append(a, "-o", o)
	}
	return a
}

// Open connects to host as user (either may come from the configuration
// when empty) on port (0 = configured).
func Open(f Flags, user, host string, port int) (transfer.Conn, error) {
	if f.Program != "" {
		args := f.programFlags()
		if user != "" {
			args = append(args, "-l", user)
		}
		if port == 0 {
			port = f.Port
		}
		if port != 0 {
			args = append(args, "-p", strconv.Itoa(port))
		}
		return &transfer.ProgramConn{Program: f.Program, Args: append(args, "--", host)}, nil
	}
	// What the ssh scp and sftp run would refuse of their -c and -J, it
	// says, as it would, and the connection is not made.
	for _, fv := range []struct {
		flag  byte
		value string
	}{{'c', f.Cipher}, {'J', f.Jump}} {
		if fv.value == "" {
			continue
		}
		if msg := ssh.FlagError(fv.flag, fv.value); msg != "" {
			fmt.Fprint(os.Stderr, msg)
			return nil, connectError{errors.New(strings.TrimSpace(msg))}
		}
	}
	d := f.Dest
	d.Host, d.User = host, user
	if f.Exec {
		// One connection carries every scp command to the host, where
		// OpenSSH runs one ssh per command: Match command sees "scp".
		d.Command = "scp"
	} else {
		// As OpenSSH's sftp runs "ssh -s host sftp", or a path
		// (sftp -s /usr/lib/sftp-server) as the command.
		d.Command = cmp.Or(f.Subsystem, "sftp")
		d.Subsystem = d.Command[0] != '/'
	}
	if port != 0 {
		d.Port = port
	}
	c, err := ssh.NewClient(d)
	if err != nil {
		return nil, err
	}
	conn, err := c.Connect()
	if err != nil {
		c.Log.Fail(err)
		return nil, connectError{err}
	}
	return &transfer.SSHConn{Client: conn, Subsystem: f.Subsystem, Debug: c.Log.Debug1}, nil
}

// connectError is a failure the client describes in OpenSSH's words; the
// applets print it as ssh would, before their own "Connection closed".
type connectError struct{ err error }

func (e connectError) Error() string { return e.err.Error() }

// IsConnect reports whether err is a connection failure.
func IsConnect(err error) bool {
	_, ok := err.(connectError)
	return ok
}
