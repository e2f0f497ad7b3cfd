package e2e

import (
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// sshd's tun@openssh.com with OpenSSH's ssh -w: PermitTunnel and the
// authorized_keys tunnel= option decide, the device is opened as the user.

// sshboxInetd is ProxyCommand text starting sshbox's sshd -i with cfg in ns.
func sshboxInetd(t *testing.T, ns *netns, cfg string) string {
	return ns.command(t, testenv.Bin(t, ""), "sshd", "-i", "-e", "-f", cfg, "-o", "PerSourcePenalties=no")
}

// openSSHTunnel starts OpenSSH's ssh -N -w spec in client, reaching the
// server through proxy, logged in as u with key.
func openSSHTunnel(t *testing.T, client *netns, proxy, key, user string, extra ...string) *testenv.Proc {
	args := append([]string{"-N", "-o", "ProxyCommand=" + proxy}, extra...)
	args = append(args, testenv.SSHArgs(key, 22, user)...)
	a := client.cmd(t, append([]string{testenv.NeedCmd(t, "ssh")}, args...)...)
	return testenv.Start(t, a[0], a[1:]...)
}

func TestSshdTunnelOpenSSHClient(t *testing.T) {
	needTun(t)
	t.Parallel()
	for _, c := range []struct {
		permit, mode, dev string
		tap, v6           bool
	}{
		{"yes", "point-to-point", "tun", false, false},
		{"point-to-point", "point-to-point", "tun", false, false},
		{"point-to-point", "point-to-point", "tun", false, true},
		{"ethernet", "ethernet", "tap", true, false},
	} {
		name := c.permit + "/" + c.mode
		if c.v6 {
			name += "/ipv6"
		}
		t.Run(name, func(t *testing.T) {
			ts := newSshboxTunnel(t, "", "PermitTunnel "+c.permit, c.dev+"7", c.dev)
			p := ts.openSSH(t, "-o", "Tunnel="+c.mode, "-w", "3:7", "-o", "ExitOnForwardFailure=yes")
			l := &tunLink{client: ts.client, server: ts.server, clientDev: c.dev + "3", serverDev: c.dev + "7", tap: c.tap, v6: c.v6, ssh: p}
			l.check(t)
		})
	}
}

// TestSshdTunnelRefused: what PermitTunnel or the key does not allow is
// refused as OpenSSH refuses it, ssh says so in OpenSSH's words, and at
// -v shows what the server told it (OpenSSH's SSH_MSG_DEBUG lines).
func TestSshdTunnelRefused(t *testing.T) {
	needTun(t)
	t.Parallel()
	const rejected, failed = "debug1: Remote: Server has rejected tunnel device forwarding", "debug1: Remote: Failed to open the tunnel device."
	for _, c := range []struct {
		config, keyOptions, mode, w, want, remote string
	}{
		{"", "", "point-to-point", "any", "refused tunnel forwarding (point-to-point)", rejected},
		{"PermitTunnel no", "", "point-to-point", "any", "refused tunnel forwarding (point-to-point)", rejected},
		{"PermitTunnel point-to-point", "", "ethernet", "any", "refused tunnel forwarding (ethernet)", rejected},
		{"PermitTunnel ethernet", "", "point-to-point", "any", "refused tunnel forwarding (point-to-point)", rejected},
		{"PermitTunnel no\nMatch User *\n\tPermitTunnel no", "", "point-to-point", "any", "refused tunnel forwarding", rejected},
		{"PermitTunnel yes", `tunnel="4"`, "point-to-point", "any:5", "the key allows only tunnel=4", failed},
	} {
		ts := newSshboxTunnel(t, c.keyOptions, c.config, "", "")
		p := ts.openSSH(t, "-o", "Tunnel="+c.mode, "-w", c.w, "-o", "ExitOnForwardFailure=yes", "-o", "LogLevel=DEBUG1")
		err, done := p.Wait(20 * time.Second)
		if !done {
			t.Fatalf("%q: ssh kept running after a refusal: %s", c.config, p.Stderr.String())
		}
		out := p.Stderr.String()
		if testenv.ExitCode(err) != 255 ||
			!strings.Contains(out, "channel 0: open failed: connect failed: open failed") ||
			!strings.Contains(out, "Tunnel forwarding failed") ||
			!strings.Contains(out, c.want) ||
			!strings.Contains(out, c.remote) {
			t.Errorf("%q key %q -w %s %s: exit %d, stderr:\n%s", c.config, c.keyOptions, c.w, c.mode, testenv.ExitCode(err), out)
		}
	}
}

// TestSshdTunnelMatch: PermitTunnel in a Match block applies to its users.
func TestSshdTunnelMatch(t *testing.T) {
	needTun(t)
	t.Parallel()
	ts := newSshboxTunnel(t, `tunnel="6"`, "PermitTunnel no\nMatch User %u\n\tPermitTunnel point-to-point", "tun6", "tun")
	p := ts.openSSH(t, "-w", "2", "-o", "ExitOnForwardFailure=yes")
	(&tunLink{client: ts.client, server: ts.server, clientDev: "tun2", serverDev: "tun6", ssh: p}).check(t)
}

// TestSshdTunnelNotPortForwarding: as in OpenSSH, DisableForwarding and
// the key's restrict and no-port-forwarding do not cover tunnel devices;
// PermitTunnel alone does (sshd_config(5), sshd(8)).
func TestSshdTunnelNotPortForwarding(t *testing.T) {
	needTun(t)
	t.Parallel()
	ts := newSshboxTunnel(t, "restrict,no-port-forwarding", "PermitTunnel yes\nDisableForwarding yes\nAllowTcpForwarding no", "tun4", "tun")
	p := ts.openSSH(t, "-w", "any:4", "-o", "ExitOnForwardFailure=yes")
	(&tunLink{client: ts.client, server: ts.server, clientDev: "tun0", serverDev: "tun4", ssh: p}).check(t)
}

// TestSshdTunnelChannelTimeout: ChannelTimeout knows a tunnel as OpenSSH
// does, tun-connection, and closes it when no packet has moved.
func TestSshdTunnelChannelTimeout(t *testing.T) {
	needTun(t)
	t.Parallel()
	ts := newSshboxTunnel(t, "", "PermitTunnel yes\nChannelTimeout session=5 tun-connection=1\nLogLevel VERBOSE", "tun1", "tun")
	p := ts.openSSH(t, "-w", "any:1")
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(p.Stderr.String(), "closing after 1 seconds of inactivity") {
		if time.Now().After(deadline) {
			t.Fatalf("the idle tunnel was not closed: %s", p.Stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// sshboxTunnelServer is sshbox's sshd (started per connection, as inetd would)
// in a network namespace of its own, and a client's namespace beside it.
type sshboxTunnelServer struct {
	client, server *netns
	user           *testenv.User
	key, proxy     string
}

// newSshboxTunnel makes the namespaces, a user whose key carries
// keyOptions, and sshd's configuration (%u in it is the user's name); with
// dev set, the server's device is made beforehand for the user.
func newSshboxTunnel(t *testing.T, keyOptions, config, dev, mode string) *sshboxTunnelServer {
	ts := &sshboxTunnelServer{client: newNetns(t), server: newNetns(t), user: testenv.NewUser(t, "")}
	ts.key = ts.user.AuthorizeKey(t, keyOptions)
	cfg, _, _ := testenv.SshboxConfig(t, strings.ReplaceAll(config, "%u", ts.user.Name))
	if dev != "" {
		ts.server.precreate(t, dev, mode, ts.user.Name)
	}
	ts.proxy = sshboxInetd(t, ts.server, cfg)
	return ts
}

// openSSH runs OpenSSH's ssh with args to the server.
func (ts *sshboxTunnelServer) openSSH(t *testing.T, args ...string) *testenv.Proc {
	return openSSHTunnel(t, ts.client, ts.proxy, ts.key, ts.user.Name, args...)
}
