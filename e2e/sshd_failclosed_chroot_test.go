package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// rootJail makes a root-owned 0755 directory in /srv (every parent of it
// root-owned and not group/world writable, as ChrootDirectory requires) and
// removes it at the end.
func rootJail(t *testing.T) string {
	t.Helper()
	testenv.NeedRoot(t)
	dir, err := os.MkdirTemp("/srv", "sbxjail")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// chown gives path to the test user.
func chown(t *testing.T, path string, u *testenv.User) {
	t.Helper()
	if err := os.Chown(path, u.UID, u.GID); err != nil {
		t.Fatal(err)
	}
}

// TestSshdFailClosedChrootSftpJail is the classic sftp-only jail (Match
// User / ChrootDirectory with %u / ForceCommand internal-sftp -d) used with
// OpenSSH's sftp: the user sees only the jail, which holds no sshbox and no
// sftp-server, cannot get /etc/passwd, and can write where the jail lets
// them, as themselves. A jail the user could write to is refused, with the
// reason in the log.
func TestSshdFailClosedChrootSftpJail(t *testing.T) {
	t.Parallel()
	base := rootJail(t)
	u := testenv.NewUser(t, "")
	bad := testenv.NewUser(t, "")
	key, badKey := u.AuthorizeKey(t, ""), bad.AuthorizeKey(t, "")
	jail := filepath.Join(base, u.Name)
	os.Mkdir(jail, 0o755)
	os.WriteFile(filepath.Join(jail, "welcome.txt"), []byte("inside the jail\n"), 0o644)
	upload := filepath.Join(jail, "upload")
	os.Mkdir(upload, 0o755)
	chown(t, upload, u)
	// bad's jail is its own to write to: refused.
	badJail := filepath.Join(base, bad.Name)
	os.Mkdir(badJail, 0o755)
	chown(t, badJail, bad)

	d := testenv.StartSshbox(t, fmt.Sprintf("Match User %s,%s\n  ChrootDirectory %s/%%u\n  ForceCommand internal-sftp -d /upload", u.Name, bad.Name, base))
	tmp := t.TempDir()
	local := filepath.Join(tmp, "up.txt")
	os.WriteFile(local, []byte("uploaded\n"), 0o644)
	stolen := filepath.Join(tmp, "passwd")
	batch := filepath.Join(tmp, "batch")
	os.WriteFile(batch, []byte(fmt.Sprintf("pwd\nls -1 /\n-get /etc/passwd %s\nput %s /upload/up.txt\nls -1 /upload\n", stolen, local)), 0o644)
	sftp := testenv.NeedCmd(t, "sftp")
	out, err := exec.Command(sftp, append(sshdFileArgs(key, d.Port), "-b", batch, u.Name+"@127.0.0.1")...).CombinedOutput()
	if err != nil {
		t.Fatalf("sftp in the jail: %v\n%s\nlog:\n%s", err, out, d.Proc.Stderr.String())
	}
	text := string(out)
	for _, want := range []string{"Remote working directory: /upload\n", "ls -1 /\n/upload\n/welcome.txt\nsftp>", `File "/etc/passwd" not found`, "/upload/up.txt"} {
		if !strings.Contains(text, want) {
			t.Errorf("sftp output lacks %q:\n%s", want, text)
		}
	}
	if _, err := os.Stat(stolen); err == nil {
		t.Errorf("/etc/passwd was fetched from the real root")
	}
	sshdOwnedBy(t, filepath.Join(upload, "up.txt"), u, []byte("uploaded\n"))

	out, err = exec.Command(sftp, append(sshdFileArgs(badKey, d.Port), "-b", batch, bad.Name+"@127.0.0.1")...).CombinedOutput()
	if err == nil {
		t.Errorf("sftp into a user-owned jail worked:\n%s", out)
	}
	d.WaitLog(t, fmt.Sprintf("bad ownership or modes for chroot directory %q", badJail), 10*time.Second)
}

// TestSshdFailClosedChrootShell: a command runs with the jail as "/" and
// as the user; a world-writable parent of the jail refuses the session.
// The jail holds the system's /bin/sh and the libraries it needs, as an
// administrator would set it up.
func TestSshdFailClosedChrootShell(t *testing.T) {
	t.Parallel()
	jail := rootJail(t)
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	copyWithLibs(t, jail, "/bin/sh")
	os.WriteFile(filepath.Join(jail, "only-in-jail"), nil, 0o644)
	d := testenv.StartSshbox(t, fmt.Sprintf("Match User %s\n  ChrootDirectory %s", u.Name, jail))
	// The account's shell is /bin/sh (testenv); dash's own builtins only.
	out, errOut, code := sshdLogin(t, d, key, u.Name, nil, nil, `cd /; echo *; echo "$PWD"; test -e /etc/passwd && echo leaked; exit 0`)
	if code != 0 || out != "bin lib lib64 only-in-jail\n/\n" && out != "bin lib only-in-jail\n/\n" || strings.Contains(out, "leaked") {
		t.Errorf("command in the jail: status %d, stdout %q, stderr %q\n%s", code, out, errOut, d.Proc.Stderr.String())
	}

	// The jail's parent made world writable: refused, naming the component.
	parent := rootJail(t)
	inner := filepath.Join(parent, "jail")
	os.Mkdir(inner, 0o755)
	os.Chmod(parent, 0o777)
	d2 := testenv.StartSshbox(t, fmt.Sprintf("ChrootDirectory %s", inner))
	if out, _, code := sshdLogin(t, d2, key, u.Name, nil, nil, "echo in"); code == 0 || strings.Contains(out, "in") {
		t.Errorf("session in an unsafe jail: status %d, %q", code, out)
	}
	d2.WaitLog(t, fmt.Sprintf("bad ownership or modes for chroot directory component %q", parent+"/"), 10*time.Second)
}

var lddPath = regexp.MustCompile(`(/\S+)\s+\(0x`)

// copyWithLibs copies a dynamically linked program and the libraries ldd
// names into the same paths under jail.
func copyWithLibs(t *testing.T, jail, prog string) {
	t.Helper()
	out, err := exec.Command("ldd", prog).CombinedOutput()
	if err != nil && !strings.Contains(string(out), "not a dynamic executable") {
		t.Fatalf("ldd %s: %v\n%s", prog, err, out)
	}
	files := []string{prog}
	for _, m := range lddPath.FindAllStringSubmatch(string(out), -1) {
		files = append(files, m[1])
	}
	for _, f := range files {
		real, err := filepath.EvalSymlinks(f)
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(real)
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(jail, f)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}
