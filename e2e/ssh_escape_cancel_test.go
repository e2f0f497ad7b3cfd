package e2e

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// TestSSHEscapeCancelForward: ~C -KL, -KR and -KD close forwardings made on
// the command line and by ~C, against OpenSSH's sshd. OpenSSH's ssh runs
// the same way and must show the same texts.
func TestSSHEscapeCancelForward(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	for _, c := range []struct{ name, prog string }{
		{"sshbox", testenv.Bin(t, "ssh")},
		{"openssh", testenv.NeedCmd(t, "ssh")},
	} {
		t.Run(c.name, func(t *testing.T) { cancelForwards(t, e, c.prog, c.name == "sshbox") })
	}
}

// TestSSHEscapeCancelForwardSshbox: the same against sshbox's sshd.
func TestSSHEscapeCancelForwardSshbox(t *testing.T) {
	e, _ := sshboxEnv(t, "")
	cancelForwards(t, e, testenv.Bin(t, "ssh"), true)
}

// cancelForwards runs prog in a terminal with -L (a port and a socket
// path), -R and -D, opens a connection through each, cancels each with ~C
// and checks that its listener is gone while the connection made before
// goes on; then the same for forwardings ~C itself made, and the
// command line's answers to what it cannot cancel.
func cancelForwards(t *testing.T, e *sshEnv, prog string, sshbox bool) {
	echo := testenv.ServeTCP(t, func(c net.Conn) { io.Copy(c, c); c.Close() })
	target := echo.Addr().String()
	lport, rport, dport := testenv.FreePort(t), testenv.FreePort(t), testenv.FreePort(t)
	laddr, raddr, daddr := fmt.Sprintf("127.0.0.1:%d", lport), fmt.Sprintf("127.0.0.1:%d", rport), fmt.Sprintf("127.0.0.1:%d", dport)
	lsock := filepath.Join(t.TempDir(), "l.sock")
	rsock := filepath.Join(sharedDir(t, 0o755, e.user.UID, e.user.GID), "r.sock")
	args := append(e.base(), "-o", "EnableEscapeCommandline=yes",
		"-L", fmt.Sprintf("%d:%s", lport, target), "-L", lsock+":"+target,
		"-R", fmt.Sprintf("%d:%s", rport, target), "-R", rsock+":"+target,
		"-D", fmt.Sprint(dport), e.dest())
	tm := testenv.StartTerm(t, 24, 100, []string{"HOME=" + e.home, "TERM=xterm", "SSH_AUTH_SOCK="}, prog, args...)
	tm.Type("PS1='rdy''> '\r")
	at := tm.Expect(0, "rdy> ", 15*time.Second)
	cmdline := func(line, want string) {
		t.Helper()
		tm.Type("\r~C")
		at = tm.Expect(at, "ssh> ", 5*time.Second)
		tm.Type(line + "\r")
		at = tm.Expect(at, want, 5*time.Second)
	}

	local := dialEcho(t, "tcp", laddr)
	unix := dialEcho(t, "unix", lsock)
	remote := dialEcho(t, "tcp", raddr)
	remoteUnix := dialEcho(t, "unix", rsock)
	dynamic := dialEcho(t, "socks", daddr+"|"+target)
	// ~# lists the connections open, in OpenSSH's words (the session,
	// then each connection in the order it was made), and in sshbox the
	// forwardings after them.
	tm.Type("\r~#")
	at = tm.Expect(at, "The following connections are open:", 5*time.Second)
	at = tm.Expect(at, "client-session", 5*time.Second)
	echoHost, echoPort, _ := net.SplitHostPort(target)
	at = tm.Expect(at, fmt.Sprintf("direct-tcpip: listening port %d for %s port %s, connect from 127.0.0.1 port ", lport, echoHost, echoPort), 5*time.Second)
	at = tm.Expect(at, fmt.Sprintf(" to 127.0.0.1 port %d", lport), 5*time.Second)
	at = tm.Expect(at, "[direct-tcpip]", 5*time.Second)
	at = tm.Expect(at, fmt.Sprintf("direct-tcpip: listening port -2 for %s port %s, connect from  port 0 to %s port 0", echoHost, echoPort, lsock), 5*time.Second)
	at = tm.Expect(at, "127.0.0.1 ", 5*time.Second)
	at = tm.Expect(at, "[forwarded-tcpip]", 5*time.Second)
	at = tm.Expect(at, "forwarded-streamlocal ", 5*time.Second)
	at = tm.Expect(at, "[forwarded-streamlocal@openssh.com]", 5*time.Second)
	at = tm.Expect(at, fmt.Sprintf("direct-tcpip: listening port %d for %s port %s, connect from 127.0.0.1 port ", dport, echoHost, echoPort), 5*time.Second)
	at = tm.Expect(at, "[dynamic-tcpip]", 5*time.Second)
	if sshbox {
		at = tm.Expect(at, "The following forwardings are set up:", 5*time.Second)
		at = tm.Expect(at, "dynamic 127.0.0.1:"+fmt.Sprint(dport), 5*time.Second)
	}

	cmdline("-h", "      -KD[bind_address:]port                 Cancel dynamic forward")
	// Each cancel closes the listener; the connection made through it
	// goes on.
	cancel := func(line string, c *echoConn) {
		t.Helper()
		cmdline(line, "Canceled forwarding.")
		network, addr := c.listener()
		refused(t, network, addr)
		c.check(t, line)
	}
	cancel("-KL "+fmt.Sprint(lport), local)
	cancel("-KL"+lsock, unix)
	cancel("-KR"+fmt.Sprint(rport), remote)
	cancel("-KR "+rsock, remoteUnix)
	cancel("KD localhost:"+fmt.Sprint(dport), dynamic)

	// What is not (or no longer) forwarded, and what does not parse.
	cmdline("-KL"+fmt.Sprint(lport), "Unknown port forwarding.")
	cmdline("-KR 127.0.0.1:"+fmt.Sprint(rport), "Unknown port forwarding.")
	cmdline("-KD"+fmt.Sprint(lport), "Unknown port forwarding.")
	cmdline("-KL 1:2:3", "Bad forwarding close specification.")
	cmdline("-KL", "Bad forwarding close specification.")
	cmdline("-KX1", "Invalid command.")
	busy := echo.Addr().(*net.TCPAddr).Port
	cmdline(fmt.Sprintf("-L127.0.0.1:%d:%s", busy, target),
		fmt.Sprintf("bind [127.0.0.1]:%d: Address already in use", busy))
	at = tm.Expect(at, fmt.Sprintf("channel_setup_fwd_listener_tcpip: cannot listen to port: %d", busy), time.Second)
	at = tm.Expect(at, "Port forwarding failed.", time.Second)
	cmdline("-L 1:2", "Bad local forwarding specification.")
	cmdline("-R 1:2:3:4:5", "Bad remote forwarding specification.")
	cmdline("-D 1:2:3", "Bad local forwarding specification.")

	// Forwardings ~C made are cancelled the same way.
	lport2, rport2 := testenv.FreePort(t), testenv.FreePort(t)
	laddr2, raddr2 := fmt.Sprintf("127.0.0.1:%d", lport2), fmt.Sprintf("127.0.0.1:%d", rport2)
	cmdline(fmt.Sprintf("-L%d:%s", lport2, target), "Forwarding port.")
	local2 := dialEcho(t, "tcp", laddr2)
	cmdline(fmt.Sprintf("-R %d:%s", rport2, target), "Forwarding port.")
	remote2 := dialEcho(t, "tcp", raddr2)
	cancel("-KL"+fmt.Sprint(lport2), local2)
	cancel("-KR"+fmt.Sprint(rport2), remote2)

	if sshbox {
		// ~# no longer lists what was cancelled; the connections made
		// through the forwardings go on and are listed.
		tm.Type("\r~#")
		at = tm.Expect(at, "The following connections are open:", 5*time.Second)
		at = tm.Expect(at, "[dynamic-tcpip]", 5*time.Second)
		time.Sleep(300 * time.Millisecond)
		if list := tm.Output()[at:]; strings.Contains(list, "forwardings are set up") {
			t.Errorf("~# after cancelling every forwarding:\n%s", list)
		}
	}

	// ssh waits for forwarded connections before it exits, as OpenSSH's.
	for _, c := range []*echoConn{local, unix, remote, remoteUnix, dynamic, local2, remote2} {
		c.Close()
	}
	tm.Type("\rexit 5\r")
	tm.Expect(at, "closed.", 10*time.Second)
	if status := tm.Wait(10 * time.Second); status != 5 {
		t.Errorf("status %d, want 5; terminal:\n%s", status, tm.Output())
	}
}

// TestSSHMuxCancelOwnForward: -O cancel reaches the master's own -L, not
// only what its clients asked for, as OpenSSH's master (one table of
// forwardings for the command line, ~C and the clients); a client's
// identical -L is the same forwarding.
func TestSSHMuxCancelOwnForward(t *testing.T) {
	e := newMuxEnv(t)
	greeter := testenv.ServeTCP(t, func(c net.Conn) { io.WriteString(c, "hello\n"); c.Close() })
	lport := testenv.FreePort(t)
	laddr := fmt.Sprintf("127.0.0.1:%d", lport)
	spec := fmt.Sprintf("%d:%s", lport, greeter.Addr())
	if _, stderr, status := e.run(nil, append(e.shared(), "-L", spec, e.dest(), "true")...); status != 0 {
		t.Fatalf("master with -L: status %d, stderr %q", status, stderr)
	}
	if b := banner(laddr); b != "hello\n" {
		t.Fatalf("the master's -L: got %q", b)
	}
	if _, stderr, status := e.run(nil, append(e.shared(), "-N", "-L", spec, e.dest())...); status != 0 {
		t.Fatalf("a client's identical -L: status %d, stderr %q", status, stderr)
	}
	cancel := append(e.base(), "-S", e.path, "-O", "cancel", "-L", spec, e.dest())
	if _, stderr, status := e.run(nil, cancel...); status != 0 {
		t.Fatalf("-O cancel of the master's -L: status %d, stderr %q", status, stderr)
	}
	refused(t, "tcp", laddr)
	if _, _, status := e.run(nil, cancel...); status != 255 {
		t.Errorf("-O cancel of what is no longer forwarded: status %d, want 255", status)
	}
}

// echoConn is a connection to the echo server through a forwarding.
type echoConn struct {
	net.Conn
	network, addr string // as dialEcho was given them
	r             *bufio.Reader
	n             int
}

// listener is where the forwarding listens.
func (c *echoConn) listener() (network, addr string) {
	if c.network == "socks" {
		proxy, _, _ := strings.Cut(c.addr, "|")
		return "tcp", proxy
	}
	return c.network, c.addr
}

// dialEcho connects through the forwarding at addr ("socks" network:
// SOCKS5 at "proxy|target") and checks a round trip. A remote forwarding
// is tried until it answers: x/crypto takes note of one only after the
// server's reply, OpenSSH's ssh as the reply comes.
func dialEcho(t *testing.T, network, addr string) *echoConn {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := openEcho(network, addr)
		if err == nil {
			ec := &echoConn{Conn: c, network: network, addr: addr, r: bufio.NewReader(c)}
			if err = ec.roundTrip(); err == nil {
				t.Cleanup(func() { c.Close() })
				return ec
			}
			c.Close()
		}
		if time.Now().After(deadline) {
			t.Fatalf("through %s %s: %v", network, addr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func openEcho(network, addr string) (net.Conn, error) {
	if network != "socks" {
		return net.DialTimeout(network, addr, 5*time.Second)
	}
	proxy, target, _ := strings.Cut(addr, "|")
	c, err := net.DialTimeout("tcp", proxy, 5*time.Second)
	if err != nil {
		return nil, err
	}
	_, portText, _ := net.SplitHostPort(target)
	var port int
	fmt.Sscan(portText, &port)
	c.SetDeadline(time.Now().Add(10 * time.Second))
	req := []byte{5, 1, 0, 5, 1, 0, 1, 127, 0, 0, 1, 0, 0}
	binary.BigEndian.PutUint16(req[11:], uint16(port))
	c.Write(req)
	var rep [12]byte
	if _, err := io.ReadFull(c, rep[:]); err != nil || rep[1] != 0 || rep[3] != 0 {
		c.Close()
		return nil, fmt.Errorf("SOCKS5 replies %v: %v", rep, err)
	}
	c.SetDeadline(time.Time{})
	return c, nil
}

func (c *echoConn) roundTrip() error {
	c.n++
	msg := fmt.Sprintf("ping %d\n", c.n)
	c.SetDeadline(time.Now().Add(10 * time.Second))
	defer c.SetDeadline(time.Time{})
	if _, err := io.WriteString(c, msg); err != nil {
		return err
	}
	got, err := c.r.ReadString('\n')
	if err == nil && got != msg {
		err = fmt.Errorf("echo %q, want %q", got, msg)
	}
	return err
}

// check fails the test unless the connection still carries data.
func (c *echoConn) check(t *testing.T, what string) {
	t.Helper()
	if err := c.roundTrip(); err != nil {
		t.Errorf("after %s: the connection made before stopped: %v", what, err)
	}
}

// refused waits until addr refuses connections: at once for a local
// listener, once the server has acted on the cancel for a remote one.
func refused(t *testing.T, network, addr string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout(network, addr, 2*time.Second)
		if err != nil {
			return
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatalf("%s %s still accepts connections after the cancel", network, addr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
