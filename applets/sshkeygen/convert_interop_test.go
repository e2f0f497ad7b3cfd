package sshkeygen

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// RFC 4716, PKCS8 and PEM export and import agree with OpenSSH in both
// directions.
func TestExportImportAgreeWithOpenSSH(t *testing.T) {
	for _, k := range keyKinds {
		t.Run(k.name, func(t *testing.T) {
			dir := t.TempDir()
			f := filepath.Join(dir, "id")
			must(t, ossh(t, genArgs(k.typ, k.bits, f, "", "c")...), "OpenSSH keygen")
			pub := pubBody(readFile(t, f+".pub"))
			for _, format := range []string{"RFC4716", "PKCS8", "PEM"} {
				want := ossh(t, "-e", "-m", format, "-f", f+".pub")
				got := sb(t, "-e", "-m", format, "-f", f+".pub")
				if got.rc != want.rc || got.out != want.out {
					t.Errorf("-e -m %s: sshbox (%d)\n%s%s\nOpenSSH (%d)\n%s%s", format, got.rc, got.out, got.err, want.rc, want.out, want.err)
				}
				if want.rc != 0 {
					continue
				}
				// Export from the private key too.
				if p := sb(t, "-e", "-m", format, "-f", f); p.out != want.out {
					t.Errorf("-e -m %s of private key differs", format)
				}
				exp := filepath.Join(dir, "exp."+format)
				os.WriteFile(exp, []byte(got.out), 0o644)
				// OpenSSH cannot import every form it exports (EC keys
				// from -m PEM); it must treat sshbox's export as its own.
				own := ossh(t, "-i", "-m", format, "-f", exp)
				theirs := filepath.Join(dir, "theirs."+format)
				os.WriteFile(theirs, []byte(want.out), 0o644)
				if r := ossh(t, "-i", "-m", format, "-f", theirs); r.rc != own.rc || r.out != own.out {
					t.Errorf("OpenSSH imports sshbox's %s differently from its own: %+v vs %+v", format, own, r)
				}
				if own.rc == 0 && strings.TrimSpace(own.out) != pub {
					t.Errorf("OpenSSH imports sshbox's %s as %q", format, own.out)
				}
				if r := sb(t, "-i", "-m", format, "-f", theirs); r.rc != 0 || strings.TrimSpace(r.out) != pub {
					t.Errorf("sshbox imports OpenSSH's %s: %d %q %s", format, r.rc, r.out, r.err)
				}
			}
		})
	}
}

func TestImportRFC4716Variants(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "id")
	must(t, ossh(t, genArgs("rsa", "2048", f, "", "c")...), "keygen")
	pub := pubBody(readFile(t, f+".pub"))
	body := must(t, ossh(t, "-e", "-f", f+".pub"), "export").out
	lines := strings.Split(strings.TrimSpace(body), "\n")
	// An ssh2 installation's file: a long continued header, an x- header,
	// CRLF line ends.
	variant := lines[0] + "\r\nx-Private: yes\r\nComment: \"a very long comment that goes on and on \\\r\nand continues here\"\r\n" +
		strings.Join(lines[2:], "\r\n") + "\r\n"
	p := filepath.Join(dir, "v.pub")
	os.WriteFile(p, []byte(variant), 0o644)
	for name, r := range map[string]result{"sshbox": sb(t, "-i", "-f", p), "OpenSSH": ossh(t, "-i", "-f", p)} {
		if r.rc != 0 || strings.TrimSpace(r.out) != pub {
			t.Errorf("%s -i: %d %q %s", name, r.rc, r.out, r.err)
		}
	}
	bad := filepath.Join(dir, "bad.pub")
	os.WriteFile(bad, []byte(lines[0]+"\nAAAA!!!!\n"+lines[len(lines)-1]+"\n"), 0o644)
	// OpenSSH's words for what it could not decode.
	if r, want := sb(t, "-i", "-f", bad), ossh(t, "-i", "-f", bad); r != want || r.rc == 0 {
		t.Errorf("bad base64: sshbox %d %q, OpenSSH %d %q", r.rc, r.err, want.rc, want.err)
	}
}

// An ssh2 installation's private key (ssh.com format, written here by
// PuTTY's puttygen) imports exactly as OpenSSH imports it.
func TestImportSSHComPrivateKey(t *testing.T) {
	puttygen := testenv.NeedCmd(t, "puttygen")
	dir := t.TempDir()
	ppk := filepath.Join(dir, "k.ppk")
	if out, err := exec.Command(puttygen, "-t", "rsa", "-b", "2048", "-C", "vms key", "-o", ppk, "--new-passphrase", "/dev/null").CombinedOutput(); err != nil {
		t.Fatalf("puttygen: %v\n%s", err, out)
	}
	sshcom := filepath.Join(dir, "k.sshcom")
	if out, err := exec.Command(puttygen, ppk, "-O", "private-sshcom", "-o", sshcom).CombinedOutput(); err != nil {
		t.Fatalf("puttygen: %v\n%s", err, out)
	}
	pub, err := exec.Command(puttygen, ppk, "-O", "public-openssh").Output()
	if err != nil {
		t.Fatal(err)
	}
	got, want := sb(t, "-i", "-f", sshcom), ossh(t, "-i", "-f", sshcom)
	if got.rc != 0 || got.out != want.out {
		t.Fatalf("-i of ssh.com key: %d %s\n%s\nOpenSSH:\n%s", got.rc, got.err, got.out, want.out)
	}
	conv := filepath.Join(dir, "converted")
	os.WriteFile(conv, []byte(got.out), 0o600)
	if y := must(t, ossh(t, "-y", "-f", conv), "OpenSSH -y"); pubBody(y.out) != pubBody(string(pub)) {
		t.Errorf("converted key's public half %q, puttygen says %q", y.out, pub)
	}
	// A damaged file is refused with its name.
	data := readFile(t, sshcom)
	os.WriteFile(conv, []byte(strings.Replace(data, "P2/56w", "P2/56x", 1)), 0o600)
	if r := sb(t, "-i", "-f", conv); r.rc != 255 || !strings.Contains(r.err, conv) {
		t.Errorf("damaged ssh.com key: %+v", r)
	}
}
