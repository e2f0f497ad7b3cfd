// Package transfer is the engine behind the scp and sftp applets: it opens
// sftp sessions and remote commands on a connection (sshbox's own client,
// or an ssh program given with -S), moves files over SFTP with many
// requests in flight and, for large files, over several sessions of one
// connection, speaks the old scp protocol on both sides, limits bandwidth
// and draws OpenSSH's progress meter.
package transfer

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"

	"sshbox/sshcore"
	"sshbox/sshcore/connend"
)

// Conn is one connection to a remote host.
type Conn interface {
	// SFTP opens one more sftp session.
	SFTP(opts ...sftp.ClientOption) (*sftp.Client, error)
	// RawSFTP opens one more sftp session and returns its byte stream
	// unread, for requests pkg/sftp's client cannot send (copy-data).
	RawSFTP() (*RawStream, error)
	// Exec runs a command on the remote host with its standard input and
	// output as pipes; its standard error goes to ours.
	Exec(command string) (*Remote, error)
	// Sessions says over how many sftp sessions to spread a large file on
	// a path whose round trip is rtt (0: not known): several for a
	// connection of our own, one for an ssh program.
	Sessions(rtt time.Duration) int
	Close() error
}

// Remote is a running remote command.
type Remote struct {
	Stdin  io.WriteCloser
	Stdout io.Reader
	// Wait waits for the command and returns its exit status.
	Wait func() int
}

// SSHConn is a connection made by sshbox's own client.
type SSHConn struct {
	Client    *ssh.Client
	Subsystem string // "" = sftp
	// Debug logs at -v (ssh's debug1), when set.
	Debug func(format string, args ...any)
}

// session opens a session whose stdin and stdout are pipes and whose
// stderr is ours, for an sftp subsystem or an scp command.
func (c *SSHConn) session() (*ssh.Session, io.WriteCloser, io.Reader, error) {
	s, err := c.Client.NewSession()
	if err != nil {
		return nil, nil, nil, err
	}
	w, err := s.StdinPipe()
	if err != nil {
		s.Close()
		return nil, nil, nil, err
	}
	r, err := s.StdoutPipe()
	if err != nil {
		s.Close()
		return nil, nil, nil, err
	}
	s.Stderr = os.Stderr
	return s, w, r, nil
}

// RawStream is an sftp session's byte stream.
type RawStream struct {
	W     io.WriteCloser
	R     io.Reader
	Close func() error
}

func (c *SSHConn) SFTP(opts ...sftp.ClientOption) (*sftp.Client, error) {
	raw, err := c.RawSFTP()
	if err != nil {
		return nil, err
	}
	cl, err := startSFTP(raw.R, raw.W, opts)
	if err != nil {
		raw.Close()
		return nil, fmt.Errorf(msgSFTPInit, err)
	}
	go func() { cl.Wait(); raw.Close() }()
	return cl, nil
}

func (c *SSHConn) RawSFTP() (*RawStream, error) {
	s, w, r, err := c.session()
	if err != nil {
		return nil, err
	}
	name := c.Subsystem
	if name == "" {
		name = "sftp"
	}
	// A path (sftp -s /usr/lib/sftp-server) is run as a command, as
	// OpenSSH's sftp does. -v shows each session as OpenSSH's ssh does.
	if len(name) > 0 && name[0] == '/' {
		c.debug("Sending command: %s", name)
		err = s.Start(name)
	} else {
		c.debug("Sending subsystem: %s", name)
		err = s.RequestSubsystem(name)
	}
	if err != nil {
		s.Close()
		return nil, errors.New(msgSubsystem)
	}
	return &RawStream{W: w, R: r, Close: s.Close}, nil
}

func (c *SSHConn) Exec(command string) (*Remote, error) {
	s, w, r, err := c.session()
	if err != nil {
		return nil, err
	}
	if err := s.Start(command); err != nil {
		s.Close()
		return nil, err
	}
	return &Remote{Stdin: w, Stdout: r, Wait: func() int {
		defer s.Close()
		err := s.Wait()
		var ee *ssh.ExitError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &ee):
			return ee.ExitStatus()
		}
		return 255
	}}, nil
}

func (c *SSHConn) debug(format string, args ...any) {
	if c.Debug != nil {
		c.Debug(format, args...)
	}
}

// Sessions: against sshbox's sshd, as many as the path's round trip needs
// (sessionsFor), one on a LAN. Its sftp-server answers a session's
// requests in parallel, and every session more costs the server CPU: on
// loopback, one session with more requests in flight moved 256 MiB 18 %
// faster both ways than eight and took the server 31-35 % less CPU
// (docs/performance.md, "One sftp session where the path allows").
// Against other servers, maxSessions on any path: OpenSSH's sftp-server
// answers one request after another, and its sessions are parallel
// servers (uploads to OpenSSH's sshd on loopback took 0.57 s with eight
// and 0.69 s with one). The version line cannot tell an sshbox sshd whose
// Subsystem line runs OpenSSH's sftp-server: there a large upload on a
// LAN moves at what one such server makes, as with OpenSSH's own sftp.
func (c *SSHConn) Sessions(rtt time.Duration) int {
	if strings.HasPrefix(string(c.Client.ServerVersion()), sshboxVersionPrefix) {
		return sessionsFor(rtt)
	}
	return maxSessions
}

// sshboxVersionPrefix starts the version line of sshbox's sshd (and of its
// dropbear applet), whatever version and addendum follow.
var sshboxVersionPrefix = strings.TrimSuffix(sshcore.ProtocolVersion, sshcore.Version)

// Close leaves the connection as OpenSSH's ssh would (connend.Leave).
func (c *SSHConn) Close() error { return connend.Leave(c.Client.Conn) }

// ProgramConn runs an ssh program (scp -S, sftp -S) once per session, as
// OpenSSH's scp and sftp do: Args are its options up to and including the
// host, "--" first.
type ProgramConn struct {
	Program string
	Args    []string // options, then "--", host
	// Direct runs Program with Args alone: a local sftp server (-D).
	Direct bool
	mu     sync.Mutex
	cmds   []*exec.Cmd
}

func (c *ProgramConn) start(extra []string, command ...string) (*exec.Cmd, io.WriteCloser, io.Reader, error) {
	args := append(append([]string{}, extra...), c.Args...)
	args = append(args, command...)
	cmd := exec.Command(c.Program, args...)
	cmd.Stderr = os.Stderr
	w, err := cmd.StdinPipe()
	if err != nil {
		return nil, nil, nil, err
	}
	r, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, nil, fmt.Errorf(msgProgram, c.Program, err)
	}
	c.mu.Lock()
	c.cmds = append(c.cmds, cmd)
	c.mu.Unlock()
	return cmd, w, r, nil
}

func (c *ProgramConn) SFTP(opts ...sftp.ClientOption) (*sftp.Client, error) {
	raw, err := c.RawSFTP()
	if err != nil {
		return nil, err
	}
	cl, err := startSFTP(raw.R, raw.W, opts)
	if err != nil {
		return nil, fmt.Errorf(msgSFTPInit, err)
	}
	return cl, nil
}

func (c *ProgramConn) RawSFTP() (*RawStream, error) {
	extra, command := []string{"-s"}, []string{"sftp"}
	if c.Direct {
		extra, command = nil, nil
	}
	cmd, w, r, err := c.start(extra, command...)
	if err != nil {
		return nil, err
	}
	return &RawStream{W: w, R: r, Close: func() error {
		w.Close()
		return cmd.Wait()
	}}, nil
}

func (c *ProgramConn) Exec(command string) (*Remote, error) {
	cmd, w, r, err := c.start(nil, command)
	if err != nil {
		return nil, err
	}
	return &Remote{Stdin: w, Stdout: r, Wait: func() int {
		err := cmd.Wait()
		var ee *exec.ExitError
		switch {
		case err == nil:
			return 0
		case errors.As(err, &ee):
			return ee.ExitCode()
		}
		return 255
	}}, nil
}

func (c *ProgramConn) Sessions(time.Duration) int { return 1 }

func (c *ProgramConn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, cmd := range c.cmds {
		if cmd.ProcessState == nil && cmd.Process != nil {
			cmd.Process.Signal(os.Interrupt)
		}
	}
	return nil
}

// ProgramArgs are the options OpenSSH's scp and sftp put before the user's
// own when they run ssh: no X11, agent or forwardings, no tty, no
// RemoteCommand.
func ProgramArgs() []string {
	return []string{"-x", "-oPermitLocalCommand=no", "-oClearAllForwardings=yes",
		"-oRemoteCommand=none", "-oRequestTTY=no", "-oForwardAgent=no"}
}
