package e2e

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// TestSSHWaitsForForwardedConnections: as OpenSSH's client loop, ssh does
// not end with the session while a forwarded connection is open: `ssh -L
// ... host sleep 10` holds a connection made through the tunnel until it
// closes, and a -R connection the same. Both clients, against both
// servers; ssh's status is the command's.
func TestSSHWaitsForForwardedConnections(t *testing.T) {
	t.Parallel()
	oe, _ := openSSHEnv(t, "")
	se, _ := sshboxEnv(t, "AllowTcpForwarding yes")
	for _, srv := range []struct {
		name string
		e    *sshEnv
	}{{"OpenSSH's sshd", oe}, {"sshbox's sshd", se}} {
		for _, prog := range []string{testenv.Bin(t, "ssh"), testenv.NeedCmd(t, "ssh")} {
			t.Run(fmt.Sprintf("%s to %s", prog, srv.name), func(t *testing.T) {
				forwardWait(t, srv.e, prog, 'L')
				forwardWait(t, srv.e, prog, 'R')
			})
		}
	}
}

// forwardWait runs `ssh -L` (or -R) with a command that ends at once,
// holds a connection through the forwarding, and checks that ssh is still
// there after the command's output, and gone once the connection closes.
func forwardWait(t *testing.T, e *sshEnv, prog string, kind byte) {
	// The far end: a listener that holds what it accepts.
	target, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	held := make(chan net.Conn, 1)
	go func() {
		if c, err := target.Accept(); err == nil {
			held <- c
		}
	}()
	tport := target.Addr().(*net.TCPAddr).Port
	fport := testenv.FreePort(t)
	spec := fmt.Sprintf("%d:127.0.0.1:%d", fport, tport)
	// The command ends once the test has its connection through the
	// forwarding (the marker file appears).
	// (Not under t.TempDir, whose parent the remote user cannot enter.)
	dir, err := os.MkdirTemp("", "sbx-fwdwait")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755)
	marker := filepath.Join(dir, "connected")
	command := fmt.Sprintf("while [ ! -e %s ]; do sleep 0.1; done; echo done; exit 3", marker)
	if kind == 'R' {
		// The server's side connects through the forwarding and leaves
		// the connection to a background process the session does not
		// wait for.
		command = fmt.Sprintf("nohup nc 127.0.0.1 %d </dev/null >/dev/null 2>&1 & %s", fport, command)
	}
	args := append(e.base(), "-o", "BatchMode=yes", "-o", "ExitOnForwardFailure=yes", "-"+string(kind), spec, e.dest(), command)
	p := testenv.StartEnv(t, []string{"HOME=" + e.home}, prog, args...)
	var local net.Conn
	if kind == 'L' {
		// Connect through the tunnel as soon as it listens, before the
		// command has ended.
		for end := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			if local, err = net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", fport)); err == nil {
				break
			}
			if time.Now().After(end) {
				t.Fatalf("-L %s never listened: %v\n%s%s", spec, err, p.Stdout.String(), p.Stderr.String())
			}
		}
		defer local.Close()
	}
	var far net.Conn
	select {
	case far = <-held:
	case <-time.After(15 * time.Second):
		t.Fatalf("-%c: nothing came through the forwarding\n%s", kind, p.Stderr.String())
	}
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for end := time.Now().Add(15 * time.Second); !strings.Contains(p.Stdout.String(), "done"); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("-%c: the command never ran\n%s", kind, p.Stderr.String())
		}
	}
	// The session is over; the forwarded connection holds ssh.
	if err, exited := p.Wait(1500 * time.Millisecond); exited {
		t.Fatalf("-%c: ssh ended with the session (%v) while a forwarded connection was open\n%s", kind, err, p.Stderr.String())
	}
	// Data still flows through it.
	if _, err := far.Write([]byte("ping\n")); err != nil {
		t.Fatal(err)
	}
	if local != nil {
		buf := make([]byte, 5)
		local.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, err := local.Read(buf); err != nil || string(buf) != "ping\n" {
			t.Errorf("-L after the session: %q %v", buf, err)
		}
	}
	// Closed at both ends (as a finished transfer is), the forwarded
	// connection lets ssh go.
	far.Close()
	if local != nil {
		local.Close()
	}
	err, exited := p.Wait(15 * time.Second)
	if !exited {
		t.Fatalf("-%c: ssh still runs after the forwarded connection closed\n%s", kind, p.Stderr.String())
	}
	if status := testenv.ExitCode(err); status != 3 {
		t.Errorf("-%c: status %d, want the command's 3\n%s", kind, status, p.Stderr.String())
	}
}
