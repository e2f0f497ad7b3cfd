package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// ssh -w (Tunnel, TunnelDevice) with sshbox's ssh against OpenSSH's sshd
// and sshbox's own, and its messages when the server refuses.

// openSSHInetd is ProxyCommand text starting OpenSSH's sshd -i with cfg in
// ns.
func openSSHInetd(t *testing.T, ns *netns, cfg string) string {
	return ns.command(t, testenv.NeedCmd(t, "sshd"), "-i", "-e", "-f", cfg)
}

// sshboxTunnel starts sshbox's ssh -N in client with extra options,
// reaching the server through proxy, logged in as user with key.
func sshboxTunnel(t *testing.T, client *netns, proxy, key, user string, extra ...string) *testenv.Proc {
	args := append([]string{"-N", "-o", "ProxyCommand=" + proxy}, extra...)
	args = append(args, testenv.SSHArgs(key, 22, user)...)
	a := client.cmd(t, append([]string{testenv.Bin(t, "ssh")}, args...)...)
	return testenv.Start(t, a[0], a[1:]...)
}

func TestSSHTunnel(t *testing.T) {
	needTun(t)
	t.Parallel()
	for _, c := range []struct {
		name, server, mode, dev string
		tap, v6                 bool
	}{
		{"openssh/point-to-point", "openssh", "point-to-point", "tun", false, false},
		{"openssh/point-to-point/ipv6", "openssh", "point-to-point", "tun", false, true},
		{"openssh/ethernet", "openssh", "ethernet", "tap", true, false},
		{"sshbox/point-to-point", "sshbox", "point-to-point", "tun", false, false},
		{"sshbox/point-to-point/ipv6", "sshbox", "point-to-point", "tun", false, true},
		{"sshbox/ethernet", "sshbox", "ethernet", "tap", true, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			client, server := newNetns(t), newNetns(t)
			u := testenv.NewUser(t, "")
			key := u.AuthorizeKey(t, "")
			var proxy string
			if c.server == "openssh" {
				cfg, _, _ := testenv.OpenSSHDConfig(t, "PermitTunnel yes")
				proxy = openSSHInetd(t, server, cfg)
			} else {
				cfg, _, _ := testenv.SshboxConfig(t, "PermitTunnel yes")
				proxy = sshboxInetd(t, server, cfg)
			}
			server.precreate(t, c.dev+"1", c.dev, u.Name)
			p := sshboxTunnel(t, client, proxy, key, u.Name, "-o", "Tunnel="+c.mode, "-w", "any:1", "-o", "ExitOnForwardFailure=yes")
			l := &tunLink{client: client, server: server, clientDev: c.dev + "0", serverDev: c.dev + "1", tap: c.tap, v6: c.v6, ssh: p}
			l.check(t)
		})
	}
}

// TestSSHTunnelRefused: a refusal is OpenSSH's lines, and exit status 255
// with ExitOnForwardFailure; without it ssh stays.
func TestSSHTunnelRefused(t *testing.T) {
	needTun(t)
	t.Parallel()
	for _, c := range []struct {
		server, config, mode string
	}{
		{"openssh", "PermitTunnel no", "point-to-point"},
		{"openssh", "PermitTunnel point-to-point", "ethernet"},
		{"sshbox", "PermitTunnel no", "point-to-point"},
		{"sshbox", "PermitTunnel point-to-point", "ethernet"},
	} {
		client, server := newNetns(t), newNetns(t)
		u := testenv.NewUser(t, "")
		key := u.AuthorizeKey(t, "")
		var proxy string
		if c.server == "openssh" {
			cfg, _, _ := testenv.OpenSSHDConfig(t, c.config)
			proxy = openSSHInetd(t, server, cfg)
		} else {
			cfg, _, _ := testenv.SshboxConfig(t, c.config)
			proxy = sshboxInetd(t, server, cfg)
		}
		p := sshboxTunnel(t, client, proxy, key, u.Name, "-o", "Tunnel="+c.mode, "-w", "any", "-o", "ExitOnForwardFailure=yes", "-o", "LogLevel=INFO")
		err, done := p.Wait(20 * time.Second)
		if !done {
			t.Fatalf("%s %q: ssh kept running after a refusal: %s", c.server, c.config, p.Stderr.String())
		}
		out := p.Stderr.String()
		if testenv.ExitCode(err) != 255 ||
			!strings.Contains(out, "channel 0: open failed: connect failed: open failed\r\n") ||
			!strings.Contains(out, "Tunnel forwarding failed\r\n") {
			t.Errorf("%s %q -o Tunnel=%s: exit %d, stderr:\n%s", c.server, c.config, c.mode, testenv.ExitCode(err), out)
		}
	}
}

// TestSSHTunnelLocalFailure: a local device that cannot be had is
// OpenSSH's "Tunnel device open failed." and, with ExitOnForwardFailure,
// fatal before anything else.
func TestSSHTunnelLocalFailure(t *testing.T) {
	needTun(t)
	t.Parallel()
	client, server := newNetns(t), newNetns(t)
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	cfg, _, _ := testenv.SshboxConfig(t, "PermitTunnel yes")
	// A tap named tun5 makes TUNSETIFF for a tun of that name fail.
	client.run(t, "ip", "tuntap", "add", "dev", "tun5", "mode", "tap")
	p := sshboxTunnel(t, client, sshboxInetd(t, server, cfg), key, u.Name, "-w", "5", "-o", "ExitOnForwardFailure=yes")
	err, done := p.Wait(20 * time.Second)
	if !done {
		t.Fatalf("ssh kept running: %s", p.Stderr.String())
	}
	out := p.Stderr.String()
	if testenv.ExitCode(err) != 255 || !strings.Contains(out, "Tunnel device open failed.\r\n") || !strings.Contains(out, "Could not request tunnel forwarding.\r\n") {
		t.Errorf("exit %d, stderr:\n%s", testenv.ExitCode(err), out)
	}
}

// TestSSHGTunnelMatchesOpenSSH: -w, Tunnel and TunnelDevice as ssh -G
// prints them, with OpenSSH's precedence (-w sets Tunnel only when no -o
// Tunnel came first, and its devices win over any TunnelDevice), and
// OpenSSH's refusals of bad devices.
func TestSSHGTunnelMatchesOpenSSH(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "config")
	os.WriteFile(cfg, []byte("Host *\n\tTunnel ethernet\n\tTunnelDevice 9:8\n"), 0o644)
	for _, flags := range [][]string{
		{"-w", "0"}, {"-w", "0:1"}, {"-w", "any"}, {"-w", "ANY:3"}, {"-w", "1", "-w", "2:2"},
		{"-o", "Tunnel=ethernet", "-w", "1"}, {"-w", "1", "-o", "Tunnel=ethernet"},
		{"-o", "TunnelDevice=5:6", "-w", "1"}, {"-o", "TunnelDevice=5:6"}, {"-o", "Tunnel=yes"},
		{"-o", "Tunnel=no", "-w", "3"}, {"-w", "1", "-o", "ClearAllForwardings=yes"},
		{"-F", cfg}, {"-F", cfg, "-w", "1"},
	} {
		args := append([]string{"-G"}, flags...)
		if flags[0] != "-F" {
			args = append([]string{"-F", "/dev/null"}, args...)
		}
		args = append(args, "host.invalid")
		want, err := exec.Command(testenv.NeedCmd(t, "ssh"), args...).Output()
		if err != nil {
			t.Fatalf("OpenSSH's ssh %q: %v", flags, err)
		}
		got, err := exec.Command(testenv.Bin(t, "ssh"), args...).Output()
		if err != nil || string(got) != string(want) {
			t.Errorf("%q: %v\n%s", flags, err, lineDiff(string(want), string(got)))
		}
	}
	for _, w := range []string{"x", "-1", "2147483647", "1:", ":1", "1:2:3"} {
		out, err := exec.Command(testenv.Bin(t, "ssh"), "-w", w, "host.invalid").CombinedOutput()
		if testenv.ExitCode(err) != 255 || string(out) != "Bad tun device '"+w+"'\n" {
			t.Errorf("-w %s: status %d, %q", w, testenv.ExitCode(err), out)
		}
	}
}

// TestSSHTunnelNames: the devices' names reach LocalCommand's %T on the
// client and SSH_TUNNEL in the session on the server, as in OpenSSH.
func TestSSHTunnelNames(t *testing.T) {
	needTun(t)
	t.Parallel()
	client, server := newNetns(t), newNetns(t)
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	cfg, _, _ := testenv.SshboxConfig(t, "PermitTunnel yes")
	server.precreate(t, "tun9", "tun", u.Name)
	local := filepath.Join(t.TempDir(), "local")
	remote := filepath.Join(u.Home, "remote")
	args := append([]string{"-o", "ProxyCommand=" + sshboxInetd(t, server, cfg), "-w", "any:9",
		"-o", "PermitLocalCommand=yes", "-o", "LocalCommand=echo %T >" + local},
		testenv.SSHArgs(key, 22, u.Name)...)
	a := client.cmd(t, append(append([]string{testenv.Bin(t, "ssh")}, args...), `echo "$SSH_TUNNEL" >`+remote)...)
	p := testenv.Start(t, a[0], a[1:]...)
	deadline := time.Now().Add(15 * time.Second)
	for {
		l, _ := os.ReadFile(local)
		r, _ := os.ReadFile(remote)
		if string(l) == "tun0\n" && string(r) == "tun9\n" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%%T %q, SSH_TUNNEL %q; ssh: %s", l, r, p.Stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
