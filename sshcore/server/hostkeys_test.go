package server

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"sshbox/internal/testenv"
	"sshbox/sshcore/keys"
)

// A generated host key is private (0600), loads back as the same key, and
// its .pub file names that key.
func TestGenerateHostKeyRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "state", "ssh_host_ed25519_key")
	s, err := GenerateHostKey(p)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode %04o, want 0600", st.Mode().Perm())
	}
	back, err := LoadHostKey(p)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back.PublicKey().Marshal(), s.PublicKey().Marshal()) {
		t.Error("reloaded key differs from the generated one")
	}
	pub, comment, err := keys.LoadPublicFile(p + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pub.Marshal(), s.PublicKey().Marshal()) || s.PublicKey().Type() != "ssh-ed25519" {
		t.Errorf("%s.pub holds %s, not the generated ed25519 key", p, pub.Type())
	}
	if len(comment) < 5 || comment[:5] != "root@" {
		t.Errorf("comment %q, want root@host", comment)
	}
}

// hostKeyEnv points the default host key files, the generated key and the
// state directory into a temporary directory, and collects the log.
func hostKeyEnv(t *testing.T) (dir string, logged *[]string, logf func(string, ...any)) {
	t.Helper()
	dir = t.TempDir()
	oldDefaults, oldGen := DefaultHostKeyFiles, generatedHostKey
	t.Cleanup(func() { DefaultHostKeyFiles, generatedHostKey = oldDefaults, oldGen })
	DefaultHostKeyFiles = []string{filepath.Join(dir, "etc", "ssh_host_rsa_key"), filepath.Join(dir, "etc", "ssh_host_ed25519_key")}
	generatedHostKey = DefaultHostKeyFiles[1]
	t.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	var lines []string
	return dir, &lines, func(f string, a ...any) { lines = append(lines, fmt.Sprintf(f, a...)) }
}

// TestHostKeyGenerationFailureLogged: a key that cannot be generated where
// root's sshd wants it (/etc/ssh) is logged with its path and reason, and
// the state directory's key is used instead.
func TestHostKeyGenerationFailureLogged(t *testing.T) {
	testenv.NeedRoot(t) // generation in /etc/ssh is root's
	dir, logged, logf := hostKeyEnv(t)
	// A directory not even root can create, as in a read-only /etc.
	generatedHostKey = "/proc/sshbox-no-such-dir/ssh_host_ed25519_key"
	ks, err := HostKeys(DefaultHostKeyFiles, 0, logf)
	if err != nil || len(ks) != 1 {
		t.Fatalf("HostKeys: %d keys, %v; log %q", len(ks), err, *logged)
	}
	want := "Unable to generate host key " + generatedHostKey + ": "
	found := false
	for _, l := range *logged {
		if strings.HasPrefix(l, want) && len(l) > len(want) {
			found = true
		}
	}
	if !found {
		t.Errorf("log %q lacks %q with the reason", *logged, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "state", "sshbox", "ssh_host_ed25519_key")); err != nil {
		t.Errorf("no fallback key: %v", err)
	}
}

// TestHostKeyUnusableLoggedNotReplaced: an unreadable key in the state
// directory is logged with its path and reason and left as it is; a
// configured key that is too open is logged with its path.
func TestHostKeyUnusableLoggedNotReplaced(t *testing.T) {
	dir, logged, logf := hostKeyEnv(t)
	os.WriteFile(filepath.Join(dir, "etc"), nil, 0o644)
	p := filepath.Join(dir, "state", "sshbox", "ssh_host_ed25519_key")
	os.MkdirAll(filepath.Dir(p), 0o700)
	garbage := []byte("not a key\n")
	if err := os.WriteFile(p, garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := HostKeys(DefaultHostKeyFiles, 0, logf); err == nil {
		t.Error("HostKeys succeeded with no usable key")
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, garbage) {
		t.Error("the unusable key was overwritten")
	}
	if !strings.Contains(strings.Join(*logged, "\n"), "Unable to load host key: "+p+": invalid format") {
		t.Errorf("log %q", *logged)
	}

	*logged = nil
	open := filepath.Join(dir, "open_key")
	if _, err := GenerateHostKey(open); err != nil {
		t.Fatal(err)
	}
	os.Chmod(open, 0o644)
	HostKeys([]string{open}, 0, logf)
	if os.Geteuid() == 0 && !strings.Contains(strings.Join(*logged, "\n"), "Unable to load host key: "+open+": permissions 0644 for '"+open+"' are too open") {
		t.Errorf("log %q", *logged)
	}
}

// An ssh2 installation's RSA hostkey (ssh.com's private key format) is
// served as it is.
func TestLoadHostKeySSHCom(t *testing.T) {
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "hostkey")
	if err := os.WriteFile(p, keys.MarshalSSHComPrivate(rk, "2048-bit rsa, root@vms"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := LoadHostKey(p)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := ssh.NewPublicKey(&rk.PublicKey)
	if !bytes.Equal(s.PublicKey().Marshal(), want.Marshal()) {
		t.Errorf("loaded %s, want %s", ssh.FingerprintSHA256(s.PublicKey()), ssh.FingerprintSHA256(want))
	}
}
