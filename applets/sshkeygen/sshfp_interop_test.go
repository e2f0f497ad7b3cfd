package sshkeygen

import (
	"path/filepath"
	"testing"
)

// TestSSHFPMatchesOpenSSH: -r prints what OpenSSH's ssh-keygen prints for
// the same key, in both formats, from a public or a private key file, and
// refuses a file that holds no key as it does.
func TestSSHFPMatchesOpenSSH(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, typ := range []string{"ed25519", "ecdsa", "rsa"} {
		key := filepath.Join(dir, typ)
		must(t, ossh(t, "-q", "-N", "", "-t", typ, "-f", key), "key")
		for _, args := range [][]string{
			{"-r", "host.example", "-f", key + ".pub"},
			{"-rhost.example", "-g", "-f" + key + ".pub"},
			{"-r", "h", "-f", key},
		} {
			want := must(t, ossh(t, args...), "OpenSSH").out
			got := must(t, sb(t, args...), "sshbox").out
			if got != want {
				t.Errorf("ssh-keygen %q:\n%s\nOpenSSH:\n%s", args, got, want)
			}
		}
	}
	r := sb(t, "-r", "h", "-f", "/etc/passwd")
	want := ossh(t, "-r", "h", "-f", "/etc/passwd")
	if r.rc != want.rc || r.out != "" {
		t.Errorf("-f /etc/passwd: exit %d %q %q, OpenSSH exit %d", r.rc, r.out, r.err, want.rc)
	}
}
