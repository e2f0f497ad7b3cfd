package sshkeygen

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestGenerateFullTypeNames: -t takes every name OpenSSH's ssh-keygen
// takes for the types sshbox makes, attached or separate, and makes the
// key OpenSSH makes for it (type and size as OpenSSH's -l reads them).
func TestGenerateFullTypeNames(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"ssh-ed25519", "ED25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa", "rsa-sha2-256", "rsa-sha2-512"} {
		dir := t.TempDir()
		mine, theirs := filepath.Join(dir, "mine"), filepath.Join(dir, "theirs")
		must(t, sb(t, "-q", "-N", "", "-t"+name, "-f", mine), "sshbox -t"+name)
		must(t, ossh(t, "-q", "-N", "", "-t", name, "-f", theirs), "OpenSSH -t "+name)
		got := strings.Fields(must(t, ossh(t, "-l", "-f", mine+".pub"), "-l").out)
		want := strings.Fields(must(t, ossh(t, "-l", "-f", theirs+".pub"), "-l").out)
		if got[0] != want[0] || got[len(got)-1] != want[len(want)-1] {
			t.Errorf("-t %s: %v, OpenSSH made %v", name, got, want)
		}
	}
}

// TestGenerateRefusedTypes: security key types are refused with a clear
// line, unknown ones as OpenSSH words it; both exit 255 and write nothing.
func TestGenerateRefusedTypes(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"ed25519-sk":                       "FIDO security key",
		"sk-ssh-ed25519@openssh.com":       "FIDO security key",
		"foo":                              "unknown key type foo",
		"ssh-ed25519-cert-v01@openssh.com": "unknown key type ssh-ed25519-cert-v01@openssh.com",
	} {
		path := filepath.Join(t.TempDir(), "k")
		r := sb(t, "-q", "-N", "", "-t", name, "-f", path)
		if r.rc != 255 || !strings.Contains(r.err, want) || strings.Count(r.err, "\n") != 1 {
			t.Errorf("-t %s: exit %d, %q", name, r.rc, r.err)
		}
		if m, _ := filepath.Glob(path + "*"); len(m) != 0 {
			t.Errorf("-t %s wrote %v", name, m)
		}
	}
}

// TestSignCertSigAlg: with an RSA CA, -t picks the certificate's signature
// algorithm as OpenSSH's does (-L shows it); a -t naming another type than
// the CA's is refused with OpenSSH's words.
func TestSignCertSigAlg(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca")
	must(t, ossh(t, "-q", "-N", "", "-t", "rsa", "-f", ca), "CA")
	for _, alg := range []string{"rsa-sha2-256", "rsa-sha2-512", "ssh-rsa", ""} {
		user := filepath.Join(t.TempDir(), "user")
		must(t, ossh(t, "-q", "-N", "", "-t", "ed25519", "-f", user), "user key")
		args := []string{"-q", "-s", ca, "-I", "id"}
		if alg != "" {
			args = append(args, "-t"+alg)
		}
		must(t, sb(t, append(args, user+".pub")...), "sign -t "+alg)
		out := must(t, ossh(t, "-L", "-f", user+"-cert.pub"), "-L").out
		want := alg
		if want == "" {
			want = "rsa-sha2-512"
		}
		if !strings.Contains(out, "(using "+want+")") {
			t.Errorf("-s with -t %q: %s", alg, out)
		}
	}
	user := filepath.Join(t.TempDir(), "user")
	must(t, ossh(t, "-q", "-N", "", "-t", "ed25519", "-f", user), "user key")
	r := sb(t, "-q", "-s", ca, "-I", "id", "-t", "ssh-ed25519", user+".pub")
	if r.rc != 255 || r.err != "CA key type ssh-rsa doesn't match specified ssh-ed25519\n" {
		t.Errorf("mismatched -t: exit %d %q", r.rc, r.err)
	}
}
