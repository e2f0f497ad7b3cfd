package e2e

import (
	"bufio"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// greeting connects to addr from the local address from ("" any) and
// returns the first line sshd writes: its version line when the
// connection is served, OpenSSH's "Not allowed at this time" when it is
// refused. The connection stays open until the test ends or close is
// called.
func greeting(t *testing.T, addr, from string) (line string, close func()) {
	t.Helper()
	d := net.Dialer{Timeout: 5 * time.Second}
	if from != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(from)}
	}
	nc, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, _ = bufio.NewReader(nc).ReadString('\n')
	return strings.TrimRight(line, "\r\n"), func() { nc.Close() }
}

const refusedLine = "Not allowed at this time"

// TestSshdPerSourcePenalties: PerSourcePenalties, on by default with
// OpenSSH 10's values, refuses a source that ended connections badly, for
// each kind of ending, with OpenSSH's log lines and the line it writes to
// the refused client; PerSourcePenaltyExemptList lifts it; a penalty runs
// out. The clients are OpenSSH's ssh and ssh-keyscan.
func TestSshdPerSourcePenalties(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	good := u.AuthorizeKey(t, "")
	bad := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	login := func(t *testing.T, d *testenv.Sshbox, key, user string) int {
		t.Helper()
		_, _, code := sshdLogin(t, d, key, user, nil, nil, "true")
		return code
	}

	t.Run("defaults", func(t *testing.T) {
		t.Parallel()
		d := testenv.StartSshbox(t, "LogLevel VERBOSE\n# PerSourcePenalties at its defaults")
		// Three failed logins are 15 s of penalty, not more than min
		// (15 s): deferred, and the right key still gets in.
		for i := 1; i <= 3; i++ {
			if code := login(t, d, bad, u.Name); code != 255 {
				t.Fatalf("failure %d: status %d", i, code)
			}
		}
		d.WaitLog(t, "srclimit_penalise: ipv4: new 127.0.0.1/32 deferred penalty of 5.000 seconds for penalty: failed authentication", 5*time.Second)
		if code := login(t, d, good, u.Name); code != 0 {
			t.Fatalf("the right key refused before the penalty is active: %d\n%s", code, d.Proc.Stderr.String())
		}
		// The fourth tips it over: every connection from the address is
		// refused, whatever key or user.
		login(t, d, bad, u.Name)
		d.WaitLog(t, "srclimit_penalise: 127.0.0.1/32: activating ipv4 penalty of 1", 5*time.Second)
		if code := login(t, d, good, u.Name); code != 255 {
			t.Fatalf("the right key got in from a penalised address: %d", code)
		}
		d.WaitLog(t, "drop connection #0 from [127.0.0.1]:", 5*time.Second)
		d.WaitLog(t, fmt.Sprintf(" on [127.0.0.1]:%d penalty: failed authentication", d.Port), 5*time.Second)
		if line, _ := greeting(t, d.Addr, ""); line != refusedLine {
			t.Fatalf("a refused client read %q", line)
		}
	})

	// Sources that are never penalised: an exempt address, and
	// penalties switched off.
	for _, c := range []struct{ name, config string }{
		{"exempt", "PerSourcePenaltyExemptList 10.0.0.0/8,127.0.0.0/8\nPerSourcePenalties authfail:1m"},
		{"no", "PerSourcePenalties no"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			d := testenv.StartSshbox(t, "LogLevel VERBOSE\n"+c.config)
			for range 5 {
				login(t, d, bad, u.Name)
			}
			if code := login(t, d, good, u.Name); code != 0 {
				t.Fatalf("refused: %d\n%s", code, d.Proc.Stderr.String())
			}
			if strings.Contains(d.Proc.Stderr.String(), "srclimit_penalise") {
				t.Fatalf("penalised:\n%s", d.Proc.Stderr.String())
			}
		})
	}

	t.Run("grace and expiry", func(t *testing.T) {
		t.Parallel()
		d := testenv.StartSshbox(t, "LoginGraceTime 1\nPerSourcePenalties grace-exceeded:6s min:2s")
		// A client that says nothing until LoginGraceTime ends.
		if line, _ := greeting(t, d.Addr, ""); !strings.HasPrefix(line, "SSH-2.0-") {
			t.Fatalf("greeting %q", line)
		}
		d.WaitLog(t, "srclimit_penalise: ipv4: new 127.0.0.1/32 active penalty of 6.000 seconds for penalty: exceeded LoginGraceTime", 10*time.Second)
		if line, _ := greeting(t, d.Addr, ""); line != refusedLine {
			t.Fatalf("during the penalty: %q", line)
		}
		// It runs out: the address gets in again.
		deadline := time.Now().Add(20 * time.Second)
		for login(t, d, good, u.Name) != 0 {
			if time.Now().After(deadline) {
				t.Fatalf("still refused after the penalty:\n%s", d.Proc.Stderr.String())
			}
			time.Sleep(500 * time.Millisecond)
		}
	})

	t.Run("noauth", func(t *testing.T) {
		t.Parallel()
		d := testenv.StartSshbox(t, "PerSourcePenalties noauth:30s")
		// ssh-keyscan reads the host key and leaves without
		// authenticating.
		out, err := exec.Command(testenv.NeedCmd(t, "ssh-keyscan"), "-p", d.Addr[strings.LastIndex(d.Addr, ":")+1:], "-t", "ed25519", "127.0.0.1").Output()
		if err != nil || !strings.Contains(string(out), "ssh-ed25519") {
			t.Fatalf("ssh-keyscan: %q %v", out, err)
		}
		d.WaitLog(t, "new 127.0.0.1/32 active penalty of 30.000 seconds for penalty: connections without attempting authentication", 5*time.Second)
		if code := login(t, d, good, u.Name); code != 255 {
			t.Fatalf("login after the scan: %d", code)
		}
		d.WaitLog(t, fmt.Sprintf(" on [127.0.0.1]:%d penalty: connections without attempting authentication", d.Port), 5*time.Second)
	})

	// One login that ends one way, 30 s of penalty: the next connection
	// from the address is refused, whoever it is for.
	for _, c := range []struct{ name, config, user, reason string }{
		{"invalid user", "PerSourcePenalties invaliduser:30s", "sbx-nosuch-user", "attempted authentication by invalid user"},
		{"RefuseConnection", "PerSourcePenalties refuseconnection:30s\nMatch User sbx-refused\n\tRefuseConnection yes", "sbx-refused", "connection prohibited by RefuseConnection"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			d := testenv.StartSshbox(t, c.config)
			login(t, d, bad, c.user)
			d.WaitLog(t, "new 127.0.0.1/32 active penalty of 30.000 seconds for penalty: "+c.reason, 5*time.Second)
			if code := login(t, d, good, u.Name); code != 255 {
				t.Fatalf("login after %s: %d", c.name, code)
			}
		})
	}
}

// TestSshdPerSourceMaxStartups: PerSourceMaxStartups limits the
// unauthenticated connections of one source, sources being addresses
// masked to PerSourceNetBlockSize; a source's slot frees when one of its
// connections goes.
func TestSshdPerSourceMaxStartups(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	good := u.AuthorizeKey(t, "")

	d := testenv.StartSshbox(t, "PerSourceMaxStartups 2")
	_, closeFirst := greeting(t, d.Addr, "127.0.0.1")
	greeting(t, d.Addr, "127.0.0.1")
	if line, _ := greeting(t, d.Addr, "127.0.0.1"); line != refusedLine {
		t.Fatalf("third connection from one address: %q", line)
	}
	d.WaitLog(t, "drop connection #2 from [127.0.0.1]:", 5*time.Second)
	d.WaitLog(t, "past MaxStartups", 5*time.Second)
	// Another address is another source; a login counts only until it
	// is authenticated.
	if line, _ := greeting(t, d.Addr, "127.0.0.2"); !strings.HasPrefix(line, "SSH-2.0-") {
		t.Fatalf("another address: %q", line)
	}
	closeFirst()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, _, code := sshdLogin(t, d, good, u.Name, nil, []string{"-b", "127.0.0.1"}, "true")
		if code == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the slot did not free:\n%s", d.Proc.Stderr.String())
		}
		time.Sleep(200 * time.Millisecond)
	}

	// With PerSourceNetBlockSize 8, 127.0.0.1 and 127.0.0.2 are one
	// source.
	d = testenv.StartSshbox(t, "PerSourceMaxStartups 2\nPerSourceNetBlockSize 8")
	greeting(t, d.Addr, "127.0.0.1")
	greeting(t, d.Addr, "127.0.0.2")
	if line, _ := greeting(t, d.Addr, "127.0.0.3"); line != refusedLine {
		t.Fatalf("third address of one /8: %q", line)
	}
}
