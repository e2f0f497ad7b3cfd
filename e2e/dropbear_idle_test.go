package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// Dropbear's -I, both ends: a session that stays idle (sleep 30) is ended
// after the timeout, one whose command prints a line a second is not ended
// while it prints, and keepalives (either side's -K, OpenSSH's
// ServerAliveInterval) do not keep an idle session open, as with Dropbear
// 2022.83. The timeout is 2 seconds; the bounds checked are generous ones
// on behaviour (not before 1.5 s, well before the 30 s the command would
// take), never measurements.

// idleCommand prints a line a second for five seconds, then sleeps.
const idleCommand = "for i in 1 2 3 4 5; do echo $i; sleep 1; done; sleep 30"

// idleRun is one client run: its output, status and how long it took.
type idleRun struct {
	out, err string
	status   int
	took     time.Duration
}

// runIdle runs a client to its end, killing it after a minute (a hang).
func runIdle(t *testing.T, env []string, name string, args ...string) idleRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	r := idleRun{out.String(), errb.String(), testenv.ExitCode(err), time.Since(start)}
	if ctx.Err() != nil {
		t.Fatalf("%s %q still running after a minute: %s", name, args, r.err)
	}
	return r
}

// says reports whether stderr holds one of the texts.
func says(stderr string, texts []string) bool {
	for _, s := range texts {
		if strings.Contains(stderr, s) {
			return true
		}
	}
	return false
}

// checkIdleEnd: an idle session ended by the timeout, not before 1.5 s nor
// as late as its command would have ended, with status and one of the
// stderr texts.
func checkIdleEnd(t *testing.T, what string, r idleRun, status int, stderr ...string) {
	t.Helper()
	if r.status != status || !says(r.err, stderr) || r.took < 1500*time.Millisecond || r.took > 20*time.Second {
		t.Errorf("%s: status %d after %v, stderr %q; want status %d and %q after 1.5 to 20 s", what, r.status, r.took, r.err, status, stderr)
	}
}

// checkBusyThenIdle: the command printed all its lines (no end while it
// printed), then the session ended by the timeout.
func checkBusyThenIdle(t *testing.T, what string, r idleRun, status int, stderr ...string) {
	t.Helper()
	if r.out != "1\n2\n3\n4\n5\n" || r.status != status || !says(r.err, stderr) || r.took > 25*time.Second {
		t.Errorf("%s: printed %q, status %d after %v, stderr %q; want 5 lines, status %d and %q", what, r.out, r.status, r.took, r.err, status, stderr)
	}
}

// sshClosed is what OpenSSH's ssh says when the server closes the
// connection under it; "Broken pipe" when it was answering a keepalive of
// -K (or sending one of its own) at that moment, as against Dropbear.
var sshClosed = []string{"closed by remote host", "send disconnect: Broken pipe"}

// dbclientClosed is what Dropbear's dbclient says then; "reset" when data
// (its answer to a keepalive of -K) was still on its way.
var dbclientClosed = []string{"exited: Remote closed the connection", "exited: Error reading: Connection reset by peer"}

// dropbearUserKey makes a key with Dropbear's own dropbearkey (Dropbear's
// dbclient reads its own format) and adds it to u's authorized keys.
func dropbearUserKey(t *testing.T, u *testenv.User) string {
	t.Helper()
	key, pub := dropbearKeyPair(t)
	u.UnlockForKeys(t)
	old, _ := os.ReadFile(filepath.Join(u.Home, ".ssh", "authorized_keys"))
	u.WriteFile(t, ".ssh/authorized_keys", append(old, pub...), 0o600)
	return key
}

// TestDropbearIdleTimeout: sshbox's dropbear applet with -I 2 (and -K 1,
// whose keepalives must not count), against Dropbear's own dbclient and
// OpenSSH's ssh; the log gives the reason.
func TestDropbearIdleTimeout(t *testing.T) {
	t.Parallel()
	testenv.NeedRoot(t)
	u := testenv.NewUser(t, "")
	sshKey := u.AuthorizeKey(t, "")
	dbKey := dropbearUserKey(t, u)

	dir := t.TempDir()
	hostKey, _ := dropbearKey(t, dir, "ed25519")
	port := testenv.FreePort(t)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	d := testenv.Start(t, testenv.Bin(t, "dropbear"), "-F", "-E", "-p", addr, "-P", filepath.Join(dir, "pid"),
		"-r", hostKey, "-I", "2", "-K", "1")
	testenv.WaitPort(t, addr, 10*time.Second)

	home := []string{"HOME=" + t.TempDir()}
	dbclient := func(command string) idleRun {
		return runIdle(t, home, testenv.NeedCmd(t, "dbclient"), "-y", "-y", "-i", dbKey,
			fmt.Sprintf("%s@127.0.0.1/%d", u.Name, port), command)
	}
	ssh := func(command string, extra ...string) idleRun {
		args := append(append([]string{}, extra...), testenv.SSHArgs(sshKey, port, u.Name)...)
		return runIdle(t, nil, testenv.NeedCmd(t, "ssh"), append(args, command)...)
	}
	t.Run("dbclient idle", func(t *testing.T) {
		t.Parallel()
		// Dropbear's dbclient says the server went and exits 1.
		checkIdleEnd(t, "dbclient sleep 30", dbclient("sleep 30"), 1, dbclientClosed...)
	})
	t.Run("dbclient busy", func(t *testing.T) {
		t.Parallel()
		checkBusyThenIdle(t, "dbclient printing", dbclient(idleCommand), 1, dbclientClosed...)
	})
	sshIdleCases(t, "ssh ", ssh)
	t.Cleanup(func() {
		if log := d.Stderr.String(); !strings.Contains(log, "Idle timeout: no traffic for 2 seconds from user "+u.Name) {
			t.Errorf("the log gives no idle timeout:\n%s", log)
		}
	})
}

// TestDbclientIdleTimeout: sshbox's dbclient applet with -I 2 against
// Dropbear's server and OpenSSH's sshd, both sending keepalives every
// second (which must not count, nor dbclient's own -K 1): it ends an idle
// session with Dropbear's words and status 0, and not one that prints.
func TestDbclientIdleTimeout(t *testing.T) {
	t.Parallel()
	testenv.NeedRoot(t)
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	servers := map[string]int{
		"dropbear": testenv.StartDropbear(t, "-K", "1").Port,
		"openssh":  testenv.StartOpenSSHD(t, "ClientAliveInterval 1").Port,
	}
	home := []string{"HOME=" + t.TempDir()}
	for name, port := range servers {
		dbclient := func(command string, extra ...string) idleRun {
			args := append([]string{"-y", "-y", "-i", key, "-I", "2"}, extra...)
			return runIdle(t, home, testenv.Bin(t, "dbclient"), append(args, fmt.Sprintf("%s@127.0.0.1/%d", u.Name, port), command)...)
		}
		said := fmt.Sprintf("Connection to %s@127.0.0.1:%d exited: Idle timeout", u.Name, port)
		t.Run(name+" idle", func(t *testing.T) {
			t.Parallel()
			checkIdleEnd(t, "dbclient -I 2 sleep 30", dbclient("sleep 30"), 0, said)
		})
		t.Run(name+" keepalives", func(t *testing.T) {
			t.Parallel()
			checkIdleEnd(t, "dbclient -I 2 -K 1 sleep 30", dbclient("sleep 30", "-K", "1"), 0, said)
		})
		t.Run(name+" busy", func(t *testing.T) {
			t.Parallel()
			checkBusyThenIdle(t, "dbclient -I 2 printing", dbclient(idleCommand), 0, said)
		})
	}
}

// sshIdleCases runs OpenSSH's ssh (through ssh, which adds the options
// given after the command) against a server with an idle timeout: an idle
// session is cut, the client's keepalives do not keep it, printing does
// until it stops. The subtests' names start with prefix.
func sshIdleCases(t *testing.T, prefix string, ssh func(command string, extra ...string) idleRun) {
	t.Run(prefix+"idle", func(t *testing.T) {
		t.Parallel()
		checkIdleEnd(t, "ssh sleep 30", ssh("sleep 30"), 255, sshClosed...)
	})
	t.Run(prefix+"keepalives", func(t *testing.T) {
		t.Parallel()
		checkIdleEnd(t, "ssh -o ServerAliveInterval=1 sleep 30", ssh("sleep 30", "-o", "ServerAliveInterval=1"), 255, sshClosed...)
	})
	t.Run(prefix+"busy", func(t *testing.T) {
		t.Parallel()
		checkBusyThenIdle(t, "ssh printing", ssh(idleCommand), 255, sshClosed...)
	})
}
