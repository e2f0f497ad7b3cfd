package e2e

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

func runCmd(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).CombinedOutput()
	return string(out), err
}

// twoServers starts a jump host and a target, both knowing the same user
// key, and a known_hosts file listing both.
func twoServers(t *testing.T) (e *sshEnv, jump, target *testenv.OpenSSHD) {
	return twoServersJumpConfig(t, "")
}

// twoServersJumpConfig is twoServers with lines added to the jump host's
// sshd_config.
func twoServersJumpConfig(t *testing.T, jumpExtra string) (e *sshEnv, jump, target *testenv.OpenSSHD) {
	jump = testenv.StartOpenSSHD(t, jumpExtra)
	target = testenv.StartOpenSSHD(t, "")
	e = newEnv(t, target.Port, target.HostKey+".pub")
	kh := string(readFile(t, e.kh))
	jpub := strings.Fields(string(readFile(t, jump.HostKey+".pub")))
	kh += fmt.Sprintf("[127.0.0.1]:%d %s %s\n", jump.Port, jpub[0], jpub[1])
	os.WriteFile(e.kh, []byte(kh), 0o600)
	return e, jump, target
}

func TestSSHProxyJump(t *testing.T) {
	e, jump, _ := twoServers(t)
	// The target refuses direct logins from this key's user? No: it is
	// reached only through the jump host's direct-tcpip channel, which
	// the jump host's log shows.
	args := append(e.base(), "-o", "BatchMode=yes", "-J", fmt.Sprintf("%s@127.0.0.1:%d", e.user.Name, jump.Port), e.dest(), "echo", "via-jump")
	stdout, stderr, status := e.run(nil, args...)
	if status != 0 || stdout != "via-jump\n" {
		t.Fatalf("status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(jump.Proc.Stderr.String(), "Accepted publickey for "+e.user.Name) {
		if time.Now().After(deadline) {
			t.Fatalf("the jump host saw no login:\n%s", jump.Proc.Stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestSSHProxyCommandStdioForward(t *testing.T) {
	e, jump, _ := twoServers(t)
	ssh := testenv.Bin(t, "ssh")
	proxy := fmt.Sprintf("%s -F /dev/null -i %s -o UserKnownHostsFile=%s -o BatchMode=yes -p %d -W %%h:%%p %s@127.0.0.1",
		ssh, e.key, e.kh, jump.Port, e.user.Name)
	args := append(e.base(), "-o", "BatchMode=yes", "-o", "ProxyCommand="+proxy, e.dest(), "echo", "via-proxy")
	stdout, stderr, status := e.run(nil, args...)
	if status != 0 || stdout != "via-proxy\n" {
		t.Fatalf("status %d, stdout %q, stderr %q", status, stdout, stderr)
	}
}

// TestSSHLocalForward: -L carries a local port to the server's sshd,
// whose banner comes back through the tunnel.
func TestSSHLocalForward(t *testing.T) {
	e, d := openSSHEnv(t, "")
	lport := testenv.FreePort(t)
	args := append(e.base(), "-o", "BatchMode=yes", "-N", "-L", fmt.Sprintf("%d:127.0.0.1:%d", lport, d.Port), e.dest())
	p := testenv.Start(t, testenv.Bin(t, "ssh"), args...)
	testenv.WaitPort(t, fmt.Sprintf("127.0.0.1:%d", lport), 15*time.Second)
	c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", lport))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "SSH-2.0-OpenSSH") {
		t.Errorf("through -L: %q, %v; ssh stderr:\n%s", line, err, p.Stderr.String())
	}
}

// TestSSHServerAlive: a server that stops answering is dropped after
// ServerAliveCountMax unanswered keepalives.
func TestSSHServerAlive(t *testing.T) {
	e, d := openSSHEnv(t, "")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var frozen atomic.Bool
	go func() {
		for {
			in, err := l.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", d.Addr)
			if err != nil {
				in.Close()
				return
			}
			cp := func(dst, src net.Conn) {
				buf := make([]byte, 32*1024)
				for {
					n, err := src.Read(buf)
					if err != nil {
						return
					}
					if frozen.Load() {
						continue // the server's packets vanish
					}
					dst.Write(buf[:n])
				}
			}
			go cp(in, out)
			go cp(out, in)
		}
	}()
	pport := l.Addr().(*net.TCPAddr).Port
	// The known_hosts entry is for the real port; HostKeyAlias names it.
	args := []string{"-F", "/dev/null", "-i", e.key, "-o", "UserKnownHostsFile=" + e.kh,
		"-o", fmt.Sprintf("HostKeyAlias=[127.0.0.1]:%d", d.Port), "-o", "BatchMode=yes",
		"-o", "ServerAliveInterval=1", "-o", "ServerAliveCountMax=2",
		"-p", fmt.Sprint(pport), e.dest(), "echo up; sleep 60"}
	cmd := exec.Command(testenv.Bin(t, "ssh"), args...)
	cmd.Env = e.env()
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if line != "up\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("session did not start: %q %s", line, stderr.String())
	}
	frozen.Store(true)
	start := time.Now()
	go io.Copy(io.Discard, stdout)
	err = cmd.Wait()
	if status := testenv.ExitCode(err); status != 255 {
		t.Errorf("status %d, want 255", status)
	}
	if el := time.Since(start); el > 10*time.Second {
		t.Errorf("took %v to notice the dead server", el)
	}
	if want := "Timeout, server 127.0.0.1 not responding."; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr %q lacks %q", stderr.String(), want)
	}
}

func TestSSHVerbose(t *testing.T) {
	e, d := openSSHEnv(t, "")
	args := append(e.base(), "-v", "-o", "BatchMode=yes", e.dest(), "true")
	_, stderr, status := e.run(nil, args...)
	if status != 0 {
		t.Fatalf("status %d, stderr:\n%s", status, stderr)
	}
	for _, want := range []string{
		fmt.Sprintf("debug1: Connecting to 127.0.0.1 [127.0.0.1] port %d.", e.port),
		"debug1: Connection established.",
		"debug1: kex: algorithm: ",
		"debug1: Server host key: ssh-ed25519 " + fingerprint(t, d.HostKey+".pub"),
		"debug1: Authentications that can continue: publickey",
		"debug1: Next authentication method: publickey",
		"debug1: Offering public key: " + e.key,
		// At VERBOSE, as OpenSSH's: no debug1 prefix.
		fmt.Sprintf("\nAuthenticated to 127.0.0.1 ([127.0.0.1]:%d) using \"publickey\".", e.port),
		"\nTransferred: sent ",
		"\nBytes per second: sent ",
		"debug1: Exit status 0",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("-v output lacks %q:\n%s", want, stderr)
		}
	}
	// The identity file lines, with OpenSSH's key type numbers, and the
	// certificate's line beside each: OpenSSH's ssh on the same command
	// line prints the same four, for a key without a certificate and a
	// key with one (ssh-keygen -s makes KEY-cert.pub), none for a file
	// that does not exist.
	ca := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	withCert := testenv.OpenSSHKey(t, t.TempDir(), "ecdsa")
	if out, err := exec.Command("ssh-keygen", "-q", "-s", ca, "-I", "id", "-n", e.user.Name, withCert+".pub").CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -s: %v\n%s", err, out)
	}
	idArgs := append(append(e.base(), "-v", "-i", withCert, "-i", "/nonexistent/id_sbx", "-o", "BatchMode=yes"), e.dest(), "true")
	_, ours, _ := e.run(nil, idArgs...)
	_, theirs, _ := e.runProg(testenv.NeedCmd(t, "ssh"), nil, nil, idArgs...)
	// OpenSSH prints the identity file lines before connecting, sshbox
	// when authentication starts: compared sorted.
	ourIDs, theirIDs := linesWith(ours, "debug1: identity file "), linesWith(theirs, "debug1: identity file ")
	slices.Sort(ourIDs)
	slices.Sort(theirIDs)
	if got, want := strings.Join(ourIDs, "\n"), strings.Join(theirIDs, "\n"); got != want || len(ourIDs) != 4 {
		t.Errorf("identity file lines:\n%s\nOpenSSH's:\n%s", got, want)
	}
	// A key the server refuses, then one it accepts: each offered, the
	// second accepted, in OpenSSH's words and order.
	refused := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	offerArgs := []string{"-F", "/dev/null", "-i", refused, "-i", e.key, "-o", "UserKnownHostsFile=" + e.kh,
		"-o", "GlobalKnownHostsFile=/dev/null", "-p", fmt.Sprint(e.port), "-v", "-o", "BatchMode=yes", e.dest(), "true"}
	_, ours, _ = e.run(nil, offerArgs...)
	_, theirs, _ = e.runProg(testenv.NeedCmd(t, "ssh"), nil, nil, offerArgs...)
	offers := []string{"debug1: Offering public key: ", "debug1: Server accepts key: "}
	if got, want := strings.Join(linesWith(ours, offers...), "\n"), strings.Join(linesWith(theirs, offers...), "\n"); got != want || strings.Count(got, "\n") != 2 {
		t.Errorf("keys offered and accepted:\n%s\nOpenSSH's:\n%s", got, want)
	}
}

// TestSSHNoMoreSessions: once its one session is open (a command, a
// subsystem, or the -W forwarding in its place), sshbox's ssh tells
// OpenSSH's sshd it will open no other (no-more-sessions@openssh.com), as
// OpenSSH's ssh does, and ssh -v says so. (A connection-sharing master
// does not: the mux tests open several sessions through one.)
func TestSSHNoMoreSessions(t *testing.T) {
	const seen = "server_input_global_request: rtype no-more-sessions@openssh.com want_reply 0"
	for _, tc := range []struct {
		name string
		args func(e *sshEnv, port int) []string
	}{
		{"command", func(e *sshEnv, _ int) []string { return []string{e.dest(), "true"} }},
		{"subsystem", func(e *sshEnv, _ int) []string { return []string{"-s", e.dest(), "sftp"} }},
		{"-W", func(e *sshEnv, port int) []string { return []string{"-W", fmt.Sprintf("127.0.0.1:%d", port), e.dest()} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, d := openSSHEnv(t, "LogLevel DEBUG1")
			args := append(append(e.base(), "-v", "-o", "BatchMode=yes"), tc.args(e, d.Port)...)
			_, stderr, status := e.run(strings.NewReader(""), args...)
			if status != 0 || !strings.Contains(stderr, "debug1: Requesting no-more-sessions@openssh.com") {
				t.Fatalf("status %d, stderr:\n%s", status, stderr)
			}
			waitStderr(t, d.Proc, seen)
		})
	}
	// A ProxyJump hop is told too, as the ssh -W that OpenSSH's ssh runs
	// for it tells it.
	t.Run("ProxyJump", func(t *testing.T) {
		e, jump, _ := twoServersJumpConfig(t, "LogLevel DEBUG1")
		args := append(e.base(), "-o", "BatchMode=yes", "-J", fmt.Sprintf("%s@127.0.0.1:%d", e.user.Name, jump.Port), e.dest(), "true")
		if _, stderr, status := e.run(nil, args...); status != 0 {
			t.Fatalf("status %d, stderr:\n%s", status, stderr)
		}
		waitStderr(t, jump.Proc, seen)
	})
}

// linesWith are the lines of stderr that begin with one of prefixes, in
// their order, without the CR of OpenSSH's log lines.
func linesWith(stderr string, prefixes ...string) []string {
	var lines []string
	for _, l := range strings.Split(strings.ReplaceAll(stderr, "\r", ""), "\n") {
		for _, p := range prefixes {
			if strings.HasPrefix(l, p) {
				lines = append(lines, l)
				break
			}
		}
	}
	return lines
}

// TestSSHConnectTimeout: a server that accepts but never speaks is given
// up after ConnectTimeout.
func TestSSHConnectTimeout(t *testing.T) {
	l := testenv.ServeTCP(t, func(net.Conn) {}) // accepts, never speaks
	e := &sshEnv{t: t, home: t.TempDir()}
	testenv.Bin(t, "ssh") // built before the clock starts
	start := time.Now()
	_, stderr, status := e.run(nil, "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "ConnectTimeout=1",
		"-p", fmt.Sprint(l.Addr().(*net.TCPAddr).Port), "127.0.0.1", "true")
	if status != 255 || !strings.Contains(stderr, "Connection timed out during banner exchange") {
		t.Errorf("status %d, stderr %q", status, stderr)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("gave up after %v, ConnectTimeout is 1s", el)
	}
}

// TestSSHBindAddressAndAttempts: -b picks the source address the server
// sees; ConnectionAttempts retries a refused connection once a second.
func TestSSHBindAddressAndAttempts(t *testing.T) {
	e, d := openSSHEnv(t, "")
	if _, stderr, status := e.run(nil, append(e.base(), "-b", "127.0.0.2", "-o", "BatchMode=yes", e.dest(), "true")...); status != 0 {
		t.Fatalf("-b: status %d, stderr %q", status, stderr)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(d.Proc.Stderr.String(), "from 127.0.0.2 port") {
		if time.Now().After(deadline) {
			t.Fatalf("sshd did not see 127.0.0.2:\n%s", d.Proc.Stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	port := testenv.FreePort(t)
	testenv.Bin(t, "ssh")
	start := time.Now()
	_, stderr, status := e.run(nil, "-F", "/dev/null", "-v", "-o", "ConnectionAttempts=2", "-p", fmt.Sprint(port), "127.0.0.1", "true")
	if status != 255 || strings.Count(stderr, fmt.Sprintf("debug1: Connecting to 127.0.0.1 [127.0.0.1] port %d.", port)) != 2 {
		t.Errorf("status %d, stderr:\n%s", status, stderr)
	}
	if el := time.Since(start); el < time.Second {
		t.Errorf("two attempts took only %v", el)
	}
}

// OpenSSH's ssh reaches its target through sshbox's ssh -W as its
// ProxyCommand: sshbox reads the pipe OpenSSH gives it as standard input
// without blocking (rawio.Inherited), and 8 MiB go there and back intact.
func TestOpenSSHThroughStdioForward(t *testing.T) {
	e, jump, _ := twoServers(t)
	proxy := fmt.Sprintf("%s -F /dev/null -i %s -o UserKnownHostsFile=%s -o BatchMode=yes -p %d -W %%h:%%p %s@127.0.0.1",
		testenv.Bin(t, "ssh"), e.key, e.kh, jump.Port, e.user.Name)
	data := make([]byte, 8<<20)
	rand.Read(data)
	args := append(e.base(), "-o", "BatchMode=yes", "-o", "ProxyCommand="+proxy, e.dest(), "cat")
	stdout, stderr, status := e.runProg(testenv.NeedCmd(t, "ssh"), nil, bytes.NewReader(data), args...)
	if status != 0 || stdout != string(data) {
		t.Fatalf("status %d, %d of %d bytes back intact %v; stderr %q", status, len(stdout), len(data), stdout == string(data), stderr)
	}
}

// TestSSHProxyUseFdpass: with ProxyUseFdpass the ProxyCommand (OpenBSD's
// nc -F) connects and hands the socket back, and ssh speaks SSH on it; a
// command that hands nothing back ends ssh with OpenSSH's words. OpenSSH's
// ssh on the same command lines does the same.
func TestSSHProxyUseFdpass(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	nc := testenv.NeedCmd(t, "nc")
	for _, prog := range []string{testenv.Bin(t, "ssh"), testenv.NeedCmd(t, "ssh")} {
		args := append(e.base(), "-o", "BatchMode=yes", "-o", "ProxyUseFdpass=yes", "-o", "ProxyCommand="+nc+" -F %h %p", e.dest(), "echo", "via-fdpass")
		stdout, stderr, status := e.runProg(prog, nil, nil, args...)
		if status != 0 || stdout != "via-fdpass\n" {
			t.Errorf("%s: status %d, stdout %q, stderr %q", prog, status, stdout, stderr)
		}
		args = append(e.base(), "-o", "BatchMode=yes", "-o", "ProxyUseFdpass=yes", "-o", "ProxyCommand=true", e.dest(), "true")
		_, stderr, status = e.runProg(prog, nil, nil, args...)
		if status != 255 || !strings.Contains(stderr, "proxy dialer did not pass back a connection") {
			t.Errorf("%s, nothing handed back: status %d, stderr %q", prog, status, stderr)
		}
	}
}
