package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// TestSSHAddStdinOpenSSH: "ssh-add -" reads the private key from standard
// input as OpenSSH's does, for every key type, encrypted or not, among
// other files, with the passphrase from SSH_ASKPASS (remembered for the
// next file), from standard input, or nobody to give it.
func TestSSHAddStdinOpenSSH(t *testing.T) {
	dir := addKeyDir(t)
	askpass := []string{"SSH_ASKPASS=" + filepath.Join(dir, "askpass"), "SSH_ASKPASS_REQUIRE=force"}
	// Without a terminal or SSH_ASKPASS the passphrase is a line of
	// standard input, and "-" takes what follows it.
	key, err := os.ReadFile(filepath.Join(dir, "ed25519"))
	if err != nil || os.WriteFile(filepath.Join(dir, "pw+key"), append([]byte("pw\n"), key...), 0o600) != nil {
		t.Fatal(err)
	}
	compareAdd(t, dir, []addCase{
		{name: "ed25519", args: []string{"-"}, stdin: "ed25519"},
		{name: "rsa", args: []string{"-"}, stdin: "rsa"},
		{name: "ecdsa", args: []string{"-"}, stdin: "ecdsa"},
		{name: "no comment", args: []string{"-"}, stdin: "nocomment"},
		{name: "among files", args: []string{"rsa", "-", "ecdsa"}, stdin: "ed25519"},
		{name: "twice", args: []string{"-", "-"}, stdin: "ed25519"},
		{name: "quiet lifetime confirm", args: []string{"-q", "-t", "1h", "-"}, stdin: "rsa"},
		{name: "lifetime confirm", args: []string{"-c", "-t", "1h", "-"}, stdin: "rsa"},
		{name: "directory", args: []string{"-"}, stdin: "."},
		{name: "encrypted no askpass", args: []string{"-"}, stdin: "enc_ed25519"},
		{name: "encrypted askpass", args: []string{"-"}, stdin: "enc_ed25519", env: askpass},
		{name: "encrypted askpass confirm", args: []string{"-c", "-"}, stdin: "enc_rsa", env: askpass},
		{name: "passphrase remembered", args: []string{"enc_ecdsa", "-", "enc_ed25519", "ed25519"}, stdin: "enc_rsa", env: askpass},
		{name: "encrypted among files", args: []string{"-", "ed25519"}, stdin: "enc_ecdsa"},
		{name: "passphrase line then key", args: []string{"enc_ecdsa", "-"}, stdin: "pw+key"},
	})
}

// TestSSHAddStdinCertOpenSSH: a key read from standard input is named
// "(stdin)", so the certificate OpenSSH's ssh-add looks for beside it is
// "(stdin)-cert.pub" in the working directory; ordinarily there is none.
func TestSSHAddStdinCertOpenSSH(t *testing.T) {
	dir := addKeyDir(t)
	cases := []addCase{
		{name: "key", args: []string{"-"}, stdin: "ed25519"},
		{name: "key only", args: []string{"-k", "-"}, stdin: "ed25519"},
		{name: "other key", args: []string{"-"}, stdin: "rsa"},
	}
	t.Run("none", func(t *testing.T) { compareAdd(t, dir, cases) })
	data, err := os.ReadFile(filepath.Join(dir, "ed25519-cert.pub"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "(stdin)-cert.pub"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Run("(stdin)-cert.pub", func(t *testing.T) { compareAdd(t, dir, cases) })
}

// TestSSHAddDeleteStdinOpenSSH: "ssh-add -d -" removes the key of every
// line of standard input that holds one, reports the others by line
// number, and looks for no certificate; -d with a file that holds no key
// says so on stdout, as OpenSSH's ssh-add does.
func TestSSHAddDeleteStdinOpenSSH(t *testing.T) {
	dir := addKeyDir(t)
	pub := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name+".pub"))
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSuffix(string(b), "\n")
	}
	ecdsa := strings.Fields(pub("ecdsa"))
	lines := []string{
		"# a comment", "", "junk", "ssh-rsa " + strings.Fields(pub("ed25519"))[1],
		"ssh-ed25519 " + strings.Fields(pub("ed25519"))[1][:20],
		ecdsa[0] + " " + ecdsa[1], // no comment
		"  " + pub("ed25519") + "  with\tmore ",
		pub("rsa") + "\r",
		pub("enc_ed25519"), // not in the agent
	}
	if err := os.WriteFile(filepath.Join(dir, "lines"), []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "junk.pub"), []byte("junk\n"), 0o644)
	all := [][]string{{"ed25519", "rsa", "ecdsa"}}
	compareAdd(t, dir, []addCase{
		{name: "lines", setup: all, args: []string{"-d", "-"}, stdin: "lines"},
		{name: "twice", setup: all, args: []string{"-d", "-", "-"}, stdin: "rsa.pub"},
		{name: "quiet", setup: all, args: []string{"-q", "-d", "-"}, stdin: "lines"},
		{name: "none held", args: []string{"-d", "-"}, stdin: "rsa.pub"},
		{name: "empty", setup: all, args: []string{"-d", "-"}},
		{name: "among files", setup: all, args: []string{"-d", "ecdsa", "-", "junk.pub", "nonexistent"}, stdin: "rsa.pub"},
	})
}

// TestSSHAddStdinTerminal: with a terminal, the passphrase of a key read
// from standard input is asked there, as OpenSSH's ssh-add asks it.
func TestSSHAddStdinTerminal(t *testing.T) {
	dir := addKeyDir(t)
	sock := startAgent(t, testenv.Bin(t, "ssh-agent"), t.TempDir(), nil, nil)
	for name, prog := range map[string]string{"sshbox": testenv.Bin(t, "ssh-add"), "openssh": testenv.NeedCmd(t, "ssh-add")} {
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(filepath.Join(dir, "enc_ed25519"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			tm := testenv.StartTermStdin(t, f, "env", "-u", "SSH_ASKPASS", "-u", "DISPLAY", "SSH_AUTH_SOCK="+sock, prog, "-")
			at := tm.Expect(0, "Enter passphrase for (stdin): ", 20*time.Second)
			tm.Type("wrong\n")
			at = tm.Expect(at, "Bad passphrase, try again for (stdin): ", 20*time.Second)
			tm.Type("pw\n")
			tm.Expect(at, "Identity added: (stdin) (enc-ed25519)", 20*time.Second)
			if status := tm.Wait(20 * time.Second); status != 0 {
				t.Errorf("status %d\n%s", status, tm.Output())
			}
		})
	}
}
