package sshkeygen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGenerateFormat: -m PEM and -m PKCS8 at generation write the
// container OpenSSH's ssh-keygen writes for the same type (Ed25519 always
// in OpenSSH's own), and OpenSSH reads the key back, an encrypted PEM key
// with its passphrase. An encrypted PKCS#8 key, which sshbox cannot read,
// is refused before anything is written.
func TestGenerateFormat(t *testing.T) {
	t.Parallel()
	firstLine := func(p string) string { l, _, _ := strings.Cut(readFile(t, p), "\n"); return l }
	for _, m := range []string{"PEM", "PKCS8", "pem"} {
		for _, typ := range []string{"rsa", "ecdsa", "ed25519"} {
			dir := t.TempDir()
			mine, theirs := filepath.Join(dir, "mine"), filepath.Join(dir, "theirs")
			must(t, sb(t, "-q", "-N", "", "-m"+m, "-t", typ, "-f", mine), "sshbox")
			must(t, ossh(t, "-q", "-N", "", "-m", m, "-t", typ, "-f", theirs), "OpenSSH")
			if got, want := firstLine(mine), firstLine(theirs); got != want {
				t.Errorf("-m %s -t %s: %s, OpenSSH writes %s", m, typ, got, want)
			}
			pub := must(t, ossh(t, "-y", "-f", mine), "OpenSSH -y").out
			if !strings.HasPrefix(readFile(t, mine+".pub"), strings.TrimSpace(pub)) {
				t.Errorf("-m %s -t %s: OpenSSH reads %q, .pub has %q", m, typ, pub, readFile(t, mine+".pub"))
			}
		}
	}
	enc := filepath.Join(t.TempDir(), "enc")
	must(t, sb(t, "-q", "-N", "secret1", "-m", "PEM", "-t", "ecdsa", "-f", enc), "encrypted PEM")
	if l := readFile(t, enc); !strings.Contains(l, "Proc-Type: 4,ENCRYPTED") {
		t.Errorf("encrypted PEM: %s", l)
	}
	must(t, ossh(t, "-y", "-P", "secret1", "-f", enc), "OpenSSH reads the encrypted PEM key")
	p8 := filepath.Join(t.TempDir(), "p8")
	if r := sb(t, "-q", "-N", "secret1", "-m", "PKCS8", "-t", "rsa", "-f", p8); r.rc != 1 || !strings.Contains(r.err, "encrypted PKCS#8") {
		t.Errorf("encrypted PKCS8: exit %d %q", r.rc, r.err)
	}
	if _, err := os.Stat(p8); err == nil {
		t.Error("encrypted PKCS8 wrote a key")
	}
	if r, want := sb(t, "-q", "-N", "", "-m", "bogus", "-f", p8), ossh(t, "-q", "-N", "", "-m", "bogus", "-f", p8); r != want {
		t.Errorf("-m bogus: %+v, OpenSSH %+v", r, want)
	}
}
