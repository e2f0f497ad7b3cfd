package server

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sshbox/sshcore/passwd"
)

func TestRefusal(t *testing.T) {
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	os.Mkdir(home, 0o755)
	shell := filepath.Join(dir, "shell")
	os.WriteFile(shell, []byte("#!/bin/sh\n"), 0o755)
	noexec := filepath.Join(dir, "noexec")
	os.WriteFile(noexec, []byte("#!/bin/sh\n"), 0o644)
	shadow := filepath.Join(dir, "shadow")
	os.WriteFile(shadow, []byte("ok:*:19000:0:99999:7:::\nlocked:!$y$j9T$x:19000:0:99999:7:::\nexpired:*:19000:0:99999:7::20000:\nfuture:*:19000:0:99999:7::99999:\n"), 0o600)
	pw := filepath.Join(dir, "passwd")
	var lines string
	for _, n := range []string{"ok", "future", "locked", "expired"} {
		lines += n + ":x:1000:1000::/home/" + n + ":/bin/sh\n"
	}
	os.WriteFile(pw, []byte(lines), 0o644)
	db := &passwd.DB{PasswdFile: pw, ShadowFile: shadow}
	now := time.Unix(20001*86400, 0)
	cases := []struct {
		name, home, shell, want string
	}{
		{"ok", home, shell, ""},
		{"future", home, shell, ""},
		{"unlisted", home, shell, ""},
		{"locked", home, shell, whyLocked},
		{"expired", home, shell, whyExpired},
		{"ok", home, filepath.Join(dir, "missing"), "shell " + filepath.Join(dir, "missing") + " does not exist"},
		{"ok", home, noexec, "is not executable"},
		{"ok", home, dir, "is not executable"},
		{"ok", filepath.Join(dir, "nohome"), shell, "home directory " + filepath.Join(dir, "nohome") + " does not exist"},
	}
	for _, c := range cases {
		a := &account{Name: c.name, Home: c.home, Shell: c.shell}
		if pa, err := db.Lookup(c.name); err == nil {
			a.entry = pa
		}
		got := refusal(a, now)
		if got == "" {
			got = homeRefusal(a)
		}
		if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("%s (home %s, shell %s): %q, want %q", c.name, c.home, c.shell, got, c.want)
		}
	}
}

// While the nologin file exists only root logs in (OpenSSH's do_nologin,
// pam_nologin).
func TestRefusalNologin(t *testing.T) {
	dir := t.TempDir()
	old := nologinFiles
	nologinFile := filepath.Join(dir, "nologin")
	nologinFiles = []string{filepath.Join(dir, "absent"), nologinFile}
	t.Cleanup(func() { nologinFiles = old })
	os.WriteFile(filepath.Join(dir, "shell"), []byte("#!/bin/sh\n"), 0o755)
	user := &account{Name: "u", UID: 1000, Home: dir, Shell: filepath.Join(dir, "shell")}
	root := &account{Name: "root", UID: 0, Home: dir, Shell: filepath.Join(dir, "shell")}
	if got := refusal(user, time.Now()); got != "" {
		t.Fatalf("no nologin file: %q", got)
	}
	os.WriteFile(nologinFile, []byte("maintenance\n"), 0o644)
	if got := refusal(user, time.Now()); got != nologinFile+" exists" {
		t.Errorf("user with nologin: %q", got)
	}
	if got := refusal(root, time.Now()); got != "" {
		t.Errorf("root with nologin: %q", got)
	}
}

func TestLookupAccount(t *testing.T) {
	a, err := lookupAccount(passwd.System(), "root")
	if err != nil || a.UID != 0 || a.Home == "" || a.Shell == "" {
		t.Fatalf("root: %+v %v", a, err)
	}
	for _, bad := range []string{"", "a/b", "x:y", "sbx-no-such-user"} {
		if _, err := lookupAccount(passwd.System(), bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestExpandAuthKeysPath(t *testing.T) {
	a := &account{Name: "alice", UID: 1001, Home: "/home/alice"}
	for in, want := range map[string]string{
		".ssh/authorized_keys":    "/home/alice/.ssh/authorized_keys",
		"%h/.ssh/keys":            "/home/alice/.ssh/keys",
		"/etc/ssh/keys/%u":        "/etc/ssh/keys/alice",
		"/etc/ssh/keys/%U.%%":     "/etc/ssh/keys/1001.%",
		"~/.ssh/authorized_keys2": "/home/alice/.ssh/authorized_keys2",
	} {
		if got, err := expandAuthKeysPath(in, a); err != nil || got != want {
			t.Errorf("%s: %q %v, want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"%x", "keys%"} {
		if _, err := expandAuthKeysPath(bad, a); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestStrictModes checks the authorized_keys file and its directories as
// OpenSSH does: writable by group or others, or owned by someone else,
// means the file is not read.
func TestStrictModes(t *testing.T) {
	// Other users must reach it: t.TempDir's parent is private.
	home, err := os.MkdirTemp("", "strictmodes-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(home) })
	os.Chmod(home, 0o755)
	a := &account{Name: "x", UID: uint32(os.Geteuid()), Home: home}
	ssh := filepath.Join(home, ".ssh")
	os.Mkdir(ssh, 0o700)
	keys := filepath.Join(ssh, "authorized_keys")
	os.WriteFile(keys, []byte(testPub+"\n"), 0o600)
	if recs, err := readAuthorizedKeys(keys, a, true); err != nil || len(recs) != 1 {
		t.Fatalf("good modes: %v %v", recs, err)
	}
	os.Chmod(keys, 0o620)
	if _, err := readAuthorizedKeys(keys, a, true); err == nil || !strings.Contains(err.Error(), "bad ownership or modes file") {
		t.Errorf("group-writable file: %v", err)
	}
	if _, err := readAuthorizedKeys(keys, a, false); err != nil {
		t.Errorf("StrictModes no: %v", err)
	}
	os.Chmod(keys, 0o600)
	os.Chmod(ssh, 0o777)
	if _, err := readAuthorizedKeys(keys, a, true); err == nil || !strings.Contains(err.Error(), "directory "+ssh) {
		t.Errorf("world-writable directory: %v", err)
	}
	os.Chmod(ssh, 0o700)
	other := &account{Name: "y", UID: 4242, Home: home}
	if os.Geteuid() != 0 {
		return
	}
	os.Chown(keys, 4243, 0)
	if _, err := readAuthorizedKeys(keys, other, true); err == nil {
		t.Errorf("file owned by another user was read")
	}
	big := filepath.Join(ssh, "big")
	os.WriteFile(big, make([]byte, maxAuthKeysFile+1), 0o600)
	if _, err := readAuthorizedKeys(big, a, true); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("oversized file: %v", err)
	}
	// A link to a file the user could not read himself is not read:
	// the file is opened as the user.
	os.Chmod(ssh, 0o755)
	secret := filepath.Join(ssh, "secret")
	os.WriteFile(secret, []byte(testPub+"\n"), 0o640)
	os.Chown(secret, 0, 4244)
	link := filepath.Join(ssh, "link")
	os.Symlink(secret, link)
	if _, err := readAuthorizedKeys(link, other, false); !errors.Is(err, os.ErrPermission) {
		t.Errorf("link to an unreadable file: %v", err)
	}
	if recs, err := readAuthorizedKeys(link, &account{Name: "z", UID: 4245, GID: 4244, Home: home}, false); err != nil || len(recs) != 1 {
		t.Errorf("link to a file the group may read: %v %v", recs, err)
	}
	if recs, err := readAuthorizedKeys(filepath.Join(ssh, "missing"), a, true); err != nil || recs != nil {
		t.Errorf("missing file: %v %v", recs, err)
	}
	// A link through a directory the user cannot search is not followed,
	// even to a file the user could read.
	private := filepath.Join(home, "private")
	os.Mkdir(private, 0o700)
	os.WriteFile(filepath.Join(private, "keys"), []byte(testPub+"\n"), 0o644)
	os.Symlink(filepath.Join(private, "keys"), filepath.Join(ssh, "intoprivate"))
	if _, err := readAuthorizedKeys(filepath.Join(ssh, "intoprivate"), other, false); !errors.Is(err, os.ErrPermission) {
		t.Errorf("link into an unsearchable directory: %v", err)
	}
}
