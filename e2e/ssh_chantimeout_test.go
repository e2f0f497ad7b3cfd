package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// ssh's ChannelTimeout (ssh_config(5)): sshbox's ssh closes a channel of a
// type the keyword names once no data has moved on it for the interval, as
// OpenSSH's ssh does, and says so at LogLevel VERBOSE. Each scenario runs
// against OpenSSH's sshd and sshbox's. Intervals are 2 seconds; the bounds
// checked are generous ones on behaviour, never measurements.

// chanTimeoutSSH runs sshbox's ssh to 127.0.0.1:port as u with key, the
// options and the remote command, its standard input a pipe held open and
// silent; a run still going after a minute is a hang.
func chanTimeoutSSH(t *testing.T, port int, u *testenv.User, key string, opts []string, command string) idleRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	args := append(append([]string{}, opts...), testenv.SSHArgs(key, port, u.Name)...)
	cmd := exec.CommandContext(ctx, testenv.Bin(t, "ssh"), append(args, command)...)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err = cmd.Run()
	r := idleRun{out.String(), errb.String(), testenv.ExitCode(err), time.Since(start)}
	if ctx.Err() != nil {
		t.Fatalf("ssh %q still running after a minute: %s", args, r.err)
	}
	return r
}

// waitingCommand waits on its standard input, which stays open and
// silent, then prints. A closed session channel ends it, as the server
// closes its input: ssh's ChannelTimeout closes the channel, not the
// remote processes (ssh_config(5)), and OpenSSH's sshd keeps a channel
// until its command has ended, so a command that never looks at its
// input or output ("sleep 30") would hold the session for its 30 s.
const waitingCommand = "read x; echo late"

// inactivityLine is ssh's VERBOSE line for a channel it closed.
var inactivityLine = regexp.MustCompile(`channel \d+: closing after 2 seconds of inactivity`)

// TestSSHChannelTimeout: against each server, an idle -L connection is
// closed after direct-tcpip's interval while a busy one through the same
// forward is not, and the session, which the pattern does not name, runs
// to its end; an idle session under session= (or global=) is closed and
// ssh exits 255 with no output, on a pty too, one whose command prints is
// not closed while it prints; the VERBOSE line is logged, and not at the
// default LogLevel.
func TestSSHChannelTimeout(t *testing.T) {
	t.Parallel()
	testenv.NeedRoot(t)
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	for _, srv := range []struct {
		name string
		port int
	}{
		{"OpenSSH", testenv.StartOpenSSHD(t, "").Port},
		{"sshbox", testenv.StartSshbox(t, "").Port},
	} {
		t.Run(srv.name+"/direct-tcpip", func(t *testing.T) {
			t.Parallel()
			chanTimeoutForward(t, srv.port, u, key)
		})
		t.Run(srv.name+"/session", func(t *testing.T) {
			t.Parallel()
			r := chanTimeoutSSH(t, srv.port, u, key, []string{"-o", "ChannelTimeout=session=2", "-o", "LogLevel=VERBOSE"}, waitingCommand)
			if r.status != 255 || r.out != "" || r.took < 1500*time.Millisecond || r.took > 20*time.Second {
				t.Errorf("idle session: status %d after %v, %q; want 255, no output, after 1.5 to 20 s", r.status, r.took, r.out)
			}
			if !strings.Contains(r.err, "channel 0: closing after 2 seconds of inactivity") {
				t.Errorf("idle session: stderr lacks the VERBOSE line:\n%s", r.err)
			}
		})
		t.Run(srv.name+"/session-pty", func(t *testing.T) {
			t.Parallel()
			// On a pty the server's hang-up ends even a command that
			// never looks at its terminal.
			r := chanTimeoutSSH(t, srv.port, u, key, []string{"-tt", "-o", "ChannelTimeout=session=2"}, "sleep 30; echo late")
			if r.status != 255 || strings.Contains(r.out, "late") || r.took < 1500*time.Millisecond || r.took > 20*time.Second {
				t.Errorf("idle pty session: status %d after %v, %q; want 255, no output, after 1.5 to 20 s", r.status, r.took, r.out)
			}
		})
		t.Run(srv.name+"/session-busy", func(t *testing.T) {
			t.Parallel()
			// Default LogLevel: the line is VERBOSE's, so not shown.
			r := chanTimeoutSSH(t, srv.port, u, key, []string{"-o", "ChannelTimeout=session=2", "-o", "LogLevel=INFO"},
				"for i in 1 2 3 4 5; do echo $i; sleep 1; done; "+waitingCommand)
			if r.out != "1\n2\n3\n4\n5\n" || r.status != 255 || r.took > 25*time.Second {
				t.Errorf("printing session: %q, status %d after %v; want 5 lines, then 255", r.out, r.status, r.took)
			}
			if inactivityLine.MatchString(r.err) {
				t.Errorf("LogLevel INFO shows the VERBOSE line:\n%s", r.err)
			}
		})
		t.Run(srv.name+"/global", func(t *testing.T) {
			t.Parallel()
			// global is not a wildcard's: *=0 leaves it in force.
			r := chanTimeoutSSH(t, srv.port, u, key, []string{"-o", "ChannelTimeout=*=0 global=2", "-v"}, waitingCommand)
			if r.status != 255 || r.out != "" || r.took > 20*time.Second || !inactivityLine.MatchString(r.err) {
				t.Errorf("global: status %d after %v, %q; want 255 and the line in:\n%s", r.status, r.took, r.out, r.err)
			}
		})
	}
}

// chanTimeoutForward runs ssh -L with ChannelTimeout direct-tcpip=2 and a
// session that stays silent for 9 s, and two connections through the
// forward to an echo server: one echoes a byte every half second for 5 s,
// the other goes quiet after its first echo and must see EOF.
func chanTimeoutForward(t *testing.T, port int, u *testenv.User, key string) {
	echo := testenv.ServeTCP(t, func(c net.Conn) { defer c.Close(); io.Copy(c, c) })
	lport := testenv.FreePort(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	args := append([]string{"-o", "ChannelTimeout=direct-tcpip=2", "-v", "-L", fmt.Sprintf("%d:%s", lport, echo.Addr())},
		testenv.SSHArgs(key, port, u.Name)...)
	cmd := exec.CommandContext(ctx, testenv.Bin(t, "ssh"), append(args, "sleep 9; echo session-ok")...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	dial := func() net.Conn {
		t.Helper()
		for end := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", lport))
			if err == nil {
				if _, err = c.Write([]byte("hello")); err == nil {
					buf := make([]byte, 5)
					c.SetReadDeadline(time.Now().Add(10 * time.Second))
					if _, err = io.ReadFull(c, buf); err == nil && string(buf) == "hello" {
						return c
					}
				}
				c.Close()
			}
			if time.Now().After(end) {
				t.Fatalf("no echo through the forward: %v\n%s", err, errb.String())
			}
		}
	}
	quiet, busy := dial(), dial()
	defer quiet.Close()
	defer busy.Close()

	quietEnd := make(chan error, 1)
	var quietTook time.Duration
	start := time.Now()
	go func() {
		quiet.SetReadDeadline(time.Now().Add(30 * time.Second))
		_, err := quiet.Read(make([]byte, 1))
		quietTook = time.Since(start)
		quietEnd <- err
	}()
	buf := make([]byte, 1)
	for i := 0; i < 10; i++ {
		time.Sleep(500 * time.Millisecond)
		busy.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := busy.Write([]byte("x")); err != nil {
			t.Fatalf("busy connection, write %d: %v", i, err)
		}
		if _, err := io.ReadFull(busy, buf); err != nil {
			t.Fatalf("busy connection closed after %v (echo %d): %v", time.Since(start), i, err)
		}
	}
	select {
	case err := <-quietEnd:
		if err != io.EOF || quietTook < 1500*time.Millisecond {
			t.Errorf("idle forwarded connection: %v after %v, want EOF after 1.5 s or more", err, quietTook)
		}
	case <-time.After(10 * time.Second):
		t.Error("idle forwarded connection still open")
	}
	busy.Close()
	err := <-done
	if status := testenv.ExitCode(err); status != 0 || out.String() != "session-ok\n" {
		t.Errorf("session under direct-tcpip=2: status %d, %q\n%s", status, out.String(), errb.String())
	}
	if n := len(inactivityLine.FindAllString(errb.String(), -1)); n != 1 {
		t.Errorf("%d inactivity lines, want 1 (the idle connection's):\n%s", n, errb.String())
	}
}

// TestSSHChannelTimeoutProxyJump: the jump host's channel to the target is
// what OpenSSH's ssh -W opens, "stdio-forward" to ChannelTimeout, so a
// configuration's direct-tcpip= (which the hop reads too) does not close
// the tunnel under a session that is silent for twice its interval.
func TestSSHChannelTimeoutProxyJump(t *testing.T) {
	e, jump, _ := twoServers(t)
	cfg := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(cfg, []byte("Host *\n  ChannelTimeout direct-tcpip=2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	args := e.base()
	args[1] = cfg // -F
	args = append(args, "-o", "BatchMode=yes",
		"-J", fmt.Sprintf("%s@127.0.0.1:%d", e.user.Name, jump.Port), e.dest(), "sleep 4; echo via-jump")
	stdout, stderr, status := e.run(nil, args...)
	if status != 0 || stdout != "via-jump\n" {
		t.Fatalf("status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
}
