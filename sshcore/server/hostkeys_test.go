package server

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

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
