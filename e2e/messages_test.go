package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"sshbox/internal/testenv"
)

// goInternal matches texts that come from Go or its libraries rather than
// from a message written for users.
var goInternal = regexp.MustCompile(`strconv\.|\.tmp-|(^|\n)EOF($|\n)|(open|stat|read|listen) (/|tcp)|flag provided|flag needs|invalid value "|%!|panic|goroutine |ssh: (no key found|handshake failed|unable to authenticate|overflow|ssh:)|\*[a-z]+\.[A-Z]`)

// TestMessagesNameWhatAndWhy runs each applet with bad flags, missing and
// unreadable files and corrupt keys, as a user without privileges (so that
// "unreadable" means it), and checks the first line of what it says: it
// names the argument or file and the reason, the status is the program's,
// and no Go-internal text reaches the user.
func TestMessagesNameWhatAndWhy(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	dir := filepath.Join(u.Home, "m")
	os.MkdirAll(dir, 0o755)
	os.Chown(dir, u.UID, u.GID)
	write := func(name, data string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(data), mode)
		os.Chmod(p, mode)
		os.Chown(p, u.UID, u.GID)
		return p
	}
	corrupt := write("corrupt_key", "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n", 0o600)
	junk := write("junk_key", "not a key at all\n", 0o600)
	secret := write("secret", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOr4MIkpd21w+8haDpcxvrNyv+WPf031jnJjEcVIsfjb\n", 0o600)
	os.Chown(secret, 0, 0) // root's, 0600: unreadable for the user
	missing := filepath.Join(dir, "missing")
	pub := write("key.pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOr4MIkpd21w+8haDpcxvrNyv+WPf031jnJjEcVIsfjb\n", 0o644)
	ro := filepath.Join(dir, "ro") // root's, not writable by the user
	os.Mkdir(ro, 0o555)
	for _, c := range []struct {
		applet string
		args   []string
		status int
		want   string // in the first line
	}{
		{"ssh", []string{"-Z"}, 255, "unknown option -- Z"},
		{"ssh", []string{"-p"}, 255, "option requires an argument -- p"},
		{"ssh", []string{"-p", "abc", "host"}, 255, "Bad port 'abc'"},
		{"ssh", []string{"-F", missing, "host"}, 255, missing + ": No such file or directory"},
		{"ssh", []string{"-i", missing, "-o", "BatchMode=yes", "-p", "1", "127.0.0.1", "true"}, 255,
			"Warning: Identity file " + missing + " not accessible: No such file or directory."},
		{"sshd", []string{"-Z"}, 1, "sshd: unknown option -- Z"},
		{"sshd", []string{"-p", "abc"}, 1, "Bad port number."},
		{"sshd", []string{"-f", missing, "-t"}, 255, missing + ": No such file or directory"},
		{"sshd", []string{"-f", secret, "-t"}, 255, secret + ": Permission denied"},
		{"sshd", []string{"-f", os.DevNull, "-t", "-h", junk}, 1, "Unable to load host key: " + junk + ": invalid format"},
		{"sshd", []string{"-f", os.DevNull, "-t", "-h", missing}, 1, "Unable to load host key: " + missing + ": No such file or directory"},
		{"sshd", []string{"-f", os.DevNull, "-t", "-o", "Port=abc"}, 255, `Port: Bad port "abc"`},
		{"ssh-keygen", []string{"-Z"}, 1, "unknown option -- Z"},
		{"ssh-keygen", []string{"-l", "-f", missing}, 255, missing + ": No such file or directory"},
		{"ssh-keygen", []string{"-l", "-f", secret}, 255, secret + ": Permission denied"},
		{"ssh-keygen", []string{"-y", "-f", secret}, 255, `Load key "` + secret + `": Permission denied`},
		// OpenSSH's words: OpenSSL's failure, once its own format failed.
		{"ssh-keygen", []string{"-y", "-f", corrupt}, 255, `Load key "` + corrupt + `": error in libcrypto`},
		{"ssh-keygen", []string{"-l", "-f", junk}, 255, junk + " is not a public key file."},
		{"ssh-keygen", []string{"-i", "-f", secret}, 255, secret + ": Permission denied"},
		{"ssh-keygen", []string{"-t", "nope", "-f", missing}, 255, "unknown key type nope"},
		{"known-hosts", []string{"-Z"}, 1, "known-hosts: unknown option -- Z"},
		{"known-hosts", []string{"-f", missing, "add", "[myhost:22", secret}, 1, `invalid host "[myhost:22": missing "]"`},
		{"known-hosts", []string{"-f", missing, "add", "h", secret}, 1, secret + ": Permission denied"},
		{"known-hosts", []string{"-f", missing, "add", "h", missing}, 1, missing + ": No such file or directory"},
		{"known-hosts", []string{"-f", missing, "add", "h", junk}, 1, junk + ": invalid format"},
		{"known-hosts", []string{"-f", filepath.Join(ro, "kh"), "add", "h", pub}, 1, filepath.Join(ro, "kh") + ": Permission denied"},
		{"ssh-keygen", []string{"-q", "-t", "ed25519", "-N", "", "-f", filepath.Join(ro, "key")}, 1,
			`Saving key "` + filepath.Join(ro, "key") + `" failed: Permission denied`},
		{"sftp-server", []string{"-Z"}, 1, "sftp-server: unknown option -- Z"},
		{"dropbearkey", []string{"-y", "-f", secret}, 1, "Failed reading '" + secret + "': Permission denied"},
		{"dropbearkey", []string{"-y", "-f", junk}, 1, "Failed reading '" + junk + "': invalid format"},
		{"dropbear", []string{"-p"}, 1, "Missing argument for -p"},
	} {
		cmd := exec.Command(testenv.Bin(t, c.applet), c.args...)
		cmd.Dir = dir
		cmd.Env = []string{"HOME=" + u.Home, "PATH=/usr/bin:/bin", "USER=" + u.Name}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(u.UID), Gid: uint32(u.GID)}}
		out, err := cmd.CombinedOutput()
		first, _, _ := strings.Cut(string(out), "\n")
		name := c.applet + " " + strings.Join(c.args, " ")
		if got := testenv.ExitCode(err); got != c.status {
			t.Errorf("%s: status %d, want %d\n%s", name, got, c.status, out)
		}
		if !strings.Contains(first, c.want) {
			t.Errorf("%s: first line %q, want it to say %q\n%s", name, first, c.want, out)
		}
		if m := goInternal.FindString(string(out)); m != "" {
			t.Errorf("%s: Go-internal text %q in:\n%s", name, m, out)
		}
	}
}
