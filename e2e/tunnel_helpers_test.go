package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// Tunnel forwarding (ssh -w, tun@openssh.com) between two network
// namespaces made for the test, so that no device or address touches the
// host's network: the client runs in one, and reaches its server through a
// ProxyCommand that starts the server as sshd -i in the other. Whatever
// crosses between them goes through the tunnel, which a TCP exchange with
// nc across the two tun (or tap) ends shows.

// tunAddrs are the two ends' addresses: inside the test's own namespaces
// only, never routed anywhere else.
const (
	tunClientAddr = "10.231.0.1"
	tunServerAddr = "10.231.0.2"
	// IPv6 checks the address family header's other value (OpenBSD's
	// AF_INET6, 24) on the channel.
	tunClientAddr6 = "fd31::1"
	tunServerAddr6 = "fd31::2"
)

// netns is a network namespace held open by a sleeping process.
type netns struct{ pid int }

// needTun skips when the kernel offers no tun devices.
func needTun(t *testing.T) {
	t.Helper()
	testenv.NeedRoot(t)
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		t.Skipf("no tunnel devices here: %v", err)
	}
}

func newNetns(t *testing.T) *netns {
	t.Helper()
	p := testenv.Start(t, testenv.NeedCmd(t, "unshare"), "--net", "sleep", "600")
	ns := &netns{pid: p.Cmd.Process.Pid}
	// unshare has made the namespace once the process runs sleep.
	deadline := time.Now().Add(5 * time.Second)
	self, _ := os.Readlink("/proc/self/ns/net")
	for {
		if l, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/net", ns.pid)); err == nil && l != self {
			if exe, _ := os.Readlink(fmt.Sprintf("/proc/%d/exe", ns.pid)); strings.HasSuffix(exe, "sleep") {
				return ns
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("unshare --net did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// cmd is argv run inside the namespace.
func (ns *netns) cmd(t *testing.T, argv ...string) []string {
	return append([]string{testenv.NeedCmd(t, "nsenter"), fmt.Sprintf("--net=/proc/%d/ns/net", ns.pid)}, argv...)
}

// command is shell text for ProxyCommand: argv inside the namespace, with
// a /dev/net/tun that everyone may open (a private mount namespace, so the
// host's stays as it is). Distributions make it 0666; where it is 0600, as
// on some build machines, a server that opens the device as the user, as
// OpenSSH's and sshbox's do, could not.
func (ns *netns) command(t *testing.T, argv ...string) string {
	return strings.Join(append([]string{testenv.NeedCmd(t, "unshare"), "--mount", "sh", "-c",
		`'mount -t tmpfs tmpfs /dev/net && mknod -m 666 /dev/net/tun c 10 200 && exec "$@"'`, "sh"},
		ns.cmd(t, argv...)...), " ")
}

// run runs argv in the namespace and fails the test if it fails.
func (ns *netns) run(t *testing.T, argv ...string) string {
	t.Helper()
	a := ns.cmd(t, argv...)
	out, err := exec.Command(a[0], a[1:]...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	return string(out)
}

// hasLink reports whether the namespace has the interface.
func (ns *netns) hasLink(t *testing.T, dev string) bool {
	a := ns.cmd(t, "ip", "link", "show", "dev", dev)
	return exec.Command(a[0], a[1:]...).Run() == nil
}

// precreate makes a persistent device owned by user, as an administrator
// does for a user other than root: the server opens it as that user
// (OpenSSH's "the permissions of the selected tun(4) device must allow
// access to the user").
func (ns *netns) precreate(t *testing.T, dev, mode, user string) {
	t.Helper()
	ns.run(t, "ip", "tuntap", "add", "dev", dev, "mode", mode, "user", user)
}

// waitLink waits for the device to appear (ssh makes its end before it
// asks for the server's).
func (ns *netns) waitLink(t *testing.T, dev string, p *testenv.Proc) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !ns.hasLink(t, dev) {
		select {
		case <-p.Done():
			t.Fatalf("ssh ended before %s appeared: %s", dev, p.Stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not appear; ssh: %s", dev, p.Stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// address puts addr on dev and brings it up: a peer address for a tun
// (point-to-point), a /24 for a tap; an IPv6 address as a /64, without
// duplicate address detection's wait.
func (ns *netns) address(t *testing.T, dev, addr, peer string, tap bool) {
	t.Helper()
	switch {
	case strings.Contains(addr, ":"):
		ns.run(t, "ip", "addr", "add", addr+"/64", "dev", dev, "nodad")
	case tap:
		ns.run(t, "ip", "addr", "add", addr+"/24", "dev", dev)
	default:
		ns.run(t, "ip", "addr", "add", addr, "peer", peer, "dev", dev)
	}
	ns.run(t, "ip", "link", "set", dev, "up")
}

// tunLink is one tunnel under test: the client's namespace and device, the
// server's, and the client process.
type tunLink struct {
	client, server       *netns
	clientDev, serverDev string
	tap                  bool
	v6                   bool // IPv6 instead of IPv4
	ssh                  *testenv.Proc
}

// check configures both ends and shows that TCP crosses: nc listening on
// the server's tunnel address, nc connecting from the client's namespace,
// retried while the channel comes up.
func (l *tunLink) check(t *testing.T) {
	t.Helper()
	l.client.waitLink(t, l.clientDev, l.ssh)
	deadline := time.Now().Add(15 * time.Second)
	for !l.server.hasLink(t, l.serverDev) {
		if time.Now().After(deadline) {
			t.Fatalf("server's %s did not appear; ssh: %s", l.serverDev, l.ssh.Stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	clientAddr, serverAddr := tunClientAddr, tunServerAddr
	if l.v6 {
		clientAddr, serverAddr = tunClientAddr6, tunServerAddr6
	}
	l.client.address(t, l.clientDev, clientAddr, serverAddr, l.tap)
	l.server.address(t, l.serverDev, serverAddr, clientAddr, l.tap)
	nc := testenv.NeedCmd(t, "nc")
	a := l.server.cmd(t, nc, "-n", "-l", serverAddr, "7777")
	listener := testenv.Start(t, a[0], a[1:]...)
	for {
		c := l.client.cmd(t, "sh", "-c", fmt.Sprintf("echo through-the-tunnel | %s -n -N -w 2 %s 7777", nc, serverAddr))
		if err := exec.Command(c[0], c[1:]...).Run(); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing crossed the tunnel; ssh: %s", l.ssh.Stderr.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	if _, done := listener.Wait(5 * time.Second); !done || !strings.Contains(listener.Stdout.String(), "through-the-tunnel") {
		t.Fatalf("the server's end got %q", listener.Stdout.String())
	}
}
