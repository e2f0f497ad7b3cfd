package server

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
	"sshbox/internal/testenv"
	"sshbox/sshcore/loglevel"
)

func testOptions() *configfmt.ServerOptions {
	return &configfmt.ServerOptions{
		MaxAuthTries: 6, PermitRootLogin: "prohibit-password", StrictModes: true,
		PubkeyAuthentication: true, PermitTTY: true, AllowTcpForwarding: "yes", MaxSessions: 10,
	}
}

// startServer serves on a loopback port with a fresh host key and returns
// the address, the host key and the log.
func startServer(t *testing.T, config ConfigFunc) (string, ssh.PublicKey, *testenv.SyncBuffer) {
	t.Helper()
	return startServerWith(t, config, nil)
}

// startServerWith is startServer with the Server's other fields set by
// setup (nil: none).
func startServerWith(t *testing.T, config ConfigFunc, setup func(*Server)) (string, ssh.PublicKey, *testenv.SyncBuffer) {
	t.Helper()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	hk, _ := ssh.NewSignerFromKey(priv)
	var log testenv.SyncBuffer
	srv := &Server{Config: config, HostKeys: []ssh.Signer{hk}, Log: NewLogger(&log, loglevel.Debug1)}
	if setup != nil {
		setup(srv)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		srv.Shutdown()
		if err := <-done; !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	})
	return l.Addr().String(), hk.PublicKey(), &log
}

func TestPanicInOneConnectionKeepsListening(t *testing.T) {
	var calls atomic.Int32
	addr, hk, log := startServer(t, func(m configfmt.MatchConn) (*configfmt.ServerOptions, error) {
		if calls.Add(1) == 1 {
			panic("boom")
		}
		return testOptions(), nil
	})
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	signer, _ := ssh.NewSignerFromKey(priv)
	cfg := &ssh.ClientConfig{User: "sbx-no-such-user", Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: ssh.FixedHostKey(hk), Timeout: 5 * time.Second}
	if _, err := ssh.Dial("tcp", addr, cfg); err == nil {
		t.Fatal("first connection succeeded")
	}
	_, err := ssh.Dial("tcp", addr, cfg)
	if err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Fatalf("second connection: %v", err)
	}
	if !strings.Contains(log.String(), "fatal: panic serving 127.0.0.1 port ") || !strings.Contains(log.String(), "Invalid user sbx-no-such-user") {
		t.Fatalf("log:\n%s", log.String())
	}
}

// TestSessionSignalsAndExitSignal runs sessions in-process: a signal
// request reaches the command, and a command killed by a signal is
// reported with exit-signal.
func TestSessionSignalsAndExitSignal(t *testing.T) {
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	addr, hk, log := startServer(t, func(m configfmt.MatchConn) (*configfmt.ServerOptions, error) {
		return testOptions(), nil
	})
	data, _ := os.ReadFile(key)
	signer, err := ssh.ParsePrivateKey(data)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{User: u.Name, Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: ssh.FixedHostKey(hk), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	defer c.Close()

	s, _ := c.NewSession()
	err = s.Run("kill -TERM $$")
	var ee *ssh.ExitError
	if !errors.As(err, &ee) || ee.Signal() != "TERM" {
		t.Errorf("kill -TERM $$: %v", err)
	}

	s, _ = c.NewSession()
	var out testenv.SyncBuffer
	s.Stdout = &out
	s.Start("trap 'echo got-usr1; exit 9' USR1; echo ready; while :; do sleep 0.05; done")
	waitOutput(t, &out, "ready")
	if err := s.Signal(ssh.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	err = s.Wait()
	if !errors.As(err, &ee) || ee.ExitStatus() != 9 || !strings.Contains(out.String(), "got-usr1") {
		t.Errorf("signal USR1: %v, %q", err, out.String())
	}

	s, _ = c.NewSession()
	if err := s.RequestSubsystem("nosuch"); err == nil {
		t.Error("unknown subsystem accepted")
	}
}

// TestSessionPtyWindowChange: the terminal gets the requested size, modes
// and TERM; window-change resizes it while the command runs.
func TestSessionPtyWindowChange(t *testing.T) {
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	addr, hk, log := startServer(t, func(m configfmt.MatchConn) (*configfmt.ServerOptions, error) {
		return testOptions(), nil
	})
	data, _ := os.ReadFile(key)
	signer, _ := ssh.ParsePrivateKey(data)
	c, err := ssh.Dial("tcp", addr, &ssh.ClientConfig{User: u.Name, Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: ssh.FixedHostKey(hk), Timeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	defer c.Close()
	s, _ := c.NewSession()
	if err := s.RequestPty("vt102", 40, 100, ssh.TerminalModes{ssh.ECHO: 0}); err != nil {
		t.Fatal(err)
	}
	var out testenv.SyncBuffer
	s.Stdout = &out
	stdin, _ := s.StdinPipe()
	// window-change and channel data travel separately inside sshd, so
	// the size is asked for again until the change shows.
	if err := s.Start(`echo "$TERM"; stty size; stty -a | grep -o -- '-echo '; while read x; do stty size; done`); err != nil {
		t.Fatal(err)
	}
	waitOutput(t, &out, "40 100")
	if err := s.WindowChange(50, 120); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), "50 120") && time.Now().Before(deadline) {
		stdin.Write([]byte("\n"))
		time.Sleep(50 * time.Millisecond)
	}
	stdin.Write([]byte{4}) // ^D: end of input on the terminal
	if err := s.Wait(); err != nil {
		t.Fatal(err)
	}
	got := strings.ReplaceAll(out.String(), "\r\n", "\n")
	if !strings.HasPrefix(got, "vt102\n40 100\n-echo \n") || !strings.HasSuffix(got, "50 120\n") {
		t.Fatalf("pty session output %q", got)
	}
}

func waitOutput(t *testing.T, out *testenv.SyncBuffer, want string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("output %q lacks %q", out.String(), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
