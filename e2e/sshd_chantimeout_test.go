package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// timeoutLogin runs OpenSSH's ssh with a key against sshbox's sshd.
func timeoutLogin(t *testing.T, d *testenv.Sshbox, u *testenv.User, key string, extra []string, command ...string) (string, string, int) {
	t.Helper()
	args := append([]string{"-F", "none", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "-i", key, "-p", fmt.Sprint(d.Port), "-l", u.Name}, extra...)
	args = append(args, "127.0.0.1")
	args = append(args, command...)
	cmd := exec.Command(testenv.NeedCmd(t, "ssh"), args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return out.String(), errb.String(), testenv.ExitCode(err)
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("ssh %q still running after a minute", command)
	}
	return "", "", -1
}

// TestSshdChannelTimeout: ChannelTimeout closes a channel on which nothing
// has moved for its type's interval (session, a forwarded TCP connection
// by the wildcard direct-*, all channels together by global), never one
// whose data keeps flowing or one its patterns do not name; sshd logs the
// closing as OpenSSH does.
func TestSshdChannelTimeout(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")

	t.Run("session", func(t *testing.T) {
		d := testenv.StartSshbox(t, "ChannelTimeout session=3\nLogLevel VERBOSE")
		out, _, status := timeoutLogin(t, d, u, key, nil, "sleep 30; echo late")
		if status != 255 || out != "" {
			t.Errorf("idle session: status %d, %q", status, out)
		}
		d.WaitLog(t, "channel 0: closing after 3 seconds of inactivity", 10*time.Second)
		// Output every second keeps a session alive past its interval.
		out, errs, status := timeoutLogin(t, d, u, key, nil, "for i in 1 2 3 4 5 6; do echo $i; sleep 1; done")
		if status != 0 || out != "1\n2\n3\n4\n5\n6\n" {
			t.Errorf("busy session: status %d, %q %s", status, out, errs)
		}
	})

	t.Run("direct-wildcard", func(t *testing.T) {
		d := testenv.StartSshbox(t, "ChannelTimeout direct-*=2\nLogLevel VERBOSE")
		echo := testenv.ServeTCP(t, func(c net.Conn) { defer c.Close(); io.Copy(c, c) })
		lport := testenv.FreePort(t)
		type result struct {
			out    string
			status int
		}
		res := make(chan result, 1)
		go func() {
			// The session is silent for longer than the interval, but
			// direct-* does not name it.
			out, _, status := timeoutLogin(t, d, u, key, []string{"-L", fmt.Sprintf("%d:%s", lport, echo.Addr())},
				"sleep 8; echo session-ok")
			res <- result{out, status}
		}()
		var conn net.Conn
		for end := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			var err error
			if conn, err = net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", lport)); err == nil {
				break
			}
			if time.Now().After(end) {
				t.Fatalf("local forward never listened: %v", err)
			}
		}
		defer conn.Close()
		buf := make([]byte, 5)
		if _, err := conn.Write([]byte("hello")); err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(conn, buf); err != nil || string(buf) != "hello" {
			t.Fatalf("echo through the forward: %q %v", buf, err)
		}
		// Then idle: sshd closes the channel and ssh the connection.
		conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		if n, err := conn.Read(buf); err != io.EOF {
			t.Errorf("idle forwarded connection: read %d, %v (want EOF)", n, err)
		}
		r := <-res
		if r.status != 0 || r.out != "session-ok\n" {
			t.Errorf("session under direct-*: status %d, %q", r.status, r.out)
		}
		if !strings.Contains(d.Proc.Stderr.String(), "closing after 2 seconds of inactivity") {
			t.Errorf("sshd log:\n%s", d.Proc.Stderr.String())
		}
	})

	t.Run("global", func(t *testing.T) {
		// At LogLevel INFO the closing is not logged, as OpenSSH logs
		// it at VERBOSE; it has happened once ssh has its status.
		d := testenv.StartSshbox(t, "ChannelTimeout global=2")
		out, _, status := timeoutLogin(t, d, u, key, nil, "sleep 30; echo late")
		if status != 255 || out != "" {
			t.Errorf("idle connection: status %d, %q", status, out)
		}
		if strings.Contains(d.Proc.Stderr.String(), "seconds of inactivity") {
			t.Errorf("logged at LogLevel INFO:\n%s", d.Proc.Stderr.String())
		}
	})
}

// TestSshdUnusedConnectionTimeout: a connection with no channel open is
// ended once the interval has passed since authentication (ssh -N), with
// OpenSSH's log line; one with a session open, however quiet, is not.
func TestSshdUnusedConnectionTimeout(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	d := testenv.StartSshbox(t, "UnusedConnectionTimeout 2")
	_, errs, status := timeoutLogin(t, d, u, key, []string{"-N"})
	if status != 255 || !strings.Contains(errs, "closed by remote host") {
		t.Errorf("ssh -N: status %d, %q", status, errs)
	}
	d.WaitLog(t, "terminating inactive connection from user "+u.Name+" 127.0.0.1 port", 10*time.Second)
	out, errs, status := timeoutLogin(t, d, u, key, nil, "sleep 5; echo ok")
	if status != 0 || out != "ok\n" {
		t.Errorf("quiet session: status %d, %q %s", status, out, errs)
	}
}
