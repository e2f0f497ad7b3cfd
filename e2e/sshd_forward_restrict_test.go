package e2e

import (
	"fmt"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// Forwarding restrictions, each checked with OpenSSH's ssh on the other
// side: what a restriction forbids is refused, what it permits works.

// fwdLogin is one user with one authorized key (with options) on d.
type fwdLogin struct {
	d    *testenv.Sshbox
	u    *testenv.User
	key  string
	opts string
}

func newFwdLogin(t *testing.T, d *testenv.Sshbox, keyOptions string) *fwdLogin {
	u := testenv.NewUser(t, "")
	return &fwdLogin{d: d, u: u, key: u.AuthorizeKey(t, keyOptions), opts: keyOptions}
}

func (l *fwdLogin) args(extra ...string) []string {
	return append(append([]string{"-o", "ExitOnForwardFailure=yes"}, extra...), testenv.SSHArgs(l.key, l.d.Port, l.u.Name)...)
}

// stdioForward runs ssh -W target (a direct-tcpip channel) with "hello" on
// stdin and reports whether the echo came back.
func (l *fwdLogin) stdioForward(t *testing.T, target string) bool {
	t.Helper()
	cmd := exec.Command(testenv.NeedCmd(t, "ssh"), l.args("-W", target)...)
	cmd.Stdin = strings.NewReader("hello")
	out, _ := cmd.Output()
	return string(out) == "echo:hello"
}

// remoteForward runs ssh -N -R spec and reports whether the forwarding was
// set up: with ExitOnForwardFailure ssh exits when the server refuses it,
// and ready (polled) turns true when it was accepted. The ssh is left
// running for the test to use; it is killed at the end of the test.
func (l *fwdLogin) remoteForward(t *testing.T, spec string, ready func() bool) bool {
	t.Helper()
	p := testenv.Start(t, testenv.NeedCmd(t, "ssh"), l.args("-N", "-R", spec)...)
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.Done():
			return false
		default:
		}
		if ready() {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("-R %s: neither refused nor set up; ssh: %s\nsshd: %s", spec, p.Stderr.String(), l.d.Proc.Stderr.String())
	return false
}

func tcpOpen(addr string) func() bool {
	return func() bool {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
		}
		return err == nil
	}
}

func TestSshdForwardPermitOpen(t *testing.T) {
	t.Parallel()
	echo := echoServer(t, "echo:")
	port := echo.Addr().(*net.TCPAddr).Port
	target := fmt.Sprintf("127.0.0.1:%d", port)
	for _, c := range []struct {
		config, keyOptions, target string
		want                       bool
	}{
		{fmt.Sprintf("PermitOpen 127.0.0.1:%d", port), "", target, true},
		// Hosts compare as sent, as in OpenSSH: no name resolution.
		{fmt.Sprintf("PermitOpen 127.0.0.1:%d", port), "", fmt.Sprintf("localhost:%d", port), false},
		{fmt.Sprintf("PermitOpen 127.0.0.1:%d", port+1), "", target, false},
		{fmt.Sprintf("PermitOpen *:%d", port), "", target, true},
		{"PermitOpen 127.0.0.1:*", "", target, true},
		{"PermitOpen none", "", target, false},
		{"PermitOpen any", "", target, true},
		{"", fmt.Sprintf(`permitopen="127.0.0.1:%d"`, port), target, true},
		{"", fmt.Sprintf(`permitopen="127.0.0.1:%d"`, port+1), target, false},
		// Both lists must allow.
		{"PermitOpen 127.0.0.1:*", fmt.Sprintf(`permitopen="10.0.0.1:%d"`, port), target, false},
		{"AllowTcpForwarding local", "", target, true},
		{"AllowTcpForwarding remote", "", target, false},
		{"AllowTcpForwarding no", "", target, false},
		{"DisableForwarding yes", "", target, false},
		{"", "no-port-forwarding", target, false},
		{"", "restrict", target, false},
		{"", "restrict,port-forwarding", target, true},
	} {
		d := testenv.StartSshbox(t, c.config)
		l := newFwdLogin(t, d, c.keyOptions)
		if got := l.stdioForward(t, c.target); got != c.want {
			t.Errorf("%q, key %q: ssh -W %s forwarded %v, want %v\nsshd: %s", c.config, c.keyOptions, c.target, got, c.want, d.Proc.Stderr.String())
		}
	}
}

func TestSshdForwardPermitOpenLogged(t *testing.T) {
	t.Parallel()
	d := testenv.StartSshbox(t, "PermitOpen 127.0.0.1:1")
	l := newFwdLogin(t, d, "")
	l.stdioForward(t, "127.0.0.1:2")
	d.WaitLog(t, "to connect to host 127.0.0.1 port 2, but the request was denied.", 5*time.Second)
}

func TestSshdForwardCertificate(t *testing.T) {
	t.Parallel()
	echo := echoServer(t, "echo:")
	dir := sshdKeysDir(t)
	ca, cas := trustedUserCA(t, dir, "ed25519")
	d := testenv.StartSshbox(t, "TrustedUserCAKeys "+cas)
	for _, c := range []struct {
		opts []string
		want bool
	}{{nil, true}, {[]string{"-O", "no-port-forwarding"}, false}, {[]string{"-O", "clear", "-O", "permit-port-forwarding"}, true}} {
		u := testenv.NewUser(t, "")
		u.UnlockForKeys(t)
		l := &fwdLogin{d: d, u: u, key: userCert(t, ca, u.Name, c.opts...)}
		if got := l.stdioForward(t, echo.Addr().String()); got != c.want {
			t.Errorf("certificate %v: forwarded %v, want %v", c.opts, got, c.want)
		}
	}
}

func TestSshdForwardPermitListen(t *testing.T) {
	t.Parallel()
	echo := echoServer(t, "back:")
	for _, c := range []struct {
		config, keyOptions string
		bind               string // "" or the -R listen address
		samePort, want     bool
	}{
		{"PermitListen %d", "", "", true, true},
		{"PermitListen %d", "", "", false, false},
		{"PermitListen localhost:%d", "", "", true, true},
		{"PermitListen localhost:%d", "", "127.0.0.1", true, false},
		{"PermitListen 127.0.0.*:%d", "", "127.0.0.1", true, true},
		{"PermitListen none", "", "", true, false},
		{"", `permitlisten="%d"`, "", true, true},
		{"", `permitlisten="%d"`, "", false, false},
		{"AllowTcpForwarding remote", "", "", true, true},
		{"AllowTcpForwarding local", "", "", true, false},
		{"DisableForwarding yes", "", "", true, false},
		{"", "restrict", "", true, false},
	} {
		allowed := testenv.FreePort(t)
		rport := allowed
		if !c.samePort {
			rport = testenv.FreePort(t)
		}
		config, keyOptions := c.config, c.keyOptions
		if strings.Contains(config, "%d") {
			config = fmt.Sprintf(config, allowed)
		}
		if strings.Contains(keyOptions, "%d") {
			keyOptions = fmt.Sprintf(keyOptions, allowed)
		}
		d := testenv.StartSshbox(t, config)
		l := newFwdLogin(t, d, keyOptions)
		spec := fmt.Sprintf("%d:%s", rport, echo.Addr())
		if c.bind != "" {
			spec = c.bind + ":" + spec
		}
		if got := l.remoteForward(t, spec, tcpOpen(fmt.Sprintf("127.0.0.1:%d", rport))); got != c.want {
			t.Errorf("%q, key %q: -R %s set up %v, want %v\nsshd: %s", config, keyOptions, spec, got, c.want, d.Proc.Stderr.String())
		}
	}
}

// TestSshdForwardAgentRestrictions: DisableForwarding and
// AllowAgentForwarding no refuse ssh -A.
func TestSshdForwardAgentRestrictions(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		config string
		want   bool
	}{{"", true}, {"AllowAgentForwarding no", false}, {"DisableForwarding yes", false}} {
		d := testenv.StartSshbox(t, c.config)
		l := newFwdLogin(t, d, "")
		script := "ssh-add -q \"$1\" && shift && exec ssh -A \"$@\""
		args := append([]string{"sh", "-c", script, "sh", l.key}, testenv.SSHArgs(l.key, d.Port, l.u.Name)...)
		args = append(args, "echo ${SSH_AUTH_SOCK:-none}")
		out, _ := exec.Command(testenv.NeedCmd(t, "ssh-agent"), args...).Output()
		got := strings.TrimSpace(string(out)) != "none"
		if got != c.want {
			t.Errorf("%q: agent forwarded %v (%q), want %v", c.config, got, out, c.want)
		}
	}
}
