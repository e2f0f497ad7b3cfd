package sshkeygen

import (
	"path/filepath"
	"strings"
	"testing"
)

// Certificates signed by sshbox are read by OpenSSH, and -L prints what
// OpenSSH's -L prints.
func TestCertificatesAgreeWithOpenSSH(t *testing.T) {
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca")
	must(t, sb(t, genArgs("ed25519", "", ca, "", "ca")...), "CA keygen")
	rsaCA := filepath.Join(dir, "rsaca")
	must(t, sb(t, genArgs("rsa", "2048", rsaCA, "", "rsaca")...), "RSA CA keygen")
	user := filepath.Join(dir, "user")
	must(t, ossh(t, genArgs("ecdsa", "256", user, "", "u")...), "user keygen")
	cases := []struct {
		name string
		args []string
		want []string // in sshbox's and OpenSSH's -L
		out  string   // stderr line
	}{
		{"user", []string{"-s", ca, "-I", "alice-id", "-n", "alice,bob", "-V", "20250101:20350101", "-z", "42",
			"-O", "no-pty", "-O", "force-command=/bin/true", "-O", "source-address=127.0.0.1/32,::1/128"},
			[]string{"user certificate", "Key ID: \"alice-id\"", "Serial: 42", "force-command /bin/true",
				"source-address 127.0.0.1/32,::1/128", "permit-agent-forwarding"},
			"Signed user key " + user + "-cert.pub: id \"alice-id\" serial 42 for alice,bob valid from"},
		{"host", []string{"-s", rsaCA, "-I", "host-id", "-h", "-n", "host.example,127.0.0.1"},
			[]string{"host certificate", "(using rsa-sha2-512)", "Valid: forever", "Extensions: (none)"},
			"Signed host key " + user + "-cert.pub: id \"host-id\" serial 0 for host.example,127.0.0.1 valid forever"},
		{"clear", []string{"-s", ca, "-I", "x", "-O", "clear", "-O", "permit-pty", "-V", "always:forever"},
			[]string{"Principals: (none)", "Critical Options: (none)", "permit-pty"}, "valid forever"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := must(t, sb(t, append(c.args, user+".pub")...), "sshbox -s")
			if !strings.Contains(r.err, c.out) {
				t.Errorf("stderr %q lacks %q", r.err, c.out)
			}
			cert := user + "-cert.pub"
			want := must(t, ossh(t, "-L", "-f", cert), "OpenSSH -L").out
			got := must(t, sb(t, "-L", "-f", cert), "sshbox -L").out
			if got != want {
				t.Errorf("-L:\nsshbox:\n%s\nOpenSSH:\n%s", got, want)
			}
			for _, w := range c.want {
				if !strings.Contains(want, w) {
					t.Errorf("OpenSSH -L lacks %q:\n%s", w, want)
				}
			}
			if l, lo := sb(t, "-l", "-f", cert).out, ossh(t, "-l", "-f", cert).out; l != lo {
				t.Errorf("-l on certificate: %q vs %q", l, lo)
			}
		})
	}
	// And the other way: a certificate made by OpenSSH prints the same.
	must(t, ossh(t, "-s", ca, "-I", "o", "-n", "p1", "-O", "no-x11-forwarding", "-V", "+1w", user+".pub"), "OpenSSH -s")
	cert := user + "-cert.pub"
	if got, want := sb(t, "-L", "-f", cert).out, ossh(t, "-L", "-f", cert).out; got != want {
		t.Errorf("-L of OpenSSH's cert:\n%s\nvs\n%s", got, want)
	}
	if r := sb(t, "-s", ca, user+".pub"); r.rc == 0 {
		t.Error("signing without -I succeeded")
	}
	if r := sb(t, "-s", ca, "-I", "x", "-O", "bogus", user+".pub"); r.rc == 0 || !strings.Contains(r.err, "bogus") {
		t.Errorf("bad -O: %+v", r)
	}
}
