package sshkeygen

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSignLoadsAsOpenSSH: -s and a KRL's -s CA find their public keys as
// OpenSSH's sshkey_load_public does: FILE.pub for a missing FILE, a
// private key's stored half; a certificate's comment is the key file's,
// its name when it has none, "(null)" for a private key's; a key not
// found is a fatal line with the loader's one reason.
func TestSignLoadsAsOpenSSH(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	must(t, ossh(t, genArgs("ed25519", "", p("ca"), "", "ca")...), "CA keygen")
	must(t, ossh(t, genArgs("ed25519", "", p("nc"), "", "")...), "keygen")
	must(t, ossh(t, genArgs("ed25519", "", p("k"), "", "cmt")...), "keygen")
	must(t, ossh(t, genArgs("ed25519", "", p("lone"), "", "priv")...), "keygen")
	os.Remove(p("lone.pub"))
	for from, to := range map[string]string{"k.pub": "only.pub", "ca.pub": "caonly.pub"} {
		data, err := os.ReadFile(p(from))
		if err != nil || os.WriteFile(p(to), data, 0o644) != nil {
			t.Fatal(err)
		}
	}
	run := func(keygen func(*testing.T, ...string) result, args ...string) string {
		r := keygen(t, args...)
		out := fmt.Sprintf("rc %d, stdout %q, stderr %q", r.rc, r.out, r.err)
		for _, c := range []string{"nc", "k", "only", "lone", "nothing"} {
			if data, err := os.ReadFile(p(c + "-cert.pub")); err == nil {
				f := strings.SplitN(strings.TrimSpace(string(data)), " ", 3)
				out += fmt.Sprintf(", %s-cert.pub comment %q", c, f[len(f)-1])
				os.Remove(p(c + "-cert.pub"))
			}
		}
		os.Remove(p("krl"))
		return out
	}
	for _, args := range [][]string{
		{"-s", p("ca"), "-I", "x", p("nc.pub")},
		{"-s", p("ca"), "-I", "x", p("nc")},
		{"-s", p("ca"), "-I", "x", p("k")},
		{"-s", p("ca"), "-I", "x", p("only")},
		{"-s", p("ca"), "-I", "x", p("lone")},
		{"-s", p("ca"), "-I", "x", p("nothing")},
		{"-s", p("ca"), "-I", "x", p("k.pub"), p("nothing"), p("nc.pub")},
		{"-k", "-f", p("krl"), "-s", p("caonly"), p("k.pub")},
		{"-k", "-f", p("krl"), "-s", p("nothing"), p("k.pub")},
		{"-k", "-f", p("krl"), "-s", p("ca"), p("k.pub")},
	} {
		if got, want := run(sb, args...), run(ossh, args...); got != want {
			t.Errorf("ssh-keygen %q\nsshbox:  %s\nOpenSSH: %s", args, got, want)
		}
	}
}
