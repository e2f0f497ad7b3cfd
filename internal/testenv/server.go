package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Sshbox is sshbox's own sshd started for a test on a loopback port.
type Sshbox struct {
	Port       int
	Addr       string
	HostKey    string // private host key; HostKey + ".pub" is the public key
	ConfigPath string
	Proc       *Proc
}

// SshboxConfig writes an sshd_config for sshbox's sshd in a fresh directory:
// a free port on 127.0.0.1, a new ed25519 host key made by OpenSSH's
// ssh-keygen, no pid file unless extra names one, and extra appended. It returns the config path,
// the host key and the port.
func SshboxConfig(t testing.TB, extra string) (cfgPath, hostKey string, port int) {
	t.Helper()
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	hostKey = filepath.Join(dir, "ssh_host_ed25519_key")
	if out, err := exec.Command(NeedCmd(t, "ssh-keygen"), "-q", "-t", "ed25519", "-N", "", "-f", hostKey).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	port = FreePort(t)
	cfg := fmt.Sprintf("Port %d\nListenAddress 127.0.0.1\nHostKey %s\n", port, hostKey)
	if !strings.Contains(strings.ToLower(extra), "pidfile") {
		cfg += "PidFile none\n"
	}
	cfg += extra + "\n"
	cfgPath = filepath.Join(dir, "sshd_config")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfgPath, hostKey, port
}

// StartSshbox starts `sshbox sshd -D -e -f CONFIG` (see SshboxConfig) with
// extra flags, and PerSourcePenalties off unless extra names it, and
// waits until it listens. Its log is Proc.Stderr.
func StartSshbox(t testing.TB, extra string, flags ...string) *Sshbox {
	t.Helper()
	cfgPath, hostKey, port := SshboxConfig(t, extra)
	args := []string{"sshd", "-D", "-e", "-f", cfgPath}
	// The tests fail logins and probe ports on purpose, hundreds of times
	// from 127.0.0.1, which PerSourcePenalties (on by default) would soon
	// answer by refusing the address. Penalties are off unless extra
	// names the keyword (e2e's TestSshdPerSourcePenalties); a word there
	// switches them on over this "no", as in OpenSSH.
	if !strings.Contains(strings.ToLower(extra), "persourcepenalties") {
		args = append(args, "-o", "PerSourcePenalties=no")
	}
	p := Start(t, Bin(t, ""), append(args, flags...)...)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	WaitListening(t, p, 20*time.Second)
	return &Sshbox{Port: port, Addr: addr, HostKey: hostKey, ConfigPath: cfgPath, Proc: p}
}

// WaitListening waits until sshbox's sshd running as p logs that it
// listens; it fails the test if sshd exits first or takes longer than
// timeout (a bound on a hang, not a measurement).
func WaitListening(t testing.TB, p *Proc, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !strings.Contains(p.Stderr.String(), "Server listening on") {
		select {
		case <-p.Done():
			t.Fatalf("sshd exited: %s", p.Stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("sshd does not listen: %s", p.Stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// WaitLog waits until the daemon's log contains want and returns the log.
func (s *Sshbox) WaitLog(t testing.TB, want string, timeout time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		log := s.Proc.Stderr.String()
		if strings.Contains(log, want) {
			return log
		}
		if time.Now().After(deadline) {
			t.Fatalf("sshd log lacks %q after %v:\n%s", want, timeout, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// UnlockForKeys replaces the "!" useradd leaves in /etc/shadow by "*": an
// account with no password that may still log in with a key. Without PAM,
// OpenSSH (and sshbox) treat a password field starting with "!" as a
// locked account and refuse every method.
func (u *User) UnlockForKeys(t testing.TB) {
	t.Helper()
	if out, err := exec.Command("usermod", "-p", "*", u.Name).CombinedOutput(); err != nil {
		t.Fatalf("usermod -p '*' %s: %v\n%s", u.Name, err, out)
	}
}

// AuthorizeKey unlocks the account for keys (UnlockForKeys), makes a new
// ed25519 key pair with ssh-keygen in a test directory, appends its public half to the user's ~/.ssh/authorized_keys
// (with options in front, if any) and returns the private key's path.
func (u *User) AuthorizeKey(t testing.TB, options string) string {
	t.Helper()
	u.UnlockForKeys(t)
	key := OpenSSHKey(t, t.TempDir(), "ed25519")
	pub, err := os.ReadFile(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	line := string(pub)
	if options != "" {
		line = options + " " + line
	}
	p := filepath.Join(u.Home, ".ssh", "authorized_keys")
	old, _ := os.ReadFile(p)
	u.WriteFile(t, ".ssh/authorized_keys", append(old, line...), 0o600)
	return key
}

// SSHArgs are the OpenSSH client options for a non-interactive login as
// user with key to 127.0.0.1:port, trusting whatever host key it meets.
func SSHArgs(key string, port int, user string) []string {
	return []string{"-F", "none", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR",
		"-i", key, "-p", fmt.Sprint(port), "-l", user, "127.0.0.1"}
}
