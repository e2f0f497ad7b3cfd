package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sshbox/configfmt"
	"sshbox/internal/testenv"
)

// hostBlock is an ssh_config naming the test server "target".
func (e *sshEnv) hostBlock() []string {
	return []string{
		"Host target",
		"  HostName 127.0.0.1",
		fmt.Sprintf("  Port %d", e.port),
		"  User " + e.user.Name,
		"  IdentityFile " + e.key,
		"  UserKnownHostsFile " + e.kh,
		"  GlobalKnownHostsFile /dev/null",
		"  BatchMode yes",
	}
}

func TestSSHConfigFile(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	cfg := filepath.Join(e.home, "config")
	os.WriteFile(cfg, []byte(strings.Join(e.hostBlock(), "\n")+"\n"), 0o600)
	stdout, stderr, status := e.run(nil, "-F", cfg, "-v", "target", "echo", "from-config")
	if status != 0 || stdout != "from-config\n" {
		t.Fatalf("status %d, stdout %q, stderr:\n%s", status, stdout, stderr)
	}
	if !strings.Contains(stderr, "debug1: Reading configuration data "+cfg) {
		t.Errorf("-v does not say which file it read:\n%s", stderr)
	}
	// -G prints the effective options; the command line beats the file.
	stdout, _, status = e.run(nil, "-F", cfg, "-G", "-p", "2222", "target")
	for _, want := range []string{"hostname 127.0.0.1\n", "port 2222\n", "user " + e.user.Name + "\n", "batchmode yes\n"} {
		if status != 0 || !strings.Contains(stdout, want) {
			t.Errorf("-G (status %d) lacks %q:\n%s", status, want, stdout)
		}
	}
}

// TestSSHConfigFileVAR: a configuration copied in binary from OpenVMS
// (variable-length records) is read like a Unix one.
func TestSSHConfigFileVAR(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	cfg := filepath.Join(e.home, "SSH2_CONFIG.")
	os.WriteFile(cfg, configfmt.Encode(e.hostBlock(), configfmt.VAR), 0o600)
	stdout, stderr, status := e.run(nil, "-F", cfg, "target", "echo", "from-vms")
	if status != 0 || stdout != "from-vms\n" {
		t.Fatalf("status %d, stdout %q, stderr:\n%s", status, stdout, stderr)
	}
}

func TestSSHConfigErrors(t *testing.T) {
	e := &sshEnv{t: t, home: t.TempDir()}
	bad := filepath.Join(e.home, "config")
	os.WriteFile(bad, []byte("Host x\n  NoSuchKeyword 1\n"), 0o600)
	_, stderr, status := e.run(nil, "-F", bad, "x", "true")
	if status != 255 || !strings.Contains(stderr, bad+":2") {
		t.Errorf("status %d, stderr %q; want 255 naming %s:2", status, stderr, bad)
	}
	_, stderr, status = e.run(nil, "-F", filepath.Join(e.home, "missing"), "x", "true")
	if status != 255 || !strings.Contains(stderr, "Can't open user config file") {
		t.Errorf("status %d, stderr %q", status, stderr)
	}
}

// TestSSHAgainstSshbox: the client against sshbox's own server, and
// ProxyJump through it to OpenSSH's.
func TestSSHAgainstSshbox(t *testing.T) {
	box := testenv.StartSshbox(t, "")
	e := newEnv(t, box.Port, box.HostKey+".pub")
	checkCommands(t, e)

	target := testenv.StartOpenSSHD(t, "")
	tpub := strings.Fields(string(readFile(t, target.HostKey+".pub")))
	kh := string(readFile(t, e.kh)) + fmt.Sprintf("[127.0.0.1]:%d %s %s\n", target.Port, tpub[0], tpub[1])
	os.WriteFile(e.kh, []byte(kh), 0o600)
	args := []string{"-F", "/dev/null", "-i", e.key, "-o", "UserKnownHostsFile=" + e.kh, "-o", "BatchMode=yes",
		"-J", fmt.Sprintf("%s@127.0.0.1:%d", e.user.Name, box.Port),
		"-p", fmt.Sprint(target.Port), e.dest(), "echo", "through-sshbox"}
	stdout, stderr, status := e.run(nil, args...)
	if status != 0 || stdout != "through-sshbox\n" {
		t.Errorf("ProxyJump through sshbox: status %d, stdout %q, stderr:\n%s", status, stdout, stderr)
	}
}

func TestSSHProxyJumpTwoHops(t *testing.T) {
	e, jump, _ := twoServers(t)
	jump2 := testenv.StartOpenSSHD(t, "")
	pub := strings.Fields(string(readFile(t, jump2.HostKey+".pub")))
	kh := string(readFile(t, e.kh)) + fmt.Sprintf("[127.0.0.1]:%d %s %s\n", jump2.Port, pub[0], pub[1])
	os.WriteFile(e.kh, []byte(kh), 0o600)
	hops := fmt.Sprintf("%s@127.0.0.1:%d,ssh://%s@127.0.0.1:%d", e.user.Name, jump.Port, e.user.Name, jump2.Port)
	stdout, stderr, status := e.run(nil, append(e.base(), "-o", "BatchMode=yes", "-J", hops, e.dest(), "echo", "two-hops")...)
	if status != 0 || stdout != "two-hops\n" {
		t.Errorf("status %d, stdout %q, stderr:\n%s", status, stdout, stderr)
	}
}

// TestSSHProxyJumpFromConfig: ProxyJump names a Host block; the hop gets
// that block's HostName, Port and User from the same file.
func TestSSHProxyJumpFromConfig(t *testing.T) {
	e, jump, target := twoServers(t)
	cfg := filepath.Join(e.home, "config")
	text := fmt.Sprintf(`Host hop
  HostName 127.0.0.1
  Port %d
  User %s
Host target
  HostName 127.0.0.1
  Port %d
  User %s
  ProxyJump hop
Host *
  IdentityFile %s
  UserKnownHostsFile %s
  GlobalKnownHostsFile /dev/null
  BatchMode yes
`, jump.Port, e.user.Name, target.Port, e.user.Name, e.key, e.kh)
	os.WriteFile(cfg, []byte(text), 0o600)
	stdout, stderr, status := e.run(nil, "-F", cfg, "target", "echo", "configured-jump")
	if status != 0 || stdout != "configured-jump\n" {
		t.Fatalf("status %d, stdout %q, stderr:\n%s", status, stdout, stderr)
	}
	if !strings.Contains(jump.Proc.Stderr.String(), "Accepted publickey for "+e.user.Name) {
		time.Sleep(500 * time.Millisecond)
		if !strings.Contains(jump.Proc.Stderr.String(), "Accepted publickey for "+e.user.Name) {
			t.Errorf("the hop saw no login:\n%s", jump.Proc.Stderr.String())
		}
	}
}

// TestSSHCanonicalizeHostname: with CanonicalizeHostname, "ssh web" whose
// name resolves as web.example.test connects under that name (its Host
// block gives the port, known_hosts is read under it); with
// CanonicalizeFallbackLocal no, a name that resolves under no domain ends
// ssh. OpenSSH's ssh on the same command line does the same. Names come
// from a hosts file mounted over /etc/hosts in a mount namespace of the
// test's own.
func TestSSHCanonicalizeHostname(t *testing.T) {
	unshare := testenv.NeedCmd(t, "unshare")
	e, d := openSSHEnv(t, "")
	dir := t.TempDir()
	hosts := filepath.Join(dir, "hosts")
	// glibc looks names up with their final dot, as OpenSSH asks for
	// them; Go's resolver takes either.
	os.WriteFile(hosts, []byte("127.0.0.1 localhost\n127.0.0.1 web.example.test web.example.test.\n"), 0o644)
	cfg := filepath.Join(dir, "config")
	os.WriteFile(cfg, []byte(fmt.Sprintf("Host web.example.test\n  Port %d\n  User %s\n", d.Port, e.user.Name)), 0o644)
	pub := strings.Fields(string(readFile(t, d.HostKey+".pub")))
	os.WriteFile(e.kh, []byte(fmt.Sprintf("[web.example.test]:%d %s %s\n", d.Port, pub[0], pub[1])), 0o600)
	run := func(prog string, args ...string) (string, string, int) {
		full := append([]string{"--mount", "sh", "-c", `mount --bind "$0" /etc/hosts && exec "$@"`, hosts, prog,
			"-F", cfg, "-i", e.key, "-o", "UserKnownHostsFile=" + e.kh, "-o", "GlobalKnownHostsFile=/dev/null",
			"-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes"}, args...)
		return e.runProg(unshare, nil, nil, full...)
	}
	for _, prog := range []string{testenv.Bin(t, "ssh"), testenv.NeedCmd(t, "ssh")} {
		stdout, stderr, status := run(prog, "-o", "CanonicalizeHostname=yes", "-o", "CanonicalDomains=other.test example.test", "web", "echo", "canonical")
		if status != 0 || stdout != "canonical\n" {
			t.Errorf("%s: status %d, stdout %q, stderr %q", prog, status, stdout, stderr)
		}
		if _, _, status := run(prog, "-o", "CanonicalDomains=example.test", "web", "true"); status != 255 {
			t.Errorf("%s: connected without CanonicalizeHostname: status %d", prog, status)
		}
		_, stderr, status = run(prog, "-o", "CanonicalizeHostname=yes", "-o", "CanonicalDomains=other.test", "-o", "CanonicalizeFallbackLocal=no", "web", "true")
		if status != 255 || !strings.Contains(stderr, `Could not resolve host "web"`) {
			t.Errorf("%s: FallbackLocal no: status %d, stderr %q", prog, status, stderr)
		}
	}
}
