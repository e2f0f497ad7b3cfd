package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// TestAppletsAttachedValues drives the applets the way OpenSSH's own
// regression scripts do: values glued to their letters and full key type
// names. ssh-keygen -tssh-ed25519 makes the keys, sshd runs as
// "sshd -D -e -f/cfg -p4242 -E/log -oLogLevel=VERBOSE", and sshbox's ssh
// logs in with "-p4242 -lUSER -i/key -oUserKnownHostsFile=...".
func TestAppletsAttachedValues(t *testing.T) {
	t.Parallel()
	keygen := testenv.Bin(t, "ssh-keygen")
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	hostKey := filepath.Join(dir, "host")
	if out, err := exec.Command(keygen, "-q", "-tecdsa-sha2-nistp384", "-N", "", "-f"+hostKey).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -tecdsa-sha2-nistp384: %v\n%s", err, out)
	}
	u := testenv.NewUser(t, "")
	u.UnlockForKeys(t)
	home := t.TempDir()
	key := filepath.Join(home, "id")
	if out, err := exec.Command(keygen, "-qtssh-ed25519", "-N", "", "-C", "attached", "-f"+key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen -qtssh-ed25519: %v\n%s", err, out)
	}
	u.Authorize(t, key+".pub")
	port := testenv.FreePort(t)
	cfg := filepath.Join(dir, "sshd_config")
	os.WriteFile(cfg, []byte(fmt.Sprintf("ListenAddress 127.0.0.1\nHostKey %s\nHostKeyAlgorithms ecdsa-sha2-nistp384\nPidFile none\n", hostKey)), 0o644)
	logFile := filepath.Join(dir, "log")
	sshd := testenv.Start(t, testenv.Bin(t, "sshd"), "-De", "-f"+cfg, fmt.Sprintf("-p%d", port), "-E"+logFile, "-oLogLevel=VERBOSE")
	testenv.WaitPort(t, fmt.Sprintf("127.0.0.1:%d", port), 20*time.Second)
	kh := testenv.KnownHosts(t, home, port, hostKey+".pub")
	cmd := exec.Command(testenv.Bin(t, "ssh"), "-F/dev/null", fmt.Sprintf("-p%d", port), "-l"+u.Name, "-i"+key,
		"-oUserKnownHostsFile="+kh, "-oBatchMode=yes", "127.0.0.1", "id", "-un")
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != u.Name {
		t.Fatalf("ssh: %v %q\nsshd: %s", err, out, sshd.Stderr.String())
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		log, _ := os.ReadFile(logFile)
		if strings.Contains(string(log), "Accepted publickey for "+u.Name) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("-E%s does not have the login:\n%s", logFile, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestSshdLoadsOpenSSH10Config: sshd -t loads Debian's stock sshd_config
// and a configuration that uses every keyword of OpenSSH 10's
// sshd_config(5) (configfmt/testdata/openssh10_sshd_config).
func TestSshdLoadsOpenSSH10Config(t *testing.T) {
	t.Parallel()
	for _, cfg := range []string{"/etc/ssh/sshd_config", "../configfmt/testdata/openssh10_sshd_config"} {
		out, err := exec.Command(testenv.Bin(t, "sshd"), "-t", "-f"+cfg).CombinedOutput()
		if err != nil {
			t.Errorf("sshd -t -f%s: %v\n%s", cfg, err, out)
		}
	}
}
